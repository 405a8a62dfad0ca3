use crate::support::TestApp;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

const HASHED_JS: &str = "anju-app-0123456789abcdef.js";

async fn app_with_dist() -> TestApp {
    let app = TestApp::sqlite().await;
    let dist = &app.state.settings.dist_dir;
    std::fs::create_dir_all(dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>安居</title>",
    )
    .unwrap();
    std::fs::write(dist.join(HASHED_JS), "console.log('plain')").unwrap();
    std::fs::write(dist.join(format!("{HASHED_JS}.br")), b"brotli-bytes").unwrap();
    std::fs::write(dist.join(format!("{HASHED_JS}.gz")), b"gzip-bytes").unwrap();
    app
}

async fn get(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> crate::support::Response {
    let mut b = Request::builder().uri(path);
    if let Some(enc) = accept_encoding {
        b = b.header(header::ACCEPT_ENCODING, enc);
    }
    app.send(b.body(Body::empty()).unwrap()).await
}

fn header_of(r: &crate::support::Response, name: header::HeaderName) -> &str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_served_precompressed() {
    let app = app_with_dist().await;
    let br = get(&app, &format!("/{HASHED_JS}"), Some("gzip, br")).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(header_of(&br, header::CONTENT_ENCODING), "br");
    assert!(header_of(&br, header::CONTENT_TYPE).starts_with("text/javascript"));
    assert!(header_of(&br, header::CACHE_CONTROL).contains("immutable"));

    let gz = get(&app, &format!("/{HASHED_JS}"), Some("gzip")).await;
    assert_eq!(header_of(&gz, header::CONTENT_ENCODING), "gzip");
    let plain = get(&app, &format!("/{HASHED_JS}"), None).await;
    assert_eq!(plain.body, "console.log('plain')");
}

#[tokio::test]
async fn index_and_client_routes_get_the_shell_without_caching() {
    let app = app_with_dist().await;
    for path in ["/", "/account", "/sign-in", "/services/retrofit"] {
        let r = get(&app, path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            header_of(&r, header::CONTENT_TYPE).starts_with("text/html"),
            "{path}"
        );
        assert_eq!(header_of(&r, header::CACHE_CONTROL), "no-cache", "{path}");
        assert!(r.body.as_str().unwrap().contains("安居"), "{path}");
    }
    let missing_asset = get(&app, "/anju-app-ffffffffffffffff.js", None).await;
    assert_eq!(missing_asset.status, StatusCode::NOT_FOUND);
    let api = get(&app, "/api/account", None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.body["code"], "not_found");
}
