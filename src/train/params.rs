//! Training parameters: the unchecked [`TrainParams`] a caller fills in, and the
//! [`CheckedParams`] that [`TrainParams::check`] returns once every value is in range.
//! Only checked parameters can fit, so the checks run once, before any work starts.

use crate::encoder::cache::EmbeddingCache;
use crate::encoder::{Encoder, EncoderSpec, Pooling};
use crate::error::{Error, Result};
use crate::limits::{
    check_threshold, ngram_range_ok, ALPHA, CUE_SCALE, ENCODER_SCALE, MAX_ITERATIONS, MAX_NGRAM,
    THRESHOLD_FOLDS, TOLERANCE,
};
use crate::model::blocks::{encoder::Embedder, BlockSpec};
use crate::pipeline::analyzer::FeatureSettings;
use std::sync::Arc;

/// How to treat class imbalance in the training rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    /// Train on the rows as they are (the threshold still adapts).
    None,
    /// Duplicate randomly chosen minority-class rows (seeded) until classes are equal.
    Oversample,
}

impl Balance {
    /// Every choice, in the order the command line lists them.
    pub const ALL: [Balance; 2] = [Balance::None, Balance::Oversample];

    /// The name on the command line and in model files.
    pub fn as_str(self) -> &'static str {
        match self {
            Balance::None => "none",
            Balance::Oversample => "oversample",
        }
    }

    /// What the choice does, in one line.
    pub fn about(self) -> &'static str {
        match self {
            Balance::None => "Train on the rows as they are (the threshold still adapts)",
            Balance::Oversample => {
                "Duplicate randomly chosen minority-class rows (seeded) until classes are equal"
            }
        }
    }
}

/// Which optimiser implementation fits the logistic weights. Both minimise the same
/// objective with the same L-BFGS settings; they differ in speed and memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Solver {
    /// Dense while the rows × features matrix has at most [`DENSE_CELLS`] cells, sparse
    /// above.
    Auto,
    /// linfa-logistic over a dense rows × features matrix (the reference fit).
    Dense,
    /// The same objective and optimiser over compressed sparse rows
    /// (`train::sparse`).
    Sparse,
}

/// The largest rows × features matrix [`Solver::Auto`] fits densely: 2^23 cells
/// (64 MiB of f64), where the dense fit still takes a couple of seconds. The default
/// English model (1,292 rows × 5,572 columns) is below it and keeps linfa's exact bytes.
/// Above it the dense fit's time and memory grow with rows × features while the sparse
/// one's grow with the non-zeros: German train + dev (1,291 rows × 22,917 columns)
/// trains in 7.9 s densely and 0.10 s sparsely.
pub const DENSE_CELLS: usize = 1 << 23;

impl Solver {
    /// Every choice, in the order the command line lists them.
    pub const ALL: [Solver; 3] = [Solver::Auto, Solver::Dense, Solver::Sparse];

    /// The name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Solver::Auto => "auto",
            Solver::Dense => "dense",
            Solver::Sparse => "sparse",
        }
    }

    /// What the choice does, in one line.
    pub fn about(self) -> &'static str {
        match self {
            Solver::Auto => "Dense up to 2^23 matrix cells (rows x features), sparse above",
            Solver::Dense => "linfa-logistic on a dense matrix (the reference fit)",
            Solver::Sparse => "The same objective and L-BFGS over sparse rows",
        }
    }

    /// Whether a training run whose final fit is `rows` × `columns` runs sparse.
    pub fn is_sparse(self, rows: usize, columns: usize) -> bool {
        match self {
            Solver::Auto => rows.saturating_mul(columns) > DENSE_CELLS,
            Solver::Dense => false,
            Solver::Sparse => true,
        }
    }
}

