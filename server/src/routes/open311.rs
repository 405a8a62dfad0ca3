//! A read-only Open311 GeoReport v2 feed over complaints and inquiries, for other city
//! systems. Our richer states map to `open`/`closed`; `expected_datetime` is the deadline once
//! staff have accepted the case. No personal data: no names, phone numbers, rooms or the
//! resident's own words — only the category, the community and the times.
//!
//! The read side of the specification in full: `services`, a service's definition (no
//! category has extra attributes, so the list is empty), `requests` with its filters (a
//! comma-separated `service_request_id` list overrides the others; `service_code` and `status`
//! take lists too), one request, each as `.json` or `.xml` (XML when no format is named, as the
//! specification has it), errors in the specification's error format, and `jurisdiction_id`
//! accepted (this endpoint serves one jurisdiction, so it does not narrow anything).

use super::cases::views::ClockData;
use crate::db::cases::{CaseRow, NO_DUE};
use crate::extract::{Path, Query};
use crate::shanghai::rfc3339;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

const MAX_REQUESTS: i64 = 1000;
/// The most ids one `service_request_id` list may name.
const MAX_IDS: usize = 100;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(collection))
        .routes(routes!(service_definition))
        .routes(routes!(request))
        .fallback(|| async { error(Format::Json, StatusCode::NOT_FOUND, "not found") })
}

/// What a `.json` collection holds, for the API document (XML carries the same elements): the
/// services or the requests. `anyOf`, not the `oneOf` an untagged enum would derive: an empty
/// list is both, which schemathesis rightly refused under `oneOf`.
struct Collection;

impl utoipa::PartialSchema for Collection {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder};
        use utoipa::openapi::Ref;
        let list = |name: &str| ArrayBuilder::new().items(Ref::from_schema_name(name));
        AnyOfBuilder::new()
            .item(list("Service"))
            .item(list("ServiceRequest"))
            .into()
    }
}

impl utoipa::ToSchema for Collection {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::PartialSchema;
        schemas.push(("Service".into(), Service::schema()));
        schemas.push(("ServiceRequest".into(), ServiceRequest::schema()));
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Json,
    Xml,
}

/// `requests.json` → (`requests`, JSON). No extension is XML, the specification's default;
/// an extension other than the two is `None`.
fn split_format(file: &str) -> Option<(&str, Format)> {
    match file.rsplit_once('.') {
        Some((name, "json")) => Some((name, Format::Json)),
        Some((name, "xml")) => Some((name, Format::Xml)),
        Some(_) => None,
        None => Some((file, Format::Xml)),
    }
}

/// The body in the asked format: JSON as it is, XML under `root` with each item as `item`.
fn answer<T: Serialize>(format: Format, root: &str, item: &str, items: &[T]) -> Response {
    match format {
        Format::Json => Json(items).into_response(),
        Format::Xml => {
            let body = items
                .iter()
                .map(|i| quick_xml::se::to_string_with_root(item, i))
                .collect::<Result<Vec<_>, _>>();
            match body {
                Ok(parts) => xml(
                    StatusCode::OK,
                    format!("<{root}>{}</{root}>", parts.concat()),
                ),
                Err(e) => {
                    tracing::error!(error = %e, "open311 xml");
                    error(format, StatusCode::INTERNAL_SERVER_ERROR, "internal error")
                }
            }
        }
    }
}

fn xml(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>{body}"),
    )
        .into_response()
}

#[derive(Serialize, utoipa::ToSchema)]
struct ErrorItem<'a> {
    code: u16,
    description: &'a str,
}

/// The specification's error list: `[{"code":404,"description":"…"}]`, or
/// `<errors><error><code>404</code><description>…</description></error></errors>`.
fn error(format: Format, status: StatusCode, description: &str) -> Response {
    let item = ErrorItem {
        code: status.as_u16(),
        description,
    };
    match format {
        Format::Json => (status, Json(vec![item])).into_response(),
        Format::Xml => match quick_xml::se::to_string_with_root("error", &item) {
            Ok(e) => xml(status, format!("<errors>{e}</errors>")),
            Err(_) => (status, Json(vec![item])).into_response(),
        },
    }
}

