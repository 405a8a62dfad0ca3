//! Demo complaints in several states, so every staff page has something to show.

use super::*;
use crate::db::Db;

/// A noise complaint filed two hours ago that nobody has handled (so the queue shows an
/// overdue case), and a fresh common-area repair.
pub(super) async fn seed_cases(db: &Db, now: i64) -> anyhow::Result<()> {
    use crate::db::cases::{CreateCaseError, NewCase};
    use crate::routes::cases::views::{next_due_for, ClockData};
    use anju_domain::category::find_category;
    use anju_domain::complaint::Channel;

    let Some(resident) = db.account_by_phone(DEMO_ACCOUNTS[0].phone).await? else {
        return Ok(());
    };
    let Some(building) = db
        .jurisdiction(resident.home_building_id.unwrap_or_default())
        .await?
    else {
        return Ok(());
    };
    let categories = db.categories().await?;
    let clock = crate::calendars::CommunityClock::national();
    let demo_cases = [
        (
            "demo-noise",
            "neighbour-disturbance",
            "楼上深夜装修，电钻声很大，老人睡不着。",
            None,
            now - 2 * 3600,
        ),
        (
            "demo-light",
            "common-area-repair",
            "单元门口的路灯不亮，晚上看不清台阶。",
            Some("1号楼1单元门口"),
            now - 600,
        ),
        (
            "demo-door",
            "home-repair",
            "入户门锁坏了，钥匙拧不动。",
            None,
            now - 3 * 3600,
        ),
    ];
    let staff = db.account_by_phone(DEMO_ACCOUNTS[2].phone).await?;
    for (key, code, description, place, at) in demo_cases {
        let Some(category) = find_category(&categories, code) else {
            continue;
        };
        let provisional = crate::db::cases::CaseRow::provisional(category, at);
        let due = next_due_for(&clock, &provisional, &ClockData::empty());
        let new = NewCase {
            kind: category.kind,
            category,
            resident_account_id: resident.id,
            filed_by_account_id: resident.id,
            client_key: key,
            channel: Channel::App,
            community_id: building.parent_id.unwrap_or(building.id),
            scope_path: &building.id_path,
            description,
            public_place: place,
            contact_time: Some("上午"),
            now: at,
            next_due_at: due,
        };
        let mut tx = db.begin().await?;
        let created = tx.create_case(&new).await;
        if created.is_ok() {
            tx.commit().await?;
        }
        match created {
            // The door lock was fixed an hour ago: a handled complaint for this month's call-backs.
            Ok((id, _)) if key == "demo-door" => {
                if let Some(staff) = &staff {
                    handle_demo_case(db, id, staff.id, at).await?;
                }
            }
            Ok(_) | Err(CreateCaseError::Duplicate(_)) => {}
            Err(CreateCaseError::Db(e)) => return Err(e.into()),
        }
    }
    Ok(())
}

async fn handle_demo_case(db: &Db, id: i64, staff: i64, filed: i64) -> anyhow::Result<()> {
    use crate::db::case_history::Transition;
    use crate::db::cases::NO_DUE;
    use anju_domain::complaint::CaseState;
    let steps = [
        (
            CaseState::Submitted,
            CaseState::Acknowledged,
            "acknowledge",
            None,
            filed + 600,
            &["acknowledge"][..],
        ),
        (
            CaseState::Acknowledged,
            CaseState::Resolved,
            "resolve",
            Some("已更换门锁。"),
            filed + 2 * 3600,
            &["resolve"][..],
        ),
    ];
    let Some(case) = db.case(id).await? else {
        return Ok(());
    };
    let mut tx = db.begin().await?;
    for (from, to, action, note, at, met) in steps {
        tx.apply_transition(&Transition {
            case_id: id,
            from,
            to,
            actor: staff,
            action,
            note,
            now: at,
            assignee: Some(staff),
            acknowledge: true,
            open_pause: false,
            close_pause: false,
            targets_met: met,
            targets_unmet: &[],
            rating: None,
            major: None,
            scope_path: &case.scope_path,
        })
        .await?;
    }
    tx.set_next_due(id, NO_DUE).await?;
    tx.commit().await?;
    Ok(())
}
