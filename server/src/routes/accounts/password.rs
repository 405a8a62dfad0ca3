//! Passwords: forgotten (reset by SMS code; every session ends), changed by the signed-in
//! (other sessions end), and reset by the community office for a resident who came in person
//! and showed their ID; and ending one's other sessions.

use super::{hash_blocking, parse_phone, verify_password};
use crate::auth::{self, CurrentUser};
use crate::db::rate_events::Bucket;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::sms::{self, Purpose};
use crate::AppState;
use anju_domain::{
    ChangePasswordRequest, Password, ResetPasswordRequest, SessionsEnded, StaffResetRequest,
    StaffResetView,
};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use rand::Rng;

/// Forgotten password: the SMS code proves the number; every session of the account ends.
#[utoipa::path(
    post,
    path = "/auth/password-reset",
    tag = "accounts",
    request_body = ResetPasswordRequest,
    responses((status = 204, description = "Done; no content")),
)]
pub async fn reset_password(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ResetPasswordRequest>,
) -> ApiResult<StatusCode> {
    let phone = parse_phone(&req.phone)?;
    if let Err(e) = Password::new(&req.new_password, Some(phone.as_str())) {
        let (zh, en) = e.message();
        return Err(ApiError::field("new_password", zh, en));
    }
    sms::verify_code(&state, &phone, Purpose::ResetPassword, &req.sms_code).await?;
    // A code is only ever sent for a number with an account; this is a deleted account.
    let account = state
        .db
        .account_by_phone(phone.as_str())
        .await?
        .ok_or(ApiError::NotFound)?;
    let hash = hash_blocking(req.new_password).await?;
    let now = state.clock.now();
    state
        .db
        .clear_rate_events(Bucket::SignInFailureAccount, phone.as_str())
        .await?;
    let mut tx = state.db.begin().await?;
    tx.set_password_hash(account.id, &hash, None).await?;
    tx.mark_phone_verified(account.id, now).await?;
    tx.delete_sessions_of(account.id, None).await?;
    tx.audit(&Audit::new(
        now,
        Some(account.id),
        "account.password_reset_sms",
        &format!("account:{}", account.id),
        &account.scope_path,
    ))
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

fn this_session(state: &AppState, headers: &HeaderMap) -> Option<String> {
    auth::session_token(state, headers).map(|t| auth::token_hash(&t))
}

/// Change the password (the current one is needed); other sessions end.
#[utoipa::path(
    put,
    path = "/me/password",
    tag = "accounts",
    request_body = ChangePasswordRequest,
    responses((status = 200, description = "OK", body = SessionsEnded)),
    security(("session" = [])),
)]
pub async fn change(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> ApiResult<Json<SessionsEnded>> {
    if let Err(e) = Password::new(&req.new_password, Some(&user.phone)) {
        let (zh, en) = e.message();
        return Err(ApiError::field("new_password", zh, en));
    }
    if !verify_password(req.current_password, user.password_hash.clone()).await? {
        return Err(ApiError::field(
            "current_password",
            "现在的密码不正确",
            "The current password is not right",
        ));
    }
    let hash = hash_blocking(req.new_password).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    tx.set_password_hash(user.id, &hash, None).await?;
    let ended = tx
        .delete_sessions_of(user.id, this_session(&state, &headers).as_deref())
        .await?;
    tx.audit(&Audit::new(
        now,
        Some(user.id),
        "account.password_change",
        &format!("account:{}", user.id),
        &user.scope_path,
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(SessionsEnded { ended }))
}

/// End every other session of this account (a lost phone).
#[utoipa::path(
    post,
    path = "/me/sessions/end-others",
    tag = "accounts",
    responses((status = 200, description = "OK", body = SessionsEnded)),
    security(("session" = [])),
)]
pub async fn end_other_sessions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Json<SessionsEnded>> {
    let mut tx = state.db.begin().await?;
    let ended = tx
        .delete_sessions_of(user.id, this_session(&state, &headers).as_deref())
        .await?;
    let detail = ended.to_string();
    tx.audit(
        &Audit::new(
            state.clock.now(),
            Some(user.id),
            "account.end_other_sessions",
            &format!("account:{}", user.id),
            &user.scope_path,
        )
        .detail(&detail),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(SessionsEnded { ended }))
}

/// How long a one-off password works: long enough to get home and sign in.
const TEMPORARY_PASSWORD_SECS: i64 = 24 * 60 * 60;

/// Letters and digits nobody misreads aloud or on paper (no 0/o, 1/l/i).
const TEMPORARY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

fn temporary_password() -> String {
    let mut rng = rand::thread_rng();
    (0..10)
        .map(|_| char::from(TEMPORARY_ALPHABET[rng.gen_range(0..TEMPORARY_ALPHABET.len())]))
        .collect()
}

/// A resident who cannot receive texts comes to the community office with their ID; staff
/// of that community (or an admin over it) set a one-off password and say how they checked.
#[utoipa::path(
    post,
    path = "/staff/password-resets",
    tag = "accounts",
    request_body = StaffResetRequest,
    responses((status = 201, description = "Created", body = StaffResetView)),
    security(("session" = [])),
)]
pub async fn staff_reset(
    State(state): State<AppState>,
    CurrentUser(staff): CurrentUser,
    ApiJson(req): ApiJson<StaffResetRequest>,
) -> ApiResult<(StatusCode, Json<StaffResetView>)> {
    if !staff
        .role
        .can(anju_domain::access::Capability::ResetPasswordInPerson)
    {
        return Err(ApiError::Forbidden);
    }
    let phone = parse_phone(&req.phone)?;
    let check = req.identity_check.trim();
    if check.chars().count() < 4 {
        return Err(ApiError::field(
            "identity_check",
            "请写明如何核实了本人身份（例如：本人到场，核对身份证原件）",
            "Say how you checked who they are (e.g. in person, original ID card)",
        ));
    }
    let scope = crate::routes::cases::staff_scope(&state, &staff)
        .await?
        .ok_or(ApiError::Forbidden)?;
    let resident = state
        .db
        .account_by_phone(phone.as_str())
        .await?
        .filter(|a| !a.role.is_staff() && scope.holds(&a.scope_path))
        .ok_or_else(|| {
            ApiError::field(
                "phone",
                "您管辖的社区里没有用这个手机号注册的居民",
                "No resident in your area is registered with this number",
            )
        })?;
    let temporary = temporary_password();
    let hash = hash_blocking(temporary.clone()).await?;
    let now = state.clock.now();
    let until = now + TEMPORARY_PASSWORD_SECS;
    let mut tx = state.db.begin().await?;
    tx.set_password_hash(resident.id, &hash, Some(until))
        .await?;
    tx.delete_sessions_of(resident.id, None).await?;
    tx.audit(
        &Audit::new(
            now,
            Some(staff.id),
            "account.password_reset_in_person",
            &format!("account:{}", resident.id),
            &resident.scope_path,
        )
        .detail(check),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(StaffResetView {
            display_name: resident.display_name,
            phone_masked: phone.masked(),
            temporary_password: temporary,
        }),
    ))
}
