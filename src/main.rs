//! The `factop` binary: parse flags, run, print the error chain once, exit.

/// `eprintln!` that never panics: a closed or unwritable standard error is ignored, so a
/// diagnostic can never cost a user the output or the model it came with.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod cli;

use clap::{CommandFactory, FromArgMatches};

fn main() {
    let matches = match cli::args::Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(err) => clap_exit(err),
    };
    let args = match cli::args::Cli::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(err) => clap_exit(err),
    };
    // `serve` shuts down gracefully on its own signals and writes no files.
    #[cfg(unix)]
    if matches.subcommand_name() != Some("serve") {
        if let Err(e) = factop::io::remove_temporaries_on_signals() {
            note!("warning: cannot watch for Ctrl-C ({e}): an interrupted write may leave a .tmp file");
        }
    }
    if let Err(err) = args
        .check_stdin()
        .map_err(anyhow::Error::from)
        .and_then(|()| cli::cmd::run(args, &matches))
    {
        fail(err);
    }
}

/// Print the error chain once and exit with its code (0 for a closed output pipe).
fn fail(err: anyhow::Error) -> ! {
    let code = cli::exit_code(&err);
    if code != 0 {
        note!("error: {}", cli::safe::shown(&format!("{err:#}")));
    }
    std::process::exit(code);
}

/// Exit as clap says, but with `--help` and `--version` written like any other result:
/// a failed write to standard output (a full disk) is an error, not exit 0.
fn clap_exit(err: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        use std::io::Write as _;
        if let Err(e) = err.print().and_then(|()| std::io::stdout().flush()) {
            fail(factop::Error::io("-", e).into());
        }
        std::process::exit(err.exit_code());
    }
    err.exit()
}
