//! `factop train`: fit a model on labelled files and write it atomically.

use crate::cli::args::TrainArgs;
use crate::cli::safe::shown;
use factop::data;
use factop::eval::metrics;
use factop::model::ScoreBuffers;
use std::time::Instant;

/// Run `factop train`.
pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    let params = args.tuning.params()?.check()?;
    super::check_borrow_flags(&args.tuning, &args.borrow)?;
    let mut inputs: Vec<&std::path::Path> = args.data.iter().map(|p| p.as_path()).collect();
    inputs.extend(args.validation.as_deref());
    inputs.extend(args.borrow.iter().map(|p| p.as_path()));
    super::check_outputs(&[("--output", &args.output)], &inputs)?;
    let opts = args.data_args.options()?;
    let started = Instant::now();
    let mut sets = Vec::new();
    for path in &args.data {
        let d = data::load(path, &opts)?;
        let (fact, opinion) = d.counts();
        note!(
            "read {}: {} rows ({fact} fact, {opinion} opinion){}",
            shown(&path.display().to_string()),
            d.records.len(),
            if d.skipped_empty > 0 {
                format!(", skipped {} with empty text", d.skipped_empty)
            } else {
                String::new()
            }
        );
        sets.push(d);
    }
    let mut borrowed = Vec::new();
    for path in &args.borrow {
        let d = data::load(path, &opts)?;
        let (fact, opinion) = d.counts();
        note!(
            "read {} (borrowed rows: training only): {} rows ({fact} fact, {opinion} opinion)",
            shown(&path.display().to_string()),
            d.records.len(),
        );
        borrowed.push(d);
    }
    let validation = match &args.validation {
        Some(p) => Some(data::load(p, &opts)?),
        None => None,
    };
    let total = params.fits();
    let bar = crate::cli::progress::steps("training", total as u64);
    let params = params.with_notes(crate::cli::progress::notes(&bar));
    let model = params.fit_borrowing(&sets, &borrowed, &mut |done, _| {
        bar.set_position(done as u64)
    })?;
    bar.finish_and_clear();
    let file = model.model_file();
    note!(
        "trained {}: {} terms + {} cues{}, threshold {:.3}{} in {:.2}s",
        shown(&file.name),
        file.vocabulary.len(),
        file.cues.len(),
        file.encoder
            .as_ref()
            .map(|e| format!(
                " + {} embedding ({} dimensions, scale {})",
                e.name,
                e.mean.len(),
                e.scale
            ))
            .unwrap_or_default(),
        file.threshold,
        file.training
            .cv_macro_f1
            .map(|f| format!(" (out-of-fold macro-F1 {f:.4})"))
            .unwrap_or_default(),
        started.elapsed().as_secs_f64()
    );
    if let Some(v) = validation {
        let truth: Vec<_> = v.records.iter().map(|r| r.label).collect();
        let mut buffers = ScoreBuffers::default();
        let probs: Vec<f64> = v
            .records
            .iter()
            .map(|r| model.probability_with(&r.text, &mut buffers))
            .collect();
        let r = metrics::evaluate(&truth, &probs, model.threshold());
        note!(
            "validation {}: {} rows, accuracy {:.4}, macro-F1 {:.4}",
            shown(&v.path.display().to_string()),
            r.examples,
            r.accuracy,
            r.macro_f1
        );
    }
    model.save(&args.output)?;
    note!("wrote {}", shown(&args.output.display().to_string()));
    Ok(())
}
