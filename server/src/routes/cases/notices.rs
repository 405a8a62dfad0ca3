//! Telling people about a case's progress: the resident when staff accept, ask or finish;
//! the handler when the resident answers or says it is not solved.

use crate::db::cases::{CaseRow, NO_DUE};
use crate::db::Tx;
use crate::error::ApiResult;
use anju_domain::calendar::shanghai;
use anju_domain::complaint::CaseAction;

fn local(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .with_timezone(&shanghai())
        .format("%m-%d %H:%M")
        .to_string()
}

pub async fn after_action(
    tx: &mut Tx,
    case: &CaseRow,
    action: CaseAction,
    now: i64,
) -> ApiResult<()> {
    let r = &case.reference;
    let to_resident = match action {
        CaseAction::Acknowledge => Some(if case.next_due_at == NO_DUE {
            (
                format!("您的事项 {r} 已受理"),
                format!("Your request {r} has been accepted"),
            )
        } else {
            let due = local(case.next_due_at);
            (
                format!("您的事项 {r} 已受理，预计 {due} 前处理"),
                format!("Your request {r} has been accepted; expected by {due}"),
            )
        }),
        CaseAction::AskResident => Some((
            format!("工作人员需要您补充事项 {r} 的信息"),
            format!("Staff need more information about your request {r}"),
        )),
        CaseAction::Resolve => Some((
            format!("您的事项 {r} 已处理，请确认是否解决并评价"),
            format!("Your request {r} has been handled; please confirm and rate it"),
        )),
        _ => None,
    };
    if let Some((zh, en)) = to_resident {
        tx.notify(
            case.resident_account_id,
            now,
            "case_update",
            Some(case.id),
            &zh,
            &en,
        )
        .await?;
    }
    let to_handler = match action {
        CaseAction::ResidentReply => Some((
            format!("居民补充了事项 {r} 的信息"),
            format!("The resident added information to {r}"),
        )),
        CaseAction::NotSolved => Some((
            format!("居民表示事项 {r} 没有解决，已重新打开"),
            format!("The resident says {r} is not solved; it is reopened"),
        )),
        _ => None,
    };
    if let (Some((zh, en)), Some(handler)) = (to_handler, case.assignee_account_id) {
        tx.notify(handler, now, "case_update", Some(case.id), &zh, &en)
            .await?;
    }
    Ok(())
}
