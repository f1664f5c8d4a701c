//! The logistic model over a sparse feature row: the one place where a probability is
//! computed from weights.
//!
//! A row is a list of (column, value) pairs over the columns of every feature block.
//! The logit of P(opinion) is `intercept + Σ weight[column] × value`; P(opinion) is
//! its sigmoid. Explanations use the same products ([`Linear::contributions`]).

/// Weights and intercept of the logit of P(opinion).
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    intercept: f64,
    weights: Vec<f64>,
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Linear {
    /// A model with one weight per column.
    pub fn new(intercept: f64, weights: Vec<f64>) -> Self {
        Linear { intercept, weights }
    }

    /// The intercept.
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Weight per column.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    fn weight(&self, column: u32) -> f64 {
        self.weights.get(column as usize).copied().unwrap_or(0.0)
    }

    /// The logit of P(opinion) for a row.
    pub fn logit(&self, row: &[(u32, f64)]) -> f64 {
        row.iter()
            .fold(self.intercept, |acc, &(j, v)| acc + self.weight(j) * v)
    }

    /// P(opinion) for a row.
    pub fn probability(&self, row: &[(u32, f64)]) -> f64 {
        sigmoid(self.logit(row))
    }

    /// Each non-zero push `weight × value` on the logit, by column, sorted from the
    /// strongest push towards opinion to the strongest towards fact (ties by column).
    pub fn contributions(&self, row: &[(u32, f64)]) -> Vec<(usize, f64)> {
        let mut c: Vec<(usize, f64)> = row
            .iter()
            .map(|&(j, v)| (j as usize, self.weight(j) * v))
            .filter(|(_, c)| *c != 0.0)
            .collect();
        c.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logit_probability_and_contributions() {
        let m = Linear::new(-1.0, vec![2.0, -0.5, 0.0]);
        let row = [(0, 1.0), (1, 2.0), (2, 5.0), (7, 3.0)];
        assert_eq!(m.logit(&row), 0.0);
        assert_eq!(m.probability(&row), 0.5);
        assert_eq!(m.contributions(&row), vec![(0, 2.0), (1, -1.0)]);
        assert!((sigmoid(2.0) - 0.880_797_077_977_882_3).abs() < 1e-15);
    }
}
