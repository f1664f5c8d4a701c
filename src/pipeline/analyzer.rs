//! Analysis: the text pipeline for one sentence, run once and shared by every feature
//! block: normalise → tokenise → stem (with each word's cue information) → terms or
//! vocabulary word ids, and the raw cue values.
//!
//! Stemming and lexicon look-ups dominate the cost, so a [`Scratch`] remembers each
//! word's stem, cue information and vocabulary word id between sentences.

use super::cues::{self, CueGroup, Lexicon, CUES, N_CUES};
use super::ngrams::for_each_ngram;
use super::normalize::normalize_into;
use super::stem::Stemmer;
use super::tokenize::{tokenize_into, Token, TokenKind};
use super::vocab::WordIds;
use crate::language::Language;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Every setting needed to rebuild the features of a trained model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSettings {
    /// The language whose profile (segmentation, stemmer, cue lexicon) the pipeline
    /// uses. Default: `en`.
    pub language: Language,
    /// Shortest word n-gram. Default: 1.
    pub ngram_min: usize,
    /// Longest word n-gram. Default: 2.
    pub ngram_max: usize,
    /// Minimum number of training sentences a term must appear in. Default: 2.
    pub min_df: u32,
    /// Cap on the number of terms (0: no cap). Default: 8000.
    pub max_features: usize,
    /// Use `1 + ln(tf)` instead of raw counts. Default: true.
    pub sublinear_tf: bool,
    /// Enabled cue groups, in feature order. Default: all (none for a language whose
    /// profile has no cue lexicon; see [`cues::groups_for`]).
    pub cue_groups: Vec<CueGroup>,
    /// Factor applied to standardised cue values. Default: 0.1.
    pub cue_scale: f64,
}

impl Default for FeatureSettings {
    fn default() -> Self {
        FeatureSettings {
            language: Language::English,
            ngram_min: 1,
            ngram_max: 2,
            min_df: 2,
            max_features: 8000,
            sublinear_tf: true,
            cue_groups: CueGroup::ALL.to_vec(),
            cue_scale: 0.1,
        }
    }
}

impl FeatureSettings {
    /// Indices (into [`CUES`]) of the enabled cues, in order.
    pub fn cue_indices(&self) -> Vec<usize> {
        CUES.iter()
            .enumerate()
            .filter(|(_, c)| self.cue_groups.contains(&c.group))
            .map(|(i, _)| i)
            .collect()
    }
}

/// Reusable buffers, so featurising a sentence allocates little.
#[derive(Debug, Default)]
pub struct Scratch {
    norm: String,
    lower: String,
    lower_ends: Vec<usize>,
    terms: String,
    term_ends: Vec<usize>,
    gram: String,
    stem_buf: String,
    words: WordCache,
    /// Whose entries the word cache holds: an analyzer's uid (its stems and lexicon),
    /// and the uid of the word ids asked for, if any.
    words_owner: Option<(u64, Option<u64>)>,
    word_keys: Vec<Option<ShortKey>>,
    word_cues: Vec<cues::WordCues>,
    ids: Vec<u32>,
    found: Vec<u32>,
    token_buf: Vec<Token<'static>>,
    lower_buf: Vec<&'static str>,
}

/// Most distinct words whose stems a [`Scratch`] remembers before it starts afresh.
const STEM_CACHE_WORDS: usize = 1 << 17;
/// Most bytes of stems and long words (over 15 bytes) the cache keeps before it starts
/// afresh, so that its memory stays bounded however long the words are (and stem
/// offsets fit a `u32`).
const STEM_CACHE_BYTES: usize = 16 << 20;

/// What the pipeline knows about one word once it has seen it.
#[derive(Debug, Default, Clone, Copy)]
struct CachedWord {
    /// The stem's number in the cache's stem arena (`u32::MAX` when the analysis that
    /// met the word asked for word ids, which need no stems).
    stem: u32,
    cues: cues::WordCues,
    /// Word id in the model's [`WordIds`] (`u32::MAX`: none).
    id: u32,
}

