//! County and system admins: the audit log of their area — filter by what it was about, who
//! did it, what they did and when; page back through older entries; download the matching
//! entries as CSV or Excel (the download is itself recorded).

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::format::unix_time;
use crate::i18n::{page_title, role_key, text, tr};
use crate::state::Prefs;
use anju_domain::audit::{action_words, AuditEntryView, ACTIONS};
use anju_domain::{FieldError, Locale};
use leptos::prelude::*;

fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s.trim()).into()
}

/// The filter part of the URL, from the form's fields.
fn query_of(fields: &[(&str, RwSignal<String>)]) -> String {
    fields
        .iter()
        .filter_map(|(name, value)| {
            let v = value.get_untracked();
            (!v.trim().is_empty()).then(|| format!("{name}={}", encode(&v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
pub fn AdminAudit() -> impl IntoView {
    page_title("audit.title");
    let locale = expect_context::<Prefs>().locale;
    let subject = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    // What the results show: the filter last searched for and the page within it.
    let applied = RwSignal::new(String::new());
    let before = RwSignal::new(None::<i64>);
    let earlier = RwSignal::new(Vec::<Option<i64>>::new());
    let page = LocalResource::new(move || {
        let (query, before) = (applied.get(), before.get());
        async move { api::audit_page(&query, before).await }
    });
    // Field problems go next to the fields; the table keeps showing the last good answer.
    Effect::new(move |_| {
        if let Some(Err(e)) = page.get() {
            errors.set(e.fields.clone());
            general.set(
                e.fields
                    .is_empty()
                    .then(|| FieldError::new(e.message, e.message_en)),
            );
        } else if page.get().is_some() {
            errors.set(FieldErrors::new());
            general.set(None);
        }
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        applied.set(query_of(&[
            ("subject", subject),
            ("actor", actor),
            ("action", action),
            ("from", from),
            ("to", to),
        ]));
        before.set(None);
        earlier.set(Vec::new());
    };
    let say = move |code: &str| -> String {
        let (zh, en) = action_words(code);
        match locale.get() {
            Locale::ZhCn => zh.to_owned(),
            Locale::En => en.to_owned(),
        }
    };
    view! {
        <h1>{tr("audit.title")}</h1>
        <p>{tr("audit.intro")}</p>
        <ErrorSummary errors general />
        <form class="form form--filters" on:submit=search novalidate>
            <TextField id="subject" label="audit.subject" hint="audit.subject_hint" value=subject errors />
            <TextField id="actor" label="audit.actor" hint="audit.actor_hint" value=actor errors kind="tel" inputmode="tel" />
            <div class="field">
                <label for="action">{tr("audit.action")}</label>
                <select id="action" on:change=move |ev| action.set(event_target_value(&ev))>
                    <option value="">{tr("audit.any_action")}</option>
                    {ACTIONS.iter().map(|(code, zh, en)| view! {
                        <option value=*code>{move || if locale.get() == Locale::ZhCn { *zh } else { *en }}</option>
                    }).collect_view()}
                </select>
            </div>
            <TextField id="from" label="audit.from" value=from errors kind="date" />
            <TextField id="to" label="audit.to" value=to errors kind="date" />
            <button type="submit" class="button">{tr("audit.search")}</button>
        </form>
        <p class="actions">
            <a class="button button--secondary" href=move || api::audit_export_url(&applied.get(), "csv") download>{tr("audit.download_csv")}</a>
            <a class="button button--secondary" href=move || api::audit_export_url(&applied.get(), "xlsx") download>{tr("audit.download_xlsx")}</a>
        </p>
        <Suspense fallback=|| view! { <p class="loading" role="status">{tr("app.loading")}</p> }>
            {move || page.get().map(|result| match result {
                Ok(p) if p.items.is_empty() => view! { <p role="status">{tr("audit.none")}</p> }.into_any(),
                Ok(p) => {
                    let next = p.next_before;
                    view! {
                        <div class="table-wrap">
                            <table>
                                <caption class="visually-hidden">{tr("audit.caption")}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{tr("audit.col_time")}</th>
                                        <th scope="col">{tr("audit.col_actor")}</th>
                                        <th scope="col">{tr("audit.col_action")}</th>
                                        <th scope="col">{tr("audit.col_subject")}</th>
                                        <th scope="col">{tr("audit.col_detail")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {p.items.into_iter().map(|e| view! { <AuditRow entry=e say /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <p class="actions">
                            <Show when=move || !earlier.with(Vec::is_empty)>
                                <button type="button" class="button button--secondary" on:click=move |_| {
                                    let back = earlier.try_update(|e| e.pop()).flatten().flatten();
                                    before.set(back);
                                }>{tr("audit.newer")}</button>
                            </Show>
                            {next.map(|n| view! {
                                <button type="button" class="button button--secondary" on:click=move |_| {
                                    earlier.update(|e| e.push(before.get_untracked()));
                                    before.set(Some(n));
                                }>{tr("audit.older")}</button>
                            })}
                        </p>
                    }.into_any()
                }
                Err(_) => view! {
                    <p role="alert">
                        {tr("audit.failed")} " "
                        <button type="button" class="button button--secondary" on:click=move |_| page.refetch()>
                            {tr("audit.retry")}
                        </button>
                    </p>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn AuditRow(
    entry: AuditEntryView,
    say: impl Fn(&str) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let action = entry.action.clone();
    let actor = entry.actor.clone();
    view! {
        <tr>
            <td><time>{move || unix_time(entry.at, locale.get())}</time></td>
            <td>{match actor {
                Some(a) => {
                    let role = a.role;
                    view! {
                        {a.name}
                        <br /><span class="caption">{move || text(locale.get(), role_key(role))}
                        {a.office.map(|o| format!(" · {o}"))}</span>
                    }.into_any()
                }
                None => view! { {tr("audit.system")} }.into_any(),
            }}</td>
            <td>{move || say(&action)}</td>
            <td>{entry.subject_reference.clone().unwrap_or_else(|| entry.subject.clone())}</td>
            <td class="prewrap">{entry.detail.clone()}</td>
        </tr>
    }
}
