//! The embedding cache of training: sentence embeddings kept on disk between training
//! runs, so that a second training on the same sentences (another `--alpha`, another
//! language's flags, `eval --cv`) embeds none of them.
//!
//! **Where.** `--embedding-cache DIR`, by default `embeddings/` in the per-user cache
//! folder ([`super::store::home`]); `--embedding-cache none` turns it off. Inside, one
//! folder per encoder, pooling and way of computing: `e5-small-<weights>-<fingerprint>`
//! for e5's own mean pooling, `e5-small+<pooling>-<weights>-<fingerprint>` for another
//! ([`super::Pooling`], `--encoder-pooling`), where `<weights>` begins the SHA-256 of
//! the encoder's weights and `<fingerprint>` begins the SHA-256 of the embeddings of
//! [`PROBES`] as this build computes them on this processor (with that pooling). The kernels do not all sum floats in the same order (a processor without
//! AVX2 gives other last digits), and a new forward pass may too: embeddings computed
//! another way land in another folder and are never mixed with these.
//!
//! **Keys.** An entry's key is the SHA-256 of exactly what the encoder reads: `"query: "`
//! followed by the sentence with its format characters left out (what
//! [`super::Encoder::embed`] reads of the text the training memo gives it). Two
//! sentences share a key only if the encoder reads the same text, or if SHA-256 has a
//! collision: among n keys the chance of any is about n²/2²⁵⁷, under 10⁻⁵⁹ for a billion
//! sentences, and nobody knows how to make one on purpose.
//!
//! **Shards.** Each training that embedded new sentences adds one file, a shard, named
//! `<32 hex digits>.emb` after the checksum of its contents, written to a temporary
//! file and renamed into place ([`crate::io::write_atomic`]), so no reader ever sees a
//! half-written shard, and two trainings at once each add their own (or the same one,
//! byte for byte). A shard is never changed once written. When a folder holds more than
//! [`MAX_SHARDS`] shards, the smallest are merged into one, which is written before they
//! are removed: an entry is removed only when a copy of it is in place.
//!
//! **Format** (version 1; integers and floats little-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `FACTOPEC` |
//! | 4 | format version, 1 |
//! | 4 | dimension d (384 for e5-small) |
//! | 32 | SHA-256 of the encoder's weights |
//! | 32 | the fingerprint: SHA-256 of the probes' embeddings |
//! | 1 + L | the encoder's name (with `+<pooling>` unless mean): its length L, then UTF-8 |
//! | 8 | entries n |
//! | n × (32 + 4d) | each entry: the key, then d × f32 |
//! | 32 | SHA-256 of every byte before it |
//!
//! An entry of e5-small takes 32 + 4 × 384 = 1,568 bytes (1.5 KiB per distinct
//! sentence). The floats are stored as their bits, so an embedding read back is
//! identical to the one computed, and a model trained from the cache is byte-identical
//! to one trained without it.
//!
//! **Checks.** Before a shard is opened its type and size are checked (only a regular
//! file of at most [`MAX_SHARD_BYTES`] is read, never a pipe or a device), its header
//! must be this encoder's, its size must be exactly what its header says, and its
//! checksum must match before any of its entries is used. A damaged or truncated
//! shard is removed with a one-line note and its sentences are embedded again; a shard
//! of another format version is left alone. No problem with the cache stops a
//! training: at worst every sentence is embedded, as without a cache.

use super::store;
use super::{EncoderSpec, Pooling};
use crate::error::{Error, Result};
use crate::pipeline::chars::{visible, without_format};
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where training keeps sentence embeddings between runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EmbeddingCache {
    /// `embeddings/` in the per-user cache folder ([`store::home`]). The default.
    #[default]
    Default,
    /// No cache: every training sentence is embedded (`--embedding-cache none`).
    Off,
    /// This folder (`--embedding-cache DIR`), created when missing.
    At(PathBuf),
}

impl EmbeddingCache {
    /// The setting as the command line reads it: `none` turns the cache off, anything
    /// else names its folder (`./none` for a folder of that name).
    pub fn parse(value: &str) -> Result<Self> {
        match value {
            "" => Err(Error::Param(
                "--embedding-cache needs a folder, or none".into(),
            )),
            "none" => Ok(EmbeddingCache::Off),
            _ => Ok(EmbeddingCache::At(PathBuf::from(value))),
        }
    }

