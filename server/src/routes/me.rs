//! The signed-in account and its display preferences.

use super::views::account_view;
use crate::auth::CurrentUser;
use crate::db::Audit;
use crate::error::ApiError;
use crate::error::{ApiJson, ApiResult};
use crate::AppState;
use anju_domain::notification::{
    check_channels, DeliveryView, MessageChannels, MessageChannelsView,
};
use anju_domain::{AccountView, Preferences, SessionView};
use axum::extract::FromRequestParts;
use axum::extract::State;
use axum::http::request::Parts;
use axum::Json;

/// The signed-in account.
#[utoipa::path(
    get,
    path = "/me",
    tag = "accounts",
    responses((status = 200, description = "OK", body = AccountView)),
    security(("session" = [])),
)]
pub async fn me(
    State(state): State<AppState>,
    CurrentUser(account): CurrentUser,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(account_view(&state, &account).await?))
}

/// Save the account's display preferences (长辈版, language).
#[utoipa::path(
    put,
    path = "/me/preferences",
    tag = "accounts",
    request_body = Preferences,
    responses((status = 200, description = "OK", body = Preferences)),
    security(("session" = [])),
)]
pub async fn set_preferences(
    State(state): State<AppState>,
    CurrentUser(account): CurrentUser,
    ApiJson(prefs): ApiJson<Preferences>,
) -> ApiResult<Json<Preferences>> {
    let mut tx = state.db.begin().await?;
    tx.set_preferences(account.id, prefs).await?;
    let detail = format!(
        "elder_mode={} locale={}",
        prefs.elder_mode,
        prefs.locale.as_str()
    );
    tx.audit(
        &Audit::new(
            state.clock.now(),
            Some(account.id),
            "account.preferences",
            &format!("account:{}", account.id),
            &account.scope_path,
        )
        .detail(&detail),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(prefs))
}

/// The account's channels beyond the portal (text, e-mail) and its latest deliveries.
#[utoipa::path(
    get,
    path = "/me/channels",
    tag = "accounts",
    responses((status = 200, description = "OK", body = MessageChannelsView)),
    security(("session" = [])),
)]
pub async fn channels(
    State(state): State<AppState>,
    CurrentUser(account): CurrentUser,
) -> ApiResult<Json<MessageChannelsView>> {
    channels_view(&state, &account).await.map(Json)
}

async fn channels_view(
    state: &AppState,
    account: &crate::db::accounts::AccountRow,
) -> ApiResult<MessageChannelsView> {
    let chosen = state
        .db
        .message_channels(account.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let recent = state
        .db
        .recent_deliveries(account.id, 5)
        .await?
        .into_iter()
        .map(|d| DeliveryView {
            channel: d.channel,
            state: d.state,
            at: crate::shanghai::rfc3339(d.at),
            message: d.message,
            message_en: d.message_en,
        })
        .collect();
    Ok(MessageChannelsView {
        chosen,
        phone_masked: anju_domain::PhoneNumber::parse(&account.phone)
            .map(|p| p.masked())
            .unwrap_or_default(),
        email_available: state.settings.mail.is_some(),
        recent,
    })
}

/// Choose the channels beyond the portal. In-app notifications are always on.
#[utoipa::path(
    put,
    path = "/me/channels",
    tag = "accounts",
    request_body = MessageChannels,
    responses((status = 200, description = "OK", body = MessageChannelsView)),
    security(("session" = [])),
)]
pub async fn set_channels(
    State(state): State<AppState>,
    CurrentUser(account): CurrentUser,
    ApiJson(choice): ApiJson<MessageChannels>,
) -> ApiResult<Json<MessageChannelsView>> {
    let problems = check_channels(&choice, state.settings.mail.is_some());
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let mut tx = state.db.begin().await?;
    tx.set_message_channels(account.id, &choice).await?;
    // The choice, not the address: the audit log is read by administrators.
    let detail = format!(
        "sms={} email={} email_address={}",
        choice.sms,
        choice.email,
        if choice
            .email_address
            .as_deref()
            .is_some_and(|a| !a.trim().is_empty())
        {
            "set"
        } else {
            "none"
        }
    );
    tx.audit(
        &Audit::new(
            state.clock.now(),
            Some(account.id),
            "account.channels",
            &format!("account:{}", account.id),
            &account.scope_path,
        )
        .detail(&detail),
    )
    .await?;
    tx.commit().await?;
    channels_view(&state, &account).await.map(Json)
}

/// Who is signed in, for the app's start-up: anonymous visitors get `{ "account": null }`
/// rather than a 401, so a first visit logs no error.
#[utoipa::path(
    get,
    path = "/session",
    tag = "accounts",
    responses((status = 200, description = "OK", body = SessionView)),
)]
pub async fn session(
    State(state): State<AppState>,
    mut parts: Parts,
) -> ApiResult<Json<SessionView>> {
    match CurrentUser::from_request_parts(&mut parts, &state).await {
        Ok(CurrentUser(account)) => Ok(Json(SessionView {
            account: Some(account_view(&state, &account).await?),
        })),
        Err(ApiError::Unauthenticated) => Ok(Json(SessionView { account: None })),
        Err(e) => Err(e),
    }
}
