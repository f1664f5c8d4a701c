//! The `factop` binary: parse flags, run, print the error chain once, exit.

use clap::Parser;

fn main() {
    let cli = factop::cli::Cli::parse();
    if let Err(err) = factop::cmd::run(cli) {
        let code = factop::cmd::exit_code(&err);
        if code != 0 {
            eprintln!("error: {err:#}");
        }
        std::process::exit(code);
    }
}
