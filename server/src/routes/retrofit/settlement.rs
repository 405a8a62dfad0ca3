//! The county's settlement (资金拨付): `POST …/applications/{id}/settlement` settles an
//! accepted household for the lines it names (each checked by
//! `anju_domain::retrofit_settlement::decide_settlement` against the accepting round and the
//! after-photos, at the signed plan's amounts), `POST …/payments` records a payment within
//! what was settled, and `GET /api/retrofit/settlements` is the county's list (JSON or XLSX).

use super::access::{visible_application, Viewer};
use super::assessment::{family, reloaded};
use super::county::county_for;
use crate::auth::CurrentUser;
use crate::db::retrofit::assessment_photos::PhotoSet;
use crate::db::retrofit::settlement::{NewPayment, NewSettlement, Paid};
use crate::db::retrofit::ApplicationRow;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::{Path, Query};
use crate::routes::fields::refused;
use crate::routes::table_export::{list_format, xlsx_error, ListFormat};
use crate::shanghai::today;
use crate::AppState;
use anju_domain::application::ApplicationView;
use anju_domain::retrofit::{RetrofitAction, RetrofitActor, RetrofitState};
use anju_domain::retrofit_acceptance::ItemVerdict;
use anju_domain::retrofit_catalogue::format_yuan;
use anju_domain::retrofit_flow::{decide, ActionInput};
use anju_domain::retrofit_plan::PlanLine;
use anju_domain::retrofit_settlement::{
    check_payment, decide_settlement, settlement_lines, PaymentRefusal, PaymentRequest,
    PaymentView, SettlementList, SettlementRequest, SettlementSummary, SettlementView,
};
use anju_domain::retrofit_works::{PhotoStage, WorksSlot};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

fn internal(e: impl Into<anyhow::Error>) -> ApiError {
    ApiError::Internal(e.into())
}

/// The settlement on the household's page: for everyone who follows the case but the
/// assessor, once it passed acceptance.
pub(super) async fn settlement_view(
    state: &AppState,
    app: &ApplicationRow,
    viewer: Viewer,
) -> ApiResult<Option<SettlementView>> {
    if viewer == Viewer::Assessor
        || !matches!(app.state, RetrofitState::Accepted | RetrofitState::Settled)
    {
        return Ok(None);
    }
    let plans = state.db.plans_of(app.id).await?;
    let Some(signed) = plans.iter().rev().find(|r| r.state == "signed") else {
        return Ok(None);
    };
    let plan: Vec<PlanLine> = serde_json::from_str(&signed.lines_json).map_err(internal)?;
    let Some(accepting) = state.db.acceptances_of(app.id).await?.pop() else {
        return Ok(None);
    };
    let verdicts: Vec<ItemVerdict> =
        serde_json::from_str(&accepting.items_json).map_err(internal)?;
    // The after-photos the reviewer had before them at the accepting visit.
    let mut after = vec![0usize; plan.len()];
    for photo in state.db.household_photos(PhotoSet::Works, app.id).await? {
        if photo.id > accepting.photo_mark {
            continue;
        }
        if let Some(WorksSlot::Item {
            line,
            stage: PhotoStage::After,
        }) = WorksSlot::parse(&photo.room)
        {
            if let Some(n) = usize::from(line)
                .checked_sub(1)
                .and_then(|i| after.get_mut(i))
            {
                *n += 1;
            }
        }
    }
    let mut lines = settlement_lines(&plan, signed.subsidised, &verdicts, &after);
    let settleable_fen = lines
        .iter()
        .filter(|l| l.blocked.is_none())
        .map(|l| l.subsidy_fen)
        .sum();
    let recorded = state.db.settlement_of(app.id).await?;
    if let Some(s) = &recorded {
        let settled: Vec<u16> = serde_json::from_str(&s.lines_json).map_err(internal)?;
        for line in &mut lines {
            line.settled = settled.contains(&line.line);
        }
    }
    let payments = if recorded.is_some() {
        state.db.payments_of(app.id).await?
    } else {
        Vec::new()
    };
    let county = viewer == Viewer::County;
    Ok(Some(SettlementView {
        may_settle: county && app.state == RetrofitState::Accepted,
        may_pay: county && recorded.as_ref().is_some_and(|s| s.paid_fen < s.due_fen),
        lines,
        settleable_fen,
        settled_at: recorded.as_ref().map(|s| s.settled_at),
        due_fen: recorded.as_ref().map_or(0, |s| s.due_fen),
        paid_fen: recorded.as_ref().map_or(0, |s| s.paid_fen),
        payments: payments
            .into_iter()
            .map(|p| PaymentView {
                paid_on: p.paid_on,
                voucher_no: p.voucher_no,
                amount_fen: p.amount_fen,
            })
            .collect(),
    }))
}

