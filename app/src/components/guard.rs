//! Route guards: signed-out visitors go to sign-in (and come back after), signed-in accounts
//! without the role see a plain refusal.

use crate::i18n::{page_title, tr};
use crate::state::Session;
use anju_domain::Role;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

#[component]
pub fn Guard(allow: fn(Role) -> bool, children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<Session>();
    let location = use_location();
    move || {
        if !session.loaded.get() {
            return view! { <p class="loading" role="status">{tr("app.loading")}</p> }.into_any();
        }
        match session.user.get() {
            None => {
                let next = location.pathname.get_untracked();
                view! { <Redirect path=format!("/sign-in?next={next}") /> }.into_any()
            }
            Some(user) if !allow(user.role) => {
                // The window title says it too, not the page's own name.
                page_title("guard.forbidden_title");
                view! {
                    <h1>{tr("guard.forbidden_title")}</h1>
                    <p>{tr("guard.forbidden")}</p>
                    <p><a href="/" class="button button--secondary">{tr("notfound.home")}</a></p>
                }
                .into_any()
            }
            Some(_) => children().into_any(),
        }
    }
}
