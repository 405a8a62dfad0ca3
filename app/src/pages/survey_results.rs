//! Results of a survey for a month: per community the households, responses, response rate,
//! satisfaction rate against the target and the verdict (达标 / 需要补课), per-question
//! distributions and the trend — as tables and as SVG charts that carry their numbers and
//! verdicts in text, so nothing depends on colour. Door-to-door responses are reviewed here,
//! and the responses can be downloaded (optionally without household identifiers).

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::i18n::{page_title, tr};
use crate::pages::surveys::day_after;
use crate::state::Prefs;
use anju_domain::survey::Verdict;
use anju_domain::survey_api::{ResponseView, ReviewRequest, ReviewState, SurveyResults};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

fn verdict_key(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "results.pass",
        Verdict::NeedsRedo => "results.redo",
        Verdict::NoData => "results.no_data",
    }
}

fn pct(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into())
}

fn review_key(r: ReviewState) -> &'static str {
    match r {
        ReviewState::Pending => "review_state.pending",
        ReviewState::Approved => "review_state.approved",
        ReviewState::HasIssues => "review_state.has_issues",
        ReviewState::Rejected => "review_state.rejected",
    }
}

/// Horizontal bars in HTML, one per row: the label and its number written in body-size text
/// above the bar (readable on a phone, where a scaled SVG shrank them), an optional target
/// drawn as a dashed mark on every bar and named in words under the chart.
#[component]
fn BarChart(
    title: String,
    rows: Vec<(String, f64, String)>,
    max: f64,
    #[prop(optional)] target: Option<f64>,
    #[prop(optional)] target_label: String,
) -> impl IntoView {
    let share = move |v: f64| {
        if max > 0.0 {
            (v / max * 100.0).clamp(0.0, 100.0)
        } else {
            0.0
        }
    };
    view! {
        <figure class="chart">
            // The title above its bars, where it is read first.
            <figcaption class="chart__title">{title.clone()}</figcaption>
            <ul class="meter-list" aria-label=title>
                {rows.into_iter().map(|(label, value, text)| view! {
                    <li class="meter">
                        <span class="meter__label">{label}</span>
                        <span class="meter__value">{text}</span>
                        <span class="meter__track" aria-hidden="true">
                            // Through the CSSOM (`style:`), which the content security policy
                            // allows; a `style` attribute it refuses.
                            <span class="meter__bar" style:inline-size=format!("{:.1}%", share(value))></span>
                            {target.map(|t| view! { <span class="meter__target" style:inset-inline-start=format!("{:.1}%", share(t))></span> })}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
            {target.map(|t| view! { <p class="hint">{format!("{target_label} {t:.0}%")}</p> })}
        </figure>
    }
}

#[component]
pub fn SurveyResultsPage() -> impl IntoView {
    page_title("results.title");
    let params = use_params_map();
    let locale = expect_context::<Prefs>().locale;
    // The desk links here with the month it shows.
    let asked = leptos_router::hooks::use_query_map().with_untracked(|q| {
        q.get("month")
            .filter(|m| anju_domain::callback::parse_month(m).is_some())
    });
    let month = RwSignal::new(asked.unwrap_or_else(|| day_after(0)[..7].to_owned()));
    let results = RwSignal::new(None::<SurveyResults>);
    let responses = RwSignal::new(Vec::<ResponseView>::new());
    let anonymised = RwSignal::new(true);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or_default()
    };
    let load = move || {
        let (id, m) = (id(), month.get_untracked());
        spawn_local(async move {
            match api::survey_results(id, &m).await {
                Ok(r) => results.set(Some(r)),
                Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
            }
            if let Ok(list) = api::survey_responses(id, &m).await {
                responses.set(list);
            }
        });
    };
    Effect::new(move |_| {
        month.track();
        params.track();
        load();
    });
    let review = move |rid: i64, state: ReviewState, note: String| {
        spawn_local(async move {
            let req = ReviewRequest {
                review: state,
                note: Some(note).filter(|n| !n.trim().is_empty()),
            };
            match api::review_response(rid, &req).await {
                Ok(_) => {
                    errors.set(FieldErrors::new());
                    general.set(None);
                    load();
                }
                Err(e) => {
                    errors.set(e.fields.clone());
                    general.set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
        });
    };
    view! {
        <h1>{tr("results.title")}</h1>
        <ErrorSummary errors=errors general=general />
        <div class="field">
            <label for="month">{tr("results.month")}</label>
            <input id="month" type="month" prop:value=move || month.get() on:change=move |ev| month.set(event_target_value(&ev)) />
        </div>
        {move || results.get().map(|r| {
            let min_sample = r.min_sample;
            let rate_rows: Vec<(String, f64, String)> = r.communities.iter().map(|c| {
                let verdict = if c.below_min_sample && c.counted > 0 {
                    crate::i18n::text(locale.get(), "results.too_few")
                } else {
                    crate::i18n::text(locale.get(), verdict_key(c.verdict))
                };
                (c.community.name.clone(), c.satisfaction_rate.unwrap_or(0.0), format!("{} {verdict}", pct(c.satisfaction_rate)))
            }).collect();
            let target = r.communities.first().map(|c| f64::from(c.target_percent));
            let trend_rows: Vec<(String, f64, String)> = r.trend.iter().map(|m| {
                (m.month.clone(), m.satisfaction_rate.unwrap_or(0.0), format!("{} ({}/{})", pct(m.satisfaction_rate), m.satisfied, m.counted))
            }).collect();
            view! {
                <p class="lead">{r.title.clone()} " · " {r.month.clone()}</p>
                <h2>{tr("results.by_community")}</h2>
                // How the numbers are counted, where they are read.
                <p class="hint" id="counting-rule">{tr("results.rule")} " " {tr("results.rule_min_before")} {min_sample} {tr("results.rule_min_after")}</p>
                <div class="table-wrap" tabindex="0" role="region" aria-label=crate::i18n::text(locale.get(), "results.by_community") aria-describedby="counting-rule"><table class="table--wide">
                    <thead><tr>
                        <th scope="col">{tr("queue.filter_community")}</th>
                        <th scope="col">{tr("results.households")}</th>
                        <th scope="col">{tr("results.responses")}</th>
                        <th scope="col">{tr("results.response_rate")}</th>
                        <th scope="col">{tr("results.pending")}</th>
                        <th scope="col">{tr("results.satisfied")}</th>
                        <th scope="col">{tr("results.satisfaction_rate")}</th>
                        <th scope="col">{tr("results.target")}</th>
                        <th scope="col">{tr("results.verdict")}</th>
                    </tr></thead>
                    <tbody>
                        {r.communities.iter().map(|c| view! {
                            <tr>
                                <th scope="row">{c.community.name.clone()}</th>
                                <td>{c.households}</td>
                                <td>{c.responses}</td>
                                <td>{pct(c.response_rate)}</td>
                                <td>{c.pending_review}</td>
                                <td>{c.satisfied} " / " {c.counted}</td>
                                <td>{pct(c.satisfaction_rate)}</td>
                                <td>{c.target_percent} "%"</td>
                                <td>{if c.below_min_sample && c.counted > 0 {
                                    // A verdict from a handful of answers would mislead: say why there is none.
                                    view! { <strong class="verdict">{tr("results.too_few")}</strong> " " <span class="nowrap">{format!("({}/{min_sample})", c.counted)}</span> }.into_any()
                                } else {
                                    view! { <strong class=match c.verdict { Verdict::Pass => "verdict verdict--pass", Verdict::NeedsRedo => "verdict verdict--redo", Verdict::NoData => "verdict" }>{tr(verdict_key(c.verdict))}</strong> }.into_any()
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table></div>
                <BarChart title=crate::i18n::text(locale.get(), "results.chart_rate").to_owned() rows=rate_rows max=100.0 target=target.unwrap_or(90.0) target_label=crate::i18n::text(locale.get(), "results.target").to_owned() />
                <h2>{tr("results.trend")}</h2>
                <BarChart title=crate::i18n::text(locale.get(), "results.chart_trend").to_owned() rows=trend_rows max=100.0 target=target.unwrap_or(90.0) target_label=crate::i18n::text(locale.get(), "results.target").to_owned() />
                <h2>{tr("results.questions")}</h2>
                {r.questions.iter().map(|q| {
                    let max = q.counts.iter().map(|c| c.count).max().unwrap_or(0) as f64;
                    let rows = q.counts.iter().map(|c| (c.label.clone(), c.count as f64, c.count.to_string())).collect();
                    view! { <BarChart title=q.text.clone() rows=rows max=max /> }
                }).collect_view()}
            }
        })}
        <h2>{tr("results.export")}</h2>
        <div class="checkbox">
            <input type="checkbox" id="anonymised" prop:checked=move || anonymised.get() on:change=move |ev| anonymised.set(event_target_checked(&ev)) />
            <label for="anonymised">{tr("results.anonymised")}</label>
        </div>
        <p class="actions">
            <a class="button button--secondary" href=move || api::survey_export_url(id(), &month.get(), "csv", anonymised.get())>{tr("results.csv")}</a>
            <a class="button button--secondary" href=move || api::survey_export_url(id(), &month.get(), "xlsx", anonymised.get())>{tr("results.xlsx")}</a>
        </p>
        <h2>{tr("results.review")}</h2>
        {move || {
            let list: Vec<ResponseView> = responses.get().into_iter().filter(|r| r.channel == anju_domain::survey_api::Channel::DoorToDoor).collect();
            if list.is_empty() {
                return view! { <p>{tr("results.no_door")}</p> }.into_any();
            }
            view! {
                <ul class="case-list">
                    {list.into_iter().map(|r| {
                        let rid = r.id;
                        let note = RwSignal::new(r.review_note.clone().unwrap_or_default());
                        let note_id = format!("note-{rid}");
                        let who = r.household.clone();
                        let (w1, w2, w3) = (who.clone(), who.clone(), who);
                        view! {
                            <li class="case-card">
                                <p class="case-card__title">{r.household.clone()} " · " {r.community.name.clone()}</p>
                                <p class="case-card__meta">{tr("results.collector")} " " {r.collector.clone()} " · " {tr(review_key(r.review))}
                                    {r.flagged.then(|| view! { " · " <strong>{tr("results.flagged")}</strong> })}
                                </p>
                                <div class="field">
                                    <label for=note_id.clone()>{tr("results.review_note")} " " {r.household.clone()}</label>
                                    <input id=note_id prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                                </div>
                                <p class="actions">
                                    <button type="button" class="button" on:click=move |_| review(rid, ReviewState::Approved, note.get_untracked())>{tr("review_state.approve")}<span class="visually-hidden">{w1}</span></button>
                                    <button type="button" class="button button--secondary" on:click=move |_| review(rid, ReviewState::HasIssues, note.get_untracked())>{tr("review_state.mark_issues")}<span class="visually-hidden">{w2}</span></button>
                                    <button type="button" class="button button--warning" on:click=move |_| review(rid, ReviewState::Rejected, note.get_untracked())>{tr("review_state.reject")}<span class="visually-hidden">{w3}</span></button>
                                </p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
