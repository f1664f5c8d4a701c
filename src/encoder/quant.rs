//! 4-bit weights times 8-bit activations: the encoder's matrix products.
//!
//! Weights are kept as the file stores them, 4-bit values with one scale per block of
//! 32, but unpacked at load into one byte per weight (0..=15, the stored value plus 8)
//! so the inner loop needs no bit twiddling. Activations are quantised per token and
//! block to 8 bits (scale = largest magnitude / 127, rounded to nearest, ties to even)
//! with the block's integer sum kept; then each output is
//! `bias + Σ_blocks scale_w · scale_a · (⟨w, a⟩ − 8 · Σ a)`, exactly the arithmetic of
//! the reference engine, so embeddings agree to rounding. The integer dot products use
//! AVX2 when the processor has it (checked once at run time) and plain Rust otherwise;
//! both give the same integers.

use super::weights::{f16_to_f32, RawTensor, QK};

/// A weight matrix `[rows, cols]`, unpacked, with its bias.
#[derive(Debug)]
pub struct QMatrix {
    /// Output size.
    pub rows: usize,
    /// Input size (a multiple of [`QK`]).
    pub cols: usize,
    /// `rows × cols` values 0..=15.
    w: Vec<u8>,
    /// `rows × cols / QK` block scales.
    scale: Vec<f32>,
    bias: Vec<f32>,
}

impl QMatrix {
    /// Unpack a stored 4-bit tensor of `rows × cols` weights with its bias.
    pub fn new(t: RawTensor<'_>, rows: usize, cols: usize, bias: Vec<f32>) -> Self {
        let (w, scale) = unpack(t.bytes, rows * cols);
        QMatrix {
            rows,
            cols,
            w,
            scale,
            bias,
        }
    }
}

impl QMatrix {
    /// Whether every block scale and bias is finite (a damaged file can hold an f16
    /// infinity or NaN, which would make every embedding NaN).
    pub fn is_finite(&self) -> bool {
        self.scale.iter().chain(&self.bias).all(|x| x.is_finite())
    }
}

/// Whether every block scale of stored 4-bit rows is finite.
pub fn scales_finite(bytes: &[u8]) -> bool {
    bytes
        .chunks_exact(2 + QK / 2)
        .all(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]])).is_finite())
}

/// Unpack `n` 4-bit weights: values 0..=15 and one scale per block.
pub fn unpack(bytes: &[u8], n: usize) -> (Vec<u8>, Vec<f32>) {
    let mut w = Vec::with_capacity(n);
    let mut scale = Vec::with_capacity(n / QK);
    for block in bytes.chunks_exact(2 + QK / 2).take(n / QK) {
        scale.push(f16_to_f32(u16::from_le_bytes([block[0], block[1]])));
        let qs = &block[2..];
        w.extend(qs.iter().map(|b| b & 0x0f));
        w.extend(qs.iter().map(|b| b >> 4));
    }
    (w, scale)
}

/// Dequantise one stored row of `cols` 4-bit weights into `out`.
pub fn dequantise_row(bytes: &[u8], out: &mut [f32]) {
    for (block, o) in bytes.chunks_exact(2 + QK / 2).zip(out.chunks_exact_mut(QK)) {
        let d = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
        for (j, b) in block[2..].iter().enumerate() {
            o[j] = ((b & 0x0f) as i32 - 8) as f32 * d;
            o[j + QK / 2] = ((b >> 4) as i32 - 8) as f32 * d;
        }
    }
}

/// Activations quantised to 8 bits: `tokens × cols` values, and per token and block a
/// scale and the sum of the block's values.
#[derive(Debug, Default)]
pub struct QActs {
    q: Vec<i8>,
    scale: Vec<f32>,
    sum: Vec<i32>,
    cols: usize,
}

