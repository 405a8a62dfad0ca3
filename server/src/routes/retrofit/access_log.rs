//! What a family is told about who looked at their application (PIPL Art. 45).

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::AppState;
use anju_domain::audit::{AccessKind, AccessLogEntry};
use anju_domain::Role;
use axum::extract::State;
use axum::Json;

/// `GET /api/retrofit/applications/{id}/access-log`: which offices looked at this
/// application (and the elder's family proofs), for the elder and their confirmed family
/// (PIPL Art. 45). Offices, not staff names: the family learns who holds their data.
#[utoipa::path(
    get,
    path = "/retrofit/applications/{id}/access-log",
    tag = "retrofit",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = Vec<AccessLogEntry>)),
    security(("session" = [])),
)]
pub async fn access_log(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<AccessLogEntry>>> {
    let (app, viewer) = super::access::visible_application(&state, &user, &id).await?;
    if viewer != super::access::Viewer::Family {
        return Err(ApiError::NotFound);
    }
    let rows = state
        .db
        .access_log(app.id, app.elder_account_id, 200)
        .await?;
    Ok(Json(
        rows.into_iter()
            .filter_map(|r| {
                Some(AccessLogEntry {
                    place: r.place.unwrap_or_default(),
                    role: Role::parse(&r.role)?,
                    kind: AccessKind::of_action(&r.action)?,
                    at: r.at,
                })
            })
            .collect(),
    ))
}
