//! Documented limits that keep pathological input from exhausting memory or time, and
//! the one definition of each range a setting or model number must lie in.

/// Largest labelled data file `train` and `eval` read: 1 GiB.
pub const MAX_DATA_FILE_BYTES: u64 = 1 << 30;

/// Largest model file `--model` reads: 256 MiB.
pub const MAX_MODEL_FILE_BYTES: u64 = 256 << 20;

/// Longest input line `classify` reads: 16 MiB. A longer line is refused with its
/// line number (news text has no such lines; this bounds memory on a file with no
/// newlines at all).
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Longest word n-gram a model may use.
pub const MAX_NGRAM: usize = 4;

/// Whether `min..=max` is a valid word n-gram range: `1 <= min <= max <= MAX_NGRAM`.
pub fn ngram_range_ok(min: usize, max: usize) -> bool {
    (1..=MAX_NGRAM).contains(&min) && (min..=MAX_NGRAM).contains(&max)
}

/// The range of every decision threshold on P(opinion): a model's, `--threshold` and
/// `train --fixed-threshold`.
pub const THRESHOLD: std::ops::RangeInclusive<f64> = 0.0..=1.0;

/// Check a decision threshold against [`THRESHOLD`]; `what` names it in the message.
pub fn check_threshold(what: &str, t: f64) -> crate::Result<f64> {
    if THRESHOLD.contains(&t) {
        Ok(t)
    } else {
        Err(crate::Error::Param(format!(
            "{what} must be between 0 and 1, not {t}"
        )))
    }
}
