//! Survey results per community and month: households, responses, response rate, satisfied
//! count, satisfaction rate against the target and the verdict (pass / needs redo 补课);
//! per-question distributions; the trend over six months; and the responses as CSV or XLSX,
//! optionally without household identifiers.
//!
//! Counting: one response per household a month (its latest that counts). A resident's own
//! answer counts at once; a door-to-door record counts once a reviewer has looked at it (approved,
//! or marked with issues but not rejected), and is shown apart as waiting until then; a flagged
//! second record counts only once reviewed; a rejected one never. Households = homes
//! registered in the portal for the community (or the households that answered, if more).
//! Below the survey's minimum sample a community's month has no verdict (`NoData`), only a
//! note: one satisfied household is not a satisfied community.

use super::reach::{survey_staff, Loaded};
use crate::access::Scope;
use crate::auth::CurrentUser;
use crate::db::surveys::{decode_definition, ResponseRow};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::shanghai::month_of;
use crate::AppState;
use anju_domain::survey::{percent, verdict, Answer, Answers, QuestionKind, SurveyDefinition};
use anju_domain::survey_api::{
    CommunityRef, CommunityResult, MonthPoint, OptionCount, QuestionResult, SurveyResults,
};
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    pub month: Option<String>,
    pub format: Option<String>,
    #[serde(default)]
    pub anonymised: bool,
}

pub(crate) fn checked_month(state: &AppState, month: Option<&str>) -> ApiResult<String> {
    match month {
        None => Ok(month_of(state.clock.now())),
        Some(m) if anju_domain::callback::parse_month(m).is_some() => Ok(m.to_owned()),
        Some(_) => Err(ApiError::field(
            "month",
            "月份格式应为 2026-11",
            "The month looks like 2026-11",
        )),
    }
}

/// A record a reviewer has still to look at before it counts: a door-to-door one, or a
/// flagged second record of a household.
fn waits_for_review(r: &ResponseRow) -> bool {
    r.review == "pending" && (r.channel == "door_to_door" || r.flagged)
}

/// The responses that count: one per household (its latest), none rejected, none waiting for
/// review.
pub(super) fn counted(rows: &[ResponseRow]) -> Vec<&ResponseRow> {
    let mut latest: BTreeMap<&str, &ResponseRow> = BTreeMap::new();
    for r in rows {
        if r.review == "rejected" || waits_for_review(r) {
            continue;
        }
        match latest.get(r.household_key.as_str()) {
            Some(prev) if prev.collected_at > r.collected_at => {}
            _ => {
                latest.insert(&r.household_key, r);
            }
        }
    }
    latest.into_values().collect()
}

/// How many months the results' trend shows, this one included.
const TREND_MONTHS: usize = 6;

/// The `n` months up to and including `month` (a checked `YYYY-MM`), oldest first.
fn previous_months(month: &str, n: usize) -> Vec<String> {
    let Some((y, m)) = anju_domain::callback::parse_month(month) else {
        return Vec::new();
    };
    (0..n as u32)
        .rev()
        .map(|k| anju_domain::callback::month_before(y, m, k))
        .collect()
}

fn distribution(def: &SurveyDefinition, rows: &[&ResponseRow]) -> Vec<QuestionResult> {
    let answers: Vec<Answers> = rows
        .iter()
        .filter_map(|r| serde_json::from_str(&r.answers).ok())
        .collect();
    def.questions
        .iter()
        .map(|q| {
            let labels: Vec<String> = match &q.kind {
                QuestionKind::Rating { .. } => (1..=5).map(|n| n.to_string()).collect(),
                QuestionKind::SingleChoice { options } | QuestionKind::MultiChoice { options } => {
                    options.clone()
                }
                QuestionKind::YesNo => vec!["是".into(), "否".into()],
                QuestionKind::ShortText => vec!["有文字回答".into()],
            };
            let counts = labels
                .iter()
                .map(|label| OptionCount {
                    label: label.clone(),
                    count: answers
                        .iter()
                        .filter(|a| match (a.get(&q.id), &q.kind) {
                            (Some(Answer::Rating(n)), _) => n.to_string() == *label,
                            (Some(Answer::YesNo(b)), _) => (if *b { "是" } else { "否" }) == label,
                            (Some(Answer::Choices(cs)), _) => cs.contains(label),
                            (Some(Answer::Text(t)), QuestionKind::ShortText) => {
                                !t.trim().is_empty()
                            }
                            (Some(Answer::Text(t)), _) => t == label,
                            (None, _) => false,
                        })
                        .count() as u64,
                })
                .collect();
            QuestionResult {
                id: q.id.clone(),
                text: q.text.clone(),
                counts,
            }
        })
        .collect()
}

