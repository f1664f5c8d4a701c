//! Labelled data: reading CSV and TSV files of sentences with `fact`/`opinion` labels.
//!
//! A header row is required. The text column is `text`, else `sentence` (or a name given
//! with [`DataOptions::text_column`]); the label column is `label`; an id column (`id` or
//! `sentence_id`) is kept. TSV (`.tsv`, `.tab`, or [`Delimiter::Tab`]) is read with
//! quoting off, so the CheckThat! files load as they are. Rows whose text is empty are
//! skipped and counted in [`Dataset::skipped_empty`].
//!
//! A row may stop before the header's last columns when the columns it lacks are ones
//! factop does not read (the English CheckThat! dev file has rows without its optional
//! `solved_conflict` column); a row without its text, label or id field, or with more
//! fields than the header, is an error naming the file and line. Label values other
//! than factop's own can be mapped with a [`LabelMap`] (`--label-map 1=opinion,0=fact`).
//!
//! [`parse_texts`] reads a table of unlabelled texts (`classify --input-format
//! csv|tsv`) by the same rules.

use crate::error::{Error, Result};
use crate::label::Label;
use crate::limits::MAX_DATA_FILE_BYTES;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Field separator of a data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// Comma, with CSV quoting.
    Comma,
    /// Tab, with quoting off.
    Tab,
}

impl Delimiter {
    /// Every delimiter, in the order the command line lists them.
    pub const ALL: [Delimiter; 2] = [Delimiter::Comma, Delimiter::Tab];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma",
            Delimiter::Tab => "tab",
        }
    }

    /// What it means, in one line.
    pub fn about(self) -> &'static str {
        match self {
            Delimiter::Comma => "Comma, with CSV quoting",
            Delimiter::Tab => "Tab, with quoting off",
        }
    }
}

/// How to read a data file. Defaults: delimiter from the extension, columns by name.
#[derive(Debug, Clone, Default)]
pub struct DataOptions {
    /// Force a delimiter (default: tab for `.tsv`/`.tab`, else comma).
    pub delimiter: Option<Delimiter>,
    /// Name of the text column (default: `text`, else `sentence`).
    pub text_column: Option<String>,
    /// Name of the label column (default: `label`).
    pub label_column: Option<String>,
    /// Label values mapped to labels, consulted before the built-in names (default:
    /// none, only `fact|objective|obj` and `opinion|subjective|subj`).
    pub label_map: Option<LabelMap>,
}

/// Label values of a data file mapped to factop's labels, as `--label-map` gives them:
/// `VALUE=LABEL` entries separated by commas, such as `1=opinion,0=fact` or
/// `biased=opinion,neutral=fact`. A value matches a cell case-insensitively after both
/// are trimmed; the target is a label name as [`Label::parse`] reads it. Cells not in
/// the map are still read by [`Label::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMap {
    /// (value as given but trimmed, its lowercase form, label), in the order given.
    entries: Vec<(String, String, Label)>,
}

impl LabelMap {
    /// Parse `VALUE=LABEL[,VALUE=LABEL...]`. An entry without `=`, with an empty value,
    /// with a target that is not a label name, or whose value was already mapped is an
    /// [`Error::Param`] naming the entry.
    pub fn parse(spec: &str) -> Result<LabelMap> {
        let bad = |entry: &str, why: String| {
            Error::Param(format!(
                "--label-map entry {:?}: {why}",
                crate::error::capped(entry)
            ))
        };
        let mut entries: Vec<(String, String, Label)> = Vec::new();
        for entry in spec.split(',') {
            let Some((value, target)) = entry.rsplit_once('=') else {
                return Err(bad(
                    entry,
                    "expected VALUE=LABEL (entries are separated by commas, e.g. 1=opinion,0=fact)"
                        .into(),
                ));
            };
            let value = value.trim();
            if value.is_empty() {
                return Err(bad(entry, "the value before = is empty".into()));
            }
            let label = Label::parse(target).ok_or_else(|| {
                bad(
                    entry,
                    format!(
                        "{:?} is not a label (fact/objective/obj or opinion/subjective/subj)",
                        crate::error::capped(target.trim())
                    ),
                )
            })?;
            let key = value.to_lowercase();
            if entries.iter().any(|(_, k, _)| *k == key) {
                return Err(bad(entry, format!("{value:?} is mapped more than once")));
            }
            entries.push((value.to_string(), key, label));
        }
        Ok(LabelMap { entries })
    }

