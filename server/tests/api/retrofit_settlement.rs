//! After acceptance through the API: the county settles only what passed acceptance with an
//! after-photo, at the signed amounts and once; payments stay within the settled amount and
//! each voucher is recorded once; the county's list adds up and exports; the family's
//! warranty claims reach the builder with a deadline on the working calendar, go overdue for
//! the street office, and stop at the warranty's last day.

use super::retrofit::act;
use super::retrofit_plan::PASSWORD;
use super::retrofit_works::{built, field, notes};
use crate::support::{assert_envelope, on_both_backends, png, upload, TestApp};
use anju_domain::Role;
use axum::http::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    the_county_settles_only_accepted_photographed_items_once_and_pays_within_the_amount,
    warranty_claims_reach_the_builder_with_a_working_day_deadline_until_the_warranty_ends,
    a_household_accepted_before_warranty_dates_were_kept_gets_its_last_day_at_the_next_start,
);

/// Line 3 of the four-item plan was not carried out; the others passed.
fn verdicts_with_line_3_not_done() -> Value {
    json!({ "items": [
        { "line": 1, "verdict": "passed" },
        { "line": 2, "verdict": "passed" },
        { "line": 3, "verdict": "not_done", "note": "家属临时决定不做地面防滑" },
        { "line": 4, "verdict": "passed" },
    ] })
}

pub(super) async fn signed_in(app: &TestApp, phone: &str, password: &str) -> String {
    let r = app.sign_in(phone, password).await;
    r.cookie()
        .unwrap_or_else(|| panic!("signed in: {}", r.body))
}

pub(super) async fn accepted(
    app: &TestApp,
    phones: [&str; 3],
    company: &str,
    verdicts: Value,
) -> (String, Value, String) {
    let (elder, id, builder) = built(app, phones, company).await;
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let r = app
        .post(
            &format!("/api/retrofit/applications/{id}/acceptance"),
            Some(&street),
            verdicts,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["state"], "accepted");
    (elder, id, builder)
}