impl QActs {
    /// Quantise `x`, `tokens × cols` row-major.
    #[inline(always)]
    pub fn quantise(&mut self, x: &[f32], cols: usize) {
        let blocks = x.len() / QK;
        self.cols = cols;
        self.q.resize(x.len(), 0);
        self.scale.resize(blocks, 0.0);
        self.sum.resize(blocks, 0);
        for (b, (xs, qs)) in x
            .chunks_exact(QK)
            .zip(self.q.chunks_exact_mut(QK))
            .enumerate()
        {
            let amax = xs.iter().fold(0f32, |m, v| m.max(v.abs()));
            let d = amax / 127.0;
            let id = if d > 0.0 { 1.0 / d } else { 0.0 };
            let mut sum = 0i32;
            for (q, &v) in qs.iter_mut().zip(xs) {
                let r = (round_even(v * id) as i32).clamp(-128, 127);
                *q = r as i8;
                sum += r;
            }
            self.scale[b] = d;
            self.sum[b] = sum;
        }
    }
}

/// Round to the nearest integer, ties to even, for |v| < 2^22 (activations are within
/// ±128 here): adding and removing 1.5 · 2^23 leaves no fraction bits, and the default
/// rounding mode rounds ties to even. Unlike `f32::round_ties_even` this needs no call
/// into the C library on processors without SSE4.1, and it vectorises.
#[inline(always)]
fn round_even(v: f32) -> f32 {
    const MAGIC: f32 = 12_582_912.0;
    (v + MAGIC) - MAGIC
}

/// `y[t, o] = bias[o] + Σ_k w[o, k] · x[t, k]` for every token `t` of `a`, with `y`
/// `tokens × rows` row-major.
pub fn matmul(m: &QMatrix, a: &QActs, y: &mut [f32]) {
    debug_assert_eq!(a.cols, m.cols);
    let tokens = a.q.len() / m.cols;
    debug_assert_eq!(y.len(), tokens * m.rows);
    #[cfg(target_arch = "x86_64")]
    {
        match kernel() {
            Kernel::Vnni => {
                // SAFETY: the processor supports AVX2, FMA and AVX-VNNI (checked once).
                unsafe { x86::matmul_vnni(m, a, y, tokens) };
                return;
            }
            Kernel::Avx2 => {
                // SAFETY: the processor supports AVX2 and FMA (checked once).
                unsafe { x86::matmul_avx2(m, a, y, tokens) };
                return;
            }
            Kernel::Portable => {}
        }
    }
    matmul_portable(m, a, y, tokens);
}

/// Which matrix kernel runs on this processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// AVX2 and FMA with AVX-VNNI byte dot products.
    Vnni,
    /// AVX2 and FMA.
    Avx2,
    /// Plain Rust.
    Portable,
}

