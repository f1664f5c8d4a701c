//! Invisible and bidirectional characters: format characters (soft hyphens, zero-width
//! spaces, bidirectional controls such as U+202E) change neither labels nor sentence
//! ends, machine formats keep the exact text, and what people read shows them.

use super::util::{run, run_stdin};

/// The article of these tests: an override after a full stop, and an override, an
/// isolate, a zero-width space and a soft hyphen inside a sentence.
const ARTICLE: &str = "The mayor resigned.\u{202E} He left.\nWe\u{202E}\u{2066} are doomed, \u{200B}Unfortu\u{AD}nately.\n";

#[test]
fn table_and_text_show_bidirectional_controls_as_code_points() {
    let input = Some(ARTICLE.as_bytes().to_vec());
    let (code, out, err) = run_stdin(&["classify", "-q"], input.clone());
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "   #  label    P(op)  sentence\n   \
            0  fact      0.19  The mayor resigned.\n   \
            1  fact      0.36  He left.\n   \
            2  opinion   0.56  We<U+202E><U+2066> are doomed, <U+200B>Unfortu<U+00AD>nately.\n\
         -: 3 sentences, 2 fact, 1 opinion (33.3% opinion)\n"
    );
    let (code, out, _) = run_stdin(&["classify", "-q", "-f", "text"], input);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "The mayor resigned.<U+202E> He left.\n\
         [OPINION 0.56] We<U+202E><U+2066> are doomed, <U+200B>Unfortu<U+00AD>nately.\n\
         \n-: 3 sentences, 2 fact, 1 opinion (33.3% opinion)\n"
    );
}

#[test]
fn jsonl_keeps_the_exact_text_and_its_offsets() {
    let (code, out, _) = run_stdin(
        &["classify", "-q", "-f", "jsonl"],
        Some(ARTICLE.as_bytes().to_vec()),
    );
    assert_eq!(code, 0);
    let spans: Vec<(u64, u64, String)> = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["start"].as_u64().unwrap(),
                v["end"].as_u64().unwrap(),
                v["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            (0, 19, "The mayor resigned.".to_string()),
            (23, 31, "He left.".to_string()),
            (
                32,
                72,
                "We\u{202E}\u{2066} are doomed, \u{200B}Unfortu\u{AD}nately.".to_string()
            ),
        ]
    );
    for (start, end, text) in &spans {
        assert_eq!(&ARTICLE[*start as usize..*end as usize], text);
    }
}

/// Each built-in fast model gives a sentence with format characters inside its words
/// the label and probability of the sentence without them.
#[test]
fn format_characters_inside_words_change_no_probability() {
    for (model, plain) in [
        (
            "en",
            "Unfortunately, the council voted to raise taxes again.",
        ),
        ("de", "Leider hat der Stadtrat die Steuern wieder erhöht."),
        (
            "it",
            "Purtroppo il consiglio ha aumentato di nuovo le tasse.",
        ),
        ("bg", "За съжаление съветът отново вдигна данъците."),
        ("ar", "للأسف رفع المجلس الضرائب مرة أخرى."),
    ] {
        let marked = super::util::with_format_characters(plain);
        let input = format!("{plain}\n{marked}\n");
        let (code, out, _) = run_stdin(
            &["classify", "-q", "-f", "jsonl", "--model", model],
            Some(input.into_bytes()),
        );
        assert_eq!(code, 0, "{model}");
        let rows: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(rows.len(), 2, "{model}: {out}");
        assert_eq!(rows[1]["text"], marked.as_str());
        assert_eq!(rows[0]["label"], rows[1]["label"], "{model}");
        assert_eq!(
            rows[0]["opinion_probability"], rows[1]["opinion_probability"],
            "{model}"
        );
    }
}

#[test]
fn file_names_in_messages_show_bidirectional_controls() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().join("report\u{202E}txt.csv");
    let shown = format!("{}/report<U+202E>txt.csv", dir.path().display());
    let (code, _, err) = run(&["classify", name.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!("error: {shown}: No such file or directory (os error 2)\n")
    );
    std::fs::write(&name, "text,label\nIt rained.,maybe\n").unwrap();
    let (code, _, err) = run(&["eval", "--data", name.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.starts_with(&format!("error: {shown}:2: ")), "{err}");
    assert!(!err.contains('\u{202E}'), "{err}");
}
