//! libFuzzer target `stream`: see fuzz/README.md and `factop_fuzz::check_stream`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| factop_fuzz::check_stream(data));
