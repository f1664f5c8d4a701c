//! Sentence segmentation: splits an article into sentences with byte spans.
//!
//! The segmenter is rule based; its abbreviations and sentence openers come from the
//! language's [`SegmentRules`] (see [`crate::language`]). It makes a
//! single forward pass over the bytes of the input, so it runs in linear time
//! and never allocates per character. The rules, in order of precedence:
//!
//! * Every line break (`\n`, `\r`, `\r\n`, vertical tab, form feed, U+0085,
//!   U+2028, U+2029) ends the current sentence, so a headline without a final
//!   period is a sentence of its own.
//! * A run of `.`, `?`, `!` or `…`, optionally followed by closing quotes or
//!   brackets (`” ’ " ' ) ] »`), then whitespace, then an uppercase letter, a
//!   digit or an opening quote/bracket, is a boundary. Ellipses need an
//!   uppercase letter or an opening quote after them.
//! * A single `.` after a known abbreviation of the language is usually not a
//!   boundary. For English: titles (`Mr.`, `Dr.`, `Gen.`, …), `vs.`, `e.g.`, `i.e.` never end a
//!   sentence; `No.` does not before a number; dotted acronyms (`U.S.`,
//!   `a.m.`), initials (`J.`), months (`Sept.`) and company or name suffixes
//!   (`Inc.`, `Jr.`, `etc.`) end a sentence only when the next word is a
//!   common sentence opener such as `The`, `He` or `But`, or when a closing
//!   quote or bracket follows the period.
//! * Inside a double quotation (`“…”` or `"…"`) that closes on the same line,
//!   no boundary is placed, so a multi-sentence quote and its attribution stay
//!   together. A quote that does not close on its line is ignored.
//! * No sentence is longer than [`MAX_SENTENCE_BYTES`].
//!
//! * Format characters (soft hyphens, zero-width spaces and joiners, bidirectional
//!   controls such as U+202E: [`is_format`]) do not count: the text is segmented as
//!   if they were not there, so a right-to-left override after a full stop does not
//!   hide the sentence end.
//!
//! Every span is trimmed of Unicode whitespace and U+FEFF ([`is_space`]) and of format
//! characters, non-empty, lies on `char` boundaries, and spans are in increasing order
//! without overlap. Every other character of the input lies inside exactly one span.

use crate::language::{Language, SegmentRules};
use crate::pipeline::chars::is_format;

/// Longest sentence, in bytes, that [`segment`] ever returns.
///
/// When no boundary is found within this many bytes, the sentence is cut at
/// the last whitespace before the limit, or at the last `char` boundary before
/// the limit if the text has no whitespace there. This bounds the work that
/// downstream stages do per sentence on hostile or malformed input.
pub const MAX_SENTENCE_BYTES: usize = 10_000;

/// A sentence's byte range in the document, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offset of the first byte of the sentence.
    pub start: usize,
    /// Byte offset one past the last byte of the sentence.
    pub end: usize,
}

impl Span {
    /// The sentence text within `doc`.
    ///
    /// # Panics
    ///
    /// Panics if the span does not lie on `char` boundaries of `doc`, which
    /// cannot happen when `doc` is the text the span was produced from.
    pub fn text<'a>(&self, doc: &'a str) -> &'a str {
        &doc[self.start..self.end]
    }
}

/// Split `text` into sentences.
///
/// Returns the sentence spans in document order; see the module
/// documentation for the rules.
pub fn segment(text: &str, language: Language) -> Vec<Span> {
    let mut out = Vec::with_capacity(text.len() / 128 + 1);
    out.extend(segment_iter(text, language));
    out
}

/// Iterator form of [`segment`], yielding the same spans lazily.
///
/// Useful for streaming over large inputs: each call to `next` does work
/// proportional to the bytes it consumes. Text with format characters (see
/// [`crate::pipeline::chars::is_format`]) is segmented as the text without them, all at
/// once: a soft hyphen, zero-width space or right-to-left override never hides or
/// makes a sentence end, and the spans still index `text`.
pub fn segment_iter(text: &str, language: Language) -> Spans<'_> {
    if has_format_characters(text) {
        Spans(SpansInner::Mapped(
            segment_without_format(text, language).into_iter(),
        ))
    } else {
        Spans(SpansInner::Lazy(segmenter(text, language)))
    }
}

/// The sentence spans of a text, from [`segment_iter`].
pub struct Spans<'a>(SpansInner<'a>);

enum SpansInner<'a> {
    /// Text without format characters, segmented as it is read.
    Lazy(Segmenter<'a>),
    /// Text with format characters, segmented in full.
    Mapped(std::vec::IntoIter<Span>),
}

impl Iterator for Spans<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        match &mut self.0 {
            SpansInner::Lazy(s) => s.next(),
            SpansInner::Mapped(s) => s.next(),
        }
    }
}

fn segmenter(text: &str, language: Language) -> Segmenter<'_> {
    Segmenter {
        rules: language.profile().segmentation,
        text,
        bytes: text.as_bytes(),
        pos: 0,
        start: 0,
        quote_close: None,
        pair_fail_until: [0; MAX_QUOTE_PAIRS],
        straight_fail_until: 0,
        lowercase_line: std::cell::Cell::new(None),
    }
}

/// First bytes of the UTF-8 forms of the format characters.
const FORMAT_LEAD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    // U+00AD, U+0600..U+061C, U+06DD, U+070F, U+0890..U+08E2, U+180E, U+200B..U+206F,
    // U+FEFF..U+FFFB, and the planes above (U+110BD..U+E007F).
    let leads = [0xC2, 0xD8, 0xDB, 0xDC, 0xE0, 0xE1, 0xE2, 0xEF, 0xF0, 0xF3];
    while i < leads.len() {
        t[leads[i]] = true;
        i += 1;
    }
    t
};

/// Whether `text` holds a format character. Only characters whose first byte can start
/// one are decoded.
fn has_format_characters(text: &str) -> bool {
    // Most lines of news are ASCII: one word-at-a-time pass says so.
    if text.is_ascii() {
        return false;
    }
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        FORMAT_LEAD[usize::from(b)]
            && text
                .get(i..)
                .and_then(|t| t.chars().next())
                .is_some_and(is_format)
    })
}

