//! Call-backs: the month's seeded draw per community, call records, and marking a complaint
//! major (重大), which puts it in every sample.

use super::access::staff_scope;
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::audit::Audit;
use crate::db::callbacks::NewDraw;
use crate::db::jurisdictions::JurisdictionRow;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::{Path, Query};
use crate::shanghai::rfc3339;
use crate::AppState;
use anju_domain::callback::{
    month_bounds, CallbackItemView, CallbackView, DrawRequest, DrawView, RecordCallbackRequest,
};
use anju_domain::sampling::{draw_callback_sample, CallbackCandidate};
use anju_domain::JurisdictionLevel;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

/// The community, if the caller works cases over it.
pub(crate) async fn community_in_scope(
    state: &AppState,
    user: &AccountRow,
    community_id: i64,
) -> ApiResult<JurisdictionRow> {
    let scope = staff_scope(state, user).await?.ok_or(ApiError::Forbidden)?;
    state
        .db
        .jurisdiction(community_id)
        .await?
        .filter(|c| c.level == JurisdictionLevel::Community && scope.holds(&c.id_path))
        .ok_or_else(|| {
            ApiError::field(
                "community_id",
                "请选择您负责的社区",
                "Choose a community you are responsible for",
            )
        })
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

#[derive(Serialize, Deserialize)]
struct Candidate {
    id: i64,
    major: bool,
}

pub async fn draw(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<DrawRequest>,
) -> ApiResult<(StatusCode, Json<DrawView>)> {
    let community = community_in_scope(&state, &user, req.community_id).await?;
    let range = month_range(&state, &req.month)?;
    let fresh = perform_draw(
        &state,
        community.id,
        &req.month,
        range,
        user.id,
        "callback.draw",
    )
    .await?;
    let status = if fresh {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(draw_view(&state, &community, &req.month).await?),
    ))
}

/// Draw a community's sample for a month unless it exists; true when this call drew it.
pub async fn perform_draw(
    state: &AppState,
    community_id: i64,
    month: &str,
    (start, end): (i64, i64),
    by: i64,
    audit_action: &str,
) -> ApiResult<bool> {
    if state.db.draw(community_id, month).await?.is_some() {
        return Ok(false);
    }
    let handled = state
        .db
        .complaints_handled_in(community_id, start, end)
        .await?;
    let candidates: Vec<CallbackCandidate> = handled
        .iter()
        .map(|c| CallbackCandidate {
            id: c.id,
            major: c.major,
        })
        .collect();
    let seed: u64 = rand::random();
    let min_percent = state.settings.policy.callback_min_percent;
    let sample: Vec<(i64, bool)> = draw_callback_sample(&candidates, seed, min_percent)
        .into_iter()
        .map(|id| (id, candidates.iter().any(|c| c.id == id && c.major)))
        .collect();
    let json = serde_json::to_string(
        &candidates
            .iter()
            .map(|c| Candidate {
                id: c.id,
                major: c.major,
            })
            .collect::<Vec<_>>(),
    )
    .map_err(|e| ApiError::Internal(e.into()))?;
    let now = state.clock.now();
    let scope = state
        .db
        .jurisdiction(community_id)
        .await?
        .map_or_else(|| "/".to_owned(), |j| j.id_path);
    let mut tx = state.db.begin().await?;
    let fresh = tx
        .insert_draw(&NewDraw {
            community_id,
            month,
            seed,
            min_percent,
            candidates_json: &json,
            sample: &sample,
            now,
            by,
        })
        .await?;
    if fresh {
        let seed = seed.to_string();
        tx.audit(
            &Audit::new(
                now,
                Some(by),
                audit_action,
                &format!("community:{community_id}:{month}"),
                &scope,
            )
            .detail(&seed),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(fresh)
}

#[derive(Deserialize)]
pub struct DrawQuery {
    community_id: i64,
    month: String,
}

pub async fn get_draw(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<DrawQuery>,
) -> ApiResult<Json<DrawView>> {
    let community = community_in_scope(&state, &user, q.community_id).await?;
    Ok(Json(draw_view(&state, &community, &q.month).await?))
}

async fn draw_view(
    state: &AppState,
    community: &JurisdictionRow,
    month: &str,
) -> ApiResult<DrawView> {
    let draw = state
        .db
        .draw(community.id, month)
        .await?
        .ok_or(ApiError::NotFound)?;
    let categories = state.db.categories().await?;
    let candidates: Vec<Candidate> = serde_json::from_str(&draw.candidates).unwrap_or_default();
    let mut items = Vec::new();
    for (case_id, major) in state.db.draw_items(draw.id).await? {
        let Some(case) = state.db.case(case_id).await? else {
            continue;
        };
        let callback = match state.db.latest_callback(case_id).await? {
            Some(cb) => Some(CallbackView {
                called_at: rfc3339(cb.called_at),
                called_by: state
                    .db
                    .account(cb.called_by)
                    .await?
                    .map(|a| a.display_name)
                    .unwrap_or_default(),
                reached: cb.reached,
                satisfied: cb.satisfied,
                comment: cb.comment,
            }),
            None => None,
        };
        items.push(CallbackItemView {
            case_id,
            reference: case.reference,
            category_name: categories
                .iter()
                .find(|c| c.code == case.category_code)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            major,
            callback,
        });
    }
    Ok(DrawView {
        id: draw.id,
        community: community.name.clone(),
        month: draw.month,
        seed: draw.seed.to_string(),
        min_percent: draw.min_percent,
        candidates: candidates.len(),
        items,
    })
}

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

#[derive(Deserialize)]
pub struct MajorRequest {
    major: bool,
}

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

/// Communities the caller works cases for (for choosing in call-back and report pages).
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
