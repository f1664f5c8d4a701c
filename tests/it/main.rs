//! The integration tests: one test binary, one module per area, and the shared
//! helpers in [`util`].

mod cli;
mod data;
mod data_files;
mod encoder;
mod encoder_bounds;
mod html_browser;
mod languages;
mod model_reproduction;
mod no_split;
mod predictions;
mod robustness;
mod segment_props;
mod serve;
mod serve_browser;
mod solver;
mod tsv_output;
mod util;
