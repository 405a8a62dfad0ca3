//! One application. While the family (or the office reviewer who entered it) may edit, a
//! GOV.UK task list: elder, home, eligibility, documents, guardian, consent, then "check your
//! answers" and submit; every screen is saved on the server, so it can be resumed on any
//! device. Afterwards: the status and timeline in plain words (family) or the review panel
//! (street office, county).

mod aftercare;
mod assessment;
mod check;
mod contract;
mod home;
mod people;
mod record;
mod returned;
mod status;
mod supervision;
mod works;

use crate::api;
use crate::components::application_ctx::{Ctx, Screen};
use crate::components::draft::{DraftKept, KeptFields};
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::components::retrofit_parts::DocumentsScreen;
use crate::i18n::{page_title, tr};
use crate::pages::retrofit_review::ReviewPanel;
use crate::state::Session;
use anju_domain::application::{Task, TaskStatus};
use check::{CheckAnswers, Submitted};
use home::{FactsScreen, HomeScreen};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use people::{ConsentScreen, ElderScreen, GuardianScreen};
use status::StatusView;

pub use aftercare::{SettlementPanel, WarrantyPanel};
pub use assessment::AssessmentPanel;
pub use returned::LastReturn;
pub use works::WorksPanel;

fn task_key(t: Task) -> &'static str {
    match t {
        Task::Elder => "task.elder",
        Task::Home => "task.home",
        Task::Facts => "task.facts",
        Task::Documents => "task.documents",
        Task::Guardian => "task.guardian",
        Task::Consent => "task.consent",
    }
}

fn status_key(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::NotStarted => "taskstatus.not_started",
        TaskStatus::InProgress => "taskstatus.in_progress",
        TaskStatus::Completed => "taskstatus.completed",
        TaskStatus::ToFix => "taskstatus.to_fix",
    }
}

#[component]
pub fn RetrofitApplication() -> impl IntoView {
    page_title("retrofit.title");
    let params = use_params_map();
    let session = expect_context::<Session>();
    let ctx = Ctx {
        app: RwSignal::new(None),
        screen: RwSignal::new(Screen::Tasks),
        errors: RwSignal::new(FieldErrors::new()),
        general: RwSignal::new(None),
        busy: RwSignal::new(false),
        account: session.user.with_untracked(|u| u.as_ref().map(|u| u.id)),
    };
    provide_context(ctx);
    // Someone else's application, or none: a not-found page rather than "loading" for ever.
    let missing = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(id) = params.read().get("id").and_then(|s| s.parse::<i64>().ok()) {
            spawn_local(async move {
                match api::application(id).await {
                    Ok(v) => ctx.app.set(Some(v)),
                    Err(e) if e.code == "not_found" || e.code == "forbidden" => missing.set(true),
                    Err(e) => ctx.fail(e),
                }
            });
        }
    });
    let role = move || session.user.with(|u| u.as_ref().map(|u| u.role));
    let staff = move || role().is_some_and(|r| r.is_staff());
    // Screens read the application when they open and keep their own state; only loading and
    // a change of who may edit swap the screen under the person.
    let editable = Memo::new(move |_| ctx.app.with(|a| a.as_ref().map(|a| a.editable)));
    view! {
        <ErrorSummary errors=ctx.errors general=ctx.general />
        {move || {
            if missing.get() {
                return view! { <crate::pages::not_found::NotFound /> }.into_any();
            }
            let Some(editable) = editable.get() else {
                return view! { <p class="loading" role="status">{tr("app.loading")}</p> }.into_any();
            };
            if ctx.screen.get() == Screen::Done {
                return view! { <Submitted /> }.into_any();
            }
            if editable {
                return match ctx.screen.get() {
                    Screen::Tasks => view! { <TaskList /> }.into_any(),
                    Screen::Task(task) => view! { <TaskScreen task /> }.into_any(),
                    Screen::Check | Screen::Done => view! { <CheckAnswers /> }.into_any(),
                };
            }
            if role() == Some(anju_domain::Role::Contractor) {
                view! { <works::WorksBody /> }.into_any()
            } else if staff() {
                view! { <ReviewPanel /> }.into_any()
            } else {
                view! { <StatusView /> }.into_any()
            }
        }}
    }
}

/// One task's screen. What is typed into its text fields is kept on the device until the
/// screen is saved (`Ctx::save` forgets it then), so Back or a reload does not lose it.
#[component]
fn TaskScreen(task: Task) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let kept = KeptFields::provide(ctx.kept_draft(task));
    let discard = Callback::new(move |()| {
        kept.forget();
        ctx.kept_draft(task).discard();
        // Opened afresh, with what was last saved.
        ctx.screen.set(Screen::Task(task));
    });
    view! {
        <DraftKept restored=kept.restored on_discard=discard />
        {match task {
            Task::Elder => view! { <ElderScreen /> }.into_any(),
            Task::Home => view! { <HomeScreen /> }.into_any(),
            Task::Facts => view! { <FactsScreen /> }.into_any(),
            Task::Documents => view! { <DocumentsScreen /> }.into_any(),
            Task::Guardian => view! { <GuardianScreen /> }.into_any(),
            Task::Consent => view! { <ConsentScreen /> }.into_any(),
        }}
    }
}

#[component]
fn BackToTasks() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <button type="button" class="link-button back-link" on:click=move |_| ctx.go(Screen::Tasks)>{tr("task.back")}</button>
    }
}

#[component]
fn TaskList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded before the list"));
    // Follows the application: a reply on this page can make it ready.
    let tasks = Memo::new(move |_| {
        ctx.app
            .with(|a| a.as_ref().map(|a| a.tasks.clone()).unwrap_or_default())
    });
    let ready = move || tasks.with(|t| t.iter().all(|(_, s)| *s == TaskStatus::Completed));
    view! {
        <p class="caption"><span class="nowrap">{app.reference.clone()}</span> {(!app.elder_name.is_empty()).then(|| format!("· {}", app.elder_name))}</p>
        <h1>{tr("tasks.title")}</h1>
        <p class="lead">{tr("tasks.intro")}</p>
        <returned::ReturnedItems />
        <ol class="task-list">
            {move || tasks.get().into_iter().map(|(task, status)| {
                let status_id = format!("task-status-{}", task_key(task).trim_start_matches("task."));
                view! {
                    <li class="task-list__item">
                        <button type="button" class="task-list__link link-button" aria-describedby=status_id.clone() on:click=move |_| ctx.go(Screen::Task(task))>{tr(task_key(task))}</button>
                        <strong id=status_id class="task-status" class:task-status--done=status == TaskStatus::Completed>{tr(status_key(status))}</strong>
                    </li>
                }
            }).collect_view()}
        </ol>
        <p>
            <button type="button" class="button button--large" disabled=move || !ready() aria-describedby="not-ready" on:click=move |_| ctx.go(Screen::Check)>{tr("tasks.check")}</button>
        </p>
        // Why the button is not open yet, task by task.
        <div id="not-ready">
            {move || (!ready()).then(|| view! {
                <p class="hint">{tr("tasks.not_ready")}</p>
                <ul class="hint">
                    {tasks.get().into_iter().filter(|(_, s)| *s != TaskStatus::Completed).map(|(task, status)| view! {
                        <li>{tr(task_key(task))} "：" {tr(if status == TaskStatus::ToFix { "tasks.unanswered" } else { "tasks.unfinished" })}</li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}
