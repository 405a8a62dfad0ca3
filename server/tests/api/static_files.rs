use crate::support::{temp_dir, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;

const HASHED_JS: &str = "anju-app-0123456789abcdef.js";

/// The server as started after `cargo xtask dist` (it reads the build when it starts).
async fn app_with_dist() -> (TestApp, Router) {
    let app = TestApp::sqlite().await;
    write_build(&app);
    let server = app.second_instance().await;
    (app, server)
}

fn write_build(app: &TestApp) {
    let dist = &app.state.settings.dist_dir;
    std::fs::create_dir_all(dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>安居</title>",
    )
    .unwrap();
    for page in anju_domain::bundle::SENT_PAGES {
        std::fs::write(
            dist.join(page.file),
            format!(
                "<!doctype html><title>安居</title><h1>{}</h1>",
                page.texts[0]
            ),
        )
        .unwrap();
    }
    std::fs::write(dist.join(HASHED_JS), "console.log('plain')").unwrap();
    std::fs::write(dist.join(format!("{HASHED_JS}.br")), b"brotli-bytes").unwrap();
    std::fs::write(dist.join(format!("{HASHED_JS}.gz")), b"gzip-bytes").unwrap();
}

async fn get(
    server: &Router,
    path: &str,
    accept_encoding: Option<&str>,
) -> crate::support::Response {
    let mut b = Request::builder().uri(path);
    if let Some(enc) = accept_encoding {
        b = b.header(header::ACCEPT_ENCODING, enc);
    }
    TestApp::send_to(server, b.body(Body::empty()).unwrap()).await
}

fn header_of(r: &crate::support::Response, name: header::HeaderName) -> &str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_served_precompressed() {
    let (_app, server) = app_with_dist().await;
    let br = get(&server, &format!("/{HASHED_JS}"), Some("gzip, br")).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(header_of(&br, header::CONTENT_ENCODING), "br");
    assert!(header_of(&br, header::CONTENT_TYPE).starts_with("text/javascript"));
    assert!(header_of(&br, header::CACHE_CONTROL).contains("immutable"));

    let gz = get(&server, &format!("/{HASHED_JS}"), Some("gzip")).await;
    assert_eq!(header_of(&gz, header::CONTENT_ENCODING), "gzip");
    let plain = get(&server, &format!("/{HASHED_JS}"), None).await;
    assert_eq!(plain.body, "console.log('plain')");
}

#[tokio::test]
async fn index_and_client_routes_get_the_shell_without_caching() {
    let (_app, server) = app_with_dist().await;
    for path in ["/", "/account", "/sign-in", "/complaints/new"] {
        let r = get(&server, path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            header_of(&r, header::CONTENT_TYPE).starts_with("text/html"),
            "{path}"
        );
        assert_eq!(header_of(&r, header::CACHE_CONTROL), "no-cache", "{path}");
        assert!(r.body.as_str().unwrap().contains("安居"), "{path}");
    }
    let missing_asset = get(&server, "/anju-app-ffffffffffffffff.js", None).await;
    assert_eq!(missing_asset.status, StatusCode::NOT_FOUND);
    let api = get(&server, "/api/account", None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.body["code"], "not_found");
}

/// `/`, `/register`, `/retrofit/check` and (signed in) `/complaints/new` are sent with their own
/// heading already in them (painted before the app's code has arrived); every other path gets
/// the plain shell, whose words fit any page.
#[tokio::test]
async fn the_sent_pages_come_with_their_heading_and_other_paths_with_none() {
    let (_app, server) = app_with_dist().await;
    for (path, heading) in [
        ("/", "home.heading"),
        ("/register", "register.title"),
        ("/register/", "register.title"),
        ("/retrofit/check", "check.title"),
    ] {
        let r = get(&server, path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            r.body
                .as_str()
                .unwrap()
                .contains(&format!("<h1>{heading}</h1>")),
            "{path}"
        );
        assert_eq!(header_of(&r, header::CACHE_CONTROL), "no-cache", "{path}");
    }
    for path in ["/account", "/sign-in", "/retrofit", "/index.html"] {
        let r = get(&server, path, None).await;
        assert!(!r.body.as_str().unwrap().contains("<h1>"), "{path}");
    }
    // The complaint form's heading only with a session (anyone else is sent on to sign in).
    let signed_out = get(&server, "/complaints/new", None).await;
    assert!(!signed_out.body.as_str().unwrap().contains("<h1>"));
    for cookie in ["anju_session=abc", "lang=zh; __Host-anju_session=abc"] {
        let with_session = Request::builder()
            .uri("/complaints/new")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        let r = TestApp::send_to(&server, with_session).await;
        assert!(
            r.body.as_str().unwrap().contains("<h1>new.step1</h1>"),
            "{cookie}"
        );
    }
    let emptied = Request::builder()
        .uri("/complaints/new")
        .header(header::COOKIE, "anju_session=")
        .body(Body::empty())
        .unwrap();
    let r = TestApp::send_to(&server, emptied).await;
    assert!(!r.body.as_str().unwrap().contains("<h1>"));
}

#[tokio::test]
async fn a_repeated_request_with_the_etag_gets_304_per_encoding() {
    let (_app, server) = app_with_dist().await;
    let first = get(&server, &format!("/{HASHED_JS}"), Some("br")).await;
    let tag = header_of(&first, header::ETAG).to_owned();
    assert!(tag.starts_with('"') && tag.ends_with("-br\""), "{tag}");
    assert!(header_of(&first, header::VARY).contains("accept-encoding"));
    let again = Request::builder()
        .uri(format!("/{HASHED_JS}"))
        .header(header::ACCEPT_ENCODING, "br")
        .header(header::IF_NONE_MATCH, &tag)
        .body(Body::empty())
        .unwrap();
    let again = TestApp::send_to(&server, again).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(header_of(&again, header::ETAG), tag);
    // The plain variant is another representation: the br tag does not match it.
    let plain = Request::builder()
        .uri(format!("/{HASHED_JS}"))
        .header(header::IF_NONE_MATCH, &tag)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        TestApp::send_to(&server, plain).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn after_a_deploy_the_previous_builds_hashed_files_are_still_served() {
    let archive = temp_dir();
    let kept = archive.0.clone();
    let app = TestApp::sqlite_with(move |s| s.asset_archive = Some(kept)).await;
    write_build(&app);
    let before = app.second_instance().await;
    assert_eq!(
        get(&before, &format!("/{HASHED_JS}"), None).await.status,
        StatusCode::OK
    );

    // The next build replaces dist/: a new hashed file, a new index, the old file gone.
    let dist = &app.state.settings.dist_dir;
    std::fs::remove_dir_all(dist).unwrap();
    std::fs::create_dir_all(dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>安居 v2</title>",
    )
    .unwrap();
    std::fs::write(
        dist.join("anju-app-fedcba9876543210.js"),
        "console.log('v2')",
    )
    .unwrap();
    let after = app.second_instance().await;

    let old = get(&after, &format!("/{HASHED_JS}"), Some("br")).await;
    assert_eq!(
        old.status,
        StatusCode::OK,
        "a tab on the old build can still load it"
    );
    assert_eq!(header_of(&old, header::CONTENT_ENCODING), "br");
    let new = get(&after, "/anju-app-fedcba9876543210.js", None).await;
    assert_eq!(new.body, "console.log('v2')");
    let index = get(&after, "/", None).await;
    assert!(
        index.body.as_str().unwrap().contains("v2"),
        "the shell is the new build's"
    );
}

#[tokio::test]
async fn only_get_and_head_reach_the_files() {
    let (_app, server) = app_with_dist().await;
    let head = Request::builder()
        .method("HEAD")
        .uri(format!("/{HASHED_JS}"))
        .body(Body::empty())
        .unwrap();
    let head = TestApp::send_to(&server, head).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(header_of(&head, header::CONTENT_LENGTH), "20");
    let post = Request::builder()
        .method("POST")
        .uri("/index.html")
        .body(Body::empty())
        .unwrap();
    let post = TestApp::send_to(&server, post).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header_of(&post, header::ALLOW), "GET, HEAD");
}

#[tokio::test]
async fn the_shell_of_a_lazy_page_preloads_that_pages_chunks() {
    let app = TestApp::sqlite().await;
    write_build(&app);
    std::fs::write(
        app.state.settings.dist_dir.join("page-chunks.json"),
        r#"{"public":["split-public-0123456789abcdef.wasm","chunk-5-0123456789abcdef.wasm"],
            "resident":["split-resident-fedcba9876543210.wasm","chunk-5-0123456789abcdef.wasm"],
            "staff":["split-staff-00112233445566aa.wasm"],"admin":["split-admin-00112233445566bb.wasm"]}"#,
    )
    .unwrap();
    let server = app.second_instance().await;

    let form = get(&server, "/complaints/new", Some("br")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(
        header_of(&form, header::LINK),
        "</split-resident-fedcba9876543210.wasm>; rel=preload; as=fetch; crossorigin, \
         </chunk-5-0123456789abcdef.wasm>; rel=preload; as=fetch; crossorigin"
    );
    let queue = get(&server, "/staff/queue", None).await;
    assert!(header_of(&queue, header::LINK).contains("split-staff-00112233445566aa.wasm"));
    assert!(!header_of(&queue, header::LINK).contains("resident"));

    let sign_in = get(&server, "/sign-in", None).await;
    assert!(header_of(&sign_in, header::LINK).contains("split-public-0123456789abcdef.wasm"));

    // The home page is in the main module; files and unknown pages preload nothing; a sent
    // page names its chunks in the page, fetched after its first paint (`cargo xtask dist`).
    for path in [
        "/",
        "/register",
        "/retrofit/check",
        "/index.html",
        &format!("/{HASHED_JS}"),
        "/no-such-page",
    ] {
        let r = get(&server, path, None).await;
        assert_eq!(header_of(&r, header::LINK), "", "{path}");
    }
}
