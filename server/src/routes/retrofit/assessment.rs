//! Who assesses a confirmed household, and when: the county's organisations and their staff
//! (county admins; assessment organisations and, the same way, construction companies — the
//! handlers take the kind as a const parameter, [`ASSESSMENT`] or [`CONSTRUCTION`]), assigning a household to one (county admins), the
//! assessor's list, and booking the home visit (the assessor proposes, the family may ask for
//! another time). Each change writes its timeline line, its notices and its audit entry in
//! one transaction; a retried request changes nothing twice.

use super::access::{visible_application, Viewer};
use super::county::county_for;
use super::views::{application_view, visit_view};
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::jurisdictions::JurisdictionRow;
use crate::db::retrofit::assessment::Booked;
use crate::db::retrofit::{ApplicationRow, RetrofitEvent};
use crate::db::{Audit, Tx};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::{Path, Query};
use crate::paging::PageSize;
use crate::routes::fields::refused;
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::application::{ApplicationView, PersonRef};
use anju_domain::retrofit_assessment::{
    appointment_text, check_another_time, check_org_name, check_visit, mask_name, may_assign,
    AskAnotherTime, AssessmentList, AssessmentOrgView, AssessmentOrgsView, AssessmentRefusal,
    AssessmentSummary, AssignAssessmentOrg, NewAssessmentOrg, ProposeVisit, VisitState,
};
use anju_domain::retrofit_works::{may_assign_contractor, OrgKind};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

const PAGE: PageSize = PageSize(50);

/// The kind of organisation a handler serves, as its const parameter.
pub const ASSESSMENT: u8 = 0;
pub const CONSTRUCTION: u8 = 1;

pub(super) fn org_kind(k: u8) -> OrgKind {
    if k == CONSTRUCTION {
        OrgKind::Construction
    } else {
        OrgKind::Assessment
    }
}

/// What an organisation change is recorded as (the assessment names predate the kinds).
fn audit_action(kind: OrgKind, what: &str) -> &'static str {
    match (kind, what) {
        (OrgKind::Assessment, "org_created") => "retrofit.assessment_org_created",
        (OrgKind::Assessment, "member_added") => "retrofit.assessor_added",
        (OrgKind::Assessment, _) => "retrofit.assessor_removed",
        (OrgKind::Construction, "org_created") => "retrofit.contractor_org_created",
        (OrgKind::Construction, "member_added") => "retrofit.contractor_added",
        (OrgKind::Construction, _) => "retrofit.contractor_removed",
    }
}

fn number(text: &str) -> ApiResult<i64> {
    text.parse().map_err(|_| ApiError::NotFound)
}

pub(super) async fn orgs_view(
    state: &AppState,
    county: &JurisdictionRow,
    kind: OrgKind,
) -> ApiResult<AssessmentOrgsView> {
    let members = state.db.assessment_org_members(county.id, kind).await?;
    let orgs = state
        .db
        .assessment_orgs(county.id, kind)
        .await?
        .into_iter()
        .map(|(org, open_households)| AssessmentOrgView {
            id: org.id,
            members: members
                .iter()
                .filter(|m| m.org_id == org.id)
                .map(|m| PersonRef {
                    account_id: m.account_id,
                    display_name: m.display_name.clone(),
                })
                .collect(),
            name: org.name,
            open_households,
        })
        .collect();
    let assessors_without_org = state
        .db
        .staff_without_org(county.id, kind)
        .await?
        .into_iter()
        .map(|(account_id, display_name)| PersonRef {
            account_id,
            display_name,
        })
        .collect();
    Ok(AssessmentOrgsView {
        county_id: county.id,
        orgs,
        assessors_without_org,
    })
}

