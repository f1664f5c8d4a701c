//! "Reads like": the labelled training sentences nearest to a sentence in the encoder
//! block's space, so that a reader of an accurate model's explanation sees what its
//! one opaque contribution (`encoder:e5-small`) is made of.
//!
//! The space is the encoder block's own features: each embedding standardised with
//! the training means and deviations, `(e − mean) × multiplier`, the numbers the
//! block's weights read. Raw e5 embeddings are anisotropic: their cosine
//! similarities crowd into a narrow high band (the e5 model card puts them around 0.7
//! to 1.0), dominated by directions all sentences share. Standardised, the shared
//! mean is gone and each dimension counts by its spread over the training sentences,
//! so the cosine follows what tells sentences apart, in the space the model itself
//! learnt from; the block scale is one factor for all dimensions and does not change
//! a cosine.
//!
//! A model file stores each training sentence once (repeats and empty ones left out):
//! its text, its label and its vector scaled to unit length and quantised to int8
//! (`round(127 × x / max|x|)`), 384 bytes for e5-small, written as base64. Searching
//! is a scan: the cosine of the sentence's float vector with every stored one.

use crate::error::{Error, Result};
use crate::label::Label;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The training sentences of an accurate model, as its file stores them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeighbourRecord {
    /// What the vectors are: `standardised` (the encoder block's features, each
    /// scaled to unit length and quantised to int8).
    pub space: String,
    /// Numbers per vector (the encoder's dimensions).
    pub dims: usize,
    /// The training sentences, in training order.
    pub sentences: Vec<StoredSentence>,
}

/// One training sentence of a [`NeighbourRecord`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredSentence {
    /// The sentence.
    pub text: String,
    /// Its training label.
    pub label: Label,
    /// Its quantised vector: `dims` signed bytes, base64 (standard alphabet, padded).
    pub vector: String,
}

/// The space every model's vectors are in.
pub const SPACE: &str = "standardised";

/// A training sentence close to the one explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Neighbour {
    /// The training sentence.
    pub text: String,
    /// Its training label.
    pub label: Label,
    /// Cosine similarity of the two in the encoder block's standardised space (1: the
    /// same direction).
    pub similarity: f64,
}

/// The training sentences, loaded for search.
#[derive(Debug, Clone)]
pub struct Neighbours {
    dims: usize,
    /// `dims` numbers per sentence, one sentence after another.
    vectors: Vec<i8>,
    /// Each vector's length.
    norms: Vec<f32>,
    texts: Vec<String>,
    labels: Vec<Label>,
}

/// Quantise `v` to unit length in int8: `round(127 × x / max|x|)`; all zeros for a
/// zero vector.
fn quantise(v: &[f64]) -> Vec<i8> {
    let top = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if top == 0.0 || !top.is_finite() {
        return vec![0; v.len()];
    }
    v.iter()
        .map(|x| (127.0 * x / top).round().clamp(-127.0, 127.0) as i8)
        .collect()
}

impl NeighbourRecord {
    /// The record of `sentences` (text, label, vector in the block's standardised
    /// space), each text once and none empty, in their order.
    pub fn build<'a>(
        dims: usize,
        sentences: impl IntoIterator<Item = (&'a str, Label, Vec<f64>)>,
    ) -> Self {
        let mut seen = rustc_hash::FxHashSet::default();
        let sentences = sentences
            .into_iter()
            .filter(|(text, _, _)| !text.trim().is_empty() && seen.insert(*text))
            .map(|(text, label, v)| StoredSentence {
                text: text.to_string(),
                label,
                vector: base64::encode(&quantise(&v).iter().map(|&q| q as u8).collect::<Vec<u8>>()),
            })
            .collect();
        NeighbourRecord {
            space: SPACE.into(),
            dims,
            sentences,
        }
    }
}

impl Neighbours {
    /// Read and check a model file's record for an encoder of `dims` dimensions.
    /// `path` is used in messages.
    pub fn load(record: &NeighbourRecord, dims: usize, path: &Path) -> Result<Self> {
        let bad = |m: String| Error::model(path, m);
        if record.space != SPACE {
            return Err(bad(format!(
                "neighbours are in space {:?}; this factop reads {SPACE:?}",
                record.space
            )));
        }
        if record.dims != dims {
            return Err(bad(format!(
                "neighbour vectors have {} numbers; the encoder has {dims} dimensions",
                record.dims
            )));
        }
        let n = record.sentences.len();
        let mut out = Neighbours {
            dims,
            vectors: Vec::with_capacity(n * dims),
            norms: Vec::with_capacity(n),
            texts: Vec::with_capacity(n),
            labels: Vec::with_capacity(n),
        };
        for (i, s) in record.sentences.iter().enumerate() {
            let bytes = base64::decode(&s.vector)
                .filter(|b| b.len() == dims)
                .ok_or_else(|| {
                    bad(format!(
                        "neighbour {} has a vector that is not {dims} bytes of base64",
                        i + 1
                    ))
                })?;
            let start = out.vectors.len();
            out.vectors.extend(bytes.iter().map(|&b| b as i8));
            let sq: i64 = out.vectors[start..]
                .iter()
                .map(|&q| i64::from(q).pow(2))
                .sum();
            out.norms.push((sq as f64).sqrt() as f32);
            out.texts.push(s.text.clone());
            out.labels.push(s.label);
        }
        Ok(out)
    }

