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

use super::weights::TokenizerTables;
use rustc_hash::FxHashMap;

const METASPACE: char = '\u{2581}';

/// A loaded tokenizer.
#[derive(Debug)]
pub struct Tokenizer {
    pieces: Vec<Vec<u8>>,
    scores: Vec<f32>,
    lookup: FxHashMap<Vec<u8>, u32>,
    normalisation: FxHashMap<char, String>,
    unk: u32,
    unk_score: f32,
    max_piece_bytes: usize,
    /// Whether no piece has a metaspace after its first character (true of e5-small),
    /// so Viterbi can run word by word.
    split_words: bool,
    /// `<s>`.
    pub bos: u32,
    /// `</s>`.
    pub eos: u32,
}

/// Reusable buffers for [`Tokenizer::encode_into`].
#[derive(Debug, Default)]
pub struct TokenBuffers {
    text: String,
    starts: Vec<usize>,
    best: Vec<f32>,
    back: Vec<(u32, usize)>,
}

impl Tokenizer {
    /// Build the tokenizer from the file's tables.
    pub fn new(t: TokenizerTables) -> Self {
        let mut lookup = FxHashMap::default();
        for (i, p) in t.pieces.iter().enumerate() {
            if !p.is_empty() {
                // The first piece with given bytes wins, as in the reference.
                lookup.entry(p.clone()).or_insert(i as u32);
            }
        }
        let normalisation = t
            .normalisation
            .iter()
            .filter_map(|(cp, out)| {
                let c = char::from_u32(*cp)?;
                let s: String = out.iter().filter_map(|&o| char::from_u32(o)).collect();
                Some((c, s))
            })
            .collect();
        let min = t.scores.iter().copied().fold(f32::INFINITY, f32::min);
        let max_piece_bytes = t.pieces.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let meta = METASPACE.to_string();
        let split_words = t.pieces.iter().all(|p| {
            let p = String::from_utf8_lossy(p);
            let mut cs = p.chars();
            cs.next();
            !cs.as_str().contains(meta.as_str())
        });
        Tokenizer {
            lookup,
            normalisation,
            unk: t.unk,
            unk_score: if min.is_finite() { min - 10.0 } else { -10.0 },
            max_piece_bytes,
            split_words,
            bos: t.bos,
            eos: t.eos,
            pieces: t.pieces,
            scores: t.scores,
        }
    }

    /// The bytes of piece `id` (empty when out of range).
    pub fn piece(&self, id: u32) -> &[u8] {
        self.pieces.get(id as usize).map_or(&[], |p| p.as_slice())
    }

    /// The content ids of `text` (no `<s>`/`</s>`), appended to `ids` (cleared first).
    /// The text ends at its first NUL, if any, as it does for the reference engine.
    pub fn encode_into(&self, text: &str, buf: &mut TokenBuffers, ids: &mut Vec<u32>) {
        ids.clear();
        let text = text.split('\0').next().unwrap_or("");
        // Normalise, collapse space runs, then metaspace.
        let mut text_buf = std::mem::take(&mut buf.text);
        let norm = &mut text_buf;
        norm.clear();
        let mut first = true;
        let mut last_space = false;
        let mut push = |c: char, norm: &mut String| {
            if c == ' ' {
                if last_space {
                    return;
                }
                last_space = true;
            } else {
                last_space = false;
            }
            if first {
                first = false;
                if c != ' ' {
                    norm.push(METASPACE);
                }
            }
            norm.push(if c == ' ' { METASPACE } else { c });
        };
        for c in text.chars() {
            match self.normalisation.get(&c) {
                Some(s) => s.chars().for_each(|o| push(o, norm)),
                None => push(c, norm),
            }
        }
        if first {
            norm.push(METASPACE);
        }
        // Viterbi, one word at a time: no piece has a metaspace after its first
        // character, so every path passes through each metaspace position and the
        // best path of the whole text is the best paths of its words end to end. The
        // running score is carried from word to word, so every comparison is the one
        // a single pass over the whole text would make, and the buffers stay the size
        // of the longest word however long the text.
        let bytes = norm.as_bytes();
        let mut running = 0f32;
        let mut word_start = 0;
        while word_start < bytes.len() {
            let word_end = if self.split_words {
                norm[word_start + METASPACE.len_utf8()..]
                    .find(METASPACE)
                    .map_or(bytes.len(), |i| word_start + METASPACE.len_utf8() + i)
            } else {
                bytes.len()
            };
            running = self.viterbi(&norm[word_start..word_end], running, buf, ids);
            word_start = word_end;
        }
        buf.text = text_buf;
    }

    /// The best segmentation of `text` into pieces, appended to `ids`, starting from
    /// the score `start`; returns the score at its end.
    fn viterbi(&self, text: &str, start: f32, buf: &mut TokenBuffers, ids: &mut Vec<u32>) -> f32 {
        let starts = &mut buf.starts;
        starts.clear();
        starts.extend(text.char_indices().map(|(i, _)| i));
        starts.push(text.len());
        let n = starts.len() - 1;
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
                if let Some(&id) = self.lookup.get(&bytes[from..starts[e]]) {
                    if id != self.unk {
                        let s = here + self.scores[id as usize];
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