fn already_settled() -> ApiError {
    ApiError::Conflict {
        field: "lines",
        message: "这户已经结算过，不能重复结算",
        message_en: "This household is already settled; it cannot be settled twice",
    }
}

/// Tell the family and the builder's staff.
async fn tell(
    state: &AppState,
    tx: &mut crate::db::Tx,
    app: &ApplicationRow,
    (zh, en): (&str, &str),
    now: i64,
) -> ApiResult<()> {
    let mut told = family(state, app).await?;
    if let Some(org) = app.contractor_org_id {
        told.extend(state.db.members_of_org(org).await?);
    }
    for account in told {
        tx.notify_about_application(account, now, app.id, zh, en)
            .await?;
    }
    Ok(())
}

/// `POST /api/retrofit/applications/{id}/settlement` `{lines: [1, 2]}` (the county).
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/settlement",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = SettlementRequest,
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn settle(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SettlementRequest>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::County {
        return Err(ApiError::Forbidden);
    }
    if app.state == RetrofitState::Settled {
        return Err(already_settled());
    }
    let decision = decide(
        app.state,
        RetrofitAction::Settle,
        RetrofitActor::CountyAdmin,
        ActionInput::default(),
    )
    .map_err(refused)?;
    let view = settlement_view(&state, &app, viewer)
        .await?
        .ok_or(ApiError::NotFound)?;
    let settled = decide_settlement(&view.lines, &req).map_err(refused)?;
    let county_id = app.county_id.ok_or(ApiError::NotFound)?;
    let lines_json = serde_json::to_string(&settled.lines).map_err(internal)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx
        .record_settlement(&NewSettlement {
            application_id: app.id,
            county_id,
            lines_json: &lines_json,
            due_fen: settled.due_fen,
            by: user.id,
            now,
        })
        .await?
    {
        return Err(already_settled());
    }
    let note = format!(
        "结算 {} 项，补贴 {} 元",
        settled.lines.len(),
        format_yuan(settled.due_fen)
    );
    super::plan::transition(
        &mut tx,
        &app,
        decision.to,
        RetrofitAction::Settle,
        (user.id, "county_admin"),
        Some(&note),
        now,
    )
    .await?;
    let zh = format!(
        "申请 {} 已结算：补贴 {} 元，由县里直接拨付给施工单位",
        app.reference,
        format_yuan(settled.due_fen)
    );
    let en = format!(
        "{} is settled: a subsidy of {} yuan, paid by the county directly to the builder",
        app.reference,
        format_yuan(settled.due_fen)
    );
    tell(&state, &mut tx, &app, (&zh, &en), now).await?;
    tx.commit().await?;
    reloaded(&state, app.id, viewer).await
}

/// `POST /api/retrofit/applications/{id}/payments` `{paid_on, voucher_no, amount}` (the county).
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/payments",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = PaymentRequest,
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn pay(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PaymentRequest>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::County {
        return Err(ApiError::Forbidden);
    }
    let settlement = state
        .db
        .settlement_of(app.id)
        .await?
        .ok_or(ApiError::Conflict {
            field: "amount",
            message: "请先结算，再登记付款",
            message_en: "Settle the household before recording a payment",
        })?;
    let now = state.clock.now();
    let payment = check_payment(
        &req,
        today(now),
        today(settlement.settled_at),
        settlement.due_fen - settlement.paid_fen,
    )
    .map_err(refused)?;
    let paid_on = payment.paid_on.format("%Y-%m-%d").to_string();
    let mut tx = state.db.begin().await?;
    match tx
        .record_payment(&NewPayment {
            application_id: app.id,
            county_id: app.county_id.ok_or(ApiError::NotFound)?,
            paid_on: &paid_on,
            voucher_no: &payment.voucher_no,
            amount_fen: payment.amount_fen,
            by: user.id,
            now,
        })
        .await?
    {
        Paid::Recorded => {}
        Paid::AboveDue => return Err(refused(PaymentRefusal::AboveDue)),
        Paid::VoucherUsed => return Err(refused(PaymentRefusal::VoucherUsed)),
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.payment",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(&format!(
            "paid_on={paid_on} voucher={} amount_fen={}",
            payment.voucher_no, payment.amount_fen
        )),
    )
    .await?;
    let left = settlement.due_fen - settlement.paid_fen - payment.amount_fen;
    let zh = format!(
        "申请 {} 的补贴已拨付 {} 元（{}），{}",
        app.reference,
        format_yuan(payment.amount_fen),
        paid_on,
        if left == 0 {
            "已全部付清".to_owned()
        } else {
            format!("还有 {} 元待付", format_yuan(left))
        }
    );
    let en = format!(
        "{} yuan of the subsidy for {} was paid on {}; {}",
        format_yuan(payment.amount_fen),
        app.reference,
        paid_on,
        if left == 0 {
            "it is paid in full".to_owned()
        } else {
            format!("{} yuan remain", format_yuan(left))
        }
    );
    tell(&state, &mut tx, &app, (&zh, &en), now).await?;
    tx.commit().await?;
    reloaded(&state, app.id, viewer).await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    year: Option<i64>,
    county_id: Option<i64>,
    format: Option<String>,
}

