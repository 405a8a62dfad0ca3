//! The Anju portal: a Leptos client-side app compiled to wasm32. Components stay thin; rules
//! come from `anju_domain`, HTTP from [`api`], text from [`i18n`] catalogs.

mod api;
mod app;
mod catalog;
mod components;
mod format;
mod i18n;
mod pages;
mod routes;
mod state;

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(start)]
pub fn start() {
    // A panic's message and place in the console (else the browser says only "unreachable").
    // Without the JavaScript stack `console_error_panic_hook` adds, which cost the first
    // download ~350 bytes brotli; the message names the source line.
    std::panic::set_hook(Box::new(|panic| {
        leptos::logging::error!("{panic}");
    }));
    // A device that chose English fetches the catalog before the first paint, so the app
    // never shows a page in Chinese first. (Leptos' own executor starts with the mount.)
    if state::Prefs::remembered_locale() == anju_domain::Locale::En {
        wasm_bindgen_futures::spawn_local(async {
            catalog::load_english().await;
            // The server's Chinese heading (hidden on this device) gives way to the app's.
            components::shell::leave();
            mount();
        });
    } else {
        mount();
    }
}

/// The app goes into the page's `<main>`, after what the server put there (a sent page's
/// heading and introduction, which the page then takes over: `components::shell`); the frame
/// around it is placed by `components::layout::Layout`.
fn mount() {
    let document = leptos::prelude::document();
    // The shell's loading message stays until the app can replace it.
    if let Some(loading) = document.get_element_by_id("loading") {
        loading.remove();
    }
    let main = document
        .get_element_by_id("main")
        .expect("index.html has <main id=\"main\">");
    leptos::mount::mount_to(wasm_bindgen::JsCast::unchecked_into(main), app::App).forget();
    // The header is in now, in the same task: no frame shows both.
    if let Some(space) = document.get_element_by_id("frame-space") {
        space.remove();
    }
}
