//! HTTP routes. `/api/*` is JSON only and never falls back to the app; everything else is
//! the built app from `dist/`.

mod accounts;
pub(crate) mod audit;
mod calendar;
pub(crate) mod cases;
mod categories;
mod desk;
mod fields;
mod guardians;
mod health;
mod me;
mod notices;
mod notifications;
mod open311;
pub mod openapi;
mod photo_files;
mod places;
pub(crate) mod retrofit;
mod security_headers;
pub(crate) mod surveys;
mod table_export;
mod views;

use crate::error::ApiError;
use crate::{auth, static_files, AppState};
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Request};
use axum::response::IntoResponse;
use axum::{middleware, Router};
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route under `/api`, each with its description: the router and the OpenAPI document
/// (`openapi.rs`) are both built from this one list, so a route cannot exist undescribed.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(openapi::document_json))
        .routes(routes!(openapi::docs_page))
        .routes(routes!(health::health))
        .routes(routes!(me::session))
        .routes(routes!(me::me))
        .routes(routes!(me::set_preferences))
        .routes(routes!(me::channels, me::set_channels))
        .routes(routes!(places::communities))
        .routes(routes!(places::children))
        .routes(routes!(audit::search::search))
        .routes(routes!(categories::categories))
        .routes(routes!(categories::update_category))
        .routes(routes!(calendar::list_days, calendar::add_notice))
        .routes(routes!(calendar::set_working_hours))
        .routes(routes!(desk::desk))
        .routes(routes!(notices::post_notice, notices::list_notices))
        .routes(routes!(notices::withdraw_notice))
        .routes(routes!(notices::edit_notice))
        .routes(routes!(notices::home_board))
        .routes(routes!(notices::list_concierges))
        .routes(routes!(notices::set_concierge, notices::remove_concierge))
        .routes(
            routes!(
                notices::set_concierge_photo,
                notices::remove_concierge_photo,
                notices::concierge_photo
            )
            .layer(axum::extract::DefaultBodyLimit::max(
                crate::photos::PhotoLimits::default().max_bytes + 1024,
            )),
        )
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::unread))
        .routes(routes!(notifications::mark_all_read))
        .routes(routes!(notifications::mark_read))
        .merge(accounts::router())
        .merge(cases::router())
        .merge(guardians::router())
        .merge(retrofit::router())
        .merge(surveys::router())
}

/// The described routes as served: `/api` and the Open311 feed.
pub(crate) fn described_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .nest("/api", api_routes())
        .nest("/open311/v2", open311::router())
}

pub fn router(state: AppState) -> Router {
    let (api, _) = api_routes().split_for_parts();
    let api = api
        .fallback(|| async { ApiError::NoSuchRoute })
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
    let single_writer = matches!(state.db, crate::Db::Sqlite { .. });
    let router = Router::new()
        .nest("/api", api)
        .nest("/open311/v2", open311::router().split_for_parts().0)
        .merge(static_files::router(
            &state.settings.dist_dir,
            state.settings.asset_archive.as_deref(),
        ))
        .with_state(state);
    // SQLite's changes queue for one writer; PostgreSQL's run side by side, and there the
    // extra hop cost more than it saved (measured, see `write_lane`). Inside the panic
    // catcher: a change that panics on the lane is resumed there.
    let router = if single_writer {
        router.layer(middleware::from_fn(crate::write_lane::on_write_lane))
    } else {
        router
    };
    router
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
        .layer(middleware::from_fn(set_aside_client_request_id))
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
