//! The curves an evaluation plots, computed from true labels and P(opinion): ROC,
//! precision–recall with average precision, reliability (calibration) bins with the
//! expected calibration error, and macro-F1 over a grid of thresholds.

use super::metrics;
use crate::label::Label;

/// A point of a curve, `(x, y)`.
pub type Point = (f64, f64);

/// Cumulative (true positive, false positive) counts after each group of equal scores,
/// scores taken from high to low, plus the totals of positives and negatives.
fn cumulative_counts(truth: &[Label], probs: &[f64]) -> (Vec<(usize, usize)>, usize, usize) {
    let n = truth.len().min(probs.len());
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut steps = Vec::new();
    let mut i = 0;
    while i < n {
        let score = probs[idx[i]];
        let mut j = i;
        // Ties form one step. NaN (never produced by the model) equals nothing and so
        // stands alone, which still terminates.
        while j < n && (j == i || probs[idx[j]] == score) {
            match truth[idx[j]] {
                Label::Opinion => tp += 1,
                Label::Fact => fp += 1,
            }
            j += 1;
        }
        steps.push((tp, fp));
        i = j;
    }
    (steps, tp, fp)
}

/// The ROC curve of P(opinion): `(false positive rate, true positive rate)` from
/// `(0, 0)` to `(1, 1)`, one point per distinct score (tied scores move both rates at
/// once, so ties count half in the area). `None` when either class is absent, where
/// the curve is undefined.
pub fn roc_curve(truth: &[Label], probs: &[f64]) -> Option<Vec<Point>> {
    let (steps, pos, neg) = cumulative_counts(truth, probs);
    if pos == 0 || neg == 0 {
        return None;
    }
    let mut points = Vec::with_capacity(steps.len() + 1);
    points.push((0.0, 0.0));
    for (tp, fp) in steps {
        points.push((fp as f64 / neg as f64, tp as f64 / pos as f64));
    }
    Some(points)
}

/// Area under a curve by the trapezoid rule (points in increasing x).
pub fn trapezoid_area(points: &[Point]) -> f64 {
    points
        .windows(2)
        .map(|w| (w[1].0 - w[0].0) * (w[1].1 + w[0].1) / 2.0)
        .sum()
}

/// The precision–recall curve of the opinion class: `(recall, precision)`, one point
/// per distinct score from high to low (recall never decreases). `None` when there is
/// no opinion sentence, where recall is undefined.
pub fn pr_curve(truth: &[Label], probs: &[f64]) -> Option<Vec<Point>> {
    let (steps, pos, _) = cumulative_counts(truth, probs);
    if pos == 0 {
        return None;
    }
    Some(
        steps
            .into_iter()
            .map(|(tp, fp)| (tp as f64 / pos as f64, tp as f64 / (tp + fp) as f64))
            .collect(),
    )
}

/// Average precision of a [`pr_curve`]: Σ (Rₖ − Rₖ₋₁)·Pₖ with R₀ = 0, the step-wise
/// area without interpolation (scikit-learn's `average_precision_score`).
pub fn average_precision(curve: &[Point]) -> f64 {
    let mut prev = 0.0;
    let mut ap = 0.0;
    for &(r, p) in curve {
        ap += (r - prev) * p;
        prev = r;
    }
    ap
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// Lower edge of P(opinion) (inclusive).
    pub lower: f64,
    /// Upper edge (exclusive, except 1.0 for the last bin).
    pub upper: f64,
    /// Sentences whose P(opinion) falls in the bin.
    pub count: usize,
    /// Their mean P(opinion) (0 for an empty bin).
    pub mean_predicted: f64,
    /// Their share of true opinions (0 for an empty bin).
    pub observed: f64,
}

/// `bins` equal-width bins of P(opinion) over [0, 1]; 1.0 falls in the last bin and
/// non-finite probabilities are left out.
pub fn calibration_bins(truth: &[Label], probs: &[f64], bins: usize) -> Vec<Bin> {
    let bins = bins.max(1);
    let mut acc = vec![(0usize, 0.0f64, 0usize); bins];
    for (t, &p) in truth.iter().zip(probs) {
        if !p.is_finite() {
            continue;
        }
        let p = p.clamp(0.0, 1.0);
        let k = ((p * bins as f64).floor() as usize).min(bins - 1);
        acc[k].0 += 1;
        acc[k].1 += p;
        acc[k].2 += usize::from(*t == Label::Opinion);
    }
    acc.into_iter()
        .enumerate()
        .map(|(k, (count, sum, opinions))| {
            let c = count.max(1) as f64;
            Bin {
                lower: k as f64 / bins as f64,
                upper: (k + 1) as f64 / bins as f64,
                count,
                mean_predicted: if count > 0 { sum / c } else { 0.0 },
                observed: if count > 0 { opinions as f64 / c } else { 0.0 },
            }
        })
        .collect()
}

/// Expected calibration error: the count-weighted mean |mean predicted − observed|.
pub fn expected_calibration_error(bins: &[Bin]) -> f64 {
    let n: usize = bins.iter().map(|b| b.count).sum();
    if n == 0 {
        return 0.0;
    }
    bins.iter()
        .map(|b| b.count as f64 * (b.mean_predicted - b.observed).abs())
        .sum::<f64>()
        / n as f64
}

