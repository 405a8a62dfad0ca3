//! Every parser of text that arrives from outside, run on one input, with the invariants
//! each must keep. The cargo-fuzz target (`fuzz/`) feeds it arbitrary input; the tests below
//! feed it the inputs that broke or nearly broke things. A panic here is a bug.

use crate::application::{parse_ground, DocumentKind, Relationship};
use crate::callback::{month_bounds, parse_month};
use crate::id_number::IdNumber;
use crate::survey::{check_definition, check_response, parse_day, SurveyDefinition};
use crate::{Password, PhoneNumber, Role};

pub fn text_parsers(input: &str) {
    if let Some((y, m)) = parse_month(input) {
        // What parses is exactly the canonical spelling.
        assert_eq!(format!("{y:04}-{m:02}"), input);
        let _ = month_bounds(input);
    }
    let _ = month_bounds(input);
    if let Some((due, id)) = crate::complaint::parse_queue_key(input) {
        // A key that parses names the same place as the one the server would write.
        assert_eq!(
            crate::complaint::parse_queue_key(&crate::complaint::queue_key(due, id)),
            Some((due, id))
        );
    }
    if let Some(day) = parse_day(input) {
        assert_eq!(day.format("%Y-%m-%d").to_string(), input.trim());
    }
    if let Ok(id) = IdNumber::parse(input) {
        let masked = id.masked();
        assert_eq!(masked.chars().count(), 18);
        let _ = id.birth_date();
    }
    if let Ok(phone) = PhoneNumber::parse(input) {
        assert_eq!(phone.as_str().len(), 11);
        let _ = phone.masked();
        let _ = Password::new(input, Some(phone.as_str()));
    }
    let _ = Password::new(input, None);
    let _ = Role::parse(input);
    let _ = Relationship::parse(input);
    let _ = DocumentKind::parse(input);
    // A chosen file's first bytes (any bytes at all: the input's).
    let head = input.as_bytes();
    if let Some(kind) = crate::file_kind::sniff(head) {
        assert_eq!(
            crate::file_kind::check_head(head, true),
            Ok(kind),
            "what sniff names, a document picker takes"
        );
    }
    let _ = parse_ground(input);
    let _ = crate::calendar::parse_notice(input);
    let _ = crate::export::csv_field(input);
    let _ = crate::throttle::sign_in_delay_secs(input.len() as i64, 3, 900);
    // A survey definition from JSON, and answers to the template.
    if let Ok(definition) = serde_json::from_str::<SurveyDefinition>(input) {
        let _ = check_definition(&definition);
    }
    if let Ok(answers) = serde_json::from_str(input) {
        let _ = check_response(&crate::survey::property_service_template(), &answers);
    }
}

/// Inputs worth keeping: each once broke a parser here or in a sibling project, and seeds
/// the fuzzer's corpus.
pub const SEEDS: &[&str] = &[
    "",
    "2026-12",
    "\u{3000}\u{3000}2026-12",
    "2026-1\u{ff11}",
    "+202-11",
    "9999-12",
    "0000-01",
    "2026-02-30",
    "\u{3000}2026-12-01",
    "11010519400505741X",
    "11010519400505741x",
    "1101051940050574１X",
    "é10105194005057411",
    "138 0013 8000",
    "+86 138-0013-8000",
    "１３８００１３８０００",
    "off 2026-10-01..2026-10-08 国庆节",
    "work 2026-09-28 调休",
    "off 2026-13-01",
    "=HYPERLINK(\"x\")",
    "1767225600:42",
    "-9223372036854775808:9223372036854775807",
    "1:2:3",
    ":",
    "{\"questions\":[],\"satisfaction\":null}",
    "{\"overall\":\"满意\",\"cleanliness\":99}",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_inputs_never_panic_a_parser() {
        for seed in SEEDS {
            text_parsers(seed);
        }
    }

    #[test]
    fn cut_anywhere_the_seed_inputs_never_panic_a_parser() {
        // Every prefix and suffix at a character boundary, and each seed wrapped in
        // full-width and ASCII spaces: the shapes that broke the month parser.
        for seed in SEEDS {
            for (i, _) in seed.char_indices() {
                text_parsers(&seed[..i]);
                text_parsers(&seed[i..]);
            }
            text_parsers(&format!("\u{3000}{seed}\u{3000}"));
            text_parsers(&format!(" {seed} "));
        }
    }
}
