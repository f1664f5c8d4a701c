//! Output of `classify`: table, text, json, jsonl and tsv writers.
//!
//! Machine formats (json, jsonl, tsv) are stable and documented in the README; table
//! and text are for people and may change.

use crate::cli::ClassifyFormat;
use crate::data::Label;
use crate::error::{Error, Result};
use crate::model::{Classifier, Explanation, SentenceResult};
use crate::stream::Line;
use serde::Serialize;
use std::io::Write;

/// Per-document counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Sentences.
    pub sentences: usize,
    /// Sentences labelled fact.
    pub fact: usize,
    /// Sentences labelled opinion.
    pub opinion: usize,
    /// opinion / sentences, rounded to 3 decimals (0 for an empty document).
    pub opinion_share: f64,
}

impl Summary {
    /// Count one sentence.
    pub fn add(&mut self, s: &SentenceResult) {
        self.sentences += 1;
        match s.label {
            crate::Label::Fact => self.fact += 1,
            crate::Label::Opinion => self.opinion += 1,
        }
        self.opinion_share = if self.sentences > 0 {
            (self.opinion as f64 / self.sentences as f64 * 1000.0).round() / 1000.0
        } else {
            0.0
        };
    }
}

#[derive(Serialize)]
struct ModelInfo<'a> {
    name: &'a str,
    language: &'a str,
    threshold: f64,
}

/// One jsonl record: the source and id, then the fields of [`SentenceResult`] in its
/// order (spelled out rather than `#[serde(flatten)]`, which serialises through a map
/// and is several times slower).
#[derive(Serialize)]
struct JsonlSentence<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    index: usize,
    start: usize,
    end: usize,
    text: &'a str,
    label: Label,
    opinion_probability: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<&'a Explanation>,
}

/// Writes classification results in one format.
pub struct Writer<W: Write> {
    out: W,
    format: ClassifyFormat,
    colour: bool,
    several: bool,
    documents: usize,
    source: String,
    id: Option<serde_json::Value>,
    doc_sentences: Vec<SentenceResult>,
    doc_text: String,
    html_docs: Vec<crate::html::HtmlDocument>,
    model_name: String,
    threshold: f64,
}

fn io(e: std::io::Error) -> Error {
    Error::io("-", e)
}

