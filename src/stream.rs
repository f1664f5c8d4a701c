//! Streaming classification: reads an article line by line, so memory stays bounded
//! whatever the input size and results come out before the input ends.
//!
//! A line break always ends a sentence (see [`crate::pipeline::segment`]), so segmenting each line
//! on its own gives the same sentences as segmenting the whole document. Offsets stay
//! byte offsets into the whole document.

use crate::error::{Error, Result};
use crate::limits::MAX_LINE_BYTES;
use crate::model::{Classifier, ScoreBuffers, SentenceResult};
use crate::pipeline::segment::segment_iter;
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
            if buf.is_empty() {
                return Ok(None);
            }
            return check_line_length(buf, max).map(|()| Some(true));
        }
        let (take, done) = match memchr::memchr(b'\n', available) {
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
            return check_line_length(buf, max).map(|()| Some(drained));
        }
    }
}

/// Refuse a line whose text, without its `\n` or `\r\n` ending, is over `max` bytes.
fn check_line_length(line: &[u8], max: usize) -> std::io::Result<()> {
    let ending = if line.ends_with(b"\r\n") {
        2
    } else {
        usize::from(line.ends_with(b"\n"))
    };
    if line.len() - ending > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "line too long",
        ));
    }
    Ok(())
}

/// Most lines in one batch. Small batches keep both cores busy to the end of the input
/// (in alternating runs on the 2-core development machine, two threads ran 1.67× one
/// thread on the bench corpus with 2,048 lines, 1.79× with 512); one thread is as fast
/// either way.
const BATCH_LINES: usize = 512;
/// A batch ends once it holds this many bytes.
const BATCH_BYTES: usize = 256 << 10;
/// The same limits for a model with a sentence encoder, which spends milliseconds, not
/// microseconds, on a sentence: small batches (a few sentences, well under a second
/// of work) keep every thread busy to the end of the input and let a short article
/// use all of them. With 512-line batches, `-j 2` ran only 1.5× `-j 1` on 2,332
/// sentences (five batches of about 18 s each for two threads).
const ENCODER_BATCH_LINES: usize = 16;
const ENCODER_BATCH_BYTES: usize = 2 << 10;

/// Where one line of a batch is, in the batch and in the document.
#[derive(Debug, Clone, Copy)]
struct LineMeta {
    number: u64,
    /// Byte offset of the line's start in the document.
    offset: usize,
    /// The line (ending included) is `batch.text[start..end]`.
    start: usize,
    end: usize,
    /// The line's sentences are `batch.results[..sentences_end]` after the previous line's.
    sentences_end: usize,
    drained: bool,
}

/// A run of lines read and checked, then classified, then written. Batches are reused
/// (their strings and vectors keep their capacity), so a long run allocates little and
/// threads do not free each other's memory.
#[derive(Debug, Default)]
struct Batch {
    text: String,
    lines: Vec<LineMeta>,
    /// Sentence results; only the first `used` are this batch's (the rest are spare
    /// buffers from earlier, larger batches).
    results: Vec<SentenceResult>,
    used: usize,
}

impl Batch {
    fn clear(&mut self) {
        self.text.clear();
        self.lines.clear();
        self.used = 0;
    }

    /// Whether the last line read left the input buffer empty.
    fn ends_drained(&self) -> bool {
        self.lines.last().is_some_and(|l| l.drained)
    }

    /// Segment and classify every line (sentence indices are set when written).
    fn classify(&mut self, model: &Classifier, opts: StreamOptions, buffers: &mut ScoreBuffers) {
        self.used = 0;
        if model.has_encoder() {
            // The accurate tier embeds the batch's sentences together.
            let mut sentences = Vec::new();
            for line in &self.lines {
                let (text, _) = split_ending(&self.text[line.start..line.end]);
                sentences.extend(segment_iter(text, model.language()).map(|s| s.text(text)));
            }
            model.prepare(&sentences);
        }
        for line in &mut self.lines {
            let (text, _) = split_ending(&self.text[line.start..line.end]);
            model.classify_into(
                text,
                line.offset,
                opts.threshold,
                opts.explain_top,
                buffers,
                &mut self.results,
                &mut self.used,
            );
            line.sentences_end = self.used;
        }
    }

