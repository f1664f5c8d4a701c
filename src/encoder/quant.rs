//! 4-bit weights times 8-bit activations: the encoder's matrix products.
//!
//! Weights are kept as the file stores them, 4-bit values with one scale per block of
//! 32, but unpacked at load into one byte per weight (0..=15, the stored value plus 8)
//! and rearranged for the processor's byte dot products: sixteen output rows side by
//! side, four consecutive inputs of each (64 bytes), so that one instruction computes
//! sixteen rows' partial dot products with four activations, and each lane of a vector
//! accumulates one row's whole block with no horizontal sums. Activations are
//! quantised per token and block to 8 bits (scale = largest magnitude / 127, rounded to
//! nearest, ties to even) with the block's integer sum kept; then each output is
//!
//! `y = bias + Σ_b (scale_w · scale_a) × (⟨w, a⟩ − 8 · Σ a)`
//!
//! with the integer part exact, each product `scale_w · scale_a` rounded to f32, and
//! the sum over blocks `b` taken in order with fused multiply-adds (`f32::mul_add`).
//! Every kernel (plain Rust, AVX2, AVX-VNNI and AVX-512 VNNI, chosen once at run time)
//! performs exactly these operations in this order, so all give the same floats, bit
//! for bit; a test checks it on every kernel the processor has. The arithmetic is the
//! reference engine's up to the order of the float sums, so embeddings agree to
//! rounding.

use super::weights::{f16_to_f32, RawTensor, QK};

/// Output rows side by side in the rearranged weights.
pub const LANES: usize = 16;

/// A weight matrix `[rows, cols]`, unpacked and rearranged, with its bias.
#[derive(Debug)]
pub struct QMatrix {
    /// Output size.
    pub rows: usize,
    /// Input size (a multiple of [`QK`]).
    pub cols: usize,
    /// Values 0..=15 in groups of [`LANES`] rows: for group `g`, block `b`, quad `k`
    /// (inputs `b·QK + 4k ..+ 4`), row `r` of the group and input `j` of the quad, the
    /// byte at `((g·nb + b)·QK/4 + k)·4·LANES + 4r + j`. Rows past `rows` hold 8
    /// (the stored zero) with scale 0.
    w: Vec<u8>,
    /// Block scales, `[group][block][LANES]`.
    scale: Vec<f32>,
    /// `groups × LANES` biases (0 past `rows`).
    bias: Vec<f32>,
}

impl QMatrix {
    /// Unpack a stored 4-bit tensor of `rows × cols` weights with its bias.
    pub fn new(t: RawTensor<'_>, rows: usize, cols: usize, bias: Vec<f32>) -> Self {
        let (plain, plain_scale) = unpack(t.bytes, rows * cols);
        let nb = cols / QK;
        let groups = rows.div_ceil(LANES);
        let mut w = vec![8u8; groups * nb * QK * LANES];
        let mut scale = vec![0f32; groups * nb * LANES];
        for o in 0..rows.min(plain.len() / cols.max(1)) {
            let (g, r) = (o / LANES, o % LANES);
            for b in 0..nb {
                scale[(g * nb + b) * LANES + r] = plain_scale[o * nb + b];
                for k in 0..QK / 4 {
                    let at = ((g * nb + b) * (QK / 4) + k) * 4 * LANES + 4 * r;
                    let from = o * cols + b * QK + 4 * k;
                    w[at..at + 4].copy_from_slice(&plain[from..from + 4]);
                }
            }
        }
        let mut padded = bias;
        padded.resize(groups * LANES, 0.0);
        QMatrix {
            rows,
            cols,
            w,
            scale,
            bias: padded,
        }
    }

    /// Whether every block scale and bias is finite (a damaged file can hold an f16
    /// infinity or NaN, which would make every embedding NaN).
    pub fn is_finite(&self) -> bool {
        self.scale.iter().chain(&self.bias).all(|x| x.is_finite())
    }

