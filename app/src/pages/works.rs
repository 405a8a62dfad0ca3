//! The contractor's households (`/works`): what the county assigned to their construction
//! company, newest first, with where to go and whom to call. Opening one shows the signed
//! items, where the before/after photos are taken.

use crate::api;
use crate::components::application_card::state_key;
use crate::i18n::{page_title, pick, tr};
use crate::state::Prefs;
use anju_domain::retrofit_works::{WorksList, WorksSummary};
use anju_domain::{ErrorEnvelope, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub fn Works() -> impl IntoView {
    page_title("works.title");
    let list = RwSignal::new(None::<Result<WorksList, ErrorEnvelope>>);
    let load = move || {
        list.set(None);
        spawn_local(async move { list.set(Some(api::works(None).await)) });
    };
    load();
    let more = move |after: i64| {
        spawn_local(async move {
            if let Ok(next) = api::works(Some(after)).await {
                list.update(|l| {
                    if let Some(Ok(l)) = l {
                        l.items.extend(next.items);
                        l.next_after = next.next_after;
                    }
                });
            }
        });
    };
    let locale = expect_context::<Prefs>().locale;
    view! {
        <h1>{tr("works.title")}</h1>
        {move || match list.get() {
            None => view! { <p role="status">{tr("app.loading")}</p> }.into_any(),
            Some(Err(e)) => {
                let e = FieldError::new(e.message, e.message_en);
                view! {
                    <p role="alert">{move || pick(locale.get(), &e)}</p>
                    <p><button type="button" class="button" on:click=move |_| load()>{tr("assess.retry")}</button></p>
                }.into_any()
            }
            Some(Ok(l)) if l.org_name.is_none() => view! { <p>{tr("works.no_org")}</p> }.into_any(),
            Some(Ok(l)) => view! {
                <p class="lead">{l.org_name.clone()}</p>
                {if l.items.is_empty() {
                    view! { <p>{tr("works.none")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="case-list">
                            {l.items.into_iter().map(|h| view! { <Household h=h /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                {l.next_after.map(|after| view! {
                    <p><button type="button" class="button button--secondary" on:click=move |_| more(after)>{tr("assess.more")}</button></p>
                })}
            }.into_any(),
        }}
    }
}

#[component]
fn Household(h: WorksSummary) -> impl IntoView {
    let heading = format!("household-{}", h.id);
    view! {
        <li class="case-card" aria-labelledby=heading.clone()>
            <h2 id=heading.clone() class="case-card__title">
                <A href=format!("/retrofit/applications/{}", h.id)>{h.elder_name_masked.clone()} " · " <span class="nowrap">{h.reference.clone()}</span></A>
            </h2>
            <p class="case-card__state">{tr(state_key(h.state))}</p>
            <dl class="summary-list">
                <div><dt>{tr("assess.where")}</dt><dd>{h.community_name.clone()} " " {h.home_label.clone()}</dd></div>
                <div><dt>{tr("assess.call")}</dt><dd>{h.contact_phone.clone().map(|p| view! { <a href=format!("tel:{p}")>{p.clone()}</a> })}</dd></div>
            </dl>
        </li>
    }
}
