//! Training: checked hyperparameters ([`params`]), fitting the feature blocks and the
//! logistic weights with linfa-logistic, threshold choice, and stratified
//! cross-validation over seeded folds (`folds`).
//!
//! linfa-logistic has no class weights. factop handles the class imbalance by choosing
//! the decision threshold that maximises macro-F1 on out-of-fold predictions of the
//! training data (default), and optionally by oversampling the minority class
//! (`--balance oversample`).

pub mod flags;
pub(crate) mod folds;
pub mod params;
pub(crate) mod sparse;

pub use flags::TrainFlags;
pub use folds::stratified_folds;
pub use params::{
    Balance, CheckedParams, EncoderTraining, Solver, TrainParams, DENSE_CELLS, ENCODER_SCALES,
};

use crate::data::{Dataset, Record};
use crate::encoder::Encoder;
use crate::error::{Error, Result};
use crate::eval::metrics::{self, Report};
use crate::label::Label;
use crate::model::blocks::encoder::Embedder;
use crate::model::blocks::{BlockFit, Featurizer, TrainingSet};
use crate::model::file::{DataSource, ModelFile, ScaleTrial, TrainingRecord};
use crate::model::linear::Linear;
use crate::model::{Classifier, ScoreBuffers};
use crate::pipeline::analysed::Analysed;
use folds::oversample;
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2, ShapeBuilder};
use std::sync::Arc;

/// The fitted parts of one logistic model, before it becomes a [`Classifier`].
pub(crate) struct Fitted {
    /// Feature extractor.
    pub featurizer: Featurizer,
    /// Weights and intercept of the logit of P(opinion).
    pub linear: Linear,
    /// linfa's own fitted model (its positive class may be either label), when the
    /// dense fit ran.
    pub linfa: Option<linfa_logistic::FittedLogisticRegression<f64, Label>>,
}

impl TrainParams {
    /// Check the parameters, then train a classifier on all rows of `data`; see
    /// [`CheckedParams::fit`].
    pub fn fit(&self, data: &[Dataset]) -> Result<Classifier> {
        self.check()?.fit(data)
    }
}

impl CheckedParams {
    /// Fit one logistic model on `records` (no threshold choice).
    #[cfg(test)]
    pub(crate) fn fit_core(&self, records: &[&Record]) -> Result<Fitted> {
        let prepared = self.prepared(records)?;
        let analysed = Analysed::new(&self.features, records);
        let all: Vec<usize> = (0..records.len()).collect();
        let this = prepared.with_solver_for(&analysed, records)?;
        Ok(this.fit_rows(&analysed, records, &all, &[])?.0)
    }

    /// The weight of each borrowed row when there are borrowed rows and it is not 1:
    /// such a fit needs row weights, which only the sparse fit has.
    fn borrowed_row_weight(&self) -> Option<f64> {
        (self.borrowed > 0 && self.borrow_weight != 1.0).then_some(self.borrow_weight)
    }

    /// The rows of `train` whose words make the vocabulary: all of them, or with
    /// `own_vocabulary` the own ones (borrowed rows are the last `self.borrowed`).
    fn vocabulary_rows(&self, records: &[&Record], train: &[usize]) -> Vec<usize> {
        let own = records.len() - self.borrowed;
        if self.own_vocabulary && self.borrowed > 0 {
            train.iter().copied().filter(|&i| i < own).collect()
        } else {
            train.to_vec()
        }
    }