fn internal(format: Format, what: &str, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "open311 {what}");
    error(format, StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

#[derive(Serialize, utoipa::ToSchema)]
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CollectionQuery {
    /// Accepted (the specification lets a client name it); one jurisdiction is served here.
    #[serde(default)]
    #[allow(dead_code)]
    jurisdiction_id: Option<String>,
    service_request_id: Option<String>,
    service_code: Option<String>,
    status: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
}

/// `services.{json,xml}` and `requests.{json,xml}`.
#[utoipa::path(get, path = "/{file}", tag = "open311",
    params(("file" = String, Path, description = "`services` or `requests`, with `.json` or `.xml` (XML when no extension is given)"), CollectionQuery),
    responses(
        (status = 200, description = "The services or the requests (at most 1000, newest first)", content((Collection = "application/json"), (String = "application/xml"))),
        (status = 400, description = "A filter that does not parse, in the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml"))),
        (status = 404, description = "No such file, service or request, in the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml"))),
        (status = 500, description = "In the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml"))),
        (status = 503, description = "The database is unreachable, in the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml")))))]
async fn collection(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<CollectionQuery>,
) -> Response {
    match split_format(&file) {
        Some(("services", format)) => services(&state, format).await,
        Some(("requests", format)) => requests(&state, format, &q).await,
        Some((_, format)) => error(format, StatusCode::NOT_FOUND, "not found"),
        None => error(
            Format::Json,
            StatusCode::NOT_FOUND,
            "format must be json or xml",
        ),
    }
}

async fn services(state: &AppState, format: Format) -> Response {
    let categories = match state.db.categories().await {
        Ok(c) => c,
        Err(e) => return internal(format, "services", e),
    };
    let list: Vec<Service> = categories
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
        .collect();
    answer(format, "services", "service", &list)
}

/// A service's definition. No category asks for more than the core fields, so each answers
/// with an empty attribute list (the specification's shape, which clients expect).
#[derive(Serialize, utoipa::ToSchema)]
struct ServiceDefinition {
    service_code: String,
    /// Always empty: no category asks for extra attributes.
    #[schema(value_type = Vec<Object>)]
    attributes: Vec<()>,
}

/// `services/{code}.{json,xml}`: a service's definition (its attribute list is empty).
#[utoipa::path(get, path = "/services/{file}", tag = "open311",
    params(("file" = String, Path, description = "A service code with `.json` or `.xml`")),
    responses(
        (status = 200, description = "The definition", content((ServiceDefinition = "application/json"), (String = "application/xml"))),
        (status = 400, description = "A filter that does not parse, in the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml"))),
        (status = 404, description = "No such file, service or request, in the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml"))),
        (status = 500, description = "In the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml"))),
        (status = 503, description = "The database is unreachable, in the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml")))))]
