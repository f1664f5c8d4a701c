//! The e5-small transformer: BERT-style embeddings, 12 post-norm layers of self
//! attention and GELU feed-forward, mean pooling over every token (`<s>` and `</s>`
//! included) and L2 normalisation, with the 4-bit products of [`super::quant`]. The
//! other poolings of [`super::Pooling`] (the top layers' mean, the maximum) come out of
//! the same pass.
//!
//! Texts longer than the model's positions are cut into windows of at most
//! `positions − 2` content tokens, each run as `<s> window </s>`; the embedding is the
//! average of the windows' mean vectors weighted by their content tokens, then
//! normalised, as the reference engine does. A text gets at most [`MAX_WINDOWS`]
//! windows (1,020 content tokens for e5-small, far over any sentence: the longest of the
//! CheckThat! 2025 data has 270): the tokenizer stops there, so the time one text takes
//! is bounded however long it is or however much its characters expand.

use super::quant::{dequantise_row, QActs, QMatrix};
use super::tokenizer::{TokenBuffers, Tokenizer};
use super::weights::{EncoderFile, RawTensor, Shape, QK};
use super::PoolPart;
use crate::error::Result;

/// The most windows one text is run as. The tokens after them are not read: a longer
/// text is embedded as its first `MAX_WINDOWS × (positions − 2)` tokens.
pub const MAX_WINDOWS: usize = 2;

/// The most tokens of one pass through the network when embedding several texts at
/// once (a window is never split: a pass holds at least one).
pub const BATCH_TOKENS: usize = 1024;

#[derive(Debug)]
struct Layer {
    q: QMatrix,
    k: QMatrix,
    v: QMatrix,
    attn_out: QMatrix,
    attn_norm: (Vec<f32>, Vec<f32>),
    ff_in: QMatrix,
    ff_out: QMatrix,
    out_norm: (Vec<f32>, Vec<f32>),
}

/// A loaded encoder: tokenizer and weights.
#[derive(Debug)]
pub struct Network {
    shape: Shape,
    tokenizer: Tokenizer,
    /// Word embeddings, still 4-bit: `vocab` rows of `hidden / QK` blocks.
    words: super::packed::Stored<u8>,
    positions: Vec<f32>,
    token_type: Vec<f32>,
    embed_norm: (Vec<f32>, Vec<f32>),
    layers: Vec<Layer>,
    gelu: Vec<f32>,
}

/// Reusable buffers for one thread's embeddings.
#[derive(Debug, Default)]
pub struct Buffers {
    tokens: TokenBuffers,
    content: Vec<u32>,
    ids: Vec<u32>,
    x: Vec<f32>,
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    ctx: Vec<f32>,
    tmp: Vec<f32>,
    mid: Vec<f32>,
    probs: Vec<f32>,
    kt: Vec<f32>,
    mean: Vec<f32>,
    acts: QActs,
}

impl Network {
    /// Build the network from a parsed file.
    pub fn new(file: &EncoderFile<'_>) -> Result<Self> {
        let s = file.shape;
        let (h, ff) = (s.hidden, s.ff);
        let vec = |name: &str, n: usize| file.vector(name, n);
        let mat = |name: &str, rows: usize, cols: usize, bias: &str| -> Result<QMatrix> {
            let t: RawTensor<'_> = file.tensor(name, rows * cols, true)?;
            Ok(QMatrix::new(t, rows, cols, vec(bias, rows)?))
        };
        let mut layers = Vec::with_capacity(s.layers);
        for l in 0..s.layers {
            let n = |part: &str| format!("l{l}.{part}");
            layers.push(Layer {
                q: mat(&n("q.w"), h, h, &n("q.b"))?,
                k: mat(&n("k.w"), h, h, &n("k.b"))?,
                v: mat(&n("v.w"), h, h, &n("v.b"))?,
                attn_out: mat(&n("ao.w"), h, h, &n("ao.b"))?,
                attn_norm: (vec(&n("aln.w"), h)?, vec(&n("aln.b"), h)?),
                ff_in: mat(&n("fi.w"), ff, h, &n("fi.b"))?,
                ff_out: mat(&n("fo.w"), h, ff, &n("fo.b"))?,
                out_norm: (vec(&n("oln.w"), h)?, vec(&n("oln.b"), h)?),
            });
        }
        let words = file.tensor("emb.word", s.vocab * h, true)?.bytes.to_vec();
        let finite = super::quant::scales_finite(&words)
            && layers.iter().all(|l| {
                [&l.q, &l.k, &l.v, &l.attn_out, &l.ff_in, &l.ff_out]
                    .iter()
                    .all(|m| m.is_finite())
            });
        if !finite {
            return Err(crate::Error::model(
                "<encoder>",
                "not a valid e5-small encoder file (a weight scale is not finite)",
            ));
        }
        let mut token_type = vec("emb.type", s.token_types.max(1) * h)?;
        token_type.truncate(h);
        let tokenizer = Tokenizer::new(
            file.tokenizer.clone(),
            MAX_WINDOWS.saturating_mul(s.positions - 2),
        );
        if tokenizer.bos as usize >= s.vocab || tokenizer.eos as usize >= s.vocab {
            return Err(crate::Error::model(
                "<encoder>",
                "not a valid e5-small encoder file (special ids outside the vocabulary)",
            ));
        }
        Ok(Network {
            shape: s,
            tokenizer,
            words: words.into(),
            positions: vec("emb.pos", s.positions * h)?,
            token_type,
            embed_norm: (vec("emb.ln.w", h)?, vec("emb.ln.b", h)?),
            layers,
            gelu: gelu_table(),
        })
    }

