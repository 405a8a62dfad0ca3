//! Pages that load on demand. A visitor's first download holds the frame, the home page and
//! the not-found page; every other page is in one of five groups (public, resident, retrofit,
//! staff, admin) whose code, router included, arrives as a wasm chunk when one of the group's
//! pages is first opened, or earlier when [`prefetch`] fetched it while the phone was idle.
//! The app's root picks the group from the path ([`group_pages`]). `cargo xtask dist` splits
//! the groups out and prints their sizes.
//!
//! Groups rather than one chunk per page: the splitter writes one file for each set of splits
//! that share code, so twenty page splits came to 176 files (up to 65 requests for one page on
//! a mobile network); five groups come to 30. Retrofit is a group of its own so that filing a
//! complaint does not download the retrofit screens: the complaint form's group and its shared
//! chunks were 557 KB brotli with them, 283 KB without.
//!
//! A chunk that fails to load (no network, or a deploy removed it) leaves the app running:
//! the page says so and offers a reload, instead of the panic that aborts the wasm module.

use crate::catalog;
use crate::components::guard::Guard;
use crate::components::screen::FocusOnNewPage;
use crate::i18n::{page_title, tr};
use crate::pages::not_found::NotFound;
use crate::pages::{
    account::AccountPage, admin::AdminAccounts, assessments::Assessments, audit::AdminAudit,
    callbacks::Callbacks, case_detail::CaseDetail, case_new::NewCase, cases::CasesHome,
    contract_certificate::ContractCertificate, desk::Desk, forgot_password::ForgotPassword,
    notices::Notices, notifications::Notifications, plan_certificate::PlanCertificate,
    policy::Policy, queue::Queue, register::Register, retrofit_application::RetrofitApplication,
    retrofit_assessors::RetrofitAssessors, retrofit_catalogue::RetrofitCatalogue,
    retrofit_check::RetrofitCheck, retrofit_county::RetrofitCounty,
    retrofit_family::RetrofitFamily, retrofit_home::RetrofitHome, retrofit_plan::RetrofitPlan,
    retrofit_report::RetrofitReport, retrofit_review::RetrofitQueue,
    retrofit_settlement::RetrofitSettlement, sign_in::SignIn,
    staff_password_reset::StaffPasswordReset, survey_answer::SurveyAnswer,
    survey_collect::SurveyCollect, survey_edit::SurveyEdit, survey_results::SurveyResultsPage,
    surveys::SurveysHome, verify::VerifyPage, warranty_claims::WarrantyClaims, works::Works,
};
use anju_domain::access::Capability;
use anju_domain::pages::PageGroup;
use anju_domain::retrofit_works::OrgKind;
use anju_domain::Role;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use leptos_router::components::{Route, Routes};
use leptos_router::path;

/// Download a group's chunks (if not yet here) without building its pages; a failure shows
/// when [`group_pages`] is called.
pub async fn load_group(group: PageGroup) {
    let _ = match group {
        PageGroup::Public => preload_public().await,
        PageGroup::Resident => preload_resident().await,
        PageGroup::Retrofit => preload_retrofit().await,
        PageGroup::Staff => preload_staff().await,
        PageGroup::Admin => preload_admin().await,
    };
}

/// The pages of one group, as the router of its chunk. `group` comes from
/// [`anju_domain::pages::group_of_path`], the table the server's preload header also reads, so
/// the main module holds no route table: each chunk brings its own `<Routes>`. (In the main
/// module, the thirty routes' matching code and lazy-route plumbing were ~29 KB of the first
/// load's brotli bytes.)
pub async fn group_pages(group: PageGroup) -> AnyView {
    let loaded = match group {
        PageGroup::Public => public_pages().await,
        PageGroup::Resident => resident_pages().await,
        PageGroup::Retrofit => retrofit_pages().await,
        PageGroup::Staff => staff_pages().await,
        PageGroup::Admin => admin_pages().await,
    };
    loaded.unwrap_or_else(|_| view! { <ChunkFailed /> }.into_any())
}

// The split functions: their bodies, and all they alone reach, move into the group's chunk.
// `fallible` makes a failed load an `Err` instead of a panic. The path of every `<Route>` here
// is in `anju_domain::pages::LAZY_ROUTES` with this group (a server test compares them).

#[wasm_split(
    public,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_public)
)]
fn public_pages() -> Result<AnyView, SplitLoaderError> {
    catalog::use_page_texts();
    Ok(view! {
        <FocusOnNewPage />
        <Routes fallback=NotFound>
            <Route path=path!("/sign-in") view=SignIn />
            <Route path=path!("/register") view=Register />
            <Route path=path!("/retrofit/check") view=RetrofitCheck />
            <Route path=path!("/verify") view=VerifyPage />
        </Routes>
    }
    .into_any())
}

