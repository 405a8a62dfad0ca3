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
            }
        })
    }
}
