//! File output: atomic writes, so an interrupted run never leaves a half-written file,
//! and checks that an output path is safe to replace.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Check, before any work starts, that `path` can be written as an output: it names a
/// file (no trailing `/`), its folder exists and takes new files (a file is created
/// there and removed at once), and it is not a folder, a device, a pipe, a socket or a
/// symbolic link (an output only ever replaces a regular file, never what a link points
/// to). `-` is standard output and always fine.
pub fn check_output(path: &Path) -> Result<()> {
    if path == Path::new("-") {
        return Ok(());
    }
    let bad = |m: &str| {
        Error::Param(format!(
            "output {}: {m}",
            crate::error::capped(&path.display().to_string())
        ))
    };
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return Err(bad(
            "ends with /, so it names a folder; name the file to write",
        ));
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(bad(
                "is a symbolic link; factop only replaces regular files (name the file itself)",
            ))
        }
        Ok(m) if m.is_dir() => return Err(bad("is a folder")),
        Ok(m) if !m.is_file() => return Err(bad(
            "is not a regular file (a device, pipe or socket); factop only replaces regular files",
        )),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(path, e)),
    }
    let dir = folder_of(path);
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(bad("its folder is not a folder")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(bad(&format!("the folder {} does not exist", dir.display())))
        }
        Err(e) => return Err(Error::io(&dir, e)),
    }
    // The atomic write creates its temporary file in this folder: try that now, not
    // after minutes of training.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let probe = dir.join(format!(".factop-probe.{}.{nanos}.tmp", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(f) => {
            drop(f);
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Err(bad(&format!(
            "the folder {} does not take new files (permission denied)",
            dir.display()
        ))),
        Err(e) => Err(Error::io(&dir, e)),
    }
}

/// Whether `output` names the same file as `input` (both exist and are one file).
pub fn same_file(output: &Path, input: &Path) -> bool {
    match (std::fs::canonicalize(output), std::fs::canonicalize(input)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Write `bytes` to `path` atomically (see [`AtomicFile`]). `-` writes to standard
/// output instead.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|_| out.flush())
            .map_err(|e| Error::io(path, e));
    }
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.commit()
}

/// An output file written atomically: a new temporary file with an unpredictable name
/// is created in the same folder (never opening an existing file or following a link),
/// written, then on [`AtomicFile::commit`] flushed, synced, given the permissions of the
/// file it replaces and renamed over the path. Dropped without a commit (an error on
/// the way), it removes the temporary file and an existing file stays untouched. The
/// checks of [`check_output`] are made first.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
    permissions: Option<std::fs::Permissions>,
}

impl AtomicFile {
    /// Start writing `path`.
    pub fn create(path: &Path) -> Result<Self> {
        check_output(path)?;
        let dir = folder_of(path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
        let (tmp, f) = create_temp(&dir, &name).map_err(|e| Error::io(path, e))?;
        // The replaced file's permissions from the start, so that a private file's new
        // contents are never readable by others while they are written.
        if let Some(p) = &permissions {
            if let Err(e) = f.set_permissions(p.clone()) {
                let _ = std::fs::remove_file(&tmp);
                return Err(Error::io(path, e));
            }
        }
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            file: Some(std::io::BufWriter::with_capacity(1 << 16, f)),
            permissions,
        })
    }

    /// Finish: the file appears at its path, complete.
    pub fn commit(mut self) -> Result<()> {
        let file = self.file.take();
        let result = (|| {
            let f = file
                .ok_or_else(|| std::io::Error::other("already committed"))?
                .into_inner()
                .map_err(|e| e.into_error())?;
            if let Some(p) = &self.permissions {
                f.set_permissions(p.clone())?;
            }
            f.sync_all()?;
            drop(f);
            std::fs::rename(&self.tmp, &self.path)
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&self.tmp);
            return Err(Error::io(&self.path, e));
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A new file `.NAME.RANDOM.tmp` in `dir`, created exclusively (`O_CREAT | O_EXCL`:
/// an existing file or link of that name makes it try another name).
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    use std::hash::{BuildHasher, Hasher};
    // At most 100 bytes of the output's name, so that the temporary name stays within
    // the 255-byte limit of file names whenever the output's own name does.
    let mut cut = name.len().min(100);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let name = &name[..cut];
    let mut last = None;
    for attempt in 0..16u32 {
        // RandomState is seeded from the operating system's randomness per process;
        // mixing in the time, the process id and the attempt makes each name new.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.write_u32(std::process::id());
        h.write_u32(attempt);
        let tmp = dir.join(format!(".{name}.{:016x}.tmp", h.finish()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn outputs_that_cannot_be_written_are_refused_before_any_work() {
        let dir = tempfile::tempdir().unwrap();
        let slash = format!("{}/m.json/", dir.path().display());
        let e = check_output(Path::new(&slash)).unwrap_err().to_string();
        assert!(
            e.ends_with("m.json/: ends with /, so it names a folder; name the file to write"),
            "{e}"
        );
        check_output(&dir.path().join("m.json")).unwrap();
        // The probe leaves nothing behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        // A folder that takes no new files, even for root.
        if Path::new("/sys").is_dir() {
            let e = check_output(Path::new("/sys/m.json"))
                .unwrap_err()
                .to_string();
            assert!(e.contains("the folder /sys does not take new files"), "{e}");
        }
    }

    #[test]
    fn failure_keeps_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("missing-dir").join("m.json");
        let e = write_atomic(&p, b"x").unwrap_err().to_string();
        assert!(e.contains("does not exist"), "{e}");
        assert!(!p.exists());
    }

    #[cfg(unix)]
    #[test]
    fn links_and_special_files_are_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        // An output that is a link to another file: refused, the target untouched.
        let link = dir.path().join("report.html");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let e = write_atomic(&link, b"x").unwrap_err().to_string();
        assert!(e.contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        // A device or a folder is refused.
        for p in [Path::new("/dev/null"), dir.path()] {
            assert!(write_atomic(p, b"x").is_err(), "{}", p.display());
        }
        // Links planted at every name the old scheme would have used change nothing:
        // temporary files are created exclusively, under unpredictable names.
        let out = dir.path().join("m.json");
        let planted = dir
            .path()
            .join(format!(".m.json.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        write_atomic(&out, b"model").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"model");
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    }

    #[test]
    fn an_output_with_a_long_name_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("é".repeat(120) + ".json");
        write_atomic(&p, b"x").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"x");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_uncommitted_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        std::fs::write(&p, b"old").unwrap();
        {
            let mut f = AtomicFile::create(&p).unwrap();
            f.write_all(b"half of a new").unwrap();
        }
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn replacing_keeps_the_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.json");
        std::fs::write(&p, b"old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"new").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
}
