//! The encoder block of the accurate tier: a sentence encoder's embedding
//! ([`crate::encoder`]), standardised with the training means and deviations and
//! multiplied by the block scale. The embedding is pooled as the model's
//! `encoder.pooling` says ([`Pooling`], `--encoder-pooling`; e5's own mean when the
//! file names none). Its columns are named `e5-small:J`; `--explain` reports the block
//! as one contribution, `encoder:e5-small`, the sum of its columns'.

use super::{BlockFit, FeatureBlock, TrainingSet};
use crate::encoder::cache::{self, EmbeddingCache};
use crate::encoder::{Buffers, Encoder, EncoderSpec, Pooling};
use crate::error::{Error, Result};
use crate::limits::{MAX_MODEL_NUMBER, MIN_CUE_SD};
use crate::model::file::{BlockKind, EncoderRecord, ModelFile};
use crate::pipeline::analyzer::Analysis;
use crate::pipeline::chars::without_format;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Embeddings of sentences: the encoder, and during training a memo of the sentences
/// already embedded (each training sentence is embedded once, however many folds
/// and scales use it).
#[derive(Debug)]
pub struct Embedder {
    encoder: Arc<Encoder>,
    pooling: Pooling,
    memo: Option<Mutex<FxHashMap<String, Arc<[f32]>>>>,
}

thread_local! {
    static BUFFERS: RefCell<(Buffers, Vec<f32>)> = RefCell::new((Buffers::default(), Vec::new()));
    static PREPARED: RefCell<Prepared> = RefCell::new(Prepared::default());
}

/// The embeddings of the sentences this thread is about to featurise, computed
/// together by [`Embedder::prepare`].
#[derive(Default)]
struct Prepared {
    /// The encoder they come from (its address) and their pooling, so another encoder
    /// or pooling never reads them.
    encoder: (usize, Pooling),
    /// Sentence → its row of `vectors`.
    rows: FxHashMap<String, usize>,
    vectors: Vec<f32>,
}

impl Embedder {
    /// Embed on demand with e5's own mean pooling, remembering nothing
    /// (classification).
    pub fn new(encoder: Arc<Encoder>) -> Self {
        Self::pooled(encoder, Pooling::Mean)
    }

    /// Embed on demand, pooled as `pooling` says, remembering nothing.
    pub fn pooled(encoder: Arc<Encoder>, pooling: Pooling) -> Self {
        Embedder {
            encoder,
            pooling,
            memo: None,
        }
    }

    /// Embed `texts` now on `threads` threads, pooled as `pooling` says, and remember
    /// them (training). The embedding cache `cache` supplies those it holds and keeps
    /// the others ([`crate::encoder::cache`]); `note` receives its one-line notes.
    pub fn remembering(
        encoder: Arc<Encoder>,
        pooling: Pooling,
        texts: &[&str],
        threads: usize,
        cache: &EmbeddingCache,
        note: &mut dyn FnMut(String),
    ) -> Self {
        let mut unique: Vec<&str> = texts.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let (vectors, _) = cache::embeddings_through(
            cache,
            encoder.spec(),
            pooling,
            pooling.width(encoder.dim()),
            &unique,
            &mut |part| embed_all(&encoder, pooling, part, threads),
            note,
        );
        let memo = unique.iter().map(|t| t.to_string()).zip(vectors).collect();
        Embedder {
            encoder,
            pooling,
            memo: Some(Mutex::new(memo)),
        }
    }

    /// The encoder.
    pub fn encoder(&self) -> &Arc<Encoder> {
        &self.encoder
    }

    /// How the embeddings are pooled.
    pub fn pooling(&self) -> Pooling {
        self.pooling
    }

    /// The size of an embedding: the encoder's dimensions times the pooling's parts.
    pub fn dim(&self) -> usize {
        self.pooling.width(self.encoder.dim())
    }

    /// Embed `texts` together on this thread for the calls of [`Embedder::with`] that
    /// follow (until the next `prepare`): several sentences per pass through the
    /// network are faster than one by one, and give the same floats.
    pub fn prepare(&self, texts: &[&str]) {
        if self.memo.is_some() {
            return;
        }
        let dim = self.dim();
        let mut unique: Vec<&str> = texts.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let cleaned: Vec<String> = unique
            .iter()
            .map(|t| without_format(t).into_owned())
            .collect();
        let cleaned: Vec<&str> = cleaned.iter().map(String::as_str).collect();
        PREPARED.with(|p| {
            let p = &mut *p.borrow_mut();
            p.encoder = (Arc::as_ptr(&self.encoder) as usize, self.pooling);
            p.rows.clear();
            p.vectors.resize(unique.len() * dim, 0.0);
            BUFFERS.with(|b| {
                let (buf, _) = &mut *b.borrow_mut();
                self.encoder
                    .embed_batch_pooled(&cleaned, self.pooling, buf, &mut p.vectors);
            });
            for (i, t) in unique.iter().enumerate() {
                p.rows.insert(t.to_string(), i);
            }
        });
    }

