//! `--format table`: one line per sentence (index, label, P(opinion), text), the
//! explanation under it (the features each way, then the sum that decided the label), and a summary per document. With `--no-split`, one line per
//! record (id, label, P(opinion), text) and a summary per input. Control characters
//! and invisible format characters (a right-to-left override, a zero-width space) in
//! sentences, ids and names are shown as visible symbols and `<U+202E>`
//! ([`visible`]), so that a line reads as the text is.

use super::explain::{reads_like_line, reasons_line, sum_line};
use super::format::{flush_if_drained, id_text, io, Document, Format, ModelInfo};
use factop::model::Summary;
use factop::pipeline::chars::visible;
use factop::stream::Line;
use factop::Result;
use std::io::Write;

/// The table writer.
pub struct Table<W> {
    out: W,
    several: bool,
    /// `--no-split`: each document is a record, one line each.
    records: Option<Inputs>,
}

/// Where a `--no-split` run is: the inputs begun so far and whether one is open.
#[derive(Debug, Default)]
pub struct Inputs {
    begun: usize,
    open: bool,
}

impl Inputs {
    /// Whether `doc` is the first record of an input (and count the input as begun).
    pub fn begins(&mut self) -> bool {
        let first = !self.open;
        if first {
            self.begun += 1;
            self.open = true;
        }
        first
    }

    /// The current input has ended.
    pub fn end(&mut self) {
        self.open = false;
    }

    /// The heading of an input of a run with several: `== SOURCE ==`.
    pub fn heading(&self, out: &mut impl Write, source: &str) -> Result<()> {
        let gap = if self.begun == 1 { "" } else { "\n" };
        writeln!(out, "{gap}== {} ==", visible(source)).map_err(io)
    }
}

impl<W: Write> Table<W> {
    /// A table on `out`; `several` inputs get a heading each; `records`: one line per
    /// `--no-split` record.
    pub fn new(out: W, several: bool, records: bool) -> Self {
        Table {
            out,
            several,
            records: records.then(Inputs::default),
        }
    }
}

/// The heading of a document when a run has several (or ids): `== NAME ==`.
pub fn heading(out: &mut impl Write, doc: &Document) -> Result<()> {
    let gap = if doc.number == 1 { "" } else { "\n" };
    writeln!(out, "{gap}== {} ==", visible(&doc.name())).map_err(io)
}

/// The summary line of a document.
pub fn summary_line(out: &mut impl Write, source: &str, summary: &Summary) -> Result<()> {
    writeln!(
        out,
        "{}: {} sentences, {} fact, {} opinion ({:.1}% opinion)",
        visible(source),
        summary.sentences,
        summary.fact,
        summary.opinion,
        summary.opinion_share * 100.0
    )
    .map_err(io)
}

impl<W: Write> Format for Table<W> {
    fn begin(&mut self, _run: &ModelInfo) -> Result<()> {
        Ok(())
    }

    fn begin_document(&mut self, doc: &Document) -> Result<()> {
        if let Some(inputs) = &mut self.records {
            if inputs.begins() {
                if self.several {
                    inputs.heading(&mut self.out, &doc.source)?;
                }
                writeln!(
                    self.out,
                    "{:>4}  {:<7}  {:>5}  sentence",
                    "id", "label", "P(op)"
                )
                .map_err(io)?;
            }
            return Ok(());
        }
        let headed = self.several || doc.id.is_some();
        if headed {
            heading(&mut self.out, doc)?;
        }
        // Every document's table has its column header (one document: only the first).
        if headed || doc.number == 1 {
            writeln!(
                self.out,
                "{:>4}  {:<7}  {:>5}  sentence",
                "#", "label", "P(op)"
            )
            .map_err(io)?;
        }
        Ok(())
    }

    fn line(&mut self, doc: &Document, line: &Line<'_>) -> Result<()> {
        let id = match (&self.records, &doc.id) {
            (Some(_), Some(id)) => Some(visible(&id_text(id)).into_owned()),
            _ => None,
        };
        for s in line.sentences {
            let index = s.index.to_string();
            writeln!(
                self.out,
                "{:>4}  {:<7}  {:>5.2}  {}",
                id.as_deref().unwrap_or(&index),
                s.label,
                s.opinion_probability,
                visible(&s.text)
            )
            .map_err(io)?;
            if let Some(e) = &s.explanation {
                writeln!(self.out, "{:>23}{}", "", reasons_line(e)).map_err(io)?;
                writeln!(self.out, "{:>23}{}", "", sum_line(e, s.label)).map_err(io)?;
                if let Some(similar) = reads_like_line(e) {
                    writeln!(self.out, "{:>23}{}", "", similar).map_err(io)?;
                }
            }
        }
        flush_if_drained(&mut self.out, line)
    }

    fn end_document(&mut self, doc: &Document, summary: &Summary) -> Result<()> {
        if self.records.is_some() {
            return Ok(());
        }
        summary_line(&mut self.out, &doc.source, summary)
    }

    fn end_input(&mut self, source: &str, summary: &Summary) -> Result<()> {
        if let Some(inputs) = &mut self.records {
            // An input without records still gets its heading and summary.
            if inputs.begins() && self.several {
                inputs.heading(&mut self.out, source)?;
            }
            inputs.end();
            summary_line(&mut self.out, source, summary)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush().map_err(io)
    }
}
