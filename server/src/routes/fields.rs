//! Field errors for the envelope, shared by every feature that checks several fields at once.

use anju_domain::FieldError;
use std::collections::BTreeMap;

/// Add the problem with `name` (Chinese and English) to a set of field errors.
pub fn field(fields: &mut BTreeMap<String, FieldError>, name: &str, zh: &str, en: &str) {
    fields.insert(name.to_owned(), FieldError::new(zh, en));
}
