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

/// Classify a document read from `reader`, calling `on_line` for every line in order.
/// `path` names the input in messages. Returns the sentence count.
pub fn classify_reader<R: BufRead>(
    mut reader: R,
    path: &Path,
    model: &Classifier,
    opts: StreamOptions,
    mut on_line: impl FnMut(&Line<'_>) -> Result<()>,
) -> Result<usize> {
    let mut buf = Vec::new();
    let (mut number, mut offset, mut index) = (0u64, 0usize, 0usize);
    let (mut scratch, mut row) = (Scratch::default(), Vec::new());
    let mut sentences = Vec::new();
    loop {
        number += 1;
        let input_drained = match read_line_bounded(&mut reader, &mut buf, MAX_LINE_BYTES) {
            Ok(Some(drained)) => drained,
            Ok(None) => break,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(Error::Limit {
                    path: path.into(),
                    line: number,
                    message: format!("line is longer than the limit of {MAX_LINE_BYTES} bytes"),
                })
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        let full = std::str::from_utf8(&buf).map_err(|e| Error::Utf8 {
            path: path.into(),
            line: number,
            offset: (offset + e.valid_up_to()) as u64,
        })?;
        let (text, ending) = if let Some(t) = full.strip_suffix("\r\n") {
            (t, "\r\n")
        } else if let Some(t) = full.strip_suffix('\n') {
            (t, "\n")
        } else {
            (full, "")
        };
        sentences.clear();
        for span in segment(text) {
            let s = span.text(text);
            model.featurizer().row_into(s, &mut scratch, &mut row);
            let p = model.probability_of_row(&row);
            sentences.push(SentenceResult {
                index,
                start: offset + span.start,
                end: offset + span.end,
                text: s.to_string(),
                label: Label::from_probability(p, opts.threshold),
                opinion_probability: p,
                explanation: (opts.explain_top > 0)
                    .then(|| model.explain_row(&row, opts.explain_top)),
            });
            index += 1;
        }
        on_line(&Line {
            number,
            offset,
            text,
            ending,
            sentences: &sentences,
            input_drained,
        })?;
        offset += full.len();
    }
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

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
