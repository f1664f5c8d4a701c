//! Snapshot tests of the two HTML pages (`eval --report` and `classify --format html`),
//! rendered from small hand-built inputs, so that any change to their HTML or SVG
//! shows up as a reviewable diff in `src/cli/html/snapshots/`.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test --bin factop html`
//! (or `cargo insta review`), then read the diff.

use super::classify::{render_classify, HtmlDocument};
use super::eval::{render_eval, EvalPage, Mistake, SECTION_IDS};
use factop::eval::metrics::{evaluate, Report};
use factop::model::blocks::neighbours::Neighbour;
use factop::model::{Contribution, Explanation, SentenceResult, Summary};
use factop::Label::{self, Fact as F, Opinion as O};

/// Compare `value` with the snapshot `snapshots/html_snapshots__NAME.snap`.
macro_rules! snapshot {
    ($name:literal, $value:expr) => {
        insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(concat!("html_snapshots__", $name), $value);
        })
    };
}

/// Ten sentences: a ranking with one tie across classes and two mistakes at 0.5.
fn sample() -> (Vec<Label>, Vec<f64>) {
    (
        vec![F, F, F, F, F, F, O, O, O, O],
        vec![0.05, 0.12, 0.2, 0.35, 0.6, 0.7, 0.45, 0.7, 0.8, 0.95],
    )
}

fn mistakes() -> Vec<Mistake> {
    vec![
        Mistake {
            id: "row-6".into(),
            text: "Officials said <b>40</b> people were \"hurt\" & 'shaken'.".into(),
            label: F,
            opinion_probability: 0.7,
        },
        Mistake {
            id: "7".into(),
            text: "What a disgrace!".into(),
            label: O,
            opinion_probability: 0.45,
        },
    ]
}

fn eval_page(truth: &[Label], probs: &[f64], folds: Option<&[Report]>) -> String {
    let report = evaluate(truth, probs, 0.5);
    let mistakes = mistakes();
    render_eval(&EvalPage {
        title: "factop-en on <sample>.csv",
        report: &report,
        truth,
        probs,
        threshold: 0.5,
        mistakes: &mistakes,
        folds,
    })
}

/// The page from `<body` on: the structure, without the style sheet.
fn body(page: &str) -> &str {
    &page[page.find("<body").expect("a body")..]
}

/// The page up to `<body`: head and style sheet.
fn head(page: &str) -> &str {
    &page[..page.find("<body").expect("a body")]
}

fn assert_self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>\n"));
    assert!(page.ends_with("</html>\n"));
    for bad in [
        "<script", "src=", "href=", "url(", "@import", "http:", "https:", "NaN", "inf",
    ] {
        assert!(!page.contains(bad), "page contains {bad:?}");
    }
}

#[test]
fn eval_page_structure() {
    let (truth, probs) = sample();
    let page = eval_page(&truth, &probs, None);
    assert_self_contained(&page);
    for id in SECTION_IDS {
        assert_eq!(page.matches(&format!("id=\"{id}\"")).count(), 1, "{id}");
    }
    assert!(!page.contains("id=\"folds\""));
    assert!(page.contains("&lt;sample&gt;.csv"));
    assert!(
        page.contains("&lt;b&gt;40&lt;/b&gt; people were &quot;hurt&quot; &amp; &#39;shaken&#39;")
    );
    assert_eq!(page, eval_page(&truth, &probs, None), "deterministic");
    snapshot!("eval_head", head(&page));
    snapshot!("eval_body", body(&page));
}

#[test]
fn eval_page_with_folds() {
    let (truth, probs) = sample();
    let folds = [
        evaluate(&truth[..5], &probs[..5], 0.45),
        evaluate(&truth[5..], &probs[5..], 0.55),
    ];
    let page = eval_page(&truth, &probs, Some(&folds));
    assert_self_contained(&page);
    assert!(page.contains("id=\"folds\""));
    assert!(page.contains("mean ± sd"));
    let folds = &page[page.find("<table id=\"folds\"").unwrap()..];
    snapshot!("eval_folds", &folds[..folds.find("</table>").unwrap() + 8]);
}

#[test]
fn eval_page_with_one_class_has_no_nan() {
    let truth = [F, F, F, F];
    let probs = [0.1, 0.3, 0.3, 0.9];
    let page = eval_page(&truth, &probs, None);
    assert_self_contained(&page);
    assert!(page.contains("only one class"));
    assert!(page.contains("no opinion sentence"));
    snapshot!("eval_one_class_body", body(&page));
}

#[test]
fn eval_page_with_no_rows() {
    let page = eval_page(&[], &[], Some(&[]));
    assert_self_contained(&page);
    assert!(page.contains("id=\"calibration\""));
}

