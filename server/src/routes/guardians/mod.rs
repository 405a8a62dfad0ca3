//! Family links: an elder invites a family member by mobile number; the family member
//! accepts with the SMS code sent to that number now (so whoever registered the number is
//! not enough), saying how they are related and sending a proof document (the body of the
//! accept request); then the elder — or the street office, for an elder who cannot use a
//! phone — confirms, and only then does the link open the elder's applications. The elder
//! (or the guardian) can end the link at any time.
//! Files by step; each has its router entry below.

mod accept;
mod access;
mod confirm;
mod invite;
mod proof;
mod views;

pub(crate) use views::view;

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(invite::overview))
        .routes(routes!(invite::invite))
        .routes(routes!(accept::accept).layer(DefaultBodyLimit::max(
            crate::documents::MAX_DOCUMENT_BYTES + 1024,
        )))
        .routes(routes!(confirm::end))
        .routes(routes!(confirm::confirm))
        .routes(routes!(proof::proof))
}
