//! App-wide state: the signed-in account and display preferences (长辈版, language), which
//! are remembered on the device (localStorage) and, when signed in, on the account.

use anju_domain::{AccountView, Locale, Preferences};
use leptos::prelude::*;

const ELDER_KEY: &str = "anju.elder_mode";
const LOCALE_KEY: &str = "anju.locale";
/// Set when someone switches 长辈版 or the language while signed out: at the next sign-in the
/// device's choice wins over the account's and is saved to it (the person just chose it).
const CHOSEN_SIGNED_OUT_KEY: &str = "anju.prefs_chosen_signed_out";

#[derive(Clone, Copy)]
pub struct Session {
    pub user: RwSignal<Option<AccountView>>,
    /// Unread notifications, shown in the header.
    pub unread: RwSignal<i64>,
    /// False until `/api/me` has answered, so guards do not redirect too early.
    pub loaded: RwSignal<bool>,
}

#[derive(Clone, Copy)]
pub struct Prefs {
    pub elder: RwSignal<bool>,
    pub locale: RwSignal<Locale>,
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

impl Prefs {
    pub fn from_device() -> Prefs {
        let store = storage();
        let get = |k: &str| store.as_ref().and_then(|s| s.get_item(k).ok().flatten());
        Prefs {
            elder: RwSignal::new(get(ELDER_KEY).as_deref() == Some("1")),
            locale: RwSignal::new(
                get(LOCALE_KEY)
                    .as_deref()
                    .and_then(Locale::parse)
                    .unwrap_or_default(),
            ),
        }
    }

    pub fn current(&self) -> Preferences {
        Preferences {
            elder_mode: self.elder.get_untracked(),
            locale: self.locale.get_untracked(),
        }
    }

    pub fn apply(&self, p: Preferences) {
        self.elder.set(p.elder_mode);
        self.choose_locale(p.locale);
    }

    /// A choice made on this device while signed out, to be kept at the next sign-in.
    pub fn remember_signed_out_choice(&self) {
        if let Some(s) = storage() {
            let _ = s.set_item(CHOSEN_SIGNED_OUT_KEY, "1");
        }
    }

    /// At sign-in: the account's preferences, unless the person chose on this device while
    /// signed out — then the device's choice stays and becomes the account's.
    pub fn settle_at_sign_in(&self, account: Preferences) {
        let store = storage();
        let chosen_here = store
            .as_ref()
            .and_then(|s| s.get_item(CHOSEN_SIGNED_OUT_KEY).ok().flatten())
            .is_some();
        if !chosen_here {
            self.apply(account);
            return;
        }
        if let Some(s) = &store {
            let _ = s.remove_item(CHOSEN_SIGNED_OUT_KEY);
        }
        let mine = self.current();
        if mine != account {
            crate::components::after_paint::run(
                crate::components::after_paint::Part::SavePreferences(mine),
            );
        }
    }

    /// Switch the language. English is fetched first, so the page changes language once,
    /// completely; without a connection it stays in Chinese.
    pub fn choose_locale(&self, locale: Locale) {
        if locale == Locale::En && !crate::catalog::english_loaded() {
            let signal = self.locale;
            leptos::task::spawn_local(async move {
                if crate::catalog::load_english().await {
                    signal.set(locale);
                }
            });
        } else {
            self.locale.set(locale);
        }
    }

    /// The language this device remembers, before the app has started.
    pub fn remembered_locale() -> Locale {
        storage()
            .and_then(|s| s.get_item(LOCALE_KEY).ok().flatten())
            .as_deref()
            .and_then(Locale::parse)
            .unwrap_or_default()
    }

    /// Mirror the preferences onto `<html>` and the device whenever they change.
    pub fn sync_to_document(self) {
        Effect::new(move |_| {
            let elder = self.elder.get();
            let locale = self.locale.get();
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("data-mode", if elder { "elder" } else { "standard" });
                let _ = html.set_attribute("lang", locale.as_str());
            }
            if let Some(s) = storage() {
                let _ = s.set_item(ELDER_KEY, if elder { "1" } else { "0" });
                let _ = s.set_item(LOCALE_KEY, locale.as_str());
            }
        });
    }
}

impl Session {
    /// Refresh the unread count (after sign-in, on each page, and every minute).
    pub fn refresh_unread(self) {
        if self.user.with_untracked(Option::is_none) {
            self.unread.set(0);
            return;
        }
        crate::components::after_paint::run(crate::components::after_paint::Part::Unread(self));
    }
}

/// A key made once per form, so pressing submit again after a network failure never files
/// twice.
pub fn submission_key() -> String {
    window()
        .crypto()
        .ok()
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("k{}", js_sys::Date::now()))
}
