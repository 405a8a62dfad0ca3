//! 朗读: reads the page's main content aloud with the browser's own speech synthesis (no
//! service of ours hears it). It sits at the top of every page, so each step of a flow has it.
//!
//! The content is read part by part (headings, paragraphs, list items, labels, table cells),
//! one utterance each, so the part being read can be marked on the screen and named above it.
//! The utterance gets the page's language, and the browser picks its voice for that language;
//! where it has none, the button says so instead of staying silent.
//!
//! The controls and what reads are in the chunk fetched once the first page has appeared and
//! the phone is idle ([`ReadAloudSlot`]): not part of every visitor's first download.

use crate::i18n::tr;
use crate::state::Prefs;
use anju_domain::Locale;
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq)]
enum Reading {
    Idle,
    Speaking,
    Paused,
    /// The browser has no speech synthesis, or no voice for the page's language.
    NoVoice,
}

fn synth() -> Option<web_sys::SpeechSynthesis> {
    window().speech_synthesis().ok()
}

/// Where the controls go in the page frame: empty until their chunk has come (and, without a
/// network on a first visit, not at all).
#[component]
pub fn ReadAloudSlot() -> impl IntoView {
    crate::components::after_paint::slot(crate::components::after_paint::Part::ReadAloud)
}

/// Reached only from the chunk's split function, so all of it moves to the chunk.
mod engine {
    use super::{synth, Reading};
    use leptos::prelude::*;
    use std::cell::RefCell;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlElement, SpeechSynthesis, SpeechSynthesisUtterance};

    /// The parts read, in page order. An element inside another part is read with it.
    const PARTS: &str = "h1, h2, h3, h4, p, li, dt, dd, legend, label, th, td, caption, figcaption";
    const CURRENT_CLASS: &str = "read-aloud__current";

    /// What one reading holds on to: the utterances (their handlers are taken off before the
    /// closures are dropped, since a cancelled utterance may still fire) and the marked part.
    #[derive(Default)]
    struct Session {
        utterances: Vec<SpeechSynthesisUtterance>,
        handlers: Vec<Closure<dyn FnMut()>>,
        marked: Option<HtmlElement>,
    }

    impl Session {
        fn unmark(&mut self) {
            if let Some(el) = self.marked.take() {
                let _ = el.class_list().remove_1(CURRENT_CLASS);
            }
        }

        fn end(&mut self) {
            for u in &self.utterances {
                u.set_onstart(None);
                u.set_onend(None);
                u.set_onerror(None);
            }
            self.utterances.clear();
            self.handlers.clear();
            self.unmark();
        }
    }

    /// Whether the browser has a voice for `lang` ("zh-CN" → any zh voice; Android writes zh_CN).
    /// Voices may arrive a moment after the page loads, so this waits a little for them.
    async fn has_voice(synth: &SpeechSynthesis, lang: &str) -> bool {
        let prefix = &lang[..2];
        for _ in 0..10 {
            let voices = synth.get_voices();
            if voices.length() > 0 {
                return voices.iter().any(|v| {
                    v.unchecked_into::<web_sys::SpeechSynthesisVoice>()
                        .lang()
                        .to_ascii_lowercase()
                        .starts_with(prefix)
                });
            }
            crate::components::photos::sleep_ms(100).await;
        }
        false
    }

    /// The visible parts of the main content with their text, in page order.
    fn parts() -> Vec<(HtmlElement, String)> {
        let Some(main) = document().get_element_by_id("main") else {
            return Vec::new();
        };
        let Ok(found) = main.query_selector_all(PARTS) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for i in 0..found.length() {
            let Some(el) = found.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()) else {
                continue;
            };
            let inside_another = el
                .parent_element()
                .and_then(|p| p.closest(PARTS).ok().flatten())
                .is_some_and(|outer| main.contains(Some(&outer)));
            let in_controls = el.closest(".read-aloud").ok().flatten().is_some();
            let hidden = el.get_client_rects().length() == 0;
            if inside_another || in_controls || hidden {
                continue;
            }
            let text = el.inner_text();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                out.push((el, text));
            }
        }
        out
    }

    /// A few words of the part being read, for the line above the content.
    fn excerpt(text: &str) -> String {
        const SHOWN: usize = 30;
        if text.chars().count() > SHOWN {
            format!("{}…", text.chars().take(SHOWN).collect::<String>())
        } else {
            text.to_owned()
        }
    }

    thread_local! {
        static SESSION: RefCell<Session> = RefCell::default();
    }

    pub fn end() {
        SESSION.with_borrow_mut(Session::end);
    }

    pub fn start(state: RwSignal<Reading>, current: RwSignal<String>, english: bool) {
        let lang = if english { "en-US" } else { "zh-CN" };
        leptos::task::spawn_local(async move {
            let Some(synth) = synth() else {
                state.set(Reading::NoVoice);
                return;
            };
            if !has_voice(&synth, lang).await {
                state.set(Reading::NoVoice);
                return;
            }
            synth.cancel();
            end();
            let parts = parts();
            let last = parts.len().saturating_sub(1);
            let mut next = Session::default();
            for (i, (el, text)) in parts.into_iter().enumerate() {
                let Ok(utterance) = SpeechSynthesisUtterance::new_with_text(&text) else {
                    continue;
                };
                utterance.set_lang(lang);
                // A little slower than the default, for older listeners.
                utterance.set_rate(0.9);
                let shown = excerpt(&text);
                let on_start = Closure::<dyn FnMut()>::new(move || {
                    SESSION.with_borrow_mut(|s| {
                        s.unmark();
                        let _ = el.class_list().add_1(CURRENT_CLASS);
                        s.marked = Some(el.clone());
                    });
                    current.set(shown.clone());
                });
                utterance.set_onstart(Some(on_start.as_ref().unchecked_ref()));
                next.handlers.push(on_start);
                if i == last {
                    // The end of the last part (or its failure) ends the reading.
                    let on_end = Closure::<dyn FnMut()>::new(move || {
                        SESSION.with_borrow_mut(Session::unmark);
                        current.set(String::new());
                        state.set(Reading::Idle);
                    });
                    utterance.set_onend(Some(on_end.as_ref().unchecked_ref()));
                    utterance.set_onerror(Some(on_end.as_ref().unchecked_ref()));
                    next.handlers.push(on_end);
                }
                synth.speak(&utterance);
                next.utterances.push(utterance);
            }
            if next.utterances.is_empty() {
                return;
            }
            // The first part may have started (and been marked) already.
            SESSION.with_borrow_mut(|s| {
                next.marked = s.marked.take();
                *s = next;
            });
            state.set(Reading::Speaking);
        });
    }
}

