//! The trained classifier: feature blocks, logistic weights and threshold, and the one
//! scoring interface every command uses.
//!
//! A [`Classifier`] is only made by training ([`crate::train::TrainParams::fit`]) or by
//! loading a model file ([`mod@file`]); only a `Classifier` can classify or be saved.
//! [`Classifier::score`] is where every probability and explanation comes from: the
//! [`blocks::Featurizer`] turns a sentence into a sparse row over all feature blocks,
//! and [`linear::Linear`] applies the weights to it, which gives the same
//! probabilities as linfa-logistic's `predict_probabilities` on the dense row (tested
//! to 1e-9).

pub mod blocks;
pub mod builtin;
pub mod file;
pub mod linear;

use crate::error::{Error, Result};
use crate::label::Label;
use crate::limits::ngram_range_ok;
use crate::limits::MAX_MODEL_FILE_BYTES;
use crate::pipeline::analyzer::Scratch;
use crate::pipeline::segment::segment_iter;
use blocks::Featurizer;
use file::{ModelFile, FORMAT_TAG, FORMAT_VERSION};
use linear::Linear;
use serde::Serialize;
use std::path::Path;

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

/// Per-document counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Sentences.
    pub sentences: usize,
    /// Sentences labelled fact.
    pub fact: usize,
    /// Sentences labelled opinion.
    pub opinion: usize,
    /// opinion / sentences, rounded to 3 decimals (0 for an empty document).
    pub opinion_share: f64,
}

impl Summary {
    /// Count one sentence.
    pub fn add(&mut self, s: &SentenceResult) {
        self.sentences += 1;
        match s.label {
            Label::Fact => self.fact += 1,
            Label::Opinion => self.opinion += 1,
        }
        self.opinion_share = if self.sentences > 0 {
            (self.opinion as f64 / self.sentences as f64 * 1000.0).round() / 1000.0
        } else {
            0.0
        };
    }
}

/// Reusable buffers for scoring many sentences with little allocation.
#[derive(Debug, Default)]
pub struct ScoreBuffers {
    scratch: Scratch,
    row: Vec<(u32, f64)>,
}

impl ScoreBuffers {
    /// Run `f` with this thread's buffers, kept from one call to the next, so that a
    /// thread classifying many short texts (a server's request, a Python call) finds
    /// the words it has met already analysed in the word cache. The cache remembers
    /// whose analysis it holds, so any model may use them. A nested call gets fresh
    /// buffers.
    pub fn with_thread_local<R>(f: impl FnOnce(&mut ScoreBuffers) -> R) -> R {
        thread_local! {
            static BUFFERS: std::cell::Cell<Option<Box<ScoreBuffers>>> =
                const { std::cell::Cell::new(None) };
        }
        let mut buffers = BUFFERS.with(|b| b.take()).unwrap_or_default();
        let result = f(&mut buffers);
        BUFFERS.with(|b| b.set(Some(buffers)));
        result
    }
}

