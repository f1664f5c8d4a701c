//! Vocabulary and TF-IDF: which n-grams become features, and their weights.
//!
//! The vocabulary is built from training documents only: n-grams seen in at least
//! `min_df` documents, at most `max_features` of them (the most frequent by document
//! frequency, ties broken alphabetically), stored in sorted order so that a model file
//! is stable. The idf is the smoothed `ln((1 + n) / (1 + df)) + 1`.

use rustc_hash::{FxHashMap, FxHashSet};

/// Counts document frequencies over training documents.
#[derive(Debug, Default)]
pub struct VocabBuilder {
    df: FxHashMap<String, u32>,
    docs: u32,
    seen: FxHashSet<String>,
}

impl VocabBuilder {
    /// A builder with no documents yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Count one document, given as its n-grams (repeats are counted once).
    pub fn add_document<'a>(&mut self, ngrams: impl IntoIterator<Item = &'a str>) {
        self.docs += 1;
        self.seen.clear();
        for g in ngrams {
            if !self.seen.contains(g) {
                self.seen.insert(g.to_string());
                *self.df.entry(g.to_string()).or_insert(0) += 1;
            }
        }
    }

    /// Select the vocabulary: document frequency at least `min_df`, at most
    /// `max_features` terms (0 means no cap).
    pub fn build(self, min_df: u32, max_features: usize) -> Vocabulary {
        let counted: Vec<(&str, u32)> = self.df.iter().map(|(t, &df)| (t.as_str(), df)).collect();
        select(counted, self.docs, min_df, max_features).0
    }
}

/// The vocabulary of `docs` documents from each n-gram's document frequency (in any
/// order): the rule of [`VocabBuilder::build`]. Also returns, for each position of
/// `counted`, its feature index (`u32::MAX`: not kept).
pub fn select(
    counted: Vec<(&str, u32)>,
    docs: u32,
    min_df: u32,
    max_features: usize,
) -> (Vocabulary, Vec<u32>) {
    let mut column = vec![u32::MAX; counted.len()];
    let mut kept: Vec<(usize, &str, u32)> = counted
        .into_iter()
        .enumerate()
        .filter(|(_, (_, df))| *df >= min_df.max(1))
        .map(|(i, (t, df))| (i, t, df))
        .collect();
    kept.sort_unstable_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(b.1)));
    if max_features > 0 {
        kept.truncate(max_features);
    }
    kept.sort_unstable_by(|a, b| a.1.cmp(b.1));
    let n = f64::from(docs);
    let idf = kept
        .iter()
        .map(|(_, _, df)| ((1.0 + n) / (1.0 + f64::from(*df))).ln() + 1.0)
        .collect();
    for (j, (i, _, _)) in kept.iter().enumerate() {
        column[*i] = j as u32;
    }
    let terms = kept.into_iter().map(|(_, t, _)| t.to_string()).collect();
    (Vocabulary::new(terms, idf), column)
}

/// The selected terms, their idf, and a lookup table.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    terms: Vec<String>,
    idf: Vec<f64>,
    index: TermIndex,
}