/// `GET /api/retrofit/counties/{id}/assessment-orgs` (and `…/contractor-orgs`).
pub async fn list_orgs<const K: u8>(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<AssessmentOrgsView>> {
    let county = county_for(&state, &user, Some(number(&id)?)).await?;
    Ok(Json(orgs_view(&state, &county, org_kind(K)).await?))
}

/// `POST /api/retrofit/counties/{id}/assessment-orgs` (and `…/contractor-orgs`): a new
/// organisation of the county.
pub async fn create_org<const K: u8>(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewAssessmentOrg>,
) -> ApiResult<(StatusCode, Json<AssessmentOrgsView>)> {
    let county = county_for(&state, &user, Some(number(&id)?)).await?;
    let kind = org_kind(K);
    let name = check_org_name(&req.name).map_err(refused)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(org) = tx
        .create_assessment_org(county.id, kind, &name, user.id, now)
        .await?
    else {
        // One name across both kinds: the company that assesses a home does not build it.
        return Err(ApiError::Conflict {
            field: "name",
            message: "本区县已经有同名的评估机构或施工单位",
            message_en: "The county already has an assessment organisation or construction company of this name",
        });
    };
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            audit_action(kind, "org_created"),
            &format!("assessment_org:{org}"),
            &county.id_path,
        )
        .detail(&name),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(orgs_view(&state, &county, kind).await?),
    ))
}

/// The organisation of a kind (of the caller's county) and the account of the kind's role
/// (of the same county) named in a member path.
async fn org_and_member(
    state: &AppState,
    user: &AccountRow,
    kind: OrgKind,
    (county, org, account): &(String, String, String),
) -> ApiResult<(JurisdictionRow, i64, AccountRow)> {
    let county = county_for(state, user, Some(number(county)?)).await?;
    let org = state
        .db
        .assessment_org(number(org)?)
        .await?
        .filter(|o| o.county_id == county.id && o.is(kind))
        .ok_or(ApiError::NotFound)?;
    let member = state
        .db
        .account(number(account)?)
        .await?
        .filter(|a| a.role == kind.member_role() && a.jurisdiction_id == Some(county.id))
        .ok_or(ApiError::NotFound)?;
    Ok((county, org.id, member))
}

/// `PUT /api/retrofit/counties/{id}/assessment-orgs/{org}/members/{account}` (and
/// `…/contractor-orgs/…`).
pub async fn add_member<const K: u8>(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<(String, String, String)>,
) -> ApiResult<Json<AssessmentOrgsView>> {
    let kind = org_kind(K);
    let (county, org, assessor) = org_and_member(&state, &user, kind, &path).await?;
    if state
        .db
        .org_of_member(assessor.id)
        .await?
        .is_some_and(|o| o.id == org)
    {
        // Added already (a retry): nothing to change.
        return Ok(Json(orgs_view(&state, &county, kind).await?));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx.add_org_member(org, assessor.id, now).await? {
        return Err(ApiError::Conflict {
            field: "account_id",
            message: "这位工作人员已在另一个机构，请先从那里移除",
            message_en: "This person works for another organisation; remove them there first",
        });
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            audit_action(kind, "member_added"),
            &format!("account:{}", assessor.id),
            &county.id_path,
        )
        .detail(&format!("org={org}")),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(orgs_view(&state, &county, kind).await?))
}

/// `DELETE …/members/{account}`: they no longer see the organisation's households.
pub async fn remove_member<const K: u8>(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<(String, String, String)>,
) -> ApiResult<Json<AssessmentOrgsView>> {
    let kind = org_kind(K);
    let (county, org, assessor) = org_and_member(&state, &user, kind, &path).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if tx.remove_org_member(org, assessor.id).await? {
        tx.audit(
            &Audit::new(
                now,
                Some(user.id),
                audit_action(kind, "member_removed"),
                &format!("account:{}", assessor.id),
                &county.id_path,
            )
            .detail(&format!("org={org}")),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Json(orgs_view(&state, &county, kind).await?))
}

/// The booking changed meanwhile (reassigned, assessed, answered): say so, change nothing.
pub(super) fn stale() -> ApiError {
    ApiError::Conflict {
        field: "visit",
        message: "预约刚刚被其他人更新了，请刷新后再试",
        message_en: "The booking was just updated by someone else; reload and try again",
    }
}

/// The timeline line, the notices and the audit entry of a booking change, on its
/// transaction.
pub(super) struct Record<'a> {
    pub app: &'a ApplicationRow,
    pub by: &'a AccountRow,
    pub role: &'a str,
    pub action: &'a str,
    pub note: Option<&'a str>,
    pub detail: serde_json::Value,
    /// Who is told, and what (zh, en).
    pub notify: Vec<i64>,
    pub message: (String, String),
    pub now: i64,
}

