//! County and system admins: category deadlines, and next year's holiday notice or a
//! community's own exceptions.

use crate::api;
use crate::i18n::{page_title, pick, tr};
use crate::state::{Prefs, Session};
use anju_domain::category::{Category, UpdateCategoryRequest};
use anju_domain::deadline::{ClockKind, TargetName};
use anju_domain::{FieldError, JurisdictionView, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

fn target_key(t: TargetName) -> &'static str {
    match t {
        TargetName::Acknowledge => "target.acknowledge",
        TargetName::OnSite => "target.on_site",
        TargetName::Resolve => "target.resolve",
        TargetName::Answer => "target.answer",
    }
}

fn unit_key(c: ClockKind) -> &'static str {
    match c {
        ClockKind::RealTime => "policy.minutes",
        ClockKind::WorkingHours => "policy.working_hours",
        ClockKind::WorkingDays => "policy.working_days",
    }
}

fn first_error(e: &anju_domain::ErrorEnvelope) -> FieldError {
    e.fields
        .values()
        .next()
        .cloned()
        .unwrap_or_else(|| FieldError::new(e.message.clone(), e.message_en.clone()))
}

#[component]
fn CategoryEditor(category: Category) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let name = RwSignal::new(category.name.clone());
    let name_en = RwSignal::new(category.name_en.clone());
    let amounts: Vec<RwSignal<String>> = category
        .targets
        .iter()
        .map(|t| RwSignal::new(t.amount.to_string()))
        .collect();
    let status = RwSignal::new(None::<Result<(), FieldError>>);
    let code = category.code.clone();
    let targets = category.targets.clone();
    let amounts_for_save = amounts.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut edited = targets.clone();
        for (t, a) in edited.iter_mut().zip(&amounts_for_save) {
            t.amount = a.get_untracked().trim().parse().unwrap_or(0);
        }
        let req = UpdateCategoryRequest {
            name: name.get_untracked(),
            name_en: name_en.get_untracked(),
            targets: edited,
        };
        let code = code.clone();
        spawn_local(async move {
            status.set(Some(
                api::update_category(&code, &req)
                    .await
                    .map(|_| ())
                    .map_err(|e| first_error(&e)),
            ));
        });
    };
    let id = |field: &str| format!("{}-{field}", category.code);
    view! {
        <form class="form case-card" on:submit=save novalidate>
            <h3 class="case-card__title">{category.name.clone()} " " <span class="mono">{category.code.clone()}</span></h3>
            <div class="field">
                <label for=id("name")>{tr("policy.name")}</label>
                <input id=id("name") type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for=id("name-en")>{tr("policy.name_en")}</label>
                <input id=id("name-en") type="text" prop:value=move || name_en.get() on:input=move |ev| name_en.set(event_target_value(&ev)) />
            </div>
            {category.targets.iter().zip(amounts).map(|(t, amount)| {
                let field_id = id(t.name.as_str());
                view! {
                    <div class="field">
                        <label for=field_id.clone()>{tr(target_key(t.name))} " (" {tr(unit_key(t.clock))} ")"</label>
                        <input id=field_id type="number" inputmode="numeric" min="1"
                            prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) />
                    </div>
                }
            }).collect_view()}
            {move || status.get().map(|s| match s {
                Ok(()) => view! { <p role="status">{tr("policy.saved")}</p> }.into_any(),
                Err(e) => view! { <p class="field-error" role="alert">{pick(locale.get(), &e)}</p> }.into_any(),
            })}
            <button type="submit" class="button button--secondary">{tr("policy.save")}</button>
        </form>
    }
}

