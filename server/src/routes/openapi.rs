//! The API described for the people and programs that integrate with it: an OpenAPI 3.1
//! document at `/api/openapi.json`, and the same document as a plain page at `/api/docs`.
//!
//! The paths, parameters and bodies come from each handler's `#[utoipa::path]` and the wire
//! types' `ToSchema` derives (in `domain`, behind its `openapi` feature, so the app's bundle does
//! not carry them). What every operation shares is added here, once: the error envelope and the
//! statuses it comes with, the session cookie, and the `X-Anju-Client` header that unsafe
//! methods need. The document is built once per process; `docs/api/openapi.json` is its
//! snapshot, compared by a test so that a change to the contract is always a visible diff.

use crate::auth::{CLIENT_HEADER, COOKIE_NAME};
use anju_domain::{ErrorEnvelope, FieldError};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::sync::OnceLock;
use utoipa::{PartialSchema, ToSchema};

/// The page's own policy: no script at all, only its inline style sheet.
const DOCS_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; \
form-action 'none'; frame-ancestors 'none'";

const INTRO: &str = "The API of Anju (安居), the residents' self-service portal: complaints and \
inquiries, satisfaction surveys, and home age-friendly retrofits.\n\n\
**Errors** always answer with one JSON envelope, `ErrorEnvelope`: a stable `code`, a Chinese \
`message` and its English `message_en`, and for a request that does not pass validation a \
`fields` map naming each field (or query/path parameter) that was refused. `rate_limited` \
carries `retry_after_secs`.\n\n\
**Signing in**: `POST /api/auth/sign-in` sets the session cookie (`anju_session`; \
`__Host-anju_session` when served over HTTPS). Operations marked with the `session` \
requirement answer 401 without it, and 403 when the signed-in role or area does not reach \
the resource.\n\n\
**Unsafe methods** (POST, PUT, DELETE) need the `X-Anju-Client` header (any value), unless \
the request comes from this server's own pages: a cross-site form cannot send it.\n\n\
**Open311**: `/open311/v2/` serves complaints and inquiries as a read-only GeoReport v2 feed \
(no personal data), in the specification's own formats.";

/// Statuses any operation under `/api` may answer with, besides its own successes.
const ERRORS: [(&str, &str); 9] = [
    (
        "400",
        "A parameter or body that does not parse, or fails validation (`fields` names it)",
    ),
    ("401", "Not signed in, or the session has ended"),
    (
        "403",
        "Signed in, but this role or area does not reach the resource",
    ),
    (
        "404",
        "No such resource (or not one this account may know about)",
    ),
    (
        "409",
        "The resource has moved on (a state, a duplicate, a cap)",
    ),
    (
        "422",
        "Understood, but refused by a rule (`fields` names what to change)",
    ),
    (
        "429",
        "Too many attempts; `retry_after_secs` says when to try again",
    ),
    ("500", "An unexpected failure; logged with the request id"),
    ("503", "The database is unreachable; try again shortly"),
];
/// Only for operations with a request body.
const BODY_ERRORS: [(&str, &str); 2] = [
    ("413", "The body is larger than this operation accepts"),
    (
        "415",
        "The body's content type is not one this operation accepts",
    ),
];

const TAGS: [(&str, &str); 14] = [
    (
        "accounts",
        "Registration, signing in and out, passwords, staff accounts",
    ),
    (
        "complaints",
        "Property complaints and inquiries, call-backs and monthly reports",
    ),
    (
        "surveys",
        "Satisfaction surveys: answering, door-to-door collection, results",
    ),
    (
        "retrofit",
        "Home age-friendly retrofits, from eligibility to warranty",
    ),
    ("guardians", "Family guardians linked to elders"),
    ("notifications", "A signed-in person's notifications"),
    (
        "desk",
        "The staff desk: an area's numbers for a month, each equal to the list it links to",
    ),
    (
        "notices",
        "Notices for a community or a building, and the buildings' concierge contacts",
    ),
    ("calendar", "The working calendar that deadlines count on"),
    ("places", "Streets and communities"),
    ("audit", "The audit trail"),
    ("service", "Health, and this document"),
    (
        "open311",
        "Read-only GeoReport v2 feed (its own formats and errors)",
    ),
    ("other", "Everything else"),
];

/// The document as a JSON value, with what every operation shares filled in.
pub fn document() -> Value {
    let described = super::described_routes().into_openapi();
    let mut doc = serde_json::to_value(&described).unwrap_or_else(|_| json!({}));
    complete(&mut doc);
    doc
}