/// The spans of `text` found in `text` without its format characters, mapped back to
/// `text`'s offsets. A run of format characters at a sentence's edge is left outside it,
/// as whitespace is; one inside stays inside. A sentence that format characters make
/// longer than [`MAX_SENTENCE_BYTES`] is cut as a long sentence is.
fn segment_without_format(text: &str, language: Language) -> Vec<Span> {
    let mut plain = String::with_capacity(text.len());
    // Each run of removed characters: its offset in `plain` and the bytes removed up to
    // its end.
    let mut removed: Vec<(usize, usize)> = Vec::new();
    let mut total = 0;
    for c in text.chars() {
        if is_format(c) {
            total += c.len_utf8();
            match removed.last_mut() {
                Some(last) if last.0 == plain.len() => last.1 = total,
                _ => removed.push((plain.len(), total)),
            }
        } else {
            plain.push(c);
        }
    }
    // Bytes removed before the character at `at` of `plain` (`inclusive`: also the run
    // at `at` itself, which precedes that character).
    let shift = |at: usize, inclusive: bool| {
        let n = removed.partition_point(|&(pos, _)| pos < at || (inclusive && pos == at));
        n.checked_sub(1)
            .and_then(|k| removed.get(k))
            .map_or(0, |r| r.1)
    };
    let mut out = Vec::with_capacity(plain.len() / 128 + 1);
    for span in segmenter(&plain, language) {
        let start = span.start + shift(span.start, true);
        let end = span.end + shift(span.end, false);
        cut_long(text, start, end, &mut out);
    }
    out
}

/// Push `start..end` of `text` as spans of at most [`MAX_SENTENCE_BYTES`], cut at the
/// last whitespace before the limit (else at the last `char` boundary), each trimmed
/// of whitespace and format characters.
fn cut_long(text: &str, mut start: usize, end: usize, out: &mut Vec<Span>) {
    let edge = |c: char| is_space(c) || is_format(c);
    while start < end {
        let mut cut = end;
        if end - start > MAX_SENTENCE_BYTES {
            let mut lim = start + MAX_SENTENCE_BYTES;
            while lim > start && !text.is_char_boundary(lim) {
                lim -= 1;
            }
            cut = text
                .get(start..lim)
                .and_then(|piece| {
                    piece
                        .char_indices()
                        .rev()
                        .take_while(|&(i, _)| i > 0)
                        .find(|&(_, c)| c.is_whitespace())
                })
                .map_or(lim, |(i, _)| start + i);
            if text
                .get(lim..)
                .and_then(|t| t.chars().next())
                .is_some_and(char::is_whitespace)
            {
                cut = lim;
            }
            if cut <= start {
                cut = start
                    + text
                        .get(start..)
                        .and_then(|t| t.chars().next())
                        .map_or(1, char::len_utf8);
            }
        }
        if let Some(piece) = text.get(start..cut) {
            let trimmed = piece.trim_start_matches(edge);
            let s = start + piece.len() - trimmed.len();
            let trimmed = trimmed.trim_end_matches(edge);
            if !trimmed.is_empty() {
                out.push(Span {
                    start: s,
                    end: s + trimmed.len(),
                });
            }
        }
        start = cut;
    }
}

/// Longest abbreviation token (letters and inner dots, in chars) that is looked up.
const MAX_ABBREV: usize = 12;
/// Most quotation pairs a language's rules may list (besides the straight `"`).
pub const MAX_QUOTE_PAIRS: usize = 4;
/// The Arabic question mark `؟` (U+061F), a sentence terminator.
const ARABIC_QUESTION: [u8; 2] = [0xD8, 0x9F];
/// Longest word checked against [`SegmentRules::starters`].
const MAX_STARTER: usize = 12;

const ELLIPSIS: [u8; 3] = [0xE2, 0x80, 0xA6];

/// Bytes that the main loop must look at; everything else is skipped.
const INTERESTING: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[0x0B] = true;
    t[0x0C] = true;
    t[b'.' as usize] = true;
    t[b'?' as usize] = true;
    t[b'!' as usize] = true;
    t[b'"' as usize] = true;
    t[0xC2] = true; // U+0085 next line, « »
    t[0xD8] = true; // ؟
    t[0xE2] = true; // “ ” „ … U+2028 U+2029
    t
};

/// The first byte at or after `from` and before `limit` that [`INTERESTING`] marks, or
/// `limit`. Blocks of 16 bytes are tested with vector compares first; the table finds
/// the byte within the first block that holds one.
fn skip_plain(bytes: &[u8], from: usize, limit: usize) -> usize {
    let limit = limit.min(bytes.len());
    let mut pos = from;
    #[cfg(target_arch = "x86_64")]
    while let Some(block) = bytes.get(pos..limit).and_then(<[u8]>::first_chunk::<16>) {
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 processor has it.
        let mask = unsafe { candidates(block) };
        if mask != 0 {
            pos += mask.trailing_zeros() as usize;
            if INTERESTING[usize::from(bytes[pos])] {
                return pos;
            }
            pos += 1;
            continue;
        }
        pos += 16;
    }
    while pos < limit && !INTERESTING[usize::from(bytes[pos])] {
        pos += 1;
    }
    pos
}

/// One bit per byte of `block` that may be one [`INTERESTING`] marks (a superset of
/// them), by vector compares.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn candidates(block: &[u8; 16]) -> i32 {
    use std::arch::x86_64::*;
    // SAFETY: the load reads the 16 bytes of `block`; an unaligned load has no
    // alignment requirement.
    let v = unsafe { _mm_loadu_si128(block.as_ptr().cast()) };
    let eq = |x: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(x as i8));
    // \t..\r are 0x09..0x0D: the line breaks 0x0A..0x0D and the tab, which the table
    // then skips.
    let low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x0D)), v);
    let marks = _mm_or_si128(
        _mm_or_si128(eq(b'.'), eq(b'?')),
        _mm_or_si128(eq(b'!'), eq(b'"')),
    );
    let lead = _mm_or_si128(_mm_or_si128(eq(0xC2), eq(0xD8)), eq(0xE2));
    _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(low, marks), lead))
}

/// How a single period after a token is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Abbrev {
    /// An ordinary word: the period is a boundary by the usual rule.
    Plain,
    /// Never a boundary (titles, `vs.`, `e.g.`, list numbers).
    Never,
    /// `No.`: not a boundary before a number.
    Number,
    /// A boundary only before a common sentence opener.
    MayEnd,
}

/// The segmentation state machine behind [`segment_iter`].
struct Segmenter<'a> {
    rules: &'static SegmentRules,
    text: &'a str,
    bytes: &'a [u8],
    /// Next byte to examine.
    pos: usize,
    /// Start of the current (untrimmed) sentence.
    start: usize,
    /// Byte offset of the closing quote of the open quotation, if any.
    quote_close: Option<usize>,
    /// For each of the language's quotation pairs: its closing mark does not occur
    /// from the last failed search up to this offset.
    pair_fail_until: [usize; MAX_QUOTE_PAIRS],
    /// No `"` occurs from the last failed search up to this offset.
    straight_fail_until: usize,
    /// The last line asked about by [`Segmenter::all_lowercase`]: its byte range and
    /// whether it has lower-case letters and no capital at all.
    lowercase_line: std::cell::Cell<Option<(usize, usize, bool)>>,
}

