//! `factop classify`: label the sentences of articles and print them in a chosen format.
//! With `--no-split`, each record (line, JSON object, CSV/TSV row) is one sentence.

use super::choose::{Chooser, ModelSpec, DETECT_BYTES};
use super::records::{Consumed, InputRecord, Records};
use super::resume::{self, hex, Checkpoint, Fingerprint, Resumable, TallyCounts};
use crate::cli::args::{ClassifyArgs, ClassifyFormat, ColorChoice, InputFormat};
use crate::cli::output::{self, Document, Format, ModelInfo};
use crate::cli::progress::{Mode, Progress};
use crate::cli::safe::shown;
use anyhow::Context;
use clap::ValueEnum;
use factop::data::{Delimiter, TextTableOptions};
use factop::model::{Classifier, ScoreBuffers, SentenceResult, Summary};
use factop::stream::{classify_reader_from, Line, Start, StreamOptions};
use factop::{Error, Label};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

/// Records scored together under `--no-split` (fewer when the input has nothing more
/// buffered, so that results still stream).
const RECORD_BATCH: usize = 4096;

/// Run `factop classify`. A resumable run that stops on an error (bad input further
/// on, a full disk) keeps its records and their checkpoint, to be continued.
pub fn run(args: ClassifyArgs) -> anyhow::Result<()> {
    let resumable = args.resume;
    let result = classify(args);
    if result.is_err() && resumable {
        factop::io::save_checkpoint()?;
    }
    result
}

