//! The model file: self-describing JSON, as stored on disk.
//!
//! The file holds the format and tool version, every setting needed to rebuild the
//! features, the training settings and provenance, then each feature block's fitted
//! parameters and weights. Same data and flags give the same bytes. Parsing here only
//! checks the JSON shape; [`crate::model::Classifier::from_model_file`] checks the
//! contents.

use crate::encoder::Pooling;
use crate::error::{Error, Result};
use crate::label::Label;
use crate::pipeline::analyzer::FeatureSettings;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The model file format this factop writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The `format` tag of a model file.
pub const FORMAT_TAG: &str = "factop-model";
/// The default English model, embedded at build time.
pub const EMBEDDED_MODEL: &str = include_str!("../../models/factop-en.json");

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
    /// Whether its rows were borrowed (`--borrow`): training rows only, never held out
    /// to choose the threshold or the block scale.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub borrowed: bool,
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
    /// `sparse` when the final fit ran over sparse rows; absent for linfa's dense fit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<String>,
    /// The weight of each borrowed row in the loss (`--borrow-weight`), own rows
    /// weighing 1; absent when it is 1 or nothing was borrowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub borrow_weight: Option<f64>,
    /// Whether the vocabulary and idf came from the own rows only (`--own-vocabulary`);
    /// absent when not, or when nothing was borrowed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub own_vocabulary: bool,
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
    /// The feature blocks, in column order. Absent in a file with the version-1
    /// blocks ([`BlockKind::VERSION_1`]: TF-IDF then cues), so that such files keep
    /// their exact bytes; written whenever a model has other blocks.
    #[serde(
        default = "BlockKind::version_1",
        skip_serializing_if = "BlockKind::is_version_1",
        deserialize_with = "bounded::short"
    )]
    pub blocks: Vec<BlockKind>,
    /// Training settings and provenance.
    pub training: TrainingRecord,
    /// TF-IDF block: terms, sorted.
    #[serde(deserialize_with = "bounded::terms")]
    pub vocabulary: Vec<String>,
    /// TF-IDF block: idf per term.
    #[serde(deserialize_with = "bounded::terms")]
    pub idf: Vec<f64>,
    /// Cue block: enabled cue names, in column order.
    #[serde(deserialize_with = "bounded::short")]
    pub cues: Vec<String>,
    /// Cue block: training mean per enabled cue.
    #[serde(deserialize_with = "bounded::short")]
    pub cue_mean: Vec<f64>,
    /// Cue block: multiplier per enabled cue (cue_scale / training standard deviation).
    #[serde(deserialize_with = "bounded::short")]
    pub cue_multiplier: Vec<f64>,
    /// Intercept of the logit of P(opinion).
    pub intercept: f64,
    /// TF-IDF block: weight per term.
    #[serde(deserialize_with = "bounded::terms")]
    pub term_weights: Vec<f64>,
    /// Cue block: weight per enabled cue.
    #[serde(deserialize_with = "bounded::short")]
    pub cue_weights: Vec<f64>,
    /// Encoder block (accurate tier only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoder: Option<EncoderRecord>,
    /// The training sentences in the encoder block's space, for the "reads like" of
    /// explanations (accurate models trained since they were added; optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbours: Option<crate::model::blocks::neighbours::NeighbourRecord>,
}

/// The encoder block of a model file: which encoder, its standardisation and weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncoderRecord {
    /// The encoder's name (`e5-small`).
    pub name: String,
    /// SHA-256 of the encoder weights the model was trained with.
    pub sha256: String,
    /// How the embedding is pooled; absent (e5's own mean) in files written before
    /// the choice existed and whenever it is the mean.
    #[serde(default, skip_serializing_if = "Pooling::is_default")]
    pub pooling: Pooling,
    /// The block scale: standardised embeddings are multiplied by it.
    pub scale: f64,
    /// Out-of-fold macro-F1 of each scale tried when it was chosen by
    /// cross-validation (empty when it was given).
    #[serde(default, deserialize_with = "bounded::short")]
    pub scale_search: Vec<ScaleTrial>,
    /// Training mean per dimension.
    #[serde(deserialize_with = "bounded::dims")]
    pub mean: Vec<f64>,
    /// Multiplier per dimension (scale / training standard deviation).
    #[serde(deserialize_with = "bounded::dims")]
    pub multiplier: Vec<f64>,
    /// Weight per dimension.
    #[serde(deserialize_with = "bounded::dims")]
    pub weights: Vec<f64>,
}

/// One block scale tried during training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleTrial {
    /// The scale.
    pub scale: f64,
    /// Out-of-fold macro-F1 at its best threshold.
    pub cv_macro_f1: f64,
}

/// A feature block a model file can hold, in the file's `blocks` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    /// Sparse TF-IDF of word n-grams ([`crate::model::blocks::tfidf`]).
    Tfidf,
    /// Named cue features ([`crate::model::blocks::cues`]).
    Cues,
    /// A sentence encoder's embedding ([`crate::model::blocks::encoder`]).
    Encoder,
}

