//! `classify -o FILE --resume`: a run that an interrupt (Ctrl-C, SIGTERM, SIGHUP, a
//! killed job) does not waste. Records go to `FILE.partial`; beside it, `FILE.resume`
//! (JSON) records what the run is (a fingerprint of its options, model and input names)
//! and how far it got (a checkpoint: output bytes, and the input bytes read with their
//! SHA-256). The same command run again checks both, cuts the partial output back to
//! the checkpoint and continues from there; the finished output is byte for byte that
//! of one uninterrupted run, renamed to FILE, and `FILE.resume` is removed.

use super::records::Consumed;
use crate::cli::output::Format;
use crate::cli::safe::shown;
use factop::io::AppendFile;
use factop::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::cell::Cell;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The version of the `.resume` file's layout.
const LAYOUT: u32 = 1;
/// A checkpoint is posted (kept in memory, for a signal to write) at least this often,
/// at a line's or a record's boundary.
const POST_EVERY: Duration = Duration::from_millis(200);
/// It is written to disk at least this often (what survives SIGKILL or a crash).
const SAVE_EVERY: Duration = Duration::from_secs(5);

/// What makes a run's output what it is: every option that changes a byte of it, the
/// model and the names of the inputs (they appear in the output). Thread counts,
/// `--quiet` and progress change nothing and are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub factop: String,
    pub format: String,
    /// `--model` as given (`en` when not given).
    pub model: String,
    /// SHA-256 of the named model as loaded (its file's contents, or the built-in
    /// model's); `None` under `auto`, whose models are the built-in ones of this
    /// factop version.
    pub model_sha256: Option<String>,
    pub accurate: bool,
    pub threshold: Option<f64>,
    /// Features explained per label (0: no `--explain`).
    pub explain_top: usize,
    pub no_split: bool,
    pub input_format: String,
    pub text_column: Option<String>,
    pub id_column: Option<String>,
    pub inputs: Vec<String>,
}

impl Fingerprint {
    /// The first difference between the interrupted run (`self`) and this one, as
    /// "the interrupted run had X, this one has Y".
    fn difference(&self, now: &Fingerprint) -> Option<String> {
        let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "none".into());
        let fields: [(&str, String, String); 11] = [
            ("factop version", self.factop.clone(), now.factop.clone()),
            ("--format", self.format.clone(), now.format.clone()),
            ("--model", self.model.clone(), now.model.clone()),
            (
                "a model with SHA-256",
                opt(&self.model_sha256),
                opt(&now.model_sha256),
            ),
            (
                "--accurate",
                self.accurate.to_string(),
                now.accurate.to_string(),
            ),
            (
                "--threshold",
                self.threshold.map_or("none".into(), |t| t.to_string()),
                now.threshold.map_or("none".into(), |t| t.to_string()),
            ),
            (
                "explained features (--explain, --top)",
                self.explain_top.to_string(),
                now.explain_top.to_string(),
            ),
            (
                "--no-split",
                self.no_split.to_string(),
                now.no_split.to_string(),
            ),
            (
                "--input-format",
                self.input_format.clone(),
                now.input_format.clone(),
            ),
            (
                "--text-column, --id-column",
                format!("{} {}", opt(&self.text_column), opt(&self.id_column)),
                format!("{} {}", opt(&now.text_column), opt(&now.id_column)),
            ),
            ("inputs", self.inputs.join(" "), now.inputs.join(" ")),
        ];
        fields
            .into_iter()
            .find(|(_, a, b)| a != b)
            .map(|(what, a, b)| {
                format!(
                    "the interrupted run had {what} {}, this one has {}",
                    shown(&a),
                    shown(&b)
                )
            })
    }
}

/// SHA-256 as lowercase hex.
pub fn hex(hash: &Sha256) -> String {
    use std::fmt::Write;
    hash.clone()
        .finalize()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// An input read to its end: its size and SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoneFile {
    pub bytes: u64,
    pub sha256: String,
}

/// Counts over a `--no-split` input's records so far (for its notes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TallyCounts {
    pub sentences: usize,
    pub fact: usize,
    pub opinion: usize,
    pub empty: usize,
    pub fallback: usize,
}

