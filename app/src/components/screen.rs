//! Moving to a new step of a flow, or to a new page: the keyboard and the screen reader start
//! at its main heading.

use crate::components::photos::sleep_ms;
use anju_domain::Locale;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A new step of a flow opened: once it is on the page, its main heading takes the focus (so a
/// screen reader announces it and the keyboard starts there), it is brought into view, and the
/// window title names the step.
pub fn focus_new_step() {
    leptos::task::spawn_local(focus_heading(true));
}

/// In a page group's router: each page that opens after the visit's first (from a link, Back
/// or the app) gives its main heading the focus and brings it into view, unless the person is
/// already at work on the page; its title is the page's own. Here rather than in the frame, so
/// the code is in the groups' chunks, not in every visitor's first download.
#[component]
pub fn FocusOnNewPage() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |seen: Option<()>| {
        location.pathname.track();
        let navigated =
            crate::components::layout::NAVIGATED.load(std::sync::atomic::Ordering::Relaxed);
        if seen.is_some() || navigated {
            leptos::task::spawn_local(focus_heading(false));
        }
    });
}

fn main_heading() -> Option<web_sys::HtmlElement> {
    document()
        .query_selector("#main h1")
        .ok()
        .flatten()
        .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok())
}

/// Waits for the heading: a step renders after the change that opened it, and a page's heading
/// may follow its data (or its code) by a moment.
async fn focus_heading(step: bool) {
    for _ in 0..40 {
        // After the render that the change queued.
        sleep_ms(if step { 0 } else { 50 }).await;
        let Some(heading) = main_heading() else {
            continue;
        };
        if !step {
            let active = document().active_element();
            let busy_on_page = active
                .is_some_and(|a| a.closest("#main").ok().flatten().is_some() && a.is_connected());
            if busy_on_page {
                return;
            }
        }
        if !heading.has_attribute("tabindex") {
            let _ = heading.set_attribute("tabindex", "-1");
        }
        let _ = heading.focus();
        heading.scroll_into_view();
        if step {
            let locale = document()
                .document_element()
                .and_then(|e| e.get_attribute("lang"))
                .as_deref()
                .and_then(Locale::parse)
                .unwrap_or_default();
            let name = heading.text_content().unwrap_or_default();
            let app = crate::i18n::text(locale, "app.name");
            document().set_title(&format!("{} - {app}", name.trim()));
        }
        return;
    }
}