fn document_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| serde_json::to_string_pretty(&document()).unwrap_or_default())
}

fn complete(doc: &mut Value) {
    doc["info"] = json!({
        "title": "Anju API",
        "version": env!("CARGO_PKG_VERSION"),
        "description": INTRO,
        "license": { "name": "MIT", "identifier": "MIT" },
    });
    doc["tags"] = TAGS
        .iter()
        .map(|(name, description)| json!({ "name": name, "description": description }))
        .collect();
    let components = doc["components"].as_object_mut().map(std::mem::take);
    let mut components = components.unwrap_or_default();
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    let mut schemas = schemas;
    for (name, schema) in [
        (ErrorEnvelope::name(), ErrorEnvelope::schema()),
        (FieldError::name(), FieldError::schema()),
    ] {
        schemas.insert(
            name.into_owned(),
            serde_json::to_value(schema).unwrap_or_default(),
        );
    }
    components.insert("schemas".into(), Value::Object(schemas));
    components.insert(
        "securitySchemes".into(),
        json!({ "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": COOKIE_NAME,
            "description": "Set by `POST /api/auth/sign-in` (named `__Host-anju_session` over HTTPS)",
        }}),
    );
    let mut responses = Map::new();
    for (status, description) in ERRORS.iter().chain(BODY_ERRORS.iter()) {
        responses.insert(
            format!("E{status}"),
            json!({
                "description": description,
                "content": { "application/json": { "schema": {
                    "$ref": "#/components/schemas/ErrorEnvelope"
                }}},
            }),
        );
    }
    components.insert("responses".into(), Value::Object(responses));
    components.insert(
        "parameters".into(),
        json!({ "Client": {
            "name": "X-Anju-Client",
            "in": "header",
            "required": true,
            "description": format!(
                "Any value; proves the request is not a cross-site form (`{CLIENT_HEADER}`)"
            ),
            "schema": { "type": "string", "minLength": 1 },
        }}),
    );
    doc["components"] = Value::Object(components);

    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let ours = path.starts_with("/api/");
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let Some(operation) = operation.as_object_mut() else {
                continue;
            };
            operation.insert("operationId".into(), operation_id(method, path).into());
            tidy_text(operation);
            if !ours {
                continue;
            }
            let unsafe_method = matches!(method.as_str(), "post" | "put" | "delete" | "patch");
            if unsafe_method {
                let parameters = operation.entry("parameters").or_insert_with(|| json!([]));
                if let Some(list) = parameters.as_array_mut() {
                    list.push(json!({ "$ref": "#/components/parameters/Client" }));
                }
            }
            let has_body = operation.contains_key("requestBody");
            let responses = operation.entry("responses").or_insert_with(|| json!({}));
            let Some(responses) = responses.as_object_mut() else {
                continue;
            };
            let extra = if has_body { &BODY_ERRORS[..] } else { &[] };
            for (status, _) in ERRORS.iter().chain(extra) {
                responses.entry(status.to_string()).or_insert_with(
                    || json!({ "$ref": format!("#/components/responses/E{status}") }),
                );
            }
        }
    }
}

/// The handler's doc comment, read by people: the method and path it often starts with are
/// dropped (the document says them), the first sentence becomes the summary and the whole text,
/// when longer, the description.
fn tidy_text(operation: &mut Map<String, Value>) {
    let text: String = [&operation.get("summary"), &operation.get("description")]
        .into_iter()
        .filter_map(|v| v.and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join("\n\n");
    // Lines joined within a paragraph, paragraphs kept.
    let text = strip_method_and_path(&text)
        .split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n");
    operation.remove("summary");
    operation.remove("description");
    let text = text.trim();
    if text.is_empty() || text == "." {
        return;
    }
    let first = match text.find(". ") {
        Some(end) => &text[..end],
        None => text.trim_end_matches('.'),
    };
    operation.insert("summary".into(), first.into());
    if first.len() + 1 < text.len() {
        operation.insert("description".into(), text.into());
    }
}

/// "`GET /api/plan`: the draft" → "The draft"; "`POST /api/x` `{a, b}` (the county)." keeps
/// the body hint: "`{a, b}` (the county).".
fn strip_method_and_path(text: &str) -> String {
    let methods = ["`GET ", "`POST ", "`PUT ", "`DELETE ", "`PATCH "];
    let Some(rest) = methods.iter().find_map(|m| text.strip_prefix(m)) else {
        return text.to_owned();
    };
    let Some(end) = rest.find('`') else {
        return text.to_owned();
    };
    let rest = rest[end + 1..].trim_start_matches([':', ';', ',', ' ']);
    let mut chars = rest.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `post /api/cases/{id}/actions` → `postCasesIdActions`: unique, and stable while the
/// path is (handler names repeat across resources: `list`, `get`).
fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    let path = path.strip_prefix("/api").unwrap_or(path);
    for word in path.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(chars);
        }
    }
    id
}

