//! One case: status and promised time in plain words, the timeline, and what the person
//! looking at it can do next (staff: handle it; the resident: reply, confirm and rate).

use crate::api;
use crate::components::case_card::{category_name, due_line, state_key};
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::components::photos::{PhotoList, PhotoUploader};
use crate::format::short_time;
use crate::i18n::{page_title, text, tr};
use crate::state::{Prefs, Session};
use anju_domain::complaint::{
    CaseAction, CaseActionRequest, CaseState, CaseView, PhotoStage, PhotoView, Rating,
};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

fn action_key(action: &str) -> &'static str {
    match action {
        "acknowledge" => "action.acknowledge",
        "assign" => "action.assign",
        "arrive_on_site" => "action.arrive_on_site",
        "pause" => "action.pause",
        "resume" => "action.resume",
        "ask_resident" => "action.ask_resident",
        "resident_reply" => "action.resident_reply",
        "comment" => "action.comment",
        "resolve" => "action.resolve",
        "confirm" => "action.confirm",
        "not_solved" => "action.not_solved",
        _ => "action.submit",
    }
}

/// Staff actions offered in each state (the server's state machine has the final word).
fn staff_actions(state: CaseState, inquiry: bool) -> Vec<CaseAction> {
    use CaseAction::*;
    use CaseState as S;
    let mut list = match state {
        S::Submitted => vec![Acknowledge, Assign],
        S::Acknowledged | S::Assigned => vec![ArriveOnSite, Resolve, AskResident, Pause, Assign],
        S::OnSite => vec![Resolve, AskResident, Pause],
        S::Paused => vec![Resume],
        _ => vec![],
    };
    if inquiry {
        list.retain(|a| *a != ArriveOnSite);
    }
    if state != S::Closed {
        list.push(Comment);
    }
    list
}

fn needs_note(a: CaseAction) -> bool {
    matches!(
        a,
        CaseAction::Pause
            | CaseAction::AskResident
            | CaseAction::Resolve
            | CaseAction::Comment
            | CaseAction::ResidentReply
            | CaseAction::NotSolved
    )
}

