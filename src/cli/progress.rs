//! Progress bars on standard error, shown only when it is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar counting `total` steps of `what`; hidden unless stderr is a terminal.
pub fn steps(what: &str, total: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), target());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// A bar counting `total` input bytes; hidden unless stderr is a terminal and stdout
/// is not (so that results on a terminal are not mixed with the bar).
pub fn bytes(what: &str, total: u64) -> ProgressBar {
    let target = if std::io::stdout().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        target()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

fn target() -> ProgressDrawTarget {
    if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

/// A sink for the library's one-line notes (training's embedding cache) that prints
/// each on standard error, control characters made visible, without breaking `bar`.
pub fn notes(bar: &ProgressBar) -> impl Fn(&str) + Send + Sync + 'static {
    let bar = bar.clone();
    move |m: &str| bar.suspend(|| note!("{}", crate::cli::safe::shown(m)))
}