/// Hyperparameters of training, unchecked. [`TrainParams::check`] turns them into
/// [`CheckedParams`], the only type that can fit (linfa's `ParamGuard` pattern).
#[derive(Debug, Clone, PartialEq)]
pub struct TrainParams {
    /// Model name written into the file. Default: `factop-en`.
    pub name: String,
    /// Feature settings. Default: [`FeatureSettings::default`].
    pub features: FeatureSettings,
    /// L2 penalty (linfa-logistic's `alpha`; the loss is summed over rows). Default: 1.5.
    pub alpha: f64,
    /// Optimiser iteration limit. Default: 300.
    pub max_iterations: u64,
    /// Optimiser gradient tolerance. Default: 1e-4.
    pub tolerance: f64,
    /// Class balancing. Default: none.
    pub balance: Balance,
    /// A fixed decision threshold, or `None` to choose it by cross-validation. Default: None.
    pub threshold: Option<f64>,
    /// Folds for choosing the threshold. Default: 5.
    pub threshold_folds: usize,
    /// Seed for folds and resampling. Default: 42.
    pub seed: u64,
    /// The accurate tier: a sentence encoder block after the TF-IDF and cue blocks.
    /// Default: none (the fast tier).
    pub encoder: Option<EncoderTraining>,
    /// The optimiser implementation. Default: [`Solver::Auto`].
    pub solver: Solver,
    /// Where the accurate tier keeps its training sentences' embeddings between runs
    /// (it changes no number of the model). Default: [`EmbeddingCache::Default`], the
    /// per-user cache folder.
    pub embedding_cache: EmbeddingCache,
    /// The weight of each borrowed row (`--borrow`) in the loss, own rows weighing 1:
    /// below 1, another language's rows count for less than the model's own. A weight
    /// other than 1 needs the sparse fit (linfa-logistic has no row weights), which
    /// `Solver::Auto` then chooses. Default: 1.
    pub borrow_weight: f64,
    /// With borrowed rows: take the TF-IDF vocabulary and idf from the own rows only
    /// (the borrowed rows still train the weights of those words, the cues and the
    /// encoder block). Default: false.
    pub own_vocabulary: bool,
}

/// How the encoder block of an accurate-tier model is trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EncoderTraining {
    /// The encoder (its weights must be installed).
    pub spec: &'static EncoderSpec,
    /// The block scale, or `None` to choose it from [`ENCODER_SCALES`] by out-of-fold
    /// macro-F1 on the training data.
    pub scale: Option<f64>,
    /// How the embedding is pooled. Default: [`Pooling::Mean`], e5's own.
    pub pooling: Pooling,
}

/// The block scales tried when the encoder scale is chosen by cross-validation.
pub const ENCODER_SCALES: [f64; 5] = [0.025, 0.05, 0.1, 0.2, 0.4];

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            name: "factop-en".into(),
            features: FeatureSettings::default(),
            alpha: 1.5,
            max_iterations: 300,
            tolerance: 1e-4,
            balance: Balance::None,
            threshold: None,
            threshold_folds: 5,
            seed: 42,
            encoder: None,
            solver: Solver::Auto,
            embedding_cache: EmbeddingCache::Default,
            borrow_weight: 1.0,
            own_vocabulary: false,
        }
    }
}

impl TrainParams {
    /// How many logistic fits training makes: one per fold for each encoder scale tried
    /// (when the threshold or the scale is chosen by cross-validation), then the final
    /// one. Progress is reported in these steps.
    pub fn fits(&self) -> usize {
        let search = self.encoder.is_some_and(|e| e.scale.is_none());
        let scales = if search { ENCODER_SCALES.len() } else { 1 };
        if self.threshold.is_none() || search {
            scales * self.threshold_folds + 1
        } else {
            1
        }
    }

