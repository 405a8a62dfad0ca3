//! The communities a staff member works cases for, and the months their reports and
//! call-backs cover.

use super::access::staff_scope;
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::jurisdictions::JurisdictionRow;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use anju_domain::callback::month_bounds;
use anju_domain::JurisdictionLevel;
use axum::extract::State;
use axum::Json;

/// The community, if the caller works cases over it.
pub(crate) async fn community_in_scope(
    state: &AppState,
    user: &AccountRow,
    community_id: i64,
) -> ApiResult<JurisdictionRow> {
    let scope = staff_scope(state, user).await?.ok_or(ApiError::Forbidden)?;
    scope.community(state, community_id).await
}

/// `[start, end)` of a month as Unix seconds, refusing months that have not begun.
pub(crate) fn month_range(state: &AppState, month: &str) -> ApiResult<(i64, i64)> {
    let (start, end) = month_bounds(month).ok_or_else(|| {
        ApiError::field(
            "month",
            "月份格式应为 2026-11",
            "Use the month format 2026-11",
        )
    })?;
    if start.timestamp() > state.clock.now() {
        return Err(ApiError::field(
            "month",
            "这个月还没有开始",
            "That month has not started",
        ));
    }
    Ok((start.timestamp(), end.timestamp()))
}

/// Communities the caller works cases for (for choosing in call-back and report pages).
#[utoipa::path(
    get,
    path = "/staff/communities",
    tag = "complaints",
    responses((status = 200, description = "OK", body = Vec<anju_domain::JurisdictionView>)),
    security(("session" = [])),
)]
pub async fn my_communities(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<Vec<anju_domain::JurisdictionView>>> {
    let scope = staff_scope(&state, &user)
        .await?
        .ok_or(ApiError::Forbidden)?;
    let all = state
        .db
        .jurisdictions_at_level(JurisdictionLevel::Community)
        .await?;
    Ok(Json(
        all.iter()
            .filter(|c| scope.holds(&c.id_path))
            .map(|c| c.view())
            .collect(),
    ))
}