    /// The label a cell maps to, if its value is in the map.
    pub fn get(&self, cell: &str) -> Option<Label> {
        let cell = cell.trim().to_lowercase();
        self.entries
            .iter()
            .find(|(_, key, _)| *key == cell)
            .map(|(_, _, label)| *label)
    }

    /// The entries as (value, label), in the order given.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Label)> {
        self.entries.iter().map(|(v, _, l)| (v.as_str(), *l))
    }
}

impl std::fmt::Display for LabelMap {
    /// The map as `--label-map` takes it: `1=opinion,0=fact`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (value, label)) in self.entries().enumerate() {
            let sep = if i > 0 { "," } else { "" };
            write!(f, "{sep}{value}={label}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for LabelMap {
    type Err = Error;
    fn from_str(s: &str) -> Result<LabelMap> {
        LabelMap::parse(s)
    }
}

impl DataOptions {
    /// The label of a cell: the map's, else [`Label::parse`]'s.
    pub fn label(&self, cell: &str) -> Option<Label> {
        self.label_map
            .as_ref()
            .and_then(|m| m.get(cell))
            .or_else(|| Label::parse(cell))
    }
}

/// One labelled sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The row's id, if the file has an id column.
    pub id: Option<String>,
    /// The sentence.
    pub text: String,
    /// Its label.
    pub label: Label,
    /// The 1-based line the row starts on.
    pub line: u64,
}

/// A loaded data file.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The path as given (`-` for standard input).
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// The rows, in file order.
    pub records: Vec<Record>,
    /// Rows skipped because their text was empty.
    pub skipped_empty: usize,
}

impl Dataset {
    /// Number of rows with each label: (fact, opinion).
    pub fn counts(&self) -> (usize, usize) {
        let opinion = self
            .records
            .iter()
            .filter(|r| r.label == Label::Opinion)
            .count();
        (self.records.len() - opinion, opinion)
    }
}

/// Read all of `path` (`-`: standard input), refusing anything over `limit` bytes.
///
/// The path's type and size are checked before it is opened ([`check_input`]): a
/// regular file over the limit, a folder or a device is refused unread. A pipe (a
/// FIFO, or a process substitution such as `<(zcat data.csv.gz)`) and standard input
/// are read as they stream, and reading stops one byte past the limit.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>> {
    check_input(path, Some(limit))?;
    let mut bytes = Vec::new();
    let res = if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
    };
    res.map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::DataFile {
            path: path.into(),
            message: format!(
                "more than {} ({limit} bytes) read, over the limit for this file; stopped there",
                size_name(limit)
            ),
        });
    }
    Ok(bytes)
}

/// Check what `path` is before anything reads it (`-`: standard input): a regular file
/// (at most `limit` bytes, when given), a pipe, or standard input by any of its names
/// (`-`, `/dev/stdin`, `/dev/fd/N`), which may also be a terminal or a socket. A folder, a device such
/// as `/dev/zero` or `/dev/urandom`, or a socket is refused with a message naming the
/// path; a missing or unreadable path gives the system's message.
pub fn check_input(path: &Path, limit: Option<u64>) -> Result<()> {
    let stdin = path == Path::new("-");
    let meta = match std::fs::metadata(if stdin { Path::new("/dev/stdin") } else { path }) {
        Ok(meta) => meta,
        // Standard input is read as it is wherever its type cannot be known.
        Err(_) if stdin => return Ok(()),
        Err(e) => return Err(Error::io(path, e)),
    };
    let kind = meta.file_type();
    let refused = |message: String| {
        Err(Error::DataFile {
            path: path.into(),
            message,
        })
    };
    if kind.is_dir() {
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "is a directory"),
        ));
    }
    if kind.is_file() {
        return match limit {
            Some(limit) if meta.len() > limit => refused(format!(
                "the file is {} bytes, over the limit of {} ({limit} bytes); nothing was read",
                meta.len(),
                size_name(limit)
            )),
            _ => Ok(()),
        };
    }
    // Standard input, by any of its names, is whatever the caller connected: a
    // terminal, a pipe, a socket.
    if stdin
        || path == Path::new("/dev/stdin")
        || path.starts_with("/dev/fd")
        || path.starts_with("/proc/self/fd")
    {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Ok(());
        }
    }
    refused(
        "is a device or socket, not a file or a pipe: factop reads regular files, pipes and - (standard input)"
            .into(),
    )
}

/// A byte count as people say it: `1 GiB`, `256 MiB`, else in bytes.
fn size_name(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b => format!("{b} bytes"),
    }
}

