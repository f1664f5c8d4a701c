//! `factop completions` and `factop man`: shell completions and the man page, generated
//! from the command-line definitions.

use crate::cli::args::Cli;
use anyhow::Context;
use clap::CommandFactory;
use factop::Error;
use std::io::Write;

/// Print the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "factop", &mut buf);
    write_stdout(&buf)
}

/// Print the man page.
pub fn man() -> anyhow::Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Error::io("-", e))?;
    write_stdout(&buf)
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("-", e))
        .context("writing")?;
    Ok(())
}
