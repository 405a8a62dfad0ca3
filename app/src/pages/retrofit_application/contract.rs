//! The construction contract on an application's page, inside the works section. The company
//! offers it on a phone — the works' dates, the terms, a tick, the password and a typed name or
//! a drawn signature — and may offer again with other dates until the family signs. The elder
//! or their family reads the offer (the dates, the plan it carries out, what they pay) and
//! signs it the same way. Once both signed: the code, a link to the certificate, and the works
//! can start. The server decides everything; this panel shows what it says.

use crate::api;
use crate::components::application_ctx::Ctx;
use crate::components::field::TextField;
use crate::format::unix_time;
use crate::i18n::{pick, tr};
use crate::pages::retrofit_plan::sign::{clear_pad, mark_of, SignaturePad};
use crate::state::Prefs;
use anju_domain::retrofit_catalogue::format_yuan;
use anju_domain::retrofit_contract::{
    ContractSignatureView, ContractState, ContractView, OfferContractRequest, SignContractRequest,
};
use anju_domain::retrofit_signing::{format_code, SignerCapacity};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The contract section: loads its own state and reloads the application once both signed
/// (the works' "start" then opens).
#[component]
pub fn ContractPanel(
    /// The plan is signed and the works have not started: a contract may still be made. Later,
    /// a household from before contracts existed shows no section at all.
    open: bool,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let contract = RwSignal::new(None::<ContractState>);
    let id = ctx.id();
    // The assessor's work ended with the plan: the contract is not theirs to read.
    let session = expect_context::<crate::state::Session>();
    if session.user.with_untracked(|u| u.as_ref().map(|u| u.role))
        == Some(anju_domain::Role::Assessor)
    {
        return ().into_any();
    }
    spawn_local(async move {
        match api::contract(id).await {
            Ok(c) => contract.set(Some(c)),
            Err(e) => ctx.fail(e),
        }
    });
    view! {
        {move || match contract.get() {
                None => view! { <p class="loading" role="status">{tr("app.loading")}</p> }.into_any(),
                Some(state) if state.current.is_none() && !open => ().into_any(),
                Some(state) => view! {
                    <section class="contract" aria-labelledby="contract-heading">
                        <h3 id="contract-heading">{tr("contract.heading")}</h3>
                        <ContractBody state=state contract=contract />
                    </section>
                }.into_any(),
            }}
    }
    .into_any()
}

#[component]
fn ContractBody(state: ContractState, contract: RwSignal<Option<ContractState>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let offering = RwSignal::new(false);
    let current = state.current.clone();
    let summary = current.clone().map(|c| view! { <Summary c=c /> });
    let none_yet = current.is_none().then(|| {
        view! { <p class="hint">{tr(if state.may_offer { "contract.none_builder" } else { "contract.none" })}</p> }
    });
    let signed = current.as_ref().is_some_and(|c| c.signed);
    let certificate = signed.then(|| {
        let href = format!("/retrofit/applications/{}/contract/certificate", ctx.id());
        view! { <p><a class="button button--secondary" href=href>{tr("contract.certificate")}</a></p> }
    });
    let sign = state.may_sign_as.zip(current.clone()).map(|(capacity, c)| {
        view! { <SignForm capacity=capacity c=c terms=state.terms_zh.clone() contract=contract /> }
    });
    let may_offer = state.may_offer;
    let terms = state.terms_zh.clone();
    let first_offer = current.is_none();
    view! {
        {none_yet}
        {summary}
        {certificate}
        {sign}
        {may_offer.then(|| view! {
            {move || if offering.get() || first_offer {
                view! { <OfferForm terms=terms.clone() contract=contract /> }.into_any()
            } else {
                view! {
                    <p><button type="button" class="button button--secondary" on:click=move |_| offering.set(true)>{tr("contract.offer_again")}</button></p>
                }.into_any()
            }}
        })}
    }
}

fn signature_line(label: &'static str, s: Option<ContractSignatureView>) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    view! {
        <div>
            <dt>{tr(label)}</dt>
            <dd>{match s {
                Some(s) => view! {
                    <strong>{tr("contract.signed_by")}</strong> " " {s.signer_masked.clone()}
                    {s.capacity.map(|c| view! { "（" {tr(capacity_key(c))} "）" })}
                    " · " {move || unix_time(s.signed_at, locale.get())}
                }.into_any(),
                None => view! { <span class="task-status">{tr("contract.waiting")}</span> }.into_any(),
            }}</dd>
        </div>
    }
}

