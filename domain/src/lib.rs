//! Anju's shared domain: request/response types, the JSON error envelope and validated
//! newtypes. Pure Rust with no I/O, compiled natively for the server and to wasm for the app,
//! so the client and the server apply exactly the same rules.

pub mod account;
pub mod error;
pub mod jurisdiction;
pub mod password;
pub mod phone;
pub mod role;

pub use account::*;
pub use error::{ErrorEnvelope, FieldError};
pub use jurisdiction::{JurisdictionLevel, JurisdictionView};
pub use password::{Password, PasswordError};
pub use phone::{PhoneError, PhoneNumber};
pub use role::Role;