/// Each word's stem, cue information and vocabulary id, keyed by its lowercase form.
/// Words of 1 to 15 bytes (nearly all) are keyed by their bytes and length packed in a
/// `u128`, in an open-addressing table ([`ShortTable`]) whose slots a sentence can ask
/// the processor to fetch before it looks them up; longer words are keyed by the
/// string. Stems live in one arena, so that a word costs no allocation of its own.
#[derive(Debug, Default)]
struct WordCache {
    short: ShortTable,
    long: FxHashMap<Box<str>, CachedWord>,
    /// Every stem, one after another; stem `i` ends at `stem_ends[i]`.
    stems: String,
    stem_ends: Vec<u32>,
    /// Bytes of the long words' keys.
    long_bytes: usize,
}

/// Open addressing with linear probing: each slot holds a packed key and its entry in
/// 32 bytes, half a cache line; key 0 (no word packs to it but the empty one, which is kept
/// elsewhere) marks an empty slot. At most three quarters of the slots are used.
#[derive(Debug, Default)]
struct ShortTable {
    slots: Vec<Slot>,
    len: usize,
}

/// A key and its entry, aligned to half a cache line so that one prefetch fetches it
/// whole.
#[derive(Debug, Default)]
#[repr(align(32))]
struct Slot {
    key: u128,
    word: CachedWord,
}

const _: () = assert!(std::mem::size_of::<Slot>() == 32);

/// A word's packed bytes and their hash, computed once per token for the prefetch and
/// the look-up.
#[derive(Debug, Clone, Copy)]
struct ShortKey {
    packed: u128,
    hash: u64,
}

impl ShortKey {
    /// The key of a packed word (never 0): every bit of it reaches the hash's low bits
    /// (the finaliser of MurmurHash3's 64-bit hash).
    fn new(packed: u128) -> ShortKey {
        let mut h = packed as u64 ^ ((packed >> 64) as u64).rotate_left(29);
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 33;
        h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        h ^= h >> 33;
        ShortKey { packed, hash: h }
    }
}

impl ShortTable {
    /// The key's first slot.
    fn start(&self, key: ShortKey) -> usize {
        (key.hash as usize) & (self.slots.len() - 1)
    }

