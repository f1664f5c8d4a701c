//! libFuzzer target `output_path`: see fuzz/README.md and `factop_fuzz::check_output_path`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| factop_fuzz::check_output_path(data));