fn capacity_key(c: SignerCapacity) -> &'static str {
    match c {
        SignerCapacity::Elder => "plan.as_elder",
        SignerCapacity::Guardian => "plan.as_guardian",
    }
}

#[component]
fn Summary(c: ContractView) -> impl IntoView {
    let code = format_code(&c.code);
    view! {
        <dl class="summary-list">
            <div><dt>{tr("contract.company")}</dt><dd>{c.contractor.clone()}</dd></div>
            <div><dt>{tr("contract.dates")}</dt><dd><strong class="nowrap">{c.planned_start.clone()}</strong> " " {tr("contract.to")} " " <strong class="nowrap">{c.planned_finish.clone()}</strong></dd></div>
            <div><dt>{tr("contract.plan")}</dt><dd>{tr("contract.plan_version")} " " {c.plan_version}</dd></div>
            <div><dt>{tr("contract.self_paid")}</dt><dd><strong>{format_yuan(c.total.self_paid_fen)}</strong> " " {tr("contract.yuan")}</dd></div>
            <div><dt>{tr("contract.version")}</dt><dd>{c.version}</dd></div>
            {signature_line("contract.builder_side", c.contractor_signature.clone())}
            {signature_line("contract.household_side", c.household_signature.clone())}
            {c.signed.then(|| view! { <div><dt>{tr("cert.code")}</dt><dd><strong class="code">{code.clone()}</strong></dd></div> })}
        </dl>
        {(!c.signed).then(|| view! { <p class="hint">{tr("contract.hash")} " " <code class="certificate__hash">{c.sha256.clone()}</code></p> })}
    }
}

/// The mark: a drawn signature, or the signer's typed name (keyboard users, shaky hands).
#[component]
fn MarkField(
    typing: RwSignal<bool>,
    typed: RwSignal<String>,
    pad: NodeRef<html::Canvas>,
    strokes: RwSignal<Vec<Vec<(f64, f64)>>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let mark_error = move || {
        ctx.errors
            .with(|e| e.get("mark").map(|m| pick(locale.get(), m)))
    };
    view! {
        <div class="field" class:field--error=move || mark_error().is_some()>
            {move || mark_error().map(|m| view! { <p class="field-error" id="mark-error">{m}</p> })}
            {move || if typing.get() {
                view! {
                    <TextField id="typed_name" label="plan.typed_name" value=typed errors=ctx.errors hint="plan.typed_hint" autocomplete="name" />
                    <p><button type="button" class="button button--secondary" on:click=move |_| typing.set(false)>{tr("plan.draw_instead")}</button></p>
                }.into_any()
            } else {
                view! {
                    <p class="hint" id="pad-hint">{tr("plan.pad_hint")}</p>
                    <SignaturePad pad=pad strokes=strokes />
                    <p class="button-row">
                        <button type="button" class="button button--secondary" on:click=move |_| clear_pad(pad, strokes)>{tr("plan.pad_clear")}</button>
                        <button type="button" class="button button--secondary" on:click=move |_| typing.set(true)>{tr("plan.type_instead")}</button>
                    </p>
                }.into_any()
            }}
        </div>
    }
}

/// The terms, the tick, the password and the mark: what both sides fill in to sign.
#[component]
fn Signing(
    terms: String,
    agreed: RwSignal<bool>,
    password: RwSignal<String>,
    typing: RwSignal<bool>,
    typed: RwSignal<String>,
    pad: NodeRef<html::Canvas>,
    strokes: RwSignal<Vec<Vec<(f64, f64)>>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let reveal = RwSignal::new(false);
    let agreed_error = move || {
        ctx.errors
            .with(|e| e.get("agreed").map(|m| pick(locale.get(), m)))
    };
    view! {
        <div class="agreement prewrap" tabindex="0" role="region" aria-label=tr("contract.terms")>{terms}</div>
        <div class="field" class:field--error=move || agreed_error().is_some()>
            {move || agreed_error().map(|m| view! { <p class="field-error" id="agreed-error">{m}</p> })}
            <div class="checkbox checkbox--large">
                <input type="checkbox" id="agreed" prop:checked=move || agreed.get()
                    on:change=move |ev| agreed.set(event_target_checked(&ev)) />
                <label for="agreed">{tr("contract.agree")}</label>
            </div>
        </div>
        <TextField id="password" label="contract.password" value=password errors=ctx.errors
            kind="password" autocomplete="current-password" reveal=reveal hint="contract.password_hint" />
        <crate::components::field::ShowPassword reveal=reveal />
        <MarkField typing=typing typed=typed pad=pad strokes=strokes />
    }
}

