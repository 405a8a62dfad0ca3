//! The community office resets a resident's password after checking who they are in person
//! (for residents whose phone does not receive texts). The check is written down and
//! recorded; the one-off password is shown once, to read out or write on a slip.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::i18n::{page_title, tr};
use anju_domain::{FieldError, StaffResetRequest, StaffResetView};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn StaffPasswordReset() -> impl IntoView {
    page_title("staffreset.title");
    let phone = RwSignal::new(String::new());
    let check = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let done = RwSignal::new(None::<StaffResetView>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = StaffResetRequest {
            phone: phone.get_untracked(),
            identity_check: check.get_untracked(),
        };
        spawn_local(async move {
            match api::staff_reset_password(&req).await {
                Ok(v) => {
                    errors.set(FieldErrors::new());
                    general.set(None);
                    done.set(Some(v));
                }
                Err(e) => {
                    errors.set(e.fields.clone());
                    if e.fields.is_empty() {
                        general.set(Some(FieldError::new(e.message, e.message_en)));
                    }
                }
            }
        });
    };
    view! {
        <h1>{tr("staffreset.title")}</h1>
        <p>{tr("staffreset.intro")}</p>
        <ErrorSummary errors general />
        {move || done.get().map(|v| view! {
            <div class="panel-result" role="status">
                <p>{v.display_name} " · " {v.phone_masked}</p>
                <p>{tr("staffreset.temporary")} " " <strong class="mono">{v.temporary_password}</strong></p>
                <p>{tr("staffreset.tell")}</p>
            </div>
        })}
        <form class="form" on:submit=submit novalidate>
            <TextField id="phone" label="staffreset.phone" value=phone errors kind="tel" inputmode="tel" />
            <TextField id="identity_check" label="staffreset.check" hint="staffreset.check_hint"
                value=check errors />
            <button type="submit" class="button">{tr("staffreset.submit")}</button>
        </form>
    }
}
