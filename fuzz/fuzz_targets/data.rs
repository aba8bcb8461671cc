#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| planbook_fuzz::data(data));
