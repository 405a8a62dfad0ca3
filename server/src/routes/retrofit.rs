//! Retrofit applications: the public eligibility check, drafts saved screen by screen by the
//! elder, a linked guardian or (for an elder who came to the office) a street reviewer, and
//! every transition through `anju_domain::retrofit::next_state`. Who may see an application:
//! the elder, their active guardians, and street/county staff over its home; anyone else gets
//! a 404 so references reveal nothing. Staff views and ID reveals are written to the audit log.

use super::retrofit_views::{application_view, load_facts, load_id_number, summary, Viewer};
use crate::access::Scope;
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::jurisdictions::JurisdictionRow;
use crate::db::retrofit::{
    ApplicationRow, ElderUpdate, NewApplication, Placement, QueueFilter, SaveError, Transition,
    TransitionOutcome,
};
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::{Path, Query};
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::application::{
    check_elder, check_home_text, ApplicationChannel, ApplicationPage, ApplicationView,
    CreateApplicationRequest, RetrofitActionRequest, SectionUpdate, CONSENT_VERSION,
    NOTE_MAX_CHARS,
};
use anju_domain::eligibility::{check, CountyRules, EligibilityCheckRequest, EligibilityCheckView};
use anju_domain::id_number::IdNumber;
use anju_domain::retrofit::{
    next_state, RetrofitAction, RetrofitActor, RetrofitRefusal, RetrofitState,
};
use anju_domain::{JurisdictionLevel, PhoneNumber, Role};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

const PAGE_SIZE: i64 = 30;

pub(super) fn today(state: &AppState) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp(state.clock.now(), 0)
        .unwrap_or_default()
        .with_timezone(&anju_domain::calendar::shanghai())
        .date_naive()
}

pub(super) fn year_of(state: &AppState) -> i64 {
    use chrono::Datelike;
    i64::from(today(state).year())
}

pub(super) async fn county_rules(
    state: &AppState,
    county_id: Option<i64>,
) -> ApiResult<Option<CountyRules>> {
    Ok(match county_id {
        Some(c) => Some(CountyRules {
            minimum_living_allowance_covered: state.db.county_settings(c).await?,
        }),
        None => None,
    })
}

/// A building and the community, street and county above it.
pub(super) struct Place {
    pub building: JurisdictionRow,
    pub community: JurisdictionRow,
    pub street: JurisdictionRow,
    pub county: JurisdictionRow,
}

async fn parent(state: &AppState, row: &JurisdictionRow) -> ApiResult<Option<JurisdictionRow>> {
    Ok(match row.parent_id {
        Some(p) => state.db.jurisdiction(p).await?,
        None => None,
    })
}

pub(super) async fn place_of_building(
    state: &AppState,
    building_id: i64,
) -> ApiResult<Option<Place>> {
    let Some(building) = state.db.jurisdiction(building_id).await? else {
        return Ok(None);
    };
    if building.level != JurisdictionLevel::Building {
        return Ok(None);
    }
    let Some(community) = parent(state, &building).await? else {
        return Ok(None);
    };
    let Some(street) = parent(state, &community).await? else {
        return Ok(None);
    };
    let Some(county) = parent(state, &street).await? else {
        return Ok(None);
    };
    Ok(Some(Place {
        building,
        community,
        street,
        county,
    }))
}

/// The county a community belongs to.
async fn county_of_community(state: &AppState, community_id: i64) -> ApiResult<Option<i64>> {
    let Some(community) = state.db.jurisdiction(community_id).await? else {
        return Ok(None);
    };
    if community.level != JurisdictionLevel::Community {
        return Ok(None);
    }
    let street = parent(state, &community).await?;
    Ok(match street {
        Some(s) => s.parent_id,
        None => None,
    })
}

/// The public check: next question and, when none is left, the outcome. The server's answer
/// is the authority; the app computes the same with the same code for an instant answer.
pub async fn eligibility(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<EligibilityCheckRequest>,
) -> ApiResult<Json<EligibilityCheckView>> {
    let county = match req.community_id {
        Some(c) => Some(county_of_community(&state, c).await?.ok_or_else(|| {
            ApiError::field("community_id", "请选择您住的社区", "Choose your community")
        })?),
        None => None,
    };
    let rules = county_rules(&state, county).await?;
    Ok(Json(check(&req.answers, rules, today(&state))))
}

