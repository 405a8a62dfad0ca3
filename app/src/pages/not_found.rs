use crate::i18n::{page_title, tr};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    page_title("notfound.title");
    view! {
        <h1>{tr("notfound.title")}</h1>
        <p>{tr("notfound.body")}</p>
        <p><A href="/" attr:class="button">{tr("notfound.home")}</A></p>
    }
}
