//! `classify --format html`: the article with each sentence highlighted by label.
//!
//! The page is self-contained (inline CSS, no script) and deterministic. Each document
//! is shown in reading order from its own text: blank lines start paragraphs, and the
//! whitespace between sentences is kept. Each sentence is a
//! `<span class="sentence fact|opinion">` whose background is stronger the further its
//! P(opinion) lies from the threshold, with a tooltip (`title`) giving P(opinion) and
//! the features that pushed it most each way. Under each document's text, a
//! "Why each sentence got its label" list gives every sentence's reasons in full:
//! the features each way as a reader knows them (the sentence's own words, cues in
//! plain words) and the sum from the model's starting point to the threshold.
//!
//! Each sentence is isolated for bidirectional text (`unicode-bidi: isolate`), so that
//! a right-to-left sentence cannot reorder its neighbours, and characters that would
//! act unseen (bidirectional controls such as U+202E, zero-width spaces, soft hyphens,
//! control characters) are shown as boxed code points ([`escape_shown`]).

use super::common::{escape, escape_shown, num, BASE_CSS};
use crate::cli::output::explain;
use factop::model::{Contribution, SentenceResult, Summary};
use factop::pipeline::chars::visible;
use factop::{Label, Language};
use std::fmt::Write as _;

/// One classified document, as the HTML page needs it.
#[derive(Debug, Clone)]
pub struct HtmlDocument {
    /// Where it came from.
    pub source: String,
    /// Its id, for `--input-format jsonl`.
    pub id: Option<serde_json::Value>,
    /// The document's text; sentence offsets index into it.
    pub text: String,
    /// Counts.
    pub summary: Summary,
    /// The sentences, with explanations.
    pub sentences: Vec<SentenceResult>,
    /// The document's language (its model's); English when unknown.
    pub language: Option<Language>,
    /// The threshold its sentences were decided at.
    pub threshold: f64,
}

