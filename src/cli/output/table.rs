//! `--format table`: one line per sentence (index, label, P(opinion), text), the
//! explanation under it, and a summary per document.

use super::format::{flush_if_drained, io, Document, Format, ModelInfo};
use crate::cli::safe::shown;
use factop::model::{Contribution, Explanation, Summary};
use factop::stream::Line;
use factop::Result;
use std::io::Write;

/// The table writer.
pub struct Table<W> {
    out: W,
    several: bool,
}

impl<W: Write> Table<W> {
    /// A table on `out`; `several` inputs get a heading each.
    pub fn new(out: W, several: bool) -> Self {
        Table { out, several }
    }
}

/// The explanation on one line: `opinion: a +0.12, b +0.05 | fact: c -0.30`.
pub fn explanation_line(e: &Explanation) -> String {
    let side = |xs: &[Contribution]| {
        if xs.is_empty() {
            "-".to_string()
        } else {
            xs.iter()
                .map(|c| format!("{} {:+.2}", shown(&c.feature), c.contribution))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    format!("opinion: {} | fact: {}", side(&e.opinion), side(&e.fact))
}

/// The heading of a document when a run has several (or ids): `== NAME ==`.
pub fn heading(out: &mut impl Write, doc: &Document) -> Result<()> {
    let gap = if doc.number == 1 { "" } else { "\n" };
    writeln!(out, "{gap}== {} ==", shown(&doc.name())).map_err(io)
}

/// The summary line of a document.
pub fn summary_line(out: &mut impl Write, source: &str, summary: &Summary) -> Result<()> {
    writeln!(
        out,
        "{}: {} sentences, {} fact, {} opinion ({:.1}% opinion)",
        shown(source),
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

    fn line(&mut self, _doc: &Document, line: &Line<'_>) -> Result<()> {
        for s in line.sentences {
            writeln!(
                self.out,
                "{:>4}  {:<7}  {:>5.2}  {}",
                s.index,
                s.label,
                s.opinion_probability,
                shown(&s.text)
            )
            .map_err(io)?;
            if let Some(e) = &s.explanation {
                writeln!(self.out, "{:>23}{}", "", explanation_line(e)).map_err(io)?;
            }
        }
        flush_if_drained(&mut self.out, line)
    }

    fn end_document(&mut self, doc: &Document, summary: &Summary) -> Result<()> {
        summary_line(&mut self.out, &doc.source, summary)
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush().map_err(io)
    }
}
