//! Arbitrary text into every parser of outside input (`anju_domain::fuzzing`): months, days,
//! ID numbers, mobile numbers, passwords, names of roles and kinds, calendar notices, export
//! cells, survey JSON. `cargo xtask fuzz [seconds]` runs it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        anju_domain::fuzzing::text_parsers(text);
    }
});
