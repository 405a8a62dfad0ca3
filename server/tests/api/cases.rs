use crate::support::{assert_envelope, on_both_backends, TestApp};
use anju_domain::{JurisdictionLevel, Role};
use axum::http::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    a_resident_is_promised_a_deadline_only_after_staff_acknowledge,
    the_whole_complaint_flow_ends_with_a_rating,
    saying_it_is_not_solved_reopens_the_case,
    a_retried_submission_never_creates_a_second_case,
    cases_are_visible_only_to_their_resident_and_jurisdiction,
    bad_case_input_is_refused_naming_the_field,
    pausing_stops_the_clock_and_moves_the_deadline,
    staff_file_for_a_resident_who_phoned,
    a_new_case_is_answered_as_its_detail_reads_it_back,
    the_queue_is_ordered_by_time_left_and_shows_overdue_cases,
    demo_data_loads_twice_without_duplicates_and_shows_an_overdue_case,
    admins_edit_category_targets_without_moving_filed_cases,
);

async fn admins_edit_category_targets_without_moving_filed_cases(app: TestApp) {
    let resident = app.register("13900000120").await;
    let before = file(&app, &resident, "home-repair", "c-1").await;
    let edit = json!({ "name": "户内维修", "name_en": "Home repair", "targets": [
        { "name": "acknowledge", "clock": "real_time", "amount": 30 },
        { "name": "resolve", "clock": "working_days", "amount": 5 } ] });

    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let r = app
        .send(TestApp::request(
            axum::http::Method::PUT,
            "/api/complaint-categories/home-repair",
            Some(&staff),
            Some(edit.clone()),
        ))
        .await;
    assert_envelope(&r, StatusCode::FORBIDDEN, "forbidden");

    let admin = app.sign_in_demo(Role::CountyAdmin).await;
    let put = |body: Value, code: &str| {
        TestApp::request(
            axum::http::Method::PUT,
            &format!("/api/complaint-categories/{code}"),
            Some(&admin),
            Some(body),
        )
    };
    let r = app.send(put(edit.clone(), "home-repair")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.send(put(edit.clone(), "no-such-thing")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut bad = edit.clone();
    bad["targets"][1]["amount"] = json!(0);
    assert_envelope(
        &app.send(put(bad, "home-repair")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
    );

    let after = file(&app, &resident, "home-repair", "c-2").await;
    assert_eq!(
        after["due"].as_array().unwrap().len(),
        2,
        "the new acknowledge target applies to new cases"
    );
    let old = app
        .get(&format!("/api/cases/{}", before["id"]), Some(&staff))
        .await;
    assert_eq!(
        old.body["due"].as_array().unwrap().len(),
        1,
        "filed cases keep their targets"
    );
}

async fn demo_data_loads_twice_without_duplicates_and_shows_an_overdue_case(app: TestApp) {
    let now = app.state.clock.now();
    anju_server::demo::seed(&app.state.db, now).await.unwrap();
    anju_server::demo::seed(&app.state.db, now).await.unwrap();
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let all = app.get("/api/cases", Some(&staff)).await;
    assert_eq!(
        all.body["items"].as_array().unwrap().len(),
        2,
        "the handled one is not in the queue"
    );
    let month = chrono::DateTime::from_timestamp(now, 0)
        .unwrap()
        .with_timezone(&anju_domain::calendar::shanghai())
        .format("%Y-%m")
        .to_string();
    let draw = app
        .post(
            "/api/callbacks/draws",
            Some(&staff),
            json!({ "community_id": app.places.community.id, "month": month }),
        )
        .await;
    assert_eq!(
        draw.body["candidates"], 1,
        "one demo complaint is already handled, ready for call-backs"
    );
    let overdue = app.get("/api/cases?overdue=true", Some(&staff)).await;
    assert_eq!(overdue.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        overdue.body["items"][0]["category"],
        "neighbour-disturbance"
    );
}

/// Every PostgreSQL connection runs prepared statements on their generic plan
/// (`Db::connect_postgres`): at 1,000,000 complaints PostgreSQL otherwise planned the staff
/// queue's page afresh for each request, which took longer than reading it (`cargo xtask bench
/// --scale`). The test's own connection options (its schema) still apply beside it.
#[tokio::test]
#[ignore = "needs ANJU_TEST_POSTGRES_URL; run with --ignored"]
async fn postgresql_runs_each_statement_on_one_plan_in_the_test_schema() {
    let app = TestApp::postgres().await;
    assert_eq!(
        app.strings("SELECT current_setting('plan_cache_mode')")
            .await,
        ["force_generic_plan"]
    );
    let schema = app.strings("SELECT current_schema()::text").await;
    assert!(schema[0].starts_with("t_"), "{schema:?}");
    anju_server::demo::seed(&app.state.db, app.state.clock.now())
        .await
        .unwrap();
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let queue = app.get("/api/cases", Some(&staff)).await;
    assert_eq!(queue.body["items"].as_array().unwrap().len(), 2);
}

/// Commits reach the database file itself within moments, checkpointed by a connection of
/// their own (`anju_server::db::checkpoints`) and not by the writer, which would otherwise do it
/// only past 10,000 pages of log: a copy of the file alone, without its write-ahead log, soon
/// holds a case just filed.
#[tokio::test]
async fn a_filed_case_reaches_the_database_file_without_the_writer_checkpointing() {
    let app = TestApp::sqlite().await;
    let resident = app.register("13900000112").await;
    let case = file(&app, &resident, "home-repair", "checkpointed-1").await;
    let url = app.sqlite_url().unwrap();
    let db_file = std::path::PathBuf::from(url.trim_start_matches("sqlite://"));
    let copy_dir = crate::support::temp_dir();
    let copy = copy_dir.0.join("file-alone.db");
    let started = std::time::Instant::now();
    let found = loop {
        // A copy taken while a checkpoint writes may be torn: then try again.
        std::fs::copy(&db_file, &copy).unwrap();
        let found = async {
            use sqlx::Connection;
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&copy)
                .read_only(true);
            let mut conn = sqlx::SqliteConnection::connect_with(&options).await.ok()?;
            sqlx::query_scalar::<_, String>("SELECT reference FROM cases WHERE id = $1")
                .bind(case["id"].as_i64().unwrap())
                .fetch_optional(&mut conn)
                .await
                .ok()
                .flatten()
        }
        .await;
        if found.is_some() || started.elapsed() > std::time::Duration::from_secs(10) {
            break found;
        }
        let _ = std::fs::remove_file(&copy);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(found.as_deref(), case["reference"].as_str());
}

fn complaint(category: &str, key: &str) -> Value {
    json!({ "client_key": key, "category": category, "description": "楼上装修噪音很大", "contact_time": "上午" })
}

pub async fn file(app: &TestApp, cookie: &str, category: &str, key: &str) -> Value {
    let r = app
        .post("/api/cases", Some(cookie), complaint(category, key))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

async fn act(app: &TestApp, cookie: &str, id: &Value, body: Value) -> crate::support::Response {
    app.post(&format!("/api/cases/{id}/actions"), Some(cookie), body)
        .await
}

async fn a_resident_is_promised_a_deadline_only_after_staff_acknowledge(app: TestApp) {
    let resident = app.register("13900000100").await;
    let case = file(&app, &resident, "common-area-repair", "k-1").await;
    assert!(case["reference"].as_str().unwrap().starts_with("TS"));
    assert_eq!(case["state"], "submitted");
    assert_eq!(case["due"][0]["target"], "resolve");
    assert!(
        case["due"][0]["due_at"].is_null(),
        "no promise before acknowledgement"
    );

    let mine = app.get("/api/cases", Some(&resident)).await;
    assert_eq!(mine.body["items"][0]["id"], case["id"]);
    assert!(
        mine.body["items"][0]["due_at"].is_null(),
        "the list makes no promise before acknowledgement either"
    );
    assert_eq!(
        mine.body["items"][0]["resident_name"], "",
        "a resident's own list does not repeat their name"
    );

    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let queue = app.get("/api/cases", Some(&staff)).await;
    assert_eq!(queue.body["items"][0]["id"], case["id"]);
    assert!(
        queue.body["items"][0]["due_at"].is_string(),
        "staff always see the clock"
    );
    assert!(
        queue.body["items"][0].get("timeline").is_none(),
        "a list row is a summary; the history is on the case"
    );

    let r = act(
        &app,
        &staff,
        &case["id"],
        json!({ "action": "acknowledge" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let seen = app
        .get(&format!("/api/cases/{}", case["id"]), Some(&resident))
        .await;
    let due = seen.body["due"][0]["due_at"]
        .as_str()
        .expect("promised now");
    assert!(
        due.ends_with("18:00:00+08:00"),
        "working-day clocks end at close of day: {due}"
    );
    assert_eq!(seen.body["assignee_name"], "张丽（柳岸社区）");
    let mine = app.get("/api/cases", Some(&resident)).await;
    assert_eq!(
        mine.body["items"][0]["due_at"].as_str(),
        Some(due),
        "the list promises the same time as the case"
    );
}

async fn the_whole_complaint_flow_ends_with_a_rating(app: TestApp) {
    let resident = app.register("13900000101").await;
    let case = file(&app, &resident, "neighbour-disturbance", "k-2").await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    for action in [
        json!({ "action": "acknowledge" }),
        json!({ "action": "arrive_on_site" }),
    ] {
        assert_eq!(
            act(&app, &staff, &case["id"], action).await.status,
            StatusCode::OK
        );
    }
    let resolved = act(
        &app,
        &staff,
        &case["id"],
        json!({ "action": "resolve", "note": "已与楼上住户沟通，停止施工" }),
    )
    .await;
    assert_eq!(resolved.body["state"], "resolved");
    assert_eq!(resolved.body["due"][0]["met"], true);

    let bad = act(
        &app,
        &resident,
        &case["id"],
        json!({ "action": "confirm", "rating": { "speed": 6, "result": 5, "attitude": 5 } }),
    )
    .await;
    assert_envelope(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let done = act(
        &app,
        &resident,
        &case["id"],
        json!({ "action": "confirm", "rating": { "speed": 5, "result": 4, "attitude": 5 } }),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["state"], "closed");
    assert_eq!(
        done.body["rating"],
        json!({ "speed": 5, "result": 4, "attitude": 5 })
    );
    let actions: Vec<&str> = done.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "submit",
            "acknowledge",
            "arrive_on_site",
            "resolve",
            "confirm"
        ]
    );
    assert_eq!(
        done.body["timeline"][3]["note"],
        "已与楼上住户沟通，停止施工"
    );
    assert_eq!(done.body["timeline"][3]["by_staff"], true);
    // Who acted, read with the events: the resident filed, staff resolved.
    assert_eq!(done.body["timeline"][0]["by_staff"], false);
    let name = |i: usize| {
        done.body["timeline"][i]["actor_name"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    assert!(!name(0).is_empty() && !name(3).is_empty(), "{}", done.body);
    assert_ne!(name(0), name(3));

    let again = act(
        &app,
        &resident,
        &case["id"],
        json!({ "action": "not_solved", "note": "又吵了" }),
    )
    .await;
    assert_envelope(&again, StatusCode::CONFLICT, "conflict");
}

async fn saying_it_is_not_solved_reopens_the_case(app: TestApp) {
    let resident = app.register("13900000102").await;
    let case = file(&app, &resident, "home-repair", "k-3").await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    act(
        &app,
        &staff,
        &case["id"],
        json!({ "action": "acknowledge" }),
    )
    .await;
    act(
        &app,
        &staff,
        &case["id"],
        json!({ "action": "resolve", "note": "换了水龙头" }),
    )
    .await;
    let reopened = act(
        &app,
        &resident,
        &case["id"],
        json!({ "action": "not_solved", "note": "还在漏水" }),
    )
    .await;
    assert_eq!(reopened.body["state"], "assigned", "{}", reopened.body);
    assert_eq!(reopened.body["due"][0]["met"], false);
    let queue = app.get("/api/cases", Some(&staff)).await;
    assert_eq!(queue.body["items"][0]["id"], case["id"]);
}

async fn a_retried_submission_never_creates_a_second_case(app: TestApp) {
    let resident = app.register("13900000103").await;
    let first = file(&app, &resident, "inquiry-fees", "same-key").await;
    assert!(first["reference"].as_str().unwrap().starts_with("ZX"));
    let retry = app
        .post(
            "/api/cases",
            Some(&resident),
            complaint("inquiry-fees", "same-key"),
        )
        .await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.body["id"], first["id"]);
    let other = file(&app, &resident, "inquiry-fees", "another-key").await;
    assert_ne!(other["id"], first["id"]);
    let mine = app.get("/api/cases", Some(&resident)).await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 2);
}

async fn cases_are_visible_only_to_their_resident_and_jurisdiction(app: TestApp) {
    let alice = app.register("13900000104").await;
    let bob = app.register("13900000105").await;
    let case = file(&app, &alice, "home-repair", "k-4").await;
    let path = format!("/api/cases/{}", case["id"]);

    assert_envelope(
        &app.get(&path, Some(&bob)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_envelope(
        &act(
            &app,
            &bob,
            &case["id"],
            json!({ "action": "comment", "note": "hi" }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert!(app.get("/api/cases", Some(&bob)).await.body["items"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_envelope(
        &app.get(&path, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );

    // Staff of another community see nothing of it.
    let other = app
        .state
        .db
        .ensure_jurisdiction(
            Some(&app.places.street),
            JurisdictionLevel::Community,
            "别的社区",
        )
        .await
        .unwrap();
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let created = app
        .post(
            "/api/admin/accounts",
            Some(&admin),
            json!({ "phone": "13900000106", "password": "staff passphrase",
            "display_name": "别的社工", "role": "community_staff", "jurisdiction_id": other.id }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let outsider = app
        .sign_in("13900000106", "staff passphrase")
        .await
        .cookie()
        .unwrap();
    assert_envelope(
        &app.get(&path, Some(&outsider)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_envelope(
        &act(
            &app,
            &outsider,
            &case["id"],
            json!({ "action": "acknowledge" }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert!(app.get("/api/cases", Some(&outsider)).await.body["items"]
        .as_array()
        .unwrap()
        .is_empty());

    // The street office above the community does see it; assessors do not work cases.
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let seen = app.get(&path, Some(&street)).await;
    assert_eq!(seen.status, StatusCode::OK);
    // Staff see where the resident lives and a masked number; the full number only on asking,
    // and the asking is recorded. The resident's own view carries neither; outsiders get none.
    let building = app.places.building.name.clone();
    assert_eq!(seen.body["resident_home"], format!("{building} 2单元 301"));
    assert_eq!(seen.body["resident_phone_masked"], "139****0104");
    assert!(
        !seen.body.to_string().contains("13900000104"),
        "masked by default"
    );
    let own = app.get(&path, Some(&alice)).await;
    assert!(own.body["resident_home"].is_null() && own.body["resident_phone_masked"].is_null());
    let phone_path = format!("{path}/resident-phone");
    assert_envelope(
        &app.post(&phone_path, Some(&alice), json!({})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_envelope(
        &app.post(&phone_path, Some(&outsider), json!({})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert!(app.audit_details("case.reveal_phone").await.is_empty());
    let shown = app.post(&phone_path, Some(&street), json!({})).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert_eq!(shown.body["phone"], "13900000104");
    assert_eq!(
        app.audit_details("case.reveal_phone").await.len(),
        1,
        "who and when is recorded"
    );
    let assessor = app.sign_in_demo(Role::Assessor).await;
    assert_eq!(
        app.get(&path, Some(&assessor)).await.status,
        StatusCode::NOT_FOUND
    );

    // A resident cannot do staff's steps on their own case.
    assert_envelope(
        &act(
            &app,
            &alice,
            &case["id"],
            json!({ "action": "resolve", "note": "done" }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}

async fn bad_case_input_is_refused_naming_the_field(app: TestApp) {
    let resident = app.register("13900000107").await;
    let r = app
        .post(
            "/api/cases",
            Some(&resident),
            complaint("leaky-roof", "k-5"),
        )
        .await;
    assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(r.body["fields"]["category"].is_object());

    let mut long = complaint("home-repair", "k-6");
    long["description"] = json!("漏".repeat(1001));
    let r = app.post("/api/cases", Some(&resident), long).await;
    assert!(r.body["fields"]["description"]["message"]
        .as_str()
        .unwrap()
        .contains("1000"));

    let mut public = complaint("common-area-repair", "k-7");
    public["public_place"] = json!("  ");
    assert!(
        app.post("/api/cases", Some(&resident), public).await.body["fields"]["public_place"]
            .is_object()
    );

    let case = file(&app, &resident, "home-repair", "k-8").await;
    let r = act(
        &app,
        &resident,
        &case["id"],
        json!({ "action": "fly_away" }),
    )
    .await;
    assert_envelope(&r, StatusCode::BAD_REQUEST, "bad_request");
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    act(
        &app,
        &staff,
        &case["id"],
        json!({ "action": "acknowledge" }),
    )
    .await;
    let r = act(&app, &staff, &case["id"], json!({ "action": "pause" })).await;
    assert!(
        r.body["fields"]["note"].is_object(),
        "a pause needs a reason: {}",
        r.body
    );
    let r = act(&app, &staff, &case["id"], json!({ "action": "resume" })).await;
    assert_envelope(&r, StatusCode::CONFLICT, "conflict");
    assert!(app.get("/api/cases/abc", Some(&staff)).await.status == StatusCode::NOT_FOUND);
}

async fn pausing_stops_the_clock_and_moves_the_deadline(app: TestApp) {
    let resident = app.register("13900000108").await;
    let case = file(&app, &resident, "other-complaint", "k-9").await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let acked = act(
        &app,
        &staff,
        &case["id"],
        json!({ "action": "acknowledge" }),
    )
    .await;
    let before = acked.body["due"][0]["due_at"].as_str().unwrap().to_owned();

    let paused = act(
        &app,
        &staff,
        &case["id"],
        json!({ "action": "ask_resident", "note": "请问几点家里有人？" }),
    )
    .await;
    assert_eq!(paused.body["state"], "waiting_for_resident");
    assert!(
        paused.body["due"][0]["due_at"].is_null(),
        "no due time while waiting"
    );
    // Within the 30-minute idle timeout, so both stay signed in.
    app.state.clock.advance(25 * 60);
    let replied = act(
        &app,
        &resident,
        &case["id"],
        json!({ "action": "resident_reply", "note": "下午三点以后" }),
    )
    .await;
    assert_eq!(replied.body["state"], "assigned");
    let after = replied.body["due"][0]["due_at"]
        .as_str()
        .unwrap()
        .to_owned();
    let shift = chrono::DateTime::parse_from_rfc3339(&after).unwrap()
        - chrono::DateTime::parse_from_rfc3339(&before).unwrap();
    assert_eq!(shift.num_minutes(), 25, "{before} → {after}");
}

async fn staff_file_for_a_resident_who_phoned(app: TestApp) {
    let resident = app.register("13900000109").await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let mut body = complaint("inquiry-community", "phone-1");
    body["on_behalf_of_phone"] = json!("139 0000 0109");
    body["channel"] = json!("phone");
    let r = app.post("/api/cases", Some(&staff), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["channel"], "phone");
    assert_eq!(r.body["resident_name"], "王阿姨");
    let mine = app.get("/api/cases", Some(&resident)).await;
    assert_eq!(mine.body["items"][0]["id"], r.body["id"]);

    let mut unknown = complaint("inquiry-community", "phone-2");
    unknown["on_behalf_of_phone"] = json!("13999999999");
    let r = app.post("/api/cases", Some(&staff), unknown).await;
    assert!(
        r.body["fields"]["on_behalf_of_phone"].is_object(),
        "{}",
        r.body
    );
}

/// The answer to a new case is built from what the request holds, not read back: it must be
/// exactly what the case's detail then shows, to the resident and to staff filing for one.
async fn a_new_case_is_answered_as_its_detail_reads_it_back(app: TestApp) {
    let resident = app.register("13900000111").await;
    let mut body = complaint("common-area-repair", "same-1");
    body["description"] = json!("  三楼楼道灯不亮了  ");
    body["public_place"] = json!(" 3号楼三楼楼道 ");
    body["contact_time"] = json!("  晚上七点以后 ");
    let filed = app.post("/api/cases", Some(&resident), body).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    assert_eq!(filed.body["timeline"].as_array().unwrap().len(), 1);
    let detail = app
        .get(&format!("/api/cases/{}", filed.body["id"]), Some(&resident))
        .await;
    assert_eq!(filed.body, detail.body);
    let repeated = app
        .post(
            "/api/cases",
            Some(&resident),
            complaint("common-area-repair", "same-1"),
        )
        .await;
    assert_eq!(repeated.status, StatusCode::OK);
    assert_eq!(repeated.body, detail.body);

    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let mut body = complaint("inquiry-fees", "same-2");
    body["on_behalf_of_phone"] = json!("13900000111");
    body["channel"] = json!("walk_in");
    let filed = app.post("/api/cases", Some(&staff), body).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    assert!(filed.body["resident_home"].is_string(), "{}", filed.body);
    assert!(filed.body["resident_phone_masked"].is_string());
    assert_eq!(filed.body["timeline"][0]["by_staff"], true);
    let detail = app
        .get(&format!("/api/cases/{}", filed.body["id"]), Some(&staff))
        .await;
    assert_eq!(filed.body, detail.body);
}

async fn the_queue_is_ordered_by_time_left_and_shows_overdue_cases(app: TestApp) {
    let resident = app.register("13900000110").await;
    let slow = file(&app, &resident, "home-repair", "q-1").await;
    let fast = file(&app, &resident, "neighbour-disturbance", "q-2").await;
    let medium = file(&app, &resident, "inquiry-fees", "q-3").await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let ids = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].clone())
            .collect::<Vec<_>>()
    };
    let queue = app.get("/api/cases", Some(&staff)).await;
    assert_eq!(
        ids(&queue.body),
        vec![fast["id"].clone(), medium["id"].clone(), slow["id"].clone()]
    );
    assert!(ids(&app.get("/api/cases?overdue=true", Some(&staff)).await.body).is_empty());

    app.state.clock.advance(20 * 60);
    let overdue = app.get("/api/cases?overdue=true", Some(&staff)).await;
    assert_eq!(ids(&overdue.body), vec![fast["id"].clone()]);
    assert_eq!(overdue.body["items"][0]["overdue"], true);
}

on_both_backends!(an_admins_holiday_notice_moves_working_day_deadlines);

async fn an_admins_holiday_notice_moves_working_day_deadlines(app: TestApp) {
    let resident = app.register("13900000130").await;
    let case = file(&app, &resident, "common-area-repair", "h-1").await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let path = format!("/api/cases/{}", case["id"]);
    let due = |v: &Value| v["due"][0]["due_at"].as_str().unwrap().to_owned();
    let before = due(&app.get(&path, Some(&staff)).await.body);
    let due_day = &before[..10];

    // A community exception elsewhere changes nothing here.
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let other = app
        .state
        .db
        .ensure_jurisdiction(
            Some(&app.places.street),
            anju_domain::JurisdictionLevel::Community,
            "另一个社区",
        )
        .await
        .unwrap();
    let r = app
        .post(
            "/api/calendar/days",
            Some(&admin),
            json!({ "community_id": other.id, "notice": format!("off {due_day} 停电") }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(due(&app.get(&path, Some(&staff)).await.body), before);

    // A national notice declaring the due day a holiday moves the deadline later.
    let r = app
        .post(
            "/api/calendar/days",
            Some(&admin),
            json!({ "notice": format!("# 补充通知\noff {due_day} 临时放假") }),
        )
        .await;
    assert_eq!(r.body["days"], 1);
    let after = due(&app.get(&path, Some(&staff)).await.body);
    assert!(after > before, "{before} → {after}");
    assert!(after.ends_with("18:00:00+08:00"));
    let listed = app.get("/api/calendar/days", Some(&admin)).await;
    assert_eq!(listed.body[0]["day"], due_day);

    let r = app
        .post(
            "/api/calendar/days",
            Some(&admin),
            json!({ "notice": "holiday 2027-01-01" }),
        )
        .await;
    assert!(r.body["fields"]["notice"]["message"]
        .as_str()
        .unwrap()
        .contains("第 1 行"));
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let r = app
        .post(
            "/api/calendar/days",
            Some(&county),
            json!({ "notice": "off 2027-01-01" }),
        )
        .await;
    assert_envelope(&r, StatusCode::FORBIDDEN, "forbidden");
}

on_both_backends!(every_case_endpoint_hides_other_jurisdictions_cases);

/// Staff of another community, and another resident, get 404 (or 403 for staff-only work)
/// from every endpoint that touches a case.
async fn every_case_endpoint_hides_other_jurisdictions_cases(app: TestApp) {
    let owner = app.register("13900000140").await;
    let case = file(&app, &owner, "home-repair", "iso-1").await;
    let id = case["id"].as_i64().unwrap();
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    act(
        &app,
        &staff,
        &case["id"],
        json!({ "action": "acknowledge" }),
    )
    .await;
    act(
        &app,
        &staff,
        &case["id"],
        json!({ "action": "resolve", "note": "修好了" }),
    )
    .await;

    let other = app
        .state
        .db
        .ensure_jurisdiction(
            Some(&app.places.street),
            JurisdictionLevel::Community,
            "邻居社区",
        )
        .await
        .unwrap();
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    app.post(
        "/api/admin/accounts",
        Some(&admin),
        json!({ "phone": "13900000141", "password": "staff passphrase",
        "display_name": "邻居社工", "role": "community_staff", "jurisdiction_id": other.id }),
    )
    .await;
    let outsider = app
        .sign_in("13900000141", "staff passphrase")
        .await
        .cookie()
        .unwrap();
    let stranger = app.register("13900000142").await;

    for who in [&outsider, &stranger] {
        let gets = [
            format!("/api/cases/{id}"),
            format!("/api/cases/{id}/photos/1"),
        ];
        for path in gets {
            assert_eq!(
                app.get(&path, Some(who)).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let posts = [
            (
                format!("/api/cases/{id}/actions"),
                json!({ "action": "comment", "note": "x" }),
            ),
            (
                format!("/api/cases/{id}/callbacks"),
                json!({ "reached": false }),
            ),
            (format!("/api/cases/{id}/major"), json!({ "major": true })),
        ];
        for (path, body) in posts {
            assert_eq!(
                app.post(&path, Some(who), body).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let upload = axum::http::Request::builder()
            .method("POST")
            .uri(format!("/api/cases/{id}/photos"))
            .header("x-anju-client", "1")
            .header("cookie", who.as_str())
            .body(axum::body::Body::from(vec![0u8; 10]))
            .unwrap();
        assert_eq!(app.send(upload).await.status, StatusCode::NOT_FOUND);
        let listed = app.get("/api/cases", Some(who)).await;
        assert!(listed.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != id));
    }
    let draw = app
        .get(
            &format!(
                "/api/callbacks/draws?community_id={}&month=2026-01",
                app.places.community.id
            ),
            Some(&outsider),
        )
        .await;
    assert!(draw.body["fields"]["community_id"].is_object());
    let report = app
        .get(
            &format!(
                "/api/reports/complaints?community_id={}&month=2026-01",
                app.places.community.id
            ),
            Some(&outsider),
        )
        .await;
    assert!(report.body["fields"]["community_id"].is_object());
    // The owner's resident can not mark staff-only things either.
    assert_eq!(
        app.post(
            &format!("/api/cases/{id}/major"),
            Some(&owner),
            json!({ "major": true })
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(staff_assign_a_case_to_a_colleague_over_it);

async fn staff_assign_a_case_to_a_colleague_over_it(app: TestApp) {
    let resident = app.register("13900000150").await;
    let case = file(&app, &resident, "home-repair", "as-1").await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let people = app
        .get(
            &format!("/api/cases/{}/assignees", case["id"]),
            Some(&staff),
        )
        .await;
    let names: Vec<&str> = people
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["张丽（柳岸社区）", "陈明（湖滨街道）"]);
    let street_id = people.body[1]["id"].clone();
    let r = act(
        &app,
        &staff,
        &case["id"],
        json!({ "action": "assign", "assignee_id": street_id }),
    )
    .await;
    assert_eq!(r.body["assignee_name"], "陈明（湖滨街道）", "{}", r.body);
    let assessor = app
        .state
        .db
        .account_by_phone("13800000005")
        .await
        .unwrap()
        .unwrap();
    let r = act(
        &app,
        &staff,
        &case["id"],
        json!({ "action": "assign", "assignee_id": assessor.id }),
    )
    .await;
    assert!(
        r.body["fields"]["assignee_id"].is_object(),
        "assessors do not take complaints"
    );
    assert_envelope(
        &app.get(
            &format!("/api/cases/{}/assignees", case["id"]),
            Some(&resident),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}

on_both_backends!(a_communitys_working_hours_set_when_working_day_deadlines_close);

async fn a_communitys_working_hours_set_when_working_day_deadlines_close(app: TestApp) {
    let admin = app.sign_in_demo(Role::CountyAdmin).await;
    let path = format!("/api/communities/{}/working-hours", app.places.community.id);
    let put =
        |body: Value| TestApp::request(axum::http::Method::PUT, &path, Some(&admin), Some(body));
    let bad = app.send(put(json!({ "hours": "18:00-08:00" }))).await;
    assert!(bad.body["fields"]["hours"].is_object());
    assert_eq!(
        app.send(put(json!({ "hours": "09:00-17:00" })))
            .await
            .status,
        StatusCode::NO_CONTENT
    );

    let resident = app.register("13900000160").await;
    let case = file(&app, &resident, "common-area-repair", "wh-1").await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let seen = app
        .get(&format!("/api/cases/{}", case["id"]), Some(&staff))
        .await;
    assert!(
        seen.body["due"][0]["due_at"]
            .as_str()
            .unwrap()
            .ends_with("T17:00:00+08:00"),
        "{}",
        seen.body
    );
    let forbidden = TestApp::request(
        axum::http::Method::PUT,
        &path,
        Some(&staff),
        Some(json!({ "hours": "09:00-17:00" })),
    );
    assert_envelope(
        &app.send(forbidden).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}
