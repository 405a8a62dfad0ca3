//! Who assesses a confirmed household, through the API: the county's organisations and their
//! assessors, assigning a household, the assessor's masked list and audited full record, and
//! booking the visit (proposed by the assessor, answered by the family), with isolation
//! between organisations and counties.

use super::retrofit::{act, submitted, this_year};
use crate::support::{assert_envelope, on_both_backends, png, upload, TestApp};
use anju_domain::calendar::shanghai;
use anju_domain::{JurisdictionLevel, Role};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone};
use serde_json::{json, Value};

on_both_backends!(
    the_county_assigns_a_household_its_assessor_books_and_the_family_asks_for_another_time,
    assessors_see_only_their_organisations_households_and_belong_to_one_organisation,
    bad_booking_input_names_the_field_and_changes_nothing,
    the_assessor_records_the_home_screen_by_screen_and_the_reviewer_is_told_of_a_mismatch,
    room_photos_are_the_assessors_kept_once_and_shown_to_the_family,
);

fn orgs_path(county: i64) -> String {
    format!("/api/retrofit/counties/{county}/assessment-orgs")
}

/// Unix seconds of `hour`:00 Beijing time, `days` from the app's now.
fn beijing_at(app: &TestApp, days: i64, hour: u32) -> i64 {
    let day = DateTime::from_timestamp(app.state.clock.now(), 0)
        .unwrap()
        .with_timezone(&shanghai())
        .date_naive()
        + Duration::days(days);
    shanghai()
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
        .single()
        .unwrap()
        .timestamp()
}

