//! The construction contract through the API: the assigned company offers it with the works'
//! dates and signs it, the family signs the latest offer (password again), the works start only
//! after both signed, the certificate and `/verify` show it, and a household moved to another
//! company leaves the old contract behind.

use super::retrofit::act;
use super::retrofit_plan::PASSWORD;
use super::retrofit_works::{assign, company, field, notes, photo, signed};
use crate::support::{assert_envelope, on_both_backends, TestApp};
use axum::http::StatusCode;
use serde_json::{json, Value};

on_both_backends!(
    the_builder_offers_the_contract_the_family_signs_it_and_only_then_the_works_start,
    a_household_moved_to_another_company_leaves_the_old_contract_behind,
);

/// The builder's password (`TestApp::create_staff`).
const STAFF_PASSWORD: &str = "staff passphrase";

/// A day `days` from today in Beijing, as the offer's form takes it.
fn day(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8) + chrono::Duration::days(days))
        .date_naive()
        .to_string()
}

fn contract_path(id: &Value) -> String {
    format!("/api/retrofit/applications/{id}/contract")
}

fn offer_body(start: &str, finish: &str, password: &str) -> Value {
    json!({
        "planned_start": start,
        "planned_finish": finish,
        "agreed": true,
        "password": password,
        "mark": { "kind": "typed", "name": "别处的工作人员" },
    })
}

