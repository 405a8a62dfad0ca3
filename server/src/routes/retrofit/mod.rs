//! Home age-friendly retrofits over HTTP: the eligibility check, applications (started,
//! filled screen by screen, documents, transitions), the county's list, quota and catalogue,
//! the assessment (organisations, assignment, the assessor's list, the visit booking) and the
//! plan with its signature, certificate and public verification, and the works (construction
//! companies, assignment, the construction contract, the contractor's list, before/after photos), the acceptance with its supervision report, the
//! settlement with its payments, the warranty's claims, and the annual report. Files by
//! sub-resource; who may see an application lives in [`access`], and every transition goes
//! through `anju_domain::retrofit_flow::decide` in [`actions`].

mod acceptance;
mod access;
mod access_log;
mod actions;
mod applications;
mod assessment;
mod catalogue;
mod contract;
mod county;
mod create;
mod documents;
mod place;
pub(crate) mod plan;
mod record;
pub(crate) mod report;
mod return_replies;
mod sections;
mod settlement;
mod supervision;
mod views;
pub(crate) mod warranty;
mod works;

pub(crate) use documents::{body_or_error, store_document};

use crate::AppState;
use assessment::{ASSESSMENT, CONSTRUCTION};
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/retrofit/eligibility", post(applications::eligibility))
        .route(
            "/retrofit/applications",
            get(applications::list).post(create::create),
        )
        .route("/retrofit/applications/{id}", get(applications::get))
        .route(
            "/retrofit/applications/{id}/sections",
            put(sections::save_section),
        )
        .route("/retrofit/applications/{id}/actions", post(actions::act))
        .route(
            "/retrofit/applications/{id}/return-items/{item}",
            put(return_replies::reply).delete(return_replies::take_back),
        )
        .route(
            "/retrofit/applications/{id}/id-number",
            post(applications::reveal_id_number),
        )
        .route(
            "/retrofit/applications/{id}/documents",
            post(documents::upload).layer(DefaultBodyLimit::max(
                crate::documents::MAX_DOCUMENT_BYTES + 1024,
            )),
        )
        .route(
            "/retrofit/applications/{id}/documents/{doc}",
            get(documents::download).delete(documents::remove),
        )
        .route(
            "/retrofit/applications/{id}/access-log",
            get(access_log::access_log),
        )
        .route("/retrofit/county-list", get(county::list))
        .route(
            "/retrofit/counties/{id}/settings",
            get(county::get_settings).put(county::put_settings),
        )
        .route(
            "/retrofit/counties/{id}/catalogue",
            get(catalogue::list).post(catalogue::add),
        )
        .route(
            "/retrofit/counties/{id}/catalogue/{no}",
            put(catalogue::put),
        )
        .route(
            "/retrofit/counties/{id}/assessment-orgs",
            get(assessment::list_orgs::<ASSESSMENT>).post(assessment::create_org::<ASSESSMENT>),
        )
        .route(
            "/retrofit/counties/{id}/assessment-orgs/{org}/members/{account}",
            put(assessment::add_member::<ASSESSMENT>)
                .delete(assessment::remove_member::<ASSESSMENT>),
        )
        .route(
            "/retrofit/counties/{id}/contractor-orgs",
            get(assessment::list_orgs::<CONSTRUCTION>).post(assessment::create_org::<CONSTRUCTION>),
        )
        .route(
            "/retrofit/counties/{id}/contractor-orgs/{org}/members/{account}",
            put(assessment::add_member::<CONSTRUCTION>)
                .delete(assessment::remove_member::<CONSTRUCTION>),
        )
        .route(
            "/retrofit/applications/{id}/contractor-org",
            put(assessment::assign::<CONSTRUCTION>),
        )
        .route("/retrofit/works", get(works::contractor_list))
        .route(
            "/retrofit/applications/{id}/contract",
            get(contract::get).post(contract::offer),
        )
        .route(
            "/retrofit/applications/{id}/contract/signature",
            post(contract::sign),
        )
        .route(
            "/retrofit/applications/{id}/contract/certificate",
            get(contract::certificate),
        )
        .route(
            "/retrofit/applications/{id}/settlement",
            post(settlement::settle),
        )
        .route(
            "/retrofit/applications/{id}/payments",
            post(settlement::pay),
        )
        .route("/retrofit/settlements", get(settlement::list))
        .route("/retrofit/report", get(report::report))
        .route(
            "/retrofit/applications/{id}/warranty-claims",
            post(warranty::file),
        )
        .route("/retrofit/warranty-claims", get(warranty::list))
        .route(
            "/retrofit/warranty-claims/{claim}/answer",
            post(warranty::answer),
        )
        .route(
            "/retrofit/warranty-claims/{claim}/photos",
            post(warranty::upload_photo).layer(DefaultBodyLimit::max(
                crate::photos::PhotoLimits::default().max_bytes + 1024,
            )),
        )
        .route(
            "/retrofit/warranty-claims/{claim}/photos/{photo}",
            get(warranty::download_photo),
        )
        .route(
            "/retrofit/applications/{id}/acceptance",
            post(acceptance::accept),
        )
        .route(
            "/retrofit/applications/{id}/acceptance/response",
            post(acceptance::respond),
        )
        .route(
            "/retrofit/applications/{id}/supervision-report",
            get(supervision::download)
                .post(supervision::upload)
                .layer(DefaultBodyLimit::max(
                    crate::documents::MAX_DOCUMENT_BYTES + 1024,
                )),
        )
        .route(
            "/retrofit/applications/{id}/works-photos",
            post(works::upload_photo).layer(DefaultBodyLimit::max(
                crate::photos::PhotoLimits::default().max_bytes + 1024,
            )),
        )
        .route(
            "/retrofit/applications/{id}/works-photos/{photo}",
            get(works::download_photo),
        )
        .route(
            "/retrofit/applications/{id}/assessment-org",
            put(assessment::assign::<ASSESSMENT>),
        )
        .route("/retrofit/assessments", get(assessment::assessor_list))
        .route(
            "/retrofit/applications/{id}/assessment-record",
            get(record::get).put(record::save),
        )
        .route(
            "/retrofit/applications/{id}/assessment-photos",
            post(record::upload_photo).layer(DefaultBodyLimit::max(
                crate::photos::PhotoLimits::default().max_bytes + 1024,
            )),
        )
        .route(
            "/retrofit/applications/{id}/assessment-photos/{photo}",
            get(record::download_photo),
        )
        .route(
            "/retrofit/applications/{id}/visit",
            put(assessment::propose_visit),
        )
        .route(
            "/retrofit/applications/{id}/visit/another-time",
            post(assessment::ask_another_time),
        )
        .route(
            "/retrofit/applications/{id}/plan",
            get(plan::get).put(plan::save_draft),
        )
        .route(
            "/retrofit/applications/{id}/plan/propose",
            post(plan::propose),
        )
        .route(
            "/retrofit/applications/{id}/plan/changes",
            post(plan::ask_changes),
        )
        .route(
            "/retrofit/applications/{id}/plan/confirm-identity",
            post(plan::confirm_identity),
        )
        .route(
            "/retrofit/applications/{id}/plan/signature",
            post(plan::sign).layer(DefaultBodyLimit::max(512 * 1024)),
        )
        .route(
            "/retrofit/applications/{id}/plan/certificate",
            get(plan::certificate),
        )
        .route("/verify/{code}", get(plan::verify))
}