    /// Reject bad values before any work starts; the checked parameters can fit.
    pub fn check(&self) -> Result<CheckedParams> {
        crate::limits::check_model_name(&self.name)?;
        let f = &self.features;
        let bad = |m: String| Err(Error::Param(m));
        if !ngram_range_ok(f.ngram_min, f.ngram_max) {
            return bad(format!(
                "n-gram range {}..{} must satisfy 1 <= min <= max <= {MAX_NGRAM}",
                f.ngram_min, f.ngram_max
            ));
        }
        if !ALPHA.contains(&self.alpha) {
            return bad(format!(
                "alpha must be between {} and {}, not {}",
                num(*ALPHA.start()),
                num(*ALPHA.end()),
                num(self.alpha)
            ));
        }
        if !CUE_SCALE.contains(&f.cue_scale) {
            return bad(format!(
                "cue scale must be between {} and {}, not {}",
                num(*CUE_SCALE.start()),
                num(*CUE_SCALE.end()),
                num(f.cue_scale)
            ));
        }
        if !MAX_ITERATIONS.contains(&self.max_iterations) {
            return bad(format!(
                "max iterations must be between {} and {}, not {}",
                MAX_ITERATIONS.start(),
                MAX_ITERATIONS.end(),
                self.max_iterations
            ));
        }
        if !TOLERANCE.contains(&self.tolerance) {
            return bad(format!(
                "tolerance must be between {} and {}, not {}",
                num(*TOLERANCE.start()),
                num(*TOLERANCE.end()),
                num(self.tolerance)
            ));
        }
        if let Some(t) = self.threshold {
            check_threshold("threshold", t)?;
        }
        if !THRESHOLD_FOLDS.contains(&self.threshold_folds) {
            return bad(format!(
                "threshold folds must be between {} and {}, not {}",
                THRESHOLD_FOLDS.start(),
                THRESHOLD_FOLDS.end(),
                self.threshold_folds
            ));
        }
        if !(self.borrow_weight > 0.0 && self.borrow_weight <= 1.0) {
            return bad(format!(
                "borrow weight must be above 0 and at most 1, not {}",
                num(self.borrow_weight)
            ));
        }
        if self.borrow_weight != 1.0 && self.solver == Solver::Dense {
            return bad("a borrow weight other than 1 needs the sparse fit (linfa-logistic has no row weights): use --solver sparse or auto".into());
        }
        if f.min_df == 0 {
            return bad("min df must be at least 1".into());
        }
        if let Some(e) = &self.encoder {
            if let Some(scale) = e.scale {
                if !ENCODER_SCALE.contains(&scale) {
                    return bad(format!(
                        "encoder scale must be between {} and {}, not {}",
                        num(*ENCODER_SCALE.start()),
                        num(*ENCODER_SCALE.end()),
                        num(scale)
                    ));
                }
            }
        }
        Ok(CheckedParams {
            params: self.clone(),
            embedder: None,
            notes: Notes::default(),
            borrowed: 0,
        })
    }
}

/// A number for a message: plain when of ordinary size, else in scientific notation.
fn num(x: f64) -> String {
    if x == 0.0 || (1e-4..1e6).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// Training parameters that passed [`TrainParams::check`]. Fit with
/// [`CheckedParams::fit`] (see [`crate::train`]).
#[derive(Debug, Clone)]
pub struct CheckedParams {
    params: TrainParams,
    /// The training sentences' embeddings, once computed (accurate tier).
    pub(crate) embedder: Option<Arc<Embedder>>,
    /// Where training's notes go.
    pub(crate) notes: Notes,
    /// How many of the records given to a fit, at their end, are borrowed rows
    /// (`--borrow`): always training rows, never held out, and never used to choose
    /// the threshold or the block scale.
    pub(crate) borrowed: usize,
}

/// Where training sends its one-line notes (how many sentences the embedding cache
/// supplied, and any problem with the cache). Default: nowhere.
#[derive(Clone, Default)]
pub(crate) struct Notes(Option<Arc<NoteFn>>);

type NoteFn = dyn Fn(&str) + Send + Sync;

impl Notes {
    /// Send one note.
    pub(crate) fn send(&self, note: &str) {
        if let Some(f) = &self.0 {
            f(note);
        }
    }
}

impl std::fmt::Debug for Notes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Notes(on)"
        } else {
            "Notes(off)"
        })
    }
}

impl PartialEq for CheckedParams {
    fn eq(&self, other: &Self) -> bool {
        self.params == other.params
    }
}

impl CheckedParams {
    /// The parameters.
    pub fn params(&self) -> &TrainParams {
        &self.params
    }

