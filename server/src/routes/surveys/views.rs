//! Surveys and responses as the wire shows them.

use super::reach::*;
use crate::db::surveys::{decode_definition, ResponseRow, VersionRow};
use crate::error::{ApiError, ApiResult};
use crate::shanghai::today;
use crate::AppState;
use anju_domain::survey::{parse_day, Answers};
use anju_domain::survey_api::{
    Channel, CommunityRef, ResponseView, ReviewEntry, ReviewState, SurveyStatus, SurveyView,
};

pub(super) fn status_of(v: Option<&VersionRow>, today: chrono::NaiveDate) -> SurveyStatus {
    let Some(v) = v else {
        return SurveyStatus::Draft;
    };
    match (parse_day(&v.opens_on), parse_day(&v.closes_on)) {
        (Some(o), _) if today < o => SurveyStatus::Scheduled,
        (_, Some(c)) if today > c => SurveyStatus::Closed,
        _ => SurveyStatus::Open,
    }
}

pub(super) async fn view(
    state: &AppState,
    id: i64,
    loaded: &Loaded,
    home: Option<&Household>,
) -> ApiResult<SurveyView> {
    let shown = match home {
        Some(_) => loaded.published(),
        None => loaded.versions.last(),
    }
    .ok_or(ApiError::NotFound)?;
    let my_answers = match home {
        Some(h) => match state.db.household_response(shown.id, &h.key).await? {
            Some(r) => Some(
                serde_json::from_str::<Answers>(&r.answers)
                    .map_err(|e| ApiError::Internal(e.into()))?,
            ),
            None => None,
        },
        None => None,
    };
    Ok(SurveyView {
        id,
        version: shown.version,
        status: status_of(loaded.published(), today(state.clock.now())),
        definition: decode_definition(&shown.definition)?,
        communities: communities(state, &state.db.survey_targets(shown.id).await?).await?,
        opens_on: shown.opens_on.clone(),
        closes_on: shown.closes_on.clone(),
        target_percent: u32::try_from(shown.target_percent).unwrap_or(90),
        min_sample: u32::try_from(shown.min_sample).unwrap_or(30),
        has_draft: loaded.draft().is_some(),
        my_answers,
    })
}

pub(crate) async fn response_view(
    state: &AppState,
    r: &ResponseRow,
    loaded: &Loaded,
) -> ApiResult<ResponseView> {
    let community = communities(state, &[r.community_id])
        .await?
        .pop()
        .unwrap_or(CommunityRef {
            id: r.community_id,
            name: String::new(),
        });
    let building = state
        .jurisdiction(r.building_id)
        .await?
        .map(|b| b.name)
        .unwrap_or_default();
    let collector = match r.collector_account_id {
        Some(c) => state.db.account(c).await?.map(|a| a.display_name),
        None => None,
    };
    Ok(ResponseView {
        id: r.id,
        version: loaded
            .versions
            .iter()
            .find(|v| v.id == r.version_id)
            .map(|v| v.version)
            .unwrap_or_default(),
        community,
        household: format!("{building} {}单元 {}", r.unit, r.room),
        channel: if r.channel == "resident" {
            Channel::Resident
        } else {
            Channel::DoorToDoor
        },
        collector,
        collected_at: r.collected_at,
        review: ReviewState::parse(&r.review).unwrap_or(ReviewState::Pending),
        review_note: r.review_note.clone(),
        flagged: r.flagged,
        satisfied: r.satisfied,
        answers: serde_json::from_str(&r.answers).map_err(|e| ApiError::Internal(e.into()))?,
        review_history: Vec::new(),
    })
}

/// Each response's review decisions, read for the whole page at once.
pub(super) async fn with_review_history(
    state: &AppState,
    mut views: Vec<ResponseView>,
) -> ApiResult<Vec<ResponseView>> {
    let ids: Vec<i64> = views.iter().map(|v| v.id).collect();
    for row in state.db.survey_review_history(&ids).await? {
        if let Some(v) = views.iter_mut().find(|v| v.id == row.response_id) {
            v.review_history.push(ReviewEntry {
                review: ReviewState::parse(&row.review).unwrap_or(ReviewState::Pending),
                note: row.note,
                reviewer: row.reviewer,
                at: row.reviewed_at,
            });
        }
    }
    Ok(views)
}
