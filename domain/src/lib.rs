//! Anju's shared domain: request/response types, the JSON error envelope, validated newtypes,
//! and the rules: the Chinese working calendar, complaint deadlines, call-back sampling,
//! retrofit eligibility and its case's state machine, survey scoring.
//! Pure Rust with no I/O, compiled natively for the server and to wasm for the app, so the
//! client and the server apply exactly the same rules.

pub mod access;
pub mod account;
pub mod application;
pub mod audit;
pub mod bundle;
pub mod calendar;
pub mod callback;
pub mod category;
pub mod complaint;
pub mod complaint_flow;
pub mod deadline;
pub mod desk;
pub mod eligibility;
pub mod error;
pub mod export;
pub mod file_kind;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
pub mod guardian_flow;
pub mod id_number;
pub mod jurisdiction;
pub mod notice;
pub mod notification;
pub mod pages;
pub mod password;
pub mod phone;
#[cfg(any(test, feature = "signing"))]
pub mod plan_document;
pub mod refusal;
pub mod retrofit;
pub mod retrofit_acceptance;
pub mod retrofit_assessment;
pub mod retrofit_catalogue;
pub mod retrofit_contract;
pub mod retrofit_flow;
pub mod retrofit_plan;
pub mod retrofit_record;
pub mod retrofit_report;
pub mod retrofit_settlement;
pub mod retrofit_signing;
pub mod retrofit_warranty;
pub mod retrofit_works;
pub mod role;
pub mod sampling;
mod stored;
pub mod survey;
pub mod survey_api;
pub mod survey_flow;
pub mod survey_review;
pub mod throttle;

pub use account::*;
pub use error::{ErrorEnvelope, FieldError};
pub use jurisdiction::{JurisdictionLevel, JurisdictionView};
pub use password::{Password, PasswordError};
pub use phone::{PhoneError, PhoneNumber};
pub use role::Role;
