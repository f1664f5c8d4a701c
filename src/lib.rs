//! factop marks each sentence of a news article as **fact** (a reported statement) or
//! **opinion** (the author's own commentary), with an explainable linear model.
//!
//! The library holds the pipeline, the model, training and evaluation; it has no
//! command-line, terminal or rendering code (that is the `factop` binary's). Its
//! parts, bottom up:
//!
//! - [`language`]: one profile per language (segmentation rules, stemmer, cue lexicons);
//! - [`pipeline`]: segment → normalize → tokenize → stem → n-grams → vocabulary, plus
//!   the cue values, each stage taking the [`language::Language`] it works in;
//! - [`model`]: the feature blocks (TF-IDF, cues), the logistic weights and the one
//!   scoring interface, [`Classifier::score`], and the model file;
//! - [`train`]: checked parameters, fitting with linfa-logistic, threshold choice and
//!   cross-validation;
//! - [`eval`]: metrics and curves of a set of predictions;
//! - [`stream`]: classifying an article line by line in bounded memory, on threads;
//! - [`data`], [`io`], [`limits`], [`error`]: labelled files, atomic writes, documented
//!   limits and ranges, and the error type.
//!
//! ```
//! use factop::Classifier;
//!
//! let model = Classifier::embedded()?;
//! let doc = "Officials said 40 people were hurt. Unfortunately, nobody seems to care.";
//! for s in model.classify_document(doc, None) {
//!     println!("{:>7} {:.2} {}", s.label, s.opinion_probability, s.text);
//! }
//! # Ok::<(), factop::Error>(())
//! ```

#![warn(unreachable_pub)]
// Unsafe code is the SIMD kernels only: every unsafe operation sits in its own block
// with a `// SAFETY:` comment saying why it holds.
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

#[cfg(feature = "blas")]
extern crate blas_src;

pub mod data;
pub mod encoder;
pub mod error;
pub mod eval;
pub mod io;
pub mod label;
pub mod language;
pub mod limits;
pub mod model;
pub mod pipeline;
pub mod stream;
pub mod train;

// What most programs need, at the crate's root: load or train a model, classify,
// evaluate. The modules above hold the rest.
pub use data::{DataOptions, Dataset, Record};
pub use error::{Error, Result};
pub use eval::metrics::Report;
pub use label::Label;
pub use language::Language;
pub use model::{Classifier, Contribution, Explanation, SentenceResult};
pub use stream::StreamOptions;
pub use train::{CheckedParams, TrainParams};
