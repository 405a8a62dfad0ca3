//! Signing the plan, one step per screen: read the agreement and tick it, confirm who you are
//! with your password, then sign — drawn with a finger or the mouse on the pad, or by typing
//! your own name (for keyboard users and shaky hands) — and see the certificate's code.
//! Nothing drawn is lost when the password was wrong: the pad comes after the password.

use super::{PlanCtx, StepHeading};
use crate::api;
use crate::components::field::TextField;
use crate::i18n::tr;
use crate::state::Prefs;
use anju_domain::retrofit_signing::{
    format_code, ConfirmIdentityRequest, PlanView, SignPlanRequest, SignatureMark, SignerCapacity,
};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Read,
    Confirm,
    Mark,
    Done,
}

#[component]
pub(super) fn SignFlow(view: PlanView, cancel: RwSignal<bool>) -> impl IntoView {
    let ctx = expect_context::<PlanCtx>();
    let step = RwSignal::new(Step::Read);
    let agreed = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let reveal = RwSignal::new(false);
    let typing = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let strokes: RwSignal<Vec<Vec<(f64, f64)>>> = RwSignal::new(Vec::new());
    let pad = NodeRef::<html::Canvas>::new();
    let Some(current) = view.current.clone() else {
        return ().into_any();
    };
    let version = current.version;
    let sha = current.sha256.clone().unwrap_or_default();
    let capacity = view.may_sign_as.unwrap_or(SignerCapacity::Elder);
    let agreement = view.agreement_zh.clone();
    let locale = expect_context::<Prefs>().locale;

    let to_confirm = move |_| {
        ctx.clear();
        if !agreed.get_untracked() {
            let (zh, en) = anju_domain::retrofit_signing::SigningRefusal::NotAgreed.message();
            let mut e = std::collections::BTreeMap::new();
            e.insert("agreed".to_owned(), anju_domain::FieldError::new(zh, en));
            ctx.errors.set(e);
            return;
        }
        step.set(Step::Confirm);
    };
    let sha_confirm = sha.clone();
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.clear();
        ctx.busy.set(true);
        let req = ConfirmIdentityRequest {
            plan_sha256: sha_confirm.clone(),
            password: password.get_untracked(),
        };
        spawn_local(async move {
            match api::confirm_signer(ctx.id, &req).await {
                Ok(_) => {
                    password.set(String::new());
                    step.set(Step::Mark);
                }
                Err(e) => ctx.fail(e),
            }
            ctx.busy.set(false);
        });
    };
    let sha_sign = sha.clone();
    let sign = move |_| {
        ctx.clear();
        let mark = mark_of(typing, typed, pad, strokes);
        let req = SignPlanRequest {
            version,
            plan_sha256: sha_sign.clone(),
            agreed: agreed.get_untracked(),
            mark,
        };
        ctx.busy.set(true);
        spawn_local(async move {
            match api::sign_plan(ctx.id, &req).await {
                Ok(v) => {
                    ctx.view.set(Some(v));
                    step.set(Step::Done);
                }
                Err(e) => {
                    // A confirmation that ran out sends the signer back to the password; the
                    // drawing stays on the pad.
                    if e.fields.contains_key("password") {
                        step.set(Step::Confirm);
                    }
                    ctx.fail(e);
                }
            }
            ctx.busy.set(false);
        });
    };
    let agreed_error = move || {
        ctx.errors
            .with(|e| e.get("agreed").map(|m| crate::i18n::pick(locale.get(), m)))
    };
    let mark_error = move || {
        ctx.errors
            .with(|e| e.get("mark").map(|m| crate::i18n::pick(locale.get(), m)))
    };
    let certificate = format!("/retrofit/applications/{}/plan/certificate", ctx.id);
    view! {
        <div class="sign-flow">
        {move || match step.get() {
            Step::Read => view! {
                <StepHeading text="plan.step_read" />
                <p>{tr("plan.step_read_hint")}</p>
                <p>{tr("plan.signing_as")} " " <strong>{tr(match capacity {
                    SignerCapacity::Elder => "plan.as_elder",
                    SignerCapacity::Guardian => "plan.as_guardian",
                })}</strong></p>
                <div class="agreement prewrap" tabindex="0" role="region" aria-label=tr("plan.agreement")>{agreement.clone()}</div>
                <div class="field" class:field--error=move || agreed_error().is_some()>
                    {move || agreed_error().map(|m| view! { <p class="field-error" id="agreed-error">{m}</p> })}
                    <div class="checkbox checkbox--large">
                        <input type="checkbox" id="agreed" prop:checked=move || agreed.get()
                            on:change=move |ev| agreed.set(event_target_checked(&ev)) />
                        <label for="agreed">{tr("plan.agree")}</label>
                    </div>
                </div>
                <p class="button-row">
                    <button type="button" class="button button--large" on:click=to_confirm>{tr("plan.next")}</button>
                    <button type="button" class="button button--secondary" on:click=move |_| { ctx.clear(); cancel.set(false) }>{tr("plan.not_now")}</button>
                </p>
            }.into_any(),
            Step::Confirm => view! {
                <StepHeading text="plan.step_confirm" />
                <p>{tr("plan.step_confirm_hint")}</p>
                <form on:submit=confirm.clone()>
                    <TextField id="password" label="plan.password" value=password errors=ctx.errors
                        kind="password" autocomplete="current-password" reveal=reveal />
                    <crate::components::field::ShowPassword reveal=reveal />
                    <p><button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("plan.confirm")}</button></p>
                </form>
            }.into_any(),
            Step::Mark => view! {
                <StepHeading text="plan.step_mark" />
                <div class="field" class:field--error=move || mark_error().is_some()>
                    {move || mark_error().map(|m| view! { <p class="field-error" id="mark-error">{m}</p> })}
                    {move || if typing.get() {
                        view! {
                            <TextField id="typed_name" label="plan.typed_name" value=typed errors=ctx.errors hint="plan.typed_hint" autocomplete="name" />
                            <p><button type="button" class="link-button" on:click=move |_| typing.set(false)>{tr("plan.draw_instead")}</button></p>
                        }.into_any()
                    } else {
                        view! {
                            <p class="hint" id="pad-hint">{tr("plan.pad_hint")}</p>
                            <SignaturePad pad=pad strokes=strokes />
                            <p class="button-row">
                                <button type="button" class="button button--secondary" on:click=move |_| clear_pad(pad, strokes)>{tr("plan.pad_clear")}</button>
                                <button type="button" class="link-button" on:click=move |_| typing.set(true)>{tr("plan.type_instead")}</button>
                            </p>
                        }.into_any()
                    }}
                </div>
                <p><button type="button" class="button button--large" disabled=move || ctx.busy.get() on:click=sign.clone()>{tr("plan.sign")}</button></p>
            }.into_any(),
            Step::Done => {
                let code = ctx.view.with_untracked(|v| v.as_ref().and_then(|v| v.signature.as_ref()).map(|s| format_code(&s.code))).unwrap_or_default();
                view! {
                    <StepHeading text="plan.step_done" />
                    <div class="panel-success" role="status">
                        <p>{tr("plan.done_hint")}</p>
                        <p>{tr("plan.code")} " " <strong class="code">{code}</strong></p>
                    </div>
                    <p class="button-row">
                        <a class="button button--large" href=certificate.clone()>{tr("plan.certificate")}</a>
                        <button type="button" class="button button--secondary" on:click=move |_| cancel.set(false)>{tr("plan.back_to_plan")}</button>
                    </p>
                }.into_any()
            }
        }}
        </div>
    }
    .into_any()
}