/// `GET /api/retrofit/settlements?year=&format=xlsx`: the county's accepted and settled
/// households with what was settled and paid, in two queries.
#[utoipa::path(
    get,
    path = "/retrofit/settlements",
    tag = "retrofit",
    params(ListQuery),
    responses((status = 200, description = "The settlements; `format=xlsx` as a spreadsheet", content((SettlementList = "application/json"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))),
    security(("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let county = county_for(&state, &user, q.county_id).await?;
    let format = list_format(q.format.as_deref())?;
    let year = super::county::checked_year(&state, q.year)?;
    let (rows, payments) = state.db.settlement_list(county.id, year).await?;
    let items: Vec<SettlementSummary> = rows
        .into_iter()
        .map(|r| SettlementSummary {
            application_id: r.id,
            vouchers: payments
                .iter()
                .filter(|p| p.application_id == r.id)
                .map(|p| p.voucher_no.clone())
                .collect(),
            reference: r.reference,
            street_name: r.street_name.unwrap_or_default(),
            community_name: r.community_name.unwrap_or_default(),
            elder_name: r.elder_name,
            contractor: r.contractor,
            accepted_at: r.accepted_at,
            settled_at: r.settled_at,
            due_fen: r.due_fen.unwrap_or(0),
            paid_fen: r.paid_fen.unwrap_or(0),
        })
        .collect();
    let list = SettlementList {
        county_id: county.id,
        county_name: county.name.clone(),
        year: year as i32,
        due_fen: items.iter().map(|i| i.due_fen).sum(),
        paid_fen: items.iter().map(|i| i.paid_fen).sum(),
        items,
    };
    if format == ListFormat::Json {
        return Ok(Json(list).into_response());
    }
    let bytes = xlsx(&list).map_err(xlsx_error)?;
    let subject = format!("county:{}", county.id);
    let file = format!("retrofit-settlement-{}-{year}", county.id);
    let what = format!("settlement:{year}");
    super::county::exported(
        &state,
        &user,
        (&subject, &county.id_path, &what),
        &file,
        bytes,
    )
    .await
}

/// One row per household with amounts as numbers in 元 (so the sheet can sum them).
fn xlsx(list: &SettlementList) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use anju_domain::export::neutralise;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let money = rust_xlsxwriter::Format::new().set_num_format("#,##0.00");
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{} {} 年居家适老化改造补贴结算表",
            list.county_name, list.year
        ),
        &bold,
    )?;
    let headers = [
        "街道",
        "社区",
        "申请编号",
        "老人姓名",
        "施工单位",
        "验收日期",
        "结算日期",
        "结算金额（元）",
        "已付（元）",
        "凭证号",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &bold)?;
    }
    let day = |t: Option<i64>| t.map(|t| today(t).to_string()).unwrap_or_default();
    let mut row = 3;
    for item in &list.items {
        let texts = [
            item.street_name.clone(),
            item.community_name.clone(),
            item.reference.clone(),
            item.elder_name.clone(),
            item.contractor.clone().unwrap_or_default(),
            day(item.accepted_at),
            day(item.settled_at),
        ];
        for (c, v) in texts.iter().enumerate() {
            sheet.write_string(row, c as u16, neutralise(v))?;
        }
        sheet.write_number_with_format(row, 7, item.due_fen as f64 / 100.0, &money)?;
        sheet.write_number_with_format(row, 8, item.paid_fen as f64 / 100.0, &money)?;
        sheet.write_string(row, 9, neutralise(&item.vouchers.join("、")))?;
        row += 1;
    }
    sheet.write_string_with_format(row, 6, "合计", &bold)?;
    sheet.write_number_with_format(row, 7, list.due_fen as f64 / 100.0, &money)?;
    sheet.write_number_with_format(row, 8, list.paid_fen as f64 / 100.0, &money)?;
    workbook.save_to_buffer()
}
