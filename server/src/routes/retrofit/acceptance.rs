//! The street office's acceptance visit (逐户实地竣工验收): `POST
//! /api/retrofit/applications/{id}/acceptance` with a verdict for every item of the signed plan.
//! `anju_domain::retrofit_acceptance::decide_acceptance` turns the verdicts into "accept" or
//! "rework", then one transaction records the round, moves the case (through
//! `anju_domain::retrofit_flow::decide`), dates the acceptance and tells the family and the
//! contractor. Accepting fixes the warranty's last day with the county's length. Then the
//! family agrees with the visit or raises a problem (`…/acceptance/response`).

use super::access::{visible_application, Viewer};
use super::assessment::{family, reloaded, stale};
use super::works::signed_lines;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::routes::fields::refused;
use crate::shanghai::today;
use crate::AppState;
use anju_domain::application::ApplicationView;
use anju_domain::retrofit::{RetrofitAction, RetrofitActor, RetrofitState};
use anju_domain::retrofit_acceptance::{
    check_response, decide_acceptance, AcceptanceRequest, FamilyResponse, ResponseRefusal,
};
use anju_domain::retrofit_flow::{decide, ActionInput};
use anju_domain::retrofit_warranty::{warranty_until, YEARS_DEFAULT};
use axum::extract::State;
use axum::Json;

/// The street office records the acceptance check of the finished works.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/acceptance",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = AcceptanceRequest,
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn accept(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AcceptanceRequest>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Street {
        return Err(ApiError::Forbidden);
    }
    let lines = signed_lines(&state, &app).await?;
    let verdicts = decide_acceptance(lines.len(), &req.items).map_err(refused)?;
    // A retried "accepted" answers with the case as the first one left it.
    if verdicts.action == RetrofitAction::Accept && app.state == RetrofitState::Accepted {
        return reloaded(&state, app.id, viewer).await;
    }
    let decision = decide(
        app.state,
        verdicts.action,
        RetrofitActor::StreetReviewer,
        ActionInput::default(),
    )
    .map_err(refused)?;
    let round = i64::try_from(state.db.acceptances_of(app.id).await?.len()).unwrap_or(i64::MAX) + 1;
    let items = serde_json::to_string(&verdicts.items).map_err(|e| ApiError::Internal(e.into()))?;
    let accepted = verdicts.action == RetrofitAction::Accept;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx
        .record_acceptance(app.id, round, &items, accepted, user.id, now)
        .await?
    {
        return Err(stale());
    }
    super::plan::transition(
        &mut tx,
        &app,
        decision.to,
        verdicts.action,
        (user.id, "street_reviewer"),
        None,
        now,
    )
    .await?;
    let (zh, en) = if accepted {
        // The county's length today fixes the promise; a later change does not alter it.
        let (years, _) = match app.county_id {
            Some(county) => state.db.county_warranty_rules(county).await?,
            None => (YEARS_DEFAULT, 0),
        };
        let until = warranty_until(today(now), years)
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("warranty date out of range")))?
            .format("%Y-%m-%d")
            .to_string();
        tx.set_warranty_until(app.id, &until).await?;
        (
            format!(
                "验收合格（申请 {}）。{years} 年质保从今天开始，到 {until} 为止，有问题可以在申请页面报修",
                app.reference
            ),
            format!(
                "Accepted ({}). The {years}-year warranty starts today and runs until {until}; report any defect on the application's page",
                app.reference
            ),
        )
    } else {
        (
            format!(
                "街道验收时有 {} 项需要返工（申请 {}），请查看每项的说明",
                verdicts.rework.len(),
                app.reference
            ),
            format!(
                "{} item(s) need rework after the acceptance visit ({}); read the note on each",
                verdicts.rework.len(),
                app.reference
            ),
        )
    };
    let mut told = family(&state, &app).await?;
    if let Some(org) = app.contractor_org_id {
        told.extend(state.db.members_of_org(org).await?);
    }
    for account in told {
        tx.notify_about_application(account, now, app.id, &zh, &en)
            .await?;
    }
    tx.commit().await?;
    reloaded(&state, app.id, viewer).await
}

/// `POST /api/retrofit/applications/{id}/acceptance/response` `{agrees, note}`: the family
/// agrees with the accepting visit, or raises a problem, which the street office hears.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/acceptance/response",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = FamilyResponse,
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn respond(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<FamilyResponse>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Family {
        return Err(ApiError::Forbidden);
    }
    let round = match state.db.acceptances_of(app.id).await?.pop() {
        Some(r) if matches!(app.state, RetrofitState::Accepted | RetrofitState::Settled) => r.round,
        _ => {
            return Err(ApiError::Conflict {
                field: "note",
                message: "验收合格后才能回复验收结果",
                message_en: "The acceptance can be answered once the household passed it",
            })
        }
    };
    let response = check_response(&req).map_err(refused)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx
        .record_acceptance_response(
            app.id,
            round,
            (response.agrees, &response.note),
            user.id,
            now,
        )
        .await?
    {
        return Err(refused(ResponseRefusal::AlreadyAnswered));
    }
    tx.audit(
        &crate::db::Audit::new(
            now,
            Some(user.id),
            "retrofit.acceptance_response",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(if response.agrees { "agrees" } else { "problem" }),
    )
    .await?;
    if !response.agrees {
        let zh = format!(
            "家属对验收结果有意见（申请 {}）：{}",
            app.reference, response.note
        );
        let en = format!(
            "The family raises a problem with the acceptance ({}): {}",
            app.reference, response.note
        );
        for account in state
            .db
            .staff_over(&app.scope_path, anju_domain::Role::StreetReviewer.as_str())
            .await?
        {
            tx.notify_about_application(account, now, app.id, &zh, &en)
                .await?;
        }
    }
    tx.commit().await?;
    reloaded(&state, app.id, viewer).await
}
