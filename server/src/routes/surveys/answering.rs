//! Answers: a resident for their household, a collector at the door (sent later when offline;
//! a retried send never counts twice).

use super::reach::*;
use super::views::*;
use crate::auth::CurrentUser;
use crate::db::surveys::{decode_definition, NewResponse, Recorded, VersionRow};
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::routes::fields::refused;
use crate::shanghai::{month_of, today};
use crate::AppState;
use anju_domain::survey::{check_response, is_satisfied, parse_day, Answers, SurveyDefinition};
use anju_domain::survey_api::{AnswerRequest, CollectRequest, ResponseView, SurveyView};
use anju_domain::survey_flow::{check_client_key, check_door, check_window};
use anju_domain::JurisdictionLevel;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// The version answered must be published and open on `day`; its answers must fit it.
pub(super) fn check_answers(
    version: &VersionRow,
    answers: &Answers,
    day: chrono::NaiveDate,
) -> ApiResult<(SurveyDefinition, Option<bool>)> {
    check_window(
        version.published_at.is_some(),
        parse_day(&version.opens_on),
        parse_day(&version.closes_on),
        day,
    )
    .map_err(refused)?;
    let definition = decode_definition(&version.definition)?;
    let problems = check_response(&definition, answers);
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let satisfied = is_satisfied(&definition, answers);
    Ok((definition, satisfied))
}

pub(super) fn unknown_version() -> ApiError {
    ApiError::field(
        "version",
        "问卷已经更新，请刷新后重新填写",
        "The survey has changed; reload and answer again",
    )
}

/// A resident answers (or updates) their household's response to the current version.
#[utoipa::path(
    put,
    path = "/surveys/{id}/my-response",
    tag = "surveys",
    params(("id" = String, Path)),
    request_body = AnswerRequest,
    responses((status = 200, description = "OK", body = SurveyView)),
    security(("session" = [])),
)]
pub async fn answer(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AnswerRequest>,
) -> ApiResult<Json<SurveyView>> {
    let (id, loaded) = load(&state, &id).await?;
    let home = visible(&state, &user, &loaded)
        .await?
        .ok_or(ApiError::Forbidden)?;
    let published = loaded.published().ok_or(ApiError::NotFound)?;
    if published.version != req.version {
        return Err(unknown_version());
    }
    let now = state.clock.now();
    let (_, satisfied) = check_answers(published, &req.answers, today(state.clock.now()))?;
    let answers = serde_json::to_string(&req.answers).map_err(|e| ApiError::Internal(e.into()))?;
    let key = check_client_key(&req.client_key).map_err(refused)?;
    let mut tx = state.db.begin().await?;
    let recorded = tx
        .record_response(
            &NewResponse {
                survey_id: id,
                version_id: published.id,
                community_id: home.community_id,
                scope_path: &home.scope_path,
                building_id: home.building_id,
                unit: &home.unit,
                room: &home.room,
                household_key: &home.key,
                channel: "resident",
                respondent: Some(user.id),
                collector: None,
                submitted_by: user.id,
                client_key: key,
                answers: &answers,
                satisfied,
                collected_at: now,
                month: &month_of(now),
                now,
            },
            true,
        )
        .await?;
    audit_recorded(
        &mut tx,
        &recorded,
        user.id,
        now,
        "survey.answer",
        &home.scope_path,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(view(&state, id, &loaded, Some(&home)).await?))
}

/// A response on the record (its id and whether it counts, never the answers); a resend of
/// the same one is not a new entry.
pub(super) async fn audit_recorded(
    tx: &mut crate::db::Tx,
    recorded: &Recorded,
    by: i64,
    now: i64,
    action: &str,
    scope_path: &str,
) -> ApiResult<()> {
    let (id, detail) = match recorded {
        Recorded::Counted(id) => (id, "counted"),
        Recorded::Flagged(id) => (id, "flagged"),
        Recorded::Again(_) => return Ok(()),
    };
    tx.audit(
        &Audit::new(
            now,
            Some(by),
            action,
            &format!("survey_response:{id}"),
            scope_path,
        )
        .detail(detail),
    )
    .await?;
    Ok(())
}

/// A collector records a household's answers at the door. Idempotent by the device's key.
#[utoipa::path(
    post,
    path = "/surveys/{id}/responses",
    tag = "surveys",
    params(("id" = String, Path)),
    request_body = CollectRequest,
    responses((status = 200, description = "OK", body = ResponseView), (status = 201, description = "Created", body = ResponseView)),
    security(("session" = [])),
)]
pub async fn collect(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CollectRequest>,
) -> ApiResult<(StatusCode, Json<ResponseView>)> {
    let (id, loaded) = load(&state, &id).await?;
    let scope = survey_staff(&state, &user)
        .await?
        .ok_or(ApiError::Forbidden)?;
    if !targets_in_scope(&state, &loaded, &scope).await? {
        return Err(ApiError::NotFound);
    }
    let key = check_client_key(&req.client_key).map_err(refused)?;
    let version = loaded.version(req.version).ok_or_else(unknown_version)?;
    let building = state
        .jurisdiction(req.building_id)
        .await?
        .filter(|b| b.level == JurisdictionLevel::Building)
        .ok_or_else(|| ApiError::field("building_id", "请选择楼栋", "Choose a building"))?;
    if !scope.holds(&building.id_path) {
        return Err(ApiError::field(
            "building_id",
            "这一户不在您的管辖范围内",
            "This household is outside your area",
        ));
    }
    let community_id = building.parent_id.unwrap_or_default();
    if !state
        .db
        .survey_targets(version.id)
        .await?
        .contains(&community_id)
    {
        return Err(ApiError::field(
            "building_id",
            "这个社区不在本次调查范围内",
            "This community is not part of the survey",
        ));
    }
    let (unit, room) = check_door(&req.unit, &req.room).map_err(refused)?;
    let now = state.clock.now();
    // The device's clock says when; it may be a little ahead, never in the future beyond that.
    let collected_at = req.collected_at.min(now);
    let day = chrono::DateTime::from_timestamp(collected_at, 0)
        .unwrap_or_default()
        .with_timezone(&anju_domain::calendar::shanghai())
        .date_naive();
    let (_, satisfied) = check_answers(version, &req.answers, day)?;
    let answers = serde_json::to_string(&req.answers).map_err(|e| ApiError::Internal(e.into()))?;
    let mut tx = state.db.begin().await?;
    let recorded = tx
        .record_response(
            &NewResponse {
                survey_id: id,
                version_id: version.id,
                community_id,
                scope_path: &building.id_path,
                building_id: building.id,
                unit,
                room,
                household_key: &household_key(building.id, unit, room),
                channel: "door_to_door",
                respondent: None,
                collector: Some(user.id),
                submitted_by: user.id,
                client_key: key,
                answers: &answers,
                satisfied,
                collected_at,
                month: &month_of(collected_at),
                now,
            },
            false,
        )
        .await?;
    audit_recorded(
        &mut tx,
        &recorded,
        user.id,
        now,
        "survey.collect",
        &building.id_path,
    )
    .await?;
    tx.commit().await?;
    let (status, rid) = match recorded {
        Recorded::Counted(r) | Recorded::Flagged(r) => (StatusCode::CREATED, r),
        Recorded::Again(r) => (StatusCode::OK, r),
    };
    let (row, _) = state
        .db
        .survey_response(rid)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((status, Json(response_view(&state, &row, &loaded).await?)))
}
