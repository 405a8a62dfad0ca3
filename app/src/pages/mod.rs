//! One module per route.
pub mod account;
pub mod admin;
pub mod home;
pub mod not_found;
pub mod register;
pub mod service;
pub mod sign_in;
