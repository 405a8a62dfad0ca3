//! Deadline watch: warns the person handling a case before its deadline (15 minutes before
//! short clocks, the morning of the due day for day-scale ones) and tells the supervisors —
//! the street office over the community — when it is breached. Runs every minute in `serve`;
//! each notice is claimed in the database first, so several instances never send it twice.

use crate::db::audit::Audit;
use crate::db::cases::CaseRow;
use crate::routes::cases::views::ClockData;
use crate::shanghai::rfc3339;
use crate::AppState;
use anju_domain::calendar::shanghai;
use anju_domain::deadline::{due_at, warn_at, Due};
use anju_domain::Role;
use chrono::DateTime;

/// Minutes before a short deadline that the handler is warned (policy default).
pub const WARNING_LEAD_MINUTES: u32 = 15;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ScanReport {
    pub warnings: usize,
    pub breaches: usize,
    /// Warranty claims that went past their deadline unanswered.
    pub overdue_claims: usize,
}

fn short(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .with_timezone(&shanghai())
        .format("%m-%d %H:%M")
        .to_string()
}

/// When to warn about the case's current deadline (`next_due_at`).
async fn warning_time(state: &AppState, case: &CaseRow) -> anyhow::Result<Option<i64>> {
    let data = ClockData::load(state, case).await?;
    let clock = state.calendar_for(case.community_id).await?;
    let ctx = clock.ctx();
    let started = DateTime::from_timestamp(case.created_at, 0).unwrap_or_default();
    Ok(case
        .targets
        .iter()
        .find_map(|t| match due_at(t, started, &data.pauses, &ctx) {
            Due::At(d) if d.timestamp() == case.next_due_at => {
                Some(warn_at(t, d, WARNING_LEAD_MINUTES, ctx.hours).timestamp())
            }
            _ => None,
        }))
}

/// Who handles the case now: its assignee, or else every community staff member over it.
async fn handlers(state: &AppState, case: &CaseRow) -> anyhow::Result<Vec<i64>> {
    Ok(match case.assignee_account_id {
        Some(id) => vec![id],
        None => {
            state
                .db
                .staff_over(&case.scope_path, Role::CommunityStaff.as_str())
                .await?
        }
    })
}

pub async fn scan(state: &AppState) -> anyhow::Result<ScanReport> {
    let now = state.clock.now();
    let mut report = ScanReport::default();
    // A case wakes the watch a day before its deadline (warnings come at most that early);
    // the exact warning time is then stored, so each case is looked at about twice.
    let mut deferred = Vec::new();
    for id in state.db.cases_to_warn(now).await? {
        let Some(case) = state.db.case(id).await? else {
            continue;
        };
        let due = case.next_due_at;
        let warn = warning_time(state, &case).await?;
        match warn {
            Some(w) if now < w && w < due => {
                deferred.push((id, due, Some(w)));
                continue;
            }
            // Past the deadline already (the breach notice covers it), or no warning.
            Some(_) if now >= due => {
                deferred.push((id, due, None));
                continue;
            }
            None => {
                deferred.push((id, due, None));
                continue;
            }
            Some(_) => {}
        }
        let handlers = handlers(state, &case).await?;
        let mut tx = state.db.begin().await?;
        if !tx.claim_deadline_notice(id, due, false).await? {
            continue;
        }
        for account in handlers {
            tx.notify(
                account,
                now,
                "deadline_warning",
                Some(id),
                &format!(
                    "事项 {} 将于 {} 到期，请尽快处理",
                    case.reference,
                    short(due)
                ),
                &format!(
                    "Case {} is due at {}; please handle it soon",
                    case.reference,
                    short(due)
                ),
            )
            .await?;
        }
        tx.commit().await?;
        report.warnings += 1;
    }
    if !deferred.is_empty() {
        let mut tx = state.db.begin().await?;
        tx.defer_warnings(&deferred).await?;
        tx.commit().await?;
    }
    for id in state.db.cases_breached(now).await? {
        let Some(case) = state.db.case(id).await? else {
            continue;
        };
        let due = case.next_due_at;
        let mut told = state
            .db
            .staff_over(&case.scope_path, Role::StreetReviewer.as_str())
            .await?;
        told.extend(handlers(state, &case).await?);
        told.sort_unstable();
        told.dedup();
        let mut tx = state.db.begin().await?;
        if !tx.claim_deadline_notice(id, due, true).await? {
            continue;
        }
        for account in told {
            tx.notify(
                account,
                now,
                "deadline_breach",
                Some(id),
                &format!("事项 {} 已超时：应于 {} 前处理", case.reference, short(due)),
                &format!(
                    "Case {} is overdue: it was due at {}",
                    case.reference,
                    short(due)
                ),
            )
            .await?;
        }
        let due_text = rfc3339(due);
        tx.audit(
            &Audit::new(
                now,
                None,
                "case.deadline_breached",
                &format!("case:{id}"),
                &case.scope_path,
            )
            .detail(&due_text),
        )
        .await?;
        tx.commit().await?;
        report.breaches += 1;
    }
    report.overdue_claims = crate::routes::retrofit::warranty::notice_overdue(state).await?;
    Ok(report)
}

