//! The month's responses as CSV or XLSX, optionally without household identifiers; counted
//! the way the results page counts them.

use super::results::{checked_month, staff_loaded, MonthQuery};
use super::views::response_view;
use crate::auth::CurrentUser;
use crate::db::surveys::decode_definition;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::AppState;
use anju_domain::survey::Answer;
use axum::extract::State;
use axum::response::Response;

fn answer_text(a: Option<&Answer>) -> String {
    match a {
        Some(Answer::Rating(n)) => n.to_string(),
        Some(Answer::YesNo(b)) => (if *b { "是" } else { "否" }).into(),
        Some(Answer::Choices(cs)) => cs.join("、"),
        Some(Answer::Text(t)) => t.clone(),
        None => String::new(),
    }
}

/// The month's responses as CSV or XLSX; `anonymised` leaves out the household and collector.
#[utoipa::path(
    get,
    path = "/surveys/{id}/export",
    tag = "surveys",
    params(("id" = String, Path), MonthQuery),
    responses((status = 200, description = "The month's answers as CSV (UTF-8 with a BOM), or with `format=xlsx` as a spreadsheet", content((Vec<u8> = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))),
    security(("session" = [])),
)]
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<MonthQuery>,
) -> ApiResult<Response> {
    let (id, loaded, scope) = staff_loaded(&state, &user, &id).await?;
    let month = checked_month(&state, q.month.as_deref())?;
    let def = decode_definition(
        &loaded
            .published()
            .or(loaded.versions.last())
            .ok_or(ApiError::NotFound)?
            .definition,
    )?;
    let mut header = vec![
        "编号 id".to_owned(),
        "版本 version".into(),
        "社区 community".into(),
    ];
    if !q.anonymised {
        header.extend(["住户 household".to_owned(), "调查员 collector".into()]);
    }
    header.extend([
        "方式 channel".to_owned(),
        "时间 time".into(),
        "审核 review".into(),
        "满意 satisfied".into(),
    ]);
    header.extend(def.questions.iter().map(|q| q.text.clone()));
    let mut rows = vec![header];
    for r in state.db.survey_responses(id, &scope, Some(&month)).await? {
        let v = response_view(&state, &r, &loaded).await?;
        let mut row = vec![
            v.id.to_string(),
            v.version.to_string(),
            v.community.name.clone(),
        ];
        if !q.anonymised {
            row.extend([v.household.clone(), v.collector.clone().unwrap_or_default()]);
        }
        let time = chrono::DateTime::from_timestamp(v.collected_at, 0)
            .unwrap_or_default()
            .with_timezone(&anju_domain::calendar::shanghai())
            .format("%Y-%m-%d %H:%M")
            .to_string();
        row.extend([
            if r.channel == "resident" {
                "居民自填".into()
            } else {
                "上门".to_owned()
            },
            time,
            r.review.clone(),
            match v.satisfied {
                Some(true) => "是".into(),
                Some(false) => "否".into(),
                None => String::new(),
            },
        ]);
        row.extend(
            def.questions
                .iter()
                .map(|q| answer_text(v.answers.get(&q.id))),
        );
        rows.push(row);
    }
    crate::routes::audit::record_view(
        &state,
        &user,
        "survey.export",
        &format!("survey:{id}"),
        &user.scope_path,
        &format!("{month} anonymised={}", q.anonymised),
    )
    .await?;
    let file = format!(
        "survey-{id}-{month}{}",
        if q.anonymised { "-anonymised" } else { "" }
    );
    crate::routes::table_export::download(q.format.as_deref(), &file, &rows)
}
