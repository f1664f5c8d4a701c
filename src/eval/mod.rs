//! Evaluation: the metrics of a set of predictions ([`metrics`]) and the curves an
//! evaluation report plots ([`curves`]: ROC, precision–recall, calibration, threshold
//! sweep). Pure numbers over true labels and probabilities; rendering them is the
//! command line's business.

pub mod curves;
pub mod metrics;
