//! The household's plan (一户一策) at `/retrofit/applications/:id/plan`. For the family: every
//! item in plain words by room, what the subsidy pays and what they pay, what changed since
//! the last version, then "ask for changes" or signing (read → confirm who you are → sign).
//! For the assessor: the draft editor. For the offices: the plan as the family sees it.
//! The amounts are computed by the same `anju_domain` code the server checks them with.

mod editor;
pub(crate) mod sign;

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::format::unix_time;
use crate::i18n::{page_title, tr};
use crate::state::Prefs;
use anju_domain::retrofit_catalogue::format_yuan;
use anju_domain::retrofit_plan::{format_quantity, Amounts, PlanLine, Room};
use anju_domain::retrofit_signing::{
    format_code, LineChange, PlanVersionState, PlanVersionView, PlanView,
};
use anju_domain::{FieldError, Locale};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

/// What the plan page shares with its parts.
#[derive(Clone, Copy)]
pub(crate) struct PlanCtx {
    pub id: i64,
    pub view: RwSignal<Option<PlanView>>,
    pub errors: RwSignal<FieldErrors>,
    pub general: RwSignal<Option<FieldError>>,
    pub busy: RwSignal<bool>,
}

impl PlanCtx {
    pub fn fail(&self, e: anju_domain::ErrorEnvelope) {
        self.errors.set(e.fields.clone());
        self.general
            .set(Some(FieldError::new(e.message, e.message_en)));
    }

    pub fn clear(&self) {
        self.errors.set(FieldErrors::new());
        self.general.set(None);
    }
}

pub fn room_name(room: Room, locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => room.name_zh(),
        Locale::En => room.name_en(),
    }
}

fn yuan(fen: i64) -> String {
    format!("{} 元", format_yuan(fen))
}

fn state_key(s: PlanVersionState) -> &'static str {
    match s {
        PlanVersionState::Draft => "plan.state_draft",
        PlanVersionState::Proposed => "plan.state_proposed",
        PlanVersionState::ChangesRequested => "plan.state_changes_requested",
        PlanVersionState::Superseded => "plan.state_superseded",
        PlanVersionState::Signed => "plan.state_signed",
    }
}

/// A heading that takes the focus when it appears, so each step is announced and on screen.
#[component]
pub(crate) fn StepHeading(text: &'static str, #[prop(optional)] id: &'static str) -> impl IntoView {
    let node = NodeRef::<html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = node.get() {
            let _ = h.focus();
            h.scroll_into_view();
        }
    });
    view! { <h2 tabindex="-1" id=id node_ref=node>{tr(text)}</h2> }
}

#[component]
pub fn RetrofitPlan() -> impl IntoView {
    page_title("plan.title");
    let params = use_params_map();
    let id = params
        .read_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_default();
    let ctx = PlanCtx {
        id,
        view: RwSignal::new(None),
        errors: RwSignal::new(FieldErrors::new()),
        general: RwSignal::new(None),
        busy: RwSignal::new(false),
    };
    provide_context(ctx);
    spawn_local(async move {
        match api::plan(id).await {
            Ok(v) => ctx.view.set(Some(v)),
            Err(e) => ctx.fail(e),
        }
    });
    let mode = Memo::new(move |_| ctx.view.with(|v| v.as_ref().map(|v| v.may_draft)));
    let back = format!("/retrofit/applications/{id}");
    view! {
        <p><a class="back-link" href=back>{tr("plan.back")}</a></p>
        <h1>{tr("plan.title")}</h1>
        <ErrorSummary errors=ctx.errors general=ctx.general />
        {move || match mode.get() {
            None => view! { <p class="loading" role="status">{tr("app.loading")}</p> }.into_any(),
            // The editor starts again from each answer of the server (saved, proposed).
            Some(true) => (move || {
                ctx.view.track();
                view! { <editor::PlanEditor /> }
            })
            .into_any(),
            Some(false) => view! { <PlanReader /> }.into_any(),
        }}
    }
}

