//! Training: hyperparameters, fitting with linfa-logistic, threshold choice and
//! stratified cross-validation.
//!
//! linfa-logistic has no class weights. factop handles the class imbalance by choosing
//! the decision threshold that maximises macro-F1 on out-of-fold predictions of the
//! training data (default), and optionally by oversampling the minority class
//! (`--balance oversample`).

use crate::cues::{self, N_CUES};
use crate::data::{Dataset, Label, Record};
use crate::error::{Error, Result};
use crate::features::{Analyzer, FeatureSettings, Featurizer, Scratch};
use crate::metrics::{self, Report};
use crate::model::{Classifier, DataSource, ModelFile, TrainingRecord, FORMAT_TAG, FORMAT_VERSION};
use crate::vocab::VocabBuilder;
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2, ShapeBuilder};

/// Longest n-gram factop accepts.
pub const MAX_NGRAM: usize = 4;

/// How to treat class imbalance in the training rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Balance {
    /// Train on the rows as they are (the threshold still adapts).
    None,
    /// Duplicate randomly chosen minority-class rows (seeded) until classes are equal.
    Oversample,
}

impl Balance {
    fn as_str(self) -> &'static str {
        match self {
            Balance::None => "none",
            Balance::Oversample => "oversample",
        }
    }
}

/// Hyperparameters of training. Check them with [`TrainParams::check`]; fit with
/// [`TrainParams::fit`].
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
}

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
        }
    }
}

/// A small deterministic generator (SplitMix64) for folds and resampling.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// Shuffle in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i + 1));
        }
    }
}

