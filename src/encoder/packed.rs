//! The packed weight cache: the encoder's network exactly as `Network::new` builds it
//! from the installed weights (unpacked 4-bit matrices, scales, biases, norms,
//! positions, the tokenizer's tables with its hash table, the still-packed word
//! embeddings), written once beside the weights as `e5-small-q4.packed` and then mapped
//! at every load, instead of reading 72 MB, hashing them with SHA-256 and unpacking them.
//!
//! Layout, little-endian: a 128-byte header (the magic `FACTOPPK`, the container's
//! format version, factop's packing version, a fingerprint of the code that packs and
//! reads the network, a byte-order mark, the identity of the weights file it was built
//! from: size, modification time, inode; the encoder's name and the SHA-256 those
//! weights were verified to have), then sections (each a 16-byte head: element kind,
//! element size, count; its data starting at a multiple of 64 bytes), then an 8-byte
//! trailer: the CRC-32 of everything before it and `PKOK`.
//!
//! A cache is used only when all of that matches: the CRC is checked at every load
//! (about 10 ms for its 86 MB, against 0.2 s for the SHA-256 of the weights), so a
//! changed byte is never computed with. A missing, stale (the weights were reinstalled
//! or changed), damaged or foreign cache is rebuilt from the weights file, which is then
//! read and checked with SHA-256 as without a cache. The cache is written atomically
//! (temporary file, then rename), so concurrent processes never see half of one, and a
//! process keeps the file it mapped even when another replaces it. When the folder
//! cannot be written, factop carries on without the cache. Type and size are checked
//! before the file is opened: a pipe or a device there is never read.
//!
//! Mapping has one caveat that reading has not: a program that truncates or rewrites
//! the cache *in place* while factop has it mapped changes what factop reads (or ends it
//! with SIGBUS). factop itself only ever replaces the file whole.

use super::EncoderSpec;
use crate::error::{Error, Result};
use std::fs::Metadata;
use std::io::Write;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The container's layout version (header, sections, trailer).
const FORMAT: u32 = 1;
/// factop's packing version: what the sections hold. Raise it when `write_parts` of
/// the network, a matrix or the tokenizer change (the fingerprint below catches a
/// forgotten raise, at the cost of one rebuild after every change to those files).
const PACKING: u32 = 1;
/// A fingerprint of the source of the code that builds, writes and reads the packed
/// network: a cache written by another build of that code is rebuilt, never misread.
const CODE: u32 = fingerprint(&[
    include_bytes!("packed.rs"),
    include_bytes!("forward.rs"),
    include_bytes!("quant.rs"),
    include_bytes!("tokenizer.rs"),
    include_bytes!("weights.rs"),
]);
const MAGIC: &[u8; 8] = b"FACTOPPK";
const TRAILER: &[u8; 4] = b"PKOK";
const HEADER_BYTES: usize = 128;
const ALIGN: u64 = 64;
const BYTE_ORDER: u32 = 0x0a0b_0c0d;

/// FNV-1a over the parts, at compile time.
const fn fingerprint(parts: &[&[u8]]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    let mut p = 0;
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            h ^= parts[p][i] as u32;
            h = h.wrapping_mul(0x0100_0193);
            i += 1;
        }
        p += 1;
    }
    h
}

/// Where the packed cache of the weights at `weights` goes: beside them, named after
/// them with the extension `.packed` (`e5-small-q4.packed`).
pub fn path_for(weights: &Path) -> PathBuf {
    weights.with_extension("packed")
}

/// Numbers a section can hold and a mapped file can be read as: every bit pattern is
/// a value.
pub trait Plain: Copy + std::fmt::Debug + private::Sealed + 'static {
    /// The section kind.
    const KIND: u32;
    /// Little-endian bytes to the value.
    fn read_le(b: &[u8]) -> Self;
    /// Append the value's little-endian bytes.
    fn put_le(self, out: &mut Vec<u8>);
}

mod private {
    pub trait Sealed {}
    impl Sealed for u8 {}
    impl Sealed for u32 {}
    impl Sealed for f32 {}
    impl Sealed for u64 {}
}

impl Plain for u8 {
    const KIND: u32 = 1;
    fn read_le(b: &[u8]) -> Self {
        b[0]
    }
    fn put_le(self, out: &mut Vec<u8>) {
        out.push(self)
    }
}

