//! One case in a list: reference, category, status and the deadline in plain words.

use crate::format::{duration, minutes_left, short_time};
use crate::i18n::{text, tr};
use crate::state::Prefs;
use anju_domain::complaint::{CaseState, CaseSummary, CaseView};
use anju_domain::Locale;
use leptos::prelude::*;
use leptos_router::components::A;

pub fn state_key(s: CaseState) -> &'static str {
    match s {
        CaseState::Submitted => "state.submitted",
        CaseState::Acknowledged => "state.acknowledged",
        CaseState::Assigned => "state.assigned",
        CaseState::OnSite => "state.on_site",
        CaseState::Paused => "state.paused",
        CaseState::WaitingForResident => "state.waiting_for_resident",
        CaseState::Resolved => "state.resolved",
        CaseState::Closed => "state.closed",
    }
}

/// "预计 11月30日 18:00 前处理", or "已超时" — from the first unmet target with a due time.
pub fn due_line(case: &CaseView, locale: Locale) -> Option<(String, bool)> {
    if case.state.is_handled() {
        return None;
    }
    let due = case.due.iter().find(|d| !d.met && d.due_at.is_some())?;
    let at = due.due_at.as_deref()?;
    Some((due_text(at, locale), due.overdue))
}

fn due_text(at: &str, locale: Locale) -> String {
    text(locale, "cases.due").replace("{}", &short_time(at, locale))
}

pub fn category_name(case: &CaseView, locale: Locale) -> String {
    name_in(&case.category_name, &case.category_name_en, locale)
}

fn name_in(zh: &str, en: &str, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => zh.to_owned(),
        Locale::En => en.to_owned(),
    }
}

#[component]
pub fn CaseCard(case: CaseSummary, #[prop(optional)] staff: bool) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let href = format!("/complaints/{}", case.id);
    let state = case.state;
    let (zh, en) = (case.category_name.clone(), case.category_name_en.clone());
    view! {
        <article class="case-card">
            <h3 class="case-card__title">
                <A href=href>{move || name_in(&zh, &en, locale.get())}</A>
            </h3>
            <p class="case-card__meta">{tr("cases.reference")} " " <span class="mono">{case.reference.clone()}</span>
                {staff.then(|| format!(" · {} · {}", case.community, case.resident_name))}</p>
            <p class="case-card__state">{tr(state_key(state))}</p>
            {move || case.due_at.as_deref().filter(|_| !state.is_handled()).map(|at| {
                let overdue = case.overdue;
                let extra = match (staff, minutes_left(at)) {
                    (true, Some(m)) if m >= 0 => format!(" ({} {})", text(locale.get(), "queue.left"), duration(m, locale.get())),
                    (true, Some(m)) => format!(" (+{})", duration(m, locale.get())),
                    _ => String::new(),
                };
                view! {
                    <p class="case-card__due" class:overdue=overdue>
                        {overdue.then(|| view! { <strong class="badge">{text(locale.get(), "cases.overdue")}</strong> " " })}
                        {due_text(at, locale.get())}{extra}
                    </p>
                }
            })}
        </article>
    }
}
