//! Built-in models by name, `--model auto`, and the language notes and warnings.

use super::util::{assert_bad_input, run, run_stdin};
use serde_json::Value;

const GERMAN: &str = "Der Finanzminister sagte am Dienstag in Berlin, die Regierung werde die Steuern im nächsten Jahr erhöhen. Das ist eine Schande für das ganze Land!\n";
const ITALIAN: &str = "Il ministro delle finanze ha detto martedì a Roma che il governo aumenterà le tasse il prossimo anno. È una vergogna per tutto il paese!\n";

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap()
}

#[test]
fn each_builtin_model_is_chosen_by_name() {
    for (name, file_name, language) in [
        ("en", "factop-en", "en"),
        ("factop-en", "factop-en", "en"),
        ("de", "factop-de", "de"),
        ("it", "factop-it", "it"),
        ("ar", "factop-ar", "ar"),
        ("bg", "factop-bg", "bg"),
    ] {
        let (code, stdout, stderr) = run_stdin(
            &["classify", "-q", "--format", "json", "--model", name],
            Some(b"Officials said 40 people were hurt.\n".to_vec()),
        );
        assert_eq!(code, 0, "{stderr}");
        let v = json(&stdout);
        assert_eq!(v["model"]["name"], file_name);
        assert_eq!(v["documents"][0]["model"]["name"], file_name);
        assert_eq!(v["documents"][0]["model"]["language"], language);
        let (code, stdout, _) = run(&["inspect", "--model", name, "--format", "json"]);
        assert_eq!(code, 0);
        assert_eq!(json(&stdout)["name"], file_name);
    }
}

#[test]
fn unknown_names_and_auto_outside_classify_are_usage_errors() {
    assert_bad_input(
        &["classify", "--model", "fr", "-"],
        "not a built-in model (en, de, it, ar, bg, en-e5, de-e5, it-e5, ar-e5, bg-e5, xx-e5)",
    );
    assert_bad_input(
        &["eval", "--model", "auto", "--data", "data/dev_test.csv"],
        "for classify only",
    );
}

#[test]
fn auto_picks_each_documents_model_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let de = dir.path().join("de.txt");
    let it = dir.path().join("it.txt");
    std::fs::write(&de, GERMAN).unwrap();
    std::fs::write(&it, ITALIAN).unwrap();
    let (code, stdout, stderr) = run(&[
        "classify",
        "--model",
        "auto",
        "--format",
        "jsonl",
        de.to_str().unwrap(),
        it.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "", "no notes for clear documents");
    let models: Vec<String> = stdout
        .lines()
        .map(|l| json(l)["model"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(models, ["factop-de", "factop-de", "factop-it", "factop-it"]);
    // The German model splits and classifies the German document.
    let first = json(stdout.lines().next().unwrap());
    assert!(first["text"]
        .as_str()
        .unwrap()
        .starts_with("Der Finanzminister"));
}

#[test]
fn auto_falls_back_to_english_with_a_note() {
    let (code, stdout, stderr) = run_stdin(
        &["classify", "--model", "auto", "--format", "json"],
        Some(b"Ja.\n".to_vec()),
    );
    assert_eq!(code, 0);
    assert_eq!(json(&stdout)["documents"][0]["model"]["name"], "factop-en");
    assert_eq!(
        stderr.trim_end(),
        "note: -: too little text to tell the language; using the English model (en)"
    );
    let (_, _, quiet) = run_stdin(
        &["classify", "--model", "auto", "-q"],
        Some(b"Ja.\n".to_vec()),
    );
    assert_eq!(quiet, "");
}

#[test]
fn a_document_in_another_language_than_the_model_is_warned_about() {
    let (code, _, stderr) = run_stdin(&["classify"], Some(GERMAN.as_bytes().to_vec()));
    assert_eq!(code, 0);
    assert_eq!(
        stderr.trim_end(),
        "warning: - looks like German but factop-en is a model of English: try --model de or --model auto (-q silences this)"
    );
    let (_, _, quiet) = run_stdin(&["classify", "-q"], Some(GERMAN.as_bytes().to_vec()));
    assert_eq!(quiet, "");
    // The right model, or English text with the English model: no warning.
    let (_, _, none) = run_stdin(
        &["classify", "--model", "de"],
        Some(GERMAN.as_bytes().to_vec()),
    );
    assert_eq!(none, "");
    let (_, _, none) = run(&["classify", "data/articles/tillerson-north-korea.txt"]);
    assert_eq!(none, "");
}
