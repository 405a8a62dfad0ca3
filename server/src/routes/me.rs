//! The signed-in account and its display preferences.

use super::views::account_view;
use crate::auth::CurrentUser;
use crate::error::{ApiJson, ApiResult};
use crate::AppState;
use anju_domain::{AccountView, Preferences};
use axum::extract::State;
use axum::Json;

pub async fn me(
    State(state): State<AppState>,
    CurrentUser(account): CurrentUser,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(account_view(&state.db, &account).await?))
}

pub async fn set_preferences(
    State(state): State<AppState>,
    CurrentUser(account): CurrentUser,
    ApiJson(prefs): ApiJson<Preferences>,
) -> ApiResult<Json<Preferences>> {
    state.db.set_preferences(account.id, prefs).await?;
    Ok(Json(prefs))
}
