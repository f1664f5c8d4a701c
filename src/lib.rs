//! factop marks each sentence of a news article as **fact** (a reported statement) or
//! **opinion** (the author's own commentary), with an explainable linear model.
//!
//! The pipeline reads top to bottom: [`segment`] → [`normalize`] → [`tokenize`] →
//! [`stem`] → [`ngrams`] → [`vocab`] (TF-IDF) + [`cues`] → [`features`] → [`model`]
//! (logistic regression trained by [`train`] with linfa-logistic).
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

#[cfg(feature = "blas")]
extern crate blas_src;

pub mod cli;
pub mod cmd;
pub mod cues;
pub mod data;
pub mod error;
pub mod features;
pub mod html;
pub mod io;
pub mod limits;
pub mod metrics;
pub mod model;
pub mod ngrams;
pub mod normalize;
pub mod output;
pub mod progress;
pub mod report;
pub mod segment;
pub mod stem;
pub mod stream;
pub mod tokenize;
pub mod train;
pub mod vocab;

pub use data::{Dataset, Label, Record};
pub use error::{Error, Result};
pub use model::Classifier;
pub use train::TrainParams;
