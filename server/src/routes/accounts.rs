//! Registration (with the number proven by an SMS code), sign-in with throttling that never
//! locks the owner out, sign-out, and SMS codes. Passwords (forgotten, changed, reset at the
//! office) and ending other sessions are in `password.rs`.

use super::views::account_view;
use crate::auth;
use crate::db::accounts::{CreateAccountError, NewAccount};
use crate::db::rate_events::Bucket;
use crate::db::{Audit, Tx};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::sms::{self, Purpose};
use crate::AppState;
use anju_domain::{
    check_registration_text, FieldError, JurisdictionLevel, Password, PhoneNumber, RegisterRequest,
    Role, SignInRequest, SmsCodeRequest, SmsCodeSent,
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

pub(super) fn client_ip(connect_info: Option<Extension<ConnectInfo<SocketAddr>>>) -> String {
    connect_info.map_or_else(|| "unknown".to_owned(), |c| c.0 .0.ip().to_string())
}

pub(super) fn parse_phone(raw: &str) -> ApiResult<PhoneNumber> {
    PhoneNumber::parse(raw).map_err(|e| {
        let (zh, en) = e.message();
        ApiError::field("phone", zh, en)
    })
}

/// Text a one-time code. Answered the same whether or not the number has an account.
pub async fn sms_code(
    State(state): State<AppState>,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    user: Option<crate::auth::CurrentUser>,
    ApiJson(req): ApiJson<SmsCodeRequest>,
) -> ApiResult<(StatusCode, Json<SmsCodeSent>)> {
    let ip = client_ip(connect_info);
    let (phone, has_account) = match req.purpose {
        // To the signed-in account's own number: it proves they hold it now.
        Purpose::GuardianAccept => {
            let user = user.ok_or(ApiError::Unauthenticated)?;
            (parse_phone(&user.0.phone)?, true)
        }
        _ => {
            let phone = parse_phone(&req.phone)?;
            let has = state.db.account_by_phone(phone.as_str()).await?.is_some();
            (phone, has)
        }
    };
    sms::send_code(&state, &phone, req.purpose, &ip, has_account).await?;
    let policy = &state.settings.policy;
    Ok((
        StatusCode::ACCEPTED,
        Json(SmsCodeSent {
            expires_in_secs: policy.sms_code_ttl_secs,
            resend_after_secs: policy.sms_resend_after_secs,
        }),
    ))
}

pub async fn register(
    State(state): State<AppState>,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> ApiResult<Response> {
    let ip = client_ip(connect_info);
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
    // Counted once the form is right, so typing mistakes cost nothing.
    crate::limits::hit(
        &state,
        Bucket::Registration,
        &ip,
        3600,
        state.settings.policy.registrations_per_ip_per_hour,
    )
    .await?;
    // The code first: only someone holding the number learns whether it has an account.
    sms::verify_code(&state, &phone, Purpose::Register, &req.sms_code).await?;

    let password_hash = hash_blocking(req.password.clone()).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let id = tx
        .create_account(&NewAccount {
            phone: phone.as_str(),
            password_hash: &password_hash,
            display_name: req.display_name.trim(),
            role: Role::Resident,
            jurisdiction_id: None,
            home: Some((building.id, req.unit.trim(), req.room.trim())),
            scope_path: &building.id_path,
            phone_verified: true,
            now,
        })
        .await
        .map_err(|e| match e {
            CreateAccountError::DuplicatePhone => ApiError::Conflict {
                field: "phone",
                message: "这个手机号已经注册过了，请直接登录；忘记密码可以用短信重设",
                message_en: "This mobile number is already registered; sign in, or reset the password by text message",
            },
            CreateAccountError::Db(e) => e.into(),
        })?;
    tx.audit(&Audit::new(
        now,
        Some(id),
        "account.register",
        &format!("account:{id}"),
        &building.id_path,
    ))
    .await?;
    start_session(&state, tx, &headers, id, StatusCode::CREATED).await
}

pub async fn sign_in(
    State(state): State<AppState>,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SignInRequest>,
) -> ApiResult<Response> {
    let phone = parse_phone(&req.phone)?;
    let ip = client_ip(connect_info);
    let pair = format!("{}|{ip}", phone.as_str());
    let policy = &state.settings.policy;
    let now = state.clock.now();
    let since = now - policy.sign_in_window_secs;

    // This account from this source: a wait that grows with each failure.
    let from_here = state
        .db
        .rate_window(Bucket::SignInFailurePair, &pair, since)
        .await?;
    let wait = anju_domain::throttle::wait_secs(
        from_here.last,
        from_here.count,
        policy.sign_in_free_failures_per_pair,
        policy.sign_in_max_delay_secs,
        now,
    );
    if wait > 0 {
        return Err(ApiError::RateLimited {
            retry_after_secs: wait as u64,
        });
    }
    // This source, all accounts: only a flood (a NAT holds many households).
    let from_ip = state
        .db
        .rate_window(Bucket::SignInFailureIp, &ip, since)
        .await?;
    if from_ip.count >= policy.max_failures_per_ip {
        let until = from_ip.first.unwrap_or(now) + policy.sign_in_window_secs;
        return Err(ApiError::RateLimited {
            retry_after_secs: (until - now).max(1) as u64,
        });
    }
    // This account, all sources: never a lock; the phone's owner proves it with a code.
    // Asked before the password is checked, so the question says nothing about it.
    let on_account = state
        .db
        .rate_window(Bucket::SignInFailureAccount, phone.as_str(), since)
        .await?;
    if on_account.count >= policy.sign_in_failures_before_sms {
        match req.sms_code.as_deref() {
            None | Some("") => return Err(ApiError::SmsCodeRequired),
            Some(code) => sms::verify_code(&state, &phone, Purpose::SignIn, code).await?,
        }
    }

    let account = state.db.account_by_phone(phone.as_str()).await?;
    let hash = account.as_ref().map_or_else(
        || auth::dummy_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    let password_ok = verify_blocking(req.password, hash).await?;
    // A one-off password from the community office works for a day only.
    let expired = account
        .as_ref()
        .and_then(|a| a.temporary_password_expires_at)
        .is_some_and(|until| now > until);
    if password_ok && expired {
        return Err(ApiError::ForbiddenBecause(
            "临时密码已过期，请带身份证到社区重新办理，或用短信验证码重设密码",
            "The temporary password has expired; go to your community office with your ID, or reset the password by text message",
        ));
    }
    let known = account
        .as_ref()
        .map(|a| (format!("account:{}", a.id), a.scope_path.clone()));
    let Some(account) = account.filter(|_| password_ok) else {
        for (bucket, subject) in [
            (Bucket::SignInFailurePair, pair.as_str()),
            (Bucket::SignInFailureAccount, phone.as_str()),
            (Bucket::SignInFailureIp, ip.as_str()),
        ] {
            state.db.record_rate_event(bucket, subject, now).await?;
        }
        // On the account's record when there is one, so its owner's office can see attempts.
        let (subject, scope) =
            known.unwrap_or_else(|| (format!("phone:{}", phone.masked()), "/".to_owned()));
        let mut tx = state.db.begin().await?;
        tx.audit(&Audit::new(now, None, "account.sign_in_failed", &subject, &scope).detail(&ip))
            .await?;
        tx.commit().await?;
        return Err(ApiError::BadCredentials);
    };
    state
        .db
        .clear_rate_events(Bucket::SignInFailurePair, &pair)
        .await?;
    state
        .db
        .clear_rate_events(Bucket::SignInFailureAccount, phone.as_str())
        .await?;
    state
        .db
        .purge_expired_sessions(
            now - policy.session_idle_secs,
            now - policy.session_absolute_secs,
        )
        .await?;
    let mut tx = state.db.begin().await?;
    tx.audit(
        &Audit::new(
            now,
            Some(account.id),
            "account.sign_in",
            &format!("account:{}", account.id),
            &account.scope_path,
        )
        .detail(&ip),
    )
    .await?;
    start_session(&state, tx, &headers, account.id, StatusCode::OK).await
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = auth::session_token(&state, &headers) {
        let hash = auth::token_hash(&token);
        let mut tx = state.db.begin().await?;
        // The session says whose it was; a stale cookie signs nobody out.
        if let Some(session) = state.db.session(&hash).await? {
            let account = state.db.account(session.account_id).await?;
            tx.audit(&Audit::new(
                state.clock.now(),
                Some(session.account_id),
                "account.sign_out",
                &format!("account:{}", session.account_id),
                account.as_ref().map_or("/", |a| a.scope_path.as_str()),
            ))
            .await?;
        }
        tx.delete_session(&hash).await?;
        tx.commit().await?;
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
    mut tx: Tx,
    headers: &HeaderMap,
    account_id: i64,
    status: StatusCode,
) -> ApiResult<Response> {
    if let Some(old) = auth::session_token(state, headers) {
        tx.delete_session(&auth::token_hash(&old)).await?;
    }
    let token = auth::new_token();
    tx.create_session(&auth::token_hash(&token), account_id, state.clock.now())
        .await?;
    tx.commit().await?;
    let account = state
        .db
        .account(account_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let view = account_view(&state.db, &account).await?;
    Ok((
        status,
        [(header::SET_COOKIE, auth::session_cookie(state, &token))],
        Json(view),
    )
        .into_response())
}

pub(super) async fn verify_password(password: String, hash: String) -> ApiResult<bool> {
    verify_blocking(password, hash).await
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
