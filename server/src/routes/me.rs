//! The signed-in account and its display preferences.

use super::views::account_view;
use crate::auth::CurrentUser;
use crate::db::Audit;
use crate::error::ApiError;
use crate::error::{ApiJson, ApiResult};
use crate::AppState;
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
    Ok(Json(account_view(&state.db, &account).await?))
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
            account: Some(account_view(&state.db, &account).await?),
        })),
        Err(ApiError::Unauthenticated) => Ok(Json(SessionView { account: None })),
        Err(e) => Err(e),
    }
}