impl BlockKind {
    /// The block's name in a model file's `blocks` list.
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Tfidf => "tfidf",
            BlockKind::Cues => "cues",
            BlockKind::Encoder => "encoder",
        }
    }

    /// The blocks of every format-version-1 model: TF-IDF, then cues.
    pub const VERSION_1: [BlockKind; 2] = [BlockKind::Tfidf, BlockKind::Cues];

    fn version_1() -> Vec<BlockKind> {
        Self::VERSION_1.to_vec()
    }

    fn is_version_1(blocks: &[BlockKind]) -> bool {
        blocks == Self::VERSION_1
    }
}

impl ModelFile {
    /// The skeleton of a newly trained model's file: the format, the tool's version,
    /// the settings and where the model came from. The blocks write their parameters
    /// and weights into it when the classifier is made (a block scale search, when one
    /// ran, is kept in the encoder section).
    pub(crate) fn trained(
        name: String,
        threshold: f64,
        features: FeatureSettings,
        training: TrainingRecord,
        scale_search: Vec<ScaleTrial>,
    ) -> ModelFile {
        ModelFile {
            format: FORMAT_TAG.into(),
            format_version: FORMAT_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            name,
            positive_label: Label::Opinion,
            threshold,
            features,
            blocks: Vec::new(),
            training,
            vocabulary: Vec::new(),
            idf: Vec::new(),
            cues: Vec::new(),
            cue_mean: Vec::new(),
            cue_multiplier: Vec::new(),
            intercept: 0.0,
            term_weights: Vec::new(),
            cue_weights: Vec::new(),
            encoder: (!scale_search.is_empty()).then(|| EncoderRecord {
                name: String::new(),
                sha256: String::new(),
                pooling: Pooling::Mean,
                scale: 0.0,
                scale_search,
                mean: Vec::new(),
                multiplier: Vec::new(),
                weights: Vec::new(),
            }),
            neighbours: None,
        }
    }

    /// Check that the `blocks` list agrees with the contents: at least one block, none
    /// twice, and every block whose section holds parameters listed (a section left
    /// out of the list would be silently ignored at scoring).
    pub(crate) fn check_block_list(&self) -> std::result::Result<(), String> {
        if self.blocks.is_empty() {
            return Err(
                "the blocks list is empty; a model needs at least one feature block".into(),
            );
        }
        for (i, k) in self.blocks.iter().enumerate() {
            if self.blocks[..i].contains(k) {
                return Err(format!("the blocks list names {} twice", k.name()));
            }
        }
        let held = [
            (
                BlockKind::Tfidf,
                !self.vocabulary.is_empty(),
                "a vocabulary",
            ),
            (BlockKind::Cues, !self.cues.is_empty(), "cues"),
            (
                BlockKind::Encoder,
                self.encoder.is_some(),
                "an encoder section",
            ),
        ];
        for (kind, present, what) in held {
            if present && !self.blocks.contains(&kind) {
                let listed: Vec<&str> = self.blocks.iter().map(|k| k.name()).collect();
                return Err(format!(
                    "the file has {what} but its blocks list ({}) does not name {}",
                    listed.join(", "),
                    kind.name()
                ));
            }
        }
        Ok(())
    }

    /// Parse a model file's JSON; `path` is used in messages.
    pub fn from_json(json: &str, path: &Path) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| {
            let what = if e.is_eof() {
                "truncated JSON"
            } else if e.is_syntax() {
                "not valid JSON"
            } else {
                "unexpected content"
            };
            Error::model(path, format!("{what}: {e}"))
        })
    }

    /// The file's JSON: pretty, stable, ending in a newline.
    pub fn to_json(&self) -> Result<String> {
        let mut s = serde_json::to_string_pretty(self)
            .map_err(|e| Error::model("<model>", format!("cannot serialise: {e}")))?;
        s.push('\n');
        Ok(s)
    }
}

/// Lists of a model file read with a bound on their length, so that a file cannot make
/// loading hold more entries than any model has: the parse stops at the first entry
/// over the bound, before it is stored.
mod bounded {
    use crate::limits::{MAX_MODEL_DIMENSIONS, MAX_MODEL_LIST, MAX_MODEL_TERMS};
    use serde::de::{Deserialize, Deserializer, Error, SeqAccess, Visitor};
    use std::marker::PhantomData;

    /// A list with one entry per vocabulary term.
    pub(super) fn terms<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(Bounded(MAX_MODEL_TERMS, "terms", PhantomData))
    }

    /// A list with one entry per encoder dimension.
    pub(super) fn dims<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(Bounded(MAX_MODEL_DIMENSIONS, "dimensions", PhantomData))
    }

    /// Any other list: blocks, cues, scales tried.
    pub(super) fn short<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(Bounded(MAX_MODEL_LIST, "entries", PhantomData))
    }

    struct Bounded<T>(usize, &'static str, PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Bounded<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a list of at most {} {}", self.0, self.1)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.0));
            while let Some(x) = seq.next_element()? {
                if list.len() == self.0 {
                    return Err(A::Error::custom(format_args!(
                        "a list has more than {} {}, the limit of a model file",
                        self.0, self.1
                    )));
                }
                list.push(x);
            }
            Ok(list)
        }
    }
}