    /// These parameters with [`Solver::Auto`] resolved once for a whole training run on
    /// `records`, by the size of its final fit (rows after balancing × columns), so
    /// that the fold fits and the final one use the same solver; a fit whose borrowed
    /// rows weigh less than 1 is always sparse.
    fn with_solver_for(&self, analysed: &Analysed, records: &[&Record]) -> Result<CheckedParams> {
        let mut this = self.clone();
        if self.solver == Solver::Auto {
            let all: Vec<usize> = (0..records.len()).collect();
            let vocabulary_rows = self.vocabulary_rows(records, &all);
            let set = TrainingSet {
                settings: &self.features,
                analysed,
                records,
                rows: &all,
                vocabulary_rows: &vocabulary_rows,
            };
            let columns = self.block_specs()?.iter().map(|b| b.width_on(&set)).sum();
            let opinion = records.iter().filter(|r| r.label == Label::Opinion).count();
            let rows = match self.balance {
                Balance::None => records.len(),
                Balance::Oversample => 2 * opinion.max(records.len() - opinion),
            };
            let weighted = self.borrowed_row_weight().is_some();
            this.set_solver(if weighted || Solver::Auto.is_sparse(rows, columns) {
                Solver::Sparse
            } else {
                Solver::Dense
            });
        }
        Ok(this)
    }

    /// Fit one logistic model on the records `train` (indices into `records`, which
    /// `analysed` holds), and return it with P(opinion) of each record in `score`.
    fn fit_rows(
        &self,
        analysed: &Analysed,
        records: &[&Record],
        train: &[usize],
        score: &[usize],
    ) -> Result<(Fitted, Vec<(usize, f64)>)> {
        let vocabulary_rows = self.vocabulary_rows(records, train);
        let set = TrainingSet {
            settings: &self.features,
            analysed,
            records,
            rows: train,
            vocabulary_rows: &vocabulary_rows,
        };
        let fits: Vec<Box<dyn BlockFit>> =
            self.block_specs()?.iter().map(|b| b.fit(&set)).collect();
        let mut bases = Vec::with_capacity(fits.len());
        let mut d = 0;
        for fit in &fits {
            bases.push(d as u32);
            d += fit.width();
        }
        // Each record's row, as `Featurizer::row_into` would give it.
        let row_of = |i: usize, row: &mut Vec<(u32, f64)>| {
            row.clear();
            for (fit, &base) in fits.iter().zip(&bases) {
                fit.append_training(&set, i, base, row);
            }
        };
        let mut order: Vec<usize> = (0..train.len()).collect();
        if self.balance == Balance::Oversample {
            let labels: Vec<Label> = train.iter().map(|&i| records[i].label).collect();
            order.extend(oversample(&labels, self.seed));
        }
        let mut row = Vec::new();
        let capacity =
            |rows: &[usize]| -> usize { fits.iter().map(|fit| fit.max_values(&set, rows)).sum() };
        let mut rows = sparse::Csr::with_capacity(d, train.len(), capacity(train));
        for &i in train {
            row_of(i, &mut row);
            rows.push_row(&row);
        }
        let mut scored = sparse::Csr::with_capacity(d, score.len(), capacity(score));
        for &i in score {
            row_of(i, &mut row);
            scored.push_row(&row);
        }
        let positive: Vec<bool> = order
            .iter()
            .map(|&k| records[train[k]].label == Label::Opinion)
            .collect();
        // Borrowed rows (the last `self.borrowed` records) weigh `borrow_weight`.
        let own = records.len() - self.borrowed;
        let weights: Option<Vec<f64>> = self.borrowed_row_weight().map(|w| {
            order
                .iter()
                .map(|&k| if train[k] >= own { w } else { 1.0 })
                .collect()
        });
        let (linear, linfa) = if weights.is_some() || self.solver.is_sparse(order.len(), d) {
            let rows = if order.len() > train.len() {
                rows.select(&order)
            } else {
                rows
            };
            let fit = sparse::fit(
                &rows,
                &positive,
                weights.as_deref(),
                self.alpha,
                self.max_iterations,
                self.tolerance,
            )
            .map_err(Error::Fit)?;
            (Linear::new(fit.intercept, fit.weights), None)
        } else {
            let mut x = Array2::<f64>::zeros((order.len(), d).f());
            let mut y = Array1::from_elem(order.len(), Label::Fact);
            for (n, &k) in order.iter().enumerate() {
                let (cols, values) = rows.row_parts(k);
                for (&j, &value) in cols.iter().zip(values) {
                    x[(n, j as usize)] = value;
                }
                y[n] = if positive[n] {
                    Label::Opinion
                } else {
                    Label::Fact
                };
            }
            drop(rows);
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
            (Linear::new(sign * model.intercept(), weights), Some(model))
        };
        let probs = score
            .iter()
            .enumerate()
            .map(|(n, &i)| {
                let (cols, values) = scored.row_parts(n);
                row.clear();
                row.extend(cols.iter().copied().zip(values.iter().copied()));
                (i, linear.probability(&row))
            })
            .collect();
        let blocks = fits.into_iter().map(|fit| fit.into_block()).collect();
        let featurizer = Featurizer::new(self.features.clone(), blocks);
        Ok((
            Fitted {
                featurizer,
                linear,
                linfa,
            },
            probs,
        ))
    }