fn sentence(
    index: usize,
    doc: &str,
    text: &str,
    p: f64,
    threshold: f64,
    explain: bool,
) -> SentenceResult {
    let start = doc.find(text).expect("sentence in the document");
    SentenceResult {
        index,
        start,
        end: start + text.len(),
        text: text.into(),
        label: Label::from_probability(p, threshold),
        opinion_probability: p,
        explanation: explain.then(|| Explanation {
            opinion: vec![
                Contribution {
                    feature: "cue:evaluative.strong_words".into(),
                    contribution: 0.62,
                    kind: "cue",
                    shown: "strong judgement words".into(),
                    stem: None,
                },
                Contribution {
                    feature: "disgrac".into(),
                    contribution: 0.4,
                    kind: "term",
                    shown: "disgrace".into(),
                    stem: Some("disgrac".into()),
                },
            ],
            fact: vec![Contribution {
                feature: "cue:attribution.verb".into(),
                contribution: -0.23,
                kind: "cue",
                shown: "reporting verb (said, told)".into(),
                stem: None,
            }],
            intercept: -0.5,
            base_rate: 0.3775,
            // The sum adds up: -0.5 + 0.79 listed + 0.1 absent + other = logit(p).
            absent_cues: 0.1,
            other: factop::model::logit(p) + 0.5 - 0.79 - 0.1,
            log_odds: factop::model::logit(p),
            threshold,
            threshold_log_odds: factop::model::logit(threshold),
            reads_like: vec![Neighbour {
                text: "What a <shame>!".into(),
                label: O,
                similarity: 0.61,
            }],
        }),
    }
}

fn document(
    source: &str,
    id: Option<serde_json::Value>,
    text: &str,
    sentences: Vec<SentenceResult>,
) -> HtmlDocument {
    let mut summary = Summary::default();
    for s in &sentences {
        summary.add(s);
    }
    HtmlDocument {
        source: source.into(),
        id,
        text: text.into(),
        summary,
        sentences,
        language: None,
        threshold: 0.48,
    }
}

fn classify_docs() -> Vec<HtmlDocument> {
    let t = 0.48;
    let a = "Council votes on <budget>\n\nOfficials said 40 people were hurt.  What a disgrace!\nThe vote is on Monday.\n\n\nIt's a \"shameful\" plan & everyone knows it.\n";
    let b = "Rain is expected.";
    vec![
        document(
            "news/a&b.txt",
            None,
            a,
            vec![
                sentence(0, a, "Council votes on <budget>", 0.2, t, true),
                sentence(1, a, "Officials said 40 people were hurt.", 0.05, t, true),
                sentence(2, a, "What a disgrace!", 0.93, t, true),
                sentence(3, a, "The vote is on Monday.", 0.47, t, false),
                sentence(
                    4,
                    a,
                    "It's a \"shameful\" plan & everyone knows it.",
                    0.5,
                    t,
                    true,
                ),
            ],
        ),
        document(
            "feed.jsonl",
            Some(serde_json::json!("x-1")),
            b,
            vec![sentence(0, b, "Rain is expected.", 0.1, t, true)],
        ),
        document("empty.txt", None, "", vec![]),
    ]
}

#[test]
fn classify_page_structure() {
    let docs = classify_docs();
    let page = render_classify("factop-en", 0.48, &docs);
    assert_self_contained(&page);
    // Facts: three in the first document, one in the second, one in the legend.
    assert_eq!(
        page.matches("<span class=\"sentence fact\"").count(),
        3 + 1 + 1
    );
    assert_eq!(
        page.matches("<span class=\"sentence opinion\"").count(),
        2 + 1
    );
    // Paragraphs: 3 in the first document (blank lines), 1 in the second, 1 placeholder.
    assert_eq!(page.matches("<p>").count(), 4);
    // Whitespace between sentences is kept: two spaces, and a single line break.
    assert!(page.contains("hurt.</span>  <span"));
    assert!(page.contains("disgrace!</span>\n<span"));
    // Tooltips carry the explanation, escaped, one line each.
    assert!(page.contains(
        "title=\"opinion · P(opinion) 0.930 (threshold 0.480)&#10;towards opinion: strong judgement words +0.62, &quot;disgrace&quot; +0.40&#10;towards fact: reporting verb (said, told) -0.23&#10;starts at -0.50 (38% opinion) · listed +0.79 · cues it lacks +0.10 · other features +2.20 · total +2.59, at or above the threshold -0.08 (P 0.48) → opinion\""
    ));
    // The reasons in full under the text: chips named as a reader knows them, the
    // internal name in their tooltip.
    assert!(page.contains(
        "<span class=\"chip opinion\" title=\"disgrac\"><bdi>&quot;disgrace&quot;</bdi> <b>+0.40</b></span>"
    ));
    assert!(
        page.contains("<bdi>What a &lt;shame&gt;!</bdi> <span class=\"p\">similarity 0.61</span>")
    );
    assert!(page.contains("&lt;budget&gt;") && !page.contains("<budget>"));
    assert!(page.contains("news/a&amp;b.txt"));
    assert!(page.contains("feed.jsonl #x-1"));
    assert_eq!(
        page,
        render_classify("factop-en", 0.48, &docs),
        "deterministic"
    );
    snapshot!("classify_head", head(&page));
    snapshot!("classify_body", body(&page));
}

#[test]
fn classify_page_with_no_documents() {
    let page = render_classify("factop-en", 0.5, &[]);
    assert_self_contained(&page);
    assert!(page.contains("No documents."));
}
