//! Code fetched once the first page has appeared and the phone is idle: one wasm chunk,
//! `after_paint`, holding the read-aloud controls (on every page) and the notices over a
//! resident's home with their building's concierge (on the home page). Neither is needed to
//! paint the page, so neither is part of every visitor's first download; `cargo xtask dist`
//! lists the chunk and the service worker keeps it for offline use.
//!
//! One split function builds every part of the chunk ([`Part`]): each further split function
//! cost the first download ~100 bytes (brotli) of loading code.

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};

/// What the chunk builds.
#[derive(Clone, Copy)]
#[repr(u8)]
pub enum Part {
    /// The read-aloud controls, at the top of every page (`components::read_aloud`).
    ReadAloud,
    /// The notices over the signed-in resident's home and their building's concierge, on the
    /// home page (`pages::notices::HomeBoardPanel`).
    HomeBoard,
}

#[wasm_split(after_paint, wasm_split_path = ::leptos::wasm_split, fallible)]
fn build(part: Part) -> Result<AnyView, SplitLoaderError> {
    // Their texts are with the pages' (the chunk shares them with the page groups).
    crate::catalog::use_page_texts();
    Ok(match part {
        Part::ReadAloud => view! { <crate::components::read_aloud::ReadAloud /> }.into_any(),
        Part::HomeBoard => view! { <crate::pages::notices::HomeBoardPanel /> }.into_any(),
    })
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
        Part::HomeBoard => leptos::task::spawn_local(load),
    }
    move || {
        slot.track();
        slot.try_update_untracked(Option::take).flatten()
    }
}
