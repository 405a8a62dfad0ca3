//! The published contract: the OpenAPI document is compared with its committed snapshot,
//! every operation it describes is served, and no route is added outside the described list.

use crate::support::TestApp;
use anju_domain::Role;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn snapshot_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/api/openapi.json")
}

#[test]
fn the_document_matches_its_committed_snapshot() {
    let text =
        serde_json::to_string_pretty(&anju_server::routes::openapi::document()).unwrap() + "\n";
    let path = snapshot_path();
    if std::env::var_os("ANJU_UPDATE_SNAPSHOT").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "the API document changed: look at the diff after \
         `ANJU_UPDATE_SNAPSHOT=1 cargo test -p anju-server --test api openapi` and commit \
         docs/api/openapi.json with the change"
    );
}

/// Every (method, path) of the document, with its path parameters filled in.
fn operations(doc: &Value) -> Vec<(Method, String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let concrete = path
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        "1"
                    } else {
                        segment
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            out.push((method, path.clone(), concrete));
        }
    }
    out
}

#[test]
fn the_document_is_openapi_3_1_with_unique_operation_ids_and_the_shared_parts() {
    let doc = anju_server::routes::openapi::document();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "operation ids repeat");
    assert!(ids.len() > 120, "only {} operations described", ids.len());
    let sign_in = &doc["paths"]["/api/auth/sign-in"]["post"];
    assert_eq!(
        sign_in["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/SignInRequest"
    );
    assert_eq!(
        sign_in["parameters"][0]["$ref"],
        "#/components/parameters/Client"
    );
    assert_eq!(
        sign_in["responses"]["429"]["$ref"],
        "#/components/responses/E429"
    );
    let case = &doc["paths"]["/api/cases/{id}"]["get"];
    assert_eq!(case["security"], json!([{ "session": [] }]));
    assert_eq!(case["parameters"][0]["name"], "id");
    assert_eq!(
        doc["components"]["responses"]["E422"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorEnvelope"
    );
    assert!(doc["components"]["schemas"]["CaseView"]["properties"].is_object());
    assert!(doc["paths"]["/open311/v2/services/{file}"]["get"].is_object());
    for (_, path, _) in operations(&doc) {
        for item in doc["paths"][&path].as_object().unwrap().values() {
            let declared: Vec<&str> = item["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            for name in path.split('/').filter_map(|s| s.strip_prefix('{')) {
                let name = name.trim_end_matches('}');
                assert!(declared.contains(&name), "{path}: `{name}` is not declared");
            }
        }
    }
}

/// `oneOf` means exactly one: two list alternatives both match `[]`, so an empty answer would
/// break the document (schemathesis found the Open311 collection); such choices use `anyOf`.
#[test]
fn no_one_of_offers_two_lists() {
    fn walk(value: &Value, at: &str, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(options) = map.get("oneOf").and_then(Value::as_array) {
                    let lists = options.iter().filter(|o| o["type"] == "array").count();
                    if lists > 1 {
                        found.push(at.to_owned());
                    }
                }
                for (key, inner) in map {
                    walk(inner, &format!("{at}/{key}"), found);
                }
            }
            Value::Array(items) => {
                for (i, inner) in items.iter().enumerate() {
                    walk(inner, &format!("{at}/{i}"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(&anju_server::routes::openapi::document(), "", &mut found);
    assert!(found.is_empty(), "oneOf with two lists at {found:?}");
}

/// Two wire types of one name would share one schema in the document (the later silently
/// replacing the earlier: survey and complaint `Channel` did): each needs `schema(as = …)`.
#[test]
fn no_two_wire_types_share_a_schema_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    let mut clashes = Vec::new();
    let mut stack = vec![root.join("domain/src"), root.join("server/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (n, line) in lines.iter().enumerate() {
                if !line.contains("ToSchema") || !line.trim_start().starts_with("#[") {
                    continue;
                }
                let renamed = line
                    .split("schema(as = ")
                    .nth(1)
                    .and_then(|rest| rest.split(')').next());
                let declared = lines[n..].iter().take(12).find_map(|l| {
                    let l = l.trim_start().trim_start_matches("pub(crate) ");
                    let l = l
                        .trim_start_matches("pub(super) ")
                        .trim_start_matches("pub ");
                    let rest = l
                        .strip_prefix("struct ")
                        .or_else(|| l.strip_prefix("enum "))?;
                    rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                });
                let Some(name) = renamed.or(declared) else {
                    continue;
                };
                let place = format!("{}:{}", path.display(), n + 1);
                if let Some(first) = seen.insert(name.to_owned(), place.clone()) {
                    clashes.push(format!("{name}: {first} and {place}"));
                }
            }
        }
    }
    assert!(
        clashes.is_empty(),
        "schema names repeat:\n{}",
        clashes.join("\n")
    );
}

/// Each described operation reaches a handler (never the "no such route" answer or 405), and
/// none answers 5xx to a stranger's or a resident's placeholder request.
async fn every_described_operation_is_served(app: TestApp) {
    let doc = anju_server::routes::openapi::document();
    let resident = app.register("13800138000").await;
    for cookie in [None, Some(resident.as_str())] {
        for (method, path, concrete) in operations(&doc) {
            let body = matches!(method, Method::POST | Method::PUT).then(|| json!({}));
            let r = app
                .send(TestApp::request(method.clone(), &concrete, cookie, body))
                .await;
            let what = format!("{method} {path} as {cookie:?}: {} {}", r.status, r.body);
            assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{what}");
            assert!(!r.status.is_server_error(), "{what}");
            assert_ne!(r.body["message_en"], "No such API route", "{what}");
        }
    }
    let staff = app.sign_in_demo(Role::StreetReviewer).await;
    let r = app.get("/api/no-such-thing", Some(&staff)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body["message_en"], "No such API route");
}

#[tokio::test]
async fn every_described_operation_is_served_sqlite() {
    every_described_operation_is_served(TestApp::sqlite().await).await;
}

#[tokio::test]
#[ignore = "needs ANJU_TEST_POSTGRES_URL"]
async fn every_described_operation_is_served_postgres() {
    every_described_operation_is_served(TestApp::postgres().await).await;
}

/// Routes are added only as `.routes(routes!(handler))` with the handler's `#[utoipa::path]`:
/// axum's `.route(…)` (or a nested service) would serve a path the document does not describe.
#[test]
fn no_route_is_added_outside_the_described_list() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or_default();
                    if [
                        ".route(",
                        ".route_service(",
                        ".nest_service(",
                        "axum::routing::",
                    ]
                    .iter()
                    .any(|p| code.contains(p))
                    {
                        offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "routes added without a description (use `.routes(routes!(handler))` and \
         `#[utoipa::path]`):\n{}",
        offenders.join("\n")
    );
}

#[tokio::test]
async fn the_docs_page_renders_every_operation_without_scripts() {
    let app = TestApp::sqlite().await;
    let r = app.get("/api/docs", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.body.as_str().unwrap();
    let csp = r.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!html.contains("<script"));
    let doc = anju_server::routes::openapi::document();
    for (_, path, _) in operations(&doc) {
        let shown = path.replace('&', "&amp;");
        assert!(
            html.contains(&format!("<code>{shown}</code>")),
            "{path} not on the page"
        );
    }
    assert!(html.contains("id=\"schema-ErrorEnvelope\""));
    let json = app.get("/api/openapi.json", None).await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(json.body, doc);
}
