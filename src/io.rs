//! File output: atomic writes, so an interrupted run never leaves a half-written file,
//! checks that an output path is safe to replace, write errors that name the file
//! written, and (for the `factop` binary) the removal of unfinished temporary files when
//! SIGINT, SIGTERM or SIGHUP ends the process.

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
    match create_registered(&probe) {
        Ok((f, ticket)) => {
            drop(f);
            let _ = std::fs::remove_file(&probe);
            drop(ticket);
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
    f.write_all(bytes).map_err(output_error)?;
    f.commit()
}

/// The error of a failed write, naming the file that was being written: an
/// [`AtomicFile`]'s write errors carry its path (through any writer stacked on it: a
/// `BufWriter`, `serde_json`, the `csv` crate), and any other write error is standard
/// output's (`-`). The operating system's error and its kind are kept, so a closed pipe
/// is still told from a full disk.
pub fn output_error(e: std::io::Error) -> Error {
    if e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
        if let Some(Ok(named)) = e.into_inner().map(|inner| inner.downcast::<Error>()) {
            return *named;
        }
        // Unreachable: the check above found an `Error` inside.
        return Error::io("-", std::io::Error::other("write failed"));
    }
    Error::io("-", e)
}

/// `e` with `path` inside it, for [`output_error`] to find; its kind stays `e`'s.
fn naming(path: &Path, e: std::io::Error) -> std::io::Error {
    if e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
        return e;
    }
    std::io::Error::new(e.kind(), Error::io(path, e))
}

/// An output file written atomically: a new temporary file with an unpredictable name
/// is created in the same folder (never opening an existing file or following a link),
/// written, then on [`AtomicFile::commit`] flushed, synced, given the permissions of the
/// file it replaces and renamed over the path. Dropped without a commit (an error on
/// the way), it removes the temporary file and an existing file stays untouched. The
/// checks of [`check_output`] are made first. Write errors name the output's path (see
/// [`output_error`]). Until it is committed or dropped, the temporary file is in the
/// registry that [`remove_temporaries_on_signals`] empties when a signal ends factop.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
    permissions: Option<std::fs::Permissions>,
    /// Its place in the registry of temporary files; dropped last.
    _ticket: Ticket,
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
        let (tmp, f, ticket) = create_temp(&dir, &name).map_err(|e| Error::io(path, e))?;
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
            _ticket: ticket,
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
            // Renamed under the registry's lock: a signal arriving now finds the file
            // either still temporary (and removes it) or already in place, complete.
            let _live = live();
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
            Some(f) => f.write(buf).map_err(|e| naming(&self.path, e)),
            None => Err(naming(
                &self.path,
                std::io::Error::other("already committed"),
            )),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush().map_err(|e| naming(&self.path, e)),
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
/// an existing file or link of that name makes it try another name), and registered.
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File, Ticket)> {
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
        match create_registered(&tmp) {
            Ok((f, ticket)) => return Ok((tmp, f, ticket)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// An output written so that an interrupted run can be continued (`classify
/// --resume`): the records go straight to a file of its own name (`out.jsonl.partial`),
/// created or cut back to the length a checkpoint recorded, and appended to. Bytes
/// accepted are counted in [`AppendFile::counter`]: after a flush, the file holds
/// exactly that many. It is not a temporary file: a signal leaves it where it is, for
/// the next run to continue. Write errors name the file, as an [`AtomicFile`]'s do.
#[derive(Debug)]
pub struct AppendFile {
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    written: std::rc::Rc<std::cell::Cell<u64>>,
}

impl AppendFile {
    /// Open `path` for appending after its first `keep` bytes (the rest is cut away),
    /// creating it when `keep` is 0. A link, folder or device at `path` is refused.
    pub fn open(path: &Path, keep: u64) -> Result<Self> {
        match std::fs::symlink_metadata(path) {
            Ok(m) if !m.is_file() => {
                return Err(Error::DataFile {
                    path: path.to_path_buf(),
                    message: "is not a regular file; factop only continues regular files".into(),
                })
            }
            _ => {}
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true);
        if keep == 0 {
            options.create(true).truncate(true);
        }
        let f = options.open(path).map_err(|e| Error::io(path, e))?;
        f.set_len(keep).map_err(|e| Error::io(path, e))?;
        let mut file = std::io::BufWriter::with_capacity(1 << 16, f);
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(keep))
            .map_err(|e| Error::io(path, e))?;
        Ok(AppendFile {
            path: path.to_path_buf(),
            file,
            written: std::rc::Rc::new(std::cell::Cell::new(keep)),
        })
    }

    /// The count of bytes written to the file (its length once flushed).
    pub fn counter(&self) -> std::rc::Rc<std::cell::Cell<u64>> {
        self.written.clone()
    }

    /// Flush, sync and rename the file to `to`: the finished output appears complete.
    pub fn finish(mut self, to: &Path) -> Result<()> {
        self.file.flush().map_err(|e| Error::io(&self.path, e))?;
        let f = self
            .file
            .into_inner()
            .map_err(|e| Error::io(&self.path, e.into_error()))?;
        f.sync_all().map_err(|e| Error::io(&self.path, e))?;
        drop(f);
        std::fs::rename(&self.path, to).map_err(|e| Error::io(to, e))
    }
}

impl Write for AppendFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf).map_err(|e| naming(&self.path, e))?;
        self.written.set(self.written.get() + n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush().map_err(|e| naming(&self.path, e))
    }
}