/// Street and county staff see applications over their jurisdiction.
pub(super) async fn staff_scope(state: &AppState, user: &AccountRow) -> ApiResult<Option<String>> {
    Ok(Scope::of(state, user, Capability::ReviewRetrofit)
        .await?
        .map(Scope::into_prefix))
}

pub(super) async fn visible_application(
    state: &AppState,
    user: &AccountRow,
    id: &str,
) -> ApiResult<(ApplicationRow, Viewer)> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let app = state.db.application(id).await?.ok_or(ApiError::NotFound)?;
    if let Some(scope) = staff_scope(state, user).await? {
        let others_draft = app.state == RetrofitState::Draft && app.applicant_account_id != user.id;
        if app.scope_path.starts_with(&scope) && !others_draft {
            let viewer = if user.role == Role::StreetReviewer {
                Viewer::Street
            } else {
                Viewer::County
            };
            return Ok((app, viewer));
        }
    }
    if let Some(elder) = app.elder_account_id {
        if elder == user.id || state.db.is_active_guardian(elder, user.id).await? {
            return Ok((app, Viewer::Family));
        }
    }
    Err(ApiError::NotFound)
}

/// The actor the state machine sees. The reviewer who entered an office application fills
/// it in as its applicant.
pub(super) fn actor_for(
    app: &ApplicationRow,
    viewer: Viewer,
    action: RetrofitAction,
) -> RetrofitActor {
    match viewer {
        Viewer::Family => RetrofitActor::Applicant,
        Viewer::Street
            if action.actor() == RetrofitActor::Applicant
                && app.channel == ApplicationChannel::Office =>
        {
            RetrofitActor::Applicant
        }
        Viewer::Street => RetrofitActor::StreetReviewer,
        Viewer::County => RetrofitActor::CountyAdmin,
    }
}

/// Someone else's open application holds this ID number. Saying where it is would tell a
/// stranger whether a person applied and where they live, so the answer names only the
/// office the caller can ask: the street office of the application being filled in.
async fn held_elsewhere(state: &AppState, app: &ApplicationRow) -> ApiResult<ApiError> {
    let office = match app.street_id {
        Some(id) => state.db.jurisdiction(id).await?.map(|j| j.name),
        None => None,
    };
    let (zh_office, en_office) = match &office {
        Some(name) => (format!("{name}办事处"), format!("the {name} office")),
        None => ("所在街道办事处".to_owned(), "your street office".to_owned()),
    };
    Ok(ApiError::ConflictSaid {
        field: "id_number",
        message: format!(
            "这个身份证号今年已经有一份在办的申请，不能再申请一份。如有疑问，请联系{zh_office}核实"
        ),
        message_en: format!(
            "There is already an open application for this ID number this year, so another cannot be made. If this looks wrong, contact {en_office}"
        ),
    })
}

