//! Complaints and inquiries over HTTP: filing, lists and the queue, actions, photos, monthly
//! call-backs and reports. Files by sub-resource; who may see a case lives in [`access`], and
//! every transition goes through `anju_domain::complaint_flow::decide` in [`actions`].

mod access;
mod actions;
mod call_records;
pub(crate) mod callbacks;
pub(crate) mod communities;
mod create;
mod lists;
mod notices;
mod photos;
mod reports;
pub(crate) mod views;

pub(crate) use access::staff_scope;

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(lists::list).post(create::create))
        .route("/cases/{id}", get(lists::get))
        .route("/cases/{id}/actions", post(actions::act))
        .route(
            "/cases/{id}/photos",
            post(photos::upload).layer(DefaultBodyLimit::max(
                crate::photos::PhotoLimits::default().max_bytes + 1024,
            )),
        )
        .route("/cases/{id}/photos/{photo}", get(photos::download))
        .route("/cases/{id}/assignees", get(lists::assignees))
        .route("/cases/{id}/resident-phone", post(lists::resident_phone))
        .route("/cases/{id}/callbacks", post(call_records::record))
        .route("/cases/{id}/major", post(call_records::set_major))
        .route(
            "/callbacks/draws",
            get(callbacks::get_draw).post(callbacks::draw),
        )
        .route("/staff/communities", get(communities::my_communities))
        .route("/reports/complaints", get(reports::complaints))
}