impl Dataset {
    /// A dataset of rows held in memory (`(id, text, label)`), checked and counted as
    /// [`parse`] checks a file's rows: a text or id over the cell limit is an error,
    /// rows with empty text are skipped and counted, and no rows at all is an error.
    /// `source` stands for the path in messages and provenance (row `i` is "line"
    /// `i + 1`); the checksum is of the rows' ids, texts and labels.
    pub fn from_rows(
        source: &str,
        rows: impl IntoIterator<Item = (Option<String>, String, Label)>,
    ) -> Result<Dataset> {
        let path = PathBuf::from(source);
        let mut hash = Sha256::new();
        let mut records = Vec::new();
        let mut skipped_empty = 0;
        for (i, (id, text, label)) in rows.into_iter().enumerate() {
            let line = i as u64 + 1;
            if text.len() > crate::limits::MAX_CELL_BYTES {
                return Err(Error::Limit {
                    path,
                    line,
                    message: format!(
                        "the text is {} bytes; a cell may have at most {} bytes (1 MiB)",
                        text.len(),
                        crate::limits::MAX_CELL_BYTES
                    ),
                });
            }
            if let Some(message) = crate::limits::id_too_long(id.as_ref().map_or(0, String::len)) {
                return Err(Error::Limit {
                    path,
                    line,
                    message,
                });
            }
            for part in [id.as_deref().unwrap_or(""), &text, label.as_str()] {
                hash.update((part.len() as u64).to_le_bytes());
                hash.update(part.as_bytes());
            }
            if text.trim().is_empty() {
                skipped_empty += 1;
                continue;
            }
            records.push(Record {
                id,
                text,
                label,
                line,
            });
        }
        if records.is_empty() {
            return Err(Error::DataFile {
                path,
                message: format!("no rows with text (of {skipped_empty} given)"),
            });
        }
        Ok(Dataset {
            path,
            sha256: hash.finalize().iter().map(|b| format!("{b:02x}")).collect(),
            records,
            skipped_empty,
        })
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn line_of(bytes: &[u8], offset: usize) -> u64 {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

/// Load a labelled data file. See the module docs for the format.
pub fn load(path: &Path, opts: &DataOptions) -> Result<Dataset> {
    let bytes = read_bytes(path, MAX_DATA_FILE_BYTES)?;
    parse(path, &bytes, opts)
}

/// Whether a file is read as TSV: the delimiter given, else its extension.
fn is_tab(path: &Path, delimiter: Option<Delimiter>) -> bool {
    match delimiter {
        Some(d) => d == Delimiter::Tab,
        None => matches!(
            path.extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("tsv" | "tab")
        ),
    }
}

/// A CSV or TSV file with a header row, read row by row: the checks every table factop
/// reads shares (BOM, NUL bytes, header, field counts, UTF-8, cell sizes), with line
/// numbers counted from the bytes.
struct Table<'a> {
    path: &'a Path,
    body: &'a [u8],
    /// Bytes of the BOM before `body`.
    skew: usize,
    tab: bool,
    reader: csv::Reader<&'a [u8]>,
    header_names: Vec<String>,
    rec: csv::ByteRecord,
    lines: LineCounter<'a>,
    /// The line the current row starts on.
    line: u64,
}

/// A column a table's rows must have: its index and what it is called in messages.
#[derive(Clone, Copy)]
struct Column<'a> {
    index: usize,
    what: &'a str,
}

impl<'a> Table<'a> {
    fn open(path: &'a Path, bytes: &'a [u8], tab: bool) -> Result<Table<'a>> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let skew = bytes.len() - body.len();
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(Error::DataFile {
                path: path.into(),
                message: "empty file: expected a header row".into(),
            });
        }
        if let Some(pos) = body.iter().take(8192).position(|&b| b == 0) {
            return Err(Error::Data {
                path: path.into(),
                line: line_of(body, pos),
                message: format!(
                    "NUL byte at byte offset {}: this looks like a binary file, not CSV",
                    pos + skew
                ),
            });
        }
        // Flexible: a row may lack the header's last columns; [`Table::next`] checks
        // that it has the ones that are read, and no more than the header.
        let reader = csv::ReaderBuilder::new()
            .delimiter(if tab { b'\t' } else { b',' })
            .quoting(!tab)
            .has_headers(true)
            .flexible(true)
            .from_reader(body);
        let mut table = Table {
            path,
            body,
            skew,
            tab,
            reader,
            header_names: Vec::new(),
            rec: csv::ByteRecord::new(),
            lines: LineCounter::new(body),
            line: 1,
        };
        let headers = match table.reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(table.csv_error(e)),
        };
        table.header_names = headers
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        Ok(table)
    }

    fn err(&self, line: u64, message: String) -> Error {
        Error::Data {
            path: self.path.into(),
            line,
            message,
        }
    }

    fn csv_error(&self, e: csv::Error) -> Error {
        // The csv crate's own line numbers drift on CRLF files: count newlines instead.
        let line = e
            .position()
            .map(|p| line_of(self.body, p.byte() as usize))
            .unwrap_or(1);
        let message = match e.kind() {
            csv::ErrorKind::Utf8 { err, .. } => {
                format!("invalid UTF-8 in field {}", err.field() + 1)
            }
            _ => e.to_string(),
        };
        self.err(line, message)
    }

    /// The hint for a row with more fields than the header (`more`) or fewer.
    fn shape_hint(&self, more: bool) -> &'static str {
        match (self.tab, more) {
            (true, true) => " (a tab inside a field?)",
            (true, false) => "",
            (false, true) => " (an unquoted comma inside a field?)",
            (false, false) => " (unbalanced quote or wrong delimiter?)",
        }
    }

    /// The first column named one of `names` (case-insensitively).
    fn find(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| {
            self.header_names
                .iter()
                .position(|h| h.eq_ignore_ascii_case(n))
        })
    }

    /// The column named one of `names`, else an error at line 1: `no WHAT column
    /// (looked for ...; header has: ...)`, with a hint when the delimiter looks wrong.
    fn require(&self, what: &str, names: &[&str]) -> Result<usize> {
        self.find(names).ok_or_else(|| {
            let hint = match (self.tab, self.header_names.as_slice()) {
                (false, [only]) if only.contains('\t') => {
                    " (the header has tabs: try --delimiter tab)"
                }
                (true, [only]) if only.contains(',') => {
                    " (the header has commas: try --delimiter comma)"
                }
                _ => "",
            };
            let shown = self.header_names.join(", ").replace('\t', "\\t");
            let shown = crate::error::capped(&shown);
            self.err(
                1,
                format!(
                    "no {what} column (looked for {}; header has: {shown}){hint}",
                    names.join(" or ")
                ),
            )
        })
    }

    /// Read the next row; `Ok(false)` at the end. The row must have every column in
    /// `needed` and no more fields than the header.
    fn next(&mut self, needed: &[Column<'_>]) -> Result<bool> {
        match self.reader.read_byte_record(&mut self.rec) {
            Ok(false) => return Ok(false),
            Ok(true) => {}
            Err(e) => return Err(self.csv_error(e)),
        }
        let pos = self.rec.position().map(|p| p.byte()).unwrap_or(0);
        self.line = self.lines.advance(pos as usize);
        let (fields, columns) = (self.rec.len(), self.header_names.len());
        if fields > columns {
            return Err(self.err(
                self.line,
                format!(
                    "{fields} fields, more than the header's {columns}{}",
                    self.shape_hint(true)
                ),
            ));
        }
        if let Some(c) = needed.iter().find(|c| c.index >= fields) {
            let name = self.header_names.get(c.index).map_or("", |s| s.as_str());
            return Err(self.err(
                self.line,
                format!(
                    "the row has {fields} of the header's {columns} fields and lacks the {} column ({}, field {}){}",
                    c.what,
                    crate::error::capped(name),
                    c.index + 1,
                    self.shape_hint(false)
                ),
            ));
        }
        // An unbalanced quote in CSV runs on to the next quote, or to the end: a short
        // row whose last field spans lines is that, not a row without unread columns.
        let spans_lines = |f: &[u8]| f.contains(&b'\n') || f.contains(&b'\r');
        if !self.tab && fields < columns && self.rec.iter().next_back().is_some_and(spans_lines) {
            return Err(self.err(
                self.line,
                format!(
                    "the row has {fields} of the header's {columns} fields and its last field spans lines{}",
                    self.shape_hint(false)
                ),
            ));
        }
        Ok(true)
    }

    /// Field `i` of the current row as text (empty if the row stops before it).
    fn field(&self, i: usize) -> Result<&str> {
        let raw = self.rec.get(i).unwrap_or(b"");
        std::str::from_utf8(raw).map_err(|e| {
            // locate the bad byte within the record's bytes
            let rec_start = self.rec.position().map_or(0, |p| p.byte() as usize);
            let offset = self
                .body
                .get(rec_start..)
                .and_then(|rest| find_sub(rest, raw))
                .map(|k| rec_start + k + e.valid_up_to() + self.skew)
                .unwrap_or(rec_start + self.skew);
            Error::Utf8 {
                path: self.path.into(),
                line: self.line,
                offset: offset as u64,
            }
        })
    }

    /// Field `i` as an id, refused when it is over the id limit.
    fn id(&self, i: usize) -> Result<&str> {
        let id = self.field(i)?;
        match crate::limits::id_too_long(id.len()) {
            Some(message) => Err(Error::Limit {
                path: self.path.into(),
                line: self.line,
                message,
            }),
            None => Ok(id),
        }
    }

    /// Field `i` as text, refused when it is over the cell limit.
    fn cell(&self, i: usize, what: &str) -> Result<&str> {
        let cell = self.field(i)?;
        if cell.len() > crate::limits::MAX_CELL_BYTES {
            return Err(Error::Limit {
                path: self.path.into(),
                line: self.line,
                message: format!(
                    "the {what} is {} bytes; a cell may have at most {} bytes (1 MiB)",
                    cell.len(),
                    crate::limits::MAX_CELL_BYTES
                ),
            });
        }
        Ok(cell)
    }
}

