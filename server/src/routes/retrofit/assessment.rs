//! Who assesses a confirmed household, and when: the county's assessment organisations and
//! their assessors (county admins), assigning a household to one (county admins), the
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
use anju_domain::Role;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

const PAGE: PageSize = PageSize(50);

fn number(text: &str) -> ApiResult<i64> {
    text.parse().map_err(|_| ApiError::NotFound)
}

async fn orgs_view(state: &AppState, county: &JurisdictionRow) -> ApiResult<AssessmentOrgsView> {
    let members = state.db.assessment_org_members(county.id).await?;
    let orgs = state
        .db
        .assessment_orgs(county.id)
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
        .assessors_without_org(county.id)
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

/// `GET /api/retrofit/counties/{id}/assessment-orgs`.
pub async fn list_orgs(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<AssessmentOrgsView>> {
    let county = county_for(&state, &user, Some(number(&id)?)).await?;
    Ok(Json(orgs_view(&state, &county).await?))
}

/// `POST /api/retrofit/counties/{id}/assessment-orgs`: a new organisation of the county.
pub async fn create_org(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewAssessmentOrg>,
) -> ApiResult<(StatusCode, Json<AssessmentOrgsView>)> {
    let county = county_for(&state, &user, Some(number(&id)?)).await?;
    let name = check_org_name(&req.name).map_err(refused)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(org) = tx
        .create_assessment_org(county.id, &name, user.id, now)
        .await?
    else {
        return Err(ApiError::Conflict {
            field: "name",
            message: "本区县已经有同名的评估机构",
            message_en: "The county already has an organisation of this name",
        });
    };
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.assessment_org_created",
            &format!("assessment_org:{org}"),
            &county.id_path,
        )
        .detail(&name),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(orgs_view(&state, &county).await?)))
}

/// The organisation (of the caller's county) and the assessor account (of the same county)
/// named in a member path.
async fn org_and_assessor(
    state: &AppState,
    user: &AccountRow,
    (county, org, account): &(String, String, String),
) -> ApiResult<(JurisdictionRow, i64, AccountRow)> {
    let county = county_for(state, user, Some(number(county)?)).await?;
    let org = state
        .db
        .assessment_org(number(org)?)
        .await?
        .filter(|o| o.county_id == county.id)
        .ok_or(ApiError::NotFound)?;
    let assessor = state
        .db
        .account(number(account)?)
        .await?
        .filter(|a| a.role == Role::Assessor && a.jurisdiction_id == Some(county.id))
        .ok_or(ApiError::NotFound)?;
    Ok((county, org.id, assessor))
}

/// `PUT /api/retrofit/counties/{id}/assessment-orgs/{org}/members/{account}`.
pub async fn add_member(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<(String, String, String)>,
) -> ApiResult<Json<AssessmentOrgsView>> {
    let (county, org, assessor) = org_and_assessor(&state, &user, &path).await?;
    if state
        .db
        .org_of_assessor(assessor.id)
        .await?
        .is_some_and(|o| o.id == org)
    {
        // Added already (a retry): nothing to change.
        return Ok(Json(orgs_view(&state, &county).await?));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx.add_org_member(org, assessor.id, now).await? {
        return Err(ApiError::Conflict {
            field: "account_id",
            message: "这位评估人员已在另一个评估机构，请先从那里移除",
            message_en: "This assessor works for another organisation; remove them there first",
        });
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.assessor_added",
            &format!("account:{}", assessor.id),
            &county.id_path,
        )
        .detail(&format!("org={org}")),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(orgs_view(&state, &county).await?))
}

/// `DELETE …/members/{account}`: the assessor no longer sees the organisation's households.
pub async fn remove_member(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<(String, String, String)>,
) -> ApiResult<Json<AssessmentOrgsView>> {
    let (county, org, assessor) = org_and_assessor(&state, &user, &path).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if tx.remove_org_member(org, assessor.id).await? {
        tx.audit(
            &Audit::new(
                now,
                Some(user.id),
                "retrofit.assessor_removed",
                &format!("account:{}", assessor.id),
                &county.id_path,
            )
            .detail(&format!("org={org}")),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Json(orgs_view(&state, &county).await?))
}

/// The booking changed meanwhile (reassigned, assessed, answered): say so, change nothing.
fn stale() -> ApiError {
    ApiError::Conflict {
        field: "visit",
        message: "预约刚刚被其他人更新了，请刷新后再试",
        message_en: "The booking was just updated by someone else; reload and try again",
    }
}

/// The timeline line, the notices and the audit entry of a booking change, on its
/// transaction.
struct Record<'a> {
    app: &'a ApplicationRow,
    by: &'a AccountRow,
    role: &'a str,
    action: &'a str,
    note: Option<&'a str>,
    detail: serde_json::Value,
    /// Who is told, and what (zh, en).
    notify: Vec<i64>,
    message: (String, String),
    now: i64,
}

