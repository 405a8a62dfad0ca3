//! A returned application: each item the street office asked about, what is still needed for
//! it (or what the family already did), and a reply in words for an item that needs no change.
//! The reviewer sees the same items with the family's answers when the application comes back.

use crate::api;
use crate::components::application_ctx::Ctx;
use crate::i18n::{pick, tr};
use crate::state::Prefs;
use anju_domain::application::{
    ReturnAnswer, ReturnItem, ReturnItemProgress, ReturnRound, RETURN_REPLY_MAX_CHARS,
};
use anju_domain::retrofit::RetrofitState;
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn answer_key(a: ReturnAnswer) -> &'static str {
    match a {
        ReturnAnswer::Open => "returned.answer.open",
        ReturnAnswer::Changed => "returned.answer.changed",
        ReturnAnswer::Uploaded => "returned.answer.uploaded",
        ReturnAnswer::Replied => "returned.answer.replied",
    }
}

fn item_text(locale: anju_domain::Locale, (zh, en): (&str, &str)) -> String {
    pick(locale, &FieldError::new(zh, en))
}

/// The items of the open return on the family's task list, each with what is still needed
/// and a reply. Follows the application as it is saved (a reply, a new upload).
#[component]
pub fn ReturnedItems() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let round = Memo::new(move |_| {
        ctx.app.with(|a| {
            a.as_ref()
                .filter(|a| a.state == RetrofitState::Returned)
                .and_then(|a| a.last_return.clone())
        })
    });
    move || {
        round.get().map(|round| {
            view! {
                <section class="panel-notice" aria-labelledby="returned-heading">
                    <h2 id="returned-heading">{tr("returned.heading")}</h2>
                    {round.note.clone().map(|n| view! { <p class="prewrap"><strong>{tr("returned.note")}</strong> " " {n}</p> })}
                    <ul class="return-items">
                        {round.items.into_iter().map(|p| view! { <ReturnedItem progress=p /> }).collect_view()}
                    </ul>
                    <p class="hint">{tr("returned.or_reply")}</p>
                </section>
            }
        })
    }
}

