//! Serving the built app from `dist/`, held in memory (read once at start; a deploy restarts
//! the server): the precompressed `.br`/`.gz` sibling the browser accepts, a strong `ETag` per
//! encoding with `304 Not Modified`, `immutable` caching for content-hashed names and
//! `no-cache` for the rest (`index.html` above all, so a deploy is picked up at once), and
//! `index.html` for client routes such as `/account` (for `/`, `/register` and the other
//! [`anju_domain::bundle::SENT_PAGES`], their own file: the same page with their heading and
//! introduction in it, see `cargo xtask dist`). `/api/` never reaches here.
//!
//! The shell sent for a deep link into a lazily loaded page (`/complaints/new`) carries a
//! `Link: rel=preload` header naming that page's wasm chunks (from `dist/page-chunks.json`,
//! written by `cargo xtask dist`), so the phone fetches them beside the main module instead of
//! only after the main module has started and its router asked for them.
//!
//! Content-hashed files are also copied to an archive in the data directory and served from
//! there after a deploy has replaced them: a tab still running the previous build can load the
//! parts it has not loaded yet. Archived files not seen in a build for
//! [`ARCHIVE_KEEP_DAYS`] are removed.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

mod archive;
mod preload;

use archive::keep_in_archive;
pub use archive::ARCHIVE_KEEP_DAYS;
use preload::PagePreloads;

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>安居</title><p>前端尚未构建：请运行 <code>cargo xtask dist</code>。";

pub fn router<S: Clone + Send + Sync + 'static>(dist: &Path, archive: Option<&Path>) -> Router<S> {
    let assets = Arc::new(Assets::load(dist, archive));
    Router::new().fallback(move |req: Request| {
        let assets = assets.clone();
        async move { assets.respond(&req) }
    })
}

struct Asset {
    identity: Variant,
    br: Option<Variant>,
    gzip: Option<Variant>,
    content_type: &'static str,
    cache_control: &'static str,
}

struct Variant {
    body: Bytes,
    etag: HeaderValue,
}

impl Variant {
    fn new(body: Vec<u8>, encoding: &str) -> Variant {
        let hash = hex::encode(&Sha256::digest(&body)[..8]);
        let etag = HeaderValue::from_str(&format!("\"{hash}{encoding}\""))
            .unwrap_or(HeaderValue::from_static("\"0\""));
        Variant {
            body: Bytes::from(body),
            etag,
        }
    }
}

#[derive(Default)]
struct Assets {
    /// By request path (`/index.html`, `/anju-app-0123456789abcdef.wasm`).
    files: HashMap<String, Asset>,
    preloads: PagePreloads,
}

impl Assets {
    fn load(dist: &Path, archive: Option<&Path>) -> Assets {
        let mut assets = Assets {
            preloads: PagePreloads::load(dist),
            ..Assets::default()
        };
        assets.add_tree(dist, dist);
        if let Some(archive) = archive {
            if let Err(e) = keep_in_archive(dist, archive) {
                tracing::warn!(error = %e, archive = %archive.display(), "cannot archive this build's files");
            }
            // Older builds' files, where this build has no file of that name.
            assets.add_tree(archive, archive);
        }
        assets
    }

    fn add_tree(&mut self, root: &Path, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                self.add_tree(root, &path);
                continue;
            }
            let name = path.to_string_lossy();
            if name.ends_with(".br") || name.ends_with(".gz") {
                continue;
            }
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            let url = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
            if self.files.contains_key(&url) {
                continue;
            }
            let Ok(body) = std::fs::read(&path) else {
                continue;
            };
            let sibling = |suffix: &str| std::fs::read(format!("{name}{suffix}")).ok();
            self.files.insert(
                url.clone(),
                Asset {
                    identity: Variant::new(body, ""),
                    br: sibling(".br").map(|b| Variant::new(b, "-br")),
                    gzip: sibling(".gz").map(|b| Variant::new(b, "-gz")),
                    content_type: content_type(&url),
                    cache_control: if is_content_hashed(&url) {
                        "public, max-age=31536000, immutable"
                    } else {
                        "no-cache"
                    },
                },
            );
        }
    }

    fn respond(&self, req: &Request) -> Response {
        let path = req.uri().path();
        // `/api/` itself (and `/api`) slip past the nested API router; they are API paths still.
        if path == "/api" || path.starts_with("/api/") {
            return crate::error::ApiError::NotFound.into_response();
        }
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return (
                StatusCode::METHOD_NOT_ALLOWED,
                [(header::ALLOW, "GET, HEAD")],
            )
                .into_response();
        }
        // `/`, `/register`, … are sent with their heading and introduction already in the page
        // when the build has that page (it names the page's chunks itself: no `Link` header).
        let sent;
        let page = anju_domain::bundle::sent_page(path)
            .filter(|page| !page.signed_in || has_session_cookie(req.headers()));
        let path = match page {
            Some(page) => {
                sent = format!("/{}", page.file);
                if self.files.contains_key(&sent) {
                    &sent
                } else if path == "/" {
                    "/index.html"
                } else {
                    path
                }
            }
            None => path,
        };
        let asset = match self.files.get(path) {
            Some(asset) => asset,
            None => {
                // A path without a file extension is a client route: answer with the app
                // shell. A missing file (`/app-1234.js`) stays a 404 so a stale tab reloads
                // instead of parsing HTML as JS.
                let last = path.rsplit('/').next().unwrap_or("");
                if last.contains('.') {
                    return (StatusCode::NOT_FOUND, "not found").into_response();
                }
                match self.files.get("/index.html") {
                    Some(index) => {
                        let mut response =
                            index.respond(req.headers(), req.method() == Method::HEAD);
                        if let Some(link) = self.preloads.for_route(path) {
                            response.headers_mut().insert(header::LINK, link.clone());
                        }
                        return response;
                    }
                    None => {
                        return (
                            StatusCode::NOT_FOUND,
                            [(header::CACHE_CONTROL, "no-cache")],
                            axum::response::Html(NOT_BUILT),
                        )
                            .into_response()
                    }
                }
            }
        };
        asset.respond(req.headers(), req.method() == Method::HEAD)
    }
}

