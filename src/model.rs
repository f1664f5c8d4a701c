//! The trained classifier and its self-describing JSON model file.
//!
//! A [`Classifier`] is only made by training ([`crate::train::TrainParams::fit`]) or by
//! loading a model file; only a `Classifier` can classify or be saved. Inference applies
//! the weights to the sparse feature row directly, which gives the same probabilities as
//! linfa-logistic's `predict_probabilities` on the dense row (tested to 1e-9).

use crate::cues::CUES;
use crate::data::Label;
use crate::error::{Error, Result};
use crate::features::{FeatureSettings, Featurizer, Scratch};
use crate::limits::MAX_MODEL_FILE_BYTES;
use crate::segment::{segment, Span};
use crate::vocab::Vocabulary;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The model file format this factop writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The `format` tag of a model file.
pub const FORMAT_TAG: &str = "factop-model";
/// The default English model, embedded at build time.
pub const EMBEDDED_MODEL: &str = include_str!("../models/factop-en.json");
/// The name shown for the embedded model's path in messages.
pub const EMBEDDED_PATH: &str = "<embedded factop-en>";

/// Where a training file came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataSource {
    /// The path as given to `train`.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Rows used.
    pub rows: usize,
    /// Rows labelled fact.
    pub fact: usize,
    /// Rows labelled opinion.
    pub opinion: usize,
    /// Rows skipped for empty text.
    pub skipped_empty: usize,
}

/// How the model was trained: every setting, so the file can be rebuilt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecord {
    /// L2 penalty strength.
    pub alpha: f64,
    /// Optimiser iteration limit.
    pub max_iterations: u64,
    /// Optimiser gradient tolerance.
    pub tolerance: f64,
    /// Class balancing applied to the training rows (`none` or `oversample`).
    pub balance: String,
    /// How the threshold was chosen: `cv` (out-of-fold macro-F1) or `fixed`.
    pub threshold_source: String,
    /// Folds used to choose the threshold.
    pub threshold_folds: usize,
    /// Seed for fold assignment and resampling.
    pub seed: u64,
    /// Out-of-fold macro-F1 at the chosen threshold (absent for a fixed threshold).
    pub cv_macro_f1: Option<f64>,
    /// Training rows used.
    pub rows: usize,
    /// The training files.
    pub data: Vec<DataSource>,
}

/// The model file, as stored on disk (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    /// Always `factop-model`.
    pub format: String,
    /// [`FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// The factop version that wrote it.
    pub tool_version: String,
    /// Model name, e.g. `factop-en`.
    pub name: String,
    /// The label whose probability the weights give: always `opinion`.
    pub positive_label: Label,
    /// Decision threshold on P(opinion).
    pub threshold: f64,
    /// Feature settings.
    pub features: FeatureSettings,
    /// Training settings and provenance.
    pub training: TrainingRecord,
    /// Terms, sorted.
    pub vocabulary: Vec<String>,
    /// idf per term.
    pub idf: Vec<f64>,
    /// Enabled cue names, in column order.
    pub cues: Vec<String>,
    /// Training mean per enabled cue.
    pub cue_mean: Vec<f64>,
    /// Multiplier per enabled cue (cue_scale / training standard deviation).
    pub cue_multiplier: Vec<f64>,
    /// Intercept of the logit of P(opinion).
    pub intercept: f64,
    /// Weight per term.
    pub term_weights: Vec<f64>,
    /// Weight per enabled cue.
    pub cue_weights: Vec<f64>,
}

/// One classified sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceResult {
    /// 0-based index in the document.
    pub index: usize,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Exactly `document[start..end]`.
    pub text: String,
    /// The decided label.
    pub label: Label,
    /// P(opinion).
    pub opinion_probability: f64,
    /// The strongest features each way, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

/// One feature's push on a sentence's logit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// The term or `cue:NAME`.
    pub feature: String,
    /// weight × value; positive pushes towards opinion.
    pub contribution: f64,
}

/// The features that pushed a sentence most towards each label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Strongest pushes towards opinion, largest first.
    pub opinion: Vec<Contribution>,
    /// Strongest pushes towards fact, largest first (negative contributions).
    pub fact: Vec<Contribution>,
}