    /// Ask the processor to fetch `key`'s first slot.
    fn prefetch(&self, key: ShortKey) {
        if self.slots.is_empty() {
            return;
        }
        let slot: *const Slot = &self.slots[self.start(key)];
        #[cfg(target_arch = "x86_64")]
        // SAFETY: prefetching is a hint with no effect on memory; SSE is part of x86-64.
        unsafe {
            std::arch::x86_64::_mm_prefetch(slot.cast::<i8>(), std::arch::x86_64::_MM_HINT_T0);
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = slot;
    }

    fn get(&self, key: ShortKey) -> Option<CachedWord> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.start(key);
        loop {
            let slot = &self.slots[i];
            if slot.key == key.packed {
                return Some(slot.word);
            }
            if slot.key == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Insert a key that is not in the table.
    fn insert(&mut self, key: ShortKey, entry: CachedWord) {
        if 4 * (self.len + 1) > 3 * self.slots.len() {
            let size = (2 * self.slots.len()).max(1024);
            let old = std::mem::replace(&mut self.slots, Vec::with_capacity(size));
            self.slots.resize_with(size, Default::default);
            self.len = 0;
            for slot in old {
                if slot.key != 0 {
                    self.place(ShortKey::new(slot.key), slot.word);
                }
            }
        }
        self.place(key, entry);
    }

    fn place(&mut self, key: ShortKey, entry: CachedWord) {
        let mask = self.slots.len() - 1;
        let mut i = self.start(key);
        while self.slots[i].key != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot {
            key: key.packed,
            word: entry,
        };
        self.len += 1;
    }

    fn clear(&mut self) {
        if self.len > 0 {
            for slot in &mut self.slots {
                if slot.key != 0 {
                    *slot = Default::default();
                }
            }
            self.len = 0;
        }
    }
}

impl WordCache {
    /// The word's bytes in the low 15 bytes (little-endian) and its length in the top
    /// one. Built from overlapping loads (repeated bytes OR to themselves) rather than
    /// by copying into a buffer, whose narrow stores the wide load would wait for.
    fn pack(word: &str) -> Option<u128> {
        let b = word.as_bytes();
        let n = b.len();
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
        let (lo, hi) = match n {
            0 => (0, 0),
            1..=3 => {
                let (a, m, z) = (b[0] as u64, b[n / 2] as u64, b[n - 1] as u64);
                (a | m << (8 * (n / 2)) | z << (8 * (n - 1)), 0)
            }
            4..=7 => {
                let (a, z) = (u32_at(0) as u64, u32_at(n - 4) as u64);
                (a | z << (8 * (n - 4)), 0)
            }
            8 => (u64_at(0), 0),
            9..=15 => (u64_at(0), u64_at(n - 8) >> (8 * (16 - n))),
            _ => return None,
        };
        Some(u128::from(lo) | u128::from(hi) << 64 | (n as u128) << 120)
    }

    /// The key a word is cached under in the short table, if it has one.
    fn key(word: &str) -> Option<ShortKey> {
        Self::pack(word).filter(|&k| k != 0).map(ShortKey::new)
    }

    #[cfg(test)]
    fn get(&self, word: &str) -> Option<CachedWord> {
        self.get_keyed(Self::key(word), word)
    }

    fn get_keyed(&self, key: Option<ShortKey>, word: &str) -> Option<CachedWord> {
        match key {
            Some(k) => self.short.get(k),
            None => self.long.get(word).copied(),
        }
    }

    /// Stem number `i` (see [`CachedWord::stem`]).
    fn stem(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.stem_ends[i - 1] };
        &self.stems[start as usize..self.stem_ends[i] as usize]
    }

    #[cfg(test)]
    fn insert(&mut self, word: &str, stem: Option<&str>, cues: cues::WordCues, id: u32) {
        self.insert_keyed(Self::key(word), word, stem, cues, id);
    }

    /// Insert a word that is not cached, with its stem when it is to be kept.
    fn insert_keyed(
        &mut self,
        key: Option<ShortKey>,
        word: &str,
        stem: Option<&str>,
        cues: cues::WordCues,
        id: u32,
    ) {
        let bytes = self.stems.len() + self.long_bytes;
        let new_bytes = stem.map_or(0, str::len) + if key.is_none() { word.len() } else { 0 };
        if self.len() >= STEM_CACHE_WORDS || bytes + new_bytes > STEM_CACHE_BYTES {
            self.clear();
        }
        let stem = match stem {
            Some(text) => {
                self.stems.push_str(text);
                self.stem_ends.push(self.stems.len() as u32);
                self.stem_ends.len() as u32 - 1
            }
            None => u32::MAX,
        };
        let entry = CachedWord { stem, cues, id };
        match key {
            Some(k) => self.short.insert(k, entry),
            None => {
                self.long_bytes += word.len();
                self.long.insert(word.into(), entry);
            }
        }
    }

    fn len(&self) -> usize {
        self.short.len + self.long.len()
    }

    fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
        self.stems.clear();
        self.stem_ends.clear();
        self.long_bytes = 0;
    }
}

/// Runs the text pipeline up to the n-grams, for any consumer of n-grams.
#[derive(Debug)]
pub struct Analyzer {
    settings: FeatureSettings,
    stemmer: Stemmer,
    lexicon: Option<&'static Lexicon>,
    /// Tells the analyzers apart for a [`Scratch`]'s word cache, whose stems and cue
    /// entries belong to one analyzer's language.
    uid: u64,
}

