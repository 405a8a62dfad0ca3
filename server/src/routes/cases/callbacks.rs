//! Call-backs: the month's seeded draw per community (complaints marked major are always
//! in it). Call records and the major mark are in `call_records.rs`.

use super::communities::{community_in_scope, month_range};
use crate::auth::CurrentUser;
use crate::db::audit::Audit;
use crate::db::callbacks::NewDraw;
use crate::db::jurisdictions::JurisdictionRow;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Query;
use crate::shanghai::rfc3339;
use crate::AppState;
use anju_domain::callback::{CallbackItemView, CallbackView, DrawRequest, DrawView};
use anju_domain::sampling::{draw_callback_sample, CallbackCandidate};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
struct Candidate {
    id: i64,
    major: bool,
}

/// Draw the month's call-back sample for a community: 201 when this call drew it, 200 with
/// the sample already drawn.
#[utoipa::path(
    post,
    path = "/callbacks/draws",
    tag = "complaints",
    request_body = DrawRequest,
    responses((status = 200, description = "OK", body = DrawView), (status = 201, description = "Created", body = DrawView)),
    security(("session" = [])),
)]
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DrawQuery {
    community_id: i64,
    month: String,
}

/// The month's call-back sample for a community, if drawn.
#[utoipa::path(
    get,
    path = "/callbacks/draws",
    tag = "complaints",
    params(DrawQuery),
    responses((status = 200, description = "OK", body = Option<DrawView>)),
    security(("session" = [])),
)]
pub async fn get_draw(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<DrawQuery>,
) -> ApiResult<Json<Option<DrawView>>> {
    let community = community_in_scope(&state, &user, q.community_id).await?;
    // A month that cannot be (or not yet) is refused, naming the field, as when drawing.
    month_range(&state, &q.month)?;
    // Not drawn yet: `null` (the page offers to draw), not an error.
    if state.db.draw(community.id, &q.month).await?.is_none() {
        return Ok(Json(None));
    }
    Ok(Json(Some(draw_view(&state, &community, &q.month).await?)))
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
