//! The staff desk through the API: every number equals the list it links to (the case queue
//! with its filters, the retrofit queue by status, the warranty claims, each community's survey
//! results, the monthly report), per jurisdiction; a street reviewer sees their street and never
//! another's; the workbook holds every table; bad filters are named.

use super::cases::file;
use super::retrofit::submitted;
use super::surveys::{answers, publish};
use crate::support::{assert_envelope, on_both_backends, TestApp};
use anju_domain::{JurisdictionLevel, Role};
use axum::http::{Method, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::io::Read;
use tower::ServiceExt;

on_both_backends!(
    the_desk_numbers_equal_the_lists_they_link_to_within_the_callers_street,
    the_desk_workbook_holds_every_table,
    the_desk_names_a_bad_filter_and_refuses_residents,
);

/// A community of the demo city by name, and its first building.
async fn community(app: &TestApp, name: &str) -> (i64, i64) {
    let c = app
        .state
        .db
        .jurisdictions_at_level(JurisdictionLevel::Community)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .expect("a demo community");
    let building = app.state.db.jurisdiction_children(c.id).await.unwrap()[0].id;
    (c.id, building)
}

fn len(list: &Value) -> u64 {
    list["items"].as_array().expect("a list").len() as u64
}

async fn count(app: &TestApp, cookie: &str, path: &str) -> u64 {
    let r = app.get(path, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    len(&r.body)
}

fn month(app: &TestApp) -> String {
    anju_server::shanghai::month_of(app.state.clock.now())
}

async fn the_desk_numbers_equal_the_lists_they_link_to_within_the_callers_street(app: TestApp) {
    // 湖滨街道: a complaint in 柳岸社区 that goes overdue (someone on site within 15 minutes)
    // and a repair in 荷花池社区 (3 working days); 新桥街道: one complaint of its own.
    let (liuan, _) = community(&app, "柳岸社区").await;
    let (hehua, hehua_building) = community(&app, "荷花池社区").await;
    let (xinqiao, xinqiao_building) = community(&app, "新桥社区").await;
    let here = app.register("13900002001").await;
    file(&app, &here, "neighbour-disturbance", "d-1").await;
    let there = app.register_in("13900002002", hehua_building).await;
    file(&app, &there, "common-area-repair", "d-2").await;
    let elsewhere = app.register_in("13900002003", xinqiao_building).await;
    file(&app, &elsewhere, "neighbour-disturbance", "d-3").await;
    // An application waiting for the street's review (an elder of 柳岸社区).
    submitted(&app, "13900002004", "19400101").await;
    app.state.clock.advance(3600);

    let reviewer = app.sign_in_demo(Role::StreetReviewer).await;
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let xinqiao_street = app
        .state
        .db
        .jurisdiction(xinqiao)
        .await
        .unwrap()
        .unwrap()
        .parent_id
        .unwrap();
    let other_reviewer = app
        .create_staff(&admin, "13900002009", "street_reviewer", xinqiao_street)
        .await;

    let desk = app.get("/api/desk", Some(&reviewer)).await;
    assert_eq!(desk.status, StatusCode::OK, "{}", desk.body);
    let d = &desk.body;
    assert_eq!(d["month"], month(&app));
    assert_eq!(d["place"], "湖滨街道");
    let names: Vec<&str> = d["communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["柳岸社区", "荷花池社区", "望湖社区"]);

    // Complaints now: the street's two, one of them overdue; each number is its list's length.
    let c = &d["complaints"];
    assert_eq!(
        (c["open"].as_u64(), c["overdue"].as_u64()),
        (Some(2), Some(1)),
        "{c}"
    );
    assert_eq!(c["open"], count(&app, &reviewer, "/api/cases").await);
    assert_eq!(
        c["overdue"],
        count(&app, &reviewer, "/api/cases?overdue=true").await
    );
    assert_eq!(
        c["due_today"],
        count(&app, &reviewer, "/api/cases?due=today").await
    );
    for row in c["by_community"].as_array().unwrap() {
        let id = &row["community"]["id"];
        for (field, filter) in [
            ("open", ""),
            ("overdue", "&overdue=true"),
            ("due_today", "&due=today"),
        ] {
            assert_eq!(
                row[field],
                count(
                    &app,
                    &reviewer,
                    &format!("/api/cases?community_id={id}{filter}")
                )
                .await,
                "{field} of {}",
                row["community"]["name"]
            );
        }
    }
    // The month's deadlines and call-backs, narrowed to one community, are that community's
    // monthly report.
    let one = app
        .get(&format!("/api/desk?community_id={liuan}"), Some(&reviewer))
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(one.body["place"], "柳岸社区");
    assert_eq!(one.body["complaints"]["open"], 1);
    let report = app
        .get(
            &format!(
                "/api/reports/complaints?community_id={liuan}&month={}",
                month(&app)
            ),
            Some(&reviewer),
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert_eq!(
        one.body["complaints"]["compliance"],
        report.body["compliance"]
    );
    assert_eq!(one.body["complaints"]["handled"], report.body["handled"]);
    assert_eq!(one.body["complaints"]["called"], report.body["called"]);

    // Retrofit: each stage's households are the queue filtered by that status.
    let stages = d["retrofit"]["stages"].as_array().unwrap();
    assert_eq!(stages.len(), anju_domain::desk::DESK_STAGES.len());
    for s in stages {
        assert_eq!(
            s["households"],
            count(
                &app,
                &reviewer,
                &format!(
                    "/api/retrofit/applications?status={}",
                    s["state"].as_str().unwrap()
                )
            )
            .await,
            "{s}"
        );
    }
    // Behind their year date, or due within 30 days: the queue's `behind` filter, stage by stage
    // and over all stages (how many depends on today's date against the county's dates).
    let mut behind = (0, 0);
    for s in stages {
        let status = s["state"].as_str().unwrap();
        for (field, filter) in [("overdue", "overdue"), ("due_soon", "due_soon")] {
            assert_eq!(
                s[field],
                count(
                    &app,
                    &reviewer,
                    &format!("/api/retrofit/applications?status={status}&behind={filter}")
                )
                .await,
                "{field} of {status}"
            );
        }
        behind.0 += s["overdue"].as_u64().unwrap();
        behind.1 += s["due_soon"].as_u64().unwrap();
    }
    assert_eq!(
        behind,
        (
            count(&app, &reviewer, "/api/retrofit/applications?behind=overdue").await,
            count(
                &app,
                &reviewer,
                "/api/retrofit/applications?behind=due_soon"
            )
            .await
        )
    );
    assert_eq!(stages[0]["state"], "submitted");
    assert_eq!(stages[0]["households"], 1);
    assert!(stages[0]["next_date"]["date"].is_string(), "{}", stages[0]);
    let narrowed = app
        .get(&format!("/api/desk?community_id={hehua}"), Some(&reviewer))
        .await
        .body;
    assert_eq!(narrowed["retrofit"]["stages"][0]["households"], 0);
    assert_eq!(
        count(
            &app,
            &reviewer,
            &format!("/api/retrofit/applications?status=submitted&community_id={hehua}")
        )
        .await,
        0
    );
    let claims = &d["retrofit"]["claims"];
    assert_eq!(
        claims["open"],
        count(&app, &reviewer, "/api/retrofit/warranty-claims?open=true").await
    );
    assert_eq!(
        claims["overdue"],
        count(
            &app,
            &reviewer,
            "/api/retrofit/warranty-claims?overdue=true"
        )
        .await
    );
    // The county's quota, as its settings say.
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let year = &month(&app)[..4];
    let r = app
        .put(
            &format!("/api/retrofit/counties/{}/settings", app.places.county.id),
            Some(&county),
            // Mobilisation by 1 January: the application waiting for review is behind it (on
            // any day but New Year's Day).
            json!({ "year": year.parse::<i64>().unwrap(), "quota": 5, "minimum_living_allowance_covered": false,
                    "dates": { "mobilise_by": format!("{year}-01-01"), "accept_by": format!("{year}-12-31"),
                               "summary_by": format!("{year}-12-31"), "report_by": format!("{year}-12-31") } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = app.get("/api/desk", Some(&reviewer)).await.body;
    let submitted = &d["retrofit"]["stages"][0];
    if anju_server::shanghai::today(app.state.clock.now()).to_string() != format!("{year}-01-01") {
        assert_eq!(submitted["overdue"], 1, "{submitted}");
        assert_eq!(submitted["next_date"]["overdue"], true, "{submitted}");
    }
    assert_eq!(
        submitted["overdue"],
        count(
            &app,
            &reviewer,
            "/api/retrofit/applications?status=submitted&behind=overdue"
        )
        .await
    );
    let quota = &d["retrofit"]["quotas"][0];
    assert_eq!(
        (
            quota["county"].as_str(),
            quota["quota"].as_i64(),
            quota["left"].as_i64()
        ),
        (Some("滨湖区"), Some(5), Some(5))
    );

    // Another street's reviewer: their one complaint, none of this street's communities, no
    // application, and this street's community is refused by name.
    let theirs = app.get("/api/desk", Some(&other_reviewer)).await.body;
    assert_eq!(theirs["place"], "新桥街道");
    assert_eq!(theirs["complaints"]["open"], 1);
    assert_eq!(
        theirs["complaints"]["open"],
        count(&app, &other_reviewer, "/api/cases").await
    );
    assert!(!theirs.to_string().contains("柳岸社区"), "{theirs}");
    assert_eq!(theirs["retrofit"]["stages"][0]["households"], 0);
    assert_envelope(
        &app.get(
            &format!("/api/desk?community_id={liuan}"),
            Some(&other_reviewer),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
    );
    assert_envelope(
        &app.get(
            &format!("/api/cases?community_id={liuan}"),
            Some(&other_reviewer),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
    );

    // Satisfaction: a survey of 柳岸社区 answered by two households, one satisfied; the desk
    // shows each community as the survey's results page does for the month.
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let template = app.get("/api/surveys/template", Some(&staff)).await.body;
    let created = app
        .post(
            "/api/surveys",
            Some(&staff),
            json!({ "definition": template, "community_ids": [liuan], "opens_on": "2020-01-01",
                    "closes_on": "2099-12-31", "min_sample": 1 }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let survey = publish(&app, &staff, &created.body["id"]).await;
    // (Residents of 柳岸社区 who sign in now: the first one's session has idled out.)
    // Two households: the demo building's, and one in another building of 柳岸社区.
    let buildings = app.state.db.jurisdiction_children(liuan).await.unwrap();
    for (phone, building, overall, key) in [
        ("13900002005", buildings[0].id, "满意", "s-1"),
        ("13900002006", buildings[1].id, "不满意", "s-2"),
    ] {
        let cookie = app.register_in(phone, building).await;
        let r = app
            .put(
                &format!("/api/surveys/{}/my-response", survey["id"]),
                Some(&cookie),
                json!({ "client_key": key, "version": survey["version"], "answers": answers(overall) }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let d = app.get("/api/desk", Some(&reviewer)).await.body;
    let results = app
        .get(
            &format!(
                "/api/surveys/{}/results?month={}",
                survey["id"],
                month(&app)
            ),
            Some(&reviewer),
        )
        .await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.body);
    assert_eq!(d["surveys"][0]["survey_id"], survey["id"]);
    assert_eq!(d["surveys"][0]["communities"], results.body["communities"]);
    let liuan_result = &d["surveys"][0]["communities"][0];
    assert_eq!(
        (
            liuan_result["counted"].as_u64(),
            liuan_result["satisfied"].as_u64(),
            liuan_result["verdict"].as_str()
        ),
        (Some(2), Some(1), Some("needs_redo"))
    );
    // Community staff see their community's complaints and surveys, and no retrofit section.
    let d = app.get("/api/desk", Some(&staff)).await.body;
    assert_eq!(d["place"], "柳岸社区");
    assert_eq!(d["complaints"]["open"], 1);
    assert!(d["retrofit"].is_null());
}

async fn the_desk_workbook_holds_every_table(app: TestApp) {
    let here = app.register("13900002101").await;
    file(&app, &here, "neighbour-disturbance", "w-1").await;
    let reviewer = app.sign_in_demo(Role::StreetReviewer).await;
    let response = app
        .router
        .clone()
        .oneshot(TestApp::request(
            Method::GET,
            "/api/desk?format=xlsx",
            Some(&reviewer),
            None,
        ))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .ends_with(".xlsx\""));
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .expect(name)
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let workbook = read("xl/workbook.xml");
    for sheet in [
        "投诉咨询（当前）",
        "本月时限与回访",
        "适老化改造",
        "改造名额",
        "满意度",
    ] {
        assert!(workbook.contains(sheet), "sheet {sheet}: {workbook}");
    }
    let strings = read("xl/sharedStrings.xml");
    for text in ["湖滨街道", "柳岸社区", "合计", "待街道审核"] {
        assert!(strings.contains(text), "{text}");
    }
    // The counts are numbers a spreadsheet can add: 柳岸社区's one open complaint.
    let first = read("xl/worksheets/sheet1.xml");
    assert!(first.contains("<v>1</v>"), "{first}");
}

async fn the_desk_names_a_bad_filter_and_refuses_residents(app: TestApp) {
    let reviewer = app.sign_in_demo(Role::StreetReviewer).await;
    for (query, field) in [
        ("month=2026-13", "month"),
        ("month=2999-01", "month"),
        ("community_id=999999", "community_id"),
        ("format=pdf", "format"),
    ] {
        let r = app
            .get(&format!("/api/desk?{query}"), Some(&reviewer))
            .await;
        assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert!(r.body["fields"][field].is_object(), "{query}: {}", r.body);
    }
    let r = app.get("/api/desk?community_id=abc", Some(&reviewer)).await;
    assert_envelope(&r, StatusCode::BAD_REQUEST, "invalid_parameter");
    assert!(r.body["fields"]["community_id"].is_object(), "{}", r.body);
    let r = app
        .get("/api/retrofit/applications?behind=late", Some(&reviewer))
        .await;
    assert!(r.body["fields"]["behind"].is_object(), "{}", r.body);
    let r = app.get("/api/cases?due=tomorrow", Some(&reviewer)).await;
    assert!(r.body["fields"]["due"].is_object(), "{}", r.body);
    let resident = app.register("13900002201").await;
    assert_envelope(
        &app.get("/api/desk", Some(&resident)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_eq!(
        app.get("/api/desk", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}
