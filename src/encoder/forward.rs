//! The e5-small transformer: BERT-style embeddings, 12 post-norm layers of self
//! attention and GELU feed-forward, mean pooling over every token (`<s>` and `</s>`
//! included) and L2 normalisation, with the 4-bit products of [`super::quant`].
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
use crate::error::Result;

/// The most windows one text is run as. The tokens after them are not read: a longer
/// text is embedded as its first `MAX_WINDOWS × (positions − 2)` tokens.
pub const MAX_WINDOWS: usize = 2;

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
        self.embed_chars("query: ".chars().chain(text.chars()), buf, out);
    }

    /// The L2-normalised embedding of `text` as given (no prefix added).
    pub fn embed(&self, text: &str, buf: &mut Buffers, out: &mut [f32]) {
        self.embed_chars(text.chars(), buf, out);
    }

    /// The L2-normalised embedding of the text made of `chars`.
    fn embed_chars(&self, chars: impl Iterator<Item = char>, buf: &mut Buffers, out: &mut [f32]) {
        let h = self.shape.hidden;
        let mut content = std::mem::take(&mut buf.content);
        self.tokenizer
            .encode_chars(chars, &mut buf.tokens, &mut content);
        let window = self.shape.positions - 2;
        out[..h].fill(0.0);
        let mut total = 0f64;
        let mut mean = std::mem::take(&mut buf.mean);
        mean.resize(h, 0.0);
        // An empty text still runs once, as `<s> </s>`.
        let empty: &[u32] = &[];
        let chunks = content
            .chunks(window)
            .chain(content.is_empty().then_some(empty));
        for chunk in chunks {
            let mut ids = std::mem::take(&mut buf.ids);
            ids.clear();
            ids.push(self.tokenizer.bos);
            ids.extend_from_slice(chunk);
            ids.push(self.tokenizer.eos);
            self.forward(&ids, buf, &mut mean);
            buf.ids = ids;
            let weight = chunk.len().max(1) as f32;
            for (o, m) in out.iter_mut().zip(&mean) {
                *o += weight * m;
            }
            total += weight as f64;
        }
        buf.content = content;
        buf.mean = mean;
        let inv = (1.0 / total) as f32;
        let mut norm = 0f32;
        for o in out[..h].iter_mut() {
            *o *= inv;
            norm += *o * *o;
        }
        let scale = 1.0 / norm.max(1e-12).sqrt();
        out[..h].iter_mut().for_each(|o| *o *= scale);
    }

    /// Run the network over one window `ids` (with `<s>` and `</s>`) and write the
    /// mean of the final hidden states into `mean`.
    fn forward(&self, ids: &[u32], b: &mut Buffers, mean: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        {
            if super::quant::avx2() {
                // SAFETY: the processor supports AVX2 and FMA (checked just above).
                unsafe { self.forward_avx2(ids, b, mean) };
                return;
            }
        }
        self.forward_body(ids, b, mean)
    }

    /// The forward pass compiled for AVX2 and FMA: the loops inlined into it
    /// (attention, layer norms, quantisation) are vectorised for them.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn forward_avx2(&self, ids: &[u32], b: &mut Buffers, mean: &mut [f32]) {
        self.forward_body(ids, b, mean)
    }

    #[inline(always)]
    fn forward_body(&self, ids: &[u32], b: &mut Buffers, mean: &mut [f32]) {
        let s = &self.shape;
        let (h, t) = (s.hidden, ids.len());
        let row_bytes = h / QK * (2 + QK / 2);
        b.x.resize(t * h, 0.0);
        for (p, (&id, x)) in ids.iter().zip(b.x.chunks_exact_mut(h)).enumerate() {
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
        for layer in &self.layers {
            b.acts.quantise(&b.x, h);
            super::quant::matmul(&layer.q, &b.acts, &mut b.q);
            super::quant::matmul(&layer.k, &b.acts, &mut b.k);
            super::quant::matmul(&layer.v, &b.acts, &mut b.v);
            b.probs.resize(t, 0.0);
            for i in 0..t {
                for hh in 0..heads {
                    let qi = &b.q[i * h + hh * hd..i * h + (hh + 1) * hd];
                    let mut max = f32::MIN;
                    for j in 0..t {
                        let kj = &b.k[j * h + hh * hd..j * h + (hh + 1) * hd];
                        let d = dot(qi, kj) * scale;
                        b.probs[j] = d;
                        max = max.max(d);
                    }
                    let mut sum = 0f32;
                    for p in b.probs.iter_mut() {
                        *p = (*p - max).exp();
                        sum += *p;
                    }
                    let inv = 1.0 / sum;
                    let c = &mut b.ctx[i * h + hh * hd..i * h + (hh + 1) * hd];
                    c.fill(0.0);
                    for j in 0..t {
                        let p = b.probs[j] * inv;
                        let vj = &b.v[j * h + hh * hd..j * h + (hh + 1) * hd];
                        for (c, v) in c.iter_mut().zip(vj) {
                            *c += p * v;
                        }
                    }
                }
            }
            b.acts.quantise(&b.ctx, h);
            super::quant::matmul(&layer.attn_out, &b.acts, &mut b.tmp);
            layer_norm(&mut b.x, Some(&b.tmp), &layer.attn_norm, h, s.eps);
            b.acts.quantise(&b.x, h);
            super::quant::matmul(&layer.ff_in, &b.acts, &mut b.mid);
            b.mid.iter_mut().for_each(|v| *v = gelu(*v, &self.gelu));
            b.acts.quantise(&b.mid, s.ff);
            super::quant::matmul(&layer.ff_out, &b.acts, &mut b.tmp);
            layer_norm(&mut b.x, Some(&b.tmp), &layer.out_norm, h, s.eps);
        }
        mean.fill(0.0);
        for x in b.x.chunks_exact(h) {
            for (m, v) in mean.iter_mut().zip(x) {
                *m += v;
            }
        }
        let inv = 1.0 / t as f32;
        mean.iter_mut().for_each(|m| *m *= inv);
    }
}

#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
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
        let mean = r.iter().sum::<f32>() / h as f32;
        let var = r.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / h as f32;
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
fn gelu(x: f32, table: &[f32]) -> f32 {
    let at = (x + GELU_RANGE) * GELU_STEPS;
    if at <= 0.0 {
        return 0.0;
    }
    let i = at as usize;
    if i + 1 >= table.len() {
        return x;
    }
    let f = at - i as f32;
    x * (table[i] + f * (table[i + 1] - table[i]))
}

const GELU_RANGE: f32 = 8.0;
const GELU_STEPS: f32 = 256.0;

/// `Φ` at every table point, from the exact error function in f64.
fn gelu_table() -> Vec<f32> {
    let n = (2.0 * GELU_RANGE * GELU_STEPS) as usize + 1;
    (0..n)
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
