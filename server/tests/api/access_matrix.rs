//! The access matrix: every operation of the API document, called by every role (each staff
//! role from the resource's own area and from another one, the household itself, its family,
//! a resident of elsewhere, and nobody), on one world of real resources: a complaint, a
//! submitted retrofit application with its documents, a published survey with a door-to-door
//! answer, a family link, an assessment organisation.
//!
//! Two layers. Rules that must hold whatever the handlers do next: nobody signed in reaches a
//! signed-in operation, nothing answers 5xx, and nobody from another area (nor a resident of
//! elsewhere) gets a 2xx from an operation on this household's case, application or family, or
//! on its area's survey or county settings.
//! Then the whole table, one row per operation and one status per caller, is compared with
//! `access_matrix.txt`: an operation without a row fails, and so does any changed cell, so a
//! change of access is always a reviewed diff (`ANJU_UPDATE_SNAPSHOT=1` rewrites it).
//!
//! Requests carry a body built from the operation's schema (required fields only, first enum
//! values), so they pass the extractors and reach the access checks; uploads send a photo.

use crate::support::{device_of, on_both_backends, png, TestApp};
use anju_domain::{JurisdictionLevel, Role};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

/// The callers, in the table's column order.
const CALLERS: [&str; 14] = [
    "anon",
    "elder",
    "family",
    "stranger",
    "community",
    "community2",
    "street",
    "street2",
    "assessor",
    "contractor",
    "county",
    "county2",
    "province",
    "admin",
];

/// Callers who are not of this household nor of its area.
const OUTSIDERS: [&str; 4] = ["stranger", "community2", "street2", "county2"];

/// Operations on the household's records and on its area's survey and county settings: no
/// outsider may ever get a 2xx from them.
const AREA_RESOURCES: [&str; 6] = [
    "/api/cases/{id}",
    "/api/retrofit/applications/{id}",
    "/api/guardians/{id}",
    "/api/surveys/{id}",
    "/api/survey-responses/{id}",
    "/api/retrofit/counties/{id}",
];

/// Operations that end sessions run last, so the others keep theirs; among them, signing out
/// (which ends the caller's own) comes after those that end only the other sessions.
fn ends_sessions(method: &Method, path: &str) -> u8 {
    match (method.as_str(), path) {
        ("POST", "/api/me/sessions/end-others") | ("PUT", "/api/me/password") => 1,
        ("POST", "/api/auth/sign-out") => 2,
        _ => 0,
    }
}

struct World {
    callers: BTreeMap<&'static str, Option<String>>,
    /// Path parameter values by (path prefix, name).
    ids: Vec<(&'static str, &'static str, String)>,
}

impl World {
    fn fill(&self, path: &str) -> String {
        let mut out = path.to_owned();
        for (prefix, name, value) in &self.ids {
            if path.starts_with(prefix) {
                out = out.replace(&format!("{{{name}}}"), value);
            }
        }
        // Sub-resources the world has none of (a works photo, a warranty claim): 1.
        out.split('/')
            .map(|s| if s.starts_with('{') { "1" } else { s })
            .collect::<Vec<_>>()
            .join("/")
    }
}

