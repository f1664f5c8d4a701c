//! Streaming classification: reads an article line by line, so memory stays bounded
//! whatever the input size and results come out before the input ends.
//!
//! A line break always ends a sentence (see [`crate::segment`]), so segmenting each line
//! on its own gives the same sentences as segmenting the whole document. Offsets stay
//! byte offsets into the whole document.

use crate::data::Label;
use crate::error::{Error, Result};
use crate::features::Scratch;
use crate::limits::MAX_LINE_BYTES;
use crate::model::{Classifier, SentenceResult};
use crate::segment::segment;
use std::io::BufRead;
use std::path::Path;

/// One line of a document and its classified sentences.
#[derive(Debug)]
pub struct Line<'a> {
    /// 1-based line number.
    pub number: u64,
    /// Byte offset of the line's start in the document.
    pub offset: usize,
    /// The line's text, without its line ending.
    pub text: &'a str,
    /// The line ending as read (`"\n"`, `"\r\n"` or `""` at the end of input).
    pub ending: &'a str,
    /// The sentences on this line, with document offsets and running indices.
    pub sentences: &'a [SentenceResult],
    /// True when the input buffer is empty after this line, so that reading the next
    /// line may wait for input: a streaming writer flushes here.
    pub input_drained: bool,
}

/// Settings of a classification run.
#[derive(Debug, Clone, Copy)]
pub struct StreamOptions {
    /// Decision threshold on P(opinion).
    pub threshold: f64,
    /// Features per label to explain (0: no explanation).
    pub explain_top: usize,
}

/// Read one line (up to and including `\n`) into `buf`, refusing lines longer than
/// `max` bytes. Returns `None` at end of input, else whether the reader's buffer was
/// left empty (the next read may block).
pub fn read_line_bounded<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(if buf.is_empty() { None } else { Some(true) });
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if buf.len() + take > max + 2 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "line too long",
            ));
        }
        let drained = take == available.len();
        buf.extend_from_slice(&available[..take]);
        reader.consume(take);
        if done {
            return Ok(Some(drained));
        }
    }
}

/// Settings of a parallel run.
const BATCH_LINES: usize = 2048;
const BATCH_BYTES: usize = 1 << 20;

/// One line read and checked, waiting to be classified.
struct RawLine {
    number: u64,
    offset: usize,
    full: String,
    drained: bool,
}

fn split_ending(full: &str) -> (&str, &str) {
    if let Some(t) = full.strip_suffix("\r\n") {
        (t, "\r\n")
    } else if let Some(t) = full.strip_suffix('\n') {
        (t, "\n")
    } else {
        (full, "")
    }
}

/// Reads lines with their numbers and offsets, checking length and UTF-8.
struct LineSource<'p, R> {
    reader: R,
    path: &'p Path,
    buf: Vec<u8>,
    number: u64,
    offset: usize,
}

impl<R: BufRead> LineSource<'_, R> {
    fn next_line(&mut self) -> Result<Option<RawLine>> {
        let number = self.number + 1;
        let drained = match read_line_bounded(&mut self.reader, &mut self.buf, MAX_LINE_BYTES) {
            Ok(Some(drained)) => drained,
            Ok(None) => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(Error::Limit {
                    path: self.path.into(),
                    line: number,
                    message: format!("line is longer than the limit of {MAX_LINE_BYTES} bytes"),
                })
            }
            Err(e) => return Err(Error::io(self.path, e)),
        };
        let full = std::str::from_utf8(&self.buf).map_err(|e| Error::Utf8 {
            path: self.path.into(),
            line: number,
            offset: (self.offset + e.valid_up_to()) as u64,
        })?;
        let line = RawLine {
            number,
            offset: self.offset,
            full: full.to_string(),
            drained,
        };
        self.number = number;
        self.offset += full.len();
        Ok(Some(line))
    }
}

