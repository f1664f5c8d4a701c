//! The HTML evaluation report of `factop eval --report`: one self-contained page.

use crate::data::Label;
use crate::metrics::Report;
use serde::Serialize;

/// One confident mistake, for the error table.
#[derive(Debug, Clone, Serialize)]
pub struct Mistake {
    /// The row's id (or its line number).
    pub id: String,
    /// The sentence.
    pub text: String,
    /// The true label.
    pub label: Label,
    /// The model's P(opinion).
    pub opinion_probability: f64,
}

/// Everything the evaluation page shows.
#[derive(Debug, Clone, Copy)]
pub struct EvalPage<'a> {
    /// Heading, e.g. `factop-en on data/dev_test.csv`.
    pub title: &'a str,
    /// Metrics at the threshold (pooled over folds for cross-validation).
    pub report: &'a Report,
    /// True labels.
    pub truth: &'a [Label],
    /// P(opinion) per row.
    pub probs: &'a [f64],
    /// The decision threshold used.
    pub threshold: f64,
    /// The most confident mistakes.
    pub mistakes: &'a [Mistake],
    /// Per-fold reports, for cross-validation.
    pub folds: Option<&'a [Report]>,
}

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Render the evaluation page.
pub fn render_eval(page: &EvalPage<'_>) -> String {
    let r = page.report;
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\n<body><h1>{t}</h1>\n<table id=\"metrics\"><tr><th>accuracy</th><td>{:.4}</td></tr><tr><th>macro-F1</th><td>{:.4}</td></tr></table>\n</body></html>\n",
        r.accuracy,
        r.macro_f1,
        t = escape(page.title)
    )
}
