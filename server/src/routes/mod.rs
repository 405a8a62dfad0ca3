//! HTTP routes. `/api/*` is JSON only and never falls back to the app; everything else is
//! the built app from `dist/`.

mod accounts;
pub(crate) mod audit;
mod calendar;
pub(crate) mod cases;
mod categories;
mod fields;
mod guardians;
mod health;
mod me;
mod notifications;
mod open311;
mod photo_files;
mod places;
pub(crate) mod retrofit;
mod security_headers;
mod surveys;
mod table_export;
mod views;

use crate::error::ApiError;
use crate::{auth, static_files, AppState};
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Request};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{middleware, Router};
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(health::health))
        .route("/session", get(me::session))
        .route("/me", get(me::me))
        .route("/me/preferences", put(me::set_preferences))
        .route("/places/communities", get(places::communities))
        .route("/places/{id}/children", get(places::children))
        .route("/admin/audit", get(audit::search))
        .route("/complaint-categories", get(categories::categories))
        .route(
            "/complaint-categories/{code}",
            put(categories::update_category),
        )
        .route(
            "/calendar/days",
            get(calendar::list_days).post(calendar::add_notice),
        )
        .route(
            "/communities/{id}/working-hours",
            put(calendar::set_working_hours),
        )
        .route("/notifications", get(notifications::list))
        .route("/notifications/unread-count", get(notifications::unread))
        .route(
            "/notifications/read-all",
            post(notifications::mark_all_read),
        )
        .route("/notifications/{id}/read", post(notifications::mark_read))
        .merge(accounts::router())
        .merge(cases::router())
        .merge(guardians::router())
        .merge(retrofit::router())
        .merge(surveys::router())
        .fallback(|| async { ApiError::NotFound })
        // axum adds the `Allow` header to whatever this answers.
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(state.settings.policy.max_body_bytes))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::cross_site_guard,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    let secure = state.settings.secure_cookies;
    let router = Router::new()
        .nest("/api", api)
        .nest("/open311/v2", open311::router())
        .merge(static_files::router(
            &state.settings.dist_dir,
            state.settings.asset_archive.as_deref(),
        ))
        .with_state(state)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::map_response_with_state(
            secure,
            security_headers::add,
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                .make_span_with(|request: &Request<_>| {
                let header = |name: &HeaderName| {
                    request
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-")
                        .to_owned()
                };
                let (id, client_id) = (header(&REQUEST_ID), header(&CLIENT_REQUEST_ID));
                // Only method and path: query strings could carry personal data.
                tracing::info_span!("request", id, client_id, method = %request.method(), path = request.uri().path())
            }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(middleware::from_fn(set_aside_client_request_id));
    router
}

/// Internal header carrying the id a client sent, bounded and cleaned.
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("x-anju-client-request-id");

/// The request id is always ours: a client's `X-Request-Id` could forge or flood log lines,
/// so it is kept apart (64 safe characters at most) and a fresh one is generated.
async fn set_aside_client_request_id(
    mut request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let sent = request.headers_mut().remove(REQUEST_ID);
    request.headers_mut().remove(CLIENT_REQUEST_ID);
    if let Some(value) = sent.as_ref().and_then(|v| v.to_str().ok()) {
        let cleaned: String = value
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .take(64)
            .collect();
        if let Ok(v) = HeaderValue::from_str(&cleaned) {
            request.headers_mut().insert(CLIENT_REQUEST_ID, v);
        }
    }
    next.run(request).await
}

fn panic_response(_panic: Box<dyn Any + Send + 'static>) -> axum::response::Response {
    // The payload can quote the input that caused it (a query string, a body): never logged.
    tracing::error!("handler panicked");
    ApiError::Internal(anyhow::anyhow!("panic")).into_response()
}