/// The plan as the family reads it (and the offices see it), with what they can do next.
/// While signing, the flow keeps its step across the plan's updates (the signature's answer
/// is one); otherwise the page follows the plan as the server last returned it.
#[component]
fn PlanReader() -> impl IntoView {
    let ctx = expect_context::<PlanCtx>();
    let locale = expect_context::<Prefs>().locale;
    let signing = RwSignal::new(false);
    let certificate = format!("/retrofit/applications/{}/plan/certificate", ctx.id);
    move || {
        if signing.get() {
            let Some(view) = ctx.view.get_untracked() else {
                return ().into_any();
            };
            return view! { <sign::SignFlow view=view cancel=signing /> }.into_any();
        }
        let Some(view) = ctx.view.get() else {
            return ().into_any();
        };
        let Some(current) = view.current.clone() else {
            return view! { <p class="lede">{tr("plan.none_yet")}</p> }.into_any();
        };
        let certificate = certificate.clone();
        let may_sign = view.may_sign_as.is_some();
        view! {
            <VersionHeader version=current.clone() />
            {view.signature.clone().map(|s| view! {
                <div class="panel-success" role="status">
                    <p><strong>{tr("plan.signed_by")}</strong> " " {s.signer_masked.clone()}
                        " · " {move || unix_time(s.signed_at, locale.get())}</p>
                    <p>{tr("plan.code")} " " <strong class="code">{format_code(&s.code)}</strong></p>
                    <p><a class="button button--secondary" href=certificate.clone()>{tr("plan.certificate")}</a></p>
                </div>
            })}
            {current.change_request.clone().map(|n| view! {
                <div class="panel-notice"><p><strong>{tr("plan.you_asked")}</strong></p><p class="prewrap">{n}</p></div>
            })}
            <h2>{tr("plan.items")}</h2>
            <PlanLines version=current.clone() subsidised=view.subsidised />
            {view.previous.clone().map(|p| view! { <Changes previous=p changes=view.changes.clone() /> })}
            {may_sign.then(|| view! {
                <p><button type="button" class="button button--large" on:click=move |_| { ctx.clear(); signing.set(true) }>{tr("plan.sign_start")}</button></p>
            })}
            {view.may_ask_changes.then(|| view! { <AskChanges /> })}
            <History view=view.clone() />
        }
        .into_any()
    }
}

#[component]
fn VersionHeader(version: PlanVersionView) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    view! {
        <p class="status-line">
            {tr("plan.version")} " " <strong>{version.version}</strong> " · " <strong>{tr(state_key(version.state))}</strong>
            {version.proposed_at.map(|t| view! { " · " {move || unix_time(t, locale.get())} })}
        </p>
    }
}

/// The totals in large type, then each item by room: what it is, how many, what it costs,
/// what the subsidy pays and what the household pays.
#[component]
pub(crate) fn PlanLines(version: PlanVersionView, subsidised: bool) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let total = version.costed.total;
    let rooms: Vec<Room> = Room::ALL
        .into_iter()
        .filter(|r| version.lines.iter().any(|l| l.room == *r))
        .collect();
    let lines = version.lines.clone();
    let amounts = version.costed.lines.clone();
    view! {
        <Totals total=total />
        {(!subsidised).then(|| view! { <p class="panel-notice">{tr("plan.self_paid_household")}</p> })}
        {rooms.into_iter().map(|room| {
            let items: Vec<(PlanLine, Amounts)> = lines
                .iter()
                .zip(&amounts)
                .filter(|(l, _)| l.room == room)
                .map(|(l, a)| (l.clone(), *a))
                .collect();
            view! {
                <section class="plan-room" aria-label=move || room_name(room, locale.get())>
                    <h3>{move || room_name(room, locale.get())}</h3>
                    <ul class="plan-items">
                        {items.into_iter().map(|(l, a)| view! { <PlanItem line=l amounts=a /> }).collect_view()}
                    </ul>
                </section>
            }
        }).collect_view()}
        {(!version.not_needed.is_empty()).then(|| view! {
            <details class="plan-not-needed">
                <summary>{tr("plan.not_needed")}</summary>
                <ul>
                    {version.not_needed.iter().map(|n| view! { <li>{format!("第 {} 项：{}", n.no, n.reason)}</li> }).collect_view()}
                </ul>
            </details>
        })}
    }
}

#[component]
fn Totals(total: Amounts) -> impl IntoView {
    view! {
        <dl class="plan-totals">
            <div><dt>{tr("plan.total_price")}</dt><dd>{yuan(total.price_fen)}</dd></div>
            <div><dt>{tr("plan.total_subsidy")}</dt><dd>{yuan(total.subsidy_fen)}</dd></div>
            <div class="plan-totals__you"><dt>{tr("plan.total_self")}</dt><dd>{yuan(total.self_paid_fen)}</dd></div>
        </dl>
    }
}

