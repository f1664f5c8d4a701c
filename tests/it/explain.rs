//! `classify --explain` for readers: terms in the sentence's own words, cues in plain
//! words, and the sum from the model's starting point to the threshold, in the JSON
//! (where the internal names stay) and in the table and text formats.

use crate::util::run_stdin;
use serde_json::Value;

const SENTENCE: &str =
    "The Mayor deserves credit for the coalition talks, the Biden administration said.";

fn explained(args: &[&str]) -> Value {
    let mut all = vec!["classify", "--format", "jsonl", "--explain", "--top", "40"];
    all.extend_from_slice(args);
    let (code, out, err) = run_stdin(&all, Some(SENTENCE.as_bytes().to_vec()));
    assert_eq!(code, 0, "{err}");
    let line: Value = serde_json::from_str(out.lines().next().expect("one line")).unwrap();
    line["explanation"].clone()
}

fn find<'a>(e: &'a Value, feature: &str) -> &'a Value {
    e["opinion"]
        .as_array()
        .unwrap()
        .iter()
        .chain(e["fact"].as_array().unwrap())
        .find(|c| c["feature"] == feature)
        .unwrap_or_else(|| panic!("{feature} not in {e}"))
}

#[test]
fn json_keeps_the_names_and_adds_words_plain_names_and_the_sum() {
    let e = explained(&[]);
    let deserves = find(&e, "deserv");
    assert_eq!(deserves["kind"], "term");
    assert_eq!(deserves["shown"], "deserves");
    assert_eq!(deserves["stem"], "deserv");
    let administration = find(&e, "biden administr");
    assert_eq!(administration["shown"], "Biden administration");
    let verb = find(&e, "cue:attribution.verb");
    assert_eq!(verb["kind"], "cue");
    assert_eq!(verb["shown"], "reporting verb (said, told)");
    assert!(verb.get("stem").is_none());
    let listed: f64 = e["opinion"]
        .as_array()
        .unwrap()
        .iter()
        .chain(e["fact"].as_array().unwrap())
        .map(|c| c["contribution"].as_f64().unwrap())
        .sum();
    let num = |k: &str| e[k].as_f64().unwrap_or_else(|| panic!("{k} in {e}"));
    let total = num("intercept") + listed + num("absent_cues") + num("other");
    assert!((total - num("log_odds")).abs() < 1e-9, "{e}");
    assert!((1.0 / (1.0 + (-num("intercept")).exp()) - num("base_rate")).abs() < 1e-12);
    assert_eq!(num("threshold"), 0.48);
    assert!((num("threshold_log_odds") - (0.48f64 / 0.52).ln()).abs() < 1e-12);
    // A threshold of the caller's is the one the explanation gives.
    let at = explained(&["--threshold", "0.7"]);
    assert_eq!(at["threshold"], 0.7);
    assert_eq!(at["log_odds"], e["log_odds"]);
}

#[test]
fn table_and_text_read_as_words_and_add_up() {
    for format in ["table", "text"] {
        let (code, out, err) = run_stdin(
            &["classify", "--format", format, "--explain"],
            Some(SENTENCE.as_bytes().to_vec()),
        );
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("towards opinion: "), "{format}: {out}");
        assert!(
            out.contains("reporting verb (said, told) -0.23"),
            "{format}: {out}"
        );
        assert!(out.contains("\"talks\" +"), "{format}: {out}");
        assert!(!out.contains("cue:"), "{format}: {out}");
        assert!(
            out.contains("starts at -0.44 (39% opinion)"),
            "{format}: {out}"
        );
        assert!(
            out.contains("below the threshold -0.08 (P 0.48) → fact"),
            "{format}: {out}"
        );
    }
}

/// An accurate model trained here on the tiny fixture (the encoder's weights as the
/// encoder tests find them), its file, and the file without its stored sentences.
fn tiny_accurate() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let with = dir.path().join("with.json");
    let out = crate::util::factop()
        .env("FACTOP_HOME", crate::encoder::e5_home())
        .args(["train", "--encoder", "e5-small", "--threshold-folds", "2"])
        .args(["--data", "tests/fixtures/tiny.csv", "-o"])
        .arg(&with)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: Value = serde_json::from_slice(&std::fs::read(&with).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("neighbours");
    let without = dir.path().join("without.json");
    std::fs::write(&without, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    (dir, with, without)
}

fn classify_e5(model: &std::path::Path, format: &str, text: &str) -> String {
    let out = crate::util::factop()
        .env("FACTOP_HOME", crate::encoder::e5_home())
        .args(["classify", "--explain", "--format", format, "--model"])
        .arg(model)
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn accurate_models_store_their_training_sentences_and_explain_with_the_nearest() {
    let (_dir, with, without) = tiny_accurate();
    let v: Value = serde_json::from_slice(&std::fs::read(&with).unwrap()).unwrap();
    let stored = &v["neighbours"];
    assert_eq!(stored["space"], "standardised");
    assert_eq!(stored["dims"], 384);
    let mut rows = csv::Reader::from_path(crate::util::fixture("tiny.csv")).unwrap();
    let rows: Vec<(String, String)> = rows
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].to_string(), r[2].to_string())
        })
        .collect();
    let sentences = stored["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), rows.len());
    for (s, (text, label)) in sentences.iter().zip(&rows) {
        assert_eq!(
            (s["text"].as_str().unwrap(), s["label"].as_str().unwrap()),
            (text.as_str(), label.as_str())
        );
        // 384 bytes in padded base64.
        assert_eq!(s["vector"].as_str().unwrap().len(), 512);
    }
    // A training sentence reads like itself first, with its own label.
    let (text, label) = &rows[1];
    let line: Value = serde_json::from_str(classify_e5(&with, "jsonl", text).trim()).unwrap();
    let near = line["explanation"]["reads_like"].as_array().unwrap();
    assert_eq!(near.len(), 2);
    assert_eq!(near[0]["text"].as_str(), Some(text.as_str()));
    assert_eq!(near[0]["label"].as_str(), Some(label.as_str()));
    let (first, second) = (
        near[0]["similarity"].as_f64().unwrap(),
        near[1]["similarity"].as_f64().unwrap(),
    );
    assert!(
        first > 0.99 && first <= 1.0 + 1e-9 && second < first,
        "{near:?}"
    );
    // Without the stored sentences (an older file), the same numbers and no
    // "reads like".
    let old: Value = serde_json::from_str(classify_e5(&without, "jsonl", text).trim()).unwrap();
    assert_eq!(old["opinion_probability"], line["opinion_probability"]);
    assert!(old["explanation"].get("reads_like").is_none());
    let mut e = line["explanation"].clone();
    e.as_object_mut().unwrap().remove("reads_like");
    assert_eq!(old["explanation"], e);
    // The table shows them.
    let table = classify_e5(&with, "table", text);
    assert!(
        table.contains(&format!("reads like: \"{text}\" ({label}, 1.00); \"")),
        "{table}"
    );
    assert!(table.contains("overall meaning (e5-small)"), "{table}");
}
