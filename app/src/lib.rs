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
    // The shell's large-type loading message stays until the app can replace it.
    if let Some(loading) = leptos::prelude::document().get_element_by_id("loading") {
        loading.remove();
    }
    // A device that chose English fetches the catalog before the first paint, so the app
    // never shows a page in Chinese first. (Leptos' own executor starts with the mount.)
    if state::Prefs::remembered_locale() == anju_domain::Locale::En {
        wasm_bindgen_futures::spawn_local(async {
            catalog::load_english().await;
            leptos::mount::mount_to_body(app::App);
        });
    } else {
        leptos::mount::mount_to_body(app::App);
    }
}
