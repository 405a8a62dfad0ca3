//! The assessor's households (`/assess`): what the county assigned to their organisation,
//! newest first, with where to go, whom to call and the visit's state. The elder's name is
//! masked here; opening a household shows (and records) the full record.

use crate::api;
use crate::components::application_card::state_key;
use crate::components::org_households::{OrgHouseholds, Texts};
use crate::format::appointment;
use crate::i18n::tr;
use crate::state::Prefs;
use anju_domain::retrofit_assessment::{AssessmentSummary, VisitState};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Assessments() -> impl IntoView {
    let texts = Texts {
        title: "assess.title",
        no_org: "assess.no_org",
        none: "assess.none",
    };
    view! { <OrgHouseholds texts=texts load_page=api::assessments card=|h| view! { <Household h=h /> } /> }
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
                <A href=format!("/retrofit/applications/{}", h.id)>{h.elder_name_masked.clone()} " · " <span class="nowrap">{h.reference.clone()}</span></A>
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