fn existing(id: i64) -> ApiError {
    ApiError::AlreadyExists {
        message: "这位老人今年已经有一份申请，请继续办理那一份",
        message_en: "This elder already has an application this year; continue with that one",
        link: format!("/retrofit/applications/{id}"),
    }
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<CreateApplicationRequest>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let key = req.client_key.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(ApiError::field(
            "client_key",
            "提交标识无效",
            "Invalid client key",
        ));
    }
    let now = state.clock.now();
    let year = year_of(&state);
    let (elder, channel, guardian) = match (user.role, req.elder_account_id) {
        (Role::StreetReviewer, None) => (None, ApplicationChannel::Office, None),
        (r, _) if r.is_staff() => return Err(ApiError::Forbidden),
        (_, None) => (Some(user.clone()), ApplicationChannel::App, None),
        (_, Some(elder_id)) if elder_id == user.id => {
            (Some(user.clone()), ApplicationChannel::App, None)
        }
        (_, Some(elder_id)) => {
            if !state.db.is_active_guardian(elder_id, user.id).await? {
                return Err(ApiError::field(
                    "elder_account_id",
                    "您还不是这位老人的家属代办人，请先请老人邀请您",
                    "You do not act for this elder yet; ask them to invite you first",
                ));
            }
            let elder = state
                .db
                .account(elder_id)
                .await?
                .ok_or(ApiError::NotFound)?;
            (Some(elder), ApplicationChannel::App, Some(user.id))
        }
    };
    let mut tx = state.db.begin().await?;
    let (result, scope) = match &elder {
        Some(elder) => {
            let place = match elder.home_building_id {
                Some(b) => place_of_building(&state, b).await?,
                None => None,
            };
            let Some(place) = place else {
                return Err(ApiError::field(
                    "home",
                    "账户没有登记住址，请先在“我的账户”里补充",
                    "The account has no home address; add it under My account first",
                ));
            };
            let created = tx
                .create_application(&NewApplication {
                    year,
                    channel,
                    elder_account_id: Some(elder.id),
                    elder_name: &elder.display_name,
                    elder_phone: Some(&elder.phone),
                    applicant_account_id: user.id,
                    guardian_account_id: guardian,
                    client_key: key,
                    placement: Placement {
                        building_id: Some(place.building.id),
                        unit: elder.home_unit.as_deref(),
                        room: elder.home_room.as_deref(),
                        community_id: Some(place.community.id),
                        street_id: Some(place.street.id),
                        county_id: Some(place.county.id),
                        scope_path: &place.building.id_path,
                    },
                    now,
                })
                .await;
            (created, place.building.id_path.clone())
        }
        None => {
            let street = match user.jurisdiction_id {
                Some(j) => state.db.jurisdiction(j).await?,
                None => None,
            }
            .filter(|s| s.level == JurisdictionLevel::Street)
            .ok_or(ApiError::Forbidden)?;
            let created = tx
                .create_application(&NewApplication {
                    year,
                    channel,
                    elder_account_id: None,
                    elder_name: "",
                    elder_phone: None,
                    applicant_account_id: user.id,
                    guardian_account_id: None,
                    client_key: key,
                    placement: Placement {
                        building_id: None,
                        unit: None,
                        room: None,
                        community_id: None,
                        street_id: Some(street.id),
                        county_id: street.parent_id,
                        scope_path: &street.id_path,
                    },
                    now,
                })
                .await;
            (created, street.id_path.clone())
        }
    };
    let (status, id) = match result {
        Ok(id) => {
            tx.audit(&Audit::new(
                now,
                Some(user.id),
                "retrofit.create",
                &format!("retrofit_application:{id}"),
                &scope,
            ))
            .await?;
            tx.commit().await?;
            (StatusCode::CREATED, id)
        }
        Err(SaveError::Duplicate(id)) => {
            tx.commit().await?;
            (StatusCode::OK, id)
        }
        Err(SaveError::OpenExists(id)) => return Err(existing(id)),
        Err(SaveError::Db(e)) => return Err(e.into()),
    };
    let (app, viewer) = visible_application(&state, &user, &id.to_string()).await?;
    Ok((status, Json(application_view(&state, &app, viewer).await?)))
}

#[derive(Deserialize)]
pub struct ListQuery {
    after: Option<i64>,
    status: Option<String>,
    community_id: Option<i64>,
    ground: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<ApplicationPage>> {
    let before = q.after.unwrap_or(i64::MAX);
    let rows = match staff_scope(&state, &user).await? {
        Some(scope) => {
            if let Some(s) = q.status.as_deref() {
                RetrofitState::parse(s)
                    .ok_or_else(|| ApiError::field("status", "状态无效", "Unknown status"))?;
            }
            if let Some(g) = q.ground.as_deref() {
                if !["age80", "disabled", "certified_disability", "self_paid"].contains(&g) {
                    return Err(ApiError::field("ground", "补贴依据无效", "Unknown ground"));
                }
            }
            state
                .db
                .application_queue(&QueueFilter {
                    scope_prefix: &scope,
                    viewer: user.id,
                    state: q.status.as_deref(),
                    community_id: q.community_id,
                    ground: q.ground.as_deref(),
                    before_id: before,
                    limit: PAGE_SIZE + 1,
                })
                .await?
        }
        None if user.role.is_staff() => return Err(ApiError::Forbidden),
        None => {
            state
                .db
                .applications_of_elders(user.id, before, PAGE_SIZE + 1)
                .await?
        }
    };
    let more = rows.len() as i64 > PAGE_SIZE;
    let items = summary_rows(&state, &rows[..rows.len().min(PAGE_SIZE as usize)]).await?;
    let next_after = more.then(|| rows[PAGE_SIZE as usize - 1].id);
    Ok(Json(ApplicationPage { items, next_after }))
}

pub(super) async fn summary_rows(
    state: &AppState,
    rows: &[ApplicationRow],
) -> ApiResult<Vec<anju_domain::application::ApplicationSummary>> {
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(summary(state, row).await?);
    }
    Ok(items)
}

