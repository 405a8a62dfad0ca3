//! Moving between the screens of a one-question-per-page flow.

use leptos::prelude::*;

/// Bring the top of the main area into view when a new screen opens.
pub fn scroll_to_top() {
    if let Some(main) = document().get_element_by_id("main") {
        main.scroll_into_view();
    }
}