/// A trained fact/opinion classifier.
#[derive(Debug)]
pub struct Classifier {
    file: ModelFile,
    featurizer: Featurizer,
    weights: Vec<f64>,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Classifier {
    /// Build a classifier from a model file's contents, checking it thoroughly.
    /// `path` is used in messages.
    pub fn from_model_file(file: ModelFile, path: &Path) -> Result<Self> {
        let bad = |m: String| Error::model(path, m);
        if file.format != FORMAT_TAG {
            return Err(bad(format!(
                "format is {:?}, expected {FORMAT_TAG:?}",
                file.format
            )));
        }
        if file.format_version != FORMAT_VERSION {
            return Err(bad(format!(
                "format version {} is not supported (this factop {} reads version {FORMAT_VERSION})",
                file.format_version,
                env!("CARGO_PKG_VERSION")
            )));
        }
        if file.positive_label != Label::Opinion {
            return Err(bad("positive_label must be \"opinion\"".into()));
        }
        let f = &file.features;
        if f.ngram_min < 1 || f.ngram_max < f.ngram_min || f.ngram_max > crate::train::MAX_NGRAM {
            return Err(bad(format!(
                "bad n-gram range {}..={}",
                f.ngram_min, f.ngram_max
            )));
        }
        let v = file.vocabulary.len();
        if file.idf.len() != v || file.term_weights.len() != v {
            return Err(bad(format!(
                "vocabulary has {v} terms but idf has {} and term_weights {}",
                file.idf.len(),
                file.term_weights.len()
            )));
        }
        if file.vocabulary.windows(2).any(|w| w[0] >= w[1]) {
            return Err(bad("vocabulary is not sorted and unique".into()));
        }
        let expected: Vec<&str> = f.cue_indices().iter().map(|&i| CUES[i].name).collect();
        if file.cues != expected {
            return Err(bad(format!(
                "cue list does not match the enabled cue groups (file has {}, settings give {})",
                file.cues.len(),
                expected.len()
            )));
        }
        let c = file.cues.len();
        if file.cue_mean.len() != c || file.cue_multiplier.len() != c || file.cue_weights.len() != c
        {
            return Err(bad(format!(
                "{c} cues but cue_mean has {}, cue_multiplier {}, cue_weights {}",
                file.cue_mean.len(),
                file.cue_multiplier.len(),
                file.cue_weights.len()
            )));
        }
        let numbers = file
            .idf
            .iter()
            .chain(&file.cue_mean)
            .chain(&file.cue_multiplier)
            .chain(&file.term_weights)
            .chain(&file.cue_weights)
            .chain([&file.intercept, &file.threshold, &f.cue_scale]);
        if numbers.into_iter().any(|x| !x.is_finite()) {
            return Err(bad("a number is not finite".into()));
        }
        if !(0.0..=1.0).contains(&file.threshold) {
            return Err(bad(format!("threshold {} is outside 0..1", file.threshold)));
        }
        let vocab = Vocabulary::new(file.vocabulary.clone(), file.idf.clone());
        let featurizer = Featurizer::new(
            f.clone(),
            vocab,
            file.cue_mean.clone(),
            file.cue_multiplier.clone(),
        );
        let weights = file
            .term_weights
            .iter()
            .chain(&file.cue_weights)
            .copied()
            .collect();
        Ok(Classifier {
            file,
            featurizer,
            weights,
        })
    }

    /// Parse and check a model from JSON text; `path` is used in messages.
    pub fn from_json(json: &str, path: &Path) -> Result<Self> {
        let file: ModelFile = serde_json::from_str(json).map_err(|e| {
            let what = if e.is_eof() {
                "truncated JSON"
            } else if e.is_syntax() {
                "not valid JSON"
            } else {
                "unexpected content"
            };
            Error::model(path, format!("{what}: {e}"))
        })?;
        Self::from_model_file(file, path)
    }

    /// Load a model file from disk (`-`: standard input).
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = crate::data::read_bytes(path, MAX_MODEL_FILE_BYTES).map_err(|e| match e {
            Error::DataFile { path, message } => Error::Model { path, message },
            other => other,
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            Error::model(
                path,
                format!("invalid UTF-8 at byte offset {}", e.valid_up_to()),
            )
        })?;
        Self::from_json(text, path)
    }