pub async fn get(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Family {
        // Staff see health and disability answers: every such view is recorded.
        super::audit::record_view(
            &state,
            &user,
            "retrofit.view",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
            "",
        )
        .await?;
    }
    Ok(Json(application_view(&state, &app, viewer).await?))
}

/// The full ID number, for staff who press "show"; recorded (who, when).
pub async fn reveal_id_number(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer == Viewer::Family {
        return Err(ApiError::Forbidden);
    }
    let number = load_id_number(&state, &app)?.ok_or(ApiError::NotFound)?;
    super::audit::record_view(
        &state,
        &user,
        "retrofit.reveal_id_number",
        &format!("retrofit_application:{}", app.id),
        &app.scope_path,
        "",
    )
    .await?;
    Ok(Json(serde_json::json!({ "id_number": number.as_str() })))
}

fn not_editable() -> ApiError {
    ApiError::Conflict {
        field: "state",
        message: "申请已提交，现在不能修改；如街道退回，可以修改后再提交",
        message_en: "The application is submitted and cannot be changed now; if the street office returns it, you can change it",
    }
}

pub(super) fn may_edit(app: &ApplicationRow, viewer: Viewer) -> bool {
    let filler = viewer == Viewer::Family
        || (viewer == Viewer::Street && app.channel == ApplicationChannel::Office);
    filler && app.state.family_can_edit()
}