    /// Call `f` with the embedding of `text`. Format characters (soft hyphens,
    /// zero-width and bidirectional controls) are left out of what the encoder reads,
    /// as they are of the other blocks' features, so they never change a label.
    pub fn with<R>(&self, text: &str, f: impl FnOnce(&[f32]) -> R) -> R {
        if let Some(memo) = &self.memo {
            let hit = memo
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(text)
                .cloned();
            if let Some(v) = hit {
                return f(&v);
            }
        }
        let dim = self.dim();
        let me = (Arc::as_ptr(&self.encoder) as usize, self.pooling);
        let prepared = PREPARED.with(|p| {
            let p = p.borrow();
            match p.rows.get(text) {
                Some(&i) if p.encoder == me => Some(p.vectors[i * dim..(i + 1) * dim].to_vec()),
                _ => None,
            }
        });
        if let Some(v) = prepared {
            return f(&v);
        }
        BUFFERS.with(|b| {
            let (buf, out) = &mut *b.borrow_mut();
            out.resize(dim, 0.0);
            self.encoder.embed_batch_pooled(
                &[without_format(text).as_ref()],
                self.pooling,
                buf,
                out,
            );
            f(out)
        })
    }
}

/// The embeddings of `texts`, in their order, computed on `threads` threads: the one
/// place training runs the encoder.
/// Training sentences embedded together.
const TRAINING_BATCH: usize = 32;

fn embed_all(
    encoder: &Encoder,
    pooling: Pooling,
    texts: &[&str],
    threads: usize,
) -> Vec<Arc<[f32]>> {
    let threads = threads.clamp(1, texts.len().max(1));
    let chunk = texts.len().div_ceil(threads).max(1);
    let dim = pooling.width(encoder.dim());
    let mut out = Vec::with_capacity(texts.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    // Several sentences per pass through the network (the same floats
                    // as one by one).
                    let mut buf = Buffers::default();
                    let mut vectors = vec![0f32; dim * TRAINING_BATCH];
                    let mut done = Vec::with_capacity(part.len());
                    for batch in part.chunks(TRAINING_BATCH) {
                        let cleaned: Vec<String> = batch
                            .iter()
                            .map(|t| without_format(t).into_owned())
                            .collect();
                        let cleaned: Vec<&str> = cleaned.iter().map(String::as_str).collect();
                        encoder.embed_batch_pooled(&cleaned, pooling, &mut buf, &mut vectors);
                        done.extend(
                            vectors
                                .chunks_exact(dim)
                                .take(batch.len())
                                .map(Arc::<[f32]>::from),
                        );
                    }
                    done
                })
            })
            .collect();
        for h in handles {
            // A panic in a worker is a bug; re-raise it here.
            out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
    });
    out
}

/// The fitted encoder block.
#[derive(Debug)]
pub struct EncoderBlock {
    embedder: Arc<Embedder>,
    spec: &'static EncoderSpec,
    scale: f64,
    mean: Vec<f64>,
    multiplier: Vec<f64>,
}

impl EncoderBlock {
    /// Append the columns for `text` (what [`FeatureBlock::append`] does with the
    /// analysis's text).
    pub(crate) fn append_text(&self, text: &str, base: u32, row: &mut Vec<(u32, f64)>) {
        self.embedder.with(text, |e| {
            self.standardise(e, |k, x| row.push((base + k as u32, x)));
        });
    }

    /// Column `k`'s value for each dimension `k` of `embedding`: the standardised
    /// value times the scale, the one formula of the block's columns.
    fn standardise(&self, embedding: &[f32], mut put: impl FnMut(usize, f64)) {
        for (k, &v) in embedding.iter().enumerate() {
            put(k, (v as f64 - self.mean[k]) * self.multiplier[k]);
        }
    }

    /// Fit the standardisation on the embeddings of the training `texts`, times
    /// `scale`. A dimension that (all but) never varies gets multiplier 0.
    pub fn fit(embedder: Arc<Embedder>, texts: &[&str], scale: f64) -> Self {
        let dim = embedder.dim();
        let mut sum = vec![0f64; dim];
        let mut sq = vec![0f64; dim];
        for t in texts {
            embedder.with(t, |e| {
                for ((s, q), &v) in sum.iter_mut().zip(sq.iter_mut()).zip(e) {
                    *s += v as f64;
                    *q += v as f64 * v as f64;
                }
            });
        }
        let n = texts.len().max(1) as f64;
        let mut mean = Vec::with_capacity(dim);
        let mut multiplier = Vec::with_capacity(dim);
        for (s, q) in sum.iter().zip(&sq) {
            let m = s / n;
            let sd = (q / n - m * m).max(0.0).sqrt();
            // Rounded to 9 significant digits so the model file is short and the
            // same on every machine that sums in this order.
            mean.push(round9(m));
            multiplier.push(if sd >= MIN_CUE_SD {
                round9(scale / sd)
            } else {
                0.0
            });
        }
        let spec = embedder.encoder().spec();
        EncoderBlock {
            embedder,
            spec,
            scale,
            mean,
            multiplier,
        }
    }

