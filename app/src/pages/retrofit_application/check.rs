//! "Check your answers" before submitting, and the confirmation after.

use super::*;
use crate::api;
use crate::components::application_ctx::{Ctx, Screen};
use crate::components::outcome::OutcomePanel;
use crate::i18n::{text, tr};
use crate::state::Prefs;
use anju_domain::application::Task;
use anju_domain::retrofit::RetrofitAction;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub(super) fn CheckAnswers() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded"));
    let outcome = RwSignal::new(app.outcome.clone());
    let change = move |t: Task| {
        view! {
            <button type="button" class="link-button" on:click=move |_| ctx.go(Screen::Task(t))>{tr("check.change_answer")}<span class="visually-hidden">{tr(task_key(t))}</span></button>
        }
    };
    let submit = move |_| {
        if ctx.busy.get_untracked() {
            return;
        }
        ctx.busy.set(true);
        let id = ctx.id();
        spawn_local(async move {
            match api::act_plainly(id, RetrofitAction::Submit).await {
                Ok(view) => {
                    ctx.app.set(Some(view));
                    ctx.go(Screen::Done);
                }
                Err(e) => ctx.fail(e),
            }
            ctx.busy.set(false);
        });
    };
    let docs = app.documents.len();
    view! {
        <BackToTasks />
        <h1>{tr("checkanswers.title")}</h1>
        <dl class="summary-list">
            <div><dt>{tr("elder.name")}</dt><dd>{app.elder_name.clone()}</dd><dd>{change(Task::Elder)}</dd></div>
            <div><dt>{tr("elder.id_number")}</dt><dd class="mono">{app.id_number_masked.clone()}</dd><dd>{change(Task::Elder)}</dd></div>
            <div><dt>{tr("task.home")}</dt><dd>{app.home_label.clone()}</dd><dd>{change(Task::Home)}</dd></div>
            <div><dt>{tr("task.documents")}</dt><dd>{docs} " " {tr("documents.count")}</dd><dd>{change(Task::Documents)}</dd></div>
            <div><dt>{tr("task.guardian")}</dt><dd>{app.guardian.clone().map(|g| g.display_name).unwrap_or_else(|| text(locale.get_untracked(), "guardian.none").to_owned())}</dd><dd>{change(Task::Guardian)}</dd></div>
            <div><dt>{tr("task.consent")}</dt><dd>{tr("consent.given")}</dd><dd>{change(Task::Consent)}</dd></div>
        </dl>
        <h2>{tr("checkanswers.eligibility")}</h2>
        <div class="outcome-embedded">
            <OutcomePanel outcome=outcome embedded=true />
        </div>
        <p>{change(Task::Facts)}</p>
        <h2>{tr("checkanswers.declare_title")}</h2>
        <p>{tr("checkanswers.declare")}</p>
        <button type="button" class="button button--large" disabled=move || ctx.busy.get() on:click=submit>{tr("checkanswers.submit")}</button>
    }
}

#[component]
pub(super) fn Submitted() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded"));
    view! {
        <div class="panel-confirmation">
            <h1>{tr("submitted.title")}</h1>
            <p>{tr("submitted.reference")}</p>
            <p class="reference">{app.reference.clone()}</p>
        </div>
        <h2>{tr("submitted.next")}</h2>
        <ol>
            <li>{tr("submitted.step_review")}</li>
            <li>{tr("submitted.step_county")}</li>
            <li>{tr("submitted.step_assess")}</li>
        </ol>
        <p><button type="button" class="button button--secondary" on:click=move |_| ctx.go(Screen::Tasks)>{tr("submitted.follow")}</button></p>
    }
}
