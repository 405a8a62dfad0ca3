//! Accounts: registration (with the number proven by an SMS code) in `register.rs`; sign-in
//! with throttling that never locks the owner out, and sign-out, in `sessions.rs`; passwords
//! (forgotten, changed, reset at the office) and ending other sessions in `password.rs`;
//! staff accounts, managed by admins within their subtree, in `staff.rs`.

mod password;
mod register;
mod sessions;
mod staff;

use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use anju_domain::{FieldError, Password, PhoneNumber};
use axum::extract::ConnectInfo;
use axum::Extension;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register::register))
        .routes(routes!(sessions::sign_in))
        .routes(routes!(sessions::sign_out))
        .routes(routes!(register::sms_code))
        .routes(routes!(password::reset_password))
        .routes(routes!(password::change))
        .routes(routes!(password::end_other_sessions))
        .routes(routes!(password::staff_reset))
        .routes(routes!(staff::list_accounts, staff::create_staff))
}

/// The phone number if valid; a field error for each of phone and password that is not.
pub(crate) fn check_credentials(
    phone: &str,
    password: &str,
    fields: &mut BTreeMap<String, FieldError>,
) -> Option<PhoneNumber> {
    let phone = PhoneNumber::parse(phone)
        .map_err(|e| {
            let (zh, en) = e.message();
            fields.insert("phone".to_owned(), FieldError::new(zh, en));
        })
        .ok();
    if let Err(e) = Password::new(password, phone.as_ref().map(PhoneNumber::as_str)) {
        let (zh, en) = e.message();
        fields.insert("password".to_owned(), FieldError::new(zh, en));
    }
    phone
}

pub(crate) fn client_ip(connect_info: Option<Extension<ConnectInfo<SocketAddr>>>) -> String {
    connect_info.map_or_else(|| "unknown".to_owned(), |c| c.0 .0.ip().to_string())
}

pub(crate) fn parse_phone(raw: &str) -> ApiResult<PhoneNumber> {
    PhoneNumber::parse(raw).map_err(|e| {
        let (zh, en) = e.message();
        ApiError::field("phone", zh, en)
    })
}

pub(crate) async fn hash_blocking(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(ApiError::Internal)
}

/// Hashing is slow on purpose: off the async threads.
pub(crate) async fn verify_password(password: String, hash: String) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.into()))
}
