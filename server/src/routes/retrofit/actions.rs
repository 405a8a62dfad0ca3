//! Every retrofit transition: access, then `anju_domain::retrofit_flow::decide`, then one
//! transaction that applies the decision with its event and audit entry.

use super::access::Viewer;
use super::access::{actor_for, visible_application};
use super::views::{application_view, load_facts, view_after_change};
use crate::auth::CurrentUser;
use crate::db::retrofit::{ApplicationRow, Transition, TransitionOutcome};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::routes::fields::refused;
use crate::AppState;
use anju_domain::application::{ApplicationView, RetrofitActionRequest};
use anju_domain::retrofit::{RetrofitAction, RetrofitActor, RetrofitState};
use anju_domain::retrofit_flow::{decide, ActionInput, ActionRefusal};
use anju_domain::retrofit_works::WorksRefusal;
use axum::extract::State;
use axum::Json;

/// Move an application on (submit, withdraw, approve, return, reject, confirm, start or finish
/// works, …); the answer is the application as it now is.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/actions",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = RetrofitActionRequest,
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn act(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RetrofitActionRequest>,
) -> ApiResult<Json<ApplicationView>> {
    use RetrofitAction as A;
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if matches!(req.action, A::Accept | A::RequestRework) {
        return Err(ApiError::Conflict {
            field: "action",
            message: "验收在施工进度里逐项进行（/acceptance）",
            message_en: "Acceptance is recorded item by item (/acceptance)",
        });
    }
    if req.action == A::Settle {
        return Err(ApiError::Conflict {
            field: "action",
            message: "结算按项目进行（/settlement）",
            message_en: "Settlement names the items it covers (/settlement)",
        });
    }
    if matches!(
        req.action,
        A::ProposePlan | A::RequestPlanChanges | A::SignPlan
    ) {
        return Err(ApiError::Conflict {
            field: "action",
            message: "方案的提出、修改和签字在方案页面进行（/plan）",
            message_en: "Plans are proposed, changed and signed through the plan (/plan)",
        });
    }
    if !super::views::AVAILABLE_ACTIONS.contains(&req.action) {
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
    // A retried "assessment done", "works started" or "works finished" answers with the
    // application as the first one left it.
    let done_already = match req.action {
        A::RecordAssessment => Some(RetrofitState::Assessed),
        A::StartWorks => Some(RetrofitState::UnderConstruction),
        A::FinishWorks => Some(RetrofitState::AwaitingAcceptance),
        _ => None,
    };
    if done_already == Some(app.state) {
        return Ok(Json(application_view(&state, &app, viewer).await?));
    }
    let works = if matches!(req.action, A::StartWorks | A::FinishWorks) {
        Some(super::works::photo_counts(&state, &app).await?)
    } else {
        None
    };
    let contract_signed =
        req.action == A::StartWorks && super::contract::signed_with_current(&state, &app).await?;
    let actor = actor_for(&app, viewer, req.action);
    let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let decision = decide(
        app.state,
        req.action,
        actor,
        ActionInput {
            note,
            checklist: &req.checklist,
            reason: req.reason,
            works: works.as_ref(),
            contract_signed,
        },
    )
    .map_err(refused)?;
    let mut grounds = None;
    if decision.record_grounds {
        let view = application_view(&state, &app, viewer).await?;
        let facts = load_facts(&state, &app)?;
        let filled = super::views::filled_parts(&state, &app, facts.as_ref()).await?;
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
    if req.action == A::RecordAssessment {
        // Done means every screen is filled: the plan is drafted from the whole record.
        let missing = super::record::load_record(&state, &app).await?.missing();
        if !missing.is_empty() {
            return Err(ApiError::field(
                "record",
                "入户评估记录还没有填完：日常活动、每个房间和老人的意愿都要记录",
                "The assessment record is not complete: the activities, every room and the elder's wishes must be recorded",
            ));
        }
    }
    let take_quota = match (decision.take_quota, app.county_id) {
        (true, Some(county)) => Some((county, app.year)),
        (true, None) => return Err(ApiError::NotFound),
        (false, _) => None,
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
            to: decision.to,
            actor: user.id,
            actor_role: role,
            action: req.action.as_str(),
            note,
            checklist: &decision.checklist,
            reason: decision.reason,
            grounds: grounds.as_deref(),
            take_quota,
            now: state.clock.now(),
            scope_path: &app.scope_path,
        })
        .await?;
    match outcome {
        TransitionOutcome::Applied => {
            // Checked again inside the transaction that starts the works: a reassignment to
            // another company (which voids the contract) cannot slip in between.
            if req.action == A::StartWorks && !tx.contract_signed_now(app.id).await? {
                return Err(refused(ActionRefusal::Works(
                    WorksRefusal::ContractNotSigned,
                )));
            }
            if let Some((zh, en)) = works_notice(&app, req.action) {
                let mut told = super::assessment::family(&state, &app).await?;
                if req.action == A::FinishWorks {
                    // The street office organises the per-household acceptance.
                    told.extend(
                        state
                            .db
                            .staff_over(&app.scope_path, anju_domain::Role::StreetReviewer.as_str())
                            .await?,
                    );
                }
                let now = state.clock.now();
                for account in told {
                    tx.notify_about_application(account, now, app.id, &zh, &en)
                        .await?;
                }
            }
            tx.commit().await?
        }
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
    Ok(Json(view_after_change(&state, app.id, viewer).await?))
}

/// What the family (and, when the works are done, the street office) is told.
fn works_notice(app: &ApplicationRow, action: RetrofitAction) -> Option<(String, String)> {
    match action {
        RetrofitAction::StartWorks => Some((
            format!(
                "施工开始了：每一项施工前的照片已经拍好，您可以在申请 {} 里逐项查看进度",
                app.reference
            ),
            format!(
                "The works have started: every item was photographed first; follow each item in {}",
                app.reference
            ),
        )),
        RetrofitAction::FinishWorks => Some((
            format!(
                "施工完成了（申请 {}），街道办事处将上门逐项验收",
                app.reference
            ),
            format!(
                "The works are finished ({}); the street office will come to check each item",
                app.reference
            ),
        )),
        _ => None,
    }
}
