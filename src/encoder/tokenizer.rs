//! The encoder's tokenizer: XLM-RoBERTa's SentencePiece unigram model, as the encoder
//! file stores it.
//!
//! Steps, in order: each character is replaced through the file's normalisation map
//! (characters not in it stay); runs of spaces become one; a space is put in front
//! unless the text already starts with one; every space becomes the metaspace U+2581;
//! then the most probable segmentation into pieces is found by Viterbi over
//! characters, where a character no piece covers becomes `<unk>` with a score ten below
//! the lowest piece's. Ties go to the segmentation found first (shorter pieces ending
//! earlier are tried first), as in the reference engine, so ids agree exactly.
//!
//! Work is bounded by the number of ids wanted, not by the text: a tokenizer gives at
//! most `max_tokens` ids (the encoder's windows, `forward::MAX_WINDOWS` of
//! them), and it reads, normalises and segments the text one word at a time, stopping
//! as soon as the words done give that many. A character that normalises to many
//! (U+FDFA becomes 18) therefore costs no more than the ids it gives. A run of more than
//! [`Tokenizer::max_run_chars`] characters without a space is segmented in parts of that
//! length, so one word cannot make the work grow either; such a run alone gives more
//! than `max_tokens` ids. So the ids of a text are exactly the reference engine's when
//! it has at most `max_tokens`; a longer text gets exactly `max_tokens` ids, the
//! reference engine's first ones, except that when such a run comes before the cap
//! is reached, the ids from that run on are those of its parts.

use super::packed::Stored;
use super::weights::TokenizerTables;
use rustc_hash::FxHashMap;
use std::ops::ControlFlow;

const METASPACE: char = '\u{2581}';

/// A loaded tokenizer. Its tables are flat (piece texts one after another, a hash
/// table of ids), so that the packed weight cache holds them as they are and a load
/// maps them instead of building them.
#[derive(Debug)]
pub struct Tokenizer {
    /// The pieces' bytes, one after another.
    text: Stored<u8>,
    /// Piece `i` is `text[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Stored<u32>,
    scores: Stored<f32>,
    /// Open addressing by [`piece_hash`], probed linearly: each slot is 0 (empty) or
    /// 1 + the id of the first piece with its bytes; a power of two of slots, at most
    /// half of them used.
    slots: Stored<u32>,
    /// Per-character normalisation: the character's replacement in `norm_text`.
    normalisation: FxHashMap<char, (u32, u32)>,
    norm_text: String,
    unk: u32,
    unk_score: f32,
    max_piece_bytes: usize,
    /// The most ids one text gives.
    max_tokens: usize,
    /// The longest run of characters segmented as one word.
    max_run_chars: usize,
    /// Whether no piece has a metaspace after its first character (true of e5-small),
    /// so Viterbi can run word by word.
    split_words: bool,
    /// `<s>`.
    pub bos: u32,
    /// `</s>`.
    pub eos: u32,
}

