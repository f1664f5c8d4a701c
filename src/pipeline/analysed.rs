//! Every training sentence analysed once for all the fits of a training run.
//!
//! Choosing the threshold fits one model per fold and then the final one, each with its
//! own vocabulary, idf and cue standardisation. What depends only on the sentence is
//! the same in every fit: its n-grams and their counts, and its raw cue values. They
//! are computed here once; each fit then selects its vocabulary from document
//! frequencies over its own rows and builds its feature rows from the counted n-gram
//! ids, with exactly the numbers [`crate::model::blocks::Featurizer::row_into`] gives
//! (`train::tests::shared_rows_equal_the_featurizer_rows`).

use crate::data::Record;
use crate::pipeline::analyzer::{Analyzer, FeatureSettings, Scratch};
use crate::pipeline::cues::N_CUES;
use crate::pipeline::vocab::{select, Vocabulary};
use rustc_hash::FxHashMap;

/// The analysed sentences.
pub(crate) struct Analysed {
    /// Each distinct n-gram, by id.
    grams: Vec<Box<str>>,
    /// Sentence `i`'s (n-gram id, count) pairs are `pairs[starts[i]..starts[i + 1]]`,
    /// by id.
    starts: Vec<usize>,
    pairs: Vec<(u32, u32)>,
    /// Raw cue values per sentence.
    cues: Vec<[f64; N_CUES]>,
}

impl Analysed {
    /// Analyse `records` with `features`.
    pub(crate) fn new(features: &FeatureSettings, records: &[&Record]) -> Analysed {
        let analyzer = Analyzer::new(features.clone());
        let mut scratch = Scratch::default();
        // Each n-gram's text is held once: by the map while analysing, then by `grams`.
        let mut id_of: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut a = Analysed {
            grams: Vec::new(),
            starts: vec![0],
            pairs: Vec::new(),
            cues: Vec::with_capacity(records.len()),
        };
        let mut ids: Vec<u32> = Vec::new();
        for r in records {
            let mut c = [0.0; N_CUES];
            ids.clear();
            analyzer.analyze(&r.text, &mut scratch, Some(&mut c), |g| {
                let id = match id_of.get(g) {
                    Some(&id) => id,
                    None => {
                        let id = id_of.len() as u32;
                        id_of.insert(g.into(), id);
                        id
                    }
                };
                ids.push(id);
            });
            ids.sort_unstable();
            for &id in &ids {
                match a.pairs[*a.starts.last().expect("starts at 0")..].last_mut() {
                    Some((last, count)) if *last == id => *count += 1,
                    _ => a.pairs.push((id, 1)),
                }
            }
            a.starts.push(a.pairs.len());
            a.cues.push(c);
        }
        let mut grams: Vec<(u32, Box<str>)> = id_of.into_iter().map(|(g, id)| (id, g)).collect();
        grams.sort_unstable_by_key(|&(id, _)| id);
        a.grams = grams.into_iter().map(|(_, g)| g).collect();
        a.pairs.shrink_to_fit();
        a
    }

    /// At most how many TF-IDF values the sentences `rows` have.
    pub(crate) fn max_terms(&self, rows: &[usize]) -> usize {
        rows.iter()
            .map(|&i| self.starts[i + 1] - self.starts[i])
            .sum()
    }

    fn counts(&self, i: usize) -> &[(u32, u32)] {
        &self.pairs[self.starts[i]..self.starts[i + 1]]
    }

    /// Sentence `i`'s raw cue values.
    pub(crate) fn cues(&self, i: usize) -> &[f64; N_CUES] {
        &self.cues[i]
    }

    /// In how many of the sentences `rows` each n-gram id occurs.
    fn document_frequencies(&self, rows: &[usize]) -> Vec<u32> {
        let mut df = vec![0u32; self.grams.len()];
        for &i in rows {
            for &(id, _) in self.counts(i) {
                df[id as usize] += 1;
            }
        }
        df
    }

    /// The vocabulary of the sentences `rows` (the rule of
    /// [`crate::pipeline::vocab::VocabBuilder::build`]) and each n-gram id's column in
    /// it (`u32::MAX`: not kept).
    pub(crate) fn vocabulary(
        &self,
        rows: &[usize],
        min_df: u32,
        max_features: usize,
    ) -> (Vocabulary, Vec<u32>) {
        let df = self.document_frequencies(rows);
        // Only n-grams that can be kept (most of a large set's n-grams occur once).
        let present: Vec<u32> = (0..df.len() as u32)
            .filter(|&g| df[g as usize] >= min_df.max(1))
            .collect();
        let counted = present
            .iter()
            .map(|&g| (&*self.grams[g as usize], df[g as usize]))
            .collect();
        let (vocab, kept) = select(counted, rows.len() as u32, min_df, max_features);
        let mut column = vec![u32::MAX; self.grams.len()];
        for (&g, &c) in present.iter().zip(&kept) {
            column[g as usize] = c;
        }
        (vocab, column)
    }

    /// How many terms [`Analysed::vocabulary`] would keep for `rows`.
    pub(crate) fn vocabulary_size(
        &self,
        rows: &[usize],
        min_df: u32,
        max_features: usize,
    ) -> usize {
        let df = self.document_frequencies(rows);
        let kept = df.iter().filter(|&&d| d >= min_df.max(1)).count();
        if max_features > 0 {
            kept.min(max_features)
        } else {
            kept
        }
    }

    /// Append sentence `i`'s TF-IDF columns (from column 0) over `vocab`, whose
    /// columns by n-gram id are `column`.
    pub(crate) fn tfidf_into(
        &self,
        i: usize,
        vocab: &Vocabulary,
        column: &[u32],
        sublinear: bool,
        row: &mut Vec<(u32, f64)>,
    ) {
        let from = row.len();
        for &(id, count) in self.counts(i) {
            let c = column[id as usize];
            if c != u32::MAX {
                row.push((c, f64::from(count)));
            }
        }
        row[from..].sort_unstable_by_key(|&(c, _)| c);
        vocab.tfidf_merged(&mut row[from..], sublinear);
    }
}
