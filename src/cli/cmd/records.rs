//! The records `classify` reads when the input is not one article: JSON Lines objects,
//! CSV or TSV rows, and (with `--no-split`) the lines of a text. Each comes with its id
//! and text; bad input is an error naming the file and line.

use factop::data::TextTableOptions;
use factop::limits::{MAX_DATA_FILE_BYTES, MAX_LINE_BYTES};
use factop::stream::read_line_bounded;
use factop::{Error, Result};
use serde_json::Value;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// One input record.
#[derive(Debug, Clone)]
pub struct InputRecord {
    /// Its 1-based number among the input's records.
    pub number: u64,
    /// The 1-based line it starts on.
    pub line: u64,
    /// Its id field or column, if it has one.
    pub id: Option<Value>,
    /// Its text, exactly as given.
    pub text: String,
    /// Bytes of input it took, for the progress bar.
    pub bytes: u64,
    /// Whether the input had nothing more buffered after it: a streaming writer
    /// flushes there, so results come out while a slow pipe is still writing.
    pub drained: bool,
}

/// Where the records come from.
enum Source {
    /// Lines of text, one record each.
    Lines {
        reader: Box<dyn BufRead>,
        /// Byte offset of the next line in the input.
        offset: u64,
    },
    /// One JSON object per line (blank lines are not records).
    Jsonl {
        reader: Box<dyn BufRead>,
        text_key: String,
        /// The id key, and whether it was named (then every record must have it).
        id_key: (String, bool),
    },
    /// The rows of a CSV or TSV table, read whole.
    Table {
        rows: std::vec::IntoIter<factop::data::TextRow>,
    },
}

/// A reader of records, one at a time.
pub struct Records {
    path: PathBuf,
    source: Source,
    buf: Vec<u8>,
    /// Lines read so far.
    line: u64,
    /// Records returned so far.
    number: u64,
    /// Bytes of input read so far, and their SHA-256 when tracked (`--resume`).
    consumed: u64,
    hash: Option<sha2::Sha256>,
}

impl Consumed {
    /// A checkpoint here, with `documents` begun and a `--no-split` input's `tally`.
    pub fn checkpoint(
        &self,
        documents: usize,
        tally: super::resume::TallyCounts,
    ) -> super::resume::Checkpoint {
        super::resume::Checkpoint {
            offset: self.bytes,
            sha256: self
                .hash
                .as_ref()
                .map(super::resume::hex)
                .unwrap_or_default(),
            line: self.line,
            records: self.number,
            documents,
            tally,
            ..Default::default()
        }
    }
}

/// Where a reader of records stands: bytes of its input read (and their SHA-256 when
/// tracked), lines read, records returned.
#[derive(Debug, Clone)]
pub struct Consumed {
    pub bytes: u64,
    pub hash: Option<sha2::Sha256>,
    pub line: u64,
    pub number: u64,
}

impl Records {
    /// Each line of `reader` (without its line ending) as a record.
    pub fn lines(path: &Path, reader: Box<dyn BufRead>) -> Records {
        Records::new(path, Source::Lines { reader, offset: 0 })
    }

    /// Each JSON object of `reader`: the text from `text_key` (default `text`), the id
    /// from `id_key` (default `id`, which may be absent; a named key may not).
    pub fn jsonl(
        path: &Path,
        reader: Box<dyn BufRead>,
        text_key: Option<&str>,
        id_key: Option<&str>,
    ) -> Records {
        Records::new(
            path,
            Source::Jsonl {
                reader,
                text_key: text_key.unwrap_or("text").to_string(),
                id_key: (id_key.unwrap_or("id").to_string(), id_key.is_some()),
            },
        )
    }

    /// Each row of the CSV or TSV table at `path` (`-`: standard input), read whole and
    /// checked as [`factop::data::parse_texts`] checks it; with `track`, the SHA-256 of
    /// the whole table is its [`Records::consumed`] from the start.
    pub fn table(path: &Path, opts: &TextTableOptions, track: bool) -> Result<Records> {
        let bytes = factop::data::read_bytes(path, MAX_DATA_FILE_BYTES)?;
        let rows = factop::data::parse_texts(path, &bytes, opts)?;
        let mut records = Records::new(
            path,
            Source::Table {
                rows: rows.into_iter(),
            },
        );
        records.consumed = bytes.len() as u64;
        if track {
            use sha2::Digest;
            records.hash = Some(sha2::Sha256::new_with_prefix(&bytes));
        }
        Ok(records)
    }

    /// Continue after `at`, which an earlier run of the same input reached: the reader
    /// stands at `at.bytes` (a table skips its first `at.number` rows), lines and
    /// records are numbered after `at`'s, and reading is tracked from `at.hash` on
    /// (`None`: not tracked).
    pub fn resume_at(mut self, at: Consumed) -> Records {
        match &mut self.source {
            Source::Lines { offset, .. } => *offset = at.bytes,
            Source::Table { rows } => {
                for _ in 0..at.number {
                    rows.next();
                }
                self.number = at.number;
                return self;
            }
            Source::Jsonl { .. } => {}
        }
        self.consumed = at.bytes;
        self.hash = at.hash;
        self.line = at.line;
        self.number = at.number;
        self
    }

    /// Where reading stands.
    pub fn consumed(&self) -> Consumed {
        Consumed {
            bytes: self.consumed,
            hash: self.hash.clone(),
            line: self.line,
            number: self.number,
        }
    }