/// Save one screen of the application.
pub async fn save_section(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(update): ApiJson<SectionUpdate>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    let filler = viewer == Viewer::Family
        || (viewer == Viewer::Street && app.channel == ApplicationChannel::Office);
    if !filler {
        return Err(ApiError::Forbidden);
    }
    if !may_edit(&app, viewer) {
        return Err(not_editable());
    }
    let now = state.clock.now();
    let keys = &state.settings.keys;
    let section = match &update {
        SectionUpdate::Elder(_) => "retrofit.save_elder",
        SectionUpdate::Home(_) => "retrofit.save_home",
        SectionUpdate::Facts(_) => "retrofit.save_facts",
        SectionUpdate::Guardian(_) => "retrofit.save_guardian",
        SectionUpdate::Consent(_) => "retrofit.save_consent",
    };
    let mut tx = state.db.begin().await?;
    let saved = match update {
        SectionUpdate::Elder(mut s) => {
            // Left blank when only the name or phone changes: the app never holds the full
            // number to send back.
            if s.id_number.trim().is_empty() {
                if let Some(number) = load_id_number(&state, &app)? {
                    s.id_number = number.as_str().to_owned();
                }
            }
            let problems = check_elder(&s);
            if !problems.is_empty() {
                return Err(ApiError::Validation(problems));
            }
            let number = IdNumber::parse(&s.id_number)
                .map_err(|_| ApiError::field("id_number", "身份证号无效", "Invalid ID number"))?;
            let phone = match s.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                Some(p) => Some(
                    PhoneNumber::parse(p)
                        .map_err(|_| {
                            ApiError::field("phone", "手机号无效", "Invalid mobile number")
                        })?
                        .as_str()
                        .to_owned(),
                ),
                None => None,
            };
            let hash = keys.lookup_hash(number.as_str());
            let update = ElderUpdate {
                name: s.name.trim(),
                phone: phone.as_deref(),
                id_enc: &keys.seal(number.as_str()),
                id_masked: &number.masked(),
                open_id_key: &format!("{hash}:{}", app.year),
                now,
            };
            match tx.save_elder(app.id, &update).await {
                Ok(saved) => saved,
                Err(SaveError::OpenExists(_)) => return Err(held_elsewhere(&state, &app).await?),
                Err(SaveError::Duplicate(_)) => false,
                Err(SaveError::Db(e)) => return Err(e.into()),
            }
        }
        SectionUpdate::Home(h) => {
            let problems = check_home_text(&h);
            if !problems.is_empty() {
                return Err(ApiError::Validation(problems));
            }
            let place = place_of_building(&state, h.building_id)
                .await?
                .ok_or_else(|| ApiError::field("building_id", "请选择楼栋", "Choose a building"))?;
            if viewer == Viewer::Street {
                let scope = staff_scope(&state, &user).await?.unwrap_or_default();
                if !place.building.id_path.starts_with(&scope) {
                    return Err(ApiError::field(
                        "building_id",
                        "只能登记本街道的住户",
                        "Only homes in your street can be entered",
                    ));
                }
            }
            tx.save_home(
                app.id,
                &Placement {
                    building_id: Some(place.building.id),
                    unit: Some(h.unit.trim()),
                    room: Some(h.room.trim()),
                    community_id: Some(place.community.id),
                    street_id: Some(place.street.id),
                    county_id: Some(place.county.id),
                    scope_path: &place.building.id_path,
                },
                now,
            )
            .await?
        }
        SectionUpdate::Facts(mut facts) => {
            if facts.activities_needing_help.is_some_and(|n| n > 6) {
                return Err(ApiError::field(
                    "activities_needing_help",
                    "六项日常活动中最多选 6 项",
                    "At most 6 of the 6 daily activities",
                ));
            }
            // The ID number lives (sealed) in the elder section only.
            facts.id_number = None;
            let json = serde_json::to_string(&facts).map_err(|e| ApiError::Internal(e.into()))?;
            tx.save_facts(app.id, &keys.seal(&json), now).await?
        }
        SectionUpdate::Guardian(g) => {
            if let Some(gid) = g.guardian_account_id {
                let linked = match app.elder_account_id {
                    Some(elder) => state.db.is_active_guardian(elder, gid).await?,
                    None => false,
                };
                if !linked {
                    return Err(ApiError::field(
                        "guardian_account_id",
                        "只能选择已经确认关系的家属",
                        "Choose a family member whose link is confirmed",
                    ));
                }
            }
            tx.save_guardian(app.id, g.guardian_account_id, now).await?
        }
        SectionUpdate::Consent(c) => {
            if !c.agreed {
                return Err(ApiError::field(
                    "agreed",
                    "需要您同意后才能提交申请",
                    "You need to agree before the application can be submitted",
                ));
            }
            if c.version != CONSENT_VERSION {
                return Err(ApiError::field(
                    "version",
                    "说明内容已更新，请重新阅读后再同意",
                    "The text has changed; read it again before agreeing",
                ));
            }
            tx.save_consent(app.id, CONSENT_VERSION, now).await?
        }
    };
    if !saved {
        return Err(not_editable());
    }
    // The section's name only: its content is personal data and stays in its own columns.
    tx.audit(&Audit::new(
        now,
        Some(user.id),
        section,
        &format!("retrofit_application:{}", app.id),
        &app.scope_path,
    ))
    .await?;
    tx.commit().await?;
    let app = state
        .db
        .application(app.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(application_view(&state, &app, viewer).await?))
}