    /// The cache folder, `None` when the cache is off or no per-user cache folder can
    /// be named.
    pub fn folder(&self) -> Option<PathBuf> {
        match self {
            EmbeddingCache::Default => store::home().ok().map(|h| h.join("embeddings")),
            EmbeddingCache::Off => None,
            EmbeddingCache::At(p) => Some(p.clone()),
        }
    }
}

/// An entry's key: the SHA-256 of what the encoder reads ([`key`]).
pub type Key = [u8; 32];

/// The prefix the encoder puts before every sentence it embeds as a query
/// ([`super::Encoder::embed`]).
pub const QUERY_PREFIX: &str = "query: ";

/// The key of `sentence`: SHA-256 of [`QUERY_PREFIX`] followed by the sentence without
/// its format characters, the exact text the encoder reads.
pub fn key(sentence: &str) -> Key {
    let mut h = Sha256::new();
    h.update(QUERY_PREFIX.as_bytes());
    h.update(without_format(sentence).as_bytes());
    h.finalize().into()
}

/// Sentences embedded at the start of every cached training: the SHA-256 of their
/// embeddings (the fingerprint) names the folder the cache uses, so embeddings computed
/// by another build or kernel are never used.
pub const PROBES: [&str; 2] = [
    "The minister said on Tuesday that prices rose by 3.5% in May, the highest in a decade.",
    "Това според мен е скандал: ¿quién lo habría dicho?",
];

/// The largest shard read or written: 256 MiB, about 171,000 e5-small embeddings.
pub const MAX_SHARD_BYTES: u64 = 256 << 20;

/// Shards one folder may hold before the smallest are merged.
pub const MAX_SHARDS: usize = 16;

/// The most shard files one training looks at (sorted by name); more are left unread.
const MAX_LISTED: usize = 4096;

/// The most problems reported one by one; the rest are counted in one more line.
const MAX_NOTES: usize = 3;

const MAGIC: &[u8; 8] = b"FACTOPEC";
const VERSION: u32 = 1;

/// One sentence's embedding.
pub type Embedding = Arc<[f32]>;

/// The encoder as the cache calls it: the embeddings of some texts, in their order.
pub type Embed<'a> = dyn FnMut(&[&str]) -> Vec<Embedding> + 'a;

/// What one training's look-up did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheUse {
    /// Distinct sentences asked for.
    pub sentences: usize,
    /// Of them, how many the encoder embedded.
    pub embedded: usize,
    /// Of them, how many came from the cache.
    pub from_cache: usize,
    /// The folder used, `None` when the cache was off or could not be used.
    pub folder: Option<PathBuf>,
}

impl CacheUse {
    /// The one-line note training prints: `embedded 0 of 120 sentences (120 from the
    /// embedding cache in DIR)`.
    pub fn note(&self) -> String {
        match &self.folder {
            Some(dir) => format!(
                "embedded {} of {} sentences ({} from the embedding cache in {})",
                self.embedded,
                self.sentences,
                self.from_cache,
                visible(&dir.display().to_string())
            ),
            None => format!(
                "embedded {} of {} sentences (no embedding cache)",
                self.embedded, self.sentences
            ),
        }
    }
}