/// How far a run got: `output_bytes` of output stand for the inputs in `done`, read
/// whole, and the first `offset` bytes of the next one (input `done.len()`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub output_bytes: u64,
    pub done: Vec<DoneFile>,
    /// Bytes of the current input read, and their SHA-256.
    pub offset: u64,
    pub sha256: String,
    /// Lines of the current input read.
    pub line: u64,
    /// Records of the current input written (JSON Lines, tables, `--no-split`).
    pub records: u64,
    /// Sentences of the current document written (plain text).
    pub index: usize,
    /// Bytes of the current document its model was chosen from (plain text).
    pub detect: usize,
    /// Documents begun so far.
    pub documents: usize,
    pub tally: TallyCounts,
}

impl Checkpoint {
    /// Where the current input's reader stands, for [`super::records::Records::resume_at`].
    pub fn consumed(&self, hash: Sha256) -> Consumed {
        Consumed {
            bytes: self.offset,
            hash: Some(hash),
            line: self.line,
            number: self.records,
        }
    }
}

/// The `.resume` file.
#[derive(Debug, Serialize, Deserialize)]
struct State {
    factop_resume: u32,
    fingerprint: Fingerprint,
    checkpoint: Checkpoint,
}

/// A resumable run in progress.
pub struct Resumable {
    output: PathBuf,
    partial: PathBuf,
    sidecar: PathBuf,
    fingerprint: Fingerprint,
    written: Rc<Cell<u64>>,
    /// Where this run started (the default: from the beginning).
    pub from: Checkpoint,
    done: Vec<DoneFile>,
    last_post: Instant,
    last_save: Instant,
}

/// `path` with `suffix` added to its name.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

impl Resumable {
    /// Start or continue the resumable run writing `output`:
    /// - neither `output.partial` nor `output.resume` exists: a new run (refused when
    ///   `output` exists: it is complete, and there is nothing to continue);
    /// - both exist: continue, if the fingerprint is this run's;
    /// - only one of them: refused (what is left cannot be continued safely).
    pub fn start(output: &Path, fingerprint: Fingerprint) -> Result<(Resumable, AppendFile)> {
        let partial = beside(output, ".partial");
        let sidecar = beside(output, ".resume");
        factop::io::check_output(&partial)?;
        factop::io::check_output(&sidecar)?;
        let refuse = |why: String| Error::DataFile {
            path: output.to_path_buf(),
            message: format!("cannot resume: {why}"),
        };
        let name = |p: &Path| shown(&p.display().to_string()).to_string();
        let state = match std::fs::read(&sidecar) {
            Ok(bytes) => Some(serde_json::from_slice::<State>(&bytes).map_err(|e| {
                refuse(format!(
                    "{} is damaged ({e}); remove it and {} to start over",
                    name(&sidecar),
                    name(&partial)
                ))
            })?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(&sidecar, e)),
        };
        let partial_len = match std::fs::metadata(&partial) {
            Ok(m) => Some(m.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(&partial, e)),
        };
        let from = match (state, partial_len) {
            (None, None) if output.exists() => {
                return Err(refuse(format!(
                    "it is complete already (there is no {} beside it); remove it, or leave out --resume, to classify again",
                    name(&partial)
                )))
            }
            (None, None) => None,
            (None, Some(_)) => {
                return Err(refuse(format!(
                    "{} has no {} beside it, which says how to continue; remove {} to start over",
                    name(&partial),
                    name(&sidecar),
                    name(&partial)
                )))
            }
            (Some(s), None) if s.checkpoint.output_bytes == 0 => None,
            (Some(_), None) => {
                return Err(refuse(format!(
                    "{} is missing; remove {} to start over",
                    name(&partial),
                    name(&sidecar)
                )))
            }
            (Some(s), Some(len)) => {
                if s.factop_resume != LAYOUT {
                    return Err(refuse(format!(
                        "{} has layout {}, this factop reads {LAYOUT}; remove it and {} to start over",
                        name(&sidecar),
                        s.factop_resume,
                        name(&partial)
                    )));
                }
                if let Some(d) = s.fingerprint.difference(&fingerprint) {
                    return Err(refuse(format!(
                        "{d}; run it as before, or remove {} and {} to start over",
                        name(&partial),
                        name(&sidecar)
                    )));
                }
                if len < s.checkpoint.output_bytes {
                    return Err(refuse(format!(
                        "{} has {len} bytes, fewer than the {} its checkpoint records; remove it and {} to start over",
                        name(&partial),
                        s.checkpoint.output_bytes,
                        name(&sidecar)
                    )));
                }
                Some(s.checkpoint)
            }
        };
        let now = Instant::now();
        let mut run = Resumable {
            output: output.to_path_buf(),
            partial: partial.clone(),
            sidecar,
            fingerprint,
            written: Rc::new(Cell::new(0)),
            from: Checkpoint::default(),
            done: Vec::new(),
            last_post: now,
            last_save: now,
        };
        let file = match from {
            Some(cp) => {
                // Bytes past the checkpoint are a record cut short (or records the
                // checkpoint did not reach): they are written again.
                let file = AppendFile::open(&partial, cp.output_bytes)?;
                run.done = cp.done.clone();
                run.from = cp;
                file
            }
            None => {
                // The checkpoint of nothing done comes first: a partial file never
                // stands without one.
                run.save(Checkpoint::default())?;
                AppendFile::open(&partial, 0)?
            }
        };
        run.written = file.counter();
        Ok((run, file))
    }

