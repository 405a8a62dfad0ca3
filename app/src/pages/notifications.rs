//! The notification centre: newest first; opening one marks it read.

use crate::api;
use crate::format::short_time;
use crate::i18n::{page_title, tr};
use crate::state::{Prefs, Session};
use anju_domain::notification::NotificationView;
use anju_domain::Locale;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub fn Notifications() -> impl IntoView {
    page_title("notifications.title");
    let locale = expect_context::<Prefs>().locale;
    let session = expect_context::<Session>();
    let items = RwSignal::new(None::<Vec<NotificationView>>);
    let load = move || {
        spawn_local(async move {
            if let Ok(page) = api::notifications().await {
                session.unread.set(page.unread);
                items.set(Some(page.items));
            }
        });
    };
    load();
    let mark_all = move |_| {
        spawn_local(async move {
            let _ = api::mark_all_notifications_read().await;
            load();
        });
    };
    view! {
        <h1>{tr("notifications.title")}</h1>
        <Show when=move || { session.unread.get() > 0 }>
            <p><button type="button" class="button button--secondary" on:click=mark_all>{tr("notifications.mark_all")}</button></p>
        </Show>
        {move || match items.get() {
            None => view! { <p role="status">{tr("app.loading")}</p> }.into_any(),
            Some(list) if list.is_empty() => view! { <p>{tr("notifications.empty")}</p> }.into_any(),
            Some(list) => view! {
                <ul class="notifications">
                    {list.into_iter().map(|n| {
                        let message = match locale.get() { Locale::ZhCn => n.message.clone(), Locale::En => n.message_en.clone() };
                        let id = n.id;
                        let unread = !n.read;
                        view! {
                            <li class="notification" class:notification--unread=unread>
                                <p class="timeline__when">
                                    {short_time(&n.at, locale.get())}
                                    {unread.then(|| view! { " · " <strong>{tr("notifications.unread")}</strong> })}
                                </p>
                                <p>{message}</p>
                                {n.case_id.map(|case| view! {
                                    <A href=format!("/complaints/{case}") on:click=move |_| {
                                        spawn_local(async move { let _ = api::mark_notification_read(id).await; session.refresh_unread(); });
                                    }>{tr("notifications.open_case")}</A>
                                })}
                                {n.application_id.map(|app| view! {
                                    <A href=format!("/retrofit/applications/{app}") on:click=move |_| {
                                        spawn_local(async move { let _ = api::mark_notification_read(id).await; session.refresh_unread(); });
                                    }>{tr("notifications.open_application")}</A>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}
