//! The signed-in account's notifications.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::paging::PageSize;
use crate::shanghai::rfc3339;
use crate::AppState;
use anju_domain::notification::{NotificationPage, NotificationView, UnreadCount};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

const PAGE: PageSize = PageSize(30);

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    before: Option<i64>,
}

/// The caller's notifications, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/notifications",
    tag = "notifications",
    params(PageQuery),
    responses((status = 200, description = "OK", body = NotificationPage)),
    security(("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<NotificationPage>> {
    let rows = state
        .db
        .notifications(user.id, q.before.unwrap_or(i64::MAX), PAGE.fetch())
        .await?;
    let (rows, next_before) = PAGE.split(rows, |n| n.id);
    let items = rows
        .into_iter()
        .map(|n| NotificationView {
            id: n.id,
            at: rfc3339(n.at),
            kind: n.kind,
            case_id: n.case_id,
            application_id: n.application_id,
            message: n.message,
            message_en: n.message_en,
            read: n.read,
        })
        .collect();
    let unread = state.db.unread_notifications(user.id).await?;
    Ok(Json(NotificationPage {
        items,
        unread,
        next_before,
    }))
}

/// How many notifications are unread.
#[utoipa::path(
    get,
    path = "/notifications/unread-count",
    tag = "notifications",
    responses((status = 200, description = "OK", body = UnreadCount)),
    security(("session" = [])),
)]
pub async fn unread(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<UnreadCount>> {
    Ok(Json(UnreadCount {
        unread: state.db.unread_notifications(user.id).await?,
    }))
}

/// Mark one notification read.
#[utoipa::path(
    post,
    path = "/notifications/{id}/read",
    tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 204, description = "Done; no content")),
    security(("session" = [])),
)]
pub async fn mark_read(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    state
        .db
        .mark_notifications_read(user.id, Some(id), state.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark every notification read.
#[utoipa::path(
    post,
    path = "/notifications/read-all",
    tag = "notifications",
    responses((status = 204, description = "Done; no content")),
    security(("session" = [])),
)]
pub async fn mark_all_read(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<StatusCode> {
    state
        .db
        .mark_notifications_read(user.id, None, state.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
