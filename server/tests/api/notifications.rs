use crate::support::{on_both_backends, TestApp};
use anju_domain::Role;
use anju_server::deadlines::{scan, ScanReport};
use axum::http::StatusCode;
use serde_json::json;

on_both_backends!(
    handlers_are_warned_before_and_supervisors_told_at_a_breach,
    residents_hear_about_progress_and_can_mark_it_read,
);

async fn unread(app: &TestApp, cookie: &str) -> i64 {
    app.get("/api/notifications/unread-count", Some(cookie))
        .await
        .body["unread"]
        .as_i64()
        .unwrap()
}

async fn handlers_are_warned_before_and_supervisors_told_at_a_breach(app: TestApp) {
    // The demo staff (community staff, street reviewer) exist before anything is due.
    app.sign_in_demo(Role::CommunityStaff).await;
    let resident = app.register("13900000200").await;
    let r = app
        .post("/api/cases", Some(&resident), json!({ "client_key": "n-1", "category": "other-complaint", "description": "垃圾桶满了没人清" }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let reference = r.body["reference"].as_str().unwrap().to_owned();

    assert_eq!(
        scan(&app.state).await.unwrap(),
        ScanReport::default(),
        "8 h away: nothing yet"
    );
    app.state.clock.advance(8 * 3600 - 10 * 60);
    assert_eq!(
        scan(&app.state).await.unwrap(),
        ScanReport {
            warnings: 1,
            ..ScanReport::default()
        }
    );
    assert_eq!(
        scan(&app.state).await.unwrap(),
        ScanReport::default(),
        "warned once only"
    );

    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let page = app.get("/api/notifications", Some(&staff)).await;
    assert_eq!(page.body["unread"], 1);
    assert_eq!(page.body["items"][0]["kind"], "deadline_warning");
    assert!(page.body["items"][0]["message"]
        .as_str()
        .unwrap()
        .contains(&reference));

    app.state.clock.advance(15 * 60);
    assert_eq!(
        scan(&app.state).await.unwrap(),
        ScanReport {
            breaches: 1,
            ..ScanReport::default()
        }
    );
    assert_eq!(
        scan(&app.state).await.unwrap(),
        ScanReport::default(),
        "escalated once only"
    );
    let supervisor = app.sign_in_demo(Role::StreetReviewer).await;
    let page = app.get("/api/notifications", Some(&supervisor)).await;
    assert_eq!(page.body["items"][0]["kind"], "deadline_breach");
    assert!(page.body["items"][0]["message"]
        .as_str()
        .unwrap()
        .contains("已超时"));
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    assert_eq!(unread(&app, &staff).await, 2);
    // The resident is not told about internal escalations.
    assert_eq!(
        unread(
            &app,
            &app.sign_in("13900000200", "a quiet courtyard")
                .await
                .cookie()
                .unwrap()
        )
        .await,
        0
    );
}

async fn residents_hear_about_progress_and_can_mark_it_read(app: TestApp) {
    let resident = app.register("13900000201").await;
    let case = app
        .post(
            "/api/cases",
            Some(&resident),
            json!({ "client_key": "n-2", "category": "home-repair", "description": "卧室灯不亮" }),
        )
        .await
        .body;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    app.post(
        &format!("/api/cases/{}/actions", case["id"]),
        Some(&staff),
        json!({ "action": "acknowledge" }),
    )
    .await;
    app.post(
        &format!("/api/cases/{}/actions", case["id"]),
        Some(&staff),
        json!({ "action": "resolve", "note": "换了灯泡" }),
    )
    .await;

    let page = app.get("/api/notifications", Some(&resident)).await;
    assert_eq!(page.body["unread"], 2);
    let newest = &page.body["items"][0];
    assert!(newest["message"].as_str().unwrap().contains("请确认"));
    assert!(
        page.body["items"][1]["message"]
            .as_str()
            .unwrap()
            .contains("前处理"),
        "{}",
        page.body
    );
    assert_eq!(newest["case_id"], case["id"]);

    // Someone else cannot mark the resident's notification read.
    let id = newest["id"].as_i64().unwrap();
    assert_eq!(
        app.post(
            &format!("/api/notifications/{id}/read"),
            Some(&staff),
            json!({})
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(unread(&app, &resident).await, 2);
    app.post(
        &format!("/api/notifications/{id}/read"),
        Some(&resident),
        json!({}),
    )
    .await;
    assert_eq!(unread(&app, &resident).await, 1);
    app.post("/api/notifications/read-all", Some(&resident), json!({}))
        .await;
    assert_eq!(unread(&app, &resident).await, 0);
    assert_eq!(
        app.get("/api/notifications", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}