/// The mark as the signer gave it: their typed name, or the pad's drawing as a PNG (empty
/// when nothing was drawn, which the server refuses by name).
pub(crate) fn mark_of(
    typing: RwSignal<bool>,
    typed: RwSignal<String>,
    pad: NodeRef<html::Canvas>,
    strokes: RwSignal<Vec<Vec<(f64, f64)>>>,
) -> SignatureMark {
    if typing.get_untracked() {
        return SignatureMark::Typed {
            name: typed.get_untracked(),
        };
    }
    let data = if strokes.with_untracked(Vec::is_empty) {
        String::new()
    } else {
        pad.get_untracked()
            .and_then(|c| c.to_data_url().ok())
            .unwrap_or_default()
    };
    SignatureMark::Drawn {
        png_base64: data
            .strip_prefix("data:image/png;base64,")
            .unwrap_or("")
            .to_owned(),
    }
}

fn context_of(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
}

pub(crate) fn clear_pad(pad: NodeRef<html::Canvas>, strokes: RwSignal<Vec<Vec<(f64, f64)>>>) {
    strokes.set(Vec::new());
    if let Some(c) = pad.get_untracked() {
        if let Some(g) = context_of(&c) {
            g.clear_rect(0.0, 0.0, f64::from(c.width()), f64::from(c.height()));
        }
    }
}