pub(super) async fn record(tx: &mut Tx, r: Record<'_>) -> ApiResult<()> {
    let detail = r.detail.to_string();
    tx.append_retrofit_event(&RetrofitEvent {
        application_id: r.app.id,
        at: r.now,
        actor: r.by.id,
        actor_role: r.role,
        action: r.action,
        state: r.app.state,
        note: r.note,
        detail: &detail,
    })
    .await?;
    for account in r.notify {
        if account != r.by.id {
            tx.notify_about_application(account, r.now, r.app.id, &r.message.0, &r.message.1)
                .await?;
        }
    }
    tx.audit(
        &Audit::new(
            r.now,
            Some(r.by.id),
            &format!("retrofit.{}", r.action),
            &format!("retrofit_application:{}", r.app.id),
            &r.app.scope_path,
        )
        .detail(&detail),
    )
    .await?;
    Ok(())
}

pub(super) async fn family(state: &AppState, app: &ApplicationRow) -> ApiResult<Vec<i64>> {
    Ok(match app.elder_account_id {
        Some(elder) => state.db.family_of_elder(elder).await?,
        // An elder without an account (entered at the office): the applicant is told.
        None => vec![app.applicant_account_id],
    })
}

pub(super) async fn reloaded(
    state: &AppState,
    id: i64,
    viewer: Viewer,
) -> ApiResult<Json<ApplicationView>> {
    let app = state.db.application(id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(application_view(state, &app, viewer).await?))
}

