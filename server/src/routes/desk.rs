//! `GET /api/desk`: the staff desk for the caller's area (or one community of it) and a month,
//! as JSON or (`format=xlsx`) one workbook with a sheet per table. Each section is there for the
//! staff whose work it is (complaints, retrofit reviews, surveys), and each number comes from
//! the same filter as the list it links to: the case queue, the retrofit queue, the warranty
//! claims, each community's survey results and the monthly complaint report.

use crate::access::Scope;
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::jurisdictions::JurisdictionRow;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::routes::cases::communities::month_range;
use crate::routes::cases::reports::monthly_report;
use crate::routes::retrofit::stages::stage_groups;
use crate::routes::surveys::reach::Loaded;
use crate::routes::surveys::results::compute as survey_results;
use crate::routes::table_export::{list_format, xlsx_error, xlsx_file, ListFormat};
use crate::shanghai::{month_of, tomorrow_start};
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::callback::{percent, TargetCompliance};
use anju_domain::desk::{
    Behind, ClaimCounts, CommunityCases, DeskComplaints, DeskRetrofit, DeskSurvey, DeskView,
    QuotaLine, StageDeadline, StageLine, DESK_STAGES,
};
use anju_domain::survey_api::CommunityRef;
use anju_domain::{JurisdictionLevel, Role};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeskQuery {
    /// `YYYY-MM`, this month by default; not a month that has not begun.
    month: Option<String>,
    /// One community of the caller's area.
    community_id: Option<i64>,
    /// `json` (default) or `xlsx`.
    format: Option<String>,
}

/// The staff desk: complaints, retrofit stages and quota, satisfaction per community, for the caller's area and a month.
#[utoipa::path(
    get,
    path = "/desk",
    tag = "desk",
    params(DeskQuery),
    responses((status = 200, description = "The desk; `format=xlsx` as one workbook", content((DeskView = "application/json"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))),
    security(("session" = [])),
)]
pub async fn desk(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<DeskQuery>,
) -> ApiResult<Response> {
    let format = list_format(q.format.as_deref())?;
    let cases = Scope::of(&state, &user, Capability::WorkCases).await?;
    let retrofit = Scope::of(&state, &user, Capability::ReviewRetrofit).await?;
    let surveys = Scope::of(&state, &user, Capability::RunSurveys).await?;
    // Every capability is held over the account's one place: any of them names the area.
    let area = cases
        .clone()
        .or_else(|| retrofit.clone())
        .or_else(|| surveys.clone())
        .ok_or(ApiError::Forbidden)?;
    let now = state.clock.now();
    let month = q.month.clone().unwrap_or_else(|| month_of(now));
    let bounds = month_range(&state, &month)?;

    let mut communities: Vec<JurisdictionRow> = state
        .db
        .jurisdictions_at_level(JurisdictionLevel::Community)
        .await?
        .into_iter()
        .filter(|c| area.holds(&c.id_path))
        .collect();
    // In the order they were set up (the street's own order), not by character code.
    communities.sort_by_key(|c| c.id);
    let chosen = match q.community_id {
        None => None,
        Some(id) => {
            let c = area.community(&state, id).await?;
            communities.iter().find(|x| x.id == c.id)
        }
    };
    let narrowed = match chosen {
        Some(c) => Scope::home_community(c.id_path.clone(), c.id),
        None => area.clone(),
    };
    let in_view: Vec<&JurisdictionRow> = communities
        .iter()
        .filter(|c| narrowed.holds(&c.id_path))
        .collect();
    let place = match chosen {
        Some(c) => c.name.clone(),
        None => match user.jurisdiction_id {
            Some(id) => state
                .jurisdiction(id)
                .await?
                .map(|j| j.name)
                .unwrap_or_default(),
            None => "全部地区".to_owned(),
        },
    };

    let view = DeskView {
        complaints: match cases {
            Some(_) => Some(complaints(&state, &narrowed, &in_view, &month, bounds).await?),
            None => None,
        },
        retrofit: match retrofit {
            Some(_) => Some(retrofit_part(&state, &user, &area, chosen, &month).await?),
            None => None,
        },
        surveys: match surveys {
            Some(_) => Some(survey_part(&state, &area, &narrowed, &month).await?),
            None => None,
        },
        month,
        place,
        communities: communities
            .iter()
            .map(|c| CommunityRef {
                id: c.id,
                name: c.name.clone(),
            })
            .collect(),
        community_id: chosen.map(|c| c.id),
    };
    match format {
        ListFormat::Json => Ok(Json(view).into_response()),
        ListFormat::Xlsx => {
            let bytes = workbook(&view).map_err(xlsx_error)?;
            let file = format!("desk-{}", view.month);
            Ok(xlsx_file(&file, bytes))
        }
    }
}