/// After a signature or an offer: show what the server says, and reload the application so
/// the works panel knows whether the works may start.
fn settled(ctx: Ctx, contract: RwSignal<Option<ContractState>>, state: ContractState) {
    let both = state.current.as_ref().is_some_and(|c| c.signed);
    contract.set(Some(state));
    if both {
        let id = ctx.id();
        spawn_local(async move {
            if let Ok(v) = api::application(id).await {
                ctx.app.set(Some(v));
            }
        });
    }
}

#[component]
fn OfferForm(terms: String, contract: RwSignal<Option<ContractState>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let start = RwSignal::new(String::new());
    let finish = RwSignal::new(String::new());
    let agreed = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let typing = RwSignal::new(true);
    let typed = RwSignal::new(String::new());
    let strokes = RwSignal::new(Vec::new());
    let pad = NodeRef::<html::Canvas>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if ctx.busy.get_untracked() {
            return;
        }
        ctx.errors.set(Default::default());
        ctx.general.set(None);
        let req = OfferContractRequest {
            planned_start: start.get_untracked(),
            planned_finish: finish.get_untracked(),
            agreed: agreed.get_untracked(),
            password: password.get_untracked(),
            mark: mark_of(typing, typed, pad, strokes),
        };
        ctx.busy.set(true);
        let id = ctx.id();
        spawn_local(async move {
            match api::offer_contract(id, &req).await {
                Ok(state) => {
                    password.set(String::new());
                    settled(ctx, contract, state);
                }
                Err(e) => ctx.fail(e),
            }
            ctx.busy.set(false);
        });
    };
    view! {
        <form class="contract__form" on:submit=submit aria-labelledby="offer-heading">
            <h4 id="offer-heading">{tr("contract.offer_heading")}</h4>
            <p class="hint">{tr("contract.offer_hint")}</p>
            <TextField id="planned_start" label="contract.start" value=start errors=ctx.errors kind="date" />
            <TextField id="planned_finish" label="contract.finish" value=finish errors=ctx.errors kind="date" />
            <Signing terms=terms agreed=agreed password=password typing=typing typed=typed pad=pad strokes=strokes />
            <p><button type="submit" class="button button--large" prop:disabled=move || ctx.busy.get()>{tr("contract.offer")}</button></p>
        </form>
    }
}

#[component]
fn SignForm(
    capacity: SignerCapacity,
    c: ContractView,
    terms: String,
    contract: RwSignal<Option<ContractState>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let agreed = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let typing = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let strokes = RwSignal::new(Vec::new());
    let pad = NodeRef::<html::Canvas>::new();
    let sha = c.sha256.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if ctx.busy.get_untracked() {
            return;
        }
        ctx.errors.set(Default::default());
        ctx.general.set(None);
        let req = SignContractRequest {
            contract_sha256: sha.clone(),
            agreed: agreed.get_untracked(),
            password: password.get_untracked(),
            mark: mark_of(typing, typed, pad, strokes),
        };
        ctx.busy.set(true);
        let id = ctx.id();
        spawn_local(async move {
            match api::sign_contract(id, &req).await {
                Ok(state) => {
                    password.set(String::new());
                    settled(ctx, contract, state);
                }
                Err(e) => {
                    // An offer replaced meanwhile: show the new one (the drawing is lost with
                    // the old offer, deliberately — it was for other dates).
                    if e.fields.contains_key("contract_sha256") {
                        if let Ok(state) = api::contract(id).await {
                            contract.set(Some(state));
                        }
                    }
                    ctx.fail(e);
                }
            }
            ctx.busy.set(false);
        });
    };
    view! {
        <form class="contract__form" on:submit=submit aria-labelledby="sign-contract-heading">
            <h4 id="sign-contract-heading">{tr("contract.sign_heading")}</h4>
            <p>{tr("contract.sign_hint")}</p>
            <p>{tr("plan.signing_as")} " " <strong>{tr(capacity_key(capacity))}</strong></p>
            <Signing terms=terms agreed=agreed password=password typing=typing typed=typed pad=pad strokes=strokes />
            <p><button type="submit" class="button button--large" prop:disabled=move || ctx.busy.get()>{tr("contract.sign")}</button></p>
        </form>
    }
}
