//! Evaluation metrics: what fastText's `test` and scikit-learn's
//! `classification_report` print, plus ROC AUC, log loss, Brier score and the
//! majority-class baseline.

use crate::label::Label;
use serde::Serialize;
use std::collections::BTreeMap;

/// Precision, recall, F1 and support of one class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassScores {
    /// Of the sentences predicted as this class, the share that are.
    pub precision: f64,
    /// Of the sentences of this class, the share predicted as it.
    pub recall: f64,
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub f1: f64,
    /// Number of sentences of this class.
    pub support: usize,
}

/// Accuracy and macro-F1 of always predicting the most frequent label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baseline {
    /// The most frequent true label (fact on a tie).
    pub label: Label,
    /// Its accuracy.
    pub accuracy: f64,
    /// Its macro-F1.
    pub macro_f1: f64,
}

/// A full evaluation report, serialised as `eval --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Number of sentences evaluated.
    pub examples: usize,
    /// The decision threshold on P(opinion).
    pub threshold: f64,
    /// Share of correct labels.
    pub accuracy: f64,
    /// Unweighted mean of the two classes' F1 (the CheckThat! measure).
    pub macro_f1: f64,
    /// Scores per class, keyed `fact` and `opinion`.
    pub classes: BTreeMap<Label, ClassScores>,
    /// Rows: true label; columns: predicted label.
    pub confusion: BTreeMap<Label, BTreeMap<Label, usize>>,
    /// Area under the ROC curve of P(opinion) (0.5 when one class is absent).
    pub roc_auc: f64,
    /// Mean negative log-likelihood of the true labels (probabilities clipped to 1e-15).
    pub log_loss: f64,
    /// Mean squared error of P(opinion) against the 0/1 truth.
    pub brier: f64,
    /// The majority-class baseline on the same sentences.
    pub majority_baseline: Baseline,
}

fn div(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

fn class_scores(tp: usize, fp: usize, fn_: usize) -> ClassScores {
    let precision = div(tp as f64, (tp + fp) as f64);
    let recall = div(tp as f64, (tp + fn_) as f64);
    ClassScores {
        precision,
        recall,
        f1: div(2.0 * precision * recall, precision + recall),
        support: tp + fn_,
    }
}

/// Per-class scores keyed by label.
type ClassMap = BTreeMap<Label, ClassScores>;
/// Confusion counts: true label → predicted label → count.
type Confusion = BTreeMap<Label, BTreeMap<Label, usize>>;

/// (accuracy, macro-F1, per-class scores, confusion) of predictions against truth.
fn score_labels(truth: &[Label], pred: &[Label]) -> (f64, f64, ClassMap, Confusion) {
    let mut m = [[0usize; 2]; 2];
    for (t, p) in truth.iter().zip(pred) {
        m[*t as usize][*p as usize] += 1;
    }
    let n = truth.len();
    let accuracy = div((m[0][0] + m[1][1]) as f64, n as f64);
    let fact = class_scores(m[0][0], m[1][0], m[0][1]);
    let opinion = class_scores(m[1][1], m[0][1], m[1][0]);
    let macro_f1 = (fact.f1 + opinion.f1) / 2.0;
    let classes = BTreeMap::from([(Label::Fact, fact), (Label::Opinion, opinion)]);
    let row = |t: usize| BTreeMap::from([(Label::Fact, m[t][0]), (Label::Opinion, m[t][1])]);
    let confusion = BTreeMap::from([(Label::Fact, row(0)), (Label::Opinion, row(1))]);
    (accuracy, macro_f1, classes, confusion)
}

/// Macro-F1 of labelling `probs` with `threshold` against `truth`.
pub fn macro_f1_at(truth: &[Label], probs: &[f64], threshold: f64) -> f64 {
    let pred: Vec<Label> = probs
        .iter()
        .map(|&p| Label::from_probability(p, threshold))
        .collect();
    score_labels(truth, &pred).1
}

/// Rank-based ROC AUC (ties count half).
pub fn roc_auc(truth: &[Label], probs: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..truth.len()).collect();
    idx.sort_by(|&a, &b| probs[a].total_cmp(&probs[b]));
    let (mut rank_sum, mut pos) = (0.0, 0usize);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && probs[idx[j + 1]] == probs[idx[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            if truth[k] == Label::Opinion {
                rank_sum += avg_rank;
                pos += 1;
            }
        }
        i = j + 1;
    }
    let neg = truth.len() - pos;
    if pos == 0 || neg == 0 {
        return 0.5;
    }
    (rank_sum - (pos * (pos + 1)) as f64 / 2.0) / (pos * neg) as f64
}

