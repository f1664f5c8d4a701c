//! The interface every output format implements, and what it is told about a run.

use factop::model::{Classifier, Summary};
use factop::stream::Line;
use factop::{Error, Result};

/// The document being written.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Where it came from (a path, or `-`).
    pub source: String,
    /// Its id, for JSON Lines input.
    pub id: Option<serde_json::Value>,
    /// 1-based position in the run.
    pub number: usize,
}

impl Document {
    /// The document's name in headings: the source, with `#id` for JSON Lines input.
    pub fn name(&self) -> String {
        match &self.id {
            Some(id) => format!("{} #{id}", self.source),
            None => self.source.clone(),
        }
    }
}

/// One output format of `classify`. The calls come in this order: `begin`, then per
/// document `begin_document`, `line` for each of its lines, `end_document`; then
/// `finish`.
pub trait Format {
    /// Start the output for `model` deciding at `threshold`.
    fn begin(&mut self, model: &Classifier, threshold: f64) -> Result<()>;
    /// Start a document.
    fn begin_document(&mut self, doc: &Document) -> Result<()>;
    /// Write one line's results.
    fn line(&mut self, doc: &Document, line: &Line<'_>) -> Result<()>;
    /// Finish a document.
    fn end_document(&mut self, doc: &Document, summary: &Summary) -> Result<()>;
    /// Finish the output and flush.
    fn finish(&mut self) -> Result<()>;
}

/// An output error: standard output could not be written.
pub fn io(e: std::io::Error) -> Error {
    Error::io("-", e)
}

/// Flush `out` when the input has nothing more buffered, so that results stream out
/// while the input is still being written.
pub fn flush_if_drained(out: &mut impl std::io::Write, line: &Line<'_>) -> Result<()> {
    if line.input_drained {
        out.flush().map_err(io)?;
    }
    Ok(())
}
