use crate::support::{assert_envelope, on_both_backends, TestApp};
use anju_server::Policy;
use axum::http::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    register_sign_in_me_sign_out_round_trip,
    registering_a_taken_phone_is_a_conflict_on_the_phone_field,
    registration_names_every_invalid_field,
    guessing_from_one_place_is_slowed_but_the_owner_elsewhere_signs_in,
    many_failures_on_an_account_ask_for_an_sms_code_not_a_lock,
    preferences_are_remembered_per_account,
);

async fn register_sign_in_me_sign_out_round_trip(app: TestApp) {
    let anonymous = app.get("/api/session", None).await;
    assert_eq!(anonymous.status, StatusCode::OK);
    assert_eq!(anonymous.body, json!({ "account": null }));

    let cookie = app.register("138 0013 8000").await;
    let session = app.get("/api/session", Some(&cookie)).await;
    assert_eq!(session.body["account"]["display_name"], "王阿姨");
    let me = app.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["role"], "resident");
    assert_eq!(me.body["phone_masked"], "138****8000");
    assert_eq!(me.body["home"]["unit"], "2");
    assert_eq!(me.body["jurisdiction"]["level"], "community");
    assert!(
        !me.body.to_string().contains("13800138000"),
        "phone must be masked"
    );

    let out = app
        .post("/api/auth/sign-out", Some(&cookie), json!({}))
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.set_cookie().unwrap().contains("Max-Age=0"));
    // The old cookie is dead on the server, not just cleared in the browser.
    assert_envelope(
        &app.get("/api/me", Some(&cookie)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );

    let signed_in = app.sign_in("13800138000", "a quiet courtyard").await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
    let cookie = signed_in.cookie().unwrap();
    assert_eq!(
        app.get("/api/me", Some(&cookie)).await.body["display_name"],
        "王阿姨"
    );
}

async fn registering_a_taken_phone_is_a_conflict_on_the_phone_field(app: TestApp) {
    app.register("13900000001").await;
    // Only once the number is proven does the answer say it already has an account.
    let body = app.registration_with_code("139-0000-0001").await;
    let again = app.post("/api/auth/register", None, body).await;
    assert_envelope(&again, StatusCode::CONFLICT, "conflict");
    assert!(again.body["fields"]["phone"]["message"]
        .as_str()
        .unwrap()
        .contains("已经注册"));
    assert!(again.body["fields"]["phone"]["message_en"]
        .as_str()
        .is_some());
}

async fn registration_names_every_invalid_field(app: TestApp) {
    let mut body = app.registration("12345");
    body["password"] = json!("12345678");
    body["building_id"] = json!(app.places.community.id);
    body["unit"] = json!("");
    let r = app.post("/api/auth/register", None, body).await;
    assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    for field in ["phone", "password", "building_id", "unit"] {
        assert!(
            r.body["fields"][field]["message"].is_string(),
            "{field}: {}",
            r.body
        );
    }
    assert!(r.body["fields"]["room"].is_null());
    // Nothing half-created: the phone is still free.
    app.register("13900000002").await;
}

async fn guessing_from_one_place_is_slowed_but_the_owner_elsewhere_signs_in(app: TestApp) {
    app.register("13900000003").await;
    let free = app.state.settings.policy.sign_in_free_failures_per_pair;
    for failure in 1..=free + 1 {
        let r = app.sign_in("13900000003", "not my password").await;
        assert_envelope(&r, StatusCode::UNAUTHORIZED, "bad_credentials");
        // From the last free failure on, the answer says what comes next.
        let message = r.body["message"].as_str().unwrap();
        match failure - free {
            ..=-1 => assert_eq!(message, "手机号或密码不正确", "{failure}"),
            0 => assert!(message.contains("再错 1 次，要等 30 秒"), "{message}"),
            _ => assert!(message.contains("请等 30 秒再试"), "{message}"),
        }
    }
    // The guesser's device now waits, even with the right password…
    let slowed = app.sign_in("13900000003", "a quiet courtyard").await;
    assert_envelope(&slowed, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let retry = slowed.body["retry_after_secs"].as_u64().unwrap();
    assert!(retry > 0 && retry <= 30, "{retry}");
    assert!(slowed.headers.contains_key("retry-after"));
    // …while the owner on their own phone is not held back at all.
    let owner = app
        .send(TestApp::request_from(
            [192, 0, 2, 7],
            Method::POST,
            "/api/auth/sign-in",
            None,
            Some(json!({ "phone": "13900000003", "password": "a quiet courtyard" })),
        ))
        .await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.body);
    // And the wait ends by itself.
    app.state.clock.advance(31);
    assert_eq!(
        app.sign_in("13900000003", "a quiet courtyard").await.status,
        StatusCode::OK
    );
}

async fn many_failures_on_an_account_ask_for_an_sms_code_not_a_lock(app: TestApp) {
    app.register("13900000005").await;
    let needed = app.state.settings.policy.sign_in_failures_before_sms;
    for i in 0..needed {
        let r = app
            .send(TestApp::request_from(
                [198, 51, 100, i as u8],
                Method::POST,
                "/api/auth/sign-in",
                None,
                Some(json!({ "phone": "13900000005", "password": "guess" })),
            ))
            .await;
        assert_envelope(&r, StatusCode::UNAUTHORIZED, "bad_credentials");
    }
    // Right or wrong password, the answer is the same: a code is needed.
    for password in ["a quiet courtyard", "guess"] {
        let r = app.sign_in("13900000005", password).await;
        assert_envelope(&r, StatusCode::UNAUTHORIZED, "sms_code_required");
    }
    let wrong = app
        .post(
            "/api/auth/sign-in",
            None,
            json!({ "phone": "13900000005", "password": "a quiet courtyard", "sms_code": "000000" }),
        )
        .await;
    assert_envelope(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let code = app.sms_code("13900000005", "sign_in", None).await;
    let owner = app
        .post(
            "/api/auth/sign-in",
            None,
            json!({ "phone": "13900000005", "password": "a quiet courtyard", "sms_code": code }),
        )
        .await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.body);
}

async fn a_flood_from_one_address_slows_that_address() {
    let app = TestApp::sqlite_with(|s| s.policy.max_failures_per_ip = 12).await;
    for i in 0..12 {
        let phone = format!("1370000{:04}", i);
        assert_eq!(
            app.sign_in(&phone, "guessing games").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let r = app.sign_in("13799999999", "guessing games").await;
    assert_envelope(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    // The default leaves room for a housing estate behind one carrier address.
    assert!(Policy::default().max_failures_per_ip >= 300);
}

#[tokio::test]
async fn a_flood_from_one_address_slows_that_address_on_sqlite() {
    a_flood_from_one_address_slows_that_address().await;
}

async fn preferences_are_remembered_per_account(app: TestApp) {
    let cookie = app.register("13900000004").await;
    let put = app
        .send(TestApp::request(
            axum::http::Method::PUT,
            "/api/me/preferences",
            Some(&cookie),
            Some(json!({ "elder_mode": true, "locale": "en" })),
        ))
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    // The session that saved them sees them on its next request (its sign-in was cached).
    let session = app.get("/api/session", Some(&cookie)).await;
    assert_eq!(
        session.body["account"]["preferences"],
        json!({ "elder_mode": true, "locale": "en" }),
        "{}",
        session.body
    );
    let me = app.sign_in("13900000004", "a quiet courtyard").await;
    assert_eq!(
        me.body["preferences"],
        json!({ "elder_mode": true, "locale": "en" })
    );
}