impl Plain for u32 {
    const KIND: u32 = 2;
    fn read_le(b: &[u8]) -> Self {
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
    fn put_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes())
    }
}

impl Plain for f32 {
    const KIND: u32 = 3;
    fn read_le(b: &[u8]) -> Self {
        f32::from_bits(<u32 as Plain>::read_le(b))
    }
    fn put_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes())
    }
}

impl Plain for u64 {
    const KIND: u32 = 4;
    fn read_le(b: &[u8]) -> Self {
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[..8]);
        u64::from_le_bytes(a)
    }
    fn put_le(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes())
    }
}

/// A slice of numbers the network owns or reads from the mapped cache; either way it
/// is used as a `&[T]`.
pub struct Stored<T: Plain> {
    repr: Repr<T>,
}

enum Repr<T> {
    Owned(Vec<T>),
    /// `len` values at byte `start` of `map`: in bounds and aligned for `T` (checked
    /// when made, in [`Reader::section`]).
    Mapped {
        map: Arc<memmap2::Mmap>,
        start: usize,
        len: usize,
    },
}

impl<T: Plain> Stored<T> {
    /// Whether the values are read from the mapped cache.
    pub fn is_mapped(&self) -> bool {
        matches!(self.repr, Repr::Mapped { .. })
    }
}

impl<T: Plain> Deref for Stored<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.repr {
            Repr::Owned(v) => v,
            Repr::Mapped { map, start, len } => {
                // SAFETY: `start + len * size_of::<T>() <= map.len()` and `start` is a
                // multiple of `T`'s alignment within a page-aligned mapping (both
                // checked when the section was read); `T` is a plain number for which
                // every bit pattern is valid, stored little-endian, and this code is
                // only built for little-endian targets (see `Reader::open`). The
                // mapping is read-only and lives as long as `map`, which `self` holds.
                unsafe { std::slice::from_raw_parts(map.as_ptr().add(*start).cast::<T>(), *len) }
            }
        }
    }
}

impl<T: Plain> From<Vec<T>> for Stored<T> {
    fn from(v: Vec<T>) -> Self {
        Stored {
            repr: Repr::Owned(v),
        }
    }
}

impl<T: Plain> Default for Stored<T> {
    fn default() -> Self {
        Vec::new().into()
    }
}

impl<T: Plain> std::fmt::Debug for Stored<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = if self.is_mapped() { "mapped" } else { "owned" };
        write!(f, "Stored({} values, {how})", self.len())
    }
}

/// What the cache records of the weights file it was built from; a different one
/// makes the cache stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceId {
    size: u64,
    mtime_s: i64,
    mtime_ns: u32,
    inode: u64,
}

impl SourceId {
    /// The identity of a file from its metadata.
    pub fn of(meta: &Metadata) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            SourceId {
                size: meta.len(),
                mtime_s: meta.mtime(),
                mtime_ns: meta.mtime_nsec() as u32,
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let t = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            SourceId {
                size: meta.len(),
                mtime_s: t.as_secs() as i64,
                mtime_ns: t.subsec_nanos(),
                inode: 0,
            }
        }
    }
}

/// Writes a packed cache: the header, then sections, keeping the CRC as it goes.
pub struct Writer<W: Write> {
    out: W,
    at: u64,
    crc: crc32fast::Hasher,
    buf: Vec<u8>,
}

impl<W: Write> Writer<W> {
    fn new(out: W, spec: &EncoderSpec, source: &SourceId) -> std::io::Result<Self> {
        let mut w = Writer {
            out,
            at: 0,
            crc: crc32fast::Hasher::new(),
            buf: Vec::new(),
        };
        let mut h = Vec::with_capacity(HEADER_BYTES);
        h.extend_from_slice(MAGIC);
        for v in [FORMAT, PACKING, CODE, BYTE_ORDER] {
            h.extend_from_slice(&v.to_le_bytes());
        }
        h.extend_from_slice(&source.size.to_le_bytes());
        h.extend_from_slice(&source.mtime_s.to_le_bytes());
        h.extend_from_slice(&source.mtime_ns.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&source.inode.to_le_bytes());
        h.extend_from_slice(&sha_bytes(spec.sha256));
        let mut name = [0u8; 32];
        let n = spec.name.len().min(32);
        name[..n].copy_from_slice(&spec.name.as_bytes()[..n]);
        h.extend_from_slice(&name);
        debug_assert_eq!(h.len(), 120);
        h.resize(HEADER_BYTES, 0);
        w.raw(&h)?;
        Ok(w)
    }