impl Vocabulary {
    /// A vocabulary from terms (in feature order) and their idf; the caller checks lengths.
    pub fn new(terms: Vec<String>, idf: Vec<f64>) -> Self {
        let index = TermIndex::new(&terms);
        Vocabulary { terms, idf, index }
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// True when there are no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The terms in feature order.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// The idf of each term, in feature order.
    pub fn idf(&self) -> &[f64] {
        &self.idf
    }

    /// The feature index of `term`, if it is in the vocabulary.
    pub fn get(&self, term: &str) -> Option<u32> {
        self.index
            .get(term, |i| self.terms.get(i).map(String::as_str))
    }

    /// Turn raw term counts (feature index, count) into an L2-normalised TF-IDF row,
    /// sorted by feature index. With `sublinear`, tf is `1 + ln(count)`.
    pub fn tfidf(&self, counts: &mut Vec<(u32, f64)>, sublinear: bool) {
        counts.sort_unstable_by_key(|&(i, _)| i);
        // merge repeats of the same index
        let mut w = 0;
        for r in 0..counts.len() {
            if w > 0 && counts[w - 1].0 == counts[r].0 {
                counts[w - 1].1 += counts[r].1;
            } else {
                counts[w] = counts[r];
                w += 1;
            }
        }
        counts.truncate(w);
        self.tfidf_merged(counts, sublinear);
    }

    /// [`Vocabulary::tfidf`] for counts already sorted by feature index with no index
    /// repeated.
    pub fn tfidf_merged(&self, counts: &mut [(u32, f64)], sublinear: bool) {
        debug_assert!(counts.windows(2).all(|w| w[0].0 < w[1].0));
        let mut norm = 0.0;
        for (i, v) in counts.iter_mut() {
            // ln(1) is exactly 0: most terms occur once, so skip the logarithm.
            let tf = if sublinear && *v != 1.0 {
                1.0 + v.ln()
            } else {
                *v
            };
            *v = tf * self.idf.get(*i as usize).copied().unwrap_or(0.0);
            norm += *v * *v;
        }
        if norm > 0.0 {
            let norm = norm.sqrt();
            for (_, v) in counts.iter_mut() {
                *v /= norm;
            }
        }
    }
}

/// A hash index over a list of strings that holds no copy of them: an open-addressing
/// table of (hash, position) pairs, at most half full. A model's vocabulary of a million
/// terms costs 16 MiB here, where a map from owned strings took about 80 bytes a term.
#[derive(Debug, Clone)]
struct TermIndex {
    /// The upper 32 bits of an entry's hash, then its position + 1; 0 is an empty slot.
    slots: Vec<u64>,
}

/// The hash of a string for [`TermIndex`].
fn term_hash(s: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(s)
}

impl TermIndex {
    /// An index of `strings` by position; a repeated string is found at its first
    /// position.
    fn new<S: AsRef<str>>(strings: &[S]) -> TermIndex {
        let size = (strings.len() * 2).next_power_of_two().max(8);
        let mut slots = vec![0u64; size];
        let mask = size - 1;
        for (i, s) in strings.iter().enumerate() {
            let s = s.as_ref();
            let hash = term_hash(s);
            let tag = hash >> 32;
            let mut slot = hash as usize & mask;
            loop {
                let entry = slots[slot];
                if entry == 0 {
                    slots[slot] = tag << 32 | (i as u64 + 1);
                    break;
                }
                let seen = (entry & 0xFFFF_FFFF) as usize - 1;
                if entry >> 32 == tag && strings.get(seen).map(|x| x.as_ref()) == Some(s) {
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        TermIndex { slots }
    }

    /// The position of `s`, where `string(i)` is the string at position `i`.
    fn get<'a>(&self, s: &str, string: impl Fn(usize) -> Option<&'a str>) -> Option<u32> {
        let hash = term_hash(s);
        let tag = hash >> 32;
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let entry = self.slots[slot];
            if entry == 0 {
                return None;
            }
            if entry >> 32 == tag {
                let position = (entry & 0xFFFF_FFFF) as usize - 1;
                if string(position) == Some(s) {
                    return Some(position as u32);
                }
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// Vocabulary look-up by word ids, for models whose n-grams are at most bigrams:
/// one hash of each term, then bigrams by a pair of integers, with no n-gram strings
/// built. Gives exactly the features of the string look-up (tested).
#[derive(Debug)]
pub struct WordIds {
    /// Every word that occurs in a vocabulary term → its word id.
    words: FxHashMap<Box<str>, u32>,
    /// Feature index of each word id as a unigram (`u32::MAX`: not a feature).
    unigram: Vec<u32>,
    /// (first word id, second word id) → feature index.
    bigram: FxHashMap<u64, u32>,
    /// A bit per hashed word pair, set for every pair in `bigram`: most pairs of a
    /// sentence are in no vocabulary term, and one bit in an 8 KiB table (small enough
    /// to stay in the processor's nearest caches) rules them out without a look-up.
    bigram_bits: Vec<u64>,
    unigrams_on: bool,
}

/// Bits in [`WordIds`]'s pair filter (8 KiB).
const PAIR_BITS: usize = 1 << 16;

/// The filter bit of a word pair.
fn pair_bit(pair: u64) -> usize {
    (pair.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48) as usize
}

#[cfg(test)]
impl WordIds {
    pub(crate) fn unigrams_on(&self) -> bool {
        self.unigrams_on
    }
}

impl WordIds {
    /// The look-up for `vocab` of a model with n-grams `ngram_min..=ngram_max`;
    /// `None` when the model has n-grams longer than bigrams.
    pub fn new(vocab: &Vocabulary, ngram_min: usize, ngram_max: usize) -> Option<Self> {
        if ngram_max > 2 {
            return None;
        }
        let mut words: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut unigram = Vec::new();
        // A word is copied once, when first met: most words of a large vocabulary's
        // terms are met many times.
        let mut id_of = |w: &str, unigram: &mut Vec<u32>| -> u32 {
            if let Some(&id) = words.get(w) {
                return id;
            }
            let id = words.len() as u32;
            words.insert(w.into(), id);
            unigram.push(u32::MAX);
            id
        };
        let mut bigram = FxHashMap::default();
        bigram.reserve(vocab.terms().iter().filter(|t| t.contains(' ')).count());
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
        let mut bigram_bits = vec![0u64; PAIR_BITS / 64];
        for &pair in bigram.keys() {
            let b = pair_bit(pair);
            bigram_bits[b / 64] |= 1 << (b % 64);
        }
        Some(WordIds {
            words,
            unigram,
            bigram,
            bigram_bits,
            unigrams_on: ngram_min <= 1,
        })
    }

    /// The word id of a term (`u32::MAX` when no vocabulary term contains it).
    pub fn word_id(&self, term: &str) -> u32 {
        self.words.get(term).copied().unwrap_or(u32::MAX)
    }

    /// Push (feature, 1.0) for every unigram and bigram of the word ids in the vocabulary.
    pub fn features(&self, ids: &[u32], row: &mut Vec<u32>) {
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
                    let pair = u64::from(id) << 32 | u64::from(next);
                    let b = pair_bit(pair);
                    if self.bigram_bits[b / 64] & (1 << (b % 64)) != 0 {
                        if let Some(&f) = self.bigram.get(&pair) {
                            row.push(f);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(docs: &[&[&str]], min_df: u32, cap: usize) -> Vocabulary {
        let mut b = VocabBuilder::new();
        for d in docs {
            b.add_document(d.iter().copied());
        }
        b.build(min_df, cap)
    }

    #[test]
    fn min_df_cap_and_sorted_order() {
        let v = vocab(&[&["b", "a", "a"], &["b", "c"], &["b", "a", "d"]], 2, 0);
        assert_eq!(v.terms(), ["a", "b"]);
        // idf = ln(4/3)+1 for a (df 2), ln(4/4)+1 for b (df 3)
        assert!((v.idf()[0] - ((4.0f64 / 3.0).ln() + 1.0)).abs() < 1e-12);
        assert!((v.idf()[1] - 1.0).abs() < 1e-12);
        let capped = vocab(&[&["b", "a"], &["b", "c"], &["b", "a"]], 1, 1);
        assert_eq!(capped.terms(), ["b"]);
    }

    #[test]
    fn cap_breaks_ties_alphabetically() {
        let v = vocab(&[&["z", "y", "x"]], 1, 2);
        assert_eq!(v.terms(), ["x", "y"]);
    }

    proptest::proptest! {
        /// The index finds every string at its first position, and nothing else, for
        /// any list (repeats, empty strings and strings that share prefixes included).
        #[test]
        fn term_index_finds_first_positions_and_nothing_else(
            strings in proptest::collection::vec("[ab ]{0,4}|[a-zé中]{0,12}", 0..200),
            others in proptest::collection::vec("[a-c ]{0,5}", 0..50),
        ) {
            let index = TermIndex::new(&strings);
            let at = |i: usize| strings.get(i).map(String::as_str);
            for s in strings.iter().chain(&others) {
                let first = strings.iter().position(|t| t == s).map(|i| i as u32);
                proptest::prop_assert_eq!(index.get(s, at), first);
            }
        }
    }

    #[test]
    fn tfidf_merges_and_normalises() {
        let v = Vocabulary::new(vec!["a".into(), "b".into()], vec![1.0, 2.0]);
        let mut row = vec![(1, 1.0), (0, 1.0), (1, 1.0)];
        v.tfidf(&mut row, false);
        // a: 1*1, b: 2*2 -> normalised by sqrt(17)
        let n = 17f64.sqrt();
        assert_eq!(row.len(), 2);
        assert!((row[0].1 - 1.0 / n).abs() < 1e-12);
        assert!((row[1].1 - 4.0 / n).abs() < 1e-12);
        let mut empty = Vec::new();
        v.tfidf(&mut empty, true);
        assert!(empty.is_empty());
    }
}