async fn service_definition(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((code, format)) = split_format(&file) else {
        return error(
            Format::Json,
            StatusCode::NOT_FOUND,
            "format must be json or xml",
        );
    };
    let categories = match state.db.categories().await {
        Ok(c) => c,
        Err(e) => return internal(format, "service definition", e),
    };
    if !categories.iter().any(|c| c.code == code) {
        return error(
            format,
            StatusCode::NOT_FOUND,
            "no service with that service_code",
        );
    }
    let definition = ServiceDefinition {
        service_code: code.to_owned(),
        attributes: Vec::new(),
    };
    match format {
        Format::Json => Json(definition).into_response(),
        Format::Xml => {
            match quick_xml::se::to_string_with_root("service_definition", &definition) {
                Ok(body) => xml(StatusCode::OK, body),
                Err(e) => internal(format, "service definition", e),
            }
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
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
    let community = state.jurisdiction(case.community_id).await?;
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

/// `None` when the date is not RFC3339.
fn parse_date(s: Option<&str>, default: i64) -> Option<i64> {
    match s {
        None => Some(default),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.timestamp()),
    }
}

/// A comma-separated list, blanks dropped.
fn list(s: Option<&str>) -> Vec<&str> {
    s.map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// The case a public reference names (`TS20261206-000123` → case 123, if its reference is that).
async fn case_by_reference(state: &AppState, reference: &str) -> anyhow::Result<Option<CaseRow>> {
    let Some(id) = reference
        .rsplit('-')
        .next()
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    Ok(state
        .db
        .case(id)
        .await?
        .filter(|case| case.reference == reference))
}

async fn requests(state: &AppState, format: Format, q: &CollectionQuery) -> Response {
    let ids = list(q.service_request_id.as_deref());
    let rows = if !ids.is_empty() {
        // The id list overrides every other filter (GeoReport v2); unknown ids are left out.
        if ids.len() > MAX_IDS {
            return error(
                format,
                StatusCode::BAD_REQUEST,
                "service_request_id names at most 100 requests",
            );
        }
        let mut rows = Vec::new();
        for id in ids {
            match case_by_reference(state, id).await {
                Ok(Some(case)) if !rows.iter().any(|r: &CaseRow| r.id == case.id) => {
                    rows.push(case)
                }
                Ok(_) => {}
                Err(e) => return internal(format, "requests", e),
            }
        }
        rows
    } else {
        let statuses = list(q.status.as_deref());
        if statuses.iter().any(|s| !matches!(*s, "open" | "closed")) {
            return error(
                format,
                StatusCode::BAD_REQUEST,
                "status must be open or closed",
            );
        }
        // Both named is no filter.
        let status = match statuses.as_slice() {
            [one] => Some(*one),
            [a, b] if a == b => Some(*a),
            _ => None,
        };
        let codes = list(q.service_code.as_deref());
        if !codes.is_empty() {
            let known = match state.db.categories().await {
                Ok(c) => c,
                Err(e) => return internal(format, "requests", e),
            };
            if let Some(unknown) = codes.iter().find(|c| !known.iter().any(|k| k.code == **c)) {
                return error(
                    format,
                    StatusCode::BAD_REQUEST,
                    &format!("unknown service_code {unknown}"),
                );
            }
        }
        let now = state.clock.now();
        // Open311's default window is the last 90 days.
        let (Some(from), Some(to)) = (
            parse_date(q.start_date.as_deref(), now - 90 * 86400),
            parse_date(q.end_date.as_deref(), now + 1),
        ) else {
            return error(
                format,
                StatusCode::BAD_REQUEST,
                "dates must be RFC3339 (w3c) date-times",
            );
        };
        match state
            .db
            .cases_public(&codes, status, from, to, MAX_REQUESTS)
            .await
        {
            Ok(rows) => rows,
            Err(e) => return internal(format, "requests", e),
        }
    };
    let mut out = Vec::with_capacity(rows.len());
    for case in &rows {
        match to_open311(state, case).await {
            Ok(r) => out.push(r),
            Err(e) => return internal(format, "request", e),
        }
    }
    answer(format, "service_requests", "request", &out)
}

/// `/requests/{reference}.{json,xml}`: our reference number is the public request id.
#[utoipa::path(get, path = "/requests/{file}", tag = "open311",
    params(("file" = String, Path, description = "A request id (our reference number) with `.json` or `.xml`")),
    responses(
        (status = 200, description = "A list holding the one request", content((Vec<ServiceRequest> = "application/json"), (String = "application/xml"))),
        (status = 400, description = "A filter that does not parse, in the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml"))),
        (status = 404, description = "No such file, service or request, in the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml"))),
        (status = 500, description = "In the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml"))),
        (status = 503, description = "The database is unreachable, in the specification's error format", content((Vec<ErrorItem> = "application/json"), (String = "application/xml")))))]
async fn request(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((reference, format)) = split_format(&file) else {
        return error(
            Format::Json,
            StatusCode::NOT_FOUND,
            "format must be json or xml",
        );
    };
    match case_by_reference(&state, reference).await {
        Ok(Some(case)) => match to_open311(&state, &case).await {
            Ok(r) => answer(format, "service_requests", "request", &[r]),
            Err(e) => internal(format, "request", e),
        },
        Ok(None) => error(
            format,
            StatusCode::NOT_FOUND,
            "no request with that service_request_id",
        ),
        Err(e) => internal(format, "request", e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_the_extension_and_xml_without_one() {
        assert_eq!(
            split_format("requests.json"),
            Some(("requests", Format::Json))
        );
        assert_eq!(
            split_format("services.xml"),
            Some(("services", Format::Xml))
        );
        assert_eq!(split_format("services"), Some(("services", Format::Xml)));
        assert_eq!(
            split_format("TS20261206-000001.json"),
            Some(("TS20261206-000001", Format::Json))
        );
        assert_eq!(split_format("services.csv"), None);
    }

    #[test]
    fn lists_are_comma_separated_without_blanks() {
        assert_eq!(list(Some("a, b,,c ")), vec!["a", "b", "c"]);
        assert!(list(None).is_empty());
    }
}
