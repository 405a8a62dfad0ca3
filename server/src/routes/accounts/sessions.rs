//! Sign-in with throttling that never locks the owner out, sign-out, and the fresh session
//! both sign-in and registration end with.

use super::{client_ip, parse_phone, verify_password};
use crate::auth;
use crate::db::rate_events::Bucket;
use crate::db::{Audit, Tx};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::routes::views::account_view;
use crate::sms::{self, Purpose};
use crate::AppState;
use anju_domain::SignInRequest;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Json;
use std::net::SocketAddr;

/// Sign in with phone number and password; sets the session cookie. Repeated failures are slowed down, never locked.
#[utoipa::path(
    post,
    path = "/auth/sign-in",
    tag = "accounts",
    request_body = SignInRequest,
    responses((status = 200, description = "Signed in; the session cookie is set", body = anju_domain::AccountView, headers(("set-cookie" = String, description = "The session cookie")))),
)]
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
    let password_ok = verify_password(req.password, hash).await?;
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
        // From the last free failure on, say how many tries are left and how long the pause.
        return Err(
            match anju_domain::throttle::failed_sign_in_notice(
                from_here.count + 1,
                policy.sign_in_free_failures_per_pair,
                policy.sign_in_max_delay_secs,
            ) {
                Some(notice) => ApiError::BadCredentialsNotice(notice),
                None => ApiError::BadCredentials,
            },
        );
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

/// Sign out: the session ends and its cookie is cleared.
#[utoipa::path(
    post,
    path = "/auth/sign-out",
    tag = "accounts",
    responses((status = 204, description = "Signed out; the session cookie is cleared")),
)]
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
pub(super) async fn start_session(
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
    let view = account_view(state, &account).await?;
    Ok((
        status,
        [(header::SET_COOKIE, auth::session_cookie(state, &token))],
        Json(view),
    )
        .into_response())
}
