//! Page frame: skip link, header with navigation and the 长辈版 / language toggles, footer.

use crate::components::read_aloud::ReadAloudSlot;
use crate::i18n::tr;
use crate::state::{Prefs, Session};
use anju_domain::access::Capability;
use anju_domain::Locale;
use leptos::prelude::*;
use leptos::tachys::view::{Mountable, Render};
use leptos::task::spawn_local;
use leptos_router::components::A;

/// Whether the visit has moved past its first page: a page group's pages take the focus to
/// their heading when they open after a move (`components::screen::FocusOnNewPage`).
pub static NAVIGATED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[derive(Clone, Copy, PartialEq)]
enum NavPart {
    BeforeNotifications,
    AfterNotifications,
}

/// The navigation's links (path, text key) for who is here: the notifications link, with its
/// count, sits between the two parts.
fn links_for(role: Option<anju_domain::Role>, part: NavPart) -> Vec<(&'static str, &'static str)> {
    let mut links = Vec::new();
    let Some(role) = role else {
        if part == NavPart::BeforeNotifications {
            links.extend([
                ("/", "nav.home"),
                ("/sign-in", "nav.sign_in"),
                ("/register", "nav.register"),
            ]);
        }
        return links;
    };
    if part == NavPart::BeforeNotifications {
        links.extend([("/", "nav.home"), ("/account", "nav.account")]);
        return links;
    }
    if !role.is_staff() {
        links.extend([
            ("/complaints", "nav.complaints"),
            ("/retrofit", "nav.retrofit"),
            ("/surveys", "nav.surveys"),
        ]);
        return links;
    }
    if anju_domain::desk::has_desk(role) {
        links.push(("/desk", "nav.desk"));
    }
    if role.can(Capability::WorkCases) {
        links.push(("/staff/queue", "nav.queue"));
    }
    // Assessors, builders and the province find their retrofit work there too.
    links.push(("/retrofit", "nav.retrofit"));
    if role.can(Capability::WorkCases) {
        links.push(("/staff/callbacks", "nav.callbacks"));
    }
    if role.can(Capability::RunSurveys) {
        links.push(("/surveys", "nav.surveys"));
    }
    for (capability, link) in [
        (Capability::ManageAccounts, ("/admin/accounts", "nav.admin")),
        (Capability::EditPolicy, ("/admin/policy", "nav.policy")),
        (Capability::ReadAuditLog, ("/admin/audit", "nav.audit")),
    ] {
        if role.can(capability) {
            links.push(link);
        }
    }
    links
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let prefs = expect_context::<Prefs>();
    let session = expect_context::<Session>();
    let signed_in = move || session.user.with(Option::is_some);
    // The links, as data: one view for all of them (a `<Show>` per role's links cost the
    // first download ~2 KB).
    let nav_links = move |part: NavPart| {
        let role = session.user.with(|u| u.as_ref().map(|u| u.role));
        links_for(role, part)
            .into_iter()
            .map(|(href, key)| view! { <li><A href=href>{tr(key)}</A></li> })
            .collect_view()
    };

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
                crate::components::after_paint::run(
                    crate::components::after_paint::Part::SavePreferences(current),
                );
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
    // In the compact 长辈版 header (narrow screens) the navigation and the language toggle sit
    // behind a menu button, so the header keeps to one row of 60 px targets.
    let menu_open = RwSignal::new(false);
    let location = leptos_router::hooks::use_location();
    Effect::new(move |seen: Option<()>| {
        location.pathname.track();
        menu_open.set(false);
        if seen.is_some() {
            NAVIGATED.store(true, std::sync::atomic::Ordering::Relaxed);
            // What the server sent belongs to the first page only.
            crate::components::shell::leave();
        }
    });

    // The frame goes around the page's `<main>`, which the server sent and the app is mounted
    // in (`mount` in lib.rs): what the server put in it (a sent page's heading) stays where
    // it was painted. The frame lasts as long as the app, so its parts are never unmounted.
    let document = document();
    let main = document.get_element_by_id("main");
    let body = document.body().map(web_sys::Element::from);
    if let Some(body) = &body {
        place(
            view! {
                <a class="skip-link" href="#main">{tr("app.skip")}</a>
                <header class="site-header" class:site-header--menu-open=move || menu_open.get()>
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
                                {tr("toggle.elder")}
                                // Shown when pressed (style/app.css), as aria-pressed says; the compact
                                // header drops it to stay on one row.
                                <span class="toggle__state">{tr("toggle.elder_on_suffix")}</span>
                            </button>
                            // Named by its visible label, in the language it is written in.
                            <button
                                type="button"
                                class="toggle toggle--language"
                                lang=move || if prefs.locale.get() == Locale::ZhCn { "en" } else { "zh-CN" }
                                on:click=toggle_language
                            >
                                {tr("toggle.language")}
                            </button>
                            <button
                                type="button"
                                class="toggle menu-button"
                                aria-controls="site-nav"
                                aria-expanded=move || menu_open.get().to_string()
                                on:click=move |_| menu_open.update(|o| *o = !*o)
                            >
                                {tr("nav.menu")}
                            </button>
                        </div>
                    </div>
                    <nav id="site-nav" class="site-nav" aria-label=tr("nav.main")>
                        <ul>
                            {move || nav_links(NavPart::BeforeNotifications)}
                            <Show when=signed_in>
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
                            </Show>
                            {move || nav_links(NavPart::AfterNotifications)}
                        </ul>
                    </nav>
                </header>
                // Shown while the browser is offline: prefs.js marks <html data-offline>.
                <p class="offline-banner" role="status">{tr("app.offline")}</p>
            },
            body,
            main.as_ref().map(|m| m.as_ref()),
        );
        place(
            view! {
                <footer class="site-footer">
                    <p>{tr("footer.help")}</p>
                </footer>
            },
            body,
            None,
        );
    }
    if let Some(space) = document.get_element_by_id("read-aloud") {
        place(view! { <ReadAloudSlot /> }, &space, None);
    }
    children()
}

/// Build a part of the frame and put it in `parent` before `before` (at the end without).
fn place(view: impl IntoView, parent: &web_sys::Element, before: Option<&web_sys::Node>) {
    let mut state = view.into_view().build();
    state.mount(parent, before);
    // Its reactive parts belong to the layout's owner; the nodes stay for the app's lifetime.
    std::mem::forget(state);
}
