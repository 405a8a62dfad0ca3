//! The annual report (`GET /api/retrofit/report?year=&format=xlsx`): per county, then per
//! street, the households at every stage, the accepted and settled ones, the subsidy paid and
//! its average, and the warranty claims with how fast they were answered — from three grouped
//! queries, whatever the number of households. A county admin sees their county, the province
//! office every county of the province, a system admin every county. And the year's reminders
//! (`remind_year`, run by the deadline watch): a month and a week before each of the county's
//! dates, the county and each street with households at risk are told which.

use super::county::year_dates;
use crate::auth::CurrentUser;
use crate::db::jurisdictions::JurisdictionRow;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::routes::table_export::{list_format, xlsx_error, ListFormat};
use crate::shanghai::{today, year_of};
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::retrofit::RetrofitState;
use anju_domain::retrofit_report::{
    reminders_due, CountyReport, ReportRow, ReportView, Risk, StreetReport,
};
use anju_domain::{JurisdictionLevel, Role};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    year: Option<i64>,
    format: Option<String>,
}

/// The part of the tree the caller reports on.
fn report_scope(user: &crate::db::accounts::AccountRow) -> ApiResult<&str> {
    if !user.role.can(Capability::ReadRetrofitReport) {
        return Err(ApiError::Forbidden);
    }
    Ok(match user.role {
        Role::SystemAdmin => "/",
        _ => &user.scope_path,
    })
}

pub(crate) async fn build(state: &AppState, scope: &str, year: i64) -> ApiResult<ReportView> {
    let under = |j: &JurisdictionRow| j.id_path.starts_with(scope);
    let counties: Vec<JurisdictionRow> = state
        .db
        .jurisdictions_at_level(JurisdictionLevel::County)
        .await?
        .into_iter()
        .filter(|c| under(c))
        .collect();
    let streets = state
        .db
        .jurisdictions_at_level(JurisdictionLevel::Street)
        .await?;
    // One row per (county, street); households without a street yet count under id 0.
    let mut rows: BTreeMap<(i64, i64), ReportRow> = BTreeMap::new();
    let key = |c: Option<i64>, s: Option<i64>| (c.unwrap_or(0), s.unwrap_or(0));
    for r in state.db.report_states(scope, year).await? {
        if let Some(s) = RetrofitState::parse(&r.state) {
            rows.entry(key(r.county_id, r.street_id))
                .or_insert_with(ReportRow::empty)
                .add_state(s, r.households);
        }
    }
    for r in state.db.report_paid(scope, year).await? {
        rows.entry(key(r.county_id, r.street_id))
            .or_insert_with(ReportRow::empty)
            .subsidy_paid_fen += r.paid_fen;
    }
    for r in state.db.report_claims(scope, year).await? {
        let row = rows
            .entry(key(r.county_id, r.street_id))
            .or_insert_with(ReportRow::empty);
        row.claims += r.claims;
        row.claims_answered += r.answered;
        row.claims_in_time += r.in_time;
        row.answer_secs += r.answer_secs;
    }
    let mut out = Vec::with_capacity(counties.len());
    let mut total = ReportRow::empty();
    for county in counties {
        let mut county_row = ReportRow::empty();
        let mut street_reports = Vec::new();
        for street in streets.iter().filter(|s| s.parent_id == Some(county.id)) {
            let row = rows
                .remove(&(county.id, street.id))
                .unwrap_or_else(ReportRow::empty);
            county_row.add(&row);
            street_reports.push(StreetReport {
                street_id: street.id,
                name: street.name.clone(),
                row,
            });
        }
        if let Some(row) = rows.remove(&(county.id, 0)) {
            county_row.add(&row);
            street_reports.push(StreetReport {
                street_id: 0,
                name: "（未定街道）".into(),
                row,
            });
        }
        total.add(&county_row);
        out.push(CountyReport {
            county_id: county.id,
            name: county.name.clone(),
            dates: year_dates(state, county.id, year).await?,
            row: county_row,
            streets: street_reports,
        });
    }
    Ok(ReportView {
        year: year as i32,
        counties: out,
        total,
    })
}