#[component]
pub fn Policy() -> impl IntoView {
    page_title("policy.title");
    let locale = expect_context::<Prefs>().locale;
    let session = expect_context::<Session>();
    let system_admin = session
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.role == Role::SystemAdmin));
    let categories = RwSignal::new(Vec::<Category>::new());
    let communities = RwSignal::new(Vec::<JurisdictionView>::new());
    let scope = RwSignal::new(if system_admin { 0i64 } else { -1 });
    let notice = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<i64, FieldError>>);
    let hours_community = RwSignal::new(0i64);
    let hours = RwSignal::new("08:00-18:00".to_owned());
    let hours_result = RwSignal::new(None::<Result<(), FieldError>>);
    spawn_local(async move {
        if let Ok(list) = api::case_categories().await {
            categories.set(list);
        }
        if let Ok(list) = api::staff_communities().await {
            if let Some(first) = list.first() {
                hours_community.set(first.id);
                if !system_admin {
                    scope.set(first.id);
                }
            }
            communities.set(list);
        }
    });
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let community = match scope.get_untracked() {
            0 => None,
            id => Some(id),
        };
        let text = notice.get_untracked();
        spawn_local(async move {
            let r = api::add_calendar_notice(community, &text).await;
            result.set(Some(
                r.map(|v| v["days"].as_i64().unwrap_or(0))
                    .map_err(|e| first_error(&e)),
            ));
        });
    };
    let save_hours = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (community, text) = (hours_community.get_untracked(), hours.get_untracked());
        spawn_local(async move {
            hours_result.set(Some(
                api::set_working_hours(community, &text)
                    .await
                    .map_err(|e| first_error(&e)),
            ));
        });
    };
    view! {
        <h1>{tr("policy.title")}</h1>
        <h2>{tr("policy.categories")}</h2>
        <p>{tr("policy.categories_intro")}</p>
        {move || categories.get().into_iter().map(|c| view! { <CategoryEditor category=c /> }).collect_view()}

        <h2>{tr("policy.calendar")}</h2>
        <p>{tr("policy.calendar_intro")}</p>
        <form class="form" on:submit=apply novalidate>
            <div class="field">
                <label for="scope">{tr("policy.scope")}</label>
                <select id="scope" on:change=move |ev| scope.set(event_target_value(&ev).parse().unwrap_or(-1))>
                    {system_admin.then(|| view! { <option value="0">{tr("policy.national")}</option> })}
                    {move || communities.get().into_iter().map(|c| view! {
                        <option value=c.id.to_string()>{c.path.join(" / ")}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="notice">{tr("policy.notice")}</label>
                <textarea id="notice" rows="8" class="mono" prop:value=move || notice.get()
                    on:input=move |ev| notice.set(event_target_value(&ev))></textarea>
            </div>
            {move || result.get().map(|r| match r {
                Ok(n) => view! { <p role="status">{tr("policy.applied")} " " {n}</p> }.into_any(),
                Err(e) => view! { <p class="field-error" role="alert">{pick(locale.get(), &e)}</p> }.into_any(),
            })}
            <button type="submit" class="button">{tr("policy.apply")}</button>
        </form>

        <h2>{tr("policy.hours")}</h2>
        <p>{tr("policy.hours_intro")}</p>
        <form class="form" on:submit=save_hours novalidate>
            <div class="field">
                <label for="hours-community">{tr("callbacks.community")}</label>
                <select id="hours-community" on:change=move |ev| hours_community.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {move || communities.get().into_iter().map(|c| view! {
                        <option value=c.id.to_string()>{c.path.join(" / ")}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="hours">{tr("policy.hours_field")}</label>
                <input id="hours" type="text" inputmode="numeric" prop:value=move || hours.get()
                    on:input=move |ev| hours.set(event_target_value(&ev)) />
            </div>
            {move || hours_result.get().map(|r| match r {
                Ok(()) => view! { <p role="status">{tr("policy.saved")}</p> }.into_any(),
                Err(e) => view! { <p class="field-error" role="alert">{pick(locale.get(), &e)}</p> }.into_any(),
            })}
            <button type="submit" class="button button--secondary">{tr("policy.save")}</button>
        </form>
    }
}
