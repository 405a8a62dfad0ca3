//! Every case transition: access, then `anju_domain::complaint_flow::decide`, then one
//! transaction that applies the decision with its event and audit entry, the next due time
//! derived from the history just written, and the notices.

use super::access::{staff_scope, visible_case};
use super::views::{case_view, next_due, ClockData};
use crate::auth::CurrentUser;
use crate::db::case_history::Transition;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::routes::fields::refused;
use crate::AppState;
use anju_domain::complaint::{Actor, CaseAction, CaseActionRequest, CaseView};
use anju_domain::complaint_flow::{decide, CaseInput};
use axum::extract::State;
use axum::Json;

/// Move a case on (acknowledge, assign, pause, ask the resident, resolve, confirm, …); the
/// answer is the case as it now is. Each state, action and role is checked by the same rule the
/// app uses.
#[utoipa::path(
    post,
    path = "/cases/{id}/actions",
    tag = "complaints",
    params(("id" = String, Path)),
    request_body = CaseActionRequest,
    responses((status = 200, description = "OK", body = CaseView)),
    security(("session" = [])),
)]
pub async fn act(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CaseActionRequest>,
) -> ApiResult<Json<CaseView>> {
    let (case, staff) = visible_case(&state, &user, &id).await?;
    let actor = if staff { Actor::Staff } else { Actor::Resident };
    let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let decision = decide(
        case.state,
        case.kind,
        req.action,
        actor,
        CaseInput {
            note,
            rating: req.rating,
            has_assignee: case.assignee_account_id.is_some(),
        },
    )
    .map_err(refused)?;
    // Whom a case may be assigned to depends on who works where: checked here, with the data.
    let assignee = match req.action {
        CaseAction::Assign => {
            let id = req.assignee_id.unwrap_or(user.id);
            let ok = match state.db.account(id).await? {
                Some(a) => staff_scope(&state, &a)
                    .await?
                    .is_some_and(|s| s.holds(&case.scope_path)),
                None => false,
            };
            if !ok {
                return Err(ApiError::field(
                    "assignee_id",
                    "只能指派给负责这个区域的工作人员",
                    "Assign to staff responsible for this area",
                ));
            }
            Some(id)
        }
        _ if decision.take_case => Some(user.id),
        _ => None,
    };
    let met: Vec<&str> = decision.targets_met.iter().map(|t| t.as_str()).collect();
    let unmet: Vec<&str> = decision.targets_unmet.iter().map(|t| t.as_str()).collect();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let applied = tx
        .apply_transition(&Transition {
            case_id: case.id,
            from: case.state,
            to: decision.to,
            actor: user.id,
            action: req.action.as_str(),
            note,
            now,
            assignee,
            acknowledge: decision.acknowledge,
            open_pause: decision.open_pause,
            close_pause: decision.close_pause,
            targets_met: &met,
            targets_unmet: &unmet,
            rating: decision.rating,
            major: None,
            scope_path: &case.scope_path,
        })
        .await?;
    if !applied {
        return Err(ApiError::Conflict {
            field: "action",
            message: "案件刚刚被其他人更新了，请刷新后再试",
            message_en: "Someone else just updated this case; reload and try again",
        });
    }
    // Derived from the history just written, in the same transaction: a case is never left
    // with a stale due time or without its notices.
    let mut case = tx.case(case.id).await?.ok_or(ApiError::NotFound)?;
    let clock_data = ClockData::load_in(&mut tx, case.id).await?;
    case.next_due_at = next_due(&state, &case, &clock_data).await?;
    tx.set_next_due(case.id, case.next_due_at).await?;
    super::notices::after_action(&mut tx, &case, req.action, now).await?;
    tx.commit().await?;
    Ok(Json(case_view(&state, &case, staff).await?))
}
