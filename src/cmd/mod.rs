//! The subcommands: argument-to-library glue, one file each.

pub mod classify;
pub mod docs;
pub mod eval;
pub mod inspect;
pub mod train;

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::model::Classifier;
use std::path::PathBuf;

/// Run a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Train(a) => train::run(a),
        Command::Classify(a) => classify::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Completions(a) => docs::completions(a.shell),
        Command::Man => docs::man(),
    }
}

/// Load `--model`, or the embedded default model.
pub fn load_model(path: Option<&PathBuf>) -> crate::Result<Classifier> {
    match path {
        Some(p) => Classifier::load(p),
        None => Classifier::embedded(),
    }
}

/// Check a `--threshold` value.
pub fn check_threshold(t: Option<f64>) -> crate::Result<()> {
    match t {
        Some(t) if !(0.0..=1.0).contains(&t) => Err(Error::Param(format!(
            "--threshold must be between 0 and 1, not {t}"
        ))),
        _ => Ok(()),
    }
}

/// The exit code for an error: 2 for bad input or usage, 0 for a closed output pipe,
/// 1 for anything else.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<Error>() {
            if let Error::Io { source, .. } = e {
                if source.kind() == std::io::ErrorKind::BrokenPipe {
                    return 0;
                }
            }
            return if e.is_bad_input() { 2 } else { 1 };
        }
        if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return 0;
            }
        }
    }
    1
}