    fn raw(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.out.write_all(b)?;
        self.crc.update(b);
        self.at += b.len() as u64;
        Ok(())
    }

    fn pad(&mut self) -> std::io::Result<()> {
        let n = (ALIGN - self.at % ALIGN) % ALIGN;
        self.raw(&[0u8; ALIGN as usize][..n as usize])
    }

    /// One section of values.
    fn section<T: Plain>(&mut self, values: &[T]) -> std::io::Result<()> {
        self.pad()?;
        let mut head = [0u8; 16];
        head[..4].copy_from_slice(&T::KIND.to_le_bytes());
        head[4..8].copy_from_slice(&(size_of::<T>() as u32).to_le_bytes());
        head[8..].copy_from_slice(&(values.len() as u64).to_le_bytes());
        self.raw(&head)?;
        self.pad()?;
        for chunk in values.chunks(1 << 14) {
            let mut buf = std::mem::take(&mut self.buf);
            buf.clear();
            chunk.iter().for_each(|v| v.put_le(&mut buf));
            let r = self.raw(&buf);
            self.buf = buf;
            r?;
        }
        Ok(())
    }

    /// A section of bytes.
    pub fn bytes(&mut self, v: &[u8]) -> std::io::Result<()> {
        self.section(v)
    }

    /// A section of u32s.
    pub fn u32s(&mut self, v: &[u32]) -> std::io::Result<()> {
        self.section(v)
    }

    /// A section of f32s.
    pub fn f32s(&mut self, v: &[f32]) -> std::io::Result<()> {
        self.section(v)
    }

    /// A section of sizes and other integers.
    pub fn u64s(&mut self, v: &[u64]) -> std::io::Result<()> {
        self.section(v)
    }

    /// The trailer: the CRC of everything before it.
    fn finish(mut self) -> std::io::Result<W> {
        self.pad()?;
        let crc = self.crc.clone().finalize();
        self.out.write_all(&crc.to_le_bytes())?;
        self.out.write_all(TRAILER)?;
        Ok(self.out)
    }
}

fn sha_bytes(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        let d = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
        *o = d(pair[0]) << 4 | d(pair[1]);
    }
    out
}

/// Write the packed cache of `network`, built from the verified weights of `spec`
/// whose identity is `source`, to `cache` (atomically).
pub fn write(
    spec: &EncoderSpec,
    cache: &Path,
    source: &SourceId,
    network: &super::forward::Network,
) -> Result<()> {
    let mut file = crate::io::AtomicFile::create(cache)?;
    let mut w = Writer::new(&mut file, spec, source).map_err(crate::io::output_error)?;
    network
        .write_parts(&mut w)
        .map_err(crate::io::output_error)?;
    w.finish().map_err(crate::io::output_error)?;
    file.commit()
}

/// Why a cache cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// There is none.
    Missing,
    /// Something that is not a regular file is there (never opened).
    NotRegular,
    /// Written by another factop (format, packing or code), or for another byte order.
    OtherVersion,
    /// Built from other weights than the installed ones (reinstalled or changed since).
    Stale,
    /// Its checksum or structure is wrong.
    Damaged(String),
    /// It could not be read.
    Unreadable(String),
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unusable::Missing => write!(f, "none yet: the next load builds it"),
            Unusable::NotRegular => write!(
                f,
                "not a regular file (a folder, pipe or device), left unread: loads read the weights until it is removed"
            ),
            Unusable::OtherVersion => write!(
                f,
                "written by another version of factop: the next load rebuilds it"
            ),
            Unusable::Stale => write!(
                f,
                "stale, built from other weights than the installed file: the next load rebuilds it"
            ),
            Unusable::Damaged(why) => write!(f, "damaged ({why}): the next load rebuilds it"),
            Unusable::Unreadable(why) => {
                write!(f, "unreadable ({why}): loads read the weights instead")
            }
        }
    }
}

/// The largest cache factop maps: far over e5-small's 80 MB.
const MAX_CACHE_BYTES: u64 = 1 << 30;

