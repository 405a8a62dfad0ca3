use crate::support::{on_both_backends, TestApp};
use anju_domain::Role;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;

on_both_backends!(
    open311_feed_maps_states_and_deadlines_without_personal_data,
    open311_reads_like_georeport_v2_in_json_and_xml,
);

async fn open311_feed_maps_states_and_deadlines_without_personal_data(app: TestApp) {
    let services = app.get("/open311/v2/services.json", None).await;
    assert_eq!(services.status, StatusCode::OK);
    assert_eq!(services.body.as_array().unwrap().len(), 8);
    assert!(services
        .body
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["service_code"] == "home-repair"));

    let resident = app.register("13900000400").await;
    let case = app
        .post(
            "/api/cases",
            Some(&resident),
            json!({ "client_key": "o-1", "category": "home-repair",
            "description": "我是王阿姨，电话13900000400，301室水管漏了" }),
        )
        .await
        .body;
    let reference = case["reference"].as_str().unwrap().to_owned();

    let feed = app.get("/open311/v2/requests.json", None).await;
    assert_eq!(feed.status, StatusCode::OK);
    let item = &feed.body[0];
    assert_eq!(item["service_request_id"], reference.as_str());
    assert_eq!(item["status"], "open");
    assert!(
        item["expected_datetime"].is_null(),
        "nothing promised before acceptance"
    );
    let text = feed.body.to_string();
    for private in ["13900000400", "王阿姨", "301", "水管"] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }

    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    app.post(
        &format!("/api/cases/{}/actions", case["id"]),
        Some(&staff),
        json!({ "action": "acknowledge" }),
    )
    .await;
    let one = app
        .get(&format!("/open311/v2/requests/{reference}.json"), None)
        .await;
    assert!(one.body[0]["expected_datetime"]
        .as_str()
        .unwrap()
        .ends_with("18:00:00+08:00"));
    app.post(
        &format!("/api/cases/{}/actions", case["id"]),
        Some(&staff),
        json!({ "action": "resolve", "note": "修好了" }),
    )
    .await;
    let closed = app
        .get(
            "/open311/v2/requests.json?status=closed&service_code=home-repair",
            None,
        )
        .await;
    assert_eq!(closed.body[0]["status"], "closed");
    assert!(app
        .get("/open311/v2/requests.json?status=open", None)
        .await
        .body
        .as_array()
        .unwrap()
        .is_empty());

    let missing = app
        .get("/open311/v2/requests/TS20000101-999999.json", None)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body[0]["code"], 404);
    assert_eq!(
        app.get("/open311/v2/requests.json?status=maybe", None)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/open311/v2/requests.json?start_date=yesterday", None)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[derive(Deserialize)]
struct XmlRequests {
    #[serde(default)]
    request: Vec<XmlRequest>,
}

#[derive(Deserialize)]
struct XmlRequest {
    service_request_id: String,
    status: String,
    service_code: String,
}

#[derive(Deserialize)]
struct XmlErrors {
    error: Vec<XmlError>,
}

#[derive(Deserialize)]
struct XmlError {
    code: u16,
    description: String,
}

fn xml_of(r: &crate::support::Response) -> String {
    assert_eq!(
        r.headers["content-type"], "application/xml; charset=utf-8",
        "{:?}",
        r.body
    );
    let text = r.body.as_str().expect("xml text").to_owned();
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
        "{text}"
    );
    text
}

