//! The text catalogs under `app/i18n/` (zh-CN first, English complete; `cargo xtask test`
//! checks that both have the same keys), looked up by key. Depends on nothing else in the app,
//! so every module (the HTTP client too) can name its text by key.
//!
//! Chinese is built in. English is fetched when chosen: built in, it was ~9 KB of every
//! visitor's first download (brotli) for the few who read English. The app knows only the
//! English text's hash, which names the file `cargo xtask dist` writes
//! ([`anju_domain::bundle::english_catalog_file`]).

use anju_domain::Locale;
use std::sync::OnceLock;

const ZH_CN: &str = include_str!("../i18n/zh-CN.txt");
/// Evaluated by the compiler: the English text itself is not in the module.
const EN_HASH: u64 = anju_domain::bundle::fnv1a64(include_bytes!("../i18n/en.txt"));
static EN: OnceLock<&'static str> = OnceLock::new();

pub fn english_loaded() -> bool {
    EN.get().is_some()
}

/// Fetch the English catalog once; false when it could not be fetched (no network).
pub async fn load_english() -> bool {
    if english_loaded() {
        return true;
    }
    let url = format!("/catalog-en-{EN_HASH:016x}.txt");
    let Ok(response) = gloo_net::http::Request::get(&url).send().await else {
        return false;
    };
    if !response.ok() {
        return false;
    }
    let Ok(text) = response.text().await else {
        return false;
    };
    // Kept for the life of the page, like the built-in catalog.
    let _ = EN.set(Box::leak(text.into_boxed_str()));
    true
}

pub fn text(locale: Locale, key: &str) -> &'static str {
    let catalog = match locale {
        Locale::ZhCn => ZH_CN,
        // Until the English catalog has arrived (or when it cannot), Chinese.
        Locale::En => EN.get().copied().unwrap_or(ZH_CN),
    };
    catalog
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
        .unwrap_or("⚠")
}
