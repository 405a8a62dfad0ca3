//! User-facing text, looked up by key in the catalog files under `app/i18n/` (zh-CN first,
//! English complete; `cargo xtask test` checks that both have the same keys).

use crate::state::Prefs;
use anju_domain::{FieldError, Locale, Role};
use leptos::prelude::*;

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

/// A reactive translation: re-renders when the language changes.
pub fn tr(key: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = expect_context::<Prefs>().locale;
    move || text(locale.get(), key)
}

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Resident => "role.resident",
        Role::Guardian => "role.guardian",
        Role::CommunityStaff => "role.community_staff",
        Role::StreetReviewer => "role.street_reviewer",
        Role::Assessor => "role.assessor",
        Role::Contractor => "role.contractor",
        Role::CountyAdmin => "role.county_admin",
        Role::SystemAdmin => "role.system_admin",
    }
}

/// Pick the message of a bilingual pair for the current language.
pub fn pick(locale: Locale, e: &FieldError) -> String {
    match locale {
        Locale::ZhCn => e.message.clone(),
        Locale::En => e.message_en.clone(),
    }
}

/// Set `document.title` for a page, following the language.
pub fn page_title(key: &'static str) {
    let title = tr(key);
    let app = tr("app.name");
    Effect::new(move |_| {
        document().set_title(&format!("{} - {}", title(), app()));
    });
}
