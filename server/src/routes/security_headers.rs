//! Response headers every answer carries: a content security policy the app works under
//! (no inline script, wasm allowed to compile), no sniffing, no referrer, no framing, no
//! powerful browser features; HSTS once the site is served over HTTPS.

use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::Response;

/// The app's policy. Document downloads set their own, stricter one
/// (`documents::DOWNLOAD_CSP`), which this layer leaves in place.
pub const APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; \
manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

const PERMISSIONS: &str = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), \
serial=(), bluetooth=(), interest-cohort=()";

/// Add the headers to a response (a `map_response` middleware; `https` from the settings).
pub async fn add(State(https): State<bool>, mut response: Response) -> Response {
    let headers = response.headers_mut();
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("permissions-policy"), PERMISSIONS),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(APP_CSP),
        );
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}
