//! A read-only Open311 GeoReport v2 feed over complaints and inquiries, for other city
//! systems. Our richer states map to `open`/`closed`; `expected_datetime` is the deadline once
//! staff have accepted the case. No personal data: no names, phone numbers, rooms or the
//! resident's own words — only the category, the community and the times.

use super::cases::views::ClockData;
use crate::db::cases::{CaseRow, NO_DUE};
use crate::extract::{Path, Query};
use crate::shanghai::rfc3339;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

const MAX_REQUESTS: i64 = 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/services.json", get(services))
        .route("/requests.json", get(requests))
        .route("/requests/{id}", get(request))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not found") })
}

fn error(status: StatusCode, description: &str) -> Response {
    (
        status,
        Json(json!([{ "code": status.as_u16(), "description": description }])),
    )
        .into_response()
}

#[derive(Serialize)]
struct Service {
    service_code: String,
    service_name: String,
    description: String,
    metadata: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    keywords: String,
    group: &'static str,
}

async fn services(State(state): State<AppState>) -> Response {
    match state.db.categories().await {
        Ok(categories) => Json(
            categories
                .into_iter()
                .map(|c| Service {
                    description: c.name_en.clone(),
                    keywords: c.code.clone(),
                    group: match c.kind {
                        anju_domain::category::CaseKind::Complaint => "complaint",
                        anju_domain::category::CaseKind::Inquiry => "inquiry",
                    },
                    service_code: c.code,
                    service_name: c.name,
                    metadata: false,
                    kind: "realtime",
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "open311 services");
            error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

#[derive(Serialize)]
struct ServiceRequest {
    service_request_id: String,
    status: &'static str,
    service_code: String,
    service_name: String,
    agency_responsible: String,
    requested_datetime: String,
    updated_datetime: String,
    expected_datetime: Option<String>,
    address: String,
}

async fn to_open311(state: &AppState, case: &CaseRow) -> anyhow::Result<ServiceRequest> {
    let categories = state.db.categories().await?;
    let community = state.db.jurisdiction(case.community_id).await?;
    let events = state.db.case_events(case.id).await?;
    let updated = events.last().map_or(case.created_at, |e| e.at);
    // Recomputed from history, like everywhere else; shown once the case was accepted.
    let calendar = state.calendar_for(case.community_id).await?;
    let next =
        super::cases::views::next_due_for(&calendar, case, &ClockData::load(state, case).await?);
    Ok(ServiceRequest {
        service_request_id: case.reference.clone(),
        status: if case.state.is_handled() {
            "closed"
        } else {
            "open"
        },
        service_code: case.category_code.clone(),
        service_name: categories
            .iter()
            .find(|c| c.code == case.category_code)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        agency_responsible: community
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        requested_datetime: rfc3339(case.created_at),
        updated_datetime: rfc3339(updated),
        expected_datetime: (case.acknowledged_at.is_some() && next != NO_DUE)
            .then(|| rfc3339(next)),
        address: community
            .map(|c| c.name_path.replace('/', ""))
            .unwrap_or_default(),
    })
}

#[derive(Deserialize)]
struct RequestsQuery {
    service_code: Option<String>,
    status: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
}

/// `None` when the date is not RFC3339.
fn parse_date(s: Option<&str>, default: i64) -> Option<i64> {
    match s {
        None => Some(default),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.timestamp()),
    }
}

async fn requests(State(state): State<AppState>, Query(q): Query<RequestsQuery>) -> Response {
    let status = match q.status.as_deref() {
        None => None,
        Some(s @ ("open" | "closed")) => Some(s),
        Some(_) => return error(StatusCode::BAD_REQUEST, "status must be open or closed"),
    };
    let now = state.clock.now();
    // Open311's default window is the last 90 days.
    let (Some(from), Some(to)) = (
        parse_date(q.start_date.as_deref(), now - 90 * 86400),
        parse_date(q.end_date.as_deref(), now + 1),
    ) else {
        return error(
            StatusCode::BAD_REQUEST,
            "dates must be RFC3339 (w3c) date-times",
        );
    };
    let rows = match state
        .db
        .cases_public(q.service_code.as_deref(), status, from, to, MAX_REQUESTS)
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "open311 requests");
            return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        }
    };
    let mut out = Vec::with_capacity(rows.len());
    for case in &rows {
        match to_open311(&state, case).await {
            Ok(r) => out.push(r),
            Err(e) => {
                tracing::error!(error = %e, "open311 request");
                return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
            }
        }
    }
    Json(out).into_response()
}

/// `/requests/{reference}.json`: our reference number is the public request id.
async fn request(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(reference) = file.strip_suffix(".json") else {
        return error(StatusCode::NOT_FOUND, "not found");
    };
    let Some(id) = reference
        .rsplit('-')
        .next()
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return error(StatusCode::NOT_FOUND, "not found");
    };
    match state.db.case(id).await {
        Ok(Some(case)) if case.reference == reference => match to_open311(&state, &case).await {
            Ok(r) => Json(vec![r]).into_response(),
            Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "internal error"),
        },
        Ok(_) => error(StatusCode::NOT_FOUND, "not found"),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "internal error"),
    }
}
