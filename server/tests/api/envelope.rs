use crate::support::{assert_envelope, on_both_backends, TestApp};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

on_both_backends!(
    unknown_api_paths_are_json_404s_never_the_app,
    malformed_json_is_a_400_in_the_envelope,
    oversized_bodies_are_a_413_in_the_envelope,
    health_reports_the_database,
);

async fn unknown_api_paths_are_json_404s_never_the_app(app: TestApp) {
    for path in [
        "/api/x",
        "/api/",
        "/api/me/nothing",
        "/api/places/abc/children",
    ] {
        assert_envelope(
            &app.get(path, None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
}

async fn malformed_json_is_a_400_in_the_envelope(app: TestApp) {
    let request = |body: &'static str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/auth/sign-in")
            .header("x-anju-client", "1")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    assert_envelope(
        &app.send(request("{\"phone\": ")).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_envelope(
        &app.send(request("{\"phone\": 5}")).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_envelope(
        &app.send(request("[]")).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let no_type = Request::builder()
        .method(Method::POST)
        .uri("/api/auth/sign-in")
        .header("x-anju-client", "1")
        .body(Body::from("{}"))
        .unwrap();
    assert_envelope(
        &app.send(no_type).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
}

async fn oversized_bodies_are_a_413_in_the_envelope(app: TestApp) {
    let huge = format!(
        "{{\"phone\":\"{}\",\"password\":\"x\"}}",
        "1".repeat(200 * 1024)
    );
    let r = app
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/api/auth/sign-in")
                .header("x-anju-client", "1")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(huge))
                .unwrap(),
        )
        .await;
    assert_envelope(&r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

async fn health_reports_the_database(app: TestApp) {
    let ok = app.get("/api/health", None).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.body["status"], "ok");
    app.state.db.close().await;
    assert_envelope(
        &app.get("/api/health", None).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
    );
}
