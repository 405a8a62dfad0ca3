//! Pages that load on demand. A visitor's first download holds the frame, the home page and
//! the not-found page; every other page is a lazy route whose code arrives with its group's
//! wasm chunk (public, resident, staff, admin) when one of the group's pages is first opened,
//! or earlier when [`prefetch`] fetched it while the phone was idle. `cargo xtask dist` splits
//! the groups out and prints their sizes.
//!
//! Four groups rather than one chunk per page: the splitter writes one file for each set of
//! splits that share code, so twenty page splits came to 176 files (up to 65 requests for one
//! page on a mobile network), and four groups to fifteen.
//!
//! A chunk that fails to load (no network, or a deploy removed it) leaves the app running:
//! the page says so and offers a reload, instead of the panic that aborts the wasm module.

use crate::components::guard::Guard;
use crate::i18n::{page_title, tr};
use crate::pages::{
    account::AccountPage, admin::AdminAccounts, assessments::Assessments, audit::AdminAudit,
    callbacks::Callbacks, case_detail::CaseDetail, case_new::NewCase, cases::CasesHome,
    forgot_password::ForgotPassword, notifications::Notifications,
    plan_certificate::PlanCertificate, policy::Policy, queue::Queue, register::Register,
    retrofit_application::RetrofitApplication, retrofit_assessors::RetrofitAssessors,
    retrofit_catalogue::RetrofitCatalogue, retrofit_check::RetrofitCheck,
    retrofit_county::RetrofitCounty, retrofit_family::RetrofitFamily, retrofit_home::RetrofitHome,
    retrofit_plan::RetrofitPlan, retrofit_review::RetrofitQueue, service::ServicePage,
    sign_in::SignIn, staff_password_reset::StaffPasswordReset, survey_answer::SurveyAnswer,
    survey_collect::SurveyCollect, survey_edit::SurveyEdit, survey_results::SurveyResultsPage,
    surveys::SurveysHome, verify::VerifyPage,
};
use anju_domain::access::Capability;
use anju_domain::Role;
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use leptos_router::LazyRoute;

/// The public pages a link or a search lands on.
#[derive(Clone, Copy)]
pub enum PublicPage {
    SignIn,
    Register,
    RetrofitCheck,
    /// Checking a printed plan certificate's code.
    Verify,
}

/// What residents and their families open after the first page.
#[derive(Clone, Copy)]
pub enum ResidentPage {
    ForgotPassword,
    Service,
    Cases,
    NewCase,
    CaseDetail,
    RetrofitHome,
    RetrofitFamily,
    RetrofitApplication,
    RetrofitPlan,
    PlanCertificate,
    Surveys,
    SurveyAnswer,
    Notifications,
    Account,
}

/// Pages of community, street and county staff.
#[derive(Clone, Copy)]
pub enum StaffPage {
    Queue,
    Callbacks,
    SurveyEdit,
    SurveyCollect,
    SurveyResults,
    RetrofitQueue,
    RetrofitCounty,
    RetrofitCatalogue,
    RetrofitAssessors,
    Assessments,
    PasswordReset,
}

/// Pages of system administrators.
#[derive(Clone, Copy)]
pub enum AdminPage {
    Policy,
    Audit,
    Accounts,
}

// The split functions: their bodies, and all they alone reach, move into the group's chunk.
// `fallible` makes a failed load an `Err` instead of a panic.

#[wasm_split(
    public,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_public)
)]
fn public_page(page: PublicPage) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        PublicPage::SignIn => view! { <SignIn /> }.into_any(),
        PublicPage::Register => view! { <Register /> }.into_any(),
        PublicPage::RetrofitCheck => view! { <RetrofitCheck /> }.into_any(),
        PublicPage::Verify => view! { <VerifyPage /> }.into_any(),
    })
}

#[wasm_split(
    resident,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_resident)
)]
fn resident_page(page: ResidentPage) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        ResidentPage::ForgotPassword => view! { <ForgotPassword /> }.into_any(),
        ResidentPage::Service => view! { <ServicePage /> }.into_any(),
        ResidentPage::Cases => view! { <CasesHome /> }.into_any(),
        ResidentPage::NewCase => view! { <Guard allow=any_account><NewCase /></Guard> }.into_any(),
        ResidentPage::CaseDetail => {
            view! { <Guard allow=any_account><CaseDetail /></Guard> }.into_any()
        }
        ResidentPage::RetrofitHome => view! { <RetrofitHome /> }.into_any(),
        ResidentPage::RetrofitFamily => {
            view! { <Guard allow=not_staff><RetrofitFamily /></Guard> }.into_any()
        }
        ResidentPage::RetrofitPlan => {
            view! { <Guard allow=any_account><RetrofitPlan /></Guard> }.into_any()
        }
        ResidentPage::PlanCertificate => {
            view! { <Guard allow=any_account><PlanCertificate /></Guard> }.into_any()
        }
        ResidentPage::RetrofitApplication => {
            view! { <Guard allow=any_account><RetrofitApplication /></Guard> }.into_any()
        }
        ResidentPage::Surveys => view! { <SurveysHome /> }.into_any(),
        ResidentPage::SurveyAnswer => {
            view! { <Guard allow=not_staff><SurveyAnswer /></Guard> }.into_any()
        }
        ResidentPage::Notifications => {
            view! { <Guard allow=any_account><Notifications /></Guard> }.into_any()
        }
        ResidentPage::Account => {
            view! { <Guard allow=any_account><AccountPage /></Guard> }.into_any()
        }
    })
}

