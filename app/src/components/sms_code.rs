//! The one-time code field: a button that texts a code to the number, and the box to type
//! it in. The server decides everything (limits, expiry); this only asks and shows.

use crate::api;
use crate::components::field::{FieldErrors, TextField};
use crate::i18n::{pick, tr};
use crate::state::Prefs;
use anju_domain::{FieldError, SmsPurpose};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn SmsCodeField(
    /// The number to text (ignored by the server for `guardian_accept`).
    phone: Signal<String>,
    purpose: SmsPurpose,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let sent = RwSignal::new(false);
    let waiting = RwSignal::new(false);
    let problem = RwSignal::new(None::<FieldError>);
    let send = move |_| {
        if waiting.get_untracked() {
            return;
        }
        waiting.set(true);
        problem.set(None);
        spawn_local(async move {
            match api::send_sms_code(&phone.get_untracked(), purpose).await {
                Ok(answer) => {
                    sent.set(true);
                    // Another code may be asked for once the resend pause is over.
                    set_timeout(
                        move || waiting.set(false),
                        std::time::Duration::from_secs(answer.resend_after_secs.max(1) as u64),
                    );
                }
                Err(e) => {
                    waiting.set(false);
                    let field = e.fields.get("phone").cloned();
                    problem.set(Some(
                        field.unwrap_or(FieldError::new(e.message, e.message_en)),
                    ));
                }
            }
        });
    };
    view! {
        <div class="sms-code">
            <TextField id="sms_code" label="sms.code" hint="sms.code_hint" value errors
                autocomplete="one-time-code" inputmode="numeric" />
            <button type="button" class="button button--secondary" on:click=send
                prop:disabled=move || waiting.get()>
                {move || if sent.get() { tr("sms.send_again")() } else { tr("sms.send")() }}
            </button>
            <p role="status" class="sms-code__status">
                {move || sent.get().then(|| tr("sms.sent")())}
                {move || problem.get().map(|p| view! { <span class="field-error">{pick(locale.get(), &p)}</span> })}
            </p>
        </div>
    }
}
