//! Warranty claims (`/warranty`): the builder's claims to answer, newest first; for the street
//! office and the county the claims under their place, past-deadline ones first in view
//! (the page opens on "overdue only" for them). Answering happens on the household's page.

use crate::api;
use crate::components::field::ErrorSummary;
use crate::format::unix_time;
use crate::i18n::{page_title, tr};
use crate::state::{Prefs, Session};
use anju_domain::retrofit_warranty::ClaimList;
use anju_domain::{FieldError, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WarrantyClaims() -> impl IntoView {
    page_title("warranty.list_title");
    let locale = expect_context::<Prefs>().locale;
    let session = expect_context::<Session>();
    let builder = session
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.role == Role::Contractor));
    // The desk links here with `overdue=true` or `open=true`, and `community_id` when it is
    // narrowed to one community; without them the office's view opens on overdue ones.
    let query = use_query_map();
    let asked = |key: &str| query.with_untracked(|q| q.get(key).is_some_and(|v| v == "true"));
    let open_only = asked("open");
    let community =
        query.with_untracked(|q| q.get("community_id").filter(|c| c.parse::<i64>().is_ok()));
    let overdue_only = RwSignal::new(!builder && (asked("overdue") || !open_only));
    let list = RwSignal::new(None::<ClaimList>);
    let errors = RwSignal::new(Default::default());
    let general = RwSignal::new(None::<FieldError>);
    Effect::new(move |_| {
        let mut filters = vec![format!("overdue={}", overdue_only.get())];
        if open_only {
            filters.push("open=true".into());
        }
        if let Some(c) = &community {
            filters.push(format!("community_id={c}"));
        }
        let filters = filters.join("&");
        spawn_local(async move {
            match api::claims(&filters).await {
                Ok(l) => list.set(Some(l)),
                Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
            }
        });
    });
    view! {
        <h1>{tr("warranty.list_title")}</h1>
        <ErrorSummary errors=errors general=general />
        {(!builder).then(|| view! {
            <div class="checkbox">
                <input type="checkbox" id="overdue-only" prop:checked=move || overdue_only.get()
                    on:change=move |ev| overdue_only.set(event_target_checked(&ev)) />
                <label for="overdue-only">{tr("warranty.overdue_only")}</label>
            </div>
        })}
        {move || list.get().map(|l| if l.items.is_empty() {
            view! { <p role="status">{tr("warranty.none")}</p> }.into_any()
        } else {
            view! {
                <ul class="case-list">
                    {l.items.into_iter().map(|c| {
                        let heading = format!("claim-card-{}", c.id);
                        let (filed, due) = (c.filed_at, c.due_at);
                        view! {
                            <li class="case-card" aria-labelledby=heading.clone()>
                                <h2 id=heading.clone() class="case-card__title">
                                    <A href=format!("/retrofit/applications/{}", c.application_id)>{tr("warranty.claim")} " " {c.id} " · " {c.elder_name_masked.clone()} " · " <span class="nowrap">{c.reference.clone()}</span></A>
                                </h2>
                                <p class="case-card__state">
                                    {if c.answered_at.is_some() {
                                        view! { <span>{tr("warranty.answered")}</span> }.into_any()
                                    } else if c.overdue {
                                        view! { <strong class="badge badge--late">{tr("warranty.overdue")}</strong> }.into_any()
                                    } else {
                                        view! { <span>{tr("warranty.waiting")}</span> }.into_any()
                                    }}
                                </p>
                                <p class="prewrap">{c.description.clone()}</p>
                                <dl class="summary-list">
                                    <div><dt>{tr("assess.where")}</dt><dd>{c.community_name.clone()}</dd></div>
                                    <div><dt>{tr("settle.contractor")}</dt><dd>{c.contractor.clone()}</dd></div>
                                    <div><dt>{tr("warranty.filed")}</dt><dd>{move || unix_time(filed, locale.get())}</dd></div>
                                    <div><dt>{tr("warranty.due")}</dt><dd>{move || unix_time(due, locale.get())}</dd></div>
                                </dl>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}