fn classify(args: ClassifyArgs) -> anyhow::Result<()> {
    super::check_threshold(args.threshold)?;
    if args.resume {
        if !matches!(args.format, ClassifyFormat::Jsonl | ClassifyFormat::Tsv) {
            let name = args
                .format
                .to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default();
            return Err(Error::Param(format!(
                "--resume continues --format jsonl or tsv, whose records can be appended to; --format {name} cannot resume"
            ))
            .into());
        }
        if args.output.as_deref().is_none_or(|o| o == Path::new("-")) {
            return Err(Error::Param(
                "--resume needs --output FILE: standard output cannot be continued".into(),
            )
            .into());
        }
    }
    if args.input_format == InputFormat::Text {
        for (flag, given) in [
            ("--text-column", args.text_column.is_some()),
            ("--id-column", args.id_column.is_some()),
        ] {
            if given {
                return Err(factop::Error::Param(format!(
                    "{flag} names a column of --input-format csv or tsv, or a key of jsonl; plain text has none"
                ))
                .into());
            }
        }
    }
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
    let fingerprint = args.resume.then(|| fingerprint(&args, &chooser, &files));
    let mut atomic = None;
    let mut append = None;
    let mut resumable = None;
    match (to_file, fingerprint) {
        (Some(o), Some(fp)) => {
            let (r, f) = Resumable::start(o, fp)?;
            resumable = Some(r);
            append = Some(f);
        }
        (Some(o), None) => atomic = Some(factop::io::AtomicFile::create(o)?),
        _ => {}
    }
    let sink: Box<dyn std::io::Write> = match (atomic.as_mut(), append.as_mut()) {
        (Some(f), _) => Box::new(f),
        (_, Some(f)) => Box::new(f),
        _ => Box::new(std::io::BufWriter::with_capacity(1 << 16, stdout.lock())),
    };
    let mut out = output::new(args.format, sink, colour, files.len() > 1, args.no_split);
    // Every input is checked before any output, so that a missing second file cannot
    // leave a half-written JSON document behind.
    for path in files.iter().filter(|p| *p != Path::new("-")) {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return Err(a_directory(path).into());
        }
    }
    // A continued run's output has its beginning (the tsv header) already.
    if !resumable.as_ref().is_some_and(Resumable::continues) {
        out.begin(&run)?;
    }
    let sizes: Option<u64> = files
        .iter()
        .map(|p| {
            (p != Path::new("-"))
                .then(|| std::fs::metadata(p).ok().map(|m| m.len()))
                .flatten()
        })
        .sum();
    let results_on_terminal = to_file.is_none() && stdout.is_terminal();
    let progress = Progress::new(
        Mode::of(args.progress, results_on_terminal),
        "classifying",
        sizes,
    );
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
    let first = resumable.as_ref().map_or(0, Resumable::current);
    let mut documents = resumable.as_ref().map_or(0, |r| r.from.documents);
    for (i, path) in files.iter().enumerate() {
        if path != Path::new("-") && path.is_dir() {
            return Err(a_directory(path).into());
        }
        if i < first {
            // Read whole by the interrupted run: checked, not classified again.
            if let Some(r) = &resumable {
                r.verify_done(i, path)?;
                progress.skip(r.from.done.get(i).map_or(0, |d| d.bytes));
            }
            continue;
        }
        // Where in this input an interrupted run stopped.
        let at = resumable
            .as_ref()
            .filter(|_| i == first)
            .map(|r| r.from.clone())
            .filter(|cp| cp.offset > 0 || cp.records > 0);
        // A device such as /dev/zero is refused unread; pipes are read.
        let mut reader = resume::open(path)?;
        let source = path.display().to_string();
        let records = match args.input_format {
            InputFormat::Text if !args.no_split => {
                // The language is told from what the input has ready, so that
                // results still stream from a slow pipe.
                let (start, from, hash) = match (&at, resumable.as_ref()) {
                    (Some(at), Some(r)) => {
                        let (hash, mut start) = r.verify_prefix(&mut reader, path, at.detect)?;
                        if start.len() < at.detect {
                            let more = reader.fill_buf().map_err(|e| Error::io(path, e))?;
                            let take = more.len().min(at.detect - start.len());
                            start.extend_from_slice(&more[..take]);
                        }
                        progress.skip(at.offset);
                        documents = at.documents;
                        let from = Start {
                            line: at.line,
                            offset: usize::try_from(at.offset).unwrap_or(usize::MAX),
                            index: at.index,
                        };
                        (start, from, hash)
                    }
                    _ => {
                        documents += 1;
                        let start = reader.fill_buf().map_err(|e| Error::io(path, e))?;
                        let start = start[..start.len().min(DETECT_BYTES)].to_vec();
                        (start, Start::default(), Sha256::new())
                    }
                };
                let doc = Document {
                    source,
                    id: None,
                    number: documents,
                    ..Document::default()
                };
                if !args.quiet && from == Start::default() && looks_like_markup(&start) {
                    note!(
                        "warning: {} looks like HTML or XML; factop classifies plain text, so tags and scripts are read as words (convert it first, e.g. `pandoc -t plain`; -q silences this)",
                        shown(&doc.source)
                    );
                }
                let track = resumable.as_mut().map(|r| DocTrack {
                    resumable: r,
                    hash,
                    documents,
                    detect: start.len(),
                });
                classify_one(
                    out.as_mut(),
                    &mut job,
                    reader,
                    path,
                    doc,
                    &start,
                    from,
                    Some(&progress),
                    track,
                )?;
                continue;
            }
            InputFormat::Text | InputFormat::Jsonl => {
                // Lines and JSON Lines continue after the records done, and are hashed
                // as they are read.
                let hash = match (&at, resumable.as_ref()) {
                    (Some(at), Some(r)) => {
                        let (hash, _) = r.verify_prefix(&mut reader, path, 0)?;
                        progress.skip(at.offset);
                        Some(hash)
                    }
                    _ => None,
                };
                let records = if args.input_format == InputFormat::Text {
                    Records::lines(path, reader)
                } else {
                    Records::jsonl(
                        path,
                        reader,
                        args.text_column.as_deref(),
                        args.id_column.as_deref(),
                    )
                };
                match (&at, hash) {
                    (Some(at), Some(hash)) => records.resume_at(at.consumed(hash)),
                    _ if resumable.is_some() => records.resume_at(Consumed {
                        bytes: 0,
                        hash: Some(Sha256::new()),
                        line: 0,
                        number: 0,
                    }),
                    _ => records,
                }
            }
            InputFormat::Csv | InputFormat::Tsv => {
                // A table is read whole, by the data files' reader.
                drop(reader);
                let opts = TextTableOptions {
                    delimiter: if args.input_format == InputFormat::Tsv {
                        Delimiter::Tab
                    } else {
                        Delimiter::Comma
                    },
                    text_column: args.text_column.clone(),
                    id_column: args.id_column.clone(),
                };
                let records = Records::table(path, &opts, resumable.is_some())?;
                match (&at, resumable.as_ref()) {
                    (Some(at), Some(r)) => {
                        let read = records.consumed();
                        let same = read.bytes == at.offset
                            && read.hash.as_ref().is_some_and(|h| hex(h) == at.sha256);
                        if !same {
                            return Err(r.changed(path, at.offset).into());
                        }
                        progress.skip(at.offset);
                        records.resume_at(at.consumed(Sha256::new()))
                    }
                    _ => records,
                }
            }
        };
        let tally = at.as_ref().map(|at| at.tally).unwrap_or_default();
        let mut track = resumable.as_mut();
        if args.no_split {
            classify_sentences(
                out.as_mut(),
                &mut job,
                records,
                &source,
                &mut documents,
                &progress,
                args.quiet,
                tally,
                &mut track,
            )?;
        } else {
            classify_documents(
                out.as_mut(),
                &mut job,
                records,
                path,
                &source,
                &mut documents,
                &progress,
                &mut track,
            )?;
        }
    }
    progress.finish();
    out.finish().context("writing output")?;
    drop(out);
    if let Some(f) = atomic {
        f.commit()?;
    }
    if let (Some(r), Some(f)) = (resumable, append) {
        r.finish(f)?;
    }
    Ok(())
}