impl Iterator for Segmenter<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        let len = self.bytes.len();
        loop {
            if self.pos - self.start > MAX_SENTENCE_BYTES {
                if let Some(span) = self.cut() {
                    return Some(span);
                }
                continue;
            }
            let limit = len.min(self.start + MAX_SENTENCE_BYTES);
            self.pos = skip_plain(self.bytes, self.pos, limit);
            let Some(&c) = self.bytes.get(self.pos) else {
                // End of input.
                if self.start < len {
                    let span = self.make(self.start, len);
                    self.start = len;
                    self.pos = len;
                    return span;
                }
                return None;
            };
            match c {
                b'\n' | b'\r' | 0x0B | 0x0C => {
                    if let Some(span) = self.hard_break(1) {
                        return Some(span);
                    }
                }
                b'.' | b'?' | b'!' => {
                    if let Some(span) = self.candidate() {
                        return Some(span);
                    }
                }
                b'"' => self.straight_quote(),
                0xC2 => {
                    if self.byte(self.pos + 1) == Some(0x85) {
                        if let Some(span) = self.hard_break(2) {
                            return Some(span);
                        }
                    } else {
                        self.quote_mark();
                    }
                }
                0xD8 if self.byte(self.pos + 1) == Some(ARABIC_QUESTION[1]) => {
                    if let Some(span) = self.candidate() {
                        return Some(span);
                    }
                }
                0xE2 if self.byte(self.pos + 1) == Some(0x80) => match self.byte(self.pos + 2) {
                    Some(0xA8 | 0xA9) => {
                        if let Some(span) = self.hard_break(3) {
                            return Some(span);
                        }
                    }
                    Some(0xA6) => {
                        if let Some(span) = self.candidate() {
                            return Some(span);
                        }
                    }
                    _ => self.quote_mark(),
                },
                // Not interesting after all (or the length limit was hit).
                _ => self.pos += 1,
            }
        }
    }
}

