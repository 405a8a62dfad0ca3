//! Mobile numbers proven by SMS codes: registration, forgotten passwords (by code and at the
//! community office), password changes and sessions.

use crate::support::{assert_envelope, on_both_backends, TestApp};
use anju_domain::Role;
use axum::http::StatusCode;
use serde_json::json;

on_both_backends!(
    registration_needs_the_code_texted_to_that_number,
    a_code_dies_after_five_wrong_tries_and_after_five_minutes,
    codes_are_rate_limited_and_say_nothing_about_accounts,
    a_forgotten_password_is_reset_by_code_and_every_session_ends,
    changing_the_password_ends_the_other_sessions,
    community_staff_reset_a_password_after_an_in_person_check,
);

async fn registration_needs_the_code_texted_to_that_number(app: TestApp) {
    let mut body = app.registration("13900001001");
    let none = app.post("/api/auth/register", None, body.clone()).await;
    assert_envelope(&none, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(none.body["fields"]["sms_code"].is_object(), "{}", none.body);

    // A code for another number does not prove this one.
    let other = app.sms_code("13900001002", "register", None).await;
    body["sms_code"] = json!(other);
    let wrong = app.post("/api/auth/register", None, body.clone()).await;
    assert_envelope(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation");

    let code = app.sms_code("13900001001", "register", None).await;
    body["sms_code"] = json!(code);
    let ok = app.post("/api/auth/register", None, body.clone()).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    // A code works once.
    body["phone"] = json!("13900001001");
    let reused = app.post("/api/auth/register", None, body).await;
    assert_envelope(&reused, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    // Stored as a keyed hash, never as sent.
    let stored = app.strings("SELECT code_hash FROM sms_codes").await;
    assert!(!stored.is_empty());
    assert!(stored.iter().all(|h| h != &code && h.len() == 64));
}

async fn a_code_dies_after_five_wrong_tries_and_after_five_minutes(app: TestApp) {
    let code = app.sms_code("13900001010", "register", None).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut body = app.registration("13900001010");
    for left in (0..5).rev() {
        body["sms_code"] = json!(wrong);
        let r = app.post("/api/auth/register", None, body.clone()).await;
        assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        let message = r.body["fields"]["sms_code"]["message"].as_str().unwrap();
        if left > 0 {
            assert!(message.contains(&left.to_string()), "{message}");
        }
    }
    body["sms_code"] = json!(code);
    let spent = app.post("/api/auth/register", None, body.clone()).await;
    assert_envelope(&spent, StatusCode::UNPROCESSABLE_ENTITY, "validation");

    let fresh = app.sms_code("13900001010", "register", None).await;
    app.state.clock.advance(5 * 60 + 1);
    body["sms_code"] = json!(fresh);
    let late = app.post("/api/auth/register", None, body).await;
    assert_envelope(&late, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(late.body["fields"]["sms_code"]["message"]
        .as_str()
        .unwrap()
        .contains("过期"));
}

async fn codes_are_rate_limited_and_say_nothing_about_accounts(app: TestApp) {
    app.register("13900001020").await;
    let ask = |phone: &'static str, purpose: &'static str| {
        app.post(
            "/api/auth/sms-codes",
            None,
            json!({ "phone": phone, "purpose": purpose }),
        )
    };
    // Known and unknown numbers get the same answer; only the phone's owner learns which.
    app.state.clock.advance(61);
    let known = ask("13900001020", "reset_password").await;
    let unknown = ask("13900001029", "reset_password").await;
    assert_eq!(known.status, StatusCode::ACCEPTED);
    assert_eq!(unknown.status, known.status);
    assert_eq!(unknown.body, known.body);
    assert!(app.last_code_to("13900001020").is_some());
    assert!(app.last_code_to("13900001029").is_none());
    let notice = app.state.settings.sms.sent();
    assert!(notice
        .iter()
        .any(|m| m.phone == "13900001029" && m.text.contains("还没有注册")));

    // Again at once: wait a minute.
    let soon = ask("13900001020", "reset_password").await;
    assert_envelope(&soon, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(soon.body["retry_after_secs"].as_u64().unwrap() <= 60);
    // Five an hour per number.
    for _ in 0..4 {
        app.state.clock.advance(61);
        assert_eq!(
            ask("13900001021", "register").await.status,
            StatusCode::ACCEPTED
        );
    }
    app.state.clock.advance(61);
    ask("13900001021", "register").await;
    app.state.clock.advance(61);
    let sixth = ask("13900001021", "register").await;
    assert_envelope(&sixth, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

async fn a_forgotten_password_is_reset_by_code_and_every_session_ends(app: TestApp) {
    let first = app.register("13900001030").await;
    let second = app
        .sign_in("13900001030", "a quiet courtyard")
        .await
        .cookie()
        .unwrap();
    let code = app.sms_code("13900001030", "reset_password", None).await;
    let weak = app
        .post(
            "/api/auth/password-reset",
            None,
            json!({ "phone": "13900001030", "sms_code": code, "new_password": "123" }),
        )
        .await;
    assert!(
        weak.body["fields"]["new_password"].is_object(),
        "{}",
        weak.body
    );
    let reset = app
        .post(
            "/api/auth/password-reset",
            None,
            json!({ "phone": "13900001030", "sms_code": code, "new_password": "willow by the lake" }),
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.body);
    for cookie in [&first, &second] {
        assert_eq!(
            app.get("/api/me", Some(cookie)).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.sign_in("13900001030", "a quiet courtyard").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.sign_in("13900001030", "willow by the lake")
            .await
            .status,
        StatusCode::OK
    );
}

async fn changing_the_password_ends_the_other_sessions(app: TestApp) {
    let here = app.register("13900001040").await;
    let elsewhere = app
        .sign_in("13900001040", "a quiet courtyard")
        .await
        .cookie()
        .unwrap();
    let wrong = app
        .put(
            "/api/me/password",
            Some(&here),
            json!({ "current_password": "nope nope", "new_password": "willow by the lake" }),
        )
        .await;
    assert!(wrong.body["fields"]["current_password"].is_object());
    let changed = app
        .put(
            "/api/me/password",
            Some(&here),
            json!({ "current_password": "a quiet courtyard", "new_password": "willow by the lake" }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.body["ended"], 1);
    assert_eq!(app.get("/api/me", Some(&here)).await.status, StatusCode::OK);
    assert_eq!(
        app.get("/api/me", Some(&elsewhere)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Ending other sessions on demand.
    let other = app
        .sign_in("13900001040", "willow by the lake")
        .await
        .cookie()
        .unwrap();
    let ended = app
        .post("/api/me/sessions/end-others", Some(&here), json!({}))
        .await;
    assert_eq!(ended.body["ended"], 1, "{}", ended.body);
    assert_eq!(
        app.get("/api/me", Some(&other)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn community_staff_reset_a_password_after_an_in_person_check(app: TestApp) {
    let resident = app.register("13900001050").await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let unchecked = app
        .post(
            "/api/staff/password-resets",
            Some(&staff),
            json!({ "phone": "13900001050", "identity_check": "" }),
        )
        .await;
    assert!(unchecked.body["fields"]["identity_check"].is_object());
    let stranger = app
        .post(
            "/api/staff/password-resets",
            Some(&staff),
            json!({ "phone": "13900001059", "identity_check": "本人到场，核对身份证原件" }),
        )
        .await;
    assert!(stranger.body["fields"]["phone"].is_object());
    // Residents cannot reset anyone.
    let other = app.register("13900001051").await;
    let by_resident = app
        .post(
            "/api/staff/password-resets",
            Some(&other),
            json!({ "phone": "13900001050", "identity_check": "本人到场，核对身份证原件" }),
        )
        .await;
    assert_eq!(by_resident.status, StatusCode::FORBIDDEN);

    let reset = app
        .post(
            "/api/staff/password-resets",
            Some(&staff),
            json!({ "phone": "13900001050", "identity_check": "本人到场，核对身份证原件" }),
        )
        .await;
    assert_eq!(reset.status, StatusCode::CREATED, "{}", reset.body);
    let temporary = reset.body["temporary_password"].as_str().unwrap();
    assert_eq!(
        app.get("/api/me", Some(&resident)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let recorded = app.audit_details("account.password_reset_in_person").await;
    assert_eq!(recorded.len(), 1);
    assert!(recorded[0].contains("身份证"), "{recorded:?}");
    let signed_in = app.sign_in("13900001050", temporary).await;
    assert_eq!(signed_in.status, StatusCode::OK);
    assert_eq!(signed_in.body["must_change_password"], true);
    let cookie = signed_in.cookie().unwrap();
    let changed = app
        .put(
            "/api/me/password",
            Some(&cookie),
            json!({ "current_password": temporary, "new_password": "willow by the lake" }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(
        app.get("/api/me", Some(&cookie)).await.body["must_change_password"],
        false
    );
    // A one-off password not used within a day stops working.
    let again = app
        .post(
            "/api/staff/password-resets",
            Some(&staff),
            json!({ "phone": "13900001050", "identity_check": "本人到场，核对身份证原件" }),
        )
        .await;
    let stale = again.body["temporary_password"]
        .as_str()
        .unwrap()
        .to_owned();
    app.state.clock.advance(24 * 60 * 60 + 1);
    let late = app.sign_in("13900001050", &stale).await;
    assert_envelope(&late, StatusCode::FORBIDDEN, "forbidden");
}