impl Analyzer {
    /// An analyzer for `settings`.
    pub fn new(settings: FeatureSettings) -> Self {
        static NEXT_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let stemmer = Stemmer::new(settings.language);
        let lexicon = Lexicon::of(settings.language);
        Analyzer {
            settings,
            stemmer,
            lexicon,
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// The settings this analyzer uses.
    pub fn settings(&self) -> &FeatureSettings {
        &self.settings
    }

    /// Analyse `text`: calls `on_gram` with each n-gram and, when `cues_out` is given,
    /// fills it with the raw cue values.
    pub fn analyze(
        &self,
        text: &str,
        scratch: &mut Scratch,
        cues_out: Option<&mut [f64; N_CUES]>,
        mut on_gram: impl FnMut(&str),
    ) {
        self.prepare(text, scratch, cues_out, None);
        let terms: Vec<&str> = spans(&scratch.terms, &scratch.term_ends).collect();
        for_each_ngram(
            &terms,
            self.settings.ngram_min,
            self.settings.ngram_max,
            &mut scratch.gram,
            &mut on_gram,
        );
    }

    /// Call `on_gram` with each n-gram of `text` (the terms [`Analyzer::analyze`] gives,
    /// in the same order) and the words that made it as the sentence spells them: the
    /// normalised text from the n-gram's first token to its last, runs of spaces made
    /// one (`"Coalition talks"` for `coalit talk`). For explanations only: it stems
    /// every word afresh, with no cache, and stays off the scoring path.
    pub fn for_each_gram_as_written(&self, text: &str, mut on_gram: impl FnMut(&str, &str)) {
        let mut norm = String::new();
        normalize_into(text, &mut norm);
        let mut tokens = Vec::new();
        tokenize_into(&norm, &mut tokens);
        let base = norm.as_ptr() as usize;
        let (mut lower, mut term) = (String::new(), String::new());
        let mut terms: Vec<String> = Vec::with_capacity(tokens.len());
        let mut spans: Vec<(usize, usize)> = Vec::with_capacity(tokens.len());
        for tok in &tokens {
            lower.clear();
            if tok.kind == TokenKind::Word {
                super::chars::push_lowercase(tok.text, &mut lower);
            } else {
                lower.push_str(tok.text);
            }
            self.stemmer
                .term_of_lower(tok.kind, tok.text, &lower, &mut term);
            terms.push(term.clone());
            // Every token is a slice of the normalised text.
            let from = tok.text.as_ptr() as usize - base;
            spans.push((from, from + tok.text.len()));
        }
        let (min_n, max_n) = (self.settings.ngram_min.max(1), self.settings.ngram_max);
        let (mut gram, mut written) = (String::new(), String::new());
        for start in 0..terms.len() {
            gram.clear();
            for (k, t) in terms[start..].iter().take(max_n).enumerate() {
                if k > 0 {
                    gram.push(' ');
                }
                gram.push_str(t);
                if k + 1 >= min_n {
                    let span = norm.get(spans[start].0..spans[start + k].1).unwrap_or("");
                    written.clear();
                    for (i, piece) in span.split(' ').filter(|p| !p.is_empty()).enumerate() {
                        if i > 0 {
                            written.push(' ');
                        }
                        written.push_str(piece);
                    }
                    on_gram(&gram, &written);
                }
            }
        }
    }

    /// Analyse `text` once for the feature blocks: with `ids`, the terms' vocabulary word
    /// ids; without, the terms' text; with `want_cues`, the raw cue values. The `u64`
    /// beside the word ids names them for `scratch`'s word cache: give each [`WordIds`]
    /// its own (a [`Featurizer`](crate::model::blocks::Featurizer) uses its uid).
    pub fn analysis<'s>(
        &self,
        text: &'s str,
        scratch: &'s mut Scratch,
        want_cues: bool,
        ids: Option<(&WordIds, u64)>,
    ) -> Analysis<'s> {
        let mut cues = [0.0; N_CUES];
        self.prepare(text, scratch, want_cues.then_some(&mut cues), ids);
        Analysis {
            text,
            scratch,
            cues,
            ngram_min: self.settings.ngram_min,
            ngram_max: self.settings.ngram_max,
        }
    }

