//! A page's heading and introduction as the server sent them (`/`, `/register`, …: see
//! [`anju_domain::bundle::SentPage`]), taken over by the app in place.
//!
//! On a slow network they are painted as soon as the page and its stylesheet have arrived, long
//! before the app's code. The app keeps those very elements rather than drawing its own copies:
//! the reader sees nothing change, and the page's largest paint stays the early one (Chrome's
//! trace drops a largest-paint element that is removed or moved, and Lighthouse then reports
//! the app's later paint: measured in the session 10 note). The app's text is bound to them,
//! so a change of language reaches them like any other text.

use crate::i18n::tr;
use leptos::prelude::*;

/// The ids of the sent heading and introduction (`public/sent-page.html`).
const SENT: [&str; 2] = ["sent-heading", "sent-intro"];

/// Take over the heading and introduction sent with `page`. `false` when the server sent none
/// (a visit's later pages, or after [`leave`]): the page draws its own.
pub fn adopt(page: &anju_domain::bundle::SentPage) -> bool {
    let mut sent = false;
    for (id, key) in SENT.into_iter().zip(page.texts) {
        let Some(element) = document().get_element_by_id(id) else {
            continue;
        };
        sent = true;
        // Hidden on a device set to English until now (style/app.css); from here on it shows
        // the app's text, in whichever language.
        let _ = element.remove_attribute("data-shell");
        let text = tr(key);
        // Written only when it differs: rewriting the same words would replace the painted text.
        Effect::new(move |_| {
            let text = text();
            if element.text_content().as_deref() != Some(text) {
                element.set_text_content(Some(text));
            }
        });
    }
    sent
}

/// Remove what the server sent for the first page: when the visitor leaves it (or, on the
/// eligibility check and the complaint form, its first step), and at start on a device set to
/// English (its first page is drawn by the app).
pub fn leave() {
    for id in SENT {
        if let Some(element) = document().get_element_by_id(id) {
            element.remove();
        }
    }
}
