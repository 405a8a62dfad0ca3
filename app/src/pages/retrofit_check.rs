//! The public eligibility check: one question per screen, questions that cannot matter
//! skipped, answers kept when going back, and a result in plain words with what to do next.
//! The next question and an instant answer come from `anju_domain::eligibility` here in the
//! browser; the result shown is the server's (the same code, with the county's settings).

use crate::api;
use crate::components::draft::{Draft, DraftKept};
use crate::components::outcome::OutcomePanel;
use crate::components::questions::QuestionScreen;
use crate::components::screen::focus_new_step;
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

/// The answers so far, kept on the device: a reload or Back resumes the check where it was.
/// Not the ID number or the answers about health and disability: those are asked again (a
/// phone may be shared, and such data is kept only encrypted, on the server).
#[derive(serde::Serialize, serde::Deserialize)]
struct CheckDraft {
    answers: EligibilityAnswers,
    community: Option<i64>,
    history: Vec<Question>,
}

/// The county's settings for the chosen community (they decide some questions).
fn load_rules(
    answers: EligibilityAnswers,
    community: Option<i64>,
    rules: RwSignal<Option<CountyRules>>,
) {
    let req = EligibilityCheckRequest {
        answers,
        community_id: community,
    };
    spawn_local(async move {
        match api::eligibility(&req).await {
            Ok(view) => rules.set(view.rules),
            // Offline: assume the county does not cover 低保; the result says so.
            Err(_) => rules.set(Some(CountyRules::default())),
        }
    });
}

/// The questions whose answers are not kept on the device.
const NOT_KEPT: [Question; 4] = [
    Question::IdNumber,
    Question::AlreadyRecognised,
    Question::Activities,
    Question::DisabilityCertificate,
];

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
            load_rules(answers.get_untracked(), community.get_untracked(), rules);
        }
        focus_new_step();
    };
    let draft = Draft::for_form("eligibility");
    let restored = draft.keep(
        move |d: CheckDraft| {
            if d.history.contains(&Question::Place) {
                load_rules(d.answers.clone(), d.community, rules);
            }
            answers.set(d.answers);
            community.set(d.community);
            history.set(d.history);
            started.set(true);
        },
        move || {
            started.get().then(|| {
                let mut kept = answers.get();
                kept.id_number = None;
                kept.activities_needing_help = None;
                kept.already_recognised_disabled = None;
                kept.disability_certificate = None;
                let history = history.with(|h| {
                    h.iter()
                        .copied()
                        .filter(|q| !NOT_KEPT.contains(q))
                        .collect()
                });
                CheckDraft {
                    answers: kept,
                    community: community.get(),
                    history,
                }
            })
        },
    );
    let discard = Callback::new(move |()| {
        draft.discard();
        answers.set(EligibilityAnswers::default());
        community.set(None);
        history.set(Vec::new());
        revisit.set(None);
        outcome.set(None);
        started.set(false);
        focus_new_step();
    });
    let back = move |_| {
        let previous = history.try_update(|h| h.pop()).flatten();
        match previous {
            Some(q) => revisit.set(Some(q)),
            None => started.set(false),
        }
        focus_new_step();
    };

    view! {
        <DraftKept restored on_discard=discard note="draft.not_sensitive" />
        {move || if !started.get() {
            // On a visit's first page these two came with it (taken over, not drawn again).
            let sent = crate::components::shell::adopt(&anju_domain::bundle::SENT_CHECK);
            view! {
                {(!sent).then(|| view! {
                    <h1>{tr("check.title")}</h1>
                    <p class="lead">{tr("check.intro")}</p>
                })}
                <ul class="plain-list">
                    <li>{tr("check.need_id")}</li>
                    <li>{tr("check.takes")}</li>
                </ul>
                <button type="button" class="button button--large" on:click=move |_| { started.set(true); focus_new_step(); }>{tr("check.start")}</button>
            }.into_any()
        } else {
            // The questions replace the introduction, also the one the page came with.
            crate::components::shell::leave();
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
