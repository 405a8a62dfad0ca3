//! A retrofit application in a list, and the words for its state and funding grounds.

use crate::components::outcome::ground_key;
use crate::i18n::tr;
use anju_domain::application::ApplicationSummary;
use leptos::prelude::*;
use leptos_router::components::A;

pub fn state_key(s: anju_domain::retrofit::RetrofitState) -> &'static str {
    use anju_domain::retrofit::RetrofitState as S;
    match s {
        S::Draft => "rstate.draft",
        S::Submitted => "rstate.submitted",
        S::Returned => "rstate.returned",
        S::Proposed => "rstate.proposed",
        S::Confirmed => "rstate.confirmed",
        S::Rejected => "rstate.rejected",
        S::Withdrawn => "rstate.withdrawn",
        S::Assessed => "rstate.assessed",
        S::PlanProposed => "rstate.plan_proposed",
        S::PlanSigned => "rstate.plan_signed",
        S::UnderConstruction => "rstate.under_construction",
        S::AwaitingAcceptance => "rstate.awaiting_acceptance",
        S::Accepted => "rstate.accepted",
        S::Settled => "rstate.settled",
    }
}

pub fn grounds_label(item: &ApplicationSummary) -> impl IntoView {
    if item.self_paid {
        return view! { <span>{tr("ground.self_paid")}</span> }.into_any();
    }
    item.grounds
        .iter()
        .map(|g| view! { <span class="tag">{tr(ground_key(*g))}</span> " " })
        .collect_view()
        .into_any()
}

#[component]
pub fn ApplicationCard(item: ApplicationSummary, #[prop(optional)] staff: bool) -> impl IntoView {
    let href = format!("/retrofit/applications/{}", item.id);
    let name = if item.elder_name.is_empty() {
        "—".to_owned()
    } else {
        item.elder_name.clone()
    };
    let grounds = staff.then(|| grounds_label(&item));
    view! {
        <div class="case-card">
            <h3 class="case-card__title"><A href=href><span class="nowrap">{item.reference.clone()}</span> " · " {name}</A></h3>
            <p class="case-card__meta">{item.community_name.clone()}</p>
            <p class="case-card__state">{tr(state_key(item.state))}</p>
            {grounds.map(|g| view! { <p class="case-card__meta">{g}</p> })}
        </div>
    }
}