pub async fn act(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RetrofitActionRequest>,
) -> ApiResult<Json<ApplicationView>> {
    use RetrofitAction as A;
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if !super::retrofit_views::PART_ONE_ACTIONS.contains(&req.action) {
        return Err(ApiError::Conflict {
            field: "action",
            message: "这一步还没有开放",
            message_en: "This step is not available yet",
        });
    }
    // A retried submit answers with the application as the first one left it.
    if req.action == A::Submit && app.state == RetrofitState::Submitted {
        return Ok(Json(application_view(&state, &app, viewer).await?));
    }
    let actor = actor_for(&app, viewer, req.action);
    let to = next_state(app.state, req.action, actor).map_err(|r| match r {
        RetrofitRefusal::NotYours => ApiError::Forbidden,
        RetrofitRefusal::WrongState => ApiError::Conflict {
            field: "action",
            message: "申请当前的状态不能进行这个操作，请刷新后查看",
            message_en: "This cannot be done in the application's current state; reload to see it",
        },
    })?;
    let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > NOTE_MAX_CHARS) {
        return Err(ApiError::field(
            "note",
            "说明不能超过 1000 个字",
            "The note must be 1000 characters or fewer",
        ));
    }
    match req.action {
        A::Return if req.checklist.is_empty() => {
            return Err(ApiError::field(
                "checklist",
                "请勾选需要家属补充或修改的内容",
                "Tick what the family must add or correct",
            ))
        }
        A::Reject | A::Decline if req.reason.is_none() => {
            return Err(ApiError::field(
                "reason",
                "请选择不通过的原因",
                "Choose a reason",
            ))
        }
        A::Reject | A::Decline if note.is_none() => {
            return Err(ApiError::field(
                "note",
                "请写明原因，家属会看到这段话",
                "Explain the reason; the family will read it",
            ))
        }
        _ => {}
    }
    let mut grounds = None;
    if req.action == A::Submit {
        let view = application_view(&state, &app, viewer).await?;
        let facts = load_facts(&state, &app)?;
        let filled = super::retrofit_views::filled_parts(&state, &app, facts.as_ref()).await?;
        let problems = anju_domain::application::check_submit(
            &filled.as_filled(facts.as_ref()),
            view.outcome.as_ref(),
        );
        if !problems.is_empty() {
            return Err(ApiError::Validation(problems));
        }
        let (g, self_paid) = anju_domain::application::funding(view.outcome.as_ref());
        grounds = Some(if self_paid {
            "self_paid".to_owned()
        } else {
            g.into_iter()
                .map(anju_domain::application::ground_str)
                .collect::<Vec<_>>()
                .join(",")
        });
    }
    let take_quota = match (req.action, app.county_id) {
        (A::Confirm, Some(county)) => Some((county, app.year)),
        (A::Confirm, None) => return Err(ApiError::NotFound),
        _ => None,
    };
    let role = match actor {
        RetrofitActor::Applicant if viewer == Viewer::Family => "applicant",
        RetrofitActor::Applicant => "office",
        RetrofitActor::StreetReviewer => "street_reviewer",
        RetrofitActor::CountyAdmin => "county_admin",
        RetrofitActor::Assessor => "assessor",
        RetrofitActor::Contractor => "contractor",
    };
    let mut tx = state.db.begin().await?;
    let outcome = tx
        .retrofit_transition(&Transition {
            id: app.id,
            from: app.state,
            to,
            actor: user.id,
            actor_role: role,
            action: req.action.as_str(),
            note,
            checklist: if req.action == A::Return {
                &req.checklist
            } else {
                &[]
            },
            reason: req
                .reason
                .filter(|_| matches!(req.action, A::Reject | A::Decline)),
            grounds: grounds.as_deref(),
            take_quota,
            now: state.clock.now(),
            scope_path: &app.scope_path,
        })
        .await?;
    match outcome {
        TransitionOutcome::Applied => tx.commit().await?,
        TransitionOutcome::Stale => {
            return Err(ApiError::Conflict {
                field: "action",
                message: "申请刚刚被其他人更新了，请刷新后再试",
                message_en: "Someone else just updated this application; reload and try again",
            })
        }
        TransitionOutcome::QuotaFull => {
            // Nothing was changed; end the transaction before reading the quota.
            drop(tx);
            let (quota, _) = state
                .db
                .county_quota(take_quota.map(|t| t.0).unwrap_or_default(), app.year)
                .await?;
            return Err(ApiError::QuotaFull { quota });
        }
    }
    let app = state
        .db
        .application(app.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(application_view(&state, &app, viewer).await?))
}
