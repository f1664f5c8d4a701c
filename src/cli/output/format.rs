//! The interface every output format implements, and what it is told about a run.

use factop::model::{Classifier, Summary};
use factop::stream::Line;
use factop::{Error, Result};
use serde::Serialize;

/// The model that classified a document (or, for a run, the one named by `--model`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModelInfo {
    /// The model's name (`factop-en`), or `auto` for a run that picks per document.
    pub name: String,
    /// Its language code (`en`), or `auto`.
    pub language: String,
    /// The decision threshold in use (for a run under `auto`: `--threshold` if given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
}

impl ModelInfo {
    /// A model deciding at `threshold`.
    pub fn of(model: &Classifier, threshold: f64) -> Self {
        ModelInfo {
            name: model.model_file().name.clone(),
            language: model.language().code().to_string(),
            threshold: Some(threshold),
        }
    }
}

/// The document being written.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Where it came from (a path, or `-`).
    pub source: String,
    /// Its id, for JSON Lines input.
    pub id: Option<serde_json::Value>,
    /// 1-based position in the run.
    pub number: usize,
    /// The model that classified it.
    pub model: ModelInfo,
    /// Its language, as the model's.
    pub language: Option<factop::Language>,
}

/// An id as people read it: a string without its quotes, anything else as JSON.
pub fn id_text(id: &serde_json::Value) -> String {
    match id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
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
/// `finish`. With `--no-split`, `end_input` follows the last document of each input.
pub trait Format {
    /// Start the output of a run with the model `--model` named.
    fn begin(&mut self, run: &ModelInfo) -> Result<()>;
    /// Start a document.
    fn begin_document(&mut self, doc: &Document) -> Result<()>;
    /// Write one line's results.
    fn line(&mut self, doc: &Document, line: &Line<'_>) -> Result<()>;
    /// Finish a document.
    fn end_document(&mut self, doc: &Document, summary: &Summary) -> Result<()>;
    /// With `--no-split`, where each record is a document of one sentence: the input
    /// `source` has ended, with these counts over its records. Human formats print them
    /// here; the others have printed each record already.
    fn end_input(&mut self, _source: &str, _summary: &Summary) -> Result<()> {
        Ok(())
    }
    /// Finish the output and flush.
    fn finish(&mut self) -> Result<()>;
    /// Hand everything written so far to the writer below and flush it, so that the
    /// output holds every record written (for a checkpoint of `--resume`). Formats that
    /// write whole documents (json, html, table, text) need not.
    fn flush(&mut self) -> Result<()> {
        Ok(())
    }
}

/// An output error, naming the file written (`-` for standard output).
pub fn io(e: std::io::Error) -> Error {
    factop::io::output_error(e)
}

/// Flush `out` when the input has nothing more buffered, so that results stream out
/// while the input is still being written.
pub fn flush_if_drained(out: &mut impl std::io::Write, line: &Line<'_>) -> Result<()> {
    if line.input_drained {
        out.flush().map_err(io)?;
    }
    Ok(())
}
