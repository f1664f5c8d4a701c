//! Documented limits that keep pathological input from exhausting memory or time.

/// Largest labelled data file `train` and `eval` read: 1 GiB.
pub const MAX_DATA_FILE_BYTES: u64 = 1 << 30;

/// Largest model file `--model` reads: 256 MiB.
pub const MAX_MODEL_FILE_BYTES: u64 = 256 << 20;

/// Longest input line `classify` reads: 16 MiB. A longer line is refused with its
/// line number (news text has no such lines; this bounds memory on a file with no
/// newlines at all).
pub const MAX_LINE_BYTES: usize = 16 << 20;