/// What makes this run's output what it is (see [`resume::Fingerprint`]).
fn fingerprint(args: &ClassifyArgs, chooser: &Chooser, files: &[PathBuf]) -> Fingerprint {
    let name = |v: Option<clap::builder::PossibleValue>| {
        v.map(|v| v.get_name().to_string()).unwrap_or_default()
    };
    let model_sha256 = chooser.fixed().map(|m| {
        let bytes = serde_json::to_vec(m.model_file()).unwrap_or_default();
        hex(&Sha256::new_with_prefix(&bytes))
    });
    Fingerprint {
        factop: env!("CARGO_PKG_VERSION").into(),
        format: name(args.format.to_possible_value()),
        model: args.model.clone().unwrap_or_else(|| "en".into()),
        model_sha256,
        accurate: args.accurate,
        threshold: args.threshold,
        explain_top: if args.explain || args.format == ClassifyFormat::Html {
            args.top.max(1)
        } else {
            0
        },
        no_split: args.no_split,
        input_format: name(args.input_format.to_possible_value()),
        text_column: args.text_column.clone(),
        id_column: args.id_column.clone(),
        inputs: files.iter().map(|p| p.display().to_string()).collect(),
    }
}

/// A plain-text document of a resumable run: where its checkpoints stand.
struct DocTrack<'r> {
    resumable: &'r mut Resumable,
    /// SHA-256 of the input read so far.
    hash: Sha256,
    /// The document's number.
    documents: usize,
    /// Bytes of its start its model was chosen from.
    detect: usize,
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
    from: Start,
    progress: Option<&Progress>,
    mut track: Option<DocTrack<'_>>,
) -> anyhow::Result<usize> {
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
    // Progress not shown costs nothing, not even a look at the clock.
    let progress = progress.filter(|p| p.shown());
    let mut read = from.offset as u64;
    let mut index = from.index;
    classify_reader_from(reader, path, model, opts, threads, from, |line| {
        for s in line.sentences {
            summary.add(s);
        }
        let bytes = (line.text.len() + line.ending.len()) as u64;
        if let Some(progress) = progress {
            progress.add(bytes, line.sentences.len() as u64);
        }
        out.line(doc, line)?;
        if let Some(t) = &mut track {
            t.hash.update(line.text.as_bytes());
            t.hash.update(line.ending.as_bytes());
            read = line.offset as u64 + bytes;
            index += line.sentences.len();
            let DocTrack {
                resumable,
                hash,
                documents,
                detect,
            } = t;
            resumable.tick(out, line.input_drained, || Checkpoint {
                offset: read,
                sha256: hex(hash),
                line: line.number,
                index,
                detect: *detect,
                documents: *documents,
                ..Checkpoint::default()
            })?;
        }
        Ok(())
    })?;
    out.end_document(doc, &summary)?;
    if let Some(t) = track {
        // The input is done: the next checkpoint starts the next one.
        t.resumable.file_done(read, &t.hash);
        let documents = t.documents;
        t.resumable.tick(out, true, || Checkpoint {
            documents,
            ..Checkpoint::default()
        })?;
    }
    Ok(summary.sentences)
}

