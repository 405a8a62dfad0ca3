//! Password hashing (argon2id), session cookies, the signed-in-user extractor and the
//! cross-site request guard.

use crate::db::accounts::AccountRow;
use crate::error::ApiError;
use crate::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const COOKIE_NAME: &str = "anju_session";
pub const SECURE_COOKIE_NAME: &str = "__Host-anju_session";
/// Header our own client sends on every state-changing request. Browsers will not add a
/// custom header cross-site without a CORS preflight, which we never grant.
pub const CLIENT_HEADER: &str = "x-anju-client";

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the phone is unknown, so timing does not reveal which
/// numbers have accounts.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn cookie_name(state: &AppState) -> &'static str {
    if state.settings.secure_cookies {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

pub fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        cookie_name(state),
        state.settings.policy.session_absolute_secs
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn clear_cookie(state: &AppState) -> HeaderValue {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}",
        cookie_name(state)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The values of the request's cookies named `name`, in the order sent.
pub fn cookie_values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The session token from the request's cookies, if any.
pub fn session_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookie_values(headers, cookie_name(state))
        .next()
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
}

/// The signed-in account. Rejects with 401 when there is no live session.
pub struct CurrentUser(pub AccountRow);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = session_token(state, &parts.headers).ok_or(ApiError::Unauthenticated)?;
        let hash = token_hash(&token);
        let signed_in = match state.sessions.get(&hash) {
            Some(cached) => cached,
            None => {
                let generation = crate::session_cache::generation();
                let read = state
                    .db
                    .signed_in(&hash)
                    .await?
                    .ok_or(ApiError::Unauthenticated)?;
                state.sessions.put(&hash, generation, read.clone());
                read
            }
        };
        let now = state.clock.now();
        let policy = &state.settings.policy;
        if now - signed_in.session_last_seen_at > policy.session_idle_secs
            || now - signed_in.session_created_at > policy.session_absolute_secs
        {
            let mut tx = state.db.begin().await?;
            tx.delete_session(&hash).await?;
            tx.commit().await?;
            return Err(ApiError::Unauthenticated);
        }
        // Writing on every request would serialise reads behind the writer; a minute of
        // slack on a 30-minute idle timeout is harmless.
        if now - signed_in.session_last_seen_at >= 60 {
            state.db.touch_session(&hash, now).await?;
            state.sessions.touched(&hash, now);
        }
        let account = signed_in.account;
        Ok(CurrentUser(account))
    }
}

/// `Option<CurrentUser>`: `None` when nobody is signed in; other failures still fail.
impl axum::extract::OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(user) => Ok(Some(user)),
            Err(ApiError::Unauthenticated) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl CurrentUser {
    pub fn require(&self, allowed: impl Fn(anju_domain::Role) -> bool) -> Result<(), ApiError> {
        if allowed(self.0.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// Refuse state-changing API requests that carry neither our client header nor an `Origin`
/// matching the `Host` they were sent to.
pub async fn cross_site_guard(
    State(_state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || request.headers().contains_key(CLIENT_HEADER) || same_origin(request.headers()) {
        return next.run(request).await;
    }
    ApiError::CrossSite.into_response()
}

fn same_origin(headers: &HeaderMap) -> bool {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_only_the_same_password() {
        let hash = hash_password("a long passphrase").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("a long passphrase", &hash));
        assert!(!verify_password("a long passphrasE", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn same_origin_compares_origin_authority_with_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:3000"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h));
        h.remove(header::ORIGIN);
        assert!(!same_origin(&h));
    }
}