#[component]
pub(crate) fn ReadAloud() -> impl IntoView {
    let prefs = expect_context::<Prefs>();
    let state = RwSignal::new(Reading::Idle);
    let current = RwSignal::new(String::new());
    // Until the first press there is nothing to stop.
    let started = StoredValue::new(false);
    let main_button = NodeRef::<leptos::html::Button>::new();

    let stop = move || {
        if !started.get_value() {
            return;
        }
        if let Some(s) = synth() {
            s.cancel();
        }
        engine::end();
        current.set(String::new());
        state.set(Reading::Idle);
    };

    // A new page is not read on in the old page's words.
    let location = leptos_router::hooks::use_location();
    Effect::new(move |seen: Option<()>| {
        location.pathname.track();
        if seen.is_some() {
            stop();
        }
    });
    on_cleanup(stop);

    let on_main = move |_| match state.get_untracked() {
        Reading::Idle | Reading::NoVoice => {
            started.set_value(true);
            let english = prefs.locale.get_untracked() == Locale::En;
            engine::start(state, current, english);
        }
        Reading::Speaking => {
            if let Some(s) = synth() {
                s.pause();
            }
            state.set(Reading::Paused);
        }
        Reading::Paused => {
            if let Some(s) = synth() {
                s.resume();
            }
            state.set(Reading::Speaking);
        }
    };
    let on_stop = move |_| {
        stop();
        // The stop button goes away: the keyboard stays on the read-aloud button.
        if let Some(b) = main_button.get_untracked() {
            let _ = b.focus();
        }
    };
    let main_label = move || match state.get() {
        Reading::Speaking => tr("read_aloud.pause")(),
        Reading::Paused => tr("read_aloud.resume")(),
        _ => tr("read_aloud.start")(),
    };
    let active = move || matches!(state.get(), Reading::Speaking | Reading::Paused);
    let problem = move || match state.get() {
        Reading::NoVoice => Some(tr("read_aloud.no_voice")()),
        _ => None,
    };

    view! {
        <div class="read-aloud no-print">
            <button type="button" class="button button--secondary read-aloud__button" node_ref=main_button on:click=on_main>
                <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M4 9v6h4l5 4V5L8 9z" /><path d="M16 9a4 4 0 0 1 0 6M18.5 6.5a8 8 0 0 1 0 11" />
                </svg>
                <span>{main_label}</span>
            </button>
            <Show when=active>
                <button type="button" class="button button--secondary" on:click=on_stop>{tr("read_aloud.stop")}</button>
                <p class="read-aloud__now">
                    {move || if state.get() == Reading::Paused { tr("read_aloud.paused")() } else { tr("read_aloud.reading")() }}
                    <span>{move || current.get()}</span>
                </p>
            </Show>
            {move || problem().map(|m| view! { <p role="alert" class="read-aloud__message">{m}</p> })}
        </div>
    }
}