/// `PUT /api/retrofit/applications/{id}/assessment-org`: the county assigns a confirmed
/// household to one of its assessment organisations (or moves it to another, dropping the
/// booking); `…/contractor-org`: a household with a signed plan to one of its construction
/// companies (or moves it before the works start).
pub async fn assign<const K: u8>(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AssignAssessmentOrg>,
) -> ApiResult<Json<ApplicationView>> {
    let kind = org_kind(K);
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::County || !user.role.can(Capability::ConfirmRetrofit) {
        return Err(ApiError::Forbidden);
    }
    let (assignable, current) = match kind {
        OrgKind::Assessment => (may_assign(app.state), app.assessment_org_id),
        OrgKind::Construction => (may_assign_contractor(app.state), app.contractor_org_id),
    };
    if !assignable {
        return Err(match kind {
            OrgKind::Assessment => refused(AssessmentRefusal::WrongState),
            OrgKind::Construction => ApiError::Conflict {
                field: "action",
                message: "只有方案已签字、还没有开工的家庭可以指派施工单位",
                message_en:
                    "Only households with a signed plan whose works have not started can be assigned",
            },
        });
    }
    let org = state
        .db
        .assessment_org(req.org_id)
        .await?
        .filter(|o| Some(o.county_id) == app.county_id && o.is(kind))
        .ok_or_else(|| match kind {
            OrgKind::Assessment => ApiError::field(
                "org_id",
                "请选择本区县的评估机构",
                "Choose an organisation of this county",
            ),
            OrgKind::Construction => ApiError::field(
                "org_id",
                "请选择本区县的施工单位",
                "Choose a construction company of this county",
            ),
        })?;
    if current == Some(org.id) {
        return reloaded(&state, app.id, viewer).await;
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let booked = match kind {
        OrgKind::Assessment => tx.assign_assessment_org(app.id, org.id, now).await?,
        OrgKind::Construction => tx.assign_contractor_org(app.id, org.id, now).await?,
    };
    if booked == Booked::Stale {
        return Err(stale());
    }
    if kind == OrgKind::Construction {
        // A contract binds the household to one company: the one it leaves no longer counts.
        tx.void_contracts_of_others(app.id, org.id).await?;
    }
    let mut notify = family(&state, &app).await?;
    let (action, message) = match kind {
        OrgKind::Assessment => (
            "assign_assessor",
            (
                format!(
                    "评估机构“{}”将联系您，约定上门评估的时间（申请 {}）",
                    org.name, app.reference
                ),
                format!(
                    "{} will contact you to arrange the in-home assessment ({})",
                    org.name, app.reference
                ),
            ),
        ),
        OrgKind::Construction => {
            notify.extend(state.db.members_of_org(org.id).await?);
            (
                "assign_contractor",
                (
                    format!(
                        "施工单位“{}”将按签字的方案施工，会先联系您约定时间（申请 {}）",
                        org.name, app.reference
                    ),
                    format!(
                        "{} will carry out the signed plan and will contact you first to arrange a time ({})",
                        org.name, app.reference
                    ),
                ),
            )
        }
    };
    record(
        &mut tx,
        Record {
            app: &app,
            by: &user,
            role: "county_admin",
            action,
            note: None,
            detail: serde_json::json!({ "org_id": org.id, "org": org.name }),
            notify,
            message,
            now,
        },
    )
    .await?;
    tx.commit().await?;
    reloaded(&state, app.id, viewer).await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListQuery {
    pub after: Option<i64>,
}

/// `GET /api/retrofit/assessments`: the households of the caller's organisation, newest
/// first, with the elder's name masked.
#[utoipa::path(
    get,
    path = "/retrofit/assessments",
    tag = "retrofit",
    params(ListQuery),
    responses((status = 200, description = "OK", body = AssessmentList)),
    security(("session" = [])),
)]
pub async fn assessor_list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<AssessmentList>> {
    let Some((org, households, next_after)) = org_households(
        &state,
        &user,
        (Capability::AssessHomes, OrgKind::Assessment),
        q.after,
    )
    .await?
    else {
        return Ok(Json(AssessmentList {
            org_name: None,
            items: Vec::new(),
            next_after: None,
        }));
    };
    let items = households
        .into_iter()
        .map(|h| AssessmentSummary {
            id: h.row.id,
            reference: h.row.reference.clone(),
            state: h.row.state,
            elder_name_masked: mask_name(&h.row.elder_name),
            community_name: h.community_name,
            home_label: h.home_label,
            contact_phone: h.contact_phone,
            assigned_at: h.row.assigned_at.unwrap_or(h.row.created_at),
            visit: visit_view(&h.row),
        })
        .collect();
    Ok(Json(AssessmentList {
        org_name: Some(org.name),
        items,
        next_after,
    }))
}

/// A household on an organisation's list, with what the list shows of where it is and whom
/// to call (the elder's number, else the applicant's).
pub(super) struct Household {
    pub row: ApplicationRow,
    pub community_name: String,
    pub home_label: Option<String>,
    pub contact_phone: Option<String>,
}

/// The caller's organisation of the kind their capability works for (`None`: they are in
/// none yet, and the county adds them), with a page of its households, newest first, before
/// `after`: two queries a page.
pub(super) async fn org_households(
    state: &AppState,
    user: &AccountRow,
    (capability, kind): (Capability, OrgKind),
    after: Option<i64>,
) -> ApiResult<
    Option<(
        crate::db::retrofit::assessment::OrgRow,
        Vec<Household>,
        Option<i64>,
    )>,
> {
    if !user.role.can(capability) {
        return Err(ApiError::Forbidden);
    }
    let Some(org) = state
        .db
        .org_of_member(user.id)
        .await?
        .filter(|o| o.is(kind))
    else {
        return Ok(None);
    };
    let rows = state
        .db
        .households_of_org(kind, org.id, after.unwrap_or(i64::MAX), PAGE.fetch())
        .await?;
    let (rows, next_after) = PAGE.split(rows, |(r, _)| r.id);
    let places: Vec<i64> = rows
        .iter()
        .flat_map(|(r, _)| [r.community_id, r.home_building_id])
        .flatten()
        .collect();
    let names = state.db.jurisdiction_names(&places).await?;
    let name = |id: Option<i64>| id.and_then(|i| names.get(&i).cloned());
    let households = rows
        .into_iter()
        .map(|(row, applicant_phone)| Household {
            community_name: name(row.community_id).unwrap_or_default(),
            home_label: match (name(row.home_building_id), &row.home_unit, &row.home_room) {
                (Some(b), Some(u), Some(room)) => Some(format!("{b} {u}单元 {room}")),
                _ => None,
            },
            contact_phone: row.elder_phone.clone().or(applicant_phone),
            row,
        })
        .collect();
    Ok(Some((org, households, next_after)))
}

