//! The public eligibility check, the lists (the family's own, the reviewer's queue), one
//! application, and revealing its ID number on the record.

use super::access::Viewer;
use super::access::{staff_scope, visible_application};
use super::place::{county_of_community, county_rules};
use super::stages::stage_groups;
use super::views::{application_view, load_id_number, summary};
use crate::auth::CurrentUser;
use crate::db::retrofit::{ApplicationRow, QueueFilter};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::{Path, Query};
use crate::paging::PageSize;
use crate::shanghai::today;
use crate::AppState;
use anju_domain::application::{ApplicationPage, ApplicationView};
use anju_domain::desk::Behind;
use anju_domain::eligibility::{check, EligibilityCheckRequest, EligibilityCheckView};
use anju_domain::retrofit::RetrofitState;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

const PAGE: PageSize = PageSize(30);

/// The public check: next question and, when none is left, the outcome. The server's answer
/// is the authority; the app computes the same with the same code for an instant answer.
#[utoipa::path(
    post,
    path = "/retrofit/eligibility",
    tag = "retrofit",
    request_body = EligibilityCheckRequest,
    responses((status = 200, description = "OK", body = EligibilityCheckView)),
)]
pub async fn eligibility(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<EligibilityCheckRequest>,
) -> ApiResult<Json<EligibilityCheckView>> {
    let county = match req.community_id {
        Some(c) => Some(county_of_community(&state, c).await?.ok_or_else(|| {
            ApiError::field("community_id", "请选择您住的社区", "Choose your community")
        })?),
        None => None,
    };
    let rules = county_rules(&state, county).await?;
    Ok(Json(check(&req.answers, rules, today(state.clock.now()))))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    after: Option<i64>,
    status: Option<String>,
    community_id: Option<i64>,
    ground: Option<String>,
    /// `overdue` or `due_soon`: staff only, the households the desk counts as behind their
    /// stage's year date, or held to one within 30 days.
    behind: Option<String>,
}

/// Retrofit applications the caller may see: a family's own, or the office's list, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/retrofit/applications",
    tag = "retrofit",
    params(ListQuery),
    responses((status = 200, description = "OK", body = ApplicationPage)),
    security(("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<ApplicationPage>> {
    let before = q.after.unwrap_or(i64::MAX);
    let rows = match staff_scope(&state, &user).await? {
        Some(scope) => {
            if let Some(s) = q.status.as_deref() {
                RetrofitState::parse(s)
                    .ok_or_else(|| ApiError::field("status", "状态无效", "Unknown status"))?;
            }
            if let Some(g) = q.ground.as_deref() {
                if !["age80", "disabled", "certified_disability", "self_paid"].contains(&g) {
                    return Err(ApiError::field("ground", "补贴依据无效", "Unknown ground"));
                }
            }
            let groups = match q.behind.as_deref() {
                None => None,
                Some(b) => {
                    let behind = Behind::parse(b).ok_or_else(|| {
                        ApiError::field(
                            "behind",
                            "只能是 overdue（已逾期）或 due_soon（30 天内到期）",
                            "Either overdue or due_soon",
                        )
                    })?;
                    Some(
                        stage_groups(&state, &scope, q.community_id)
                            .await?
                            .into_iter()
                            .filter(|g| q.status.as_deref().is_none_or(|s| s == g.state.as_str()))
                            .filter(|g| g.deadline.is_some_and(|d| behind.holds(&d)))
                            .filter_map(|g| Some((g.count.county_id?, g.count.year, g.count.state)))
                            .collect::<Vec<_>>(),
                    )
                }
            };
            state
                .db
                .application_queue(&QueueFilter {
                    scope: &scope,
                    viewer: user.id,
                    state: q.status.as_deref(),
                    community_id: q.community_id,
                    ground: q.ground.as_deref(),
                    groups: groups.as_deref(),
                    before_id: before,
                    limit: PAGE.fetch(),
                })
                .await?
        }
        None if user.role.is_staff() => return Err(ApiError::Forbidden),
        None => {
            state
                .db
                .applications_of_elders(user.id, before, PAGE.fetch())
                .await?
        }
    };
    let (rows, next_after) = PAGE.split(rows, |r| r.id);
    let items = summary_rows(&state, &rows).await?;
    Ok(Json(ApplicationPage { items, next_after }))
}

pub(crate) async fn summary_rows(
    state: &AppState,
    rows: &[ApplicationRow],
) -> ApiResult<Vec<anju_domain::application::ApplicationSummary>> {
    // Two queries a page: the rows, then their communities' names.
    let communities: Vec<i64> = rows.iter().filter_map(|r| r.community_id).collect();
    let names = state.db.jurisdiction_names(&communities).await?;
    Ok(rows.iter().map(|r| summary(r, &names)).collect())
}

/// One application as the caller may see it (ID number masked).
#[utoipa::path(
    get,
    path = "/retrofit/applications/{id}",
    tag = "retrofit",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Family {
        // Staff see health and disability answers: every such view is recorded.
        crate::routes::audit::record_view(
            &state,
            &user,
            "retrofit.view",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
            "",
        )
        .await?;
    }
    Ok(Json(application_view(&state, &app, viewer).await?))
}

/// The full ID number, for staff who press "show"; recorded (who, when).
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/id-number",
    tag = "retrofit",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = serde_json::Value)),
    security(("session" = [])),
)]
pub async fn reveal_id_number(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    // The assessor works from the masked number: the full one is for the reviewing offices.
    if matches!(
        viewer,
        Viewer::Family | Viewer::Assessor | Viewer::Contractor
    ) {
        return Err(ApiError::Forbidden);
    }
    let number = load_id_number(&state, &app)?.ok_or(ApiError::NotFound)?;
    crate::routes::audit::record_view(
        &state,
        &user,
        "retrofit.reveal_id_number",
        &format!("retrofit_application:{}", app.id),
        &app.scope_path,
        "",
    )
    .await?;
    Ok(Json(serde_json::json!({ "id_number": number.as_str() })))
}