/// The year's retrofit report for the caller's area; `format=xlsx` as a spreadsheet.
#[utoipa::path(
    get,
    path = "/retrofit/report",
    tag = "retrofit",
    params(ReportQuery),
    responses((status = 200, description = "The report; `format=xlsx` as a spreadsheet", content((ReportView = "application/json"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))),
    security(("session" = [])),
)]
pub async fn report(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    let scope = report_scope(&user)?.to_owned();
    let format = list_format(q.format.as_deref())?;
    let year = super::county::checked_year(&state, q.year)?;
    let view = build(&state, &scope, year).await?;
    if format == ListFormat::Json {
        return Ok(Json(view).into_response());
    }
    let bytes = xlsx(&view).map_err(xlsx_error)?;
    let (subject, what) = (format!("report:{year}"), format!("annual_report:{year}"));
    let file = format!("retrofit-report-{year}");
    super::county::exported(&state, &user, (&subject, &scope, &what), &file, bytes).await
}

/// The report's stages, in the case's order, as columns.
const STAGES: [(RetrofitState, &str); 13] = [
    (RetrofitState::Submitted, "待审核"),
    (RetrofitState::Returned, "退回补充"),
    (RetrofitState::Proposed, "拟改造"),
    (RetrofitState::Confirmed, "已确认"),
    (RetrofitState::Assessed, "已评估"),
    (RetrofitState::PlanProposed, "方案待签"),
    (RetrofitState::PlanSigned, "已签字"),
    (RetrofitState::UnderConstruction, "施工中"),
    (RetrofitState::AwaitingAcceptance, "待验收"),
    (RetrofitState::Accepted, "验收合格"),
    (RetrofitState::Settled, "已结算"),
    (RetrofitState::Rejected, "未通过"),
    (RetrofitState::Withdrawn, "已撤回"),
];

/// One sheet: a row per street, its county's total after it, and the total of all counties.
fn xlsx(view: &ReportView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let money = rust_xlsxwriter::Format::new().set_num_format("#,##0.00");
    sheet.write_string_with_format(
        0,
        0,
        format!("{} 年居家适老化改造年度报表", view.year),
        &bold,
    )?;
    let mut headers: Vec<&str> = vec!["区县", "街道", "申请户数"];
    headers.extend(STAGES.iter().map(|(_, h)| *h));
    headers.extend([
        "验收合格户数",
        "已付补贴（元）",
        "户均补贴（元）",
        "报修件数",
        "已答复",
        "按期答复",
        "平均答复（小时）",
    ]);
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &bold)?;
    }
    let mut r = 3u32;
    let write_row = |sheet: &mut rust_xlsxwriter::Worksheet,
                     r: u32,
                     county: &str,
                     street: &str,
                     row: &ReportRow,
                     strong: bool|
     -> Result<(), rust_xlsxwriter::XlsxError> {
        let text_format = if strong {
            bold.clone()
        } else {
            rust_xlsxwriter::Format::new()
        };
        sheet.write_string_with_format(r, 0, county, &text_format)?;
        sheet.write_string_with_format(r, 1, street, &text_format)?;
        sheet.write_number(r, 2, row.households as f64)?;
        let mut c = 3u16;
        for (s, _) in STAGES {
            sheet.write_number(r, c, row.households_in(s) as f64)?;
            c += 1;
        }
        sheet.write_number(r, c, row.accepted as f64)?;
        sheet.write_number_with_format(r, c + 1, row.subsidy_paid_fen as f64 / 100.0, &money)?;
        match row.average_paid_fen() {
            Some(a) => sheet.write_number_with_format(r, c + 2, a as f64 / 100.0, &money)?,
            None => sheet.write_string(r, c + 2, "—")?,
        };
        sheet.write_number(r, c + 3, row.claims as f64)?;
        sheet.write_number(r, c + 4, row.claims_answered as f64)?;
        sheet.write_number(r, c + 5, row.claims_in_time as f64)?;
        match row.average_answer_tenth_hours() {
            Some(t) => sheet.write_number(r, c + 6, t as f64 / 10.0)?,
            None => sheet.write_string(r, c + 6, "—")?,
        };
        Ok(())
    };
    for county in &view.counties {
        for street in &county.streets {
            write_row(sheet, r, &county.name, &street.name, &street.row, false)?;
            r += 1;
        }
        write_row(sheet, r, &county.name, "合计", &county.row, true)?;
        r += 2;
    }
    write_row(sheet, r, "全部区县", "合计", &view.total, true)?;
    workbook.save_to_buffer()
}