async fn build_world(app: &TestApp) -> World {
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let db = &app.state.db;
    let city = db
        .jurisdiction(app.places.county.parent_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    let county2 = db
        .ensure_jurisdiction(Some(&city), JurisdictionLevel::County, "别的区")
        .await
        .unwrap();
    let street2 = db
        .ensure_jurisdiction(Some(&county2), JurisdictionLevel::Street, "别的街道")
        .await
        .unwrap();
    let community2 = db
        .ensure_jurisdiction(Some(&street2), JurisdictionLevel::Community, "别的社区")
        .await
        .unwrap();
    let building2 = db
        .ensure_jurisdiction(Some(&community2), JurisdictionLevel::Building, "9号楼")
        .await
        .unwrap();

    // The household: an elder with a complaint and a submitted application.
    let (elder, application) = crate::retrofit::submitted(app, "13900000951", "19400101").await;
    let case = crate::cases::file(app, &elder, "home-repair", "matrix-case").await;
    let photo = app
        .send(crate::support::upload(
            &format!("/api/cases/{}/photos?stage=report", case["id"]),
            &elder,
            png(3),
        ))
        .await;
    assert_eq!(photo.status, StatusCode::CREATED, "{}", photo.body);
    let view = app
        .get(
            &format!("/api/retrofit/applications/{application}"),
            Some(&elder),
        )
        .await
        .body;

    // Their family: invited, accepted with proof, confirmed.
    let family = crate::retrofit_plan::guardian_of(app, &elder, "13900000952").await;
    let link = app.get("/api/guardians", Some(&elder)).await.body["my_guardians"][0]["id"].clone();
    assert!(link.is_i64(), "{link}");

    // A resident of another area, in a home of their own.
    let mut registration = app.registration_with_code("13900000953").await;
    registration["building_id"] = json!(building2.id);
    let r = app
        .send(TestApp::request_from(
            device_of("13900000953"),
            Method::POST,
            "/api/auth/register",
            None,
            Some(registration),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let stranger = r.cookie().unwrap();

    // A survey of the household's community with one door-to-door answer.
    let (community, response) = crate::surveys::door_to_door_response(app).await;
    let surveys = app.get("/api/surveys", Some(&community)).await.body;
    let survey = surveys[0]["id"].clone();
    // A notice for the household's building, posted by its community office.
    let minute = |hours: i64| {
        chrono::DateTime::from_timestamp(app.state.clock.now() + hours * 3600, 0)
            .unwrap()
            .with_timezone(&anju_domain::calendar::shanghai())
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let notice = app
        .post(
            "/api/notices",
            Some(&community),
            json!({ "scope_id": app.places.building.id, "kind": "water", "title": "停水",
                    "body": "管道检修", "starts_at": minute(-1), "ends_at": minute(48),
                    "client_key": "matrix" }),
        )
        .await;
    assert_eq!(notice.status, StatusCode::CREATED, "{}", notice.body);

    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let org = app
        .post(
            &format!(
                "/api/retrofit/counties/{}/assessment-orgs",
                app.places.county.id
            ),
            Some(&county),
            json!({ "name": "矩阵评估公司" }),
        )
        .await;
    assert_eq!(org.status, StatusCode::CREATED, "{}", org.body);
    let assessor_id = app
        .get("/api/me", Some(&app.sign_in_demo(Role::Assessor).await))
        .await
        .body["id"]
        .clone();

    let staff2 = |phone: &'static str, role: &'static str, place: i64| {
        let admin = admin.clone();
        async move { app.create_staff(&admin, phone, role, place).await }
    };
    let callers = BTreeMap::from([
        ("anon", None),
        ("elder", Some(elder)),
        ("family", Some(family)),
        ("stranger", Some(stranger)),
        ("community", Some(community)),
        (
            "community2",
            Some(staff2("13900000961", "community_staff", community2.id).await),
        ),
        ("street", Some(app.sign_in_demo(Role::StreetReviewer).await)),
        (
            "street2",
            Some(staff2("13900000962", "street_reviewer", street2.id).await),
        ),
        ("assessor", Some(app.sign_in_demo(Role::Assessor).await)),
        ("contractor", Some(app.sign_in_demo(Role::Contractor).await)),
        ("county", Some(county)),
        (
            "county2",
            Some(staff2("13900000963", "county_admin", county2.id).await),
        ),
        (
            "province",
            Some(app.sign_in_demo(Role::ProvinceOfficer).await),
        ),
        ("admin", Some(admin.clone())),
    ]);
    let county_id = app.places.county.id.to_string();
    let ids = vec![
        ("/api/cases/{id}", "id", case["id"].to_string()),
        ("/api/cases/{id}", "photo", photo.body[0]["id"].to_string()),
        (
            "/api/retrofit/applications/{id}",
            "id",
            application.to_string(),
        ),
        (
            "/api/retrofit/applications/{id}",
            "doc",
            view["documents"][0]["id"].to_string(),
        ),
        (
            "/api/retrofit/applications/{id}",
            "item",
            "documents".into(),
        ),
        ("/api/guardians/{id}", "id", link.to_string()),
        ("/api/surveys/{id}", "id", survey.to_string()),
        ("/api/survey-responses/{id}", "id", response.to_string()),
        ("/api/retrofit/counties/{id}", "id", county_id),
        (
            "/api/retrofit/counties/{id}",
            "org",
            org.body["orgs"][0]["id"].to_string(),
        ),
        (
            "/api/retrofit/counties/{id}",
            "account",
            assessor_id.to_string(),
        ),
        (
            "/api/communities/{id}",
            "id",
            app.places.community.id.to_string(),
        ),
        ("/api/places/{id}", "id", app.places.street.id.to_string()),
        (
            "/api/buildings/{id}",
            "id",
            app.places.building.id.to_string(),
        ),
        ("/api/notices/{id}", "id", notice.body["id"].to_string()),
        (
            "/api/complaint-categories/{code}",
            "code",
            "home-repair".into(),
        ),
        ("/open311/v2/{file}", "file", "requests.json".into()),
        (
            "/open311/v2/services/{file}",
            "file",
            "home-repair.json".into(),
        ),
        (
            "/open311/v2/requests/{file}",
            "file",
            format!("{}.json", case["reference"].as_str().unwrap()),
        ),
    ];
    World { callers, ids }
}

/// A value of `schema` with only what is required: enough to pass the extractors.
fn example(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return example(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            let option = options
                .iter()
                .find(|o| o["type"] != "null")
                .unwrap_or(&options[0]);
            return example(doc, option, depth + 1);
        }
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = json!({});
        for part in parts {
            if let Value::Object(fields) = example(doc, part, depth + 1) {
                merged.as_object_mut().unwrap().extend(fields);
            }
        }
        return merged;
    }
    if let Some(values) = schema["enum"].as_array() {
        return values[0].clone();
    }
    let kind = match &schema["type"] {
        Value::String(s) => s.as_str(),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema["properties"].is_object() => "object",
        _ => "string",
    };
    match kind {
        "object" => {
            let mut out = json!({});
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                out[name] = example(doc, &schema["properties"][name], depth + 1);
            }
            out
        }
        "array" => json!([]),
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "null" => Value::Null,
        _ => match schema["format"].as_str() {
            Some("date") => json!("2030-06-01"),
            Some("date-time") => json!("2030-06-01T09:00:00+08:00"),
            _ => json!("1"),
        },
    }
}

/// The request an operation gets: required query parameters, the client header, a body.
fn request(
    doc: &Value,
    op: &Value,
    method: &Method,
    path: &str,
    cookie: Option<&str>,
) -> Request<Body> {
    let mut query = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        if p["in"] == "query" && p["required"] == true {
            let value = example(doc, &p["schema"], 0);
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            query.push(format!("{}={text}", p["name"].as_str().unwrap()));
        }
    }
    let uri = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    };
    let mut builder = Request::builder()
        .method(method.clone())
        .uri(uri)
        .header("x-anju-client", "matrix")
        .extension(axum::extract::ConnectInfo(SocketAddr::from((
            [10, 9, 9, 9],
            5555,
        ))));
    if let Some(c) = cookie {
        builder = builder.header(header::COOKIE, c);
    }
    let content = &op["requestBody"]["content"];
    let body = if let Some(schema) = content.get("application/json").map(|c| &c["schema"]) {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
        Body::from(example(doc, schema, 0).to_string())
    } else if content.is_object() {
        builder = builder.header(header::CONTENT_TYPE, "image/png");
        Body::from(png(5))
    } else {
        Body::empty()
    };
    builder.body(body).unwrap()
}