    fn new(path: &Path, source: Source) -> Records {
        Records {
            path: path.into(),
            source,
            buf: Vec::new(),
            line: 0,
            number: 0,
            consumed: 0,
            hash: None,
        }
    }

    fn bad(&self, line: u64, message: String) -> Error {
        Error::Data {
            path: self.path.clone(),
            line,
            message,
        }
    }

    /// Read one line into `buf`: `None` at the end, else whether the input is drained.
    fn read_line(&mut self) -> Result<Option<bool>> {
        let reader = match &mut self.source {
            Source::Lines { reader, .. } | Source::Jsonl { reader, .. } => reader,
            Source::Table { .. } => return Ok(None),
        };
        let line = self.line + 1;
        match read_line_bounded(reader, &mut self.buf, MAX_LINE_BYTES) {
            Ok(Some(drained)) => {
                self.line = line;
                self.consumed += self.buf.len() as u64;
                if let Some(hash) = &mut self.hash {
                    sha2::Digest::update(hash, &self.buf);
                }
                Ok(Some(drained))
            }
            Ok(None) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(Error::Limit {
                path: self.path.clone(),
                line,
                message: format!("line is longer than the limit of {MAX_LINE_BYTES} bytes"),
            }),
            Err(e) => Err(Error::io(&self.path, e)),
        }
    }

    /// The next record, or `None` at the end of the input.
    pub fn next_record(&mut self) -> Result<Option<InputRecord>> {
        match &self.source {
            Source::Lines { .. } => self.next_line(),
            Source::Jsonl { .. } => self.next_object(),
            Source::Table { .. } => Ok(self.next_row()),
        }
    }

    fn next_line(&mut self) -> Result<Option<InputRecord>> {
        let Some(drained) = self.read_line()? else {
            return Ok(None);
        };
        let bytes = self.buf.len() as u64;
        let Source::Lines { offset, .. } = &mut self.source else {
            return Ok(None);
        };
        let start = *offset;
        *offset += bytes;
        let mut body = self.buf.as_slice();
        body = body.strip_suffix(b"\n").unwrap_or(body);
        body = body.strip_suffix(b"\r").unwrap_or(body);
        // A byte-order mark is not part of the first line's text.
        let skip = if self.line == 1 && body.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let text = std::str::from_utf8(&body[skip..]).map_err(|e| Error::Utf8 {
            path: self.path.clone(),
            line: self.line,
            offset: start + (skip + e.valid_up_to()) as u64,
        })?;
        self.number += 1;
        Ok(Some(InputRecord {
            number: self.number,
            line: self.line,
            id: None,
            text: text.to_string(),
            bytes,
            drained,
        }))
    }

    fn next_object(&mut self) -> Result<Option<InputRecord>> {
        loop {
            let Some(drained) = self.read_line()? else {
                return Ok(None);
            };
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let line = self.line;
            let value: Value = serde_json::from_slice(&self.buf).map_err(|e| {
                let why = e.to_string();
                let message = if why.contains("hex escape") || why.contains("surrogate") {
                    format!(
                        "invalid \\u escape at column {}: a UTF-16 surrogate (\\ud800-\\udfff) without its pair is not a character",
                        e.column()
                    )
                } else {
                    format!("not a JSON object: {e}")
                };
                self.bad(line, message)
            })?;
            let Source::Jsonl {
                text_key,
                id_key: (id_key, id_named),
                ..
            } = &self.source
            else {
                return Ok(None);
            };
            let Value::Object(object) = value else {
                let found = match value {
                    Value::Array(_) => "an array",
                    Value::String(_) => "a string",
                    Value::Number(_) => "a number",
                    Value::Bool(_) => "a boolean",
                    _ => "null",
                };
                return Err(self.bad(line, format!("not a JSON object: found {found}")));
            };
            let text = match object.get(text_key.as_str()) {
                Some(Value::String(t)) => t.clone(),
                _ => {
                    let message = format!(
                        "object has no string field {:?}",
                        crate::cli::safe::shown(text_key)
                    );
                    return Err(self.bad(line, message));
                }
            };
            let id = object.get(id_key.as_str()).cloned();
            if id.is_none() && *id_named {
                let message = format!(
                    "object has no field {:?} (--id-column)",
                    crate::cli::safe::shown(id_key)
                );
                return Err(self.bad(line, message));
            }
            // Every output record repeats its id: a string id is as long as its text,
            // any other JSON value as long as it is written.
            let id_len = match &id {
                None => 0,
                Some(Value::String(s)) => s.len(),
                Some(v) => serde_json::to_string(v).map_or(usize::MAX, |j| j.len()),
            };
            if let Some(message) = factop::limits::id_too_long(id_len) {
                return Err(Error::Limit {
                    path: self.path.clone(),
                    line,
                    message,
                });
            }
            self.number += 1;
            return Ok(Some(InputRecord {
                number: self.number,
                line,
                id,
                text,
                bytes: self.buf.len() as u64,
                drained,
            }));
        }
    }

    fn next_row(&mut self) -> Option<InputRecord> {
        let Source::Table { rows } = &mut self.source else {
            return None;
        };
        let row = rows.next()?;
        self.number += 1;
        Some(InputRecord {
            number: self.number,
            line: row.line,
            id: row.id.map(Value::String),
            bytes: row.text.len() as u64,
            text: row.text,
            drained: false,
        })
    }
}