#[wasm_split(
    resident,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_resident)
)]
fn resident_pages() -> Result<AnyView, SplitLoaderError> {
    catalog::use_page_texts();
    Ok(view! {
        <FocusOnNewPage />
        <Routes fallback=NotFound>
            <Route path=path!("/forgot-password") view=ForgotPassword />
            <Route path=path!("/complaints") view=CasesHome />
            <Route
                path=path!("/complaints/new")
                view=|| view! { <Guard allow=any_account><NewCase /></Guard> }
            />
            <Route
                path=path!("/complaints/:id")
                view=|| view! { <Guard allow=any_account><CaseDetail /></Guard> }
            />
            <Route path=path!("/surveys") view=SurveysHome />
            <Route
                path=path!("/surveys/:id")
                view=|| view! { <Guard allow=not_staff><SurveyAnswer /></Guard> }
            />
            <Route
                path=path!("/notifications")
                view=|| view! { <Guard allow=any_account><Notifications /></Guard> }
            />
            <Route
                path=path!("/account")
                view=|| view! { <Guard allow=any_account><AccountPage /></Guard> }
            />
        </Routes>
    }
    .into_any())
}

#[wasm_split(
    retrofit,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_retrofit)
)]
fn retrofit_pages() -> Result<AnyView, SplitLoaderError> {
    catalog::use_page_texts();
    Ok(view! {
        <FocusOnNewPage />
        <Routes fallback=NotFound>
            <Route path=path!("/retrofit") view=RetrofitHome />
            <Route
                path=path!("/retrofit/family")
                view=|| view! { <Guard allow=not_staff><RetrofitFamily /></Guard> }
            />
            <Route
                path=path!("/retrofit/applications/:id")
                view=|| view! { <Guard allow=any_account><RetrofitApplication /></Guard> }
            />
            <Route
                path=path!("/retrofit/applications/:id/plan")
                view=|| view! { <Guard allow=any_account><RetrofitPlan /></Guard> }
            />
            <Route
                path=path!("/retrofit/applications/:id/plan/certificate")
                view=|| view! { <Guard allow=any_account><PlanCertificate /></Guard> }
            />
            <Route
                path=path!("/retrofit/applications/:id/contract/certificate")
                view=|| view! { <Guard allow=any_account><ContractCertificate /></Guard> }
            />
        </Routes>
    }
    .into_any())
}

#[wasm_split(
    staff,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_staff)
)]
fn staff_pages() -> Result<AnyView, SplitLoaderError> {
    catalog::use_page_texts();
    Ok(view! {
        <FocusOnNewPage />
        <Routes fallback=NotFound>
            <Route
                path=path!("/desk")
                view=|| view! { <Guard allow=anju_domain::desk::has_desk><Desk /></Guard> }
            />
            <Route
                path=path!("/staff/queue")
                view=|| view! { <Guard allow=works_cases><Queue /></Guard> }
            />
            <Route
                path=path!("/staff/callbacks")
                view=|| view! { <Guard allow=works_cases><Callbacks /></Guard> }
            />
            <Route
                path=path!("/surveys/:id/edit")
                view=|| view! { <Guard allow=works_cases><SurveyEdit /></Guard> }
            />
            <Route
                path=path!("/surveys/:id/collect")
                view=|| view! { <Guard allow=works_cases><SurveyCollect /></Guard> }
            />
            <Route
                path=path!("/surveys/:id/results")
                view=|| view! { <Guard allow=works_cases><SurveyResultsPage /></Guard> }
            />
            <Route
                path=path!("/staff/retrofit")
                view=|| view! { <Guard allow=reviews_retrofits><RetrofitQueue /></Guard> }
            />
            // The county pages work on the admin's own county; a system admin (who holds the
            // capability for any county) uses the API with a county named.
            <Route
                path=path!("/county/retrofit")
                view=|| view! { <Guard allow=county_admin><RetrofitCounty /></Guard> }
            />
            <Route
                path=path!("/county/catalogue")
                view=|| view! { <Guard allow=county_admin><RetrofitCatalogue /></Guard> }
            />
            <Route
                path=path!("/county/assessors")
                view=|| view! {
                    <Guard allow=county_admin><RetrofitAssessors kind=OrgKind::Assessment /></Guard>
                }
            />
            <Route
                path=path!("/county/contractors")
                view=|| view! {
                    <Guard allow=county_admin><RetrofitAssessors kind=OrgKind::Construction /></Guard>
                }
            />
            <Route
                path=path!("/county/settlement")
                view=|| view! { <Guard allow=county_admin><RetrofitSettlement /></Guard> }
            />
            <Route
                path=path!("/retrofit/report")
                view=|| view! {
                    <Guard allow=|r| r.can(Capability::ReadRetrofitReport)><RetrofitReport /></Guard>
                }
            />
            <Route
                path=path!("/warranty")
                view=|| view! { <Guard allow=follows_warranty><WarrantyClaims /></Guard> }
            />
            <Route
                path=path!("/works")
                view=|| view! {
                    <Guard allow=|r| r.can(Capability::BuildWorks)><Works /></Guard>
                }
            />
            <Route
                path=path!("/assess")
                view=|| view! {
                    <Guard allow=|r| r.can(Capability::AssessHomes)><Assessments /></Guard>
                }
            />
            <Route
                path=path!("/staff/notices")
                view=|| view! {
                    <Guard allow=|r| r.can(Capability::PostNotices)><Notices /></Guard>
                }
            />
            <Route
                path=path!("/staff/password-reset")
                view=|| view! {
                    <Guard allow=|r| r.can(Capability::ResetPasswordInPerson)>
                        <StaffPasswordReset />
                    </Guard>
                }
            />
        </Routes>
    }
    .into_any())
}

