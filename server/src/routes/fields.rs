//! Field errors for the envelope, shared by every feature that checks several fields at once.

use crate::error::ApiError;
use anju_domain::refusal::{Refusal, RefusalKind};
use anju_domain::FieldError;
use std::collections::BTreeMap;

/// Add the problem with `name` (Chinese and English) to a set of field errors.
pub fn field(fields: &mut BTreeMap<String, FieldError>, name: &str, zh: &str, en: &str) {
    fields.insert(name.to_owned(), FieldError::new(zh, en));
}

/// A decision's refusal in the envelope: not allowed is 403, the wrong moment 409 on its
/// field, bad input 422 naming the field.
pub fn refused(r: impl Refusal) -> ApiError {
    let (zh, en) = r.message();
    match r.kind() {
        RefusalKind::NotAllowed => ApiError::Forbidden,
        RefusalKind::WrongMoment => ApiError::Conflict {
            field: r.field(),
            message: zh,
            message_en: en,
        },
        RefusalKind::BadInput => ApiError::field(r.field(), zh, en),
    }
}
