//! libFuzzer target `encoder_file`: see fuzz/README.md and `factop_fuzz::check_encoder_file`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| factop_fuzz::check_encoder_file(data));
