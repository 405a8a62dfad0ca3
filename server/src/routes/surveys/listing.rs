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

pub async fn get(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<SurveyView>> {
    let (id, loaded) = load(&state, &id).await?;
    let home = visible(&state, &user, &loaded).await?;
    Ok(Json(view(&state, id, &loaded, home.as_ref()).await?))
}

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
                    .db
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
    let mut out = Vec::new();
    for id in ids {
        let versions = state.db.survey_versions(id).await?;
        let loaded = Loaded { versions };
        let shown = match &home {
            Some(h) => match loaded.published() {
                Some(p)
                    if state
                        .db
                        .survey_targets(p.id)
                        .await?
                        .contains(&h.community_id) =>
                {
                    p
                }
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
        let answered = match &home {
            Some(h) => state
                .db
                .household_response(shown.id, &h.key)
                .await?
                .is_some(),
            None => false,
        };
        out.push(SurveySummary {
            id,
            title: decode_definition(&shown.definition)?.title,
            status,
            opens_on: shown.opens_on.clone(),
            closes_on: shown.closes_on.clone(),
            answered,
        });
    }
    Ok(Json(out))
}
