//! The retrofit service's front page: check eligibility, start an application (for oneself,
//! or for an elder one acts for), follow one's applications; staff find their lists here.

use crate::api;
use crate::components::application_card::ApplicationCard;
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::i18n::{page_title, tr};
use crate::state::{submission_key, Session};
use anju_domain::application::{
    ApplicationSummary, CreateApplicationRequest, GuardianLinkState, GuardianLinkView,
};
use anju_domain::retrofit::RetrofitState;
use anju_domain::{FieldError, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub fn RetrofitHome() -> impl IntoView {
    page_title("retrofit.title");
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let mine = RwSignal::new(None::<Vec<ApplicationSummary>>);
    let elders = RwSignal::new(Vec::<GuardianLinkView>::new());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let busy = RwSignal::new(false);
    let role = move || session.user.with(|u| u.as_ref().map(|u| u.role));
    Effect::new(move |_| {
        if role().is_some_and(|r| !r.is_staff()) {
            spawn_local(async move {
                if let Ok(page) = api::applications("").await {
                    mine.set(Some(page.items));
                }
                if let Ok(o) = api::guardians().await {
                    elders.set(
                        o.elders
                            .into_iter()
                            .filter(|l| l.state == GuardianLinkState::Active)
                            .collect(),
                    );
                }
            });
        }
    });
    let start = move |elder: Option<i64>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        let req = CreateApplicationRequest {
            client_key: submission_key(),
            elder_account_id: elder,
        };
        spawn_local(async move {
            match api::start_application(&req).await {
                Ok(app) => navigate(
                    &format!("/retrofit/applications/{}", app.id),
                    Default::default(),
                ),
                Err(e) if e.link.is_some() => {
                    navigate(e.link.as_deref().unwrap_or("/retrofit"), Default::default())
                }
                Err(e) => {
                    errors.set(e.fields.clone());
                    general.set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
            busy.set(false);
        });
    };
    let start_self = start.clone();
    view! {
        <h1>{tr("retrofit.title")}</h1>
        <p class="lead">{tr("retrofit.intro")}</p>
        <ErrorSummary errors=errors general=general />
        <p><A href="/retrofit/check" attr:class="button button--secondary">{tr("retrofit.check")}</A></p>
        {move || match role() {
            None => view! {
                <p>{tr("retrofit.sign_in_first")}</p>
                <p><A href="/sign-in?next=/retrofit" attr:class="button">{tr("nav.sign_in")}</A></p>
            }.into_any(),
            Some(Role::StreetReviewer) => {
                let start = start.clone();
                view! {
                    <p class="actions">
                        <A href="/staff/retrofit" attr:class="button">{tr("nav.retrofit_queue")}</A>
                        <A href="/warranty" attr:class="button button--secondary">{tr("nav.warranty")}</A>
                        <button type="button" class="button button--secondary" on:click=move |_| start(None)>{tr("retrofit.office_entry")}</button>
                    </p>
                }.into_any()
            }
            Some(Role::CountyAdmin | Role::SystemAdmin) => view! {
                <p class="actions">
                    <A href="/county/retrofit" attr:class="button">{tr("nav.retrofit_county")}</A>
                    <A href="/county/settlement" attr:class="button button--secondary">{tr("county.settlement_link")}</A>
                    <A href="/retrofit/report" attr:class="button button--secondary">{tr("report.title")}</A>
                    <A href="/warranty" attr:class="button button--secondary">{tr("nav.warranty")}</A>
                </p>
            }.into_any(),
            Some(Role::ProvinceOfficer) => view! {
                <p><A href="/retrofit/report" attr:class="button">{tr("report.title")}</A></p>
            }.into_any(),
            Some(Role::Assessor) => view! {
                <p><A href="/assess" attr:class="button">{tr("nav.assessments")}</A></p>
            }.into_any(),
            Some(Role::Contractor) => view! {
                <p class="actions">
                    <A href="/works" attr:class="button">{tr("nav.works")}</A>
                    <A href="/warranty" attr:class="button button--secondary">{tr("nav.warranty")}</A>
                </p>
            }.into_any(),
            Some(r) if r.is_staff() => view! { <p>{tr("retrofit.staff_elsewhere")}</p> }.into_any(),
            Some(_) => {
                let start_self = start_self.clone();
                let start_for = start_self.clone();
                // This year's own application, once there is one: shown instead of "apply".
                let me = session.user.with_untracked(|u| u.as_ref().map(|u| u.id));
                let year = i64::from(chrono::Datelike::year(&crate::pages::retrofit_check::today_shanghai()));
                let this_years = move || {
                    mine.with(|m| {
                        m.as_ref().and_then(|list| {
                            list.iter()
                                .find(|a| {
                                    a.elder_account_id == me
                                        && a.year == year
                                        && !matches!(a.state, RetrofitState::Rejected | RetrofitState::Withdrawn)
                                })
                                .map(|a| (a.id, a.reference.clone()))
                        })
                    })
                };
                view! {
                    <p class="actions">
                        {move || match this_years() {
                            Some((id, reference)) => view! {
                                <A href=format!("/retrofit/applications/{id}") attr:class="button button--large">
                                    {tr("retrofit.open_mine")} " " <span class="nowrap">{reference}</span>
                                </A>
                            }.into_any(),
                            None => {
                                let start_self = start_self.clone();
                                view! {
                                    <button type="button" class="button button--large" on:click=move |_| start_self(None)>{tr("retrofit.apply_self")}</button>
                                }.into_any()
                            }
                        }}
                    </p>
                    {move || {
                        let start_for = start_for.clone();
                        elders.get().into_iter().map(move |l| {
                            let start_for = start_for.clone();
                            let elder_id = l.elder.account_id;
                            view! {
                                <p><button type="button" class="button" on:click=move |_| start_for(Some(elder_id))>
                                    {tr("retrofit.apply_for")} " " {l.elder.display_name.clone()}
                                </button></p>
                            }
                        }).collect_view()
                    }}
                    <p><A href="/retrofit/family" attr:class="button button--secondary">{tr("retrofit.family_link")}</A></p>
                    <h2>{tr("retrofit.mine")}</h2>
                    {move || match mine.get() {
                        None => view! { <p role="status">{tr("app.loading")}</p> }.into_any(),
                        Some(list) if list.is_empty() => view! { <p>{tr("retrofit.none")}</p> }.into_any(),
                        Some(list) => view! {
                            <ul class="case-list">
                                {list.into_iter().map(|item| view! { <li><ApplicationCard item=item /></li> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }}
                }.into_any()
            }
        }}
    }
}
