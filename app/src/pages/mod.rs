//! One module per route.
pub mod account;
pub mod admin;
pub mod callbacks;
pub mod case_detail;
pub mod case_new;
pub mod cases;
pub mod home;
pub mod not_found;
pub mod notifications;
pub mod policy;
pub mod queue;
pub mod register;
pub mod service;
pub mod sign_in;