/// Parse the bytes of a data file; `path` is used in messages and provenance.
pub fn parse(path: &Path, bytes: &[u8], opts: &DataOptions) -> Result<Dataset> {
    let sha256 = sha256_hex(bytes);
    let mut table = Table::open(path, bytes, is_tab(path, opts.delimiter))?;
    let text_names: Vec<&str> = match &opts.text_column {
        Some(n) => vec![n.as_str()],
        None => vec!["text", "sentence"],
    };
    let label_name = opts.label_column.as_deref().unwrap_or("label");
    let text_col = table.require("text", &text_names)?;
    let label_col = table.require("label", &[label_name])?;
    let id_col = table.find(&["id", "sentence_id"]);
    let mut needed = vec![
        Column {
            index: text_col,
            what: "text",
        },
        Column {
            index: label_col,
            what: "label",
        },
    ];
    needed.extend(id_col.map(|index| Column { index, what: "id" }));

    let mut records = Vec::new();
    let mut skipped_empty = 0;
    while table.next(&needed)? {
        let line = table.line;
        let text = table.cell(text_col, "text")?;
        let label_raw = table.field(label_col)?;
        let label = opts
            .label(label_raw)
            .ok_or_else(|| table.err(line, unknown_label(label_raw, opts)))?;
        let id = match id_col {
            Some(c) => Some(table.id(c)?.to_string()),
            None => None,
        };
        if text.trim().is_empty() {
            skipped_empty += 1;
            continue;
        }
        records.push(Record {
            id,
            text: text.to_string(),
            label,
            line,
        });
    }
    if records.is_empty() {
        return Err(Error::DataFile {
            path: path.into(),
            message: format!(
                "no data rows (after the header){}",
                if skipped_empty > 0 {
                    format!("; {skipped_empty} rows had empty text")
                } else {
                    String::new()
                }
            ),
        });
    }
    Ok(Dataset {
        path: path.into(),
        sha256,
        records,
        skipped_empty,
    })
}

