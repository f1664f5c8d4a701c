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