/// Reads the sections of a verified cache, in the order they were written.
pub struct Reader {
    map: Arc<memmap2::Mmap>,
    at: usize,
    end: usize,
    path: PathBuf,
}

impl Reader {
    /// Open the cache at `path` for `spec`'s weights with identity `source`: the
    /// header must match and the CRC must be right.
    pub fn open(
        path: &Path,
        spec: &EncoderSpec,
        source: &SourceId,
    ) -> std::result::Result<Self, Unusable> {
        if cfg!(target_endian = "big") {
            return Err(Unusable::OtherVersion);
        }
        // Type and size before opening: a pipe would make the open wait.
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unusable::Missing),
            Err(e) => return Err(Unusable::Unreadable(e.to_string())),
        };
        if !meta.is_file() {
            return Err(Unusable::NotRegular);
        }
        let len = meta.len();
        if len < (HEADER_BYTES + 8) as u64 || len > MAX_CACHE_BYTES {
            return Err(Unusable::Damaged(format!("{len} bytes")));
        }
        let file = std::fs::File::open(path).map_err(|e| Unusable::Unreadable(e.to_string()))?;
        // The file opened is the one checked (not something renamed there since).
        match file.metadata() {
            Ok(m) if m.is_file() && m.len() == len => {}
            Ok(_) => return Err(Unusable::Damaged("changed while opened".into())),
            Err(e) => return Err(Unusable::Unreadable(e.to_string())),
        }
        // SAFETY: a read-only shared mapping of a regular file. factop never changes
        // a cache in place (it writes a new file and renames it over the old one, which
        // leaves this mapping on the old file); another program truncating or rewriting
        // it in place while it is mapped is the caveat documented at the top.
        let map = unsafe { memmap2::MmapOptions::new().len(len as usize).map(&file) }
            .map_err(|e| Unusable::Unreadable(e.to_string()))?;
        let bytes: &[u8] = &map;
        let h = &bytes[..HEADER_BYTES];
        let u32_at = |i: usize| <u32 as Plain>::read_le(&h[i..i + 4]);
        let u64_at = |i: usize| <u64 as Plain>::read_le(&h[i..i + 8]);
        if &h[..8] != MAGIC {
            return Err(Unusable::Damaged("no FACTOPPK header".into()));
        }
        if [u32_at(8), u32_at(12), u32_at(16), u32_at(20)] != [FORMAT, PACKING, CODE, BYTE_ORDER] {
            return Err(Unusable::OtherVersion);
        }
        let recorded = SourceId {
            size: u64_at(24),
            mtime_s: u64_at(32) as i64,
            mtime_ns: u32_at(40),
            inode: u64_at(48),
        };
        let name_len = spec.name.len().min(32);
        if recorded != *source
            || h[56..88] != sha_bytes(spec.sha256)
            || h[88..88 + name_len] != spec.name.as_bytes()[..name_len]
        {
            return Err(Unusable::Stale);
        }
        let end = bytes.len() - 8;
        if &bytes[end + 4..] != TRAILER {
            return Err(Unusable::Damaged("no trailer (cut short?)".into()));
        }
        let want = <u32 as Plain>::read_le(&bytes[end..end + 4]);
        let got = crc32fast::hash(&bytes[..end]);
        if got != want {
            return Err(Unusable::Damaged(format!(
                "CRC-32 {got:08x}, expected {want:08x}"
            )));
        }
        Ok(Reader {
            map: Arc::new(map),
            at: HEADER_BYTES,
            end,
            path: path.to_path_buf(),
        })
    }

    /// The error for a cache whose sections do not hold what the network needs.
    pub fn bad(&self, what: &str) -> Error {
        Error::model(&self.path, format!("damaged packed weights ({what})"))
    }

    fn align(&self, at: usize) -> Result<usize> {
        at.checked_next_multiple_of(ALIGN as usize)
            .filter(|&a| a <= self.end)
            .ok_or_else(|| self.bad("cut short"))
    }

    /// The next section, which must hold values of type `T`.
    fn section<T: Plain>(&mut self) -> Result<Stored<T>> {
        let head = self.align(self.at)?;
        if head + 16 > self.end {
            return Err(self.bad("cut short"));
        }
        let h = &self.map[head..head + 16];
        if <u32 as Plain>::read_le(&h[..4]) != T::KIND
            || <u32 as Plain>::read_le(&h[4..8]) as usize != size_of::<T>()
        {
            return Err(self.bad("a section of the wrong kind"));
        }
        let count =
            usize::try_from(<u64 as Plain>::read_le(&h[8..])).map_err(|_| self.bad("a count"))?;
        let start = self.align(head + 16)?;
        let stop = count
            .checked_mul(size_of::<T>())
            .and_then(|n| n.checked_add(start))
            .filter(|&s| s <= self.end)
            .ok_or_else(|| self.bad("a section past the end"))?;
        // The mapping starts on a page boundary and `start` on a multiple of 64, so
        // the values are aligned for `T`; checked all the same.
        if !(self.map.as_ptr() as usize + start).is_multiple_of(align_of::<T>()) {
            return Err(self.bad("a misaligned section"));
        }
        self.at = stop;
        Ok(Stored {
            repr: Repr::Mapped {
                map: Arc::clone(&self.map),
                start,
                len: count,
            },
        })
    }

    /// The next section of bytes.
    pub fn bytes(&mut self) -> Result<Stored<u8>> {
        self.section()
    }

    /// The next section of u32s.
    pub fn u32s(&mut self) -> Result<Stored<u32>> {
        self.section()
    }

    /// The next section of f32s.
    pub fn f32s(&mut self) -> Result<Stored<f32>> {
        self.section()
    }

    /// The next section of integers, which must hold `N` of them, as sizes.
    pub fn usizes<const N: usize>(&mut self) -> Result<[usize; N]> {
        let s = self.section::<u64>()?;
        if s.len() != N {
            return Err(self.bad("a list of sizes of the wrong length"));
        }
        let mut out = [0usize; N];
        for (o, &v) in out.iter_mut().zip(s.iter()) {
            *o = usize::try_from(v).map_err(|_| self.bad("a size"))?;
        }
        Ok(out)
    }

    /// Every section has been read.
    pub fn finish(&self) -> Result<()> {
        if self.align(self.at)? != self.end {
            return Err(self.bad("sections left over"));
        }
        Ok(())
    }
}

