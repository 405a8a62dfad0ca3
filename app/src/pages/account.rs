use crate::api;
use crate::i18n::{page_title, role_key, text, tr};
use crate::state::{Prefs, Session};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

#[component]
pub fn AccountPage() -> impl IntoView {
    page_title("account.title");
    let session = expect_context::<Session>();
    let locale = expect_context::<Prefs>().locale;
    let navigate = use_navigate();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            // Signed out locally even if the network fails: the server session times out.
            let _ = api::sign_out().await;
            session.user.set(None);
            navigate("/sign-in", Default::default());
        });
    };
    // Outside the view below, which is rebuilt whenever the session changes.
    let password_changed = RwSignal::new(false);
    move || {
        session.user.get().map(|u| {
            let role = move || text(locale.get(), role_key(u.role));
            let area = u.jurisdiction.as_ref().map(|j| j.path.join(" / "));
            let home = u.home.as_ref().map(|h| {
                (h.building.path.last().cloned().unwrap_or_default(), format!("{} / {}", h.unit, h.room))
            });
            view! {
                <h1>{tr("account.title")}</h1>
                <dl class="summary-list">
                    <div><dt>{tr("account.name")}</dt><dd>{u.display_name.clone()}</dd></div>
                    <div><dt>{tr("account.phone")}</dt><dd>{u.phone_masked.clone()}</dd></div>
                    <div><dt>{tr("account.role")}</dt><dd data-testid="role">{role}</dd></div>
                    {area.map(|a| view! {
                        <div><dt>{tr("account.jurisdiction")}</dt><dd data-testid="jurisdiction">{a}</dd></div>
                    })}
                    {home.map(|(b, ur)| view! {
                        <div><dt>{tr("account.home")}</dt><dd>{b}</dd></div>
                        <div><dt>{tr("account.unit_room")}</dt><dd>{ur}</dd></div>
                    })}
                </dl>
                <button type="button" class="button button--secondary" on:click=sign_out.clone()>
                    {tr("account.sign_out")}
                </button>
                {u.role.can(anju_domain::access::Capability::ResetPasswordInPerson).then(|| view! {
                    <p><leptos_router::components::A href="/staff/password-reset">{tr("staffreset.title")}</leptos_router::components::A></p>
                })}
                {move || (u.must_change_password && !password_changed.get()).then(|| view! {
                    <p class="panel-result" role="alert">{tr("account.must_change")}</p>
                })}
                <PasswordAndSessions changed=password_changed />
            }
        })
    }
}

/// Change the password (other sessions end) or end the other sessions on their own.
/// `changed` is set once the password is changed (a one-off password is one no longer).
#[component]
fn PasswordAndSessions(changed: RwSignal<bool>) -> impl IntoView {
    use crate::components::field::{ErrorSummary, FieldErrors, TextField};
    use anju_domain::{ChangePasswordRequest, FieldError};
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let done = RwSignal::new(None::<u64>);
    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new_password.get_untracked(),
        };
        spawn_local(async move {
            match api::change_password(&req).await {
                Ok(ended) => {
                    changed.set(true);
                    errors.set(FieldErrors::new());
                    general.set(None);
                    current.set(String::new());
                    new_password.set(String::new());
                    done.set(Some(ended.ended));
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
    let end_others = move |_| {
        spawn_local(async move {
            match api::end_other_sessions().await {
                Ok(ended) => done.set(Some(ended.ended)),
                Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
            }
        });
    };
    view! {
        <h2>{tr("account.password_title")}</h2>
        <ErrorSummary errors general />
        {move || done.get().map(|n| view! { <p role="status">{tr("account.sessions_ended")} " " {n}</p> })}
        <form class="form" on:submit=change novalidate>
            <TextField id="current_password" label="account.current_password" value=current errors
                kind="password" autocomplete="current-password" />
            <TextField id="new_password" label="forgot.new_password" hint="register.password_hint"
                value=new_password errors kind="password" autocomplete="new-password" />
            <button type="submit" class="button">{tr("account.change_password")}</button>
        </form>
        <p><button type="button" class="button button--secondary" on:click=end_others>
            {tr("account.end_other_sessions")}
        </button></p>
    }
}