    /// These parameters with training's one-line notes sent to `f` (the command line
    /// prints them on standard error): how many sentences were embedded and how many
    /// came from the embedding cache, and any problem with the cache. Without it they
    /// are dropped.
    pub fn with_notes(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.notes = Notes(Some(Arc::new(f)));
        self
    }

    /// Set the solver (to resolve [`Solver::Auto`] for a training run).
    pub(crate) fn set_solver(&mut self, solver: Solver) {
        self.params.solver = solver;
    }

    /// The feature blocks these parameters fit, in column order: TF-IDF, the cues and,
    /// with an encoder, its embedding (the encoder is loaded now unless the training
    /// sentences' embeddings are already prepared).
    pub(crate) fn block_specs(&self) -> Result<Vec<BlockSpec>> {
        let mut specs = vec![BlockSpec::Tfidf, BlockSpec::Cues];
        if let Some(e) = &self.params.encoder {
            let embedder = match &self.embedder {
                Some(m) => m.clone(),
                None => Arc::new(Embedder::pooled(
                    Encoder::installed(e.spec, "training")?,
                    e.pooling,
                )),
            };
            specs.push(BlockSpec::Encoder {
                embedder,
                scale: e.scale.unwrap_or(ENCODER_SCALES[0]),
            });
        }
        Ok(specs)
    }

    /// The same parameters with the encoder block scale set.
    pub(crate) fn with_encoder_scale(&self, scale: f64) -> Self {
        let mut c = self.clone();
        if let Some(e) = &mut c.params.encoder {
            e.scale = Some(scale);
        }
        c
    }
}

impl std::ops::Deref for CheckedParams {
    type Target = TrainParams;

    fn deref(&self) -> &TrainParams {
        &self.params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_rejects_bad_values() {
        let mut p = TrainParams::default();
        assert!(p.check().is_ok());
        p.alpha = -1.0;
        assert!(p.check().unwrap_err().to_string().contains("alpha"));
        let mut p = TrainParams::default();
        p.features.ngram_max = 9;
        assert!(p.check().unwrap_err().to_string().contains("n-gram"));
        let p = TrainParams {
            threshold: Some(1.5),
            ..Default::default()
        };
        assert!(p.check().unwrap_err().to_string().contains("threshold"));
        let checked = TrainParams::default().check().unwrap();
        assert_eq!(checked.params(), &TrainParams::default());
    }

    proptest::proptest! {
        /// Every numeric setting, drawn from anywhere in f64 (NaN and infinities too):
        /// `check` accepts the parameters exactly when every value is in its documented
        /// range (`crate::limits`), and otherwise names the first bad one.
        #[test]
        fn check_accepts_exactly_the_documented_ranges(
            alpha in proptest::num::f64::ANY,
            cue_scale in proptest::num::f64::ANY,
            tolerance in proptest::num::f64::ANY,
            encoder_scale in proptest::num::f64::ANY,
            threshold in proptest::num::f64::ANY,
            folds in 0usize..300,
            iterations in 0u64..200_000,
        ) {
            let mut p = TrainParams {
                alpha,
                tolerance,
                max_iterations: iterations,
                threshold: Some(threshold),
                threshold_folds: folds,
                encoder: Some(EncoderTraining {
                    spec: &crate::encoder::E5_SMALL,
                    scale: Some(encoder_scale),
                    pooling: Pooling::Mean,
                }),
                ..Default::default()
            };
            p.features.cue_scale = cue_scale;
            let ok = ALPHA.contains(&alpha)
                && CUE_SCALE.contains(&cue_scale)
                && TOLERANCE.contains(&tolerance)
                && ENCODER_SCALE.contains(&encoder_scale)
                && crate::limits::THRESHOLD.contains(&threshold)
                && THRESHOLD_FOLDS.contains(&folds)
                && MAX_ITERATIONS.contains(&iterations);
            match p.check() {
                Ok(c) => proptest::prop_assert!(ok && c.params() == &p),
                Err(e) => proptest::prop_assert!(!ok && matches!(e, Error::Param(_)), "{e}"),
            }
        }
    }
}
