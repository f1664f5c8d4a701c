//! `--format text`: the article in reading order, opinion sentences marked (in colour
//! on a terminal, else `[OPINION p]`), then a summary per document. With `--no-split`,
//! one line per record, `ID: sentence`, marked the same way, and a summary per input.
//! With `--explain`, each line is followed by its sentences' reasons, indented: the
//! features each way and the sum that decided the label.
//! Control characters and invisible format characters are shown as in the table
//! ([`visible`]).

use super::explain::{reads_like_line, reasons_line, sum_line};
use super::format::{flush_if_drained, id_text, io, Document, Format, ModelInfo};
use super::table::{heading, summary_line, Inputs};
use factop::model::Summary;
use factop::pipeline::chars::visible;
use factop::stream::Line;
use factop::{Label, Result};
use std::io::Write;

/// The text writer.
pub struct Text<W> {
    out: W,
    colour: bool,
    several: bool,
    /// `--no-split`: each document is a record, one line each.
    records: Option<Inputs>,
}

impl<W: Write> Text<W> {
    /// A text writer on `out`, marking opinions in colour when `colour` is set;
    /// `records`: one line per `--no-split` record.
    pub fn new(out: W, colour: bool, several: bool, records: bool) -> Self {
        Text {
            out,
            colour,
            several,
            records: records.then(Inputs::default),
        }
    }
}

impl<W: Write> Format for Text<W> {
    fn begin(&mut self, _run: &ModelInfo) -> Result<()> {
        Ok(())
    }

    fn begin_document(&mut self, doc: &Document) -> Result<()> {
        if let Some(inputs) = &mut self.records {
            if inputs.begins() && self.several {
                inputs.heading(&mut self.out, &doc.source)?;
            }
            if let Some(id) = &doc.id {
                write!(self.out, "{}: ", visible(&id_text(id))).map_err(io)?;
            }
            return Ok(());
        }
        if self.several || doc.id.is_some() {
            heading(&mut self.out, doc)?;
        }
        Ok(())
    }

    fn line(&mut self, _doc: &Document, line: &Line<'_>) -> Result<()> {
        let out = &mut self.out;
        let mut pos = line.offset;
        for s in line.sentences {
            let gap = line
                .text
                .get(pos - line.offset..s.start - line.offset)
                .unwrap_or("");
            out.write_all(visible(gap).as_bytes()).map_err(io)?;
            let text = visible(&s.text);
            if s.label == Label::Opinion {
                if self.colour {
                    write!(out, "\x1b[1;33m{text}\x1b[0m").map_err(io)?;
                } else {
                    write!(out, "[OPINION {:.2}] {text}", s.opinion_probability).map_err(io)?;
                }
            } else {
                out.write_all(text.as_bytes()).map_err(io)?;
            }
            pos = s.end;
        }
        let rest = line.text.get(pos - line.offset..).unwrap_or("");
        out.write_all(visible(rest).as_bytes()).map_err(io)?;
        out.write_all(b"\n").map_err(io)?;
        // With --explain, each sentence's reasons under its line.
        for s in line.sentences {
            if let Some(e) = &s.explanation {
                writeln!(
                    out,
                    "    #{} {} {:.2}: {}\n        {}",
                    s.index,
                    s.label,
                    s.opinion_probability,
                    reasons_line(e),
                    sum_line(e, s.label)
                )
                .map_err(io)?;
                if let Some(similar) = reads_like_line(e) {
                    writeln!(out, "        {similar}").map_err(io)?;
                }
            }
        }
        flush_if_drained(out, line)
    }

    fn end_document(&mut self, doc: &Document, summary: &Summary) -> Result<()> {
        if self.records.is_some() {
            return Ok(());
        }
        writeln!(self.out).map_err(io)?;
        summary_line(&mut self.out, &doc.source, summary)
    }

    fn end_input(&mut self, source: &str, summary: &Summary) -> Result<()> {
        if let Some(inputs) = &mut self.records {
            // An input without records still gets its heading and summary.
            if inputs.begins() && self.several {
                inputs.heading(&mut self.out, source)?;
            }
            inputs.end();
            writeln!(self.out).map_err(io)?;
            summary_line(&mut self.out, source, summary)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush().map_err(io)
    }
}