fn matrix_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/access_matrix.txt")
}

on_both_backends!(every_operation_answers_every_caller_as_the_matrix_says);

async fn every_operation_answers_every_caller_as_the_matrix_says(app: TestApp) {
    let doc = anju_server::routes::openapi::document();
    let world = build_world(&app).await;
    let mut operations: Vec<(Method, String, Value)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            operations.push((method, path.clone(), op.clone()));
        }
    }
    operations.sort_by_key(|(m, p, _)| (ends_sessions(m, p), p.clone(), m.to_string()));

    let mut table = BTreeMap::new();
    let mut broken = Vec::new();
    for (method, path, op) in &operations {
        let concrete = world.fill(path);
        let signed_in = op["security"].as_array().is_some_and(|s| !s.is_empty());
        let of_this_area = AREA_RESOURCES.iter().any(|p| path.starts_with(p));
        let mut row = Vec::new();
        for caller in CALLERS {
            let cookie = world.callers[caller].as_deref();
            let r = app.send(request(&doc, op, method, &concrete, cookie)).await;
            let what = format!("{method} {concrete} as {caller}: {} {}", r.status, r.body);
            if r.status.is_server_error() {
                broken.push(format!("5xx: {what}"));
            }
            if caller == "anon" && signed_in && r.status != StatusCode::UNAUTHORIZED {
                broken.push(format!("signed-in operation without a session: {what}"));
            }
            if of_this_area && OUTSIDERS.contains(&caller) && r.status.is_success() {
                broken.push(format!("an outsider reached this area's resource: {what}"));
            }
            row.push(r.status.as_u16().to_string());
        }
        table.insert(format!("{method} {path}"), row);
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));

    let text = render(&table);
    let path = matrix_path();
    if std::env::var_os("ANJU_UPDATE_SNAPSHOT").is_some() && app.sqlite_url().is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let expected = parse(&std::fs::read_to_string(&path).unwrap_or_default());
    let mut differences = Vec::new();
    for (operation, row) in &table {
        match expected.get(operation) {
            None => differences.push(format!("{operation}: no row in the matrix")),
            Some(want) if want != row => {
                let cells: Vec<String> = CALLERS
                    .iter()
                    .zip(want.iter().zip(row))
                    .filter(|(_, (w, g))| w != g)
                    .map(|(c, (w, g))| format!("{c} {w}→{g}"))
                    .collect();
                differences.push(format!("{operation}: {}", cells.join(", ")));
            }
            Some(_) => {}
        }
    }
    for operation in expected.keys() {
        if !table.contains_key(operation) {
            differences.push(format!("{operation}: in the matrix, not in the API"));
        }
    }
    assert!(
        differences.is_empty(),
        "access differs from tests/api/access_matrix.txt (if intended, rewrite it with \
         `ANJU_UPDATE_SNAPSHOT=1 cargo test -p anju-server --test api access_matrix` and \
         review the diff):\n{}",
        differences.join("\n")
    );
}

fn render(table: &BTreeMap<String, Vec<String>>) -> String {
    let width = table.keys().map(String::len).max().unwrap_or(0);
    let mut out = String::from(
        "# Status per operation and caller, checked by access_matrix.rs. Callers: the household's\n\
         # elder and family, a resident of elsewhere (stranger), staff of the household's area and\n\
         # of another one (…2), nobody (anon). Rows are rewritten with ANJU_UPDATE_SNAPSHOT=1.\n",
    );
    out.push_str(&format!("{:width$}", "operation"));
    for caller in CALLERS {
        out.push_str(&format!(" {caller:>10}"));
    }
    out.push('\n');
    for (operation, row) in table {
        out.push_str(&format!("{operation:width$}"));
        for status in row {
            out.push_str(&format!(" {status:>10}"));
        }
        out.push('\n');
    }
    out
}

fn parse(text: &str) -> BTreeMap<String, Vec<String>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("operation"))
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            (words.len() == CALLERS.len() + 2).then(|| {
                (
                    format!("{} {}", words[0], words[1]),
                    words[2..].iter().map(|w| w.to_string()).collect(),
                )
            })
        })
        .collect()
}
