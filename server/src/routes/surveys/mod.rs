//! Satisfaction surveys over HTTP: building and publishing, answering (residents) and
//! collecting door to door, review, results and exports. Files by sub-resource; who reaches a
//! survey lives in [`reach`].

mod answering;
mod editing;
mod export;
mod listing;
mod reach;
mod results;
mod reviewing;
mod views;

use crate::AppState;
use axum::routing::{get, post, put};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/surveys", get(listing::list).post(editing::create))
        .route("/surveys/template", get(editing::template))
        .route("/surveys/{id}", get(listing::get).put(editing::update))
        .route("/surveys/{id}/publish", post(editing::publish))
        .route("/surveys/{id}/my-response", put(answering::answer))
        .route(
            "/surveys/{id}/responses",
            get(reviewing::responses).post(answering::collect),
        )
        .route("/surveys/{id}/results", get(results::results))
        .route("/surveys/{id}/export", get(export::export))
        .route("/survey-responses/{id}/review", post(reviewing::review))
}
