//! Supervisors: the month's call-back list for a community (drawn once, seeded), recording
//! each call, and the month's report with CSV/Excel downloads.

use crate::api;
use crate::i18n::{page_title, pick, tr};
use crate::state::Prefs;
use anju_domain::callback::{
    CallbackItemView, DrawRequest, DrawView, MonthlyReport, RecordCallbackRequest,
};
use anju_domain::{FieldError, JurisdictionView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

fn this_month() -> String {
    let now = js_sys::Date::new_0();
    // Asia/Shanghai is UTC+8 all year: shift, then read the UTC fields.
    let shifted = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        now.get_time() + 8.0 * 3600.0 * 1000.0,
    ));
    format!(
        "{:04}-{:02}",
        shifted.get_utc_full_year(),
        shifted.get_utc_month() + 1
    )
}

fn pct(p: Option<f64>) -> String {
    p.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

#[component]
fn CallbackRow(item: CallbackItemView, saved: RwSignal<u32>) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let reached = RwSignal::new(None::<bool>);
    let satisfied = RwSignal::new(None::<bool>);
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<FieldError>);
    let case_id = item.case_id;
    let save = move |_| {
        let Some(r) = reached.get_untracked() else {
            return;
        };
        let req = RecordCallbackRequest {
            reached: r,
            satisfied: if r { satisfied.get_untracked() } else { None },
            comment: Some(comment.get_untracked()),
        };
        spawn_local(async move {
            match api::record_callback(case_id, &req).await {
                Ok(()) => saved.update(|n| *n += 1),
                Err(e) => error.set(Some(
                    e.fields
                        .values()
                        .next()
                        .cloned()
                        .unwrap_or(FieldError::new(e.message, e.message_en)),
                )),
            }
        });
    };
    let radio = move |name: String,
                      id: String,
                      label: &'static str,
                      sig: RwSignal<Option<bool>>,
                      value: bool| {
        view! {
            <span class="radio">
                <input type="radio" id=id.clone() name=name prop:checked=move || sig.get() == Some(value)
                    on:change=move |_| sig.set(Some(value)) />
                <label for=id>{tr(label)}</label>
            </span>
        }
    };
    view! {
        <li class="case-card">
            <h3 class="case-card__title">
                <A href=format!("/complaints/{case_id}")>{format!("{} {}", item.reference, item.category_name)}</A>
            </h3>
            {item.major.then(|| view! { <p><strong class="badge">{tr("callbacks.major")}</strong></p> })}
            {match item.callback {
                Some(cb) => view! {
                    <p>{tr("callbacks.done")} ": " {cb.called_by} " · "
                        {if cb.reached { tr("callbacks.reached")() } else { tr("callbacks.not_reached")() }}
                        {cb.satisfied.map(|s| format!(" · {}", if s { tr("callbacks.satisfied")() } else { tr("callbacks.unsatisfied")() }))}
                    </p>
                }.into_any(),
                None => view! {
                    <fieldset class="fieldset">
                        <legend>{format!("{} · {}", item.reference, tr("callbacks.reached")())}</legend>
                        {radio(format!("reached-{case_id}"), format!("reached-{case_id}-yes"), "callbacks.reached", reached, true)}
                        {radio(format!("reached-{case_id}"), format!("reached-{case_id}-no"), "callbacks.not_reached", reached, false)}
                    </fieldset>
                    <Show when=move || reached.get() == Some(true)>
                        <fieldset class="fieldset">
                            <legend>{format!("{} · {}", item.reference, tr("callbacks.satisfied")())}</legend>
                            {radio(format!("sat-{case_id}"), format!("sat-{case_id}-yes"), "callbacks.satisfied", satisfied, true)}
                            {radio(format!("sat-{case_id}"), format!("sat-{case_id}-no"), "callbacks.unsatisfied", satisfied, false)}
                        </fieldset>
                    </Show>
                    <div class="field">
                        <label for=format!("comment-{case_id}")>{tr("callbacks.comment")}</label>
                        <input id=format!("comment-{case_id}") type="text" prop:value=move || comment.get()
                            on:input=move |ev| comment.set(event_target_value(&ev)) />
                    </div>
                    {move || error.get().map(|e| view! { <p class="field-error" role="alert">{pick(locale.get(), &e)}</p> })}
                    <button type="button" class="button button--secondary" on:click=save>{tr("callbacks.save")}</button>
                }.into_any(),
            }}
        </li>
    }
}

