//! The annual report (`/retrofit/report`): for each county the caller sees (their own, or all
//! of the province), the year's dates, the headline numbers, the households at every stage as
//! a bar chart whose numbers are also written out, and a table per street; the whole report as
//! XLSX for the report up to the province.

use crate::api;
use crate::components::application_card::state_key;
use crate::components::field::ErrorSummary;
use crate::i18n::{page_title, text, tr};
use crate::state::Prefs;
use anju_domain::retrofit_catalogue::format_yuan;
use anju_domain::retrofit_report::{CountyReport, ReportRow, ReportView};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn average_paid(row: &ReportRow) -> String {
    row.average_paid_fen()
        .map(format_yuan)
        .unwrap_or_else(|| "—".into())
}

fn average_hours(row: &ReportRow) -> String {
    row.average_answer_tenth_hours()
        .map(|t| format!("{}.{}", t / 10, t % 10))
        .unwrap_or_else(|| "—".into())
}

/// The headline numbers as a description list.
#[component]
fn Headline(row: ReportRow) -> impl IntoView {
    view! {
        <dl class="summary-list">
            <div><dt>{tr("report.households")}</dt><dd>{row.households}</dd></div>
            <div><dt>{tr("report.accepted")}</dt><dd>{row.accepted}</dd></div>
            <div><dt>{tr("report.settled")}</dt><dd>{row.settled}</dd></div>
            <div><dt>{tr("report.paid")}</dt><dd>{format_yuan(row.subsidy_paid_fen)} " " {tr("settle.yuan")}</dd></div>
            <div><dt>{tr("report.average")}</dt><dd>{average_paid(&row)} " " {tr("settle.yuan")}</dd></div>
            <div><dt>{tr("report.claims")}</dt><dd>{row.claims} " · " {tr("report.answered")} " " {row.claims_answered} " · " {tr("report.in_time")} " " {row.claims_in_time}</dd></div>
            <div><dt>{tr("report.answer_hours")}</dt><dd>{average_hours(&row)}</dd></div>
        </dl>
    }
}

/// Households by stage: a bar per stage, its number beside it (the bars are decoration; the
/// list reads the same without them).
#[component]
fn Stages(row: ReportRow, label: String) -> impl IntoView {
    let most = row
        .stages
        .iter()
        .map(|s| s.households)
        .max()
        .unwrap_or(0)
        .max(1);
    view! {
        <ul class="bars" aria-label=label>
            {row.stages.into_iter().map(|s| {
                // Set through the CSSOM (`style:`), which the content security policy allows;
                // a `style` attribute it would refuse.
                let width = format!("{}%", s.households * 100 / most);
                view! {
                    <li class="bars__row">
                        <span class="bars__label">{tr(state_key(s.state))}</span>
                        <span class="bars__track" aria-hidden="true"><span class="bars__bar" style:inline-size=width></span></span>
                        <strong class="bars__value">{s.households}</strong>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn County(c: CountyReport) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let heading = format!("county-{}", c.county_id);
    let chart_label = format!(
        "{} {}",
        c.name,
        text(locale.get_untracked(), "report.by_stage")
    );
    let d = c.dates;
    view! {
        <section aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{c.name.clone()}</h2>
            <p class="hint">
                {tr("report.mobilise_by")} " " {d.mobilise_by.to_string()} " · "
                {tr("report.accept_by")} " " {d.accept_by.to_string()} " · "
                {tr("report.summary_by")} " " {d.summary_by.to_string()} " · "
                {tr("report.report_by")} " " {d.report_by.to_string()}
            </p>
            <Headline row=c.row.clone() />
            <h3>{tr("report.by_stage")}</h3>
            <Stages row=c.row.clone() label=chart_label />
            <h3>{tr("report.by_street")}</h3>
            <div class="table-wrap" tabindex="0" role="region" aria-label=format!("{} {}", c.name, text(locale.get_untracked(), "report.by_street"))><table>
                <thead><tr>
                    <th scope="col">{tr("report.street")}</th>
                    <th scope="col" class="num">{tr("report.households")}</th>
                    <th scope="col" class="num">{tr("report.accepted")}</th>
                    <th scope="col" class="num">{tr("report.settled")}</th>
                    <th scope="col" class="num">{tr("report.paid")}</th>
                    <th scope="col" class="num">{tr("report.average")}</th>
                    <th scope="col" class="num">{tr("report.claims")}</th>
                    <th scope="col" class="num">{tr("report.answer_hours")}</th>
                </tr></thead>
                <tbody>
                    {c.streets.into_iter().map(|s| view! {
                        <tr>
                            <th scope="row">{s.name.clone()}</th>
                            <td class="num">{s.row.households}</td>
                            <td class="num">{s.row.accepted}</td>
                            <td class="num">{s.row.settled}</td>
                            <td class="num">{format_yuan(s.row.subsidy_paid_fen)}</td>
                            <td class="num">{average_paid(&s.row)}</td>
                            <td class="num">{s.row.claims}</td>
                            <td class="num">{average_hours(&s.row)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table></div>
        </section>
    }
}

#[component]
pub fn RetrofitReport() -> impl IntoView {
    page_title("report.title");
    let report = RwSignal::new(None::<ReportView>);
    let errors = RwSignal::new(Default::default());
    let general = RwSignal::new(None::<FieldError>);
    spawn_local(async move {
        match api::retrofit_report().await {
            Ok(r) => report.set(Some(r)),
            Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
        }
    });
    view! {
        <h1>{tr("report.title")}</h1>
        <ErrorSummary errors=errors general=general />
        {move || report.get().map(|r| {
            let several = r.counties.len() > 1;
            view! {
                <p class="lead">{r.year} " · " {tr("report.counties")} " " {r.counties.len()}</p>
                <p><a href=api::REPORT_XLSX class="button button--secondary" download="">{tr("report.export")}</a></p>
                {several.then(|| view! {
                    <section aria-labelledby="report-total">
                        <h2 id="report-total">{tr("report.total")}</h2>
                        <Headline row=r.total.clone() />
                    </section>
                })}
                {r.counties.into_iter().map(|c| view! { <County c=c /> }).collect_view()}
            }
        })}
    }
}