const CLASSIFY_CSS: &str = "\
header{max-width:860px;margin:0 auto 20px}
main{max-width:860px;margin:0 auto}
.legend{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center;font-size:13px;color:var(--muted);background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.legend .sentence{color:var(--ink);font-size:14px}
.ramp{display:inline-flex;gap:2px;vertical-align:middle;margin:0 4px}
.ramp i{display:inline-block;width:18px;height:14px;border-radius:2px}
.summary{display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;font-size:14px;color:var(--muted);margin:0 0 14px}
.summary b{color:var(--ink);font-variant-numeric:tabular-nums}
.share{display:flex;width:220px;height:10px;border-radius:5px;overflow:hidden;background:var(--line)}
.share span{display:block;height:100%}
.share .fact{background:rgba(var(--fact),.55)}
.share .opinion{background:rgb(var(--opinion))}
.text{font:17px/1.75 Georgia,\"Liberation Serif\",\"DejaVu Serif\",serif}
.text p{margin:0 0 14px;white-space:pre-wrap}
.sentence{unicode-bidi:isolate;border-radius:3px;padding:1px 0;box-decoration-break:clone;-webkit-box-decoration-break:clone}
.sentence.fact{background:rgba(var(--fact),var(--a,.25))}
.sentence.opinion{background:rgba(var(--opinion),var(--a,.4));border-bottom:2px solid rgb(var(--opinion))}
.sentence:hover{outline:1px solid var(--ink)}
.empty{color:var(--muted);font-style:italic}
.why{margin:18px 0 0;font-size:14px}
.why summary{cursor:pointer;color:var(--muted);font-weight:600}
.why ol{padding-left:28px;margin:10px 0 0}
.why li{margin:0 0 12px}
.why .said{margin:0 0 4px}
.why .p,.why .sum,.why .dir,.why .none{color:var(--muted)}
.why .dir{display:inline-block;width:118px;font-size:12px}
.why .sum{font-size:12px;margin-top:3px}
.why .pushes{padding-left:118px;text-indent:-118px}
.why .pushes>*{text-indent:0}
.why .reads{font-size:13px;margin-top:4px;padding-left:118px}
.why .reads .dir{display:block;width:auto;margin-left:-118px}
.tag{font-size:12px;font-weight:600;border-radius:3px;padding:0 5px;color:#fff}
.tag.fact{background:rgb(var(--fact))}
.tag.opinion{background:rgb(var(--opinion))}
.chip{display:inline-block;border-radius:10px;padding:0 8px;margin:2px 0;font-size:13px;unicode-bidi:isolate}
.chip.fact{background:rgba(var(--fact),.12)}
.chip.opinion{background:rgba(var(--opinion),.14)}
";

/// `n thing` or `n things`.
fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// A signed contribution with two decimals.
fn signed(x: f64) -> String {
    let s = num(x, 2);
    if s.starts_with('-') || s == "n/a" {
        s
    } else {
        format!("+{s}")
    }
}

/// How sure the label is, from 0 (at the threshold) to 1 (at 0 or 1).
fn confidence(p: f64, threshold: f64) -> f64 {
    if !p.is_finite() {
        return 0.0;
    }
    let t = if threshold.is_finite() {
        threshold.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let room = if p >= t { 1.0 - t } else { t };
    if room <= 0.0 {
        return 1.0;
    }
    ((p - t).abs() / room).clamp(0.0, 1.0)
}

/// Background alpha for a label and a confidence: facts stay light, so that the
/// opinions stand out.
fn alpha(label: Label, conf: f64) -> f64 {
    match label {
        Label::Fact => 0.05 + 0.30 * conf,
        Label::Opinion => 0.12 + 0.58 * conf,
    }
}

/// One side of an explanation as chips: each feature as a reader knows it, with its
/// push on the log-odds.
fn chips(xs: &[Contribution], side: Label) -> String {
    if xs.is_empty() {
        return "<span class=\"none\">none</span>".into();
    }
    xs.iter()
        .map(|c| {
            format!(
                "<span class=\"chip {side}\" title=\"{}\"><bdi>{}</bdi> <b>{}</b></span>",
                escape(&visible(&c.feature)),
                escape_shown(&explain::shown(c)),
                signed(c.contribution)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The training sentences an accurate model found nearest, with their labels.
fn reads_like(e: &factop::model::Explanation) -> String {
    if e.reads_like.is_empty() {
        return String::new();
    }
    let each: Vec<String> = e
        .reads_like
        .iter()
        .map(|n| {
            format!(
                "<div><span class=\"tag {}\">{}</span> <bdi>{}</bdi> <span class=\"p\">similarity {}</span></div>",
                n.label,
                n.label,
                escape_shown(&n.text),
                num(n.similarity, 2)
            )
        })
        .collect();
    format!(
        "<div class=\"reads\"><span class=\"dir\">reads like (training sentences nearest in meaning)</span>{}</div>",
        each.concat()
    )
}

/// The reasons of every explained sentence of a document, under the text: the
/// features each way and the sum from the model's starting point to the threshold.
fn render_reasons(d: &HtmlDocument) -> String {
    let explained: Vec<&SentenceResult> = d
        .sentences
        .iter()
        .filter(|s| s.explanation.is_some())
        .collect();
    if explained.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<details class=\"why\" open>\n<summary>Why each sentence got its label</summary>\n<ol>\n",
    );
    for s in explained {
        let Some(e) = &s.explanation else { continue };
        let _ = writeln!(
            out,
            "<li value=\"{}\"><div class=\"said\"><span class=\"tag {}\">{}</span> <span class=\"p\">P(opinion) {}</span> <bdi>{}</bdi></div><div class=\"pushes\"><span class=\"dir\">towards opinion</span> {}</div><div class=\"pushes\"><span class=\"dir\">towards fact</span> {}</div><div class=\"sum\">{}</div>{}</li>",
            s.index + 1,
            s.label,
            s.label,
            num(s.opinion_probability, 2),
            escape_shown(&s.text),
            chips(&e.opinion, Label::Opinion),
            chips(&e.fact, Label::Fact),
            escape(&explain::sum_line(e, s.label)),
            reads_like(e),
        );
    }
    out.push_str("</ol>\n</details>\n");
    out
}

fn sentence_span(s: &SentenceResult, text: &str, threshold: f64) -> String {
    let p = s.opinion_probability;
    let mut tip = format!(
        "{} · P(opinion) {} (threshold {})",
        s.label,
        num(p, 3),
        num(threshold, 3)
    );
    if let Some(e) = &s.explanation {
        let _ = write!(
            tip,
            "\ntowards opinion: {}\ntowards fact: {}\n{}",
            explain::side(&e.opinion),
            explain::side(&e.fact),
            explain::sum_line(e, s.label)
        );
    }
    format!(
        "<span class=\"sentence {}\" style=\"--a:{}\" data-p=\"{}\" title=\"{}\">{}</span>",
        s.label,
        num(alpha(s.label, confidence(p, threshold)), 2),
        num(p, 3),
        escape(&visible(&tip)).replace('\u{240A}', "&#10;"),
        escape_shown(text)
    )
}

/// Split text at blank lines: runs of ASCII whitespace holding two or more newlines.
fn split_paragraphs(g: &str) -> Vec<&str> {
    let bytes = g.as_bytes();
    let (mut parts, mut start, mut i) = (Vec::new(), 0, 0);
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            let (mut j, mut newlines) = (i, 0);
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                newlines += usize::from(bytes[j] == b'\n');
                j += 1;
            }
            if newlines >= 2 {
                parts.push(&g[start..i]);
                start = j;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    parts.push(&g[start..]);
    parts
}

/// Pieces of a document in reading order.
enum Piece<'a> {
    /// Text between sentences (escaped on output; may hold paragraph breaks).
    Gap(&'a str),
    /// A sentence and its text.
    Sentence(&'a SentenceResult, &'a str),
}

/// The document as gaps and sentences. Sentence offsets that do not fit the text (out
/// of range, overlapping or not on character boundaries) fall back to the sentences
/// alone, separated by spaces.
fn pieces(d: &HtmlDocument) -> Vec<Piece<'_>> {
    let mut pos = 0;
    let fits = d.sentences.iter().all(|s| {
        let ok = s.start >= pos && d.text.get(s.start..s.end).is_some();
        pos = s.end;
        ok
    });
    let mut out = Vec::with_capacity(2 * d.sentences.len() + 1);
    if fits {
        let mut pos = 0;
        for s in &d.sentences {
            out.push(Piece::Gap(&d.text[pos..s.start]));
            out.push(Piece::Sentence(s, &d.text[s.start..s.end]));
            pos = s.end;
        }
        out.push(Piece::Gap(&d.text[pos..]));
    } else {
        for (i, s) in d.sentences.iter().enumerate() {
            if i > 0 {
                out.push(Piece::Gap(" "));
            }
            out.push(Piece::Sentence(s, &s.text));
        }
    }
    out
}

/// The document's text as `<p>` paragraphs with highlighted sentences.
fn render_text(d: &HtmlDocument, threshold: f64) -> String {
    let mut out = String::new();
    let mut cur = String::new();
    let finish = |cur: &mut String, out: &mut String| {
        let t = cur.trim_end();
        if !t.is_empty() {
            let _ = writeln!(out, "<p>{t}</p>");
        }
        cur.clear();
    };
    for piece in pieces(d) {
        match piece {
            Piece::Gap(g) => {
                for (k, part) in split_paragraphs(g).into_iter().enumerate() {
                    if k > 0 {
                        finish(&mut cur, &mut out);
                    }
                    let part = if cur.is_empty() {
                        part.trim_start()
                    } else {
                        part
                    };
                    cur.push_str(&escape_shown(part));
                }
            }
            Piece::Sentence(s, text) => cur.push_str(&sentence_span(s, text, threshold)),
        }
    }
    finish(&mut cur, &mut out);
    if out.is_empty() {
        out.push_str("<p class=\"empty\">(no text)</p>\n");
    }
    out
}

fn doc_name(d: &HtmlDocument) -> String {
    match &d.id {
        Some(serde_json::Value::String(id)) => format!("{} #{id}", d.source),
        Some(id) => format!("{} #{id}", d.source),
        None => d.source.clone(),
    }
}

fn render_document(i: usize, d: &HtmlDocument) -> String {
    let threshold = d.threshold;
    let sm = &d.summary;
    let share = if sm.sentences > 0 {
        sm.opinion as f64 / sm.sentences as f64
    } else {
        0.0
    };
    let mut s = format!(
        "<article class=\"doc card\" id=\"doc-{}\">\n<h2><bdi>{}</bdi></h2>\n",
        i + 1,
        escape_shown(&doc_name(d))
    );
    let _ = writeln!(
        s,
        "<div class=\"summary\"><span><b>{}</b> {}</span><span><span class=\"swatch fact\"></span><b>{}</b> fact</span><span><span class=\"swatch opinion\"></span><b>{}</b> opinion</span><span><b>{}%</b> opinion</span><span class=\"share\" title=\"opinion share {}%\"><span class=\"fact\" style=\"width:{}%\"></span><span class=\"opinion\" style=\"width:{}%\"></span></span></div>",
        sm.sentences,
        if sm.sentences == 1 { "sentence" } else { "sentences" },
        sm.fact,
        sm.opinion,
        num(share * 100.0, 1),
        num(share * 100.0, 1),
        num((1.0 - share) * 100.0, 1),
        num(share * 100.0, 1)
    );
    // The page speaks English; a document in another language says so, and Arabic
    // runs right to left.
    match d.language.filter(|&l| l != Language::English) {
        Some(l) => {
            let dir = if l.profile().right_to_left {
                " dir=\"rtl\""
            } else {
                ""
            };
            let _ = writeln!(s, "<div class=\"text\" lang=\"{}\"{dir}>", l.code());
        }
        None => s.push_str("<div class=\"text\">\n"),
    }
    s += &render_text(d, threshold);
    s.push_str("</div>\n");
    s += &render_reasons(d);
    s.push_str("</article>\n");
    s
}

fn legend(threshold: f64) -> String {
    let ramp = |label: Label| {
        let rgb = match label {
            Label::Fact => "var(--fact)",
            Label::Opinion => "var(--opinion)",
        };
        let cells: String = [1.0, 0.75, 0.5, 0.25, 0.0]
            .iter()
            .map(|&c| {
                format!(
                    "<i style=\"background:rgba({rgb},{})\"></i>",
                    num(alpha(label, c), 2)
                )
            })
            .collect();
        format!("<span class=\"ramp\">{cells}</span>")
    };
    format!(
        "<div class=\"legend\" id=\"legend\"><span><span class=\"sentence fact\" style=\"--a:0.3\">fact</span> a reported statement</span><span><span class=\"sentence opinion\" style=\"--a:0.5\">opinion</span> the author&#39;s commentary</span><span>shade: sure {}{} near the threshold ({})</span><span>Hover over a sentence for P(opinion) and the features that pushed it each way; the reasons in full are under each document.</span></div>\n",
        ramp(Label::Fact),
        ramp(Label::Opinion),
        num(threshold, 3),
    )
}

/// Render the page for all documents.
pub fn render_classify(model_name: &str, threshold: f64, docs: &[HtmlDocument]) -> String {
    let model = escape(&visible(model_name));
    let title = match docs {
        [one] => format!("{} – {model}", escape(&visible(&doc_name(one)))),
        _ => format!("{} documents – {model}", docs.len()),
    };
    let (sentences, opinions) = docs.iter().fold((0, 0), |(n, o), d| {
        (n + d.summary.sentences, o + d.summary.opinion)
    });
    let mut s = String::with_capacity(16 * 1024);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{BASE_CSS}{CLASSIFY_CSS}</style>\n</head>\n<body data-threshold=\"{}\">\n<header>\n<h1>Fact or opinion</h1>\n",
        num(threshold, 3)
    );
    let _ = writeln!(
        s,
        "<p class=\"sub\">Model {model} · {} · {} · {opinions} opinion</p>",
        plural(docs.len(), "document"),
        plural(sentences, "sentence")
    );
    s += &legend(threshold);
    s.push_str("</header>\n<main>\n");
    if docs.is_empty() {
        s.push_str("<p class=\"empty\">No documents.</p>\n");
    }
    for (i, d) in docs.iter().enumerate() {
        s += &render_document(i, d);
    }
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(index: usize, text: &str, start: usize, p: f64) -> SentenceResult {
        SentenceResult {
            index,
            start,
            end: start + text.len(),
            text: text.into(),
            label: Label::from_probability(p, 0.5),
            opinion_probability: p,
            explanation: None,
        }
    }

    fn doc(text: &str, sentences: Vec<SentenceResult>) -> HtmlDocument {
        let mut summary = Summary::default();
        for s in &sentences {
            summary.add(s);
        }
        HtmlDocument {
            source: "a.txt".into(),
            id: None,
            text: text.into(),
            summary,
            sentences,
            language: None,
            threshold: 0.5,
        }
    }

    #[test]
    fn paragraphs_split_at_blank_lines_only() {
        assert_eq!(split_paragraphs("a\n\nb"), vec!["a", "b"]);
        assert_eq!(split_paragraphs("a\nb"), vec!["a\nb"]);
        assert_eq!(split_paragraphs(" \r\n \r\n"), vec!["", ""]);
        assert_eq!(split_paragraphs("  "), vec!["  "]);
    }

    #[test]
    fn reading_order_paragraphs_and_gaps() {
        let text = "Head line\n\nOne.  Two!\nThree?\n";
        let d = doc(
            text,
            vec![
                sentence(0, "Head line", 0, 0.2),
                sentence(1, "One.", 11, 0.9),
                sentence(2, "Two!", 17, 0.5),
                sentence(3, "Three?", 22, 0.1),
            ],
        );
        let html = render_text(&d, 0.5);
        assert_eq!(html.matches("<p>").count(), 2, "{html}");
        // The double space and the single line break inside the paragraph are kept.
        assert!(html.contains("One.</span>  <span"), "{html}");
        assert!(html.contains("Two!</span>\n<span"), "{html}");
        assert!(html.contains("class=\"sentence opinion\""));
    }

    #[test]
    fn bad_offsets_fall_back_to_sentences() {
        let d = doc("short", vec![sentence(0, "Not in the text.", 3, 0.7)]);
        let html = render_text(&d, 0.5);
        assert!(html.contains("Not in the text.</span>"), "{html}");
    }

    #[test]
    fn confidence_scales_to_the_threshold() {
        assert_eq!(confidence(0.5, 0.5), 0.0);
        assert_eq!(confidence(1.0, 0.5), 1.0);
        assert_eq!(confidence(0.0, 0.5), 1.0);
        assert!((confidence(0.75, 0.5) - 0.5).abs() < 1e-12);
        assert_eq!(confidence(1.0, 1.0), 1.0);
        assert_eq!(confidence(f64::NAN, 0.5), 0.0);
    }

    #[test]
    fn text_and_tooltips_are_escaped() {
        let mut s = sentence(0, "<b>\"x\" & 'y'</b>", 0, 0.8);
        s.explanation = Some(factop::model::Explanation {
            opinion: vec![Contribution {
                feature: "<script>".into(),
                contribution: 0.5,
                kind: "term",
                shown: "<Script>".into(),
                stem: Some("<script>".into()),
            }],
            ..Default::default()
        });
        let d = doc("<b>\"x\" & 'y'</b>", vec![s]);
        let html = render_classify("m<1>", 0.5, &[d]);
        assert!(
            !html.contains("<b>\"x") && !html.contains("<script>"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"));
        assert!(html.contains("&quot;&lt;Script&gt;&quot; +0.50"), "{html}");
        assert!(html.contains("m&lt;1&gt;"));
    }

    /// A right-to-left override, a zero-width space or an escape character in a
    /// sentence, between sentences or in the document's name is a boxed code point on
    /// the page; each sentence is isolated.
    #[test]
    fn invisible_characters_are_shown_and_sentences_isolated() {
        let text = "The mayor resigned.\u{202E} He left\u{200B}.";
        let mut d = doc(
            text,
            vec![
                sentence(0, "The mayor resigned.", 0, 0.2),
                sentence(1, "He left\u{200B}.", 23, 0.3),
            ],
        );
        d.source = "a\u{2067}b\u{1b}.txt".into();
        let html = render_classify("m", 0.5, &[d]);
        assert!(
            html.contains(
                "The mayor resigned.</span><span class=\"cf\" title=\"U+202E\">U+202E</span> <span"
            ),
            "{html}"
        );
        assert!(
            html.contains(">He left<span class=\"cf\" title=\"U+200B\">U+200B</span>.</span>"),
            "{html}"
        );
        assert!(
            html.contains("<h2><bdi>a<span class=\"cf\" title=\"U+2067\">U+2067</span>b<span class=\"cf\" title=\"U+001B\">\u{241B}</span>.txt</bdi></h2>"),
            "{html}"
        );
        assert!(
            html.contains("<title>a&lt;U+2067&gt;b\u{241B}.txt – m</title>"),
            "{html}"
        );
        assert!(html.contains(".sentence{unicode-bidi:isolate;"));
        for raw in ['\u{202E}', '\u{200B}', '\u{2067}', '\u{1b}'] {
            assert!(!html.contains(raw), "{raw:?} left raw");
        }
    }
}
