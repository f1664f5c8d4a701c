//! Explanations for people, shared by the table, text and HTML outputs: each feature
//! as a reader knows it (the sentence's own words in quotes, a cue in plain words),
//! and the sum that decided the label, from the model's starting point to the
//! threshold.

use factop::model::{Contribution, Explanation};
use factop::pipeline::chars::visible;
use factop::Label;

/// A feature as a reader sees it: a term's words in double quotes, a cue or the
/// encoder block in plain words; the internal name when nothing better is known.
pub fn shown(c: &Contribution) -> String {
    let text = if c.shown.is_empty() {
        &c.feature
    } else {
        &c.shown
    };
    match c.kind {
        "term" => format!("\"{}\"", visible(text)),
        _ => visible(text).into_owned(),
    }
}

/// A log-odds value with a sign and two decimals.
pub fn signed(x: f64) -> String {
    let s = format!("{x:+.2}");
    // -0.00 reads as a push the wrong way.
    if s == "-0.00" {
        "+0.00".into()
    } else {
        s
    }
}

/// One side's features: `"deserves" +0.08, quotes someone +0.03`, or `none`.
pub fn side(xs: &[Contribution]) -> String {
    if xs.is_empty() {
        return "none".into();
    }
    xs.iter()
        .map(|c| format!("{} {}", shown(c), signed(c.contribution)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The features on one line: `towards opinion: ... | towards fact: ...`.
pub fn reasons_line(e: &Explanation) -> String {
    format!(
        "towards opinion: {} | towards fact: {}",
        side(&e.opinion),
        side(&e.fact)
    )
}

/// The sum of the listed contributions.
pub fn listed(e: &Explanation) -> f64 {
    e.opinion
        .iter()
        .chain(&e.fact)
        .map(|c| c.contribution)
        .sum()
}

/// How the label was decided, on one line: `starts at -0.45 (39% opinion) · listed
/// +0.10 · cues it lacks +0.03 · other features -0.15 · total -0.47, below the
/// threshold -0.08 (P 0.48) → fact`. The first five numbers add up to the total (to
/// the rounding of each). "cues it lacks" is left out when it is exactly zero, as for
/// a model without a cue block.
pub fn sum_line(e: &Explanation, label: Label) -> String {
    let relation = if e.log_odds >= e.threshold_log_odds {
        "at or above"
    } else {
        "below"
    };
    let lacks = if e.absent_cues == 0.0 {
        String::new()
    } else {
        format!(" · cues it lacks {}", signed(e.absent_cues))
    };
    format!(
        "starts at {} ({:.0}% opinion) · listed {}{lacks} · other features {} · total {}, {relation} the threshold {} (P {:.2}) → {label}",
        signed(e.intercept),
        e.base_rate * 100.0,
        signed(listed(e)),
        signed(e.other),
        signed(e.log_odds),
        signed(e.threshold_log_odds),
        e.threshold,
    )
}

/// The training sentences the encoder found nearest, on one line: `reads like:
/// "Officials said ..." (fact, 0.41); "What a ..." (opinion, 0.37)`; None when the
/// model stores none.
pub fn reads_like_line(e: &Explanation) -> Option<String> {
    if e.reads_like.is_empty() {
        return None;
    }
    let each: Vec<String> = e
        .reads_like
        .iter()
        .map(|n| {
            format!(
                "\"{}\" ({}, {:.2})",
                visible(&n.text),
                n.label,
                n.similarity
            )
        })
        .collect();
    Some(format!("reads like: {}", each.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use factop::model::blocks::neighbours::Neighbour;

    fn c(kind: &'static str, feature: &str, shown: &str, x: f64) -> Contribution {
        Contribution {
            feature: feature.into(),
            contribution: x,
            kind,
            shown: shown.into(),
            stem: (kind == "term").then(|| feature.into()),
        }
    }

    #[test]
    fn terms_are_quoted_words_and_cues_plain() {
        let e = Explanation {
            opinion: vec![
                c("term", "deserv", "deserves", 0.081),
                c("term", "coalit talk", "coalition talks", 0.07),
            ],
            fact: vec![c("cue", "cue:length.words", "sentence length", -0.049)],
            intercept: -0.45,
            base_rate: 0.389,
            absent_cues: 0.03,
            other: -0.15,
            log_odds: -0.468,
            threshold: 0.48,
            threshold_log_odds: -0.08,
            reads_like: vec![],
        };
        assert_eq!(reads_like_line(&e), None);
        assert_eq!(
            reasons_line(&e),
            "towards opinion: \"deserves\" +0.08, \"coalition talks\" +0.07 | towards fact: sentence length -0.05"
        );
        assert_eq!(
            sum_line(&e, Label::Fact),
            "starts at -0.45 (39% opinion) · listed +0.10 · cues it lacks +0.03 · other features -0.15 · total -0.47, below the threshold -0.08 (P 0.48) → fact"
        );
        let no_cues = Explanation {
            absent_cues: 0.0,
            other: -0.12,
            ..e.clone()
        };
        assert_eq!(
            sum_line(&no_cues, Label::Fact),
            "starts at -0.45 (39% opinion) · listed +0.10 · other features -0.12 · total -0.47, below the threshold -0.08 (P 0.48) → fact"
        );
        let e = Explanation {
            reads_like: vec![
                Neighbour {
                    text: "What a disgrace!".into(),
                    label: Label::Opinion,
                    similarity: 0.4123,
                },
                Neighbour {
                    text: "Officials said so.".into(),
                    label: Label::Fact,
                    similarity: 0.4,
                },
            ],
            ..e
        };
        assert_eq!(
            reads_like_line(&e).as_deref(),
            Some("reads like: \"What a disgrace!\" (opinion, 0.41); \"Officials said so.\" (fact, 0.40)")
        );
        let empty = Explanation::default();
        assert_eq!(
            reasons_line(&empty),
            "towards opinion: none | towards fact: none"
        );
    }

    #[test]
    fn names_fall_back_and_invisible_characters_show() {
        assert_eq!(shown(&c("cue", "cue:x", "", 0.1)), "cue:x");
        assert_eq!(
            shown(&c("term", "a\u{202E}b", "a\u{202E}b", 0.1)),
            "\"a<U+202E>b\""
        );
        assert_eq!(signed(-0.001), "+0.00");
        assert_eq!(signed(0.25), "+0.25");
    }
}
