//! libFuzzer target `segment`: see fuzz/README.md and `factop_fuzz::check_segment`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| factop_fuzz::check_segment(data));
