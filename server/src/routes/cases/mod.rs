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
pub(crate) mod reports;
pub(crate) mod views;

pub(crate) use access::staff_scope;

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(lists::list, create::create))
        .routes(routes!(lists::get))
        .routes(routes!(actions::act))
        .routes(routes!(photos::upload).layer(DefaultBodyLimit::max(
            crate::photos::PhotoLimits::default().max_bytes + 1024,
        )))
        .routes(routes!(photos::download))
        .routes(routes!(lists::assignees))
        .routes(routes!(lists::resident_phone))
        .routes(routes!(call_records::record))
        .routes(routes!(call_records::set_major))
        .routes(routes!(callbacks::get_draw, callbacks::draw))
        .routes(routes!(communities::my_communities))
        .routes(routes!(reports::complaints))
}
