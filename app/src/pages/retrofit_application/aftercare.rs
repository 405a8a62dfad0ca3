//! After acceptance, on the application's page: the subsidy's settlement (the county settles
//! the items that passed acceptance with an after-photo, then records each payment; everyone
//! else sees what was settled and paid) and the warranty (its last day; the family files a
//! claim with photos, the builder answers it; a claim past its deadline is marked overdue).

use crate::api;
use crate::components::application_ctx::Ctx;
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::components::photos::{with_retry, PhotoPicker, PhotoThumbs};
use crate::format::unix_time;
use crate::i18n::{pick, tr};
use crate::pages::retrofit_plan::room_name;
use crate::state::Prefs;
use anju_domain::application::ApplicationView;
use anju_domain::retrofit_catalogue::format_yuan;
use anju_domain::retrofit_settlement::{PaymentRequest, SettlementLine, SettlementView};
use anju_domain::retrofit_warranty::{ended_message, ClaimView, WarrantyView};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Errors of one form, and running one request at a time against the application.
#[derive(Clone, Copy)]
struct FormState {
    errors: RwSignal<FieldErrors>,
    general: RwSignal<Option<FieldError>>,
}

impl FormState {
    fn new() -> Self {
        Self {
            errors: RwSignal::new(FieldErrors::new()),
            general: RwSignal::new(None),
        }
    }

    /// Send `request`; on success the page shows the application it returns.
    fn send<Fut>(self, ctx: Ctx, request: Fut)
    where
        Fut: std::future::Future<Output = api::ApiResult<ApplicationView>> + 'static,
    {
        if ctx.busy.get_untracked() {
            return;
        }
        ctx.busy.set(true);
        spawn_local(async move {
            match request.await {
                Ok(view) => ctx.app.set(Some(view)),
                Err(e) => {
                    self.errors.set(e.fields.clone());
                    self.general
                        .set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
            ctx.busy.set(false);
        });
    }
}

fn today() -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        js_sys::Date::now() + 8.0 * 3600.0 * 1000.0,
    ));
    format!(
        "{:04}-{:02}-{:02}",
        d.get_utc_full_year(),
        d.get_utc_month() + 1,
        d.get_utc_date()
    )
}

fn line_status(line: &SettlementLine) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    match line.blocked {
        Some(why) => {
            let (zh, en) = why.message();
            let e = FieldError::new(zh, en);
            view! { <span>{move || pick(locale.get(), &e)}</span> }.into_any()
        }
        None if line.settled => view! { <strong>{tr("settle.settled")}</strong> }.into_any(),
        None => view! { <span>{tr("settle.settleable")}</span> }.into_any(),
    }
}