/// This document (OpenAPI 3.1).
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "service",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = serde_json::Value)),
)]
pub async fn document_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_text(),
    )
        .into_response()
}

/// This document as a page for people: every operation with its parameters, bodies and
/// answers, and every schema; no script, nothing loaded from elsewhere.
#[utoipa::path(
    get,
    path = "/docs",
    tag = "service",
    responses((status = 200, description = "The page", content_type = "text/html", body = String)),
)]
pub async fn docs_page() -> Response {
    static PAGE: OnceLock<String> = OnceLock::new();
    let page = PAGE.get_or_init(|| render(&document()));
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, DOCS_CSP),
        ],
        page.as_str(),
    )
        .into_response()
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `#/components/schemas/CaseView` → `CaseView`.
fn ref_name(value: &Value) -> Option<&str> {
    value["$ref"].as_str()?.rsplit('/').next()
}

/// A schema in one line: a link for a named schema, `[T]` for arrays, `A | B` for choices.
fn type_text(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema[key].as_array() {
            return list.iter().map(type_text).collect::<Vec<_>>().join(" | ");
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<String> = values.iter().map(|v| esc(&v.to_string())).collect();
        return format!("one of {}", values.join(", "));
    }
    let kind = match &schema["type"] {
        Value::String(s) => s.clone(),
        Value::Array(list) => list
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    };
    if kind.starts_with("array") {
        return format!("[{}]", type_text(&schema["items"]));
    }
    match schema["format"].as_str() {
        Some(format) => format!("{} ({})", esc(&kind), esc(format)),
        None => esc(&kind),
    }
}

/// The page: tags in order, each operation under its tag, then every schema.
fn render(doc: &Value) -> String {
    let mut html = String::new();
    let title = doc["info"]["title"].as_str().unwrap_or("API");
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{t}</title><style>{STYLE}</style></head><body><main>\
<h1>{t} <small>{v}</small></h1><p><a href=\"/api/openapi.json\">openapi.json</a></p>",
        t = esc(title),
        v = esc(doc["info"]["version"].as_str().unwrap_or_default()),
    );
    for paragraph in doc["info"]["description"]
        .as_str()
        .unwrap_or_default()
        .split("\n\n")
    {
        let _ = write!(html, "<p>{}</p>", inline(paragraph));
    }
    html.push_str("<nav aria-label=\"Contents\"><ul>");
    for tag in doc["tags"].as_array().into_iter().flatten() {
        let name = esc(tag["name"].as_str().unwrap_or_default());
        let _ = write!(html, "<li><a href=\"#tag-{name}\">{name}</a></li>");
    }
    html.push_str("<li><a href=\"#schemas\">schemas</a></li></ul></nav>");
    let empty = Map::new();
    let paths = doc["paths"].as_object().unwrap_or(&empty);
    for tag in doc["tags"].as_array().into_iter().flatten() {
        let name = tag["name"].as_str().unwrap_or_default();
        let _ = write!(
            html,
            "<section><h2 id=\"tag-{0}\">{0}</h2><p>{1}</p>",
            esc(name),
            esc(tag["description"].as_str().unwrap_or_default())
        );
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap_or(&empty) {
                let tags = op["tags"].as_array();
                let in_tag = tags.is_some_and(|t| t.iter().any(|t| t == name))
                    || (name == "other" && tags.is_none_or(|t| t.is_empty()));
                if in_tag {
                    operation(&mut html, doc, method, path, op);
                }
            }
        }
        html.push_str("</section>");
    }
    html.push_str("<section><h2 id=\"schemas\">Schemas</h2>");
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap_or(&empty) {
        schema_section(&mut html, name, schema);
    }
    html.push_str("</section></main></body></html>");
    html
}

/// `code` spans and nothing else of Markdown, after escaping.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in esc(text).split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(&part.replace("**", ""));
        }
    }
    out
}