/// The embeddings of `texts`, in their order, as `spec` pooled by `pooling` computes
/// them (`dim` floats each): from the cache `setting` names where it has them (in the
/// folder of that encoder and pooling), else from `embed` (called once with the probes and once with every
/// sentence the cache lacks, one text per distinct key, or once with all of `texts`
/// when the cache is off); the new ones are added to the cache. `note` receives one
/// line per problem with the cache (none stops the training) and then the summary
/// ([`CacheUse::note`]).
pub fn embeddings_through(
    setting: &EmbeddingCache,
    spec: &EncoderSpec,
    pooling: Pooling,
    dim: usize,
    texts: &[&str],
    embed: &mut Embed<'_>,
    note: &mut dyn FnMut(String),
) -> (Vec<Embedding>, CacheUse) {
    let mut notes = Notes::default();
    let folder = setting.folder().and_then(|root| {
        let fingerprint = fingerprint(&embed(&PROBES));
        match Shards::open(&root, spec, pooling, dim, &fingerprint) {
            Ok(s) => Some(s),
            Err(e) => {
                notes.push(format!(
                    "embedding cache not used: {e}; every sentence is embedded"
                ));
                None
            }
        }
    });
    let Some(shards) = folder else {
        let out = embed(texts);
        notes.flush(note);
        let used = CacheUse {
            sentences: texts.len(),
            embedded: texts.len(),
            from_cache: 0,
            folder: None,
        };
        note(used.note());
        return (out, used);
    };
    // Distinct texts can share a key (they differ only in format characters): the
    // encoder reads one text for them, so one embedding serves them all.
    let keys: Vec<Key> = texts.iter().map(|t| key(t)).collect();
    let mut first: FxHashMap<Key, usize> = FxHashMap::default();
    for (i, k) in keys.iter().enumerate() {
        first.entry(*k).or_insert(i);
    }
    let mut found: FxHashMap<Key, Arc<[f32]>> = shards.lookup(&first, &mut notes);
    let mut missing: Vec<usize> = first
        .iter()
        .filter(|(k, _)| !found.contains_key(*k))
        .map(|(_, &i)| i)
        .collect();
    missing.sort_unstable();
    let from_cache = texts
        .iter()
        .zip(&keys)
        .filter(|(_, k)| found.contains_key(*k))
        .count();
    let new_texts: Vec<&str> = missing.iter().map(|&i| texts[i]).collect();
    let fresh = if new_texts.is_empty() {
        Vec::new()
    } else {
        embed(&new_texts)
    };
    assert_eq!(
        fresh.len(),
        new_texts.len(),
        "the encoder returns one embedding per text"
    );
    let mut new_entries: Vec<(Key, Arc<[f32]>)> = missing
        .iter()
        .zip(fresh)
        .map(|(&i, v)| (keys[i], v))
        .collect();
    if !new_entries.is_empty() {
        new_entries.sort_unstable_by_key(|e| e.0);
        if let Err(e) = shards.add(&new_entries) {
            notes.push(format!("embedding cache not written: {e}"));
        }
        shards.compact(&mut notes);
    }
    found.extend(new_entries);
    let out: Vec<Arc<[f32]>> = keys.iter().filter_map(|k| found.get(k).cloned()).collect();
    assert_eq!(out.len(), texts.len(), "every key is found or embedded");
    notes.flush(note);
    let used = CacheUse {
        sentences: texts.len(),
        embedded: texts.len() - from_cache,
        from_cache,
        folder: Some(shards.root),
    };
    note(used.note());
    (out, used)
}

/// SHA-256 of the probes' embeddings, as their f32 bits.
fn fingerprint(embeddings: &[Arc<[f32]>]) -> Key {
    let mut h = Sha256::new();
    for e in embeddings {
        for v in e.iter() {
            h.update(v.to_le_bytes());
        }
    }
    h.finalize().into()
}

/// Problems with the cache, the first few one line each.
#[derive(Debug, Default)]
struct Notes(Vec<String>);

impl Notes {
    fn push(&mut self, m: String) {
        self.0.push(m);
    }

