//! Moving between the screens of a one-question-per-page flow.

use leptos::prelude::*;

/// Bring the top of the main area into view when a new screen opens.
pub fn scroll_to_top() {
    if let Some(main) = document().get_element_by_id("main") {
        main.scroll_into_view();
    }
}

/// A new step of a flow opened: once it is on the page, its main heading takes the focus (so a
/// screen reader announces it and the keyboard starts there), it is brought into view, and the
/// window title names the step. Queued behind the render, so the heading is the new one.
pub fn focus_new_step() {
    // Read here, in the reactive owner; the task below runs outside it.
    let locale = use_context::<crate::state::Prefs>()
        .map(|p| p.locale.get_untracked())
        .unwrap_or_default();
    leptos::task::spawn_local(async move {
        use wasm_bindgen::JsCast;
        let Some(heading) = document()
            .query_selector("#main h1")
            .ok()
            .flatten()
            .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        if !heading.has_attribute("tabindex") {
            let _ = heading.set_attribute("tabindex", "-1");
        }
        let _ = heading.focus();
        heading.scroll_into_view();
        let step = heading.text_content().unwrap_or_default();
        let app = crate::i18n::text(locale, "app.name");
        document().set_title(&format!("{} - {app}", step.trim()));
    });
}
