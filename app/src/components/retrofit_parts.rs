//! Pieces of the retrofit application pages: the documents screen (photos shrunk in the
//! browser, PDFs sent as they are, upload progress shown, a failed upload kept for a retry
//! without losing the rest) and the timeline in plain words.

use crate::api;
use crate::components::application_card::state_key;
use crate::components::application_ctx::{Ctx, Screen};
use crate::components::photos::{check_file, shrink};
use crate::format::unix_time;
use crate::i18n::{pick, tr};
use crate::state::Prefs;
use anju_domain::application::{
    required_documents, ApplicationView, DocumentKind, RetrofitEventView,
};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

pub fn document_key(k: DocumentKind) -> &'static str {
    match k {
        DocumentKind::IdFront => "doc.id_front",
        DocumentKind::IdBack => "doc.id_back",
        DocumentKind::DisabilityCertificate => "doc.disability_certificate",
        DocumentKind::OwnershipProof => "doc.ownership_proof",
        DocumentKind::Other => "doc.other",
    }
}

/// One kind of document: what is there, and an upload control with progress and retry.
#[component]
fn DocumentSlot(kind: DocumentKind, required: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let progress = RwSignal::new(None::<u32>);
    let failure = RwSignal::new(None::<FieldError>);
    // The file that failed, kept so "try again" does not need choosing it again.
    let pending = RwSignal::new_local(None::<web_sys::Blob>);
    let input_id = format!("doc-{}", kind.as_str());
    let title_id = format!("{input_id}-title");
    let labelled_by = title_id.clone();
    let send = move |blob: web_sys::Blob| {
        let id = ctx.id();
        progress.set(Some(0));
        failure.set(None);
        spawn_local(async move {
            let url = format!(
                "/api/retrofit/applications/{id}/documents?kind={}",
                kind.as_str()
            );
            let result = api::upload_with_progress::<ApplicationView>(&url, &blob, move |p| {
                progress.set(Some(p))
            })
            .await;
            progress.set(None);
            match result {
                Ok(view) => {
                    pending.set(None);
                    ctx.app.set(Some(view));
                }
                Err(e) => {
                    pending.set(Some(blob));
                    failure.set(Some(
                        e.fields
                            .values()
                            .next()
                            .cloned()
                            .unwrap_or(FieldError::new(e.message, e.message_en)),
                    ));
                }
            }
        });
    };
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
        spawn_local(async move {
            if let Err(refused) = check_file(&file, true).await {
                failure.set(Some(refused));
                return;
            }
            let blob: web_sys::Blob = if file.type_().starts_with("image/") {
                shrink(&file).await
            } else {
                file.into()
            };
            send(blob);
        });
    };
    let retry = move |_| {
        if let Some(blob) = pending.get_untracked() {
            send(blob);
        }
    };
    let remove = move |doc: i64| {
        let id = ctx.id();
        spawn_local(async move {
            match api::remove_document(id, doc).await {
                Ok(view) => ctx.app.set(Some(view)),
                Err(e) => ctx.fail(e),
            }
        });
    };
    let docs = move || {
        ctx.app.with(|a| {
            a.as_ref()
                .map(|a| {
                    a.documents
                        .iter()
                        .filter(|d| d.kind == kind)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <section class="document-slot" aria-labelledby=labelled_by>
            <h2 id=title_id>
                {tr(document_key(kind))}
                {(!required).then(|| view! { " " <span class="hint">{tr("documents.optional")}</span> })}
            </h2>
            <ul class="document-list">
                {move || docs().into_iter().enumerate().map(|(n, d)| {
                    let doc_id = d.id;
                    view! {
                        <li>
                            <a href=d.url.clone() target="_blank" rel="noopener">{tr("documents.view")} " " {n + 1}</a>
                            " · " {if d.content_type == "application/pdf" { "PDF" } else { "JPG" }}
                            " " <button type="button" class="link-button" on:click=move |_| remove(doc_id)>
                                {tr("documents.remove")}<span class="visually-hidden">{tr(document_key(kind))} " " {n + 1}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="field">
                <label for=input_id.clone()>{tr("documents.add")} " " {tr(document_key(kind))}</label>
                <input id=input_id type="file" accept="image/*,application/pdf" on:change=chosen />
            </div>
            {move || progress.get().map(|p| view! {
                <p role="status">
                    <label for=format!("progress-{}", kind.as_str())>{tr("documents.uploading")}</label>
                    " " <progress id=format!("progress-{}", kind.as_str()) max="100" value=p>{p} "%"</progress> " " {p} "%"
                </p>
            })}
            {move || failure.get().map(|e| view! {
                <div class="field--error" role="alert">
                    <p class="field-error">{pick(locale.get(), &e)}</p>
                    {pending.with(Option::is_some).then(|| view! {
                        <button type="button" class="button" on:click=retry>{tr("documents.retry")}</button>
                    })}
                </div>
            })}
        </section>
    }
}

#[component]
pub fn DocumentsScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded"));
    let required = required_documents(app.facts.as_ref());
    let slots: Vec<(DocumentKind, bool)> = DocumentKind::ALL
        .into_iter()
        .filter(|k| required.contains(k) || *k == DocumentKind::Other)
        .map(|k| (k, required.contains(&k)))
        .collect();
    view! {
        <button type="button" class="link-button back-link" on:click=move |_| ctx.go(Screen::Tasks)>{tr("task.back")}</button>
        <h1>{tr("task.documents")}</h1>
        <p class="lead">{tr("documents.intro")}</p>
        {slots.into_iter().map(|(kind, required)| view! { <DocumentSlot kind=kind required=required /> }).collect_view()}
        <p><button type="button" class="button button--large" on:click=move |_| ctx.go(Screen::Tasks)>{tr("documents.done")}</button></p>
    }
}

fn action_key(action: &str) -> &'static str {
    match action {
        "start" => "raction.start",
        "submit" => "raction.submit",
        "withdraw" => "raction.withdraw",
        "approve" => "raction.approve",
        "return" => "raction.return",
        "reject" => "raction.reject",
        "confirm" => "raction.confirm",
        "decline" => "raction.decline",
        "assign_assessor" => "raction.assign_assessor",
        "propose_visit" => "raction.propose_visit",
        "ask_another_time" => "raction.ask_another_time",
        "record_assessment" => "raction.record_assessment",
        "propose_plan" => "raction.propose_plan",
        "request_plan_changes" => "raction.request_plan_changes",
        "sign_plan" => "raction.sign_plan",
        "assign_contractor" => "raction.assign_contractor",
        "start_works" => "raction.start_works",
        "finish_works" => "raction.finish_works",
        "request_rework" => "raction.request_rework",
        "accept" => "raction.accept",
        _ => "raction.other",
    }
}

fn by_key(by: &str) -> &'static str {
    match by {
        "applicant" => "rby.applicant",
        "office" | "street_reviewer" => "rby.street",
        "county_admin" => "rby.county",
        "assessor" => "rby.assessor",
        "contractor" => "rby.contractor",
        _ => "rby.other",
    }
}

#[component]
pub fn Timeline(events: Vec<RetrofitEventView>) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    view! {
        <ol class="timeline">
            {events.into_iter().rev().map(|e| {
                let checklist: Vec<FieldError> = e.checklist.iter().map(|i| { let (zh, en) = i.message(); FieldError::new(zh, en) }).collect();
                let reason = e.reason.map(|r| { let (zh, en) = r.message(); FieldError::new(zh, en) });
                view! {
                    <li>
                        <p class="timeline__when">{move || unix_time(e.at, locale.get())} " · " {tr(by_key(&e.by))}</p>
                        <p><strong>{tr(action_key(&e.action))}</strong> " — " {tr(state_key(e.state))}</p>
                        {e.visit_at.map(|at| view! { <p>{tr("visit.time")} " " <strong>{move || crate::format::appointment(at, locale.get())}</strong></p> })}
                        {reason.map(|r| view! { <p>{move || pick(locale.get(), &r)}</p> })}
                        {(!checklist.is_empty()).then(|| view! {
                            <ul>{checklist.into_iter().map(|c| view! { <li>{move || pick(locale.get(), &c)}</li> }).collect_view()}</ul>
                        })}
                        {e.note.clone().map(|n| view! { <p class="prewrap">{n}</p> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
