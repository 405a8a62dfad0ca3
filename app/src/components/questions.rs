//! One eligibility question per screen (GOV.UK "check a service is suitable"): the question
//! is the page heading, the answer already given is pre-selected, and "continue" stores the
//! answer. Used by the public check and by the application's eligibility task.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::i18n::tr;
use anju_domain::eligibility::{CoveredGroup, EligibilityAnswers, Question};
use anju_domain::id_number::IdNumber;
use anju_domain::{FieldError, JurisdictionView};
use leptos::prelude::*;
use leptos::task::spawn_local;

pub fn question_key(q: Question) -> &'static str {
    match q {
        Question::IdNumber => "q.id_number",
        Question::Place => "q.place",
        Question::Group => "q.group",
        Question::Ownership => "q.ownership",
        Question::Safety => "q.safety",
        Question::Demolition => "q.demolition",
        Question::AlreadyRetrofitted => "q.already_retrofitted",
        Question::AlreadyRecognised => "q.already_recognised",
        Question::Activities => "q.activities",
        Question::DisabilityCertificate => "q.certificate",
        Question::StayElsewhere => "q.stay_elsewhere",
    }
}

fn hint_key(q: Question) -> Option<&'static str> {
    match q {
        Question::IdNumber => Some("q.id_number_hint"),
        Question::Group => Some("q.group_hint"),
        Question::Ownership => Some("q.ownership_hint"),
        Question::AlreadyRecognised => Some("q.already_recognised_hint"),
        Question::Activities => Some("q.activities_hint"),
        Question::DisabilityCertificate => Some("q.certificate_hint"),
        Question::StayElsewhere => Some("q.stay_elsewhere_hint"),
        _ => None,
    }
}

fn yes_no(a: &EligibilityAnswers, q: Question) -> Option<bool> {
    match q {
        Question::Ownership => a.owns_or_long_term_use,
        Question::Safety => a.safe_to_retrofit,
        Question::Demolition => a.on_demolition_list,
        Question::AlreadyRetrofitted => a.already_retrofitted,
        Question::AlreadyRecognised => a.already_recognised_disabled,
        Question::DisabilityCertificate => a.disability_certificate,
        Question::StayElsewhere => a.can_stay_elsewhere,
        _ => None,
    }
}

fn set_yes_no(a: &mut EligibilityAnswers, q: Question, v: bool) {
    let slot = match q {
        Question::Ownership => &mut a.owns_or_long_term_use,
        Question::Safety => &mut a.safe_to_retrofit,
        Question::Demolition => &mut a.on_demolition_list,
        Question::AlreadyRetrofitted => &mut a.already_retrofitted,
        Question::AlreadyRecognised => &mut a.already_recognised_disabled,
        Question::DisabilityCertificate => &mut a.disability_certificate,
        Question::StayElsewhere => &mut a.can_stay_elsewhere,
        _ => return,
    };
    *slot = Some(v);
}

pub const GROUPS: [(CoveredGroup, &str); 4] = [
    (
        CoveredGroup::DispersedExtremePoverty,
        "group.dispersed_extreme_poverty",
    ),
    (
        CoveredGroup::LiftedOutOfPoverty,
        "group.lifted_out_of_poverty",
    ),
    (
        CoveredGroup::MinimumLivingAllowance,
        "group.minimum_living_allowance",
    ),
    (CoveredGroup::None, "group.none"),
];

const ACTIVITIES: [&str; 6] = [
    "q.activity_eat",
    "q.activity_dress",
    "q.activity_bed",
    "q.activity_toilet",
    "q.activity_walk",
    "q.activity_bathe",
];

/// A radio button with its label, as a large tap target.
#[component]
fn Radio(
    name: &'static str,
    value: String,
    label: &'static str,
    choice: RwSignal<String>,
) -> impl IntoView {
    let id = format!("{name}-{value}");
    let v = value.clone();
    let v2 = value.clone();
    view! {
        <div class="radio">
            <input
                type="radio"
                id=id.clone()
                name=name
                value=value
                prop:checked=move || choice.get() == v
                on:change=move |_| choice.set(v2.clone())
            />
            <label for=id>{tr(label)}</label>
        </div>
    }
}