/// The hash of a piece's bytes for the look-up table. It is factop's own (not a
/// library's, whose values may change between versions) because the table is stored
/// in the packed cache.
fn piece_hash(b: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (b.len() as u64).wrapping_mul(K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(a)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut a = [0u8; 8];
        a[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(a)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// Reusable buffers for [`Tokenizer::encode_into`].
#[derive(Debug, Default)]
pub struct TokenBuffers {
    text: String,
    starts: Vec<usize>,
    best: Vec<f32>,
    back: Vec<(u32, usize)>,
    /// How much work the calls since the buffers were made did.
    #[cfg(test)]
    work: Work,
}

/// Work counters, so tests can check that work is bounded by the cap.
#[cfg(test)]
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Work {
    /// Characters of the text read.
    input_chars: usize,
    /// Characters the normalisation gave (metaspaces included).
    normalised_chars: usize,
    /// Positions Viterbi visited.
    positions: usize,
    /// Each word segmented: its characters, and the ids given so far after it.
    words: Vec<(usize, usize)>,
}

impl Tokenizer {
    /// Build the tokenizer from the file's tables; it gives at most `max_tokens` ids
    /// for any text (at least 1).
    pub fn new(t: TokenizerTables, max_tokens: usize) -> Self {
        let mut text = Vec::with_capacity(t.pieces.iter().map(Vec::len).sum());
        let mut ends = Vec::with_capacity(t.pieces.len());
        for p in &t.pieces {
            text.extend_from_slice(p);
            ends.push(text.len() as u32);
        }
        let n_slots = (2 * t.pieces.len()).next_power_of_two().max(2);
        let mut slots = vec![0u32; n_slots];
        let mask = n_slots - 1;
        for (i, p) in t.pieces.iter().enumerate() {
            if p.is_empty() {
                continue;
            }
            let mut at = piece_hash(p) as usize & mask;
            loop {
                match slots[at] {
                    0 => {
                        slots[at] = i as u32 + 1;
                        break;
                    }
                    // The first piece with given bytes wins, as in the reference.
                    s if t.pieces[s as usize - 1] == *p => break,
                    _ => at = (at + 1) & mask,
                }
            }
        }
        let mut norm_chars = Vec::with_capacity(t.normalisation.len());
        let mut norm_ends = Vec::with_capacity(t.normalisation.len());
        let mut norm_text = String::new();
        for (cp, out) in &t.normalisation {
            if char::from_u32(*cp).is_some() {
                norm_text.extend(out.iter().filter_map(|&o| char::from_u32(o)));
                norm_chars.push(*cp);
                norm_ends.push(norm_text.len() as u32);
            }
        }
        let normalisation = normalisation_map(&norm_chars, &norm_ends);
        let min = t.scores.iter().copied().fold(f32::INFINITY, f32::min);
        let max_piece_bytes = t.pieces.iter().map(Vec::len).max().unwrap_or(1).max(1);
        // Every id covers at most this many characters (`<unk>` covers one), so a run
        // of `max_run_chars` characters gives more than `max_tokens` ids.
        let max_piece_chars = t
            .pieces
            .iter()
            .filter_map(|p| std::str::from_utf8(p).ok())
            .map(|p| p.chars().count())
            .max()
            .unwrap_or(1)
            .max(1);
        let max_tokens = max_tokens.max(1);
        let max_run_chars = max_tokens.saturating_add(1).saturating_mul(max_piece_chars);
        let meta = METASPACE.to_string();
        let split_words = t.pieces.iter().all(|p| {
            let p = String::from_utf8_lossy(p);
            let mut cs = p.chars();
            cs.next();
            !cs.as_str().contains(meta.as_str())
        });
        Tokenizer {
            text: text.into(),
            ends: ends.into(),
            scores: t.scores.into(),
            slots: slots.into(),
            normalisation,
            norm_text,
            unk: t.unk,
            unk_score: if min.is_finite() { min - 10.0 } else { -10.0 },
            max_piece_bytes,
            max_tokens,
            max_run_chars,
            split_words,
            bos: t.bos,
            eos: t.eos,
        }
    }

    /// The id of the first piece whose bytes are `b`.
    #[inline]
    fn find(&self, b: &[u8]) -> Option<u32> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = piece_hash(b) as usize & mask;
        loop {
            let id = self.slots.get(at).copied().unwrap_or(0).checked_sub(1)?;
            if self.piece(id) == b {
                return Some(id);
            }
            at = (at + 1) & mask;
        }
    }

    /// The most ids [`Tokenizer::encode_into`] gives for one text.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// The longest run of characters without a space segmented as one word; a longer
    /// run is segmented in parts of this many characters. Such a run gives more than
    /// [`Tokenizer::max_tokens`] ids, so the parts only decide the ids of texts over
    /// the cap.
    pub fn max_run_chars(&self) -> usize {
        self.max_run_chars
    }

    /// The bytes of piece `id` (empty when out of range).
    pub fn piece(&self, id: u32) -> &[u8] {
        let id = id as usize;
        let start = match id.checked_sub(1) {
            None => 0,
            Some(i) => self.ends.get(i).map_or(usize::MAX, |&e| e as usize),
        };
        let end = self.ends.get(id).map_or(0, |&e| e as usize);
        self.text.get(start..end).unwrap_or(&[])
    }

    /// The content ids of `text` (no `<s>`/`</s>`), appended to `ids` (cleared first):
    /// at most [`Tokenizer::max_tokens`] of them. The text ends at its first NUL, if
    /// any, as it does for the reference engine.
    pub fn encode_into(&self, text: &str, buf: &mut TokenBuffers, ids: &mut Vec<u32>) {
        self.encode_chars(text.chars(), buf, ids);
    }

    /// [`Tokenizer::encode_into`] for text given as characters (the query prefix and
    /// the sentence, without copying them into one string). Characters are read,
    /// normalised and segmented word by word, and reading stops as soon as the words
    /// done give `max_tokens` ids: the work is bounded by the cap, not by the length of
    /// the text, however much normalisation expands it.
    pub fn encode_chars(
        &self,
        chars: impl Iterator<Item = char>,
        buf: &mut TokenBuffers,
        ids: &mut Vec<u32>,
    ) {
        ids.clear();
        let mut words = Words {
            tok: self,
            word: std::mem::take(&mut buf.text),
            word_chars: 0,
            running: 0.0,
            first: true,
            last_space: false,
            buf,
            ids,
        };
        words.word.clear();
        'read: for c in chars {
            if c == '\0' {
                break;
            }
            #[cfg(test)]
            {
                words.buf.work.input_chars += 1;
            }
            match self.normalisation.get(&c) {
                Some(&(from, to)) => {
                    let s = self.norm_text.get(from as usize..to as usize).unwrap_or("");
                    for o in s.chars() {
                        if words.push(o).is_break() {
                            break 'read;
                        }
                    }
                }
                None => {
                    if words.push(c).is_break() {
                        break;
                    }
                }
            }
        }
        words.finish();
    }

    /// The best segmentation of `text` into pieces, appended to `ids`, starting from
    /// the score `start`; returns the score at its end.
    fn viterbi(&self, text: &str, start: f32, buf: &mut TokenBuffers, ids: &mut Vec<u32>) -> f32 {
        let starts = &mut buf.starts;
        starts.clear();
        starts.extend(text.char_indices().map(|(i, _)| i));
        starts.push(text.len());
        let n = starts.len() - 1;
        #[cfg(test)]
        {
            buf.work.positions += n;
        }
        let bytes = text.as_bytes();
        buf.best.clear();
        buf.best.resize(n + 1, f32::NEG_INFINITY);
        buf.best[0] = start;
        buf.back.clear();
        buf.back.resize(n + 1, (self.unk, 0));
        for i in 0..n {
            let here = buf.best[i];
            let from = starts[i];
            for e in i + 1..=n {
                let len = starts[e] - from;
                if len > self.max_piece_bytes {
                    break;
                }
                if let Some(id) = self.find(&bytes[from..starts[e]]) {
                    if id != self.unk {
                        let s = here
                            + self
                                .scores
                                .get(id as usize)
                                .copied()
                                .unwrap_or(f32::NEG_INFINITY);
                        if s > buf.best[e] {
                            buf.best[e] = s;
                            buf.back[e] = (id, i);
                        }
                    }
                }
            }
            let s = here + self.unk_score;
            if s > buf.best[i + 1] {
                buf.best[i + 1] = s;
                buf.back[i + 1] = (self.unk, i);
            }
        }
        let first = ids.len();
        let mut at = n;
        while at > 0 {
            let (id, from) = buf.back[at];
            ids.push(id);
            at = from;
        }
        ids[first..].reverse();
        buf.best[n]
    }
}

/// The normalised text of one call to [`Tokenizer::encode_chars`], cut into words as it
/// comes and segmented word by word.
/// The look-up from a character to its replacement's place in the normalised text.
fn normalisation_map(chars: &[u32], ends: &[u32]) -> FxHashMap<char, (u32, u32)> {
    let mut map = FxHashMap::default();
    map.reserve(chars.len());
    let mut from = 0;
    for (&cp, &end) in chars.iter().zip(ends) {
        if let Some(c) = char::from_u32(cp) {
            map.insert(c, (from, end));
        }
        from = end;
    }
    map
}

// The packed weight cache (`super::packed`): the tokenizer as `Tokenizer::new` builds it.
impl Tokenizer {
    /// Write the tables, for the packed cache. A field added to `Tokenizer` goes here
    /// and in `from_parts`.
    pub(crate) fn write_parts<W: std::io::Write>(
        &self,
        out: &mut super::packed::Writer<W>,
    ) -> std::io::Result<()> {
        out.u64s(&[
            self.unk as u64,
            self.bos as u64,
            self.eos as u64,
            self.max_piece_bytes as u64,
            self.max_tokens as u64,
            self.max_run_chars as u64,
            self.split_words as u64,
        ])?;
        out.f32s(&[self.unk_score])?;
        out.bytes(&self.text)?;
        out.u32s(&self.ends)?;
        out.f32s(&self.scores)?;
        out.u32s(&self.slots)?;
        let mut entries: Vec<(char, (u32, u32))> =
            self.normalisation.iter().map(|(&c, &r)| (c, r)).collect();
        entries.sort_unstable_by_key(|e| e.1);
        let chars: Vec<u32> = entries.iter().map(|e| e.0 as u32).collect();
        let ends: Vec<u32> = entries.iter().map(|e| e.1 .1).collect();
        out.u32s(&chars)?;
        out.u32s(&ends)?;
        out.bytes(self.norm_text.as_bytes())
    }

    /// The tokenizer `write_parts` wrote, its tables mapped, with every bound that a
    /// look-up relies on checked.
    pub(crate) fn from_parts(r: &mut super::packed::Reader) -> crate::error::Result<Self> {
        let [unk, bos, eos, max_piece_bytes, max_tokens, max_run_chars, split_words] =
            r.usizes::<7>()?;
        let unk_score = *r.f32s()?.first().ok_or_else(|| r.bad("tokenizer"))?;
        let text = r.bytes()?;
        let ends = r.u32s()?;
        let scores = r.f32s()?;
        let slots = r.u32s()?;
        let chars = r.u32s()?;
        let norm_ends = r.u32s()?;
        let norm_text =
            String::from_utf8(r.bytes()?.to_vec()).map_err(|_| r.bad("normalisation text"))?;
        let n = ends.len();
        let id = |v: usize| u32::try_from(v).ok().filter(|&v| (v as usize) < n);
        let ordered = ends.windows(2).all(|w| w[0] <= w[1])
            && ends.last().is_none_or(|&e| e as usize == text.len());
        let norm_ok = chars.len() == norm_ends.len()
            && norm_ends.windows(2).all(|w| w[0] <= w[1])
            && norm_ends
                .iter()
                .all(|&e| norm_text.is_char_boundary(e as usize))
            && chars.iter().all(|&c| char::from_u32(c).is_some());
        let (Some(unk), Some(bos), Some(eos)) = (id(unk), id(bos), id(eos)) else {
            return Err(r.bad("tokenizer ids"));
        };
        if !ordered
            || !norm_ok
            || scores.len() != n
            || !slots.len().is_power_of_two()
            || !slots.contains(&0)
            || slots.iter().any(|&s| s as usize > n)
            || !unk_score.is_finite()
            || scores.iter().any(|s| !s.is_finite())
            || max_tokens == 0
        {
            return Err(r.bad("tokenizer tables"));
        }
        Ok(Tokenizer {
            normalisation: normalisation_map(&chars, &norm_ends),
            norm_text,
            text,
            ends,
            scores,
            slots,
            unk,
            unk_score,
            max_piece_bytes,
            max_tokens,
            max_run_chars,
            split_words: split_words != 0,
            bos,
            eos,
        })
    }
}

struct Words<'a, 't> {
    tok: &'t Tokenizer,
    /// The word being read: a metaspace and what follows it up to the next one.
    word: String,
    word_chars: usize,
    /// The Viterbi score at the end of the words done.
    running: f32,
    /// Whether nothing has been pushed yet.
    first: bool,
    last_space: bool,
    buf: &'a mut TokenBuffers,
    ids: &'a mut Vec<u32>,
}

impl Words<'_, '_> {
    /// One normalised character: runs of spaces become one, a metaspace goes in front
    /// of the text unless it starts with a space, and every space becomes a metaspace.
    /// Breaks once the ids reach the cap.
    fn push(&mut self, c: char) -> ControlFlow<()> {
        if c == ' ' {
            if self.last_space {
                return ControlFlow::Continue(());
            }
            self.last_space = true;
        } else {
            self.last_space = false;
        }
        if self.first {
            self.first = false;
            if c != ' ' {
                self.emit(METASPACE)?;
            }
        }
        self.emit(if c == ' ' { METASPACE } else { c })
    }

    /// Append `c` to the word, first segmenting the word so far when `c` starts a new
    /// one (a metaspace, when no piece spans one) or the word has reached the longest
    /// run [`Tokenizer::max_run_chars`].
    fn emit(&mut self, c: char) -> ControlFlow<()> {
        let new_word = self.tok.split_words && c == METASPACE && !self.word.is_empty();
        if new_word || self.word_chars == self.tok.max_run_chars {
            self.segment()?;
        }
        #[cfg(test)]
        {
            self.buf.work.normalised_chars += 1;
        }
        self.word.push(c);
        self.word_chars += 1;
        ControlFlow::Continue(())
    }

    /// Segment the word read so far; breaks once the ids reach the cap.
    fn segment(&mut self) -> ControlFlow<()> {
        self.running = self
            .tok
            .viterbi(&self.word, self.running, self.buf, self.ids);
        #[cfg(test)]
        {
            self.buf.work.words.push((self.word_chars, self.ids.len()));
        }
        self.word.clear();
        self.word_chars = 0;
        if self.ids.len() >= self.tok.max_tokens {
            self.ids.truncate(self.tok.max_tokens);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// The end of the text: an empty text is one metaspace; the last word is
    /// segmented, and the buffer is handed back.
    fn finish(mut self) {
        if self.first {
            self.word.push(METASPACE);
        }
        if !self.word.is_empty() && self.ids.len() < self.tok.max_tokens {
            let _ = self.segment();
        }
        self.ids.truncate(self.tok.max_tokens);
        self.word.clear();
        self.buf.text = self.word;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A small vocabulary in the e5-small style: special pieces first, words with a
    /// metaspace in front, and a normalisation map with characters that expand (U+FDFA
    /// to 18 characters, U+3300 to 4, U+1D400 to one), one that vanishes (the soft
    /// hyphen) and one that becomes a space (NBSP).
    fn tables() -> TokenizerTables {
        let pieces = [
            ("<s>", 0.0),
            ("<pad>", 0.0),
            ("</s>", 0.0),
            ("<unk>", 0.0),
            ("\u{2581}", -2.0),
            ("a", -3.0),
            ("aa", -4.0),
            ("aaa", -4.5),
            ("\u{2581}a", -3.5),
            ("b", -3.0),
            ("ab", -3.2),
            ("\u{2581}ab", -2.5),
            ("A", -5.0),
            ("\u{2581}A", -4.0),
            ("\u{2581}\u{635}\u{644}\u{649}", -6.0),
            ("\u{627}\u{644}\u{644}\u{647}", -6.5),
            ("\u{2581}\u{627}\u{644}\u{644}\u{647}", -6.0),
            ("\u{639}\u{644}", -7.0),
            ("\u{64a}\u{647}", -7.0),
            ("\u{2581}\u{648}", -7.0),
            ("\u{633}\u{644}\u{645}", -7.5),
            ("\u{30a2}\u{30d1}", -8.0),
            ("\u{30fc}\u{30c8}", -8.0),
            ("\u{2581}\u{30a2}", -8.0),
            ("\u{301}", -9.0),
        ];
        let expand = |s: &str| s.chars().map(u32::from).collect::<Vec<_>>();
        TokenizerTables {
            pieces: pieces.iter().map(|(p, _)| p.as_bytes().to_vec()).collect(),
            scores: pieces.iter().map(|(_, s)| *s).collect(),
            bos: 0,
            eos: 2,
            unk: 3,
            normalisation: vec![
                (0xA0, expand(" ")),
                (0xAD, expand("")),
                (0x3300, expand("\u{30a2}\u{30d1}\u{30fc}\u{30c8}")),
                (
                    0xFDFA,
                    expand("\u{635}\u{644}\u{649} \u{627}\u{644}\u{644}\u{647} \u{639}\u{644}\u{64a}\u{647} \u{648}\u{633}\u{644}\u{645}"),
                ),
                (0x1D400, expand("A")),
            ],
        }
    }

    fn tokenizer(max_tokens: usize) -> Tokenizer {
        Tokenizer::new(tables(), max_tokens)
    }

    fn encode(tok: &Tokenizer, text: &str) -> (Vec<u32>, TokenBuffers) {
        let (mut buf, mut ids) = (TokenBuffers::default(), Vec::new());
        tok.encode_into(text, &mut buf, &mut ids);
        (ids, buf)
    }

    fn pieces(tok: &Tokenizer, ids: &[u32]) -> Vec<String> {
        ids.iter()
            .map(|&i| String::from_utf8_lossy(tok.piece(i)).into_owned())
            .collect()
    }

    /// The tokenizer read back from the packed cache gives the same ids and pieces.
    #[test]
    fn the_packed_tables_give_the_same_ids() {
        let tok = tokenizer(40);
        let back =
            crate::encoder::packed::round_trip(|w| tok.write_parts(w), Tokenizer::from_parts);
        assert_eq!(
            (back.bos, back.eos, back.max_tokens(), back.max_run_chars()),
            (tok.bos, tok.eos, tok.max_tokens(), tok.max_run_chars())
        );
        for text in [
            "aaaa  ab\u{a0}b\u{ad}a",
            "",
            "\u{fdfa}\u{3300}\u{1d400} z\u{301}",
        ] {
            let (a, b) = (encode(&tok, text).0, encode(&back, text).0);
            assert_eq!(a, b, "{text:?}");
            assert_eq!(pieces(&tok, &a), pieces(&back, &b));
        }
        for (id, p) in tables().pieces.iter().enumerate() {
            assert_eq!(back.piece(id as u32), p.as_slice());
        }
        assert_eq!(back.piece(u32::MAX), b"");
    }

    #[test]
    fn ordinary_text_is_segmented_word_by_word() {
        let tok = tokenizer(510);
        assert_eq!(tok.max_tokens(), 510);
        // The longest piece has 5 characters: 511 × 5.
        assert_eq!(tok.max_run_chars(), 2555);
        let (ids, _) = encode(&tok, "aaaa  ab\u{a0}b\u{ad}a\0 ignored");
        // "▁aaaa▁ab▁ba": the NBSP is a space, the soft hyphen goes, the NUL ends it.
        assert_eq!(
            pieces(&tok, &ids),
            ["\u{2581}a", "aaa", "\u{2581}ab", "\u{2581}", "b", "a"]
        );
        let (ids, _) = encode(&tok, "");
        assert_eq!(pieces(&tok, &ids), ["\u{2581}"]);
        let (ids, _) = encode(&tok, "\u{fdfa}");
        assert_eq!(
            pieces(&tok, &ids),
            [
                "\u{2581}\u{635}\u{644}\u{649}",
                "\u{2581}\u{627}\u{644}\u{644}\u{647}",
                "\u{2581}",
                "\u{639}\u{644}",
                "\u{64a}\u{647}",
                "\u{2581}\u{648}",
                "\u{633}\u{644}\u{645}"
            ]
        );
    }

    /// A megabyte of one character, for each kind of hostile input.
    fn megabyte_runs() -> Vec<(&'static str, String)> {
        let run = |c: &str| c.repeat((1 << 20) / c.len());
        vec![
            ("U+FDFA, 18 characters each", run("\u{fdfa}")),
            ("U+3300, 4 characters each", run("\u{3300}")),
            ("U+1D400, 4 bytes as 1 character", run("\u{1d400}")),
            ("one letter, no space", run("a")),
            ("a letter no piece has", run("z")),
            ("combining marks", run("\u{301}")),
            ("a letter and a mark", run("a\u{301}")),
            ("words", run("ab ")),
            ("metaspaces", run("\u{2581}")),
        ]
    }

    /// However long the text and however much it expands, the tokenizer gives at most
    /// its cap of ids and reads, normalises and segments a number of characters bounded
    /// by the cap: for e5-small's 1,020, at most (2 × 1,020 + 1) × the longest piece's
    /// characters + 1 (here 10,206), against the 1 to 18 million characters of the
    /// whole texts.
    #[test]
    fn a_megabyte_of_hostile_text_costs_work_bounded_by_the_cap() {
        let tok = tokenizer(1020);
        let bound = (2 * 1020 + 1) * 5 + 1;
        assert_eq!(bound, 10_206);
        for (what, text) in megabyte_runs() {
            let (ids, buf) = encode(&tok, &text);
            assert_eq!(ids.len(), 1020, "{what}");
            let w = &buf.work;
            assert!(w.input_chars <= bound, "{what}: read {}", w.input_chars);
            assert!(
                w.normalised_chars <= bound,
                "{what}: normalised {}",
                w.normalised_chars
            );
            assert!(
                w.positions <= bound,
                "{what}: Viterbi positions {}",
                w.positions
            );
        }
        // U+FDFA gives 7 ids for its first occurrence and 9 for every next one: 113 of
        // them give 1,015 and the 114th completes the cap, so 114 are read.
        let (_, buf) = encode(&tok, &"\u{fdfa}".repeat(350_000));
        assert_eq!(buf.work.input_chars, 114);
        // Text that gives no ids (spaces, soft hyphens) is read to its end: linear.
        let blank = " \u{ad}".repeat(1 << 19);
        let (ids, buf) = encode(&tok, &blank);
        assert_eq!(pieces(&tok, &ids), ["\u{2581}"]);
        assert_eq!(buf.work.input_chars, 1 << 20);
        assert_eq!(buf.work.normalised_chars, 1);
    }

    /// Characters the property texts are made of: letters with pieces, one without,
    /// spaces of both kinds, characters that expand, vanish or end the text, marks and
    /// metaspaces.
    fn hostile_char() -> impl Strategy<Value = char> {
        prop::sample::select(vec![
            'a',
            'a',
            'a',
            'b',
            'z',
            ' ',
            ' ',
            '\u{a0}',
            '\u{ad}',
            '\u{301}',
            '\u{2581}',
            '\u{3300}',
            '\u{fdfa}',
            '\u{1d400}',
            '\u{30a2}',
            '\0',
        ])
    }

    /// Texts made of those characters and of long runs of `a`, which make words longer
    /// than the run limit of small caps.
    fn hostile_text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                4 => hostile_char().prop_map(String::from),
                1 => (0usize..80).prop_map(|n| "a".repeat(n)),
            ],
            0..60,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// What holds between the ids of a text with a cap of `cap` and without one:
        /// never a panic; exactly `min(cap, uncapped)` ids; they are the first `cap`
        /// uncapped ids, except that when a run longer than `max_run_chars` comes
        /// before the cap is reached, the ids from that run on are those of its parts
        /// (the ids of the words before it still agree).
        #[test]
        fn capped_ids_are_the_first_uncapped_ids(text in hostile_text(), cap in 1usize..12) {
            let (full, full_buf) = encode(&tokenizer(usize::MAX), &text);
            let tok = tokenizer(cap);
            let (capped, _) = encode(&tok, &text);
            prop_assert_eq!(capped.len(), cap.min(full.len()));
            prop_assert!(capped.iter().all(|&i| (i as usize) < tables().pieces.len()));
            // The uncapped ids given by the words before the first over-long one.
            let agree = full_buf
                .work
                .words
                .iter()
                .take_while(|(chars, _)| *chars <= tok.max_run_chars())
                .last()
                .map_or(0, |&(_, ids)| ids);
            let cut_inside_a_run = full_buf.work.words.iter().any(|(chars, _)| *chars > tok.max_run_chars());
            if cut_inside_a_run {
                let n = agree.min(cap);
                prop_assert_eq!(&capped[..n], &full[..n]);
            } else {
                prop_assert_eq!(&capped[..], &full[..capped.len()]);
            }
        }
    }
}
