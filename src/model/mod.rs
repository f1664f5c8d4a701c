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
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Contribution {
    /// The term or `cue:NAME` (the encoder block: `encoder:NAME`), as the model file
    /// names it.
    pub feature: String,
    /// weight × value; positive pushes towards opinion.
    pub contribution: f64,
    /// What the feature is: `term` (word n-gram), `cue` or `encoder`.
    pub kind: &'static str,
    /// The feature as a reader sees it: a term in the words of the sentence that made
    /// it (`coalition talks` for the stems `coalit talk`; spellings of repeats joined
    /// by ` / `), a cue in plain words (`quotes someone`), the encoder block as
    /// `overall meaning (e5-small)`.
    pub shown: String,
    /// A term's stem n-gram (the same as `feature`), for scripts that match terms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stem: Option<String>,
}

/// The features that pushed a sentence most towards each label, and the starting point
/// they push from: `intercept` + the listed contributions + `absent_cues` + `other` =
/// `log_odds`, the
/// log-odds of opinion whose sigmoid is P(opinion); the label is opinion when
/// `log_odds` >= `threshold_log_odds`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Explanation {
    /// Strongest pushes towards opinion, largest first.
    pub opinion: Vec<Contribution>,
    /// Strongest pushes towards fact, largest first (negative contributions).
    pub fact: Vec<Contribution>,
    /// The model's starting point: the log-odds of opinion before any feature.
    pub intercept: f64,
    /// The starting point as a probability of opinion, sigmoid(`intercept`).
    pub base_rate: f64,
    /// The summed contributions of the cues the sentence lacks: a standardised cue's
    /// absence is its distance below the training average, which has a weight too
    /// (a sentence without a reporting verb is a little more likely an opinion).
    pub absent_cues: f64,
    /// The summed contributions of the features the sentence has beyond the listed
    /// ones.
    pub other: f64,
    /// The sentence's log-odds of opinion: `intercept` + listed contributions +
    /// `absent_cues` + `other`.
    pub log_odds: f64,
    /// The decision threshold on P(opinion) the label was decided at.
    pub threshold: f64,
    /// The threshold as log-odds, logit(`threshold`).
    pub threshold_log_odds: f64,
    /// Accurate models that store their training sentences: the two labelled training
    /// sentences nearest to this one in the encoder block's standardised space,
    /// nearest first ([`blocks::neighbours`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reads_like: Vec<blocks::neighbours::Neighbour>,
}

impl Explanation {
    /// Record that the label was decided at `threshold` (a P(opinion)), not at the
    /// model's own.
    pub fn set_threshold(&mut self, threshold: f64) {
        self.threshold = threshold;
        self.threshold_log_odds = logit(threshold);
    }
}

/// Training sentences an explanation gives as "reads like".
const READS_LIKE: usize = 2;

