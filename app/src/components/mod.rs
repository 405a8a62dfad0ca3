//! Reusable pieces: the page frame, form fields, the error summary and route guards.
pub mod field;
pub mod guard;
pub mod layout;