fn operation(html: &mut String, doc: &Value, method: &str, path: &str, op: &Value) {
    let id = esc(op["operationId"].as_str().unwrap_or_default());
    let _ = write!(
        html,
        "<article><h3 id=\"{id}\"><span class=\"method\">{}</span> <code>{}</code></h3>",
        method.to_uppercase(),
        esc(path)
    );
    for text in [&op["summary"], &op["description"]] {
        if let Some(text) = text.as_str().filter(|t| !t.is_empty()) {
            let _ = write!(html, "<p>{}</p>", inline(text));
        }
    }
    if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
        html.push_str("<p class=\"note\">Signed in (session cookie).</p>");
    }
    let parameters: Vec<&Value> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| match ref_name(p) {
            Some(name) => &doc["components"]["parameters"][name],
            None => p,
        })
        .collect();
    if !parameters.is_empty() {
        html.push_str(
            "<table><caption>Parameters</caption><thead><tr><th scope=\"col\">Name</th>\
<th scope=\"col\">In</th><th scope=\"col\">Type</th><th scope=\"col\">Description</th></tr></thead><tbody>",
        );
        for p in parameters {
            let required = if p["required"] == true {
                " (required)"
            } else {
                ""
            };
            let _ = write!(
                html,
                "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(p["name"].as_str().unwrap_or_default()),
                esc(p["in"].as_str().unwrap_or_default()),
                type_text(&p["schema"]),
                inline(p["description"].as_str().unwrap_or_default()),
            );
        }
        html.push_str("</tbody></table>");
    }
    if let Some(content) = op["requestBody"]["content"].as_object() {
        html.push_str("<p>Request body: ");
        let parts: Vec<String> = content
            .iter()
            .map(|(kind, media)| {
                format!("<code>{}</code> {}", esc(kind), type_text(&media["schema"]))
            })
            .collect();
        html.push_str(&parts.join("; "));
        html.push_str("</p>");
    }
    html.push_str(
        "<table><caption>Answers</caption><thead><tr><th scope=\"col\">Status</th>\
<th scope=\"col\">Meaning</th><th scope=\"col\">Body</th></tr></thead><tbody>",
    );
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        let response = match ref_name(response) {
            Some(name) => &doc["components"]["responses"][name],
            None => response,
        };
        let body: Vec<String> = response["content"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(kind, media)| {
                format!("<code>{}</code> {}", esc(kind), type_text(&media["schema"]))
            })
            .collect();
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(status),
            inline(response["description"].as_str().unwrap_or_default()),
            body.join("; ")
        );
    }
    html.push_str("</tbody></table></article>");
}

fn schema_section(html: &mut String, name: &str, schema: &Value) {
    let _ = write!(html, "<article><h3 id=\"schema-{0}\">{0}</h3>", esc(name));
    if let Some(text) = schema["description"].as_str() {
        let _ = write!(html, "<p>{}</p>", inline(text));
    }
    let Some(properties) = schema["properties"].as_object() else {
        let _ = write!(html, "<p>{}</p></article>", type_text(schema));
        return;
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    html.push_str(
        "<table><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th>\
<th scope=\"col\">Description</th></tr></thead><tbody>",
    );
    for (field, property) in properties {
        let mark = if required.contains(&field.as_str()) {
            ""
        } else {
            " (optional)"
        };
        let _ = write!(
            html,
            "<tr><td><code>{}</code>{mark}</td><td>{}</td><td>{}</td></tr>",
            esc(field),
            type_text(property),
            inline(property["description"].as_str().unwrap_or_default())
        );
    }
    html.push_str("</tbody></table></article>");
}

const STYLE: &str = "body{font:1.125rem/1.6 system-ui,sans-serif;margin:0;color:#1a1a1a}\
main{max-width:60rem;margin:0 auto;padding:1rem}h1 small{font-size:1rem;color:#555}\
article{border-top:1px solid #ccc;padding:.5rem 0}table{border-collapse:collapse;width:100%;\
margin:.5rem 0}caption{text-align:left;font-weight:600}th,td{border:1px solid #ccc;\
padding:.25rem .5rem;text-align:left;vertical-align:top}code{font-size:.95em;\
overflow-wrap:anywhere}.method{font-family:monospace;background:#1d4ed8;color:#fff;\
padding:0 .4rem;border-radius:.2rem}.note{color:#555}a{color:#1d4ed8}\
nav ul{display:flex;flex-wrap:wrap;gap:.5rem 1rem;list-style:none;padding:0}\
@media (max-width:40rem){table{display:block;overflow-x:auto}}";