    fn flush(&mut self, note: &mut dyn FnMut(String)) {
        let n = self.0.len();
        for m in self.0.drain(..).take(MAX_NOTES) {
            note(m);
        }
        if n > MAX_NOTES {
            note(format!(
                "embedding cache: {} more problems like these",
                n - MAX_NOTES
            ));
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One encoder's folder of shards.
#[derive(Debug)]
struct Shards {
    /// The cache folder the user named (for the note).
    root: PathBuf,
    /// The encoder's folder in it.
    dir: PathBuf,
    /// The header every shard of this folder starts with, up to the entry count.
    header: Vec<u8>,
    dim: usize,
}

/// Why a shard was not used.
enum Unused {
    /// It went away (merged by another training) before it was opened: nothing to say.
    Gone,
    /// Not ours to judge (another format version, not a regular file, unreadable): left
    /// alone, with a note.
    Skipped(String),
    /// Damaged or truncated: removed, with a note.
    Damaged(String),
}

impl Shards {
    /// The folder for `spec` pooled by `pooling` computing as `fingerprint` says, in the
    /// cache `root` (created when missing).
    fn open(
        root: &Path,
        spec: &EncoderSpec,
        pooling: Pooling,
        dim: usize,
        fingerprint: &Key,
    ) -> Result<Self> {
        // e5's own pooling keeps the name it always had, so its cached entries stay in use.
        let label = if pooling.is_default() {
            spec.name.to_string()
        } else {
            format!("{}+{}", spec.name, pooling.as_str())
        };
        let dir = root.join(format!(
            "{}-{}-{}",
            label,
            spec.sha256.get(..12).unwrap_or(spec.sha256),
            &hex(fingerprint)[..12]
        ));
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut header = Vec::with_capacity(96);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&(dim as u32).to_le_bytes());
        header.extend_from_slice(&sha_bytes(spec.sha256));
        header.extend_from_slice(fingerprint);
        let name = label.as_bytes();
        header.push(name.len().min(255) as u8);
        header.extend_from_slice(&name[..name.len().min(255)]);
        Ok(Shards {
            root: root.to_path_buf(),
            dir,
            header,
            dim,
        })
    }

    fn entry_len(&self) -> usize {
        32 + 4 * self.dim
    }

    /// The shards of the folder, sorted by name, with their sizes.
    fn list(&self, notes: &mut Notes) -> Vec<(PathBuf, u64)> {
        let read = match std::fs::read_dir(&self.dir) {
            Ok(r) => r,
            Err(e) => {
                notes.push(format!(
                    "embedding cache {} not read: {e}",
                    visible(&self.dir.display().to_string())
                ));
                return Vec::new();
            }
        };
        let mut names: Vec<PathBuf> = read
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".emb") && !n.starts_with('.'))
            })
            .collect();
        names.sort();
        if names.len() > MAX_LISTED {
            notes.push(format!(
                "embedding cache {} holds {} shards; only the first {MAX_LISTED} are read",
                visible(&self.dir.display().to_string()),
                names.len()
            ));
            names.truncate(MAX_LISTED);
        }
        names
            .into_iter()
            .map(|p| {
                let len = std::fs::symlink_metadata(&p).map_or(0, |m| m.len());
                (p, len)
            })
            .collect()
    }

    /// The embeddings of the keys in `wanted` that the shards hold.
    fn lookup(
        &self,
        wanted: &FxHashMap<Key, usize>,
        notes: &mut Notes,
    ) -> FxHashMap<Key, Arc<[f32]>> {
        let mut found: FxHashMap<Key, Arc<[f32]>> = FxHashMap::default();
        for (path, _) in self.list(notes) {
            // The shards after the last one needed are not read (nor checked).
            if found.len() == wanted.len() {
                break;
            }
            let want = |k: &Key| wanted.contains_key(k) && !found.contains_key(k);
            match self.read(&path, want) {
                Ok(entries) => {
                    for (k, bytes) in entries {
                        found.entry(k).or_insert_with(|| floats(&bytes));
                    }
                }
                Err(u) => self.report(&path, u, notes),
            }
        }
        found
    }

    fn report(&self, path: &Path, unused: Unused, notes: &mut Notes) {
        let shown = visible(&path.display().to_string()).into_owned();
        match unused {
            Unused::Gone => {}
            Unused::Skipped(why) => {
                notes.push(format!("embedding cache file {shown} skipped: {why}"))
            }
            Unused::Damaged(why) => {
                let removed = std::fs::remove_file(path).is_ok();
                notes.push(format!(
                    "embedding cache file {shown} is damaged ({why}){}; its sentences are embedded again",
                    if removed { " and was removed" } else { "" }
                ));
            }
        }
    }

    /// The entries of the shard at `path` whose key `want` accepts, as key and raw
    /// float bytes, once the whole shard has been checked.
    fn read(
        &self,
        path: &Path,
        want: impl Fn(&Key) -> bool,
    ) -> Result<Vec<(Key, Vec<u8>)>, Unused> {
        // Type and size before opening: a pipe would make the open wait, a device has
        // no end.
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unused::Gone),
            Err(e) => return Err(Unused::Skipped(e.to_string())),
        };
        if !meta.is_file() {
            return Err(Unused::Skipped(
                "not a regular file (a link, folder, pipe or device)".into(),
            ));
        }
        let len = meta.len();
        let fixed = self.header.len() as u64 + 8;
        if len > MAX_SHARD_BYTES + fixed + 32 {
            return Err(Unused::Skipped(format!(
                "{len} bytes, over the limit of {MAX_SHARD_BYTES}"
            )));
        }
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unused::Gone),
            Err(e) => return Err(Unused::Skipped(e.to_string())),
        };
        let mut r = std::io::BufReader::with_capacity(1 << 20, file.take(len));
        let damaged =
            |e: std::io::Error| Unused::Damaged(format!("cannot read it to its end: {e}"));
        let mut head = vec![0u8; fixed as usize];
        if len < fixed + 32 {
            return Err(Unused::Damaged(format!(
                "{len} bytes, shorter than a header"
            )));
        }
        r.read_exact(&mut head).map_err(damaged)?;
        if &head[..MAGIC.len()] != MAGIC {
            return Err(Unused::Skipped("not an embedding cache file".into()));
        }
        let version = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
        if version != VERSION {
            return Err(Unused::Skipped(format!(
                "format version {version}; this factop reads version {VERSION}"
            )));
        }
        let (prefix, count) = head.split_at(self.header.len());
        if prefix != self.header {
            return Err(Unused::Damaged(
                "its header is not this encoder's: another encoder, dimension or computation"
                    .into(),
            ));
        }
        let mut c = [0u8; 8];
        c.copy_from_slice(count);
        let count = u64::from_le_bytes(c);
        let entry_len = self.entry_len() as u64;
        let expected = count
            .checked_mul(entry_len)
            .and_then(|b| b.checked_add(fixed + 32));
        if expected != Some(len) {
            return Err(Unused::Damaged(format!(
                "{len} bytes, but its header announces {count} entries"
            )));
        }
        let mut hasher = Sha256::new();
        hasher.update(&head);
        let mut entry = vec![0u8; entry_len as usize];
        let mut kept = Vec::new();
        for _ in 0..count {
            r.read_exact(&mut entry).map_err(damaged)?;
            hasher.update(&entry);
            let mut k = [0u8; 32];
            k.copy_from_slice(&entry[..32]);
            if want(&k) {
                kept.push((k, entry[32..].to_vec()));
            }
        }
        let mut sum = [0u8; 32];
        r.read_exact(&mut sum).map_err(damaged)?;
        if sum[..] != hasher.finalize()[..] {
            return Err(Unused::Damaged("its checksum does not match".into()));
        }
        Ok(kept)
    }

    /// Write `entries` (sorted by key) as new shards, each at most [`MAX_SHARD_BYTES`].
    fn add(&self, entries: &[(Key, Arc<[f32]>)]) -> Result<()> {
        let per_shard = (MAX_SHARD_BYTES / self.entry_len() as u64).max(1) as usize;
        for part in entries.chunks(per_shard) {
            let raw: Vec<Vec<u8>> = part
                .iter()
                .map(|(_, v)| v.iter().flat_map(|x| x.to_le_bytes()).collect())
                .collect();
            let pairs: Vec<(Key, &[u8])> = part
                .iter()
                .zip(&raw)
                .map(|((k, _), r)| (*k, &r[..]))
                .collect();
            self.write(&pairs)?;
        }
        Ok(())
    }

    /// Write one shard of `entries` (key, then the floats' bytes), named after its
    /// checksum, atomically.
    fn write(&self, entries: &[(Key, &[u8])]) -> Result<PathBuf> {
        let mut bytes =
            Vec::with_capacity(self.header.len() + 40 + entries.len() * self.entry_len());
        bytes.extend_from_slice(&self.header);
        bytes.extend_from_slice(&(entries.len() as u64).to_le_bytes());
        for (k, v) in entries {
            bytes.extend_from_slice(k);
            bytes.extend_from_slice(v);
        }
        let sum = Sha256::digest(&bytes);
        bytes.extend_from_slice(&sum);
        let path = self.dir.join(format!("{}.emb", &hex(&sum)[..32]));
        crate::io::write_atomic(&path, &bytes)?;
        Ok(path)
    }

    /// With more than [`MAX_SHARDS`] shards, merge the smallest (together at most
    /// [`MAX_SHARD_BYTES`]) into one, then remove them.
    fn compact(&self, notes: &mut Notes) {
        let mut shards = self.list(notes);
        if shards.len() <= MAX_SHARDS {
            return;
        }
        shards.sort_by_key(|&(_, len)| len);
        let mut total = 0u64;
        let mut merged: std::collections::BTreeMap<Key, Vec<u8>> = Default::default();
        let mut sources = Vec::new();
        for (path, len) in shards {
            total += len;
            if total > MAX_SHARD_BYTES {
                break;
            }
            match self.read(&path, |_| true) {
                Ok(entries) => {
                    merged.extend(entries);
                    sources.push(path);
                }
                Err(u) => self.report(&path, u, notes),
            }
        }
        if sources.len() < 2 {
            return;
        }
        let entries: Vec<(Key, &[u8])> = merged.iter().map(|(k, v)| (*k, &v[..])).collect();
        match self.write(&entries) {
            Ok(written) => {
                for p in sources.iter().filter(|p| **p != written) {
                    let _ = std::fs::remove_file(p);
                }
            }
            Err(e) => notes.push(format!("embedding cache not merged: {e}")),
        }
    }
}

