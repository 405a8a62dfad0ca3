//! The text catalogs under `app/i18n/` (zh-CN first, English complete; `cargo xtask test`
//! checks that both have the same keys), looked up by key. Depends on nothing else in the app,
//! so every module (the HTTP client too) can name its text by key.

use anju_domain::Locale;

const ZH_CN: &str = include_str!("../i18n/zh-CN.txt");
const EN: &str = include_str!("../i18n/en.txt");

pub fn text(locale: Locale, key: &str) -> &'static str {
    let catalog = match locale {
        Locale::ZhCn => ZH_CN,
        Locale::En => EN,
    };
    catalog
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
        .unwrap_or("⚠")
}