    /// Run the pipeline up to the terms, which are left in `scratch`; fill `cues_out`.
    /// With `ids`, leave each term's word id in `scratch.ids` (cached per word)
    /// instead of the terms' text.
    fn prepare(
        &self,
        text: &str,
        scratch: &mut Scratch,
        cues_out: Option<&mut [f64; N_CUES]>,
        ids: Option<(&WordIds, u64)>,
    ) {
        // The word cache holds the stems and cues of one analyzer, and the word ids of
        // one featurizer, at a time.
        let owner = Some((self.uid, ids.map(|(_, uid)| uid)));
        if scratch.words_owner != owner {
            scratch.words.clear();
            scratch.words_owner = owner;
        }
        scratch.ids.clear();
        normalize_into(text, &mut scratch.norm);
        let mut tokens = recycle_tokens(std::mem::take(&mut scratch.token_buf));
        tokenize_into(&scratch.norm, &mut tokens);
        scratch.lower.clear();
        scratch.terms.clear();
        scratch.term_ends.clear();
        let mut lower = recycle_strs(std::mem::take(&mut scratch.lower_buf));
        if scratch.norm.is_ascii() {
            // The whole sentence lowercased at once; a word's lowercase form is its
            // span there, and other tokens stay as they are.
            scratch.lower.push_str(&scratch.norm);
            scratch.lower.make_ascii_lowercase();
            let base = scratch.norm.as_ptr() as usize;
            lower.extend(tokens.iter().map(|tok| {
                if tok.kind == TokenKind::Word {
                    // Every token is a slice of the normalised text.
                    let from = tok.text.as_ptr() as usize - base;
                    debug_assert!(from + tok.text.len() <= scratch.norm.len());
                    &scratch.lower[from..from + tok.text.len()]
                } else {
                    tok.text
                }
            }));
        } else {
            scratch.lower_ends.clear();
            for tok in &tokens {
                if tok.kind == TokenKind::Word {
                    super::chars::push_lowercase(tok.text, &mut scratch.lower);
                } else {
                    scratch.lower.push_str(tok.text);
                }
                scratch.lower_ends.push(scratch.lower.len());
            }
            lower.extend(spans(&scratch.lower, &scratch.lower_ends));
        }
        scratch.word_cues.clear();
        // Look-ups of rare words miss every processor cache: the sentence's slots are
        // asked for first, so that those misses overlap.
        scratch.word_keys.clear();
        for (tok, lw) in tokens.iter().zip(&lower) {
            let key = (tok.kind == TokenKind::Word)
                .then(|| WordCache::key(lw))
                .flatten();
            if let Some(k) = key {
                scratch.words.short.prefetch(k);
            }
            scratch.word_keys.push(key);
        }
        for (i, (tok, lw)) in tokens.iter().zip(&lower).enumerate() {
            if tok.kind == TokenKind::Word {
                // Stemming and lexicon look-ups dominate featurisation time: remember
                // each word's stem and cue information.
                let key = scratch.word_keys[i];
                if let Some(w) = scratch.words.get_keyed(key, lw) {
                    if ids.is_none() {
                        scratch.terms.push_str(scratch.words.stem(w.stem));
                    }
                    scratch.word_cues.push(w.cues);
                    scratch.ids.push(w.id);
                } else {
                    self.stemmer
                        .term_of_lower(tok.kind, tok.text, lw, &mut scratch.stem_buf);
                    let wc = match self.lexicon {
                        Some(lex) => lex.word_cues(lw, &scratch.stem_buf),
                        None => cues::WordCues::default(),
                    };
                    let id = ids.map_or(u32::MAX, |(l, _)| l.word_id(&scratch.stem_buf));
                    let stem = ids.is_none().then_some(scratch.stem_buf.as_str());
                    scratch.words.insert_keyed(key, lw, stem, wc, id);
                    if ids.is_none() {
                        scratch.terms.push_str(&scratch.stem_buf);
                    }
                    scratch.word_cues.push(wc);
                    scratch.ids.push(id);
                }
            } else {
                self.stemmer
                    .term_of_lower(tok.kind, tok.text, lw, &mut scratch.stem_buf);
                if ids.is_none() {
                    scratch.terms.push_str(&scratch.stem_buf);
                }
                scratch.word_cues.push(cues::WordCues::default());
                scratch
                    .ids
                    .push(ids.map_or(u32::MAX, |(l, _)| l.word_id(&scratch.stem_buf)));
            }
            scratch.term_ends.push(scratch.terms.len());
        }
        if let Some(out) = cues_out {
            match self.lexicon {
                Some(lex) => cues::compute(lex, &tokens, &lower, &scratch.word_cues, out),
                None => *out = [0.0; N_CUES],
            }
        }
        scratch.token_buf = recycle_tokens(tokens);
        scratch.lower_buf = recycle_strs(lower);
    }
}

