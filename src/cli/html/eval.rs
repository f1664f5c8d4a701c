//! The HTML evaluation report of `factop eval --report`: one self-contained page.
//!
//! The page has inline CSS and hand-written inline SVG only: no script, no font, image
//! or style sheet from anywhere else. Output is deterministic: the same input gives the
//! same bytes (floats are printed with fixed precision, never `NaN`).
//!
//! The curves it plots are computed by [`factop::eval::curves`]; this module only draws
//! them.

use super::common::{escape, escape_shown, num, BASE_CSS};
use factop::eval::curves::{
    average_precision, calibration_bins, expected_calibration_error, pr_curve, roc_curve,
    threshold_sweep, trapezoid_area, Bin, Point,
};
use factop::eval::metrics::{self, Report};
use factop::Label;
use serde::Serialize;
use std::fmt::Write as _;

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

/// An SVG coordinate: one decimal, 0 for non-finite input.
fn c(v: f64) -> String {
    num(if v.is_finite() { v } else { 0.0 }, 1)
}

/// A share as a percentage with one decimal.
fn pct(x: f64) -> String {
    format!("{}%", num(x * 100.0, 1))
}

fn unit(v: f64) -> f64 {
    if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn count(r: &Report, truth: Label, pred: Label) -> usize {
    r.confusion
        .get(&truth)
        .and_then(|row| row.get(&pred))
        .copied()
        .unwrap_or(0)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

// ---------------------------------------------------------------------------------
// SVG charts
// ---------------------------------------------------------------------------------

/// A chart's canvas and its plot rectangle; data coordinates are [0, 1] on both axes.
#[derive(Debug, Clone, Copy)]
struct Frame {
    width: f64,
    height: f64,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl Frame {
    const STANDARD: Frame = Frame {
        width: 520.0,
        height: 380.0,
        x0: 64.0,
        x1: 500.0,
        y0: 16.0,
        y1: 322.0,
    };

    fn x(&self, v: f64) -> f64 {
        self.x0 + unit(v) * (self.x1 - self.x0)
    }

    fn y(&self, v: f64) -> f64 {
        self.y1 - unit(v) * (self.y1 - self.y0)
    }

    fn xy(&self, p: Point) -> String {
        format!("{},{}", c(self.x(p.0)), c(self.y(p.1)))
    }

    fn open(&self, id: &str, title: &str) -> String {
        format!(
            "<svg id=\"{id}\" class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title\">\n<title id=\"{id}-title\">{}</title>\n",
            escape(title),
            w = c(self.width),
            h = c(self.height),
        )
    }

    /// Background, grid, tick labels (x ticks at `x_ticks_y`) and axis titles.
    fn axes(&self, x_title: &str, y_title: &str, x_ticks_y: f64) -> String {
        let mut s = format!(
            "<rect class=\"plot\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
            c(self.x0),
            c(self.y0),
            c(self.x1 - self.x0),
            c(self.y1 - self.y0)
        );
        for i in 0..=5 {
            let v = f64::from(i) / 5.0;
            let (x, y) = (c(self.x(v)), c(self.y(v)));
            let _ = writeln!(
                s,
                "<line class=\"grid\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/><line class=\"grid\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>",
                c(self.y0),
                c(self.y1),
                c(self.x0),
                c(self.x1)
            );
            let _ = writeln!(
                s,
                "<text class=\"tick\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text><text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                c(x_ticks_y),
                num(v, 1),
                c(self.x0 - 8.0),
                c(self.y(v) + 4.0),
                num(v, 1)
            );
        }
        let _ = writeln!(
            s,
            "<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            c(self.x0),
            c(self.y0),
            c(self.x1 - self.x0),
            c(self.y1 - self.y0)
        );
        let _ = writeln!(
            s,
            "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            c((self.x0 + self.x1) / 2.0),
            c(x_ticks_y + 24.0),
            escape(x_title)
        );
        let (yx, yy) = (c(18.0), c((self.y0 + self.y1) / 2.0));
        let _ = writeln!(
            s,
            "<text class=\"axis\" x=\"{yx}\" y=\"{yy}\" text-anchor=\"middle\" transform=\"rotate(-90 {yx} {yy})\">{}</text>",
            escape(y_title)
        );
        s
    }

    fn line(&self, class: &str, a: Point, b: Point) -> String {
        format!(
            "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
            c(self.x(a.0)),
            c(self.y(a.1)),
            c(self.x(b.0)),
            c(self.y(b.1))
        )
    }

    fn polyline(&self, class: &str, points: &[Point]) -> String {
        // Points that fall on the previous one (to a tenth of a pixel) are left out.
        let mut pts: Vec<String> = points.iter().map(|&p| self.xy(p)).collect();
        pts.dedup();
        format!(
            "<polyline class=\"{class}\" points=\"{}\"/>\n",
            pts.join(" ")
        )
    }

    fn dot(&self, class: &str, p: Point, r: f64, tip: &str) -> String {
        format!(
            "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{}</title></circle>\n",
            c(self.x(p.0)),
            c(self.y(p.1)),
            c(r),
            escape(tip)
        )
    }

    /// The model's operating point on a curve, with its threshold and coordinates
    /// (named by `axes`) on hover.
    fn operating_point(&self, p: Point, threshold: f64, axes: (&str, &str)) -> String {
        let tip = format!(
            "threshold {}: {} {}, {} {}",
            num(threshold, 3),
            axes.0,
            num(p.0, 3),
            axes.1,
            num(p.1, 3)
        );
        self.dot("op", p, 5.0, &tip)
    }

    /// Text at data coordinates, shifted by (dx, dy) pixels.
    fn label(&self, class: &str, p: Point, dx: f64, dy: f64, anchor: &str, text: &str) -> String {
        format!(
            "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>\n",
            c(self.x(p.0) + dx),
            c(self.y(p.1) + dy),
            escape(text)
        )
    }

    /// A message in the middle of the plot, for undefined curves.
    fn note(&self, text: &str) -> String {
        format!(
            "<text class=\"note\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            c((self.x0 + self.x1) / 2.0),
            c((self.y0 + self.y1) / 2.0),
            escape(text)
        )
    }
}

/// Everything the charts and tables derive from the page, computed once.
struct Derived {
    n: usize,
    positives: usize,
    roc: Option<Vec<Point>>,
    pr: Option<Vec<Point>>,
    ap: Option<f64>,
    bins: Vec<Bin>,
    sweep: Vec<Point>,
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

impl Derived {
    fn new(page: &EvalPage<'_>) -> Derived {
        let n = page.truth.len().min(page.probs.len());
        let (truth, probs) = (&page.truth[..n], &page.probs[..n]);
        let pr = pr_curve(truth, probs);
        let r = page.report;
        Derived {
            n,
            positives: truth.iter().filter(|&&t| t == Label::Opinion).count(),
            roc: roc_curve(truth, probs),
            ap: pr.as_deref().map(average_precision),
            pr,
            bins: calibration_bins(truth, probs, 10),
            sweep: threshold_sweep(truth, probs),
            tp: count(r, Label::Opinion, Label::Opinion),
            fp: count(r, Label::Fact, Label::Opinion),
            fn_: count(r, Label::Opinion, Label::Fact),
            tn: count(r, Label::Fact, Label::Fact),
        }
    }

    fn prevalence(&self) -> f64 {
        ratio(self.positives, self.n)
    }
}

fn roc_svg(page: &EvalPage<'_>, d: &Derived) -> String {
    let f = Frame::STANDARD;
    let mut s = f.open("roc", "ROC curve of P(opinion)");
    s += &f.axes(
        "false positive rate (facts called opinion)",
        "true positive rate (opinion recall)",
        f.y1 + 18.0,
    );
    s += &f.line("ref", (0.0, 0.0), (1.0, 1.0));
    match &d.roc {
        Some(points) => {
            let mut area: Vec<String> = points.iter().map(|&p| f.xy(p)).collect();
            area.push(f.xy((1.0, 0.0)));
            area.dedup();
            let _ = writeln!(s, "<polygon class=\"area\" points=\"{}\"/>", area.join(" "));
            s += &f.polyline("curve", points);
            let op = (ratio(d.fp, d.fp + d.tn), ratio(d.tp, d.tp + d.fn_));
            s += &f.operating_point(op, page.threshold, ("FPR", "TPR"));
            s += &f.label(
                "big",
                (1.0, 0.0),
                -12.0,
                -14.0,
                "end",
                &format!("AUC {}", num(trapezoid_area(points), 3)),
            );
        }
        None => s += &f.note("undefined: the data has only one class"),
    }
    s + "</svg>\n"
}

fn pr_svg(page: &EvalPage<'_>, d: &Derived) -> String {
    let f = Frame::STANDARD;
    let mut s = f.open("pr", "Precision-recall curve of the opinion class");
    s += &f.axes("recall (opinion)", "precision (opinion)", f.y1 + 18.0);
    let base = d.prevalence();
    s += &f.line("ref", (0.0, base), (1.0, base));
    // At the right end, under the line: where the curve meets it from above.
    s += &f.label(
        "muted",
        (1.0, base),
        -8.0,
        if base < 0.1 { -6.0 } else { 14.0 },
        "end",
        &format!("opinion share {}", num(base, 3)),
    );
    match (&d.pr, d.ap) {
        (Some(points), Some(ap)) if !points.is_empty() => {
            // Step-wise: precision Pₖ holds over recall (Rₖ₋₁, Rₖ]; the area under the
            // steps is the average precision.
            // Commands that would not move by a tenth of a pixel are left out.
            let (mut x, mut y) = (c(f.x(0.0)), c(f.y(points[0].1)));
            let mut path = format!("M{x},{y}");
            for &(r, p) in points {
                let py = c(f.y(p));
                if py != y {
                    let _ = write!(path, " V{py}");
                    y = py;
                }
                let px = c(f.x(r));
                if px != x {
                    let _ = write!(path, " H{px}");
                    x = px;
                }
            }
            let _ = writeln!(s, "<path class=\"curve\" d=\"{path}\"/>");
            let op = (ratio(d.tp, d.tp + d.fn_), ratio(d.tp, d.tp + d.fp));
            if d.tp + d.fp > 0 {
                s += &f.operating_point(op, page.threshold, ("recall", "precision"));
            }
            s += &f.label(
                "big",
                (1.0, 1.0),
                -12.0,
                26.0,
                "end",
                &format!("AP {}", num(ap, 3)),
            );
        }
        _ => s += &f.note("undefined: the data has no opinion sentence"),
    }
    s + "</svg>\n"
}

fn calibration_svg(d: &Derived) -> String {
    let f = Frame {
        height: 430.0,
        y1: 282.0,
        ..Frame::STANDARD
    };
    let (hist_top, hist_bottom) = (f.y1 + 22.0, f.y1 + 82.0);
    let mut s = f.open(
        "calibration",
        "Reliability diagram: mean predicted P(opinion) against the observed opinion share, 10 bins",
    );
    s += &f.axes(
        "P(opinion), 10 equal-width bins",
        "observed opinion share",
        hist_bottom + 16.0,
    );
    s += &f.line("ref", (0.0, 0.0), (1.0, 1.0));
    let filled: Vec<&Bin> = d.bins.iter().filter(|b| b.count > 0).collect();
    if filled.is_empty() {
        s += &f.note("no predictions");
    } else {
        let pts: Vec<Point> = filled
            .iter()
            .map(|b| (b.mean_predicted, b.observed))
            .collect();
        s += &f.polyline("curve", &pts);
        for b in &filled {
            s += &f.dot(
                "bin",
                (b.mean_predicted, b.observed),
                4.0,
                &format!(
                    "P(opinion) {}–{}: {} sentences, mean predicted {}, observed {}",
                    num(b.lower, 1),
                    num(b.upper, 1),
                    b.count,
                    num(b.mean_predicted, 3),
                    num(b.observed, 3)
                ),
            );
        }
    }
    // Bin counts, as a histogram under the plot on the same x axis.
    let max = d.bins.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let bar_room = hist_bottom - hist_top - 14.0;
    let _ = writeln!(
        s,
        "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">count</text>",
        c(f.x0 - 8.0),
        c(hist_bottom - 2.0)
    );
    let _ = writeln!(
        s,
        "<line class=\"frame\" x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\"/>",
        c(f.x0),
        c(f.x1),
        b = c(hist_bottom)
    );
    for b in &d.bins {
        let (x0, x1) = (f.x(b.lower) + 2.0, f.x(b.upper) - 2.0);
        let h = bar_room * b.count as f64 / max;
        let _ = writeln!(
            s,
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} sentences</title></rect><text class=\"count\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            c(x0),
            c(hist_bottom - h),
            c(x1 - x0),
            c(h),
            b.count,
            c((x0 + x1) / 2.0),
            c(hist_bottom - h - 3.0),
            b.count
        );
    }
    let _ = writeln!(
        s,
        "<text class=\"big\" x=\"{}\" y=\"{}\" text-anchor=\"start\">ECE {}</text>",
        c(f.x0 + 12.0),
        c(f.y0 + 24.0),
        num(expected_calibration_error(&d.bins), 3)
    );
    s + "</svg>\n"
}

fn threshold_svg(page: &EvalPage<'_>, d: &Derived) -> String {
    let f = Frame::STANDARD;
    let mut s = f.open("threshold", "Macro-F1 against the decision threshold");
    s += &f.axes("decision threshold on P(opinion)", "macro-F1", f.y1 + 18.0);
    let base = page.report.majority_baseline.macro_f1;
    s += &f.line("ref", (0.0, base), (1.0, base));
    // At the right end, under the line: where the curve meets it from above.
    s += &f.label(
        "muted",
        (1.0, base),
        -8.0,
        if base < 0.1 { -6.0 } else { 14.0 },
        "end",
        &format!("majority baseline {}", num(base, 3)),
    );
    s += &f.polyline("curve", &d.sweep);
    let t = unit(page.threshold);
    s += &f.line("mark", (t, 0.0), (t, 1.0));
    let (dx, anchor) = if t > 0.6 {
        (-6.0, "end")
    } else {
        (6.0, "start")
    };
    s += &f.label(
        "marklabel",
        (t, 1.0),
        dx,
        16.0,
        anchor,
        &format!("threshold {}", num(page.threshold, 3)),
    );
    s += &f.label(
        "marklabel",
        (t, 1.0),
        dx,
        31.0,
        anchor,
        &format!("macro-F1 {}", num(page.report.macro_f1, 3)),
    );
    let best = d
        .sweep
        .iter()
        .copied()
        .fold(None::<Point>, |best, p| match best {
            Some(b) if b.1 >= p.1 => Some(b),
            _ => Some(p),
        });
    if let Some(b) = best {
        s += &f.dot(
            "best",
            b,
            4.5,
            &format!(
                "best on the grid: macro-F1 {} at {}",
                num(b.1, 3),
                num(b.0, 2)
            ),
        );
        // Beside the dot, on the side away from the threshold line.
        let dy = if b.1 > 0.85 { 18.0 } else { -10.0 };
        let (dx, anchor) = if b.0 >= t {
            (8.0, "start")
        } else {
            (-8.0, "end")
        };
        s += &f.label(
            "muted",
            b,
            dx,
            dy,
            anchor,
            &format!("best {} at {}", num(b.1, 3), num(b.0, 2)),
        );
    }
    s + "</svg>\n"
}

// ---------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------

fn metrics_table(page: &EvalPage<'_>, d: &Derived) -> String {
    let r = page.report;
    let b = &r.majority_baseline;
    // The baseline's per-class scores: always predicting the majority label.
    let constant = if b.label == Label::Opinion { 1.0 } else { 0.0 };
    let base = metrics::evaluate(&page.truth[..d.n], &vec![constant; d.n], 0.5);
    // Probability scores of the best constant guess: the opinion share.
    let q = d.prevalence();
    let prior_ll = if q > 0.0 && q < 1.0 {
        -(q * q.ln() + (1.0 - q) * (1.0 - q).ln())
    } else {
        0.0
    };
    let prior_brier = q * (1.0 - q);
    let mut s = String::from(
        "<table id=\"metrics\" class=\"metrics\">\n<thead><tr><th></th><th>model</th>",
    );
    let _ = writeln!(
        s,
        "<th>majority baseline<br><small>always {}</small></th></tr></thead>",
        b.label
    );
    let row = |s: &mut String, name: &str, model: String, baseline: String| {
        let _ = writeln!(
            s,
            "<tr><th>{name}</th><td>{model}</td><td class=\"baseline\">{baseline}</td></tr>"
        );
    };
    s.push_str("<tbody>\n");
    row(
        &mut s,
        "sentences (N)",
        r.examples.to_string(),
        r.examples.to_string(),
    );
    row(&mut s, "threshold", num(r.threshold, 3), "–".into());
    row(&mut s, "accuracy", num(r.accuracy, 4), num(b.accuracy, 4));
    row(&mut s, "macro-F1", num(r.macro_f1, 4), num(b.macro_f1, 4));
    s.push_str("</tbody>\n");
    for (label, scores) in &r.classes {
        let bs = base.classes.get(label);
        let get =
            |f: fn(&metrics::ClassScores) -> f64| bs.map(f).map_or("–".into(), |v| num(v, 4));
        let _ = writeln!(
            s,
            "<tbody><tr class=\"group\"><th colspan=\"3\"><span class=\"swatch {label}\"></span>{label} <small>support {}</small></th></tr>",
            scores.support
        );
        row(
            &mut s,
            "precision",
            num(scores.precision, 4),
            get(|c| c.precision),
        );
        row(&mut s, "recall", num(scores.recall, 4), get(|c| c.recall));
        row(&mut s, "F1", num(scores.f1, 4), get(|c| c.f1));
        s.push_str("</tbody>\n");
    }
    s.push_str("<tbody><tr class=\"group\"><th colspan=\"3\">probabilities</th></tr>\n");
    row(&mut s, "ROC AUC", num(r.roc_auc, 4), num(0.5, 4));
    row(
        &mut s,
        "average precision",
        d.ap.map_or("n/a".into(), |v| num(v, 4)),
        num(q, 4),
    );
    row(
        &mut s,
        "log loss",
        num(r.log_loss, 4),
        format!("{}†", num(prior_ll, 4)),
    );
    row(
        &mut s,
        "Brier",
        num(r.brier, 4),
        format!("{}†", num(prior_brier, 4)),
    );
    s.push_str("</tbody>\n</table>\n");
    let _ = writeln!(
        s,
        "<p class=\"note\">† For the probability scores the baseline predicts the opinion share, P(opinion) = {}, for every sentence.</p>",
        num(q, 3)
    );
    s
}

fn confusion_table(r: &Report) -> String {
    let labels = [Label::Fact, Label::Opinion];
    let mut s = String::from(
        "<table id=\"confusion\" class=\"confusion\">\n<thead><tr><th rowspan=\"2\" class=\"corner\">true ↓</th><th colspan=\"2\">predicted</th><th rowspan=\"2\">total</th></tr>\n<tr><th>fact</th><th>opinion</th></tr></thead>\n<tbody>\n",
    );
    for t in labels {
        let total: usize = labels.iter().map(|&p| count(r, t, p)).sum();
        let _ = write!(s, "<tr><th>{t}</th>");
        for p in labels {
            let n = count(r, t, p);
            let share = ratio(n, total);
            let alpha = 0.08 + 0.82 * share;
            let (rgb, kind) = if t == p {
                ("22,163,74", "hit")
            } else {
                ("220,38,38", "miss")
            };
            let ink = if alpha > 0.55 { " dark" } else { "" };
            let _ = write!(
                s,
                "<td class=\"cell {kind}{ink}\" style=\"background-color:rgba({rgb},{})\" title=\"true {t}, predicted {p}: {n} ({} of the row)\"><span class=\"n\">{n}</span><span class=\"share\">{}</span></td>",
                num(alpha, 3),
                pct(share),
                pct(share)
            );
        }
        let _ = writeln!(s, "<td class=\"total\">{total}</td></tr>");
    }
    let col = |p: Label| labels.iter().map(|&t| count(r, t, p)).sum::<usize>();
    let _ = writeln!(
        s,
        "<tr class=\"totals\"><th>total</th><td class=\"total\">{}</td><td class=\"total\">{}</td><td class=\"total\">{}</td></tr>",
        col(Label::Fact),
        col(Label::Opinion),
        col(Label::Fact) + col(Label::Opinion)
    );
    s.push_str("</tbody>\n</table>\n");
    s
}

fn errors_table(page: &EvalPage<'_>) -> String {
    if page.mistakes.is_empty() {
        return "<p id=\"errors\" class=\"note\">No mistakes at this threshold.</p>\n".into();
    }
    let mut s = String::from(
        "<table id=\"errors\" class=\"errors\">\n<thead><tr><th>#</th><th>id</th><th>sentence</th><th>true label</th><th>P(opinion)</th></tr></thead>\n<tbody>\n",
    );
    for (i, m) in page.mistakes.iter().enumerate() {
        let p = m.opinion_probability;
        let _ = writeln!(
            s,
            "<tr><td class=\"num\">{}</td><td class=\"id\">{}</td><td class=\"text\">{}</td><td><span class=\"swatch {l}\"></span>{l}</td><td class=\"num\"><span class=\"pbar\"><span style=\"width:{}%\"></span></span>{}</td></tr>",
            i + 1,
            escape_shown(&m.id),
            escape_shown(&m.text),
            num(unit(p) * 100.0, 1),
            num(p, 3),
            l = m.label
        );
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

fn folds_table(folds: &[Report]) -> String {
    let mut s = String::from(
        "<table id=\"folds\" class=\"folds\">\n<thead><tr><th>fold</th><th>sentences</th><th>threshold</th><th>accuracy</th><th>macro-F1</th><th>ROC AUC</th></tr></thead>\n<tbody>\n",
    );
    for (i, r) in folds.iter().enumerate() {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            r.examples,
            num(r.threshold, 3),
            num(r.accuracy, 4),
            num(r.macro_f1, 4),
            num(r.roc_auc, 4)
        );
    }
    let ms = |f: fn(&Report) -> f64, prec: usize| {
        let xs: Vec<f64> = folds.iter().map(f).collect();
        let (m, sd) = metrics::mean_sd(&xs);
        format!("{} ± {}", num(m, prec), num(sd, prec))
    };
    let _ = writeln!(
        s,
        "</tbody>\n<tfoot><tr><th>mean ± sd</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></tfoot>\n</table>",
        folds.iter().map(|r| r.examples).sum::<usize>(),
        ms(|r| r.threshold, 3),
        ms(|r| r.accuracy, 4),
        ms(|r| r.macro_f1, 4),
        ms(|r| r.roc_auc, 4)
    );
    s
}

// ---------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------

const EVAL_CSS: &str = "\
.kpis{display:flex;gap:14px;flex-wrap:wrap;margin:0 0 20px}
.kpi{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:150px}
.kpi b{display:block;font-size:24px;font-variant-numeric:tabular-nums}
.kpi small{display:block}
.row{display:flex;gap:20px;flex-wrap:wrap;align-items:flex-start}
.row>.card{flex:1 1 520px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:20px;margin:0 0 20px}
.grid>.card{margin:0}
figure{margin:0}
figcaption{font-size:13px;color:var(--muted);margin-top:6px}
svg.chart{display:block;width:100%;max-width:520px;height:auto;font-size:12px}
svg .plot{fill:#fff}
svg .frame{fill:none;stroke:#9ca3af}
svg .grid{stroke:#eef0f3}
svg .tick{fill:var(--muted);font-size:11px}
svg .axis{fill:var(--ink);font-size:12px}
svg .ref{stroke:#9ca3af;stroke-dasharray:5 4;stroke-width:1.2}
svg .curve{fill:none;stroke:rgb(var(--fact));stroke-width:2.2;stroke-linejoin:round}
svg .area{fill:rgba(var(--fact),.10)}
svg .op{fill:rgb(var(--opinion));stroke:#fff;stroke-width:1.5}
svg .bin{fill:rgb(var(--fact));stroke:#fff;stroke-width:1.5}
svg .best{fill:#16a34a;stroke:#fff;stroke-width:1.5}
svg .bar{fill:rgba(var(--fact),.35)}
svg .count{fill:var(--muted);font-size:10px}
svg .mark{stroke:rgb(var(--opinion));stroke-width:1.8}
svg .marklabel{fill:rgb(var(--opinion));font-size:12px;font-weight:600}
svg .muted{fill:var(--muted);font-size:11px}
svg .big{fill:var(--ink);font-size:16px;font-weight:600}
svg .note{fill:var(--muted);font-size:14px}
table.metrics td,table.folds td,table.folds tfoot th{text-align:right;font-variant-numeric:tabular-nums}
table.metrics{width:100%;max-width:560px}
table.metrics th,table.metrics td{border-bottom:1px solid var(--line)}
table.metrics thead th{vertical-align:bottom;text-align:right}
table.metrics tr.group th{padding-top:12px;border-bottom:1px solid #cbd5e1}
table.metrics td.baseline{color:var(--muted)}
table.confusion{margin:8px 0}
table.confusion th{text-align:center;vertical-align:middle;font-weight:600}
table.confusion th.corner{font-weight:400;color:var(--muted);font-size:13px;vertical-align:bottom}
table.confusion td.cell{width:130px;height:86px;text-align:center;vertical-align:middle;border:2px solid #fff;border-radius:6px}
table.confusion td.dark{color:#fff}
table.confusion .n{display:block;font-size:26px;font-weight:700;font-variant-numeric:tabular-nums}
table.confusion .share{display:block;font-size:12px}
table.confusion td.total{text-align:center;vertical-align:middle;color:var(--muted)}
table.errors{width:100%}
table.folds{min-width:60%}
table.folds thead th{text-align:right}
table.folds th:first-child,table.folds td:first-child{text-align:left}
table.errors th,table.folds th{border-bottom:2px solid var(--line)}
table.errors td,table.folds td{border-bottom:1px solid var(--line)}
table.errors td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
table.errors td.id{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:12px;color:var(--muted);max-width:140px;overflow-wrap:anywhere}
table.errors td.text{max-width:680px}
.pbar{display:inline-block;width:60px;height:8px;background:#e5e7eb;border-radius:4px;margin-right:8px;vertical-align:1px;overflow:hidden}
.pbar span{display:block;height:100%;background:rgb(var(--opinion))}
";

/// The ids of the sections every evaluation page has (`folds` is added for
/// cross-validation), which the tests check.
#[cfg(test)]
pub const SECTION_IDS: [&str; 7] = [
    "metrics",
    "confusion",
    "roc",
    "pr",
    "calibration",
    "threshold",
    "errors",
];

/// Render the evaluation page.
pub fn render_eval(page: &EvalPage<'_>) -> String {
    let r = page.report;
    let d = Derived::new(page);
    let title = escape(&factop::pipeline::chars::visible(page.title));
    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{BASE_CSS}{EVAL_CSS}</style>\n</head>\n<body>\n<header>\n<h1>{title}</h1>\n"
    );
    let _ = writeln!(
        s,
        "<p class=\"sub\">{} sentences ({} opinion, {} of them) · decision threshold {} on P(opinion){}</p>\n</header>",
        r.examples,
        d.positives,
        pct(d.prevalence()),
        num(page.threshold, 3),
        match page.folds {
            Some(f) => format!(
                " · pooled out-of-fold probabilities of {} folds, at the mean fold threshold",
                f.len()
            ),
            None => String::new(),
        }
    );
    // Key numbers.
    s.push_str("<section class=\"kpis\">\n");
    let kpi = |s: &mut String, value: String, name: &str, note: String| {
        let _ = writeln!(
            s,
            "<div class=\"kpi\"><small>{name}</small><b>{value}</b><small>{note}</small></div>"
        );
    };
    kpi(
        &mut s,
        num(r.macro_f1, 3),
        "macro-F1",
        format!("baseline {}", num(r.majority_baseline.macro_f1, 3)),
    );
    kpi(
        &mut s,
        num(r.accuracy, 3),
        "accuracy",
        format!("baseline {}", num(r.majority_baseline.accuracy, 3)),
    );
    kpi(&mut s, num(r.roc_auc, 3), "ROC AUC", "chance 0.500".into());
    kpi(
        &mut s,
        d.ap.map_or("n/a".into(), |v| num(v, 3)),
        "average precision",
        format!("chance {}", num(d.prevalence(), 3)),
    );
    kpi(
        &mut s,
        num(r.log_loss, 3),
        "log loss",
        format!("Brier {}", num(r.brier, 3)),
    );
    s.push_str("</section>\n");

    // Metrics and confusion side by side.
    s.push_str("<div class=\"row\">\n<section class=\"card\">\n<h2>Metrics</h2>\n");
    s += &metrics_table(page, &d);
    s.push_str("</section>\n<section class=\"card\">\n<h2>Confusion matrix</h2>\n");
    s += &confusion_table(r);
    s.push_str("<p class=\"note\">Rows: true label; columns: predicted. Shade: share of the row (green: correct, red: mistakes).</p>\n</section>\n</div>\n");

    // Charts.
    s.push_str("<div class=\"grid\">\n");
    let fig = |s: &mut String, heading: &str, svg: String, caption: String| {
        let _ = write!(
            s,
            "<section class=\"card\">\n<h2>{heading}</h2>\n<figure>\n{svg}<figcaption>{caption}</figcaption>\n</figure>\n</section>\n"
        );
    };
    let roc_caption = match &d.roc {
        Some(points) => format!(
            "Area {} (dashed: chance). Orange dot: the operating point at threshold {}.",
            num(trapezoid_area(points), 4),
            num(page.threshold, 3)
        ),
        None => "Undefined with one class only; the AUC is reported as 0.5.".into(),
    };
    fig(&mut s, "ROC curve", roc_svg(page, &d), roc_caption);
    let pr_caption = match d.ap {
        Some(ap) => format!(
            "Opinion class. Average precision {} (dashed: the opinion share, a random ranking). Orange dot: threshold {}.",
            num(ap, 4),
            num(page.threshold, 3)
        ),
        None => "Undefined: no opinion sentence in the data.".into(),
    };
    fig(&mut s, "Precision–recall", pr_svg(page, &d), pr_caption);
    let filled = d.bins.iter().filter(|b| b.count > 0).count();
    fig(
        &mut s,
        "Calibration",
        calibration_svg(&d),
        format!(
            "Mean P(opinion) against the observed opinion share in 10 equal-width bins ({filled} non-empty; bars: sentences per bin). Dashed: perfect calibration. ECE {}.",
            num(expected_calibration_error(&d.bins), 4)
        ),
    );
    fig(
        &mut s,
        "Threshold",
        threshold_svg(page, &d),
        format!(
            "Macro-F1 at thresholds 0.00–1.00 in steps of 0.01. Orange line: the threshold used, {}; green dot: the best on this data.",
            num(page.threshold, 3)
        ),
    );
    s.push_str("</div>\n");

    if let Some(folds) = page.folds {
        s.push_str("<section class=\"card\">\n<h2>Folds</h2>\n");
        s += &folds_table(folds);
        s.push_str("</section>\n");
    }

    let _ = writeln!(
        s,
        "<section class=\"card\">\n<h2>Most confident mistakes</h2>\n<p class=\"note\">The {} mistakes whose P(opinion) lies furthest from the threshold.</p>",
        page.mistakes.len()
    );
    s += &errors_table(page);
    s.push_str("</section>\n</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use Label::{Fact as F, Opinion as O};

    // truth F F F O O with scores 0.1 0.6 0.2 0.9 0.4 (the metrics module's example).
    const TRUTH: [Label; 5] = [F, F, F, O, O];
    const PROBS: [f64; 5] = [0.1, 0.6, 0.2, 0.9, 0.4];

    #[test]
    fn numbers_are_fixed_and_finite() {
        assert_eq!(num(-0.0, 3), "0.000");
        assert_eq!(num(-0.00001, 3), "0.000");
        assert_eq!(num(-0.5, 1), "-0.5");
        assert_eq!(num(f64::NAN, 2), "n/a");
        assert_eq!(c(f64::INFINITY), "0.0");
    }

    fn page_for(truth: &[Label], probs: &[f64]) -> String {
        let report = metrics::evaluate(truth, probs, 0.5);
        render_eval(&EvalPage {
            title: "t",
            report: &report,
            truth,
            probs,
            threshold: 0.5,
            mistakes: &[],
            folds: None,
        })
    }

    #[test]
    fn degenerate_inputs_render_without_nan() {
        for (truth, probs) in [
            (vec![F, F, F], vec![0.1, 0.7, 0.7]),
            (vec![O, O], vec![0.2, 0.9]),
            (vec![], vec![]),
            (vec![F, O], vec![0.0, 1.0]),
        ] {
            let html = page_for(&truth, &probs);
            for bad in ["NaN", "inf", "-0.0\""] {
                assert!(!html.contains(bad), "{bad} in page for {truth:?}");
            }
            for id in SECTION_IDS {
                assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
            }
        }
        assert!(page_for(&[F, F], &[0.1, 0.2]).contains("only one class"));
    }

    #[test]
    fn rendering_is_deterministic() {
        assert_eq!(page_for(&TRUTH, &PROBS), page_for(&TRUTH, &PROBS));
    }
}
