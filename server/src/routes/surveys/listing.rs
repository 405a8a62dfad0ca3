//! One survey and the list a person reaches.

use super::reach::*;
use super::views::*;
use crate::access::Scope;
use crate::auth::CurrentUser;
use crate::db::surveys::decode_definition;
use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::shanghai::today;
use crate::AppState;
use anju_domain::survey_api::{SurveyStatus, SurveySummary, SurveyView};
use axum::extract::State;
use axum::Json;

/// One survey with its current version (and, for a resident, their household's answer).
#[utoipa::path(
    get,
    path = "/surveys/{id}",
    tag = "surveys",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = SurveyView)),
    security(("session" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<SurveyView>> {
    let (id, loaded) = load(&state, &id).await?;
    let home = visible(&state, &user, &loaded).await?;
    Ok(Json(view(&state, id, &loaded, home.as_ref()).await?))
}

/// The surveys the caller may answer or manage.
#[utoipa::path(
    get,
    path = "/surveys",
    tag = "surveys",
    responses((status = 200, description = "OK", body = Vec<SurveySummary>)),
    security(("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<Vec<SurveySummary>>> {
    let (ids, home) = match survey_staff(&state, &user).await? {
        Some(scope) => (state.db.surveys_in_scope(&scope).await?, None),
        None if user.role.is_staff() => return Err(ApiError::Forbidden),
        None => match household_of(&state, &user).await? {
            Some(h) => {
                let community = state
                    .jurisdiction(h.community_id)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                let home = Scope::home_community(community.id_path, community.id);
                (state.db.surveys_in_scope(&home).await?, Some(h))
            }
            None => (Vec::new(), None),
        },
    };
    let today = today(state.clock.now());
    // Three queries for the whole list, however many surveys: every version, then (for a
    // resident) which published versions ask their community and which they have answered.
    let mut by_survey: std::collections::BTreeMap<i64, Vec<_>> = Default::default();
    for v in state.db.survey_versions_of(&ids).await? {
        by_survey.entry(v.survey_id).or_default().push(v);
    }
    let loaded: Vec<(i64, Loaded)> = ids
        .iter()
        .filter_map(|id| {
            by_survey
                .remove(id)
                .map(|versions| (*id, Loaded { versions }))
        })
        .collect();
    let (asked, answered) = match &home {
        Some(h) => {
            let published: Vec<i64> = loaded
                .iter()
                .filter_map(|(_, l)| l.published().map(|p| p.id))
                .collect();
            (
                state
                    .db
                    .versions_targeting(&published, h.community_id)
                    .await?,
                state.db.versions_answered(&published, &h.key).await?,
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut out = Vec::new();
    for (id, loaded) in &loaded {
        let shown = match &home {
            Some(_) => match loaded.published() {
                Some(p) if asked.contains(&p.id) => p,
                _ => continue,
            },
            None => match loaded.versions.last() {
                Some(v) => v,
                None => continue,
            },
        };
        let status = status_of(loaded.published(), today);
        if home.is_some() && status != SurveyStatus::Open {
            continue;
        }
        out.push(SurveySummary {
            id: *id,
            title: decode_definition(&shown.definition)?.title,
            status,
            opens_on: shown.opens_on.clone(),
            closes_on: shown.closes_on.clone(),
            answered: home.is_some() && answered.contains(&shown.id),
        });
    }
    Ok(Json(out))
}