/// The checkpoint a resumable run has posted last ([`post_checkpoint`]): written to
/// its file when a signal ends factop.
struct Checkpoint {
    path: PathBuf,
    contents: Vec<u8>,
    /// Posts so far.
    seq: u64,
    /// Whether `contents` is on disk already.
    saved: bool,
}

static CHECKPOINT: std::sync::Mutex<Option<Checkpoint>> = std::sync::Mutex::new(None);
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn checkpoint() -> std::sync::MutexGuard<'static, Option<Checkpoint>> {
    CHECKPOINT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Post a resumable run's latest checkpoint: `contents` for the file `path`, describing
/// output bytes already handed to the operating system. With `save`, it is written to
/// `path` now (atomically); otherwise only when a signal ends factop, by the signal
/// thread, so that the next run continues from here.
pub fn post_checkpoint(path: &Path, contents: Vec<u8>, save: bool) -> Result<()> {
    let mut slot = checkpoint();
    let seq = slot.as_ref().map_or(0, |c| c.seq) + 1;
    if save {
        write_atomic(path, &contents)?;
    }
    *slot = Some(Checkpoint {
        path: path.to_path_buf(),
        contents,
        seq,
        saved: save,
    });
    Ok(())
}

/// Write the last checkpoint posted, if it is not on disk yet (a resumable run that
/// stops on an error keeps what it completed).
pub fn save_checkpoint() -> Result<()> {
    let mut slot = checkpoint();
    if let Some(c) = slot.as_mut().filter(|c| !c.saved) {
        write_atomic(&c.path, &c.contents)?;
        c.saved = true;
    }
    Ok(())
}

/// No checkpoint is written from here on (the output is being completed).
pub fn stop_checkpoints() {
    *checkpoint() = None;
}

