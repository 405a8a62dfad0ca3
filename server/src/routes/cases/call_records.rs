//! Call records, and marking a complaint major (重大), which puts it in every call-back
//! sample.

use super::access::staff_scope;
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::audit::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::AppState;
use anju_domain::callback::RecordCallbackRequest;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

/// Cases the caller works on, as staff; a 404 otherwise.
async fn staff_case(
    state: &AppState,
    user: &AccountRow,
    id: &str,
) -> ApiResult<crate::db::cases::CaseRow> {
    let scope = staff_scope(state, user).await?.ok_or(ApiError::NotFound)?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    state
        .db
        .case(id)
        .await?
        .filter(|c| scope.holds(&c.scope_path))
        .ok_or(ApiError::NotFound)
}

/// Record a call-back to the resident about a handled case.
#[utoipa::path(
    post,
    path = "/cases/{id}/callbacks",
    tag = "complaints",
    params(("id" = String, Path)),
    request_body = RecordCallbackRequest,
    responses((status = 201, description = "Created")),
    security(("session" = [])),
)]
pub async fn record(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RecordCallbackRequest>,
) -> ApiResult<StatusCode> {
    let case = staff_case(&state, &user, &id).await?;
    if !case.state.is_handled() {
        return Err(ApiError::Conflict {
            field: "case",
            message: "只能回访已处理的事项",
            message_en: "Only handled cases can be called back",
        });
    }
    if req.reached && req.satisfied.is_none() {
        return Err(ApiError::field(
            "satisfied",
            "请记录居民是否满意",
            "Record whether the resident is satisfied",
        ));
    }
    let comment = req
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > anju_domain::complaint::NOTE_MAX_CHARS) {
        return Err(ApiError::field(
            "comment",
            "备注不能超过 1000 个字",
            "The comment must be 1000 characters or fewer",
        ));
    }
    let now = state.clock.now();
    let satisfied = if req.reached { req.satisfied } else { None };
    let mut tx = state.db.begin().await?;
    tx.record_callback(case.id, user.id, now, req.reached, satisfied, comment)
        .await?;
    tx.audit(&Audit::new(
        now,
        Some(user.id),
        "callback.record",
        &format!("case:{}", case.id),
        &case.scope_path,
    ))
    .await?;
    tx.commit().await?;
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MajorRequest {
    major: bool,
}

/// Mark (or unmark) a case as a major complaint: every major complaint gets a call-back, not
/// only those in the month's sample.
#[utoipa::path(
    post,
    path = "/cases/{id}/major",
    tag = "complaints",
    params(("id" = String, Path)),
    request_body = MajorRequest,
    responses((status = 204, description = "Done; no content")),
    security(("session" = [])),
)]
pub async fn set_major(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<MajorRequest>,
) -> ApiResult<StatusCode> {
    let case = staff_case(&state, &user, &id).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let applied = tx
        .apply_transition(&crate::db::case_history::Transition {
            case_id: case.id,
            from: case.state,
            to: case.state,
            actor: user.id,
            action: if req.major {
                "mark_major"
            } else {
                "unmark_major"
            },
            note: None,
            now,
            assignee: None,
            acknowledge: false,
            open_pause: false,
            close_pause: false,
            targets_met: &[],
            targets_unmet: &[],
            rating: None,
            major: Some(req.major),
            scope_path: &case.scope_path,
        })
        .await?;
    if !applied {
        return Err(ApiError::Conflict {
            field: "major",
            message: "案件刚刚被其他人更新了，请刷新后再试",
            message_en: "Someone else just updated this case; reload and try again",
        });
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
