//! The assessor's households (`/assess`): what the county assigned to their organisation,
//! newest first, with where to go, whom to call and the visit's state. The elder's name is
//! masked here; opening a household shows (and records) the full record.

use crate::api;
use crate::components::application_card::state_key;
use crate::format::appointment;
use crate::i18n::{page_title, tr};
use crate::state::Prefs;
use anju_domain::retrofit_assessment::{AssessmentList, AssessmentSummary, VisitState};
use anju_domain::{ErrorEnvelope, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub fn Assessments() -> impl IntoView {
    page_title("assess.title");
    let list = RwSignal::new(None::<Result<AssessmentList, ErrorEnvelope>>);
    let load = move || {
        list.set(None);
        spawn_local(async move { list.set(Some(api::assessments(None).await)) });
    };
    load();
    let more = move |after: i64| {
        spawn_local(async move {
            if let Ok(next) = api::assessments(Some(after)).await {
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
        <h1>{tr("assess.title")}</h1>
        {move || match list.get() {
            None => view! { <p role="status">{tr("app.loading")}</p> }.into_any(),
            Some(Err(e)) => {
                let e = FieldError::new(e.message, e.message_en);
                view! {
                    <p role="alert">{move || crate::i18n::pick(locale.get(), &e)}</p>
                    <p><button type="button" class="button" on:click=move |_| load()>{tr("assess.retry")}</button></p>
                }.into_any()
            }
            Some(Ok(l)) if l.org_name.is_none() => view! { <p>{tr("assess.no_org")}</p> }.into_any(),
            Some(Ok(l)) => view! {
                <p class="lead">{l.org_name.clone()}</p>
                {if l.items.is_empty() {
                    view! { <p>{tr("assess.none")}</p> }.into_any()
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
fn Household(h: AssessmentSummary) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let heading = format!("household-{}", h.id);
    let waiting = h
        .visit
        .as_ref()
        .is_some_and(|v| v.state == VisitState::AnotherTimeAsked);
    view! {
        <li class="case-card" aria-labelledby=heading.clone()>
            <h2 id=heading.clone() class="case-card__title">
                <A href=format!("/retrofit/applications/{}", h.id)>{h.elder_name_masked.clone()} " · " {h.reference.clone()}</A>
            </h2>
            <p class="case-card__state">{tr(state_key(h.state))}</p>
            <dl class="summary-list">
                <div><dt>{tr("assess.where")}</dt><dd>{h.community_name.clone()} " " {h.home_label.clone()}</dd></div>
                <div><dt>{tr("assess.call")}</dt><dd>{h.contact_phone.clone().map(|p| view! { <a href=format!("tel:{p}")>{p.clone()}</a> })}</dd></div>
                <div><dt>{tr("visit.time")}</dt><dd>{match h.visit.clone() {
                    Some(v) => view! { <span>{move || appointment(v.at, locale.get())}</span> }.into_any(),
                    None => view! { <span>{tr("visit.none_assessor")}</span> }.into_any(),
                }}</dd></div>
            </dl>
            {waiting.then(|| view! {
                <p class="panel-notice"><strong>{tr("visit.another_time_asked")}</strong> " " {h.visit.and_then(|v| v.note)}</p>
            })}
        </li>
    }
}