    /// Hand every line to the caller, in order, numbering sentences from `index`.
    fn emit(
        &mut self,
        index: &mut usize,
        on_line: &mut impl FnMut(&Line<'_>) -> Result<()>,
    ) -> Result<()> {
        let last = self.lines.len().saturating_sub(1);
        let mut from = 0;
        for (i, line) in self.lines.iter().enumerate() {
            let sentences = &mut self.results[from..line.sentences_end];
            from = line.sentences_end;
            for s in sentences.iter_mut() {
                s.index = *index;
                *index += 1;
            }
            let (text, ending) = split_ending(&self.text[line.start..line.end]);
            on_line(&Line {
                number: line.number,
                offset: line.offset,
                text,
                ending,
                sentences,
                input_drained: i == last && line.drained,
            })?;
        }
        Ok(())
    }
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
    eof: bool,
    /// Batch limits: lines and bytes.
    batch_lines: usize,
    batch_bytes: usize,
}

impl<R: BufRead> LineSource<'_, R> {
    /// Append the next line to `batch`; `false` at the end of input.
    fn next_line(&mut self, batch: &mut Batch) -> Result<bool> {
        let number = self.number + 1;
        let drained = match read_line_bounded(&mut self.reader, &mut self.buf, MAX_LINE_BYTES) {
            Ok(Some(drained)) => drained,
            Ok(None) => return Ok(false),
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
        let start = batch.text.len();
        batch.text.push_str(full);
        batch.lines.push(LineMeta {
            number,
            offset: self.offset,
            start,
            end: batch.text.len(),
            sentences_end: 0,
            drained,
        });
        self.number = number;
        self.offset += full.len();
        Ok(true)
    }

    /// Fill `batch` (cleared first) with lines, until it is full or the input has
    /// nothing more buffered. A read error ends the batch: the lines before it are
    /// kept, and the error is returned beside them.
    fn fill(&mut self, batch: &mut Batch) -> Option<Error> {
        batch.clear();
        while !self.eof {
            match self.next_line(batch) {
                Ok(true) => {
                    if batch.ends_drained()
                        || batch.lines.len() >= self.batch_lines
                        || batch.text.len() >= self.batch_bytes
                    {
                        break;
                    }
                }
                Ok(false) => self.eof = true,
                Err(e) => {
                    self.eof = true;
                    return Some(e);
                }
            }
        }
        None
    }
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

/// Where in a document reading starts: after `line` lines and `offset` bytes, with
/// `index` sentences before it. The default is the document's start; a continued run
/// (`classify --resume`) passes the position its last checkpoint recorded, with the
/// reader at that byte, and gets the line numbers, offsets and sentence indices an
/// uninterrupted run would have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Start {
    /// Lines before the reader's position.
    pub line: u64,
    /// Bytes before the reader's position.
    pub offset: usize,
    /// Sentences on those lines.
    pub index: usize,
}

/// [`classify_reader`] on `threads` threads: the calling thread and `threads - 1`
/// workers. Lines are read and results written on the calling thread, in input order;
/// batches of lines are classified in parallel, by a worker or, when every worker has
/// a batch waiting, by the calling thread itself (so no more threads compete for the
/// cores than asked for). Output is identical for any thread count. A batch ends
/// early when the input has nothing more buffered, so results keep streaming on slow
/// input.
pub fn classify_reader_threads<R: BufRead>(
    reader: R,
    path: &Path,
    model: &Classifier,
    opts: StreamOptions,
    threads: usize,
    on_line: impl FnMut(&Line<'_>) -> Result<()>,
) -> Result<usize> {
    classify_reader_from(
        reader,
        path,
        model,
        opts,
        threads,
        Start::default(),
        on_line,
    )
}

/// [`classify_reader_threads`] on a reader positioned at `start` of the document.
/// Returns the index after the last sentence.
pub fn classify_reader_from<R: BufRead>(
    reader: R,
    path: &Path,
    model: &Classifier,
    opts: StreamOptions,
    threads: usize,
    start: Start,
    mut on_line: impl FnMut(&Line<'_>) -> Result<()>,
) -> Result<usize> {
    let mut source = LineSource {
        reader,
        path,
        buf: Vec::new(),
        number: start.line,
        offset: start.offset,
        eof: false,
        batch_lines: BATCH_LINES,
        batch_bytes: BATCH_BYTES,
    };
    if model.has_encoder() {
        source.batch_lines = ENCODER_BATCH_LINES;
        source.batch_bytes = ENCODER_BATCH_BYTES;
    }
    let mut index = start.index;
    if threads <= 1 {
        // This thread's buffers: a server or a Python loop classifying many short
        // documents on one thread keeps its word cache warm between them.
        return ScoreBuffers::with_thread_local(|buffers| {
            let mut batch = Batch::default();
            while !source.eof {
                let failure = source.fill(&mut batch);
                batch.classify(model, opts, buffers);
                batch.emit(&mut index, &mut on_line)?;
                if let Some(e) = failure {
                    return Err(e);
                }
            }
            Ok(index)
        });
    }

    // The reader fills batches and sends them to the workers, one waiting batch per
    // worker at most; when all are busy it classifies the batch itself. Finished
    // batches are written in order of their sequence numbers and reused.
    let workers = threads - 1;
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<(u64, Batch)>(workers);
    let work_rx = std::sync::Mutex::new(work_rx);
    std::thread::scope(|scope| -> Result<usize> {
        let work_tx = work_tx;
        let (done_tx, done_rx) = std::sync::mpsc::channel::<(u64, Batch)>();
        for _ in 0..workers {
            let (work_rx, done_tx) = (&work_rx, done_tx.clone());
            scope.spawn(move || {
                let mut buffers = ScoreBuffers::default();
                loop {
                    let job = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, mut batch)) = job else { return };
                    batch.classify(model, opts, &mut buffers);
                    if done_tx.send((seq, batch)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);

        let mut pending: std::collections::BTreeMap<u64, Batch> = Default::default();
        let mut spare: Vec<Batch> = Vec::new();
        let (mut sent, mut written) = (0u64, 0u64);
        let mut write_ready = |pending: &mut std::collections::BTreeMap<u64, Batch>,
                               spare: &mut Vec<Batch>,
                               written: &mut u64,
                               index: &mut usize|
         -> Result<()> {
            while let Some(mut batch) = pending.remove(written) {
                batch.emit(index, &mut on_line)?;
                spare.push(batch);
                *written += 1;
            }
            Ok(())
        };
        let mut buffers = ScoreBuffers::default();
        let mut failure = None;
        // Batches read but not yet written, at most: one queued and one in hand per
        // worker, plus a few the reading thread classified while a worker was slow.
        let max_in_flight = 2 * threads as u64 + 2;
        'read: while !source.eof {
            while sent - written >= max_in_flight {
                let Ok((seq, batch)) = done_rx.recv() else {
                    break 'read;
                };
                pending.insert(seq, batch);
                write_ready(&mut pending, &mut spare, &mut written, &mut index)?;
            }
            let mut batch = spare.pop().unwrap_or_default();
            failure = source.fill(&mut batch);
            let waits = batch.ends_drained() || source.eof;
            if !batch.lines.is_empty() {
                match work_tx.try_send((sent, batch)) {
                    Ok(()) => {}
                    Err(std::sync::mpsc::TrySendError::Full((seq, mut batch))) => {
                        batch.classify(model, opts, &mut buffers);
                        pending.insert(seq, batch);
                    }
                    Err(std::sync::mpsc::TrySendError::Disconnected(_)) => break,
                }
                sent += 1;
            }
            // Write what is ready; before the next read may block, write everything.
            while let Ok((seq, batch)) = done_rx.try_recv() {
                pending.insert(seq, batch);
            }
            write_ready(&mut pending, &mut spare, &mut written, &mut index)?;
            if waits {
                while written < sent {
                    let Ok((seq, batch)) = done_rx.recv() else {
                        break;
                    };
                    pending.insert(seq, batch);
                    write_ready(&mut pending, &mut spare, &mut written, &mut index)?;
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
        // Enough lines (4 a copy) for many batches of `BATCH_LINES`.
        const COPIES: usize = 2500;
        let model = Classifier::embedded().unwrap();
        let doc = "Officials said 40 people were hurt.\n\nWhat a disgrace! Nobody cares.\r\nShares fell 4 percent.\nNo newline at the end";
        let text = doc.repeat(COPIES);
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
        assert_eq!(one.0, 4 * COPIES + 1);
        assert_eq!(collect(2), one);
        assert_eq!(collect(3), one);
        assert_eq!(collect(8), one);
        // sentence indices run through the document
        let idx: Vec<usize> = one
            .1
            .iter()
            .flat_map(|l| l.4.iter().map(|s| s.index))
            .collect();
        assert_eq!(idx, (0..one.0).collect::<Vec<_>>());
    }

    #[test]
    fn a_run_started_mid_document_continues_as_one_run() {
        let model = Classifier::embedded().unwrap();
        let text = "Officials said 40 people were hurt.\n\nWhat a disgrace! Nobody cares.\r\nShares fell.\n".repeat(300);
        let opts = StreamOptions {
            threshold: 0.5,
            explain_top: 0,
        };
        let collect = |start: Start, threads| {
            let mut lines = Vec::new();
            classify_reader_from(
                &text.as_bytes()[start.offset..],
                Path::new("t"),
                &model,
                opts,
                threads,
                start,
                |l| {
                    lines.push((l.number, l.offset, l.text.to_string(), l.sentences.to_vec()));
                    Ok(())
                },
            )
            .unwrap();
            lines
        };
        let whole = collect(Start::default(), 1);
        for cut in [1, 2, 517, whole.len() - 1] {
            let (number, offset, _, _) = &whole[cut];
            let index = whole[..cut].iter().map(|l| l.3.len()).sum();
            let start = Start {
                line: number - 1,
                offset: *offset,
                index,
            };
            assert_eq!(collect(start, 2), whole[cut..], "from line {number}");
        }
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
        // The limit is on the text: its ending may follow, nothing else may.
        for (input, ok) in [
            (&b"0123456789\r\n"[..], true),
            (b"0123456789\n", true),
            (b"0123456789", true),
            (b"0123456789x\n", false),
            (b"0123456789xy", false),
            (b"0123456789\r", false),
        ] {
            let mut r = std::io::Cursor::new(input.to_vec());
            let got = read_line_bounded(&mut r, &mut buf, 10);
            assert_eq!(got.is_ok(), ok, "{:?}", String::from_utf8_lossy(input));
        }
    }
}
