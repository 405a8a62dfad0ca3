//! Which surveys a person reaches: staff see surveys targeting their subtree, residents those
//! targeting their community (their household); anything else is a 404.

use crate::access::Scope;
use crate::db::accounts::AccountRow;
use crate::db::surveys::VersionRow;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use anju_domain::survey_api::CommunityRef;

/// A survey's versions: the newest published one (what people answer) and the draft.
pub(crate) struct Loaded {
    pub versions: Vec<VersionRow>,
}

impl Loaded {
    pub fn published(&self) -> Option<&VersionRow> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.published_at.is_some())
    }
    pub fn draft(&self) -> Option<&VersionRow> {
        self.versions.last().filter(|v| v.published_at.is_none())
    }
    pub fn version(&self, number: i64) -> Option<&VersionRow> {
        self.versions.iter().find(|v| v.version == number)
    }
}

pub(super) async fn load(state: &AppState, id: &str) -> ApiResult<(i64, Loaded)> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let versions = state.db.survey_versions(id).await?;
    if versions.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok((id, Loaded { versions }))
}

/// Staff who run surveys: community staff, street reviewers, county and system admins.
pub(crate) async fn survey_staff(state: &AppState, user: &AccountRow) -> ApiResult<Option<Scope>> {
    Scope::of(state, user, anju_domain::access::Capability::RunSurveys).await
}

/// Where the survey reaches: the id path of every community any version targets (a target
/// that no longer exists counts as outside every area).
pub(super) async fn target_paths(
    state: &AppState,
    loaded: &Loaded,
) -> ApiResult<Vec<Option<String>>> {
    let mut paths = Vec::new();
    for v in &loaded.versions {
        for c in state.db.survey_targets(v.id).await? {
            paths.push(state.jurisdiction(c).await?.map(|j| j.id_path));
        }
    }
    Ok(paths)
}

pub(super) fn inside(path: &Option<String>, scope: &Scope) -> bool {
    path.as_deref().is_some_and(|p| scope.holds(p))
}

/// Whether some community the survey reaches lies in `scope` (enough to see it).
pub(super) async fn targets_in_scope(
    state: &AppState,
    loaded: &Loaded,
    scope: &Scope,
) -> ApiResult<bool> {
    Ok(target_paths(state, loaded)
        .await?
        .iter()
        .any(|p| inside(p, scope)))
}

/// Whether every community any version targets lies in `scope`: only then may the caller
/// change or publish the survey, so nobody rewrites a survey that also reaches areas they do
/// not run.
pub(super) async fn all_targets_in_scope(
    state: &AppState,
    loaded: &Loaded,
    scope: &Scope,
) -> ApiResult<bool> {
    Ok(target_paths(state, loaded)
        .await?
        .iter()
        .all(|p| inside(p, scope)))
}

/// Staff may edit the survey only over its whole reach.
pub(super) async fn require_whole_reach(
    state: &AppState,
    user: &AccountRow,
    loaded: &Loaded,
) -> ApiResult<()> {
    if visible(state, user, loaded).await?.is_some() {
        return Err(ApiError::Forbidden);
    }
    let scope = survey_staff(state, user)
        .await?
        .ok_or(ApiError::Forbidden)?;
    if all_targets_in_scope(state, loaded, &scope).await? {
        Ok(())
    } else {
        Err(ApiError::ForbiddenBecause(
            "这份调查也面向您管辖范围以外的社区，只能由管辖全部这些社区的工作人员修改或发布",
            "This survey also reaches communities outside your area; only staff over all of them can change or publish it",
        ))
    }
}

/// The resident's household: (community, building, unit, room, household key, scope path).
pub(crate) struct Household {
    pub community_id: i64,
    pub building_id: i64,
    pub unit: String,
    pub room: String,
    pub key: String,
    pub scope_path: String,
}

pub(super) async fn household_of(
    state: &AppState,
    user: &AccountRow,
) -> ApiResult<Option<Household>> {
    let (Some(b), Some(unit), Some(room)) =
        (user.home_building_id, &user.home_unit, &user.home_room)
    else {
        return Ok(None);
    };
    let Some(building) = state.jurisdiction(b).await? else {
        return Ok(None);
    };
    Ok(Some(Household {
        community_id: building.parent_id.unwrap_or_default(),
        building_id: b,
        key: household_key(b, unit, room),
        unit: unit.clone(),
        room: room.clone(),
        scope_path: building.id_path,
    }))
}

pub(crate) fn household_key(building: i64, unit: &str, room: &str) -> String {
    format!("{building}:{}:{}", unit.trim(), room.trim())
}

/// Who may see the survey: staff over a targeted community, or a resident of one targeted by
/// the published version.
pub(super) async fn visible(
    state: &AppState,
    user: &AccountRow,
    loaded: &Loaded,
) -> ApiResult<Option<Household>> {
    if let Some(scope) = survey_staff(state, user).await? {
        if targets_in_scope(state, loaded, &scope).await? {
            return Ok(None);
        }
        return Err(ApiError::NotFound);
    }
    if user.role.is_staff() {
        return Err(ApiError::NotFound);
    }
    let home = household_of(state, user).await?.ok_or(ApiError::NotFound)?;
    let published = loaded.published().ok_or(ApiError::NotFound)?;
    if state
        .db
        .survey_targets(published.id)
        .await?
        .contains(&home.community_id)
    {
        Ok(Some(home))
    } else {
        Err(ApiError::NotFound)
    }
}

pub(super) async fn communities(state: &AppState, ids: &[i64]) -> ApiResult<Vec<CommunityRef>> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(j) = state.jurisdiction(*id).await? {
            out.push(CommunityRef {
                id: j.id,
                name: j.name,
            });
        }
    }
    Ok(out)
}