/// One analysed sentence, as the feature blocks see it (see [`Analyzer::analysis`]).
#[derive(Debug)]
pub struct Analysis<'s> {
    text: &'s str,
    scratch: &'s mut Scratch,
    cues: [f64; N_CUES],
    ngram_min: usize,
    ngram_max: usize,
}

impl Analysis<'_> {
    /// The sentence as given.
    pub fn text(&self) -> &str {
        self.text
    }

    /// All [`N_CUES`] raw cue values (zero unless asked for).
    pub fn cues(&self) -> &[f64; N_CUES] {
        &self.cues
    }

    /// Each term's vocabulary word id (`u32::MAX`: none), with a reusable buffer.
    /// Only meaningful when the analysis was asked for word ids.
    pub fn word_ids_and_buffer(&mut self) -> (&[u32], &mut Vec<u32>) {
        (&self.scratch.ids, &mut self.scratch.found)
    }

    /// Call `on_gram` with each n-gram of the terms (analysis without word ids).
    pub fn for_each_gram(&mut self, mut on_gram: impl FnMut(&str)) {
        let terms: Vec<&str> = spans(&self.scratch.terms, &self.scratch.term_ends).collect();
        for_each_ngram(
            &terms,
            self.ngram_min,
            self.ngram_max,
            &mut self.scratch.gram,
            &mut on_gram,
        );
    }
}

/// Empty `v` and return its allocation as a vector of tokens of another lifetime, so
/// that the token buffer can live in [`Scratch`] between sentences. `collect` reuses
/// the allocation in place when the element layout is the same, as here.
// `filter` would keep the element type; the point is to change its lifetime.
#[allow(clippy::unnecessary_filter_map)]
fn recycle_tokens<'b>(mut v: Vec<Token<'_>>) -> Vec<Token<'b>> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// [`recycle_tokens`] for string slices.
#[allow(clippy::unnecessary_filter_map)]
fn recycle_strs<'b>(mut v: Vec<&str>) -> Vec<&'b str> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

fn spans<'a>(arena: &'a str, ends: &'a [usize]) -> impl Iterator<Item = &'a str> + 'a {
    let mut start = 0;
    ends.iter().map(move |&end| {
        let s = arena.get(start..end).unwrap_or("");
        start = end;
        s
    })
}

