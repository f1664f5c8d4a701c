//! The subcommands: argument-to-library glue, one file each.

pub mod choose;
pub mod classify;
pub mod docs;
pub mod encoder;
pub mod eval;
pub mod inspect;
pub mod records;
pub mod resume;
pub mod train;

use crate::cli::args::{Cli, Command};
use factop::model::Classifier;

/// Run a parsed command line; `matches` tells which flags were given.
pub fn run(cli: Cli, matches: &clap::ArgMatches) -> anyhow::Result<()> {
    match cli.command {
        Command::Train(a) => train::run(a),
        Command::Classify(a) => classify::run(a),
        Command::Eval(a) => {
            let given = matches.subcommand_matches("eval");
            eval::run(a, given)
        }
        Command::Inspect(a) => inspect::run(a),
        Command::Encoder(c) => encoder::run(c),
        Command::Serve(a) => crate::cli::serve::run(a),
        Command::Completions(a) => docs::completions(a.shell),
        Command::Man => docs::man(),
    }
}

/// Load `--model` (a built-in name or a path), or the embedded default model.
pub fn load_model(arg: Option<&str>) -> factop::Result<Classifier> {
    choose::ModelSpec::parse(arg)?.load()
}

/// `--borrow-weight` and `--own-vocabulary` concern borrowed rows: without `--borrow`
/// they would change nothing, so they are refused rather than ignored.
pub fn check_borrow_flags(
    tuning: &crate::cli::args::TuningArgs,
    borrow: &[std::path::PathBuf],
) -> anyhow::Result<()> {
    if tuning.borrow_weight != 1.0 && borrow.is_empty() {
        return Err(
            factop::Error::Param("--borrow-weight applies only with --borrow".into()).into(),
        );
    }
    if tuning.own_vocabulary && borrow.is_empty() {
        return Err(
            factop::Error::Param("--own-vocabulary applies only with --borrow".into()).into(),
        );
    }
    Ok(())
}

/// Check, before any work, that each output can be written and is none of the
/// inputs: `outputs` are (flag, path) pairs, `inputs` the files the command reads.
pub fn check_outputs(
    outputs: &[(&str, &std::path::Path)],
    inputs: &[&std::path::Path],
) -> factop::Result<()> {
    for (flag, out) in outputs {
        factop::io::check_output(out)?;
        if let Some(input) = inputs.iter().find(|i| factop::io::same_file(out, i)) {
            return Err(factop::Error::Param(format!(
                "{flag} {} is also an input ({}); it would be overwritten",
                crate::cli::safe::shown(&out.display().to_string()),
                crate::cli::safe::shown(&input.display().to_string())
            )));
        }
    }
    for (i, (flag, out)) in outputs.iter().enumerate() {
        if outputs[..i]
            .iter()
            .any(|(_, o)| o == out || factop::io::same_file(o, out))
            && *out != std::path::Path::new("-")
        {
            return Err(factop::Error::Param(format!(
                "{flag} {} is named twice as an output",
                crate::cli::safe::shown(&out.display().to_string())
            )));
        }
    }
    Ok(())
}

/// Check a `--threshold` value.
pub fn check_threshold(t: Option<f64>) -> factop::Result<()> {
    match t {
        Some(t) => factop::limits::check_threshold("--threshold", t).map(|_| ()),
        None => Ok(()),
    }
}