async fn record(tx: &mut Tx, r: Record<'_>) -> ApiResult<()> {
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

async fn family(state: &AppState, app: &ApplicationRow) -> ApiResult<Vec<i64>> {
    Ok(match app.elder_account_id {
        Some(elder) => state.db.family_of_elder(elder).await?,
        // An elder without an account (entered at the office): the applicant is told.
        None => vec![app.applicant_account_id],
    })
}

async fn reloaded(state: &AppState, id: i64, viewer: Viewer) -> ApiResult<Json<ApplicationView>> {
    let app = state.db.application(id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(application_view(state, &app, viewer).await?))
}

/// `PUT /api/retrofit/applications/{id}/assessment-org`: the county assigns a confirmed
/// household to one of its organisations (or moves it to another, dropping the booking).
pub async fn assign(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AssignAssessmentOrg>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::County || !user.role.can(Capability::ConfirmRetrofit) {
        return Err(ApiError::Forbidden);
    }
    if !may_assign(app.state) {
        return Err(refused(AssessmentRefusal::WrongState));
    }
    let org = state
        .db
        .assessment_org(req.org_id)
        .await?
        .filter(|o| Some(o.county_id) == app.county_id)
        .ok_or_else(|| {
            ApiError::field(
                "org_id",
                "请选择本区县的评估机构",
                "Choose an organisation of this county",
            )
        })?;
    if app.assessment_org_id == Some(org.id) {
        return Ok(Json(application_view(&state, &app, viewer).await?));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if tx.assign_assessment_org(app.id, org.id, now).await? == Booked::Stale {
        return Err(stale());
    }
    let message = (
        format!(
            "评估机构“{}”将联系您，约定上门评估的时间（申请 {}）",
            org.name, app.reference
        ),
        format!(
            "{} will contact you to arrange the in-home assessment ({})",
            org.name, app.reference
        ),
    );
    record(
        &mut tx,
        Record {
            app: &app,
            by: &user,
            role: "county_admin",
            action: "assign_assessor",
            note: None,
            detail: serde_json::json!({ "org_id": org.id, "org": org.name }),
            notify: family(&state, &app).await?,
            message,
            now,
        },
    )
    .await?;
    tx.commit().await?;
    reloaded(&state, app.id, viewer).await
}

#[derive(Deserialize)]
pub struct ListQuery {
    after: Option<i64>,
}

/// `GET /api/retrofit/assessments`: the households of the caller's organisation, newest
/// first, with the elder's name masked.
pub async fn assessor_list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<AssessmentList>> {
    if !user.role.can(Capability::AssessHomes) {
        return Err(ApiError::Forbidden);
    }
    let Some(org) = state.db.org_of_assessor(user.id).await? else {
        return Ok(Json(AssessmentList {
            org_name: None,
            items: Vec::new(),
            next_after: None,
        }));
    };
    let rows = state
        .db
        .households_of_org(org.id, q.after.unwrap_or(i64::MAX), PAGE.fetch())
        .await?;
    let (rows, next_after) = PAGE.split(rows, |(r, _)| r.id);
    let places: Vec<i64> = rows
        .iter()
        .flat_map(|(r, _)| [r.community_id, r.home_building_id])
        .flatten()
        .collect();
    let names = state.db.jurisdiction_names(&places).await?;
    let name = |id: Option<i64>| id.and_then(|i| names.get(&i).cloned());
    let items = rows
        .into_iter()
        .map(|(r, applicant_phone)| AssessmentSummary {
            id: r.id,
            reference: r.reference.clone(),
            state: r.state,
            elder_name_masked: mask_name(&r.elder_name),
            community_name: name(r.community_id).unwrap_or_default(),
            home_label: match (name(r.home_building_id), &r.home_unit, &r.home_room) {
                (Some(b), Some(u), Some(room)) => Some(format!("{b} {u}单元 {room}")),
                _ => None,
            },
            contact_phone: r.elder_phone.clone().or(applicant_phone),
            assigned_at: r.assigned_at.unwrap_or(r.created_at),
            visit: visit_view(&r),
        })
        .collect();
    Ok(Json(AssessmentList {
        org_name: Some(org.name),
        items,
        next_after,
    }))
}

/// `PUT /api/retrofit/applications/{id}/visit`: the assessor proposes (or moves) the visit.
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