    /// The default English model embedded in the binary.
    pub fn embedded() -> Result<Self> {
        Self::from_json(EMBEDDED_MODEL, Path::new(EMBEDDED_PATH))
    }

    /// The model file's contents.
    pub fn model_file(&self) -> &ModelFile {
        &self.file
    }

    /// The featurizer.
    pub fn featurizer(&self) -> &Featurizer {
        &self.featurizer
    }

    /// Weight per column (terms, then enabled cues).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The decision threshold on P(opinion).
    pub fn threshold(&self) -> f64 {
        self.file.threshold
    }

    /// Serialise to the model file's JSON (pretty, stable, ending in a newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.file).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Save the model atomically to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::io::write_atomic(path, self.to_json().as_bytes())
    }

    /// P(opinion) of a featurised row (sparse column, value pairs).
    pub fn probability_of_row(&self, row: &[(u32, f64)]) -> f64 {
        let z = row.iter().fold(self.file.intercept, |acc, &(j, v)| {
            acc + self.weights.get(j as usize).copied().unwrap_or(0.0) * v
        });
        sigmoid(z)
    }

    /// P(opinion) of one sentence, with reusable buffers.
    pub fn probability_with(
        &self,
        sentence: &str,
        scratch: &mut Scratch,
        row: &mut Vec<(u32, f64)>,
    ) -> f64 {
        self.featurizer.row_into(sentence, scratch, row);
        self.probability_of_row(row)
    }

    /// P(opinion) of one sentence.
    pub fn probability(&self, sentence: &str) -> f64 {
        self.probability_with(sentence, &mut Scratch::default(), &mut Vec::new())
    }

    /// The label of one sentence at the model's threshold.
    pub fn label(&self, sentence: &str) -> Label {
        Label::from_probability(self.probability(sentence), self.threshold())
    }

    /// The `top` features that pushed a featurised row most towards each label.
    pub fn explain_row(&self, row: &[(u32, f64)], top: usize) -> Explanation {
        let mut contribs: Vec<(usize, f64)> = row
            .iter()
            .map(|&(j, v)| {
                (
                    j as usize,
                    self.weights.get(j as usize).copied().unwrap_or(0.0) * v,
                )
            })
            .filter(|(_, c)| *c != 0.0)
            .collect();
        contribs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let named = |&(j, c): &(usize, f64)| Contribution {
            feature: self.featurizer.feature_name(j),
            contribution: c,
        };
        Explanation {
            opinion: contribs
                .iter()
                .filter(|c| c.1 > 0.0)
                .take(top)
                .map(named)
                .collect(),
            fact: contribs
                .iter()
                .rev()
                .filter(|c| c.1 < 0.0)
                .take(top)
                .map(named)
                .collect(),
        }
    }

    /// Explain one sentence; see [`Classifier::explain_row`].
    pub fn explain(&self, sentence: &str, top: usize) -> Explanation {
        let mut row = Vec::new();
        self.featurizer
            .row_into(sentence, &mut Scratch::default(), &mut row);
        self.explain_row(&row, top)
    }

    /// Split a document into sentences and classify each at `threshold`
    /// (the model's own when `None`).
    pub fn classify_document(&self, document: &str, threshold: Option<f64>) -> Vec<SentenceResult> {
        let t = threshold.unwrap_or(self.file.threshold);
        let (mut scratch, mut row) = (Scratch::default(), Vec::new());
        segment(document)
            .into_iter()
            .enumerate()
            .map(|(index, span): (usize, Span)| {
                let text = span.text(document);
                let p = self.probability_with(text, &mut scratch, &mut row);
                SentenceResult {
                    index,
                    start: span.start,
                    end: span.end,
                    text: text.to_string(),
                    label: Label::from_probability(p, t),
                    opinion_probability: p,
                    explanation: None,
                }
            })
            .collect()
    }
}