#[wasm_split(
    staff,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_staff)
)]
fn staff_page(page: StaffPage) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        StaffPage::Queue => view! { <Guard allow=works_cases><Queue /></Guard> }.into_any(),
        StaffPage::Callbacks => view! { <Guard allow=works_cases><Callbacks /></Guard> }.into_any(),
        StaffPage::SurveyEdit => {
            view! { <Guard allow=works_cases><SurveyEdit /></Guard> }.into_any()
        }
        StaffPage::SurveyCollect => {
            view! { <Guard allow=works_cases><SurveyCollect /></Guard> }.into_any()
        }
        StaffPage::SurveyResults => {
            view! { <Guard allow=works_cases><SurveyResultsPage /></Guard> }.into_any()
        }
        StaffPage::RetrofitQueue => {
            view! { <Guard allow=reviews_retrofits><RetrofitQueue /></Guard> }.into_any()
        }
        // The page works on the admin's own county; a system admin (who holds the capability
        // for any county) uses the API with a county named.
        StaffPage::RetrofitCounty => {
            view! { <Guard allow=|r| r == Role::CountyAdmin><RetrofitCounty /></Guard> }.into_any()
        }
        StaffPage::RetrofitCatalogue => view! {
            <Guard allow=|r| r == Role::CountyAdmin><RetrofitCatalogue /></Guard>
        }
        .into_any(),
        StaffPage::RetrofitAssessors => view! {
            <Guard allow=|r| r == Role::CountyAdmin><RetrofitAssessors /></Guard>
        }
        .into_any(),
        StaffPage::Assessments => view! {
            <Guard allow=|r| r.can(Capability::AssessHomes)><Assessments /></Guard>
        }
        .into_any(),
        StaffPage::PasswordReset => view! {
            <Guard allow=|r| r.can(Capability::ResetPasswordInPerson)><StaffPasswordReset /></Guard>
        }
        .into_any(),
    })
}

#[wasm_split(
    admin,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_admin)
)]
fn admin_page(page: AdminPage) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        AdminPage::Policy => {
            view! { <Guard allow=|r| r.can(Capability::EditPolicy)><Policy /></Guard> }.into_any()
        }
        AdminPage::Audit => {
            view! { <Guard allow=|r| r.can(Capability::ReadAuditLog)><AdminAudit /></Guard> }
                .into_any()
        }
        AdminPage::Accounts => view! {
            <Guard allow=|r| r.can(Capability::ManageAccounts)><AdminAccounts /></Guard>
        }
        .into_any(),
    })
}

/// `lazy_routes!(group_fn, preload_fn, Group { Route => Page, … })`: the route types the router
/// loads each page of a group with.
macro_rules! lazy_routes {
    ($group:ident, $preload:ident, $pages:ident { $($route:ident => $page:ident),* $(,)? }) => {
        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                async fn view(_this: Self) -> AnyView {
                    $group($pages::$page)
                        .await
                        .unwrap_or_else(|_| view! { <ChunkFailed /> }.into_any())
                }

                async fn preload() {
                    // A failure shows on the page itself, from `view`.
                    let _ = $preload().await;
                }
            }
        )*
    };
}

lazy_routes!(public_page, preload_public, PublicPage {
    SignInRoute => SignIn,
    RegisterRoute => Register,
    RetrofitCheckRoute => RetrofitCheck,
    VerifyRoute => Verify,
});

lazy_routes!(resident_page, preload_resident, ResidentPage {
    ForgotPasswordRoute => ForgotPassword,
    ServiceRoute => Service,
    CasesRoute => Cases,
    NewCaseRoute => NewCase,
    CaseDetailRoute => CaseDetail,
    RetrofitHomeRoute => RetrofitHome,
    RetrofitFamilyRoute => RetrofitFamily,
    RetrofitApplicationRoute => RetrofitApplication,
    RetrofitPlanRoute => RetrofitPlan,
    PlanCertificateRoute => PlanCertificate,
    SurveysRoute => Surveys,
    SurveyAnswerRoute => SurveyAnswer,
    NotificationsRoute => Notifications,
    AccountRoute => Account,
});

lazy_routes!(staff_page, preload_staff, StaffPage {
    QueueRoute => Queue,
    CallbacksRoute => Callbacks,
    SurveyEditRoute => SurveyEdit,
    SurveyCollectRoute => SurveyCollect,
    SurveyResultsRoute => SurveyResults,
    RetrofitQueueRoute => RetrofitQueue,
    RetrofitCountyRoute => RetrofitCounty,
    RetrofitCatalogueRoute => RetrofitCatalogue,
    RetrofitAssessorsRoute => RetrofitAssessors,
    AssessmentsRoute => Assessments,
    StaffPasswordResetRoute => PasswordReset,
});

lazy_routes!(admin_page, preload_admin, AdminPage {
    PolicyRoute => Policy,
    AuditRoute => Audit,
    AccountsRoute => Accounts,
});

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
            let _ = preload_public().await;
            let _ = preload_resident().await;
            let Some(role) = role else { return };
            if role.is_staff() {
                let _ = preload_staff().await;
            }
            let admin = [
                Capability::EditPolicy,
                Capability::ReadAuditLog,
                Capability::ManageAccounts,
            ];
            if admin.into_iter().any(|c| role.can(c)) {
                let _ = preload_admin().await;
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

/// Staff who review retrofit applications of their jurisdiction.
fn reviews_retrofits(role: Role) -> bool {
    role.can(Capability::ReviewRetrofit)
}
