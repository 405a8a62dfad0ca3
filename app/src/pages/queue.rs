//! Staff queue: open cases in the jurisdiction, most urgent first; an overdue-only view.

use crate::api;
use crate::components::case_card::CaseCard;
use crate::i18n::{page_title, tr};
use anju_domain::complaint::CaseSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Queue() -> impl IntoView {
    page_title("queue.title");
    let query = use_query_map();
    let overdue = move || query.with(|q| q.get("overdue").is_some_and(|v| v == "true"));
    // The desk's links: `due=today`, `overdue=true`, `community_id=…` (passed on as they are,
    // numbers and one word only).
    let filters = move || {
        query.with(|q| {
            let mut parts = vec![format!(
                "overdue={}",
                q.get("overdue").is_some_and(|v| v == "true")
            )];
            if q.get("due").is_some_and(|v| v == "today") {
                parts.push("due=today".into());
            }
            if let Some(c) = q.get("community_id").and_then(|c| c.parse::<i64>().ok()) {
                parts.push(format!("community_id={c}"));
            }
            parts.join("&")
        })
    };
    let narrowed =
        move || query.with(|q| q.get("due").is_some() || q.get("community_id").is_some());
    let items = RwSignal::new(None::<Vec<CaseSummary>>);
    let next = RwSignal::new(None::<String>);
    let load = move |after: Option<String>, filters: String| {
        spawn_local(async move {
            if let Ok(page) = api::queue(after.as_deref(), &filters).await {
                let append = after.is_some();
                items.update(|list| match list {
                    Some(existing) if append => existing.extend(page.items),
                    _ => *list = Some(page.items),
                });
                next.set(page.next_after);
            }
        });
    };
    Effect::new(move |_| load(None, filters()));
    view! {
        <h1>{tr("queue.title")}</h1>
        <p>{tr("queue.intro")}</p>
        <p><A href="/complaints/new" attr:class="button">{tr("queue.file_for")}</A></p>
        <Show when=narrowed>
            <p role="status">{tr("queue.filtered")} " " <A href="/staff/queue">{tr("queue.all")}</A></p>
        </Show>
        <p>
            {move || if overdue() {
                view! { <A href="/staff/queue">{tr("queue.all")}</A> }.into_any()
            } else {
                view! { <A href="/staff/queue?overdue=true">{tr("queue.overdue_only")}</A> }.into_any()
            }}
        </p>
        {move || match items.get() {
            None => view! { <p role="status">{tr("app.loading")}</p> }.into_any(),
            Some(list) if list.is_empty() => view! { <p>{tr("queue.empty")}</p> }.into_any(),
            Some(list) => view! {
                <h2>{tr("queue.list")}</h2>
                <ul class="case-list">
                    {list.into_iter().map(|c| view! { <li><CaseCard case=c staff=true /></li> }).collect_view()}
                </ul>
            }.into_any(),
        }}
        <Show when=move || next.get().is_some()>
            <button type="button" class="button button--secondary"
                on:click=move |_| load(next.get_untracked(), filters())>{tr("admin.more")}</button>
        </Show>
    }
}
