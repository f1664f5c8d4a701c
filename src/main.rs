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
    let matches = cli::args::Cli::command().get_matches();
    let args = match cli::args::Cli::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(err) => err.exit(),
    };
    if let Err(err) = cli::cmd::run(args, &matches) {
        let code = cli::exit_code(&err);
        if code != 0 {
            note!("error: {}", cli::safe::shown(&format!("{err:#}")));
        }
        std::process::exit(code);
    }
}
