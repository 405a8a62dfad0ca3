//! Unsent input kept on the device: a form writes what was typed to localStorage as it
//! changes, so Back, a reload or a closed tab does not lose it. Kept per account (a shared
//! phone does not show one person's draft to another), cleared when the form is sent or the
//! person discards it.

use crate::i18n::tr;
use crate::state::Session;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::collections::BTreeMap;

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Where one form's draft is kept for whoever is signed in now.
#[derive(Clone)]
pub struct Draft {
    key: String,
}

impl Draft {
    /// `form` names the form (and, where there are several, which one: an application's id).
    pub fn for_form(form: &str) -> Draft {
        let account = use_context::<Session>()
            .and_then(|s| s.user.with_untracked(|u| u.as_ref().map(|u| u.id)));
        Draft::of(account, form)
    }

    /// The draft of `form` for `account` (where the session is not at hand).
    pub fn of(account: Option<i64>, form: &str) -> Draft {
        let who = account.map_or_else(|| "signed-out".to_owned(), |id| id.to_string());
        Draft {
            key: format!("anju.draft.{who}.{form}"),
        }
    }

    pub fn load<T: DeserializeOwned>(&self) -> Option<T> {
        let text = storage()?.get_item(&self.key).ok().flatten()?;
        serde_json::from_str(&text).ok()
    }

    /// Keep `value`; `None` (nothing typed yet) removes what was kept.
    pub fn save<T: Serialize>(&self, value: Option<&T>) {
        let Some(store) = storage() else { return };
        match value.and_then(|v| serde_json::to_string(v).ok()) {
            Some(text) => {
                // A full storage only means this draft is not kept.
                let _ = store.set_item(&self.key, &text);
            }
            None => {
                let _ = store.remove_item(&self.key);
            }
        }
    }

    pub fn discard(&self) {
        self.save::<()>(None);
    }

    /// Restore what was kept (if anything) with `restore`, then keep `read()` from now on,
    /// whenever the signals it reads change. Returns whether something was restored, for
    /// [`DraftKept`].
    pub fn keep<T, R>(&self, restore: impl FnOnce(T), read: R) -> RwSignal<bool>
    where
        T: Serialize + DeserializeOwned + 'static,
        R: Fn() -> Option<T> + 'static,
    {
        let restored = RwSignal::new(false);
        if let Some(kept) = self.load::<T>() {
            restore(kept);
            restored.set(true);
        }
        let draft = self.clone();
        Effect::new(move |_| draft.save(read().as_ref()));
        restored
    }
}

/// The note that says the form holds what was typed before, with a way to start afresh.
#[component]
pub fn DraftKept(
    restored: RwSignal<bool>,
    on_discard: Callback<()>,
    /// What the form does not keep, said with the note.
    #[prop(optional)]
    note: Option<&'static str>,
) -> impl IntoView {
    view! {
        <Show when=move || restored.get()>
            <div class="panel-notice draft-kept" role="status">
                <p>{tr("draft.kept")} {note.map(|k| view! { " " {tr(k)} })}</p>
                <button type="button" class="button button--secondary" on:click=move |_| {
                    restored.set(false);
                    on_discard.run(());
                }>{tr("draft.discard")}</button>
            </div>
        </Show>
    }
}

/// A screen whose text fields keep what is typed into them: each [`crate::components::field::TextField`]
/// under it joins (except ID numbers and passwords, never written to the device). Only fields
/// changed from what the screen opened with are kept.
#[derive(Clone, Copy)]
pub struct KeptFields {
    values: RwSignal<BTreeMap<String, String>>,
    pub restored: RwSignal<bool>,
}

impl KeptFields {
    /// Provide for the components created after this, under the current owner.
    pub fn provide(draft: Draft) -> KeptFields {
        let kept = KeptFields {
            values: RwSignal::new(draft.load().unwrap_or_default()),
            restored: RwSignal::new(false),
        };
        Effect::new(move |_| {
            kept.values
                .with(|v| draft.save((!v.is_empty()).then_some(v)))
        });
        provide_context(kept);
        kept
    }

    /// A field with `id` and `value`: what was kept for it comes back, what is typed is kept.
    pub fn join(self, id: &'static str, value: RwSignal<String>) {
        if let Some(kept) = self.values.with_untracked(|v| v.get(id).cloned()) {
            if kept != value.get_untracked() {
                value.set(kept);
                self.restored.set(true);
            }
        }
        Effect::new(move |first: Option<()>| {
            let now = value.get();
            if first.is_some() {
                self.values.update(|v| {
                    v.insert(id.to_owned(), now);
                });
            }
        });
    }

    /// Forget what was kept (the screen was saved, or the person starts afresh).
    pub fn forget(self) {
        self.values.set(BTreeMap::new());
        self.restored.set(false);
    }
}
