//! User-facing text for pages: reactive lookups that follow the chosen language, role names,
//! and the page title. The catalogs themselves are read in [`crate::catalog`].

use crate::state::Prefs;
use anju_domain::{FieldError, Locale, Role};
use leptos::prelude::*;

pub use crate::catalog::text;

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
        Role::ProvinceOfficer => "role.province_officer",
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
