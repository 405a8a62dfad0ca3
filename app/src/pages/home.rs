use crate::components::after_paint::{slot, Part};
use crate::i18n::{page_title, tr};
use crate::state::Session;
use leptos::prelude::*;
use leptos_router::components::A;

#[derive(Clone, Copy)]
enum Icon {
    Home,
    Wrench,
    Star,
}

impl Icon {
    fn svg(self) -> impl IntoView {
        let path = match self {
            Icon::Home => "M3 11 12 3l9 8M5 9.5V21h5v-6h4v6h5V9.5",
            Icon::Wrench => "M14.5 6.5a4 4 0 0 0 5 5L21 13l-8 8-3-3 8-8-1.5-1.5a4 4 0 0 1-5-5L13 2l-2 2 3.5 2.5zM3 21l6-6",
            Icon::Star => "M12 3l2.8 5.7 6.2.9-4.5 4.4 1.1 6.2L12 17.3 6.4 20.2l1.1-6.2L3 9.6l6.2-.9z",
        };
        view! {
            <svg class="service-card__icon" viewBox="0 0 24 24" width="40" height="40" aria-hidden="true"
                focusable="false" fill="none" stroke="currentColor" stroke-width="2"
                stroke-linecap="round" stroke-linejoin="round">
                <path d=path />
            </svg>
        }
    }
}

#[component]
pub fn Home() -> impl IntoView {
    page_title("home.title");
    let session = expect_context::<Session>();
    // Icons are inline SVG drawn with the text colour: emoji depend on the phone's fonts
    // (some show boxes), and the card's words carry the meaning anyway.
    let services = [
        (
            "/retrofit",
            "service.retrofit",
            "service.retrofit_desc",
            Icon::Home,
        ),
        (
            "/complaints",
            "service.complaints",
            "service.complaints_desc",
            Icon::Wrench,
        ),
        (
            "/surveys",
            "service.surveys",
            "service.surveys_desc",
            Icon::Star,
        ),
    ];
    // On the first page of a visit the server has sent these two already (`home.html`).
    let sent = crate::components::shell::adopt(&anju_domain::bundle::SENT_HOME);
    view! {
        {(!sent).then(|| view! {
            <h1>{tr("home.heading")}</h1>
            <p class="lead">{tr("home.intro")}</p>
        })}
        {move || match session.user.get() {
            Some(u) => view! {
                <p class="signed-in">{tr("home.signed_in_as")} " " <strong>{u.display_name}</strong></p>
                // What is happening in their building comes before the services. In the chunk
                // fetched after the page appears: built in here, it cost every visitor's first
                // download more than the budget had left.
                {u.home.is_some().then(|| slot(Part::HomeBoard))}
            }.into_any(),
            None => view! {
                <p class="actions">
                    <A href="/register" attr:class="button">{tr("home.get_started")}</A>
                    <A href="/sign-in" attr:class="button button--secondary">{tr("nav.sign_in")}</A>
                </p>
            }.into_any(),
        }}
        <h2>{tr("home.services")}</h2>
        <ul class="services">
            {services.into_iter().map(|(href, title, desc, icon)| view! {
                <li class="service-card">
                    <A href=href attr:class="service-card__link">
                        {icon.svg()}
                        <span class="service-card__title">{tr(title)}</span>
                    </A>
                    <p>{tr(desc)}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}