/// The message for a label cell that is neither in the label map nor a label name.
fn unknown_label(cell: &str, opts: &DataOptions) -> String {
    const NAMES: &str = "fact/objective/obj or opinion/subjective/subj";
    let cell = crate::error::capped(cell);
    match &opts.label_map {
        Some(map) => format!(
            "unknown label {cell:?} (not in --label-map {}, and not {NAMES})",
            crate::error::capped(&map.to_string())
        ),
        None => format!(
            "unknown label {cell:?} (expected {NAMES}; map other values with --label-map, e.g. --label-map 1=opinion,0=fact)"
        ),
    }
}

/// How to read a table of texts to classify ([`parse_texts`]).
#[derive(Debug, Clone)]
pub struct TextTableOptions {
    /// The field separator (comma with CSV quoting, or tab with quoting off).
    pub delimiter: Delimiter,
    /// Name of the text column (default: `text`, else `sentence`).
    pub text_column: Option<String>,
    /// Name of the id column (default: `id`, else `sentence_id`, else none).
    pub id_column: Option<String>,
}

/// One row of a table of texts.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRow {
    /// The row's id cell, if the table has an id column.
    pub id: Option<String>,
    /// The text, exactly as in the cell (not trimmed; possibly empty).
    pub text: String,
    /// The 1-based line the row starts on.
    pub line: u64,
}