    /// Whether this run continues an earlier one that wrote something.
    pub fn continues(&self) -> bool {
        self.from.output_bytes > 0
    }

    /// The input this run continues in (inputs before it were read whole).
    pub fn current(&self) -> usize {
        self.from.done.len()
    }

    /// The message for input `path` that is not what the interrupted run read.
    pub fn changed(&self, path: &Path, bytes: u64) -> Error {
        let what = if path == Path::new("-") {
            "standard input".to_string()
        } else {
            shown(&path.display().to_string()).to_string()
        };
        Error::DataFile {
            path: self.output.clone(),
            message: format!(
                "cannot resume: {what} is not the input the interrupted run read (its first {bytes} bytes differ); use the same input, or remove {} and {} to start over",
                shown(&self.partial.display().to_string()),
                shown(&self.sidecar.display().to_string())
            ),
        }
    }

    /// Check that input `i`, which the interrupted run read to its end, is unchanged
    /// (it is read again, whole).
    pub fn verify_done(&self, i: usize, path: &Path) -> Result<()> {
        let Some(expected) = self.from.done.get(i) else {
            return Ok(());
        };
        let mut reader = open(path)?;
        let (hash, got, _) = read_prefix(&mut reader, path, u64::MAX, 0)?;
        if got != expected.bytes || hex(&hash) != expected.sha256 {
            return Err(self.changed(path, expected.bytes));
        }
        Ok(())
    }

    /// Read the first `offset` bytes of the current input from `reader` (which then
    /// stands there) and check them against the checkpoint; returns their hash, to go
    /// on with, and the first `keep` bytes.
    pub fn verify_prefix(
        &self,
        reader: &mut dyn BufRead,
        path: &Path,
        keep: usize,
    ) -> Result<(Sha256, Vec<u8>)> {
        let (hash, got, kept) = read_prefix(reader, path, self.from.offset, keep)?;
        if got != self.from.offset || hex(&hash) != self.from.sha256 {
            return Err(self.changed(path, self.from.offset));
        }
        Ok((hash, kept))
    }

    /// Input `bytes` long with SHA-256 `hash` was read to its end.
    pub fn file_done(&mut self, bytes: u64, hash: &Sha256) {
        self.done.push(DoneFile {
            bytes,
            sha256: hex(hash),
        });
    }

    /// At a line's or record's boundary: post a checkpoint when one is due (every
    /// [`POST_EVERY`], when the input has nothing more buffered and reading may wait,
    /// when asked to by `force`, and when a signal has come); `at` says where the run
    /// stands. After a signal, the process ends here.
    pub fn tick(
        &mut self,
        out: &mut dyn Format,
        force: bool,
        at: impl FnOnce() -> Checkpoint,
    ) -> Result<()> {
        let interrupted = factop::io::interrupted();
        if !(force || interrupted || self.last_post.elapsed() >= POST_EVERY) {
            return Ok(());
        }
        out.flush()?;
        let mut cp = at();
        cp.output_bytes = self.written.get();
        cp.done = self.done.clone();
        let save = self.last_save.elapsed() >= SAVE_EVERY;
        self.post(cp, save)?;
        if interrupted {
            factop::io::wait_for_end();
        }
        Ok(())
    }

