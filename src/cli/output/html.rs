//! `--format html`: collects every document, then writes one self-contained page
//! ([`crate::cli::html::classify`]).

use super::format::{flush_if_drained, io, Document, Format, ModelInfo};
use crate::cli::html::classify::{render_classify, HtmlDocument};
use factop::model::{SentenceResult, Summary};
use factop::stream::Line;
use factop::Result;
use std::io::Write;

/// The HTML writer.
pub struct Html<W> {
    out: W,
    model_name: String,
    /// The models that classified the documents, in order of first use.
    used: Vec<String>,
    threshold: f64,
    text: String,
    sentences: Vec<SentenceResult>,
    docs: Vec<HtmlDocument>,
}

impl<W: Write> Html<W> {
    /// An HTML writer on `out`.
    pub fn new(out: W) -> Self {
        Html {
            out,
            model_name: String::new(),
            used: Vec::new(),
            threshold: 0.5,
            text: String::new(),
            sentences: Vec::new(),
            docs: Vec::new(),
        }
    }
}

impl<W: Write> Format for Html<W> {
    fn begin(&mut self, run: &ModelInfo) -> Result<()> {
        self.model_name = run.name.clone();
        if let Some(t) = run.threshold {
            self.threshold = t;
        }
        Ok(())
    }

    fn begin_document(&mut self, _doc: &Document) -> Result<()> {
        self.text.clear();
        self.sentences.clear();
        Ok(())
    }

    fn line(&mut self, _doc: &Document, line: &Line<'_>) -> Result<()> {
        self.text.push_str(line.text);
        self.text.push_str(line.ending);
        self.sentences.extend(line.sentences.iter().cloned());
        flush_if_drained(&mut self.out, line)
    }

    fn end_document(&mut self, doc: &Document, summary: &Summary) -> Result<()> {
        self.docs.push(HtmlDocument {
            source: doc.source.clone(),
            id: doc.id.clone(),
            text: std::mem::take(&mut self.text),
            summary: summary.clone(),
            sentences: std::mem::take(&mut self.sentences),
            language: doc.language,
            threshold: doc.model.threshold.unwrap_or(self.threshold),
        });
        if !self.used.contains(&doc.model.name) {
            self.used.push(doc.model.name.clone());
        }
        if doc.number == 1 && self.model_name == "auto" {
            self.threshold = doc.model.threshold.unwrap_or(self.threshold);
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        let name = if self.model_name == "auto" && !self.used.is_empty() {
            format!("auto ({})", self.used.join(", "))
        } else {
            self.model_name.clone()
        };
        let page = render_classify(&name, self.threshold, &self.docs);
        self.out.write_all(page.as_bytes()).map_err(io)?;
        self.out.flush().map_err(io)
    }
}