/// Parse a table of texts without labels, one row each, in file order (rows with empty
/// text included). Header, field counts, UTF-8 and cell sizes are checked as
/// [`parse`] checks a data file's; an id column named with
/// [`TextTableOptions::id_column`] must exist.
pub fn parse_texts(path: &Path, bytes: &[u8], opts: &TextTableOptions) -> Result<Vec<TextRow>> {
    let mut table = Table::open(path, bytes, opts.delimiter == Delimiter::Tab)?;
    let text_names: Vec<&str> = match &opts.text_column {
        Some(n) => vec![n.as_str()],
        None => vec!["text", "sentence"],
    };
    let text_col = table.require("text", &text_names)?;
    let id_col = match &opts.id_column {
        Some(n) => Some(table.require("id", &[n.as_str()])?),
        None => table.find(&["id", "sentence_id"]),
    };
    let mut needed = vec![Column {
        index: text_col,
        what: "text",
    }];
    needed.extend(id_col.map(|index| Column { index, what: "id" }));
    let mut rows = Vec::new();
    while table.next(&needed)? {
        let text = table.cell(text_col, "text")?.to_string();
        let id = match id_col {
            Some(c) => Some(table.id(c)?.to_string()),
            None => None,
        };
        rows.push(TextRow {
            id,
            text,
            line: table.line,
        });
    }
    Ok(rows)
}

/// Line numbers of increasing byte offsets, counted incrementally.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    fn advance(&mut self, to: usize) -> u64 {
        // A record after a CRLF is reported at its '\n': step over line-ending bytes.
        let mut to = to.min(self.bytes.len());
        while matches!(self.bytes.get(to), Some(b'\r' | b'\n')) {
            to += 1;
        }
        if to > self.offset {
            self.line += self.bytes[self.offset..to]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = to;
        }
        self.line
    }
}