#[wasm_split(
    admin,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_admin)
)]
fn admin_pages() -> Result<AnyView, SplitLoaderError> {
    catalog::use_page_texts();
    Ok(view! {
        <FocusOnNewPage />
        <Routes fallback=NotFound>
            <Route
                path=path!("/admin/policy")
                view=|| view! { <Guard allow=|r| r.can(Capability::EditPolicy)><Policy /></Guard> }
            />
            <Route
                path=path!("/admin/audit")
                view=|| view! {
                    <Guard allow=|r| r.can(Capability::ReadAuditLog)><AdminAudit /></Guard>
                }
            />
            <Route
                path=path!("/admin/accounts")
                view=|| view! {
                    <Guard allow=|r| r.can(Capability::ManageAccounts)><AdminAccounts /></Guard>
                }
            />
        </Routes>
    }
    .into_any())
}

/// Fetch the chunks the signed-in account's pages are in, once, while the phone is idle, so
/// the next page opens without waiting for the network. A failed fetch is retried when the
/// page is opened. Skipped when the browser says the user asked to save data.
///
/// It waits a few seconds first: on a deep link the page's own chunk is still downloading,
/// and a prefetch started at once competed with it (`cargo xtask lighthouse`, complaint form:
/// LCP 5.2 s without the wait, 4.9 s with it).
pub fn prefetch(role: Option<Role>) {
    if saves_data() {
        return;
    }
    set_timeout(move || prefetch_when_idle(role), PREFETCH_DELAY);
}

const PREFETCH_DELAY: std::time::Duration = std::time::Duration::from_secs(3);

fn prefetch_when_idle(role: Option<Role>) {
    request_idle_callback(move || {
        leptos::task::spawn_local(async move {
            load_group(PageGroup::Public).await;
            load_group(PageGroup::Resident).await;
            load_group(PageGroup::Retrofit).await;
            let Some(role) = role else { return };
            if role.is_staff() {
                load_group(PageGroup::Staff).await;
            }
            let admin = [
                Capability::EditPolicy,
                Capability::ReadAuditLog,
                Capability::ManageAccounts,
            ];
            if admin.into_iter().any(|c| role.can(c)) {
                load_group(PageGroup::Admin).await;
            }
        })
    });
}

/// `navigator.connection.saveData` (Chromium on Android: the Lite/Data Saver setting).
fn saves_data() -> bool {
    js_sys::Reflect::get(&window(), &"navigator".into())
        .and_then(|n| js_sys::Reflect::get(&n, &"connection".into()))
        .and_then(|c| js_sys::Reflect::get(&c, &"saveData".into()))
        .is_ok_and(|v| v.as_bool() == Some(true))
}

/// Shown in place of a page whose code could not be downloaded.
#[component]
fn ChunkFailed() -> impl IntoView {
    page_title("chunk.failed_title");
    let reload = |_| {
        let _ = window().location().reload();
    };
    view! {
        <h1 tabindex="-1">{tr("chunk.failed_title")}</h1>
        <p role="alert">{tr("chunk.failed")}</p>
        <p><button type="button" class="button button--large" on:click=reload>{tr("chunk.reload")}</button></p>
    }
}

fn any_account(_: Role) -> bool {
    true
}

fn not_staff(role: Role) -> bool {
    !role.is_staff()
}

/// Staff who handle complaints (the server applies the same table to the data).
fn works_cases(role: Role) -> bool {
    role.can(Capability::WorkCases)
}

fn county_admin(role: Role) -> bool {
    role == Role::CountyAdmin
}

/// Who follows warranty claims: the builders who answer them, the street office that sees
/// the overdue ones, the county.
fn follows_warranty(role: Role) -> bool {
    matches!(
        role,
        Role::Contractor | Role::StreetReviewer | Role::CountyAdmin
    )
}

/// Staff who review retrofit applications of their jurisdiction.
fn reviews_retrofits(role: Role) -> bool {
    role.can(Capability::ReviewRetrofit)
}