/// Classify each record (JSON object, CSV/TSV row) as a document of its own.
#[allow(clippy::too_many_arguments)]
fn classify_documents(
    out: &mut dyn Format,
    job: &mut Job<'_>,
    mut records: Records,
    path: &Path,
    source: &str,
    documents: &mut usize,
    progress: &Progress,
    track: &mut Option<&mut Resumable>,
) -> anyhow::Result<()> {
    while let Some(record) = records.next_record()? {
        *documents += 1;
        let (bytes, drained) = (record.bytes, record.drained);
        let doc = Document {
            source: source.to_string(),
            id: record.id,
            number: *documents,
            ..Document::default()
        };
        // Records are small: classify each on this thread.
        let mut one = Job {
            chooser: &mut *job.chooser,
            threads: 1,
            ..*job
        };
        let sentences = classify_one(
            out,
            &mut one,
            record.text.as_bytes(),
            Path::new(&format!("{}:{}", path.display(), record.line)),
            doc,
            record.text.as_bytes(),
            Start::default(),
            None,
            None,
        )?;
        progress.add(bytes, sentences as u64);
        if let Some(r) = track {
            let at = records.consumed();
            r.tick(out, drained, || {
                at.checkpoint(*documents, TallyCounts::default())
            })?;
        }
    }
    input_done(out, &records, *documents, TallyCounts::default(), track)
}

/// A resumable run read an input of records to its end: the next checkpoint starts the
/// next input.
fn input_done(
    out: &mut dyn Format,
    records: &Records,
    documents: usize,
    tally: TallyCounts,
    track: &mut Option<&mut Resumable>,
) -> anyhow::Result<()> {
    if let Some(r) = track {
        let at = records.consumed();
        r.file_done(at.bytes, &at.hash.unwrap_or_default());
        r.tick(out, true, || Checkpoint {
            documents,
            tally,
            ..Checkpoint::default()
        })?;
    }
    Ok(())
}

/// `--no-split`: classify each record as one sentence and write it as a document of
/// one sentence (index 0, offsets 0 and its length), with its id, or its number when it
/// has none. Records are scored in batches over the job's threads; the probability is
/// [`Classifier::probabilities`]'s (or, with `--explain`, [`Classifier::score`]'s),
/// which is [`Classifier::probability`] of the record's text.
#[allow(clippy::too_many_arguments)]
fn classify_sentences(
    out: &mut dyn Format,
    job: &mut Job<'_>,
    mut records: Records,
    source: &str,
    documents: &mut usize,
    progress: &Progress,
    quiet: bool,
    from: TallyCounts,
    track: &mut Option<&mut Resumable>,
) -> anyhow::Result<()> {
    let mut tally = Tally::from(from);
    let mut batch: Vec<InputRecord> = Vec::new();
    let mut first = true;
    loop {
        let next = records.next_record()?;
        let end = next.is_none();
        if let Some(record) = next {
            progress.add(record.bytes, 1);
            let drained = record.drained;
            batch.push(record);
            if !drained && batch.len() < RECORD_BATCH {
                continue;
            }
        }
        if !batch.is_empty() {
            if first && job.chooser.fixed().is_some() {
                // A named model is checked against the language of the input's first
                // records, once, as a document's start is.
                let mut start = String::new();
                for r in &batch {
                    if start.len() >= DETECT_BYTES {
                        break;
                    }
                    start.push_str(&r.text);
                    start.push('\n');
                }
                job.chooser.pick(source, start.as_bytes())?;
            }
            first = false;
            let scored = score_batch(job, &batch, &mut tally)?;
            for (record, (model, result)) in batch.drain(..).zip(scored) {
                *documents += 1;
                write_record(
                    out, job, source, *documents, record, model, result, &mut tally,
                )?;
            }
            if let Some(r) = track {
                let at = records.consumed();
                let counts = tally.counts();
                r.tick(out, true, || at.checkpoint(*documents, counts))?;
            }
        }
        if end {
            break;
        }
    }
    if !quiet {
        tally.notes(source, job.chooser.english_name());
    }
    input_done(out, &records, *documents, tally.counts(), track)?;
    out.end_input(source, &tally.summary)?;
    Ok(())
}

/// What a `--no-split` input's records came to: counts, and what the notes say.
#[derive(Default)]
struct Tally {
    summary: Summary,
    /// Records with empty (or blank) text.
    empty: usize,
    /// Under `auto`: records the English model stood in for.
    fallback: usize,
}

impl Tally {
    /// A tally that goes on from `counts` (a resumed run's).
    fn from(counts: TallyCounts) -> Tally {
        let mut summary = Summary {
            sentences: counts.sentences,
            fact: counts.fact,
            opinion: counts.opinion,
            ..Summary::default()
        };
        if summary.sentences > 0 {
            summary.opinion_share =
                (summary.opinion as f64 / summary.sentences as f64 * 1000.0).round() / 1000.0;
        }
        Tally {
            summary,
            empty: counts.empty,
            fallback: counts.fallback,
        }
    }

