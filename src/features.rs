//! Featurisation: the whole text pipeline for one sentence, from raw text to a sparse row.
//!
//! normalise → tokenise → stem → n-grams → TF-IDF over the vocabulary, plus the cue
//! features standardised with training means and deviations and multiplied by
//! `cue_scale`. Columns `0..V` are the vocabulary's terms, `V..V+C` the enabled cues.

use crate::cues::{self, CueGroup, CUES, N_CUES};
use crate::ngrams::for_each_ngram;
use crate::normalize::normalize_into;
use crate::stem::{Language, Stemmer};
use crate::tokenize::{tokenize_into, Token, TokenKind};
use crate::vocab::Vocabulary;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Every setting needed to rebuild the features of a trained model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSettings {
    /// Stemming language. Default: `en`.
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
    /// Enabled cue groups, in feature order. Default: all (English only).
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

/// A sentence's features before scaling: term counts and raw cue values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawFeatures {
    /// (term index, TF-IDF value), sorted by index, L2-normalised.
    pub terms: Vec<(u32, f64)>,
    /// All [`N_CUES`] raw cue values (disabled ones included; callers pick).
    pub cues: Vec<f64>,
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
    words_owner: u64,
    word_cues: Vec<cues::WordCues>,
    ids: Vec<u32>,
    found: Vec<u32>,
    token_buf: Vec<Token<'static>>,
    lower_buf: Vec<&'static str>,
}

/// Most distinct words whose stems a [`Scratch`] remembers before it starts afresh.
const STEM_CACHE_WORDS: usize = 1 << 16;

/// What the pipeline knows about one word once it has seen it.
#[derive(Debug)]
struct CachedWord {
    stem: Box<str>,
    cues: cues::WordCues,
    /// Word id in the model's [`IdLookup`] (`u32::MAX`: none).
    id: u32,
}

/// Each word's stem, cue information and vocabulary id, keyed by its lowercase form.
/// Words of up to 15 bytes (nearly all) are keyed by their bytes and length packed in
/// a `u128`, so a hit costs one integer hash and one bucket read, with no string
/// comparison through a pointer; longer words are keyed by the string.
#[derive(Debug, Default)]
struct WordCache {
    short: FxHashMap<u128, CachedWord>,
    long: FxHashMap<Box<str>, CachedWord>,
}

impl WordCache {
    fn pack(word: &str) -> Option<u128> {
        let b = word.as_bytes();
        if b.len() > 15 {
            return None;
        }
        let mut key = [0u8; 16];
        key[..b.len()].copy_from_slice(b);
        key[15] = b.len() as u8;
        Some(u128::from_le_bytes(key))
    }

    fn get(&self, word: &str) -> Option<&CachedWord> {
        match Self::pack(word) {
            Some(k) => self.short.get(&k),
            None => self.long.get(word),
        }
    }

    fn insert(&mut self, word: &str, entry: CachedWord) {
        if self.len() >= STEM_CACHE_WORDS {
            self.clear();
        }
        match Self::pack(word) {
            Some(k) => self.short.insert(k, entry),
            None => self.long.insert(word.into(), entry),
        };
    }

    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }
}

/// Runs the text pipeline up to the n-grams, for any consumer of n-grams.
#[derive(Debug)]
pub struct Analyzer {
    settings: FeatureSettings,
    stemmer: Stemmer,
}

