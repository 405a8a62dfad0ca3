use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors, ShowPassword, TextField};
use crate::components::sms_code::SmsCodeField;
use crate::i18n::{page_title, tr};
use crate::state::{Prefs, Session};
use anju_domain::{FieldError, PhoneNumber, SignInRequest, SmsPurpose};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn SignIn() -> impl IntoView {
    page_title("signin.title");
    let session = expect_context::<Session>();
    let prefs = expect_context::<Prefs>();
    let query = use_query_map();
    let navigate = use_navigate();
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let reveal = RwSignal::new(false);
    let needs_code = RwSignal::new(false);
    let sms_code = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut found = FieldErrors::new();
        if let Err(e) = PhoneNumber::parse(&phone.get_untracked()) {
            let (zh, en) = e.message();
            found.insert("phone".into(), FieldError::new(zh, en));
        }
        if password.with_untracked(String::is_empty) {
            found.insert(
                "password".into(),
                FieldError::new("请输入密码", "Enter your password"),
            );
        }
        general.set(None);
        errors.set(found);
        if !errors.with_untracked(FieldErrors::is_empty) {
            return;
        }
        busy.set(true);
        let req = SignInRequest {
            phone: phone.get_untracked(),
            password: password.get_untracked(),
            sms_code: needs_code.get_untracked().then(|| sms_code.get_untracked()),
        };
        // Only local paths, so a crafted link cannot send people elsewhere after sign-in; and
        // never back to this page (signing out from a guarded page can leave `next=/sign-in`
        // behind, which kept a freshly signed-in person on the sign-in form).
        let asked = query
            .with_untracked(|q| q.get("next"))
            .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/sign-in"));
        let asked_for_page = asked.is_some();
        let next = asked.unwrap_or_else(|| "/account".into());
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::sign_in(&req).await {
                Ok(account) => {
                    prefs.settle_at_sign_in(account.preferences);
                    // A one-off password from the office: straight to choosing one's own.
                    // Office staff land on their desk unless a link brought them here.
                    let to = if account.must_change_password {
                        "/account".to_owned()
                    } else if !asked_for_page && anju_domain::desk::has_desk(account.role) {
                        "/desk".to_owned()
                    } else {
                        next
                    };
                    session.user.set(Some(account));
                    navigate(&to, Default::default());
                }
                Err(e) => {
                    if e.code == "sms_code_required" {
                        needs_code.set(true);
                    }
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
        <h1>{tr("signin.title")}</h1>
        <ErrorSummary errors general />
        <form class="form" on:submit=submit novalidate>
            <TextField id="phone" label="signin.phone" hint="signin.phone_hint" value=phone errors
                kind="tel" autocomplete="tel" inputmode="tel" />
            <TextField id="password" label="signin.password" value=password errors
                autocomplete="current-password" reveal />
            <ShowPassword reveal />
            // Asked for only after many failed sign-ins on this account from anywhere.
            <Show when=move || needs_code.get()>
                <SmsCodeField phone=phone.into() purpose=SmsPurpose::SignIn value=sms_code errors />
            </Show>
            <button type="submit" class="button" prop:disabled=move || busy.get()>
                {move || if busy.get() { tr("signin.working")() } else { tr("signin.submit")() }}
            </button>
        </form>
        <p><A href="/forgot-password">{tr("signin.forgot")}</A></p>
        <p>{tr("signin.no_account")}</p>
        <p><A href="/register" attr:class="button button--secondary">{tr("signin.register_link")}</A></p>
    }
}