/// The deadline watch's part: for every county, the reminders due today (a month, then a
/// week before each of its dates), each sent once. The county's admins hear the counts for the
/// whole county; each street's reviewers the households of their street (when it has some at
/// risk), named by reference.
pub async fn remind_year(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let day = today(now);
    let year = year_of(now);
    let mut sent = 0;
    for county in state
        .db
        .jurisdictions_at_level(JurisdictionLevel::County)
        .await?
    {
        let dates = match year_dates(state, county.id, year).await {
            Ok(d) => d,
            Err(_) => continue,
        };
        let due = reminders_due(&dates, day);
        if due.is_empty() {
            continue;
        }
        let households = state.db.households_behind(county.id, year).await?;
        for (milestone, lead) in due {
            let behind: Vec<(Option<i64>, &str, Risk)> = households
                .iter()
                .filter_map(|h| {
                    let s = RetrofitState::parse(&h.state)?;
                    Some((h.street_id, h.reference.as_str(), milestone.at_risk(s)?))
                })
                .collect();
            let (name_zh, name_en) = milestone.name();
            let (lead_zh, lead_en) = lead.name();
            let when = dates.of(milestone);
            let counts = |only: Option<i64>| -> (String, String) {
                let mut zh = Vec::new();
                let mut en = Vec::new();
                for risk in Risk::ALL {
                    let n = behind
                        .iter()
                        .filter(|(s, _, r)| *r == risk && (only.is_none() || *s == only))
                        .count();
                    if n > 0 {
                        let (rz, re) = risk.name();
                        zh.push(format!("{n} 户{rz}"));
                        en.push(format!("{n} {re}"));
                    }
                }
                if zh.is_empty() {
                    ("没有落后的家庭".into(), "no household is behind".into())
                } else {
                    (zh.join("、"), en.join(", "))
                }
            };
            let mut tx = state.db.begin().await?;
            if !tx
                .take_year_reminder(county.id, year, milestone.as_str(), lead.as_str(), now)
                .await?
            {
                continue;
            }
            let (zh, en) = counts(None);
            let msg_zh = format!(
                "{name_zh}截止日期 {}（{lead_zh}）：{}{}",
                when.format("%-m月%-d日"),
                county.name,
                zh
            );
            let msg_en = format!(
                "{name_en} is due on {} ({lead_en}): in {}, {en}",
                when.format("%Y-%m-%d"),
                county.name
            );
            for account in state
                .db
                .staff_over(&county.id_path, Role::CountyAdmin.as_str())
                .await?
            {
                tx.notify(account, now, "retrofit_deadline", None, &msg_zh, &msg_en)
                    .await?;
            }
            for street in state.db.jurisdiction_children(county.id).await? {
                let mine: Vec<&str> = behind
                    .iter()
                    .filter(|(s, _, _)| *s == Some(street.id))
                    .map(|(_, r, _)| *r)
                    .collect();
                if mine.is_empty() {
                    continue;
                }
                let (zh, en) = counts(Some(street.id));
                let shown = mine.iter().take(10).copied().collect::<Vec<_>>().join("、");
                let more = if mine.len() > 10 { " 等" } else { "" };
                let msg_zh = format!(
                    "{name_zh}截止日期 {}（{lead_zh}）：{}{zh}：{shown}{more}",
                    when.format("%-m月%-d日"),
                    street.name
                );
                let msg_en = format!(
                    "{name_en} is due on {} ({lead_en}): in {}, {en}: {}",
                    when.format("%Y-%m-%d"),
                    street.name,
                    mine.iter().take(10).copied().collect::<Vec<_>>().join(", ")
                );
                for account in state
                    .db
                    .staff_over(&street.id_path, Role::StreetReviewer.as_str())
                    .await?
                {
                    tx.notify(account, now, "retrofit_deadline", None, &msg_zh, &msg_en)
                        .await?;
                }
            }
            tx.commit().await?;
            sent += 1;
        }
    }
    Ok(sent)
}
