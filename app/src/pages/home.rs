use crate::i18n::{page_title, tr};
use crate::state::Session;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Home() -> impl IntoView {
    page_title("home.title");
    let session = expect_context::<Session>();
    let services = [
        (
            "/retrofit",
            "service.retrofit",
            "service.retrofit_desc",
            "🏠",
        ),
        (
            "/services/complaints",
            "service.complaints",
            "service.complaints_desc",
            "🔧",
        ),
        ("/surveys", "service.surveys", "service.surveys_desc", "⭐"),
    ];
    view! {
        <h1>{tr("home.heading")}</h1>
        <p class="lead">{tr("home.intro")}</p>
        {move || match session.user.get() {
            Some(u) => view! { <p class="signed-in">{tr("home.signed_in_as")} " " <strong>{u.display_name}</strong></p> }.into_any(),
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
                        <span class="service-card__icon" aria-hidden="true">{icon}</span>
                        <span class="service-card__title">{tr(title)}</span>
                    </A>
                    <p>{tr(desc)}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}
