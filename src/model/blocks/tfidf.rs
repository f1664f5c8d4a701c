//! The TF-IDF block: word n-grams of the sentence's terms, looked up in the
//! vocabulary, weighted by tf × idf and L2-normalised. One column per vocabulary term,
//! named by the term.
//!
//! Models with n-grams of at most two words look terms up by word id ([`WordIds`]),
//! with no n-gram strings built; longer n-grams go through the strings. Both give the
//! same features (tested).

use super::{BlockFit, FeatureBlock, TrainingSet, WrittenGrams};
use crate::error::{Error, Result};
use crate::limits::MAX_MODEL_NUMBER;
use crate::model::file::{BlockKind, ModelFile};
use crate::pipeline::analyzer::Analysis;
use crate::pipeline::vocab::{Vocabulary, WordIds};
use std::path::Path;

/// The fitted TF-IDF block.
#[derive(Debug)]
pub struct TfidfBlock {
    vocab: Vocabulary,
    ids: Option<WordIds>,
    sublinear_tf: bool,
}

impl TfidfBlock {
    /// A block over `vocab`, for n-grams `ngram_min..=ngram_max`.
    pub fn new(vocab: Vocabulary, ngram_min: usize, ngram_max: usize, sublinear_tf: bool) -> Self {
        TfidfBlock {
            ids: WordIds::new(&vocab, ngram_min, ngram_max),
            vocab,
            sublinear_tf,
        }
    }

    /// Read and check the block from a model file: the block and its weights.
    pub fn load<'f>(file: &'f ModelFile, path: &Path) -> Result<(Self, &'f [f64])> {
        let v = file.vocabulary.len();
        if file.idf.len() != v || file.term_weights.len() != v {
            return Err(Error::model(
                path,
                format!(
                    "vocabulary has {v} terms but idf has {} and term_weights {}",
                    file.idf.len(),
                    file.term_weights.len()
                ),
            ));
        }
        if file.vocabulary.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::model(path, "vocabulary is not sorted and unique"));
        }
        if file
            .idf
            .iter()
            .chain(&file.term_weights)
            .any(|x| !x.is_finite())
        {
            return Err(Error::model(path, "a number is not finite"));
        }
        if file
            .idf
            .iter()
            .chain(&file.term_weights)
            .any(|x| x.abs() > MAX_MODEL_NUMBER)
        {
            return Err(Error::model(
                path,
                format!("a term number is larger than {MAX_MODEL_NUMBER:e} in magnitude"),
            ));
        }
        let f = &file.features;
        let vocab = Vocabulary::new(file.vocabulary.clone(), file.idf.clone());
        let block = TfidfBlock::new(vocab, f.ngram_min, f.ngram_max, f.sublinear_tf);
        Ok((block, &file.term_weights))
    }

    #[cfg(test)]
    pub(crate) fn without_word_ids(mut self) -> Self {
        self.ids = None;
        self
    }
}

impl FeatureBlock for TfidfBlock {
    fn kind(&self) -> BlockKind {
        BlockKind::Tfidf
    }

    fn width(&self) -> usize {
        self.vocab.len()
    }

    fn column_name(&self, j: usize) -> String {
        self.vocab.terms().get(j).cloned().unwrap_or_default()
    }

    fn feature_kind(&self) -> &'static str {
        "term"
    }

    /// The words of the sentence that made the term, as written; the term itself if
    /// none did (which a row's term always has).
    fn shown(&self, _column: Option<usize>, feature: &str, written: &WrittenGrams) -> String {
        match written.get(feature) {
            Some(spellings) if !spellings.is_empty() => spellings.join(" / "),
            _ => feature.to_string(),
        }
    }

    fn word_ids(&self) -> Option<&WordIds> {
        self.ids.as_ref()
    }

    fn append(&self, analysis: &mut Analysis<'_>, base: u32, row: &mut Vec<(u32, f64)>) {
        let from = row.len();
        match &self.ids {
            Some(ids) => {
                // Feature ids sorted and counted here, so that `tfidf` need not sort.
                let (word_ids, found) = analysis.word_ids_and_buffer();
                found.clear();
                ids.features(word_ids, found);
                found.sort_unstable();
                for &f in found.iter() {
                    match row[from..].last_mut() {
                        Some((last, count)) if *last == f => *count += 1.0,
                        _ => row.push((f, 1.0)),
                    }
                }
                self.vocab.tfidf_merged(&mut row[from..], self.sublinear_tf);
            }
            None => {
                let mut counts = Vec::new();
                analysis.for_each_gram(|g| {
                    if let Some(i) = self.vocab.get(g) {
                        counts.push((i, 1.0));
                    }
                });
                self.vocab.tfidf(&mut counts, self.sublinear_tf);
                row.extend(counts);
            }
        }
        if base > 0 {
            for (j, _) in &mut row[from..] {
                *j += base;
            }
        }
    }

    fn save(&self, weights: &[f64], file: &mut ModelFile) {
        file.vocabulary = self.vocab.terms().to_vec();
        file.idf = self.vocab.idf().to_vec();
        file.term_weights = weights.to_vec();
    }
}

/// The TF-IDF block being fitted: the block over the vocabulary of the training rows,
/// and each analysed n-gram's column in it.
#[derive(Debug)]
pub(crate) struct TfidfFit {
    block: TfidfBlock,
    /// Column by n-gram id of the training run's analysis (`u32::MAX`: not kept).
    column: Vec<u32>,
}

impl TfidfFit {
    /// Choose the vocabulary of the vocabulary rows of `set` (minimum document
    /// frequency, most frequent terms) and their idf.
    pub(crate) fn fit(set: &TrainingSet<'_>) -> Self {
        let f = set.settings;
        let (vocab, column) =
            set.analysed
                .vocabulary(set.vocabulary_rows, f.min_df, f.max_features);
        TfidfFit {
            block: TfidfBlock::new(vocab, f.ngram_min, f.ngram_max, f.sublinear_tf),
            column,
        }
    }
}

impl BlockFit for TfidfFit {
    fn width(&self) -> usize {
        self.block.width()
    }

    fn max_values(&self, set: &TrainingSet<'_>, rows: &[usize]) -> usize {
        set.analysed.max_terms(rows)
    }

    fn append_training(
        &self,
        set: &TrainingSet<'_>,
        i: usize,
        base: u32,
        row: &mut Vec<(u32, f64)>,
    ) {
        let from = row.len();
        set.analysed.tfidf_into(
            i,
            &self.block.vocab,
            &self.column,
            self.block.sublinear_tf,
            row,
        );
        if base != 0 {
            for (c, _) in &mut row[from..] {
                *c += base;
            }
        }
    }

    fn into_block(self: Box<Self>) -> Box<dyn FeatureBlock> {
        Box::new(self.block)
    }
}