async fn offer(app: &TestApp, builder: &str, id: &Value, start: &str, finish: &str) -> Value {
    let r = app
        .post(
            &contract_path(id),
            Some(builder),
            offer_body(start, finish, STAFF_PASSWORD),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

fn sign_body(sha: &str, password: &str) -> Value {
    json!({
        "contract_sha256": sha,
        "agreed": true,
        "password": password,
        "mark": { "kind": "typed", "name": "王阿姨" },
    })
}

/// The builder offers and the elder signs: the contract is in force. Used by the works tests.
pub(super) async fn contracted(app: &TestApp, builder: &str, elder: &str, id: &Value) {
    let offered = offer(app, builder, id, &day(1), &day(5)).await;
    let sha = offered["current"]["sha256"].as_str().unwrap();
    let r = app
        .post(
            &format!("{}/signature", contract_path(id)),
            Some(elder),
            sign_body(sha, PASSWORD),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["current"]["signed"], true);
}

async fn the_builder_offers_the_contract_the_family_signs_it_and_only_then_the_works_start(
    app: TestApp,
) {
    let (elder, id, county) = signed(&app, "13900001301", "13900001302").await;
    let (org, builder) = company(&app, &county, "合同施工队", "13900001303").await;
    assert_eq!(assign(&app, &county, &id, org).await.status, StatusCode::OK);
    let path = contract_path(&id);
    let sign_path = format!("{path}/signature");

    let seen = app.get(&path, Some(&builder)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(seen.body["may_offer"], true);
    assert_eq!(seen.body["current"], Value::Null);
    assert!(seen.body["terms_zh"].as_str().unwrap().contains("施工合同"));
    // Nothing to sign yet; and the works cannot start, however many photos there are.
    assert_eq!(
        app.get(&path, Some(&elder)).await.body["may_sign_as"],
        Value::Null
    );
    for line in 1..=4u8 {
        let r = photo(&app, &builder, &id, &format!("item:{line}:before"), line).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let view = app
        .get(&format!("/api/retrofit/applications/{id}"), Some(&builder))
        .await
        .body;
    assert_eq!(view["works"]["contract_signed"], false);
    field(
        &act(&app, &builder, &id, json!({ "action": "start_works" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "contract",
    );

    // Bad dates, a missing tick or a wrong password are refused by name, nothing is offered.
    let bad = |start: String, finish: String| offer_body(&start, &finish, STAFF_PASSWORD);
    for (body, name) in [
        (bad("next week".into(), day(5)), "planned_start"),
        (bad(day(-1), day(5)), "planned_start"),
        (bad(day(5), day(1)), "planned_finish"),
        (bad(day(1), day(200)), "planned_finish"),
        (offer_body(&day(1), &day(5), "not my password"), "password"),
    ] {
        field(
            &app.post(&path, Some(&builder), body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            name,
        );
    }
    let mut unticked = offer_body(&day(1), &day(5), STAFF_PASSWORD);
    unticked["agreed"] = json!(false);
    field(
        &app.post(&path, Some(&builder), unticked).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "agreed",
    );
    // Only the company offers; the family and the county do not.
    for cookie in [&elder, &county] {
        assert_envelope(
            &app.post(&path, Some(cookie), offer_body(&day(1), &day(5), PASSWORD))
                .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }

    let first = offer(&app, &builder, &id, &day(1), &day(5)).await;
    let current = &first["current"];
    assert_eq!(current["version"], 1);
    assert_eq!(current["contractor"], "合同施工队");
    assert_eq!(current["planned_start"], day(1));
    assert_eq!(current["signed"], false);
    assert_eq!(current["contractor_signature"]["party"], "contractor");
    assert_eq!(current["household_signature"], Value::Null);
    // The contract names the plan the elder signed, by its hash.
    let plan = app
        .get(
            &format!("/api/retrofit/applications/{id}/plan"),
            Some(&elder),
        )
        .await
        .body;
    assert_eq!(current["plan_sha256"], plan["current"]["sha256"]);
    assert_eq!(current["total"], plan["current"]["costed"]["total"]);
    // The family hears the booked dates and is asked to sign.
    assert!(notes(&app, &elder)
        .await
        .contains(&format!("约定 {} 至 {} 施工", day(1), day(5))));
    let first_sha = current["sha256"].as_str().unwrap().to_owned();

    // The company changes the dates before the family signed: a new version replaces it, and
    // a signature of the old one is refused.
    let second = offer(&app, &builder, &id, &day(2), &day(6)).await;
    assert_eq!(second["current"]["version"], 2);
    let sha = second["current"]["sha256"].as_str().unwrap().to_owned();
    assert_ne!(sha, first_sha);
    let family_view = app.get(&path, Some(&elder)).await.body;
    assert_eq!(family_view["may_sign_as"], "elder");
    assert_eq!(family_view["current"]["sha256"], sha);
    let stale = app
        .post(&sign_path, Some(&elder), sign_body(&first_sha, PASSWORD))
        .await;
    field(&stale, StatusCode::CONFLICT, "contract_sha256");
    field(
        &app.post(&sign_path, Some(&elder), sign_body(&sha, "wrong password"))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "password",
    );
    // The builder cannot sign for the household.
    assert_envelope(
        &app.post(&sign_path, Some(&builder), sign_body(&sha, STAFF_PASSWORD))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    let signed_now = app
        .post(&sign_path, Some(&elder), sign_body(&sha, PASSWORD))
        .await;
    assert_eq!(signed_now.status, StatusCode::OK, "{}", signed_now.body);
    let current = &signed_now.body["current"];
    assert_eq!(current["signed"], true);
    assert_eq!(current["household_signature"]["capacity"], "elder");
    assert_eq!(
        current["household_signature"]["identity_method"],
        "password"
    );
    assert!(current["household_signature"]["signer_masked"]
        .as_str()
        .unwrap()
        .contains('*'));
    assert!(notes(&app, &builder).await.contains("施工合同已双方签字"));
    // A retried signature answers with the signed contract; a new offer is refused.
    let retry = app
        .post(&sign_path, Some(&elder), sign_body(&sha, PASSWORD))
        .await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert_envelope(
        &app.post(
            &path,
            Some(&builder),
            offer_body(&day(3), &day(7), STAFF_PASSWORD),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert_eq!(
        app.get(&path, Some(&builder)).await.body["may_offer"],
        false
    );

    // The certificate shows both signatures; the code checks out on /verify.
    let certificate = app.get(&format!("{path}/certificate"), Some(&elder)).await;
    assert_eq!(certificate.status, StatusCode::OK, "{}", certificate.body);
    assert_eq!(certificate.body["intact"], true);
    let signatures = certificate.body["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 2);
    assert_eq!(signatures[1]["mark"], "王阿姨");
    assert!(signatures[1]["signer_phone_masked"]
        .as_str()
        .unwrap()
        .contains('*'));
    let code = current["code"].as_str().unwrap();
    let verified = app.get(&format!("/api/verify/{code}"), None).await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    assert_eq!(verified.body["valid"], true);
    assert_eq!(verified.body["document"], "contract");
    assert_eq!(verified.body["contract_sha256"], sha.as_str());
    assert_eq!(verified.body["plan_sha256"], plan["current"]["sha256"]);
    // The assessor has no business with the contract.
    let assessor = app
        .sign_in("13900001302", STAFF_PASSWORD)
        .await
        .cookie()
        .expect("the assessor signs in");
    assert_envelope(
        &app.get(&path, Some(&assessor)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    let started = act(&app, &builder, &id, json!({ "action": "start_works" })).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    assert_eq!(started.body["state"], "under_construction");
}

async fn a_household_moved_to_another_company_leaves_the_old_contract_behind(app: TestApp) {
    let (elder, id, county) = signed(&app, "13900001311", "13900001312").await;
    let (first_org, first) = company(&app, &county, "先前施工队", "13900001313").await;
    let (second_org, second) = company(&app, &county, "后来施工队", "13900001314").await;
    assert_eq!(
        assign(&app, &county, &id, first_org).await.status,
        StatusCode::OK
    );
    contracted(&app, &first, &elder, &id).await;
    let code = app.get(&contract_path(&id), Some(&elder)).await.body["current"]["code"]
        .as_str()
        .unwrap()
        .to_owned();

    assert_eq!(
        assign(&app, &county, &id, second_org).await.status,
        StatusCode::OK
    );
    // The new company starts from an empty contract and cannot start the works yet.
    let seen = app.get(&contract_path(&id), Some(&second)).await.body;
    assert_eq!(seen["current"], Value::Null);
    assert_eq!(seen["may_offer"], true);
    for line in 1..=4u8 {
        let r = photo(&app, &second, &id, &format!("item:{line}:before"), line).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    field(
        &act(&app, &second, &id, json!({ "action": "start_works" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "contract",
    );
    // The old code still answers, as no longer in force; the old company sees nothing.
    let verified = app.get(&format!("/api/verify/{code}"), None).await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    assert_eq!(verified.body["valid"], false);
    assert_envelope(
        &app.get(&contract_path(&id), Some(&first)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    contracted(&app, &second, &elder, &id).await;
    let started = act(&app, &second, &id, json!({ "action": "start_works" })).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
}
