//! Forgotten password: the number, the code texted to it, a new password. Every other
//! session of the account ends on the server. Residents without a phone that receives texts
//! are told to go to their community office, which resets it after checking their ID.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors, ShowPassword, TextField};
use crate::components::sms_code::SmsCodeField;
use crate::i18n::{page_title, tr};
use anju_domain::{FieldError, ResetPasswordRequest, SmsPurpose};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub fn ForgotPassword() -> impl IntoView {
    page_title("forgot.title");
    let phone = RwSignal::new(String::new());
    let sms_code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let reveal = RwSignal::new(false);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        general.set(None);
        let req = ResetPasswordRequest {
            phone: phone.get_untracked(),
            sms_code: sms_code.get_untracked(),
            new_password: password.get_untracked(),
        };
        spawn_local(async move {
            match api::reset_password(&req).await {
                Ok(()) => done.set(true),
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
    view! {
        <h1 tabindex="-1">{tr("forgot.title")}</h1>
        <Show when=move || done.get() fallback=move || view! {
            <p>{tr("forgot.intro")}</p>
            <ErrorSummary errors general />
            <form class="form" on:submit=submit novalidate>
                <TextField id="phone" label="signin.phone" hint="signin.phone_hint" value=phone errors
                    kind="tel" autocomplete="tel" inputmode="tel" />
                <SmsCodeField phone=phone.into() purpose=SmsPurpose::ResetPassword value=sms_code errors />
                <TextField id="new_password" label="forgot.new_password" hint="register.password_hint"
                    value=password errors autocomplete="new-password" reveal />
                <ShowPassword reveal />
                <button type="submit" class="button" prop:disabled=move || busy.get()>
                    {tr("forgot.submit")}
                </button>
            </form>
            <p>{tr("forgot.no_phone")}</p>
        }>
            <p role="status">{tr("forgot.done")}</p>
            <p><A href="/sign-in">{tr("register.sign_in_link")}</A></p>
        </Show>
    }
}