/// At month end the call-back lists draw themselves: once a month is over, every community
/// with handled complaints that month and no list yet gets one, drawn in the name of the first
/// system admin (a draw needs an accountable person; without an admin nothing is drawn).
pub async fn draw_finished_months(state: &AppState) -> anyhow::Result<usize> {
    use anju_domain::callback::month_bounds;
    let now = state.clock.now();
    let local = DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .with_timezone(&shanghai());
    let this_month = local.format("%Y-%m").to_string();
    let Some((this_start, _)) = month_bounds(&this_month) else {
        return Ok(0);
    };
    let last_day = this_start - chrono::Duration::days(1);
    let last_month = last_day
        .with_timezone(&shanghai())
        .format("%Y-%m")
        .to_string();
    let Some(range) = month_bounds(&last_month).map(|(s, e)| (s.timestamp(), e.timestamp())) else {
        return Ok(0);
    };
    let Some(admin) = state
        .db
        .first_account_with_role(Role::SystemAdmin.as_str())
        .await?
    else {
        return Ok(0);
    };
    let mut drawn = 0;
    for community in state
        .db
        .jurisdictions_at_level(anju_domain::JurisdictionLevel::Community)
        .await?
    {
        if state
            .db
            .complaints_handled_in(community.id, range.0, range.1)
            .await?
            .is_empty()
        {
            continue;
        }
        let fresh = crate::routes::cases::callbacks::perform_draw(
            state,
            community.id,
            &last_month,
            range,
            admin,
            "callback.draw.auto",
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        drawn += usize::from(fresh);
    }
    Ok(drawn)
}

/// The retrofit year's reminders due today (a month and a week before each of a county's
/// dates), each sent once; how many went out.
pub async fn year_reminders(state: &AppState) -> anyhow::Result<usize> {
    crate::routes::retrofit::report::remind_year(state).await
}

/// Runs [`scan`] every minute until the process ends; every hour the month-end draw, the
/// retrofit year's reminders and the purge of old rate events and SMS codes.
pub fn spawn_watch(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        let mut minutes = 0u32;
        loop {
            tick.tick().await;
            if minutes.is_multiple_of(60) {
                match draw_finished_months(&state).await {
                    Ok(n) if n > 0 => tracing::info!(lists = n, "month-end call-back lists drawn"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = format!("{e:#}"), "month-end draw failed"),
                }
                match year_reminders(&state).await {
                    Ok(n) if n > 0 => tracing::info!(reminders = n, "retrofit year reminders sent"),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::error!(error = format!("{e:#}"), "retrofit year reminders failed")
                    }
                }
                // Limits look back an hour at most; codes live minutes. A day is plenty.
                let day_ago = state.clock.now() - 24 * 60 * 60;
                if let Err(e) = state.db.purge_rate_events(day_ago).await {
                    tracing::error!(error = %e, "purging rate events failed");
                }
                if let Err(e) = state.db.purge_sms_codes(day_ago).await {
                    tracing::error!(error = %e, "purging SMS codes failed");
                }
            }
            minutes = minutes.wrapping_add(1);
            match scan(&state).await {
                Ok(r) if r.warnings + r.breaches + r.overdue_claims > 0 => {
                    tracing::info!(
                        warnings = r.warnings,
                        breaches = r.breaches,
                        overdue_claims = r.overdue_claims,
                        "deadline watch"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = format!("{e:#}"), "deadline watch failed"),
            }
        }
    });
}
