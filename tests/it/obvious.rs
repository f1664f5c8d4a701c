//! The obvious-sentences suite (`tests/fixtures/obvious.tsv`, described in
//! `obvious.md`): every built-in model classifies the sentences of its language, one
//! record each (`classify --no-split`), and each tier must get a floor of them right
//! over the whole suite. The table of misses is printed (`-- --nocapture`) and is part
//! of a failure's message; `bench/accuracy/obvious.sh` prints it with probabilities.

use crate::encoder::e5_home;
use crate::util::{factop, fixture};
use serde_json::Value;
use std::fmt::Write as _;

/// The fast tier's floor, in percent of the suite's sentences right. The target is 85;
/// today's models get 97 of 120 (80.8%, `ar` alone 12 of 24), so the floor is what
/// they meet. Raise it to 85 once the models are rebuilt and meet it.
const FAST_FLOOR_PERCENT: usize = 80;

/// The accurate tier's floor, in percent. The target is 95; today's models get 107 of
/// 120 (89.2%, `ar-e5` 16 of 24), so the floor is what they meet. Raise it to 95 once
/// the models are rebuilt and meet it.
const ACCURATE_FLOOR_PERCENT: usize = 89;

/// The multilingual model (`xx-e5`) over every language of the suite: it meets the
/// accurate tier's target of 95% (117 of 120 today).
const MULTILINGUAL_FLOOR_PERCENT: usize = 95;

const LANGUAGES: [&str; 5] = ["en", "de", "it", "ar", "bg"];

struct Sentence {
    language: String,
    label: String,
    text: String,
}

/// The suite, checked for its shape: 24 sentences per language, half of each label.
fn suite() -> Vec<Sentence> {
    let tsv = std::fs::read_to_string(fixture("obvious.tsv")).unwrap();
    let mut lines = tsv.lines();
    assert_eq!(lines.next(), Some("language\tlabel\ttext"));
    let sentences: Vec<Sentence> = lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 3, "{l}");
            Sentence {
                language: f[0].to_string(),
                label: f[1].to_string(),
                text: f[2].to_string(),
            }
        })
        .collect();
    for lang in LANGUAGES {
        for label in ["fact", "opinion"] {
            let n = sentences
                .iter()
                .filter(|s| s.language == lang && s.label == label)
                .count();
            assert_eq!(n, 12, "{lang} {label}");
        }
    }
    assert_eq!(sentences.len(), 120, "a language or label outside the five");
    sentences
}

/// Classify the sentences of `lang` with `model` in one process; the (sentence, label
/// given, P(opinion)) of each miss and the number of sentences.
fn misses<'a>(
    model: &str,
    lang: &str,
    sentences: &'a [Sentence],
) -> (Vec<(&'a Sentence, String, f64)>, usize) {
    let mine: Vec<&Sentence> = sentences.iter().filter(|s| s.language == lang).collect();
    let mut input = String::from("language\tlabel\ttext\n");
    for s in &mine {
        writeln!(input, "{}\t{}\t{}", s.language, s.label, s.text).unwrap();
    }
    let mut cmd = factop();
    if model.ends_with("-e5") {
        cmd.env("FACTOP_HOME", e5_home());
    }
    let out = cmd
        .args([
            "classify",
            "--no-split",
            "--input-format",
            "tsv",
            "--format",
            "jsonl",
            "--model",
            model,
            "-",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{model}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), mine.len(), "{model}: one row per sentence");
    let mut missed = Vec::new();
    for (s, row) in mine.iter().zip(&rows) {
        assert_eq!(row["text"], s.text.as_str(), "{model}: rows in input order");
        let label = row["label"].as_str().unwrap();
        assert!(label == "fact" || label == "opinion", "{row}");
        if label != s.label {
            let p = row["opinion_probability"].as_f64().unwrap();
            missed.push((*s, label.to_string(), p));
        }
    }
    (missed, mine.len())
}

/// Run every model of a tier (`model(lang)` gives each language's) over the suite and
/// assert that at least `floor` percent of the sentences come out right.
fn assert_tier(model: impl Fn(&str) -> String, floor: usize) {
    let sentences = suite();
    let (mut right, mut total) = (0, 0);
    let mut table = String::from("model\tright\tmissed (label given: P(opinion), sentence)\n");
    for lang in LANGUAGES {
        let model = model(lang);
        let (missed, n) = misses(&model, lang, &sentences);
        right += n - missed.len();
        total += n;
        writeln!(table, "{model}\t{}/{n}", n - missed.len()).unwrap();
        for (s, got, p) in missed {
            writeln!(table, "\t\t{} as {got}: {p:.3}  {}", s.label, s.text).unwrap();
        }
    }
    writeln!(table, "all\t{right}/{total}, floor {floor}%").unwrap();
    println!("{table}");
    assert_eq!(total, sentences.len());
    assert!(
        right * 100 >= floor * total,
        "{right} of {total} right, under the floor of {floor}%:\n{table}"
    );
}

#[test]
fn fast_models_get_the_obvious_sentences_right() {
    assert_tier(|lang| lang.to_string(), FAST_FLOOR_PERCENT);
}

#[test]
fn accurate_models_get_the_obvious_sentences_right() {
    assert_tier(|lang| format!("{lang}-e5"), ACCURATE_FLOOR_PERCENT);
}

#[test]
fn multilingual_model_gets_the_obvious_sentences_right() {
    assert_tier(|_| "xx-e5".to_string(), MULTILINGUAL_FLOOR_PERCENT);
}
