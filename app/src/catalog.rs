//! The text catalogs under `app/i18n/` (zh-CN first, English complete; `cargo xtask test`
//! checks that both have the same keys), looked up by key. Depends on nothing else in the app,
//! so every module (the HTTP client too) can name its text by key.
//!
//! Chinese is built in, in two parts (`build.rs` cuts the file): the texts the main module
//! names are in the first download; the rest (~12 KB brotli) is built into the page groups'
//! code, so it arrives with the first chunk of pages, which calls [`use_page_texts`] before it
//! renders. English is fetched when chosen: built in, it was ~9 KB of every visitor's first
//! download (brotli) for the few who read English. The app knows only the English text's hash,
//! which names the file `cargo xtask dist` writes ([`anju_domain::bundle::english_catalog_file`]).

use anju_domain::Locale;
use std::sync::OnceLock;

const ZH_CORE: &str = include_str!(concat!(env!("OUT_DIR"), "/zh-CN.core.txt"));
static ZH_PAGES: OnceLock<&'static str> = OnceLock::new();
/// Evaluated by the compiler: the English text itself is not in the module.
const EN_HASH: u64 = anju_domain::bundle::fnv1a64(include_bytes!("../i18n/en.txt"));
static EN: OnceLock<&'static str> = OnceLock::new();

/// Make the pages' Chinese texts available. Called only from the page groups' chunks, so the
/// texts (~40 KB raw) are data of the chunk the groups share, not of the main module.
pub fn use_page_texts() {
    ZH_PAGES.get_or_init(|| include_str!(concat!(env!("OUT_DIR"), "/zh-CN.pages.txt")));
}

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
    let english = match locale {
        Locale::ZhCn => None,
        // Until the English catalog has arrived (or when it cannot), Chinese.
        Locale::En => EN.get().copied(),
    };
    let found = match english {
        Some(catalog) => find(catalog, key),
        None => find(ZH_CORE, key).or_else(|| ZH_PAGES.get().and_then(|pages| find(pages, key))),
    };
    found.unwrap_or("⚠")
}

fn find(catalog: &'static str, key: &str) -> Option<&'static str> {
    catalog
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
}
