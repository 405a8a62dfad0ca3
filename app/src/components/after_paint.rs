//! Code fetched once the first page has appeared and the phone is idle: one wasm chunk,
//! `after_paint`, holding the read-aloud controls (on every page) and the notices over a
//! resident's home with their building's concierge (on the home page). Neither is needed to
//! paint the page, so neither is part of every visitor's first download; `cargo xtask dist`
//! lists the chunk and the service worker keeps it for offline use.
//!
//! It also holds two calls to the server that no page needs for its first paint: saving the
//! 长辈版 and language choice to the account, and the count of unread notifications ([`run`]).
//! Their code (the calls and their JSON) need not be in every visitor's first download.
//!
//! One split function builds every part of the chunk ([`Part`]): each further split function
//! cost the first download ~100 bytes (brotli) of loading code.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};

/// What the chunk builds, or does.
#[derive(Clone, Copy)]
pub enum Part {
    /// The read-aloud controls, at the top of every page (`components::read_aloud`).
    ReadAloud,
    /// The notices over the signed-in resident's home and their building's concierge, on the
    /// home page (`pages::notices::HomeBoardPanel`).
    HomeBoard,
    /// Save these preferences to the signed-in account.
    SavePreferences(anju_domain::Preferences),
    /// Fetch the number of unread notifications into the session.
    Unread(crate::state::Session),
}

#[wasm_split(after_paint, wasm_split_path = ::leptos::wasm_split, fallible)]
fn build(part: Part) -> Result<AnyView, SplitLoaderError> {
    // Their texts are with the pages' (the chunk shares them with the page groups).
    crate::catalog::use_page_texts();
    Ok(match part {
        Part::ReadAloud => view! { <crate::components::read_aloud::ReadAloud /> }.into_any(),
        Part::HomeBoard => view! { <crate::pages::notices::HomeBoardPanel /> }.into_any(),
        Part::SavePreferences(preferences) => {
            leptos::task::spawn_local(async move {
                let _ = crate::api::set_preferences(&preferences).await;
            });
            ().into_any()
        }
        Part::Unread(session) => {
            leptos::task::spawn_local(async move {
                if let Ok(count) = crate::api::unread_count().await {
                    session.unread.set(count.unread);
                }
            });
            ().into_any()
        }
    })
}

/// Do `part` (a call to the server) once the chunk is here; nothing without it (offline on a
/// first visit: the call would fail as well).
pub fn run(part: Part) {
    leptos::task::spawn_local(async move {
        let _ = build(part).await;
    });
}

/// Empty until the chunk has come, then `part`; nothing at all when the chunk cannot be
/// fetched (offline on a first visit): what it holds is extra to the page.
pub fn slot(part: Part) -> impl IntoView {
    let slot = RwSignal::new_local(None::<AnyView>);
    // Built in the task under this owner: the views read the frame's contexts.
    let load = leptos::reactive::computed::ScopedFuture::new_untracked(async move {
        if let Ok(view) = build(part).await {
            slot.try_set(Some(view));
        }
    });
    match part {
        // On every page: it waits until the phone is idle, so it never delays the page.
        Part::ReadAloud => {
            let load = std::cell::Cell::new(Some(load));
            request_idle_callback(move || {
                if let Some(load) = load.take() {
                    leptos::task::spawn_local(load);
                }
            });
        }
        // The home page has appeared already; waiting for an idle moment could take many
        // seconds while the pages' code is being fetched after signing in (seen in e2e).
        _ => leptos::task::spawn_local(load),
    }
    move || {
        slot.track();
        slot.try_update_untracked(Option::take).flatten()
    }
}