/// The settlement section, once the household passed acceptance.
#[component]
pub fn SettlementPanel(app: ApplicationView) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let Some(s) = app.settlement.clone() else {
        return ().into_any();
    };
    let SettlementView {
        lines,
        settleable_fen,
        settled_at,
        due_fen,
        paid_fen,
        payments,
        may_settle,
        may_pay,
    } = s;
    let locale = expect_context::<Prefs>().locale;
    let form = FormState::new();
    // Every settleable line starts chosen; the county may leave one out.
    let chosen: Vec<(u16, RwSignal<bool>)> = lines
        .iter()
        .filter(|l| l.blocked.is_none() && !l.settled)
        .map(|l| (l.line, RwSignal::new(true)))
        .collect();
    let chosen_total = {
        let chosen = chosen.clone();
        let lines = lines.clone();
        move || -> i64 {
            chosen
                .iter()
                .filter(|(_, on)| on.get())
                .filter_map(|(no, _)| lines.iter().find(|l| l.line == *no))
                .map(|l| l.subsidy_fen)
                .sum()
        }
    };
    let settle = {
        let chosen = chosen.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let picked: Vec<u16> = chosen
                .iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(no, _)| *no)
                .collect();
            form.send(ctx, api::settle(ctx.id(), picked));
        }
    };
    let rows = lines
        .iter()
        .map(|line| {
            let pick_it = chosen.iter().find(|(no, _)| *no == line.line).map(|(_, s)| *s);
            let label = format!("{}. {}", line.line, line.name_zh);
            let input_id = format!("settle-line-{}", line.line);
            let room = line.room;
            view! {
                <tr>
                    <td>
                        {match (may_settle, pick_it) {
                            (true, Some(on)) => view! {
                                <span class="checkbox">
                                    <input type="checkbox" id=input_id.clone() prop:checked=move || on.get()
                                        on:change=move |ev| on.set(event_target_checked(&ev)) />
                                    <label for=input_id.clone()>{label.clone()}</label>
                                </span>
                            }.into_any(),
                            _ => view! { <span>{label.clone()}</span> }.into_any(),
                        }}
                        " " <span class="hint">{move || room_name(room, locale.get())}</span>
                    </td>
                    <td class="num">{format_yuan(line.subsidy_fen)}</td>
                    <td>{line_status(line)}</td>
                </tr>
            }
        })
        .collect_view();
    let payment_form = may_pay.then(|| {
        let paid_on = RwSignal::new(today());
        let voucher = RwSignal::new(String::new());
        let amount = RwSignal::new(format_yuan(due_fen - paid_fen).replace(',', ""));
        let errors = form.errors;
        let pay = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let req = PaymentRequest {
                paid_on: paid_on.get_untracked(),
                voucher_no: voucher.get_untracked(),
                amount: amount.get_untracked(),
            };
            form.send(ctx, async move { api::record_payment(ctx.id(), &req).await });
        };
        view! {
            <form class="form" on:submit=pay novalidate aria-labelledby="payment-heading">
                <h3 id="payment-heading">{tr("settle.record_payment")}</h3>
                <TextField id="paid_on" label="settle.paid_on" kind="date" value=paid_on errors=errors />
                <TextField id="voucher_no" label="settle.voucher_no" hint="settle.voucher_hint" value=voucher errors=errors />
                <TextField id="amount" label="settle.amount" value=amount errors=errors inputmode="decimal" />
                <button type="submit" class="button" prop:disabled=move || ctx.busy.get()>{tr("settle.record_payment")}</button>
            </form>
        }
    });
    view! {
        <section class="settlement" aria-labelledby="settlement-heading">
            <h2 id="settlement-heading">{tr("settle.heading")}</h2>
            <ErrorSummary errors=form.errors general=form.general />
            {match settled_at {
                Some(at) => view! {
                    <p class="status-line">
                        {tr("settle.settled_on")} " " <strong>{move || unix_time(at, locale.get())}</strong> " · "
                        {tr("settle.due")} " " <strong>{format_yuan(due_fen)}</strong> " " {tr("settle.yuan")} " · "
                        {tr("settle.paid")} " " <strong>{format_yuan(paid_fen)}</strong> " " {tr("settle.yuan")}
                    </p>
                }.into_any(),
                None => view! {
                    <p class="status-line">{tr("settle.settleable_total")} " " <strong>{format_yuan(settleable_fen)}</strong> " " {tr("settle.yuan")}</p>
                }.into_any(),
            }}
            <form class="form" on:submit=settle novalidate>
                <div class="table-wrap" tabindex="0" role="region" aria-label=move || crate::i18n::text(locale.get(), "settle.lines_label")><table>
                    <thead><tr>
                        <th scope="col">{tr("settle.item")}</th>
                        <th scope="col" class="num">{tr("settle.subsidy")}</th>
                        <th scope="col">{tr("settle.status")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table></div>
                {may_settle.then(|| view! {
                    <p>{tr("settle.chosen_total")} " " <strong>{move || format_yuan(chosen_total())}</strong> " " {tr("settle.yuan")}</p>
                    <p class="hint">{tr("settle.hint")}</p>
                    <button type="submit" class="button button--large" prop:disabled=move || ctx.busy.get()>{tr("settle.submit")}</button>
                })}
            </form>
            {(!payments.is_empty()).then(|| view! {
                <h3>{tr("settle.payments")}</h3>
                <ul class="payments">
                    {payments.into_iter().map(|p| view! {
                        <li>{p.paid_on} " · " {tr("settle.voucher_no")} " " {p.voucher_no} " · " <strong>{format_yuan(p.amount_fen)}</strong> " " {tr("settle.yuan")}</li>
                    }).collect_view()}
                </ul>
            })}
            {payment_form}
        </section>
    }
    .into_any()
}

