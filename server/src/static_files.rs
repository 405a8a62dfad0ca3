//! Serving the built app from `dist/`: precompressed `.br`/`.gz` siblings when the browser
//! accepts them, `immutable` caching for content-hashed names, `no-cache` for the rest
//! (`index.html` above all, so a deploy is picked up at once), and `index.html` for client
//! routes such as `/account`. `/api/` never reaches here.

use crate::AppState;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;

pub fn router(dist: &Path) -> Router<AppState> {
    let index = dist.join("index.html");
    let serve = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(axum::routing::get(move |req: Request| {
            client_route(index.clone(), req)
        }));
    Router::new()
        .fallback_service(serve)
        .layer(middleware::from_fn(cache_headers))
}

/// A path without a file extension is a client route: answer with the app shell. A missing
/// file (`/app-1234.js`) stays a 404 so a stale tab reloads instead of parsing HTML as JS.
async fn client_route(index: PathBuf, req: Request) -> Response {
    let path = req.uri().path();
    // `/api/` itself (and `/api`) slip past the nested API router; they are API paths still.
    if path == "/api" || path.starts_with("/api/") {
        return crate::error::ApiError::NotFound.into_response();
    }
    let last = path.rsplit('/').next().unwrap_or("");
    if last.contains('.') {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match tokio::fs::read_to_string(&index).await {
        Ok(html) => Html(html).into_response(),
        Err(_) => (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><meta charset=utf-8><title>安居</title><p>前端尚未构建：请运行 <code>cargo xtask dist</code>。"),
        )
            .into_response(),
    }
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let hashed = is_content_hashed(req.uri().path());
    let mut response = next.run(req).await;
    let value = if hashed && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// `anju-app-0123456789abcdef.wasm`: a 16-hex-digit hash right before the extension.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn recognises_content_hashed_file_names() {
        assert!(is_content_hashed("/anju-app-0123456789abcdef.wasm"));
        assert!(is_content_hashed("/style-0123456789abcdef.css"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/manifest.webmanifest"));
        assert!(!is_content_hashed("/account"));
        assert!(!is_content_hashed("/icon-192.png"));
    }
}