/// Whether a signal has asked a resumable run to post its checkpoint and stop: it then
/// calls [`post_checkpoint`] once more, at a record's boundary, and [`wait_for_end`].
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Wait for the signal thread to end the process (after an [`interrupted`] run posted
/// its last checkpoint).
pub fn wait_for_end() -> ! {
    loop {
        std::thread::park();
    }
}

/// On a signal, with a resumable run in progress: ask it for a last checkpoint (up to
/// a second, or until a second signal), write the latest one, and keep the lock so that
/// nothing replaces it before the process ends.
#[cfg(unix)]
fn save_last_checkpoint(
    signals: &mut signal_hook::iterator::Signals,
) -> Option<std::sync::MutexGuard<'static, Option<Checkpoint>>> {
    let seq = checkpoint().as_ref()?.seq;
    INTERRUPTED.store(true, std::sync::atomic::Ordering::Relaxed);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while std::time::Instant::now() < deadline && signals.pending().next().is_none() {
        if checkpoint().as_ref().is_none_or(|c| c.seq > seq) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let slot = checkpoint();
    if let Some(c) = slot.as_ref().filter(|c| !c.saved) {
        let _ = write_atomic(&c.path, &c.contents);
    }
    Some(slot)
}

/// The temporary files factop has created and not yet renamed or removed. They are
/// created, renamed into place and removed from it under its lock, so the cleanup after
/// a signal, which holds the lock until the process ends, sees every one that exists.
///
/// Every entry's file is removed when a signal ends factop (the output's path keeps
/// what it held). A resumable run (`classify --resume`) writes its records to an
/// [`AppendFile`] instead, which is not registered: a signal leaves it, with its last
/// checkpoint ([`post_checkpoint`]) written beside it.
struct Registry {
    next: u64,
    files: Vec<Live>,
}

/// One registered temporary file.
struct Live {
    id: u64,
    tmp: PathBuf,
}

static LIVE: std::sync::Mutex<Registry> = std::sync::Mutex::new(Registry {
    next: 0,
    files: Vec::new(),
});

/// The registry, locked (a panic elsewhere does not make it unusable).
fn live() -> std::sync::MutexGuard<'static, Registry> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A registered temporary file's entry: dropping it takes the entry out (after the file
/// was renamed or removed).
#[derive(Debug)]
struct Ticket(u64);

impl Drop for Ticket {
    fn drop(&mut self) {
        live().files.retain(|f| f.id != self.0);
    }
}

/// Create `tmp` exclusively and register it, in one step under the registry's lock.
fn create_registered(tmp: &Path) -> std::io::Result<(std::fs::File, Ticket)> {
    let mut live = live();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)?;
    let id = live.next;
    live.next += 1;
    live.files.push(Live {
        id,
        tmp: tmp.to_path_buf(),
    });
    Ok((f, Ticket(id)))
}

/// The temporary files registered now (for tests).
#[cfg(test)]
fn registered() -> Vec<PathBuf> {
    live().files.iter().map(|f| f.tmp.clone()).collect()
}

/// From now on, when SIGINT (Ctrl-C), SIGTERM or SIGHUP arrives, remove every
/// temporary file of an unfinished write ([`AtomicFile`]), then let the signal end the
/// process as it would have without factop's handler: the caller sees a process killed
/// by that signal (a shell reports 128 + its number: 130 for SIGINT, 143 for SIGTERM,
/// 129 for SIGHUP), the output's path keeps what it held, and no `.NAME.RANDOM.tmp` is
/// left. A signal the caller ignores (`nohup` ignores SIGHUP, a shell's background job
/// SIGINT) stays ignored.
///
/// The signals are received on a thread of their own (the handler itself only writes
/// a byte to a pipe, which is async-signal-safe), and the files are removed from there.
/// For programs that write files and have no signal handling of their own: the
/// `factop` binary calls it for every command but `serve`, whose server shuts down
/// gracefully on SIGINT and SIGTERM instead. Library users are left alone.
#[cfg(unix)]
pub fn remove_temporaries_on_signals() -> std::io::Result<()> {
    use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGTERM};
    let watched: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|&s| !ignored(s))
        .collect();
    if watched.is_empty() {
        return Ok(());
    }
    let mut signals = signal_hook::iterator::Signals::new(&watched)?;
    std::thread::Builder::new()
        .name("factop-signals".into())
        .spawn(move || {
            let first = signals.forever().next();
            if let Some(signal) = first {
                // A resumable run's checkpoint first (it writes a temporary file of its
                // own); held until the process ends.
                let _checkpoint = save_last_checkpoint(&mut signals);
                // Held until the process ends: no temporary file is created, renamed
                // or forgotten from here on.
                let live = live();
                for f in &live.files {
                    let _ = std::fs::remove_file(&f.tmp);
                }
                // The default action of these three signals ends the process; if it
                // could not be restored, exit as a shell reports a signal's end.
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                signal_hook::low_level::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// Whether `signal` is ignored (`SIG_IGN`) in this process, as `nohup` leaves SIGHUP.
#[cfg(unix)]
fn ignored(signal: i32) -> bool {
    let mut old = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: with a null new action, sigaction only writes the current action of
    // `signal` into `old`, a valid, writable, zero-initialised sigaction; it changes
    // nothing in the process.
    let status = unsafe { libc::sigaction(signal, std::ptr::null(), old.as_mut_ptr()) };
    if status != 0 {
        return false;
    }
    // SAFETY: `old` was zero-initialised (a valid sigaction) and sigaction filled it.
    let old = unsafe { old.assume_init() };
    old.sa_sigaction == libc::SIG_IGN
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

    /// The registered temporary files in `dir` (other tests run beside this one).
    fn registered_in(dir: &Path) -> Vec<PathBuf> {
        registered()
            .into_iter()
            .filter(|p| p.starts_with(dir))
            .collect()
    }

    #[test]
    fn temporary_files_are_registered_while_they_exist() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        // Committed: registered while written, out of the registry once in place.
        let mut f = AtomicFile::create(&p).unwrap();
        let live = registered_in(dir.path());
        assert_eq!(live.len(), 1);
        assert!(live[0].is_file());
        assert!(live[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".out.json."));
        f.write_all(b"new").unwrap();
        f.commit().unwrap();
        assert_eq!(registered_in(dir.path()), Vec::<PathBuf>::new());
        // Dropped: removed and out of the registry.
        let f = AtomicFile::create(&p).unwrap();
        let live = registered_in(dir.path());
        assert_eq!(live.len(), 1);
        drop(f);
        assert!(!live[0].exists());
        assert_eq!(registered_in(dir.path()), Vec::<PathBuf>::new());
        // The output check's probe is not left registered either.
        check_output(&dir.path().join("other.json")).unwrap();
        assert_eq!(registered_in(dir.path()), Vec::<PathBuf>::new());
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
    }

    /// A writer that fails as a full disk does.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from_raw_os_error(28))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::Error::from_raw_os_error(28))
        }
    }

    /// [`Full`] as an output file's writer: its errors name the file, as an
    /// [`AtomicFile`]'s do.
    struct FullFile(PathBuf);

    impl Write for FullFile {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            Full.write(buf).map_err(|e| naming(&self.0, e))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Full.flush().map_err(|e| naming(&self.0, e))
        }
    }

    /// The message of a failed write of `value` through a `BufWriter`, `serde_json` and
    /// the `csv` crate, in that order, on `out`.
    fn messages(mut out: impl FnMut() -> Box<dyn Write>) -> [String; 3] {
        let mut buffered = std::io::BufWriter::new(out());
        let e = buffered
            .write_all(b"x")
            .and_then(|()| buffered.flush())
            .unwrap_err();
        let buffered = output_error(e).to_string();
        let e = serde_json::to_writer(out(), &[1, 2]).unwrap_err();
        let json = output_error(e.into()).to_string();
        let mut w = csv::Writer::from_writer(out());
        let e = w
            .write_record(["a", "b"])
            .and_then(|()| w.flush().map_err(Into::into))
            .unwrap_err();
        let csv = match e.into_kind() {
            csv::ErrorKind::Io(e) => output_error(e).to_string(),
            other => format!("{other:?}"),
        };
        [buffered, json, csv]
    }

    #[test]
    fn a_failed_write_names_the_file_through_every_layer() {
        let full = "No space left on device (os error 28)";
        assert_eq!(
            messages(|| Box::new(FullFile(PathBuf::from("out.json")))),
            [(); 3].map(|()| format!("out.json: {full}"))
        );
        // Standard output's writer names nothing: it is `-`.
        assert_eq!(
            messages(|| Box::new(Full)),
            [(); 3].map(|()| format!("-: {full}"))
        );
        // The kind is kept: a closed pipe is still told apart.
        let piped = naming(
            Path::new("out.json"),
            std::io::Error::from(std::io::ErrorKind::BrokenPipe),
        );
        assert_eq!(piped.kind(), std::io::ErrorKind::BrokenPipe);
        match output_error(piped) {
            Error::Io { path, os } => {
                assert_eq!(path, Path::new("out.json"));
                assert_eq!(os.kind(), std::io::ErrorKind::BrokenPipe);
            }
            other => panic!("{other}"),
        }
        // Named once, however many layers name it.
        let twice = naming(
            Path::new("a"),
            naming(Path::new("b"), std::io::Error::from_raw_os_error(28)),
        );
        assert_eq!(output_error(twice).to_string(), format!("b: {full}"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever the output's name and whatever stands at its path, once the write
        /// has ended (committed, refused or failed) none of its temporary files is
        /// left on disk or in the registry.
        #[test]
        fn no_temporary_file_outlives_its_write(
            name in "[^/\\x00]{1,60}",
            setup in 0u8..3,
            commit in proptest::bool::ANY,
        ) {
            proptest::prop_assume!(name != "." && name != "..");
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join(&name);
            match setup {
                1 => std::fs::write(&p, b"old").unwrap(),
                2 => std::fs::create_dir(&p).unwrap(),
                _ => {}
            }
            if let Ok(mut f) = AtomicFile::create(&p) {
                proptest::prop_assert_eq!(registered_in(dir.path()).len(), 1);
                f.write_all(name.as_bytes()).unwrap();
                if commit {
                    f.commit().unwrap();
                }
            }
            proptest::prop_assert_eq!(registered_in(dir.path()), Vec::<PathBuf>::new());
            let left: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .filter(|n| n != name.as_str())
                .collect();
            proptest::prop_assert!(left.is_empty(), "{:?}", left);
        }
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