impl Stemmer {
    /// The term for a token whose lowercase form is already known.
    pub(crate) fn term_of_lower(&self, kind: TokenKind, text: &str, lower: &str, out: &mut String) {
        out.clear();
        match kind {
            TokenKind::Number => out.push_str(super::stem::NUMBER_TERM),
            TokenKind::Mark => out.push_str(text),
            TokenKind::Word => out.push_str(&self.stem_lower(lower)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(settings: FeatureSettings, text: &str) -> Vec<String> {
        let a = Analyzer::new(settings);
        let mut out = Vec::new();
        a.analyze(text, &mut Scratch::default(), None, |g| {
            out.push(g.to_string())
        });
        out
    }

    #[test]
    fn pipeline_grams() {
        let s = FeatureSettings::default();
        assert_eq!(
            grams(s, "\u{201C}Talks\u{201D} ended in 2017?"),
            [
                "\"", "\" talk", "talk", "talk \"", "\"", "\" end", "end", "end in", "in",
                "in <num>", "<num>", "<num> ?", "?"
            ]
        );
    }

    /// The n-grams as written are the analysis's n-grams, in order, each with the
    /// words that made it.
    #[test]
    fn grams_as_written_follow_the_analysis() {
        for (language, text) in [
            (
                Language::English,
                "\u{201C}Talks\u{201D} ended,  in 2017? The Coalition deserves it.",
            ),
            (
                Language::German,
                "Die Koalitionsgespräche scheiterten. Schön!",
            ),
            (Language::Arabic, "قال الوزير إن المحادثات فشلت؟"),
        ] {
            let settings = FeatureSettings {
                language,
                ngram_max: 3,
                ..FeatureSettings::default()
            };
            let a = Analyzer::new(settings.clone());
            let mut written = Vec::new();
            a.for_each_gram_as_written(text, |g, w| written.push((g.to_string(), w.to_string())));
            let grams: Vec<String> = written.iter().map(|(g, _)| g.clone()).collect();
            assert_eq!(grams, super::tests::grams(settings, text), "{text}");
            assert!(written
                .iter()
                .all(|(_, w)| !w.is_empty() && !w.contains("  ")));
        }
        let a = Analyzer::new(FeatureSettings::default());
        let mut written = Vec::new();
        a.for_each_gram_as_written(
            "\u{201C}Talks\u{201D} ended,  in 2017. Coalition talks deserve",
            |g, w| written.push(format!("{g}={w}")),
        );
        for expected in [
            "\" talk=\"Talks",
            "talk=Talks",
            "end in=ended, in",
            "<num>=2017",
            "coalit talk=Coalition talks",
            "deserv=deserve",
        ] {
            assert!(
                written.iter().any(|w| w == expected),
                "{expected} not in {written:?}"
            );
        }
    }

    /// Everything one analysis gives: the n-grams (or word ids) and the raw cues.
    fn analysed(
        a: &Analyzer,
        scratch: &mut Scratch,
        text: &str,
        ids: Option<(&WordIds, u64)>,
    ) -> (Vec<String>, Vec<u32>, [f64; N_CUES]) {
        let mut analysis = a.analysis(text, scratch, true, ids);
        let cues = *analysis.cues();
        let word_ids = analysis.word_ids_and_buffer().0.to_vec();
        let mut grams = Vec::new();
        if ids.is_none() {
            analysis.for_each_gram(|g| grams.push(g.to_string()));
        }
        (grams, word_ids, cues)
    }

    /// One scratch shared by analyzers of different languages, with and without word
    /// ids (whatever their uid), gives what a fresh scratch gives each time.
    #[test]
    fn a_shared_scratch_gives_what_a_fresh_one_gives() {
        let text = "terrible awful wonderful great bad good excellent horrible amazing, he said";
        let analyzers: Vec<Analyzer> = [
            Language::English,
            Language::German,
            Language::Italian,
            Language::Arabic,
            Language::Bulgarian,
        ]
        .into_iter()
        .map(|language| {
            Analyzer::new(FeatureSettings {
                language,
                cue_groups: cues::groups_for(language, &CueGroup::ALL),
                ..FeatureSettings::default()
            })
        })
        .collect();
        let vocab = super::super::vocab::Vocabulary::new(
            vec!["terribl".into(), "great".into(), "he said".into()],
            vec![1.0; 3],
        );
        let ids = WordIds::new(&vocab, 1, 2).expect("bigrams have word ids");
        let mut shared = Scratch::default();
        for round in 0..2 {
            for uid in [None, Some(0), Some(7)] {
                for a in &analyzers {
                    let with = uid.map(|u| (&ids, u));
                    let fresh = analysed(a, &mut Scratch::default(), text, with);
                    let reused = analysed(a, &mut shared, text, with);
                    assert_eq!(fresh.0, reused.0, "round {round}, {uid:?}");
                    assert_eq!(fresh.1, reused.1, "round {round}, {uid:?}");
                    assert_eq!(
                        fresh.2.map(f64::to_bits),
                        reused.2.map(f64::to_bits),
                        "round {round}, {uid:?}"
                    );
                }
            }
        }
    }

    /// Long words count towards the cache's byte bound, which empties it.
    #[test]
    fn word_cache_empties_at_its_byte_bound() {
        let mut cache = WordCache::default();
        let long_word = |i: usize| format!("{i:08}{}", "x".repeat(1 << 20));
        let mut most = 0;
        for i in 0..40 {
            let w = long_word(i);
            cache.insert(&w, Some(&w), cues::WordCues::default(), i as u32);
            assert!(cache.stems.len() + cache.long_bytes <= STEM_CACHE_BYTES);
            assert_eq!(cache.get(&w).map(|e| e.id), Some(i as u32));
            most = most.max(cache.len());
        }
        assert!(most >= 7 && cache.len() < 40, "{most} {}", cache.len());
    }

    #[test]
    fn word_cache_keys_are_the_bytes_and_the_length() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmno",
            "é",
            "naïve",
            "über-groß",
        ];
        for w in words {
            let b = w.as_bytes();
            let mut key = [0u8; 16];
            key[..b.len()].copy_from_slice(b);
            key[15] = b.len() as u8;
            assert_eq!(WordCache::pack(w), Some(u128::from_le_bytes(key)), "{w}");
        }
        assert_eq!(WordCache::pack("abcdefghijklmnop"), None);
    }

    #[test]
    fn word_cache_keys_short_and_long_words_apart() {
        let mut cache = WordCache::default();
        let words = [
            "a",
            "ab",
            "fifteen-bytes-x",
            "sixteen-bytes-xy",
            "internationalization",
            "zürich",
            "",
        ];
        let stem_of = |w: &str| format!("{}~", w.to_uppercase());
        for (i, w) in words.iter().enumerate() {
            let stem = stem_of(w);
            cache.insert(w, Some(&stem), cues::WordCues::default(), i as u32);
        }
        // The empty word packs to 0, the empty-slot mark: it goes with the long ones.
        assert_eq!(cache.short.len, 4);
        assert_eq!(cache.long.len(), 3);
        for (i, w) in words.iter().enumerate() {
            let found = cache.get(w).expect("cached");
            assert_eq!(found.id, i as u32, "{w}");
            assert_eq!(cache.stem(found.stem), stem_of(w), "{w}");
        }
        // same bytes, different lengths: different keys
        assert!(cache.get("a\0").is_none());
        assert!(cache.get("fifteen-bytes-").is_none());
        assert_ne!(WordCache::pack("a"), WordCache::pack("a\0"));
    }

    /// The short table grows, finds every word it holds and none it does not, and
    /// the cache empties itself at its bound.
    #[test]
    fn word_cache_grows_finds_and_empties_at_its_bound() {
        let entry = |cache: &mut WordCache, w: &str, id| {
            cache.insert(w, None, cues::WordCues::default(), id);
        };
        let word = |i: usize| format!("w{i:x}");
        let mut cache = WordCache::default();
        for i in 0..STEM_CACHE_WORDS {
            entry(&mut cache, &word(i), i as u32);
        }
        assert_eq!(cache.len(), STEM_CACHE_WORDS);
        assert!(4 * cache.short.len <= 3 * cache.short.slots.len());
        for i in (0..STEM_CACHE_WORDS).step_by(97) {
            assert_eq!(cache.get(&word(i)).map(|e| e.id), Some(i as u32));
        }
        assert!(cache.get(&word(STEM_CACHE_WORDS)).is_none());
        // One more word: the cache starts afresh with it.
        entry(&mut cache, &word(STEM_CACHE_WORDS), 7);
        assert_eq!(cache.len(), 1);
        assert!(cache.get(&word(0)).is_none());
        assert_eq!(cache.get(&word(STEM_CACHE_WORDS)).map(|e| e.id), Some(7));
    }
}
