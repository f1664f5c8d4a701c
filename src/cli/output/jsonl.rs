//! `--format jsonl`: one JSON object per sentence, with its source (and id), written
//! as soon as its line is classified.

use super::format::{flush_if_drained, io, Document, Format, ModelInfo};
use factop::model::{Explanation, Summary};
use factop::stream::Line;
use factop::{Label, Result};
use serde::Serialize;
use std::io::Write;

/// One jsonl record: the source and id, then the fields of
/// [`factop::model::SentenceResult`] in its order (spelled out rather than
/// `#[serde(flatten)]`, which serialises through a map and is several times slower).
#[derive(Serialize)]
struct JsonlSentence<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    model: &'a ModelInfo,
    index: usize,
    start: usize,
    end: usize,
    text: &'a str,
    label: Label,
    opinion_probability: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<&'a Explanation>,
}

/// The JSON Lines writer.
pub struct Jsonl<W> {
    out: W,
}

impl<W: Write> Jsonl<W> {
    /// A JSON Lines writer on `out`.
    pub fn new(out: W) -> Self {
        Jsonl { out }
    }
}

impl<W: Write> Format for Jsonl<W> {
    fn begin(&mut self, _run: &ModelInfo) -> Result<()> {
        Ok(())
    }

    fn begin_document(&mut self, _doc: &Document) -> Result<()> {
        Ok(())
    }

    fn line(&mut self, doc: &Document, line: &Line<'_>) -> Result<()> {
        for s in line.sentences {
            let rec = JsonlSentence {
                source: &doc.source,
                id: doc.id.as_ref(),
                model: &doc.model,
                index: s.index,
                start: s.start,
                end: s.end,
                text: &s.text,
                label: s.label,
                opinion_probability: s.opinion_probability,
                explanation: s.explanation.as_ref(),
            };
            serde_json::to_writer(&mut self.out, &rec).map_err(|e| io(e.into()))?;
            self.out.write_all(b"\n").map_err(io)?;
        }
        flush_if_drained(&mut self.out, line)
    }

    fn end_document(&mut self, _doc: &Document, _summary: &Summary) -> Result<()> {
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush().map_err(io)
    }
}
