use crate::support::{on_both_backends, TestApp};
use anju_domain::Role;
use axum::http::StatusCode;
use serde_json::json;

on_both_backends!(open311_feed_maps_states_and_deadlines_without_personal_data);

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
