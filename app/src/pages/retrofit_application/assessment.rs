//! The in-home assessment on an application's page, once the county assigned an
//! organisation: who will come and when. The assessor proposes (or moves) the visit; the
//! elder or their guardian sees the time in large type and may ask for another one.

use crate::api;
use crate::components::application_ctx::Ctx;
use crate::components::field::TextField;
use crate::format::appointment;
use crate::i18n::tr;
use crate::state::Prefs;
use anju_domain::application::ApplicationView;
use anju_domain::retrofit_assessment::{parse_local_visit_time, ProposeVisit, VisitState};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn AssessmentPanel(app: ApplicationView) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let Some(info) = app.assessment.clone() else {
        return ().into_any();
    };
    let visit = info.visit.clone();
    let staff = expect_context::<crate::state::Session>()
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.role.is_staff()));
    let waiting_words = if info.may_propose_visit {
        "visit.none_assessor"
    } else {
        "visit.none_family"
    };
    view! {
        <section class="panel" aria-labelledby="assessment-heading">
            <h2 id="assessment-heading">{tr("visit.heading")}</h2>
            <dl class="summary-list">
                <div><dt>{tr("visit.org")}</dt><dd>{info.org_name.clone()}</dd></div>
                <div><dt>{tr("visit.time")}</dt><dd>{match visit.clone() {
                    Some(v) => view! { <strong class="visit-time">{move || appointment(v.at, locale.get())}</strong> }.into_any(),
                    None => view! { <span>{tr(waiting_words)}</span> }.into_any(),
                }}</dd></div>
                {visit.clone().map(|v| view! {
                    <div><dt>{tr("visit.status")}</dt><dd>{tr(match v.state {
                        VisitState::Proposed => "visit.proposed",
                        VisitState::AnotherTimeAsked => "visit.another_time_asked",
                    })}</dd></div>
                })}
                {visit.clone().and_then(|v| v.note).map(|n| view! {
                    <div><dt>{tr("visit.note")}</dt><dd class="prewrap">{n}</dd></div>
                })}
            </dl>
            {(staff && info.disability_mismatch.is_some()).then(|| {
                let m = info.disability_mismatch.unwrap_or_else(|| unreachable!("checked"));
                view! {
                    <div class="panel-notice" role="note">
                        <p><strong>{tr("record.mismatch")}</strong></p>
                        <p>{tr("record.mismatch_claimed")} " " {m.claimed} " · " {tr("record.mismatch_recorded")} " " {m.recorded}</p>
                    </div>
                }
            })}
            {info.may_ask_another_time.then(|| view! { <AskAnotherTimeForm /> })}
            // The booking form sits on the record's overview: a record screen replaces both.
            {info.may_propose_visit.then(|| view! { <super::record::RecordPanel moving=visit.is_some() /> })}
            <PlanLink app=app.clone() assessor=info.may_propose_visit || is_assessor() />
        </section>
    }
    .into_any()
}

fn is_assessor() -> bool {
    expect_context::<crate::state::Session>()
        .user
        .with_untracked(|u| {
            u.as_ref()
                .is_some_and(|u| u.role == anju_domain::Role::Assessor)
        })
}

/// Where the plan stands, with the way to it: for the assessor to write it, for the family
/// to read and sign it, for the offices to read it.
#[component]
fn PlanLink(app: ApplicationView, assessor: bool) -> impl IntoView {
    use anju_domain::retrofit::RetrofitState as S;
    let href = format!("/retrofit/applications/{}/plan", app.id);
    let (words, link) = match (app.state, assessor) {
        (S::Assessed, true) => ("plan.panel_write", "plan.panel_write_link"),
        (S::Assessed, false) => ("plan.panel_waiting", ""),
        (S::PlanProposed, true) => ("plan.panel_proposed_assessor", "plan.panel_open"),
        (S::PlanProposed, false) => ("plan.panel_proposed_family", "plan.panel_read_and_sign"),
        (
            S::Confirmed
            | S::Proposed
            | S::Submitted
            | S::Draft
            | S::Returned
            | S::Rejected
            | S::Withdrawn,
            _,
        ) => return ().into_any(),
        _ => ("plan.panel_signed", "plan.panel_open_signed"),
    };
    view! {
        <section class="plan-link" aria-labelledby="plan-link-heading">
            <h3 id="plan-link-heading">{tr("plan.title")}</h3>
            <p>{tr(words)}</p>
            {(!link.is_empty()).then(|| view! { <p><a class="button button--large" href=href.clone()>{tr(link)}</a></p> })}
        </section>
    }
    .into_any()
}

fn bad_time() -> anju_domain::ErrorEnvelope {
    let mut fields = std::collections::BTreeMap::new();
    fields.insert(
        "at".to_owned(),
        FieldError::new(
            "请选择上门的日期和时间",
            "Choose the date and time of the visit",
        ),
    );
    anju_domain::ErrorEnvelope {
        code: "validation".into(),
        message: "请检查填写的内容".into(),
        message_en: "Check what you entered".into(),
        fields,
        retry_after_secs: None,
        link: None,
    }
}

#[component]
pub(super) fn ProposeVisitForm(moving: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let at = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if ctx.busy.get_untracked() {
            return;
        }
        let Some(secs) = parse_local_visit_time(&at.get_untracked()) else {
            ctx.fail(bad_time());
            return;
        };
        let req = ProposeVisit {
            at: secs,
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        let id = ctx.id();
        ctx.busy.set(true);
        spawn_local(async move {
            match api::propose_visit(id, &req).await {
                Ok(view) => {
                    ctx.errors.set(Default::default());
                    ctx.general.set(None);
                    ctx.app.set(Some(view));
                }
                Err(e) => ctx.fail(e),
            }
            ctx.busy.set(false);
        });
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <h3>{tr(if moving { "visit.move" } else { "visit.propose" })}</h3>
            <TextField id="at" label="visit.at" hint="visit.at_hint" kind="datetime-local" value=at errors=ctx.errors />
            <TextField id="note" label="visit.propose_note" hint="visit.propose_note_hint" value=note errors=ctx.errors />
            <button type="submit" class="button" disabled=move || ctx.busy.get()>{tr("visit.send")}</button>
        </form>
    }
}

#[component]
fn AskAnotherTimeForm() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if ctx.busy.get_untracked() {
            return;
        }
        let id = ctx.id();
        let text = note.get_untracked();
        ctx.busy.set(true);
        spawn_local(async move {
            match api::ask_another_visit_time(id, text).await {
                Ok(view) => {
                    ctx.errors.set(Default::default());
                    ctx.general.set(None);
                    ctx.app.set(Some(view));
                }
                Err(e) => ctx.fail(e),
            }
            ctx.busy.set(false);
        });
    };
    view! {
        <p class="hint">{tr("visit.suits_you")}</p>
        {move || if open.get() {
            view! {
                <form class="form" on:submit=submit novalidate>
                    <TextField id="note" label="visit.another_note" hint="visit.another_note_hint" value=note errors=ctx.errors />
                    <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("visit.ask_send")}</button>
                </form>
            }.into_any()
        } else {
            view! {
                <p><button type="button" class="button button--secondary button--large" on:click=move |_| open.set(true)>{tr("visit.ask")}</button></p>
            }.into_any()
        }}
    }
}
