//! Satisfaction surveys: staff build and publish (publishing freezes a version; editing after
//! that starts the next one), residents answer for their household, collectors record
//! households door to door (sent later when offline; a retried send never counts twice), and
//! staff review door-to-door responses. Staff see surveys targeting their subtree, residents
//! those targeting their community; anything else is a 404.

use super::retrofit::today;
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::surveys::{
    decode_definition, NewResponse, NewVersion, Recorded, ResponseRow, VersionRow,
};
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::AppState;
use anju_domain::survey::{
    check_definition, check_response, is_satisfied, parse_day, Answers, SurveyDefinition,
};
use anju_domain::survey_api::{
    AnswerRequest, Channel, CollectRequest, CommunityRef, ResponseView, ReviewEntry, ReviewRequest,
    ReviewState, SaveSurveyRequest, SurveyStatus, SurveySummary, SurveyView,
};
use anju_domain::JurisdictionLevel;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

pub(super) fn month_of(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .unwrap_or_default()
        .with_timezone(&anju_domain::calendar::shanghai())
        .format("%Y-%m")
        .to_string()
}

fn status_of(v: Option<&VersionRow>, today: chrono::NaiveDate) -> SurveyStatus {
    let Some(v) = v else {
        return SurveyStatus::Draft;
    };
    match (parse_day(&v.opens_on), parse_day(&v.closes_on)) {
        (Some(o), _) if today < o => SurveyStatus::Scheduled,
        (_, Some(c)) if today > c => SurveyStatus::Closed,
        _ => SurveyStatus::Open,
    }
}

/// A survey's versions: the newest published one (what people answer) and the draft.
pub(super) struct Loaded {
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

async fn load(state: &AppState, id: &str) -> ApiResult<(i64, Loaded)> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let versions = state.db.survey_versions(id).await?;
    if versions.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok((id, Loaded { versions }))
}

/// Staff who run surveys: community staff, street reviewers, county and system admins.
pub(super) async fn survey_staff(state: &AppState, user: &AccountRow) -> ApiResult<Option<String>> {
    Ok(
        crate::access::Scope::of(state, user, anju_domain::access::Capability::RunSurveys)
            .await?
            .map(crate::access::Scope::into_prefix),
    )
}

/// Where the survey reaches: the id path of every community any version targets (a target
/// that no longer exists counts as outside every area).
async fn target_paths(state: &AppState, loaded: &Loaded) -> ApiResult<Vec<Option<String>>> {
    let mut paths = Vec::new();
    for v in &loaded.versions {
        for c in state.db.survey_targets(v.id).await? {
            paths.push(state.db.jurisdiction(c).await?.map(|j| j.id_path));
        }
    }
    Ok(paths)
}

fn inside(path: &Option<String>, scope: &str) -> bool {
    path.as_deref().is_some_and(|p| p.starts_with(scope))
}

/// Whether some community the survey reaches lies in `scope` (enough to see it).
async fn targets_in_scope(state: &AppState, loaded: &Loaded, scope: &str) -> ApiResult<bool> {
    Ok(target_paths(state, loaded)
        .await?
        .iter()
        .any(|p| inside(p, scope)))
}

/// Whether every community any version targets lies in `scope`: only then may the caller
/// change or publish the survey, so nobody rewrites a survey that also reaches areas they do
/// not run.
async fn all_targets_in_scope(state: &AppState, loaded: &Loaded, scope: &str) -> ApiResult<bool> {
    Ok(target_paths(state, loaded)
        .await?
        .iter()
        .all(|p| inside(p, scope)))
}

/// Staff may edit the survey only over its whole reach.
async fn require_whole_reach(
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
pub(super) struct Household {
    pub community_id: i64,
    pub building_id: i64,
    pub unit: String,
    pub room: String,
    pub key: String,
    pub scope_path: String,
}

async fn household_of(state: &AppState, user: &AccountRow) -> ApiResult<Option<Household>> {
    let (Some(b), Some(unit), Some(room)) =
        (user.home_building_id, &user.home_unit, &user.home_room)
    else {
        return Ok(None);
    };
    let Some(building) = state.db.jurisdiction(b).await? else {
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

pub(super) fn household_key(building: i64, unit: &str, room: &str) -> String {
    format!("{building}:{}:{}", unit.trim(), room.trim())
}

/// Who may see the survey: staff over a targeted community, or a resident of one targeted by
/// the published version.
async fn visible(
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

async fn communities(state: &AppState, ids: &[i64]) -> ApiResult<Vec<CommunityRef>> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(j) = state.db.jurisdiction(*id).await? {
            out.push(CommunityRef {
                id: j.id,
                name: j.name,
            });
        }
    }
    Ok(out)
}

async fn view(
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
        status: status_of(loaded.published(), today(state)),
        definition: decode_definition(&shown.definition)?,
        communities: communities(state, &state.db.survey_targets(shown.id).await?).await?,
        opens_on: shown.opens_on.clone(),
        closes_on: shown.closes_on.clone(),
        target_percent: u32::try_from(shown.target_percent).unwrap_or(90),
        has_draft: loaded.draft().is_some(),
        my_answers,
    })
}

pub async fn template() -> Json<SurveyDefinition> {
    Json(anju_domain::survey::property_service_template())
}

