//! The month's complaint report per community: volume by category, deadline compliance per
//! target, call-back coverage (all and major), satisfaction against the target, and the
//! seed's named failures. JSON, CSV or XLSX (`?format=`).

use super::communities::{community_in_scope, month_range};
use super::views::ClockData;
use crate::auth::CurrentUser;
use crate::db::jurisdictions::JurisdictionRow;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::AppState;
use anju_domain::callback::{percent, CategoryCount, MonthlyReport, TargetCompliance};
use anju_domain::category::CaseKind;
use anju_domain::deadline::{due_at, Due};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    community_id: i64,
    month: String,
    #[serde(default)]
    format: Option<String>,
}

/// Deadlines can fall a few weeks after filing (7 working days around 国庆 or 春节).
const DUE_LOOKBACK_SECS: i64 = 40 * 24 * 3600;

/// The month's complaint report for the caller's area: counts by category, deadlines met, call-back satisfaction.
#[utoipa::path(
    get,
    path = "/reports/complaints",
    tag = "complaints",
    params(ReportQuery),
    responses((status = 200, description = "The month's report; `format=csv` or `format=xlsx` as a file", content((MonthlyReport = "application/json"), (Vec<u8> = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))),
    security(("session" = [])),
)]
pub async fn complaints(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    let community = community_in_scope(&state, &user, q.community_id).await?;
    let (start, end) = month_range(&state, &q.month)?;
    let report = monthly_report(&state, &community, &q.month, (start, end)).await?;
    let file = format!("complaints-{}-{}", community.id, q.month);
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(report).into_response()),
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}.csv\""),
                ),
            ],
            report.to_csv(),
        )
            .into_response()),
        Some("xlsx") => Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}.xlsx\""),
                ),
            ],
            xlsx(&report).map_err(|e| ApiError::Internal(anyhow::anyhow!("xlsx: {e}")))?,
        )
            .into_response()),
        Some(_) => Err(ApiError::field(
            "format",
            "格式只能是 json、csv 或 xlsx",
            "Format must be json, csv or xlsx",
        )),
    }
}

/// The month's report for one community (`[start, end)` of the month): what the report
/// endpoint answers and what the desk adds up over an area.
pub(crate) async fn monthly_report(
    state: &AppState,
    community: &JurisdictionRow,
    month: &str,
    (start, end): (i64, i64),
) -> ApiResult<MonthlyReport> {
    let now = state.clock.now();
    let categories = state.db.categories().await?;

    let created = state.db.cases_created_in(community.id, start, end).await?;
    let mut by_category: BTreeMap<String, u64> = BTreeMap::new();
    for c in &created {
        *by_category.entry(c.category_code.clone()).or_default() += 1;
    }

    let clock = state.calendar_for(community.id).await?;
    let ctx = clock.ctx();
    let mut compliance: BTreeMap<&'static str, (u64, u64)> = BTreeMap::new();
    let (mut breached, mut breached_unassigned) = (0, 0);
    let history = state
        .db
        .history_of_cases_filed_in(community.id, start - DUE_LOOKBACK_SECS, end)
        .await?;
    for case in state
        .db
        .cases_created_in(community.id, start - DUE_LOOKBACK_SECS, end)
        .await?
    {
        let data = ClockData::from_history(&history, case.id);
        let started = chrono::DateTime::from_timestamp(case.created_at, 0).unwrap_or_default();
        let mut late = false;
        for t in &case.targets {
            let Due::At(due) = due_at(t, started, &data.pauses, &ctx) else {
                continue;
            };
            let due = due.timestamp();
            if due < start || due >= end {
                continue;
            }
            let met = data
                .met
                .iter()
                .find(|(n, _)| n == t.name.as_str())
                .map(|(_, at)| *at);
            let entry = compliance.entry(t.name.as_str()).or_default();
            entry.0 += 1;
            match met {
                Some(m) if m <= due => entry.1 += 1,
                Some(_) => late = true,
                None if now.min(end) > due => late = true,
                None => {}
            }
        }
        if late {
            breached += 1;
            if case.assignee_account_id.is_none() {
                breached_unassigned += 1;
            }
        }
    }

    let handled = state
        .db
        .complaints_handled_in(community.id, start, end)
        .await?;
    let sampled = match state.db.draw(community.id, month).await? {
        Some(d) => state.db.draw_items(d.id).await?.len() as u64,
        None => 0,
    };
    let (mut called, mut major_called, mut reached, mut satisfied) = (0, 0, 0, 0);
    let callbacks = state
        .db
        .latest_callbacks_of_handled(community.id, start, end)
        .await?;
    for case in &handled {
        if let Some(cb) = callbacks.get(&case.id) {
            called += 1;
            if case.major {
                major_called += 1;
            }
            if cb.reached {
                reached += 1;
                if cb.satisfied == Some(true) {
                    satisfied += 1;
                }
            }
        }
    }
    let major_handled = handled.iter().filter(|c| c.major).count() as u64;
    let target = state.settings.policy.satisfaction_target_percent;
    let satisfaction_percent = percent(satisfied, reached);
    let report = MonthlyReport {
        community: community.name.clone(),
        month: month.to_owned(),
        complaints: created
            .iter()
            .filter(|c| c.kind == CaseKind::Complaint)
            .count() as u64,
        inquiries: created
            .iter()
            .filter(|c| c.kind == CaseKind::Inquiry)
            .count() as u64,
        by_category: by_category
            .into_iter()
            .map(|(code, count)| CategoryCount {
                name: categories
                    .iter()
                    .find(|c| c.code == code)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                code,
                count,
            })
            .collect(),
        compliance: compliance
            .into_iter()
            .map(|(target, (due, met))| TargetCompliance {
                target: target.to_owned(),
                due,
                met_on_time: met,
                percent: percent(met, due),
            })
            .collect(),
        handled: handled.len() as u64,
        sampled,
        called,
        major_handled,
        major_called,
        callback_coverage_percent: percent(called, handled.len() as u64),
        major_coverage_percent: percent(major_called, major_handled),
        reached,
        satisfied,
        satisfaction_percent,
        satisfaction_target_percent: target,
        // The survey results' verdict, so both say "meets the target" the same way.
        meets_target: match anju_domain::survey::verdict(satisfied, reached, target) {
            anju_domain::survey::Verdict::Pass => Some(true),
            anju_domain::survey::Verdict::NeedsRedo => Some(false),
            anju_domain::survey::Verdict::NoData => None,
        },
        breached,
        breached_unassigned,
    };
    Ok(report)
}

fn xlsx(report: &MonthlyReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("report")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, title) in ["section", "item", "value"].into_iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, title, &bold)?;
    }
    for (i, row) in report.rows().iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if col == 2 => sheet.write_number(i as u32 + 1, col as u16, n)?,
                _ => sheet.write_string(i as u32 + 1, col as u16, cell)?,
            };
        }
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 40)?;
    workbook.save_to_buffer()
}
