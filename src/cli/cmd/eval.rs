//! `factop eval`: score a model on labelled files, or cross-validate training.

use crate::cli::args::{EvalArgs, ReportFormat};
use crate::cli::html::eval::{self as report, EvalPage, Mistake};
use crate::cli::safe::shown;
use anyhow::Context;
use factop::data::{self, Label, Record};
use factop::eval::metrics::{self, Report};
use factop::model::{Classifier, ScoreBuffers};
use factop::train::CvReport;
use std::fmt::Write as _;
use std::io::Write;

/// Run `factop eval`.
pub fn run(args: EvalArgs, given: Option<&clap::ArgMatches>) -> anyhow::Result<()> {
    super::check_threshold(args.threshold)?;
    // Training flags mean something only to --cv: without it, refuse them rather than
    // ignore them.
    if let (None, Some(m)) = (args.cv, given) {
        for id in crate::cli::args::TuningArgs::ids() {
            if m.value_source(&id) == Some(clap::parser::ValueSource::CommandLine) {
                return Err(factop::Error::Param(format!(
                    "--{} is a training flag: it applies only with --cv",
                    id.replace('_', "-")
                ))
                .into());
            }
        }
    }
    let mut inputs: Vec<&std::path::Path> = args.data.iter().map(|p| p.as_path()).collect();
    let model_path = args.model.as_deref().map(std::path::Path::new);
    inputs.extend(model_path);
    let mut outputs: Vec<(&str, &std::path::Path)> = Vec::new();
    outputs.extend(args.predictions.as_deref().map(|p| ("--predictions", p)));
    outputs.extend(args.report.as_deref().map(|p| ("--report", p)));
    super::check_outputs(&outputs, &inputs)?;
    let opts = args.data_args.options()?;
    let mut sets = Vec::new();
    for p in &args.data {
        sets.push(data::load(p, &opts)?);
    }
    let records: Vec<&Record> = sets.iter().flat_map(|d| d.records.iter()).collect();
    for d in sets.iter().filter(|d| d.skipped_empty > 0) {
        eprintln!(
            "{}: skipped {} rows with empty text",
            shown(&d.path.display().to_string()),
            d.skipped_empty
        );
    }
    if let Some(k) = args.cv {
        let params = args.tuning.params()?.check()?;
        let bar = crate::cli::progress::steps("cross-validating", k as u64);
        let cv = params.cross_validate(&records, k, |f, _| bar.set_position(f as u64))?;
        bar.finish_and_clear();
        if let Some(path) = &args.report {
            let pooled = metrics::evaluate(&cv.truth, &cv.out_of_fold, mean(&cv.fold_thresholds));
            let ids: Vec<String> = records.iter().map(|r| row_id(r)).collect();
            let mistakes =
                confident_mistakes(&records, &ids, &cv.out_of_fold, pooled.threshold, 20);
            let title = format!("{}-fold cross-validation on {}", cv.folds, sources(&args));
            let page = report::render_eval(&EvalPage {
                title: &title,
                report: &pooled,
                truth: &cv.truth,
                probs: &cv.out_of_fold,
                threshold: pooled.threshold,
                mistakes: &mistakes,
                folds: Some(&cv.per_fold),
            });
            factop::io::write_atomic(path, page.as_bytes())?;
        }
        return print(&args, &render_cv(&cv, args.format)?);
    }
    let model = super::load_model(args.model.as_deref())?;
    let threshold = args.threshold.unwrap_or(model.threshold());
    let truth: Vec<Label> = records.iter().map(|r| r.label).collect();
    let probs = probabilities(&model, &records);
    let report = metrics::evaluate(&truth, &probs, threshold);
    let ids: Vec<String> = records.iter().map(|r| row_id(r)).collect();
    if let Some(path) = &args.predictions {
        let mut s = String::from("sentence_id\tlabel\n");
        for (id, &p) in ids.iter().zip(&probs) {
            let _ = writeln!(
                s,
                "{id}\t{}",
                Label::from_probability(p, threshold).checkthat()
            );
        }
        factop::io::write_atomic(path, s.as_bytes())?;
    }
    let mistakes = args
        .errors
        .map(|n| confident_mistakes(&records, &ids, &probs, threshold, n));
    if let Some(path) = &args.report {
        let title = format!("{} on {}", model.model_file().name, sources(&args));
        let shown = confident_mistakes(&records, &ids, &probs, threshold, 20);
        let page = report::render_eval(&EvalPage {
            title: &title,
            report: &report,
            truth: &truth,
            probs: &probs,
            threshold,
            mistakes: &shown,
            folds: None,
        });
        factop::io::write_atomic(path, page.as_bytes())?;
    }
    let name = model.model_file().name.clone();
    let out = match args.format {
        ReportFormat::Json => {
            let mut v = serde_json::to_value(&report)?;
            if let (Some(m), Some(obj)) = (&mistakes, v.as_object_mut()) {
                obj.insert("errors".into(), serde_json::to_value(m)?);
            }
            serde_json::to_string_pretty(&v)? + "\n"
        }
        ReportFormat::Text => {
            let mut s = render_report(&report, &format!("{name} on {}", sources(&args)));
            if let Some(m) = &mistakes {
                let _ = writeln!(s, "\nmost confident mistakes (true label, P(opinion)):");
                for e in m {
                    let _ = writeln!(
                        s,
                        "  {:<7} {:.3}  {}  {}",
                        e.label, e.opinion_probability, e.id, e.text
                    );
                }
            }
            s
        }
    };
    print(&args, &out)
}