/// The network from the cache at `cache`, when it is usable for the weights with
/// identity `source`.
pub fn load(
    spec: &EncoderSpec,
    cache: &Path,
    source: &SourceId,
) -> std::result::Result<super::forward::Network, Unusable> {
    let mut r = Reader::open(cache, spec, source)?;
    let network = super::forward::Network::from_parts(&mut r)
        .and_then(|n| r.finish().map(|_| n))
        .map_err(|e| Unusable::Damaged(e.to_string()))?;
    if network.dim() != spec.dim {
        return Err(Unusable::Damaged(format!("not {}'s shape", spec.name)));
    }
    Ok(network)
}

/// The state of the cache of `spec`'s weights at `weights`, for `encoder status`:
/// `Ok(())` when a load would use it.
pub fn state(spec: &EncoderSpec, weights: &Path) -> std::result::Result<(), Unusable> {
    let source = match std::fs::metadata(weights) {
        Ok(m) if m.is_file() => SourceId::of(&m),
        _ => return Err(Unusable::Stale),
    };
    load(spec, &path_for(weights), &source).map(|_| ())
}

/// Write sections with `write` into a new cache file and read them back with `read`
/// (for the unit tests of the parts' `write_parts` and `from_parts`).
#[cfg(test)]
pub(crate) fn round_trip<T>(
    write: impl FnOnce(&mut Writer<std::fs::File>) -> std::io::Result<()>,
    read: impl FnOnce(&mut Reader) -> Result<T>,
) -> T {
    let dir = tempfile::tempdir().unwrap();
    let (path, source) = tests::sample_source(dir.path());
    let cache = path_for(&path);
    let mut w = Writer::new(
        std::fs::File::create(&cache).unwrap(),
        &super::E5_SMALL,
        &source,
    )
    .unwrap();
    write(&mut w).unwrap();
    w.finish().unwrap();
    let mut r = Reader::open(&cache, &super::E5_SMALL, &source).unwrap();
    let out = read(&mut r).unwrap();
    r.finish().unwrap();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::E5_SMALL;

    /// A file standing for the weights, and its identity.
    pub(crate) fn sample_source(dir: &Path) -> (PathBuf, SourceId) {
        let path = dir.join("e5-small-q4.bin");
        std::fs::write(&path, b"weights").unwrap();
        let id = SourceId::of(&std::fs::metadata(&path).unwrap());
        (path, id)
    }

    fn sample(path: &Path, source: &SourceId) {
        let mut w = Writer::new(std::fs::File::create(path).unwrap(), &E5_SMALL, source).unwrap();
        w.u64s(&[3, 7]).unwrap();
        w.bytes(b"hello").unwrap();
        w.f32s(&[1.5, -2.0, f32::MIN_POSITIVE]).unwrap();
        w.u32s(&[1, 2, 3, u32::MAX]).unwrap();
        w.finish().unwrap();
    }

    #[test]
    fn sections_read_back_mapped_aligned_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let (weights, source) = sample_source(dir.path());
        let cache = path_for(&weights);
        assert_eq!(cache.file_name().unwrap(), "e5-small-q4.packed");
        sample(&cache, &source);
        let mut r = Reader::open(&cache, &E5_SMALL, &source).unwrap();
        assert_eq!(r.usizes::<2>().unwrap(), [3, 7]);
        let b = r.bytes().unwrap();
        assert!(b.is_mapped());
        assert_eq!(&*b, b"hello");
        let f = r.f32s().unwrap();
        assert_eq!(&*f, &[1.5, -2.0, f32::MIN_POSITIVE]);
        assert_eq!(f.as_ptr() as usize % 64, 0);
        // Wrong kind: the u32 section is not f32s.
        let mut wrong = Reader::open(&cache, &E5_SMALL, &source).unwrap();
        wrong.usizes::<2>().unwrap();
        wrong.bytes().unwrap();
        assert!(wrong.u32s().is_err());
        assert!(r.finish().is_err(), "a section is left");
        assert_eq!(&*r.u32s().unwrap(), &[1, 2, 3, u32::MAX]);
        r.finish().unwrap();
        assert!(r.bytes().is_err(), "nothing after the last section");
        drop(r);
        let owned: Stored<u32> = vec![4, 5].into();
        assert!(!owned.is_mapped());
        assert_eq!(format!("{owned:?}"), "Stored(2 values, owned)");
    }

    #[test]
    fn every_changed_byte_and_every_cut_makes_the_cache_unusable() {
        let dir = tempfile::tempdir().unwrap();
        let (weights, source) = sample_source(dir.path());
        let cache = path_for(&weights);
        sample(&cache, &source);
        let good = std::fs::read(&cache).unwrap();
        for i in 0..good.len() {
            let mut bytes = good.clone();
            bytes[i] ^= 0x10;
            std::fs::write(&cache, &bytes).unwrap();
            assert!(
                Reader::open(&cache, &E5_SMALL, &source).is_err(),
                "byte {i} changed"
            );
        }
        for len in 0..good.len() {
            std::fs::write(&cache, &good[..len]).unwrap();
            assert!(
                Reader::open(&cache, &E5_SMALL, &source).is_err(),
                "cut at {len}"
            );
        }
        std::fs::write(&cache, &good).unwrap();
        assert!(Reader::open(&cache, &E5_SMALL, &source).is_ok());
    }

    #[test]
    fn other_weights_make_it_stale_and_other_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let (weights, source) = sample_source(dir.path());
        let cache = path_for(&weights);
        let open = |s: &SourceId| Reader::open(&cache, &E5_SMALL, s).err();
        assert_eq!(open(&source), Some(Unusable::Missing));
        sample(&cache, &source);
        assert_eq!(open(&source), None);
        let other = SourceId {
            size: source.size + 1,
            ..source
        };
        assert_eq!(open(&other), Some(Unusable::Stale));
        let moved = SourceId {
            inode: source.inode + 1,
            ..source
        };
        assert_eq!(open(&moved), Some(Unusable::Stale));
        std::fs::remove_file(&cache).unwrap();
        std::fs::create_dir(&cache).unwrap();
        assert_eq!(open(&source), Some(Unusable::NotRegular));
        std::fs::remove_dir(&cache).unwrap();
        std::fs::write(&cache, b"not a cache").unwrap();
        assert!(matches!(open(&source), Some(Unusable::Damaged(_))));
        let mut bytes = vec![0u8; 4096];
        bytes[..8].copy_from_slice(MAGIC);
        std::fs::write(&cache, &bytes).unwrap();
        assert_eq!(open(&source), Some(Unusable::OtherVersion));
    }
}
