//! Satisfaction surveys over HTTP: building and publishing, answering (residents) and
//! collecting door to door, review, results and exports. Files by sub-resource; who reaches a
//! survey lives in [`reach`].

mod answering;
mod editing;
mod export;
mod listing;
pub(crate) mod reach;
pub(crate) mod results;
mod reviewing;
mod views;

use crate::AppState;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(listing::list, editing::create))
        .routes(routes!(editing::template))
        .routes(routes!(listing::get, editing::update))
        .routes(routes!(editing::publish))
        .routes(routes!(answering::answer))
        .routes(routes!(reviewing::responses, answering::collect))
        .routes(routes!(results::results))
        .routes(routes!(export::export))
        .routes(routes!(reviewing::review))
}
