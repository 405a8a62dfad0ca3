//! Staff read their area's responses (on the record) and review door-to-door ones; every
//! review decision is kept.

use super::reach::*;
use super::views::*;
use crate::auth::CurrentUser;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::routes::fields::refused;
use crate::AppState;
use anju_domain::survey_api::{Channel, ResponseView, ReviewRequest};
use anju_domain::survey_review::check_review;
use axum::extract::State;
use axum::Json;

/// Staff list of a survey's responses in their area (for review).
#[utoipa::path(
    get,
    path = "/surveys/{id}/responses",
    tag = "surveys",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = Vec<ResponseView>)),
    security(("session" = [])),
)]
pub async fn responses(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    crate::extract::Query(q): crate::extract::Query<super::results::MonthQuery>,
) -> ApiResult<Json<Vec<ResponseView>>> {
    let (id, loaded) = load(&state, &id).await?;
    let scope = survey_staff(&state, &user)
        .await?
        .ok_or(ApiError::Forbidden)?;
    if visible(&state, &user, &loaded).await?.is_some() {
        return Err(ApiError::Forbidden);
    }
    let month = super::results::checked_month(&state, q.month.as_deref())?;
    crate::routes::audit::record_view(
        &state,
        &user,
        "survey.responses_view",
        &format!("survey:{id}"),
        scope.prefix(),
        &month,
    )
    .await?;
    let mut out = Vec::new();
    for r in state.db.survey_responses(id, &scope, Some(&month)).await? {
        out.push(response_view(&state, &r, &loaded).await?);
    }
    Ok(Json(with_review_history(&state, out).await?))
}

/// Staff approve or reject a door-to-door response; only approved ones count.
#[utoipa::path(
    post,
    path = "/survey-responses/{id}/review",
    tag = "surveys",
    params(("id" = String, Path)),
    request_body = ReviewRequest,
    responses((status = 200, description = "OK", body = ResponseView)),
    security(("session" = [])),
)]
pub async fn review(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ReviewRequest>,
) -> ApiResult<Json<ResponseView>> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let scope = survey_staff(&state, &user)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (row, path) = state
        .db
        .survey_response(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !scope.holds(&path) {
        return Err(ApiError::NotFound);
    }
    let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let channel = if row.channel == "door_to_door" {
        Channel::DoorToDoor
    } else {
        Channel::Resident
    };
    check_review(channel, req.review, note).map_err(refused)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    tx.review_response(id, req.review.as_str(), note, user.id, now)
        .await?;
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "survey.review",
            &format!("survey_response:{id}"),
            &path,
        )
        .detail(req.review.as_str()),
    )
    .await?;
    tx.commit().await?;
    let (row, _) = state
        .db
        .survey_response(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (_, loaded) = load(&state, &row.survey_id.to_string()).await?;
    let view = response_view(&state, &row, &loaded).await?;
    Ok(Json(
        with_review_history(&state, vec![view])
            .await?
            .pop()
            .ok_or(ApiError::NotFound)?,
    ))
}