/// The kernel for this processor, chosen once. `FACTOP_KERNEL=avx2|portable` asks for
/// a lesser one (for testing and measuring; the AVX kernels give identical results).
pub fn kernel() -> Kernel {
    use std::sync::OnceLock;
    static K: OnceLock<Kernel> = OnceLock::new();
    *K.get_or_init(|| {
        let asked = std::env::var("FACTOP_KERNEL").unwrap_or_default();
        #[cfg(target_arch = "x86_64")]
        {
            let avx2 = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma");
            let vnni = avx2 && is_x86_feature_detected!("avxvnni");
            match asked.as_str() {
                "portable" => Kernel::Portable,
                "avx2" if avx2 => Kernel::Avx2,
                _ if vnni => Kernel::Vnni,
                _ if avx2 => Kernel::Avx2,
                _ => Kernel::Portable,
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = asked;
            Kernel::Portable
        }
    })
}

/// Whether an AVX2 kernel runs (AVX2 and FMA present).
pub fn avx2() -> bool {
    kernel() != Kernel::Portable
}

/// The kernel in plain Rust.
pub fn matmul_portable(m: &QMatrix, a: &QActs, y: &mut [f32], tokens: usize) {
    let nb = m.cols / QK;
    for o in 0..m.rows {
        let w = &m.w[o * m.cols..(o + 1) * m.cols];
        let ws = &m.scale[o * nb..(o + 1) * nb];
        for t in 0..tokens {
            let x = &a.q[t * m.cols..(t + 1) * m.cols];
            let mut acc = 0f32;
            for b in 0..nb {
                let dot: i32 = w[b * QK..(b + 1) * QK]
                    .iter()
                    .zip(&x[b * QK..(b + 1) * QK])
                    .map(|(&w, &x)| w as i32 * x as i32)
                    .sum();
                acc += ws[b] * a.scale[t * nb + b] * (dot - 8 * a.sum[t * nb + b]) as f32;
            }
            y[t * m.rows + o] = m.bias[o] + acc;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{QActs, QMatrix, QK};
    use std::arch::x86_64::*;

    /// Output rows computed together, so each activation block is loaded once per group.
    const GROUP: usize = 4;

    #[target_feature(enable = "avx2,fma")]
    #[inline]
    fn hsum(v: __m256) -> f32 {
        let lo = _mm256_castps256_ps128(v);
        let hi = _mm256_extractf128_ps(v, 1);
        let s = _mm_add_ps(lo, hi);
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
        _mm_cvtss_f32(s)
    }

    /// The dot products of four bytes of `w` (unsigned) with four of `a` (signed) in
    /// each 32-bit lane, with AVX2: the 16-bit pair sums cannot saturate, as the
    /// weights are 4-bit.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    fn dot_avx2(w: __m256i, a: __m256i) -> __m256i {
        _mm256_madd_epi16(_mm256_maddubs_epi16(w, a), _mm256_set1_epi16(1))
    }

    /// [`dot_avx2`] in one AVX-VNNI instruction: the same integers.
    #[target_feature(enable = "avx2,fma,avxvnni")]
    #[inline]
    fn dot_vnni(w: __m256i, a: __m256i) -> __m256i {
        _mm256_dpbusd_avx_epi32(_mm256_setzero_si256(), w, a)
    }

    fn check(m: &QMatrix, a: &QActs, y: &[f32], tokens: usize) {
        let nb = m.cols / QK;
        assert!(m.w.len() >= m.rows * m.cols && m.scale.len() >= m.rows * nb);
        assert!(a.q.len() >= tokens * m.cols && a.scale.len() >= tokens * nb);
        assert!(a.sum.len() >= tokens * nb && y.len() >= tokens * m.rows);
    }

    /// One kernel: `matmul` and its row loop compiled for `$features`, with the byte
    /// dot product `$dot`. Each output is summed in the same order in every kernel
    /// and whatever the grouping, so all give the same floats.
    macro_rules! kernel {
        ($(#[$doc:meta])* $matmul:ident, $rows:ident, $features:literal, $dot:ident) => {
            $(#[$doc])*
            #[target_feature(enable = $features)]
            pub(super) fn $matmul(m: &QMatrix, a: &QActs, y: &mut [f32], tokens: usize) {
                check(m, a, y, tokens);
                let mut o0 = 0;
                while o0 + GROUP <= m.rows {
                    $rows::<GROUP>(m, a, y, tokens, o0);
                    o0 += GROUP;
                }
                while o0 < m.rows {
                    $rows::<1>(m, a, y, tokens, o0);
                    o0 += 1;
                }
            }

            /// Outputs `o0..o0 + G` for every token, two tokens at a time (each
            /// weight block loaded once for both).
            #[target_feature(enable = $features)]
            #[inline]
            #[allow(clippy::needless_range_loop)] // r indexes several arrays in step
            fn $rows<const G: usize>(
                m: &QMatrix,
                a: &QActs,
                y: &mut [f32],
                tokens: usize,
                o0: usize,
            ) {
                let (cols, nb) = (m.cols, m.cols / QK);
                // Every read through a pointer below is inside `m.w`, `m.scale` or
                // `a.q`: it is in rows o0..o0 + G of the weights or rows t, t1 < tokens
                // of the activations, at a block b < cols / QK, and these sizes hold.
                check(m, a, y, tokens);
                assert!(o0 + G <= m.rows);
                let w = m.w.as_ptr().wrapping_add(o0 * cols);
                let ws = m.scale.as_ptr().wrapping_add(o0 * nb);
                let mut t = 0;
                while t < tokens {
                    let pair = t + 1 < tokens;
                    let t1 = if pair { t + 1 } else { t };
                    let (x0, x1) = (a.q.as_ptr().wrapping_add(t * cols), a.q.as_ptr().wrapping_add(t1 * cols));
                    let (s0, s1) = (&a.scale[t * nb..(t + 1) * nb], &a.scale[t1 * nb..(t1 + 1) * nb]);
                    let mut acc0 = [_mm256_setzero_ps(); G];
                    let mut acc1 = [_mm256_setzero_ps(); G];
                    for b in 0..nb {
                        // SAFETY: block b of token t's activations (see above); an
                        // unaligned load has no alignment requirement.
                        let av0 = unsafe { _mm256_loadu_si256(x0.wrapping_add(b * QK).cast()) };
                        // SAFETY: the same for token t1.
                        let av1 = unsafe { _mm256_loadu_si256(x1.wrapping_add(b * QK).cast()) };
                        let (da0, da1) = (s0[b], s1[b]);
                        for r in 0..G {
                            // SAFETY: block b of weight row o0 + r (see above).
                            let wv = unsafe {
                                _mm256_loadu_si256(w.wrapping_add(r * cols + b * QK).cast())
                            };
                            // SAFETY: the scale of block b of weight row o0 + r, inside
                            // `m.scale` (see above).
                            let dw = unsafe { ws.wrapping_add(r * nb + b).read() };
                            let p0 = _mm256_cvtepi32_ps($dot(wv, av0));
                            let p1 = _mm256_cvtepi32_ps($dot(wv, av1));
                            acc0[r] = _mm256_fmadd_ps(p0, _mm256_set1_ps(dw * da0), acc0[r]);
                            acc1[r] = _mm256_fmadd_ps(p1, _mm256_set1_ps(dw * da1), acc1[r]);
                        }
                    }
                    for (tt, acc) in [(t, &acc0), (t1, &acc1)]
                        .into_iter()
                        .take(1 + pair as usize)
                    {
                        let xs = &a.scale[tt * nb..(tt + 1) * nb];
                        let xsum = &a.sum[tt * nb..(tt + 1) * nb];
                        for r in 0..G {
                            // The −8 offset of the stored weights: Σ_b scale_w · scale_a · Σ a.
                            let mut corr = 0f32;
                            for b in 0..nb {
                                // SAFETY: as `dw` above.
                                let dw = unsafe { ws.wrapping_add(r * nb + b).read() };
                                corr += dw * xs[b] * xsum[b] as f32;
                            }
                            y[tt * m.rows + o0 + r] = m.bias[o0 + r] + hsum(acc[r]) - 8.0 * corr;
                        }
                    }
                    t += 2;
                }
            }
        };
    }

    kernel!(
        /// The kernel with AVX2 and FMA (callable only where both are present).
        matmul_avx2,
        rows_avx2,
        "avx2,fma",
        dot_avx2
    );

    kernel!(
        /// [`matmul_avx2`] with the AVX-VNNI byte dot product, which gives the same
        /// integers in one instruction instead of two (so the same floats).
        matmul_vnni,
        rows_vnni,
        "avx2,fma,avxvnni",
        dot_vnni
    );
}

// The packed weight cache (`super::packed`): a matrix as `QMatrix::new` builds it.
impl QMatrix {
    /// Write the matrix as [`QMatrix::new`] built it, for the packed cache. A field
    /// added to `QMatrix` goes here and in `from_parts` (the cache's fingerprint covers
    /// this file, so caches written by other code are rebuilt, never misread).
    pub(crate) fn write_parts<W: std::io::Write>(
        &self,
        out: &mut super::packed::Writer<W>,
    ) -> std::io::Result<()> {
        out.u64s(&[self.rows as u64, self.cols as u64])?;
        out.bytes(&self.w)?;
        out.f32s(&self.scale)?;
        out.f32s(&self.bias)
    }

    /// The matrix `write_parts` wrote, its sizes checked against each other (the
    /// values were checked when the cache was written, and its checksum since).
    pub(crate) fn from_parts(r: &mut super::packed::Reader) -> crate::error::Result<Self> {
        let [rows, cols] = r.usizes::<2>()?;
        let (w, scale, bias) = (r.bytes()?, r.f32s()?, r.f32s()?);
        if !cols.is_multiple_of(QK)
            || rows.checked_mul(cols) != Some(w.len())
            || scale.len() != w.len() / QK
            || bias.len() != rows
        {
            return Err(r.bad("matrix sizes"));
        }
        Ok(QMatrix {
            rows,
            cols,
            w: w.to_vec(),
            scale: scale.to_vec(),
            bias: bias.to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn kernels_agree_and_match_dequantised_arithmetic() {
        let (rows, cols, tokens) = (10, 96, 7);
        let mut seed = 7;
        let mut stored = Vec::new();
        for _ in 0..rows * cols / QK {
            let d: u16 = 0x2000 + (lcg(&mut seed) % 0x1000) as u16; // small positive halves
            stored.extend_from_slice(&d.to_le_bytes());
            stored.extend((0..QK / 2).map(|_| lcg(&mut seed) as u8));
        }
        let t = RawTensor {
            len: rows * cols,
            bytes: &stored,
            quantised: true,
        };
        let bias: Vec<f32> = (0..rows).map(|i| i as f32 * 0.25 - 1.0).collect();
        let m = QMatrix::new(t, rows, cols, bias.clone());
        let x: Vec<f32> = (0..tokens * cols)
            .map(|_| (lcg(&mut seed) % 2001) as f32 / 1000.0 - 1.0)
            .collect();
        let mut a = QActs::default();
        a.quantise(&x, cols);
        let mut fast = vec![0f32; tokens * rows];
        let mut slow = vec![0f32; tokens * rows];
        matmul(&m, &a, &mut fast);
        matmul_portable(&m, &a, &mut slow, tokens);
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // The VNNI kernel computes the same integers, so the same floats, as AVX2.
            let mut avx2 = vec![0f32; tokens * rows];
            // SAFETY: AVX2 and FMA are present (checked just above).
            unsafe { x86::matmul_avx2(&m, &a, &mut avx2, tokens) };
            if is_x86_feature_detected!("avxvnni") {
                let mut vnni = vec![0f32; tokens * rows];
                // SAFETY: AVX-VNNI is present too.
                unsafe { x86::matmul_vnni(&m, &a, &mut vnni, tokens) };
                assert_eq!(avx2, vnni);
            }
            assert_eq!(avx2, fast);
        }
        // The same products from dequantised weights and activations, in f64.
        let mut wrow = vec![0f32; cols];
        let row_bytes = cols / QK * (2 + QK / 2);
        for o in 0..rows {
            dequantise_row(&stored[o * row_bytes..(o + 1) * row_bytes], &mut wrow);
            for tk in 0..tokens {
                let mut want = bias[o] as f64;
                for k in 0..cols {
                    let xa = a.q[tk * cols + k] as f64 * a.scale[(tk * cols + k) / QK] as f64;
                    want += wrow[k] as f64 * xa;
                }
                for got in [fast[tk * rows + o], slow[tk * rows + o]] {
                    assert!(
                        (got as f64 - want).abs() <= 1e-4 * (1.0 + want.abs()),
                        "{got} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn activation_quantisation_rounds_ties_to_even_and_keeps_sums() {
        let mut x = vec![0f32; QK];
        x[0] = 127.0;
        x[1] = 0.5;
        x[2] = 1.5;
        x[3] = -2.5;
        let mut a = QActs::default();
        a.quantise(&x, QK);
        assert_eq!(&a.q[..4], &[127, 0, 2, -2]);
        assert_eq!(a.sum[0], 127);
        assert_eq!(a.scale[0], 1.0);
        a.quantise(&[0.0; QK], QK);
        assert!(a.q.iter().all(|&q| q == 0));
    }
}
