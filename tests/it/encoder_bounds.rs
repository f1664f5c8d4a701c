//! Work bounds of the accurate tier: a sentence is embedded from at most its first
//! 1,020 tokens (two windows of e5-small's 512 positions), whatever its length and
//! however far its characters expand under normalisation.

use crate::encoder::e5_home;
use crate::util::factop;
use factop::encoder::{store, Buffers, Encoder, E5_SMALL};

/// 10 KB of U+FDFA (one sentence as the segmenter cuts it: each character normalises
/// to the 18 of "صلى الله عليه وسلم") used to run as 27 windows; now the tokenizer
/// stops at 1,020 ids, and the embedding is that of any text with the same first
/// 1,020 ids, bit for bit.
#[test]
fn an_expanding_sentence_is_embedded_from_its_first_1020_tokens() {
    let e = Encoder::load_file(&E5_SMALL, &store::path_in(e5_home(), &E5_SMALL)).unwrap();
    let tok = e.network().tokenizer();
    assert_eq!(tok.max_tokens(), 1020);
    let long = "\u{fdfa}".repeat(3_333);
    let short = "\u{fdfa}".repeat(300);
    let (mut buf, mut ids, mut short_ids) = (Default::default(), Vec::new(), Vec::new());
    tok.encode_into(&format!("query: {long}"), &mut buf, &mut ids);
    tok.encode_into(&format!("query: {short}"), &mut buf, &mut short_ids);
    assert_eq!(ids.len(), 1020);
    assert_eq!(ids, short_ids);
    let mut b = Buffers::default();
    let (mut x, mut y) = (vec![0f32; e.dim()], vec![0f32; e.dim()]);
    e.embed(&long, &mut b, &mut x);
    e.embed(&short, &mut b, &mut y);
    assert_eq!(x, y);
}

/// The same through `classify`: the 10 KB sentence is one sentence with one label and
/// a finite probability (its encoder block from the first 1,020 tokens; the TF-IDF and
/// cue blocks still see the whole sentence).
#[test]
fn classify_labels_a_10_kb_expanding_sentence() {
    let out = factop()
        .env("FACTOP_HOME", e5_home())
        .args(["classify", "--model", "en-e5", "--format", "tsv"])
        .write_stdin("\u{fdfa}".repeat(3_333))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = stdout.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    assert_eq!(
        rows[0][3..7],
        ["start", "end", "label", "opinion_probability"]
    );
    assert_eq!(rows[1][3..5], ["0", "9999"]);
    // A finite probability, and the label the model's threshold gives it.
    let p: f64 = rows[1][6].parse().unwrap();
    assert!(p.is_finite() && (0.0..=1.0).contains(&p), "{p}");
    let json = factop()
        .env("FACTOP_HOME", e5_home())
        .args(["classify", "--model", "en-e5", "--format", "json"])
        .write_stdin("\u{fdfa}".repeat(3_333))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let threshold = v["model"]["threshold"].as_f64().unwrap();
    let sentences = v["documents"][0]["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), 1);
    assert_eq!(sentences[0]["opinion_probability"].as_f64(), Some(p));
    let label = if p >= threshold { "opinion" } else { "fact" };
    assert_eq!(rows[1][5], label);
}
