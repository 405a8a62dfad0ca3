//! The county's side: the proposed list per street, confirmation within the annual quota
//! (through the applications' action endpoint), the list as XLSX, and the county's settings
//! (quota per year, whether 低保 households are covered).

use super::applications::summary_rows;
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::{Path, Query};
use crate::routes::fields::field;
use crate::routes::table_export::{list_format, xlsx_error, xlsx_file, ListFormat};
use crate::shanghai::year_of;
use crate::AppState;
use anju_domain::application::{CountyListView, CountySettings, StreetList, QUOTA_BELOW_CONFIRMED};
use anju_domain::retrofit::RetrofitState;
use anju_domain::{JurisdictionLevel, Role};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    year: Option<i64>,
    county_id: Option<i64>,
    format: Option<String>,
}

/// The county the caller administers: their own, or (system admins) the one they name.
pub(super) async fn county_for(
    state: &AppState,
    user: &AccountRow,
    asked: Option<i64>,
) -> ApiResult<crate::db::jurisdictions::JurisdictionRow> {
    let id = match user.role {
        Role::CountyAdmin => user.jurisdiction_id.ok_or(ApiError::Forbidden)?,
        Role::SystemAdmin => {
            asked.ok_or_else(|| ApiError::field("county_id", "请选择区县", "Choose a county"))?
        }
        _ => return Err(ApiError::Forbidden),
    };
    if user.role == Role::CountyAdmin && asked.is_some_and(|a| a != id) {
        return Err(ApiError::NotFound);
    }
    county_row(state, id).await
}

/// The county with this id; anything else (another level, no such place) is not found.
pub(super) async fn county_row(
    state: &AppState,
    id: i64,
) -> ApiResult<crate::db::jurisdictions::JurisdictionRow> {
    state
        .jurisdiction(id)
        .await?
        .filter(|j| j.level == JurisdictionLevel::County)
        .ok_or(ApiError::NotFound)
}

async fn build_list(
    state: &AppState,
    county: &crate::db::jurisdictions::JurisdictionRow,
    year: i64,
) -> ApiResult<CountyListView> {
    let rows = state.db.county_list(county.id, year).await?;
    let (quota, used) = state.db.county_quota(county.id, year).await?;
    let mut streets: Vec<StreetList> = Vec::new();
    for street in state.db.jurisdiction_children(county.id).await? {
        let mine: Vec<_> = rows
            .iter()
            .filter(|r| r.street_id == Some(street.id))
            .cloned()
            .collect();
        let items = summary_rows(state, &mine).await?;
        let (proposed, confirmed) = items
            .into_iter()
            .partition(|s| s.state == RetrofitState::Proposed);
        streets.push(StreetList {
            street_id: street.id,
            street_name: street.name.clone(),
            proposed,
            confirmed,
        });
    }
    Ok(CountyListView {
        county_id: county.id,
        county_name: county.name.clone(),
        year: year as i32,
        quota,
        used,
        streets,
    })
}

/// The county's list of the year's applications for confirmation; `format=xlsx` as a spreadsheet.
#[utoipa::path(
    get,
    path = "/retrofit/county-list",
    tag = "retrofit",
    params(ListQuery),
    responses((status = 200, description = "The county's list; `format=xlsx` as a spreadsheet", content((CountyListView = "application/json"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))),
    security(("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let county = county_for(&state, &user, q.county_id).await?;
    let format = list_format(q.format.as_deref())?;
    let year = checked_year(&state, q.year)?;
    let view = build_list(&state, &county, year).await?;
    if format == ListFormat::Json {
        return Ok(Json(view).into_response());
    }
    let bytes = xlsx(&view).map_err(xlsx_error)?;
    let subject = format!("county:{}", county.id);
    let file = format!("retrofit-list-{}-{year}", county.id);
    exported(
        &state,
        &user,
        (&subject, &county.id_path, &year.to_string()),
        &file,
        bytes,
    )
    .await
}

/// A retrofit workbook leaving the system: the export is recorded (`subject`, the place's
/// scope, what was exported), then the file goes out.
pub(super) async fn exported(
    state: &AppState,
    user: &AccountRow,
    (subject, scope, what): (&str, &str, &str),
    file: &str,
    bytes: Vec<u8>,
) -> ApiResult<Response> {
    crate::routes::audit::record_view(state, user, "retrofit.export", subject, scope, what).await?;
    Ok(xlsx_file(file, bytes))
}

/// One row per household; no ID numbers or health answers leave in the export.
fn xlsx(view: &CountyListView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{} {} 年居家适老化改造对象名单",
            view.county_name, view.year
        ),
        &bold,
    )?;
    sheet.write_string(
        1,
        0,
        format!("名额 {} 户，已确认 {} 户", view.quota, view.used),
    )?;
    let headers = ["街道", "社区", "申请编号", "老人姓名", "补贴依据", "状态"];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16, *h, &bold)?;
    }
    let mut row = 4;
    for street in &view.streets {
        for item in street.confirmed.iter().chain(&street.proposed) {
            let grounds: Vec<&str> = item
                .grounds
                .iter()
                .map(|g| match g {
                    anju_domain::eligibility::Ground::Age80 => "高龄",
                    anju_domain::eligibility::Ground::Disabled => "失能",
                    anju_domain::eligibility::Ground::CertifiedDisability => "残疾",
                })
                .collect();
            let status = if item.state == RetrofitState::Proposed {
                "待确认"
            } else {
                "已确认"
            };
            let grounds = if item.self_paid {
                "自主付费".to_owned()
            } else {
                grounds.join("、")
            };
            for (c, v) in [
                street.street_name.as_str(),
                item.community_name.as_str(),
                item.reference.as_str(),
                item.elder_name.as_str(),
                grounds.as_str(),
                status,
            ]
            .iter()
            .enumerate()
            {
                sheet.write_string(row, c as u16, *v)?;
            }
            row += 1;
        }
    }
    workbook.save_to_buffer()
}