#[component]
fn PlanItem(line: PlanLine, amounts: Amounts) -> impl IntoView {
    let kind = match line.item.kind {
        anju_domain::retrofit_catalogue::ItemKind::Basic => "plan.basic",
        anju_domain::retrofit_catalogue::ItemKind::Optional => "plan.optional",
    };
    view! {
        <li class="plan-item">
            <p class="plan-item__name"><strong>{line.item.name_zh.clone()}</strong>
                " " {format_quantity(line.quantity_centi)} " " {line.item.unit_zh.clone()}
                " " <span class="tag">{tr(kind)}</span></p>
            {(!line.note.is_empty()).then(|| view! { <p class="hint">{line.note.clone()}</p> })}
            <p class="plan-item__money">
                {tr("plan.price")} " " {yuan(amounts.price_fen)} " · "
                {tr("plan.subsidy")} " " {yuan(amounts.subsidy_fen)} " · "
                <strong>{tr("plan.self")} " " {yuan(amounts.self_paid_fen)}</strong>
            </p>
        </li>
    }
}

fn line_text(l: &PlanLine, locale: Locale) -> String {
    format!(
        "{}（{}）{} {}，{}",
        l.item.name_zh,
        room_name(l.room, locale),
        format_quantity(l.quantity_centi),
        l.item.unit_zh,
        yuan(
            anju_domain::retrofit_plan::line_price(l.item.unit_price_fen, l.quantity_centi)
                .unwrap_or(0)
        )
    )
}

/// What changed since the version the family saw before, side by side.
#[component]
fn Changes(previous: PlanVersionView, changes: Vec<LineChange>) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    view! {
        <section class="panel" aria-labelledby="changes-heading">
            <h2 id="changes-heading">{move || match locale.get() {
                Locale::ZhCn => format!("与第 {} 版相比的变化", previous.version),
                Locale::En => format!("What changed since version {}", previous.version),
            }}</h2>
            {changes.is_empty().then(|| view! { <p>{tr("plan.no_changes")}</p> })}
            {(!changes.is_empty()).then(|| view! {
                <table class="plan-compare">
                    <thead><tr>
                        <th scope="col">{tr("plan.before")}</th>
                        <th scope="col">{tr("plan.after")}</th>
                    </tr></thead>
                    <tbody>
                        {changes.into_iter().map(|c| {
                            let (before, after) = match &c {
                                LineChange::Added { after } => (None, Some(after.clone())),
                                LineChange::Removed { before } => (Some(before.clone()), None),
                                LineChange::Changed { before, after } => (Some(before.clone()), Some(after.clone())),
                            };
                            view! {
                                <tr>
                                    <td>{move || before.as_ref().map_or_else(|| crate::i18n::text(locale.get(), "plan.not_in_version").to_owned(), |l| line_text(l, locale.get()))}</td>
                                    <td>{move || after.as_ref().map_or_else(|| crate::i18n::text(locale.get(), "plan.removed").to_owned(), |l| line_text(l, locale.get()))}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <p>{tr("plan.total_before")} " " {yuan(previous.costed.total.self_paid_fen)}</p>
        </section>
    }
}

#[component]
fn AskChanges() -> impl IntoView {
    let ctx = expect_context::<PlanCtx>();
    let note = RwSignal::new(String::new());
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.busy.set(true);
        ctx.clear();
        spawn_local(async move {
            match api::ask_plan_changes(ctx.id, note.get_untracked()).await {
                Ok(v) => ctx.view.set(Some(v)),
                Err(e) => ctx.fail(e),
            }
            ctx.busy.set(false);
        });
    };
    let locale = expect_context::<Prefs>().locale;
    let error = move || {
        ctx.errors
            .with(|e| e.get("note").map(|m| crate::i18n::pick(locale.get(), m)))
    };
    view! {
        <details class="panel">
            <summary>{tr("plan.ask_changes")}</summary>
            <form on:submit=send>
                <div class="field" class:field--error=move || error().is_some()>
                    <label for="note">{tr("plan.ask_what")}</label>
                    <p class="hint" id="note-hint">{tr("plan.ask_hint")}</p>
                    {move || error().map(|m| view! { <p class="field-error" id="note-error">{m}</p> })}
                    <textarea id="note" name="note" rows="4" maxlength="500" aria-describedby="note-hint"
                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" class="button button--secondary" disabled=move || ctx.busy.get()>{tr("plan.ask_send")}</button>
            </form>
        </details>
    }
}

#[component]
fn History(view: PlanView) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    (view.history.len() > 1).then(|| {
        view! {
            <details class="panel">
                <summary>{tr("plan.history")}</summary>
                <ul>
                    {view.history.iter().map(|h| {
                        let h = h.clone();
                        view! { <li>{tr("plan.version")} " " {h.version} " · " {tr(state_key(h.state))}
                            " · " {tr("plan.total_self")} " " {yuan(h.total.self_paid_fen)}
                            {h.proposed_at.map(|t| view! { " · " {move || unix_time(t, locale.get())} })}</li> }
                    }).collect_view()}
                </ul>
            </details>
        }
    })
}
