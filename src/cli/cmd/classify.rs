//! `factop classify`: label the sentences of articles and print them in a chosen format.

use crate::cli::args::{ClassifyArgs, ClassifyFormat, InputFormat};
use crate::cli::output::{self, Document, Format};
use anyhow::Context;
use factop::model::{Classifier, Summary};
use factop::stream::{classify_reader_threads, read_line_bounded, StreamOptions};
use factop::Error;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::{Path, PathBuf};

/// Run `factop classify`.
pub fn run(args: ClassifyArgs) -> anyhow::Result<()> {
    super::check_threshold(args.threshold)?;
    let model = super::load_model(args.model.as_ref())?;
    let threshold = args.threshold.unwrap_or(model.threshold());
    let opts = StreamOptions {
        threshold,
        explain_top: if args.explain || args.format == ClassifyFormat::Html {
            args.top.max(1)
        } else {
            0
        },
    };
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    let stdout = std::io::stdout();
    let colour = args.format == ClassifyFormat::Text
        && stdout.is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let sink = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut out = output::new(args.format, sink, colour, files.len() > 1);
    out.begin(&model, threshold)?;
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
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let job = Job {
        model: &model,
        opts,
        threads,
    };
    let mut documents = 0;
    for path in &files {
        let reader: Box<dyn BufRead> = if path == Path::new("-") {
            Box::new(BufReader::with_capacity(1 << 16, std::io::stdin().lock()))
        } else {
            if path.is_dir() {
                return Err(Error::io(
                    path,
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "is a directory, not a text file",
                    ),
                )
                .into());
            }
            let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            Box::new(BufReader::with_capacity(1 << 16, f))
        };
        let source = path.display().to_string();
        match args.input_format {
            InputFormat::Text => {
                documents += 1;
                let doc = Document {
                    source,
                    id: None,
                    number: documents,
                };
                classify_one(out.as_mut(), job, reader, path, &doc, Some(&bar))?
            }
            InputFormat::Jsonl => classify_jsonl(
                out.as_mut(),
                job,
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
    Ok(())
}

/// What every document of one run is classified with.
#[derive(Clone, Copy)]
struct Job<'a> {
    model: &'a Classifier,
    opts: StreamOptions,
    threads: usize,
}

fn classify_one(
    out: &mut dyn Format,
    job: Job<'_>,
    reader: impl BufRead,
    path: &Path,
    doc: &Document,
    bar: Option<&indicatif::ProgressBar>,
) -> anyhow::Result<()> {
    out.begin_document(doc)?;
    let mut summary = Summary::default();
    // A hidden bar still reads the clock on every update: skip it altogether.
    let bar = bar.filter(|b| !b.is_hidden());
    classify_reader_threads(reader, path, job.model, job.opts, job.threads, |line| {
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
    job: Job<'_>,
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
        let value: serde_json::Value = serde_json::from_slice(&buf)
            .map_err(|e| bad(number, format!("not a JSON object: {e}")))?;
        let text = value
            .get("text")
            .and_then(|t| t.as_str())
            .ok_or_else(|| bad(number, "object has no string field \"text\"".into()))?;
        *documents += 1;
        let doc = Document {
            source: source.to_string(),
            id: value.get("id").cloned(),
            number: *documents,
        };
        // Records are small: classify each on this thread.
        let job = Job { threads: 1, ..job };
        classify_one(
            out,
            job,
            text.as_bytes(),
            Path::new(&format!("{}:{number}", path.display())),
            &doc,
            None,
        )?;
    }
    Ok(())
}
