//! "Who viewed my data" on a family's own application (PIPL Art. 45): offices in plain words,
//! newest first, loaded on its own so the rest of the page never waits for it.

use crate::api;
use crate::format::unix_time;
use crate::i18n::tr;
use crate::state::Prefs;
use anju_domain::audit::office_words;
use anju_domain::Locale;
use leptos::prelude::*;

#[component]
pub fn AccessLog(application_id: i64) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let log = LocalResource::new(move || api::access_log(application_id));
    let say = move |pair: (&'static str, &'static str)| match locale.get() {
        Locale::ZhCn => pair.0,
        Locale::En => pair.1,
    };
    view! {
        <section aria-labelledby="access-log-heading">
            <h2 id="access-log-heading">{tr("access_log.heading")}</h2>
            <p class="hint">{tr("access_log.intro")}</p>
            <Suspense fallback=|| view! { <p class="loading" role="status">{tr("app.loading")}</p> }>
                {move || log.get().map(|result| match result {
                    Ok(entries) if entries.is_empty() => view! { <p>{tr("access_log.none")}</p> }.into_any(),
                    Ok(entries) => view! {
                        <ul class="access-log">
                            {entries.into_iter().map(|e| view! {
                                <li>
                                    <strong>{e.place.clone()} " " {move || say(office_words(e.role))}</strong>
                                    " " {move || say(e.kind.words())}
                                    " · " <time>{move || unix_time(e.at, locale.get())}</time>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(_) => view! {
                        <p role="alert">
                            {tr("access_log.failed")} " "
                            <button type="button" class="button button--secondary" on:click=move |_| log.refetch()>
                                {tr("access_log.retry")}
                            </button>
                        </p>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
