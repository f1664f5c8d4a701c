//! The sparse fit: the same objective as linfa-logistic's (the log-loss summed over
//! rows plus `alpha / 2 * |w|²`, the intercept unpenalised) and the same optimiser
//! (argmin's L-BFGS with 10 correction pairs and a More-Thuente line search, started at
//! zero, stopped at the same gradient tolerance and iteration limit), over compressed
//! sparse rows instead of a dense rows × features matrix.
//!
//! A dense fit costs rows × features for every product and holds the whole matrix in
//! memory; this one costs the non-zeros (a sentence has a few dozen), so a 20,000-row
//! set with an 8,000-word vocabulary fits in seconds and a few megabytes instead of
//! minutes and a gigabyte. The two reach the same optimum; they differ only in the
//! order floats are summed, which moves the weights by far less than the tolerance
//! (`train::tests::sparse_and_dense_fits_agree` compares them).

use argmin::core::{CostFunction, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use ndarray::Array1;
use std::cell::RefCell;

/// Rows in compressed sparse row form: row `i` holds the columns
/// `indices[starts[i]..starts[i + 1]]` with the values at the same places in `values`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Csr {
    starts: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f64>,
    columns: usize,
}

impl Csr {
    /// An empty matrix with `columns` columns.
    #[cfg(test)]
    pub(crate) fn new(columns: usize) -> Csr {
        Csr {
            starts: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
            columns,
        }
    }

    /// An empty matrix with room for `rows` rows of `nonzeros` values in all.
    pub(crate) fn with_capacity(columns: usize, rows: usize, nonzeros: usize) -> Csr {
        let mut starts = Vec::with_capacity(rows + 1);
        starts.push(0);
        Csr {
            starts,
            indices: Vec::with_capacity(nonzeros),
            values: Vec::with_capacity(nonzeros),
            columns,
        }
    }

    /// Append one row of `(column, value)` pairs (columns below [`Csr::columns`]).
    pub(crate) fn push_row(&mut self, row: &[(u32, f64)]) {
        for &(j, v) in row {
            debug_assert!((j as usize) < self.columns);
            self.indices.push(j);
            self.values.push(v);
        }
        self.starts.push(self.indices.len());
    }

    /// Number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.starts.len() - 1
    }

    /// Number of columns.
    pub(crate) fn columns(&self) -> usize {
        self.columns
    }

    /// Row `i`'s columns and values.
    pub(crate) fn row_parts(&self, i: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.starts[i], self.starts[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// The rows `order` (repeats allowed), in that order.
    pub(crate) fn select(&self, order: &[usize]) -> Csr {
        let nonzeros = order
            .iter()
            .map(|&i| self.starts[i + 1] - self.starts[i])
            .sum();
        let mut out = Csr::with_capacity(self.columns, order.len(), nonzeros);
        for &i in order {
            let (a, b) = (self.starts[i], self.starts[i + 1]);
            out.indices.extend_from_slice(&self.indices[a..b]);
            out.values.extend_from_slice(&self.values[a..b]);
            out.starts.push(out.indices.len());
        }
        out
    }
}

/// The fitted weights (one per column) and intercept of the logit of the positive
/// class.
#[derive(Debug, Clone)]
pub(crate) struct SparseFit {
    /// One weight per column.
    pub weights: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
}

/// Fit L2-penalised logistic regression of `positive` (one flag per row of `x`).
/// `weights`, when given, multiplies each row's loss (one positive weight per row);
/// without it every row counts once.
pub(crate) fn fit(
    x: &Csr,
    positive: &[bool],
    weights: Option<&[f64]>,
    alpha: f64,
    max_iterations: u64,
    tolerance: f64,
) -> Result<SparseFit, String> {
    assert_eq!(x.rows(), positive.len(), "one label per row");
    if let Some(w) = weights {
        assert_eq!(w.len(), positive.len(), "one weight per row");
    }
    // linfa-logistic's own checks, with its messages: a non-finite value would keep
    // the line search from ever ending, and one class has no finite optimum.
    if x.values.iter().any(|v| !v.is_finite()) {
        return Err("Values must be finite and not `Inf`, `-Inf` or `NaN`".into());
    }
    if positive.iter().all(|&p| p) || !positive.iter().any(|&p| p) {
        return Err("Fewer than two classes for logistic regression".into());
    }
    let problem = Problem {
        x,
        y: positive
            .iter()
            .map(|&p| if p { 1.0 } else { -1.0 })
            .collect(),
        weights,
        alpha,
        last: RefCell::new(None),
    };
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
        .with_tolerance_grad(tolerance)
        .map_err(|e| e.to_string())?;
    let start = Array1::<f64>::zeros(x.columns() + 1);
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(start).max_iters(max_iterations))
        .run()
        .map_err(|e| e.to_string())?;
    let best = result
        .state
        .get_best_param()
        .cloned()
        .unwrap_or_else(|| Array1::zeros(x.columns() + 1));
    let mut weights = best.to_vec();
    let intercept = weights.pop().unwrap_or(0.0);
    Ok(SparseFit { weights, intercept })
}

