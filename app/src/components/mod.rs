//! Reusable pieces: the page frame, form fields, the error summary and route guards.
pub mod access_log;
pub mod application_card;
pub mod application_ctx;
pub mod case_card;
pub mod draft;
pub mod field;
pub mod guard;
pub mod layout;
pub mod org_households;
pub mod outcome;
pub mod photos;
pub mod questions;
pub mod read_aloud;
pub mod retrofit_parts;
pub mod screen;
pub mod sms_code;
pub mod survey_question;
