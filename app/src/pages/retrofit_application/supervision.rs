//! The supervision report (监理报告) in the works section: a link to open it once added, and for
//! the street office and the county a file input to add or replace it (a PDF, or a photo of
//! the paper, shrunk first), with upload progress and the server's reason when it is refused.

use crate::api;
use crate::components::application_ctx::Ctx;
use crate::components::photos::{check_file, shrink};
use crate::format::unix_time;
use crate::i18n::{pick, tr};
use crate::state::Prefs;
use anju_domain::application::ApplicationView;
use anju_domain::retrofit_acceptance::SupervisionReportView;
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

#[component]
pub fn SupervisionReport(report: Option<SupervisionReportView>, may_file: bool) -> impl IntoView {
    if report.is_none() && !may_file {
        return ().into_any();
    }
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let progress = RwSignal::new(None::<u32>);
    let failure = RwSignal::new(None::<FieldError>);
    let chosen = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        let id = ctx.id();
        progress.set(Some(0));
        failure.set(None);
        spawn_local(async move {
            if let Err(refused) = check_file(&file, true).await {
                progress.set(None);
                failure.set(Some(refused));
                return;
            }
            let blob: web_sys::Blob = if file.type_().starts_with("image/") {
                shrink(&file).await
            } else {
                file.into()
            };
            let url = format!("/api/retrofit/applications/{id}/supervision-report");
            let result = api::upload_with_progress::<ApplicationView>(&url, &blob, move |p| {
                progress.set(Some(p))
            })
            .await;
            progress.set(None);
            match result {
                Ok(view) => ctx.app.set(Some(view)),
                Err(e) => failure.set(Some(
                    e.fields
                        .values()
                        .next()
                        .cloned()
                        .unwrap_or(FieldError::new(e.message, e.message_en)),
                )),
            }
        });
    };
    view! {
        <section aria-labelledby="supervision-heading">
            <h3 id="supervision-heading">{tr("works.report")}</h3>
            {match report {
                Some(r) => view! {
                    <p>
                        <a href=r.url.clone() class="button button--secondary">{tr("works.report_open")}</a>
                        " " <span class="hint">{if r.content_type == "application/pdf" { "PDF" } else { "JPG" }} " · " {move || unix_time(r.uploaded_at, locale.get())}</span>
                    </p>
                }.into_any(),
                None => view! { <p class="hint">{tr("works.report_none")}</p> }.into_any(),
            }}
            {may_file.then(|| view! {
                <div class="field" class:field--error=move || failure.with(Option::is_some)>
                    <label for="supervision-report">{tr("works.report_add")}</label>
                    <p class="hint" id="supervision-report-hint">{tr("works.report_hint")}</p>
                    {move || failure.get().map(|f| view! { <p class="field-error" role="alert">{pick(locale.get(), &f)}</p> })}
                    <input id="supervision-report" type="file" accept="image/*,application/pdf"
                        aria-describedby="supervision-report-hint" on:change=chosen />
                </div>
                {move || progress.get().map(|p| view! {
                    <p role="status">
                        <label for="supervision-progress">{tr("documents.uploading")}</label>
                        " " <progress id="supervision-progress" max="100" value=p>{p} "%"</progress> " " {p} "%"
                    </p>
                })}
            })}
        </section>
    }
    .into_any()
}
