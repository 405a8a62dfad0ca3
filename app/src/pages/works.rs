//! The contractor's households (`/works`): what the county assigned to their construction
//! company, newest first, with where to go and whom to call. Opening one shows the signed
//! items, where the before/after photos are taken.

use crate::api;
use crate::components::application_card::state_key;
use crate::components::org_households::{OrgHouseholds, Texts};
use crate::i18n::tr;
use anju_domain::retrofit_works::WorksSummary;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Works() -> impl IntoView {
    let texts = Texts {
        title: "works.title",
        no_org: "works.no_org",
        none: "works.none",
    };
    view! { <OrgHouseholds texts=texts load_page=api::works card=|h| view! { <Household h=h /> } /> }
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
