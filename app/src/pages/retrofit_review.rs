//! The street office's side: the queue of its street's applications (newest first, filtered
//! by status, community and ground) and the review panel with every answer and document, the
//! ID number masked until "show" (which the server records), and approve / return with a
//! checklist / reject with a reason. County admins confirm or decline from the same panel.

use crate::api;
use crate::components::application_card::{state_key, ApplicationCard};
use crate::components::application_ctx::Ctx;
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::components::outcome::OutcomePanel;
use crate::components::questions::{question_key, GROUPS};
use crate::components::retrofit_parts::{document_key, Timeline};
use crate::format::unix_time;
use crate::i18n::{page_title, pick, tr};
use crate::state::Prefs;
use anju_domain::application::{
    ApplicationSummary, ApplicationView, RejectReason, RetrofitActionRequest, ReturnItem,
};
use anju_domain::eligibility::{EligibilityAnswers, Question};
use anju_domain::retrofit::{RetrofitAction, RetrofitState};
use anju_domain::{FieldError, JurisdictionView};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Every state: the stages in the order of the work, as the desk lists them (it links to each
/// stage's list here), then the closed ones and drafts.
fn statuses() -> impl Iterator<Item = RetrofitState> {
    anju_domain::desk::DESK_STAGES.into_iter().chain([
        RetrofitState::Settled,
        RetrofitState::Rejected,
        RetrofitState::Withdrawn,
        RetrofitState::Draft,
    ])
}

#[component]
pub fn RetrofitQueue() -> impl IntoView {
    page_title("queue.retrofit_title");
    // The desk links here with `status=` and `community_id=`.
    let query = leptos_router::hooks::use_query_map();
    let from_query = |key: &str| {
        query.with_untracked(|q| {
            q.get(key)
                .filter(|v| v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or_default()
        })
    };
    let status = RwSignal::new(from_query("status"));
    let community = RwSignal::new(from_query("community_id"));
    // The desk's stage figures: households behind their year date, or due within 30 days.
    let behind = RwSignal::new(from_query("behind"));
    let ground = RwSignal::new(String::new());
    let communities = RwSignal::new(Vec::<JurisdictionView>::new());
    let items = RwSignal::new(None::<Vec<ApplicationSummary>>);
    let next = RwSignal::new(None::<i64>);
    spawn_local(async move {
        if let Ok(list) = api::staff_communities().await {
            communities.set(list);
        }
    });
    let filters = move |after: Option<i64>| {
        let mut q = Vec::new();
        for (k, v) in [
            ("status", status.get_untracked()),
            ("community_id", community.get_untracked()),
            ("ground", ground.get_untracked()),
            ("behind", behind.get_untracked()),
        ] {
            if !v.is_empty() {
                q.push(format!("{k}={v}"));
            }
        }
        if let Some(a) = after {
            q.push(format!("after={a}"));
        }
        q.join("&")
    };
    let load = move |after: Option<i64>| {
        let f = filters(after);
        spawn_local(async move {
            if let Ok(page) = api::applications(&f).await {
                next.set(page.next_after);
                if after.is_some() {
                    items.update(|i| i.get_or_insert_with(Vec::new).extend(page.items));
                } else {
                    items.set(Some(page.items));
                }
            }
        });
    };
    Effect::new(move |_| {
        status.track();
        community.track();
        ground.track();
        load(None);
    });
    let select = move |id: &'static str,
                       label: &'static str,
                       value: RwSignal<String>,
                       options: Vec<(String, String)>| {
        let chosen = value.get_untracked();
        view! {
            <div class="field">
                <label for=id>{tr(label)}</label>
                <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                    <option value="">{tr("queue.filter_all")}</option>
                    {options.into_iter().map(|(v, l)| {
                        let selected = v == chosen;
                        view! { <option value=v selected=selected>{l}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    let locale = expect_context::<Prefs>().locale;
    view! {
        <h1>{tr("queue.retrofit_title")}</h1>
        <form class="filters" on:submit=|ev| ev.prevent_default()>
            {move || {
                let l = locale.get();
                let statuses = statuses().map(|s| (s.as_str().to_owned(), crate::i18n::text(l, state_key(s)).to_owned())).collect();
                let grounds = [("age80", "ground.age80"), ("disabled", "ground.disabled"), ("certified_disability", "ground.certified_disability"), ("self_paid", "ground.self_paid")]
                    .iter().map(|(v, k)| (v.to_string(), crate::i18n::text(l, k).to_owned())).collect();
                let comms = communities.get().into_iter().map(|c| (c.id.to_string(), c.name)).collect();
                view! {
                    {select("filter-status", "queue.filter_status", status, statuses)}
                    {select("filter-community", "queue.filter_community", community, comms)}
                    {select("filter-ground", "queue.filter_ground", ground, grounds)}
                }
            }}
        </form>
        {(!behind.get_untracked().is_empty()).then(|| view! {
            <p role="status">
                {tr(if behind.get_untracked() == "overdue" { "queue.behind_overdue" } else { "queue.behind_soon" })}
                " " <a href="/staff/retrofit">{tr("queue.all")}</a>
            </p>
        })}
        <h2>{tr("queue.results")}</h2>
        {move || match items.get() {
            None => view! { <p role="status">{tr("app.loading")}</p> }.into_any(),
            Some(list) if list.is_empty() => view! { <p>{tr("queue.retrofit_empty")}</p> }.into_any(),
            Some(list) => view! {
                <ul class="case-list">
                    {list.into_iter().map(|item| view! { <li><ApplicationCard item=item staff=true /></li> }).collect_view()}
                </ul>
            }.into_any(),
        }}
        {move || next.get().map(|n| view! {
            <p><button type="button" class="button button--secondary" on:click=move |_| load(Some(n))>{tr("queue.more")}</button></p>
        })}
    }
}

fn answer_text(a: &EligibilityAnswers, q: Question) -> (&'static str, Option<u8>) {
    let yn = |b: Option<bool>| match b {
        Some(true) => ("q.yes", None),
        Some(false) => ("q.no", None),
        None => ("review.unanswered", None),
    };
    match q {
        Question::Group => (
            a.group
                .and_then(|g| GROUPS.iter().find(|(x, _)| *x == g).map(|(_, k)| *k))
                .unwrap_or("review.unanswered"),
            None,
        ),
        Question::Activities => ("review.activities_count", a.activities_needing_help),
        Question::Ownership => yn(a.owns_or_long_term_use),
        Question::Safety => yn(a.safe_to_retrofit),
        Question::Demolition => yn(a.on_demolition_list),
        Question::AlreadyRetrofitted => yn(a.already_retrofitted),
        Question::AlreadyRecognised => yn(a.already_recognised_disabled),
        Question::DisabilityCertificate => yn(a.disability_certificate),
        Question::StayElsewhere => yn(a.can_stay_elsewhere),
        Question::IdNumber | Question::Place => ("review.unanswered", None),
    }
}

#[component]
pub fn ReviewPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        let Some(app) = ctx.app.get() else {
            return ().into_any();
        };
        view! { <ReviewBody app=app /> }.into_any()
    }
}

#[component]
fn ReviewBody(app: ApplicationView) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let shown_id = RwSignal::new(None::<String>);
    let reveal = move |_| {
        let id = ctx.id();
        spawn_local(async move {
            match api::reveal_id_number(id).await {
                Ok(n) => shown_id.set(Some(n)),
                Err(e) => ctx.fail(e),
            }
        });
    };
    // The assessor works from the masked record: no full ID number, no family papers.
    let assessor = expect_context::<crate::state::Session>()
        .user
        .with_untracked(|u| {
            u.as_ref()
                .is_some_and(|u| u.role == anju_domain::Role::Assessor)
        });
    let facts = app.facts.clone().unwrap_or_default();
    let outcome = RwSignal::new(app.outcome.clone());
    let masked = app.id_number_masked.clone().unwrap_or_default();
    view! {
        <p class="caption"><span class="nowrap">{app.reference.clone()}</span> {(!app.elder_name.is_empty()).then(|| format!("· {}", app.elder_name))}</p>
        <h1>{app.elder_name.clone()}</h1>
        <p class="status-line"><strong>{tr(state_key(app.state))}</strong></p>
        <dl class="summary-list">
            <div><dt>{tr("elder.id_number")}</dt>
                <dd class="mono">{move || shown_id.get().unwrap_or_else(|| masked.clone())}</dd>
                <dd>{move || (!assessor && shown_id.get().is_none()).then(|| view! {
                    <button type="button" class="link-button" on:click=reveal>{tr("review.show_id")}</button>
                })}</dd>
            </div>
            <div><dt>{tr("elder.phone")}</dt><dd>{app.elder_phone.clone()}</dd></div>
            <div><dt>{tr("task.home")}</dt><dd>{app.home_label.clone()}</dd></div>
            <div><dt>{tr("review.applicant")}</dt><dd>{app.applicant.display_name.clone()} {(app.channel == anju_domain::application::ApplicationChannel::Office).then(|| view! { " · " {tr("review.office")} })}</dd></div>
            <div><dt>{tr("task.guardian")}</dt><dd>{app.guardian.clone().map(|g| g.display_name)}</dd></div>
            <div><dt>{tr("task.consent")}</dt><dd>{app.consent_version.clone()} " · " {app.consent_at.map(|t| unix_time(t, locale.get_untracked()))}</dd></div>
        </dl>
        <h2>{tr("task.facts")}</h2>
        <dl class="summary-list">
            {app.fact_path.iter().filter(|q| !matches!(q, Question::IdNumber | Question::Place)).map(|q| {
                let (key, count) = answer_text(&facts, *q);
                view! { <div><dt>{tr(question_key(*q))}</dt><dd>{tr(key)} {count.map(|n| format!(" {n}"))}</dd></div> }
            }).collect_view()}
        </dl>
        <div class="outcome-embedded"><OutcomePanel outcome=outcome embedded=true /></div>
        {(!assessor).then(|| view! {
            <h2>{tr("task.documents")}</h2>
            <ul class="document-list">
                {app.documents.iter().map(|d| view! {
                    <li><a href=d.url.clone() target="_blank" rel="noopener">{tr(document_key(d.kind))}</a>
                        " · " {if d.content_type == "application/pdf" { "PDF" } else { "JPG" }}</li>
                }).collect_view()}
            </ul>
        })}
        <FamilyLinks links=app.family_links.clone() />
        <crate::pages::retrofit_application::LastReturn round=app.last_return.clone() state=app.state />
        <ReviewActions actions=app.actions.clone() />
        <crate::pages::retrofit_application::AssessmentPanel app=app.clone() />
        <crate::pages::retrofit_application::WorksPanel app=app.clone() />
        <crate::pages::retrofit_application::SettlementPanel app=app.clone() />
        <crate::pages::retrofit_application::WarrantyPanel app=app.clone() />
        <h2>{tr("status.timeline")}</h2>
        <Timeline events=app.events.clone() />
        <p><a href=if assessor { "/assess" } else if app.actions.contains(&RetrofitAction::Confirm) { "/county/retrofit" } else { "/staff/retrofit" }>{tr("review.back")}</a></p>
    }
}

/// Who acts for the elder: relationship and proof (opening it is recorded), and — for an
/// elder who cannot use a phone — the office's confirmation of a link waiting for it.
#[component]
fn FamilyLinks(links: Vec<anju_domain::application::GuardianLinkView>) -> impl IntoView {
    use crate::pages::retrofit_family::{link_state_key, relationship_key};
    use anju_domain::application::GuardianLinkState;
    let ctx = expect_context::<Ctx>();
    if links.is_empty() {
        return ().into_any();
    }
    let confirm = move |link: i64| {
        spawn_local(async move {
            match api::confirm_guardian_link(link).await {
                Ok(_) => match api::application(ctx.id()).await {
                    Ok(a) => ctx.app.set(Some(a)),
                    Err(e) => ctx.fail(e),
                },
                Err(e) => ctx.fail(e),
            }
        });
    };
    view! {
        <h2>{tr("review.family")}</h2>
        <ul class="document-list">
            {links.into_iter().map(|l| {
                let name = l.guardian.clone().map(|g| g.display_name).unwrap_or_default();
                let waiting = l.state == GuardianLinkState::Accepted;
                let id = l.id;
                view! {
                    <li>
                        <strong>{name.clone()}</strong>
                        {l.relationship.map(|r| view! { " · " {tr(relationship_key(r))} })}
                        " · " {tr(link_state_key(l.state))}
                        {l.proof_url.clone().map(|u| view! { " " <a href=u class="button button--secondary">{tr("family.proof")}</a> })}
                        {waiting.then(|| view! {
                            " " <button type="button" class="link-button" on:click=move |_| confirm(id)>
                                {tr("review.confirm_family")}<span class="visually-hidden">{name.clone()}</span>
                            </button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn ReviewActions(actions: Vec<RetrofitAction>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let note = RwSignal::new(String::new());
    let checklist: Vec<(ReturnItem, RwSignal<bool>)> = ReturnItem::ALL
        .iter()
        .map(|i| (*i, RwSignal::new(false)))
        .collect();
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let ticked = checklist.clone();
    let run = Callback::new(move |action: RetrofitAction| {
        if ctx.busy.get_untracked() {
            return;
        }
        let req = RetrofitActionRequest {
            action,
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            checklist: if action == RetrofitAction::Return {
                ticked
                    .iter()
                    .filter(|(_, t)| t.get_untracked())
                    .map(|(i, _)| *i)
                    .collect()
            } else {
                vec![]
            },
            reason: serde_json::from_value::<RejectReason>(serde_json::Value::String(
                reason.get_untracked(),
            ))
            .ok(),
        };
        ctx.busy.set(true);
        let id = ctx.id();
        spawn_local(async move {
            match api::act_on_application(id, &req).await {
                Ok(view) => {
                    errors.set(FieldErrors::new());
                    general.set(None);
                    ctx.app.set(Some(view));
                }
                Err(e) => {
                    errors.set(e.fields.clone());
                    general.set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
            ctx.busy.set(false);
        });
    });
    let has = |a: RetrofitAction| actions.contains(&a);
    let (approve, ret, reject, confirm, decline) = (
        has(RetrofitAction::Approve),
        has(RetrofitAction::Return),
        has(RetrofitAction::Reject),
        has(RetrofitAction::Confirm),
        has(RetrofitAction::Decline),
    );
    // The offices' decisions only; the assessor's steps have their own panel.
    if !(approve || ret || reject || confirm || decline) {
        return ().into_any();
    }
    let field_error = move |f: &'static str| {
        move || {
            errors
                .with(|e| e.get(f).cloned())
                .map(|e| view! { <p class="field-error">{pick(locale.get(), &e)}</p> })
        }
    };
    view! {
        <section class="review-actions" aria-labelledby="decide-heading">
            <h2 id="decide-heading">{tr("review.decide")}</h2>
            <ErrorSummary errors=errors general=general />
            <div class="field">
                <label for="note">{tr("review.note")}</label>
                <p class="hint" id="note-hint">{tr("review.note_hint")}</p>
                {field_error("note")}
                <textarea id="note" aria-describedby="note-hint" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </div>
            {(approve || confirm).then(|| view! {
                <p class="actions">
                    {approve.then(|| view! { <button type="button" class="button" on:click=move |_| run.run(RetrofitAction::Approve)>{tr("review.approve")}</button> })}
                    {confirm.then(|| view! { <button type="button" class="button" on:click=move |_| run.run(RetrofitAction::Confirm)>{tr("review.confirm")}</button> })}
                </p>
            })}
            {ret.then(|| view! {
                <fieldset class="fieldset" id="checklist">
                    <legend>{tr("review.return_legend")}</legend>
                    {field_error("checklist")}
                    {checklist.iter().map(|(item, t)| {
                        let t = *t;
                        let id = format!("return-{}", serde_json::to_value(item).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default());
                        let (zh, en) = item.message();
                        let e = FieldError::new(zh, en);
                        view! {
                            <div class="checkbox">
                                <input type="checkbox" id=id.clone() prop:checked=move || t.get() on:change=move |ev| t.set(event_target_checked(&ev)) />
                                <label for=id>{move || pick(locale.get(), &e)}</label>
                            </div>
                        }
                    }).collect_view()}
                    <button type="button" class="button button--secondary" on:click=move |_| run.run(RetrofitAction::Return)>{tr("review.return")}</button>
                </fieldset>
            })}
            {(reject || decline).then(|| view! {
                <div class="field">
                    <label for="reason">{tr("review.reason")}</label>
                    {field_error("reason")}
                    <select id="reason" on:change=move |ev| reason.set(event_target_value(&ev))>
                        <option value="">{tr("register.choose")}</option>
                        {RejectReason::ALL.iter().map(|r| {
                            let v = serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                            let (zh, en) = r.message();
                            let e = FieldError::new(zh, en);
                            view! { <option value=v>{move || pick(locale.get(), &e)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <p>
                    {reject.then(|| view! { <button type="button" class="button button--warning" on:click=move |_| run.run(RetrofitAction::Reject)>{tr("review.reject")}</button> })}
                    {decline.then(|| view! { <button type="button" class="button button--warning" on:click=move |_| run.run(RetrofitAction::Decline)>{tr("review.decline")}</button> })}
                </p>
            })}
        </section>
    }.into_any()
}
