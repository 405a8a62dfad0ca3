//! The public eligibility check: one question per screen, questions that cannot matter
//! skipped, answers kept when going back, and a result in plain words with what to do next.
//! The next question and an instant answer come from `anju_domain::eligibility` here in the
//! browser; the result shown is the server's (the same code, with the county's settings).

use crate::api;
use crate::components::outcome::OutcomePanel;
use crate::components::questions::QuestionScreen;
use crate::components::screen::scroll_to_top;
use crate::i18n::{page_title, tr};
use anju_domain::eligibility::{
    check, CountyRules, EligibilityAnswers, EligibilityCheckRequest, Outcome, Question,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Today in Asia/Shanghai, where the 80th birthday is counted.
pub fn today_shanghai() -> chrono::NaiveDate {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        js_sys::Date::now() + 8.0 * 3600.0 * 1000.0,
    ));
    chrono::NaiveDate::from_ymd_opt(
        d.get_utc_full_year() as i32,
        d.get_utc_month() + 1,
        d.get_utc_date(),
    )
    .unwrap_or_default()
}

#[component]
pub fn RetrofitCheck() -> impl IntoView {
    page_title("check.title");
    let answers = RwSignal::new(EligibilityAnswers::default());
    let community = RwSignal::new(None::<i64>);
    let rules = RwSignal::new(None::<CountyRules>);
    // Questions answered, in order, so "back" can return to each.
    let history = RwSignal::new(Vec::<Question>::new());
    // A question revisited through "back": shown until answered again.
    let revisit = RwSignal::new(None::<Question>);
    let outcome = RwSignal::new(None::<Outcome>);
    let started = RwSignal::new(false);

    let next = move || check(&answers.get(), rules.get(), today_shanghai()).next_question;
    let current = move || revisit.get().or_else(next);

    // The server has the last word on the result (and knows the county's switches).
    Effect::new(move |_| {
        if started.get() && current().is_none() {
            let req = EligibilityCheckRequest {
                answers: answers.get_untracked(),
                community_id: community.get_untracked(),
            };
            outcome.set(check(&req.answers, rules.get_untracked(), today_shanghai()).outcome);
            spawn_local(async move {
                if let Ok(view) = api::eligibility(&req).await {
                    if view.outcome.is_some() {
                        outcome.set(view.outcome);
                    }
                }
            });
        }
    });

    let answered = move |q: Question| {
        revisit.set(None);
        history.update(|h| {
            h.retain(|x| *x != q);
            h.push(q);
        });
        if q == Question::Place {
            let req = EligibilityCheckRequest {
                answers: answers.get_untracked(),
                community_id: community.get_untracked(),
            };
            spawn_local(async move {
                match api::eligibility(&req).await {
                    Ok(view) => rules.set(view.rules),
                    // Offline: assume the county does not cover 低保; the result says so.
                    Err(_) => rules.set(Some(CountyRules::default())),
                }
            });
        }
        scroll_to_top();
    };
    let back = move |_| {
        let previous = history.try_update(|h| h.pop()).flatten();
        match previous {
            Some(q) => revisit.set(Some(q)),
            None => started.set(false),
        }
        scroll_to_top();
    };

    view! {
        {move || if !started.get() {
            view! {
                <h1>{tr("check.title")}</h1>
                <p class="lead">{tr("check.intro")}</p>
                <ul class="plain-list">
                    <li>{tr("check.need_id")}</li>
                    <li>{tr("check.takes")}</li>
                </ul>
                <button type="button" class="button button--large" on:click=move |_| started.set(true)>{tr("check.start")}</button>
            }.into_any()
        } else {
            view! {
                <button type="button" class="link-button back-link" on:click=back>{tr("check.back")}</button>
                {move || match current() {
                    Some(q) => view! {
                        <QuestionScreen question=q answers=answers community=community on_answer=Callback::new(move |_| answered(q)) />
                    }.into_any(),
                    None => view! {
                        <OutcomePanel outcome=outcome />
                        <p class="actions">
                            <a href="/retrofit" class="button">{tr("check.apply")}</a>
                        </p>
                    }.into_any(),
                }}
            }.into_any()
        }}
    }
}