struct Problem<'a> {
    x: &'a Csr,
    /// +1 for the positive class, -1 for the other.
    y: Vec<f64>,
    /// Each row's weight in the loss; `None`: 1 for every row.
    weights: Option<&'a [f64]>,
    alpha: f64,
    /// The last parameters seen and their margins `y_i * z_i`: the line search asks for
    /// the cost and then the gradient at the same point, and both need the margins.
    last: RefCell<Option<(Array1<f64>, Vec<f64>)>>,
}

impl Problem<'_> {
    /// Run `f` on the margins `y_i * (x_i . w + b)` at `p` (computed once per point).
    fn with_margins<R>(&self, p: &Array1<f64>, f: impl FnOnce(&[f64]) -> R) -> R {
        let mut last = self.last.borrow_mut();
        if !last.as_ref().is_some_and(|(q, _)| q == p) {
            let d = self.x.columns();
            let (w, b) = (&p.as_slice().expect("contiguous")[..d], p[d]);
            let margins = (0..self.x.rows())
                .map(|i| {
                    let (cols, vals) = self.x.row_parts(i);
                    let z = cols
                        .iter()
                        .zip(vals)
                        .fold(0.0, |s, (&j, &v)| s + v * w[j as usize]);
                    self.y[i] * (z + b)
                })
                .collect();
            *last = Some((p.clone(), margins));
        }
        f(&last.as_ref().expect("just computed").1)
    }
}

/// `log(sigmoid(x))` without overflow.
fn log_logistic(x: f64) -> f64 {
    if x > 0.0 {
        -(1.0 + (-x).exp()).ln()
    } else {
        x - (1.0 + x.exp()).ln()
    }
}

impl CostFunction for Problem<'_> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, p: &Array1<f64>) -> Result<f64, argmin::core::Error> {
        let d = self.x.columns();
        let w = &p.as_slice().expect("contiguous")[..d];
        let loss = self.with_margins(p, |m| match self.weights {
            None => -m.iter().map(|&m| log_logistic(m)).sum::<f64>(),
            Some(w) => -m
                .iter()
                .zip(w)
                .map(|(&m, &w)| w * log_logistic(m))
                .sum::<f64>(),
        });
        Ok(loss + 0.5 * self.alpha * w.iter().map(|w| w * w).sum::<f64>())
    }
}