impl Analyzer {
    /// An analyzer for `settings`.
    pub fn new(settings: FeatureSettings) -> Self {
        let stemmer = Stemmer::new(settings.language);
        Analyzer { settings, stemmer }
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

    /// Run the pipeline up to the terms, which are left in `scratch`; fill `cues_out`.
    /// With `ids`, leave each term's word id in `scratch.ids` (cached per word)
    /// instead of the terms' text.
    fn prepare(
        &self,
        text: &str,
        scratch: &mut Scratch,
        cues_out: Option<&mut [f64; N_CUES]>,
        ids: Option<(&IdLookup, u64)>,
    ) {
        // The word cache holds word ids of one featurizer at a time.
        let owner = ids.map_or(0, |(_, uid)| uid);
        if scratch.words_owner != owner {
            scratch.words.clear();
            scratch.words_owner = owner;
        }
        scratch.ids.clear();
        normalize_into(text, &mut scratch.norm);
        let mut tokens = recycle_tokens(std::mem::take(&mut scratch.token_buf));
        tokenize_into(&scratch.norm, &mut tokens);
        scratch.lower.clear();
        scratch.lower_ends.clear();
        scratch.terms.clear();
        scratch.term_ends.clear();
        for tok in &tokens {
            if tok.kind == TokenKind::Word && tok.text.is_ascii() {
                let from = scratch.lower.len();
                scratch.lower.push_str(tok.text);
                scratch.lower[from..].make_ascii_lowercase();
            } else if tok.kind == TokenKind::Word {
                scratch
                    .lower
                    .extend(tok.text.chars().flat_map(char::to_lowercase));
            } else {
                scratch.lower.push_str(tok.text);
            }
            scratch.lower_ends.push(scratch.lower.len());
        }
        let mut lower = recycle_strs(std::mem::take(&mut scratch.lower_buf));
        lower.extend(spans(&scratch.lower, &scratch.lower_ends));
        scratch.word_cues.clear();
        let english = self.settings.language == Language::English;
        for (tok, lw) in tokens.iter().zip(&lower) {
            if tok.kind == TokenKind::Word {
                // Stemming and lexicon look-ups dominate featurisation time: remember
                // each word's stem and cue information.
                if let Some(w) = scratch.words.get(lw) {
                    if ids.is_none() {
                        scratch.terms.push_str(&w.stem);
                    }
                    scratch.word_cues.push(w.cues);
                    scratch.ids.push(w.id);
                } else {
                    self.stemmer
                        .term_of_lower(tok.kind, tok.text, lw, &mut scratch.stem_buf);
                    let wc = if english {
                        cues::word_cues(lw, &scratch.stem_buf)
                    } else {
                        cues::WordCues::default()
                    };
                    let id = ids.map_or(u32::MAX, |(l, _)| l.word_id(&scratch.stem_buf));
                    let entry = CachedWord {
                        stem: scratch.stem_buf.as_str().into(),
                        cues: wc,
                        id,
                    };
                    scratch.words.insert(lw, entry);
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
            cues::compute(&tokens, &lower, &scratch.word_cues, out);
        }
        scratch.token_buf = recycle_tokens(tokens);
        scratch.lower_buf = recycle_strs(lower);
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

/// Vocabulary look-up by word ids, for models whose n-grams are at most bigrams:
/// one hash of each term, then bigrams by a pair of integers, with no n-gram strings
/// built. Gives exactly the features of the string look-up (tested).
#[derive(Debug)]
struct IdLookup {
    /// Every word that occurs in a vocabulary term → its word id.
    words: FxHashMap<Box<str>, u32>,
    /// Feature index of each word id as a unigram (`u32::MAX`: not a feature).
    unigram: Vec<u32>,
    /// (first word id, second word id) → feature index.
    bigram: FxHashMap<u64, u32>,
    unigrams_on: bool,
}

impl IdLookup {
    fn new(settings: &FeatureSettings, vocab: &Vocabulary) -> Option<Self> {
        if settings.ngram_max > 2 {
            return None;
        }
        let mut words: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut unigram = Vec::new();
        let mut id_of = |w: &str, unigram: &mut Vec<u32>| -> u32 {
            let next = words.len() as u32;
            *words.entry(w.into()).or_insert_with(|| {
                unigram.push(u32::MAX);
                next
            })
        };
        let mut bigram = FxHashMap::default();
        for (f, term) in vocab.terms().iter().enumerate() {
            let mut parts = term.split(' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(a), None, _) => {
                    let id = id_of(a, &mut unigram);
                    unigram[id as usize] = f as u32;
                }
                (Some(a), Some(b), None) => {
                    let (ia, ib) = (id_of(a, &mut unigram), id_of(b, &mut unigram));
                    bigram.insert(u64::from(ia) << 32 | u64::from(ib), f as u32);
                }
                _ => return None,
            }
        }
        Some(IdLookup {
            words,
            unigram,
            bigram,
            unigrams_on: settings.ngram_min <= 1,
        })
    }

    /// The word id of a term (`u32::MAX` when no vocabulary term contains it).
    fn word_id(&self, term: &str) -> u32 {
        self.words.get(term).copied().unwrap_or(u32::MAX)
    }

    /// Push (feature, 1.0) for every unigram and bigram of the word ids in the vocabulary.
    fn features(&self, ids: &[u32], row: &mut Vec<u32>) {
        for (i, &id) in ids.iter().enumerate() {
            if id == u32::MAX {
                continue;
            }
            if self.unigrams_on {
                if let Some(&f) = self.unigram.get(id as usize) {
                    if f != u32::MAX {
                        row.push(f);
                    }
                }
            }
            if let Some(&next) = ids.get(i + 1) {
                if next != u32::MAX {
                    if let Some(&f) = self.bigram.get(&(u64::from(id) << 32 | u64::from(next))) {
                        row.push(f);
                    }
                }
            }
        }
    }
}

fn spans<'a>(arena: &'a str, ends: &'a [usize]) -> impl Iterator<Item = &'a str> + 'a {
    let mut start = 0;
    ends.iter().map(move |&end| {
        let s = arena.get(start..end).unwrap_or("");
        start = end;
        s
    })
}

/// The fitted feature extractor of a model: analyzer, vocabulary and cue scaling.
#[derive(Debug)]
pub struct Featurizer {
    analyzer: Analyzer,
    ids: Option<IdLookup>,
    /// Unique per featurizer, so a [`Scratch`] knows whose word ids it caches.
    uid: u64,
    vocab: Vocabulary,
    cue_index: Vec<usize>,
    cue_mean: Vec<f64>,
    cue_scale: Vec<f64>,
}

impl Featurizer {
    /// A featurizer from its parts. `cue_mean` and `cue_scale` have one entry per
    /// enabled cue; `cue_scale` already includes the settings' `cue_scale` factor.
    pub fn new(
        settings: FeatureSettings,
        vocab: Vocabulary,
        cue_mean: Vec<f64>,
        cue_scale: Vec<f64>,
    ) -> Self {
        let cue_index = settings.cue_indices();
        static NEXT_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Featurizer {
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            ids: IdLookup::new(&settings, &vocab),
            analyzer: Analyzer::new(settings),
            vocab,
            cue_index,
            cue_mean,
            cue_scale,
        }
    }

    /// The settings.
    pub fn settings(&self) -> &FeatureSettings {
        self.analyzer.settings()
    }

    /// The vocabulary.
    pub fn vocab(&self) -> &Vocabulary {
        &self.vocab
    }

    /// Number of columns: terms plus enabled cues.
    pub fn n_features(&self) -> usize {
        self.vocab.len() + self.cue_index.len()
    }

    /// The enabled cues' indices into [`CUES`].
    pub fn cue_indices(&self) -> &[usize] {
        &self.cue_index
    }

    /// The enabled cues' training means.
    pub fn cue_mean(&self) -> &[f64] {
        &self.cue_mean
    }

    /// The enabled cues' multipliers (factor / training standard deviation).
    pub fn cue_scale(&self) -> &[f64] {
        &self.cue_scale
    }

    /// The name of column `j`: the term, or `cue:NAME`.
    pub fn feature_name(&self, j: usize) -> String {
        match self.vocab.terms().get(j) {
            Some(t) => t.clone(),
            None => self
                .cue_index
                .get(j - self.vocab.len())
                .map(|&c| format!("cue:{}", CUES[c].name))
                .unwrap_or_default(),
        }
    }

    /// Featurise one sentence into `row` (cleared first): sparse (column, value)
    /// pairs, term columns sorted first, then the enabled cue columns.
    pub fn row_into(&self, text: &str, scratch: &mut Scratch, row: &mut Vec<(u32, f64)>) {
        row.clear();
        let mut raw = [0.0; N_CUES];
        let want_cues = !self.cue_index.is_empty();
        let vocab = &self.vocab;
        match &self.ids {
            Some(ids) => {
                self.analyzer.prepare(
                    text,
                    scratch,
                    want_cues.then_some(&mut raw),
                    Some((ids, self.uid)),
                );
                // Feature ids sorted and counted here, so that `tfidf` need not sort.
                let found = &mut scratch.found;
                found.clear();
                ids.features(&scratch.ids, found);
                found.sort_unstable();
                for &f in found.iter() {
                    match row.last_mut() {
                        Some((last, count)) if *last == f => *count += 1.0,
                        _ => row.push((f, 1.0)),
                    }
                }
                vocab.tfidf_merged(row, self.settings().sublinear_tf);
            }
            None => {
                self.analyzer
                    .analyze(text, scratch, want_cues.then_some(&mut raw), |g| {
                        if let Some(i) = vocab.get(g) {
                            row.push((i, 1.0));
                        }
                    });
                vocab.tfidf(row, self.settings().sublinear_tf);
            }
        }
        let base = self.vocab.len() as u32;
        for (k, &c) in self.cue_index.iter().enumerate() {
            let v = (raw[c] - self.cue_mean[k]) * self.cue_scale[k];
            row.push((base + k as u32, v));
        }
    }
}

impl Stemmer {
    /// The term for a token whose lowercase form is already known.
    pub(crate) fn term_of_lower(&self, kind: TokenKind, text: &str, lower: &str, out: &mut String) {
        out.clear();
        match kind {
            TokenKind::Number => out.push_str(crate::stem::NUMBER_TERM),
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

    #[test]
    fn id_lookup_gives_the_string_lookup_features() {
        let settings = FeatureSettings::default();
        let a = Analyzer::new(settings.clone());
        let texts = [
            "\u{201C}We can talk to them,\u{201D} he said on Sept. 20, 2017!",
            "Unfortunately, there's none to be had. Is it? Yes it is, it is.",
            // words over 15 bytes (the word cache's string path), non-ASCII words
            "Counterrevolutionaries decried internationalization; Zürich café owners said the café's counterrevolutionaries left.",
            "Prices rose 3.5 percent; officials said the rise was temporary.",
        ];
        let mut b = crate::vocab::VocabBuilder::new();
        let mut scratch = Scratch::default();
        for t in &texts[..3] {
            let mut grams = Vec::new();
            a.analyze(t, &mut scratch, None, |g| grams.push(g.to_string()));
            b.add_document(grams.iter().map(String::as_str));
        }
        let vocab = b.build(1, 0);
        let fast = Featurizer::new(
            settings.clone(),
            vocab.clone(),
            vec![0.0; N_CUES],
            vec![1.0; N_CUES],
        );
        assert!(fast.ids.is_some());
        let mut slow = Featurizer::new(settings, vocab, vec![0.0; N_CUES], vec![1.0; N_CUES]);
        slow.ids = None;
        // One scratch shared by both featurizers and the analyzer, as in training: the
        // word cache must not hand one featurizer's word ids to another.
        let other = Featurizer::new(
            FeatureSettings::default(),
            Vocabulary::new(vec!["zzz".into()], vec![1.0]),
            vec![0.0; N_CUES],
            vec![1.0; N_CUES],
        );
        let mut shared = Scratch::default();
        for round in 0..2 {
            for t in texts {
                let (mut r1, mut r2, mut r3) = (Vec::new(), Vec::new(), Vec::new());
                fast.row_into(t, &mut shared, &mut r1);
                slow.row_into(t, &mut Scratch::default(), &mut r2);
                assert_eq!(r1, r2, "round {round}: {t}");
                other.row_into(t, &mut shared, &mut r3);
                a.analyze(t, &mut shared, None, |_| {});
                fast.row_into(t, &mut shared, &mut r1);
                assert_eq!(r1, r2, "round {round} after sharing: {t}");
            }
        }
        for min in [1, 2] {
            let s = FeatureSettings {
                ngram_min: min,
                ngram_max: 2,
                ..Default::default()
            };
            assert_eq!(
                IdLookup::new(&s, &fast.vocab).map(|l| l.unigrams_on),
                Some(min == 1)
            );
        }
        let tri = FeatureSettings {
            ngram_max: 3,
            ..Default::default()
        };
        assert!(IdLookup::new(&tri, &fast.vocab).is_none());
    }

    #[test]
    fn word_cache_keys_short_and_long_words_apart() {
        let entry = |id| CachedWord {
            stem: "x".into(),
            cues: cues::WordCues::default(),
            id,
        };
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
        for (i, w) in words.iter().enumerate() {
            cache.insert(w, entry(i as u32));
        }
        assert_eq!(cache.short.len(), 5);
        assert_eq!(cache.long.len(), 2);
        for (i, w) in words.iter().enumerate() {
            assert_eq!(cache.get(w).map(|e| e.id), Some(i as u32), "{w}");
        }
        // same bytes, different lengths: different keys
        assert!(cache.get("a\0").is_none());
        assert!(cache.get("fifteen-bytes-").is_none());
        assert_ne!(WordCache::pack("a"), WordCache::pack("a\0"));
    }

    #[test]
    fn row_has_sorted_terms_then_cues() {
        let s = FeatureSettings {
            cue_groups: vec![CueGroup::Punctuation],
            ..Default::default()
        };
        let vocab = Vocabulary::new(vec!["?".into(), "talk".into()], vec![1.0, 1.0]);
        let f = Featurizer::new(s, vocab, vec![0.5, 0.0], vec![2.0, 1.0]);
        assert_eq!(f.n_features(), 4);
        let mut row = Vec::new();
        f.row_into("Talk talk?", &mut Scratch::default(), &mut row);
        assert_eq!(row.len(), 4);
        assert_eq!(row[0].0, 0);
        assert_eq!(row[1].0, 1);
        // question cue: (1 - 0.5) * 2; exclamation: (0 - 0) * 1
        assert_eq!(row[2], (2, 1.0));
        assert_eq!(row[3], (3, 0.0));
        assert_eq!(f.feature_name(2), "cue:punctuation.question");
        assert_eq!(f.feature_name(1), "talk");
    }
}