/// One claim: what is wrong, when the answer is due, the answer; the family adds photos while
/// it is open, the builder answers it.
#[component]
fn Claim(claim: ClaimView, may_answer: bool, may_add_photos: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let form = FormState::new();
    let ClaimView {
        id,
        description,
        filed_at,
        due_at,
        overdue,
        answer,
        answered_at,
        photos,
    } = claim;
    let open = answer.is_none();
    let heading_id = format!("claim-{id}");
    let text = RwSignal::new(String::new());
    let answer_id = format!("claim-answer-{id}");
    let send_answer = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = text.get_untracked();
        form.send(ctx, api::answer_claim(id, t));
    };
    let upload = move |blob: web_sys::Blob| async move {
        with_retry(|| api::upload_claim_photo(id, &blob))
            .await
            .map(|v| ctx.app.set(Some(v)))
    };
    let thumbs: Vec<(String, u32, u32)> = photos
        .iter()
        .map(|p| (p.url.clone(), p.width, p.height))
        .collect();
    let error = move || {
        form.errors
            .with(|e| e.get("answer").map(|err| pick(locale.get(), err)))
    };
    view! {
        <li class="claim" aria-labelledby=heading_id.clone()>
            <h3 id=heading_id.clone()>{tr("warranty.claim")} " " {id}
                {overdue.then(|| view! { " " <strong class="badge badge--late">{tr("warranty.overdue")}</strong> })}
            </h3>
            <p class="prewrap">{description}</p>
            <p class="hint">{tr("warranty.filed")} " " {move || unix_time(filed_at, locale.get())}
                {open.then(|| view! { " · " {tr("warranty.due")} " " <strong>{move || unix_time(due_at, locale.get())}</strong> })}
            </p>
            {(!thumbs.is_empty()).then(|| view! { <PhotoThumbs photos=thumbs.clone() alt="warranty.photo_alt" /> })}
            {match (answer, answered_at) {
                (Some(a), Some(at)) => view! {
                    <div class="panel-notice">
                        <p><strong>{tr("warranty.answer")}</strong> " · " {move || unix_time(at, locale.get())}</p>
                        <p class="prewrap">{a}</p>
                    </div>
                }.into_any(),
                _ => view! { <p>{tr("warranty.waiting")}</p> }.into_any(),
            }}
            {(open && may_add_photos).then(|| view! {
                <PhotoPicker input_id=format!("claim-photo-{id}") label="warranty.add_photo" upload=upload detail=format!("{id}") />
            })}
            {(open && may_answer).then(|| view! {
                <form class="form" on:submit=send_answer novalidate>
                    <ErrorSummary errors=form.errors general=form.general />
                    <div class="field" class:field--error=move || error().is_some()>
                        <label for=answer_id.clone()>{tr("warranty.answer_label")}</label>
                        {move || error().map(|m| view! { <p class="field-error">{m}</p> })}
                        <textarea id=answer_id.clone() name="answer" prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="submit" class="button" prop:disabled=move || ctx.busy.get()>{tr("warranty.send_answer")}</button>
                </form>
            })}
        </li>
    }
}

/// The warranty section, once the household passed acceptance.
#[component]
pub fn WarrantyPanel(app: ApplicationView) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let Some(w) = app.warranty.clone() else {
        return ().into_any();
    };
    let locale = expect_context::<Prefs>().locale;
    let WarrantyView {
        until,
        ended,
        claim_working_days,
        claims,
        may_claim,
        may_answer,
    } = w;
    // After the last day: the same words the server answers a late claim with.
    let ended_note = ended
        .then(|| chrono::NaiveDate::parse_from_str(&until, "%Y-%m-%d").ok())
        .flatten()
        .map(|day| {
            let (zh, en) = ended_message(day);
            let e = FieldError::new(zh, en);
            view! { <p>{move || pick(locale.get(), &e)}</p> }
        });
    let form = FormState::new();
    let description = RwSignal::new(String::new());
    let file = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let d = description.get_untracked();
        form.send(ctx, api::file_claim(ctx.id(), d));
    };
    let error = move || {
        form.errors
            .with(|e| e.get("description").map(|err| pick(locale.get(), err)))
    };
    view! {
        <section class="warranty" aria-labelledby="warranty-heading">
            <h2 id="warranty-heading">{tr("warranty.heading")}</h2>
            <p class="status-line">
                {tr(if ended { "warranty.ended_on" } else { "warranty.until" })} " " <strong>{until.clone()}</strong>
            </p>
            {ended_note}
            {(!claims.is_empty()).then(|| view! {
                <ul class="claims">
                    {claims.into_iter().map(|c| view! { <Claim claim=c may_answer=may_answer may_add_photos=may_claim /> }).collect_view()}
                </ul>
            })}
            {may_claim.then(|| view! {
                <form class="form" on:submit=file novalidate aria-labelledby="claim-new-heading">
                    <h3 id="claim-new-heading">{tr("warranty.new")}</h3>
                    <ErrorSummary errors=form.errors general=form.general />
                    <p class="hint">{tr("warranty.new_hint")} " " {claim_working_days} " " {tr("warranty.working_days")}</p>
                    <div class="field" class:field--error=move || error().is_some()>
                        <label for="description">{tr("warranty.description")}</label>
                        {move || error().map(|m| view! { <p class="field-error" id="description-error">{m}</p> })}
                        <textarea id="description" name="description" prop:value=move || description.get()
                            aria-describedby=move || error().is_some().then_some("description-error")
                            on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="submit" class="button button--large" prop:disabled=move || ctx.busy.get()>{tr("warranty.file")}</button>
                </form>
            })}
        </section>
    }
    .into_any()
}