    fn groups(&self) -> usize {
        self.rows.div_ceil(LANES)
    }

    /// Weight `(o, k)` as stored plus 8, and its block scale.
    fn weight(&self, o: usize, k: usize) -> (u8, f32) {
        let nb = self.cols / QK;
        let (g, r, b) = (o / LANES, o % LANES, k / QK);
        let at = ((g * nb + b) * (QK / 4) + (k % QK) / 4) * 4 * LANES + 4 * r + k % 4;
        (self.w[at], self.scale[(g * nb + b) * LANES + r])
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
/// scale and −8 times the sum of the block's values (the offset of the stored
/// weights, with which each block's integer dot product starts).
#[derive(Debug, Default)]
pub struct QActs {
    q: Vec<i8>,
    scale: Vec<f32>,
    offset: Vec<i32>,
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
        self.offset.resize(blocks, 0);
        for (b, (xs, qs)) in x
            .chunks_exact(QK)
            .zip(self.q.chunks_exact_mut(QK))
            .enumerate()
        {
            // The largest magnitude, in lanes so that it vectorises (max is exact in
            // any order).
            let mut lanes = [0f32; 8];
            for c in xs.chunks_exact(8) {
                for (m, v) in lanes.iter_mut().zip(c) {
                    *m = m.max(v.abs());
                }
            }
            let amax = lanes.iter().fold(0f32, |m, &v| m.max(v));
            let d = amax / 127.0;
            let id = if d > 0.0 { 1.0 / d } else { 0.0 };
            let mut sum = 0i32;
            for (q, &v) in qs.iter_mut().zip(xs) {
                let r = round_even(v * id).clamp(-128.0, 127.0) as i32;
                *q = r as i8;
                sum += r;
            }
            self.scale[b] = d;
            self.offset[b] = -8 * sum;
        }
    }

    /// The number of tokens.
    pub fn tokens(&self) -> usize {
        self.q.len().checked_div(self.cols).unwrap_or(0)
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
/// `tokens × rows` row-major, by this processor's kernel.
pub fn matmul(m: &QMatrix, a: &QActs, y: &mut [f32]) {
    matmul_with(kernel(), m, a, y)
}

/// [`matmul`] by `kernel` (the portable one if the processor lacks it).
pub fn matmul_with(kernel: Kernel, m: &QMatrix, a: &QActs, y: &mut [f32]) {
    let tokens = a.tokens();
    assert!(a.cols == m.cols && y.len() >= tokens * m.rows);
    #[cfg(target_arch = "x86_64")]
    {
        match kernel {
            Kernel::Avx512 if kernel.supported() => {
                // SAFETY: the processor supports AVX-512 F, BW and VNNI, AVX2 and FMA.
                unsafe { x86::matmul_avx512(m, a, y, tokens) };
                return;
            }
            Kernel::Vnni if kernel.supported() => {
                // SAFETY: the processor supports AVX2, FMA and AVX-VNNI.
                unsafe { x86::matmul_vnni(m, a, y, tokens) };
                return;
            }
            Kernel::Avx2 if kernel.supported() => {
                // SAFETY: the processor supports AVX2 and FMA.
                unsafe { x86::matmul_avx2(m, a, y, tokens) };
                return;
            }
            _ => {}
        }
    }
    let _ = kernel;
    matmul_portable(m, a, y, tokens);
}

/// Which matrix kernel runs on this processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// AVX-512 F, BW and VNNI: sixteen rows per instruction.
    Avx512,
    /// AVX2 and FMA with AVX-VNNI byte dot products.
    Vnni,
    /// AVX2 and FMA.
    Avx2,
    /// Plain Rust.
    Portable,
}

impl Kernel {
    /// The kernel's name, as `FACTOP_KERNEL` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Avx512 => "avx512",
            Kernel::Vnni => "avxvnni",
            Kernel::Avx2 => "avx2",
            Kernel::Portable => "portable",
        }
    }