    /// The embedding size.
    pub fn dim(&self) -> usize {
        self.shape.hidden
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The L2-normalised embedding of `"query: " + text` into `out` (`dim()` floats).
    pub fn embed_query(&self, text: &str, buf: &mut Buffers, out: &mut [f32]) {
        self.embed_batch(&[text], true, buf, out);
    }

    /// The L2-normalised embedding of `text` as given (no prefix added).
    pub fn embed(&self, text: &str, buf: &mut Buffers, out: &mut [f32]) {
        self.embed_batch(&[text], false, buf, out);
    }

    /// The embeddings of `texts` (with the `"query: "` prefix when `query`) into `out`,
    /// `dim()` floats each, in order. The texts' windows go through the network
    /// together, up to [`BATCH_TOKENS`] tokens a pass, so that each weight is loaded
    /// once for all of them; every text's embedding is the same, bit for bit, as on
    /// its own.
    pub fn embed_batch(&self, texts: &[&str], query: bool, buf: &mut Buffers, out: &mut [f32]) {
        self.embed_batch_parts(texts, query, &[PoolPart::TopMean(1)], buf, out);
    }

    /// As [`Network::embed_batch`], each text's embedding made of `parts` (`dim()`
    /// floats each, in order; `parts.len() × dim()` per text), all from the same pass.
    /// A mean part of a text of several windows is the windows' means weighted by
    /// their content tokens, a max part the largest of the windows' maxima; each part
    /// is then L2-normalised on its own.
    pub fn embed_batch_parts(
        &self,
        texts: &[&str],
        query: bool,
        parts: &[PoolPart],
        buf: &mut Buffers,
        out: &mut [f32],
    ) {
        let h = self.shape.hidden;
        let width = parts.len() * h;
        let window = self.shape.positions - 2;
        let out = &mut out[..texts.len() * width];
        for o in out.chunks_exact_mut(h) {
            o.fill(0.0);
        }
        for (p, part) in parts.iter().enumerate() {
            if *part == PoolPart::LastMax {
                for t in 0..texts.len() {
                    let at = t * width + p * h;
                    out[at..at + h].fill(f32::NEG_INFINITY);
                }
            }
        }
        let mut totals = vec![0f64; texts.len()];
        let mut content = std::mem::take(&mut buf.content);
        let mut ids = std::mem::take(&mut buf.ids);
        let mut means = std::mem::take(&mut buf.mean);
        // (text, weight) of each window of the pass being gathered, and its ids' range.
        let mut owners: Vec<(usize, f32)> = Vec::new();
        let mut windows: Vec<std::ops::Range<usize>> = Vec::new();
        ids.clear();
        let mut flush = |ids: &mut Vec<u32>,
                         owners: &mut Vec<(usize, f32)>,
                         windows: &mut Vec<std::ops::Range<usize>>,
                         buf: &mut Buffers,
                         means: &mut Vec<f32>| {
            if windows.is_empty() {
                return;
            }
            means.resize(windows.len() * width, 0.0);
            self.forward(ids, windows, parts, buf, means);
            for (&(text, weight), pooled) in owners.iter().zip(means.chunks_exact(width)) {
                let to = &mut out[text * width..(text + 1) * width];
                for ((o, m), part) in to
                    .chunks_exact_mut(h)
                    .zip(pooled.chunks_exact(h))
                    .zip(parts)
                {
                    match part {
                        PoolPart::TopMean(_) => {
                            for (o, m) in o.iter_mut().zip(m) {
                                *o += weight * m;
                            }
                        }
                        PoolPart::LastMax => {
                            for (o, m) in o.iter_mut().zip(m) {
                                *o = o.max(*m);
                            }
                        }
                    }
                }
                totals[text] += weight as f64;
            }
            ids.clear();
            owners.clear();
            windows.clear();
        };
        for (i, text) in texts.iter().enumerate() {
            let prefix = if query { "query: " } else { "" };
            self.tokenizer.encode_chars(
                prefix.chars().chain(text.chars()),
                &mut buf.tokens,
                &mut content,
            );
            // An empty text still runs once, as `<s> </s>`.
            let empty: &[u32] = &[];
            let chunks = content
                .chunks(window)
                .chain(content.is_empty().then_some(empty));
            for chunk in chunks {
                if ids.len() + chunk.len() + 2 > BATCH_TOKENS {
                    flush(&mut ids, &mut owners, &mut windows, buf, &mut means);
                }
                let start = ids.len();
                ids.push(self.tokenizer.bos);
                ids.extend_from_slice(chunk);
                ids.push(self.tokenizer.eos);
                windows.push(start..ids.len());
                owners.push((i, chunk.len().max(1) as f32));
            }
        }
        flush(&mut ids, &mut owners, &mut windows, buf, &mut means);
        buf.content = content;
        buf.ids = ids;
        buf.mean = means;
        for (text, total) in out.chunks_exact_mut(width).zip(totals) {
            for (o, part) in text.chunks_exact_mut(h).zip(parts) {
                if let PoolPart::TopMean(_) = part {
                    let inv = (1.0 / total) as f32;
                    o.iter_mut().for_each(|o| *o *= inv);
                }
                let mut norm = 0f32;
                for o in o.iter() {
                    norm += *o * *o;
                }
                let scale = 1.0 / norm.max(1e-12).sqrt();
                o.iter_mut().for_each(|o| *o *= scale);
            }
        }
    }

    /// Run the network over `windows` of `ids` (each with its `<s>` and `</s>`), all
    /// in one pass, and write each window's `parts` of its hidden states into `pooled`
    /// (`windows.len() × parts.len() × dim()`, a window's parts side by side).
    fn forward(
        &self,
        ids: &[u32],
        windows: &[std::ops::Range<usize>],
        parts: &[PoolPart],
        b: &mut Buffers,
        pooled: &mut [f32],
    ) {
        #[cfg(target_arch = "x86_64")]
        {
            if super::quant::avx2() {
                // SAFETY: the processor supports AVX2 and FMA (checked just above).
                unsafe { self.forward_avx2(ids, windows, parts, b, pooled) };
                return;
            }
        }
        self.forward_body(ids, windows, parts, b, pooled)
    }

    /// The forward pass compiled for AVX2 and FMA: the loops inlined into it
    /// (attention, layer norms, quantisation) are vectorised for them.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn forward_avx2(
        &self,
        ids: &[u32],
        windows: &[std::ops::Range<usize>],
        parts: &[PoolPart],
        b: &mut Buffers,
        pooled: &mut [f32],
    ) {
        self.forward_body(ids, windows, parts, b, pooled)
    }

