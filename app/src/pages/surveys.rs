//! The surveys service: residents see the surveys open for their community; staff start a
//! survey from the property-service template in one click and find each survey's editor,
//! door-to-door collection and results.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::i18n::{page_title, tr};
use crate::state::Session;
use anju_domain::access::Capability;
use anju_domain::survey_api::{SaveSurveyRequest, SurveyStatus, SurveySummary};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

pub fn status_key(s: SurveyStatus) -> &'static str {
    match s {
        SurveyStatus::Draft => "survey.status_draft",
        SurveyStatus::Open => "survey.status_open",
        SurveyStatus::Scheduled => "survey.status_scheduled",
        SurveyStatus::Closed => "survey.status_closed",
    }
}

/// Today and a date `days` later, as `YYYY-MM-DD` in Asia/Shanghai.
pub fn day_after(days: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        js_sys::Date::now() + (8 * 3600 + days * 86400) as f64 * 1000.0,
    ));
    format!(
        "{:04}-{:02}-{:02}",
        d.get_utc_full_year(),
        d.get_utc_month() + 1,
        d.get_utc_date()
    )
}

#[component]
pub fn SurveysHome() -> impl IntoView {
    page_title("survey.title");
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let list = RwSignal::new(None::<Vec<SurveySummary>>);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    // Staff who run surveys (community, street, county) see the organiser's list; residents
    // their own; other staff (assessors, builders) are told who runs them.
    let staff = move || {
        session
            .user
            .with(|u| u.as_ref().map(|u| u.role.can(Capability::RunSurveys)))
    };
    let other_staff = move || {
        session.user.with(|u| {
            u.as_ref()
                .is_some_and(|u| u.role.is_staff() && !u.role.can(Capability::RunSurveys))
        })
    };
    Effect::new(move |_| {
        if staff().is_some() && !other_staff() {
            spawn_local(async move {
                if let Ok(l) = api::surveys().await {
                    list.set(Some(l));
                }
            });
        }
    });
    let from_template = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            let (Ok(definition), Ok(communities)) =
                (api::survey_template().await, api::staff_communities().await)
            else {
                general.set(Some(FieldError::new(
                    "暂时无法新建，请稍后再试",
                    "Cannot start a survey now; try again later",
                )));
                return;
            };
            let req = SaveSurveyRequest {
                definition,
                community_ids: communities.iter().map(|c| c.id).collect(),
                opens_on: day_after(0),
                closes_on: day_after(30),
                target_percent: None,
                min_sample: None,
            };
            match api::create_survey(&req).await {
                Ok(s) => navigate(&format!("/surveys/{}/edit", s.id), Default::default()),
                Err(e) => {
                    errors.set(e.fields.clone());
                    general.set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
        });
    };
    view! {
        <h1>{tr("survey.title")}</h1>
        <p class="lead">{tr("survey.intro")}</p>
        <ErrorSummary errors=errors general=general />
        {move || match staff() {
            None => view! {
                <p>{tr("survey.sign_in_first")}</p>
                <p><A href="/sign-in?next=/surveys" attr:class="button">{tr("nav.sign_in")}</A></p>
            }.into_any(),
            Some(true) => view! {
                <p><button type="button" class="button" on:click=from_template.clone()>{tr("survey.new_from_template")}</button></p>
            }.into_any(),
            Some(false) if other_staff() => view! { <p>{tr("survey.not_for_role")}</p> }.into_any(),
            Some(false) => ().into_any(),
        }}
        {move || list.get().map(|items| {
            let is_staff = staff() == Some(true);
            if items.is_empty() {
                return view! { <p>{tr(if is_staff { "survey.none_staff" } else { "survey.none" })}</p> }.into_any();
            }
            view! {
                <ul class="case-list">
                    {items.into_iter().map(|s| {
                        let id = s.id;
                        let (t1, t2, t3, t4) = (s.title.clone(), s.title.clone(), s.title.clone(), s.title.clone());
                        view! {
                            <li class="case-card">
                                <h2 class="case-card__title">{s.title.clone()}</h2>
                                <p class="case-card__meta">{tr(status_key(s.status))} " · " {s.opens_on.clone()} " – " {s.closes_on.clone()}</p>
                                {if is_staff {
                                    view! {
                                        <p class="actions">
                                            <A href=format!("/surveys/{id}/edit") attr:class="button button--secondary">{tr("survey.edit")}<span class="visually-hidden">{t1}</span></A>
                                            <A href=format!("/surveys/{id}/collect") attr:class="button button--secondary">{tr("survey.collect")}<span class="visually-hidden">{t2}</span></A>
                                            <A href=format!("/surveys/{id}/results") attr:class="button button--secondary">{tr("survey.results")}<span class="visually-hidden">{t3}</span></A>
                                        </p>
                                    }.into_any()
                                } else {
                                    view! {
                                        <p class="case-card__state">{tr(if s.answered { "survey.answered" } else { "survey.not_answered" })}</p>
                                        <p><A href=format!("/surveys/{id}") attr:class="button">{tr(if s.answered { "survey.change" } else { "survey.start" })}<span class="visually-hidden">{t4}</span></A></p>
                                    }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}
