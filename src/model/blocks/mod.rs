//! Feature blocks: the parts of a model's feature row, each with its own columns,
//! fitted parameters and weights.
//!
//! A [`Featurizer`] runs the shared text analysis ([`crate::pipeline::analyzer`]) once
//! per sentence and asks each block, in order, to append its columns to the sparse row;
//! the model's [`crate::model::linear::Linear`] weights then give the probability and
//! the explanation over all blocks alike. The blocks are [`tfidf`] (word n-grams),
//! [`cues`] (named cue features) and, in the accurate tier, [`encoder`] (a sentence
//! encoder's embedding).
//!
//! Each block also owns its fitting: training asks `BlockSpec::fit` for a
//! `BlockFit` on its rows, builds every training row block by block from the
//! sentences analysed once (`pipeline::analysed`), and turns the fits into the
//! model's blocks; training names no block. A new block is a module here that
//! implements [`FeatureBlock`] and `BlockFit`, a [`BlockKind`] variant, a
//! `BlockSpec` variant and a line in [`load`]; the code that trains, classifies,
//! streams, evaluates or renders results does not change.

pub mod cues;
pub mod encoder;
pub mod neighbours;
pub mod tfidf;

use crate::data::Record;
use crate::error::Result;
use crate::model::file::{BlockKind, ModelFile};
use crate::pipeline::analysed::Analysed;
use crate::pipeline::analyzer::{Analysis, Analyzer, FeatureSettings, Scratch};
use crate::pipeline::vocab::WordIds;
use encoder::Embedder;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// One block of a model's features.
pub trait FeatureBlock: std::fmt::Debug + Send + Sync {
    /// Which block this is.
    fn kind(&self) -> BlockKind;

    /// Number of columns.
    fn width(&self) -> usize;

    /// The name of the block's column `j` (0-based within the block), as `inspect` and
    /// `--explain` show it.
    fn column_name(&self, j: usize) -> String;

    /// Vocabulary word ids the analysis should look up for this block, if any.
    fn word_ids(&self) -> Option<&WordIds> {
        None
    }

    /// When the block is explained as a whole: the one name its columns' summed
    /// contribution is shown under (the encoder block's hundreds of dimensions mean
    /// nothing one by one).
    fn explained_as(&self) -> Option<String> {
        None
    }

    /// What kind of feature the block's columns are, as explanations name it: `term`,
    /// `cue` or `encoder`.
    fn feature_kind(&self) -> &'static str;

    /// How an explanation shows the block's column `column` (None: the block explained
    /// as a whole), named `feature`, to a reader, given the sentence's n-grams as
    /// written. By default, the name.
    fn shown(&self, _column: Option<usize>, feature: &str, _written: &WrittenGrams) -> String {
        feature.to_string()
    }

    /// Whether column `j`, with `value` in a sentence's row, is something the sentence
    /// has, to be listed in explanations. A standardised cue that is absent from the
    /// sentence still has a value (its distance from the training average), but the
    /// sentence does not contain it, so it is not listed.
    fn present(&self, _j: usize, _value: f64) -> bool {
        true
    }

    /// Whether this block reads the raw cue values of the analysis.
    fn wants_cues(&self) -> bool {
        false
    }

    /// Get ready to featurise `sentences` on this thread (the encoder block embeds
    /// them together, which is faster than one by one); nothing by default.
    fn prepare(&self, _sentences: &[&str]) {}

