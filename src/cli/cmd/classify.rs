//! `factop classify`: label the sentences of articles and print them in a chosen format.

use super::choose::{Chooser, ModelSpec, DETECT_BYTES};
use crate::cli::args::{ClassifyArgs, ClassifyFormat, ColorChoice, InputFormat};
use crate::cli::output::{self, Document, Format, ModelInfo};
use crate::cli::safe::shown;
use anyhow::Context;
use factop::model::Summary;
use factop::stream::{classify_reader_threads, read_line_bounded, StreamOptions};
use factop::Error;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::{Path, PathBuf};

/// Run `factop classify`.
pub fn run(args: ClassifyArgs) -> anyhow::Result<()> {
    super::check_threshold(args.threshold)?;
    let spec = match ModelSpec::parse(args.model.as_deref())? {
        ModelSpec::Auto { .. } => ModelSpec::Auto {
            accurate: args.accurate,
        },
        _ if args.accurate => {
            return Err(factop::Error::Param(
                "--accurate goes with --model auto; to name an accurate model use --model en-e5 (de-e5, ...)".into(),
            )
            .into())
        }
        other => other,
    };
    let mut chooser = Chooser::new(spec, args.quiet)?;
    let run = match chooser.fixed() {
        Some(model) => ModelInfo::of(model, args.threshold.unwrap_or(model.threshold())),
        None => ModelInfo {
            name: "auto".into(),
            language: "auto".into(),
            threshold: args.threshold,
        },
    };
    let explain_top = if args.explain || args.format == ClassifyFormat::Html {
        args.top.max(1)
    } else {
        0
    };
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    let to_file = args.output.as_deref().filter(|p| *p != Path::new("-"));
    if let Some(o) = to_file {
        let inputs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
        super::check_outputs(&[("--output", o)], &inputs)?;
    }
    let stdout = std::io::stdout();
    let colour = args.format == ClassifyFormat::Text
        && match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                to_file.is_none()
                    && stdout.is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
    let mut file = match to_file {
        Some(p) => Some(factop::io::AtomicFile::create(p)?),
        None => None,
    };
    let sink: Box<dyn std::io::Write> = match file.as_mut() {
        Some(f) => Box::new(f),
        None => Box::new(std::io::BufWriter::with_capacity(1 << 16, stdout.lock())),
    };
    let mut out = output::new(args.format, sink, colour, files.len() > 1);
    // Every input is checked before any output, so that a missing second file cannot
    // leave a half-written JSON document behind.
    for path in files.iter().filter(|p| *p != Path::new("-")) {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return Err(a_directory(path).into());
        }
    }
    out.begin(&run)?;
    let sizes: Option<u64> = files
        .iter()
        .map(|p| {
            (p != Path::new("-"))
                .then(|| std::fs::metadata(p).ok().map(|m| m.len()))
                .flatten()
        })
        .sum();
    let bar = crate::cli::progress::bytes("classifying", sizes.unwrap_or(0));
    if sizes.is_none() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let threads = args
        .threads
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let mut job = Job {
        chooser: &mut chooser,
        threshold: args.threshold,
        explain_top,
        threads,
    };
    let mut documents = 0;
    for path in &files {
        let mut reader: Box<dyn BufRead> = if path == Path::new("-") {
            Box::new(BufReader::with_capacity(1 << 16, std::io::stdin().lock()))
        } else {
            if path.is_dir() {
                return Err(a_directory(path).into());
            }
            let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            Box::new(BufReader::with_capacity(1 << 16, f))
        };
        let source = path.display().to_string();
        match args.input_format {
            InputFormat::Text => {
                documents += 1;
                // The language is told from what the input has ready, so that
                // results still stream from a slow pipe.
                let start = reader.fill_buf().map_err(|e| Error::io(path, e))?;
                let doc = Document {
                    source,
                    id: None,
                    number: documents,
                    ..Document::default()
                };
                let start = start[..start.len().min(DETECT_BYTES)].to_vec();
                if !args.quiet && looks_like_markup(&start) {
                    eprintln!(
                        "warning: {} looks like HTML or XML; factop classifies plain text, so tags and scripts are read as words (convert it first, e.g. `pandoc -t plain`; -q silences this)",
                        shown(&doc.source)
                    );
                }
                classify_one(
                    out.as_mut(),
                    &mut job,
                    reader,
                    path,
                    doc,
                    &start,
                    Some(&bar),
                )?
            }
            InputFormat::Jsonl => classify_jsonl(
                out.as_mut(),
                &mut job,
                reader,
                path,
                &source,
                &mut documents,
                &bar,
            )?,
        }
    }
    bar.finish_and_clear();
    out.finish().context("writing output")?;
    drop(out);
    if let Some(f) = file {
        f.commit()?;
    }
    Ok(())
}

/// The error for a directory given as an article.
fn a_directory(path: &Path) -> Error {
    Error::io(
        path,
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "is a directory, not a text file",
        ),
    )
}