#[component]
pub fn CaseDetail() -> impl IntoView {
    page_title("cases.title");
    let params = use_params_map();
    let locale = expect_context::<Prefs>().locale;
    let session = expect_context::<Session>();
    let case = RwSignal::new(None::<CaseView>);
    // Another resident's case, or none: a not-found page, not a form error and "loading".
    let missing = RwSignal::new(false);
    let works_cases = session.user.with_untracked(|u| {
        u.as_ref()
            .is_some_and(|u| u.role.can(anju_domain::access::Capability::WorkCases))
    });
    let photos = RwSignal::new(Vec::<PhotoView>::new());
    let colleagues = RwSignal::new(Vec::<api::Assignee>::new());
    let assignee = RwSignal::new(0i64);
    let note = RwSignal::new(String::new());
    let ratings = [RwSignal::new(0u8), RwSignal::new(0u8), RwSignal::new(0u8)];
    // The resident's full number, once staff have asked for it (on the record).
    let phone = RwSignal::new(None::<String>);
    // Said once the resident has confirmed and rated.
    let thanked = RwSignal::new(false);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let busy = RwSignal::new(false);
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());

    Effect::new(move |_| {
        if let Some(id) = id() {
            spawn_local(async move {
                match api::case(id).await {
                    Ok(c) => {
                        photos.set(c.photos.clone());
                        case.set(Some(c));
                        // Only staff may hand a case on: a resident's page does not ask.
                        if !works_cases {
                            return;
                        }
                        if let Ok(list) = api::assignees(id).await {
                            if let Some(first) = list.first() {
                                assignee.set(first.id);
                            }
                            colleagues.set(list);
                        }
                    }
                    Err(e) if e.code == "not_found" || e.code == "forbidden" => missing.set(true),
                    Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
                }
            });
        }
    });

    let run = move |action: CaseAction| {
        let Some(id) = id() else { return };
        let rating = (action == CaseAction::Confirm).then(|| Rating {
            speed: ratings[0].get_untracked(),
            result: ratings[1].get_untracked(),
            attitude: ratings[2].get_untracked(),
        });
        let text_note = note.get_untracked();
        if needs_note(action) && text_note.trim().is_empty() {
            let mut e = FieldErrors::new();
            let (zh, en) = if works_cases {
                (
                    "请写明原因或处理情况",
                    "Add a note saying why or what was done",
                )
            } else {
                ("请说一说还有什么问题", "Say what is still wrong")
            };
            e.insert("note".into(), FieldError::new(zh, en));
            errors.set(e);
            return;
        }
        busy.set(true);
        errors.set(FieldErrors::new());
        general.set(None);
        let req = CaseActionRequest {
            action,
            note: Some(text_note),
            // Assign names a colleague; everything else leaves the assignee alone.
            assignee_id: (action == CaseAction::Assign)
                .then(|| assignee.get_untracked())
                .filter(|id| *id > 0),
            rating,
        };
        spawn_local(async move {
            match api::act_on_case(id, &req).await {
                Ok(c) => {
                    photos.set(c.photos.clone());
                    case.set(Some(c));
                    note.set(String::new());
                    thanked.set(action == CaseAction::Confirm);
                }
                Err(e) => {
                    errors.set(e.fields.clone());
                    if e.fields.is_empty() {
                        general.set(Some(FieldError::new(e.message, e.message_en)));
                    }
                }
            }
            busy.set(false);
        });
    };

    let note_field = move |label: &'static str| {
        view! {
            <div class="field" class:field--error=move || errors.with(|e| e.contains_key("note"))>
                <label for="note">{tr(label)}</label>
                <p class="hint" id="note-hint">{tr(if works_cases { "case.note_hint" } else { "case.note_hint_resident" })}</p>
                <textarea id="note" rows="3" aria-describedby="note-hint"
                    prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </div>
        }
    };

    move || {
        if missing.get() {
            return view! { <crate::pages::not_found::NotFound /> }.into_any();
        }
        let Some(c) = case.get() else {
            return view! { <ErrorSummary errors general /><p role="status">{tr("app.loading")}</p> }.into_any();
        };
        let as_staff = session
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.role.is_staff()));
        let inquiry = c.kind == anju_domain::category::CaseKind::Inquiry;
        let actions = if as_staff {
            staff_actions(c.state, inquiry)
        } else {
            vec![]
        };
        let resolved = c.state == CaseState::Resolved && !as_staff;
        let can_reply = !as_staff && !c.state.is_handled();
        let due = due_line(&c, locale.get());
        let is_major = c.major;
        view! {
            <h1>{category_name(&c, locale.get())}</h1>
            <p class="case-card__meta">{tr("cases.reference")} " " <span class="mono" data-testid="reference">{c.reference.clone()}</span></p>
            <ErrorSummary errors general />
            <dl class="summary-list">
                <div><dt>{tr("case.state")}</dt><dd data-testid="state">{tr(state_key(c.state))}</dd></div>
                {c.major.then(|| view! { <div><dt>{tr("case.major")}</dt><dd><strong class="badge">{tr("callbacks.major")}</strong></dd></div> })}
                {due.map(|(line, overdue)| view! {
                    <div><dt>{tr("case.due_label")}</dt><dd data-testid="due" class:overdue=overdue>{line}</dd></div>
                })}
                <div><dt>{tr("case.description")}</dt><dd class="prewrap">{c.description.clone()}</dd></div>
                <div><dt>{tr("case.place")}</dt><dd>{c.public_place.clone().unwrap_or_else(|| text(locale.get(), "case.home").to_owned())}</dd></div>
                {as_staff.then(|| view! { <div><dt>{tr("case.resident")}</dt><dd>{format!("{} · {}", c.resident_name, c.community)}</dd></div> })}
                {c.resident_home.clone().map(|home| view! { <div><dt>{tr("case.resident_home")}</dt><dd data-testid="resident-home">{home}</dd></div> })}
                {c.resident_phone_masked.clone().map(|masked| {
                    let case_id = c.id;
                    view! {
                        <div>
                            <dt>{tr("case.resident_phone")}</dt>
                            <dd>{move || match phone.get() {
                                // Shown once asked for (and recorded): a link that dials it.
                                Some(full) => view! { <a href=format!("tel:{full}") class="mono">{full.clone()}</a> }.into_any(),
                                None => view! {
                                    <span class="mono">{masked.clone()}</span> " "
                                    <button type="button" class="link-button" on:click=move |_| {
                                        spawn_local(async move {
                                            match api::resident_phone(case_id).await {
                                                Ok(p) => phone.set(Some(p.phone)),
                                                Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
                                            }
                                        });
                                    }>{tr("case.show_phone")}</button>
                                }.into_any(),
                            }}</dd>
                        </div>
                    }
                })}
                {c.contact_time.clone().map(|t| view! { <div><dt>{tr("case.contact_time")}</dt><dd>{t}</dd></div> })}
                {c.assignee_name.clone().map(|n| view! { <div><dt>{tr("case.assignee")}</dt><dd>{n}</dd></div> })}
                {c.rating.map(|r| view! { <div><dt>{tr("case.rating")}</dt><dd>{format!("{} / {} / {}", r.speed, r.result, r.attitude)}</dd></div> })}
            </dl>

            {(!actions.is_empty()).then(|| view! {
                <section aria-labelledby="staff-actions">
                    <h2 id="staff-actions">{tr("case.staff_actions")}</h2>
                    {note_field("case.note")}
                    <p>
                        <button type="button" class="link-button" on:click=move |_| {
                            let major = !is_major;
                            if let Some(id) = id() {
                                spawn_local(async move {
                                    if api::set_major(id, major).await.is_ok() {
                                        if let Ok(c) = api::case(id).await {
                                            case.set(Some(c));
                                        }
                                    }
                                });
                            }
                        }>{if is_major { tr("case.unmark_major")() } else { tr("case.mark_major")() }}</button>
                    </p>
                    {actions.contains(&CaseAction::Assign).then(|| view! {
                        <div class="field">
                            <label for="assignee">{tr("case.assign_to")}</label>
                            <select id="assignee" on:change=move |ev| assignee.set(event_target_value(&ev).parse().unwrap_or(0))>
                                {move || colleagues.get().into_iter().map(|p| view! {
                                    <option value=p.id.to_string() selected=move || assignee.get() == p.id>{p.display_name}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <p><button type="button" class="button button--secondary" prop:disabled=move || busy.get()
                            on:click=move |_| run(CaseAction::Assign)>{tr("case.assign")}</button></p>
                    })}
                    <div class="actions">
                        {actions.iter().filter(|a| **a != CaseAction::Assign).map(|a| { let a = *a; view! {
                            <button type="button" class="button" class:button--secondary=!matches!(a, CaseAction::Acknowledge | CaseAction::Resolve | CaseAction::ArriveOnSite)
                                prop:disabled=move || busy.get() on:click=move |_| run(a)>{tr(action_key(a.as_str()))}</button>
                        }}).collect_view()}
                    </div>
                </section>
            })}

            <Show when=move || thanked.get()>
                <p class="panel-confirmation" role="status">{tr("case.thanks")}</p>
            </Show>
            {resolved.then(|| view! {
                <section aria-labelledby="confirm-title">
                    <h2 id="confirm-title">{tr("case.confirm_title")}</h2>
                    {[("case.rate_speed", 0usize), ("case.rate_result", 1), ("case.rate_attitude", 2)].into_iter().map(|(label, i)| {
                        let sig = ratings[i];
                        view! {
                            <fieldset class="fieldset rating">
                                <legend>{tr(label)}</legend>
                                <div class="rating__options">
                                    {(1u8..=5).map(|v| { let id = format!("rate-{i}-{v}"); view! {
                                        <span class="radio">
                                            <input type="radio" id=id.clone() name=format!("rate-{i}") prop:checked=move || sig.get() == v
                                                on:change=move |_| sig.set(v) />
                                            // Both ends say what they mean, as in the surveys.
                                            <label for=id>{move || match v {
                                                1 => format!("1 {}", tr("case.rate_lowest")()),
                                                5 => format!("5 {}", tr("case.rate_highest")()),
                                                v => format!("{v} {}", tr("case.rate_points")()),
                                            }}</label>
                                        </span>
                                    }}).collect_view()}
                                </div>
                            </fieldset>
                        }
                    }).collect_view()}
                    <div class="actions">
                        <button type="button" class="button" prop:disabled=move || busy.get() on:click=move |_| run(CaseAction::Confirm)>{tr("case.confirm")}</button>
                    </div>
                    {note_field("case.note")}
                    <button type="button" class="button button--secondary" prop:disabled=move || busy.get() on:click=move |_| run(CaseAction::NotSolved)>{tr("case.not_solved")}</button>
                </section>
            })}

            {can_reply.then(|| view! {
                <section aria-labelledby="reply-title">
                    <h2 id="reply-title">{tr("case.reply")}</h2>
                    {note_field("case.note")}
                    <button type="button" class="button button--secondary" prop:disabled=move || busy.get()
                        on:click=move |_| run(CaseAction::ResidentReply)>{tr("case.send")}</button>
                </section>
            })}

            <section aria-labelledby="photos-title">
                <h2 id="photos-title">{tr("photos.title")}</h2>
                <PhotoList photos />
                {(c.state != CaseState::Closed).then(|| view! {
                    <PhotoUploader case_id=c.id stage=if as_staff { PhotoStage::After } else { PhotoStage::Report } photos />
                })}
            </section>

            <h2>{tr("case.timeline")}</h2>
            <ol class="timeline">
                {c.timeline.iter().rev().map(|e| view! {
                    <li>
                        <p class="timeline__when">{short_time(&e.at, locale.get())}</p>
                        <p class="timeline__what"><strong>{tr(action_key(&e.action))}</strong>
                            {(!e.actor_name.is_empty()).then(|| format!(" · {}", e.actor_name))}</p>
                        {e.note.clone().map(|n| view! { <p class="prewrap">{n}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        }.into_any()
    }
}
