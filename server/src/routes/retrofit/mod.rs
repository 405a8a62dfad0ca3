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
pub(crate) mod county;
mod create;
mod documents;
mod place;
pub(crate) mod plan;
mod record;
pub(crate) mod report;
mod return_replies;
mod sections;
mod settlement;
pub(crate) mod stages;
mod supervision;
mod views;
pub(crate) mod warranty;
mod works;

pub(crate) use documents::{body_or_error, store_document};

use crate::AppState;

use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(applications::eligibility))
        .routes(routes!(applications::list, create::create))
        .routes(routes!(applications::get))
        .routes(routes!(sections::save_section))
        .routes(routes!(actions::act))
        .routes(routes!(return_replies::reply, return_replies::take_back))
        .routes(routes!(applications::reveal_id_number))
        .routes(routes!(documents::upload).layer(DefaultBodyLimit::max(
            crate::documents::MAX_DOCUMENT_BYTES + 1024,
        )))
        .routes(routes!(documents::download, documents::remove))
        .routes(routes!(access_log::access_log))
        .routes(routes!(county::list))
        .routes(routes!(county::get_settings, county::put_settings))
        .routes(routes!(catalogue::list, catalogue::add))
        .routes(routes!(catalogue::put))
        .routes(routes!(
            assessment::list_assessment_orgs,
            assessment::create_assessment_org
        ))
        .routes(routes!(
            assessment::add_assessment_member,
            assessment::remove_assessment_member
        ))
        .routes(routes!(
            assessment::list_contractor_orgs,
            assessment::create_contractor_org
        ))
        .routes(routes!(
            assessment::add_contractor_member,
            assessment::remove_contractor_member
        ))
        .routes(routes!(assessment::assign_contractor_org))
        .routes(routes!(works::contractor_list))
        .routes(routes!(contract::get, contract::offer))
        .routes(routes!(contract::sign))
        .routes(routes!(contract::certificate))
        .routes(routes!(settlement::settle))
        .routes(routes!(settlement::pay))
        .routes(routes!(settlement::list))
        .routes(routes!(report::report))
        .routes(routes!(warranty::file))
        .routes(routes!(warranty::list))
        .routes(routes!(warranty::answer))
        .routes(routes!(warranty::upload_photo).layer(DefaultBodyLimit::max(
            crate::photos::PhotoLimits::default().max_bytes + 1024,
        )))
        .routes(routes!(warranty::download_photo))
        .routes(routes!(acceptance::accept))
        .routes(routes!(acceptance::respond))
        .routes(
            routes!(supervision::download, supervision::upload).layer(DefaultBodyLimit::max(
                crate::documents::MAX_DOCUMENT_BYTES + 1024,
            )),
        )
        .routes(routes!(works::upload_photo).layer(DefaultBodyLimit::max(
            crate::photos::PhotoLimits::default().max_bytes + 1024,
        )))
        .routes(routes!(works::download_photo))
        .routes(routes!(assessment::assign_assessment_org))
        .routes(routes!(assessment::assessor_list))
        .routes(routes!(record::get, record::save))
        .routes(routes!(record::upload_photo).layer(DefaultBodyLimit::max(
            crate::photos::PhotoLimits::default().max_bytes + 1024,
        )))
        .routes(routes!(record::download_photo))
        .routes(routes!(assessment::propose_visit))
        .routes(routes!(assessment::ask_another_time))
        .routes(routes!(plan::get, plan::save_draft))
        .routes(routes!(plan::propose))
        .routes(routes!(plan::ask_changes))
        .routes(routes!(plan::confirm_identity))
        .routes(routes!(plan::sign).layer(DefaultBodyLimit::max(512 * 1024)))
        .routes(routes!(plan::certificate))
        .routes(routes!(plan::verify))
}