/// The pad: a canvas drawn with pointer events (finger, pen or mouse). Its bitmap is sized to
/// the device's pixels so the stroke is sharp; `touch-action: none` is on the pad only, so the
/// page still scrolls around it.
#[component]
pub(crate) fn SignaturePad(
    pad: NodeRef<html::Canvas>,
    strokes: RwSignal<Vec<Vec<(f64, f64)>>>,
) -> impl IntoView {
    let drawing = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(c) = pad.get() {
            let ratio = window().device_pixel_ratio().max(1.0);
            let width = f64::from(c.client_width().max(280));
            c.set_width((width * ratio) as u32);
            c.set_height((width * 0.4 * ratio) as u32);
            if let Some(g) = context_of(&c) {
                g.set_line_width(3.0 * ratio);
                g.set_line_cap("round");
                g.set_line_join("round");
                g.set_stroke_style_str("#111");
            }
        }
    });
    let point = move |ev: &web_sys::PointerEvent| -> Option<(f64, f64)> {
        let c = pad.get_untracked()?;
        let scale = f64::from(c.width()) / f64::from(c.client_width().max(1));
        Some((
            f64::from(ev.offset_x()) * scale,
            f64::from(ev.offset_y()) * scale,
        ))
    };
    let down = move |ev: web_sys::PointerEvent| {
        ev.prevent_default();
        if let Some(c) = pad.get_untracked() {
            let _ = c.set_pointer_capture(ev.pointer_id());
        }
        if let Some(p) = point(&ev) {
            drawing.set(true);
            strokes.update(|s| s.push(vec![p]));
        }
    };
    let moved = move |ev: web_sys::PointerEvent| {
        if !drawing.get_untracked() {
            return;
        }
        let (Some(p), Some(c)) = (point(&ev), pad.get_untracked()) else {
            return;
        };
        let last = strokes.with_untracked(|s| s.last().and_then(|l| l.last().copied()));
        if let (Some(g), Some((x, y))) = (context_of(&c), last) {
            g.begin_path();
            g.move_to(x, y);
            g.line_to(p.0, p.1);
            g.stroke();
        }
        strokes.update(|s| {
            if let Some(l) = s.last_mut() {
                l.push(p);
            }
        });
    };
    let up = move |_: web_sys::PointerEvent| drawing.set(false);
    view! {
        <canvas
            class="signature-pad"
            node_ref=pad
            role="img"
            aria-label=tr("plan.pad_label")
            aria-describedby="pad-hint"
            on:pointerdown=down
            on:pointermove=moved
            on:pointerup=up
            on:pointercancel=up
        ></canvas>
    }
}
