//! The desk (`/desk`), where staff land after signing in: their area's complaints, retrofit
//! stages, quota and warranty claims, and each community's satisfaction, for a month and
//! optionally one community (the filters are in the address, so a desk can be shared and the
//! back button works). Every number links to the list it counts; every bar has its number
//! written beside it; the whole desk downloads as one workbook.

use crate::api;
use crate::i18n::{page_title, text, tr};
use crate::state::Prefs;
use anju_domain::desk::{
    stage_words, verdict_words, DeskComplaints, DeskRetrofit, DeskSurvey, DeskView, StageDeadline,
};
use anju_domain::survey::Verdict;
use anju_domain::{FieldError, Locale};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

fn pct(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into())
}

fn words(locale: Locale, (zh, en): (&'static str, &'static str)) -> &'static str {
    if locale == Locale::En {
        en
    } else {
        zh
    }
}

/// `&community_id=…` for the lists, when the desk is narrowed to one community.
fn community_part(view: &DeskView) -> String {
    view.community_id
        .map(|c| format!("community_id={c}"))
        .unwrap_or_default()
}

/// `path?a&b`, leaving out empty parts.
fn link(path: &str, parts: &[&str]) -> String {
    let query: Vec<&str> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// A bar's width in percent of the largest value (at least a sliver for a non-zero one).
fn width(value: u64, most: u64) -> String {
    if value == 0 || most == 0 {
        "0%".into()
    } else {
        format!("{}%", (value * 100 / most).max(2))
    }
}

#[component]
pub fn Desk() -> impl IntoView {
    page_title("desk.title");
    let query = use_query_map();
    let desk = LocalResource::new(move || {
        let q = query.with(|q| {
            let mut parts = Vec::new();
            for key in ["month", "community_id"] {
                if let Some(v) = q.get(key).filter(|v| !v.is_empty()) {
                    parts.push(format!("{key}={}", js_sys::encode_uri_component(&v)));
                }
            }
            parts.join("&")
        });
        async move { api::desk(&q).await }
    });
    view! {
        <Suspense fallback=|| view! { <h1>{tr("desk.title")}</h1><p role="status">{tr("app.loading")}</p> }>
            {move || desk.get().map(|result| match result {
                Ok(view) => view! { <DeskPage view /> }.into_any(),
                Err(e) => {
                    let locale = expect_context::<Prefs>().locale;
                    let e = FieldError::new(e.message, e.message_en);
                    view! {
                        <h1>{tr("desk.title")}</h1>
                        <p class="field-error" role="alert">{move || crate::i18n::pick(locale.get(), &e)}</p>
                        <p><A href="/desk">{tr("desk.reset")}</A></p>
                        <button type="button" class="button button--secondary" on:click=move |_| desk.refetch()>{tr("notices.retry")}</button>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn DeskPage(view: DeskView) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let navigate = use_navigate();
    let month = RwSignal::new(view.month.clone());
    let community = RwSignal::new(view.community_id.map(|c| c.to_string()).unwrap_or_default());
    let show = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let url = link(
            "/desk",
            &[
                &format!("month={}", month.get_untracked()),
                &if community.get_untracked().is_empty() {
                    String::new()
                } else {
                    format!("community_id={}", community.get_untracked())
                },
            ],
        );
        navigate(&url, Default::default());
    };
    let here = community_part(&view);
    let workbook = link(
        "/api/desk",
        &["format=xlsx", &format!("month={}", view.month), &here],
    );
    let options = view
        .communities
        .iter()
        .map(|c| {
            let id = c.id.to_string();
            let selected = view.community_id == Some(c.id);
            view! { <option value=id selected=selected>{c.name.clone()}</option> }
        })
        .collect_view();
    let (complaints, retrofit, surveys) = (
        view.complaints.clone(),
        view.retrofit.clone(),
        view.surveys.clone(),
    );
    let month_text = view.month.clone();
    let can_post = expect_context::<crate::state::Session>()
        .user
        .with_untracked(|u| {
            u.as_ref()
                .is_some_and(|u| u.role.can(anju_domain::access::Capability::PostNotices))
        });
    view! {
        <h1>{tr("desk.title")} " · " {view.place.clone()}</h1>
        <p class="lead">{tr("desk.intro")}</p>
        <form class="filters" on:submit=show aria-label=move || text(locale.get(), "desk.filters")>
            <div class="field">
                <label for="desk-month">{tr("desk.month")}</label>
                <input id="desk-month" type="month" prop:value=move || month.get()
                    on:change=move |ev| month.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="desk-community">{tr("desk.community")}</label>
                <select id="desk-community" on:change=move |ev| community.set(event_target_value(&ev))>
                    <option value="" selected=view.community_id.is_none()>{tr("desk.all_communities")}</option>
                    {options}
                </select>
            </div>
            <div class="field desk__show">
                <button type="submit" class="button">{tr("desk.show")}</button>
            </div>
        </form>
        <p class="actions">
            <a class="button button--secondary" href=workbook download>{tr("desk.download")}</a>
            {can_post.then(|| view! { <A href="/staff/notices" attr:class="button button--secondary">{tr("notices.title")}</A> })}
        </p>
        <div class="desk">
            {complaints.map(|c| view! { <ComplaintsPart c here=here.clone() month=month_text.clone() /> })}
            {retrofit.map(|r| view! { <RetrofitPart r here=here.clone() /> })}
            {surveys.map(|s| view! { <SurveysPart surveys=s month=month_text.clone() /> })}
        </div>
    }
}

#[component]
fn ComplaintsPart(c: DeskComplaints, here: String, month: String) -> impl IntoView {
    let queue = move |filter: &str, community: &str| link("/staff/queue", &[community, filter]);
    let most = c.by_community.iter().map(|r| r.open).max().unwrap_or(0);
    let rows = c
        .by_community
        .clone()
        .into_iter()
        .map(|r| {
            let own = format!("community_id={}", r.community.id);
            view! {
                <tr>
                    <th scope="row"><A href=queue("", &own)>{r.community.name.clone()}</A></th>
                    <td><A href=queue("", &own)>{r.open}</A>
                        <span class="bars__track" aria-hidden="true"><span class="bars__bar" style:inline-size=width(r.open, most)></span></span></td>
                    <td><A href=queue("due=today", &own)>{r.due_today}</A></td>
                    <td class:desk__alert={r.overdue > 0}><A href=queue("overdue=true", &own)>{r.overdue}</A></td>
                </tr>
            }
        })
        .collect_view();
    let targets = c
        .compliance
        .iter()
        .map(|t| {
            let name = t.target.clone();
            let share = t.percent.unwrap_or(0.0);
            view! {
                <li class="meter">
                    <span>{target_name(&name)} " · " {tr("desk.on_time")} " " {t.met_on_time} "/" {t.due}</span>
                    <span class="meter__value">{pct(t.percent)}</span>
                    <span class="meter__track" aria-hidden="true"><span class="meter__bar" style:inline-size=format!("{share}%")></span></span>
                </li>
            }
        })
        .collect_view();
    let report = link("/staff/callbacks", &[&format!("month={month}"), &here]);
    view! {
        <section class="desk__part" aria-labelledby="desk-complaints">
            <h2 id="desk-complaints">{tr("desk.complaints")}</h2>
            <p>{tr("desk.now")}</p>
            <ul class="desk__numbers">
                <li><A href=queue("", &here)><strong class="desk__number">{c.open}</strong> {tr("desk.open")}</A></li>
                <li><A href=queue("due=today", &here)><strong class="desk__number">{c.due_today}</strong> {tr("desk.due_today")}</A></li>
                <li class:desk__alert={c.overdue > 0}><A href=queue("overdue=true", &here)><strong class="desk__number">{c.overdue}</strong> {tr("desk.overdue")}</A></li>
            </ul>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="desk-by-community">
                <table>
                    <caption id="desk-by-community">{tr("desk.by_community")}</caption>
                    <thead><tr>
                        <th scope="col">{tr("desk.community")}</th>
                        <th scope="col">{tr("desk.open")}</th>
                        <th scope="col">{tr("desk.due_today")}</th>
                        <th scope="col">{tr("desk.overdue")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <h3>{tr("desk.month_deadlines")} " · " {month.clone()}</h3>
            {if c.compliance.is_empty() {
                view! { <p>{tr("desk.nothing_due")}</p> }.into_any()
            } else {
                view! { <ul class="meter-list">{targets}</ul> }.into_any()
            }}
            <p>
                {tr("desk.callbacks")} " " <strong>{pct(c.callback_coverage_percent)}</strong>
                " (" {c.called} "/" {c.handled} ")"
                " · " {tr("desk.major_callbacks")} " " <strong>{pct(c.major_coverage_percent)}</strong>
                " (" {c.major_called} "/" {c.major_handled} ")"
            </p>
            <p><A href=report>{tr("desk.report")}</A></p>
        </section>
    }
}

fn target_name(name: &str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    tr(match name {
        "acknowledge" => "target.acknowledge",
        "on_site" => "target.on_site",
        "answer" => "target.answer",
        _ => "target.resolve",
    })
}

fn date_text(locale: Locale, d: &StageDeadline) -> String {
    let what = words(locale, d.milestone.name());
    if d.overdue {
        format!("{what} {} · {}", d.date, text(locale, "desk.passed"))
    } else {
        format!("{what} {}", d.date)
    }
}

#[component]
fn RetrofitPart(r: DeskRetrofit, here: String) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let most = r.stages.iter().map(|s| s.households).max().unwrap_or(0);
    let rows = r
        .stages
        .clone()
        .into_iter()
        .map(|s| {
            let status = format!("status={}", s.state.as_str());
            let href = link("/staff/retrofit", &[&status, &here]);
            let soon = link("/staff/retrofit", &[&status, "behind=due_soon", &here]);
            let late = link("/staff/retrofit", &[&status, "behind=overdue", &here]);
            let state = s.state;
            let date = s.next_date;
            view! {
                <tr>
                    <th scope="row"><A href=href.clone()>{move || words(locale.get(), stage_words(state))}</A></th>
                    <td><A href=href>{s.households}</A>
                        <span class="bars__track" aria-hidden="true"><span class="bars__bar" style:inline-size=width(s.households, most)></span></span></td>
                    <td>{move || date.as_ref().map(|d| date_text(locale.get(), d)).unwrap_or_default()}</td>
                    <td><A href=soon>{s.due_soon}</A></td>
                    <td class:desk__alert={s.overdue > 0}><A href=late>{s.overdue}</A></td>
                </tr>
            }
        })
        .collect_view();
    let quotas = r
        .quotas
        .iter()
        .map(|q| {
            let used = if q.quota > 0 { q.used * 100 / q.quota } else { 0 };
            view! {
                <li class="meter">
                    <span>{q.county.clone()} " " {q.year} " · " {tr("desk.quota")} " " {q.quota}</span>
                    <span class="meter__value">{tr("desk.used")} " " {q.used} " · " {tr("desk.left")} " " {q.left}</span>
                    <span class="meter__track" aria-hidden="true"><span class="meter__bar" style:inline-size=format!("{}%", used.clamp(0, 100))></span></span>
                </li>
            }
        })
        .collect_view();
    let claims = r.claims.map(|c| {
        let open = link("/warranty", &["open=true", &here]);
        let overdue = link("/warranty", &["overdue=true", &here]);
        view! {
            <h3>{tr("desk.claims")}</h3>
            <ul class="desk__numbers">
                <li><A href=open><strong class="desk__number">{c.open}</strong> {tr("desk.claims_open")}</A></li>
                <li class:desk__alert={c.overdue > 0}><A href=overdue><strong class="desk__number">{c.overdue}</strong> {tr("desk.overdue")}</A></li>
            </ul>
        }
    });
    view! {
        <section class="desk__part" aria-labelledby="desk-retrofit">
            <h2 id="desk-retrofit">{tr("desk.retrofit")}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="desk-stages">
                <table>
                    <caption id="desk-stages">{tr("desk.stages")}</caption>
                    <thead><tr>
                        <th scope="col">{tr("desk.stage")}</th>
                        <th scope="col">{tr("desk.households")}</th>
                        <th scope="col">{tr("desk.held_to")}</th>
                        <th scope="col">{tr("desk.due_soon")}</th>
                        <th scope="col">{tr("desk.overdue")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="hint">{tr("desk.dates_hint")}</p>
            {claims}
            <h3>{tr("desk.quota_title")}</h3>
            <ul class="meter-list">{quotas}</ul>
        </section>
    }
}

#[component]
fn SurveysPart(surveys: Vec<DeskSurvey>, month: String) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let parts: Vec<_> = surveys
        .into_iter()
        .map(|s| {
            let href = format!("/surveys/{}/results?month={month}", s.survey_id);
            let items = s
                .communities
                .into_iter()
                .map(|c| {
                    let rate = c.satisfaction_rate.unwrap_or(0.0);
                    let verdict = c.verdict;
                    view! {
                        <li class="meter">
                            <span>{c.community.name.clone()} " · " {pct(c.satisfaction_rate)} " (" {c.satisfied} "/" {c.counted} ") · " {tr("report.target")} " " {c.target_percent} "%"</span>
                            <span class="meter__value" class:verdict--pass={verdict == Verdict::Pass} class:verdict--redo={verdict == Verdict::NeedsRedo}>
                                {move || words(locale.get(), verdict_words(verdict))}
                            </span>
                            <span class="meter__track" aria-hidden="true">
                                <span class="meter__bar" style:inline-size=format!("{rate}%")></span>
                                <span class="meter__target" style:inset-inline-start=format!("{}%", c.target_percent)></span>
                            </span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <h3><A href=href>{s.title.clone()}</A></h3>
                <ul class="meter-list">{items}</ul>
            }
        })
        .collect();
    let none = parts.is_empty();
    view! {
        <section class="desk__part" aria-labelledby="desk-surveys">
            <h2 id="desk-surveys">{tr("desk.satisfaction")}</h2>
            {none.then(|| view! { <p>{tr("desk.no_surveys")}</p> })}
            {parts}
        </section>
    }
}
