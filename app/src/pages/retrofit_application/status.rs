//! After submission, for the family: the status, the timeline in plain words and who viewed
//! their data.

use crate::api;
use crate::components::access_log::AccessLog;
use crate::components::application_card::state_key;
use crate::components::application_ctx::Ctx;
use crate::components::retrofit_parts::Timeline;
use crate::i18n::{pick, tr};
use crate::state::Prefs;
use anju_domain::retrofit::{RetrofitAction, RetrofitState};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the family sees once the application is with the street office or beyond.
#[component]
pub(super) fn StatusView() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let withdraw = move |_| {
        let id = ctx.id();
        spawn_local(async move {
            match api::act_plainly(id, RetrofitAction::Withdraw).await {
                Ok(view) => ctx.app.set(Some(view)),
                Err(e) => ctx.fail(e),
            }
        });
    };
    move || {
        let Some(app) = ctx.app.get() else {
            return ().into_any();
        };
        let can_withdraw = app.actions.contains(&RetrofitAction::Withdraw);
        view! {
        <p class="caption"><span class="nowrap">{app.reference.clone()}</span> {(!app.elder_name.is_empty()).then(|| format!("· {}", app.elder_name))}</p>
        <h1>{tr("status.title")}</h1>
        <p class="status-line"><strong>{tr(state_key(app.state))}</strong></p>
        <p>{tr(match app.state {
            RetrofitState::Submitted => "status.submitted_next",
            RetrofitState::Proposed => "status.proposed_next",
            RetrofitState::Confirmed => "status.confirmed_next",
            RetrofitState::Assessed => "status.assessed_next",
            RetrofitState::PlanProposed => "status.plan_proposed_next",
            RetrofitState::PlanSigned => "status.plan_signed_next",
            RetrofitState::UnderConstruction => "status.under_construction_next",
            RetrofitState::AwaitingAcceptance => "status.awaiting_acceptance_next",
            RetrofitState::Accepted => "status.accepted_next",
            RetrofitState::Settled => "status.settled_next",
            RetrofitState::Rejected => "status.rejected_next",
            RetrofitState::Withdrawn => "status.withdrawn_next",
            _ => "status.later_next",
        })}</p>
        {app.reject_reason.map(|r| {
            let (zh, en) = r.message();
            let e = FieldError::new(zh, en);
            view! {
                <div class="panel-notice">
                    <h2>{tr("status.reject_reason")}</h2>
                    <p>{move || pick(locale.get(), &e)}</p>
                    {app.reject_note.clone().map(|n| view! { <p class="prewrap">{n}</p> })}
                    <p>{tr("status.contact")} " " <strong>{app.street_name.clone()}</strong></p>
                </div>
            }
        })}
        <dl class="summary-list">
            <div><dt>{tr("elder.name")}</dt><dd>{app.elder_name.clone()}</dd></div>
            <div><dt>{tr("task.home")}</dt><dd>{app.home_label.clone()}</dd></div>
        </dl>
        <super::AssessmentPanel app=app.clone() />
        <super::WorksPanel app=app.clone() />
        <super::SettlementPanel app=app.clone() />
        <super::WarrantyPanel app=app.clone() />
        <h2>{tr("status.timeline")}</h2>
        <Timeline events=app.events.clone() />
        {can_withdraw.then(|| view! {
            <p><button type="button" class="button button--secondary" on:click=withdraw>{tr("status.withdraw")}</button></p>
        })}
        <AccessLog application_id=app.id />
    }.into_any()
    }
}
