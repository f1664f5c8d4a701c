//! `factop eval`: score a model on labelled files, or cross-validate training.

use crate::cli::args::{EvalArgs, ReportFormat};
use crate::cli::html::eval::{self as report, EvalPage, Mistake};
use crate::cli::safe::shown;
use anyhow::Context;
use factop::data::{self, Dataset, Record};
use factop::eval::metrics::{self, Report};
use factop::model::Classifier;
use factop::train::stratified_folds;
use factop::train::CvReport;
use factop::Label;
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
    inputs.extend(args.borrow.iter().map(|p| p.as_path()));
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
    if args.predictions.is_some() {
        check_ids(&sets)?;
    }
    for d in sets.iter().filter(|d| d.skipped_empty > 0) {
        note!(
            "{}: skipped {} rows with empty text",
            shown(&d.path.display().to_string()),
            d.skipped_empty
        );
    }
    if let Some(k) = args.cv {
        let params = args.tuning.params()?.check()?;
        super::check_borrow_flags(&args.tuning, &args.borrow)?;
        // Say what is true of the whole data before any fold is fitted: with too few
        // rows of a label, some fold model (or its threshold folds) would see none.
        if (2..=records.len()).contains(&k) {
            let shortfall = params.cv_shortfall(&records, k);
            if let Some(message) = shortfall {
                let paths: Vec<String> =
                    sets.iter().map(|d| d.path.display().to_string()).collect();
                return Err(factop::Error::DataFile {
                    path: paths.join(" + ").into(),
                    message,
                }
                .into());
            }
        }
        let mut borrowed_sets = Vec::new();
        for p in &args.borrow {
            borrowed_sets.push(data::load(p, &opts)?);
        }
        let borrowed: Vec<&Record> = borrowed_sets
            .iter()
            .flat_map(|d| d.records.iter())
            .collect();
        let bar = crate::cli::progress::steps("cross-validating", k as u64);
        let params = params.with_notes(crate::cli::progress::notes(&bar));
        let cv = params
            .cross_validate_borrowing(&records, &borrowed, k, |f, _| bar.set_position(f as u64))?;
        bar.finish_and_clear();
        if let Some(path) = &args.predictions {
            let thresholds = row_thresholds(&cv);
            let ids: Vec<String> = records.iter().map(|r| row_id(r)).collect();
            write_predictions(path, &ids, &cv.out_of_fold, &thresholds)?;
        }
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
        write_predictions(path, &ids, &probs, &vec![threshold; probs.len()])?;
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

/// Refuse, before any work, ids that would break the rows of a predictions file: a
/// tab, line feed or carriage return in an id (only a quoted CSV cell can hold one).
fn check_ids(sets: &[Dataset]) -> factop::Result<()> {
    for d in sets {
        for r in &d.records {
            if let Some(id) = r.id.as_deref().filter(|id| id.contains(['\t', '\n', '\r'])) {
                return Err(factop::Error::Data {
                    path: d.path.clone(),
                    line: r.line,
                    message: format!(
                        "the id {:?} holds a tab or line break, which would break the rows of --predictions",
                        factop::error::capped(id)
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Write the predictions file: `sentence_id<TAB>label<TAB>opinion_probability`, one row
/// per sentence in input order, the label (`OBJ`/`SUBJ`) decided at the row's own
/// threshold. An id holding `"` is quoted as RFC 4180 quotes it.
fn write_predictions(
    path: &std::path::Path,
    ids: &[String],
    probs: &[f64],
    thresholds: &[f64],
) -> anyhow::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    let io = |e: csv::Error| factop::Error::io(path, e.into());
    w.write_record(["sentence_id", "label", "opinion_probability"])
        .map_err(io)?;
    for ((id, &p), &t) in ids.iter().zip(probs).zip(thresholds) {
        let label = Label::from_probability(p, t).checkthat();
        w.write_record([id.as_str(), label, &p.to_string()])
            .map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| factop::Error::io(path, e.into_error()))?;
    factop::io::write_atomic(path, &bytes)?;
    Ok(())
}

/// The threshold each row of a cross-validation was labelled at: that of the fold model
/// that scored it. The folds are those of [`stratified_folds`] with the report's seed,
/// checked against the report's own per-fold scores; should they ever disagree, every
/// row gets the mean fold threshold, with a warning.
fn row_thresholds(cv: &CvReport) -> Vec<f64> {
    let folds = stratified_folds(&cv.truth, cv.folds, cv.seed);
    let agrees = folds.len() == cv.out_of_fold.len()
        && cv.fold_thresholds.len() == cv.folds
        && cv.per_fold.iter().enumerate().all(|(f, report)| {
            let rows: Vec<usize> = (0..folds.len()).filter(|&i| folds[i] == f).collect();
            let truth: Vec<Label> = rows.iter().map(|&i| cv.truth[i]).collect();
            let probs: Vec<f64> = rows.iter().map(|&i| cv.out_of_fold[i]).collect();
            metrics::evaluate(&truth, &probs, cv.fold_thresholds[f]) == *report
        });
    if agrees {
        return folds.iter().map(|&f| cv.fold_thresholds[f]).collect();
    }
    let t = mean(&cv.fold_thresholds);
    note!(
        "warning: the rows' folds could not be recovered; --predictions labels every row at the mean fold threshold {t:.3}"
    );
    vec![t; cv.out_of_fold.len()]
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
    let texts: Vec<&str> = records.iter().map(|r| r.text.as_str()).collect();
    model.probabilities(&texts, 1)
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