/// The 32 bytes of a hex SHA-256 (zeros where it is not hex).
fn sha_bytes(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(hex.as_bytes().chunks(2)) {
        let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
        *o = pair.first().map_or(0, |&c| digit(c) << 4) | pair.get(1).map_or(0, |&c| digit(c));
    }
    out
}

/// Little-endian f32 bytes as floats, bit for bit.
fn floats(bytes: &[u8]) -> Arc<[f32]> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::E5_SMALL;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const DIM: usize = 6;

    /// A stand-in encoder: floats made from the SHA-256 of the text it reads, with odd
    /// bit patterns among them (negative zero, a subnormal), so that a round trip that
    /// changed any bit would show; `salt` makes a "different kernel".
    fn fake(salt: u8, texts: &[&str]) -> Vec<Arc<[f32]>> {
        texts
            .iter()
            .map(|t| {
                let h = Sha256::digest([&[salt][..], t.as_bytes()].concat());
                let mut v: Vec<f32> = h
                    .chunks_exact(4)
                    .take(DIM - 2)
                    .map(|b| {
                        f32::from_bits(
                            u32::from_le_bytes([b[0], b[1], b[2], b[3]]) & 0x807f_ffff
                                | 0x3e00_0000,
                        )
                    })
                    .collect();
                v.push(-0.0);
                v.push(f32::from_bits(u32::from(h[0]) + 1));
                v.into()
            })
            .collect()
    }

    struct Run {
        out: Vec<Arc<[f32]>>,
        used: CacheUse,
        /// Texts embedded, probes not counted.
        embedded: Vec<String>,
        notes: Vec<String>,
    }

    fn run(setting: &EmbeddingCache, salt: u8, texts: &[&str]) -> Run {
        run_pooled(setting, Pooling::Mean, salt, texts)
    }

    fn run_pooled(setting: &EmbeddingCache, pooling: Pooling, salt: u8, texts: &[&str]) -> Run {
        let mut embedded = Vec::new();
        let mut notes = Vec::new();
        let (out, used) = embeddings_through(
            setting,
            &E5_SMALL,
            pooling,
            DIM,
            texts,
            &mut |part| {
                if part != PROBES {
                    embedded.extend(part.iter().map(|t| t.to_string()));
                }
                fake(salt, part)
            },
            &mut |m| notes.push(m),
        );
        Run {
            out,
            used,
            embedded,
            notes,
        }
    }

    fn bits(v: &[Arc<[f32]>]) -> Vec<Vec<u32>> {
        v.iter()
            .map(|e| e.iter().map(|x| x.to_bits()).collect())
            .collect()
    }

    fn texts(range: std::ops::Range<usize>) -> Vec<String> {
        range.map(|i| format!("Sentence number {i}.")).collect()
    }

    fn shards(root: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for d in std::fs::read_dir(root).unwrap() {
            for f in std::fs::read_dir(d.unwrap().path()).unwrap() {
                let p = f.unwrap().path();
                if p.extension().is_some_and(|e| e == "emb") {
                    out.push(p);
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn keys_are_what_the_encoder_reads() {
        assert_eq!(key("ab"), key("a\u{ad}b"));
        assert_ne!(key("ab"), key("ab "));
        let plain: Key = Sha256::digest(b"query: ab").into();
        assert_eq!(key("ab"), plain);
    }

    #[test]
    fn a_second_run_embeds_nothing_and_gives_the_same_bits() {
        let dir = tempfile::tempdir().unwrap();
        let setting = EmbeddingCache::At(dir.path().join("cache"));
        let owned = texts(0..50);
        let t: Vec<&str> = owned.iter().map(|s| s.as_str()).collect();
        let cold = run(&setting, 0, &t);
        assert_eq!(cold.embedded.len(), 50);
        assert_eq!(bits(&cold.out), bits(&fake(0, &t)));
        assert_eq!(cold.used.from_cache, 0);
        let warm = run(&setting, 0, &t);
        assert!(warm.embedded.is_empty(), "{:?}", warm.embedded);
        assert_eq!(bits(&warm.out), bits(&cold.out));
        assert_eq!(
            (
                warm.used.embedded,
                warm.used.from_cache,
                warm.used.sentences
            ),
            (0, 50, 50)
        );
        assert_eq!(
            warm.notes,
            [format!(
                "embedded 0 of 50 sentences (50 from the embedding cache in {})",
                dir.path().join("cache").display()
            )]
        );
        // One shard of 50 entries, 1.5 KiB each at e5-small's 384 dimensions.
        let files = shards(&dir.path().join("cache"));
        assert_eq!(files.len(), 1);
        let header = 8 + 4 + 4 + 32 + 32 + 1 + "e5-small".len() + 8;
        assert_eq!(
            std::fs::metadata(&files[0]).unwrap().len() as usize,
            header + 50 * (32 + 4 * DIM) + 32
        );
        assert_eq!(32 + 4 * 384, 1568);
    }

    #[test]
    fn only_new_sentences_are_embedded_and_the_cache_off_embeds_all() {
        let dir = tempfile::tempdir().unwrap();
        let setting = EmbeddingCache::At(dir.path().to_path_buf());
        let owned = texts(0..30);
        let t: Vec<&str> = owned.iter().map(|s| s.as_str()).collect();
        run(&setting, 0, &t[..20]);
        let more = run(&setting, 0, &t);
        assert_eq!(more.embedded, owned[20..].to_vec());
        assert_eq!(bits(&more.out), bits(&fake(0, &t)));
        // Texts that differ only in format characters: one embedding for both.
        let shy = ["Sentence number 3.", "Sentence\u{ad} number 3."];
        let r = run(&setting, 0, &shy);
        assert!(r.embedded.is_empty());
        assert_eq!(bits(&r.out[..1]), bits(&r.out[1..]));
        let off = run(&EmbeddingCache::Off, 0, &t);
        assert_eq!(off.embedded.len(), 30);
        assert_eq!(bits(&off.out), bits(&more.out));
        assert_eq!(
            off.notes,
            ["embedded 30 of 30 sentences (no embedding cache)"]
        );
    }

    #[test]
    fn another_computation_uses_another_folder() {
        let dir = tempfile::tempdir().unwrap();
        let setting = EmbeddingCache::At(dir.path().to_path_buf());
        let owned = texts(0..10);
        let t: Vec<&str> = owned.iter().map(|s| s.as_str()).collect();
        run(&setting, 0, &t);
        // Other probe embeddings (another kernel, another forward pass): nothing reused.
        let other = run(&setting, 1, &t);
        assert_eq!(other.embedded.len(), 10);
        assert_eq!(bits(&other.out), bits(&fake(1, &t)));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn each_pooling_has_its_own_folder_and_mean_keeps_the_old_name() {
        let dir = tempfile::tempdir().unwrap();
        let setting = EmbeddingCache::At(dir.path().to_path_buf());
        let owned = texts(0..5);
        let t: Vec<&str> = owned.iter().map(|s| s.as_str()).collect();
        run(&setting, 0, &t);
        // The same floats from the stand-in encoder, so only the pooling's name in the
        // folder keeps them apart.
        let top = run_pooled(&setting, Pooling::Top4Mean, 0, &t);
        assert_eq!(top.embedded.len(), 5);
        assert_eq!(
            run_pooled(&setting, Pooling::Top4Mean, 0, &t)
                .embedded
                .len(),
            0
        );
        assert_eq!(run(&setting, 0, &t).embedded.len(), 0);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let fp = &hex(&fingerprint(&fake(0, &PROBES)))[..12];
        assert_eq!(
            names,
            [
                format!("e5-small+top4-mean-1571fc982750-{fp}"),
                format!("e5-small-1571fc982750-{fp}"),
            ]
        );
    }

    #[test]
    fn damaged_and_truncated_shards_are_removed_with_a_note_and_rebuilt() {
        let owned = texts(0..20);
        let t: Vec<&str> = owned.iter().map(|s| s.as_str()).collect();
        let flip = |p: &Path| {
            let mut b = std::fs::read(p).unwrap();
            let at = b.len() / 2;
            b[at] ^= 1;
            std::fs::write(p, b).unwrap();
        };
        let cut = |p: &Path| {
            let b = std::fs::read(p).unwrap();
            std::fs::write(p, &b[..b.len() - 7]).unwrap();
        };
        let header = |p: &Path| {
            let mut b = std::fs::read(p).unwrap();
            b[20] ^= 0x40; // the weights' checksum in the header
            std::fs::write(p, b).unwrap();
        };
        let empty = |p: &Path| std::fs::write(p, b"").unwrap();
        for (damage, why) in [
            (&flip as &dyn Fn(&Path), "its checksum does not match"),
            (&cut, "but its header announces 20 entries"),
            (&header, "its header is not this encoder's"),
            (&empty, "shorter than a header"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let setting = EmbeddingCache::At(dir.path().to_path_buf());
            run(&setting, 0, &t);
            let files = shards(dir.path());
            damage(&files[0]);
            let r = run(&setting, 0, &t);
            assert_eq!(r.embedded.len(), 20, "{why}");
            assert_eq!(bits(&r.out), bits(&fake(0, &t)));
            assert_eq!(r.notes.len(), 2, "{:?}", r.notes);
            assert!(
                r.notes[0].contains("is damaged") && r.notes[0].contains(why),
                "{}",
                r.notes[0]
            );
            assert!(r.notes[0].contains("was removed"), "{}", r.notes[0]);
            assert_eq!(shards(dir.path()).len(), 1);
            assert!(run(&setting, 0, &t).embedded.is_empty());
        }
    }

    #[test]
    fn another_version_is_left_alone_and_a_pipe_is_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        let setting = EmbeddingCache::At(dir.path().to_path_buf());
        let owned = texts(0..5);
        let t: Vec<&str> = owned.iter().map(|s| s.as_str()).collect();
        run(&setting, 0, &t);
        let file = shards(dir.path()).remove(0);
        let mut b = std::fs::read(&file).unwrap();
        b[8] = 2;
        let future = file.with_file_name("0-future.emb");
        std::fs::write(&future, &b).unwrap();
        #[cfg(unix)]
        {
            let fifo = file.with_file_name("0-fifo.emb");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        }
        let r = run(&setting, 0, &t);
        assert!(r.embedded.is_empty());
        let notes = r.notes.join("\n");
        assert!(
            notes.contains("0-future.emb skipped: format version 2"),
            "{notes}"
        );
        #[cfg(unix)]
        assert!(
            notes.contains("0-fifo.emb skipped: not a regular file"),
            "{notes}"
        );
        assert!(future.exists());
    }

    #[test]
    fn an_unusable_folder_is_a_note_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain");
        std::fs::write(&file, "x").unwrap();
        let owned = texts(0..3);
        let t: Vec<&str> = owned.iter().map(|s| s.as_str()).collect();
        let r = run(&EmbeddingCache::At(file), 0, &t);
        assert_eq!(r.embedded.len(), 3);
        assert!(
            r.notes[0].starts_with("embedding cache not used: "),
            "{:?}",
            r.notes
        );
        assert_eq!(r.notes[1], "embedded 3 of 3 sentences (no embedding cache)");
        assert_eq!(EmbeddingCache::parse("none").unwrap(), EmbeddingCache::Off);
        assert!(EmbeddingCache::parse("").is_err());
    }

    #[test]
    fn many_shards_are_merged_and_nothing_is_lost() {
        let dir = tempfile::tempdir().unwrap();
        let setting = EmbeddingCache::At(dir.path().to_path_buf());
        let owned = texts(0..(MAX_SHARDS + 5) * 3);
        let t: Vec<&str> = owned.iter().map(|s| s.as_str()).collect();
        for part in t.chunks(3) {
            run(&setting, 0, part);
            assert!(shards(dir.path()).len() <= MAX_SHARDS);
        }
        let all = run(&setting, 0, &t);
        assert!(all.embedded.is_empty());
        assert_eq!(bits(&all.out), bits(&fake(0, &t)));
    }

    #[test]
    fn trainings_at_once_leave_a_cache_that_gives_the_same_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let setting = EmbeddingCache::At(dir.path().to_path_buf());
        let owned = texts(0..200);
        let embedded = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for k in 0..8 {
                let (owned, setting, embedded) = (&owned, &setting, &embedded);
                s.spawn(move || {
                    for round in 0..4 {
                        let start = (k * 37 + round * 11) % 150;
                        let t: Vec<&str> = owned[start..start + 50]
                            .iter()
                            .map(|s| s.as_str())
                            .collect();
                        let r = run(setting, 0, &t);
                        embedded.fetch_add(r.embedded.len(), Ordering::Relaxed);
                        assert_eq!(bits(&r.out), bits(&fake(0, &t)));
                        assert!(r.notes.len() == 1, "{:?}", r.notes);
                    }
                });
            }
        });
        // Every sentence some training embedded is in the cache, unchanged.
        let mut covered = std::collections::BTreeSet::new();
        for k in 0..8 {
            for round in 0..4 {
                let start = (k * 37 + round * 11) % 150;
                covered.extend(start..start + 50);
            }
        }
        assert!(embedded.load(Ordering::Relaxed) >= covered.len());
        let t: Vec<&str> = covered.iter().map(|&i| owned[i].as_str()).collect();
        let r = run(&setting, 0, &t);
        assert!(r.embedded.is_empty(), "{:?}", r.embedded);
        assert_eq!(bits(&r.out), bits(&fake(0, &t)));
    }
}
