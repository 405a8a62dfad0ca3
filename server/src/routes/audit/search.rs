//! `GET /api/admin/audit`: filter the log of the caller's area, page by page, or download it.

use super::record_view;
use crate::access::Scope;
use crate::auth::CurrentUser;
use crate::db::audit::{AuditQuery, AuditRow, ReferenceTable};
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::paging::PageSize;
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::audit::{action_words, AuditActor, AuditEntryView, AuditPage};
use anju_domain::{PhoneNumber, Role};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

const PAGE: PageSize = PageSize(50);

/// Rows in one export: a year of a busy county's views fits; more needs narrower filters.
const EXPORT_MAX: i64 = 20_000;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// A reference (`TS…`, `ZX…`, `SL-…`) or a subject (`retrofit_application:12`).
    subject: Option<String>,
    /// An account id, or the mobile number of one.
    actor: Option<String>,
    action: Option<String>,
    /// Shanghai dates, both included.
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
    format: Option<String>,
}

fn blank_to_none(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Start of a Shanghai day, or the parameter named in the error.
fn day_start(name: &'static str, raw: &str) -> ApiResult<i64> {
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(crate::shanghai::day_start)
        .ok_or(ApiError::BadParameter { name: name.into() })
}

/// The filters as the storage query takes them (the subject and actor resolved).
async fn resolve<'a>(
    state: &AppState,
    scope: &'a Scope,
    q: &'a SearchQuery,
    subject: &'a mut Option<String>,
) -> ApiResult<AuditQuery<'a>> {
    *subject = match blank_to_none(&q.subject) {
        None => None,
        Some(s) if is_subject(s) => Some(s.to_owned()),
        Some(reference) => Some(state.db.subject_of_reference(reference).await?.ok_or_else(
            || {
                ApiError::field(
                    "subject",
                    "没有找到这个编号的事项或申请",
                    "No case or application has this reference",
                )
            },
        )?),
    };
    let actor = match blank_to_none(&q.actor) {
        None => None,
        Some(a) => match PhoneNumber::parse(a) {
            Ok(phone) => Some(
                state
                    .db
                    .account_by_phone(phone.as_str())
                    .await?
                    .map(|acc| acc.id)
                    .ok_or_else(|| {
                        ApiError::field(
                            "actor",
                            "没有这个手机号的账号",
                            "No account has this number",
                        )
                    })?,
            ),
            Err(_) => Some(a.parse::<i64>().map_err(|_| ApiError::BadParameter {
                name: "actor".into(),
            })?),
        },
    };
    let from = blank_to_none(&q.from)
        .map(|d| day_start("from", d))
        .transpose()?
        .unwrap_or(i64::MIN);
    let until = blank_to_none(&q.to)
        .map(|d| day_start("to", d).map(|t| t + 24 * 3600))
        .transpose()?
        .unwrap_or(i64::MAX);
    if from >= until {
        return Err(ApiError::field(
            "to",
            "结束日期不能早于开始日期",
            "The end date cannot be before the start date",
        ));
    }
    Ok(AuditQuery {
        scope,
        subject: subject.as_deref(),
        actor,
        action: blank_to_none(&q.action),
        from,
        until,
        before_seq: q.before.unwrap_or(i64::MAX),
        limit: PAGE.fetch(),
    })
}

/// `retrofit_application:12`: a kind of our own naming and a number.
fn is_subject(s: &str) -> bool {
    s.split_once(':').is_some_and(|(kind, rest)| {
        !kind.is_empty()
            && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && !rest.is_empty()
    })
}

/// `GET /api/admin/audit`: a county admin searches their county's entries, a system admin
/// everyone's; with `format=csv|xlsx` the matching entries as a file (itself recorded).
#[utoipa::path(
    get,
    path = "/admin/audit",
    tag = "audit",
    params(SearchQuery),
    responses((status = 200, description = "The matching entries, newest first, a page at a time; `format=csv` or `format=xlsx` as a file (the export itself recorded)", content((AuditPage = "application/json"), (Vec<u8> = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))),
    security(("session" = [])),
)]
pub async fn search(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Response> {
    let scope = Scope::require(&state, &user, Capability::ReadAuditLog).await?;
    let mut subject = None;
    let mut query = resolve(&state, &scope, &q, &mut subject).await?;
    if let Some(format) = q.format.as_deref().filter(|f| *f != "json") {
        query.limit = EXPORT_MAX;
        let rows = state.db.audit_entries(&query).await?;
        let views = label(&state, rows).await?;
        let detail = format!(
            "{} rows; subject={} actor={} action={} from={} to={}",
            views.len(),
            query.subject.unwrap_or("-"),
            query.actor.map_or("-".to_owned(), |a| a.to_string()),
            query.action.unwrap_or("-"),
            blank_to_none(&q.from).unwrap_or("-"),
            blank_to_none(&q.to).unwrap_or("-"),
        );
        record_view(
            &state,
            &user,
            "audit.export",
            "audit_log",
            scope.prefix(),
            &detail,
        )
        .await?;
        return crate::routes::table_export::download(Some(format), "audit-log", &table(&views));
    }
    let rows = state.db.audit_entries(&query).await?;
    let (rows, next_before) = PAGE.split(rows, |r| r.seq);
    let items = label(&state, rows).await?;
    Ok(Json(AuditPage { items, next_before }).into_response())
}

/// Rows as the wire type, with the references of their subjects (two queries a page).
async fn label(state: &AppState, rows: Vec<AuditRow>) -> ApiResult<Vec<AuditEntryView>> {
    let ids_of = |kind: &str| -> Vec<i64> {
        rows.iter()
            .filter_map(|r| {
                r.subject
                    .strip_prefix(kind)?
                    .strip_prefix(':')?
                    .parse()
                    .ok()
            })
            .collect()
    };
    let mut references = Vec::new();
    for table in [ReferenceTable::Cases, ReferenceTable::Applications] {
        for (id, reference) in state
            .db
            .references_of(table, &ids_of(table.subject_kind()))
            .await?
        {
            references.push((format!("{}:{id}", table.subject_kind()), reference));
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| AuditEntryView {
            seq: r.seq,
            at: r.at,
            actor: r.actor_account_id.map(|id| AuditActor {
                id,
                name: r.actor_name.unwrap_or_default(),
                role: r
                    .actor_role
                    .as_deref()
                    .and_then(Role::parse)
                    .unwrap_or(Role::Resident),
                office: r.actor_office,
            }),
            subject_reference: references
                .iter()
                .find(|(s, _)| *s == r.subject)
                .map(|(_, reference)| reference.clone()),
            action: r.action,
            subject: r.subject,
            detail: r.detail,
        })
        .collect())
}

fn table(views: &[AuditEntryView]) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "序号",
        "时间",
        "操作人",
        "角色",
        "单位",
        "操作",
        "对象",
        "编号",
        "说明",
    ]
    .map(str::to_owned)
    .to_vec()];
    for v in views {
        let time = crate::shanghai::timestamp_text(v.at);
        let (name, role, office) = match &v.actor {
            Some(a) => (
                a.name.clone(),
                a.role.as_str().to_owned(),
                a.office.clone().unwrap_or_default(),
            ),
            None => ("系统".to_owned(), String::new(), String::new()),
        };
        rows.push(vec![
            v.seq.to_string(),
            time,
            name,
            role,
            office,
            action_words(&v.action).0.to_owned(),
            v.subject.clone(),
            v.subject_reference.clone().unwrap_or_default(),
            v.detail.clone(),
        ]);
    }
    rows
}