/// Evaluate probabilities of opinion against true labels at `threshold`.
pub fn evaluate(truth: &[Label], probs: &[f64], threshold: f64) -> Report {
    let pred: Vec<Label> = probs
        .iter()
        .map(|&p| Label::from_probability(p, threshold))
        .collect();
    let (accuracy, macro_f1, classes, confusion) = score_labels(truth, &pred);
    let n = truth.len();
    let (mut ll, mut brier) = (0.0, 0.0);
    for (t, &p) in truth.iter().zip(probs) {
        let y = f64::from(*t == Label::Opinion);
        let q = p.clamp(1e-15, 1.0 - 1e-15);
        ll -= y * q.ln() + (1.0 - y) * (1.0 - q).ln();
        brier += (p - y) * (p - y);
    }
    let opinions = truth.iter().filter(|&&t| t == Label::Opinion).count();
    let major = if opinions * 2 > n {
        Label::Opinion
    } else {
        Label::Fact
    };
    let (b_acc, b_f1, _, _) = score_labels(truth, &vec![major; n]);
    Report {
        examples: n,
        threshold,
        accuracy,
        macro_f1,
        classes,
        confusion,
        roc_auc: roc_auc(truth, probs),
        log_loss: div(ll, n as f64),
        brier: div(brier, n as f64),
        majority_baseline: Baseline {
            label: major,
            accuracy: b_acc,
            macro_f1: b_f1,
        },
    }
}

/// Mean and sample standard deviation.
pub fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() > 1 {
        xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Label::{Fact as F, Opinion as O};

    #[test]
    fn report_matches_hand_computation() {
        // truth: F F F O O ; predictions at 0.5: F O F O F
        let truth = [F, F, F, O, O];
        let probs = [0.1, 0.6, 0.2, 0.9, 0.4];
        let r = evaluate(&truth, &probs, 0.5);
        assert_eq!(r.examples, 5);
        assert!((r.accuracy - 0.6).abs() < 1e-12);
        // fact: tp 2, fp 1, fn 1 -> p 2/3 r 2/3 f1 2/3; opinion: tp 1 fp 1 fn 1 -> 1/2
        assert!((r.classes[&F].f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!((r.classes[&O].f1 - 0.5).abs() < 1e-12);
        assert!((r.macro_f1 - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-12);
        assert_eq!(r.confusion[&F][&O], 1);
        assert_eq!(r.confusion[&O][&F], 1);
        // AUC: opinion scores 0.9, 0.4 vs fact 0.1, 0.6, 0.2 -> 5 of 6 pairs ordered
        assert!((r.roc_auc - 5.0 / 6.0).abs() < 1e-12);
        assert_eq!(r.majority_baseline.label, F);
        assert!((r.majority_baseline.accuracy - 0.6).abs() < 1e-12);
        assert!((r.majority_baseline.macro_f1 - 0.375).abs() < 1e-12);
        let brier = (0.01 + 0.36 + 0.04 + 0.01 + 0.36) / 5.0;
        assert!((r.brier - brier).abs() < 1e-12);
    }

    #[test]
    fn auc_ties_and_single_class() {
        assert!((roc_auc(&[F, O], &[0.5, 0.5]) - 0.5).abs() < 1e-12);
        assert_eq!(roc_auc(&[F, F], &[0.1, 0.9]), 0.5);
    }

    #[test]
    fn mean_sd_sample() {
        let (m, s) = mean_sd(&[1.0, 2.0, 3.0]);
        assert_eq!(m, 2.0);
        assert!((s - 1.0).abs() < 1e-12);
    }
}
