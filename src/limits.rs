//! Documented limits that keep pathological input from exhausting memory or time, and
//! the one definition of each range a setting or model number must lie in.

/// Largest labelled data file `train` and `eval` read: 1 GiB.
pub const MAX_DATA_FILE_BYTES: u64 = 1 << 30;

/// Largest model file `--model` reads: 256 MiB.
pub const MAX_MODEL_FILE_BYTES: u64 = 256 << 20;

/// Most vocabulary terms a model may have: 1,000,000 (factop's own models have 3,007 to
/// 22,888; `train --max-features` keeps 8,000 by default). A longer list stops the
/// parse at its first entry over the bound. With [`MAX_MODEL_FILE_BYTES`] this bounds
/// the memory a model takes to load: the measured peak is about 3 times the terms'
/// bytes plus 180 bytes a term, so at most about 950 MB for the largest model factop
/// loads (1 M terms filling 256 MiB); `docs/robustness.md` has the measurements.
pub const MAX_MODEL_TERMS: usize = 1_000_000;

/// Most dimensions of a model's encoder block: 4,096 (`e5-small` has 384).
pub const MAX_MODEL_DIMENSIONS: usize = 4096;

/// Most entries of any other list in a model file (blocks, cues, scales tried): 1,024.
pub const MAX_MODEL_LIST: usize = 1024;

/// Longest input line `classify` reads: 16 MiB. A longer line is refused with its
/// line number (news text has no such lines; this bounds memory on a file with no
/// newlines at all).
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Longest text (or id) cell of a labelled data file: 1 MiB. A sentence, even a long
/// paragraph, is far shorter; the limit bounds the memory one row's analysis takes
/// (a 200 MB cell once took training to 15 GB), and a longer cell is refused with its
/// line number.
pub const MAX_CELL_BYTES: usize = 1 << 20;

/// Longest id a record may have: 1,024 bytes (a JSON Lines id's length is that of its
/// string, or of its JSON text when it is not a string). Every output record repeats
/// its id, so a long id would multiply the output (a 100 KB id on 1,000 sentences made
/// 100 MB); a longer id is refused with its file and line.
pub const MAX_ID_BYTES: usize = 1024;

/// Longest model name: 256 bytes. The name is repeated on every `classify --format
/// jsonl` line; `train --name` and model loading refuse a longer one.
pub const MAX_MODEL_NAME_BYTES: usize = 256;

/// The message for an id of `len` bytes when it is over [`MAX_ID_BYTES`].
pub fn id_too_long(len: usize) -> Option<String> {
    (len > MAX_ID_BYTES)
        .then(|| format!("the id is {len} bytes; an id may have at most {MAX_ID_BYTES} bytes"))
}

/// Check a model name against [`MAX_MODEL_NAME_BYTES`].
pub fn check_model_name(name: &str) -> crate::Result<()> {
    if name.len() > MAX_MODEL_NAME_BYTES {
        return Err(crate::Error::Param(format!(
            "the model name is {} bytes; a name may have at most {MAX_MODEL_NAME_BYTES} bytes",
            name.len()
        )));
    }
    Ok(())
}

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

/// The largest magnitude of any number in a model file (weights, intercept, idf, cue
/// means and multipliers). Feature values are bounded (TF-IDF rows are L2-normalised,
/// raw cues are shares or logarithms of counts), so with every number within this
/// bound the logit of every possible sentence is finite and scoring never gives NaN.
pub const MAX_MODEL_NUMBER: f64 = 1e6;

/// `train --alpha`: the L2 penalty.
pub const ALPHA: std::ops::RangeInclusive<f64> = 1e-6..=1e6;

/// `train --cue-scale`: the factor on standardised cues.
pub const CUE_SCALE: std::ops::RangeInclusive<f64> = 0.0..=100.0;

/// `train --encoder-scale`: the encoder block's multiplier of standardised embeddings.
pub const ENCODER_SCALE: std::ops::RangeInclusive<f64> = 0.0..=100.0;

/// A cue whose training standard deviation is below this gets multiplier 0 (it is as
/// good as constant); with [`CUE_SCALE`] this keeps every multiplier within
/// [`MAX_MODEL_NUMBER`].
pub const MIN_CUE_SD: f64 = 1e-4;

/// `train --max-iterations`.
pub const MAX_ITERATIONS: std::ops::RangeInclusive<u64> = 1..=100_000;

/// `train --tolerance`.
pub const TOLERANCE: std::ops::RangeInclusive<f64> = 1e-12..=1.0;

/// `train --threshold-folds` (and at most the number of training rows).
pub const THRESHOLD_FOLDS: std::ops::RangeInclusive<usize> = 2..=100;

/// `classify --threads`.
pub const THREADS: std::ops::RangeInclusive<usize> = 1..=256;
