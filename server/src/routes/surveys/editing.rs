//! Building a survey: the template, drafts, and publishing (which freezes a version; editing
//! after that starts the next one, and answers stay with theirs).

use super::reach::*;
use super::views::*;
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::surveys::NewVersion;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::AppState;
use anju_domain::survey::{check_definition, parse_day, SurveyDefinition};
use anju_domain::survey_api::{SaveSurveyRequest, SurveyView};
use anju_domain::JurisdictionLevel;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// The standard property-satisfaction survey, to start a new one from.
#[utoipa::path(
    get,
    path = "/surveys/template",
    tag = "surveys",
    responses((status = 200, description = "OK")),
)]
pub async fn template() -> Json<SurveyDefinition> {
    Json(anju_domain::survey::property_service_template())
}

pub(super) async fn checked_version(
    state: &AppState,
    user: &AccountRow,
    req: &SaveSurveyRequest,
) -> ApiResult<Checked> {
    let scope = survey_staff(state, user)
        .await?
        .ok_or(ApiError::Forbidden)?;
    let mut problems = check_definition(&req.definition);
    let (opens, closes) = (parse_day(&req.opens_on), parse_day(&req.closes_on));
    if opens.is_none() {
        problems.insert(
            "opens_on".into(),
            anju_domain::FieldError::new("请填写开始日期", "Enter the opening date"),
        );
    }
    match (opens, closes) {
        (_, None) => {
            problems.insert(
                "closes_on".into(),
                anju_domain::FieldError::new("请填写结束日期", "Enter the closing date"),
            );
        }
        (Some(o), Some(c)) if c < o => {
            problems.insert(
                "closes_on".into(),
                anju_domain::FieldError::new(
                    "结束日期不能早于开始日期",
                    "The closing date cannot be before the opening date",
                ),
            );
        }
        _ => {}
    }
    let target = req
        .target_percent
        .unwrap_or(state.settings.policy.satisfaction_target_percent);
    if !(1..=100).contains(&target) {
        problems.insert(
            "target_percent".into(),
            anju_domain::FieldError::new(
                "目标满意率应在 1% 到 100% 之间",
                "The target must be 1 % to 100 %",
            ),
        );
    }
    let min_sample = req.min_sample.unwrap_or(DEFAULT_MIN_SAMPLE);
    if !(1..=MAX_MIN_SAMPLE).contains(&min_sample) {
        problems.insert(
            "min_sample".into(),
            anju_domain::FieldError::new(
                "最少样本数应在 1 到 10000 份之间",
                "The minimum sample must be 1 to 10,000 answers",
            ),
        );
    }
    if req.community_ids.is_empty() {
        problems.insert(
            "community_ids".into(),
            anju_domain::FieldError::new("请至少选择一个社区", "Choose at least one community"),
        );
    }
    for c in &req.community_ids {
        let ok = state
            .jurisdiction(*c)
            .await?
            .is_some_and(|j| j.level == JurisdictionLevel::Community && scope.holds(&j.id_path));
        if !ok {
            problems.insert(
                "community_ids".into(),
                anju_domain::FieldError::new(
                    "只能选择您管辖范围内的社区",
                    "Choose communities in your area only",
                ),
            );
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let json = serde_json::to_string(&req.definition).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Checked {
        definition: json,
        target: i64::from(target),
        min_sample: i64::from(min_sample),
    })
}

/// The fewest counted answers for a verdict when the survey does not say: a rate from fewer
/// households says little about a community.
const DEFAULT_MIN_SAMPLE: u32 = 30;
const MAX_MIN_SAMPLE: u32 = 10_000;

/// A survey version that passed the checks, ready to store.
pub(super) struct Checked {
    definition: String,
    target: i64,
    min_sample: i64,
}

pub(super) fn version_of<'a>(
    req: &'a SaveSurveyRequest,
    checked: &'a Checked,
    now: i64,
) -> NewVersion<'a> {
    NewVersion {
        definition: &checked.definition,
        opens_on: req.opens_on.trim(),
        closes_on: req.closes_on.trim(),
        target_percent: checked.target,
        min_sample: checked.min_sample,
        communities: &req.community_ids,
        now,
    }
}

/// Create a survey (a draft).
#[utoipa::path(
    post,
    path = "/surveys",
    tag = "surveys",
    request_body = SaveSurveyRequest,
    responses((status = 201, description = "Created", body = SurveyView)),
    security(("session" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<SaveSurveyRequest>,
) -> ApiResult<(StatusCode, Json<SurveyView>)> {
    let checked = checked_version(&state, &user, &req).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let id = tx
        .create_survey(user.id, &version_of(&req, &checked, now))
        .await?;
    tx.audit(&Audit::new(
        now,
        Some(user.id),
        "survey.create",
        &format!("survey:{id}"),
        &user.scope_path,
    ))
    .await?;
    tx.commit().await?;
    let (_, loaded) = load(&state, &id.to_string()).await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&state, id, &loaded, None).await?),
    ))
}

/// Edit the draft, or (once published) start the next version; answers stay with theirs.
#[utoipa::path(
    put,
    path = "/surveys/{id}",
    tag = "surveys",
    params(("id" = String, Path)),
    request_body = SaveSurveyRequest,
    responses((status = 200, description = "OK", body = SurveyView)),
    security(("session" = [])),
)]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SaveSurveyRequest>,
) -> ApiResult<Json<SurveyView>> {
    let (id, loaded) = load(&state, &id).await?;
    require_whole_reach(&state, &user, &loaded).await?;
    let checked = checked_version(&state, &user, &req).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let version = tx
        .save_draft_version(id, &version_of(&req, &checked, now))
        .await?;
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "survey.edit",
            &format!("survey:{id}"),
            &user.scope_path,
        )
        .detail(&format!("version_id={version}")),
    )
    .await?;
    tx.commit().await?;
    let (_, loaded) = load(&state, &id.to_string()).await?;
    Ok(Json(view(&state, id, &loaded, None).await?))
}

/// Publish the draft as the survey's next version.
#[utoipa::path(
    post,
    path = "/surveys/{id}/publish",
    tag = "surveys",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = SurveyView)),
    security(("session" = [])),
)]
pub async fn publish(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<SurveyView>> {
    let (id, loaded) = load(&state, &id).await?;
    require_whole_reach(&state, &user, &loaded).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx.publish_survey(id, user.id, now).await? {
        return Err(ApiError::Conflict {
            field: "version",
            message: "没有待发布的修改",
            message_en: "There is no draft to publish",
        });
    }
    tx.audit(&Audit::new(
        now,
        Some(user.id),
        "survey.publish",
        &format!("survey:{id}"),
        &user.scope_path,
    ))
    .await?;
    tx.commit().await?;
    let (_, loaded) = load(&state, &id.to_string()).await?;
    Ok(Json(view(&state, id, &loaded, None).await?))
}
