//! The root component: state, routes and the page frame.

use crate::api;
use crate::components::layout::Layout;
use crate::pages::{home::Home, not_found::NotFound};
use crate::routes::*;
use crate::state::{Prefs, Session};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy};

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
    // Once it is known who is here (and again after signing in), fetch the code of the pages
    // they are likely to open next.
    Effect::new(move |_| {
        if session.loaded.get() {
            prefetch(session.user.with(|u| u.as_ref().map(|u| u.role)));
        }
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
                    <Route path=path!("/sign-in") view={Lazy::<SignInRoute>::new()} />
                    <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()} />
                    <Route path=path!("/retrofit/check") view={Lazy::<RetrofitCheckRoute>::new()} />
                    <Route path=path!("/surveys/:id") view={Lazy::<SurveyAnswerRoute>::new()} />
                    <Route path=path!("/complaints/new") view={Lazy::<NewCaseRoute>::new()} />
                    <Route path=path!("/complaints/:id") view={Lazy::<CaseDetailRoute>::new()} />
                    <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} />
                    <Route path=path!("/services/:service") view={Lazy::<ServiceRoute>::new()} />
                    <Route path=path!("/complaints") view={Lazy::<CasesRoute>::new()} />
                    <Route path=path!("/retrofit") view={Lazy::<RetrofitHomeRoute>::new()} />
                    <Route path=path!("/surveys") view={Lazy::<SurveysRoute>::new()} />
                    <Route path=path!("/surveys/:id/edit") view={Lazy::<SurveyEditRoute>::new()} />
                    <Route path=path!("/surveys/:id/collect") view={Lazy::<SurveyCollectRoute>::new()} />
                    <Route path=path!("/surveys/:id/results") view={Lazy::<SurveyResultsRoute>::new()} />
                    <Route path=path!("/retrofit/family") view={Lazy::<RetrofitFamilyRoute>::new()} />
                    <Route
                        path=path!("/retrofit/applications/:id")
                        view={Lazy::<RetrofitApplicationRoute>::new()}
                    />
                    <Route
                        path=path!("/retrofit/applications/:id/plan")
                        view={Lazy::<RetrofitPlanRoute>::new()}
                    />
                    <Route
                        path=path!("/retrofit/applications/:id/plan/certificate")
                        view={Lazy::<PlanCertificateRoute>::new()}
                    />
                    <Route path=path!("/verify") view={Lazy::<VerifyRoute>::new()} />
                    <Route
                        path=path!("/staff/password-reset")
                        view={Lazy::<StaffPasswordResetRoute>::new()}
                    />
                    <Route path=path!("/staff/retrofit") view={Lazy::<RetrofitQueueRoute>::new()} />
                    <Route path=path!("/county/retrofit") view={Lazy::<RetrofitCountyRoute>::new()} />
                    <Route path=path!("/county/catalogue") view={Lazy::<RetrofitCatalogueRoute>::new()} />
                    <Route path=path!("/county/assessors") view={Lazy::<RetrofitAssessorsRoute>::new()} />
                    <Route path=path!("/assess") view={Lazy::<AssessmentsRoute>::new()} />
                    <Route path=path!("/notifications") view={Lazy::<NotificationsRoute>::new()} />
                    <Route path=path!("/admin/policy") view={Lazy::<PolicyRoute>::new()} />
                    <Route path=path!("/staff/callbacks") view={Lazy::<CallbacksRoute>::new()} />
                    <Route path=path!("/staff/queue") view={Lazy::<QueueRoute>::new()} />
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} />
                    <Route path=path!("/admin/audit") view={Lazy::<AuditRoute>::new()} />
                    <Route path=path!("/admin/accounts") view={Lazy::<AccountsRoute>::new()} />
                </Routes>
            </Layout>
        </Router>
    }
}