pub(super) async fn account_id(app: &TestApp, cookie: &str) -> i64 {
    let me = app.get("/api/me", Some(cookie)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    me.body["id"]
        .as_i64()
        .or_else(|| me.body["account"]["id"].as_i64())
        .expect("account id")
}

/// An elder's application, approved by the street and confirmed by the county; returns
/// (elder cookie, id, county admin cookie).
pub(super) async fn confirmed(app: &TestApp, phone: &str) -> (String, Value, String) {
    let (elder, id) = submitted(app, phone, "19400101").await;
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let r = act(app, &street, &id, json!({ "action": "approve" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let r = app
        .put(
            &format!("/api/retrofit/counties/{}/settings", app.places.county.id),
            Some(&county),
            json!({ "year": this_year(), "quota": 10, "minimum_living_allowance_covered": false }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = act(app, &county, &id, json!({ "action": "confirm" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (elder, id, county)
}

/// A new organisation of our county; returns its id.
pub(super) async fn new_org(app: &TestApp, county: &str, name: &str) -> i64 {
    let r = app
        .post(
            &orgs_path(app.places.county.id),
            Some(county),
            json!({ "name": name }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .and_then(|o| o["id"].as_i64())
        .expect("the new organisation")
}

/// An assessor account of our county, added to `org`; returns (cookie, account id).
pub(super) async fn assessor_in(
    app: &TestApp,
    county: &str,
    org: i64,
    phone: &str,
) -> (String, i64) {
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let cookie = app
        .create_staff(&admin, phone, "assessor", app.places.county.id)
        .await;
    let account = account_id(app, &cookie).await;
    let r = app
        .put(
            &format!(
                "{}/{org}/members/{account}",
                orgs_path(app.places.county.id)
            ),
            Some(county),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (cookie, account)
}

pub(super) async fn assign(
    app: &TestApp,
    county: &str,
    id: &Value,
    org: i64,
) -> crate::support::Response {
    app.put(
        &format!("/api/retrofit/applications/{id}/assessment-org"),
        Some(county),
        json!({ "org_id": org }),
    )
    .await
}

async fn count(app: &TestApp, sql: &str) -> usize {
    app.strings(sql).await.len()
}

async fn the_county_assigns_a_household_its_assessor_books_and_the_family_asks_for_another_time(
    app: TestApp,
) {
    let (elder, id, county) = confirmed(&app, "13900000901").await;
    let org = new_org(&app, &county, "临江居家评估中心").await;
    // The county's names are unique, also when typed with spaces around them.
    let again = app
        .post(
            &orgs_path(app.places.county.id),
            Some(&county),
            json!({ "name": "  临江居家评估中心 " }),
        )
        .await;
    assert_envelope(&again, StatusCode::CONFLICT, "conflict");
    assert!(again.body["fields"]["name"].is_object(), "{}", again.body);

    let (assessor, assessor_id) = assessor_in(&app, &county, org, "13900000902").await;
    let orgs = app
        .get(&orgs_path(app.places.county.id), Some(&county))
        .await
        .body;
    assert_eq!(orgs["orgs"][0]["members"][0]["account_id"], assessor_id);
    assert!(!orgs["assessors_without_org"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["account_id"] == assessor_id));

    // Before the assignment the household is not the assessor's.
    let path = format!("/api/retrofit/applications/{id}");
    assert_envelope(
        &app.get(&path, Some(&assessor)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let list = app.get("/api/retrofit/assessments", Some(&assessor)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.body["org_name"], "临江居家评估中心");
    assert_eq!(list.body["items"], json!([]));

    // The street office reviews; only the county assigns.
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    assert_envelope(
        &assign(&app, &street, &id, org).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let assigned = assign(&app, &county, &id, org).await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    assert_eq!(assigned.body["assessment"]["org_name"], "临江居家评估中心");
    // Assigning again (a retry) changes nothing and tells nobody twice.
    assert_eq!(assign(&app, &county, &id, org).await.status, StatusCode::OK);
    let notices = app.get("/api/notifications", Some(&elder)).await.body;
    let about: Vec<&Value> = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["application_id"] == id)
        .collect();
    assert_eq!(about.len(), 1, "{notices}");
    assert!(about[0]["message"]
        .as_str()
        .unwrap()
        .contains("临江居家评估中心"));

    // The assessor's list: where to go and whom to call, the elder's name masked.
    let list = app
        .get("/api/retrofit/assessments", Some(&assessor))
        .await
        .body;
    let row = &list["items"][0];
    assert_eq!(row["id"], id);
    assert_eq!(row["elder_name_masked"], "王*英");
    assert_eq!(row["contact_phone"], "13900000901");
    assert!(row["home_label"].as_str().is_some(), "{row}");
    assert_eq!(row["visit"], Value::Null);

    // The full record: recorded, shown to the family, and without the family's papers.
    let views_before = app.audit_details("retrofit.view").await.len();
    let full = app.get(&path, Some(&assessor)).await;
    assert_eq!(full.status, StatusCode::OK, "{}", full.body);
    assert_eq!(full.body["elder_name"], "王秀英");
    assert_eq!(full.body["documents"], json!([]));
    assert!(full.body["id_number_masked"]
        .as_str()
        .unwrap()
        .contains('*'));
    assert_eq!(full.body["assessment"]["may_propose_visit"], true);
    assert_eq!(
        app.audit_details("retrofit.view").await.len(),
        views_before + 1
    );
    let log = app
        .get(&format!("{path}/access-log"), Some(&elder))
        .await
        .body;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["role"] == "assessor" && e["kind"] == "viewed_application"),
        "{log}"
    );
    assert_envelope(
        &app.get(&format!("{path}/documents/1"), Some(&assessor))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_envelope(
        &app.post(&format!("{path}/id-number"), Some(&assessor), json!({}))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    // The assessor proposes a time; the family is told, once even when the request repeats.
    let at = beijing_at(&app, 3, 10);
    let visit = json!({ "at": at, "note": "请家里留人" });
    for _ in 0..2 {
        let r = app
            .put(&format!("{path}/visit"), Some(&assessor), visit.clone())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["assessment"]["visit"]["at"], at);
        assert_eq!(r.body["assessment"]["visit"]["state"], "proposed");
    }
    let events = format!(
        "SELECT action FROM retrofit_events WHERE application_id = {id} AND action = 'propose_visit'"
    );
    assert_eq!(count(&app, &events).await, 1);
    let seen = app.get(&path, Some(&elder)).await.body;
    assert_eq!(seen["assessment"]["may_ask_another_time"], true);
    assert_eq!(seen["assessment"]["may_propose_visit"], false);
    assert_eq!(seen["assessment"]["visit"]["note"], "请家里留人");
    let notices = app.get("/api/notifications", Some(&elder)).await.body;
    assert_eq!(
        notices["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["application_id"] == id)
            .count(),
        2,
        "{notices}"
    );
    // The family cannot book for the assessor, nor the assessor answer for the family.
    assert_envelope(
        &app.put(&format!("{path}/visit"), Some(&elder), visit.clone())
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let another = json!({ "note": "周末上午家里有人" });
    assert_envelope(
        &app.post(
            &format!("{path}/visit/another-time"),
            Some(&assessor),
            another.clone(),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    // The family asks for another time; the assessor is told, once.
    for _ in 0..2 {
        let r = app
            .post(
                &format!("{path}/visit/another-time"),
                Some(&elder),
                another.clone(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["assessment"]["visit"]["state"], "another_time_asked");
        assert_eq!(r.body["assessment"]["may_ask_another_time"], false);
    }
    let told = app.get("/api/notifications", Some(&assessor)).await.body;
    assert_eq!(
        told["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["application_id"] == id)
            .count(),
        1,
        "{told}"
    );
    let list = app
        .get("/api/retrofit/assessments", Some(&assessor))
        .await
        .body;
    assert_eq!(list["items"][0]["visit"]["state"], "another_time_asked");
    assert_eq!(list["items"][0]["visit"]["note"], "周末上午家里有人");

    // A new proposal; the timeline tells the whole story, each step audited.
    let saturday = beijing_at(&app, 4, 9);
    let r = app
        .put(
            &format!("{path}/visit"),
            Some(&assessor),
            json!({ "at": saturday }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["assessment"]["visit"]["state"], "proposed");
    let actions: Vec<Value> = r.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].clone())
        .filter(|a| {
            ["assign_assessor", "propose_visit", "ask_another_time"].contains(&a.as_str().unwrap())
        })
        .collect();
    assert_eq!(
        actions,
        json!([
            "assign_assessor",
            "propose_visit",
            "ask_another_time",
            "propose_visit"
        ])
        .as_array()
        .unwrap()
        .clone()
    );
    assert_eq!(app.audit_details("retrofit.propose_visit").await.len(), 2);
    assert_eq!(
        app.audit_details("retrofit.ask_another_time").await.len(),
        1
    );
    assert_eq!(app.audit_details("retrofit.assign_assessor").await.len(), 1);
}

async fn assessors_see_only_their_organisations_households_and_belong_to_one_organisation(
    app: TestApp,
) {
    let (_, id, county) = confirmed(&app, "13900000911").await;
    let first = new_org(&app, &county, "甲评估机构").await;
    let second = new_org(&app, &county, "乙评估机构").await;
    let (ours, ours_id) = assessor_in(&app, &county, first, "13900000912").await;
    let (theirs, _) = assessor_in(&app, &county, second, "13900000913").await;
    assert_eq!(
        assign(&app, &county, &id, first).await.status,
        StatusCode::OK
    );

    // Another organisation of the same county sees nothing of it.
    let path = format!("/api/retrofit/applications/{id}");
    let at = beijing_at(&app, 2, 14);
    for r in [
        app.get(&path, Some(&theirs)).await,
        app.put(&format!("{path}/visit"), Some(&theirs), json!({ "at": at }))
            .await,
        app.get(&format!("{path}/access-log"), Some(&theirs)).await,
    ] {
        assert_envelope(&r, StatusCode::NOT_FOUND, "not_found");
    }
    let list = app
        .get("/api/retrofit/assessments", Some(&theirs))
        .await
        .body;
    assert_eq!(list["items"], json!([]));

    // One organisation per assessor, kept by the database.
    let twice = app
        .put(
            &format!(
                "{}/{second}/members/{ours_id}",
                orgs_path(app.places.county.id)
            ),
            Some(&county),
            json!({}),
        )
        .await;
    assert_envelope(&twice, StatusCode::CONFLICT, "conflict");
    assert!(
        twice.body["fields"]["account_id"].is_object(),
        "{}",
        twice.body
    );

    // Another county's admin and assessor see none of it; its organisations are not ours.
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let city = app
        .state
        .db
        .jurisdiction(app.places.county.parent_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    let other = app
        .state
        .db
        .ensure_jurisdiction(Some(&city), JurisdictionLevel::County, "别的区")
        .await
        .unwrap();
    let other_admin = app
        .create_staff(&admin, "13900000914", "county_admin", other.id)
        .await;
    let other_assessor = app
        .create_staff(&admin, "13900000915", "assessor", other.id)
        .await;
    for r in [
        app.get(&orgs_path(app.places.county.id), Some(&other_admin))
            .await,
        app.put(
            &format!(
                "{}/{first}/members/{ours_id}",
                orgs_path(app.places.county.id)
            ),
            Some(&other_admin),
            json!({}),
        )
        .await,
        assign(&app, &other_admin, &id, first).await,
        app.get(&path, Some(&other_assessor)).await,
    ] {
        assert_envelope(&r, StatusCode::NOT_FOUND, "not_found");
    }
    let theirs_org = app
        .post(
            &orgs_path(other.id),
            Some(&other_admin),
            json!({ "name": "别区评估机构" }),
        )
        .await;
    assert_eq!(
        theirs_org.status,
        StatusCode::CREATED,
        "{}",
        theirs_org.body
    );
    let theirs_org = theirs_org.body["orgs"][0]["id"].as_i64().unwrap();
    let wrong = assign(&app, &county, &id, theirs_org).await;
    assert_envelope(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(wrong.body["fields"]["org_id"].is_object(), "{}", wrong.body);

    // Reassigned to the second organisation: the first one's assessor loses it at once.
    let moved = assign(&app, &county, &id, second).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_envelope(
        &app.get(&path, Some(&ours)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_eq!(app.get(&path, Some(&theirs)).await.status, StatusCode::OK);
    // Removed from their organisation, an assessor sees none of its households.
    let removed = app
        .delete(
            &format!(
                "{}/{second}/members/{}",
                orgs_path(app.places.county.id),
                account_id(&app, &theirs).await
            ),
            Some(&county),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert_envelope(
        &app.get(&path, Some(&theirs)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_eq!(
        app.audit_details("retrofit.assessor_removed").await.len(),
        1
    );
}

async fn bad_booking_input_names_the_field_and_changes_nothing(app: TestApp) {
    // Not confirmed yet: nothing to assign.
    let (elder, early) = submitted(&app, "13900000921", "19400101").await;
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let org = new_org(&app, &county, "丙评估机构").await;
    assert_envelope(
        &assign(&app, &county, &early, org).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let blank = app
        .post(
            &orgs_path(app.places.county.id),
            Some(&county),
            json!({ "name": "   " }),
        )
        .await;
    assert_envelope(&blank, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(blank.body["fields"]["name"].is_object(), "{}", blank.body);
    drop(elder);

    let (elder, id, county) = confirmed(&app, "13900000922").await;
    let (assessor, _) = assessor_in(&app, &county, org, "13900000923").await;
    assert_eq!(assign(&app, &county, &id, org).await.status, StatusCode::OK);
    let path = format!("/api/retrofit/applications/{id}");
    for (body, field) in [
        (json!({ "at": app.state.clock.now() - 60 }), "at"),
        (json!({ "at": beijing_at(&app, 2, 22) }), "at"),
        (json!({ "at": beijing_at(&app, 120, 10) }), "at"),
        (
            json!({ "at": beijing_at(&app, 2, 10), "note": "字".repeat(201) }),
            "note",
        ),
    ] {
        let r = app
            .put(&format!("{path}/visit"), Some(&assessor), body)
            .await;
        assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert!(r.body["fields"][field].is_object(), "{}", r.body);
    }
    let not_json = app
        .put(
            &format!("{path}/visit"),
            Some(&assessor),
            json!({ "at": "tomorrow" }),
        )
        .await;
    assert_envelope(&not_json, StatusCode::BAD_REQUEST, "bad_request");
    // Nothing proposed yet: nothing to answer.
    let early_answer = app
        .post(
            &format!("{path}/visit/another-time"),
            Some(&elder),
            json!({ "note": "周末" }),
        )
        .await;
    assert_envelope(&early_answer, StatusCode::CONFLICT, "conflict");
    let ok = app
        .put(
            &format!("{path}/visit"),
            Some(&assessor),
            json!({ "at": beijing_at(&app, 2, 10) }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let empty = app
        .post(
            &format!("{path}/visit/another-time"),
            Some(&elder),
            json!({ "note": "  " }),
        )
        .await;
    assert_envelope(&empty, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(empty.body["fields"]["note"].is_object());
    let seen = app.get(&path, Some(&elder)).await.body;
    assert_eq!(seen["assessment"]["visit"]["state"], "proposed");
    let events = format!(
        "SELECT action FROM retrofit_events WHERE application_id = {id} AND action IN ('propose_visit', 'ask_another_time')"
    );
    assert_eq!(count(&app, &events).await, 1);
}

async fn the_assessor_records_the_home_screen_by_screen_and_the_reviewer_is_told_of_a_mismatch(
    app: TestApp,
) {
    let (elder, id, county) = confirmed(&app, "13900000931").await;
    let org = new_org(&app, &county, "丁评估机构").await;
    let (assessor, _) = assessor_in(&app, &county, org, "13900000932").await;
    let other_org = new_org(&app, &county, "戊评估机构").await;
    let (outsider, _) = assessor_in(&app, &county, other_org, "13900000933").await;
    assert_eq!(assign(&app, &county, &id, org).await.status, StatusCode::OK);
    let path = format!("/api/retrofit/applications/{id}/assessment-record");
    let save = |cookie: String, body: Value| {
        let app = &app;
        let path = path.clone();
        async move { app.put(&path, Some(&cookie), body).await }
    };

    let empty = app.get(&path, Some(&assessor)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert_eq!(empty.body["editable"], true);
    assert_eq!(empty.body["missing"].as_array().unwrap().len(), 8);
    assert_envelope(
        &app.get(&path, Some(&outsider)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let activities = json!({ "screen": "activities", "answers": [
        ["eat", "can_do"], ["dress", "cannot"], ["bed", "needs_help"],
        ["toilet", "cannot"], ["walk_indoors", "needs_help"], ["bathe", "cannot"]
    ] });
    for cookie in [&elder, &street, &county] {
        assert_envelope(
            &save(cookie.clone(), activities.clone()).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    // Not done before every screen is filled.
    let done = json!({ "action": "record_assessment" });
    let early = act(&app, &assessor, &id, done.clone()).await;
    assert_envelope(&early, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(early.body["fields"]["record"].is_object(), "{}", early.body);

    // The activities: 5 of 6 not on her own, where the application claimed none (she is
    // over 80, so it never asked): the reviewer is told. Saved twice, kept once.
    for _ in 0..2 {
        let r = save(assessor.clone(), activities.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["record"]["activities"].as_array().unwrap().len(), 6);
        assert_eq!(
            r.body["disability_mismatch"],
            json!({ "claimed": 0, "recorded": 5 })
        );
    }
    let seen = app
        .get(&format!("/api/retrofit/applications/{id}"), Some(&street))
        .await
        .body;
    assert_eq!(
        seen["assessment"]["disability_mismatch"],
        json!({ "claimed": 0, "recorded": 5 })
    );
    let views_before = app.audit_details("retrofit.view").await.len();
    let read = app.get(&path, Some(&street)).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.body["editable"], false);
    assert_eq!(
        app.audit_details("retrofit.view").await.len(),
        views_before + 1
    );

    // Bad screens name the field and change nothing.
    for (body, field) in [
        (
            json!({ "screen": "room", "room": "kitchen", "hazards": ["squat_toilet"] }),
            "hazards",
        ),
        (json!({ "screen": "wishes", "wishes": "  " }), "wishes"),
        (
            json!({ "screen": "activities", "answers": [["eat", "cannot"], ["eat", "can_do"]] }),
            "answers",
        ),
    ] {
        let r = save(assessor.clone(), body).await;
        assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert!(r.body["fields"][field].is_object(), "{}", r.body);
    }
    let unknown = save(assessor.clone(), json!({ "screen": "garden" })).await;
    assert_envelope(&unknown, StatusCode::BAD_REQUEST, "bad_request");

    // Every room, then the elder's wishes.
    for room in [
        "entrance",
        "living_room",
        "bedroom",
        "bathroom",
        "kitchen",
        "corridor",
    ] {
        let hazards = if room == "bathroom" {
            json!(["no_grab_bar", "squat_toilet"])
        } else {
            json!([])
        };
        let r = save(
            assessor.clone(),
            json!({ "screen": "room", "room": room, "hazards": hazards, "note": "看过了" }),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = save(
        assessor.clone(),
        json!({ "screen": "wishes", "wishes": "想在卫生间装扶手，夜里起床有灯" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["missing"], json!([]));
    assert_eq!(
        r.body["record"]["activities"][1],
        json!(["dress", "cannot"])
    );
    // Sealed at rest: the answers are not in the database in plain text.
    let stored = app
        .strings("SELECT record_enc FROM retrofit_assessment_records")
        .await;
    assert_eq!(stored.len(), 1);
    assert!(
        !stored[0].contains("bathroom") && !stored[0].contains("扶手"),
        "{}",
        stored[0]
    );
    assert!(app
        .audit_details("retrofit.assessment_record")
        .await
        .iter()
        .all(|d| !d.contains("扶手")));

    // Done: the household is assessed, once; the record is then read-only.
    for _ in 0..2 {
        let r = act(&app, &assessor, &id, done.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["state"], "assessed");
    }
    assert_eq!(
        app.audit_details("retrofit.record_assessment").await.len(),
        1
    );
    let late = save(assessor.clone(), activities).await;
    assert_envelope(&late, StatusCode::CONFLICT, "conflict");
    let family = app.get(&path, Some(&elder)).await;
    assert_eq!(family.status, StatusCode::OK, "{}", family.body);
    assert_eq!(family.body["editable"], false);
}

async fn room_photos_are_the_assessors_kept_once_and_shown_to_the_family(app: TestApp) {
    let (elder, id, county) = confirmed(&app, "13900000941").await;
    let org = new_org(&app, &county, "己评估机构").await;
    let (assessor, _) = assessor_in(&app, &county, org, "13900000942").await;
    let other_org = new_org(&app, &county, "庚评估机构").await;
    let (outsider, _) = assessor_in(&app, &county, other_org, "13900000943").await;
    assert_eq!(assign(&app, &county, &id, org).await.status, StatusCode::OK);
    let path =
        |room: &str| format!("/api/retrofit/applications/{id}/assessment-photos?room={room}");

    let first = app
        .send(upload(&path("bathroom"), &assessor, png(40)))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    // The same photo again (a retry on a poor signal) is kept once.
    let again = app
        .send(upload(&path("bathroom"), &assessor, png(40)))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let photos = again.body["photos"].as_array().unwrap().clone();
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0]["room"], "bathroom");

    // Only the household's assessor adds photos; a bad room or a file that is no photo is
    // refused by name.
    for cookie in [&elder, &county] {
        assert_envelope(
            &app.send(upload(&path("kitchen"), cookie, png(41))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    assert_envelope(
        &app.send(upload(&path("kitchen"), &outsider, png(41))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let bad_room = app.send(upload(&path("garden"), &assessor, png(41))).await;
    assert_eq!(
        bad_room.status,
        StatusCode::BAD_REQUEST,
        "{}",
        bad_room.body
    );
    let not_a_photo = app
        .send(upload(
            &path("kitchen"),
            &assessor,
            b"just some text, renamed .jpg".to_vec(),
        ))
        .await;
    assert_envelope(&not_a_photo, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(
        not_a_photo.body["fields"]["photo"].is_object(),
        "{}",
        not_a_photo.body
    );
    // Six per room.
    for shade in [80, 120, 160, 200, 240] {
        let r = app
            .send(upload(&path("bathroom"), &assessor, png(shade)))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let seventh = app
        .send(upload(&path("bathroom"), &assessor, png(20)))
        .await;
    assert_envelope(&seventh, StatusCode::UNPROCESSABLE_ENTITY, "validation");

    // The family sees them with the record; the street office's look is recorded.
    let record = app
        .get(
            &format!("/api/retrofit/applications/{id}/assessment-record"),
            Some(&elder),
        )
        .await;
    assert_eq!(record.body["photos"].as_array().unwrap().len(), 6);
    let url = record.body["photos"][0]["url"].as_str().unwrap().to_owned();
    let image = app.get(&url, Some(&elder)).await;
    assert_eq!(image.status, StatusCode::OK);
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let views = app.audit_details("retrofit.view").await.len();
    assert_eq!(app.get(&url, Some(&street)).await.status, StatusCode::OK);
    assert_eq!(app.audit_details("retrofit.view").await.len(), views + 1);
    assert_envelope(
        &app.get(&url, Some(&outsider)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_eq!(
        app.audit_details("retrofit.assessment_photo").await.len(),
        6
    );
}