    /// Append this block's (column, value) pairs for one analysed sentence, columns
    /// numbered from `base`, in increasing order.
    fn append(&self, analysis: &mut Analysis<'_>, base: u32, row: &mut Vec<(u32, f64)>);

    /// The encoder block: its columns for a sentence whose embedding is `embedding`,
    /// written into `out` (the values [`FeatureBlock::append`] gives that sentence),
    /// and true. Other blocks return false. Training uses it to store its sentences
    /// from the embeddings it already holds, instead of running the encoder again.
    fn columns_of_embedding(&self, _embedding: &[f32], _out: &mut [f64]) -> bool {
        false
    }

    /// Write the block's fitted parameters and its `weights` into a model file.
    fn save(&self, weights: &[f64], file: &mut ModelFile);
}

/// A sentence's n-grams (terms) and the words of the sentence that made each, as
/// written, in order of appearance without repeats (the first spelling of words that
/// differ only in case)
/// ([`Analyzer::for_each_gram_as_written`]).
pub type WrittenGrams = rustc_hash::FxHashMap<String, Vec<String>>;

/// A model's blocks, in column order.
pub type Blocks = Vec<Box<dyn FeatureBlock>>;

/// Read the blocks a model file lists, checking each block's parameters, and return
/// them with the weight vector of all their columns in order. `path` is used in
/// messages.
pub fn load(file: &ModelFile, path: &Path) -> Result<(Blocks, Vec<f64>)> {
    let mut blocks: Blocks = Vec::new();
    let mut weights = Vec::new();
    for kind in &file.blocks {
        let (block, w): (Box<dyn FeatureBlock>, &[f64]) = match kind {
            BlockKind::Tfidf => {
                let (b, w) = tfidf::TfidfBlock::load(file, path)?;
                (Box::new(b), w)
            }
            BlockKind::Cues => {
                let (b, w) = cues::CueBlock::load(file, path)?;
                (Box::new(b), w)
            }
            BlockKind::Encoder => {
                let (b, w) = encoder::EncoderBlock::load(file, path)?;
                (Box::new(b), w)
            }
        };
        weights.extend_from_slice(w);
        blocks.push(block);
    }
    Ok((blocks, weights))
}

/// A block to fit, with what its fitting needs beyond the training rows.
#[derive(Debug, Clone)]
pub(crate) enum BlockSpec {
    /// Word n-grams with TF-IDF: the vocabulary is chosen from the training rows.
    Tfidf,
    /// The enabled cues, standardised on the training rows.
    Cues,
    /// A sentence encoder's embedding, standardised on the training rows and
    /// multiplied by `scale`.
    Encoder {
        /// The encoder, with the training sentences' embeddings when computed once.
        embedder: Arc<Embedder>,
        /// The block's multiplier of standardised embeddings.
        scale: f64,
    },
}

/// The rows one fit is made on.
pub(crate) struct TrainingSet<'a> {
    /// The feature settings of the model being trained.
    pub(crate) settings: &'a FeatureSettings,
    /// Every sentence of the training run, analysed once.
    pub(crate) analysed: &'a Analysed,
    /// The same sentences' records, by the same index.
    pub(crate) records: &'a [&'a Record],
    /// The indices of the rows this fit learns from.
    pub(crate) rows: &'a [usize],
    /// The rows whose words make the TF-IDF vocabulary and idf: `rows`, or with
    /// `--own-vocabulary` only its own (not borrowed) rows.
    pub(crate) vocabulary_rows: &'a [usize],
}

impl BlockSpec {
    /// Fit this block on `set`.
    pub(crate) fn fit(&self, set: &TrainingSet<'_>) -> Box<dyn BlockFit> {
        match self {
            BlockSpec::Tfidf => Box::new(tfidf::TfidfFit::fit(set)),
            BlockSpec::Cues => Box::new(cues::CueBlock::fit_on(set)),
            BlockSpec::Encoder { embedder, scale } => {
                Box::new(encoder::EncoderBlock::fit_on(embedder.clone(), *scale, set))
            }
        }
    }

    /// How many columns this block would have if fitted on `set` (the size the solver
    /// is chosen by), without fitting it.
    pub(crate) fn width_on(&self, set: &TrainingSet<'_>) -> usize {
        match self {
            BlockSpec::Tfidf => {
                let f = set.settings;
                set.analysed
                    .vocabulary_size(set.vocabulary_rows, f.min_df, f.max_features)
            }
            BlockSpec::Cues => set.settings.cue_indices().len(),
            BlockSpec::Encoder { embedder, .. } => embedder.encoder().dim(),
        }
    }
}

/// A block fitted on a [`TrainingSet`]: it gives the columns of any sentence of the
/// training run from the shared analysis, the same numbers [`FeatureBlock::append`]
/// gives from the text (`train::tests::shared_rows_equal_the_featurizer_rows`), then
/// becomes the model's block.
pub(crate) trait BlockFit {
    /// Number of columns.
    fn width(&self) -> usize;

    /// At most how many values this block puts in the rows of the sentences `rows`.
    fn max_values(&self, _set: &TrainingSet<'_>, rows: &[usize]) -> usize {
        rows.len() * self.width()
    }

    /// Append the columns of training sentence `i` (an index into the set's records),
    /// numbered from `base`, in increasing order.
    fn append_training(
        &self,
        set: &TrainingSet<'_>,
        i: usize,
        base: u32,
        row: &mut Vec<(u32, f64)>,
    );