    /// Out-of-fold P(opinion) for every record, from `k` stratified folds (for every
    /// own record: borrowed ones are always training rows).
    pub fn out_of_fold(&self, records: &[&Record], k: usize, seed: u64) -> Result<Vec<f64>> {
        let prepared = self.prepared(records)?;
        let analysed = Analysed::new(&self.features, records);
        let this = prepared.with_solver_for(&analysed, records)?;
        Ok(this
            .out_of_fold_with(&analysed, records, k, seed, false, &mut |_, _| {})?
            .0)
    }

    /// Out-of-fold probabilities of the own records from `k` folds and, with
    /// `and_final`, the fit on all `records` as one more job beside the folds: the jobs
    /// share the cores, so the final fit does not wait for the last fold. The folds
    /// split the own records; the borrowed ones (the last [`CheckedParams::borrowed`])
    /// are in every fold's training rows.
    fn out_of_fold_with(
        &self,
        analysed: &Analysed,
        records: &[&Record],
        k: usize,
        seed: u64,
        and_final: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(Vec<f64>, Option<Fitted>)> {
        enum Done {
            Fold(Vec<(usize, f64)>),
            Final(Box<Fitted>),
        }
        let own = records.len() - self.borrowed;
        let labels: Vec<Label> = records[..own].iter().map(|r| r.label).collect();
        let folds = stratified_folds(&labels, k, seed);
        let job = |f: usize| -> Result<Done> {
            if f == k {
                let all: Vec<usize> = (0..records.len()).collect();
                let (fitted, _) = self.fit_rows(analysed, records, &all, &[])?;
                return Ok(Done::Final(Box::new(fitted)));
            }
            let (mut train, held_out): (Vec<usize>, Vec<usize>) =
                (0..own).partition(|&i| folds[i] != f);
            train.extend(own..records.len());
            let train_records: Vec<&Record> = train.iter().map(|&i| records[i]).collect();
            check_classes(&train_records)?;
            let (_, probs) = self.fit_rows(analysed, records, &train, &held_out)?;
            Ok(Done::Fold(probs))
        };
        // The jobs are independent: run them on all cores, the final fit (the largest)
        // first. Each job's result does not depend on which thread computed it, so the
        // output is deterministic.
        let jobs: Vec<usize> = if and_final {
            std::iter::once(k).chain(0..k).collect()
        } else {
            (0..k).collect()
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(jobs.len());
        let mut probs = vec![0.0; own];
        let mut fitted = None;
        std::thread::scope(|scope| -> Result<()> {
            let (tx, rx) = std::sync::mpsc::channel();
            for t in 0..threads {
                let (tx, job, jobs) = (tx.clone(), &job, &jobs);
                scope.spawn(move || {
                    for &f in jobs.iter().skip(t).step_by(threads) {
                        if tx.send(job(f)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            progress(0, k + 1);
            for (done, result) in rx.into_iter().enumerate() {
                match result? {
                    Done::Fold(p) => p.into_iter().for_each(|(i, p)| probs[i] = p),
                    Done::Final(f) => fitted = Some(*f),
                }
                progress(done + 1, k + 1);
            }
            Ok(())
        })?;
        Ok((probs, fitted))
    }

    /// Train a classifier on all rows of `data`.
    pub fn fit(&self, data: &[Dataset]) -> Result<Classifier> {
        self.fit_with_progress(data, &mut |_, _| {})
    }

    /// [`CheckedParams::fit`], calling `progress(done, total)` before each model fit.
    pub fn fit_with_progress(
        &self,
        data: &[Dataset],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Classifier> {
        self.fit_borrowing(data, &[], progress)
    }

    /// Train on all rows of `data` plus the `borrowed` rows (another language's, say).
    /// Borrowed rows are training rows of every fit, but the folds that choose the
    /// threshold and the encoder block's scale split `data`'s rows only, so those
    /// choices are judged on the model's own kind of text.
    pub fn fit_borrowing(
        &self,
        data: &[Dataset],
        borrowed: &[Dataset],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Classifier> {
        let own: Vec<&Record> = data.iter().flat_map(|d| d.records.iter()).collect();
        if let Err(Error::Param(message)) = check_classes(&own) {
            let paths: Vec<String> = data.iter().map(|d| d.path.display().to_string()).collect();
            return Err(Error::DataFile {
                path: paths.join(" + ").into(),
                message,
            });
        }
        let mut records = own;
        records.extend(borrowed.iter().flat_map(|d| d.records.iter()));
        let mut this = self.clone();
        this.borrowed = records.len() - data.iter().map(|d| d.records.len()).sum::<usize>();
        // Embedded once here, for the fits and for the sentences the model keeps.
        let this = this.prepared(&records)?;
        let classifier = this.fit_records_with(&records, data, borrowed, progress)?;
        match &this.embedder {
            Some(embedder) => classifier.with_training_sentences(&records, embedder),
            None => Ok(classifier),
        }
    }

    /// Train on `records`; `data` only supplies provenance. The model keeps no training
    /// sentences for explanations (cross-validation's fold models need none).
    pub fn fit_records(&self, records: &[&Record], data: &[Dataset]) -> Result<Classifier> {
        self.fit_records_with(records, data, &[], &mut |_, _| {})
    }

    fn fit_records_with(
        &self,
        records: &[&Record],
        data: &[Dataset],
        borrowed_data: &[Dataset],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Classifier> {
        let own = records.len() - self.borrowed;
        check_classes(&records[..own])?;
        let search_scale = self.encoder.is_some_and(|e| e.scale.is_none());
        if (self.threshold.is_none() || search_scale) && self.threshold_folds > own {
            return Err(Error::Param(format!(
                "{} threshold folds need at least as many training rows; there are {own}",
                self.threshold_folds,
            )));
        }
        let prepared = self.prepared(records)?;
        let analysed = Analysed::new(&self.features, records);
        let this = &prepared.with_solver_for(&analysed, records)?;
        let labels: Vec<Label> = records[..own].iter().map(|r| r.label).collect();
        let folds = this.threshold_folds;
        let scales: Vec<Option<f64>> = if search_scale {
            ENCODER_SCALES.iter().map(|&s| Some(s)).collect()
        } else {
            vec![None]
        };
        let total = self.fits();
        // Out-of-fold predictions for each scale tried (one pass without an encoder
        // or with a given scale): the scale with the best macro-F1 at its best
        // threshold wins (ties: the smaller scale).
        let mut best: Option<(f64, f64, Option<f64>)> = None;
        let mut trials = Vec::new();
        // Without a scale search the final fit does not depend on the folds: it runs
        // beside them.
        let mut fitted = None;
        if total > 1 {
            for (i, scale) in scales.iter().enumerate() {
                let params = match scale {
                    Some(s) => this.with_encoder_scale(*s),
                    None => this.clone(),
                };
                let (probs, f) = params.out_of_fold_with(
                    &analysed,
                    records,
                    folds,
                    self.seed,
                    !search_scale,
                    &mut |d, _| progress(i * folds + d.min(folds), total),
                )?;
                fitted = f;
                let (t, f1) = best_threshold(&labels, &probs);
                if let Some(s) = scale {
                    trials.push(ScaleTrial {
                        scale: *s,
                        cv_macro_f1: (f1 * 1e6).round() / 1e6,
                    });
                }
                if best.is_none_or(|(_, b, _)| f1 > b) {
                    best = Some((t, f1, *scale));
                }
            }
        }
        let (threshold, cv_macro_f1) = match (self.threshold, best) {
            (Some(t), _) => (t, None),
            (None, Some((t, f1, _))) => (t, Some(f1)),
            (None, None) => unreachable!("the threshold is chosen by cross-validation"),
        };
        let final_params = match best.and_then(|b| b.2) {
            Some(s) => this.with_encoder_scale(s),
            None => this.clone(),
        };
        let fitted = match fitted {
            Some(f) => f,
            None => {
                progress(total - 1, total);
                let all: Vec<usize> = (0..records.len()).collect();
                final_params.fit_rows(&analysed, records, &all, &[])?.0
            }
        };
        progress(total, total);
        final_params.to_classifier(
            fitted,
            threshold,
            cv_macro_f1,
            records.len(),
            (data, borrowed_data),
            trials,
        )
    }

    /// With an encoder: these parameters with every record's embedding computed once
    /// (on all cores), for all the fits that follow; without one, or when already
    /// prepared, these parameters as they are.
    fn prepared(&self, records: &[&Record]) -> Result<std::borrow::Cow<'_, CheckedParams>> {
        let Some(e) = self.encoder.filter(|_| self.embedder.is_none()) else {
            return Ok(std::borrow::Cow::Borrowed(self));
        };
        let encoder = Encoder::installed(e.spec, "training")?;
        let texts: Vec<&str> = records.iter().map(|r| r.text.as_str()).collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut p = self.clone();
        p.embedder = Some(Arc::new(Embedder::remembering(
            encoder,
            e.pooling,
            &texts,
            threads,
            &self.embedding_cache,
            &mut |m| self.notes.send(&m),
        )));
        Ok(std::borrow::Cow::Owned(p))
    }

    fn to_classifier(
        &self,
        fitted: Fitted,
        threshold: f64,
        cv_macro_f1: Option<f64>,
        rows: usize,
        (data, borrowed): (&[Dataset], &[Dataset]),
        scale_search: Vec<ScaleTrial>,
    ) -> Result<Classifier> {
        let training = TrainingRecord {
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
            solver: fitted.linfa.is_none().then(|| "sparse".into()),
            borrow_weight: self.borrowed_row_weight(),
            own_vocabulary: self.borrowed > 0 && self.own_vocabulary,
            rows,
            data: data
                .iter()
                .map(|d| (d, false))
                .chain(borrowed.iter().map(|d| (d, true)))
                .map(|(d, borrowed)| {
                    let (fact, opinion) = d.counts();
                    DataSource {
                        path: d.path.to_string_lossy().replace('\\', "/"),
                        sha256: d.sha256.clone(),
                        rows: d.records.len(),
                        fact,
                        opinion,
                        skipped_empty: d.skipped_empty,
                        borrowed,
                    }
                })
                .collect(),
        };
        let file = ModelFile::trained(
            self.name.clone(),
            threshold,
            self.features.clone(),
            training,
            scale_search,
        );
        Classifier::from_parts(file, fitted.featurizer, fitted.linear)
    }

    /// Why `k`-fold cross-validation of `records` cannot run with these parameters (a
    /// fold model, or its threshold folds, would see too few rows of a label), judged
    /// from the label counts before any fold is fitted; `None` when it can.
    pub fn cv_shortfall(&self, records: &[&Record], k: usize) -> Option<String> {
        let records = &records[..records.len() - self.borrowed];
        let opinion = records.iter().filter(|r| r.label == Label::Opinion).count();
        let inner = (self.threshold.is_none() || self.encoder.is_some_and(|e| e.scale.is_none()))
            .then_some(self.threshold_folds);
        folds::cv_shortfall(records.len() - opinion, opinion, k, inner)
    }

    /// Stratified K-fold cross-validation of the whole training procedure (threshold
    /// choice included): each fold's model is trained on the other folds and scored on
    /// it at its own threshold.
    pub fn cross_validate(
        &self,
        records: &[&Record],
        k: usize,
        progress: impl FnMut(usize, usize),
    ) -> Result<CvReport> {
        self.cross_validate_borrowing(records, &[], k, progress)
    }

    /// [`CheckedParams::cross_validate`] of a training that borrows rows: the folds
    /// split `records`, and every fold's model is also trained on all of `borrowed`
    /// (which are never scored).
    pub fn cross_validate_borrowing(
        &self,
        records: &[&Record],
        borrowed: &[&Record],
        k: usize,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<CvReport> {
        let mut with_borrowed = self.clone();
        with_borrowed.borrowed = borrowed.len();
        let p = &with_borrowed;
        let own = records;
        let all: Vec<&Record> = own.iter().chain(borrowed).copied().collect();
        let records = &all[..];
        if k < 2 || k > own.len() {
            return Err(Error::Param(format!(
                "--cv needs 2 <= K <= {} (the rows), got {k}",
                own.len()
            )));
        }
        if let Some(message) = p.cv_shortfall(records, k) {
            return Err(Error::Param(message));
        }
        let prepared = p.prepared(records)?;
        let this = &match p.solver {
            Solver::Auto => {
                prepared.with_solver_for(&Analysed::new(&p.features, records), records)?
            }
            _ => prepared.into_owned(),
        };
        let labels: Vec<Label> = own.iter().map(|r| r.label).collect();
        let folds = stratified_folds(&labels, k, p.seed);
        let mut reports = Vec::new();
        let mut out_of_fold = vec![0.0; own.len()];
        let mut fold_thresholds = Vec::with_capacity(k);
        for f in 0..k {
            progress(f, k);
            let train: Vec<&Record> = (0..own.len())
                .filter(|&i| folds[i] != f)
                .map(|i| records[i])
                .chain(borrowed.iter().copied())
                .collect();
            let test: Vec<&Record> = (0..own.len())
                .filter(|&i| folds[i] == f)
                .map(|i| records[i])
                .collect();
            let model = this.fit_records(&train, &[])?;
            let mut buffers = ScoreBuffers::default();
            let probs: Vec<f64> = test
                .iter()
                .map(|r| model.probability_with(&r.text, &mut buffers))
                .collect();
            for (i, p) in (0..own.len()).filter(|&i| folds[i] == f).zip(&probs) {
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
            seed: p.seed,
            examples: own.len(),
            macro_f1: metrics::mean_sd(&f1),
            accuracy: metrics::mean_sd(&acc),
            per_fold: reports,
            truth: labels,
            out_of_fold,
            fold_thresholds,
        })
    }
}

/// Results of [`CheckedParams::cross_validate`].
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
    use crate::pipeline::analyzer::{FeatureSettings, Scratch};

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

    /// The rows a fit builds from the shared analysis give bit for bit the
    /// probabilities of the fitted featurizer's own rows, for unigrams to trigrams,
    /// both tf forms and oversampling, with either solver.
    #[test]
    fn shared_rows_equal_the_featurizer_rows() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let data = crate::data::load(&root.join("data/dev.csv"), &Default::default()).unwrap();
        let records: Vec<&Record> = data.records.iter().collect();
        let analysed_with = |p: &CheckedParams| Analysed::new(&p.features, &records);
        let (train, score): (Vec<usize>, Vec<usize>) = (0..records.len()).partition(|i| i % 3 != 0);
        for (ngram_max, sublinear_tf, balance, solver) in [
            (2, true, Balance::None, Solver::Sparse),
            (3, false, Balance::Oversample, Solver::Dense),
            (1, true, Balance::Oversample, Solver::Sparse),
        ] {
            let params = TrainParams {
                features: FeatureSettings {
                    ngram_max,
                    sublinear_tf,
                    ..Default::default()
                },
                balance,
                solver,
                ..Default::default()
            }
            .check()
            .unwrap();
            let analysed = analysed_with(&params);
            let (fitted, probs) = params
                .fit_rows(&analysed, &records, &train, &score)
                .unwrap();
            assert_eq!(probs.len(), score.len());
            let (mut scratch, mut row) = (Scratch::default(), Vec::new());
            for (i, p) in probs {
                fitted
                    .featurizer
                    .row_into(&records[i].text, &mut scratch, &mut row);
                assert_eq!(
                    p.to_bits(),
                    fitted.linear.probability(&row).to_bits(),
                    "row {i}"
                );
            }
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
        let fitted = params.check().unwrap().fit_core(&refs).unwrap();
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
            sparse.push(fitted.linear.probability(&row));
        }
        let model = fitted.linfa.as_ref().expect("a small set fits densely");
        let linfa = model.predict_probabilities(&dense);
        let opinion_is_positive = model.labels().pos.class == Label::Opinion;
        for (p_sparse, p_linfa) in sparse.iter().zip(linfa.iter()) {
            let p_linfa = if opinion_is_positive {
                *p_linfa
            } else {
                1.0 - p_linfa
            };
            assert!((p_sparse - p_linfa).abs() < 1e-9, "{p_sparse} vs {p_linfa}");
        }
    }

    /// The shipped English training set (train + dev).
    fn shipped_training_set() -> Vec<Record> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        ["data/train.csv", "data/dev.csv"]
            .iter()
            .flat_map(|f| {
                crate::data::load(&root.join(f), &Default::default())
                    .unwrap()
                    .records
            })
            .collect()
    }

    /// The sparse fit and linfa-logistic's dense fit minimise the same objective with
    /// the same optimiser: on the shipped English training set they give the same
    /// weights and the same probabilities.
    #[test]
    fn sparse_and_dense_fits_agree_on_the_shipped_training_set() {
        let records = shipped_training_set();
        let refs: Vec<&Record> = records.iter().collect();
        let fit = |solver| {
            let params = TrainParams {
                solver,
                ..Default::default()
            };
            params.check().unwrap().fit_core(&refs).unwrap()
        };
        let (dense, sparse) = (fit(Solver::Dense), fit(Solver::Sparse));
        assert!(dense.linfa.is_some() && sparse.linfa.is_none());
        let (wd, ws) = (dense.linear.weights(), sparse.linear.weights());
        assert_eq!(wd.len(), ws.len());
        assert!(wd.len() > 5000, "{} weights", wd.len());
        let pairs = wd
            .iter()
            .copied()
            .zip(ws.iter().copied())
            .chain([(dense.linear.intercept(), sparse.linear.intercept())]);
        for (i, (a, b)) in pairs.enumerate() {
            assert!(
                (a - b).abs() <= 1e-6 * a.abs() + 1e-12,
                "weight {i}: dense {a} sparse {b}"
            );
        }
        let (mut scratch, mut row) = (crate::pipeline::analyzer::Scratch::default(), Vec::new());
        let mut worst: f64 = 0.0;
        for r in &records {
            dense.featurizer.row_into(&r.text, &mut scratch, &mut row);
            let p = dense.linear.probability(&row);
            sparse.featurizer.row_into(&r.text, &mut scratch, &mut row);
            worst = worst.max((p - sparse.linear.probability(&row)).abs());
        }
        assert!(worst < 1e-9, "largest probability difference {worst}");
    }
}