    /// Whether this processor can run the kernel.
    pub fn supported(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            let avx2 = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma");
            match self {
                Kernel::Avx512 => {
                    avx2 && is_x86_feature_detected!("avx512f")
                        && is_x86_feature_detected!("avx512bw")
                        && is_x86_feature_detected!("avx512vnni")
                }
                Kernel::Vnni => avx2 && is_x86_feature_detected!("avxvnni"),
                Kernel::Avx2 => avx2,
                Kernel::Portable => true,
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            self == Kernel::Portable
        }
    }

    /// Every kernel this processor can run, best first.
    pub fn available() -> Vec<Kernel> {
        [Kernel::Avx512, Kernel::Vnni, Kernel::Avx2, Kernel::Portable]
            .into_iter()
            .filter(|k| k.supported())
            .collect()
    }
}

/// The kernel for this processor, chosen once: the best available, or the one
/// `FACTOP_KERNEL=avx512|avxvnni|avx2|portable` names if the processor has it (for
/// testing and measuring; every kernel gives identical results).
pub fn kernel() -> Kernel {
    use std::sync::OnceLock;
    static K: OnceLock<Kernel> = OnceLock::new();
    *K.get_or_init(|| {
        let asked = std::env::var("FACTOP_KERNEL").unwrap_or_default();
        let available = Kernel::available();
        available
            .iter()
            .copied()
            .find(|k| k.name() == asked)
            .unwrap_or(available[0])
    })
}

/// Whether an AVX2 kernel runs (AVX2 and FMA present).
pub fn avx2() -> bool {
    kernel() != Kernel::Portable
}