/// `PUT /api/retrofit/applications/{id}/visit`: the assessor proposes (or moves) the visit.
#[utoipa::path(
    put,
    path = "/retrofit/applications/{id}/visit",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = ProposeVisit,
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn propose_visit(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ProposeVisit>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    let (Viewer::Assessor, Some(org)) = (viewer, app.assessment_org_id) else {
        return Err(ApiError::Forbidden);
    };
    let now = state.clock.now();
    let note = check_visit(app.state, req.at, req.note.as_deref(), now).map_err(refused)?;
    if app.visit_at == Some(req.at)
        && app.visit_state == Some(VisitState::Proposed)
        && app.visit_note == note
    {
        // The same proposal again (a retry): the family was told once.
        return Ok(Json(application_view(&state, &app, viewer).await?));
    }
    let mut tx = state.db.begin().await?;
    if tx
        .propose_visit(app.id, org, req.at, note.as_deref(), now)
        .await?
        == Booked::Stale
    {
        return Err(stale());
    }
    let (zh, en) = appointment_text(req.at);
    let message = (
        format!(
            "评估人员约在 {zh} 上门评估（申请 {}）。如果不方便，可以在申请页面请他们换个时间。",
            app.reference
        ),
        format!(
            "The assessor proposes to visit on {en} ({}). If that does not suit you, ask for another time on the application's page.",
            app.reference
        ),
    );
    record(
        &mut tx,
        Record {
            app: &app,
            by: &user,
            role: "assessor",
            action: "propose_visit",
            note: note.as_deref(),
            detail: serde_json::json!({ "at": req.at }),
            notify: family(&state, &app).await?,
            message,
            now,
        },
    )
    .await?;
    tx.commit().await?;
    reloaded(&state, app.id, viewer).await
}