fn fmt_explanation(e: &Explanation) -> String {
    let side = |xs: &[crate::model::Contribution]| {
        if xs.is_empty() {
            "-".to_string()
        } else {
            xs.iter()
                .map(|c| format!("{} {:+.2}", c.feature, c.contribution))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    format!("opinion: {} | fact: {}", side(&e.opinion), side(&e.fact))
}

fn tsv_clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

impl<W: Write> Writer<W> {
    /// A writer; `colour` only matters for the text format, `several` for headings.
    pub fn new(out: W, format: ClassifyFormat, colour: bool, several: bool) -> Self {
        Writer {
            out,
            format,
            colour,
            several,
            documents: 0,
            source: String::new(),
            id: None,
            doc_sentences: Vec::new(),
            doc_text: String::new(),
            html_docs: Vec::new(),
            model_name: String::new(),
            threshold: 0.5,
        }
    }

    /// Start the output.
    pub fn begin(&mut self, model: &Classifier, threshold: f64) -> Result<()> {
        let file = model.model_file();
        self.model_name = file.name.clone();
        self.threshold = threshold;
        match self.format {
            ClassifyFormat::Json => {
                let info = ModelInfo {
                    name: &file.name,
                    language: file.features.language.code(),
                    threshold,
                };
                let info = serde_json::to_string(&info).unwrap_or_default();
                write!(self.out, "{{\"model\": {info},\n \"documents\": [").map_err(io)
            }
            ClassifyFormat::Tsv => writeln!(
                self.out,
                "source\tid\tindex\tstart\tend\tlabel\topinion_probability\ttext"
            )
            .map_err(io),
            _ => Ok(()),
        }
    }

    /// Start a document.
    pub fn begin_document(&mut self, source: &str, id: Option<&serde_json::Value>) -> Result<()> {
        self.source = source.to_string();
        self.id = id.cloned();
        self.doc_sentences.clear();
        self.doc_text.clear();
        let first = self.documents == 0;
        self.documents += 1;
        let name = match id {
            Some(id) => format!("{source} #{id}"),
            None => source.to_string(),
        };
        match self.format {
            ClassifyFormat::Table if self.several || id.is_some() => {
                writeln!(self.out, "{}== {name} ==", if first { "" } else { "\n" }).map_err(io)
            }
            ClassifyFormat::Table if first => writeln!(
                self.out,
                "{:>4}  {:<7}  {:>5}  sentence",
                "#", "label", "P(op)"
            )
            .map_err(io),
            ClassifyFormat::Text if self.several || id.is_some() => {
                writeln!(self.out, "{}== {name} ==", if first { "" } else { "\n" }).map_err(io)
            }
            _ => Ok(()),
        }
    }

    /// Write one line's results; flush when the input has no more lines buffered, so
    /// that results stream out while the input is still being written.
    pub fn line(&mut self, line: &Line<'_>) -> Result<()> {
        self.write_line(line)?;
        if line.input_drained {
            self.out.flush().map_err(io)?;
        }
        Ok(())
    }

    fn write_line(&mut self, line: &Line<'_>) -> Result<()> {
        match self.format {
            ClassifyFormat::Table => {
                for s in line.sentences {
                    writeln!(
                        self.out,
                        "{:>4}  {:<7}  {:>5.2}  {}",
                        s.index, s.label, s.opinion_probability, s.text
                    )
                    .map_err(io)?;
                    if let Some(e) = &s.explanation {
                        writeln!(self.out, "{:>23}{}", "", fmt_explanation(e)).map_err(io)?;
                    }
                }
                Ok(())
            }
            ClassifyFormat::Text => self.text_line(line),
            ClassifyFormat::Json => {
                self.doc_sentences.extend(line.sentences.iter().cloned());
                Ok(())
            }
            ClassifyFormat::Html => {
                self.doc_text.push_str(line.text);
                self.doc_text.push_str(line.ending);
                self.doc_sentences.extend(line.sentences.iter().cloned());
                Ok(())
            }
            ClassifyFormat::Jsonl => {
                for s in line.sentences {
                    let rec = JsonlSentence {
                        source: &self.source,
                        id: self.id.as_ref(),
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
                Ok(())
            }
            ClassifyFormat::Tsv => {
                let id = self.id.as_ref().map(|v| match v {
                    serde_json::Value::String(s) => tsv_clean(s),
                    other => other.to_string(),
                });
                for s in line.sentences {
                    writeln!(
                        self.out,
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        tsv_clean(&self.source),
                        id.as_deref().unwrap_or(""),
                        s.index,
                        s.start,
                        s.end,
                        s.label,
                        s.opinion_probability,
                        tsv_clean(&s.text)
                    )
                    .map_err(io)?;
                }
                Ok(())
            }
        }
    }

    fn text_line(&mut self, line: &Line<'_>) -> Result<()> {
        let mut pos = line.offset;
        for s in line.sentences {
            let gap = line
                .text
                .get(pos - line.offset..s.start - line.offset)
                .unwrap_or("");
            self.out.write_all(gap.as_bytes()).map_err(io)?;
            if s.label == crate::Label::Opinion {
                if self.colour {
                    write!(self.out, "\x1b[1;33m{}\x1b[0m", s.text).map_err(io)?;
                } else {
                    write!(
                        self.out,
                        "[OPINION {:.2}] {}",
                        s.opinion_probability, s.text
                    )
                    .map_err(io)?;
                }
            } else {
                self.out.write_all(s.text.as_bytes()).map_err(io)?;
            }
            pos = s.end;
        }
        let rest = line.text.get(pos - line.offset..).unwrap_or("");
        self.out.write_all(rest.as_bytes()).map_err(io)?;
        self.out.write_all(b"\n").map_err(io)
    }

    /// Finish a document.
    pub fn end_document(&mut self, summary: &Summary) -> Result<()> {
        match self.format {
            ClassifyFormat::Table | ClassifyFormat::Text => writeln!(
                self.out,
                "{}{}: {} sentences, {} fact, {} opinion ({:.1}% opinion)",
                if self.format == ClassifyFormat::Text {
                    "\n"
                } else {
                    ""
                },
                self.source,
                summary.sentences,
                summary.fact,
                summary.opinion,
                summary.opinion_share * 100.0
            )
            .map_err(io),
            ClassifyFormat::Json => {
                #[derive(Serialize)]
                struct Doc<'a> {
                    source: &'a str,
                    #[serde(skip_serializing_if = "Option::is_none")]
                    id: Option<&'a serde_json::Value>,
                    summary: &'a Summary,
                    sentences: &'a [SentenceResult],
                }
                let doc = Doc {
                    source: &self.source,
                    id: self.id.as_ref(),
                    summary,
                    sentences: &self.doc_sentences,
                };
                let sep = if self.documents > 1 { "," } else { "" };
                write!(self.out, "{sep}\n  ").map_err(io)?;
                serde_json::to_writer(&mut self.out, &doc).map_err(|e| io(e.into()))
            }
            ClassifyFormat::Html => {
                self.html_docs.push(crate::html::HtmlDocument {
                    source: self.source.clone(),
                    id: self.id.clone(),
                    text: std::mem::take(&mut self.doc_text),
                    summary: summary.clone(),
                    sentences: std::mem::take(&mut self.doc_sentences),
                });
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Finish the output and flush.
    pub fn finish(&mut self) -> Result<()> {
        if self.format == ClassifyFormat::Json {
            writeln!(self.out, "\n]}}").map_err(io)?;
        }
        if self.format == ClassifyFormat::Html {
            let page =
                crate::html::render_classify(&self.model_name, self.threshold, &self.html_docs);
            self.out.write_all(page.as_bytes()).map_err(io)?;
        }
        self.out.flush().map_err(io)
    }
}