fn find_sub(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_cell_is_refused_with_its_line() {
        let big = "x".repeat(crate::limits::MAX_CELL_BYTES + 1);
        let e = parse_str("a.csv", &format!("text,label\nok,fact\n{big},fact\n"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("a.csv:3: the text is 1048577 bytes; a cell may have at most"),
            "{e}"
        );
        let fits = "y".repeat(crate::limits::MAX_CELL_BYTES);
        assert!(parse_str("a.csv", &format!("text,label\n{fits},fact\n")).is_ok());
    }

    fn parse_str(name: &str, s: &str) -> Result<Dataset> {
        parse(Path::new(name), s.as_bytes(), &DataOptions::default())
    }

    #[test]
    fn rows_in_memory_load_like_a_file_s_rows() {
        let file = parse_str("a.csv", "text,label\nOne.,fact\n  ,opinion\nTwo!,opinion\n").unwrap();
        let rows = [
            ("One.", Label::Fact),
            ("  ", Label::Opinion),
            ("Two!", Label::Opinion),
        ]
        .map(|(t, l)| (None, t.to_string(), l));
        let d = Dataset::from_rows("<python>", rows.clone()).unwrap();
        let texts = |d: &Dataset| -> Vec<(String, Label)> {
            d.records
                .iter()
                .map(|r| (r.text.clone(), r.label))
                .collect()
        };
        assert_eq!(texts(&d), texts(&file));
        assert_eq!((d.skipped_empty, d.records[1].line), (1, 3));
        assert_eq!(d.sha256, Dataset::from_rows("x", rows).unwrap().sha256);
        let none = Dataset::from_rows("<python>", [(None, " ".to_string(), Label::Fact)]);
        assert_eq!(
            none.unwrap_err().to_string(),
            "<python>: no rows with text (of 1 given)"
        );
        let big = "x".repeat(crate::limits::MAX_CELL_BYTES + 1);
        let e = Dataset::from_rows("<python>", [(None, big, Label::Fact)]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("<python>:1: the text is 1048577 bytes"),
            "{e}"
        );
    }

    #[test]
    fn labels_parse_case_insensitively() {
        assert_eq!(Label::parse("OBJ"), Some(Label::Fact));
        assert_eq!(Label::parse("Subjective"), Some(Label::Opinion));
        assert_eq!(Label::parse(" fact "), Some(Label::Fact));
        assert_eq!(Label::parse("maybe"), None);
    }

    #[test]
    fn csv_with_quotes_bom_and_crlf() {
        let d = parse_str(
            "a.csv",
            "\u{FEFF}id,text,label\r\n1,\"He said, \"\"no\"\"\",fact\r\n2,Awful.,SUBJ\r\n",
        )
        .unwrap();
        assert_eq!(d.records.len(), 2);
        assert_eq!(d.records[0].text, "He said, \"no\"");
        assert_eq!(d.records[0].id.as_deref(), Some("1"));
        assert_eq!(d.records[1].label, Label::Opinion);
        assert_eq!(d.records[1].line, 3);
        assert_eq!(d.counts(), (1, 1));
    }

    #[test]
    fn tsv_reads_bare_quotes() {
        let d = parse_str(
            "a.tsv",
            "sentence_id\tsentence\tlabel\nx\tA \"bare quote\tOBJ\n",
        )
        .unwrap();
        assert_eq!(d.records[0].text, "A \"bare quote");
        assert_eq!(d.records[0].id.as_deref(), Some("x"));
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse_str("a.csv", "text,label\nok,fact\nbad,maybe\n").unwrap_err();
        assert_eq!(e.to_string(), "a.csv:3: unknown label \"maybe\" (expected fact/objective/obj or opinion/subjective/subj; map other values with --label-map, e.g. --label-map 1=opinion,0=fact)");
        let e = parse_str("a.csv", "text,label\nok,fact,extra\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.csv:2: 3 fields, more than the header's 2 (an unquoted comma inside a field?)"
        );
        let e = parse_str("a.csv", "words,label\nok,fact\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.csv:1: no text column (looked for text or sentence; header has: words, label)"
        );
        let e = parse_str("a.csv", "").unwrap_err();
        assert_eq!(e.to_string(), "a.csv: empty file: expected a header row");
    }

    #[test]
    fn rows_may_lack_trailing_columns_that_are_not_read() {
        // The shape of the English CheckThat! dev file: a 4-column header, rows with
        // and without the optional last column.
        let tsv =
            "sentence_id\tsentence\tlabel\tsolved_conflict\na\tOne.\tOBJ\tFalse\nb\tTwo!\tSUBJ\n";
        let d = parse_str("dev.tsv", tsv).unwrap();
        let rows: Vec<(Option<&str>, &str, Label, u64)> = d
            .records
            .iter()
            .map(|r| (r.id.as_deref(), r.text.as_str(), r.label, r.line))
            .collect();
        assert_eq!(
            rows,
            [
                (Some("a"), "One.", Label::Fact, 2),
                (Some("b"), "Two!", Label::Opinion, 3)
            ]
        );
        // A row that stops before its label, text or id is refused with its line.
        let cases = [
            (
                "sentence_id\tsentence\tlabel\textra\na\tOne.\tOBJ\nb\tTwo!\n",
                "dev.tsv:3: the row has 2 of the header's 4 fields and lacks the label column (label, field 3)",
            ),
            (
                "sentence_id\tlabel\tsentence\na\tOBJ\n",
                "dev.tsv:2: the row has 2 of the header's 3 fields and lacks the text column (sentence, field 3)",
            ),
            (
                "label\tsentence\tsentence_id\nOBJ\tOne.\n",
                "dev.tsv:2: the row has 2 of the header's 3 fields and lacks the id column (sentence_id, field 3)",
            ),
            (
                "sentence_id\tsentence\tlabel\na\tOne\tmore.\tOBJ\n",
                "dev.tsv:2: 4 fields, more than the header's 3 (a tab inside a field?)",
            ),
        ];
        for (tsv, message) in cases {
            assert_eq!(parse_str("dev.tsv", tsv).unwrap_err().to_string(), message);
        }
        // An unbalanced quote swallows the rest of a CSV file into one field, even
        // where the row then has every column that is read.
        let e = parse_str(
            "a.csv",
            "id,label,text,note\n1,fact,One.,x\n2,opinion,\"Two!,y\n3,fact,Three.,z\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.csv:3: the row has 3 of the header's 4 fields and its last field spans lines (unbalanced quote or wrong delimiter?)"
        );
        // A quoted field may still span lines in a row with every field.
        let d = parse_str("a.csv", "text,label,note\n\"One\nline.\",fact,x\n").unwrap();
        assert_eq!(d.records[0].text, "One\nline.");
        let e = parse_str(
            "a.csv",
            "id,text,label\n1,One.,fact\n2,\"Two,opinion\n3,Three.,fact\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.csv:3: the row has 2 of the header's 3 fields and lacks the label column (label, field 3) (unbalanced quote or wrong delimiter?)"
        );
    }

    #[test]
    fn label_maps_parse_and_map_case_insensitively() {
        let m = LabelMap::parse(" 1 = opinion,0=FACT, Biased=subj").unwrap();
        assert_eq!(m.to_string(), "1=opinion,0=fact,Biased=opinion");
        assert_eq!(m.get("1"), Some(Label::Opinion));
        assert_eq!(m.get(" 0 "), Some(Label::Fact));
        assert_eq!(m.get("BIASED"), Some(Label::Opinion));
        assert_eq!(m.get("2"), None);
        for (spec, message) in [
            (
                "1=opinion,0=maybe",
                "invalid setting: --label-map entry \"0=maybe\": \"maybe\" is not a label (fact/objective/obj or opinion/subjective/subj)",
            ),
            (
                "1=opinion,0",
                "invalid setting: --label-map entry \"0\": expected VALUE=LABEL (entries are separated by commas, e.g. 1=opinion,0=fact)",
            ),
            (
                "1=opinion,",
                "invalid setting: --label-map entry \"\": expected VALUE=LABEL (entries are separated by commas, e.g. 1=opinion,0=fact)",
            ),
            (
                " =fact",
                "invalid setting: --label-map entry \" =fact\": the value before = is empty",
            ),
            (
                "yes=opinion,YES=fact",
                "invalid setting: --label-map entry \"YES=fact\": \"YES\" is mapped more than once",
            ),
        ] {
            assert_eq!(LabelMap::parse(spec).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn a_label_map_comes_before_the_label_names_and_unknown_values_name_it() {
        let opts = DataOptions {
            label_map: Some(LabelMap::parse("1=opinion,0=fact,obj=opinion").unwrap()),
            ..DataOptions::default()
        };
        let d = parse(
            Path::new("a.csv"),
            b"text,label\nA.,1\nB.,0\nC.,Subjective\nD.,OBJ\n",
            &opts,
        )
        .unwrap();
        let labels: Vec<Label> = d.records.iter().map(|r| r.label).collect();
        assert_eq!(
            labels,
            [Label::Opinion, Label::Fact, Label::Opinion, Label::Opinion]
        );
        let e = parse(Path::new("a.csv"), b"text,label\nA.,1\nB.,2\n", &opts).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.csv:3: unknown label \"2\" (not in --label-map 1=opinion,0=fact,obj=opinion, and not fact/objective/obj or opinion/subjective/subj)"
        );
    }

    #[test]
    fn tables_of_texts_keep_every_row_and_its_id() {
        let opts = TextTableOptions {
            delimiter: Delimiter::Comma,
            text_column: None,
            id_column: None,
        };
        let rows = parse_texts(
            Path::new("t.csv"),
            b"sentence_id,sentence\nx,\"One, \"\"two\"\"\"\ny,\nz,\"Multi\nline\"\n",
            &opts,
        )
        .unwrap();
        let got: Vec<(Option<&str>, &str, u64)> = rows
            .iter()
            .map(|r| (r.id.as_deref(), r.text.as_str(), r.line))
            .collect();
        assert_eq!(
            got,
            [
                (Some("x"), "One, \"two\"", 2),
                (Some("y"), "", 3),
                (Some("z"), "Multi\nline", 4)
            ]
        );
        let tsv = TextTableOptions {
            delimiter: Delimiter::Tab,
            text_column: Some("body".into()),
            id_column: Some("key".into()),
        };
        let e = parse_texts(Path::new("t.tsv"), b"body\tother\nA\n", &tsv).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.tsv:1: no id column (looked for key; header has: body, other)"
        );
        let rows = parse_texts(Path::new("t.tsv"), b"body\tkey\n\"A\" b\t7\n", &tsv).unwrap();
        assert_eq!(rows[0].text, "\"A\" b");
        assert_eq!(rows[0].id.as_deref(), Some("7"));
        assert!(parse_texts(Path::new("t.tsv"), b"body\n", &tsv).is_err());
    }

    #[test]
    fn invalid_utf8_reports_line_and_offset() {
        let e = parse(
            Path::new("a.csv"),
            b"text,label\nok,fact\nb\xffd,fact\n",
            &DataOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "a.csv:3: invalid UTF-8 at byte offset 20");
    }

    #[test]
    fn empty_text_is_skipped_and_counted() {
        let d = parse_str("a.csv", "text,label\n,fact\nok,fact\n  ,opinion\n").unwrap();
        assert_eq!(d.records.len(), 1);
        assert_eq!(d.skipped_empty, 2);
    }

    #[test]
    fn sha256_is_stable() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
