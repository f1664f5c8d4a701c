//! The command line: everything that knows about flags, terminals and output formats,
//! on top of the `factop` library. [`args`] defines the flags (clap), [`cmd`] runs one
//! subcommand each by calling the library, [`output`] writes `classify` results in
//! each format, [`html`] renders the two HTML pages, and [`progress`] draws progress
//! bars on a terminal; [`serve`] is `factop serve`, the same calls behind HTTP. Errors come back as `anyhow` chains; [`exit_code`] maps them to
//! the documented exit codes.

pub mod args;
pub mod cmd;
pub mod html;
pub mod output;
pub mod progress;
pub mod safe;
pub mod serve;

use factop::Error;

/// The exit code for an error: 2 for bad input or usage, 0 for a closed output pipe,
/// 1 for anything else.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<Error>() {
            if let Error::Io { os, .. } = e {
                if os.kind() == std::io::ErrorKind::BrokenPipe {
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
