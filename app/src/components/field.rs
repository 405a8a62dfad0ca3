//! Form fields with a visible label, optional hint and an error tied to the input, plus the
//! error summary shown above a form (GOV.UK pattern).

use crate::i18n::{pick, tr};
use crate::state::Prefs;
use anju_domain::FieldError;
use leptos::html;
use leptos::prelude::*;
use std::collections::BTreeMap;

pub type FieldErrors = BTreeMap<String, FieldError>;

#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    /// For passwords: when set and true, the text is shown.
    #[prop(optional)]
    reveal: Option<RwSignal<bool>>,
) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    // On a screen that keeps what is typed; never an ID number or a password.
    let secret = reveal.is_some() || kind == "password" || id.contains("id_number");
    if let Some(kept) = use_context::<crate::components::draft::KeptFields>() {
        if !secret {
            kept.join(id, value);
        }
    }
    let error = move || errors.with(|e| e.get(id).map(|err| pick(locale.get(), err)));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let input_type = move || match reveal {
        Some(r) if !r.get() => "password",
        Some(_) => "text",
        None => kind,
    };
    view! {
        <div class="field" class:field--error=move || error().is_some()>
            <label for=id>{tr(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{tr(h)}</p> })}
            {
                let error_id = error_id.clone();
                move || error().map(|msg| view! { <p class="field-error" id=error_id.clone()>{msg}</p> })
            }
            <input
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

/// Lists every field error with a link to the field; takes focus when errors appear so screen
/// readers announce them.
#[component]
pub fn ErrorSummary(
    errors: RwSignal<FieldErrors>,
    general: RwSignal<Option<FieldError>>,
    /// The form's fields in the order it shows them; errors are listed so (others after).
    #[prop(optional)]
    order: &'static [&'static str],
) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        let any = errors.with(|e| !e.is_empty()) || general.with(Option::is_some);
        if any {
            if let Some(el) = node.get() {
                let _ = el.focus();
            }
        }
    });
    move || {
        let has_errors = errors.with(|e| !e.is_empty()) || general.with(Option::is_some);
        has_errors.then(|| {
            let items = errors.with(|e| {
                let mut listed: Vec<_> = e.iter().collect();
                listed.sort_by_key(|(field, _)| {
                    order.iter().position(|f| f == field).unwrap_or(order.len())
                });
                listed
                    .into_iter()
                    .map(|(field, err)| {
                        let href = format!("#{}", field_anchor(field));
                        view! { <li><a href=href>{pick(locale.get(), err)}</a></li> }
                    })
                    .collect_view()
            });
            view! {
                <div class="error-summary" role="alert" tabindex="-1" node_ref=node>
                    <h2>{tr("errors.summary")}</h2>
                    {move || general.get().map(|g| view! { <p>{pick(locale.get(), &g)}</p> })}
                    <ul>{items}</ul>
                </div>
            }
        })
    }
}

/// The input id an error field refers to (`building_id` is chosen with the `building` select).
fn field_anchor(field: &str) -> &str {
    match field {
        "building_id" => "building",
        other => other,
    }
}

/// "Show password": the box that reveals what was typed in a password field given `reveal`.
#[component]
pub fn ShowPassword(reveal: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="checkbox">
            <input id="show-password" type="checkbox"
                prop:checked=move || reveal.get()
                on:change=move |ev| reveal.set(event_target_checked(&ev)) />
            <label for="show-password">{tr("signin.show_password")}</label>
        </div>
    }
}
