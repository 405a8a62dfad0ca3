//! The root component: state, routes and the page frame.

use crate::api;
use crate::components::guard::Guard;
use crate::components::layout::Layout;
use crate::pages::{
    account::AccountPage, admin::AdminAccounts, audit::AdminAudit, callbacks::Callbacks,
    case_detail::CaseDetail, case_new::NewCase, cases::CasesHome, forgot_password::ForgotPassword,
    home::Home, not_found::NotFound, notifications::Notifications, policy::Policy, queue::Queue,
    register::Register, retrofit_application::RetrofitApplication, retrofit_check::RetrofitCheck,
    retrofit_county::RetrofitCounty, retrofit_family::RetrofitFamily, retrofit_home::RetrofitHome,
    retrofit_review::RetrofitQueue, service::ServicePage, sign_in::SignIn,
    staff_password_reset::StaffPasswordReset, survey_answer::SurveyAnswer,
    survey_collect::SurveyCollect, survey_edit::SurveyEdit, survey_results::SurveyResultsPage,
    surveys::SurveysHome,
};
use crate::state::{Prefs, Session};
use anju_domain::access::Capability;
use anju_domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    let prefs = Prefs::from_device();
    prefs.sync_to_document();
    let session = Session {
        user: RwSignal::new(None),
        unread: RwSignal::new(0),
        loaded: RwSignal::new(false),
    };
    provide_context(prefs);
    provide_context(session);
    spawn_local(async move {
        if let Ok(Some(account)) = api::session().await {
            prefs.apply(account.preferences);
            session.user.set(Some(account));
        }
        session.loaded.set(true);
    });
    Effect::new(move |_| {
        session.user.track();
        session.refresh_unread();
    });
    let _ = set_interval_with_handle(
        move || session.refresh_unread(),
        std::time::Duration::from_secs(60),
    );

    view! {
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/sign-in") view=SignIn />
                    <Route path=path!("/register") view=Register />
                    <Route path=path!("/forgot-password") view=ForgotPassword />
                    <Route path=path!("/services/:service") view=ServicePage />
                    <Route path=path!("/complaints") view=CasesHome />
                    <Route path=path!("/retrofit") view=RetrofitHome />
                    <Route path=path!("/surveys") view=SurveysHome />
                    <Route
                        path=path!("/surveys/:id")
                        view=|| view! { <Guard allow=|r| !r.is_staff()><SurveyAnswer /></Guard> }
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
                    <Route path=path!("/retrofit/check") view=RetrofitCheck />
                    <Route
                        path=path!("/retrofit/family")
                        view=|| view! { <Guard allow=|r| !r.is_staff()><RetrofitFamily /></Guard> }
                    />
                    <Route
                        path=path!("/retrofit/applications/:id")
                        view=|| view! { <Guard allow=|_| true><RetrofitApplication /></Guard> }
                    />
                    <Route
                        path=path!("/staff/password-reset")
                        view=|| view! { <Guard allow=|r| r.can(Capability::ResetPasswordInPerson)><StaffPasswordReset /></Guard> }
                    />
                    <Route
                        path=path!("/staff/retrofit")
                        view=|| view! { <Guard allow=reviews_retrofits><RetrofitQueue /></Guard> }
                    />
                    <Route
                        path=path!("/county/retrofit")
                        // The page works on the admin's own county; a system admin (who holds
                        // the capability for any county) uses the API with a county named.
                        view=|| view! { <Guard allow=|r| r == Role::CountyAdmin><RetrofitCounty /></Guard> }
                    />
                    <Route
                        path=path!("/complaints/new")
                        view=|| view! { <Guard allow=|_| true><NewCase /></Guard> }
                    />
                    <Route
                        path=path!("/complaints/:id")
                        view=|| view! { <Guard allow=|_| true><CaseDetail /></Guard> }
                    />
                    <Route
                        path=path!("/notifications")
                        view=|| view! { <Guard allow=|_| true><Notifications /></Guard> }
                    />
                    <Route
                        path=path!("/admin/policy")
                        view=|| view! { <Guard allow=|r| r.can(Capability::EditPolicy)><Policy /></Guard> }
                    />
                    <Route
                        path=path!("/staff/callbacks")
                        view=|| view! { <Guard allow=works_cases><Callbacks /></Guard> }
                    />
                    <Route
                        path=path!("/staff/queue")
                        view=|| view! { <Guard allow=works_cases><Queue /></Guard> }
                    />
                    <Route
                        path=path!("/account")
                        view=|| view! { <Guard allow=|_| true><AccountPage /></Guard> }
                    />
                    <Route
                        path=path!("/admin/audit")
                        view=|| view! { <Guard allow=|r| r.can(Capability::ReadAuditLog)><AdminAudit /></Guard> }
                    />
                    <Route
                        path=path!("/admin/accounts")
                        view=|| view! { <Guard allow=|r| r.can(Capability::ManageAccounts)><AdminAccounts /></Guard> }
                    />
                </Routes>
            </Layout>
        </Router>
    }
}

/// Staff who handle complaints (the server applies the same table to the data).
fn works_cases(role: Role) -> bool {
    role.can(Capability::WorkCases)
}

/// Staff who review retrofit applications of their jurisdiction.
fn reviews_retrofits(role: Role) -> bool {
    role.can(Capability::ReviewRetrofit)
}
