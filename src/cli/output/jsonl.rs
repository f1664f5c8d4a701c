//! `--format jsonl`: one JSON object per sentence, with its source (and id), written
//! as soon as its line is classified.

use super::format::{flush_if_drained, io, Document, Format, ModelInfo};
use factop::model::{Explanation, Summary};
use factop::stream::Line;
use factop::{Label, Result};
use serde::Serialize;
use std::io::Write;

/// The part of a jsonl record that is the same for every sentence of a document: its
/// source, id and model. It is serialised once per document; each record is this
/// prefix, then [`JsonlTail`] without its opening brace.
#[derive(Serialize)]
struct JsonlHead<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    model: &'a ModelInfo,
}

/// The rest of a jsonl record: the fields of [`factop::model::SentenceResult`] in its
/// order (spelled out rather than `#[serde(flatten)]`, which serialises through a map
/// and is several times slower).
#[derive(Serialize)]
struct JsonlTail<'a> {
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
    /// The current document's record prefix: `{"source":…,"model":{…},`.
    head: Vec<u8>,
    /// One record's tail, reused.
    tail: Vec<u8>,
}

impl<W: Write> Jsonl<W> {
    /// A JSON Lines writer on `out`.
    pub fn new(out: W) -> Self {
        Jsonl {
            out,
            head: Vec::new(),
            tail: Vec::new(),
        }
    }
}

impl<W: Write> Format for Jsonl<W> {
    fn begin(&mut self, _run: &ModelInfo) -> Result<()> {
        Ok(())
    }

    fn begin_document(&mut self, doc: &Document) -> Result<()> {
        let head = JsonlHead {
            source: &doc.source,
            id: doc.id.as_ref(),
            model: &doc.model,
        };
        self.head.clear();
        serde_json::to_writer(&mut self.head, &head).map_err(|e| io(e.into()))?;
        // `{...}` becomes `{...,`: the tail's fields follow.
        self.head.pop();
        self.head.push(b',');
        Ok(())
    }

    fn line(&mut self, _doc: &Document, line: &Line<'_>) -> Result<()> {
        for s in line.sentences {
            let tail = JsonlTail {
                index: s.index,
                start: s.start,
                end: s.end,
                text: &s.text,
                label: s.label,
                opinion_probability: s.opinion_probability,
                explanation: s.explanation.as_ref(),
            };
            self.tail.clear();
            serde_json::to_writer(&mut self.tail, &tail).map_err(|e| io(e.into()))?;
            self.tail.push(b'\n');
            self.out.write_all(&self.head).map_err(io)?;
            self.out.write_all(&self.tail[1..]).map_err(io)?;
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