/// Segment and classify one line; sentence indices start at 0 (callers renumber).
fn classify_line(
    model: &Classifier,
    opts: StreamOptions,
    line: &RawLine,
    scratch: &mut Scratch,
    row: &mut Vec<(u32, f64)>,
    out: &mut Vec<SentenceResult>,
) {
    out.clear();
    let (text, _) = split_ending(&line.full);
    for (index, span) in segment(text).into_iter().enumerate() {
        let s = span.text(text);
        model.featurizer().row_into(s, scratch, row);
        let p = model.probability_of_row(row);
        out.push(SentenceResult {
            index,
            start: line.offset + span.start,
            end: line.offset + span.end,
            text: s.to_string(),
            label: Label::from_probability(p, opts.threshold),
            opinion_probability: p,
            explanation: (opts.explain_top > 0).then(|| model.explain_row(row, opts.explain_top)),
        });
    }
}

/// Hand a classified line to the caller, numbering its sentences from `index`.
fn emit(
    line: &RawLine,
    sentences: &mut [SentenceResult],
    index: &mut usize,
    drained: bool,
    on_line: &mut impl FnMut(&Line<'_>) -> Result<()>,
) -> Result<()> {
    for s in sentences.iter_mut() {
        s.index = *index;
        *index += 1;
    }
    let (text, ending) = split_ending(&line.full);
    on_line(&Line {
        number: line.number,
        offset: line.offset,
        text,
        ending,
        sentences,
        input_drained: drained,
    })
}

/// Classify a document read from `reader`, calling `on_line` for every line in order.
/// `path` names the input in messages. Returns the sentence count.
pub fn classify_reader<R: BufRead>(
    reader: R,
    path: &Path,
    model: &Classifier,
    opts: StreamOptions,
    on_line: impl FnMut(&Line<'_>) -> Result<()>,
) -> Result<usize> {
    classify_reader_threads(reader, path, model, opts, 1, on_line)
}

/// [`classify_reader`] with `threads` worker threads. Lines are read and results
/// written on the calling thread, in input order; batches of lines are classified in
/// parallel. Output is identical for any thread count. A batch ends early when the
/// input has nothing more buffered, so results keep streaming on slow input.
pub fn classify_reader_threads<R: BufRead>(
    reader: R,
    path: &Path,
    model: &Classifier,
    opts: StreamOptions,
    threads: usize,
    mut on_line: impl FnMut(&Line<'_>) -> Result<()>,
) -> Result<usize> {
    let mut source = LineSource {
        reader,
        path,
        buf: Vec::new(),
        number: 0,
        offset: 0,
    };
    let mut index = 0usize;
    if threads <= 1 {
        let (mut scratch, mut row, mut sentences) = (Scratch::default(), Vec::new(), Vec::new());
        while let Some(line) = source.next_line()? {
            classify_line(model, opts, &line, &mut scratch, &mut row, &mut sentences);
            emit(
                &line,
                &mut sentences,
                &mut index,
                line.drained,
                &mut on_line,
            )?;
        }
        return Ok(index);
    }

    type Batch = Vec<RawLine>;
    type Done = (u64, Batch, Vec<Vec<SentenceResult>>);
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<(u64, Batch)>(threads * 2);
    let work_rx = std::sync::Mutex::new(work_rx);
    std::thread::scope(|scope| -> Result<usize> {
        let work_tx = work_tx;
        let (done_tx, done_rx) = std::sync::mpsc::channel::<Done>();
        for _ in 0..threads {
            let (work_rx, done_tx) = (&work_rx, done_tx.clone());
            scope.spawn(move || {
                let (mut scratch, mut row) = (Scratch::default(), Vec::new());
                loop {
                    let job = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, batch)) = job else { return };
                    let results = batch
                        .iter()
                        .map(|line| {
                            let mut out = Vec::new();
                            classify_line(model, opts, line, &mut scratch, &mut row, &mut out);
                            out
                        })
                        .collect();
                    if done_tx.send((seq, batch, results)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);

        let mut pending: std::collections::BTreeMap<u64, (Batch, Vec<Vec<SentenceResult>>)> =
            Default::default();
        let (mut sent, mut written) = (0u64, 0u64);
        let mut write_ready =
            |pending: &mut std::collections::BTreeMap<u64, (Batch, Vec<Vec<SentenceResult>>)>,
             written: &mut u64,
             index: &mut usize|
             -> Result<()> {
                while let Some((batch, mut results)) = pending.remove(written) {
                    let last = batch.len().saturating_sub(1);
                    for (i, (line, sentences)) in batch.iter().zip(results.iter_mut()).enumerate() {
                        emit(
                            line,
                            sentences,
                            index,
                            i == last && line.drained,
                            &mut on_line,
                        )?;
                    }
                    *written += 1;
                }
                Ok(())
            };
        let mut failure = None;
        let mut eof = false;
        while !eof {
            let mut batch = Vec::new();
            let mut bytes = 0;
            loop {
                match source.next_line() {
                    Ok(Some(line)) => {
                        bytes += line.full.len();
                        let drained = line.drained;
                        batch.push(line);
                        if drained || batch.len() >= BATCH_LINES || bytes >= BATCH_BYTES {
                            break;
                        }
                    }
                    Ok(None) => {
                        eof = true;
                        break;
                    }
                    Err(e) => {
                        failure = Some(e);
                        eof = true;
                        break;
                    }
                }
            }
            let waits = batch.last().is_some_and(|l| l.drained) || eof;
            if !batch.is_empty() {
                if work_tx.send((sent, batch)).is_err() {
                    break;
                }
                sent += 1;
            }
            // Write what is ready; before the next read may block, write everything.
            while let Ok((seq, batch, results)) = done_rx.try_recv() {
                pending.insert(seq, (batch, results));
            }
            write_ready(&mut pending, &mut written, &mut index)?;
            if waits {
                while written < sent {
                    let Ok((seq, batch, results)) = done_rx.recv() else {
                        break;
                    };
                    pending.insert(seq, (batch, results));
                    write_ready(&mut pending, &mut written, &mut index)?;
                }
            }
        }
        drop(work_tx);
        match failure {
            Some(e) => Err(e),
            None => Ok(index),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_give_identical_results() {
        let model = Classifier::embedded().unwrap();
        let doc = "Officials said 40 people were hurt.\n\nWhat a disgrace! Nobody cares.\r\nShares fell 4 percent.\nNo newline at the end";
        let text = doc.repeat(500);
        let opts = StreamOptions {
            threshold: 0.5,
            explain_top: 1,
        };
        let collect = |threads| {
            let mut lines = Vec::new();
            let n = classify_reader_threads(
                text.as_bytes(),
                Path::new("t"),
                &model,
                opts,
                threads,
                |l| {
                    lines.push((
                        l.number,
                        l.offset,
                        l.text.to_string(),
                        l.ending.to_string(),
                        l.sentences.to_vec(),
                    ));
                    Ok(())
                },
            )
            .unwrap();
            (n, lines)
        };
        let one = collect(1);
        // Four sentences per copy; the unterminated last line of one copy joins the
        // first line of the next, and the very last copy adds its own last line.
        assert_eq!(one.0, 4 * 500 + 1);
        assert_eq!(collect(2), one);
        assert_eq!(collect(3), one);
        // sentence indices run through the document
        let idx: Vec<usize> = one
            .1
            .iter()
            .flat_map(|l| l.4.iter().map(|s| s.index))
            .collect();
        assert_eq!(idx, (0..one.0).collect::<Vec<_>>());
    }

    #[test]
    fn errors_in_parallel_runs_name_the_line() {
        let model = Classifier::embedded().unwrap();
        let mut bytes = b"Fine line.\n".repeat(5000);
        bytes.extend_from_slice(b"bad \xff\n");
        let opts = StreamOptions {
            threshold: 0.5,
            explain_top: 0,
        };
        let err =
            classify_reader_threads(&bytes[..], Path::new("t.txt"), &model, opts, 2, |_| Ok(()))
                .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.txt:5001: invalid UTF-8 at byte offset 55004"
        );
    }

    #[test]
    fn bounded_line_reader() {
        let mut r = std::io::Cursor::new(b"ab\ncd".to_vec());
        let mut buf = Vec::new();
        assert_eq!(
            read_line_bounded(&mut r, &mut buf, 10).unwrap(),
            Some(false)
        );
        assert_eq!(buf, b"ab\n");
        assert_eq!(read_line_bounded(&mut r, &mut buf, 10).unwrap(), Some(true));
        assert_eq!(buf, b"cd");
        assert!(read_line_bounded(&mut r, &mut buf, 10).unwrap().is_none());
        let mut long = std::io::Cursor::new(vec![b'x'; 100]);
        assert!(read_line_bounded(&mut long, &mut buf, 10).is_err());
    }
}