/// Whether the request carries a session cookie (valid or not: only which page to send
/// depends on it, nothing it shows).
fn has_session_cookie(headers: &HeaderMap) -> bool {
    [crate::auth::COOKIE_NAME, crate::auth::SECURE_COOKIE_NAME]
        .into_iter()
        .any(|name| crate::auth::cookie_values(headers, name).any(|value| !value.is_empty()))
}

impl Asset {
    fn respond(&self, headers: &HeaderMap, head_only: bool) -> Response {
        let (variant, encoding) = match accepted(headers) {
            Accepted { br: true, .. } if self.br.is_some() => (self.br.as_ref(), Some("br")),
            Accepted { gzip: true, .. } if self.gzip.is_some() => {
                (self.gzip.as_ref(), Some("gzip"))
            }
            _ => (None, None),
        };
        let variant = variant.unwrap_or(&self.identity);
        let mut response = if none_match(headers, &variant.etag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut r = if head_only {
                Response::new(Body::empty())
            } else {
                Response::new(Body::from(variant.body.clone()))
            };
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
            r.headers_mut().insert(
                header::CONTENT_LENGTH,
                HeaderValue::from(variant.body.len()),
            );
            if let Some(e) = encoding {
                r.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
            }
            r
        };
        let h = response.headers_mut();
        h.insert(header::ETAG, variant.etag.clone());
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(self.cache_control),
        );
        if self.br.is_some() || self.gzip.is_some() {
            h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        response
    }
}

#[derive(Default)]
struct Accepted {
    br: bool,
    gzip: bool,
}

/// The encodings `Accept-Encoding` allows (`q=0` refuses one).
fn accepted(headers: &HeaderMap) -> Accepted {
    let mut out = Accepted::default();
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            match coding {
                "br" => out.br = !refused,
                "gzip" => out.gzip = !refused,
                "*" if !refused => {
                    out.br = true;
                    out.gzip = true;
                }
                _ => {}
            }
        }
    }
    out
}

/// Whether `If-None-Match` names this variant (or `*`); weak and strong compare alike here.
fn none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let ours = etag.to_str().unwrap_or("");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == ours)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
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
    use super::*;

    #[test]
    fn recognises_content_hashed_file_names() {
        assert!(is_content_hashed("/anju-app-0123456789abcdef.wasm"));
        assert!(is_content_hashed("/style-0123456789abcdef.css"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/manifest.webmanifest"));
        assert!(!is_content_hashed("/account"));
        assert!(!is_content_hashed("/icon-192.png"));
    }

    fn with_accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn accept_encoding_honours_refusals() {
        let a = accepted(&with_accept("gzip, deflate, br"));
        assert!(a.br && a.gzip);
        let a = accepted(&with_accept("br;q=0, gzip;q=0.5"));
        assert!(!a.br && a.gzip);
        let a = accepted(&with_accept("identity"));
        assert!(!a.br && !a.gzip);
        let a = accepted(&HeaderMap::new());
        assert!(!a.br && !a.gzip);
    }

    #[test]
    fn if_none_match_compares_the_variant_tag() {
        let tag = HeaderValue::from_static("\"abc-br\"");
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc-br\""),
        );
        assert!(none_match(&h, &tag));
        assert!(!none_match(&h, &HeaderValue::from_static("\"abc\"")));
    }
}