/// A trained fact/opinion classifier.
#[derive(Debug)]
pub struct Classifier {
    file: ModelFile,
    featurizer: Featurizer,
    linear: Linear,
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
        if !ngram_range_ok(f.ngram_min, f.ngram_max) {
            return Err(bad(format!(
                "bad n-gram range {}..={}",
                f.ngram_min, f.ngram_max
            )));
        }
        if file.name.len() > crate::limits::MAX_MODEL_NAME_BYTES {
            return Err(bad(format!(
                "the name is {} bytes; a model name may have at most {} bytes",
                file.name.len(),
                crate::limits::MAX_MODEL_NAME_BYTES
            )));
        }
        file.check_block_list().map_err(bad)?;
        let (blocks, weights) = blocks::load(&file, path)?;
        if !(file.intercept.is_finite() && file.threshold.is_finite()) {
            return Err(bad("a number is not finite".into()));
        }
        if file.intercept.abs() > crate::limits::MAX_MODEL_NUMBER {
            return Err(bad(format!(
                "the intercept is larger than {:e} in magnitude",
                crate::limits::MAX_MODEL_NUMBER
            )));
        }
        if !crate::limits::THRESHOLD.contains(&file.threshold) {
            return Err(bad(format!("threshold {} is outside 0..1", file.threshold)));
        }
        let featurizer = Featurizer::new(file.features.clone(), blocks);
        let linear = Linear::new(file.intercept, weights);
        Ok(Classifier {
            file,
            featurizer,
            linear,
        })
    }

    /// A classifier from fitted parts: the model file is written from them, so that a
    /// trained classifier and its saved file agree exactly.
    pub(crate) fn from_parts(
        mut file: ModelFile,
        featurizer: Featurizer,
        linear: Linear,
    ) -> Result<Self> {
        file.intercept = linear.intercept();
        featurizer.save(linear.weights(), &mut file);
        Self::from_model_file(file, Path::new("<trained>"))
    }

    /// Parse and check a model from JSON text; `path` is used in messages.
    pub fn from_json(json: &str, path: &Path) -> Result<Self> {
        Self::from_model_file(ModelFile::from_json(json, path)?, path)
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
        let file = ModelFile::from_json(text, path)?;
        // The file's bytes are not needed once parsed: free them before the blocks are
        // built, so that loading never holds the text and the tables at once.
        drop(bytes);
        Self::from_model_file(file, path)
    }

    /// The default English model embedded in the binary (the built-in `en`).
    pub fn embedded() -> Result<Self> {
        builtin::BUILTINS[0].load()
    }

    /// The model file's contents.
    pub fn model_file(&self) -> &ModelFile {
        &self.file
    }

    /// The featurizer: the analysis and the feature blocks.
    pub fn featurizer(&self) -> &Featurizer {
        &self.featurizer
    }

    /// The logistic weights over all blocks' columns.
    pub fn linear(&self) -> &Linear {
        &self.linear
    }

    /// The decision threshold on P(opinion).
    pub fn threshold(&self) -> f64 {
        self.file.threshold
    }

    /// Whether the model has a sentence-encoder block (the accurate tier): each sentence
    /// then costs a transformer pass, milliseconds instead of microseconds.
    pub fn has_encoder(&self) -> bool {
        self.file.encoder.is_some()
    }

    /// The language of the model's pipeline.
    pub fn language(&self) -> crate::language::Language {
        self.file.features.language
    }

    /// Serialise to the model file's JSON (pretty, stable, ending in a newline).
    pub fn to_json(&self) -> Result<String> {
        self.file.to_json()
    }

    /// Save the model atomically to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::io::write_atomic(path, self.to_json()?.as_bytes())
    }

    /// Score one sentence: P(opinion) and, when `explain_top > 0`, the `explain_top`
    /// features that pushed it most towards each label. Every probability and
    /// explanation factop reports comes from here.
    pub fn score(
        &self,
        sentence: &str,
        buffers: &mut ScoreBuffers,
        explain_top: usize,
    ) -> (f64, Option<Explanation>) {
        self.featurizer
            .row_into(sentence, &mut buffers.scratch, &mut buffers.row);
        let p = self.linear.probability(&buffers.row);
        let explanation = (explain_top > 0).then(|| self.explain_row(&buffers.row, explain_top));
        (p, explanation)
    }

    /// P(opinion) of one sentence, with reusable buffers.
    pub fn probability_with(&self, sentence: &str, buffers: &mut ScoreBuffers) -> f64 {
        self.score(sentence, buffers, 0).0
    }

    /// P(opinion) of one sentence.
    pub fn probability(&self, sentence: &str) -> f64 {
        self.probability_with(sentence, &mut ScoreBuffers::default())
    }

    /// P(opinion) of each text, each taken as one sentence (never re-split), on up to
    /// `threads` threads (the calling one included; 0 means one per core). Texts are
    /// handed out in blocks as threads free up, so the values are those of
    /// [`Classifier::probability`] in input order, whatever the thread count.
    pub fn probabilities<S: AsRef<str> + Sync>(&self, texts: &[S], threads: usize) -> Vec<f64> {
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        // Sentences through the encoder take milliseconds each: small blocks share
        // them out evenly. Fast-tier sentences take microseconds: large blocks keep
        // the hand-out cheap.
        let block = if self.has_encoder() { 16 } else { 512 };
        let blocks = texts.len().div_ceil(block);
        let threads = threads.min(blocks).max(1);
        let score_block = |b: usize, buffers: &mut ScoreBuffers| -> Vec<f64> {
            let end = ((b + 1) * block).min(texts.len());
            if self.has_encoder() {
                let batch: Vec<&str> = texts[b * block..end].iter().map(|t| t.as_ref()).collect();
                self.prepare(&batch);
            }
            texts[b * block..end]
                .iter()
                .map(|t| self.probability_with(t.as_ref(), buffers))
                .collect()
        };
        if threads == 1 {
            return ScoreBuffers::with_thread_local(|buffers| {
                (0..blocks).flat_map(|b| score_block(b, buffers)).collect()
            });
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || {
            ScoreBuffers::with_thread_local(|buffers| {
                let mut done = Vec::new();
                loop {
                    let b = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if b >= blocks {
                        return done;
                    }
                    done.push((b, score_block(b, buffers)));
                }
            })
        };
        let mut scored: Vec<(usize, Vec<f64>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
            let mut all = work();
            for w in workers {
                // A worker only panics if scoring does, which it does not on any text;
                // were it to, the calling thread re-raises it.
                all.extend(w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            }
            all
        });
        scored.sort_unstable_by_key(|(b, _)| *b);
        scored.into_iter().flat_map(|(_, p)| p).collect()
    }

    /// The label of one sentence at the model's threshold.
    pub fn label(&self, sentence: &str) -> Label {
        Label::from_probability(self.probability(sentence), self.threshold())
    }

    fn explain_row(&self, row: &[(u32, f64)], top: usize) -> Explanation {
        let mut contribs: Vec<(String, f64)> = Vec::new();
        let mut whole: Vec<(String, f64)> = Vec::new();
        let blocks = self.featurizer.blocks();
        // Rows hold their columns in increasing order.
        let value = |j: usize| {
            row.binary_search_by_key(&(j as u32), |r| r.0)
                .map_or(0.0, |i| row[i].1)
        };
        for (j, c) in self.linear.contributions(row) {
            let block = self.featurizer.block_of(j);
            if let Some(b) = block {
                let base = self.featurizer.columns(b).start;
                if !blocks[b].present(j - base, value(j)) {
                    continue;
                }
            }
            match block.and_then(|b| blocks[b].explained_as()) {
                Some(name) => match whole.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, sum)) => *sum += c,
                    None => whole.push((name, c)),
                },
                None => contribs.push((self.featurizer.feature_name(j), c)),
            }
        }
        if !whole.is_empty() {
            contribs.extend(whole.into_iter().filter(|(_, c)| *c != 0.0));
            // Stable: equal contributions keep column order.
            contribs.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        let named = |(feature, contribution): &(String, f64)| Contribution {
            feature: feature.clone(),
            contribution: *contribution,
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

    /// The `top` features that pushed one sentence most towards each label.
    pub fn explain(&self, sentence: &str, top: usize) -> Explanation {
        let top = top.max(1);
        let explanation = self.score(sentence, &mut ScoreBuffers::default(), top).1;
        explanation.unwrap_or(Explanation {
            opinion: Vec::new(),
            fact: Vec::new(),
        })
    }

    /// Split a document into sentences and classify each at `threshold`
    /// (the model's own when `None`).
    pub fn classify_document(&self, document: &str, threshold: Option<f64>) -> Vec<SentenceResult> {
        let t = threshold.unwrap_or(self.file.threshold);
        if self.has_encoder() {
            let sentences: Vec<&str> = segment_iter(document, self.language())
                .map(|s| s.text(document))
                .collect();
            self.prepare(&sentences);
        }
        let mut buffers = ScoreBuffers::default();
        let (mut results, mut used) = (Vec::new(), 0);
        self.classify_into(document, 0, t, 0, &mut buffers, &mut results, &mut used);
        for (index, r) in results.iter_mut().enumerate() {
            r.index = index;
        }
        results
    }

    /// Get ready to score `sentences` on this thread: the accurate tier embeds them
    /// together (faster than one by one, the same probabilities).
    pub fn prepare(&self, sentences: &[&str]) {
        self.featurizer.prepare(sentences);
    }

    /// Segment `text` (which starts at byte `offset` of its document) and classify each
    /// sentence at `threshold`, with explanations of `explain_top` contributions a side
    /// (0: none), into `results[*used..]`, reusing the entries there and pushing more
    /// as needed; `*used` ends after the last. Sentence indices are left to the caller.
    /// [`Classifier::classify_document`] and the streaming reader
    /// ([`crate::stream`]) both classify through this.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn classify_into(
        &self,
        text: &str,
        offset: usize,
        threshold: f64,
        explain_top: usize,
        buffers: &mut ScoreBuffers,
        results: &mut Vec<SentenceResult>,
        used: &mut usize,
    ) {
        for span in segment_iter(text, self.language()) {
            let s = span.text(text);
            let (p, explanation) = self.score(s, buffers, explain_top);
            let (start, end) = (offset + span.start, offset + span.end);
            let label = Label::from_probability(p, threshold);
            if let Some(r) = results.get_mut(*used) {
                r.start = start;
                r.end = end;
                r.text.clear();
                r.text.push_str(s);
                r.label = label;
                r.opinion_probability = p;
                r.explanation = explanation;
            } else {
                results.push(SentenceResult {
                    index: 0,
                    start,
                    end,
                    text: s.to_string(),
                    label,
                    opinion_probability: p,
                    explanation,
                });
            }
            *used += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_round_trips_byte_for_byte() {
        let m = Classifier::embedded().unwrap();
        assert_eq!(m.to_json().unwrap(), file::EMBEDDED_MODEL);
        assert_eq!(
            m.featurizer().n_features(),
            m.model_file().vocabulary.len() + m.model_file().cues.len()
        );
        assert_eq!(m.linear().weights().len(), m.featurizer().n_features());
    }

    #[test]
    fn explanations_list_only_cues_the_sentence_has() {
        let m = Classifier::embedded().unwrap();
        let e = m.explain("It is awful.", 50);
        let names: Vec<&str> = e
            .opinion
            .iter()
            .chain(&e.fact)
            .map(|c| c.feature.as_str())
            .collect();
        // No past tense and no capitalised name in the sentence: not listed, although
        // their standardised values (distance from the training average) are not 0.
        for absent in [
            "cue:tense.past",
            "cue:names.capitalised",
            "cue:numbers.count",
        ] {
            assert!(!names.contains(&absent), "{absent} in {names:?}");
        }
        assert!(names.contains(&"cue:evaluative.valence"), "{names:?}");
        // The probability still counts every column.
        assert_eq!(
            m.probability("It is awful."),
            m.score("It is awful.", &mut ScoreBuffers::default(), 3).0
        );
    }

    #[test]
    fn probabilities_are_each_sentences_own_in_order_on_any_thread_count() {
        let m = Classifier::embedded().unwrap();
        let texts: Vec<String> = (0..1300)
            .map(|i| match i % 3 {
                0 => format!("Officials said {i} people were hurt."),
                1 => format!("Unfortunately, {i} of them should never have gone. Really?"),
                _ => String::new(),
            })
            .collect();
        let one: Vec<f64> = texts.iter().map(|t| m.probability(t)).collect();
        for threads in [0, 1, 2, 3, 7] {
            assert_eq!(m.probabilities(&texts, threads), one, "{threads} threads");
        }
        assert!(m.probabilities::<&str>(&[], 2).is_empty());
    }

    #[test]
    fn explain_names_blocks_columns() {
        let m = Classifier::embedded().unwrap();
        let e = m.explain("Unfortunately, we must act now!", 3);
        assert!(!e.opinion.is_empty());
        assert!(e
            .opinion
            .windows(2)
            .all(|w| w[0].contribution >= w[1].contribution));
        let p = m.probability("Unfortunately, we must act now!");
        let (p2, e2) = m.score(
            "Unfortunately, we must act now!",
            &mut ScoreBuffers::default(),
            3,
        );
        assert_eq!(p, p2);
        assert_eq!(e2, Some(e));
    }
}