/// What every document of one run is classified with.
struct Job<'a> {
    chooser: &'a mut Chooser,
    /// `--threshold`, else each model's own.
    threshold: Option<f64>,
    explain_top: usize,
    threads: usize,
}

/// Classify one document that starts with `start` (its language is told from that).
#[allow(clippy::too_many_arguments)]
fn classify_one(
    out: &mut dyn Format,
    job: &mut Job<'_>,
    reader: impl BufRead,
    path: &Path,
    mut doc: Document,
    start: &[u8],
    bar: Option<&indicatif::ProgressBar>,
) -> anyhow::Result<()> {
    let name = match &doc.id {
        Some(id) => format!("{} #{id}", doc.source),
        None => doc.source.clone(),
    };
    let threads = job.threads;
    let model = job.chooser.pick(&name, start)?;
    let threshold = job.threshold.unwrap_or(model.threshold());
    let opts = StreamOptions {
        threshold,
        explain_top: job.explain_top,
    };
    doc.model = ModelInfo::of(model, threshold);
    doc.language = Some(model.language());
    let doc = &doc;
    out.begin_document(doc)?;
    let mut summary = Summary::default();
    // A hidden bar still reads the clock on every update: skip it altogether.
    let bar = bar.filter(|b| !b.is_hidden());
    classify_reader_threads(reader, path, model, opts, threads, |line| {
        for s in line.sentences {
            summary.add(s);
        }
        if let Some(bar) = bar {
            bar.inc((line.text.len() + line.ending.len()) as u64);
        }
        out.line(doc, line)
    })?;
    out.end_document(doc, &summary)?;
    Ok(())
}

fn classify_jsonl(
    out: &mut dyn Format,
    job: &mut Job<'_>,
    mut reader: impl BufRead,
    path: &Path,
    source: &str,
    documents: &mut usize,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    let mut number = 0u64;
    let bad = |line: u64, message: String| Error::Data {
        path: path.into(),
        line,
        message,
    };
    loop {
        number += 1;
        match read_line_bounded(&mut reader, &mut buf, factop::limits::MAX_LINE_BYTES) {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(bad(number, "line is longer than the limit".into()).into())
            }
            Err(e) => return Err(Error::io(path, e).into()),
        }
        bar.inc(buf.len() as u64);
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: serde_json::Value = serde_json::from_slice(&buf).map_err(|e| {
            let why = e.to_string();
            let message = if why.contains("hex escape") || why.contains("surrogate") {
                format!(
                    "invalid \\u escape at column {}: a UTF-16 surrogate (\\ud800-\\udfff) without its pair is not a character",
                    e.column()
                )
            } else {
                format!("not a JSON object: {e}")
            };
            bad(number, message)
        })?;
        let text = value
            .get("text")
            .and_then(|t| t.as_str())
            .ok_or_else(|| bad(number, "object has no string field \"text\"".into()))?;
        *documents += 1;
        let doc = Document {
            source: source.to_string(),
            id: value.get("id").cloned(),
            number: *documents,
            ..Document::default()
        };
        // Records are small: classify each on this thread.
        let mut one = Job {
            chooser: &mut *job.chooser,
            threads: 1,
            ..*job
        };
        classify_one(
            out,
            &mut one,
            text.as_bytes(),
            Path::new(&format!("{}:{number}", path.display())),
            doc,
            text.as_bytes(),
            None,
        )?;
    }
    Ok(())
}

/// Whether the start of a document looks like markup: at least three tags of common
/// HTML or XML elements (or a doctype) in its first bytes.
pub fn looks_like_markup(start: &[u8]) -> bool {
    const TAGS: [&[u8]; 14] = [
        b"<!doctype",
        b"<html",
        b"<head",
        b"<body",
        b"<p>",
        b"<p ",
        b"</p>",
        b"<div",
        b"</div>",
        b"<br",
        b"<span",
        b"<a href",
        b"<script",
        b"<?xml",
    ];
    let lower = start.to_ascii_lowercase();
    let mut count = 0;
    for tag in TAGS {
        let here = lower.windows(tag.len()).filter(|w| w == &tag).count();
        let declaration = tag == b"<!doctype" || tag == b"<?xml";
        count += here;
        if count >= 3 || (declaration && here > 0) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod markup_tests {
    use super::looks_like_markup;

    #[test]
    fn markup_is_told_from_text_that_mentions_a_tag() {
        assert!(looks_like_markup(
            b"<html><body><p>The council met.</p></body></html>"
        ));
        assert!(looks_like_markup(b"<!DOCTYPE html>\nThe council met."));
        assert!(looks_like_markup(b"<div class=a>One.</div><div>Two.</div>"));
        assert!(!looks_like_markup(
            b"The council met. Use <p> for paragraphs, he said."
        ));
        assert!(!looks_like_markup(b"Plain text about 3 < 4 and 5 > 2."));
    }
}