impl<'a> Segmenter<'a> {
    #[inline]
    fn byte(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    /// The char starting at byte `i`, if `i` is a char boundary.
    #[inline]
    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..).and_then(|s| s.chars().next())
    }

    /// Trimmed span of `start..end`, or `None` if it is all whitespace.
    fn make(&self, start: usize, end: usize) -> Option<Span> {
        debug_assert!(self.text.is_char_boundary(start) && self.text.is_char_boundary(end));
        let slice = self.text.get(start..end)?;
        let trimmed_start = slice.trim_start_matches(is_space);
        let lead = slice.len() - trimmed_start.len();
        let trimmed = trimmed_start.trim_end_matches(is_space);
        if trimmed.is_empty() {
            return None;
        }
        let s = start + lead;
        Some(Span {
            start: s,
            end: s + trimmed.len(),
        })
    }

    /// End the sentence at a line break of `width` bytes at `pos`.
    fn hard_break(&mut self, width: usize) -> Option<Span> {
        let span = self.make(self.start, self.pos);
        self.pos += width;
        self.start = self.pos;
        self.quote_close = None;
        span
    }

    /// Cut an over-long sentence at the last whitespace before the limit.
    fn cut(&mut self) -> Option<Span> {
        let start = self.start;
        let mut lim = (start + MAX_SENTENCE_BYTES).min(self.bytes.len());
        while lim > start && !self.text.is_char_boundary(lim) {
            lim -= 1;
        }
        let mut cut = None;
        if self.char_at(lim).is_some_and(char::is_whitespace) {
            cut = Some(lim);
        } else if let Some(slice) = self.text.get(start..lim) {
            cut = slice
                .char_indices()
                .rev()
                .take_while(|&(i, _)| i > 0)
                .find(|&(_, ch)| ch.is_whitespace())
                .map(|(i, _)| start + i);
        }
        let mut cut = cut.unwrap_or(lim);
        if cut <= start {
            // Cannot happen with a sane limit; step one char to make progress.
            cut = start + self.char_at(start).map_or(1, char::len_utf8);
        }
        let span = self.make(start, cut);
        self.start = cut;
        span
    }

    /// Search for the closing mark `close` from `from` to the end of the line.
    /// `Ok(pos)` is its offset, `Err(end)` the line end.
    fn find_close(&self, from: usize, close: char) -> Result<usize, usize> {
        let mut buf = [0u8; 4];
        let close = close.encode_utf8(&mut buf).as_bytes();
        let mut j = from;
        while let Some(c) = self.byte(j) {
            match c {
                b'\n' | b'\r' | 0x0B | 0x0C => return Err(j),
                0xC2 if self.byte(j + 1) == Some(0x85) => return Err(j),
                0xE2 if self.byte(j + 1) == Some(0x80)
                    && matches!(self.byte(j + 2), Some(0xA8 | 0xA9)) =>
                {
                    return Err(j)
                }
                _ => {}
            }
            if c == close[0] && self.bytes[j..].starts_with(close) {
                return Ok(j);
            }
            j += 1;
        }
        Err(j)
    }

    /// Handle the (non-ASCII) char at `pos`: the closing mark of the open quotation
    /// closes it; an opening mark of the language's pairs opens one if its closing
    /// mark follows on the same line; anything else is skipped.
    fn quote_mark(&mut self) {
        let Some(ch) = self.char_at(self.pos) else {
            self.pos += 1;
            return;
        };
        if self.quote_close == Some(self.pos) {
            self.quote_close = None;
        } else if self.quote_close.is_none() {
            let pairs = self.rules.quotes.iter().take(MAX_QUOTE_PAIRS).enumerate();
            for (p, &(open, close)) in pairs {
                if ch == open && self.pos >= self.pair_fail_until[p] {
                    match self.find_close(self.pos + ch.len_utf8(), close) {
                        Ok(at) => self.quote_close = Some(at),
                        Err(line_end) => self.pair_fail_until[p] = line_end,
                    }
                    break;
                }
            }
        }
        self.pos += ch.len_utf8();
    }

    /// Handle `"` at `pos`: closes the open straight quotation, or opens one
    /// if another `"` follows on the same line.
    fn straight_quote(&mut self) {
        match self.quote_close {
            Some(close) if close == self.pos => self.quote_close = None,
            Some(_) => {}
            None => {
                if self.pos >= self.straight_fail_until {
                    match self.find_close(self.pos + 1, '"') {
                        Ok(close) => self.quote_close = Some(close),
                        Err(line_end) => self.straight_fail_until = line_end,
                    }
                }
            }
        }
        self.pos += 1;
    }

    /// Handle a terminator (`.`, `?`, `!`, `…`) at `pos`: emit a sentence if
    /// it is a boundary, else skip the terminator run.
    fn candidate(&mut self) -> Option<Span> {
        let (run_end, boundary) = self.evaluate(self.pos);
        match boundary {
            Some(q) if q - self.start <= MAX_SENTENCE_BYTES => {
                let span = self.make(self.start, q);
                if self.quote_close.is_some_and(|c| c < q) {
                    self.quote_close = None;
                }
                self.start = q;
                self.pos = q;
                span
            }
            _ => {
                self.pos = run_end;
                None
            }
        }
    }

    /// Decide whether the terminator run starting at `i` ends a sentence.
    /// Returns the end of the terminator run and, for a boundary, the
    /// sentence end (after any closing quotes or brackets).
    fn evaluate(&self, i: usize) -> (usize, Option<usize>) {
        let mut j = i;
        let mut dots = 0usize;
        let mut strong = false;
        let mut ellipsis = false;
        loop {
            match self.byte(j) {
                Some(b'.') => {
                    dots += 1;
                    j += 1;
                }
                Some(b'?' | b'!') => {
                    strong = true;
                    j += 1;
                }
                Some(0xE2) if self.bytes.get(j..j + 3) == Some(&ELLIPSIS[..]) => {
                    ellipsis = true;
                    j += 3;
                }
                Some(0xD8) if self.bytes.get(j..j + 2) == Some(&ARABIC_QUESTION[..]) => {
                    strong = true;
                    j += 2;
                }
                _ => break,
            }
        }
        let run_end = j;

        // Closing quotes and brackets belong to the sentence.
        loop {
            match self.byte(j) {
                Some(b'"' | b'\'' | b')' | b']') => j += 1,
                Some(0xE2)
                    if self.byte(j + 1) == Some(0x80)
                        && matches!(self.byte(j + 2), Some(0x9D | 0x99)) =>
                {
                    j += 3
                }
                Some(0xC2) if self.byte(j + 1) == Some(0xBB) => j += 2,
                Some(c) if c >= 0x80 => match self.char_at(j) {
                    Some(ch) if self.rules.quotes.iter().any(|&(_, close)| close == ch) => {
                        j += ch.len_utf8()
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        let q = j;

        // Inside a quotation that does not close here: never a boundary.
        if self.quote_close.is_some_and(|c| c >= q) {
            return (run_end, None);
        }

        // Whitespace (not a line break) must follow.
        let mut k = q;
        let mut saw_space = false;
        let next = loop {
            let Some(c) = self.byte(k) else {
                return (run_end, None);
            };
            if c < 0x80 {
                if c == b' ' || c == b'\t' {
                    k += 1;
                    saw_space = true;
                    continue;
                }
                if c.is_ascii_whitespace() || c == 0x0B {
                    return (run_end, None); // line break: handled there
                }
                break char::from(c);
            }
            let Some(ch) = self.char_at(k) else {
                return (run_end, None);
            };
            if !ch.is_whitespace() {
                break ch;
            }
            if is_line_break(ch) {
                return (run_end, None);
            }
            saw_space = true;
            k += ch.len_utf8();
        };
        if !saw_space {
            return (run_end, None);
        }

        // A letter of a script without case (Arabic) starts a sentence as a capital does,
        // and so does a lower-case letter in text written without capitals at all
        // ("the council met. it voted."), where nothing else marks sentence starts.
        let upper = next.is_uppercase()
            || (next.is_alphabetic() && !next.is_lowercase())
            || (next.is_lowercase() && self.all_lowercase(i));
        let digit = next.is_ascii_digit();
        let opener = self.is_opener(next);
        let is_boundary = if strong {
            upper || digit || opener
        } else if ellipsis || dots >= 2 {
            upper || opener
        } else if !(upper || digit || opener) {
            false
        } else {
            match self.classify(i) {
                Abbrev::Plain => true,
                Abbrev::Never => false,
                Abbrev::Number => !digit,
                // A closing quote or bracket right after the period marks
                // the end of the sentence even after an abbreviation.
                Abbrev::MayEnd => q > run_end || self.starter_at(k),
            }
        };
        (run_end, is_boundary.then_some(q))
    }

    /// Whether the line holding byte `at` is written in lower case (some lower-case
    /// letters, no capitals). Lines, not the whole text: a line break always ends a
    /// sentence, so segmenting a document and segmenting each of its lines must agree
    /// (the streaming reader does the latter).
    fn all_lowercase(&self, at: usize) -> bool {
        if let Some((start, end, known)) = self.lowercase_line.get() {
            if (start..end).contains(&at) {
                return known;
            }
        }
        let start = self.text[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| is_line_break(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = self.text[at..]
            .find(is_line_break)
            .map_or(self.text.len(), |i| at + i);
        let mut lower = false;
        let mut upper = false;
        for c in self.text[start..end].chars() {
            if c.is_uppercase() {
                upper = true;
                break;
            }
            lower |= c.is_lowercase();
        }
        let answer = lower && !upper;
        self.lowercase_line
            .set(Some((start, end.max(at + 1), answer)));
        answer
    }

    /// Classify the token (letters and inner dots) that ends with the period at `dot`.
    fn classify(&self, dot: usize) -> Abbrev {
        let Some(before) = self.text.get(self.start..dot) else {
            return Abbrev::Plain;
        };
        let mut ts = dot;
        let mut chars = 0;
        for (i, c) in before.char_indices().rev() {
            if !(c.is_alphabetic() || c == '.') {
                break;
            }
            chars += 1;
            if chars > MAX_ABBREV {
                return Abbrev::Plain; // longer than any abbreviation
            }
            ts = self.start + i;
        }
        let Some(tok) = self.text.get(ts..dot) else {
            return Abbrev::Plain;
        };
        if tok.is_empty() {
            return self.classify_number(dot);
        }
        // Lowercase without allocating for ASCII tokens (nearly all).
        let mut buf = [0u8; MAX_ABBREV];
        let owned;
        let lower = match buf.get_mut(..tok.len()) {
            Some(b) if tok.is_ascii() => {
                b.copy_from_slice(tok.as_bytes());
                b.make_ascii_lowercase();
                std::str::from_utf8(b).unwrap_or("")
            }
            _ => {
                owned = tok.to_lowercase();
                owned.as_str()
            }
        };
        let rules = self.rules;
        if tok.contains('.') {
            if tok.split('.').any(str::is_empty) {
                return Abbrev::Plain;
            }
            return if rules.never_end.contains(&lower) {
                Abbrev::Never // e.g., i.e., z.B.
            } else {
                Abbrev::MayEnd // U.S., a.m., Ph.D
            };
        }
        let mut cs = tok.chars();
        if let (Some(c), None) = (cs.next(), cs.next()) {
            return if c.is_uppercase() {
                Abbrev::MayEnd // an initial
            } else if rules.never_end.contains(&lower) {
                Abbrev::Never // Roe v. Wade, z. B.
            } else {
                Abbrev::Plain
            };
        }
        if lower == "no" || lower == "nos" {
            Abbrev::Number
        } else if rules.never_end.contains(&lower) {
            Abbrev::Never
        } else if rules.may_end.contains(&lower) {
            Abbrev::MayEnd
        } else {
            Abbrev::Plain
        }
    }

    /// A period right after a short number that opens the sentence is a
    /// list marker ("1. The first point"), not a boundary.
    fn classify_number(&self, dot: usize) -> Abbrev {
        let mut ds = dot;
        while ds > self.start
            && dot - ds <= 3
            && self.byte(ds - 1).is_some_and(|c| c.is_ascii_digit())
        {
            ds -= 1;
        }
        let digits = dot - ds;
        if digits == 0 || digits > 3 {
            return Abbrev::Plain;
        }
        if ds - self.start <= 16 {
            if let Some(lead) = self.bytes.get(self.start..ds) {
                if lead.iter().all(u8::is_ascii_whitespace) {
                    return Abbrev::Never;
                }
            }
        }
        // An ordinal ("am 3. Oktober") in languages that write them so: the number
        // stands alone, and the period ends a sentence only before an opener.
        let alone = ds == self.start || self.char_before(ds).is_some_and(char::is_whitespace);
        if self.rules.ordinals && digits <= 2 && alone {
            Abbrev::MayEnd
        } else {
            Abbrev::Plain
        }
    }

    /// Whether the word at `k` (after an optional opening quote) is a common
    /// sentence opener.
    fn starter_at(&self, k: usize) -> bool {
        let mut w = k;
        if let Some(ch) = self.char_at(w) {
            if self.is_opener(ch) {
                w += ch.len_utf8();
            }
        }
        let Some(rest) = self.text.get(w..) else {
            return false;
        };
        let mut end = 0;
        let mut chars = 0;
        for (i, c) in rest.char_indices() {
            if !c.is_alphabetic() {
                break;
            }
            chars += 1;
            if chars > MAX_STARTER {
                return false;
            }
            end = i + c.len_utf8();
        }
        let word = &rest[..end];
        if word.is_empty() {
            return false;
        }
        if chars == 1 && rest[end..].starts_with('.') {
            return false; // another initial, as in "J. A. Smith"
        }
        self.rules.starters.contains(&word)
    }

    /// Whether `c` can open a quotation or parenthetical in this language.
    fn is_opener(&self, c: char) -> bool {
        is_opener(c) || self.rules.quotes.iter().any(|&(open, _)| open == c)
    }

    /// The char that ends at byte `i`.
    fn char_before(&self, i: usize) -> Option<char> {
        self.text.get(..i).and_then(|s| s.chars().next_back())
    }
}

/// What a sentence is trimmed of: Unicode whitespace and U+FEFF (the byte-order mark
/// an article may start with, or a zero-width no-break space), which no reader sees.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

/// Characters that can open a quotation or parenthetical.
fn is_opener(c: char) -> bool {
    matches!(c, '“' | '‘' | '"' | '\'' | '(' | '[' | '«' | '„')
}

/// Whitespace characters that end a line.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block scan stops where the byte-by-byte table scan stops, for every byte
    /// value at every position of a block and limits inside and past it.
    #[test]
    fn skip_plain_stops_at_the_first_interesting_byte() {
        for b in 0..=255u8 {
            for at in 0..40 {
                let mut text = vec![b'a'; 40];
                text[at] = b;
                for (from, limit) in [(0, 40), (0, at), (3, 40), (at, 40), (0, 17)] {
                    let mut expected = from;
                    while expected < limit && !INTERESTING[usize::from(text[expected])] {
                        expected += 1;
                    }
                    assert_eq!(
                        skip_plain(&text, from, limit),
                        expected,
                        "byte {b:#x} at {at}, {from}..{limit}"
                    );
                }
            }
        }
    }

    const EN: Language = Language::English;

    fn sents(text: &str) -> Vec<&str> {
        segment(text, EN).iter().map(|s| s.text(text)).collect()
    }

    const DEMO: &str = include_str!("../../data/articles/tillerson-north-korea.txt");

    #[test]
    fn demo_article_sentence_by_sentence() {
        let expected = [
            "Tillerson says US now in direct contact with North Korea",
            "Secretary of State Rex Tillerson disclosed that the US government is in direct contact with North Korea in an effort to jump start talks on their nuclear program.",
            "The disclosure by U.S. Secretary of State Rex Tillerson during a trip to China represented the first time he has spoken to such an extent about U.S. outreach to North Korea over its pursuit of a nuclear-tipped intercontinental ballistic missile.",
            "“We are probing so stay tuned,” Tillerson told a group of reporters in Beijing.",
            "“We ask: ‘Would you like to talk?’ We have lines of communications to Pyongyang. We’re not in a dark situation, a blackout.”",
            "He said that communication was happening directly and cited two or three U.S. channels open to Pyongyang.",
            "“We can talk to them. We do talk to them,” he said, without elaborating about which Americans were involved in those contacts or how frequent or substantive they were.",
            "The goal of any initial dialogue would be simple: finding out directly from North Korea what it wants to discuss.",
            "“We haven’t even gotten that far yet,” he said.",
            "Trying to tamp down expectations, the State Department said later there were no signs Pyongyang was interested in talks.",
            "“North Korean officials have shown no indication that they are interested in or are ready for talks regarding denuclearization,” department spokeswoman Heather Nauert said in a statement.",
            "Tillerson previously had offered little detail about U.S. outreach.",
            "On Sept. 20, he acknowledged only “very, very limited” contact with Pyongyang’s U.N. envoy.",
            "When asked about Tillerson’s assertion and what communication there might be between Pyongyang and Washington, a spokesman for the North Korean mission to the United Nations said he “can’t go further into detail.”",
            "Tillerson referred to the situation with North Korea as \"overheated\" - an understatement, to be sure.",
            "But we have to assume that Tillerson has gotten a lot of advice from the Chinese about toning down the rhetoric and looking for a diplomatic solution to the crisis.",
            "Unfortunately, there's none to be had.",
            "North Korea's endgame has always included direct talks with the US - talks that would eventually end with the United States acknowledging\u{a0}their nuclear program.",
            "The US accepting the fait accompli\u{a0}of North Korean nukes is not possible at this point and it's hard to see how it will ever play out that way.",
            "So is North Korea playing for time?",
            "Their only real hope is that pressure from the rest of the world on the US not to go to war will keep the regime intact.",
            "But as long as Kim keeps firing off missiles and testing nukes, he runs the risk of alienating the entire planet, making a US strike a certainty.",
        ];
        let got = sents(DEMO);
        for (i, (g, e)) in got.iter().zip(expected.iter()).enumerate() {
            assert_eq!(g, e, "sentence {}", i + 1);
        }
        assert_eq!(got.len(), expected.len());
        assert_eq!(got.len(), 22);
    }

    #[test]
    fn demo_iter_matches_vec() {
        let a: Vec<Span> = segment_iter(DEMO, EN).collect();
        assert_eq!(a, segment(DEMO, EN));
    }

    #[test]
    fn empty_input() {
        assert!(segment("", EN).is_empty());
    }

    #[test]
    fn whitespace_only_input() {
        assert!(segment(" \n\t\r\n\u{a0}\u{2003}\u{3000}\n\n ", EN).is_empty());
    }

    #[test]
    fn simple_split_and_trim() {
        let text = "  First one. Second one!  Third one?  ";
        assert_eq!(sents(text), ["First one.", "Second one!", "Third one?"]);
        let spans = segment(text, EN);
        assert_eq!(spans[0], Span { start: 2, end: 12 });
    }

    #[test]
    fn headline_without_period() {
        let text = "Markets rally on rate cut hopes\n\nStocks rose on Monday.";
        assert_eq!(
            sents(text),
            ["Markets rally on rate cut hopes", "Stocks rose on Monday."]
        );
    }

    #[test]
    fn single_line_break_ends_sentence() {
        assert_eq!(
            sents("one line\nanother line"),
            ["one line", "another line"]
        );
    }

    #[test]
    fn crlf_line_breaks() {
        let text = "Headline here\r\n\r\nBody text. More text.\r\nLast line";
        assert_eq!(
            sents(text),
            ["Headline here", "Body text.", "More text.", "Last line"]
        );
    }

    #[test]
    fn unicode_line_separators() {
        assert_eq!(sents("a\u{2028}b\u{2029}c\u{85}d"), ["a", "b", "c", "d"]);
    }

    #[test]
    fn all_lowercase_text_splits_at_its_periods() {
        assert_eq!(
            sents("the council met on monday. it voted to close the library. what a shame! e.g. this stays."),
            vec![
                "the council met on monday.",
                "it voted to close the library.",
                "what a shame!",
                "e.g. this stays."
            ]
        );
        // Line by line: a lower-case line splits even in a document with capitals
        // elsewhere, exactly as when the line is segmented on its own.
        let doc = "The Council met.\nit voted. it left.";
        assert_eq!(
            sents(doc),
            vec!["The Council met.", "it voted.", "it left."]
        );
        // With capitals on the line, a lower-case word after a period is no sentence start.
        assert_eq!(
            sents("The rate rose approx. five points. Then it fell."),
            vec!["The rate rose approx. five points.", "Then it fell."]
        );
    }

    #[test]
    fn titles_do_not_split() {
        let text = "Mr. Smith met Mrs. Jones and Ms. Lee. Dr. Brown and Prof. Green came. \
                    Gen. Milley, Sen. Reed, Rep. Pelosi and Gov. Hochul spoke.";
        assert_eq!(
            sents(text),
            [
                "Mr. Smith met Mrs. Jones and Ms. Lee.",
                "Dr. Brown and Prof. Green came.",
                "Gen. Milley, Sen. Reed, Rep. Pelosi and Gov. Hochul spoke.",
            ]
        );
    }

    #[test]
    fn country_acronyms_do_not_split_before_names() {
        let text = "The U.S. Secretary of State met U.K. Prime Minister May. \
                    U.N. officials and E.U. diplomats agreed.";
        assert_eq!(
            sents(text),
            [
                "The U.S. Secretary of State met U.K. Prime Minister May.",
                "U.N. officials and E.U. diplomats agreed.",
            ]
        );
    }

    #[test]
    fn acronym_can_end_a_sentence() {
        let text = "He moved to the U.S. The move was hard. She works at Acme Inc. It is big.";
        assert_eq!(
            sents(text),
            [
                "He moved to the U.S.",
                "The move was hard.",
                "She works at Acme Inc.",
                "It is big.",
            ]
        );
    }

    #[test]
    fn abbreviation_before_closing_quote_can_end_sentence() {
        let text = "He said: “I moved to the U.S.” Tillerson nodded.";
        assert_eq!(
            sents(text),
            ["He said: “I moved to the U.S.”", "Tillerson nodded."]
        );
    }

    #[test]
    fn company_and_name_suffixes() {
        let text = "Acme Corp. Ltd. shares and Foo Co. Inc. rose. Martin Luther King Jr. Day \
                    and John Smith Sr. Street, St. Louis, etc. Something else.";
        assert_eq!(
            sents(text),
            [
                "Acme Corp. Ltd. shares and Foo Co. Inc. rose.",
                "Martin Luther King Jr. Day and John Smith Sr. Street, St. Louis, etc. Something else.",
            ]
        );
    }

    #[test]
    fn months_and_number_abbreviation() {
        let text = "On Sept. 20 and Jan. 5 and Feb. 1 it ranked No. 1 in the poll. No. He refused.";
        assert_eq!(
            sents(text),
            [
                "On Sept. 20 and Jan. 5 and Feb. 1 it ranked No. 1 in the poll.",
                "No.",
                "He refused.",
            ]
        );
    }

    #[test]
    fn latin_abbreviations() {
        let text =
            "Fruits, e.g. Apples, and i.e. Pears, vs. Plums, etc. are sold. Roe v. Wade stands.";
        assert_eq!(
            sents(text),
            [
                "Fruits, e.g. Apples, and i.e. Pears, vs. Plums, etc. are sold.",
                "Roe v. Wade stands.",
            ]
        );
    }

    #[test]
    fn initials_do_not_split() {
        let text =
            "J. K. Rowling wrote it. George W. Bush and J. A. Smith met. It was Plan B. The end.";
        assert_eq!(
            sents(text),
            [
                "J. K. Rowling wrote it.",
                "George W. Bush and J. A. Smith met.",
                "It was Plan B.",
                "The end.",
            ]
        );
    }

    #[test]
    fn decimals_and_money_do_not_split() {
        let text = "Growth was 3.5 percent. The deal is worth $1.2 billion. Shares fell 0.75%.";
        assert_eq!(
            sents(text),
            [
                "Growth was 3.5 percent.",
                "The deal is worth $1.2 billion.",
                "Shares fell 0.75%.",
            ]
        );
    }

    #[test]
    fn times_do_not_split() {
        let text = "The vote is at 5 p.m. Eastern time on Monday. It began at 10.30 a.m. \
                    Tuesday. They left at 6 a.m. The rest stayed.";
        assert_eq!(
            sents(text),
            [
                "The vote is at 5 p.m. Eastern time on Monday.",
                "It began at 10.30 a.m. Tuesday.",
                "They left at 6 a.m.",
                "The rest stayed.",
            ]
        );
    }

    #[test]
    fn digit_after_period_is_a_boundary() {
        assert_eq!(
            sents("Sales fell in 2019. 2020 was better."),
            ["Sales fell in 2019.", "2020 was better."]
        );
    }

    #[test]
    fn list_numbers_do_not_split() {
        assert_eq!(
            sents("1. The first point.\n2. The second point."),
            ["1. The first point.", "2. The second point."]
        );
    }

    #[test]
    fn lowercase_after_period_does_not_split() {
        assert_eq!(
            sents("See fig. below for details."),
            ["See fig. below for details."]
        );
    }

    #[test]
    fn quote_with_attribution_is_one_sentence() {
        let text = "“We can talk to them. We do talk to them,” he said, without elaborating.";
        assert_eq!(sents(text), [text]);
        let text = "\"We can talk. We do talk,\" he said. Then he left.";
        assert_eq!(
            sents(text),
            ["\"We can talk. We do talk,\" he said.", "Then he left."]
        );
    }

    #[test]
    fn multi_sentence_quote_is_one_sentence() {
        let text = "“We ask: ‘Would you like to talk?’ We have lines. We’re not in a blackout.”";
        assert_eq!(sents(text), [text]);
    }

    #[test]
    fn question_marks_inside_quotes() {
        let text = "“Is it over?” he asked. She said: “Is it over? Are we done?” and left.";
        assert_eq!(
            sents(text),
            [
                "“Is it over?” he asked.",
                "She said: “Is it over? Are we done?” and left.",
            ]
        );
    }

    #[test]
    fn sentence_ends_after_closing_quote() {
        let text = "He said: “It is over.” Then he left. She shouted \"Stop!\" The crowd froze.";
        assert_eq!(
            sents(text),
            [
                "He said: “It is over.”",
                "Then he left.",
                "She shouted \"Stop!\"",
                "The crowd froze.",
            ]
        );
    }

    #[test]
    fn closing_brackets_stay_with_sentence() {
        let text = "It rose (by a lot.) Then it fell. [Editor’s note.] The end.";
        assert_eq!(
            sents(text),
            [
                "It rose (by a lot.)",
                "Then it fell.",
                "[Editor’s note.]",
                "The end."
            ]
        );
    }

    #[test]
    fn unclosed_quote_falls_back_to_normal_splitting() {
        let text = "He said “we will win. Then we go home. Nobody knows.\nNext line.";
        assert_eq!(
            sents(text),
            [
                "He said “we will win.",
                "Then we go home.",
                "Nobody knows.",
                "Next line.",
            ]
        );
        let text = "A stray \" quote. Another sentence.";
        assert_eq!(sents(text), ["A stray \" quote.", "Another sentence."]);
    }

    #[test]
    fn quote_does_not_cross_line_break() {
        let text = "“First part. Still first.\nSecond line. Third.”";
        assert_eq!(
            sents(text),
            ["“First part.", "Still first.", "Second line.", "Third.”"]
        );
    }

    #[test]
    fn ellipsis() {
        let text = "He paused... Then he spoke. She waited… And waited… and waited. Um... okay.";
        assert_eq!(
            sents(text),
            [
                "He paused...",
                "Then he spoke.",
                "She waited…",
                "And waited… and waited.",
                "Um... okay.",
            ]
        );
    }

    #[test]
    fn question_and_exclamation() {
        assert_eq!(
            sents("Why? Because! “Really?” Yes. what? no."),
            ["Why?", "Because!", "“Really?”", "Yes. what? no."]
        );
    }

    #[test]
    fn non_breaking_space_is_whitespace() {
        let text = "\u{a0}First one.\u{a0}Second one.\u{a0}";
        assert_eq!(sents(text), ["First one.", "Second one."]);
    }

    #[test]
    fn no_space_after_period_does_not_split() {
        assert_eq!(
            sents("Visit example.com today.It is fine."),
            ["Visit example.com today.It is fine."]
        );
    }

    #[test]
    fn runs_of_exactly_one_byte_over_the_limit_are_cut() {
        // Found by fuzzing: a run of MAX + 1 bytes at the end of the input or before a
        // line break came out as one sentence of MAX + 1 bytes.
        for tail in ["", "\n", "\nnext"] {
            let text = format!("{}{tail}", "a".repeat(MAX_SENTENCE_BYTES + 1));
            let spans = segment(&text, EN);
            assert!(
                spans.iter().all(|s| s.end - s.start <= MAX_SENTENCE_BYTES),
                "{tail:?}"
            );
            let kept: usize = spans.iter().map(|s| s.end - s.start).sum();
            assert_eq!(
                kept,
                text.len() - tail.chars().filter(|c| c.is_whitespace()).count()
            );
        }
    }

    #[test]
    fn long_sentence_is_cut_at_whitespace() {
        let word = "word ";
        let text = word.repeat(5_000);
        let spans = segment(&text, EN);
        assert!(spans.len() >= 3);
        for s in &spans {
            assert!(s.end - s.start <= MAX_SENTENCE_BYTES);
            assert!(s.text(&text).ends_with("word"));
        }
        let joined: String = spans
            .iter()
            .map(|s| s.text(&text))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(joined, text.trim_end());
    }

    #[test]
    fn long_sentence_without_whitespace_is_cut_at_char_boundary() {
        let text = "é".repeat(12_345);
        let spans = segment(&text, EN);
        let total: usize = spans.iter().map(|s| s.end - s.start).sum();
        assert_eq!(total, text.len());
        for s in &spans {
            assert!(s.end - s.start <= MAX_SENTENCE_BYTES);
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
    }

    #[test]
    fn long_quote_is_cut() {
        let text = format!("“{}”", "Yes. ".repeat(4_000));
        for s in segment(&text, EN) {
            assert!(s.end - s.start <= MAX_SENTENCE_BYTES);
        }
    }

    #[test]
    fn pathological_runs_are_linear_and_safe() {
        let big = 2_000_000;
        for text in [
            "“".repeat(big / 3),
            "\"".repeat(big),
            ".".repeat(big),
            "?".repeat(big),
            ". ".repeat(big / 2),
            "U.S. ".repeat(big / 5),
            ")".repeat(big),
            " ".repeat(big),
            "a".repeat(big),
            "“a. ".repeat(big / 6),
        ] {
            let spans = segment(&text, EN);
            for s in &spans {
                assert!(s.end - s.start <= MAX_SENTENCE_BYTES);
                assert!(s.start < s.end);
            }
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_a_sentence() {
        let text = "\u{FEFF}Officials said 40 people were hurt. Nobody cares.";
        assert_eq!(
            sents(text),
            ["Officials said 40 people were hurt.", "Nobody cares."]
        );
        assert_eq!(segment(text, EN)[0].start, 3);
        assert!(segment("\u{FEFF}", EN).is_empty());
    }

    #[test]
    fn control_characters_do_not_panic() {
        let text = "\u{0}\u{1}.\u{7f} \u{b}x\u{c}. \u{feff}Y. \u{200b}";
        let spans = segment(text, EN);
        for s in spans {
            let _ = s.text(text);
        }
    }

    fn sents_in(text: &str, language: Language) -> Vec<&str> {
        segment(text, language)
            .iter()
            .map(|s| s.text(text))
            .collect()
    }

    #[test]
    fn german_ordinals_abbreviations_and_quotes() {
        let de = Language::German;
        assert_eq!(
            sents_in("Die Wahl findet am 3. Oktober statt. Der Termin steht.", de),
            ["Die Wahl findet am 3. Oktober statt.", "Der Termin steht."]
        );
        assert_eq!(
            sents_in("Sie belegte Platz 2. Der Sieger kam aus Wien.", de),
            ["Sie belegte Platz 2.", "Der Sieger kam aus Wien."]
        );
        assert_eq!(
            sents_in("Er nannte z. B. Nr. 5 als Beispiel. Das war neu.", de),
            ["Er nannte z. B. Nr. 5 als Beispiel.", "Das war neu."]
        );
        assert_eq!(
            sents_in(
                "\u{201E}Wir sind bereit. Es geht los\u{201C}, sagte der Minister. Dann ging er.",
                de
            ),
            [
                "\u{201E}Wir sind bereit. Es geht los\u{201C}, sagte der Minister.",
                "Dann ging er."
            ]
        );
        assert_eq!(
            sents_in("\u{BB}Das ist falsch.\u{AB} Er schwieg.", de),
            ["\u{BB}Das ist falsch.\u{AB}", "Er schwieg."]
        );
        // English rules would split before "Oktober": the language decides.
        assert_eq!(
            sents_in("Die Wahl findet am 3. Oktober statt.", Language::English).len(),
            2
        );
    }

    #[test]
    fn italian_guillemets_keep_a_quote_together() {
        assert_eq!(
            sents_in(
                "\u{AB}Siamo pronti. Si parte\u{BB}, ha detto il ministro. Poi \u{E8} uscito.",
                Language::Italian
            ),
            [
                "\u{AB}Siamo pronti. Si parte\u{BB}, ha detto il ministro.",
                "Poi \u{E8} uscito."
            ]
        );
    }

    #[test]
    fn arabic_splits_without_capitals_and_at_its_question_mark() {
        let text = "قال الوزير إن الحكومة سترفع الضرائب. وأضاف أن القرار نهائي؟ لا أحد يعرف.";
        assert_eq!(
            sents_in(text, Language::Arabic),
            [
                "قال الوزير إن الحكومة سترفع الضرائب.",
                "وأضاف أن القرار نهائي؟",
                "لا أحد يعرف."
            ]
        );
    }

    #[test]
    fn bulgarian_quotes_and_cyrillic_abbreviations() {
        let bg = Language::Bulgarian;
        assert_eq!(
            sents_in(
                "\u{201E}Готови сме. Започваме\u{201C}, каза министърът. После той излезе.",
                bg
            ),
            [
                "\u{201E}Готови сме. Започваме\u{201C}, каза министърът.",
                "После той излезе."
            ]
        );
        assert_eq!(
            sents_in("Срещата е на ул. Раковски. Той дойде.", bg),
            ["Срещата е на ул. Раковски.", "Той дойде."]
        );
    }

    /// A right-to-left override or a zero-width space after a full stop does not hide
    /// the sentence end, one inside a word does not make one, and the spans index the
    /// original text, with format characters at a sentence's edge left outside it.
    #[test]
    fn format_characters_neither_hide_nor_make_sentence_ends() {
        let text = "The mayor resigned.\u{202E} He left. \u{200B}Unfortu\u{AD}nately, nobody cared.\u{2069}";
        assert_eq!(
            sents(text),
            [
                "The mayor resigned.",
                "He left.",
                "Unfortu\u{AD}nately, nobody cared."
            ]
        );
        let spans = segment(text, EN);
        assert_eq!(
            spans,
            [
                Span { start: 0, end: 19 },
                Span { start: 23, end: 31 },
                Span { start: 35, end: 65 },
            ]
        );
        assert_eq!(
            sents("Mr.\u{2066} Smith\u{2069} said no. Next."),
            ["Mr.\u{2066} Smith\u{2069} said no.", "Next."]
        );
        assert!(segment("\u{202E}\u{200B} \u{2066}", EN).is_empty());
        assert_eq!(
            sents_in(
                "\u{645}\u{627} \u{647}\u{630}\u{627}\u{61F}\u{200F} \u{647}\u{648}",
                Language::Arabic
            ),
            [
                "\u{645}\u{627} \u{647}\u{630}\u{627}\u{61F}",
                "\u{647}\u{648}"
            ]
        );
    }

    /// Format characters cannot make a sentence longer than the limit.
    #[test]
    fn format_characters_do_not_lengthen_sentences_past_the_limit() {
        let text = format!("A{}b. Next one.", "\u{200B}".repeat(2 * MAX_SENTENCE_BYTES));
        let spans = segment(&text, EN);
        assert!(spans.iter().all(|s| s.end - s.start <= MAX_SENTENCE_BYTES));
        assert!(spans
            .iter()
            .all(|s| text.is_char_boundary(s.start) && text.is_char_boundary(s.end)));
        assert_eq!(spans.last().map(|s| s.text(&text)), Some("Next one."));
        assert_eq!(spans.first().map(|s| s.start), Some(0));
    }

    proptest::proptest! {
        /// Format characters inserted anywhere never merge, split or move a sentence:
        /// the spans with them are the spans without them, at the same places of the
        /// text once they are removed, and they index the text with them on character
        /// boundaries.
        #[test]
        fn format_characters_never_move_sentence_boundaries(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "The", " council", " voted", ".", " ", "?", "!", "\n", "\"", "\u{201C}",
                    "\u{201D}", "Mr.", " U.S.", " He", " it", "3", "...", "\u{2026}", ")",
                    "\u{e9}", "\u{627}", "\u{61F}", "  ", "\t", "e.g.",
                ]),
                0..30,
            ),
            inserts in proptest::collection::vec(
                (0usize..200, proptest::sample::select(vec![
                    "\u{AD}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{200E}", "\u{200F}",
                    "\u{202A}", "\u{202E}", "\u{2060}", "\u{2066}", "\u{2069}", "\u{61C}",
                    "\u{FEFF}", "\u{E0041}", "\u{202E}\u{200B}",
                ])),
                0..8,
            ),
        ) {
            let plain: String = pieces.concat();
            let mut text = plain.clone();
            for (at, c) in inserts {
                let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
                text.insert_str(bounds[at % bounds.len()], c);
            }
            let expected = segment(&plain, EN);
            let got = segment(&text, EN);
            proptest::prop_assert_eq!(got.len(), expected.len(), "{:?} vs {:?}", text, plain);
            let plain_offset = |i: usize| crate::pipeline::chars::without_format(&text[..i]).len();
            for (g, e) in got.iter().zip(&expected) {
                proptest::prop_assert!(text.is_char_boundary(g.start) && text.is_char_boundary(g.end));
                proptest::prop_assert_eq!((plain_offset(g.start), plain_offset(g.end)), (e.start, e.end));
                proptest::prop_assert_eq!(
                    crate::pipeline::chars::without_format(g.text(&text)),
                    e.text(&plain)
                );
            }
            proptest::prop_assert!(segment_iter(&text, EN).eq(got.iter().copied()));
        }
    }
}
