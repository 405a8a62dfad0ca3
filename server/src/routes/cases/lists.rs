//! The resident's own cases, the staff queue by time left, one case, and who may take it.

use super::access::{staff_scope, visible_case};
use super::communities::community_in_scope;
use super::views::case_view;
use crate::access::Scope;
use crate::auth::CurrentUser;
use crate::db::cases::{CaseListRow, NO_DUE};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::paging::PageSize;
use crate::shanghai::rfc3339;
use crate::AppState;
use anju_domain::category::CaseKind;
use anju_domain::complaint::{CasePage, CaseSummary, CaseView};
use anju_domain::Role;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

const PAGE: PageSize = PageSize(30);

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    after: Option<String>,
    #[serde(default)]
    overdue: bool,
    /// `today`: staff only, open cases whose next deadline is later today.
    due: Option<String>,
    /// Staff only: one community of their area.
    community_id: Option<i64>,
}

/// The caller's cases: a resident's own, or the staff member's queue (`overdue=true` for overdue ones, `due=today`, `community_id`), newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/cases",
    tag = "complaints",
    params(ListQuery),
    responses((status = 200, description = "OK", body = CasePage)),
    security(("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<CasePage>> {
    let bad_key = || ApiError::BadParameter {
        name: "after".into(),
    };
    let (rows, staff) = match staff_scope(&state, &user).await? {
        Some(scope) => {
            let scope = match q.community_id {
                Some(id) => {
                    let c = community_in_scope(&state, &user, id).await?;
                    Scope::home_community(c.id_path, c.id)
                }
                None => scope,
            };
            let now = state.clock.now();
            let due_today = match q.due.as_deref() {
                None => false,
                Some("today") if !q.overdue => true,
                Some(_) => {
                    return Err(ApiError::field(
                        "due",
                        "只能筛选今天到期（due=today），且不能与已超时同时选",
                        "Only due=today, and not together with overdue",
                    ))
                }
            };
            // The desk's counts use the same bounds (`Db::open_case_counts`).
            let first = if due_today {
                (now, i64::MAX)
            } else {
                (i64::MIN, i64::MIN)
            };
            let after = match q.after.as_deref() {
                None => first,
                Some(k) => anju_domain::complaint::parse_queue_key(k).ok_or_else(bad_key)?,
            };
            let due_before = if q.overdue {
                now
            } else if due_today {
                crate::shanghai::tomorrow_start(now) - 1
            } else {
                i64::MAX
            };
            (
                state
                    .db
                    .case_queue(&scope, after, due_before, PAGE.fetch())
                    .await?,
                true,
            )
        }
        None => {
            let before = match q.after.as_deref() {
                None => i64::MAX,
                Some(k) => k.parse().map_err(|_| bad_key())?,
            };
            (
                state
                    .db
                    .cases_of_resident(user.id, before, PAGE.fetch())
                    .await?,
                false,
            )
        }
    };
    let (rows, next_after) = PAGE.split(rows, |last| {
        if staff {
            anju_domain::complaint::queue_key(last.next_due_at, last.id)
        } else {
            last.id.to_string()
        }
    });
    let now = state.clock.now();
    let items = rows.into_iter().map(|r| summary(r, staff, now)).collect();
    Ok(Json(CasePage { items, next_after }))
}

/// A list row as its card shows it. The due time is the stored earliest running deadline
/// (recomputed with every change of the case), so a page needs no clock data.
fn summary(row: CaseListRow, staff: bool, now: i64) -> CaseSummary {
    let running = row.next_due_at != NO_DUE && !row.state.is_handled();
    // Residents are promised a time only once staff have acknowledged the case.
    let shown = running && (staff || row.acknowledged_at.is_some());
    CaseSummary {
        id: row.id,
        reference: row.reference,
        kind: if row.kind == "inquiry" {
            CaseKind::Inquiry
        } else {
            CaseKind::Complaint
        },
        category_name: row
            .category_name
            .unwrap_or_else(|| row.category_code.clone()),
        category_name_en: row
            .category_name_en
            .unwrap_or_else(|| row.category_code.clone()),
        category: row.category_code,
        state: row.state,
        community: row.community_name.unwrap_or_default(),
        resident_name: if staff {
            row.resident_name.unwrap_or_default()
        } else {
            String::new()
        },
        created_at: rfc3339(row.created_at),
        due_at: shown.then(|| rfc3339(row.next_due_at)),
        overdue: shown && now > row.next_due_at,
        major: row.major,
    }
}

/// One case with its history, deadlines and photos.
#[utoipa::path(
    get,
    path = "/cases/{id}",
    tag = "complaints",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = CaseView)),
    security(("session" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseView>> {
    let (case, staff) = visible_case(&state, &user, &id).await?;
    if staff {
        crate::routes::audit::record_view(
            &state,
            &user,
            "case.view",
            &format!("case:{}", case.id),
            &case.scope_path,
            "",
        )
        .await?;
    }
    Ok(Json(case_view(&state, &case, staff).await?))
}

/// The resident's full number, for staff who press "show number" to call about the case;
/// recorded (who, when, which case) before it is sent.
#[utoipa::path(
    post,
    path = "/cases/{id}/resident-phone",
    tag = "complaints",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = serde_json::Value)),
    security(("session" = [])),
)]
pub async fn resident_phone(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let (case, staff) = visible_case(&state, &user, &id).await?;
    if !staff {
        return Err(ApiError::Forbidden);
    }
    let resident = state
        .db
        .account(case.resident_account_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    crate::routes::audit::record_view(
        &state,
        &user,
        "case.reveal_phone",
        &format!("case:{}", case.id),
        &case.scope_path,
        "",
    )
    .await?;
    Ok(Json(serde_json::json!({ "phone": resident.phone })))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Assignee {
    id: i64,
    display_name: String,
    role: Role,
}

/// Staff who may take this case: community staff and street reviewers over it.
#[utoipa::path(
    get,
    path = "/cases/{id}/assignees",
    tag = "complaints",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = Vec<Assignee>)),
    security(("session" = [])),
)]
pub async fn assignees(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Assignee>>> {
    let (case, staff) = visible_case(&state, &user, &id).await?;
    if !staff {
        return Err(ApiError::Forbidden);
    }
    let mut out = Vec::new();
    for role in [Role::CommunityStaff, Role::StreetReviewer] {
        for account_id in state.db.staff_over(&case.scope_path, role.as_str()).await? {
            if let Some(a) = state.db.account(account_id).await? {
                out.push(Assignee {
                    id: a.id,
                    display_name: a.display_name,
                    role: a.role,
                });
            }
        }
    }
    Ok(Json(out))
}