    /// Number of sentences.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The `k` stored sentences with the highest cosine similarity to `v` (a vector in
    /// the same space), highest first; ties keep training order. None for a zero or
    /// mis-sized `v`.
    pub fn nearest(&self, v: &[f64], k: usize) -> Vec<Neighbour> {
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if v.len() != self.dims || norm == 0.0 || !norm.is_finite() || k == 0 {
            return Vec::new();
        }
        let mut best: Vec<(f64, usize)> = Vec::with_capacity(k + 1);
        for (i, q) in self.vectors.chunks_exact(self.dims).enumerate() {
            if self.norms[i] == 0.0 {
                continue;
            }
            let dot: f64 = q.iter().zip(v).map(|(&a, &b)| f64::from(a) * b).sum();
            let cos = dot / (norm * f64::from(self.norms[i]));
            if best.len() < k || cos > best[best.len() - 1].0 {
                let at = best.partition_point(|&(c, _)| c >= cos);
                best.insert(at, (cos, i));
                best.truncate(k);
            }
        }
        best.into_iter()
            .map(|(similarity, i)| Neighbour {
                text: self.texts[i].clone(),
                label: self.labels[i],
                similarity,
            })
            .collect()
    }
}

/// Base64 with the standard alphabet and padding (RFC 4648), for the stored vectors.
mod base64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub(super) fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
            for k in 0..4 {
                if k <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * k) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    fn value(c: u8) -> Option<u32> {
        ALPHABET.iter().position(|&a| a == c).map(|i| i as u32)
    }

    /// The bytes of `text`; None unless it is well-formed padded base64.
    pub(super) fn decode(text: &str) -> Option<Vec<u8>> {
        let b = text.as_bytes();
        if !b.len().is_multiple_of(4) {
            return None;
        }
        let mut out = Vec::with_capacity(b.len() / 4 * 3);
        for (i, quad) in b.chunks(4).enumerate() {
            let last = i + 1 == b.len() / 4;
            let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
            if pad > 2 || (pad > 0 && !last) {
                return None;
            }
            let mut n = 0u32;
            for &c in &quad[..4 - pad] {
                n = n << 6 | value(c)?;
            }
            n <<= 6 * pad as u32;
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.extend_from_slice(&bytes[..3 - pad]);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_and_rejects_bad_text() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"] {
            let text = base64::encode(bytes);
            assert_eq!(base64::decode(&text).as_deref(), Some(bytes), "{text}");
        }
        assert_eq!(base64::encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64::encode(b"fo"), "Zm8=");
        assert_eq!(base64::encode(&[255, 128, 0]), "/4AA");
        for bad in ["Zm8", "Zm=8", "Z===", "Zm8=Zm8=", "Zm8*"] {
            assert_eq!(base64::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn quantised_vectors_keep_their_direction() {
        assert_eq!(quantise(&[0.5, -1.0, 0.25]), [64, -127, 32]);
        assert_eq!(quantise(&[0.0, 0.0]), [0, 0]);
    }

    fn sample() -> (NeighbourRecord, Neighbours) {
        let rows = [
            (
                "Officials said 40 were hurt.",
                Label::Fact,
                vec![1.0, 0.0, 0.0],
            ),
            ("What a disgrace!", Label::Opinion, vec![0.0, 1.0, 0.1]),
            ("The vote is on Monday.", Label::Fact, vec![0.9, 0.1, 0.0]),
            ("What a disgrace!", Label::Fact, vec![0.0, 0.0, 1.0]),
            ("  ", Label::Fact, vec![0.0, 0.0, 1.0]),
            ("Nothing.", Label::Fact, vec![0.0, 0.0, 0.0]),
        ];
        let record = NeighbourRecord::build(3, rows.iter().map(|(t, l, v)| (*t, *l, v.clone())));
        let loaded = Neighbours::load(&record, 3, Path::new("m.json")).unwrap();
        (record, loaded)
    }

    #[test]
    fn the_nearest_come_first_and_repeats_are_stored_once() {
        let (record, n) = sample();
        // The repeat and the blank sentence are left out.
        assert_eq!(n.len(), 4);
        assert_eq!(record.sentences[1].label, Label::Opinion);
        let found = n.nearest(&[2.0, 0.1, 0.0], 2);
        let texts: Vec<&str> = found.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Officials said 40 were hurt.", "The vote is on Monday."]
        );
        assert!(found[0].similarity > found[1].similarity);
        assert!((found[0].similarity - 2.0 / (4.01f64).sqrt()).abs() < 1e-6);
        let opinion = n.nearest(&[0.0, 3.0, 0.0], 1);
        assert_eq!(
            (opinion[0].text.as_str(), opinion[0].label),
            ("What a disgrace!", Label::Opinion)
        );
        // The zero vector matches nothing; neither does a query of the wrong size.
        assert!(n.nearest(&[0.0, 0.0, 0.0], 2).is_empty());
        assert!(n.nearest(&[1.0, 0.0], 2).is_empty());
        assert_eq!(n.nearest(&[1.0, 1.0, 1.0], 10).len(), 3);
    }

    #[test]
    fn bad_records_are_refused_with_a_reason() {
        let (record, _) = sample();
        let path = Path::new("m.json");
        let err =
            |r: &NeighbourRecord, dims| Neighbours::load(r, dims, path).unwrap_err().to_string();
        assert!(err(&record, 384).contains("the encoder has 384 dimensions"));
        let mut other = record.clone();
        other.space = "raw".into();
        assert!(err(&other, 3).contains("space \"raw\""));
        let mut short = record.clone();
        short.sentences[2].vector = "AAA=".into();
        assert!(err(&short, 3).contains("neighbour 3 has a vector"));
    }
}