/// `POST /api/retrofit/applications/{id}/visit/another-time`: the elder or their guardian asks
/// for another time, saying which suits them.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/visit/another-time",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = AskAnotherTime,
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn ask_another_time(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AskAnotherTime>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Family {
        return Err(ApiError::Forbidden);
    }
    if app.visit_state == Some(VisitState::AnotherTimeAsked)
        && app.visit_note.as_deref() == Some(req.note.trim())
    {
        // Asked already with these words (a retry).
        return Ok(Json(application_view(&state, &app, viewer).await?));
    }
    let note = check_another_time(app.state, app.visit_state, &req.note).map_err(refused)?;
    let (Some(org), Some(visit_at)) = (app.assessment_org_id, app.visit_at) else {
        return Err(refused(AssessmentRefusal::NoVisitProposed));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if tx
        .ask_another_visit_time(app.id, visit_at, &note, now)
        .await?
        == Booked::Stale
    {
        return Err(stale());
    }
    let members = state.db.members_of_org(org).await?;
    let message = (
        format!(
            "申请 {} 的家属希望换个上门时间，请查看他们的留言并重新约定",
            app.reference
        ),
        format!(
            "The family of {} asks for another visit time; read their note and propose again",
            app.reference
        ),
    );
    record(
        &mut tx,
        Record {
            app: &app,
            by: &user,
            role: "applicant",
            action: "ask_another_time",
            note: Some(&note),
            detail: serde_json::json!({ "at": visit_at }),
            notify: members,
            message,
            now,
        },
    )
    .await?;
    tx.commit().await?;
    reloaded(&state, app.id, viewer).await
}

/// The organisation routes, once for assessment organisations and once for construction
/// companies: the handlers above are shared, the documented paths are not (an OpenAPI
/// operation belongs to one path, so each kind gets its own thin, described entry).
macro_rules! org_routes {
    (
        $kind:ident, $orgs:tt, $members:tt, $assign_path:tt,
        $list:ident, $create:ident, $add:ident, $remove:ident, $assign:ident
    ) => {
        /// The county's organisations of this kind with their members.
        #[utoipa::path(get, path = $orgs, tag = "retrofit",
            params(("id" = String, Path, description = "County id")),
            responses((status = 200, description = "The organisations", body = AssessmentOrgsView)),
            security(("session" = [])))]
        pub async fn $list(
            state: State<AppState>,
            user: CurrentUser,
            id: Path<String>,
        ) -> ApiResult<Json<AssessmentOrgsView>> {
            list_orgs::<$kind>(state, user, id).await
        }

        /// A new organisation of the county.
        #[utoipa::path(post, path = $orgs, tag = "retrofit",
            params(("id" = String, Path, description = "County id")),
            request_body = NewAssessmentOrg,
            responses((status = 201, description = "Created; the organisations as they now are", body = AssessmentOrgsView)),
            security(("session" = [])))]
        pub async fn $create(
            state: State<AppState>,
            user: CurrentUser,
            id: Path<String>,
            req: ApiJson<NewAssessmentOrg>,
        ) -> ApiResult<(StatusCode, Json<AssessmentOrgsView>)> {
            create_org::<$kind>(state, user, id, req).await
        }

        /// An account joins the organisation.
        #[utoipa::path(put, path = $members, tag = "retrofit",
            params(("id" = String, Path, description = "County id"),
                ("org" = String, Path, description = "Organisation id"),
                ("account" = String, Path, description = "Account id")),
            responses((status = 200, description = "The organisations as they now are", body = AssessmentOrgsView)),
            security(("session" = [])))]
        pub async fn $add(
            state: State<AppState>,
            user: CurrentUser,
            path: Path<(String, String, String)>,
        ) -> ApiResult<Json<AssessmentOrgsView>> {
            add_member::<$kind>(state, user, path).await
        }

        /// An account leaves the organisation and no longer sees its households.
        #[utoipa::path(delete, path = $members, tag = "retrofit",
            params(("id" = String, Path, description = "County id"),
                ("org" = String, Path, description = "Organisation id"),
                ("account" = String, Path, description = "Account id")),
            responses((status = 200, description = "The organisations as they now are", body = AssessmentOrgsView)),
            security(("session" = [])))]
        pub async fn $remove(
            state: State<AppState>,
            user: CurrentUser,
            path: Path<(String, String, String)>,
        ) -> ApiResult<Json<AssessmentOrgsView>> {
            remove_member::<$kind>(state, user, path).await
        }

        /// The county gives the household to one of its organisations of this kind.
        #[utoipa::path(put, path = $assign_path, tag = "retrofit",
            params(("id" = String, Path, description = "Application id")),
            request_body = AssignAssessmentOrg,
            responses((status = 200, description = "The application as it now is", body = ApplicationView)),
            security(("session" = [])))]
        pub async fn $assign(
            state: State<AppState>,
            user: CurrentUser,
            id: Path<String>,
            req: ApiJson<AssignAssessmentOrg>,
        ) -> ApiResult<Json<ApplicationView>> {
            assign::<$kind>(state, user, id, req).await
        }
    };
}

org_routes!(
    ASSESSMENT,
    "/retrofit/counties/{id}/assessment-orgs",
    "/retrofit/counties/{id}/assessment-orgs/{org}/members/{account}",
    "/retrofit/applications/{id}/assessment-org",
    list_assessment_orgs,
    create_assessment_org,
    add_assessment_member,
    remove_assessment_member,
    assign_assessment_org
);
org_routes!(
    CONSTRUCTION,
    "/retrofit/counties/{id}/contractor-orgs",
    "/retrofit/counties/{id}/contractor-orgs/{org}/members/{account}",
    "/retrofit/applications/{id}/contractor-org",
    list_contractor_orgs,
    create_contractor_org,
    add_contractor_member,
    remove_contractor_member,
    assign_contractor_org
);
