//! The complaints service: start a new request, and the resident's own requests.

use crate::api;
use crate::components::case_card::CaseCard;
use crate::i18n::{page_title, tr};
use crate::state::Session;
use anju_domain::complaint::CaseSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub fn CasesHome() -> impl IntoView {
    page_title("cases.title");
    let session = expect_context::<Session>();
    let cases = RwSignal::new(None::<Vec<CaseSummary>>);
    Effect::new(move |_| {
        let signed_in = session
            .user
            .with(|u| u.as_ref().is_some_and(|u| !u.role.is_staff()));
        if signed_in {
            spawn_local(async move {
                if let Ok(page) = api::cases(None, false).await {
                    cases.set(Some(page.items));
                }
            });
        }
    });
    view! {
        <h1>{tr("cases.title")}</h1>
        <p class="lead">{tr("cases.intro")}</p>
        {move || match session.user.get() {
            None => view! {
                <p>{tr("cases.sign_in_first")}</p>
                <p><A href="/sign-in?next=/complaints" attr:class="button">{tr("nav.sign_in")}</A></p>
            }.into_any(),
            Some(u) if u.role.is_staff() => view! {
                <p><A href="/staff/queue" attr:class="button">{tr("nav.queue")}</A></p>
            }.into_any(),
            Some(_) => view! {
                <p><A href="/complaints/new" attr:class="button button--large">{tr("cases.new")}</A></p>
                <h2>{tr("cases.mine")}</h2>
                {move || match cases.get() {
                    None => view! { <p role="status">{tr("app.loading")}</p> }.into_any(),
                    Some(list) if list.is_empty() => view! { <p>{tr("cases.none")}</p> }.into_any(),
                    Some(list) => view! {
                        <ul class="case-list">
                            {list.into_iter().map(|c| view! { <li><CaseCard case=c /></li> }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            }.into_any(),
        }}
    }
}