#[component]
fn ReturnedItem(progress: ReturnItemProgress) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let item = progress.item;
    let key = item.as_str();
    let writing = RwSignal::new(false);
    let text = RwSignal::new(progress.reply.clone().unwrap_or_default());
    let error = RwSignal::new(None::<FieldError>);
    let item_id = format!("return-item-{key}");
    let field_id = format!("return-reply-{key}");
    let error_id = format!("{field_id}-error");
    let open = progress.answer == ReturnAnswer::Open;
    let replied = progress.reply.is_some();
    let after = move |result: Result<
        anju_domain::application::ApplicationView,
        anju_domain::ErrorEnvelope,
    >| {
        match result {
            Ok(view) => {
                writing.set(false);
                ctx.app.set(Some(view));
                // The list is drawn anew: put the person back on this item's heading.
                focus_item(item);
            }
            Err(e) => {
                error.set(Some(
                    e.fields
                        .get("reply")
                        .cloned()
                        .unwrap_or_else(|| FieldError::new(e.message, e.message_en)),
                ));
            }
        }
        ctx.busy.set(false);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if ctx.busy.get_untracked() {
            return;
        }
        // The same rule the server applies, before sending.
        let request = anju_domain::application::ReturnReplyRequest {
            reply: text.get_untracked(),
        };
        if let Some(e) = anju_domain::application::check_return_reply(&request).remove("reply") {
            error.set(Some(e));
            return;
        }
        ctx.busy.set(true);
        let id = ctx.id();
        spawn_local(async move {
            after(api::reply_to_return_item(id, item, &request.reply).await);
        });
    };
    let take_back = move |_| {
        if ctx.busy.get_untracked() {
            return;
        }
        ctx.busy.set(true);
        let id = ctx.id();
        spawn_local(async move {
            after(api::take_back_return_reply(id, item).await);
        });
    };
    let asked = move || item_text(locale.get(), item.message());
    let needed = move || item_text(locale.get(), item.still_needed());
    view! {
        <li class="return-item" class:return-item--open=open>
            <h3 id=item_id.clone() tabindex="-1">{asked}</h3>
            {if open {
                view! { <p><strong>{tr("returned.still_needed")}</strong> {needed}</p> }.into_any()
            } else {
                view! { <p class="task-status task-status--done">{tr(answer_key(progress.answer))}</p> }.into_any()
            }}
            {progress.reply.clone().map(|r| view! { <p class="prewrap"><strong>{tr("returned.your_reply")}</strong> " " {r}</p> })}
            <Show when=move || writing.get() fallback={
                let item_id = item_id.clone();
                move || view! {
                    <p class="return-item__actions">
                        <button type="button" class="button button--secondary" aria-describedby=item_id.clone()
                            on:click=move |_| { writing.set(true); focus_field(item); }>
                            {tr(if replied { "returned.change_reply" } else { "returned.write_reply" })}
                        </button>
                        {replied.then(|| view! {
                            " " <button type="button" class="button button--secondary" aria-describedby=item_id.clone()
                                prop:disabled=move || ctx.busy.get() on:click=take_back>{tr("returned.take_back")}</button>
                        })}
                    </p>
                }
            }>
                <form class="form" on:submit=save novalidate>
                    <div class="field" class:field--error=move || error.get().is_some()>
                        <label for=field_id.clone()>{tr("returned.reply_label")}<span class="visually-hidden">"：" {asked}</span></label>
                        <p class="hint" id=format!("{field_id}-hint")>{tr("returned.reply_hint")}</p>
                        {
                            let error_id = error_id.clone();
                            move || error.get().map(|e| view! { <p class="field-error" id=error_id.clone()>{pick(locale.get(), &e)}</p> })
                        }
                        <textarea id=field_id.clone() name="reply" rows="3" maxlength=RETURN_REPLY_MAX_CHARS.to_string()
                            aria-describedby={
                                let (field_id, error_id) = (field_id.clone(), error_id.clone());
                                move || if error.get().is_some() { format!("{field_id}-hint {error_id}") } else { format!("{field_id}-hint") }
                            }
                            aria-invalid=move || error.get().is_some().then_some("true")
                            prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </div>
                    <p class="return-item__actions">
                        <button type="submit" class="button" prop:disabled=move || ctx.busy.get()>{tr("returned.save_reply")}</button>
                        " "
                        <button type="button" class="button button--secondary" on:click=move |_| { writing.set(false); error.set(None); focus_item(item); }>{tr("returned.cancel")}</button>
                    </p>
                </form>
            </Show>
        </li>
    }
}

fn focus_by_id(id: String) {
    // After the list is drawn anew (next frame).
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(&id)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = el.focus();
        }
    });
}

fn focus_item(item: ReturnItem) {
    focus_by_id(format!("return-item-{}", item.as_str()));
}

fn focus_field(item: ReturnItem) {
    focus_by_id(format!("return-reply-{}", item.as_str()));
}

/// For the reviewer: the latest return and what the family did about each item, shown while
/// the application is back with the street office.
#[component]
pub fn LastReturn(round: Option<ReturnRound>, state: RetrofitState) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let round = round.filter(|_| state == RetrofitState::Submitted)?;
    Some(view! {
        <section aria-labelledby="last-return-heading">
            <h2 id="last-return-heading">{tr("review.last_return")}</h2>
            {round.note.clone().map(|n| view! { <p class="prewrap"><strong>{tr("review.last_return_note")}</strong> " " {n}</p> })}
            <dl class="summary-list">
                {round.items.into_iter().map(|p| view! {
                    <div>
                        <dt>{move || item_text(locale.get(), p.item.message())}</dt>
                        <dd>
                            <strong>{tr(answer_key(p.answer))}</strong>
                            {p.reply.clone().map(|r| view! { <span class="prewrap">"：" {r}</span> })}
                        </dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
    })
}
