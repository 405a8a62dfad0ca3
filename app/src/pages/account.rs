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
            let has_home = u.home.is_some();
            view! {
                <h1>{tr("account.title")}</h1>
                // Where residents land after signing in: the notices over their home first.
                {has_home.then(|| view! { <crate::pages::notices::HomeBoardPanel /> })}
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
                {u.role.can(anju_domain::access::Capability::PostNotices).then(|| view! {
                    <p><leptos_router::components::A href="/staff/notices">{tr("notices.title")}</leptos_router::components::A></p>
                })}
                {u.role.can(anju_domain::access::Capability::ResetPasswordInPerson).then(|| view! {
                    <p><leptos_router::components::A href="/staff/password-reset">{tr("staffreset.title")}</leptos_router::components::A></p>
                })}
                {move || (u.must_change_password && !password_changed.get()).then(|| view! {
                    <p class="panel-result" role="alert">{tr("account.must_change")}</p>
                })}
                <MessageChannelsForm />
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

/// How notifications reach the person beyond the portal: text messages, e-mail. In-app
/// notifications are always on, so the form says so rather than offering a box to untick.
#[component]
fn MessageChannelsForm() -> impl IntoView {
    use crate::components::field::{ErrorSummary, FieldErrors, TextField};
    use anju_domain::notification::{check_channels, MessageChannels, MessageChannelsView};
    use anju_domain::FieldError;
    let locale = expect_context::<Prefs>().locale;
    let view_state = RwSignal::new(None::<MessageChannelsView>);
    let sms = RwSignal::new(false);
    let email = RwSignal::new(false);
    let address = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let saved = RwSignal::new(false);
    let show = move |v: MessageChannelsView| {
        sms.set(v.chosen.sms);
        email.set(v.chosen.email);
        address.set(v.chosen.email_address.clone().unwrap_or_default());
        view_state.set(Some(v));
    };
    spawn_local(async move {
        match api::message_channels().await {
            Ok(v) => show(v),
            Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let choice = MessageChannels {
            sms: sms.get_untracked(),
            email: email.get_untracked(),
            email_address: Some(address.get_untracked()).filter(|a| !a.trim().is_empty()),
        };
        let available =
            view_state.with_untracked(|v| v.as_ref().is_some_and(|v| v.email_available));
        // The same rules as the server, before the round trip.
        let problems = check_channels(&choice, available);
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        spawn_local(async move {
            match api::set_message_channels(&choice).await {
                Ok(v) => {
                    errors.set(FieldErrors::new());
                    general.set(None);
                    show(v);
                    saved.set(true);
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
    let state_words = move |state: &str| {
        let key = match state {
            "sent" => "channels.state_sent",
            "failed" => "channels.state_failed",
            "dropped" => "channels.state_dropped",
            _ => "channels.state_pending",
        };
        crate::i18n::text(locale.get(), key)
    };
    view! {
        <h2 id="channels-title">{tr("channels.title")}</h2>
        <p>{tr("channels.in_app_always")}</p>
        <ErrorSummary errors general order=&["sms", "email", "email_address"] />
        {move || saved.get().then(|| view! { <p class="panel-result" role="status">{tr("channels.saved")}</p> })}
        {move || view_state.get().map(|v| {
            let phone = v.phone_masked.clone();
            let available = v.email_available;
            let recent = v.recent.clone();
            view! {
                <form class="form" on:submit=save novalidate aria-labelledby="channels-title">
                    <fieldset class="fieldset">
                        <legend>{tr("channels.legend")}</legend>
                        <div class="checkbox checkbox--large">
                            <input type="checkbox" id="sms" prop:checked=move || sms.get()
                                on:change=move |ev| sms.set(event_target_checked(&ev)) />
                            <label for="sms">{tr("channels.sms")} " " {phone}</label>
                        </div>
                        {if available {
                            view! {
                                <div class="checkbox checkbox--large">
                                    <input type="checkbox" id="email" prop:checked=move || email.get()
                                        on:change=move |ev| email.set(event_target_checked(&ev)) />
                                    <label for="email">{tr("channels.email")}</label>
                                </div>
                                <TextField id="email_address" label="channels.email_address" value=address errors
                                    kind="email" autocomplete="email" inputmode="email" hint="channels.email_hint" />
                            }.into_any()
                        } else {
                            view! { <p class="hint">{tr("channels.no_email")}</p> }.into_any()
                        }}
                    </fieldset>
                    <button type="submit" class="button">{tr("channels.save")}</button>
                </form>
                {(!recent.is_empty()).then(|| view! {
                    <h3>{tr("channels.recent")}</h3>
                    <ul class="plain-list" data-testid="deliveries">
                        {recent.into_iter().map(|d| {
                            let channel = if d.channel == "email" { "channels.by_email" } else { "channels.by_sms" };
                            let at = d.at.clone();
                            let state = d.state.clone();
                            let (zh, en) = (d.message.clone(), d.message_en.clone());
                            view! {
                                <li>
                                    <strong>{tr(channel)} " · " {move || state_words(&state)}</strong>
                                    " · " {move || crate::format::short_time(&at, locale.get())}
                                    <br />
                                    {move || if locale.get() == anju_domain::Locale::En { en.clone() } else { zh.clone() }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
            }
        })}
    }
}
