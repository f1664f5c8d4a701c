//! `classify --format html`: the article with each sentence highlighted by label.

use crate::model::SentenceResult;
use crate::output::Summary;
use crate::report::escape;

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
}

/// Render the page for all documents.
pub fn render_classify(model_name: &str, threshold: f64, docs: &[HtmlDocument]) -> String {
    let mut body = String::new();
    for d in docs {
        body.push_str(&format!("<h2>{}</h2>\n<p>", escape(&d.source)));
        for s in &d.sentences {
            body.push_str(&format!(
                "<span class=\"{}\" title=\"P(opinion) {:.2}\">{}</span> ",
                s.label,
                s.opinion_probability,
                escape(&s.text)
            ));
        }
        body.push_str("</p>\n");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>factop: {}</title></head>\n<body data-threshold=\"{threshold}\">\n{body}</body></html>\n",
        escape(model_name)
    )
}
