use crate::support::{assert_envelope, on_both_backends, TestApp};
use anju_server::auth::{COOKIE_NAME, SECURE_COOKIE_NAME};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;

on_both_backends!(
    session_cookie_is_http_only_same_site_strict,
    session_id_is_rotated_at_sign_in,
    idle_sessions_expire_after_thirty_minutes,
    sessions_expire_twelve_hours_after_sign_in_even_when_active,
    cross_site_state_changes_are_refused,
);

async fn session_cookie_is_http_only_same_site_strict(app: TestApp) {
    let r = app
        .post(
            "/api/auth/register",
            None,
            app.registration_with_code("13900000010").await,
        )
        .await;
    let cookie = r.set_cookie().unwrap();
    assert!(cookie.starts_with(&format!("{COOKIE_NAME}=")), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-HTTP dev server must not set Secure"
    );
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_with_the_host_prefix() {
    let app = TestApp::sqlite_with(|s| s.secure_cookies = true).await;
    let r = app
        .post(
            "/api/auth/register",
            None,
            app.registration_with_code("13900000011").await,
        )
        .await;
    let cookie = r.set_cookie().unwrap();
    assert!(
        cookie.starts_with(&format!("{SECURE_COOKIE_NAME}=")),
        "{cookie}"
    );
    assert!(cookie.contains("; Secure"));
    let me = app.get("/api/me", Some(&r.cookie().unwrap())).await;
    assert_eq!(me.status, StatusCode::OK);
}

async fn session_id_is_rotated_at_sign_in(app: TestApp) {
    let first = app.register("13900000012").await;
    let r = app
        .send(TestApp::request(
            Method::POST,
            "/api/auth/sign-in",
            Some(&first),
            Some(json!({ "phone": "13900000012", "password": "a quiet courtyard" })),
        ))
        .await;
    let second = r.cookie().unwrap();
    assert_ne!(first, second);
    assert_eq!(
        app.get("/api/me", Some(&second)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/me", Some(&first)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn idle_sessions_expire_after_thirty_minutes(app: TestApp) {
    let cookie = app.register("13900000013").await;
    app.state.clock.advance(29 * 60);
    assert_eq!(
        app.get("/api/me", Some(&cookie)).await.status,
        StatusCode::OK
    );
    app.state.clock.advance(29 * 60);
    assert_eq!(
        app.get("/api/me", Some(&cookie)).await.status,
        StatusCode::OK,
        "activity extends the session"
    );
    app.state.clock.advance(31 * 60);
    assert_envelope(
        &app.get("/api/me", Some(&cookie)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
}

async fn sessions_expire_twelve_hours_after_sign_in_even_when_active(app: TestApp) {
    let cookie = app.register("13900000014").await;
    // Active every 20 minutes for 11 h 40 min: still signed in.
    for _ in 0..35 {
        app.state.clock.advance(20 * 60);
        assert_eq!(
            app.get("/api/me", Some(&cookie)).await.status,
            StatusCode::OK
        );
    }
    app.state.clock.advance(21 * 60);
    assert_eq!(
        app.get("/api/me", Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn cross_site_state_changes_are_refused(app: TestApp) {
    let body = app.registration_with_code("13900000015").await.to_string();
    let forged = Request::builder()
        .method(Method::POST)
        .uri("/api/auth/register")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_envelope(&app.send(forged).await, StatusCode::FORBIDDEN, "cross_site");

    let same_origin = Request::builder()
        .method(Method::POST)
        .uri("/api/auth/register")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(same_origin).await.status, StatusCode::CREATED);
}
