//! Property tests for the sentence segmenter.

use factop::pipeline::segment::{self as seg, Span, MAX_SENTENCE_BYTES};
use factop::Language;

fn segment(text: &str) -> Vec<Span> {
    seg::segment(text, Language::English)
}

fn segment_iter(text: &str) -> impl Iterator<Item = Span> + '_ {
    seg::segment_iter(text, Language::English)
}
use proptest::prelude::*;

/// Pieces that exercise the segmenter's rules: words, terminators, quotes,
/// abbreviations, numbers, line breaks and unusual whitespace.
fn piece() -> impl Strategy<Value = String> {
    let fixed = prop_oneof![
        Just("."),
        Just("?"),
        Just("!"),
        Just("…"),
        Just("..."),
        Just("“"),
        Just("”"),
        Just("‘"),
        Just("’"),
        Just("\""),
        Just("'"),
        Just("("),
        Just(")"),
        Just("]"),
        Just(","),
        Just(":"),
        Just(" "),
        Just("  "),
        Just("\n"),
        Just("\r\n"),
        Just("\n\n"),
        Just("\u{a0}"),
        Just("\u{2028}"),
        Just("\u{85}"),
        Just("\t"),
        Just("U.S."),
        Just("U.K."),
        Just("Mr."),
        Just("Dr."),
        Just("Sept."),
        Just("No."),
        Just("Inc."),
        Just("etc."),
        Just("e.g."),
        Just("J."),
        Just("p.m."),
        Just("3.5"),
        Just("$1.2"),
        Just("20"),
        Just("The"),
        Just("He"),
        Just("é"),
    ];
    let word = prop::sample::select(vec![
        "talks",
        "said",
        "we",
        "can",
        "the",
        "nuclear",
        "a",
        "x",
        "officials",
        "Korea",
        "Pyongyang",
        "Tillerson",
        "But",
        "It",
        "A",
        "I",
        "S",
        "Washington",
        "ROWLING",
        "we’re",
        "isn't",
    ]);
    prop_oneof![
        3 => fixed.prop_map(str::to_owned),
        3 => word.prop_map(str::to_owned),
    ]
}

/// Text built from the pieces above.
fn newsy() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..60).prop_map(|v| v.concat())
}

/// Either arbitrary Unicode or news-like text.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "\\PC*", newsy(), newsy()]
}

fn non_ws(s: &str) -> String {
    s.chars().filter(|&c| !seg::is_space(c)).collect()
}

fn check_invariants(text: &str, spans: &[Span]) -> Result<(), TestCaseError> {
    let mut prev_end = 0usize;
    for (i, s) in spans.iter().enumerate() {
        prop_assert!(s.start < s.end, "span {} empty: {:?}", i, s);
        prop_assert!(s.end <= text.len(), "span {} out of range: {:?}", i, s);
        prop_assert!(
            i == 0 || s.start >= prev_end,
            "span {} overlaps or goes backwards: {:?} after end {}",
            i,
            s,
            prev_end
        );
        prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        prop_assert!(s.end - s.start <= MAX_SENTENCE_BYTES);
        let t = s.text(text);
        prop_assert_eq!(t, &text[s.start..s.end]);
        prop_assert_eq!(t, t.trim_matches(seg::is_space), "span {} not trimmed", i);
        prop_assert!(!t.is_empty());
        prev_end = s.end;
    }
    let covered: String = spans.iter().map(|s| non_ws(s.text(text))).collect();
    prop_assert_eq!(
        covered,
        non_ws(text),
        "non-whitespace characters were dropped"
    );
    Ok(())
}

proptest! {
    #[test]
    fn never_panics(text in any_text()) {
        let _ = segment(&text);
    }

    #[test]
    fn spans_are_ordered_trimmed_and_complete(text in any_text()) {
        let spans = segment(&text);
        check_invariants(&text, &spans)?;
    }

    #[test]
    fn iterator_matches_vec(text in any_text()) {
        let a: Vec<Span> = segment_iter(&text).collect();
        prop_assert_eq!(a, segment(&text));
    }

    #[test]
    fn line_breaks_always_end_sentences(text in newsy()) {
        for s in segment(&text) {
            let t = s.text(&text);
            prop_assert!(!t.contains(['\n', '\r', '\u{2028}', '\u{85}']), "{:?}", t);
        }
    }
}

proptest! {
    // Large inputs are slow to generate and check in debug builds.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn long_inputs_keep_invariants(
        parts in prop::collection::vec(newsy(), 1..8),
        filler in prop::sample::select(vec!["a", "é", "word ", "“x. ", ". "]),
        reps in 2_000usize..6_000,
    ) {
        let mut text = filler.repeat(reps);
        for p in &parts {
            text.push_str(p);
            text.push_str(&filler.repeat(reps / 4));
        }
        let spans = segment(&text);
        check_invariants(&text, &spans)?;
    }
}