    /// Fit the standardisation on the embeddings of the rows of `set`, times `scale`.
    pub(crate) fn fit_on(embedder: Arc<Embedder>, scale: f64, set: &TrainingSet<'_>) -> Self {
        let texts: Vec<&str> = set
            .rows
            .iter()
            .map(|&i| set.records[i].text.as_str())
            .collect();
        Self::fit(embedder, &texts, scale)
    }

    /// Read and check the block from a model file, loading the installed encoder it
    /// names: the block and its weights.
    pub fn load<'f>(file: &'f ModelFile, path: &Path) -> Result<(Self, &'f [f64])> {
        let Some(rec) = &file.encoder else {
            return Err(Error::model(
                path,
                "the encoder block has no \"encoder\" section",
            ));
        };
        let spec = EncoderSpec::find(&rec.name).ok_or_else(|| {
            Error::model(path, format!("unknown sentence encoder {:?}", rec.name))
        })?;
        if rec.sha256 != spec.sha256 {
            return Err(Error::model(
                path,
                format!(
                    "made with {} weights of SHA-256 {}, this factop knows {}",
                    spec.name, rec.sha256, spec.sha256
                ),
            ));
        }
        let d = rec.pooling.width(spec.dim);
        if rec.mean.len() != d || rec.multiplier.len() != d || rec.weights.len() != d {
            return Err(Error::model(
                path,
                format!(
                    "the {} block needs {d} means, multipliers and weights; the file has {}, {} and {}",
                    spec.name,
                    rec.mean.len(),
                    rec.multiplier.len(),
                    rec.weights.len()
                ),
            ));
        }
        let numbers = || {
            rec.mean
                .iter()
                .chain(&rec.multiplier)
                .chain(&rec.weights)
                .chain([&rec.scale])
        };
        if numbers().any(|x| !x.is_finite()) {
            return Err(Error::model(path, "a number is not finite"));
        }
        if numbers().any(|x| x.abs() > MAX_MODEL_NUMBER) {
            return Err(Error::model(
                path,
                format!("an encoder number is larger than {MAX_MODEL_NUMBER:e} in magnitude"),
            ));
        }
        let encoder = Encoder::installed(spec, &path.display().to_string())?;
        let block = EncoderBlock {
            embedder: Arc::new(Embedder::pooled(encoder, rec.pooling)),
            spec,
            scale: rec.scale,
            mean: rec.mean.clone(),
            multiplier: rec.multiplier.clone(),
        };
        Ok((block, &rec.weights))
    }

    /// The block scale.
    pub fn scale(&self) -> f64 {
        self.scale
    }
}

fn round9(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.8e}").parse().unwrap_or(x)
}

impl FeatureBlock for EncoderBlock {
    fn kind(&self) -> BlockKind {
        BlockKind::Encoder
    }

    fn prepare(&self, sentences: &[&str]) {
        self.embedder.prepare(sentences);
    }

    fn width(&self) -> usize {
        self.mean.len()
    }

    fn column_name(&self, j: usize) -> String {
        format!("{}:{j}", self.spec.name)
    }

    fn explained_as(&self) -> Option<String> {
        Some(format!("encoder:{}", self.spec.name))
    }

    fn feature_kind(&self) -> &'static str {
        "encoder"
    }

    fn shown(&self, _: Option<usize>, _: &str, _: &super::WrittenGrams) -> String {
        format!("overall meaning ({})", self.spec.name)
    }

    fn append(&self, analysis: &mut Analysis<'_>, base: u32, row: &mut Vec<(u32, f64)>) {
        self.append_text(analysis.text(), base, row);
    }

    fn columns_of_embedding(&self, embedding: &[f32], out: &mut [f64]) -> bool {
        self.standardise(embedding, |k, x| out[k] = x);
        true
    }

    fn save(&self, weights: &[f64], file: &mut ModelFile) {
        let scale_search = file
            .encoder
            .as_ref()
            .map(|e| e.scale_search.clone())
            .unwrap_or_default();
        file.encoder = Some(EncoderRecord {
            name: self.spec.name.to_string(),
            sha256: self.spec.sha256.to_string(),
            pooling: self.embedder.pooling(),
            scale: self.scale,
            scale_search,
            mean: self.mean.clone(),
            multiplier: self.multiplier.clone(),
            weights: weights.to_vec(),
        });
    }
}

impl BlockFit for EncoderBlock {
    fn width(&self) -> usize {
        self.mean.len()
    }

    fn append_training(
        &self,
        set: &TrainingSet<'_>,
        i: usize,
        base: u32,
        row: &mut Vec<(u32, f64)>,
    ) {
        self.append_text(&set.records[i].text, base, row);
    }

    fn into_block(self: Box<Self>) -> Box<dyn FeatureBlock> {
        self
    }
}