#[component]
pub fn Callbacks() -> impl IntoView {
    page_title("callbacks.title");
    let communities = RwSignal::new(Vec::<JurisdictionView>::new());
    // The desk links here with `month=` and, narrowed to one community, `community_id=`.
    let query = leptos_router::hooks::use_query_map();
    let asked_community =
        query.with_untracked(|q| q.get("community_id").and_then(|c| c.parse::<i64>().ok()));
    let asked_month = query.with_untracked(|q| {
        q.get("month")
            .filter(|m| anju_domain::callback::parse_month(m).is_some())
    });
    let community = RwSignal::new(0i64);
    let month = RwSignal::new(asked_month.unwrap_or_else(this_month));
    let draw = RwSignal::new(None::<Result<DrawView, String>>);
    let report = RwSignal::new(None::<MonthlyReport>);
    let saved = RwSignal::new(0u32);

    spawn_local(async move {
        if let Ok(list) = api::staff_communities().await {
            let asked = asked_community.filter(|c| list.iter().any(|x| x.id == *c));
            if let Some(id) = asked.or(list.first().map(|f| f.id)) {
                community.set(id);
            }
            communities.set(list);
        }
    });
    let load = move || {
        let (c, m) = (community.get_untracked(), month.get_untracked());
        if c == 0 {
            return;
        }
        spawn_local(async move {
            draw.set(Some(
                api::callback_draw(c, &m)
                    .await
                    .map_err(|e| e.code)
                    .and_then(|d| d.ok_or_else(|| "not_drawn".to_owned())),
            ));
            report.set(api::complaint_report(c, &m).await.ok());
        });
    };
    Effect::new(move |_| {
        community.track();
        saved.track();
        load();
    });
    let make_draw = move |_| {
        let req = DrawRequest {
            community_id: community.get_untracked(),
            month: month.get_untracked(),
        };
        spawn_local(async move {
            if api::make_callback_draw(&req).await.is_ok() {
                saved.update(|n| *n += 1);
            }
        });
    };

    view! {
        <h1>{tr("callbacks.title")}</h1>
        <p>{tr("callbacks.intro")}</p>
        <form class="form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(); }>
            <div class="field">
                <label for="community">{tr("callbacks.community")}</label>
                <select id="community" on:change=move |ev| community.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {move || communities.get().into_iter().map(|c| view! {
                        <option value=c.id.to_string() selected=move || community.get() == c.id>{c.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="month">{tr("callbacks.month")}</label>
                <input id="month" type="month" prop:value=move || month.get() on:input=move |ev| month.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="button button--secondary">{tr("callbacks.show")}</button>
        </form>

        <h2>{tr("callbacks.list")}</h2>
        {move || match draw.get() {
            None => view! { <p role="status">{tr("app.loading")}</p> }.into_any(),
            Some(Err(_)) => view! {
                <p>{tr("callbacks.none")}</p>
                <button type="button" class="button" on:click=make_draw>{tr("callbacks.draw")}</button>
            }.into_any(),
            Some(Ok(d)) => view! {
                <p>{tr("callbacks.from")} " " {d.candidates} " · " {tr("callbacks.seed")} " " <span class="mono" data-testid="seed">{d.seed.clone()}</span></p>
                <ul class="case-list">
                    {d.items.into_iter().map(|item| view! { <CallbackRow item saved /> }).collect_view()}
                </ul>
            }.into_any(),
        }}

        <h2>{tr("callbacks.report")}</h2>
        {move || report.get().map(|r| view! {
            <dl class="summary-list" data-testid="report">
                <div><dt>{tr("report.complaints")}</dt><dd>{r.complaints}</dd></div>
                <div><dt>{tr("report.inquiries")}</dt><dd>{r.inquiries}</dd></div>
                <div><dt>{tr("report.coverage")}</dt><dd>{format!("{} ({}/{})", pct(r.callback_coverage_percent), r.called, r.handled)}</dd></div>
                <div><dt>{tr("report.major_coverage")}</dt><dd>{format!("{} ({}/{})", pct(r.major_coverage_percent), r.major_called, r.major_handled)}</dd></div>
                <div><dt>{tr("report.satisfaction")}</dt><dd>{format!("{} · {} {}%", pct(r.satisfaction_percent), tr("report.target")(), r.satisfaction_target_percent)}</dd></div>
                <div><dt>{tr("report.breached")}</dt><dd>{r.breached}</dd></div>
            </dl>
            <p class="actions">
                <a class="button button--secondary" href=api::report_url(community.get_untracked(), &month.get_untracked(), "csv") download>{tr("callbacks.download_csv")}</a>
                <a class="button button--secondary" href=api::report_url(community.get_untracked(), &month.get_untracked(), "xlsx") download>{tr("callbacks.download_xlsx")}</a>
            </p>
        })}
    }
}
