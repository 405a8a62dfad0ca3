use crate::support::{assert_envelope, on_both_backends, TestApp};
use anju_domain::sampling::{draw_callback_sample, CallbackCandidate};
use anju_domain::Role;
use axum::http::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    the_monthly_draw_is_seeded_stored_and_reproducible,
    the_monthly_report_shows_coverage_and_satisfaction_in_three_formats,
    draws_and_reports_are_for_staff_of_that_community_and_real_months,
);

/// A month as a query value ("next month" has a space).
fn urlencode(month: &str) -> String {
    month.replace(' ', "%20")
}

fn this_month(app: &TestApp) -> String {
    chrono::DateTime::from_timestamp(app.state.clock.now(), 0)
        .unwrap()
        .with_timezone(&anju_domain::calendar::shanghai())
        .format("%Y-%m")
        .to_string()
}

/// Files `n` complaints and has staff resolve them; returns the case ids.
async fn handled_complaints(app: &TestApp, staff: &str, n: usize) -> Vec<i64> {
    let resident = app.register("13900000300").await;
    let mut ids = Vec::new();
    for i in 0..n {
        let case = app
            .post("/api/cases", Some(&resident), json!({ "client_key": format!("cb-{i}"), "category": "home-repair", "description": "门锁坏了" }))
            .await
            .body;
        let id = case["id"].as_i64().unwrap();
        for body in [
            json!({ "action": "acknowledge" }),
            json!({ "action": "resolve", "note": "已修好" }),
        ] {
            let r = app
                .post(&format!("/api/cases/{id}/actions"), Some(staff), body)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        ids.push(id);
    }
    ids
}

fn sampled(draw: &Value) -> Vec<i64> {
    draw["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["case_id"].as_i64().unwrap())
        .collect()
}

async fn the_monthly_draw_is_seeded_stored_and_reproducible(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let ids = handled_complaints(&app, &staff, 5).await;
    let major = ids[4];
    let r = app
        .post(
            &format!("/api/cases/{major}/major"),
            Some(&staff),
            json!({ "major": true }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    let request = json!({ "community_id": app.places.community.id, "month": this_month(&app) });
    // Before the month's draw there is none: said plainly, not as a 404 in the browser's console.
    let before = app
        .get(
            &format!(
                "/api/callbacks/draws?community_id={}&month={}",
                app.places.community.id,
                this_month(&app)
            ),
            Some(&staff),
        )
        .await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert!(before.body.is_null(), "{}", before.body);
    let first = app
        .post("/api/callbacks/draws", Some(&staff), request.clone())
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let sample = sampled(&first.body);
    assert!(sample.len() >= 3, "at least half of 5: {sample:?}");
    assert!(
        sample.contains(&major),
        "every major complaint is called back"
    );
    assert_eq!(first.body["candidates"], 5);

    let again = app
        .post("/api/callbacks/draws", Some(&staff), request)
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["seed"], first.body["seed"]);
    assert_eq!(sampled(&again.body), sample);

    // An auditor re-runs the draw from the stored seed and gets the same list.
    let seed: u64 = first.body["seed"].as_str().unwrap().parse().unwrap();
    let candidates: Vec<_> = ids
        .iter()
        .map(|&id| CallbackCandidate {
            id,
            major: id == major,
        })
        .collect();
    assert_eq!(draw_callback_sample(&candidates, seed, 50), sample);
}

async fn the_monthly_report_shows_coverage_and_satisfaction_in_three_formats(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let ids = handled_complaints(&app, &staff, 4).await;
    let record = |id: i64, body: Value| {
        let staff = staff.clone();
        let app = &app;
        async move {
            app.post(&format!("/api/cases/{id}/callbacks"), Some(&staff), body)
                .await
        }
    };
    assert_eq!(
        record(ids[0], json!({ "reached": true, "satisfied": true }))
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        record(
            ids[1],
            json!({ "reached": true, "satisfied": false, "comment": "师傅来晚了" })
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(
        record(ids[2], json!({ "reached": false })).await.status,
        StatusCode::CREATED
    );
    let missing = record(ids[3], json!({ "reached": true })).await;
    assert!(missing.body["fields"]["satisfied"].is_object());

    let base = format!(
        "/api/reports/complaints?community_id={}&month={}",
        app.places.community.id,
        this_month(&app)
    );
    let report = app.get(&base, Some(&staff)).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let b = &report.body;
    assert_eq!(b["complaints"], 4);
    assert_eq!(
        b["by_category"][0],
        json!({ "code": "home-repair", "name": "户内维修", "count": 4 })
    );
    assert_eq!(b["handled"], 4);
    assert_eq!(b["called"], 3);
    assert_eq!(b["callback_coverage_percent"], 75.0);
    assert_eq!(b["reached"], 2);
    assert_eq!(b["satisfaction_percent"], 50.0);
    assert_eq!(b["satisfaction_target_percent"], 90);
    assert_eq!(b["meets_target"], false);

    let csv = app.get(&format!("{base}&format=csv"), Some(&staff)).await;
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.body.as_str().unwrap();
    assert!(
        text.starts_with("\u{feff}section,item,value"),
        "BOM for Excel, then the header"
    );
    assert!(text.contains("满意度 satisfaction,目标 target %,90"));

    let xlsx = app
        .send(
            axum::http::Request::builder()
                .uri(format!("{base}&format=xlsx"))
                .header("cookie", &staff)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.headers["content-disposition"]
        .to_str()
        .unwrap()
        .ends_with(".xlsx\""));
    let bad = app.get(&format!("{base}&format=pdf"), Some(&staff)).await;
    assert_envelope(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation");
}

async fn draws_and_reports_are_for_staff_of_that_community_and_real_months(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let mine = app.get("/api/staff/communities", Some(&staff)).await;
    assert_eq!(
        mine.body.as_array().unwrap().len(),
        1,
        "community staff see their own community"
    );
    assert_eq!(mine.body[0]["id"], app.places.community.id);
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    assert_eq!(
        app.get("/api/staff/communities", Some(&street))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let community = app.places.community.id;
    for month in ["2026-13", "next month", "2999-01"] {
        let r = app
            .post(
                "/api/callbacks/draws",
                Some(&staff),
                json!({ "community_id": community, "month": month }),
            )
            .await;
        assert!(r.body["fields"]["month"].is_object(), "{month}: {}", r.body);
        let shown = app
            .get(
                &format!(
                    "/api/callbacks/draws?community_id={community}&month={}",
                    urlencode(month)
                ),
                Some(&staff),
            )
            .await;
        assert_eq!(
            shown.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{month}: {}",
            shown.body
        );
        assert!(
            shown.body["fields"]["month"].is_object(),
            "{month}: {}",
            shown.body
        );
    }
    let other = app
        .state
        .db
        .ensure_jurisdiction(
            Some(&app.places.street),
            anju_domain::JurisdictionLevel::Community,
            "隔壁社区",
        )
        .await
        .unwrap();
    let r = app
        .post(
            "/api/callbacks/draws",
            Some(&staff),
            json!({ "community_id": other.id, "month": this_month(&app) }),
        )
        .await;
    assert!(r.body["fields"]["community_id"].is_object());
    let resident = app.register("13900000301").await;
    let r = app
        .post(
            "/api/callbacks/draws",
            Some(&resident),
            json!({ "community_id": community, "month": this_month(&app) }),
        )
        .await;
    assert_envelope(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = app
        .get(
            &format!(
                "/api/reports/complaints?community_id={community}&month={}",
                this_month(&app)
            ),
            Some(&resident),
        )
        .await;
    assert_envelope(&r, StatusCode::FORBIDDEN, "forbidden");
    // Only handled cases are called back.
    let case = app
        .post(
            "/api/cases",
            Some(&resident),
            json!({ "client_key": "x", "category": "home-repair", "description": "漏水" }),
        )
        .await
        .body;
    let r = app
        .post(
            &format!("/api/cases/{}/callbacks", case["id"]),
            Some(&staff),
            json!({ "reached": false }),
        )
        .await;
    assert_envelope(&r, StatusCode::CONFLICT, "conflict");
}

on_both_backends!(last_months_lists_draw_themselves_once_the_month_is_over);

async fn last_months_lists_draw_themselves_once_the_month_is_over(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    handled_complaints(&app, &staff, 2).await;
    let month = this_month(&app);
    assert_eq!(
        anju_server::deadlines::draw_finished_months(&app.state)
            .await
            .unwrap(),
        0,
        "the month is not over"
    );
    // Jump to the middle of next month (sessions expire on the way, which is fine here).
    let (_, end) = anju_domain::callback::month_bounds(&month).unwrap();
    app.state
        .clock
        .advance(end.timestamp() - app.state.clock.now() + 10 * 86400);
    assert_eq!(
        anju_server::deadlines::draw_finished_months(&app.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        anju_server::deadlines::draw_finished_months(&app.state)
            .await
            .unwrap(),
        0,
        "drawn once"
    );
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let draw = app
        .get(
            &format!(
                "/api/callbacks/draws?community_id={}&month={month}",
                app.places.community.id
            ),
            Some(&staff),
        )
        .await;
    assert_eq!(draw.body["candidates"], 2, "{}", draw.body);
}