/// The kernel in plain Rust: the definition the others reproduce.
pub fn matmul_portable(m: &QMatrix, a: &QActs, y: &mut [f32], tokens: usize) {
    let nb = m.cols / QK;
    for t in 0..tokens {
        let x = &a.q[t * m.cols..(t + 1) * m.cols];
        for o in 0..m.rows {
            let mut acc = 0f32;
            for b in 0..nb {
                let mut dot = a.offset[t * nb + b];
                let mut dw = 0f32;
                for (k, &xk) in x.iter().enumerate().skip(b * QK).take(QK) {
                    let (w, s) = m.weight(o, k);
                    dot += w as i32 * xk as i32;
                    dw = s;
                }
                acc = (dot as f32).mul_add(dw * a.scale[t * nb + b], acc);
            }
            y[t * m.rows + o] = m.bias[o] + acc;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{QActs, QMatrix, LANES, QK};
    use std::arch::x86_64::*;

    /// Tokens computed together, so each weight vector is loaded once for all of them.
    const TOKENS: usize = 4;

    /// Tokens whose activations stay in cache while every group of rows meets them
    /// (a batch of several sentences is taken this many tokens at a time).
    const CHUNK: usize = 64;

    fn check(m: &QMatrix, a: &QActs, y: &[f32], tokens: usize) {
        let nb = m.cols / QK;
        let g = m.groups();
        assert!(m.cols.is_multiple_of(QK) && a.cols == m.cols);
        assert!(m.w.len() >= g * nb * QK * LANES && m.scale.len() >= g * nb * LANES);
        assert!(m.bias.len() >= g * LANES);
        assert!(a.q.len() >= tokens * m.cols && a.scale.len() >= tokens * nb);
        assert!(a.offset.len() >= tokens * nb && y.len() >= tokens * m.rows);
    }

    /// Store the first `n` of `v`'s lanes at `y[at..]` (all of them when `n` is a
    /// whole vector).
    #[inline(always)]
    fn store(y: &mut [f32], at: usize, v: &[f32], n: usize) {
        y[at..at + n].copy_from_slice(&v[..n]);
    }

    /// The AVX-512 kernel: for each group of sixteen rows and each four tokens, one
    /// 512-bit vector of weights (sixteen rows × four inputs) meets the four tokens'
    /// activations broadcast, in VPDPBUSD.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni,avx2,fma")]
    pub(super) fn matmul_avx512(m: &QMatrix, a: &QActs, y: &mut [f32], tokens: usize) {
        check(m, a, y, tokens);
        let nb = m.cols / QK;
        for chunk in (0..tokens).step_by(CHUNK) {
            let end = (chunk + CHUNK).min(tokens);
            for g in 0..m.groups() {
                let mut t = chunk;
                while t + TOKENS <= end {
                    tile_avx512::<TOKENS>(m, a, y, g, t, nb);
                    t += TOKENS;
                }
                while t < end {
                    tile_avx512::<1>(m, a, y, g, t, nb);
                    t += 1;
                }
            }
        }
    }

    /// Rows `16g..16g + 16` for tokens `t0..t0 + T`.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni,avx2,fma")]
    #[inline]
    fn tile_avx512<const T: usize>(
        m: &QMatrix,
        a: &QActs,
        y: &mut [f32],
        g: usize,
        t0: usize,
        nb: usize,
    ) {
        // Every pointer read below is inside `m.w` (group g < groups, block b < nb,
        // quad k < QK / 4: offsets below groups · nb · QK · LANES) or inside `a.q`
        // (token t0 + i < tokens, input below cols), sizes `check` asserted.
        let w = m.w.as_ptr();
        let x = a.q.as_ptr();
        let mut acc = [_mm512_setzero_ps(); T];
        for b in 0..nb {
            let mut dot = [_mm512_setzero_si512(); T];
            for (i, d) in dot.iter_mut().enumerate() {
                *d = _mm512_set1_epi32(a.offset[(t0 + i) * nb + b]);
            }
            for k in 0..QK / 4 {
                let at = ((g * nb + b) * (QK / 4) + k) * 4 * LANES;
                // SAFETY: 64 bytes of group g, block b, quad k of `m.w` (see above);
                // an unaligned load has no alignment requirement.
                let wv = unsafe { _mm512_loadu_si512(w.wrapping_add(at).cast()) };
                for (i, d) in dot.iter_mut().enumerate() {
                    let from = (t0 + i) * m.cols + b * QK + 4 * k;
                    // SAFETY: four activations of token t0 + i (see above).
                    let four = unsafe { x.wrapping_add(from).cast::<i32>().read_unaligned() };
                    *d = _mm512_dpbusd_epi32(*d, wv, _mm512_set1_epi32(four));
                }
            }
            let sc = &m.scale[(g * nb + b) * LANES..(g * nb + b + 1) * LANES];
            // SAFETY: `sc` has 16 floats.
            let dw = unsafe { _mm512_loadu_ps(sc.as_ptr()) };
            for (i, (acc, d)) in acc.iter_mut().zip(&dot).enumerate() {
                let s = _mm512_mul_ps(dw, _mm512_set1_ps(a.scale[(t0 + i) * nb + b]));
                *acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(*d), s, *acc);
            }
        }
        let bias = &m.bias[g * LANES..(g + 1) * LANES];
        // SAFETY: `bias` has 16 floats.
        let bv = unsafe { _mm512_loadu_ps(bias.as_ptr()) };
        let n = LANES.min(m.rows - g * LANES);
        for (i, acc) in acc.iter().enumerate() {
            let mut out = [0f32; LANES];
            // SAFETY: `out` has 16 floats.
            unsafe { _mm512_storeu_ps(out.as_mut_ptr(), _mm512_add_ps(bv, *acc)) };
            store(y, (t0 + i) * m.rows + g * LANES, &out, n);
        }
    }

    /// The dot products of four bytes of `w` (unsigned) with four of `a` (signed) in
    /// each 32-bit lane, added to `acc`, with AVX2: the 16-bit pair sums cannot
    /// saturate, as the weights are 4-bit.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    fn dot_avx2(acc: __m256i, w: __m256i, a: __m256i) -> __m256i {
        _mm256_add_epi32(
            acc,
            _mm256_madd_epi16(_mm256_maddubs_epi16(w, a), _mm256_set1_epi16(1)),
        )
    }

    /// [`dot_avx2`] in one AVX-VNNI instruction: the same integers.
    #[target_feature(enable = "avx2,fma,avxvnni")]
    #[inline]
    fn dot_vnni(acc: __m256i, w: __m256i, a: __m256i) -> __m256i {
        _mm256_dpbusd_avx_epi32(acc, w, a)
    }

    /// One 256-bit kernel: each group of sixteen rows as two vectors of eight, with
    /// the byte dot product `$dot`.
    macro_rules! kernel256 {
        ($(#[$doc:meta])* $matmul:ident, $tile:ident, $features:literal, $dot:ident) => {
            $(#[$doc])*
            #[target_feature(enable = $features)]
            pub(super) fn $matmul(m: &QMatrix, a: &QActs, y: &mut [f32], tokens: usize) {
                check(m, a, y, tokens);
                let nb = m.cols / QK;
                for chunk in (0..tokens).step_by(CHUNK) {
                    let end = (chunk + CHUNK).min(tokens);
                    for g in 0..m.groups() {
                        let mut t = chunk;
                        while t + 2 <= end {
                            $tile::<2>(m, a, y, g, t, nb);
                            t += 2;
                        }
                        while t < end {
                            $tile::<1>(m, a, y, g, t, nb);
                            t += 1;
                        }
                    }
                }
            }

            /// Rows `16g..16g + 16` for tokens `t0..t0 + T`.
            #[target_feature(enable = $features)]
            #[inline]
            fn $tile<const T: usize>(
                m: &QMatrix,
                a: &QActs,
                y: &mut [f32],
                g: usize,
                t0: usize,
                nb: usize,
            ) {
                // As in `tile_avx512`: every read is inside `m.w` or `a.q`.
                let w = m.w.as_ptr();
                let x = a.q.as_ptr();
                let mut acc = [[_mm256_setzero_ps(); 2]; T];
                for b in 0..nb {
                    let mut dot = [[_mm256_setzero_si256(); 2]; T];
                    for (i, d) in dot.iter_mut().enumerate() {
                        let o = _mm256_set1_epi32(a.offset[(t0 + i) * nb + b]);
                        *d = [o, o];
                    }
                    for k in 0..QK / 4 {
                        let at = ((g * nb + b) * (QK / 4) + k) * 4 * LANES;
                        // SAFETY: 64 bytes of group g, block b, quad k of `m.w`.
                        let lo = unsafe { _mm256_loadu_si256(w.wrapping_add(at).cast()) };
                        // SAFETY: as above.
                        let hi = unsafe { _mm256_loadu_si256(w.wrapping_add(at + 32).cast()) };
                        for (i, d) in dot.iter_mut().enumerate() {
                            let from = (t0 + i) * m.cols + b * QK + 4 * k;
                            // SAFETY: four activations of token t0 + i.
                            let four = unsafe { x.wrapping_add(from).cast::<i32>().read_unaligned() };
                            let av = _mm256_set1_epi32(four);
                            d[0] = $dot(d[0], lo, av);
                            d[1] = $dot(d[1], hi, av);
                        }
                    }
                    let sc = &m.scale[(g * nb + b) * LANES..(g * nb + b + 1) * LANES];
                    // SAFETY: `sc` has 16 floats.
                    let dw = unsafe { [_mm256_loadu_ps(sc.as_ptr()), _mm256_loadu_ps(sc.as_ptr().add(8))] };
                    for (i, (acc, d)) in acc.iter_mut().zip(&dot).enumerate() {
                        let da = _mm256_set1_ps(a.scale[(t0 + i) * nb + b]);
                        for h in 0..2 {
                            let s = _mm256_mul_ps(dw[h], da);
                            acc[h] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(d[h]), s, acc[h]);
                        }
                    }
                }
                let bias = &m.bias[g * LANES..(g + 1) * LANES];
                let n = LANES.min(m.rows - g * LANES);
                for (i, acc) in acc.iter().enumerate() {
                    let mut out = [0f32; LANES];
                    for h in 0..2 {
                        // SAFETY: `bias` and `out` have 16 floats.
                        unsafe {
                            let bv = _mm256_loadu_ps(bias.as_ptr().add(8 * h));
                            _mm256_storeu_ps(out.as_mut_ptr().add(8 * h), _mm256_add_ps(bv, acc[h]));
                        }
                    }
                    store(y, (t0 + i) * m.rows + g * LANES, &out, n);
                }
            }
        };
    }

    kernel256!(
        /// The kernel with AVX2 and FMA (callable only where both are present).
        matmul_avx2,
        tile_avx2,
        "avx2,fma",
        dot_avx2
    );

    kernel256!(
        /// The AVX2 kernel with the AVX-VNNI byte dot product, which gives the same
        /// integers in one instruction instead of three (so the same floats).
        matmul_vnni,
        tile_vnni,
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
        // Rows are stored in whole groups of LANES (padded).
        let padded = rows.div_ceil(LANES).checked_mul(LANES);
        if !cols.is_multiple_of(QK)
            || padded.and_then(|p| p.checked_mul(cols)) != Some(w.len())
            || scale.len() != w.len() / QK
            || Some(bias.len()) != padded
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

    fn random_case(
        rows: usize,
        cols: usize,
        tokens: usize,
        seed: u64,
    ) -> (Vec<u8>, Vec<f32>, QMatrix, QActs) {
        let mut seed = seed;
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
        // Activations with the spread of hidden states: mostly small, some outliers.
        let x: Vec<f32> = (0..tokens * cols)
            .map(|_| {
                let v = (lcg(&mut seed) % 2001) as f32 / 1000.0 - 1.0;
                if lcg(&mut seed).is_multiple_of(50) {
                    v * 40.0
                } else {
                    v
                }
            })
            .collect();
        let mut a = QActs::default();
        a.quantise(&x, cols);
        (stored, bias, m, a)
    }

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn every_kernel_gives_the_portable_floats_and_the_dequantised_arithmetic() {
        // Rows not a multiple of 16 and token counts that leave partial tiles.
        for (rows, cols, tokens, seed) in [
            (10, 96, 7, 7),
            (48, 64, 1, 3),
            (37, 384, 13, 11),
            (16, 32, 4, 5),
        ] {
            let (stored, bias, m, a) = random_case(rows, cols, tokens, seed);
            let mut want = vec![0f32; tokens * rows];
            matmul_portable(&m, &a, &mut want, tokens);
            for k in Kernel::available() {
                let mut got = vec![f32::NAN; tokens * rows];
                matmul_with(k, &m, &a, &mut got);
                assert_eq!(
                    got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                    want.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                    "kernel {} on {rows}×{cols}, {tokens} tokens",
                    k.name()
                );
            }
            // The same products from dequantised weights and activations, in f64.
            let mut wrow = vec![0f32; cols];
            let row_bytes = cols / QK * (2 + QK / 2);
            for o in 0..rows {
                dequantise_row(&stored[o * row_bytes..(o + 1) * row_bytes], &mut wrow);
                for tk in 0..tokens {
                    let mut exact = bias[o] as f64;
                    let mut size = bias[o].abs() as f64;
                    for k in 0..cols {
                        let xa = a.q[tk * cols + k] as f64 * a.scale[(tk * cols + k) / QK] as f64;
                        exact += wrow[k] as f64 * xa;
                        size += (wrow[k] as f64 * xa).abs();
                    }
                    let got = want[tk * rows + o] as f64;
                    assert!(
                        (got - exact).abs() <= 1e-5 * (1.0 + size),
                        "{got} vs {exact}"
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
        assert_eq!(a.offset[0], -8 * 127);
        assert_eq!(a.scale[0], 1.0);
        a.quantise(&[0.0; QK], QK);
        assert!(a.q.iter().all(|&q| q == 0));
    }
}
