//! `--format jsonl`: one JSON object per sentence, with its source (and id), written
//! as soon as its line is classified.

use super::format::{flush_if_drained, io, Document, Format, ModelInfo};
use factop::model::{SentenceResult, Summary};
use factop::stream::Line;
use factop::{Label, Result};
use serde::Serialize;
use std::io::Write;

/// The part of a jsonl record that is the same for every sentence of a document: its
/// source, id and model. It is serialised once per document; each record is this
/// prefix, then [`write_tail`]'s fields.
#[derive(Serialize)]
struct JsonlHead<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    model: &'a ModelInfo,
}

/// Write the rest of a jsonl record without its opening brace: the fields of
/// [`SentenceResult`] in its order, as `serde_json` writes them. The sentence text is
/// escaped by [`push_json_str`], which copies runs that need no escape whole; the
/// probability and the explanation go through `serde_json`.
fn write_tail(out: &mut Vec<u8>, s: &SentenceResult) -> serde_json::Result<()> {
    let mut number = itoa::Buffer::new();
    out.extend_from_slice(b"\"index\":");
    out.extend_from_slice(number.format(s.index).as_bytes());
    out.extend_from_slice(b",\"start\":");
    out.extend_from_slice(number.format(s.start).as_bytes());
    out.extend_from_slice(b",\"end\":");
    out.extend_from_slice(number.format(s.end).as_bytes());
    out.extend_from_slice(b",\"text\":");
    push_json_str(out, &s.text);
    out.extend_from_slice(match s.label {
        Label::Fact => b",\"label\":\"fact\"",
        Label::Opinion => b",\"label\":\"opinion\"",
    });
    out.extend_from_slice(b",\"opinion_probability\":");
    serde_json::to_writer(&mut *out, &s.opinion_probability)?;
    if let Some(explanation) = &s.explanation {
        out.extend_from_slice(b",\"explanation\":");
        serde_json::to_writer(&mut *out, explanation)?;
    }
    out.push(b'}');
    Ok(())
}

/// Append `text` as a JSON string, escaped as `serde_json` escapes it: `"` and `\\`,
/// the short forms `\\b \\t \\n \\f \\r`, and `\\u00xx` for other control characters.
/// Bytes that need no escape are found 16 at a time and copied in runs.
fn push_json_str(out: &mut Vec<u8>, text: &str) {
    let needs_escape = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    let bytes = text.as_bytes();
    out.push(b'"');
    let mut from = 0;
    while from < bytes.len() {
        let mut run = from;
        while let Some(block) = bytes.get(run..run + 16) {
            if block.iter().fold(false, |any, &b| any | needs_escape(b)) {
                break;
            }
            run += 16;
        }
        run += bytes[run..]
            .iter()
            .position(|&b| needs_escape(b))
            .unwrap_or(bytes.len() - run);
        out.extend_from_slice(&bytes[from..run]);
        let Some(&b) = bytes.get(run) else {
            break;
        };
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        from = run + 1;
    }
    out.push(b'"');
}

/// The JSON Lines writer.
pub struct Jsonl<W> {
    out: W,
    /// The current document's record prefix: `{"source":…,"model":{…},`.
    head: Vec<u8>,
    /// One record's tail, reused.
    tail: Vec<u8>,
}

impl<W: Write> Jsonl<W> {
    /// A JSON Lines writer on `out`.
    pub fn new(out: W) -> Self {
        Jsonl {
            out,
            head: Vec::new(),
            tail: Vec::new(),
        }
    }
}

impl<W: Write> Format for Jsonl<W> {
    fn begin(&mut self, _run: &ModelInfo) -> Result<()> {
        Ok(())
    }

    fn begin_document(&mut self, doc: &Document) -> Result<()> {
        let head = JsonlHead {
            source: &doc.source,
            id: doc.id.as_ref(),
            model: &doc.model,
        };
        self.head.clear();
        serde_json::to_writer(&mut self.head, &head).map_err(|e| io(e.into()))?;
        // `{...}` becomes `{...,`: the tail's fields follow.
        self.head.pop();
        self.head.push(b',');
        Ok(())
    }

    fn line(&mut self, _doc: &Document, line: &Line<'_>) -> Result<()> {
        for s in line.sentences {
            self.tail.clear();
            write_tail(&mut self.tail, s).map_err(|e| io(e.into()))?;
            self.tail.push(b'\n');
            self.out.write_all(&self.head).map_err(io)?;
            self.out.write_all(&self.tail).map_err(io)?;
        }
        flush_if_drained(&mut self.out, line)
    }

    fn end_document(&mut self, _doc: &Document, _summary: &Summary) -> Result<()> {
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush().map_err(io)
    }

    fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use factop::model::{Contribution, Explanation};

    fn result(text: &str, explanation: Option<Explanation>) -> SentenceResult {
        SentenceResult {
            index: 12,
            start: 3456,
            end: 3456 + text.len(),
            text: text.to_string(),
            label: Label::Opinion,
            opinion_probability: 0.1 + 0.2,
            explanation,
        }
    }

    /// A record tail is `serde_json`'s serialisation of the sentence result, brace
    /// and all, with or without an explanation.
    fn assert_tail_is_serde(s: &SentenceResult) {
        let mut ours = Vec::new();
        write_tail(&mut ours, s).expect("writes");
        let theirs = serde_json::to_vec(s).expect("serialises");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs[1..])
        );
    }

    #[test]
    fn every_byte_is_escaped_as_serde_json_escapes_it() {
        let all: String = (0u8..0x80).map(char::from).collect();
        for text in [
            all.as_str(),
            "",
            "plain",
            "\"",
            "caf\u{e9} \u{201C}x\u{201D}\u{7f}",
        ] {
            assert_tail_is_serde(&result(text, None));
        }
        let explanation = Explanation {
            opinion: vec![Contribution {
                feature: "cue:quotation.scare \"x\"".into(),
                contribution: 0.25,
                kind: "cue",
                shown: "scare \"quotes\"".into(),
                stem: None,
            }],
            fact: vec![Contribution {
                feature: "deserv".into(),
                contribution: -0.5,
                kind: "term",
                shown: "Deserves".into(),
                stem: Some("deserv".into()),
            }],
            intercept: -0.25,
            base_rate: 0.4378,
            absent_cues: 0.0625,
            other: 0.0625,
            log_odds: -0.375,
            threshold: 0.48,
            threshold_log_odds: -0.08,
            reads_like: vec![factop::model::blocks::neighbours::Neighbour {
                text: "A \"quoted\"\tline".into(),
                label: Label::Fact,
                similarity: 0.5,
            }],
        };
        assert_tail_is_serde(&result("It is \"great\".", Some(explanation)));
        let mut fact = result("x", None);
        fact.label = Label::Fact;
        assert_tail_is_serde(&fact);
    }

    proptest::proptest! {
        #[test]
        fn escaped_text_matches_serde_json(text in "[ -~\u{0}-\u{1f}\u{e9}\u{201C}]{0,80}") {
            assert_tail_is_serde(&result(&text, None));
        }
    }
}