async fn complaints(
    state: &AppState,
    scope: &Scope,
    communities: &[&JurisdictionRow],
    month: &str,
    bounds: (i64, i64),
) -> ApiResult<DeskComplaints> {
    let now = state.clock.now();
    let counts = state
        .db
        .open_case_counts(scope, now, tomorrow_start(now))
        .await?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    let by_community: Vec<CommunityCases> = communities
        .iter()
        .map(|c| {
            let row = counts.iter().find(|r| r.community_id == Some(c.id));
            CommunityCases {
                community: CommunityRef {
                    id: c.id,
                    name: c.name.clone(),
                },
                open: row.map_or(0, |r| n(r.open)),
                due_today: row.map_or(0, |r| n(r.due_today)),
                overdue: row.map_or(0, |r| n(r.overdue)),
            }
        })
        .collect();
    // The month's report of each community, added up: the same figures the report page shows
    // community by community.
    let mut compliance: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let (mut handled, mut called, mut major_handled, mut major_called) = (0, 0, 0, 0);
    for c in communities {
        let report = monthly_report(state, c, month, bounds).await?;
        for t in report.compliance {
            let e = compliance.entry(t.target).or_default();
            e.0 += t.due;
            e.1 += t.met_on_time;
        }
        handled += report.handled;
        called += report.called;
        major_handled += report.major_handled;
        major_called += report.major_called;
    }
    Ok(DeskComplaints {
        open: counts.iter().map(|r| n(r.open)).sum(),
        due_today: counts.iter().map(|r| n(r.due_today)).sum(),
        overdue: counts.iter().map(|r| n(r.overdue)).sum(),
        by_community,
        compliance: compliance
            .into_iter()
            .map(|(target, (due, met))| TargetCompliance {
                target,
                due,
                met_on_time: met,
                percent: percent(met, due),
            })
            .collect(),
        handled,
        called,
        callback_coverage_percent: percent(called, handled),
        major_handled,
        major_called,
        major_coverage_percent: percent(major_called, major_handled),
    })
}

async fn retrofit_part(
    state: &AppState,
    user: &AccountRow,
    area: &Scope,
    chosen: Option<&JurisdictionRow>,
    month: &str,
) -> ApiResult<DeskRetrofit> {
    let now = state.clock.now();
    let mut lines: Vec<StageLine> = DESK_STAGES
        .iter()
        .map(|s| StageLine {
            state: *s,
            households: 0,
            overdue: 0,
            due_soon: 0,
            next_date: None,
        })
        .collect();
    for group in stage_groups(state, area, chosen.map(|c| c.id)).await? {
        let Some(line) = lines.iter_mut().find(|l| l.state == group.state) else {
            continue;
        };
        let households = u64::try_from(group.count.households).unwrap_or(0);
        line.households += households;
        if let Some(d) = group.deadline {
            if Behind::Overdue.holds(&d) {
                line.overdue += households;
            } else if Behind::DueSoon.holds(&d) {
                line.due_soon += households;
            }
            line.next_date = Some(nearer(line.next_date, d));
        }
    }
    let claims = match user.role {
        Role::StreetReviewer | Role::CountyAdmin => {
            let under = chosen.map_or(area.prefix(), |c| c.id_path.as_str());
            let (open, overdue) = state.db.claim_counts(under, now).await?;
            Some(ClaimCounts {
                open: u64::try_from(open).unwrap_or(0),
                overdue: u64::try_from(overdue).unwrap_or(0),
            })
        }
        _ => None,
    };
    // The quota is the county's: the county over the area, or every county under it.
    let year: i64 = month[..4].parse().unwrap_or(0);
    let mut quotas = Vec::new();
    for county in state
        .db
        .jurisdictions_at_level(JurisdictionLevel::County)
        .await?
    {
        if !(area.holds(&county.id_path) || area.prefix().starts_with(&county.id_path)) {
            continue;
        }
        let (quota, used) = state.db.county_quota(county.id, year).await?;
        quotas.push(QuotaLine {
            county: county.name,
            year,
            quota,
            used,
            left: (quota - used).max(0),
        });
    }
    Ok(DeskRetrofit {
        stages: lines,
        claims,
        quotas,
    })
}

/// An overdue date wins over one to come; otherwise the earlier.
fn nearer(held: Option<StageDeadline>, new: StageDeadline) -> StageDeadline {
    match held {
        None => new,
        Some(h) if h.overdue != new.overdue => {
            if h.overdue {
                h
            } else {
                new
            }
        }
        Some(h) => {
            if new.date < h.date {
                new
            } else {
                h
            }
        }
    }
}

async fn survey_part(
    state: &AppState,
    area: &Scope,
    narrowed: &Scope,
    month: &str,
) -> ApiResult<Vec<DeskSurvey>> {
    let first_day = format!("{month}-01");
    let last_day = format!("{month}-31");
    let ids = state.db.surveys_in_scope(area).await?;
    let mut by_survey: BTreeMap<i64, Vec<_>> = BTreeMap::new();
    for v in state.db.survey_versions_of(&ids).await? {
        by_survey.entry(v.survey_id).or_default().push(v);
    }
    let mut out = Vec::new();
    for (id, versions) in by_survey {
        let loaded = Loaded { versions };
        // Running in the month: published, opened by its end, not closed before it began
        // (`YYYY-MM-DD` text compares as dates).
        let Some(published) = loaded.published() else {
            continue;
        };
        if published.opens_on.as_str() > last_day.as_str()
            || published.closes_on.as_str() < first_day.as_str()
        {
            continue;
        }
        let results = survey_results(state, id, &loaded, narrowed, month).await?;
        if results.communities.is_empty() {
            continue;
        }
        out.push(DeskSurvey {
            survey_id: id,
            title: results.title,
            communities: results.communities,
        });
    }
    Ok(out)
}

fn workbook(view: &DeskView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let title = format!("{} {}", view.place, view.month);
    for table in view.tables() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.sheet)?;
        sheet.write_string_with_format(0, 0, &title, &bold)?;
        for (c, h) in table.header.iter().enumerate() {
            sheet.write_string_with_format(1, c as u16, h, &bold)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 2, c as u16);
                // Counts as numbers (a spreadsheet can add them up); names and rates as text,
                // never evaluated.
                match cell.parse::<u64>() {
                    Ok(n) if c > 0 => sheet.write_number(r, c, n as f64)?,
                    _ => sheet.write_string(r, c, cell)?,
                };
            }
        }
        sheet.set_column_width(0, 24)?;
    }
    workbook.save_to_buffer()
}