async fn the_county_settles_only_accepted_photographed_items_once_and_pays_within_the_amount(
    app: TestApp,
) {
    let (elder, id, builder) = accepted(
        &app,
        ["13900001201", "13900001202", "13900001203"],
        "戊施工队",
        verdicts_with_line_3_not_done(),
    )
    .await;
    // The family heard of each item as it was finished, once.
    assert_eq!(notes(&app, &elder).await.matches("已完工（申请").count(), 4);
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let path = format!("/api/retrofit/applications/{id}");

    // The family answers the visit: a problem must be said; it reaches the street office; once.
    let respond = format!("{path}/acceptance/response");
    let seen = app.get(&path, Some(&elder)).await.body;
    assert_eq!(seen["works"]["may_respond"], true);
    assert_envelope(
        &app.post(&respond, Some(&builder), json!({ "agrees": true }))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    field(
        &app.post(
            &respond,
            Some(&elder),
            json!({ "agrees": false, "note": " " }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "note",
    );
    let said = app
        .post(
            &respond,
            Some(&elder),
            json!({ "agrees": false, "note": "地面防滑我们后来又想做了" }),
        )
        .await;
    assert_eq!(said.status, StatusCode::OK, "{}", said.body);
    assert_eq!(said.body["works"]["family_response"]["agrees"], false);
    assert_eq!(said.body["works"]["may_respond"], false);
    assert!(notes(&app, &street).await.contains("家属对验收结果有意见"));
    assert_envelope(
        &app.post(&respond, Some(&elder), json!({ "agrees": true }))
            .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    let seen = app.get(&path, Some(&county)).await.body;
    let lines = seen["settlement"]["lines"].as_array().unwrap().clone();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["blocked"], Value::Null);
    assert_eq!(lines[1]["blocked"], Value::Null);
    assert_eq!(lines[2]["blocked"], "not_accepted");
    assert_eq!(lines[3]["blocked"], "no_subsidy", "an optional item");
    let subsidy = |i: usize| lines[i]["subsidy_fen"].as_i64().unwrap();
    assert!(subsidy(0) > 0 && subsidy(1) > 0 && subsidy(2) > 0);
    let signed_total: i64 = (0..4).map(subsidy).sum();
    assert_eq!(
        seen["settlement"]["settleable_fen"].as_i64(),
        Some(subsidy(0) + subsidy(1))
    );
    // The family sees it too (the subsidy is theirs to know about).
    let family = app.get(&path, Some(&elder)).await.body;
    assert_eq!(family["settlement"]["lines"], json!(lines));

    let settle = |cookie: &str, body: Value| {
        let (app, cookie, path) = (&app, cookie.to_owned(), format!("{path}/settlement"));
        async move { app.post(&path, Some(&cookie), body).await }
    };
    for cookie in [&elder, &street, &builder] {
        assert_envelope(
            &settle(cookie, json!({ "lines": [1, 2] })).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    assert_envelope(
        &act(&app, &county, &id, json!({ "action": "settle" })).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    // Not carried out, paid by the household, not in the plan, or nothing at all: refused.
    for lines in [json!([1, 3]), json!([4]), json!([9]), json!([])] {
        field(
            &settle(&county, json!({ "lines": lines })).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines",
        );
    }
    // Paying before settling is refused.
    let pay = |body: Value| {
        let (app, cookie, path) = (&app, county.clone(), format!("{path}/payments"));
        async move { app.post(&path, Some(&cookie), body).await }
    };
    let today = chrono::DateTime::from_timestamp(app.state.clock.now(), 0)
        .unwrap()
        .with_timezone(&anju_domain::calendar::shanghai())
        .format("%Y-%m-%d")
        .to_string();
    assert_envelope(
        &pay(json!({ "paid_on": today, "voucher_no": "记-001", "amount": "1" })).await,
        StatusCode::CONFLICT,
        "conflict",
    );

    let done = settle(&county, json!({ "lines": [2, 1] })).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["state"], "settled");
    let due = done.body["settlement"]["due_fen"].as_i64().unwrap();
    assert_eq!(due, subsidy(0) + subsidy(1));
    assert!(
        due < signed_total,
        "never more than the signed plan's subsidy"
    );
    assert_eq!(done.body["settlement"]["lines"][0]["settled"], true);
    assert_eq!(done.body["settlement"]["lines"][2]["settled"], false);
    assert!(notes(&app, &elder).await.contains("已结算"));
    assert!(notes(&app, &builder).await.contains("已结算"));
    // A second settlement (a retry or a second clerk) is refused.
    assert_envelope(
        &settle(&county, json!({ "lines": [1, 2] })).await,
        StatusCode::CONFLICT,
        "conflict",
    );

    // Payments: dated, vouchered, never above what was settled in total.
    let yuan = |fen: i64| format!("{}.{:02}", fen / 100, fen % 100);
    field(
        &pay(json!({ "paid_on": today, "voucher_no": "记-001", "amount": yuan(due + 1) })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "amount",
    );
    field(
        &pay(json!({ "paid_on": "2099-01-01", "voucher_no": "记-001", "amount": "1" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "paid_on",
    );
    let first =
        pay(json!({ "paid_on": today, "voucher_no": "记-001", "amount": yuan(due - 100) })).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(
        first.body["settlement"]["paid_fen"].as_i64(),
        Some(due - 100)
    );
    field(
        &pay(json!({ "paid_on": today, "voucher_no": "记-001", "amount": "1" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "voucher_no",
    );
    field(
        &pay(json!({ "paid_on": today, "voucher_no": "记-002", "amount": "1.01" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "amount",
    );
    let rest = pay(json!({ "paid_on": today, "voucher_no": "记-002", "amount": "1" })).await;
    assert_eq!(rest.status, StatusCode::OK, "{}", rest.body);
    assert_eq!(rest.body["settlement"]["paid_fen"].as_i64(), Some(due));
    assert_eq!(
        rest.body["settlement"]["payments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(notes(&app, &elder).await.contains("已全部付清"));

    // The county's list: this household with its amounts and vouchers; totals add up.
    let list = app.get("/api/retrofit/settlements", Some(&county)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let items = list.body["items"].as_array().unwrap();
    let mine = items
        .iter()
        .find(|i| i["application_id"] == id)
        .expect("the settled household");
    assert_eq!(mine["due_fen"].as_i64(), Some(due));
    assert_eq!(mine["vouchers"], json!(["记-001", "记-002"]));
    assert_eq!(mine["contractor"], "戊施工队");
    let sum: i64 = items.iter().map(|i| i["paid_fen"].as_i64().unwrap()).sum();
    assert_eq!(list.body["paid_fen"].as_i64(), Some(sum));
    let xlsx = app
        .get("/api/retrofit/settlements?format=xlsx", Some(&county))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(
        xlsx.body.as_str().is_some_and(|s| s.starts_with("PK")),
        "a zip (xlsx) file"
    );
    for (query, name) in [("format=pdf", "format"), ("year=1999", "year")] {
        field(
            &app.get(&format!("/api/retrofit/settlements?{query}"), Some(&county))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            name,
        );
    }
    assert_envelope(
        &app.get("/api/retrofit/settlements", Some(&street)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}

async fn warranty_claims_reach_the_builder_with_a_working_day_deadline_until_the_warranty_ends(
    app: TestApp,
) {
    let (elder, id, builder) = built(
        &app,
        ["13900001211", "13900001212", "13900001213"],
        "己施工队",
    )
    .await;
    // The county's rules at the moment of acceptance fix the warranty.
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let settings = format!("/api/retrofit/counties/{}/settings", app.places.county.id);
    let mut current = app.get(&settings, Some(&county)).await.body;
    assert_eq!(current["warranty_years"], 2);
    assert_eq!(current["claim_working_days"], 7);
    current["warranty_years"] = json!(1);
    field(
        &app.put(&settings, Some(&county), current.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "warranty_years",
    );
    current["warranty_years"] = json!(3);
    current["claim_working_days"] = json!(5);
    let r = app.put(&settings, Some(&county), current).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let all_passed: Vec<Value> = (1..=4)
        .map(|line| json!({ "line": line, "verdict": "passed" }))
        .collect();
    let r = app
        .post(
            &format!("/api/retrofit/applications/{id}/acceptance"),
            Some(&street),
            json!({ "items": all_passed }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let path = format!("/api/retrofit/applications/{id}");
    let accepted_on = anju_domain::calendar::shanghai()
        .timestamp_opt(app.state.clock.now(), 0)
        .unwrap()
        .date_naive();
    let until = anju_domain::retrofit_warranty::warranty_until(accepted_on, 3).unwrap();
    let seen = app.get(&path, Some(&elder)).await.body;
    assert_eq!(
        seen["warranty"]["until"],
        until.format("%Y-%m-%d").to_string()
    );
    assert_eq!(seen["warranty"]["may_claim"], true);
    assert!(notes(&app, &elder).await.contains("3 年质保"));

    let claims = format!("{path}/warranty-claims");
    assert_envelope(
        &app.post(&claims, Some(&builder), json!({ "description": "x" }))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    field(
        &app.post(&claims, Some(&elder), json!({ "description": "  " }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "description",
    );
    let filed = app
        .post(
            &claims,
            Some(&elder),
            json!({ "description": "卫生间扶手松了，一摇就晃" }),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let claim = filed.body["warranty"]["claims"][0].clone();
    let claim_id = claim["id"].as_i64().unwrap();
    // Due at the end of the fifth working day on the community's calendar.
    let clock = app
        .state
        .calendars
        .for_community(&app.state.db, app.places.community.id)
        .await
        .unwrap();
    let expected = anju_domain::retrofit_warranty::claim_due(
        chrono::DateTime::from_timestamp(app.state.clock.now(), 0).unwrap(),
        5,
        &clock.ctx(),
    )
    .unwrap();
    assert_eq!(claim["due_at"].as_i64(), Some(expected.timestamp()));
    assert!(notes(&app, &builder).await.contains("新的报修"));

    let photo = app
        .send(upload(
            &format!("/api/retrofit/warranty-claims/{claim_id}/photos"),
            &elder,
            png(77),
        ))
        .await;
    assert_eq!(photo.status, StatusCode::CREATED, "{}", photo.body);
    let url = photo.body["warranty"]["claims"][0]["photos"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.get(&url, Some(&builder)).await.status, StatusCode::OK);
    let listed = app
        .get("/api/retrofit/warranty-claims", Some(&builder))
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body["items"][0]["id"], claim_id);
    assert!(listed.body["items"][0]["elder_name_masked"]
        .as_str()
        .unwrap()
        .contains('*'));

    // Past the deadline unanswered: the street office sees it and is told once.
    let overdue = "/api/retrofit/warranty-claims?overdue=true";
    assert_eq!(
        app.get(overdue, Some(&street)).await.body["items"],
        json!([])
    );
    app.state
        .clock
        .advance(expected.timestamp() - app.state.clock.now() + 60);
    // A week on, everyone signs in again (sessions time out when idle).
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let builder = signed_in(&app, "13900001213", "staff passphrase").await;
    let elder = signed_in(&app, "13900001211", PASSWORD).await;
    let report = anju_server::deadlines::scan(&app.state).await.unwrap();
    assert_eq!(report.overdue_claims, 1);
    assert_eq!(
        anju_server::deadlines::scan(&app.state)
            .await
            .unwrap()
            .overdue_claims,
        0,
        "told once"
    );
    let late = app.get(overdue, Some(&street)).await.body;
    assert_eq!(late["items"][0]["id"], claim_id);
    assert_eq!(late["items"][0]["overdue"], true);
    assert!(notes(&app, &street).await.contains("已超时"));

    // The builder answers; the family is told; a second answer is refused.
    let answer = format!("/api/retrofit/warranty-claims/{claim_id}/answer");
    field(
        &app.post(&answer, Some(&builder), json!({ "answer": "" }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "answer",
    );
    assert_envelope(
        &app.post(&answer, Some(&elder), json!({ "answer": "好了" }))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let answered = app
        .post(
            &answer,
            Some(&builder),
            json!({ "answer": "已上门重新固定扶手" }),
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    assert_eq!(
        answered.body["warranty"]["claims"][0]["answer"],
        "已上门重新固定扶手"
    );
    assert_eq!(answered.body["warranty"]["claims"][0]["overdue"], false);
    assert!(notes(&app, &elder).await.contains("已上门重新固定扶手"));
    assert_envelope(
        &app.post(&answer, Some(&builder), json!({ "answer": "again" }))
            .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert_eq!(
        app.get(overdue, Some(&street)).await.body["items"],
        json!([])
    );

    // The day after the last day covered: refused with that date and where to ask instead.
    let after_end = anju_domain::calendar::shanghai()
        .from_local_datetime(&until.succ_opt().unwrap().and_hms_opt(9, 0, 0).unwrap())
        .unwrap()
        .timestamp();
    app.state.clock.advance(after_end - app.state.clock.now());
    let elder = signed_in(&app, "13900001211", PASSWORD).await;
    let late_claim = app
        .post(&claims, Some(&elder), json!({ "description": "门铃坏了" }))
        .await;
    assert_envelope(&late_claim, StatusCode::CONFLICT, "conflict");
    let said = late_claim.body["message"].as_str().unwrap();
    assert!(
        said.contains(&until.format("%Y年%-m月%-d日").to_string()) && said.contains("物业投诉"),
        "{said}"
    );
    let seen = app.get(&path, Some(&elder)).await.body;
    assert_eq!(seen["warranty"]["ended"], true);
    assert_eq!(seen["warranty"]["may_claim"], false);
}

use chrono::TimeZone;

async fn a_household_accepted_before_warranty_dates_were_kept_gets_its_last_day_at_the_next_start(
    app: TestApp,
) {
    let all_passed: Vec<Value> = (1..=4)
        .map(|line| json!({ "line": line, "verdict": "passed" }))
        .collect();
    let (elder, id, _) = accepted(
        &app,
        ["13900001241", "13900001242", "13900001243"],
        "庚施工队",
        json!({ "items": all_passed }),
    )
    .await;
    let path = format!("/api/retrofit/applications/{id}");
    let until = app.get(&path, Some(&elder)).await.body["warranty"]["until"].clone();
    assert!(until.is_string(), "{until}");
    // As a row accepted before migration 21 looks: accepted, without a last day.
    let cleared = app
        .strings(&format!(
            "UPDATE retrofit_applications SET warranty_until = NULL WHERE id = {id} RETURNING reference"
        ))
        .await;
    assert_eq!(cleared.len(), 1);
    assert_eq!(
        app.get(&path, Some(&elder)).await.body["warranty"],
        Value::Null
    );

    // The next start dates it from the acceptance with the county's length, on record; a
    // start after that finds nothing to do.
    app.state.db.migrate().await.expect("migrate");
    app.state.db.migrate().await.expect("migrate again");
    let seen = app.get(&path, Some(&elder)).await.body;
    assert_eq!(seen["warranty"]["until"], until);
    assert_eq!(seen["warranty"]["may_claim"], true);
    assert_eq!(app.audit_details("retrofit.warranty_dated").await.len(), 1);
}
