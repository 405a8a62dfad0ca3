//! The `anju` server: an axum JSON API under `/api/` plus the built app from `dist/`.
//! `main.rs` only wires configuration, telemetry and serving; everything testable hangs off
//! [`router`].

pub mod access;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod calendars;
pub mod category_cache;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod deadlines;
pub mod demo;
pub mod documents;
pub mod error;
pub mod extract;
pub mod files;
pub mod jurisdiction_cache;
pub mod limits;
pub mod mail;
pub mod object_store;
pub mod outbox;
pub mod paging;
pub mod photos;
pub mod routes;
pub mod session_cache;
pub mod shanghai;
pub mod sms;
pub mod static_files;
pub mod write_lane;

use axum::Router;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub use config::{DatabaseUrl, Policy, Settings};
pub use db::Db;

/// Wall-clock seconds, with an offset tests can advance to exercise timeouts.
#[derive(Clone, Default, Debug)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.offset_secs.load(Ordering::Relaxed)
    }
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub clock: Clock,
    /// Working calendars per community (shipped notices plus what admins stored).
    pub calendars: Arc<calendars::CalendarCache>,
    pub blobs: photos::BlobStore,
    pub sessions: Arc<session_cache::SessionCache>,
    pub jurisdictions: Arc<jurisdiction_cache::JurisdictionCache>,
    /// The categories for filing and case pages (see [`category_cache`]).
    pub categories: Arc<category_cache::CategoryCache>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        Self {
            blobs: photos::BlobStore::for_settings(&db, &settings),
            db,
            settings: Arc::new(settings),
            clock: Clock::default(),
            calendars: Arc::new(calendars::CalendarCache::default()),
            sessions: Arc::new(session_cache::SessionCache::default()),
            jurisdictions: Arc::new(jurisdiction_cache::JurisdictionCache::default()),
            categories: Arc::new(category_cache::CategoryCache::default()),
        }
    }
}

impl AppState {
    pub async fn calendar_for(
        &self,
        community_id: i64,
    ) -> Result<Arc<calendars::CommunityClock>, sqlx::Error> {
        self.calendars.for_community(&self.db, community_id).await
    }

    /// The complaint categories, read at most once a minute (see [`category_cache`]).
    pub async fn categories(
        &self,
    ) -> Result<Arc<Vec<anju_domain::category::Category>>, sqlx::Error> {
        self.categories.get(&self.db).await
    }

    /// A jurisdiction node, read once per server (see [`jurisdiction_cache`]).
    pub async fn jurisdiction(
        &self,
        id: i64,
    ) -> Result<Option<db::jurisdictions::JurisdictionRow>, sqlx::Error> {
        self.jurisdictions.get(&self.db, id).await
    }
}

pub fn router(state: AppState) -> Router {
    routes::router(state)
}
