#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| specplan_fuzz::spec_markdown(data));