    fn save(&mut self, cp: Checkpoint) -> Result<()> {
        self.post(cp, true)
    }

    fn post(&mut self, checkpoint: Checkpoint, save: bool) -> Result<()> {
        let state = State {
            factop_resume: LAYOUT,
            fingerprint: self.fingerprint.clone(),
            checkpoint,
        };
        let mut bytes = serde_json::to_vec_pretty(&state)
            .map_err(|e| Error::io(&self.sidecar, std::io::Error::other(e)))?;
        bytes.push(b'\n');
        factop::io::post_checkpoint(&self.sidecar, bytes, save)?;
        let now = Instant::now();
        self.last_post = now;
        if save {
            self.last_save = now;
        }
        Ok(())
    }

    /// The run is complete: the output appears at its path, and the `.resume` file goes.
    pub fn finish(self, file: AppendFile) -> Result<()> {
        factop::io::stop_checkpoints();
        file.finish(&self.output)?;
        match std::fs::remove_file(&self.sidecar) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&self.sidecar, e)),
            _ => Ok(()),
        }
    }
}

/// An input opened for reading (`-`: standard input).
pub fn open(path: &Path) -> Result<Box<dyn BufRead>> {
    if path == Path::new("-") {
        return Ok(Box::new(std::io::BufReader::with_capacity(
            1 << 16,
            std::io::stdin().lock(),
        )));
    }
    factop::data::check_input(path, None)?;
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(Box::new(std::io::BufReader::with_capacity(1 << 16, f)))
}

/// Read up to `n` bytes of `reader`, hashing them; returns the hash, the count read
/// (less than `n` at the end of the input) and the first `keep` of them.
pub fn read_prefix(
    reader: &mut dyn BufRead,
    path: &Path,
    n: u64,
    keep: usize,
) -> Result<(Sha256, u64, Vec<u8>)> {
    let mut hash = Sha256::new();
    let mut kept = Vec::new();
    let mut got = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    while got < n {
        let want = usize::try_from(n - got).map_or(buf.len(), |w| w.min(buf.len()));
        let read = match reader.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(path, e)),
        };
        let chunk = &buf[..read];
        hash.update(chunk);
        if kept.len() < keep {
            kept.extend_from_slice(&chunk[..chunk.len().min(keep - kept.len())]);
        }
        got += read as u64;
    }
    Ok((hash, got, kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint() -> Fingerprint {
        Fingerprint {
            factop: "0.1.0".into(),
            format: "jsonl".into(),
            model: "en".into(),
            model_sha256: Some("ab".into()),
            accurate: false,
            threshold: None,
            explain_top: 0,
            no_split: false,
            input_format: "text".into(),
            text_column: None,
            id_column: None,
            inputs: vec!["a.txt".into()],
        }
    }

    #[test]
    fn the_first_difference_is_named() {
        let a = fingerprint();
        assert_eq!(a.difference(&a.clone()), None);
        let mut b = a.clone();
        b.threshold = Some(0.7);
        assert_eq!(
            a.difference(&b).as_deref(),
            Some("the interrupted run had --threshold none, this one has 0.7")
        );
        let mut c = a.clone();
        c.model_sha256 = Some("cd".into());
        assert_eq!(
            a.difference(&c).as_deref(),
            Some("the interrupted run had a model with SHA-256 ab, this one has cd")
        );
    }

    #[test]
    fn a_prefix_is_read_and_hashed_exactly() {
        let data = b"one\ntwo\nthree\n";
        let mut r: &[u8] = data;
        let (hash, got, kept) = read_prefix(&mut r, Path::new("x"), 8, 3).unwrap();
        assert_eq!((got, kept.as_slice()), (8, &b"one"[..]));
        assert_eq!(hex(&hash), hex(&Sha256::new_with_prefix(b"one\ntwo\n")));
        assert_eq!(r, b"three\n");
        let mut r: &[u8] = data;
        let (_, got, _) = read_prefix(&mut r, Path::new("x"), u64::MAX, 0).unwrap();
        assert_eq!(got, data.len() as u64);
    }
}
