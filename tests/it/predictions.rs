//! `eval --predictions`: `sentence_id<TAB>label<TAB>opinion_probability`, one row per
//! sentence in input order, with and without `--cv` (then out of fold, each row labelled
//! at its own fold model's threshold); ids that would break a row are refused.

use super::util::{assert_bad_input, fixture, run, write};
use factop::data::{load, DataOptions};
use factop::model::Classifier;
use factop::Label;
use serde_json::Value;
use std::path::Path;

/// The rows of a predictions file as a TSV reader with `"` quoting reads them (the
/// defaults of `pandas.read_csv(path, sep="\t")`).
fn rows(path: &Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn predictions_carry_the_library_s_probability() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.tsv");
    let tiny = fixture("tiny.csv");
    let (code, _, stderr) = run(&[
        "eval",
        "--data",
        tiny.to_str().unwrap(),
        "--predictions",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let model = Classifier::builtin("en").unwrap();
    let data = load(&tiny, &DataOptions::default()).unwrap();
    let mut want = String::from("sentence_id\tlabel\topinion_probability\n");
    for r in &data.records {
        let p = model.probability(&r.text);
        let label = Label::from_probability(p, model.threshold()).checkthat();
        want.push_str(&format!("{}\t{label}\t{p}\n", r.id.as_deref().unwrap()));
    }
    assert_eq!(std::fs::read_to_string(&out).unwrap(), want);
    assert_eq!(rows(&out).len(), 23);
}

#[test]
fn cross_validation_writes_out_of_fold_predictions_at_each_fold_s_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("oof.tsv");
    let tiny = fixture("tiny.csv");
    let (code, json, stderr) = run(&[
        "eval",
        "--cv",
        "2",
        "--data",
        tiny.to_str().unwrap(),
        "--min-df",
        "1",
        "--threshold-folds",
        "2",
        "--format",
        "json",
        "--predictions",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&json).unwrap();
    let folds = report["per_fold"].as_array().unwrap();
    let thresholds: Vec<f64> = folds
        .iter()
        .map(|f| f["threshold"].as_f64().unwrap())
        .collect();
    assert_ne!(
        thresholds[0], thresholds[1],
        "the test needs distinct thresholds"
    );
    let data = load(&tiny, &DataOptions::default()).unwrap();
    let rows = rows(&out);
    assert_eq!(rows[0], ["sentence_id", "label", "opinion_probability"]);
    assert_eq!(rows.len(), data.records.len() + 1);
    // Each row at its fold's threshold: the folds are the seeded stratified ones.
    let truth: Vec<Label> = data.records.iter().map(|r| r.label).collect();
    let fold = factop::train::stratified_folds(&truth, 2, 42);
    let mut confusion = [[0u64; 2]; 2];
    for (i, (row, r)) in rows[1..].iter().zip(&data.records).enumerate() {
        assert_eq!(row[0], r.id.as_deref().unwrap());
        let p: f64 = row[2].parse().unwrap();
        let label = Label::from_probability(p, thresholds[fold[i]]);
        assert_eq!(row[1], label.checkthat(), "row {i}");
        confusion[(r.label == Label::Opinion) as usize][(label == Label::Opinion) as usize] += 1;
    }
    // And the labels add up to the folds' own confusion matrices.
    for (t, truth) in ["fact", "opinion"].iter().enumerate() {
        for (p, predicted) in ["fact", "opinion"].iter().enumerate() {
            let sum: u64 = folds
                .iter()
                .map(|f| f["confusion"][truth][predicted].as_u64().unwrap())
                .sum();
            assert_eq!(confusion[t][p], sum, "{truth} -> {predicted}");
        }
    }
}

#[test]
fn ids_that_would_break_a_row_are_refused_and_quotes_are_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.tsv");
    let o = out.to_str().unwrap();
    for (name, id) in [
        ("tab.csv", "a\tb"),
        ("newline.csv", "a\nb"),
        ("cr.csv", "a\rb"),
    ] {
        let p = write(
            dir.path(),
            name,
            format!("id,text,label\nok,Officials said so.,fact\n\"{id}\",It is awful.,opinion\n")
                .as_bytes(),
        );
        let shown = format!("{id:?}");
        assert_bad_input(
            &["eval", "--data", &p, "--predictions", o],
            &format!(
                "{name}:3: the id {shown} holds a tab or line break, which would break the rows of --predictions"
            ),
        );
        assert!(!out.exists());
        // Without --predictions the id is harmless.
        let (code, _, stderr) = run(&["eval", "--data", &p]);
        assert_eq!(code, 0, "{stderr}");
    }
    let p = write(
        dir.path(),
        "quote.csv",
        b"id,text,label\n\"say \"\"when\"\"\",Officials said so.,fact\n",
    );
    let (code, _, stderr) = run(&["eval", "--data", &p, "--predictions", o]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("sentence_id\tlabel\topinion_probability\n\"say \"\"when\"\"\"\tOBJ\t"),
        "{text}"
    );
    assert_eq!(rows(&out)[1][0], "say \"when\"");
}
