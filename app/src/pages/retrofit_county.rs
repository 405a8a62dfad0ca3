//! The county's page: this year's quota and the 低保 switch, the proposed list per street
//! with "confirm" for each household (refused with a clear message beyond the quota), and the
//! list as an XLSX file; each confirmed household is assigned to an assessment organisation
//! (managed on `/county/assessors`), and once its plan is signed to a construction company
//! (managed on `/county/contractors`).

use crate::api;
use crate::components::application_card::grounds_label;
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::i18n::{page_title, tr};
use crate::state::Session;
use anju_domain::application::{CountyListView, CountySettings};
use anju_domain::retrofit::{RetrofitAction, RetrofitState};
use anju_domain::retrofit_works::OrgKind;
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub fn RetrofitCounty() -> impl IntoView {
    page_title("county.title");
    let session = expect_context::<Session>();
    let locale = expect_context::<crate::state::Prefs>().locale;
    let list = RwSignal::new(None::<CountyListView>);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let quota = RwSignal::new(String::new());
    let low = RwSignal::new(false);
    let warranty_years = RwSignal::new(String::from("2"));
    let claim_days = RwSignal::new(String::from("7"));
    // The year's four dates, as `YYYY-MM-DD` (a date input's value).
    let dates: [RwSignal<String>; 4] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let saved = RwSignal::new(false);
    let county = move || {
        session.user.with_untracked(|u| {
            u.as_ref()
                .and_then(|u| u.jurisdiction.as_ref().map(|j| j.id))
        })
    };
    let fail = move |e: anju_domain::ErrorEnvelope| {
        errors.set(e.fields.clone());
        general.set(Some(FieldError::new(e.message, e.message_en)));
    };
    let reload = move || {
        spawn_local(async move {
            match api::county_list().await {
                Ok(l) => list.set(Some(l)),
                Err(e) => fail(e),
            }
        });
    };
    reload();
    let orgs = RwSignal::new(Vec::<(i64, String)>::new());
    let companies = RwSignal::new(Vec::<(i64, String)>::new());
    if let Some(c) = county() {
        for (kind, into) in [
            (OrgKind::Assessment, orgs),
            (OrgKind::Construction, companies),
        ] {
            spawn_local(async move {
                if let Ok(v) = api::orgs(kind, c).await {
                    into.set(v.orgs.into_iter().map(|o| (o.id, o.name)).collect());
                }
            });
        }
        spawn_local(async move {
            if let Ok(s) = api::county_settings(c).await {
                quota.set(s.quota.to_string());
                low.set(s.minimum_living_allowance_covered);
                warranty_years.set(s.warranty_years.to_string());
                claim_days.set(s.claim_working_days.to_string());
                if let Some(d) = s.dates {
                    for (signal, day) in
                        dates
                            .iter()
                            .zip([d.mobilise_by, d.accept_by, d.summary_by, d.report_by])
                    {
                        signal.set(day.format("%Y-%m-%d").to_string());
                    }
                }
            }
        });
    }
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(c), Some(year)) = (
            county(),
            list.with_untracked(|l| l.as_ref().map(|l| l.year)),
        ) else {
            return;
        };
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>();
        // Typed text that is not a whole number is named here; ranges are the server's (the
        // domain's `CountySettings::problems`).
        let mut e = FieldErrors::new();
        for (field, value) in [
            ("quota", quota),
            ("warranty_years", warranty_years),
            ("claim_working_days", claim_days),
        ] {
            if number(value).is_err() {
                e.insert(
                    field.into(),
                    FieldError::new("请填写整数", "Enter a whole number"),
                );
            }
        }
        let day = |i: usize| {
            chrono::NaiveDate::parse_from_str(dates[i].get_untracked().trim(), "%Y-%m-%d").ok()
        };
        for (i, field) in ["mobilise_by", "accept_by", "summary_by", "report_by"]
            .into_iter()
            .enumerate()
        {
            if day(i).is_none() {
                e.insert(field.into(), FieldError::new("请选择日期", "Choose a date"));
            }
        }
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        let s = CountySettings {
            year,
            quota: number(quota).unwrap_or_default(),
            minimum_living_allowance_covered: low.get_untracked(),
            warranty_years: number(warranty_years).unwrap_or_default(),
            claim_working_days: number(claim_days).unwrap_or_default(),
            dates: match (day(0), day(1), day(2), day(3)) {
                (Some(mobilise_by), Some(accept_by), Some(summary_by), Some(report_by)) => {
                    Some(anju_domain::retrofit_report::YearDates {
                        mobilise_by,
                        accept_by,
                        summary_by,
                        report_by,
                    })
                }
                _ => None,
            },
        };
        spawn_local(async move {
            match api::save_county_settings(c, &s).await {
                Ok(_) => {
                    errors.set(FieldErrors::new());
                    general.set(None);
                    saved.set(true);
                    reload();
                }
                Err(e) => fail(e),
            }
        });
    };
    // Confirming is asked twice (it cannot be taken back here): the row asks "确定？" first.
    let asking = RwSignal::new(None::<i64>);
    let ask = move |id: i64| {
        asking.set(Some(id));
        request_animation_frame(move || {
            if let Some(yes) = document().get_element_by_id(&format!("confirm-yes-{id}")) {
                use wasm_bindgen::JsCast;
                if let Ok(yes) = yes.dyn_into::<web_sys::HtmlElement>() {
                    let _ = yes.focus();
                }
            }
        });
    };
    let confirm = move |id: i64| {
        asking.set(None);
        spawn_local(async move {
            match api::act_plainly(id, RetrofitAction::Confirm).await {
                Ok(_) => {
                    errors.set(FieldErrors::new());
                    general.set(None);
                    reload();
                }
                Err(e) => fail(e),
            }
        });
    };
    let assign = move |kind: OrgKind, id: i64, org: Option<i64>| {
        let Some(org) = org else { return };
        spawn_local(async move {
            match api::assign_org(kind, id, org).await {
                Ok(_) => {
                    errors.set(FieldErrors::new());
                    general.set(None);
                    reload();
                }
                Err(e) => fail(e),
            }
        });
    };
    view! {
        <h1>{tr("county.title")}</h1>
        <ErrorSummary errors=errors general=general />
        {move || list.get().map(|l| view! {
            <p class="lead">{l.county_name.clone()} " · " {l.year} " · " {tr("county.quota_used")} " " <strong>{l.used}</strong> " / " <strong>{l.quota}</strong></p>
            <p><a href=api::COUNTY_LIST_XLSX class="button button--secondary" download="">{tr("county.export")}</a></p>
            <p><A href="/county/catalogue">{tr("county.catalogue_link")}</A></p>
            <p><A href="/county/assessors">{tr("county.assessors_link")}</A></p>
            <p><A href="/county/contractors">{tr("county.contractors_link")}</A></p>
            <p><A href="/county/settlement">{tr("county.settlement_link")}</A></p>
        })}
        <h2>{tr("county.settings")}</h2>
        <form class="form" on:submit=save novalidate>
            <TextField id="quota" label="county.quota" value=quota errors=errors inputmode="numeric" />
            <div class="checkbox">
                <input type="checkbox" id="low" prop:checked=move || low.get() on:change=move |ev| low.set(event_target_checked(&ev)) />
                <label for="low">{tr("county.low_allowance")}</label>
            </div>
            <TextField id="warranty_years" label="county.warranty_years" hint="county.warranty_years_hint" value=warranty_years errors=errors inputmode="numeric" />
            <TextField id="claim_working_days" label="county.claim_days" hint="county.claim_days_hint" value=claim_days errors=errors inputmode="numeric" />
            <fieldset class="fieldset">
                <legend>{tr("county.year_dates")}</legend>
                <p class="hint">{tr("county.year_dates_hint")}</p>
                <TextField id="mobilise_by" label="report.mobilise_by" kind="date" value=dates[0] errors=errors />
                <TextField id="accept_by" label="report.accept_by" kind="date" value=dates[1] errors=errors />
                <TextField id="summary_by" label="report.summary_by" kind="date" value=dates[2] errors=errors />
                <TextField id="report_by" label="report.report_by" kind="date" value=dates[3] errors=errors />
            </fieldset>
            <button type="submit" class="button">{tr("county.save")}</button>
            {move || saved.get().then(|| view! { <p role="status">{tr("county.saved")}</p> })}
        </form>
        {move || list.get().map(|l| l.streets.into_iter().map(|s| view! {
            <section aria-labelledby=format!("street-{}", s.street_id)>
                <h2 id=format!("street-{}", s.street_id)>{s.street_name.clone()}</h2>
                <h3>{tr("county.proposed")} " (" {s.proposed.len()} ")"</h3>
                {if s.proposed.is_empty() {
                    view! { <p>{tr("county.none")}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-label=format!("{} {}", s.street_name, crate::i18n::text(locale.get_untracked(), "county.proposed"))><table>
                            <thead><tr><th scope="col">{tr("county.reference")}</th><th scope="col">{tr("elder.name")}</th><th scope="col">{tr("queue.filter_community")}</th><th scope="col">{tr("queue.filter_ground")}</th><th scope="col"><span class="visually-hidden">{tr("county.action")}</span></th></tr></thead>
                            <tbody>
                                {s.proposed.into_iter().map(|item| {
                                    let id = item.id;
                                    let label = format!("{} {}", item.reference, item.elder_name);
                                    let grounds = grounds_label(&item);
                                    view! {
                                        <tr>
                                            <td><A href=format!("/retrofit/applications/{id}")><span class="nowrap">{item.reference.clone()}</span></A></td>
                                            <td>{item.elder_name.clone()}</td>
                                            <td>{item.community_name.clone()}</td>
                                            <td>{grounds}</td>
                                            <td>{move || {
                                                let label = label.clone();
                                                if asking.get() == Some(id) {
                                                    view! {
                                                        <p class="confirm-ask">{tr("county.confirm_ask")}</p>
                                                        <p class="actions">
                                                            <button type="button" class="button" id=format!("confirm-yes-{id}") on:click=move |_| confirm(id)>{tr("county.confirm_yes")} " " <span class="visually-hidden">{label.clone()}</span></button>
                                                            <button type="button" class="button button--secondary" on:click=move |_| asking.set(None)>{tr("county.confirm_no")}</button>
                                                        </p>
                                                    }.into_any()
                                                } else {
                                                    view! {
                                                        <button type="button" class="button" on:click=move |_| ask(id)>{tr("review.confirm")} " " <span class="visually-hidden">{label}</span></button>
                                                    }.into_any()
                                                }
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                }}
                <h3>{tr("county.confirmed")} " (" {s.confirmed.len()} ")"</h3>
                {if s.confirmed.is_empty() {
                    view! { <p>{tr("county.none")}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-label=format!("{} {}", s.street_name, crate::i18n::text(locale.get_untracked(), "county.confirmed"))><table>
                            <thead><tr><th scope="col">{tr("county.reference")}</th><th scope="col">{tr("elder.name")}</th><th scope="col">{tr("queue.filter_community")}</th><th scope="col">{tr("county.state")}</th><th scope="col">{tr("county.assessor_org")}</th><th scope="col">{tr("county.contractor_org")}</th></tr></thead>
                            <tbody>
                                {s.confirmed.into_iter().map(|item| {
                                    let id = item.id;
                                    let label = format!("{} {}", item.reference, item.elder_name);
                                    view! {
                                        <tr>
                                            <td><A href=format!("/retrofit/applications/{id}")><span class="nowrap">{item.reference.clone()}</span></A></td>
                                            <td>{item.elder_name.clone()}</td>
                                            <td>{item.community_name.clone()}</td>
                                            <td>{tr(crate::components::application_card::state_key(item.state))}</td>
                                            <td><OrgChoice kind=OrgKind::Assessment id=id label=label.clone() orgs=orgs current=item.assessment_org_id
                                                assignable=item.state == RetrofitState::Confirmed assign=assign /></td>
                                            <td><OrgChoice kind=OrgKind::Construction id=id label=label orgs=companies current=item.contractor_org_id
                                                assignable=item.state == RetrofitState::PlanSigned assign=assign /></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                }}
            </section>
        }).collect_view())}
    }
}

/// Which organisation of a kind a household is with, and — while it may be assigned — the
/// choice of the county's organisations with an "assign" button.
#[component]
fn OrgChoice(
    kind: OrgKind,
    id: i64,
    label: String,
    orgs: RwSignal<Vec<(i64, String)>>,
    current: Option<i64>,
    assignable: bool,
    assign: impl Fn(OrgKind, i64, Option<i64>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let chosen = RwSignal::new(current);
    let (select_id, column) = match kind {
        OrgKind::Assessment => (format!("org-for-{id}"), "county.assessor_org"),
        OrgKind::Construction => (format!("company-for-{id}"), "county.contractor_org"),
    };
    move || {
        let list = orgs.get();
        let name = current.and_then(|c| list.iter().find(|(i, _)| *i == c).map(|(_, n)| n.clone()));
        if !assignable || list.is_empty() {
            return view! { <span>{name.unwrap_or_default()}</span> }.into_any();
        }
        let label = label.clone();
        // One above the other, in the cell's own width: a long organisation name must not push
        // the select over the next cell (on a phone it covered the "assign" button).
        view! {
            <div class="org-choice">
                <label class="visually-hidden" for=select_id.clone()>{tr(column)} " " {label.clone()}</label>
                <select id=select_id.clone() on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=current.is_none()>{tr("county.choose_org")}</option>
                    {list.into_iter().map(|(oid, oname)| view! { <option value=oid.to_string() selected=current == Some(oid)>{oname}</option> }).collect_view()}
                </select>
                <button type="button" class="button button--secondary" on:click=move |_| assign(kind, id, chosen.get_untracked())>
                    {tr("county.assign")}<span class="visually-hidden">{label}</span>
                </button>
            </div>
        }.into_any()
    }
}
