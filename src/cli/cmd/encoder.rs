//! `factop encoder install|status`: the accurate tier's sentence encoder weights.

use crate::cli::args::EncoderCommand;
use crate::cli::safe::shown;
use factop::encoder::{store, E5_SMALL, ENCODERS};
use std::io::Write;

/// Run `factop encoder ...`.
pub fn run(cmd: EncoderCommand) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match cmd {
        EncoderCommand::Install { path } => {
            let done = store::install(&E5_SMALL, &path)?;
            writeln!(
                out,
                "{}: {} ({}), SHA-256 {} verified",
                done.name,
                if done.replaced_or_new {
                    "installed"
                } else {
                    "already installed"
                },
                shown(&done.path.display().to_string()),
                done.sha256
            )
            .map_err(factop::io::output_error)?;
        }
        EncoderCommand::Status => {
            writeln!(
                out,
                "cache: {}",
                shown(&store::home()?.display().to_string())
            )
            .map_err(factop::io::output_error)?;
            for spec in ENCODERS {
                let st = store::status(spec)?;
                let state = match (&st.sha256, st.ok) {
                    (None, _) => "not installed (run `factop encoder install PATH`)".to_string(),
                    (Some(sha), true) => format!("installed, SHA-256 {sha} (pinned value)"),
                    (Some(sha), false) => format!(
                        "DAMAGED: SHA-256 {sha}, expected {}; reinstall with `factop encoder install PATH`",
                        spec.sha256
                    ),
                };
                writeln!(out, "{}: {state}", spec.name).map_err(factop::io::output_error)?;
                writeln!(out, "  file: {}", shown(&st.path.display().to_string()))
                    .map_err(factop::io::output_error)?;
                if let Some(packed) = &st.packed {
                    let state = match packed {
                        store::PackedState::Ready => {
                            "ready: loads map it instead of reading, hashing and unpacking the weights"
                                .to_string()
                        }
                        store::PackedState::NotReady(why) => why.clone(),
                    };
                    writeln!(
                        out,
                        "  packed: {}, {state}",
                        shown(&st.packed_path.display().to_string())
                    )
                    .map_err(factop::io::output_error)?;
                }
                writeln!(out, "  what: {}", spec.about).map_err(factop::io::output_error)?;
                writeln!(
                    out,
                    "  from: {} (SHA-256 {})",
                    spec.wheel, spec.wheel_sha256
                )
                .map_err(factop::io::output_error)?;
            }
        }
    }
    Ok(())
}