/// Stratified fold assignment: each class shuffled with `seed`, then dealt round-robin.
/// Returns the fold (0..k) of each example.
pub fn stratified_folds(labels: &[Label], k: usize, seed: u64) -> Vec<usize> {
    let mut fold = vec![0; labels.len()];
    let mut rng = SplitMix::new(seed);
    let mut next = 0;
    for class in [Label::Fact, Label::Opinion] {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rng.shuffle(&mut idx);
        for i in idx {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

/// The fitted parts of one logistic model, before it becomes a [`Classifier`].
pub struct Fitted {
    /// Feature extractor.
    pub featurizer: Featurizer,
    /// Weight per column, giving the logit of P(opinion).
    pub weights: Vec<f64>,
    /// Intercept of that logit.
    pub intercept: f64,
    /// linfa's own fitted model (its positive class may be either label).
    pub linfa: linfa_logistic::FittedLogisticRegression<f64, Label>,
}

impl TrainParams {
    /// Reject bad values before any work starts.
    pub fn check(&self) -> Result<()> {
        let f = &self.features;
        let bad = |m: String| Err(Error::Param(m));
        if f.ngram_min < 1 || f.ngram_max < f.ngram_min || f.ngram_max > MAX_NGRAM {
            return bad(format!(
                "n-gram range {}..{} must satisfy 1 <= min <= max <= {MAX_NGRAM}",
                f.ngram_min, f.ngram_max
            ));
        }
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return bad(format!(
                "alpha must be a positive number, not {}",
                self.alpha
            ));
        }
        if !(f.cue_scale.is_finite() && f.cue_scale >= 0.0) {
            return bad(format!("cue scale must be >= 0, not {}", f.cue_scale));
        }
        if self.max_iterations == 0 {
            return bad("max iterations must be at least 1".into());
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return bad(format!(
                "tolerance must be positive, not {}",
                self.tolerance
            ));
        }
        if let Some(t) = self.threshold {
            if !(t > 0.0 && t < 1.0) {
                return bad(format!(
                    "threshold must be strictly between 0 and 1, not {t}"
                ));
            }
        }
        if self.threshold_folds < 2 {
            return bad("threshold folds must be at least 2".into());
        }
        if f.min_df == 0 {
            return bad("min df must be at least 1".into());
        }
        Ok(())
    }

    /// Fit one logistic model on `records` (no threshold choice).
    pub fn fit_core(&self, records: &[&Record]) -> Result<Fitted> {
        let analyzer = Analyzer::new(self.features.clone());
        let mut scratch = Scratch::default();
        let mut builder = VocabBuilder::new();
        let cue_index = self.features.cue_indices();
        let mut raw_cues: Vec<[f64; N_CUES]> = Vec::with_capacity(records.len());
        let mut grams: Vec<String> = Vec::new();
        for r in records {
            let mut c = [0.0; N_CUES];
            grams.clear();
            analyzer.analyze(&r.text, &mut scratch, Some(&mut c), |g| {
                grams.push(g.to_string())
            });
            builder.add_document(grams.iter().map(String::as_str));
            raw_cues.push(c);
        }
        let vocab = builder.build(self.features.min_df, self.features.max_features);
        let n = records.len() as f64;
        let (mut mean, mut scale) = (Vec::new(), Vec::new());
        for &c in &cue_index {
            let m = raw_cues.iter().map(|r| r[c]).sum::<f64>() / n;
            let var = raw_cues.iter().map(|r| (r[c] - m).powi(2)).sum::<f64>() / n;
            let sd = var.sqrt();
            mean.push(m);
            scale.push(if sd > 1e-12 {
                self.features.cue_scale / sd
            } else {
                0.0
            });
        }
        let featurizer = Featurizer::new(self.features.clone(), vocab, mean, scale);

        let mut order: Vec<usize> = (0..records.len()).collect();
        if self.balance == Balance::Oversample {
            let labels: Vec<Label> = records.iter().map(|r| r.label).collect();
            order.extend(oversample(&labels, self.seed));
        }
        let d = featurizer.n_features();
        let mut x = Array2::<f64>::zeros((order.len(), d).f());
        let mut y = Array1::from_elem(order.len(), Label::Fact);
        let mut row = Vec::new();
        let mut rows: Vec<Vec<(u32, f64)>> = Vec::with_capacity(records.len());
        for r in records {
            featurizer.row_into(&r.text, &mut scratch, &mut row);
            rows.push(row.clone());
        }
        for (i, &k) in order.iter().enumerate() {
            for &(j, v) in &rows[k] {
                x[(i, j as usize)] = v;
            }
            y[i] = records[k].label;
        }
        let model = LogisticRegression::default()
            .alpha(self.alpha)
            .max_iterations(self.max_iterations)
            .gradient_tolerance(self.tolerance)
            .fit(&linfa::Dataset::new(x, y))
            .map_err(|e| Error::Fit(e.to_string()))?;
        let sign = if model.labels().pos.class == Label::Opinion {
            1.0
        } else {
            -1.0
        };
        let weights: Vec<f64> = model.params().iter().map(|w| sign * w).collect();
        let intercept = sign * model.intercept();
        Ok(Fitted {
            featurizer,
            weights,
            intercept,
            linfa: model,
        })
    }

    /// Out-of-fold P(opinion) for every record, from `k` stratified folds.
    pub fn out_of_fold(&self, records: &[&Record], k: usize, seed: u64) -> Result<Vec<f64>> {
        self.out_of_fold_with(records, k, seed, &mut |_, _| {})
    }

    fn out_of_fold_with(
        &self,
        records: &[&Record],
        k: usize,
        seed: u64,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<f64>> {
        let labels: Vec<Label> = records.iter().map(|r| r.label).collect();
        let folds = stratified_folds(&labels, k, seed);
        let fold_probs = |f: usize| -> Result<Vec<(usize, f64)>> {
            let train: Vec<&Record> = (0..records.len())
                .filter(|&i| folds[i] != f)
                .map(|i| records[i])
                .collect();
            check_classes(&train)?;
            let fitted = self.fit_core(&train)?;
            let (mut scratch, mut row) = (Scratch::default(), Vec::new());
            Ok((0..records.len())
                .filter(|&i| folds[i] == f)
                .map(|i| {
                    fitted
                        .featurizer
                        .row_into(&records[i].text, &mut scratch, &mut row);
                    (i, fitted.probability_of_row(&row))
                })
                .collect())
        };
        // The folds are independent: fit them on all cores. Each fold's result does not
        // depend on which thread computed it, so the output is deterministic.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(k);
        let mut probs = vec![0.0; records.len()];
        std::thread::scope(|scope| -> Result<()> {
            let (tx, rx) = std::sync::mpsc::channel();
            for t in 0..threads {
                let (tx, fold_probs) = (tx.clone(), &fold_probs);
                scope.spawn(move || {
                    for f in (t..k).step_by(threads) {
                        if tx.send(fold_probs(f)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            progress(0, k + 1);
            for (done, result) in rx.into_iter().enumerate() {
                for (i, p) in result? {
                    probs[i] = p;
                }
                progress(done + 1, k + 1);
            }
            Ok(())
        })?;
        Ok(probs)
    }

    /// Train a classifier on all rows of `data`.
    pub fn fit(&self, data: &[Dataset]) -> Result<Classifier> {
        self.fit_with_progress(data, &mut |_, _| {})
    }

    /// [`TrainParams::fit`], calling `progress(done, total)` before each model fit.
    pub fn fit_with_progress(
        &self,
        data: &[Dataset],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Classifier> {
        self.check()?;
        let records: Vec<&Record> = data.iter().flat_map(|d| d.records.iter()).collect();
        if let Err(Error::Param(message)) = check_classes(&records) {
            let paths: Vec<String> = data.iter().map(|d| d.path.display().to_string()).collect();
            return Err(Error::DataFile {
                path: paths.join(" + ").into(),
                message,
            });
        }
        self.fit_records_with(&records, data, progress)
    }

    /// Train on `records`; `data` only supplies provenance.
    pub fn fit_records(&self, records: &[&Record], data: &[Dataset]) -> Result<Classifier> {
        self.fit_records_with(records, data, &mut |_, _| {})
    }

    fn fit_records_with(
        &self,
        records: &[&Record],
        data: &[Dataset],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Classifier> {
        self.check()?;
        check_classes(records)?;
        let labels: Vec<Label> = records.iter().map(|r| r.label).collect();
        let (threshold, cv_macro_f1) = match self.threshold {
            Some(t) => (t, None),
            None => {
                let probs =
                    self.out_of_fold_with(records, self.threshold_folds, self.seed, progress)?;
                let (t, f1) = best_threshold(&labels, &probs);
                (t, Some(f1))
            }
        };
        let total = if self.threshold.is_some() {
            1
        } else {
            self.threshold_folds + 1
        };
        progress(total - 1, total);
        let fitted = self.fit_core(records)?;
        progress(total, total);
        self.to_classifier(fitted, threshold, cv_macro_f1, records.len(), data)
    }

    fn to_classifier(
        &self,
        fitted: Fitted,
        threshold: f64,
        cv_macro_f1: Option<f64>,
        rows: usize,
        data: &[Dataset],
    ) -> Result<Classifier> {
        let f = &fitted.featurizer;
        let v = f.vocab().len();
        let file = ModelFile {
            format: FORMAT_TAG.into(),
            format_version: FORMAT_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            name: self.name.clone(),
            positive_label: Label::Opinion,
            threshold,
            features: self.features.clone(),
            training: TrainingRecord {
                alpha: self.alpha,
                max_iterations: self.max_iterations,
                tolerance: self.tolerance,
                balance: self.balance.as_str().into(),
                threshold_source: if self.threshold.is_some() {
                    "fixed"
                } else {
                    "cv"
                }
                .into(),
                threshold_folds: self.threshold_folds,
                seed: self.seed,
                cv_macro_f1: cv_macro_f1.map(|x| (x * 1e6).round() / 1e6),
                rows,
                data: data
                    .iter()
                    .map(|d| {
                        let (fact, opinion) = d.counts();
                        DataSource {
                            path: d.path.to_string_lossy().replace('\\', "/"),
                            sha256: d.sha256.clone(),
                            rows: d.records.len(),
                            fact,
                            opinion,
                            skipped_empty: d.skipped_empty,
                        }
                    })
                    .collect(),
            },
            vocabulary: f.vocab().terms().to_vec(),
            idf: f.vocab().idf().to_vec(),
            cues: f
                .cue_indices()
                .iter()
                .map(|&i| cues::CUES[i].name.to_string())
                .collect(),
            cue_mean: f.cue_mean().to_vec(),
            cue_multiplier: f.cue_scale().to_vec(),
            intercept: fitted.intercept,
            term_weights: fitted.weights[..v].to_vec(),
            cue_weights: fitted.weights[v..].to_vec(),
        };
        Classifier::from_model_file(file, std::path::Path::new("<trained>"))
    }

    /// Stratified K-fold cross-validation of the whole training procedure (threshold
    /// choice included): each fold's model is trained on the other folds and scored on
    /// it at its own threshold.
    pub fn cross_validate(
        &self,
        records: &[&Record],
        k: usize,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<CvReport> {
        self.check()?;
        if k < 2 || k > records.len() {
            return Err(Error::Param(format!(
                "--cv needs 2 <= K <= {} (the rows), got {k}",
                records.len()
            )));
        }
        let labels: Vec<Label> = records.iter().map(|r| r.label).collect();
        let folds = stratified_folds(&labels, k, self.seed);
        let mut reports = Vec::new();
        let mut out_of_fold = vec![0.0; records.len()];
        let mut fold_thresholds = Vec::with_capacity(k);
        for f in 0..k {
            progress(f, k);
            let train: Vec<&Record> = (0..records.len())
                .filter(|&i| folds[i] != f)
                .map(|i| records[i])
                .collect();
            let test: Vec<&Record> = (0..records.len())
                .filter(|&i| folds[i] == f)
                .map(|i| records[i])
                .collect();
            let model = self.fit_records(&train, &[])?;
            let probs: Vec<f64> = test.iter().map(|r| model.probability(&r.text)).collect();
            for (i, p) in (0..records.len()).filter(|&i| folds[i] == f).zip(&probs) {
                out_of_fold[i] = *p;
            }
            fold_thresholds.push(model.threshold());
            let truth: Vec<Label> = test.iter().map(|r| r.label).collect();
            reports.push(metrics::evaluate(&truth, &probs, model.threshold()));
        }
        progress(k, k);
        let f1: Vec<f64> = reports.iter().map(|r| r.macro_f1).collect();
        let acc: Vec<f64> = reports.iter().map(|r| r.accuracy).collect();
        Ok(CvReport {
            folds: k,
            seed: self.seed,
            examples: records.len(),
            macro_f1: metrics::mean_sd(&f1),
            accuracy: metrics::mean_sd(&acc),
            per_fold: reports,
            truth: labels,
            out_of_fold,
            fold_thresholds,
        })
    }
}

impl Fitted {
    /// P(opinion) of a featurised row.
    pub fn probability_of_row(&self, row: &[(u32, f64)]) -> f64 {
        let z = row.iter().fold(self.intercept, |acc, &(j, v)| {
            acc + self.weights.get(j as usize).copied().unwrap_or(0.0) * v
        });
        1.0 / (1.0 + (-z).exp())
    }
}

/// Results of [`TrainParams::cross_validate`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct CvReport {
    /// Number of folds.
    pub folds: usize,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// Rows cross-validated.
    pub examples: usize,
    /// Mean and sample standard deviation of macro-F1 over folds.
    pub macro_f1: (f64, f64),
    /// Mean and sample standard deviation of accuracy over folds.
    pub accuracy: (f64, f64),
    /// Each fold's full report.
    pub per_fold: Vec<Report>,
    /// Every row's true label, in input order.
    #[serde(skip)]
    pub truth: Vec<Label>,
    /// Every row's out-of-fold P(opinion), from the fold model that did not see it.
    #[serde(skip)]
    pub out_of_fold: Vec<f64>,
    /// The threshold of the fold model that scored each row.
    #[serde(skip)]
    pub fold_thresholds: Vec<f64>,
}

fn check_classes(records: &[&Record]) -> Result<()> {
    let opinion = records.iter().filter(|r| r.label == Label::Opinion).count();
    if records.is_empty() || opinion == 0 || opinion == records.len() {
        return Err(Error::Param(format!(
            "training needs both labels; got {} fact and {opinion} opinion rows",
            records.len() - opinion
        )));
    }
    Ok(())
}

/// Extra row indices that balance the classes by duplicating minority rows.
fn oversample(labels: &[Label], seed: u64) -> Vec<usize> {
    let opinion: Vec<usize> = (0..labels.len())
        .filter(|&i| labels[i] == Label::Opinion)
        .collect();
    let fact: Vec<usize> = (0..labels.len())
        .filter(|&i| labels[i] == Label::Fact)
        .collect();
    let (minority, gap) = if opinion.len() < fact.len() {
        (
            opinion,
            fact.len() - labels.iter().filter(|&&l| l == Label::Opinion).count(),
        )
    } else {
        (fact.clone(), opinion.len() - fact.len())
    };
    let mut rng = SplitMix::new(seed ^ 0x5eed);
    (0..gap)
        .map(|_| minority[rng.below(minority.len())])
        .collect()
}

/// The threshold on a grid of 0.005 steps in 0.05..=0.95 that maximises macro-F1
/// (ties: the one closest to 0.5), and that macro-F1.
pub fn best_threshold(truth: &[Label], probs: &[f64]) -> (f64, f64) {
    let mut best: (f64, f64) = (0.5, f64::MIN);
    for step in 10..=190 {
        let t = f64::from(step) * 0.005;
        let f1 = metrics::macro_f1_at(truth, probs, t);
        if f1 > best.1 + 1e-12
            || ((f1 - best.1).abs() <= 1e-12 && (t - 0.5).abs() < (best.0 - 0.5).abs())
        {
            best = (t, f1);
        }
    }
    ((best.0 * 1000.0).round() / 1000.0, best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_and_seeded() {
        let labels: Vec<Label> = (0..20)
            .map(|i| {
                if i % 4 == 0 {
                    Label::Opinion
                } else {
                    Label::Fact
                }
            })
            .collect();
        let folds = stratified_folds(&labels, 5, 7);
        for f in 0..5 {
            let members: Vec<usize> = (0..20).filter(|&i| folds[i] == f).collect();
            assert_eq!(members.len(), 4);
            assert_eq!(
                members
                    .iter()
                    .filter(|&&i| labels[i] == Label::Opinion)
                    .count(),
                1
            );
        }
        assert_eq!(folds, stratified_folds(&labels, 5, 7));
        assert_ne!(folds, stratified_folds(&labels, 5, 8));
    }

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
            threshold: Some(1.0),
            ..Default::default()
        };
        assert!(p.check().is_err());
    }

    #[test]
    fn best_threshold_separates() {
        let truth = [Label::Fact, Label::Fact, Label::Opinion, Label::Opinion];
        let (t, f1) = best_threshold(&truth, &[0.1, 0.3, 0.35, 0.9]);
        assert_eq!(f1, 1.0);
        assert!(t > 0.3 && t <= 0.35, "{t}");
    }

    fn record(text: &str, label: Label) -> Record {
        Record {
            id: None,
            text: text.into(),
            label,
            line: 0,
        }
    }

    #[test]
    fn sparse_inference_equals_linfa_dense_probabilities() {
        let texts = [
            (
                "Officials said 40 people were hurt on Tuesday.",
                Label::Fact,
            ),
            ("The company reported revenue of $3 billion.", Label::Fact),
            ("He told reporters the talks would resume.", Label::Fact),
            ("Police arrested two men, the ministry said.", Label::Fact),
            ("This is a terrible, shameful decision!", Label::Opinion),
            ("Surely we should do better than this?", Label::Opinion),
            ("Unfortunately, nobody seems to care.", Label::Opinion),
        ];
        let records: Vec<Record> = texts.iter().map(|(t, l)| record(t, *l)).collect();
        let refs: Vec<&Record> = records.iter().collect();
        let params = TrainParams {
            features: FeatureSettings {
                min_df: 1,
                ..Default::default()
            },
            ..Default::default()
        };
        let fitted = params.fit_core(&refs).unwrap();
        let probe = [
            "Officials said it was awful.",
            "We must act now!",
            "Shares fell 4 percent.",
        ];
        let d = fitted.featurizer.n_features();
        let mut dense = Array2::<f64>::zeros((probe.len(), d));
        let mut sparse = Vec::new();
        let (mut scratch, mut row) = (Scratch::default(), Vec::new());
        for (i, t) in probe.iter().enumerate() {
            fitted.featurizer.row_into(t, &mut scratch, &mut row);
            for &(j, v) in &row {
                dense[(i, j as usize)] = v;
            }
            sparse.push(fitted.probability_of_row(&row));
        }
        let linfa = fitted.linfa.predict_probabilities(&dense);
        let opinion_is_positive = fitted.linfa.labels().pos.class == Label::Opinion;
        for (p_sparse, p_linfa) in sparse.iter().zip(linfa.iter()) {
            let p_linfa = if opinion_is_positive {
                *p_linfa
            } else {
                1.0 - p_linfa
            };
            assert!((p_sparse - p_linfa).abs() < 1e-9, "{p_sparse} vs {p_linfa}");
        }
    }

    #[test]
    fn oversample_balances() {
        let labels = [Label::Fact, Label::Fact, Label::Fact, Label::Opinion];
        let extra = oversample(&labels, 1);
        assert_eq!(extra, vec![3, 3]);
    }
}