/// One question; `on_answer` runs after the answer is stored in `answers` (and, for the
/// place question, in `community`).
#[component]
pub fn QuestionScreen(
    question: Question,
    answers: RwSignal<EligibilityAnswers>,
    community: RwSignal<Option<i64>>,
    on_answer: Callback<()>,
) -> impl IntoView {
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let initial = answers.with_untracked(|a| match question {
        Question::IdNumber => a.id_number.clone().unwrap_or_default(),
        Question::Place => community
            .get_untracked()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        Question::Group => a
            .group
            .and_then(|g| {
                GROUPS
                    .iter()
                    .find(|(x, _)| *x == g)
                    .map(|(_, k)| k.to_string())
            })
            .unwrap_or_default(),
        Question::Activities => String::new(),
        q => yes_no(a, q)
            .map(|b| if b { "yes" } else { "no" }.to_owned())
            .unwrap_or_default(),
    });
    let choice = RwSignal::new(initial);
    let ticked: [RwSignal<bool>; 6] = std::array::from_fn(|_| RwSignal::new(false));
    if question == Question::Activities {
        if let Some(n) = answers.with_untracked(|a| a.activities_needing_help) {
            for t in ticked.iter().take(usize::from(n)) {
                t.set(true);
            }
        }
    }
    let communities = RwSignal::new(Vec::<JurisdictionView>::new());
    if question == Question::Place {
        spawn_local(async move {
            if let Ok(list) = api::communities().await {
                communities.set(list);
            }
        });
    }
    let field = match question {
        Question::IdNumber => "id_number",
        Question::Place => "community",
        Question::Activities => "activities",
        _ => "answer",
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = choice.get_untracked();
        let mut problem = None;
        match question {
            Question::IdNumber => match IdNumber::parse(&value) {
                Ok(_) => answers.update(|a| a.id_number = Some(value.trim().to_owned())),
                Err(e) => problem = Some(e.message()),
            },
            Question::Place => match value.parse::<i64>() {
                Ok(id) => community.set(Some(id)),
                Err(_) => problem = Some(("请选择老人住的社区", "Choose the elder's community")),
            },
            Question::Group => match GROUPS.iter().find(|(_, k)| *k == value) {
                Some((g, _)) => answers.update(|a| a.group = Some(*g)),
                None => problem = Some(("请选择一项", "Choose one")),
            },
            Question::Activities => {
                let n = ticked.iter().filter(|t| t.get_untracked()).count() as u8;
                answers.update(|a| a.activities_needing_help = Some(n));
            }
            q => match value.as_str() {
                "yes" => answers.update(|a| set_yes_no(a, q, true)),
                "no" => answers.update(|a| set_yes_no(a, q, false)),
                _ => problem = Some(("请选择“是”或“否”", "Choose yes or no")),
            },
        }
        match problem {
            Some((zh, en)) => {
                let mut e = FieldErrors::new();
                e.insert(field.into(), FieldError::new(zh, en));
                errors.set(e);
            }
            None => {
                errors.set(FieldErrors::new());
                on_answer.run(());
            }
        }
    };
    let error = move || {
        errors.with(|e| e.get(field).cloned()).map(|e| {
            let locale = expect_context::<crate::state::Prefs>().locale;
            view! { <p class="field-error" id=format!("{field}-error")>{crate::i18n::pick(locale.get(), &e)}</p> }
        })
    };
    let body = match question {
        Question::IdNumber => view! {
            <input
                id="id_number"
                name="id_number"
                class="input--id"
                inputmode="text"
                autocomplete="off"
                maxlength="18"
                aria-describedby="id_number-hint"
                prop:value=move || choice.get()
                on:input=move |ev| choice.set(event_target_value(&ev))
            />
        }
        .into_any(),
        Question::Place => view! {
            <select id="community" name="community" on:change=move |ev| choice.set(event_target_value(&ev))>
                <option value="">{tr("q.place_choose")}</option>
                {move || communities.get().into_iter().map(|c| {
                    let id = c.id.to_string();
                    let selected = choice.get_untracked() == id;
                    view! { <option value=id selected=selected>{c.name}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
        Question::Group => GROUPS
            .iter()
            .map(|(_, key)| view! { <Radio name="group" value=key.to_string() label=key choice=choice /> })
            .collect_view()
            .into_any(),
        Question::Activities => ACTIVITIES
            .iter()
            .enumerate()
            .map(|(i, key)| {
                let id = format!("activity-{i}");
                let t = ticked[i];
                view! {
                    <div class="checkbox">
                        <input type="checkbox" id=id.clone() prop:checked=move || t.get() on:change=move |ev| t.set(event_target_checked(&ev)) />
                        <label for=id>{tr(key)}</label>
                    </div>
                }
            })
            .collect_view()
            .into_any(),
        _ => view! {
            <Radio name="yes_no" value="yes".to_owned() label="q.yes" choice=choice />
            <Radio name="yes_no" value="no".to_owned() label="q.no" choice=choice />
        }
        .into_any(),
    };
    let heading = tr(question_key(question));
    let labelled_input = matches!(question, Question::IdNumber | Question::Place);
    view! {
        <ErrorSummary errors=errors general=general />
        <form class="form question" on:submit=submit novalidate>
            {if labelled_input {
                let for_id = if question == Question::IdNumber { "id_number" } else { "community" };
                view! {
                    <div class="field" class:field--error=move || errors.with(|e| !e.is_empty())>
                        <h1><label for=for_id>{heading}</label></h1>
                        {hint_key(question).map(|h| view! { <p class="hint" id="id_number-hint">{tr(h)}</p> })}
                        {error}
                        {body}
                    </div>
                }.into_any()
            } else {
                view! {
                    <fieldset class="fieldset" class:field--error=move || errors.with(|e| !e.is_empty())>
                        <legend><h1 class="legend-heading">{heading}</h1></legend>
                        {hint_key(question).map(|h| view! { <p class="hint">{tr(h)}</p> })}
                        {error}
                        {body}
                    </fieldset>
                }.into_any()
            }}
            <button type="submit" class="button button--large">{tr("q.continue")}</button>
        </form>
    }
}
