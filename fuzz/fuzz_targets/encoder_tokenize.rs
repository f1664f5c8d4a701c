//! libFuzzer target `encoder_tokenize`: see fuzz/README.md and `factop_fuzz::check_encoder_tokenize`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| factop_fuzz::check_encoder_tokenize(data));
