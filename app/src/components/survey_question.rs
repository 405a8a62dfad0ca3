//! One survey question as a form control: ratings, choices and yes/no as large radio buttons
//! or checkboxes inside a fieldset, short text as a text area. Used by residents and by
//! door-to-door collectors.

use crate::components::field::FieldErrors;
use crate::i18n::{pick, tr};
use crate::state::Prefs;
use anju_domain::survey::{Answer, Answers, QuestionKind, SurveyQuestion};
use leptos::prelude::*;

#[component]
fn Choice(
    name: String,
    id: String,
    label: String,
    multiple: bool,
    checked: Signal<bool>,
    on_pick: Callback<bool>,
) -> impl IntoView {
    let for_id = id.clone();
    view! {
        <div class=if multiple { "checkbox" } else { "radio" }>
            <input
                type=if multiple { "checkbox" } else { "radio" }
                id=id
                name=name
                prop:checked=move || checked.get()
                on:change=move |ev| on_pick.run(event_target_checked(&ev))
            />
            <label for=for_id>{label}</label>
        </div>
    }
}

#[component]
pub fn SurveyQuestionInput(
    question: SurveyQuestion,
    answers: RwSignal<Answers>,
    errors: RwSignal<FieldErrors>,
    /// The question is the page heading (one question per screen).
    #[prop(optional)]
    heading: bool,
) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let qid = question.id.clone();
    let error = {
        let qid = qid.clone();
        move || {
            errors
                .with(|e| e.get(&qid).cloned())
                .map(|e| view! { <p class="field-error">{pick(locale.get(), &e)}</p> })
        }
    };
    let set = {
        let qid = qid.clone();
        move |a: Option<Answer>| {
            answers.update(|m| match a {
                Some(a) => {
                    m.insert(qid.clone(), a);
                }
                None => {
                    m.remove(&qid);
                }
            })
        }
    };
    let current = {
        let qid = qid.clone();
        move || answers.with(|m| m.get(&qid).cloned())
    };
    let text = question.text.clone();
    let legend = if heading {
        view! { <legend><h1 class="legend-heading">{text.clone()}{(!question.required).then(|| view! { " " <span class="hint">{tr("survey.optional")}</span> })}</h1></legend> }.into_any()
    } else {
        view! { <legend>{text.clone()}{(!question.required).then(|| view! { " " <span class="hint">{tr("survey.optional")}</span> })}</legend> }.into_any()
    };
    let options: Vec<(String, Answer)> = match &question.kind {
        QuestionKind::Rating {
            low_label,
            high_label,
        } => (1u8..=5)
            .map(|n| {
                let end = match n {
                    1 => format!("（{low_label}）"),
                    5 => format!("（{high_label}）"),
                    _ => String::new(),
                };
                (format!("{n} 分{end}"), Answer::Rating(n))
            })
            .collect(),
        QuestionKind::SingleChoice { options } => options
            .iter()
            .map(|o| (o.clone(), Answer::Text(o.clone())))
            .collect(),
        QuestionKind::YesNo => vec![
            ("是".into(), Answer::YesNo(true)),
            ("否".into(), Answer::YesNo(false)),
        ],
        QuestionKind::MultiChoice { options } => options
            .iter()
            .map(|o| (o.clone(), Answer::Text(o.clone())))
            .collect(),
        QuestionKind::ShortText => Vec::new(),
    };
    let body = match question.kind.clone() {
        QuestionKind::ShortText => {
            let id = format!("q-{qid}");
            let current = current.clone();
            let set = set.clone();
            return view! {
                <div class="field" class:field--error=move || error().is_some()>
                    <label for=id.clone()>{if heading { view! { <h1 class="legend-heading">{text.clone()}</h1> }.into_any() } else { view! { <span>{text.clone()}</span> }.into_any() }}</label>
                    {error.clone()}
                    <textarea id=id maxlength="500"
                        prop:value=move || match current() { Some(Answer::Text(t)) => t, _ => String::new() }
                        on:input=move |ev| { let v = event_target_value(&ev); set(if v.trim().is_empty() { None } else { Some(Answer::Text(v)) }) }
                    ></textarea>
                </div>
            }
            .into_any();
        }
        QuestionKind::MultiChoice { .. } => options
            .into_iter()
            .enumerate()
            .map(|(i, (label, _))| {
                let (o1, o2) = (label.clone(), label.clone());
                let current = current.clone();
                let now = current.clone();
                let set = set.clone();
                let checked = Signal::derive(move || matches!(current(), Some(Answer::Choices(cs)) if cs.contains(&o1)));
                view! {
                    <Choice name=format!("q-{qid}") id=format!("q-{qid}-{i}") label=label multiple=true checked=checked
                        on_pick=Callback::new(move |on: bool| {
                            let mut cs = match now() {
                                Some(Answer::Choices(cs)) => cs,
                                _ => Vec::new(),
                            };
                            cs.retain(|c| *c != o2);
                            if on {
                                cs.push(o2.clone());
                            }
                            set((!cs.is_empty()).then_some(Answer::Choices(cs)));
                        }) />
                }
            })
            .collect_view()
            .into_any(),
        _ => options
            .into_iter()
            .enumerate()
            .map(|(i, (label, value))| {
                let v1 = value.clone();
                let current = current.clone();
                let set = set.clone();
                let checked = Signal::derive(move || current().as_ref() == Some(&v1));
                view! {
                    <Choice name=format!("q-{qid}") id=format!("q-{qid}-{i}") label=label multiple=false checked=checked
                        on_pick=Callback::new(move |_| set(Some(value.clone()))) />
                }
            })
            .collect_view()
            .into_any(),
    };
    view! {
        <fieldset class="fieldset survey-question" class:field--error=move || error().is_some()>
            {legend}
            {error.clone()}
            {body}
        </fieldset>
    }
    .into_any()
}
