//! The eligibility result in plain words: subsidised (on which ground, for which group),
//! self-paid only, or not eligible — each with the reason and what to do next.

use crate::components::questions::GROUPS;
use crate::i18n::{pick, tr};
use crate::state::Prefs;
use anju_domain::eligibility::{Ground, Outcome};
use anju_domain::FieldError;
use leptos::prelude::*;

pub fn ground_key(g: Ground) -> &'static str {
    match g {
        Ground::Age80 => "ground.age80",
        Ground::Disabled => "ground.disabled",
        Ground::CertifiedDisability => "ground.certified_disability",
    }
}

/// The result's title: the page heading on its own page, a section heading inside another.
#[component]
fn Title(key: &'static str, embedded: bool) -> impl IntoView {
    if embedded {
        view! { <h2>{tr(key)}</h2> }.into_any()
    } else {
        view! { <h1>{tr(key)}</h1> }.into_any()
    }
}

#[component]
pub fn OutcomePanel(
    outcome: RwSignal<Option<Outcome>>,
    #[prop(optional)] embedded: bool,
) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let reasons = move |list: Vec<anju_domain::eligibility::Reason>| {
        view! {
            <ul>
                {list.into_iter().map(|r| {
                    let (zh, en) = r.message();
                    let e = FieldError::new(zh, en);
                    view! { <li>{move || pick(locale.get(), &e)}</li> }
                }).collect_view()}
            </ul>
        }
    };
    move || match outcome.get() {
        None => view! { <p role="status">{tr("app.loading")}</p> }.into_any(),
        Some(Outcome::Subsidised {
            group,
            grounds,
            street_office_arranges_stay,
            must_arrange_stay,
        }) => {
            let group_key = GROUPS
                .iter()
                .find(|(g, _)| *g == group)
                .map(|(_, k)| *k)
                .unwrap_or("group.none");
            view! {
                <div class="panel-result panel-result--yes" role="status">
                    <Title key="outcome.subsidised" embedded=embedded />
                    <p>{tr("outcome.group")} " " <strong>{tr(group_key)}</strong></p>
                    <p>{tr("outcome.grounds")} " "
                        {grounds.into_iter().map(|g| view! { <strong class="tag">{tr(ground_key(g))}</strong> " " }).collect_view()}
                    </p>
                </div>
                {(!embedded).then(|| view! {
                    <Title key="outcome.next" embedded=true />
                    <p>{tr("outcome.next_subsidised")}</p>
                })}
                {street_office_arranges_stay.then(|| view! { <p>{tr("outcome.office_arranges_stay")}</p> })}
                {must_arrange_stay.then(|| view! { <p>{tr("outcome.must_arrange_stay")}</p> })}
            }.into_any()
        }
        Some(Outcome::SelfPaidOnly { reasons: r }) => view! {
            <div class="panel-result" role="status">
                <Title key="outcome.self_paid" embedded=embedded />
                {reasons(r)}
            </div>
            {(!embedded).then(|| view! {
                <Title key="outcome.next" embedded=true />
                <p>{tr("outcome.next_self_paid")}</p>
            })}
        }
        .into_any(),
        Some(Outcome::NotEligible { reasons: r }) => view! {
            <div class="panel-result panel-result--no" role="status">
                <Title key="outcome.not_eligible" embedded=embedded />
                {reasons(r)}
            </div>
            {(!embedded).then(|| view! {
                <Title key="outcome.next" embedded=true />
                <p>{tr("outcome.next_not_eligible")}</p>
            })}
        }
        .into_any(),
    }
}
