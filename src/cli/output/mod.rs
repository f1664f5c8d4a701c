//! Output of `classify`: one type per format, each implementing [`Format`], chosen by
//! an exhaustive match in [`new`]. Machine formats (json, jsonl, tsv) are stable and
//! documented in the README; table, text and html are for people and may change.
//! Results arrive line by line from [`factop::stream`], so every format but html and
//! json writes them as they come.

pub mod explain;
mod format;
mod html;
mod json;
mod jsonl;
mod table;
mod text;
mod tsv;

pub use format::{Document, Format, ModelInfo};

use crate::cli::args::ClassifyFormat;
use std::io::Write;

/// The writer for `format` on `out`. `colour` matters for the text format only,
/// `several` (more than one input) for the headings of table and text, and `records`
/// (`--no-split`: each document is one record of one sentence) for the layout of table
/// and text, one line per record with its id.
pub fn new<'w, W: Write + 'w>(
    format: ClassifyFormat,
    out: W,
    colour: bool,
    several: bool,
    records: bool,
) -> Box<dyn Format + 'w> {
    match format {
        ClassifyFormat::Table => Box::new(table::Table::new(out, several, records)),
        ClassifyFormat::Text => Box::new(text::Text::new(out, colour, several, records)),
        ClassifyFormat::Json => Box::new(json::Json::new(out)),
        ClassifyFormat::Jsonl => Box::new(jsonl::Jsonl::new(out)),
        ClassifyFormat::Tsv => Box::new(tsv::Tsv::new(out)),
        ClassifyFormat::Html => Box::new(html::Html::new(out)),
    }
}