impl Gradient for Problem<'_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(&self, p: &Array1<f64>) -> Result<Array1<f64>, argmin::core::Error> {
        let d = self.x.columns();
        let w = &p.as_slice().expect("contiguous")[..d];
        let mut g = Array1::<f64>::zeros(d + 1);
        let gs = g.as_slice_mut().expect("contiguous");
        for (j, &wj) in w.iter().enumerate() {
            gs[j] = self.alpha * wj;
        }
        let mut intercept = 0.0;
        self.with_margins(p, |margins| {
            for (i, &m) in margins.iter().enumerate() {
                // d/dz of -log(sigmoid(y z)) = y (sigmoid(y z) - 1)
                let mut r = self.y[i] * (1.0 / (1.0 + (-m).exp()) - 1.0);
                if let Some(w) = self.weights {
                    r *= w[i];
                }
                let (cols, vals) = self.x.row_parts(i);
                for (&j, &v) in cols.iter().zip(vals) {
                    gs[j as usize] += v * r;
                }
                intercept += r;
            }
        });
        gs[d] = intercept;
        Ok(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> (Csr, Vec<bool>) {
        let mut x = Csr::new(3);
        let rows: [&[(u32, f64)]; 6] = [
            &[(0, 1.0)],
            &[(0, 0.5), (2, 1.0)],
            &[(1, 1.0)],
            &[(1, 0.7), (2, 0.3)],
            &[],
            &[(0, 0.2), (1, 0.9)],
        ];
        for r in rows {
            x.push_row(r);
        }
        (x, vec![true, true, false, false, true, false])
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (x, y) = small();
        let problem = Problem {
            x: &x,
            y: y.iter().map(|&p| if p { 1.0 } else { -1.0 }).collect(),
            weights: Some(&[1.0, 2.0, 0.5, 1.0, 0.25, 3.0]),
            alpha: 0.7,
            last: RefCell::new(None),
        };
        let p = Array1::from(vec![0.3, -0.2, 0.5, 0.1]);
        let g = problem.gradient(&p).unwrap();
        for k in 0..4 {
            let h = 1e-6;
            let (mut a, mut b) = (p.clone(), p.clone());
            a[k] += h;
            b[k] -= h;
            let numeric = (problem.cost(&a).unwrap() - problem.cost(&b).unwrap()) / (2.0 * h);
            assert!((numeric - g[k]).abs() < 1e-6, "{k}: {numeric} vs {}", g[k]);
        }
    }

    #[test]
    fn bad_input_is_refused_like_linfa_refuses_it() {
        let (x, y) = small();
        assert!(fit(&x, &[true; 6], None, 1.0, 100, 1e-4)
            .unwrap_err()
            .contains("two classes"));
        assert!(fit(&Csr::new(3), &[], None, 1.0, 100, 1e-4).is_err());
        let mut bad = x.clone();
        bad.push_row(&[(1, f64::NAN)]);
        let mut labels = y.clone();
        labels.push(true);
        assert!(fit(&bad, &labels, None, 1.0, 100, 1e-4)
            .unwrap_err()
            .contains("finite"));
    }

    #[test]
    fn the_fit_reaches_a_zero_gradient() {
        let (x, y) = small();
        let fit = fit(&x, &y, None, 0.5, 300, 1e-8).unwrap();
        let problem = Problem {
            x: &x,
            y: y.iter().map(|&p| if p { 1.0 } else { -1.0 }).collect(),
            weights: None,
            alpha: 0.5,
            last: RefCell::new(None),
        };
        let mut p = fit.weights.clone();
        p.push(fit.intercept);
        let g = problem.gradient(&Array1::from(p)).unwrap();
        assert!(g.iter().all(|g| g.abs() < 1e-6), "{g}");
        // The positive rows lean on columns 0 and 2, the negative ones on column 1.
        assert!(
            fit.weights[0] > 0.0 && fit.weights[1] < 0.0,
            "{:?}",
            fit.weights
        );
    }

    #[test]
    fn a_row_weighted_two_is_that_row_twice() {
        // A row of weight 2 is that row given twice: the same objective, so the same
        // optimum.
        let (x, y) = small();
        let w = [2.0, 1.0, 2.0, 1.0, 2.0, 1.0];
        let weighted = fit(&x, &y, Some(&w), 0.8, 300, 1e-10).unwrap();
        let order: Vec<usize> = (0..6).chain([0, 2, 4]).collect();
        let twice = x.select(&order);
        let labels: Vec<bool> = order.iter().map(|&i| y[i]).collect();
        let repeated = fit(&twice, &labels, None, 0.8, 300, 1e-10).unwrap();
        for (a, b) in weighted.weights.iter().zip(&repeated.weights) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
        assert!((weighted.intercept - repeated.intercept).abs() < 1e-6);
        let ones = fit(&x, &y, Some(&[1.0; 6]), 0.8, 300, 1e-8).unwrap();
        let plain = fit(&x, &y, None, 0.8, 300, 1e-8).unwrap();
        assert_eq!(
            ones.weights, plain.weights,
            "weight 1 is no weight, bit for bit"
        );
    }
}
