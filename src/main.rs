//! The `factop` binary: parse flags, run, print the error chain once, exit.

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
            eprintln!("error: {}", cli::safe::shown(&format!("{err:#}")));
        }
        std::process::exit(code);
    }
}