/// The log-odds of a probability, ln(p / (1 − p)).
pub fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
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
    /// The training sentences for "reads like", when the file stores them.
    neighbours: Option<blocks::neighbours::Neighbours>,
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
        let neighbours = match (&file.neighbours, &file.encoder) {
            (None, _) => None,
            (Some(n), Some(e)) => {
                Some(blocks::neighbours::Neighbours::load(n, e.mean.len(), path)?)
            }
            (Some(_), None) => {
                return Err(bad(
                    "the file has neighbours but no encoder block to find them with".into(),
                ))
            }
        };
        let featurizer = Featurizer::new(file.features.clone(), blocks);
        let linear = Linear::new(file.intercept, weights);
        Ok(Classifier {
            file,
            featurizer,
            linear,
            neighbours,
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

    /// Store the training sentences `records` in the model (file and classifier) for
    /// the "reads like" of explanations: each in the encoder block's standardised
    /// space, as its row holds it, from the embeddings of `embedder` (training's, which
    /// holds every training sentence's: nothing is embedded again). Models without an
    /// encoder block stay as they are.
    pub(crate) fn with_training_sentences(
        mut self,
        records: &[&crate::data::Record],
        embedder: &blocks::encoder::Embedder,
    ) -> Result<Self> {
        let Some(b) = self.encoder_block() else {
            return Ok(self);
        };
        let block = &self.featurizer.blocks()[b];
        let columns = self.featurizer.columns(b);
        let mut sentences = Vec::with_capacity(records.len());
        for r in records {
            let mut v = vec![0.0; columns.len()];
            let encoded = embedder.with(&r.text, |e| block.columns_of_embedding(e, &mut v));
            debug_assert!(encoded, "block {b} is the encoder block");
            sentences.push((r.text.as_str(), r.label, v));
        }
        let record = blocks::neighbours::NeighbourRecord::build(columns.len(), sentences);
        self.neighbours = Some(blocks::neighbours::Neighbours::load(
            &record,
            columns.len(),
            Path::new("<trained>"),
        )?);
        self.file.neighbours = Some(record);
        Ok(self)
    }

    /// The index of the encoder block, if the model has one.
    fn encoder_block(&self) -> Option<usize> {
        self.featurizer
            .blocks()
            .iter()
            .position(|b| b.kind() == file::BlockKind::Encoder)
    }

    /// The `k` training sentences nearest to a sentence whose row is `row`, in the
    /// encoder block's standardised space (none without stored sentences).
    fn reads_like(&self, row: &[(u32, f64)], k: usize) -> Vec<blocks::neighbours::Neighbour> {
        let (Some(n), Some(b)) = (&self.neighbours, self.encoder_block()) else {
            return Vec::new();
        };
        let columns = self.featurizer.columns(b);
        let (lo, hi) = (columns.start as u32, columns.end as u32);
        let mut v = vec![0.0; columns.len()];
        for &(j, x) in row.iter().filter(|(j, _)| (lo..hi).contains(j)) {
            v[(j - lo) as usize] = x;
        }
        n.nearest(&v, k)
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
        let explanation =
            (explain_top > 0).then(|| self.explain_row(sentence, &buffers.row, explain_top));
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

    fn explain_row(&self, sentence: &str, row: &[(u32, f64)], top: usize) -> Explanation {
        // (block, column within the block or None for a block explained whole, name,
        // contribution)
        type Item = (Option<usize>, Option<usize>, String, f64);
        let mut contribs: Vec<Item> = Vec::new();
        let mut whole: Vec<Item> = Vec::new();
        let mut absent = 0.0;
        let blocks = self.featurizer.blocks();
        // Rows hold their columns in increasing order.
        let value = |j: usize| {
            row.binary_search_by_key(&(j as u32), |r| r.0)
                .map_or(0.0, |i| row[i].1)
        };
        for (j, c) in self.linear.contributions(row) {
            let block = self.featurizer.block_of(j);
            let column = block.map(|b| j - self.featurizer.columns(b).start);
            if let (Some(b), Some(k)) = (block, column) {
                if !blocks[b].present(k, value(j)) {
                    absent += c;
                    continue;
                }
            }
            match block.and_then(|b| blocks[b].explained_as()) {
                Some(name) => match whole.iter_mut().find(|w| w.2 == name) {
                    Some(w) => w.3 += c,
                    None => whole.push((block, None, name, c)),
                },
                None => contribs.push((block, column, self.featurizer.feature_name(j), c)),
            }
        }
        if !whole.is_empty() {
            contribs.extend(whole.into_iter().filter(|w| w.3 != 0.0));
            // Stable: equal contributions keep column order.
            contribs.sort_by(|a, b| b.3.total_cmp(&a.3));
        }
        let opinion: Vec<&Item> = contribs.iter().filter(|c| c.3 > 0.0).take(top).collect();
        let fact: Vec<&Item> = contribs
            .iter()
            .rev()
            .filter(|c| c.3 < 0.0)
            .take(top)
            .collect();
        // The sentence's words as written, worked out only for what is shown.
        let terms: Vec<&str> = opinion
            .iter()
            .chain(&fact)
            .filter(|c| c.0.and_then(|b| blocks.get(b)).map(|b| b.feature_kind()) == Some("term"))
            .map(|c| c.2.as_str())
            .collect();
        let written = self.featurizer.grams_as_written(sentence, &terms);
        let named = |&&(block, column, ref feature, contribution): &&Item| {
            let block = block.and_then(|b| blocks.get(b));
            let kind = block.map_or("", |b| b.feature_kind());
            Contribution {
                feature: feature.clone(),
                contribution,
                kind,
                shown: block
                    .map_or_else(|| feature.clone(), |b| b.shown(column, feature, &written)),
                stem: (kind == "term").then(|| feature.clone()),
            }
        };
        let log_odds = self.linear.logit(row);
        let intercept = self.linear.intercept();
        let listed: f64 = opinion.iter().chain(&fact).map(|c| c.3).sum();
        let mut e = Explanation {
            opinion: opinion.iter().map(named).collect(),
            fact: fact.iter().map(named).collect(),
            intercept,
            base_rate: linear::sigmoid(intercept),
            absent_cues: absent,
            other: log_odds - intercept - listed - absent,
            log_odds,
            reads_like: self.reads_like(row, READS_LIKE),
            ..Explanation::default()
        };
        e.set_threshold(self.threshold());
        e
    }

    /// The `top` features that pushed one sentence most towards each label.
    pub fn explain(&self, sentence: &str, top: usize) -> Explanation {
        let top = top.max(1);
        let explanation = self.score(sentence, &mut ScoreBuffers::default(), top).1;
        explanation.unwrap_or_default()
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
            let (p, mut explanation) = self.score(s, buffers, explain_top);
            if let Some(e) = &mut explanation {
                e.set_threshold(threshold);
            }
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

    /// Terms are shown in the sentence's words, cues in plain words, and the
    /// starting point, the listed contributions, the absent cues and the rest add up
    /// to the log-odds whose sigmoid is the probability.
    #[test]
    fn explanations_show_words_as_written_and_add_up() {
        let m = Classifier::embedded().unwrap();
        let s = "The Mayor deserves credit for the coalition talks, officials said.";
        let e = m.explain(s, 50);
        let listed: f64 = e
            .opinion
            .iter()
            .chain(&e.fact)
            .map(|c| c.contribution)
            .sum();
        assert!((e.intercept + listed + e.absent_cues + e.other - e.log_odds).abs() < 1e-9);
        assert!(
            e.other.abs() < 1e-9,
            "every present feature is listed at top 50"
        );
        assert!((linear::sigmoid(e.log_odds) - m.probability(s)).abs() < 1e-12);
        assert_eq!(e.intercept, m.linear().intercept());
        assert_eq!(e.base_rate, linear::sigmoid(e.intercept));
        assert_eq!(
            (e.threshold, e.threshold_log_odds),
            (m.threshold(), logit(m.threshold()))
        );
        let shown = |feature: &str| {
            e.opinion
                .iter()
                .chain(&e.fact)
                .find(|c| c.feature == feature)
                .map(|c| (c.kind, c.shown.as_str(), c.stem.as_deref()))
        };
        assert_eq!(shown("deserv"), Some(("term", "deserves", Some("deserv"))));
        assert_eq!(shown("mayor"), Some(("term", "Mayor", Some("mayor"))));
        assert_eq!(
            shown("cue:attribution.verb"),
            Some(("cue", "reporting verb (said, told)", None))
        );
        // Each term's words: one word per stem of the n-gram, as the sentence has them.
        for c in e.opinion.iter().chain(&e.fact).filter(|c| c.kind == "term") {
            let words: Vec<&str> = c.shown.split(' ').collect();
            assert_eq!(words.len(), c.feature.split(' ').count(), "{c:?}");
            assert!(
                words.iter().all(|w| s.contains(w.trim_end_matches(','))),
                "{c:?}"
            );
        }
        // At a threshold of the caller's, the explanation says so.
        let mut results = m.classify_document(s, Some(0.9));
        assert!(results[0].explanation.is_none());
        let (mut used, mut buffers) = (0, ScoreBuffers::default());
        m.classify_into(s, 0, 0.9, 2, &mut buffers, &mut results, &mut used);
        let e2 = results[0].explanation.as_ref().expect("explained");
        assert_eq!((e2.threshold, e2.threshold_log_odds), (0.9, logit(0.9)));
        assert_eq!((e2.opinion.len(), e2.fact.len()), (2, 2));
        assert!(e2.other.abs() > 0.0);
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
