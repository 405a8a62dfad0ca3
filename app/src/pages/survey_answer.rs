//! A resident answers a survey for their household: one question per screen in 长辈版, a page
//! of questions at a time otherwise. Answers in progress are kept on the device, so leaving
//! and coming back loses nothing; the household's answers can be changed until it closes.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::components::screen::focus_new_step;
use crate::components::survey_question::SurveyQuestionInput;
use crate::i18n::{page_title, tr};
use crate::state::{submission_key, Prefs};
use anju_domain::survey::{check_response, Answers, SurveyQuestion};
use anju_domain::survey_api::{AnswerRequest, SurveyView};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

fn storage_key(view: &SurveyView) -> String {
    format!("anju.survey.{}.v{}", view.id, view.version)
}

fn saved_progress(key: &str) -> Option<Answers> {
    let store = window().local_storage().ok().flatten()?;
    serde_json::from_str(&store.get_item(key).ok().flatten()?).ok()
}

fn save_progress(key: &str, answers: &Answers) {
    if let Some(store) = window().local_storage().ok().flatten() {
        let _ = store.set_item(key, &serde_json::to_string(answers).unwrap_or_default());
    }
}

#[component]
pub fn SurveyAnswer() -> impl IntoView {
    page_title("survey.title");
    let params = use_params_map();
    let prefs = expect_context::<Prefs>();
    let survey = RwSignal::new(None::<SurveyView>);
    let answers = RwSignal::new(Answers::new());
    let step = RwSignal::new(0usize);
    let done = RwSignal::new(false);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(id) = params.read().get("id").and_then(|s| s.parse::<i64>().ok()) {
            spawn_local(async move {
                match api::survey(id).await {
                    Ok(v) => {
                        let start = saved_progress(&storage_key(&v))
                            .or_else(|| v.my_answers.clone())
                            .unwrap_or_default();
                        answers.set(start);
                        survey.set(Some(v));
                    }
                    Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
                }
            });
        }
    });
    Effect::new(move |_| {
        let a = answers.get();
        if let Some(v) = survey.get_untracked() {
            save_progress(&storage_key(&v), &a);
        }
    });
    // Screens: one question each in 长辈版, otherwise the survey's own pages.
    let screens = move || -> Vec<Vec<SurveyQuestion>> {
        let Some(v) = survey.get() else {
            return Vec::new();
        };
        if prefs.elder.get() {
            return v
                .definition
                .questions
                .iter()
                .map(|q| vec![q.clone()])
                .collect();
        }
        let mut pages: Vec<(u32, Vec<SurveyQuestion>)> = Vec::new();
        for q in &v.definition.questions {
            match pages.iter_mut().find(|(p, _)| *p == q.page) {
                Some((_, list)) => list.push(q.clone()),
                None => pages.push((q.page, vec![q.clone()])),
            }
        }
        pages.sort_by_key(|(p, _)| *p);
        pages.into_iter().map(|(_, l)| l).collect()
    };
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(v) = survey.get_untracked() else {
            return;
        };
        let all = screens();
        let i = step.get_untracked().min(all.len().saturating_sub(1));
        // Check this screen's questions with the same rules the server applies.
        let problems = check_response(&v.definition, &answers.get_untracked());
        let here: FieldErrors = problems
            .into_iter()
            .filter(|(k, _)| all.get(i).is_some_and(|qs| qs.iter().any(|q| &q.id == k)))
            .collect();
        if !here.is_empty() {
            errors.set(here);
            return;
        }
        errors.set(FieldErrors::new());
        if i + 1 < all.len() {
            step.set(i + 1);
            focus_new_step();
            return;
        }
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let req = AnswerRequest {
            client_key: submission_key(),
            version: v.version,
            answers: answers.get_untracked(),
        };
        spawn_local(async move {
            match api::answer_survey(v.id, &req).await {
                Ok(updated) => {
                    if let Some(store) = window().local_storage().ok().flatten() {
                        let _ = store.remove_item(&storage_key(&updated));
                    }
                    survey.set(Some(updated));
                    done.set(true);
                    focus_new_step();
                }
                Err(e) => {
                    errors.set(e.fields.clone());
                    general.set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
            busy.set(false);
        });
    };
    let back = move |_| {
        step.update(|s| *s = s.saturating_sub(1));
        errors.set(FieldErrors::new());
        focus_new_step();
    };
    view! {
        <ErrorSummary errors=errors general=general />
        {move || {
            let Some(v) = survey.get() else { return view! { <p class="loading" role="status">{tr("app.loading")}</p> }.into_any() };
            if done.get() {
                return view! {
                    <div class="panel-confirmation">
                        <h1>{tr("survey.thanks")}</h1>
                        <p>{tr("survey.thanks_detail")}</p>
                    </div>
                    <p class="actions">
                        <button type="button" class="button button--secondary" on:click=move |_| { done.set(false); step.set(0); focus_new_step(); }>{tr("survey.change")}</button>
                        <a href="/surveys" class="button">{tr("survey.back_to_list")}</a>
                    </p>
                }.into_any();
            }
            let all = screens();
            let i = step.get().min(all.len().saturating_sub(1));
            let total = all.len();
            let qs = all.get(i).cloned().unwrap_or_default();
            let one = qs.len() == 1;
            let last = i + 1 == total;
            view! {
                <p class="caption">{v.definition.title.clone()}</p>
                {(!one).then(|| view! { <h1>{v.definition.title.clone()}</h1> })}
                {(i == 0 && !v.definition.intro.is_empty()).then(|| view! { <p class="lead">{v.definition.intro.clone()}</p> })}
                {v.my_answers.is_some().then(|| view! { <p class="panel-notice">{tr("survey.already_answered")}</p> })}
                <p class="hint">{tr("survey.progress")} " " {i + 1} " / " {total}</p>
                <form class="form" on:submit=next novalidate>
                    {qs.into_iter().map(|q| view! { <SurveyQuestionInput question=q answers=answers errors=errors heading=one /> }).collect_view()}
                    <p class="actions">
                        {(i > 0).then(|| view! { <button type="button" class="button button--secondary" on:click=back>{tr("check.back")}</button> })}
                        <button type="submit" class="button button--large" disabled=move || busy.get()>{tr(if last { "survey.submit" } else { "q.continue" })}</button>
                    </p>
                </form>
            }.into_any()
        }}
    }
}
