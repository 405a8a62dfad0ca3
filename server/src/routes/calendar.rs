//! Admins add next year's national holiday notice, or a community's own exceptions, in the
//! same text format as the shipped notices (`off|work YYYY-MM-DD[..YYYY-MM-DD] note`).

use super::cases::communities::community_in_scope;
use crate::auth::CurrentUser;
use crate::db::calendar::{community_scope, NATIONAL};
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Query;
use crate::AppState;
use anju_domain::calendar::{check_notice, DayKind};
use anju_domain::deadline::WorkingHours;
use anju_domain::Role;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NoticeRequest {
    /// Absent: a national notice (system admin). Present: that community's exceptions.
    community_id: Option<i64>,
    notice: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NoticeApplied {
    days: usize,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    community_id: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CalendarDay {
    day: String,
    working: bool,
    note: String,
}

/// The calendar a change applies to, and where in the tree its audit entry belongs.
async fn scope_for(
    state: &AppState,
    user: &crate::db::accounts::AccountRow,
    community_id: Option<i64>,
) -> ApiResult<(String, String)> {
    match community_id {
        None if user.role == Role::SystemAdmin => Ok((NATIONAL.to_owned(), "/".to_owned())),
        None => Err(ApiError::Forbidden),
        Some(id) => {
            if !user.role.can(anju_domain::access::Capability::EditPolicy) {
                return Err(ApiError::Forbidden);
            }
            let community = community_in_scope(state, user, id).await?;
            Ok((community_scope(community.id), community.id_path))
        }
    }
}

/// An admin enters the State Council's holiday notice for a year; open deadlines are recomputed.
#[utoipa::path(
    post,
    path = "/calendar/days",
    tag = "calendar",
    request_body = NoticeRequest,
    responses((status = 200, description = "OK", body = NoticeApplied)),
    security(("session" = [])),
)]
pub async fn add_notice(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<NoticeRequest>,
) -> ApiResult<Json<NoticeApplied>> {
    let (scope, scope_path) = scope_for(&state, &user, req.community_id).await?;
    let days = check_notice(&req.notice).map_err(|(zh, en)| ApiError::field("notice", &zh, &en))?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    tx.put_calendar_days(&scope, &days, "", now, user.id)
        .await?;
    tx.audit(
        &Audit::new(now, Some(user.id), "calendar.notice", &scope, &scope_path).detail(&req.notice),
    )
    .await?;
    tx.commit().await?;
    state.calendars.invalidate().await;
    Ok(Json(NoticeApplied { days: days.len() }))
}

/// The working calendar's exceptions (public holidays, working weekends): the national ones,
/// or with `community_id` that community's.
#[utoipa::path(
    get,
    path = "/calendar/days",
    tag = "calendar",
    params(DaysQuery),
    responses((status = 200, description = "OK", body = Vec<CalendarDay>)),
    security(("session" = [])),
)]
pub async fn list_days(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<DaysQuery>,
) -> ApiResult<Json<Vec<CalendarDay>>> {
    let scope = match q.community_id {
        None => NATIONAL.to_owned(),
        Some(id) => community_scope(community_in_scope(&state, &user, id).await?.id),
    };
    let days = state.db.calendar_days(&scope).await?;
    Ok(Json(
        days.into_iter()
            .map(|(d, k, note)| CalendarDay {
                day: d.format("%Y-%m-%d").to_string(),
                working: k == DayKind::Work,
                note,
            })
            .collect(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct HoursRequest {
    /// `08:30-17:30`.
    hours: String,
}

/// County and system admins set a community's working hours; working-day deadlines end at
/// the close of them, working-hour clocks count within them.
#[utoipa::path(
    put,
    path = "/communities/{id}/working-hours",
    tag = "calendar",
    params(("id" = String, Path)),
    request_body = HoursRequest,
    responses((status = 204, description = "Done; no content")),
    security(("session" = [])),
)]
pub async fn set_working_hours(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    crate::extract::Path(id): crate::extract::Path<String>,
    ApiJson(req): ApiJson<HoursRequest>,
) -> ApiResult<axum::http::StatusCode> {
    if !user.role.can(anju_domain::access::Capability::EditPolicy) {
        return Err(ApiError::Forbidden);
    }
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let community = community_in_scope(&state, &user, id).await?;
    let hours = WorkingHours::parse(&req.hours).ok_or_else(|| {
        ApiError::field(
            "hours",
            "请按 08:30-17:30 的格式填写，结束要晚于开始",
            "Use the form 08:30-17:30, ending after it starts",
        )
    })?;
    let text = hours.text();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    tx.set_community_working_hours(community.id, &text).await?;
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "community.working_hours",
            &format!("jurisdiction:{}", community.id),
            &community.id_path,
        )
        .detail(&text),
    )
    .await?;
    tx.commit().await?;
    state.calendars.invalidate().await;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