fn row_id(r: &Record) -> String {
    r.id.clone().unwrap_or_else(|| r.line.to_string())
}

fn sources(args: &EvalArgs) -> String {
    let names: Vec<String> = args.data.iter().map(|p| p.display().to_string()).collect();
    names.join(" + ")
}

fn mean(xs: &[f64]) -> f64 {
    metrics::mean_sd(xs).0
}

/// The `n` mistakes whose probability lies furthest from the threshold.
fn confident_mistakes(
    records: &[&Record],
    ids: &[String],
    probs: &[f64],
    threshold: f64,
    n: usize,
) -> Vec<Mistake> {
    let mut m: Vec<Mistake> = records
        .iter()
        .zip(probs)
        .zip(ids)
        .filter(|((r, &p), _)| Label::from_probability(p, threshold) != r.label)
        .map(|((r, &p), id)| Mistake {
            id: id.clone(),
            text: r.text.clone(),
            label: r.label,
            opinion_probability: p,
        })
        .collect();
    m.sort_by(|a, b| {
        (b.opinion_probability - threshold)
            .abs()
            .total_cmp(&(a.opinion_probability - threshold).abs())
    });
    m.truncate(n);
    m
}

fn probabilities(model: &Classifier, records: &[&Record]) -> Vec<f64> {
    let mut buffers = ScoreBuffers::default();
    records
        .iter()
        .map(|r| model.probability_with(&r.text, &mut buffers))
        .collect()
}

fn print(args: &EvalArgs, text: &str) -> anyhow::Result<()> {
    // The text report quotes file names and sentences: nothing in them may drive the
    // terminal. JSON keeps the exact text.
    let text = match args.format {
        ReportFormat::Text => crate::cli::safe::shown_lines(text),
        ReportFormat::Json => text.into(),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| factop::Error::io("-", e))
        .context("writing the report")
}

/// The text report.
pub fn render_report(r: &Report, title: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{title}: {} sentences, threshold {:.3}\n",
        r.examples, r.threshold
    );
    let _ = writeln!(
        s,
        "{:<10} {:>9} {:>9} {:>9} {:>9}",
        "", "precision", "recall", "f1", "support"
    );
    for (label, c) in &r.classes {
        let _ = writeln!(
            s,
            "{:<10} {:>9.4} {:>9.4} {:>9.4} {:>9}",
            label.as_str(),
            c.precision,
            c.recall,
            c.f1,
            c.support
        );
    }
    let b = &r.majority_baseline;
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:<10} {:>9.4}   (majority baseline, always {}: {:.4})",
        "accuracy", r.accuracy, b.label, b.accuracy
    );
    let _ = writeln!(
        s,
        "{:<10} {:>9.4}   (majority baseline: {:.4})",
        "macro-F1", r.macro_f1, b.macro_f1
    );
    let _ = writeln!(s, "{:<10} {:>9.4}", "ROC AUC", r.roc_auc);
    let _ = writeln!(s, "{:<10} {:>9.4}", "log loss", r.log_loss);
    let _ = writeln!(s, "{:<10} {:>9.4}", "Brier", r.brier);
    let _ = writeln!(s, "\nconfusion (rows: true label, columns: predicted)");
    let _ = writeln!(s, "{:<10} {:>9} {:>9}", "", "fact", "opinion");
    for (t, row) in &r.confusion {
        let _ = writeln!(
            s,
            "{:<10} {:>9} {:>9}",
            t.as_str(),
            row[&Label::Fact],
            row[&Label::Opinion]
        );
    }
    s
}

fn render_cv(cv: &CvReport, format: ReportFormat) -> anyhow::Result<String> {
    Ok(match format {
        ReportFormat::Json => {
            serde_json::to_string_pretty(&serde_json::json!({
                "folds": cv.folds,
                "seed": cv.seed,
                "examples": cv.examples,
                "macro_f1": {"mean": cv.macro_f1.0, "sd": cv.macro_f1.1},
                "accuracy": {"mean": cv.accuracy.0, "sd": cv.accuracy.1},
                "per_fold": cv.per_fold,
            }))? + "\n"
        }
        ReportFormat::Text => {
            let mut s = String::new();
            let _ = writeln!(
                s,
                "{}-fold stratified cross-validation (seed {}), {} sentences\n",
                cv.folds, cv.seed, cv.examples
            );
            let _ = writeln!(
                s,
                "{:<6} {:>9} {:>9} {:>9} {:>9}",
                "fold", "examples", "threshold", "accuracy", "macro-F1"
            );
            for (i, r) in cv.per_fold.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "{:<6} {:>9} {:>9.3} {:>9.4} {:>9.4}",
                    i + 1,
                    r.examples,
                    r.threshold,
                    r.accuracy,
                    r.macro_f1
                );
            }
            let _ = writeln!(s, "\naccuracy  {:.4} ± {:.4}", cv.accuracy.0, cv.accuracy.1);
            let _ = writeln!(s, "macro-F1  {:.4} ± {:.4}", cv.macro_f1.0, cv.macro_f1.1);
            s
        }
    })
}