fn ids(body: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn open311_reads_like_georeport_v2_in_json_and_xml(app: TestApp) {
    // Services in both formats, XML when none is named (the specification's default).
    for path in ["/open311/v2/services.xml", "/open311/v2/services"] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let text = xml_of(&r);
        assert!(text.contains("<services><service><service_code>"), "{text}");
        assert!(text.contains("<service_code>home-repair</service_code>"));
        assert!(text.contains("<metadata>false</metadata>"));
    }
    // A service's definition: its code and no extra attributes; an unknown code is a 404 in
    // the specification's error format.
    let definition = app.get("/open311/v2/services/home-repair.json", None).await;
    assert_eq!(definition.status, StatusCode::OK);
    assert_eq!(
        definition.body,
        json!({ "service_code": "home-repair", "attributes": [] })
    );
    let definition = app.get("/open311/v2/services/home-repair.xml", None).await;
    assert!(xml_of(&definition)
        .contains("<service_definition><service_code>home-repair</service_code>"));
    let unknown = app.get("/open311/v2/services/no-such.json", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body[0]["code"], 404);
    let unknown = app.get("/open311/v2/services/no-such.xml", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let errors: XmlErrors = quick_xml::de::from_str(&xml_of(&unknown)).unwrap();
    assert_eq!(errors.error[0].code, 404);
    assert!(!errors.error[0].description.is_empty());
    assert_eq!(
        app.get("/open311/v2/services.csv", None).await.status,
        StatusCode::NOT_FOUND
    );

    let resident = app.register("13900000401").await;
    let mut references = Vec::new();
    for (n, category) in ["home-repair", "home-repair", "neighbour-disturbance"]
        .iter()
        .enumerate()
    {
        let case = app
            .post(
                "/api/cases",
                Some(&resident),
                json!({ "client_key": format!("g-{n}"), "category": category, "description": "楼道灯坏了" }),
            )
            .await;
        assert_eq!(case.status, StatusCode::CREATED, "{}", case.body);
        references.push(case.body["reference"].as_str().unwrap().to_owned());
    }
    let (a, b, c) = (&references[0], &references[1], &references[2]);

    // The id list overrides the other filters (none of these is closed); unknown ids drop out.
    let picked = app
        .get(
            &format!("/open311/v2/requests.json?service_request_id={a},{c},TS20000101-999999&status=closed&service_code=home-repair"),
            None,
        )
        .await;
    assert_eq!(picked.status, StatusCode::OK, "{}", picked.body);
    let mut expected = vec![a.clone(), c.clone()];
    expected.sort();
    assert_eq!(ids(&picked.body), expected);
    // Lists of codes and of states; jurisdiction_id is accepted.
    let both = app
        .get(
            "/open311/v2/requests.json?service_code=home-repair,neighbour-disturbance&status=open,closed&jurisdiction_id=binhu",
            None,
        )
        .await;
    assert_eq!(both.status, StatusCode::OK, "{}", both.body);
    let mut all = references.clone();
    all.sort();
    assert_eq!(ids(&both.body), all);
    let repairs = app
        .get("/open311/v2/requests.json?service_code=home-repair", None)
        .await;
    let mut two = vec![a.clone(), b.clone()];
    two.sort();
    assert_eq!(ids(&repairs.body), two);
    let bad = app
        .get(
            "/open311/v2/requests.json?service_code=home-repair,no-such",
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body[0]["description"]
        .as_str()
        .unwrap()
        .contains("no-such"));

    // The same in XML.
    let listed = app
        .get(
            &format!("/open311/v2/requests.xml?service_request_id={b}"),
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    let parsed: XmlRequests = quick_xml::de::from_str(&xml_of(&listed)).unwrap();
    assert_eq!(parsed.request.len(), 1);
    assert_eq!(&parsed.request[0].service_request_id, b);
    assert_eq!(parsed.request[0].status, "open");
    assert_eq!(parsed.request[0].service_code, "home-repair");
    let one = app
        .get(&format!("/open311/v2/requests/{c}.xml"), None)
        .await;
    let parsed: XmlRequests = quick_xml::de::from_str(&xml_of(&one)).unwrap();
    assert_eq!(&parsed.request[0].service_request_id, c);
    let refused = app.get("/open311/v2/requests.xml?status=maybe", None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let errors: XmlErrors = quick_xml::de::from_str(&xml_of(&refused)).unwrap();
    assert_eq!(errors.error[0].code, 400);
    let missing = app
        .get("/open311/v2/requests/TS20000101-999999.xml", None)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(xml_of(&missing).contains("<errors><error><code>404</code>"));
}