    /// The fitted block, for the model.
    fn into_block(self: Box<Self>) -> Box<dyn FeatureBlock>;
}

/// The fitted feature extractor of a model: the shared analysis and the blocks.
#[derive(Debug)]
pub struct Featurizer {
    analyzer: Analyzer,
    /// Unique per featurizer, so a [`Scratch`] knows whose word ids it caches.
    uid: u64,
    blocks: Blocks,
    /// Column ranges: block `i` has columns `offsets[i]..offsets[i + 1]`.
    offsets: Vec<usize>,
    /// The block whose vocabulary word ids the analysis looks up.
    ids_from: Option<usize>,
    want_cues: bool,
}

impl Featurizer {
    /// A featurizer for `settings` with these blocks, in column order.
    pub fn new(settings: FeatureSettings, blocks: Blocks) -> Self {
        static NEXT_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut offsets = vec![0];
        for b in &blocks {
            offsets.push(offsets[offsets.len() - 1] + b.width());
        }
        Featurizer {
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            analyzer: Analyzer::new(settings),
            ids_from: blocks.iter().position(|b| b.word_ids().is_some()),
            want_cues: blocks.iter().any(|b| b.wants_cues()),
            blocks,
            offsets,
        }
    }

    /// The settings.
    pub fn settings(&self) -> &FeatureSettings {
        self.analyzer.settings()
    }

    /// The blocks, in column order.
    pub fn blocks(&self) -> &[Box<dyn FeatureBlock>] {
        &self.blocks
    }

    /// The columns of block `i`.
    pub fn columns(&self, i: usize) -> Range<usize> {
        self.offsets[i]..self.offsets[i + 1]
    }

    /// Number of columns over all blocks.
    pub fn n_features(&self) -> usize {
        self.offsets[self.offsets.len() - 1]
    }

    /// The block that column `j` belongs to, if any.
    pub fn block_of(&self, j: usize) -> Option<usize> {
        let i = self.offsets.partition_point(|&o| o <= j);
        match (i.checked_sub(1), self.offsets.get(i)) {
            (Some(b), Some(_)) => Some(b),
            _ => None,
        }
    }

    /// The name of column `j` (empty when out of range).
    pub fn feature_name(&self, j: usize) -> String {
        let i = self.offsets.partition_point(|&o| o <= j);
        match (i.checked_sub(1), self.offsets.get(i)) {
            (Some(b), Some(_)) => self.blocks[b].column_name(j - self.offsets[b]),
            _ => String::new(),
        }
    }

    /// The words that made each of the sentence's n-grams in `wanted`, as written
    /// (for explanations; not on the scoring path).
    pub fn grams_as_written(&self, text: &str, wanted: &[&str]) -> WrittenGrams {
        let mut written = WrittenGrams::default();
        if wanted.is_empty() {
            return written;
        }
        self.analyzer.for_each_gram_as_written(text, |gram, words| {
            if !wanted.contains(&gram) {
                return;
            }
            let spellings = written.entry(gram.to_string()).or_default();
            if !spellings
                .iter()
                .any(|w| w.to_lowercase() == words.to_lowercase())
            {
                spellings.push(words.to_string());
            }
        });
        written
    }

    /// Featurise one sentence into `row` (cleared first): sparse (column, value) pairs,
    /// each block's columns in order.
    pub fn row_into(&self, text: &str, scratch: &mut Scratch, row: &mut Vec<(u32, f64)>) {
        row.clear();
        let ids = self
            .ids_from
            .and_then(|i| self.blocks[i].word_ids())
            .map(|w| (w, self.uid));
        let mut analysis = self.analyzer.analysis(text, scratch, self.want_cues, ids);
        for (block, &base) in self.blocks.iter().zip(&self.offsets) {
            block.append(&mut analysis, base as u32, row);
        }
    }

    /// Get ready to featurise `sentences` on this thread: each block may compute what
    /// they need together (the rows are the same with or without this).
    pub fn prepare(&self, sentences: &[&str]) {
        for block in &self.blocks {
            block.prepare(sentences);
        }
    }

    /// Write every block's parameters and weights into a model file.
    pub fn save(&self, weights: &[f64], file: &mut ModelFile) {
        file.blocks = self.blocks.iter().map(|b| b.kind()).collect();
        for (i, b) in self.blocks.iter().enumerate() {
            b.save(weights.get(self.columns(i)).unwrap_or(&[]), file);
        }
    }
}

#[cfg(test)]
mod tests;
