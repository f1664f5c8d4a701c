//! The text pipeline, one module per stage, read top to bottom: [`segment`] splits an
//! article into sentence spans; for each sentence [`normalize`] folds Unicode,
//! [`tokenize`] finds words, numbers and marks, [`stem`] turns them into terms,
//! [`ngrams`] joins terms into word n-grams, and [`vocab`] maps n-grams to TF-IDF
//! columns; [`cues`] computes the named cue values from the same tokens. [`analyzer`]
//! runs normalise → … → terms once per sentence and hands the result to the model's
//! feature blocks. [`chars`] remembers the character properties the stages ask of
//! non-ASCII text and knows the format characters they read past. Every stage takes its language-specific data from the
//! [`crate::language::Language`] it is given and knows nothing of models, files or the
//! command line.

pub(crate) mod analysed;
pub mod analyzer;
pub mod chars;
pub mod cues;
pub mod ngrams;
pub mod normalize;
pub mod segment;
pub mod stem;
pub mod tokenize;
pub mod vocab;
