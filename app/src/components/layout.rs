//! Page frame: skip link, header with navigation and the 长辈版 / language toggles, footer.

use crate::api;
use crate::i18n::tr;
use crate::state::{Prefs, Session};
use anju_domain::access::Capability;
use anju_domain::Locale;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let prefs = expect_context::<Prefs>();
    let session = expect_context::<Session>();
    let signed_in = move || session.user.with(Option::is_some);
    let user_can = move |c: Capability| {
        session
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.role.can(c)))
    };
    let is_case_staff = move || user_can(Capability::WorkCases);

    // Saved on the account too, so the choice follows the person to another device.
    let save_to_account = move |current: anju_domain::Preferences| {
        spawn_local(async move {
            // Right after a page load it may not be known yet who is here: a choice made then
            // must still reach the account (it was lost when taken for a signed-out one).
            for _ in 0..200 {
                if session.loaded.get_untracked() {
                    break;
                }
                crate::components::photos::sleep_ms(50).await;
            }
            if session.user.with_untracked(Option::is_some) {
                let _ = api::set_preferences(&current).await;
            } else {
                prefs.remember_signed_out_choice();
            }
        });
    };
    let toggle_elder = move |_| {
        prefs.elder.update(|e| *e = !*e);
        save_to_account(prefs.current());
    };
    let toggle_language = move |_| {
        let next = if prefs.locale.get_untracked() == Locale::ZhCn {
            Locale::En
        } else {
            Locale::ZhCn
        };
        // The choice is saved at once; the page switches when English has arrived.
        prefs.choose_locale(next);
        save_to_account(anju_domain::Preferences {
            locale: next,
            ..prefs.current()
        });
    };
    let elder_label = move || {
        if prefs.elder.get() {
            tr("toggle.elder_on")()
        } else {
            tr("toggle.elder")()
        }
    };

    view! {
        <a class="skip-link" href="#main">{tr("app.skip")}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="brand">
                    <span class="brand__name">{tr("app.name")}</span>
                    <span class="brand__tagline">{tr("app.tagline")}</span>
                </A>
                <div class="toggles">
                    <button
                        type="button"
                        class="toggle"
                        aria-pressed=move || prefs.elder.get().to_string()
                        on:click=toggle_elder
                    >
                        {elder_label}
                    </button>
                    <button
                        type="button"
                        class="toggle"
                        lang=move || if prefs.locale.get() == Locale::ZhCn { "en" } else { "zh-CN" }
                        aria-label=tr("toggle.language_label")
                        on:click=toggle_language
                    >
                        {tr("toggle.language")}
                    </button>
                </div>
            </div>
            <nav class="site-nav" aria-label=tr("nav.main")>
                <ul>
                    <li><A href="/">{tr("nav.home")}</A></li>
                    <Show
                        when=signed_in
                        fallback=|| view! {
                            <li><A href="/sign-in">{tr("nav.sign_in")}</A></li>
                            <li><A href="/register">{tr("nav.register")}</A></li>
                        }
                    >
                        <li><A href="/account">{tr("nav.account")}</A></li>
                        <li>
                            <A href="/notifications" attr:aria-label=move || {
                                let n = session.unread.get();
                                if n > 0 { format!("{} {} {}", tr("nav.notifications")(), n, tr("notifications.unread_count")()) } else { tr("nav.notifications")().to_owned() }
                            }>
                                {tr("nav.notifications")}
                                <Show when=move || { session.unread.get() > 0 }>
                                    <span class="count" aria-hidden="true">{move || session.unread.get()}</span>
                                </Show>
                            </A>
                        </li>
                        <Show
                            when=is_case_staff
                            fallback=|| view! {
                                <li><A href="/complaints">{tr("nav.complaints")}</A></li>
                                <li><A href="/retrofit">{tr("nav.retrofit")}</A></li>
                                <li><A href="/surveys">{tr("nav.surveys")}</A></li>
                            }
                        >
                            <li><A href="/staff/queue">{tr("nav.queue")}</A></li>
                            <li><A href="/retrofit">{tr("nav.retrofit")}</A></li>
                            <li><A href="/staff/callbacks">{tr("nav.callbacks")}</A></li>
                        </Show>
                        <Show when=move || user_can(Capability::ManageAccounts)>
                            <li><A href="/admin/accounts">{tr("nav.admin")}</A></li>
                        </Show>
                        <Show when=move || user_can(Capability::EditPolicy)>
                            <li><A href="/admin/policy">{tr("nav.policy")}</A></li>
                        </Show>
                        <Show when=move || user_can(Capability::ReadAuditLog)>
                            <li><A href="/admin/audit">{tr("nav.audit")}</A></li>
                        </Show>
                    </Show>
                </ul>
            </nav>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>{tr("footer.help")}</p>
        </footer>
    }
}