    #[inline(always)]
    fn forward_body(
        &self,
        ids: &[u32],
        windows: &[std::ops::Range<usize>],
        parts: &[PoolPart],
        b: &mut Buffers,
        pooled: &mut [f32],
    ) {
        let s = &self.shape;
        let (h, t) = (s.hidden, ids.len());
        let width = parts.len() * h;
        let row_bytes = h / QK * (2 + QK / 2);
        b.x.resize(t * h, 0.0);
        for (i, (&id, x)) in ids.iter().zip(b.x.chunks_exact_mut(h)).enumerate() {
            // The position within the token's window.
            let p = i - windows
                .iter()
                .find(|w| w.contains(&i))
                .map_or(0, |w| w.start);
            let id = (id as usize).min(s.vocab - 1);
            dequantise_row(&self.words[id * row_bytes..(id + 1) * row_bytes], x);
            let pos = &self.positions[p * h..(p + 1) * h];
            for ((x, p), ty) in x.iter_mut().zip(pos).zip(&self.token_type) {
                *x += p + ty;
            }
        }
        layer_norm(&mut b.x, None, &self.embed_norm, h, s.eps);
        for b_tmp in [&mut b.q, &mut b.k, &mut b.v, &mut b.ctx, &mut b.tmp] {
            b_tmp.resize(t * h, 0.0);
        }
        b.mid.resize(t * s.ff, 0.0);
        let heads = s.heads;
        let hd = h / heads;
        let scale = 1.0 / (hd as f32).sqrt();
        let layers = self.layers.len();
        // The layers a mean of several top layers reads (the last one's comes after the
        // loop); their window means are summed here.
        let deepest = parts
            .iter()
            .filter_map(|p| match p {
                PoolPart::TopMean(n) => Some((*n).clamp(1, layers)),
                PoolPart::LastMax => None,
            })
            .max()
            .unwrap_or(1);
        for (p, part) in parts.iter().enumerate() {
            if let PoolPart::TopMean(n) = part {
                if *n > 1 {
                    for w in 0..windows.len() {
                        pooled[w * width + p * h..w * width + (p + 1) * h].fill(0.0);
                    }
                }
            }
        }
        for (l, layer) in self.layers.iter().enumerate() {
            b.acts.quantise(&b.x, h);
            super::quant::matmul(&layer.q, &b.acts, &mut b.q);
            super::quant::matmul(&layer.k, &b.acts, &mut b.k);
            super::quant::matmul(&layer.v, &b.acts, &mut b.v);
            for w in windows {
                attention(b, w.clone(), h, heads, scale);
            }
            b.acts.quantise(&b.ctx, h);
            super::quant::matmul(&layer.attn_out, &b.acts, &mut b.tmp);
            layer_norm(&mut b.x, Some(&b.tmp), &layer.attn_norm, h, s.eps);
            b.acts.quantise(&b.x, h);
            super::quant::matmul(&layer.ff_in, &b.acts, &mut b.mid);
            gelu_all(&mut b.mid, &self.gelu);
            b.acts.quantise(&b.mid, s.ff);
            super::quant::matmul(&layer.ff_out, &b.acts, &mut b.tmp);
            layer_norm(&mut b.x, Some(&b.tmp), &layer.out_norm, h, s.eps);
            if deepest > 1 && l + deepest >= layers {
                self.add_top_means(l, windows, parts, b, pooled);
            }
        }
        for (w, pooled) in windows.iter().zip(pooled.chunks_exact_mut(width)) {
            for (part, out) in parts.iter().zip(pooled.chunks_exact_mut(h)) {
                match part {
                    PoolPart::TopMean(1) => {
                        out.fill(0.0);
                        for x in b.x[w.start * h..w.end * h].chunks_exact(h) {
                            for (m, v) in out.iter_mut().zip(x) {
                                *m += v;
                            }
                        }
                        let inv = 1.0 / w.len() as f32;
                        out.iter_mut().for_each(|m| *m *= inv);
                    }
                    PoolPart::TopMean(n) => {
                        // The sum of the layers' window means, over their number.
                        let inv = 1.0 / (*n).clamp(1, layers) as f32;
                        out.iter_mut().for_each(|m| *m *= inv);
                    }
                    PoolPart::LastMax => {
                        out.fill(f32::NEG_INFINITY);
                        for x in b.x[w.start * h..w.end * h].chunks_exact(h) {
                            for (m, v) in out.iter_mut().zip(x) {
                                *m = m.max(*v);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Add each window's mean of layer `l`'s output (now in `b.x`) to the parts of
    /// `pooled` that average the top layers, when `l` is one of theirs.
    #[inline(always)]
    fn add_top_means(
        &self,
        l: usize,
        windows: &[std::ops::Range<usize>],
        parts: &[PoolPart],
        b: &Buffers,
        pooled: &mut [f32],
    ) {
        let (h, layers) = (self.shape.hidden, self.layers.len());
        let width = parts.len() * h;
        for (p, part) in parts.iter().enumerate() {
            let PoolPart::TopMean(n) = *part else {
                continue;
            };
            let n = n.clamp(1, layers);
            if n == 1 || l + n < layers {
                continue;
            }
            for (w, window) in windows.iter().enumerate() {
                let out = &mut pooled[w * width + p * h..w * width + (p + 1) * h];
                let inv = 1.0 / window.len() as f32;
                for x in b.x[window.start * h..window.end * h].chunks_exact(h) {
                    for (m, v) in out.iter_mut().zip(x) {
                        *m += v * inv;
                    }
                }
            }
        }
    }
}

/// Self-attention of one window's tokens: `b.ctx` from `b.q`, `b.k` and `b.v` (`t × h`,
/// heads side by side). Each score and each context value is a sum in order over the
/// head's dimensions or the window's keys; they are computed for several queries and
/// sixteen keys (or a whole head) at a time in registers, so that the sums run side by
/// side and vectorise (the keys transposed).
#[inline(always)]
fn attention(b: &mut Buffers, w: std::ops::Range<usize>, h: usize, heads: usize, scale: f32) {
    let hd = h / heads;
    let (t, first) = (w.len(), w.start);
    let padded = t.div_ceil(16) * 16;
    b.probs.resize(QUERIES * padded, 0.0);
    b.kt.resize(hd * padded, 0.0);
    for hh in 0..heads {
        for j in 0..t {
            for d in 0..hd {
                b.kt[d * padded + j] = b.k[(first + j) * h + hh * hd + d];
            }
        }
        let mut i = 0;
        while i < t {
            let n = QUERIES.min(t - i);
            if n == QUERIES {
                scores::<QUERIES>(b, first + i, padded, h, hh * hd, hd, scale);
            } else {
                // Last first: each is computed into slot 0 and moved to its own.
                for k in (0..n).rev() {
                    scores::<1>(b, first + i + k, padded, h, hh * hd, hd, scale);
                    b.probs.copy_within(0..padded, k * padded);
                }
            }
            for k in 0..n {
                let probs = &mut b.probs[k * padded..k * padded + t];
                let max = lanes_max(probs);
                let mut sum = 0f32;
                for p in probs.iter_mut() {
                    *p = (*p - max).exp();
                    sum += *p;
                }
                let inv = 1.0 / sum;
                probs.iter_mut().for_each(|p| *p *= inv);
            }
            let mut k = 0;
            while k < n {
                let row = (first + i + k) * h + hh * hd;
                if hd == 32 && k + 2 <= n {
                    context::<32, 2>(b, k, padded, t, row, first, h, hh * hd);
                    k += 2;
                } else if hd == 32 {
                    context::<32, 1>(b, k, padded, t, row, first, h, hh * hd);
                    k += 1;
                } else {
                    let c = &mut b.ctx[row..row + hd];
                    c.fill(0.0);
                    for (j, &p) in b.probs[k * padded..k * padded + t].iter().enumerate() {
                        let at = (first + j) * h + hh * hd;
                        for (c, v) in c.iter_mut().zip(&b.v[at..at + hd]) {
                            *c += p * v;
                        }
                    }
                    k += 1;
                }
            }
            i += n;
        }
    }
}

/// Queries whose scores are computed together.
const QUERIES: usize = 4;

/// The scores of queries `q0..q0 + Q` (token rows, head at column `col`) with every
/// key, into `b.probs` (`padded` per query).
#[inline(always)]
fn scores<const Q: usize>(
    b: &mut Buffers,
    q0: usize,
    padded: usize,
    h: usize,
    col: usize,
    hd: usize,
    scale: f32,
) {
    for j0 in (0..padded).step_by(16) {
        let mut acc = [[0f32; 16]; Q];
        for d in 0..hd {
            let k: &[f32; 16] = b.kt[d * padded + j0..d * padded + j0 + 16]
                .try_into()
                .expect("16 keys");
            for (qi, acc) in acc.iter_mut().enumerate() {
                let q = b.q[(q0 + qi) * h + col + d] * scale;
                for (a, &k) in acc.iter_mut().zip(k) {
                    *a += q * k;
                }
            }
        }
        for (qi, acc) in acc.iter().enumerate() {
            b.probs[qi * padded + j0..qi * padded + j0 + 16].copy_from_slice(acc);
        }
    }
}

/// The context of `Q` queries whose probabilities start at query slot `k` of
/// `b.probs`: `Σ_j p_j · v_j` over the window's `t` values of the head at column
/// `col`, in order of `j`, in registers; the first query's output row is `row`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn context<const HD: usize, const Q: usize>(
    b: &mut Buffers,
    k: usize,
    padded: usize,
    t: usize,
    row: usize,
    first: usize,
    h: usize,
    col: usize,
) {
    let mut acc = [[0f32; HD]; Q];
    for j in 0..t {
        let at = (first + j) * h + col;
        let vj: &[f32; HD] = b.v[at..at + HD].try_into().expect("a head of values");
        for (qi, acc) in acc.iter_mut().enumerate() {
            let p = b.probs[(k + qi) * padded + j];
            for (a, &v) in acc.iter_mut().zip(vj) {
                *a += p * v;
            }
        }
    }
    for (qi, acc) in acc.iter().enumerate() {
        b.ctx[row + qi * h..row + qi * h + HD].copy_from_slice(acc);
    }
}

/// The largest value (max is exact in any order, so lanes give the same result).
#[inline(always)]
fn lanes_max(x: &[f32]) -> f32 {
    let mut lanes = [f32::MIN; 8];
    let mut chunks = x.chunks_exact(8);
    for c in &mut chunks {
        for (m, &v) in lanes.iter_mut().zip(c) {
            *m = m.max(v);
        }
    }
    let tail = chunks.remainder().iter().fold(f32::MIN, |m, &v| m.max(v));
    lanes.iter().fold(tail, |m, &v| m.max(v))
}

/// The sum of `f(x)` over `x`, in sixteen interleaved partial sums added pairwise at the
/// end: a fixed order (the same result on every processor) that vectorises.
#[inline(always)]
fn lanes_sum(x: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut lanes = [0f32; 16];
    let mut chunks = x.chunks_exact(16);
    for c in &mut chunks {
        for (s, &v) in lanes.iter_mut().zip(c) {
            *s += f(v);
        }
    }
    for (s, &v) in lanes.iter_mut().zip(chunks.remainder()) {
        *s += f(v);
    }
    let mut n = 16;
    while n > 1 {
        n /= 2;
        for i in 0..n {
            lanes[i] += lanes[i + n];
        }
    }
    lanes[0]
}

#[inline(always)]
/// `x = layer_norm(x + y)` row by row (or of `x` alone).
fn layer_norm(
    x: &mut [f32],
    y: Option<&[f32]>,
    (w, bias): &(Vec<f32>, Vec<f32>),
    h: usize,
    eps: f32,
) {
    for (t, r) in x.chunks_exact_mut(h).enumerate() {
        if let Some(y) = y {
            for (r, y) in r.iter_mut().zip(&y[t * h..(t + 1) * h]) {
                *r += y;
            }
        }
        let mean = lanes_sum(r, |v| v) / h as f32;
        let var = lanes_sum(r, |v| (v - mean) * (v - mean)) / h as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((r, w), b) in r.iter_mut().zip(w).zip(bias) {
            *r = (*r - mean) * inv * w + b;
        }
    }
}

/// GELU, `x · Φ(x)`, with the normal distribution function `Φ` read from a table
/// (linear interpolation, steps of 1/256 over ±8; error below 5e-7, far under the
/// 8-bit quantisation the result goes through next).
#[inline(always)]
fn gelu(x: f32, table: &[f32; GELU_POINTS]) -> f32 {
    // Without branches (so that it vectorises, with gathers): the index is clamped into
    // the table and the ends are chosen after.
    const LAST: f32 = (GELU_POINTS - 1) as f32;
    let at = (x + GELU_RANGE) * GELU_STEPS;
    let clamped = at.clamp(0.0, LAST - 1.0);
    let i = clamped as usize;
    let f = clamped - i as f32;
    let (lo, hi) = (table[i], table[(i + 1).min(GELU_POINTS - 1)]);
    let v = x * (lo + f * (hi - lo));
    let v = if at >= LAST { x } else { v };
    if at <= 0.0 {
        0.0
    } else {
        v
    }
}

/// [`gelu`] of every value of `x`, eight at a time with AVX2 gathers where the
/// processor has them (the same operations, so the same floats).
#[inline(always)]
fn gelu_all(x: &mut [f32], table: &[f32]) {
    let table: &[f32; GELU_POINTS] = table
        .try_into()
        .expect("the GELU table has GELU_POINTS values");
    #[cfg(target_arch = "x86_64")]
    {
        if super::quant::avx2() {
            // SAFETY: the processor supports AVX2 and FMA (checked just above).
            unsafe { gelu_avx2(x, table) };
            return;
        }
    }
    x.iter_mut().for_each(|v| *v = gelu(*v, table));
}

/// [`gelu`] eight values at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn gelu_avx2(x: &mut [f32], table: &[f32; GELU_POINTS]) {
    use std::arch::x86_64::*;
    const LAST: f32 = (GELU_POINTS - 1) as f32;
    let mut chunks = x.chunks_exact_mut(8);
    for c in &mut chunks {
        // SAFETY: `c` has 8 floats; the gathered indices are clamped to
        // 0..=GELU_POINTS - 2 (and + 1), inside `table`.
        unsafe {
            let xv = _mm256_loadu_ps(c.as_ptr());
            let at = _mm256_mul_ps(
                _mm256_add_ps(xv, _mm256_set1_ps(GELU_RANGE)),
                _mm256_set1_ps(GELU_STEPS),
            );
            // As `f32::clamp`: max with the low end, then min with the high end.
            let clamped = _mm256_min_ps(
                _mm256_max_ps(at, _mm256_setzero_ps()),
                _mm256_set1_ps(LAST - 1.0),
            );
            let i = _mm256_cvttps_epi32(clamped);
            let f = _mm256_sub_ps(clamped, _mm256_cvtepi32_ps(i));
            let lo = _mm256_i32gather_ps::<4>(table.as_ptr(), i);
            let hi =
                _mm256_i32gather_ps::<4>(table.as_ptr(), _mm256_add_epi32(i, _mm256_set1_epi32(1)));
            let v = _mm256_mul_ps(
                xv,
                _mm256_add_ps(lo, _mm256_mul_ps(f, _mm256_sub_ps(hi, lo))),
            );
            let v = _mm256_blendv_ps(v, xv, _mm256_cmp_ps::<_CMP_GE_OQ>(at, _mm256_set1_ps(LAST)));
            let v = _mm256_blendv_ps(
                v,
                _mm256_setzero_ps(),
                _mm256_cmp_ps::<_CMP_LE_OQ>(at, _mm256_setzero_ps()),
            );
            _mm256_storeu_ps(c.as_mut_ptr(), v);
        }
    }
    for v in chunks.into_remainder() {
        *v = gelu(*v, table);
    }
}

/// Points of the GELU table.
const GELU_POINTS: usize = (2.0 * GELU_RANGE * GELU_STEPS) as usize + 1;
const GELU_RANGE: f32 = 8.0;
const GELU_STEPS: f32 = 256.0;

/// `Φ` at every table point, from the exact error function in f64.
fn gelu_table() -> Vec<f32> {
    (0..GELU_POINTS)
        .map(|i| {
            let x = i as f64 / GELU_STEPS as f64 - GELU_RANGE as f64;
            (0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2))) as f32
        })
        .collect()
}

// The packed weight cache (`super::packed`): the network as `Network::new` builds it.
impl Network {
    /// Write the network as [`Network::new`] built it, for the packed cache. A field
    /// added to `Network` or `Layer` goes here and in `from_parts` (the cache's
    /// fingerprint covers this file, so caches written by other code are rebuilt).
    pub(crate) fn write_parts<W: std::io::Write>(
        &self,
        out: &mut super::packed::Writer<W>,
    ) -> std::io::Result<()> {
        let s = &self.shape;
        let dims = [
            s.hidden,
            s.layers,
            s.heads,
            s.ff,
            s.vocab,
            s.positions,
            s.token_types,
        ];
        out.u64s(&dims.map(|d| d as u64))?;
        out.f32s(&[s.eps])?;
        self.tokenizer.write_parts(out)?;
        out.bytes(&self.words)?;
        out.f32s(&self.positions)?;
        out.f32s(&self.token_type)?;
        out.f32s(&self.embed_norm.0)?;
        out.f32s(&self.embed_norm.1)?;
        for l in &self.layers {
            for m in [&l.q, &l.k, &l.v, &l.attn_out, &l.ff_in, &l.ff_out] {
                m.write_parts(out)?;
            }
            for v in [&l.attn_norm.0, &l.attn_norm.1, &l.out_norm.0, &l.out_norm.1] {
                out.f32s(v)?;
            }
        }
        Ok(())
    }

    /// The network `write_parts` wrote: the word embeddings and the tokenizer's tables
    /// stay in the mapped cache, the rest is copied out; every size the forward pass
    /// relies on is checked against the shape.
    pub(crate) fn from_parts(r: &mut super::packed::Reader) -> Result<Self> {
        let [hidden, layers, heads, ff, vocab, positions, token_types] = r.usizes::<7>()?;
        let eps = *r.f32s()?.first().ok_or_else(|| r.bad("shape"))?;
        let s = Shape {
            hidden,
            layers,
            heads,
            ff,
            vocab,
            positions,
            token_types,
            eps,
        };
        let (h, bad) = (hidden, |what: &str| r.bad(what));
        if h == 0
            || heads == 0
            || !h.is_multiple_of(heads)
            || !h.is_multiple_of(QK)
            || ff == 0
            || !ff.is_multiple_of(QK)
            || layers == 0
            || layers > 256
            || vocab == 0
            || positions < 3
            || !(eps.is_finite() && eps > 0.0)
        {
            return Err(bad("shape"));
        }
        let tokenizer = Tokenizer::from_parts(r)?;
        let words = r.bytes()?;
        let vector = |r: &mut super::packed::Reader, n: usize| -> Result<Vec<f32>> {
            let v = r.f32s()?;
            if v.len() != n {
                return Err(r.bad("a vector's length"));
            }
            Ok(v.to_vec())
        };
        let positions_table = vector(r, positions.checked_mul(h).ok_or_else(|| r.bad("shape"))?)?;
        let token_type = vector(r, h)?;
        let embed_norm = (vector(r, h)?, vector(r, h)?);
        let matrix = |r: &mut super::packed::Reader, rows: usize, cols: usize| {
            let m = QMatrix::from_parts(r)?;
            if (m.rows, m.cols) != (rows, cols) {
                return Err(r.bad("a matrix's shape"));
            }
            Ok(m)
        };
        let mut all = Vec::with_capacity(layers);
        for _ in 0..layers {
            let (q, k, v, attn_out) = (
                matrix(r, h, h)?,
                matrix(r, h, h)?,
                matrix(r, h, h)?,
                matrix(r, h, h)?,
            );
            let (ff_in, ff_out) = (matrix(r, ff, h)?, matrix(r, h, ff)?);
            all.push(Layer {
                q,
                k,
                v,
                attn_out,
                ff_in,
                ff_out,
                attn_norm: (vector(r, h)?, vector(r, h)?),
                out_norm: (vector(r, h)?, vector(r, h)?),
            });
        }
        let row_bytes = h / QK * super::weights::Q4_BLOCK_BYTES;
        if vocab.checked_mul(row_bytes) != Some(words.len())
            || tokenizer.bos as usize >= vocab
            || tokenizer.eos as usize >= vocab
            || tokenizer.max_tokens() != MAX_WINDOWS.saturating_mul(positions - 2)
        {
            return Err(r.bad("word embeddings or tokenizer"));
        }
        Ok(Network {
            shape: s,
            tokenizer,
            words,
            positions: positions_table,
            token_type,
            embed_norm,
            layers: all,
            gelu: gelu_table(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gelu_all_gives_the_scalar_floats_and_ends() {
        let table = gelu_table();
        let t: &[f32; GELU_POINTS] = table.as_slice().try_into().unwrap();
        let mut x: Vec<f32> = (0..5000).map(|i| (i as f32 - 2500.0) / 250.0).collect();
        x.extend([
            -8.0, 8.0, -7.999, 7.999, 0.0, -0.0, 1e-9, -1e-9, 100.0, -100.0, 8.001,
        ]);
        let want: Vec<u32> = x.iter().map(|&v| gelu(v, t).to_bits()).collect();
        let mut got = x.clone();
        gelu_all(&mut got, &table);
        assert_eq!(got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), want);
        assert_eq!(gelu(100.0, t), 100.0);
        assert_eq!(gelu(-100.0, t), 0.0);
        for &v in &x {
            let exact = v as f64 * 0.5 * (1.0 + libm::erf(v as f64 / std::f64::consts::SQRT_2));
            assert!(
                (gelu(v, t) as f64 - exact).abs() < 1e-5 * (1.0 + v.abs() as f64),
                "{v}"
            );
        }
    }

    #[test]
    fn lane_sums_and_maxima_cover_every_value() {
        let x: Vec<f32> = (0..37).map(|i| i as f32).collect();
        assert_eq!(lanes_sum(&x, |v| v), 666.0);
        assert_eq!(lanes_sum(&x[..5], |v| v * v), 30.0);
        assert_eq!(lanes_max(&x), 36.0);
        assert_eq!(lanes_max(&x[..3]), 2.0);
    }
}