    /// Its counts, for a checkpoint.
    fn counts(&self) -> TallyCounts {
        TallyCounts {
            sentences: self.summary.sentences,
            fact: self.summary.fact,
            opinion: self.summary.opinion,
            empty: self.empty,
            fallback: self.fallback,
        }
    }

    /// One note per thing worth knowing about the input, on stderr.
    fn notes(&self, source: &str, english: &str) {
        let source = shown(source);
        let records = self.summary.sentences;
        if self.fallback > 0 {
            note!(
                "note: {source}: {} of {records} records too short to tell the language, or in a language without a model; used the English model ({english}) for them",
                self.fallback
            );
        }
        if self.empty > 0 {
            note!(
                "note: {source}: {} of {records} records have empty text; each still has its row, scored as the empty sentence",
                self.empty
            );
        }
    }
}

/// The model (its index among the chooser's `auto` models, or `None` for the named
/// one) and P(opinion) with the explanation of each record of a batch.
#[allow(clippy::type_complexity)]
fn score_batch(
    job: &mut Job<'_>,
    batch: &[InputRecord],
    tally: &mut Tally,
) -> anyhow::Result<Vec<(Option<usize>, (f64, Option<factop::model::Explanation>))>> {
    // Under auto, each record's own language picks its model.
    let mut picks = Vec::with_capacity(batch.len());
    for r in batch {
        let pick = job.chooser.pick_record(&r.text)?;
        if let Some((_, Some(_))) = pick {
            tally.fallback += 1;
        }
        picks.push(pick.map(|(i, _)| i));
    }
    let mut scored = vec![(0.0, None); batch.len()];
    let mut groups: Vec<Option<usize>> = picks.clone();
    groups.sort_unstable();
    groups.dedup();
    for group in groups {
        let model = model_of(job.chooser, group)?;
        let members: Vec<usize> = (0..batch.len()).filter(|&i| picks[i] == group).collect();
        if job.explain_top == 0 {
            let texts: Vec<&str> = members.iter().map(|&i| batch[i].text.as_str()).collect();
            for (&i, p) in members.iter().zip(model.probabilities(&texts, job.threads)) {
                scored[i] = (p, None);
            }
        } else {
            let mut buffers = ScoreBuffers::default();
            let texts: Vec<&str> = members.iter().map(|&i| batch[i].text.as_str()).collect();
            model.prepare(&texts);
            for &i in &members {
                scored[i] = model.score(&batch[i].text, &mut buffers, job.explain_top);
            }
        }
    }
    Ok(picks.into_iter().zip(scored).collect())
}

/// The model of a pick: the named one, or one `auto` loaded.
fn model_of(chooser: &Chooser, pick: Option<usize>) -> anyhow::Result<&Classifier> {
    let model = match pick {
        None => chooser.fixed(),
        Some(i) => chooser.loaded(i),
    };
    model.context("internal error: no model was chosen for a record")
}

/// Write one `--no-split` record as a document of one sentence.
#[allow(clippy::too_many_arguments)]
fn write_record(
    out: &mut dyn Format,
    job: &Job<'_>,
    source: &str,
    number: usize,
    record: InputRecord,
    model: Option<usize>,
    (p, mut explanation): (f64, Option<factop::model::Explanation>),
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let model = model_of(job.chooser, model)?;
    let threshold = job.threshold.unwrap_or(model.threshold());
    if let Some(e) = &mut explanation {
        e.set_threshold(threshold);
    }
    let doc = Document {
        source: source.to_string(),
        id: Some(
            record
                .id
                .unwrap_or_else(|| Value::Number(record.number.into())),
        ),
        number,
        model: ModelInfo::of(model, threshold),
        language: Some(model.language()),
    };
    if record.text.trim().is_empty() {
        tally.empty += 1;
    }
    let result = SentenceResult {
        index: 0,
        start: 0,
        end: record.text.len(),
        text: record.text,
        label: Label::from_probability(p, threshold),
        opinion_probability: p,
        explanation,
    };
    let mut summary = Summary::default();
    summary.add(&result);
    tally.summary.add(&result);
    out.begin_document(&doc)?;
    out.line(
        &doc,
        &Line {
            number: record.line,
            offset: 0,
            text: &result.text,
            ending: "",
            sentences: std::slice::from_ref(&result),
            input_drained: record.drained,
        },
    )?;
    out.end_document(&doc, &summary)?;
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
