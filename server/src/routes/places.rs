//! Public read-only views of the jurisdiction tree, for choosing one's home at registration.

use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::AppState;
use anju_domain::{JurisdictionLevel, JurisdictionView};
use axum::extract::State;
use axum::Json;

/// Every community, for choosing where one lives.
#[utoipa::path(
    get,
    path = "/places/communities",
    tag = "places",
    responses((status = 200, description = "OK", body = Vec<JurisdictionView>)),
)]
pub async fn communities(State(state): State<AppState>) -> ApiResult<Json<Vec<JurisdictionView>>> {
    let rows = state
        .db
        .jurisdictions_at_level(JurisdictionLevel::Community)
        .await?;
    Ok(Json(rows.iter().map(|r| r.view()).collect()))
}

/// The places directly under a place (streets of a county, communities of a street, buildings of a community).
#[utoipa::path(
    get,
    path = "/places/{id}/children",
    tag = "places",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = Vec<JurisdictionView>)),
)]
pub async fn children(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<JurisdictionView>>> {
    // A non-numeric id is simply a place that does not exist.
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    state.jurisdiction(id).await?.ok_or(ApiError::NotFound)?;
    let rows = state.db.jurisdiction_children(id).await?;
    Ok(Json(rows.iter().map(|r| r.view()).collect()))
}
