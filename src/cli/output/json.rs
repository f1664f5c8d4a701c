//! `--format json`: one JSON document, `{"model": {...}, "documents": [...]}`, each
//! document with its source, id, summary and sentences (see the README).

use super::format::{flush_if_drained, io, Document, Format, ModelInfo};
use factop::model::{SentenceResult, Summary};
use factop::stream::Line;
use factop::Result;
use serde::Serialize;
use std::io::Write;

/// The JSON writer: holds one document's sentences at a time.
pub struct Json<W> {
    out: W,
    sentences: Vec<SentenceResult>,
}

impl<W: Write> Json<W> {
    /// A JSON writer on `out`.
    pub fn new(out: W) -> Self {
        Json {
            out,
            sentences: Vec::new(),
        }
    }
}

fn json_error(e: serde_json::Error) -> factop::Error {
    io(e.into())
}

impl<W: Write> Format for Json<W> {
    fn begin(&mut self, run: &ModelInfo) -> Result<()> {
        let info = serde_json::to_string(run).map_err(json_error)?;
        write!(self.out, "{{\"model\": {info},\n \"documents\": [").map_err(io)
    }

    fn begin_document(&mut self, _doc: &Document) -> Result<()> {
        self.sentences.clear();
        Ok(())
    }

    fn line(&mut self, _doc: &Document, line: &Line<'_>) -> Result<()> {
        self.sentences.extend(line.sentences.iter().cloned());
        flush_if_drained(&mut self.out, line)
    }

    fn end_document(&mut self, doc: &Document, summary: &Summary) -> Result<()> {
        #[derive(Serialize)]
        struct Doc<'a> {
            source: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            id: Option<&'a serde_json::Value>,
            model: &'a ModelInfo,
            summary: &'a Summary,
            sentences: &'a [SentenceResult],
        }
        let json = Doc {
            source: &doc.source,
            id: doc.id.as_ref(),
            model: &doc.model,
            summary,
            sentences: &self.sentences,
        };
        let sep = if doc.number > 1 { "," } else { "" };
        write!(self.out, "{sep}\n  ").map_err(io)?;
        serde_json::to_writer(&mut self.out, &json).map_err(json_error)
    }

    fn finish(&mut self) -> Result<()> {
        writeln!(self.out, "\n]}}").map_err(io)?;
        self.out.flush().map_err(io)
    }
}
