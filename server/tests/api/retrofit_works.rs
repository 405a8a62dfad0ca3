//! The works through the API: the county's construction companies and the assignment of a
//! signed household, the contractor's list, the before/after photos of each item and of the
//! cleared site, starting and finishing (refused while photos are missing), what the family
//! follows item by item, and what a contractor may never see or reach.

use super::retrofit::act;
use super::retrofit_assessment::account_id;
use super::retrofit_plan::{
    assessed, confirm_identity, draft_and_propose, first_plan, sign, PASSWORD,
};
use crate::support::{assert_envelope, on_both_backends, png, upload, TestApp};
use anju_domain::Role;
use axum::http::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    the_contractor_photographs_every_item_starts_and_finishes_and_the_family_follows_it,
    contractors_see_only_their_companys_households_and_never_the_elders_papers,
    the_street_office_accepts_item_by_item_and_rework_goes_back_to_the_contractor,
    the_supervision_report_is_added_once_the_works_are_finished_and_opened_on_record,
);

fn contractor_orgs(app: &TestApp) -> String {
    format!(
        "/api/retrofit/counties/{}/contractor-orgs",
        app.places.county.id
    )
}

/// A household whose elder signed the four-item plan; returns (elder, id, county admin).
pub(super) async fn signed(
    app: &TestApp,
    elder_phone: &str,
    assessor_phone: &str,
) -> (String, Value, String) {
    let (elder, id, county, assessor) = assessed(app, elder_phone, assessor_phone).await;
    let proposed = draft_and_propose(app, &assessor, &id, first_plan()).await;
    let sha = proposed["current"]["sha256"].as_str().unwrap().to_owned();
    let r = confirm_identity(app, &elder, &id, &sha, PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = sign(
        app,
        &elder,
        &id,
        1,
        &sha,
        true,
        json!({ "kind": "typed", "name": "王阿姨" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (elder, id, county)
}

/// A construction company of our county with a new contractor account in it; returns
/// (company id, contractor cookie).
pub(super) async fn company(app: &TestApp, county: &str, name: &str, phone: &str) -> (i64, String) {
    let r = app
        .post(&contractor_orgs(app), Some(county), json!({ "name": name }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let org = r.body["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .and_then(|o| o["id"].as_i64())
        .expect("the new company");
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let cookie = app
        .create_staff(&admin, phone, "contractor", app.places.county.id)
        .await;
    let account = account_id(app, &cookie).await;
    let r = app
        .put(
            &format!("{}/{org}/members/{account}", contractor_orgs(app)),
            Some(county),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (org, cookie)
}

pub(super) async fn assign(
    app: &TestApp,
    county: &str,
    id: &Value,
    org: i64,
) -> crate::support::Response {
    app.put(
        &format!("/api/retrofit/applications/{id}/contractor-org"),
        Some(county),
        json!({ "org_id": org }),
    )
    .await
}

fn photo_path(id: &Value, slot: &str) -> String {
    format!("/api/retrofit/applications/{id}/works-photos?slot={slot}")
}

pub(super) async fn photo(
    app: &TestApp,
    cookie: &str,
    id: &Value,
    slot: &str,
    shade: u8,
) -> crate::support::Response {
    app.send(upload(&photo_path(id, slot), cookie, png(shade)))
        .await
}

pub(super) fn field(r: &crate::support::Response, status: StatusCode, name: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(
        r.body["fields"][name].is_object(),
        "expected {name}: {}",
        r.body
    );
}

pub(super) async fn notes(app: &TestApp, cookie: &str) -> String {
    app.get("/api/notifications", Some(cookie))
        .await
        .body
        .to_string()
}

async fn the_contractor_photographs_every_item_starts_and_finishes_and_the_family_follows_it(
    app: TestApp,
) {
    let (elder, id, county) = signed(&app, "13900001101", "13900001102").await;
    let (org, builder) = company(&app, &county, "甲施工队", "13900001103").await;
    let path = format!("/api/retrofit/applications/{id}");

    // Not theirs until the county assigns it.
    assert_envelope(
        &app.get(&path, Some(&builder)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let list = app.get("/api/retrofit/works", Some(&builder)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.body["org_name"], "甲施工队");
    assert_eq!(list.body["items"], json!([]));

    let r = assign(&app, &county, &id, org).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["works"]["org_name"], "甲施工队");
    assert_eq!(r.body["works"]["items"].as_array().unwrap().len(), 4);
    assert!(notes(&app, &elder).await.contains("甲施工队"));
    assert!(notes(&app, &builder).await.contains("甲施工队"));
    // Assigning it again (a retry) changes nothing and tells no one twice.
    assert_eq!(assign(&app, &county, &id, org).await.status, StatusCode::OK);
    assert_eq!(
        notes(&app, &elder)
            .await
            .matches("将按签字的方案施工")
            .count(),
        1
    );

    let list = app.get("/api/retrofit/works", Some(&builder)).await.body;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["id"], id);
    assert!(list["items"][0]["elder_name_masked"]
        .as_str()
        .unwrap()
        .contains('*'));

    // Starting needs the contract both signed, then every item's before-photo; the view says
    // which are missing.
    super::retrofit_contract::contracted(&app, &builder, &elder, &id).await;
    let early = act(&app, &builder, &id, json!({ "action": "start_works" })).await;
    field(&early, StatusCode::UNPROCESSABLE_ENTITY, "photos");
    let seen = app.get(&path, Some(&builder)).await.body;
    assert_eq!(seen["works"]["missing"].as_array().unwrap().len(), 4);
    assert_eq!(seen["works"]["may_add_photos"], true);
    assert!(seen["actions"]
        .as_array()
        .unwrap()
        .contains(&json!("start_works")));
    // No after-photo or cleared site before the works start.
    let after_too_early = photo(&app, &builder, &id, "item:1:after", 10).await;
    assert_envelope(&after_too_early, StatusCode::CONFLICT, "conflict");
    assert_envelope(
        &photo(&app, &builder, &id, "cleared", 10).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    for line in 1..=4u8 {
        let r = photo(&app, &builder, &id, &format!("item:{line}:before"), line).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    // The same photo again (a retry on a poor signal) is kept once.
    let again = photo(&app, &builder, &id, "item:1:before", 1).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        again.body["works"]["items"][0]["before"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(again.body["works"]["items"][0]["progress"], "started");
    // A slot that is not one, or a line the plan does not have, is refused by name.
    field(
        &photo(&app, &builder, &id, "item:1:during", 20).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "slot",
    );
    field(
        &photo(&app, &builder, &id, "item:9:before", 20).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "photo",
    );

    let started = act(&app, &builder, &id, json!({ "action": "start_works" })).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    assert_eq!(started.body["state"], "under_construction");
    assert!(notes(&app, &elder).await.contains("施工开始了"));
    // A retried start answers with the works as they are.
    let retry = act(&app, &builder, &id, json!({ "action": "start_works" })).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);

    for line in 1..=3u8 {
        let r = photo(
            &app,
            &builder,
            &id,
            &format!("item:{line}:after"),
            100 + line,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = photo(&app, &builder, &id, "cleared", 200).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Item 4 has no after-photo yet: finishing is refused and the view names it.
    let early = act(&app, &builder, &id, json!({ "action": "finish_works" })).await;
    field(&early, StatusCode::UNPROCESSABLE_ENTITY, "photos");
    let seen = app.get(&path, Some(&builder)).await.body;
    assert_eq!(
        seen["works"]["missing"],
        json!([{ "kind": "after", "line": 4 }])
    );
    let r = photo(&app, &builder, &id, "item:4:after", 104).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let finished = act(&app, &builder, &id, json!({ "action": "finish_works" })).await;
    assert_eq!(finished.status, StatusCode::OK, "{}", finished.body);
    assert_eq!(finished.body["state"], "awaiting_acceptance");
    assert!(notes(&app, &elder).await.contains("施工完成了"));
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    assert!(notes(&app, &street).await.contains("施工完成了"));
    // Once finished, nothing more is added.
    assert_envelope(
        &photo(&app, &builder, &id, "item:1:after", 150).await,
        StatusCode::CONFLICT,
        "conflict",
    );

    // The family follows each item, with its photos.
    let family = app.get(&path, Some(&elder)).await.body;
    let works = &family["works"];
    assert_eq!(works["done"], 4);
    assert_eq!(works["may_add_photos"], false);
    assert_eq!(works["cleared"].as_array().unwrap().len(), 1);
    for item in works["items"].as_array().unwrap() {
        assert_eq!(item["progress"], "done", "{item}");
    }
    let url = works["items"][0]["after"][0]["url"].as_str().unwrap();
    assert_eq!(app.get(url, Some(&elder)).await.status, StatusCode::OK);
    // An office's look at a photo of the home is on the family's record.
    assert_eq!(app.get(url, Some(&street)).await.status, StatusCode::OK);
    assert!(app
        .audit_details("retrofit.view")
        .await
        .iter()
        .any(|d| d.starts_with("works_photo:")));
    // Every photo is on the record once.
    assert_eq!(app.audit_details("retrofit.works_photo").await.len(), 9);
}

async fn contractors_see_only_their_companys_households_and_never_the_elders_papers(app: TestApp) {
    let (elder, id, county) = signed(&app, "13900001111", "13900001112").await;
    let (org, builder) = company(&app, &county, "乙施工队", "13900001113").await;
    let (_, other_builder) = company(&app, &county, "丙施工队", "13900001114").await;
    let path = format!("/api/retrofit/applications/{id}");

    // One name per county across assessment organisations and construction companies.
    let clash = app
        .post(
            &contractor_orgs(&app),
            Some(&county),
            json!({ "name": "评估机构13900001111" }),
        )
        .await;
    assert_envelope(&clash, StatusCode::CONFLICT, "conflict");
    // Only the county assigns, and only to a construction company of its own.
    assert_envelope(
        &assign(&app, &builder, &id, org).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let assessment_org: i64 = app
        .strings("SELECT CAST(id AS TEXT) FROM assessment_orgs WHERE kind = 'assessment'")
        .await[0]
        .parse()
        .unwrap();
    field(
        &assign(&app, &county, &id, assessment_org).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "org_id",
    );
    // An assessor is not made a builder.
    let assessor_id: i64 = app
        .strings("SELECT CAST(id AS TEXT) FROM accounts WHERE role = 'assessor' ORDER BY id")
        .await[0]
        .parse()
        .unwrap();
    assert_envelope(
        &app.put(
            &format!("{}/{org}/members/{assessor_id}", contractor_orgs(&app)),
            Some(&county),
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_eq!(assign(&app, &county, &id, org).await.status, StatusCode::OK);

    // Another company's contractor sees nothing of it.
    assert_envelope(
        &app.get(&path, Some(&other_builder)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_envelope(
        &photo(&app, &other_builder, &id, "item:1:before", 30).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let theirs = app
        .get("/api/retrofit/works", Some(&other_builder))
        .await
        .body;
    assert_eq!(theirs["items"], json!([]));

    // The builder sees the home and the items, never the elder's answers or papers.
    let seen = app.get(&path, Some(&builder)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(seen.body["facts"], Value::Null);
    assert_eq!(seen.body["outcome"], Value::Null);
    assert_eq!(seen.body["id_number_masked"], Value::Null);
    assert_eq!(seen.body["documents"], json!([]));
    assert_eq!(seen.body["assessment"], Value::Null);
    assert!(seen.body["home_label"].is_string());
    let papers = app
        .strings(&format!(
            "SELECT CAST(id AS TEXT) FROM retrofit_documents WHERE application_id = {id}"
        ))
        .await;
    assert!(!papers.is_empty());
    assert_envelope(
        &app.get(&format!("{path}/documents/{}", papers[0]), Some(&builder))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_envelope(
        &app.post(&format!("{path}/id-number"), Some(&builder), json!({}))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_envelope(
        &app.get(&format!("{path}/assessment-record"), Some(&builder))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // Only the builder adds photos and starts the works.
    for cookie in [&elder, &county] {
        assert_envelope(
            &photo(&app, cookie, &id, "item:1:before", 40).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        assert_envelope(
            &act(&app, cookie, &id, json!({ "action": "start_works" })).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    // Staff without the capability get no list.
    assert_envelope(
        &app.get("/api/retrofit/works", Some(&county)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}

/// Signed, assigned, every photo taken, started and finished: waiting for the street office.
/// Returns (elder, id, contractor).
pub(super) async fn built(
    app: &TestApp,
    phones: [&str; 3],
    company_name: &str,
) -> (String, Value, String) {
    let (elder, id, county) = signed(app, phones[0], phones[1]).await;
    let (org, builder) = company(app, &county, company_name, phones[2]).await;
    assert_eq!(assign(app, &county, &id, org).await.status, StatusCode::OK);
    super::retrofit_contract::contracted(app, &builder, &elder, &id).await;
    for line in 1..=4u8 {
        let r = photo(app, &builder, &id, &format!("item:{line}:before"), line).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = act(app, &builder, &id, json!({ "action": "start_works" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for line in 1..=4u8 {
        let r = photo(
            app,
            &builder,
            &id,
            &format!("item:{line}:after"),
            100 + line,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = photo(app, &builder, &id, "cleared", 200).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = act(app, &builder, &id, json!({ "action": "finish_works" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (elder, id, builder)
}

fn verdicts(rework: &[(u16, &str)]) -> Value {
    let items: Vec<Value> = (1..=4u16)
        .map(|line| match rework.iter().find(|(l, _)| *l == line) {
            Some((_, note)) => json!({ "line": line, "verdict": "rework", "note": note }),
            None => json!({ "line": line, "verdict": "passed" }),
        })
        .collect();
    json!({ "items": items })
}

async fn the_street_office_accepts_item_by_item_and_rework_goes_back_to_the_contractor(
    app: TestApp,
) {
    let (elder, id, builder) = built(
        &app,
        ["13900001121", "13900001122", "13900001123"],
        "丁施工队",
    )
    .await;
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let path = format!("/api/retrofit/applications/{id}");
    let accept = |cookie: &str, body: Value| {
        let cookie = cookie.to_owned();
        let app = &app;
        let path = format!("{path}/acceptance");
        async move { app.post(&path, Some(&cookie), body).await }
    };
    let seen = app.get(&path, Some(&street)).await.body;
    assert_eq!(seen["works"]["may_accept"], true);

    // Only the street office accepts; the generic actions do not.
    for cookie in [&elder, &builder] {
        assert_envelope(
            &accept(cookie, verdicts(&[])).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    assert_envelope(
        &act(&app, &street, &id, json!({ "action": "accept" })).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    // Every item once; an item sent back says why.
    let partial = json!({ "items": [{ "line": 1, "verdict": "passed" }] });
    field(
        &accept(&street, partial).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "items",
    );
    field(
        &accept(&street, verdicts(&[(2, "  ")])).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "note",
    );

    // At the visit the reviewer photographs what is wrong with item 2; only the reviewer
    // takes these, and the reviewer takes no works photos.
    let r = photo(&app, &street, &id, "inspection:2", 90).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        r.body["works"]["items"][1]["inspection"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    for (cookie, slot) in [(&builder, "inspection:2"), (&street, "item:2:after")] {
        assert_envelope(
            &photo(&app, cookie, &id, slot, 91).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    field(
        &photo(&app, &street, &id, "inspection:9", 92).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "photo",
    );

    // Item 2 goes back: the contractor must photograph it again before finishing.
    let back = accept(&street, verdicts(&[(2, "扶手松动，请重新固定")])).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(back.body["state"], "under_construction");
    // Everyone sees the reviewer's photo with the note; the visit is over, so no more.
    let family_view = app.get(&path, Some(&elder)).await.body;
    let inspection = &family_view["works"]["items"][1]["inspection"][0];
    assert_eq!(
        inspection["slot"],
        json!({ "kind": "inspection", "line": 2 })
    );
    let url = inspection["url"].as_str().unwrap();
    assert_eq!(app.get(url, Some(&builder)).await.status, StatusCode::OK);
    field(
        &photo(&app, &street, &id, "inspection:2", 93).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "photo",
    );
    assert!(notes(&app, &builder).await.contains("1 项需要返工"));
    let seen = app.get(&path, Some(&builder)).await.body;
    assert_eq!(
        seen["works"]["items"][1]["rework_note"],
        "扶手松动，请重新固定"
    );
    assert_eq!(seen["works"]["items"][1]["progress"], "started");
    assert_eq!(seen["works"]["items"][0]["rework_note"], Value::Null);
    assert_eq!(
        seen["works"]["missing"],
        json!([{ "kind": "after", "line": 2 }])
    );
    let early = act(&app, &builder, &id, json!({ "action": "finish_works" })).await;
    field(&early, StatusCode::UNPROCESSABLE_ENTITY, "photos");
    // The photo from before the rework proves nothing and is refused as such.
    field(
        &photo(&app, &builder, &id, "item:2:after", 102).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "photo",
    );
    let r = photo(&app, &builder, &id, "item:2:after", 150).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = act(&app, &builder, &id, json!({ "action": "finish_works" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Everything passes: accepted, dated, the family told; a retry changes nothing.
    // The clock runs on while the request is served: the date lies between before and after.
    let before = app.state.clock.now();
    let passed = accept(&street, verdicts(&[])).await;
    assert_eq!(passed.status, StatusCode::OK, "{}", passed.body);
    assert_eq!(passed.body["state"], "accepted");
    let accepted_at = passed.body["works"]["accepted_at"].as_i64().unwrap();
    assert!((before..=app.state.clock.now()).contains(&accepted_at));
    assert!(notes(&app, &elder).await.contains("验收合格"));
    let again = accept(&street, verdicts(&[])).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let rounds = app
        .strings(&format!(
            "SELECT items_json FROM retrofit_acceptances WHERE application_id = {id} ORDER BY round"
        ))
        .await;
    assert_eq!(rounds.len(), 2);
    assert!(rounds[0].contains("扶手松动"));
    // The family sees the items done again, the timeline names both visits.
    let family = app.get(&path, Some(&elder)).await.body;
    assert_eq!(family["works"]["done"], 4);
    let actions: Vec<&str> = family["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"request_rework") && actions.contains(&"accept"),
        "{actions:?}"
    );
}

async fn the_supervision_report_is_added_once_the_works_are_finished_and_opened_on_record(
    app: TestApp,
) {
    use super::retrofit::{pdf, pdf_with};
    let (elder, id, builder) = built(
        &app,
        ["13900001131", "13900001132", "13900001133"],
        "戊施工队",
    )
    .await;
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let path = format!("/api/retrofit/applications/{id}/supervision-report");
    let send = |cookie: &str, bytes: Vec<u8>| app.send(upload(&path, cookie, bytes));

    let seen = app
        .get(&format!("/api/retrofit/applications/{id}"), Some(&street))
        .await
        .body;
    assert_eq!(seen["works"]["may_file_report"], true);
    assert_eq!(seen["works"]["supervision_report"], Value::Null);
    assert_envelope(
        &app.get(&path, Some(&elder)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // Only the offices add it; an active PDF or a text file is refused by name.
    for cookie in [&elder, &builder] {
        assert_envelope(
            &send(cookie, pdf()).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    field(
        &send(
            &street,
            pdf_with("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "report",
    );
    field(
        &send(&street, b"just words".to_vec()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "report",
    );

    let added = send(&street, pdf()).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let report = &added.body["works"]["supervision_report"];
    assert_eq!(report["content_type"], "application/pdf");
    // A retried upload of the same file changes nothing.
    assert_eq!(send(&street, pdf()).await.status, StatusCode::OK);

    // The family and the builder open it, always as a download; the builder's look is kept.
    for cookie in [&elder, &builder] {
        let r = app.get(&path, Some(cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.headers[axum::http::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
    }
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let audit = app
        .get("/api/admin/audit?action=retrofit.view", Some(&county))
        .await
        .body
        .to_string();
    assert!(audit.contains("supervision_report"), "{audit}");
    // A new report replaces it, on record.
    let replaced = send(&street, pdf_with("/Lang (zh-CN)")).await;
    assert_eq!(replaced.status, StatusCode::CREATED, "{}", replaced.body);
    let audit = app
        .get(
            "/api/admin/audit?action=retrofit.supervision_report",
            Some(&county),
        )
        .await
        .body
        .to_string();
    assert!(audit.contains("replaces"), "{audit}");

    // Every state has its screens: no action is answered with "not available yet" any more,
    // whoever asks (each is done, refused for this caller or moment, or sent to its endpoint).
    for action in anju_domain::retrofit::RetrofitAction::ALL {
        for cookie in [&street, &county, &builder, &elder] {
            let r = act(&app, cookie, &id, json!({ "action": action.as_str() })).await;
            assert_ne!(
                r.body["message_en"], "This step is not available yet",
                "{action:?}"
            );
        }
    }
}
