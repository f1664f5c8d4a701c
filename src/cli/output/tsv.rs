//! `--format tsv`: a header row, then one row per sentence, written with the `csv`
//! crate. Tabs and line breaks inside a field become spaces, so every row is one line of
//! eight fields; a field that holds a `"` is quoted as RFC 4180 quotes it (in double
//! quotes, each `"` doubled), so that `pandas.read_csv(path, sep="\t")` and Python's
//! `csv` module read back exactly the text written, even one that starts with a quote.

use super::format::{io, Document, Format, ModelInfo};
use factop::model::Summary;
use factop::stream::Line;
use factop::Result;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

/// The TSV writer.
pub struct Tsv<W: Write> {
    out: csv::Writer<W>,
    /// The probability's text, reused from row to row.
    probability: String,
}

impl<W: Write> Tsv<W> {
    /// A TSV writer on `out`.
    pub fn new(out: W) -> Self {
        let out = csv::WriterBuilder::new()
            .delimiter(b'\t')
            .quote_style(csv::QuoteStyle::Necessary)
            .has_headers(false)
            .from_writer(out);
        Tsv {
            out,
            probability: String::new(),
        }
    }

    fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(io)
    }
}

/// A field with its tabs and line breaks replaced by spaces.
fn field(s: &str) -> Cow<'_, str> {
    if s.contains(['\t', '\n', '\r']) {
        Cow::Owned(s.replace(['\t', '\n', '\r'], " "))
    } else {
        Cow::Borrowed(s)
    }
}

/// The csv writer's error as an output error, keeping the operating system's error
/// (and so its kind: a closed pipe is not a failure) when there is one.
fn csv_error(e: csv::Error) -> factop::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(os) => io(os),
        kind => io(std::io::Error::other(format!("{kind:?}"))),
    }
}

impl<W: Write> Format for Tsv<W> {
    fn begin(&mut self, _run: &ModelInfo) -> Result<()> {
        self.out
            .write_record([
                "source",
                "id",
                "index",
                "start",
                "end",
                "label",
                "opinion_probability",
                "text",
            ])
            .map_err(csv_error)
    }

    fn begin_document(&mut self, _doc: &Document) -> Result<()> {
        Ok(())
    }

    fn line(&mut self, doc: &Document, line: &Line<'_>) -> Result<()> {
        let id = match &doc.id {
            Some(serde_json::Value::String(s)) => field(s).into_owned(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let source = field(&doc.source);
        let (mut index, mut start, mut end) = (
            itoa::Buffer::new(),
            itoa::Buffer::new(),
            itoa::Buffer::new(),
        );
        for s in line.sentences {
            self.probability.clear();
            write!(self.probability, "{}", s.opinion_probability)
                .map_err(|e| io(std::io::Error::other(e)))?;
            self.out
                .write_record([
                    source.as_ref(),
                    &id,
                    index.format(s.index),
                    start.format(s.start),
                    end.format(s.end),
                    s.label.as_str(),
                    &self.probability,
                    &field(&s.text),
                ])
                .map_err(csv_error)?;
        }
        if line.input_drained {
            self.flush()?;
        }
        Ok(())
    }

    fn end_document(&mut self, _doc: &Document, _summary: &Summary) -> Result<()> {
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.flush()
    }

    fn flush(&mut self) -> Result<()> {
        Tsv::flush(self)
    }
}
