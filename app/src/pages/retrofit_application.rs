//! One application. While the family (or the office reviewer who entered it) may edit, a
//! GOV.UK task list: elder, home, eligibility, documents, guardian, consent, then "check your
//! answers" and submit; every screen is saved on the server, so it can be resumed on any
//! device. Afterwards: the status and timeline in plain words (family) or the review panel
//! (street office, county).

use crate::api;
use crate::components::access_log::AccessLog;
use crate::components::application_card::state_key;
use crate::components::application_ctx::{Ctx, Screen};
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::components::outcome::OutcomePanel;
use crate::components::questions::QuestionScreen;
use crate::components::retrofit_parts::{DocumentsScreen, Timeline};
use crate::components::screen::scroll_to_top;
use crate::i18n::{page_title, pick, text, tr};
use crate::pages::retrofit_review::ReviewPanel;
use crate::state::{Prefs, Session};
use anju_domain::application::{
    check_elder, ApplicationView, ConsentSection, ElderSection, GuardianLinkState, GuardianSection,
    HomeSection, RetrofitActionRequest, SectionUpdate, Task, TaskStatus, CONSENT_EN,
    CONSENT_VERSION, CONSENT_ZH,
};
use anju_domain::eligibility::{EligibilityAnswers, Question};
use anju_domain::retrofit::{RetrofitAction, RetrofitState};
use anju_domain::{FieldError, JurisdictionView, Locale};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

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
    };
    provide_context(ctx);
    Effect::new(move |_| {
        if let Some(id) = params.read().get("id").and_then(|s| s.parse::<i64>().ok()) {
            spawn_local(async move {
                match api::application(id).await {
                    Ok(v) => ctx.app.set(Some(v)),
                    Err(e) => ctx.fail(e),
                }
            });
        }
    });
    let staff = move || {
        session
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.role.is_staff()))
    };
    // Screens read the application when they open and keep their own state; only loading and
    // a change of who may edit swap the screen under the person.
    let editable = Memo::new(move |_| ctx.app.with(|a| a.as_ref().map(|a| a.editable)));
    view! {
        <ErrorSummary errors=ctx.errors general=ctx.general />
        {move || {
            let Some(editable) = editable.get() else {
                return view! { <p class="loading" role="status">{tr("app.loading")}</p> }.into_any();
            };
            if ctx.screen.get() == Screen::Done {
                return view! { <Submitted /> }.into_any();
            }
            if editable {
                return match ctx.screen.get() {
                    Screen::Tasks => view! { <TaskList /> }.into_any(),
                    Screen::Task(Task::Elder) => view! { <ElderScreen /> }.into_any(),
                    Screen::Task(Task::Home) => view! { <HomeScreen /> }.into_any(),
                    Screen::Task(Task::Facts) => view! { <FactsScreen /> }.into_any(),
                    Screen::Task(Task::Documents) => view! { <DocumentsScreen /> }.into_any(),
                    Screen::Task(Task::Guardian) => view! { <GuardianScreen /> }.into_any(),
                    Screen::Task(Task::Consent) => view! { <ConsentScreen /> }.into_any(),
                    Screen::Check | Screen::Done => view! { <CheckAnswers /> }.into_any(),
                };
            }
            if staff() {
                view! { <ReviewPanel /> }.into_any()
            } else {
                view! { <StatusView /> }.into_any()
            }
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
fn ReturnBanner(app: ApplicationView) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    (app.state == RetrofitState::Returned).then(|| {
        view! {
            <div class="panel-notice" role="region" aria-labelledby="returned-heading">
                <h2 id="returned-heading">{tr("returned.heading")}</h2>
                <ul>
                    {app.return_checklist.iter().map(|i| {
                        let (zh, en) = i.message();
                        let e = FieldError::new(zh, en);
                        view! { <li>{move || pick(locale.get(), &e)}</li> }
                    }).collect_view()}
                </ul>
                {app.return_note.clone().map(|n| view! { <p class="prewrap"><strong>{tr("returned.note")}</strong> " " {n}</p> })}
            </div>
        }
    })
}

#[component]
fn TaskList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded before the list"));
    let ready = app.tasks.iter().all(|(t, s)| {
        *s == TaskStatus::Completed || (*s == TaskStatus::ToFix && *t != Task::Documents)
    });
    view! {
        <p class="caption">{app.reference.clone()}</p>
        <h1>{tr("tasks.title")}</h1>
        <p class="lead">{tr("tasks.intro")}</p>
        <ReturnBanner app=app.clone() />
        <ol class="task-list">
            {app.tasks.iter().map(|(task, status)| {
                let (task, status) = (*task, *status);
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
            <button type="button" class="button button--large" disabled=!ready on:click=move |_| ctx.go(Screen::Check)>{tr("tasks.check")}</button>
        </p>
        {(!ready).then(|| view! { <p class="hint">{tr("tasks.not_ready")}</p> })}
    }
}

#[component]
fn ElderScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded"));
    let name = RwSignal::new(app.elder_name.clone());
    let id_number = RwSignal::new(String::new());
    let phone = RwSignal::new(app.elder_phone.clone().unwrap_or_default());
    let has_id = app.id_number_masked.clone();
    let saved_id = has_id.is_some();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut section = ElderSection {
            name: name.get_untracked(),
            id_number: id_number.get_untracked(),
            phone: Some(phone.get_untracked()).filter(|p| !p.trim().is_empty()),
        };
        // Keeping the saved number: check the rest here, the server fills the number in.
        let keep = section.id_number.trim().is_empty() && saved_id;
        let mut check = section.clone();
        if keep {
            check.id_number = "11010519491231002X".into();
        }
        let problems = check_elder(&check);
        if !problems.is_empty() {
            ctx.errors.set(problems);
            return;
        }
        if keep {
            section.id_number = String::new();
        }
        ctx.save(SectionUpdate::Elder(section), Screen::Tasks);
    };
    view! {
        <BackToTasks />
        <h1>{tr("task.elder")}</h1>
        <form class="form" on:submit=submit novalidate>
            <TextField id="name" label="elder.name" value=name errors=ctx.errors autocomplete="name" />
            {match has_id.clone() {
                Some(masked) => view! {
                    <p class="hint">{tr("elder.id_saved")} " " <span class="mono">{masked}</span></p>
                    <TextField id="id_number" label="elder.id_number_change" value=id_number errors=ctx.errors hint="elder.id_hint" />
                }.into_any(),
                None => view! {
                    <TextField id="id_number" label="elder.id_number" value=id_number errors=ctx.errors hint="elder.id_hint" />
                }.into_any(),
            }}
            <TextField id="phone" label="elder.phone" value=phone errors=ctx.errors kind="tel" inputmode="tel" hint="elder.phone_hint" />
            <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("task.save")}</button>
        </form>
    }
}

#[component]
fn HomeScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded"));
    let communities = RwSignal::new(Vec::<JurisdictionView>::new());
    let buildings = RwSignal::new(Vec::<JurisdictionView>::new());
    let community = RwSignal::new(0i64);
    let building = RwSignal::new(app.home.as_ref().map(|h| h.building_id).unwrap_or_default());
    let unit = RwSignal::new(
        app.home
            .as_ref()
            .map(|h| h.unit.clone())
            .unwrap_or_default(),
    );
    let room = RwSignal::new(
        app.home
            .as_ref()
            .map(|h| h.room.clone())
            .unwrap_or_default(),
    );
    let current_community = app.community_name.clone();
    spawn_local(async move {
        if let Ok(list) = api::communities().await {
            if let Some(c) = list
                .iter()
                .find(|c| Some(&c.name) == current_community.as_ref())
            {
                community.set(c.id);
            }
            communities.set(list);
        }
    });
    Effect::new(move |_| {
        let c = community.get();
        if c > 0 {
            spawn_local(async move {
                if let Ok(list) = api::children(c).await {
                    buildings.set(list);
                }
            });
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let section = HomeSection {
            building_id: building.get_untracked(),
            unit: unit.get_untracked(),
            room: room.get_untracked(),
        };
        let mut problems = anju_domain::application::check_home_text(&section);
        if section.building_id == 0 {
            problems.insert(
                "building".into(),
                FieldError::new("请选择楼栋", "Choose a building"),
            );
        }
        if !problems.is_empty() {
            ctx.errors.set(problems);
            return;
        }
        ctx.save(SectionUpdate::Home(section), Screen::Tasks);
    };
    view! {
        <BackToTasks />
        <h1>{tr("task.home")}</h1>
        {app.home_label.clone().map(|l| view! { <p class="hint">{tr("home.current")} " " {l}</p> })}
        <form class="form" on:submit=submit novalidate>
            <div class="field">
                <label for="community">{tr("register.community")}</label>
                <select id="community" on:change=move |ev| { community.set(event_target_value(&ev).parse().unwrap_or(0)); building.set(0); }>
                    <option value="0">{tr("register.choose")}</option>
                    {move || communities.get().into_iter().map(|c| {
                        let selected = c.id == community.get_untracked();
                        view! { <option value=c.id.to_string() selected=selected>{c.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="building">{tr("register.building")}</label>
                <select id="building" on:change=move |ev| building.set(event_target_value(&ev).parse().unwrap_or(0))>
                    <option value="0">{tr("register.choose")}</option>
                    {move || buildings.get().into_iter().map(|b| {
                        let selected = b.id == building.get_untracked();
                        view! { <option value=b.id.to_string() selected=selected>{b.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field-row">
                <TextField id="unit" label="register.unit" value=unit errors=ctx.errors />
                <TextField id="room" label="register.room" value=room errors=ctx.errors />
            </div>
            <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("task.save")}</button>
        </form>
    }
}

/// The eligibility questions, one per screen, each saved as it is answered. The server says
/// which questions apply (it alone holds the elder's full ID number): a first visit starts at
/// the first unanswered one, a later visit walks through all of them with the answers kept.
#[component]
fn FactsScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded"));
    let answers = RwSignal::new(app.facts.clone().unwrap_or_default());
    let community = RwSignal::new(None::<i64>);
    let start = if app.next_fact_question.is_some() {
        app.fact_path.len().saturating_sub(1)
    } else {
        0
    };
    let index = RwSignal::new(start);
    let current = move || {
        ctx.app.with(|a| {
            a.as_ref()
                .and_then(|a| a.fact_path.get(index.get()).copied())
        })
    };
    let answered = move |_| {
        let facts: EligibilityAnswers = answers.get_untracked();
        let id = ctx.id();
        let at = index.get_untracked();
        spawn_local(async move {
            match api::save_section(id, &SectionUpdate::Facts(facts)).await {
                Ok(view) => {
                    let more = at + 1 < view.fact_path.len();
                    ctx.app.set(Some(view));
                    if more {
                        index.set(at + 1);
                        scroll_to_top();
                    } else {
                        ctx.go(Screen::Tasks);
                    }
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    let back = move |_| match index.get_untracked() {
        0 => ctx.go(Screen::Tasks),
        i => index.set(i - 1),
    };
    view! {
        <button type="button" class="link-button back-link" on:click=back>{tr("check.back")}</button>
        {move || match current() {
            Some(Question::IdNumber) | None => view! {
                <h1>{tr("task.facts")}</h1>
                <p>{tr("facts.elder_first")}</p>
                <button type="button" class="button" on:click=move |_| ctx.go(Screen::Task(Task::Elder))>{tr("task.elder")}</button>
            }.into_any(),
            Some(q) => view! {
                <QuestionScreen question=q answers=answers community=community on_answer=Callback::new(answered) />
            }.into_any(),
        }}
    }
}

#[component]
fn GuardianScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let session = expect_context::<Session>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded"));
    let me = session.user.with_untracked(|u| u.as_ref().map(|u| u.id));
    let applicant_is_guardian = app
        .guardian
        .as_ref()
        .is_some_and(|g| Some(g.account_id) == me);
    let options = RwSignal::new(Vec::<(i64, String)>::new());
    let choice = RwSignal::new(
        app.guardian
            .as_ref()
            .map(|g| g.account_id.to_string())
            .unwrap_or_else(|| "none".into()),
    );
    let elder_is_me = app
        .elder_account
        .as_ref()
        .is_some_and(|e| Some(e.account_id) == me);
    if elder_is_me {
        spawn_local(async move {
            if let Ok(o) = api::guardians().await {
                options.set(
                    o.my_guardians
                        .into_iter()
                        .filter(|l| l.state == GuardianLinkState::Active)
                        .filter_map(|l| l.guardian.map(|g| (g.account_id, g.display_name)))
                        .collect(),
                );
            }
        });
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let guardian_account_id = choice.get_untracked().parse::<i64>().ok();
        ctx.save(
            SectionUpdate::Guardian(GuardianSection {
                guardian_account_id,
            }),
            Screen::Tasks,
        );
    };
    view! {
        <BackToTasks />
        <form class="form" on:submit=submit novalidate>
            <fieldset class="fieldset">
                <legend><h1 class="legend-heading">{tr("guardian.question")}</h1></legend>
                {if applicant_is_guardian {
                    view! { <p>{tr("guardian.you_are_named")} " " <strong>{app.guardian.clone().map(|g| g.display_name)}</strong></p> }.into_any()
                } else {
                    view! {
                        <div class="radio">
                            <input type="radio" id="guardian-none" name="guardian" value="none"
                                prop:checked=move || choice.get() == "none" on:change=move |_| choice.set("none".into()) />
                            <label for="guardian-none">{tr("guardian.none")}</label>
                        </div>
                        {move || options.get().into_iter().map(|(id, name)| {
                            let value = id.to_string();
                            let v = value.clone();
                            let dom_id = format!("guardian-{id}");
                            view! {
                                <div class="radio">
                                    <input type="radio" id=dom_id.clone() name="guardian" value=value.clone()
                                        prop:checked=move || choice.get() == v on:change=move |_| choice.set(value.clone()) />
                                    <label for=dom_id>{name}</label>
                                </div>
                            }
                        }).collect_view()}
                        <p class="hint">{tr("guardian.invite_hint")} " " <a href="/retrofit/family">{tr("retrofit.family_link")}</a></p>
                    }.into_any()
                }}
            </fieldset>
            <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("task.save")}</button>
        </form>
    }
}

#[component]
fn ConsentScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let agreed = RwSignal::new(ctx.app.with_untracked(|a| {
        a.as_ref()
            .and_then(|a| a.consent_version.clone())
            .as_deref()
            == Some(CONSENT_VERSION)
    }));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.save(
            SectionUpdate::Consent(ConsentSection {
                version: CONSENT_VERSION.into(),
                agreed: agreed.get_untracked(),
            }),
            Screen::Tasks,
        );
    };
    let error = move || {
        ctx.errors.with(|e| e.get("agreed").cloned()).map(
            |e| view! { <p class="field-error" id="agreed-error">{pick(locale.get(), &e)}</p> },
        )
    };
    view! {
        <BackToTasks />
        <h1>{tr("consent.title")}</h1>
        <div class="consent">
            {move || {
                let paragraphs = if locale.get() == Locale::En { CONSENT_EN } else { CONSENT_ZH };
                paragraphs.iter().map(|p| view! { <p>{*p}</p> }).collect_view()
            }}
            <p class="hint">{tr("consent.version")} " " {CONSENT_VERSION}</p>
        </div>
        <form class="form" on:submit=submit novalidate>
            <div class="field" class:field--error=move || error().is_some()>
                {error}
                <div class="checkbox">
                    <input type="checkbox" id="agreed" prop:checked=move || agreed.get() on:change=move |ev| agreed.set(event_target_checked(&ev)) />
                    <label for="agreed">{tr("consent.agree")}</label>
                </div>
            </div>
            <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("task.save")}</button>
        </form>
    }
}

#[component]
fn CheckAnswers() -> impl IntoView {
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
            let req = RetrofitActionRequest {
                action: RetrofitAction::Submit,
                note: None,
                checklist: vec![],
                reason: None,
            };
            match api::act_on_application(id, &req).await {
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
fn Submitted() -> impl IntoView {
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

/// What the family sees once the application is with the street office or beyond.
#[component]
fn StatusView() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let withdraw = move |_| {
        let id = ctx.id();
        spawn_local(async move {
            let req = RetrofitActionRequest {
                action: RetrofitAction::Withdraw,
                note: None,
                checklist: vec![],
                reason: None,
            };
            match api::act_on_application(id, &req).await {
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
        <p class="caption">{app.reference.clone()}</p>
        <h1>{tr("status.title")}</h1>
        <p class="status-line"><strong>{tr(state_key(app.state))}</strong></p>
        <p>{tr(match app.state {
            RetrofitState::Submitted => "status.submitted_next",
            RetrofitState::Proposed => "status.proposed_next",
            RetrofitState::Confirmed => "status.confirmed_next",
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
        <h2>{tr("status.timeline")}</h2>
        <Timeline events=app.events.clone() />
        {can_withdraw.then(|| view! {
            <p><button type="button" class="button button--secondary" on:click=withdraw>{tr("status.withdraw")}</button></p>
        })}
        <AccessLog application_id=app.id />
    }.into_any()
    }
}
