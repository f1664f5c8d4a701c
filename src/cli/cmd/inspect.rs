//! `factop inspect`: a model's settings, provenance and strongest features.

use crate::cli::args::{InspectArgs, ReportFormat};
use anyhow::Context;
use std::fmt::Write as _;
use std::io::Write;

/// Run `factop inspect`.
pub fn run(args: InspectArgs) -> anyhow::Result<()> {
    let model = super::load_model(args.model.as_deref())?;
    let file = model.model_file();
    let f = model.featurizer();
    let weights = model.linear().weights();
    // Blocks explained as a whole (the encoder's dimensions) are summarised on their
    // own line, not ranked among the words and cues.
    let mut ranked: Vec<(usize, f64)> = weights
        .iter()
        .copied()
        .enumerate()
        .filter(|&(j, _)| {
            f.block_of(j)
                .is_none_or(|b| f.blocks()[b].explained_as().is_none())
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let top = args.top;
    let opinion: Vec<(String, f64)> = ranked
        .iter()
        .take(top)
        .filter(|x| x.1 > 0.0)
        .map(|&(j, w)| (f.feature_name(j), w))
        .collect();
    let fact: Vec<(String, f64)> = ranked
        .iter()
        .rev()
        .take(top)
        .filter(|x| x.1 < 0.0)
        .map(|&(j, w)| (f.feature_name(j), w))
        .collect();
    // Cue weights per raw unit of the cue: weight × the cue block's multiplier.
    let cues: Vec<(String, f64)> = file
        .cues
        .iter()
        .zip(&file.cue_weights)
        .zip(&file.cue_multiplier)
        .map(|((name, &w), &m)| (name.clone(), w * m))
        .collect();
    let text = match args.format {
        ReportFormat::Json => {
            let v = serde_json::json!({
                "name": file.name,
                "format_version": file.format_version,
                "tool_version": file.tool_version,
                "threshold": file.threshold,
                "features": file.features,
                "training": file.training,
                "terms": file.vocabulary.len(),
                "cues": file.cues.len(),
                "encoder": file.encoder.as_ref().map(|e| serde_json::json!({
                    "name": e.name,
                    "sha256": e.sha256,
                    "dimensions": e.mean.len(),
                    "scale": e.scale,
                    "scale_search": e.scale_search,
                })),
                "intercept": file.intercept,
                "top_opinion": opinion.iter().map(|(n, w)| serde_json::json!({"feature": n, "weight": w})).collect::<Vec<_>>(),
                "top_fact": fact.iter().map(|(n, w)| serde_json::json!({"feature": n, "weight": w})).collect::<Vec<_>>(),
                "cue_weights_per_raw_unit": cues.iter().map(|(n, w)| serde_json::json!({"cue": n, "weight": w})).collect::<Vec<_>>(),
            });
            serde_json::to_string_pretty(&v)? + "\n"
        }
        ReportFormat::Text => {
            let mut s = String::new();
            let t = &file.training;
            let fs = &file.features;
            let _ = writeln!(
                s,
                "model      {} (format {}, written by factop {})",
                file.name, file.format_version, file.tool_version
            );
            let _ = writeln!(
                s,
                "threshold  {:.3} (chosen by {}{})",
                file.threshold,
                t.threshold_source,
                t.cv_macro_f1
                    .map(|x| format!(", out-of-fold macro-F1 {x:.4}"))
                    .unwrap_or_default()
            );
            let _ = writeln!(s, "features   {} terms ({}-{} grams, min df {}, cap {}, {} tf, stemmer {}) + {} cues (scale {})",
                file.vocabulary.len(), fs.ngram_min, fs.ngram_max, fs.min_df, fs.max_features,
                if fs.sublinear_tf { "sublinear" } else { "raw" }, fs.language.code(), file.cues.len(), fs.cue_scale);
            if let Some(e) = &file.encoder {
                let search: Vec<String> = e
                    .scale_search
                    .iter()
                    .map(|t| format!("{} → {:.4}", t.scale, t.cv_macro_f1))
                    .collect();
                let _ = writeln!(
                    s,
                    "encoder    {} embedding, {} dimensions standardised × scale {}{} (shown in explanations as encoder:{})",
                    e.name,
                    e.mean.len(),
                    e.scale,
                    if search.is_empty() {
                        " (given)".to_string()
                    } else {
                        format!(" (chosen by out-of-fold macro-F1: {})", search.join(", "))
                    },
                    e.name
                );
            }
            let _ = writeln!(s, "training   alpha {}, max iterations {}, tolerance {}, balance {}, seed {}, {} rows",
                t.alpha, t.max_iterations, t.tolerance, t.balance, t.seed, t.rows);
            for d in &t.data {
                let borrowed = match (d.borrowed, t.borrow_weight) {
                    (false, _) => String::new(),
                    (true, None) => "borrowed, ".into(),
                    (true, Some(w)) => format!("borrowed at weight {w}, "),
                };
                let _ = writeln!(
                    s,
                    "data       {} ({borrowed}{} rows: {} fact, {} opinion; sha256 {})",
                    d.path, d.rows, d.fact, d.opinion, d.sha256
                );
            }
            if t.own_vocabulary {
                let _ = writeln!(s, "words      from the own (not borrowed) rows only");
            }
            let _ = writeln!(
                s,
                "\nstrongest opinion features        strongest fact features"
            );
            for i in 0..opinion.len().max(fact.len()) {
                let o = opinion
                    .get(i)
                    .map(|(n, w)| format!("{w:+7.3}  {n}"))
                    .unwrap_or_default();
                let fa = fact
                    .get(i)
                    .map(|(n, w)| format!("{w:+7.3}  {n}"))
                    .unwrap_or_default();
                let _ = writeln!(s, "{o:<34}{fa}");
            }
            if !cues.is_empty() {
                let _ = writeln!(s, "\ncue weights (logit change per unit of the raw cue)");
                for (n, w) in &cues {
                    let _ = writeln!(s, "  {w:+8.3}  {n}");
                }
            }
            s
        }
    };
    let mut out = std::io::stdout().lock();
    let text = match args.format {
        ReportFormat::Text => crate::cli::safe::shown_lines(&text),
        ReportFormat::Json => text.as_str().into(),
    };
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| factop::Error::io("-", e))
        .context("writing")?;
    Ok(())
}
