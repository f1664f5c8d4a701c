//! The integration tests: one test binary, one module per area, and the shared
//! helpers in [`util`].

mod cli;
mod data;
mod data_files;
mod encoder;
mod encoder_bounds;
mod explain;
mod html_browser;
mod invisible;
mod languages;
mod limits;
mod model_reproduction;
mod multilingual;
mod no_split;
mod obvious;
mod packed_cache;
mod pooling;
mod predictions;
#[cfg(target_os = "linux")]
mod resume;
mod robustness;
mod segment_props;
mod serve;
mod serve_browser;
#[cfg(target_os = "linux")]
mod signals;
mod solver;
mod tsv_output;
mod util;
#[cfg(target_os = "linux")]
mod write_errors;