/// The year a query names (this year when it names none), refused outside the programme years:
/// a year like -1064 would make dates no client can read.
pub(super) fn checked_year(state: &AppState, year: Option<i64>) -> ApiResult<i64> {
    let year = year.unwrap_or_else(|| year_of(state.clock.now()));
    if anju_domain::application::PROGRAMME_YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::field("year", "年份无效", "Invalid year"))
    }
}

/// The county's dates for `year`: its own, or the national ones.
pub(crate) async fn year_dates(
    state: &AppState,
    county_id: i64,
    year: i64,
) -> ApiResult<anju_domain::retrofit_report::YearDates> {
    if let Some(own) = state.db.year_dates(county_id, year).await? {
        return Ok(own);
    }
    i32::try_from(year)
        .ok()
        .and_then(anju_domain::retrofit_report::YearDates::defaults)
        .ok_or_else(|| ApiError::field("year", "年份无效", "Invalid year"))
}

/// The county's settings for a year: quota, whether 低保 households are covered, warranty rules, the year's dates.
#[utoipa::path(
    get,
    path = "/retrofit/counties/{id}/settings",
    tag = "retrofit",
    params(("id" = String, Path), ListQuery),
    responses((status = 200, description = "OK", body = CountySettings)),
    security(("session" = [])),
)]
pub async fn get_settings(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<CountySettings>> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let county = county_for(&state, &user, Some(id)).await?;
    let year = checked_year(&state, q.year)?;
    let (quota, _) = state.db.county_quota(county.id, year).await?;
    let (warranty_years, claim_working_days) = state.db.county_warranty_rules(county.id).await?;
    Ok(Json(CountySettings {
        year: year as i32,
        quota,
        minimum_living_allowance_covered: state.db.county_settings(county.id).await?,
        warranty_years,
        claim_working_days,
        dates: Some(year_dates(&state, county.id, year).await?),
    }))
}

/// The county admin sets the year's quota, coverage, warranty rules and dates.
#[utoipa::path(
    put,
    path = "/retrofit/counties/{id}/settings",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = CountySettings,
    responses((status = 200, description = "OK", body = CountySettings)),
    security(("session" = [])),
)]
pub async fn put_settings(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CountySettings>,
) -> ApiResult<Json<CountySettings>> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let county = county_for(&state, &user, Some(id)).await?;
    let problems = req.problems();
    if !problems.is_empty() {
        let mut fields = BTreeMap::new();
        for (name, zh, en) in problems {
            field(&mut fields, name, zh, en);
        }
        return Err(ApiError::Validation(fields));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let quota_set = tx.set_county_settings(county.id, &req, now).await?;
    if !quota_set {
        let (zh, en) = QUOTA_BELOW_CONFIRMED;
        return Err(ApiError::field("quota", zh, en));
    }
    if let Some(dates) = &req.dates {
        tx.set_year_dates(county.id, i64::from(req.year), dates, now)
            .await?;
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.county_settings",
            &format!("county:{}", county.id),
            &county.id_path,
        )
        .detail(&format!(
            "year={} quota={} low={} warranty_years={} claim_days={}",
            req.year,
            req.quota,
            req.minimum_living_allowance_covered,
            req.warranty_years,
            req.claim_working_days
        )),
    )
    .await?;
    tx.commit().await?;
    let mut saved = req;
    saved.dates = Some(year_dates(&state, county.id, i64::from(saved.year)).await?);
    Ok(Json(saved))
}
