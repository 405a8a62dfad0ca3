//! The one JSON error envelope every API failure uses:
//! `{ code, message, message_en, fields: { name: { message, message_en } } }`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A bilingual message about one field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub message: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(message: impl Into<String>, message_en: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            message_en: message_en.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorEnvelope {
    /// Stable machine-readable code, e.g. `validation`, `conflict`, `rate_limited`.
    pub code: String,
    /// Chinese, shown to users first.
    pub message: String,
    pub message_en: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldError>,
    /// Seconds until a retry may succeed, for `rate_limited`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// For `already_exists`: the app path of the existing record (e.g. the elder's open
    /// application this year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl ErrorEnvelope {
    pub fn message_for(&self, english: bool) -> &str {
        if english {
            &self.message_en
        } else {
            &self.message
        }
    }
}