/// Macro-F1 at thresholds 0.00, 0.01, …, 1.00: `(threshold, macro-F1)`.
pub fn threshold_sweep(truth: &[Label], probs: &[f64]) -> Vec<Point> {
    (0..=100)
        .map(|i| {
            let t = f64::from(i) / 100.0;
            (t, metrics::macro_f1_at(truth, probs, t))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Label::{Fact as F, Opinion as O};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    // truth F F F O O with scores 0.1 0.6 0.2 0.9 0.4 (the metrics module's example).
    const TRUTH: [Label; 5] = [F, F, F, O, O];
    const PROBS: [f64; 5] = [0.1, 0.6, 0.2, 0.9, 0.4];

    #[test]
    fn roc_points_and_area_by_hand() {
        // Descending: 0.9 O, 0.6 F, 0.4 O, 0.2 F, 0.1 F.
        let roc = roc_curve(&TRUTH, &PROBS).unwrap();
        let want = [
            (0.0, 0.0),
            (0.0, 0.5),
            (1.0 / 3.0, 0.5),
            (1.0 / 3.0, 1.0),
            (2.0 / 3.0, 1.0),
            (1.0, 1.0),
        ];
        assert_eq!(roc.len(), want.len());
        for (a, b) in roc.iter().zip(want) {
            assert!(close(a.0, b.0) && close(a.1, b.1), "{a:?} vs {b:?}");
        }
        assert!(close(trapezoid_area(&roc), 5.0 / 6.0));
        assert!(close(
            trapezoid_area(&roc),
            metrics::roc_auc(&TRUTH, &PROBS)
        ));
    }

    #[test]
    fn ties_are_one_step_and_count_half() {
        let truth = [F, O, F, O];
        let probs = [0.5, 0.5, 0.2, 0.8];
        let roc = roc_curve(&truth, &probs).unwrap();
        // 0.8 O; then the tie 0.5 {F, O} moves both rates at once; then 0.2 F.
        assert_eq!(roc, vec![(0.0, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)]);
        assert!(close(
            trapezoid_area(&roc),
            metrics::roc_auc(&truth, &probs)
        ));
        assert!(close(trapezoid_area(&roc), 0.875));
        let pr = pr_curve(&truth, &probs).unwrap();
        assert_eq!(pr, vec![(0.5, 1.0), (1.0, 2.0 / 3.0), (1.0, 0.5)]);
        assert!(close(average_precision(&pr), 0.5 + 0.5 * 2.0 / 3.0));
    }

    #[test]
    fn pr_points_and_average_precision_by_hand() {
        let pr = pr_curve(&TRUTH, &PROBS).unwrap();
        // After 0.9: tp1 fp0; 0.6: tp1 fp1; 0.4: tp2 fp1; 0.2: tp2 fp2; 0.1: tp2 fp3.
        let want = [
            (0.5, 1.0),
            (0.5, 0.5),
            (1.0, 2.0 / 3.0),
            (1.0, 0.5),
            (1.0, 0.4),
        ];
        assert_eq!(pr.len(), want.len());
        for (a, b) in pr.iter().zip(want) {
            assert!(close(a.0, b.0) && close(a.1, b.1), "{a:?} vs {b:?}");
        }
        // AP = 0.5·1 + 0.5·2/3
        assert!(close(average_precision(&pr), 0.5 + 1.0 / 3.0));
    }

    #[test]
    fn curves_are_undefined_for_one_class() {
        assert!(roc_curve(&[F, F], &[0.1, 0.9]).is_none());
        assert!(roc_curve(&[O, O], &[0.1, 0.9]).is_none());
        assert!(pr_curve(&[F, F], &[0.1, 0.9]).is_none());
        // All opinions: precision is 1 everywhere.
        let pr = pr_curve(&[O, O], &[0.1, 0.9]).unwrap();
        assert!(close(average_precision(&pr), 1.0));
        assert!(roc_curve(&[], &[]).is_none());
    }

    #[test]
    fn calibration_bins_by_hand() {
        let truth = [F, O, O, F, O, F];
        let probs = [0.05, 0.15, 0.12, 0.95, 1.0, 0.1];
        let bins = calibration_bins(&truth, &probs, 10);
        assert_eq!(bins.len(), 10);
        assert_eq!(bins[0].count, 1);
        assert!(close(bins[0].mean_predicted, 0.05) && close(bins[0].observed, 0.0));
        // 0.1 lies in [0.1, 0.2) with 0.15 and 0.12.
        assert_eq!(bins[1].count, 3);
        assert!(close(bins[1].mean_predicted, (0.15 + 0.12 + 0.1) / 3.0));
        assert!(close(bins[1].observed, 2.0 / 3.0));
        // 1.0 falls in the last bin.
        assert_eq!(bins[9].count, 2);
        assert!(close(bins[9].observed, 0.5));
        assert!(close(bins[9].lower, 0.9) && close(bins[9].upper, 1.0));
        assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), 6);
        assert!(bins[2..9].iter().all(|b| b.count == 0 && b.observed == 0.0));
        let ece = expected_calibration_error(&bins);
        let want = (0.05 + 3.0 * (0.37f64 / 3.0 - 2.0 / 3.0).abs() + 2.0 * (0.975 - 0.5)) / 6.0;
        assert!((ece - want).abs() < 1e-12, "{ece} vs {want}");
    }

    #[test]
    fn sweep_covers_the_grid() {
        let sweep = threshold_sweep(&TRUTH, &PROBS);
        assert_eq!(sweep.len(), 101);
        assert_eq!(sweep[0].0, 0.0);
        assert_eq!(sweep[100].0, 1.0);
        assert_eq!(sweep[50].0, 0.5);
        assert!(close(
            sweep[50].1,
            metrics::macro_f1_at(&TRUTH, &PROBS, 0.5)
        ));
    }
}
