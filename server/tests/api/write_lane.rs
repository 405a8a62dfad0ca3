//! The write lane (SQLite): changes run on its threads, reads where they arrived; a panic
//! there is still answered; a client that goes away still cancels its change.

use anju_server::write_lane::on_write_lane;
use axum::body::Body;
use axum::extract::Request;
use axum::http::Method;
use axum::routing::get;
use axum::Router;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;
use tower_http::catch_panic::CatchPanicLayer;

fn thread_name() -> String {
    std::thread::current().name().unwrap_or("").to_owned()
}

fn app(finished: Arc<AtomicBool>) -> Router {
    Router::new()
        .route(
            "/where",
            get(|| async { thread_name() }).post(|| async { thread_name() }),
        )
        .route(
            "/panics",
            axum::routing::post(|| async {
                if true {
                    panic!("a bug");
                }
                "unreachable"
            }),
        )
        .route(
            "/slow",
            axum::routing::post(move || async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                finished.store(true, Ordering::SeqCst);
            }),
        )
        .layer(axum::middleware::from_fn(on_write_lane))
        .layer(CatchPanicLayer::new())
}

async fn call(app: &Router, method: Method, path: &str) -> (u16, String) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn changes_run_on_the_write_lane_and_reads_where_they_arrived() {
    let app = app(Arc::default());
    assert_eq!(
        call(&app, Method::POST, "/where").await,
        (200, "anju-writes".into())
    );
    let (status, read_on) = call(&app, Method::GET, "/where").await;
    assert_eq!(status, 200);
    assert_ne!(read_on, "anju-writes");
}

#[tokio::test]
async fn a_change_that_panics_on_the_lane_is_answered_as_a_server_error() {
    let app = app(Arc::default());
    assert_eq!(call(&app, Method::POST, "/panics").await.0, 500);
    // The lane is still there for the next change.
    assert_eq!(call(&app, Method::POST, "/where").await.0, 200);
}

#[tokio::test]
async fn a_change_whose_client_went_away_is_cancelled_as_before() {
    let finished = Arc::new(AtomicBool::new(false));
    let app = app(finished.clone());
    let request = Request::builder()
        .method(Method::POST)
        .uri("/slow")
        .body(Body::empty())
        .unwrap();
    let gone = tokio::time::timeout(Duration::from_millis(50), app.oneshot(request)).await;
    assert!(gone.is_err(), "given up before the answer");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !finished.load(Ordering::SeqCst),
        "the lane's task was cancelled"
    );
}
