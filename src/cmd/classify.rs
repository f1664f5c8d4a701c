//! `factop classify`: label the sentences of articles and print them in a chosen format.

use crate::cli::{ClassifyArgs, ClassifyFormat, InputFormat};
use crate::error::Error;
use crate::model::Classifier;
use crate::output::{self, Summary};
use crate::stream::{classify_reader, read_line_bounded, StreamOptions};
use anyhow::Context;
use std::io::{BufRead, BufReader, IsTerminal, Write};
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
    let mut out = output::Writer::new(sink, args.format, colour, files.len() > 1);
    out.begin(&model, threshold)?;
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
            InputFormat::Text => classify_one(&mut out, &model, opts, reader, path, &source, None)?,
            InputFormat::Jsonl => classify_jsonl(&mut out, &model, opts, reader, path, &source)?,
        }
    }
    out.finish().context("writing output")?;
    Ok(())
}

fn classify_one<W: Write>(
    out: &mut output::Writer<W>,
    model: &Classifier,
    opts: StreamOptions,
    reader: impl BufRead,
    path: &Path,
    source: &str,
    id: Option<&serde_json::Value>,
) -> anyhow::Result<()> {
    out.begin_document(source, id)?;
    let mut summary = Summary::default();
    classify_reader(reader, path, model, opts, |line| {
        for s in line.sentences {
            summary.add(s);
        }
        out.line(line)
    })?;
    out.end_document(&summary)?;
    Ok(())
}

fn classify_jsonl<W: Write>(
    out: &mut output::Writer<W>,
    model: &Classifier,
    opts: StreamOptions,
    mut reader: impl BufRead,
    path: &Path,
    source: &str,
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
        match read_line_bounded(&mut reader, &mut buf, crate::limits::MAX_LINE_BYTES) {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(bad(number, "line is longer than the limit".into()).into())
            }
            Err(e) => return Err(Error::io(path, e).into()),
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: serde_json::Value = serde_json::from_slice(&buf)
            .map_err(|e| bad(number, format!("not a JSON object: {e}")))?;
        let text = value
            .get("text")
            .and_then(|t| t.as_str())
            .ok_or_else(|| bad(number, "object has no string field \"text\"".into()))?;
        let id = value.get("id");
        classify_one(
            out,
            model,
            opts,
            text.as_bytes(),
            Path::new(&format!("{}:{number}", path.display())),
            source,
            id,
        )?;
    }
    Ok(())
}