async fn checked_version(
    state: &AppState,
    user: &AccountRow,
    req: &SaveSurveyRequest,
) -> ApiResult<(String, i64)> {
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
    if req.community_ids.is_empty() {
        problems.insert(
            "community_ids".into(),
            anju_domain::FieldError::new("请至少选择一个社区", "Choose at least one community"),
        );
    }
    for c in &req.community_ids {
        let ok = state.db.jurisdiction(*c).await?.is_some_and(|j| {
            j.level == JurisdictionLevel::Community && j.id_path.starts_with(&scope)
        });
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
    Ok((json, i64::from(target)))
}

fn version_of<'a>(
    req: &'a SaveSurveyRequest,
    definition: &'a str,
    target: i64,
    now: i64,
) -> NewVersion<'a> {
    NewVersion {
        definition,
        opens_on: req.opens_on.trim(),
        closes_on: req.closes_on.trim(),
        target_percent: target,
        communities: &req.community_ids,
        now,
    }
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<SaveSurveyRequest>,
) -> ApiResult<(StatusCode, Json<SurveyView>)> {
    let (definition, target) = checked_version(&state, &user, &req).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let id = tx
        .create_survey(user.id, &version_of(&req, &definition, target, now))
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
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SaveSurveyRequest>,
) -> ApiResult<Json<SurveyView>> {
    let (id, loaded) = load(&state, &id).await?;
    require_whole_reach(&state, &user, &loaded).await?;
    let (definition, target) = checked_version(&state, &user, &req).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let version = tx
        .save_draft_version(id, &version_of(&req, &definition, target, now))
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
                    .map(|j| j.id_path)
                    .unwrap_or_default();
                (state.db.surveys_in_scope(&community).await?, Some(h))
            }
            None => (Vec::new(), None),
        },
    };
    let today = today(&state);
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

/// The version answered must be published and open on `day`; its answers must fit it.
fn check_answers(
    version: &VersionRow,
    answers: &Answers,
    day: chrono::NaiveDate,
) -> ApiResult<(SurveyDefinition, Option<bool>)> {
    if version.published_at.is_none() {
        return Err(ApiError::field(
            "version",
            "这一版问卷还没有发布",
            "This version of the survey is not published",
        ));
    }
    let (o, c) = (parse_day(&version.opens_on), parse_day(&version.closes_on));
    if o.is_some_and(|o| day < o) {
        return Err(ApiError::Conflict {
            field: "survey",
            message: "调查还没有开始",
            message_en: "The survey has not opened yet",
        });
    }
    if c.is_some_and(|c| day > c) {
        return Err(ApiError::Conflict {
            field: "survey",
            message: "调查已经结束，不能再提交",
            message_en: "The survey has closed; answers can no longer be sent",
        });
    }
    let definition = decode_definition(&version.definition)?;
    let problems = check_response(&definition, answers);
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let satisfied = is_satisfied(&definition, answers);
    Ok((definition, satisfied))
}

fn unknown_version() -> ApiError {
    ApiError::field(
        "version",
        "问卷已经更新，请刷新后重新填写",
        "The survey has changed; reload and answer again",
    )
}

/// A resident answers (or updates) their household's response to the current version.
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
    let (_, satisfied) = check_answers(published, &req.answers, today(&state))?;
    let answers = serde_json::to_string(&req.answers).map_err(|e| ApiError::Internal(e.into()))?;
    let key = req.client_key.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(ApiError::field(
            "client_key",
            "提交标识无效",
            "Invalid client key",
        ));
    }
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
async fn audit_recorded(
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
    let key = req.client_key.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(ApiError::field(
            "client_key",
            "提交标识无效",
            "Invalid client key",
        ));
    }
    let version = loaded.version(req.version).ok_or_else(unknown_version)?;
    let building = state
        .db
        .jurisdiction(req.building_id)
        .await?
        .filter(|b| b.level == JurisdictionLevel::Building)
        .ok_or_else(|| ApiError::field("building_id", "请选择楼栋", "Choose a building"))?;
    if !building.id_path.starts_with(&scope) {
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
    let (unit, room) = (req.unit.trim(), req.room.trim());
    if unit.is_empty() || room.is_empty() || unit.chars().count() > 10 || room.chars().count() > 10
    {
        return Err(ApiError::field(
            "room",
            "请填写单元和门牌号",
            "Enter the unit and room",
        ));
    }
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

pub(super) async fn response_view(
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
        .db
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
async fn with_review_history(
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

/// Staff list of a survey's responses in their area (for review).
pub async fn responses(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    crate::extract::Query(q): crate::extract::Query<super::survey_results::MonthQuery>,
) -> ApiResult<Json<Vec<ResponseView>>> {
    let (id, loaded) = load(&state, &id).await?;
    let scope = survey_staff(&state, &user)
        .await?
        .ok_or(ApiError::Forbidden)?;
    if visible(&state, &user, &loaded).await?.is_some() {
        return Err(ApiError::Forbidden);
    }
    let month = super::survey_results::checked_month(&state, q.month.as_deref())?;
    super::audit::record_view(
        &state,
        &user,
        "survey.responses_view",
        &format!("survey:{id}"),
        &scope,
        &month,
    )
    .await?;
    let mut out = Vec::new();
    for r in state.db.survey_responses(id, &scope, Some(&month)).await? {
        out.push(response_view(&state, &r, &loaded).await?);
    }
    Ok(Json(with_review_history(&state, out).await?))
}

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
    if !path.starts_with(&scope) {
        return Err(ApiError::NotFound);
    }
    if row.channel != "door_to_door" {
        return Err(ApiError::Conflict {
            field: "review",
            message: "只审核上门调查的答卷",
            message_en: "Only door-to-door responses are reviewed",
        });
    }
    let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if req.review != ReviewState::Approved && note.is_none() {
        return Err(ApiError::field(
            "note",
            "请写明问题或原因",
            "Say what the issue or reason is",
        ));
    }
    if note.is_some_and(|n| n.chars().count() > 500) {
        return Err(ApiError::field(
            "note",
            "说明不能超过 500 字",
            "500 characters at most",
        ));
    }
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
