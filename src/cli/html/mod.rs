//! The two HTML pages factop writes, each one self-contained file with inline CSS and
//! SVG and no script: the highlighted article of `classify --format html`
//! ([`classify`]) and the evaluation report of `eval --report` ([`eval`]). Rendering
//! only: the numbers come from the library ([`factop::eval`]).

pub mod classify;
pub mod common;
pub mod eval;

#[cfg(test)]
mod snapshot_tests;