pub(crate) async fn compute(
    state: &AppState,
    survey_id: i64,
    loaded: &Loaded,
    scope: &Scope,
    month: &str,
) -> ApiResult<SurveyResults> {
    let published = loaded
        .published()
        .or(loaded.versions.last())
        .ok_or(ApiError::NotFound)?;
    let def = decode_definition(&published.definition)?;
    let target = u32::try_from(published.target_percent).unwrap_or(90);
    let min_sample = u32::try_from(published.min_sample).unwrap_or(30);
    // Only the trend's months: the results never read the survey's older history.
    let months = previous_months(month, TREND_MONTHS);
    let all = match (months.first(), months.last()) {
        (Some(first), Some(last)) => {
            state
                .db
                .survey_responses_in_months(survey_id, scope, first, last)
                .await?
        }
        _ => Vec::new(),
    };
    let this_month: Vec<ResponseRow> = all.iter().filter(|r| r.month == month).cloned().collect();
    let month_counted = counted(&this_month);
    let mut community_ids: Vec<i64> = Vec::new();
    for v in &loaded.versions {
        for c in state.db.survey_targets(v.id).await? {
            if !community_ids.contains(&c) {
                community_ids.push(c);
            }
        }
    }
    let mut communities = Vec::new();
    for c in community_ids {
        let Some(j) = state.jurisdiction(c).await? else {
            continue;
        };
        if !scope.holds(&j.id_path) {
            continue;
        }
        let rows: Vec<&&ResponseRow> = month_counted
            .iter()
            .filter(|r| r.community_id == c)
            .collect();
        let responses = rows.len() as u64;
        let counted_n = rows.iter().filter(|r| r.satisfied.is_some()).count() as u64;
        // Households with a record waiting for review and none that counts yet.
        let mut pending: Vec<&str> = this_month
            .iter()
            .filter(|r| r.community_id == c && waits_for_review(r))
            .map(|r| r.household_key.as_str())
            .filter(|k| !rows.iter().any(|r| r.household_key == *k))
            .collect();
        pending.sort_unstable();
        pending.dedup();
        let below_min_sample = counted_n < u64::from(min_sample);
        let satisfied = rows.iter().filter(|r| r.satisfied == Some(true)).count() as u64;
        let households =
            (state.db.registered_households(&j.id_path).await?.max(0) as u64).max(responses);
        communities.push(CommunityResult {
            community: CommunityRef {
                id: j.id,
                name: j.name,
            },
            households,
            responses,
            response_rate: percent(responses, households),
            counted: counted_n,
            satisfied,
            satisfaction_rate: percent(satisfied, counted_n),
            target_percent: target,
            verdict: if below_min_sample {
                anju_domain::survey::Verdict::NoData
            } else {
                verdict(satisfied, counted_n, target)
            },
            pending_review: pending.len() as u64,
            below_min_sample,
        });
    }
    let trend = months
        .into_iter()
        .map(|m| {
            let rows: Vec<ResponseRow> = all.iter().filter(|r| r.month == m).cloned().collect();
            let c = counted(&rows);
            let n = c.iter().filter(|r| r.satisfied.is_some()).count() as u64;
            let s = c.iter().filter(|r| r.satisfied == Some(true)).count() as u64;
            MonthPoint {
                month: m,
                counted: n,
                satisfied: s,
                satisfaction_rate: percent(s, n),
                verdict: if n < u64::from(min_sample) {
                    anju_domain::survey::Verdict::NoData
                } else {
                    verdict(s, n, target)
                },
            }
        })
        .collect();
    Ok(SurveyResults {
        survey_id,
        title: def.title.clone(),
        month: month.to_owned(),
        questions: distribution(&def, &month_counted),
        communities,
        trend,
        min_sample,
    })
}

pub(super) async fn staff_loaded(
    state: &AppState,
    user: &crate::db::accounts::AccountRow,
    id: &str,
) -> ApiResult<(i64, Loaded, Scope)> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let scope = survey_staff(state, user).await?.ok_or(ApiError::NotFound)?;
    let versions = state.db.survey_versions(id).await?;
    let loaded = Loaded { versions };
    let mut visible = false;
    for v in &loaded.versions {
        for c in state.db.survey_targets(v.id).await? {
            if state
                .jurisdiction(c)
                .await?
                .is_some_and(|j| scope.holds(&j.id_path))
            {
                visible = true;
            }
        }
    }
    if !visible {
        return Err(ApiError::NotFound);
    }
    Ok((id, loaded, scope))
}

/// The month's results per community: response and satisfaction rates against the target.
#[utoipa::path(
    get,
    path = "/surveys/{id}/results",
    tag = "surveys",
    params(("id" = String, Path), MonthQuery),
    responses((status = 200, description = "OK", body = SurveyResults)),
    security(("session" = [])),
)]
pub async fn results(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<MonthQuery>,
) -> ApiResult<Json<SurveyResults>> {
    let (id, loaded, scope) = staff_loaded(&state, &user, &id).await?;
    let month = checked_month(&state, q.month.as_deref())?;
    Ok(Json(compute(&state, id, &loaded, &scope, &month).await?))
}

#[cfg(test)]
mod tests {
    use super::previous_months;

    #[test]
    fn six_months_back_cross_the_new_year() {
        assert_eq!(
            previous_months("2026-02", 3),
            vec!["2025-12".to_owned(), "2026-01".into(), "2026-02".into()]
        );
    }
}
