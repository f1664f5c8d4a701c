//! The `factop` binary: parse flags, run, print the error chain once, exit.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::args::Cli::parse();
    if let Err(err) = cli::cmd::run(args) {
        let code = cli::exit_code(&err);
        if code != 0 {
            eprintln!("error: {}", cli::safe::shown(&format!("{err:#}")));
        }
        std::process::exit(code);
    }
}
