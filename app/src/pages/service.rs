//! Entry pages for the three services; each says plainly that it opens soon until its issue
//! lands.

use crate::i18n::{text, tr};
use crate::pages::not_found::NotFound;
use crate::state::Prefs;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ServicePage() -> impl IntoView {
    let params = use_params_map();
    let locale = expect_context::<Prefs>().locale;
    move || {
        let key = match params.read().get("service").as_deref() {
            Some("retrofit") => "service.retrofit",
            Some("complaints") => "service.complaints",
            Some("surveys") => "service.surveys",
            _ => return view! { <NotFound /> }.into_any(),
        };
        Effect::new(move |_| {
            let l = locale.get();
            document().set_title(&format!("{} - {}", text(l, key), text(l, "app.name")));
        });
        view! {
            <h1>{tr(key)}</h1>
            <p class="lead">{tr("service.coming")}</p>
            <p><A href="/" attr:class="button button--secondary">{tr("service.back")}</A></p>
        }
        .into_any()
    }
}
