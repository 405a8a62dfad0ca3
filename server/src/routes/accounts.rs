//! Registration, sign-in and sign-out.

use super::views::account_view;
use crate::auth;
use crate::db::accounts::{CreateAccountError, NewAccount};
use crate::db::sign_in_limits::LimitScope;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::AppState;
use anju_domain::{
    check_registration_text, AccountView, FieldError, JurisdictionLevel, Password, PhoneNumber,
    RegisterRequest, Role, SignInRequest,
};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Json;
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// The phone number if valid; a field error for each of phone and password that is not.
pub(super) fn check_credentials(
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

pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> ApiResult<Response> {
    let mut fields = BTreeMap::new();
    let phone = check_credentials(&req.phone, &req.password, &mut fields);
    for (field, zh, en) in check_registration_text(&req) {
        fields.insert(field.to_owned(), FieldError::new(zh, en));
    }
    let building = state
        .db
        .jurisdiction(req.building_id)
        .await?
        .filter(|j| j.level == JurisdictionLevel::Building);
    if building.is_none() {
        fields.insert(
            "building_id".to_owned(),
            FieldError::new("请选择您住的楼栋", "Choose the building you live in"),
        );
    }
    let (Some(phone), Some(building), true) = (phone, building, fields.is_empty()) else {
        return Err(ApiError::Validation(fields));
    };

    let password_hash = hash_blocking(req.password.clone()).await?;
    let now = state.clock.now();
    let id = state
        .db
        .create_account(&NewAccount {
            phone: phone.as_str(),
            password_hash: &password_hash,
            display_name: req.display_name.trim(),
            role: Role::Resident,
            jurisdiction_id: None,
            home: Some((building.id, req.unit.trim(), req.room.trim())),
            scope_path: &building.id_path,
            now,
        })
        .await
        .map_err(|e| match e {
            CreateAccountError::DuplicatePhone => ApiError::Conflict {
                field: "phone",
                message: "这个手机号已经注册过了，请直接登录",
                message_en: "This mobile number is already registered; sign in instead",
            },
            CreateAccountError::Db(e) => e.into(),
        })?;
    state
        .db
        .audit(
            now,
            Some(id),
            "account.register",
            &format!("account:{id}"),
            "",
        )
        .await?;
    let account = state.db.account(id).await?.ok_or(ApiError::NotFound)?;
    start_session(
        &state,
        &headers,
        id,
        StatusCode::CREATED,
        account_view(&state.db, &account).await?,
    )
    .await
}

pub async fn sign_in(
    State(state): State<AppState>,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SignInRequest>,
) -> ApiResult<Response> {
    let phone = PhoneNumber::parse(&req.phone).map_err(|e| {
        let (zh, en) = e.message();
        ApiError::field("phone", zh, en)
    })?;
    let ip = connect_info.map_or_else(|| "unknown".to_owned(), |c| c.0 .0.ip().to_string());
    let policy = &state.settings.policy;
    let now = state.clock.now();
    let since = now - policy.sign_in_window_secs;
    for (scope, subject, max) in [
        (
            LimitScope::Account,
            phone.as_str(),
            policy.max_failures_per_account,
        ),
        (LimitScope::Ip, ip.as_str(), policy.max_failures_per_ip),
    ] {
        let (count, first) = state.db.sign_in_failures(scope, subject, since).await?;
        if count >= max {
            let until = first.unwrap_or(now) + policy.sign_in_window_secs;
            return Err(ApiError::RateLimited {
                retry_after_secs: (until - now).max(1) as u64,
            });
        }
    }

    let account = state.db.account_by_phone(phone.as_str()).await?;
    let hash = account.as_ref().map_or_else(
        || auth::dummy_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    let password_ok = verify_blocking(req.password, hash).await?;
    let Some(account) = account.filter(|_| password_ok) else {
        state
            .db
            .record_sign_in_failure(LimitScope::Account, phone.as_str(), now)
            .await?;
        state
            .db
            .record_sign_in_failure(LimitScope::Ip, &ip, now)
            .await?;
        state
            .db
            .audit(
                now,
                None,
                "account.sign_in_failed",
                &format!("phone:{}", phone.masked()),
                "",
            )
            .await?;
        return Err(ApiError::BadCredentials);
    };
    state
        .db
        .clear_sign_in_failures(LimitScope::Account, phone.as_str())
        .await?;
    state
        .db
        .purge_expired_sessions(
            now - policy.session_idle_secs,
            now - policy.session_absolute_secs,
        )
        .await?;
    state
        .db
        .audit(
            now,
            Some(account.id),
            "account.sign_in",
            &format!("account:{}", account.id),
            "",
        )
        .await?;
    let view = account_view(&state.db, &account).await?;
    start_session(&state, &headers, account.id, StatusCode::OK, view).await
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = auth::session_token(&state, &headers) {
        state.db.delete_session(&auth::token_hash(&token)).await?;
    }
    Ok((
        [(header::SET_COOKIE, auth::clear_cookie(&state))],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

/// Issue a fresh session id (dropping any the browser already had, so a planted id never
/// becomes a signed-in one) and answer with the account.
async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    account_id: i64,
    status: StatusCode,
    view: AccountView,
) -> ApiResult<Response> {
    if let Some(old) = auth::session_token(state, headers) {
        state.db.delete_session(&auth::token_hash(&old)).await?;
    }
    let token = auth::new_token();
    state
        .db
        .create_session(&auth::token_hash(&token), account_id, state.clock.now())
        .await?;
    Ok((
        status,
        [(header::SET_COOKIE, auth::session_cookie(state, &token))],
        Json(view),
    )
        .into_response())
}

pub(super) async fn hash_blocking(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(ApiError::Internal)
}

async fn verify_blocking(password: String, hash: String) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.into()))
}
