//! The certificate of a signed construction contract
//! (`/retrofit/applications/:id/contract/certificate`): the household, the company, the works'
//! dates, the plan it carries out (by its hash), the contract's own hash, and for each side who
//! signed, in what capacity, how they confirmed who they were, when (Beijing time, to the
//! second), from which address and device, and the signature itself; the code anyone can check
//! at `/verify`. One A4 page in print, like the plan's certificate.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::format::seconds_time;
use crate::i18n::{page_title, tr};
use crate::pages::retrofit_family::relationship_key;
use anju_domain::application::Relationship;
use anju_domain::retrofit_catalogue::format_yuan;
use anju_domain::retrofit_contract::{
    ContractCertificateView, ContractParty, ContractSignatureEvidence,
};
use anju_domain::retrofit_signing::{format_code, SignerCapacity};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ContractCertificate() -> impl IntoView {
    page_title("contract.cert_title");
    let params = use_params_map();
    let id = params
        .read_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_default();
    let cert = RwSignal::new(None::<ContractCertificateView>);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    spawn_local(async move {
        match api::contract_certificate(id).await {
            Ok(c) => cert.set(Some(c)),
            Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
        }
    });
    let back = format!("/retrofit/applications/{id}");
    view! {
        <p class="no-print"><a class="back-link" href=back>{tr("contract.cert_back")}</a></p>
        <ErrorSummary errors=errors general=general />
        {move || match cert.get() {
            None => view! { <p class="loading" role="status">{tr("app.loading")}</p> }.into_any(),
            Some(c) => view! { <Certificate cert=c /> }.into_any(),
        }}
    }
}

#[component]
fn Certificate(cert: ContractCertificateView) -> impl IntoView {
    let c = cert.contract.clone();
    let code = format_code(&c.code);
    let verify_link = format!("/verify?code={code}");
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <article class="certificate">
            <h1>{tr("contract.cert_title")}</h1>
            {(!cert.intact).then(|| view! {
                <div class="error-summary" role="alert"><p><strong>{tr("cert.not_intact")}</strong></p></div>
            })}
            <p>{tr("contract.cert_intro")}</p>
            <p class="certificate__code">{tr("cert.code")} " " <strong class="code">{code.clone()}</strong></p>
            <dl class="summary-list">
                <div><dt>{tr("cert.reference")}</dt><dd>{cert.reference.clone()}</dd></div>
                <div><dt>{tr("cert.elder")}</dt><dd>{cert.elder_masked.clone()}</dd></div>
                <div><dt>{tr("contract.company")}</dt><dd>{c.contractor.clone()}</dd></div>
                <div><dt>{tr("contract.dates")}</dt><dd>{c.planned_start.clone()} " " {tr("contract.to")} " " {c.planned_finish.clone()}</dd></div>
                <div><dt>{tr("contract.version")}</dt><dd>{c.version} " · " {tr("cert.agreement_version")} " " {c.terms_version}</dd></div>
                <div><dt>{tr("contract.plan")}</dt><dd>{tr("contract.plan_version")} " " {c.plan_version}</dd></div>
                <div><dt>{tr("cert.total")}</dt><dd>{format_yuan(c.total.price_fen)} " · " {tr("plan.subsidy")} " " {format_yuan(c.total.subsidy_fen)} " · " {tr("plan.self")} " " <strong>{format_yuan(c.total.self_paid_fen)}</strong></dd></div>
            </dl>
            <p class="hint">{tr("cert.yuan")}</p>
            <h2>{tr("contract.cert_signatures")}</h2>
            {cert.signatures.into_iter().map(|s| view! { <Signature s=s /> }).collect_view()}
            <h2>{tr("cert.hash")}</h2>
            <p class="certificate__hash"><code>{c.sha256.clone()}</code></p>
            <h3>{tr("contract.cert_plan_hash")}</h3>
            <p class="certificate__hash"><code>{c.plan_sha256.clone()}</code></p>
            <p>{tr("cert.hash_hint")} " " <a href=verify_link>{tr("cert.verify_link")}</a></p>
            <details class="certificate__agreement" open>
                <summary>{tr("contract.terms")}</summary>
                <p class="prewrap">{cert.terms_zh.clone()}</p>
            </details>
            <p class="no-print"><button type="button" class="button" on:click=print>{tr("cert.print")}</button></p>
        </article>
    }
}

#[component]
fn Signature(s: ContractSignatureEvidence) -> impl IntoView {
    let side = match s.signature.party {
        ContractParty::Contractor => "contract.builder_side",
        ContractParty::Household => "contract.household_side",
    };
    let capacity = s.signature.capacity.map(|c| {
        view! {
            <div><dt>{tr("cert.capacity")}</dt><dd>{tr(match c {
                SignerCapacity::Elder => "plan.as_elder",
                SignerCapacity::Guardian => "plan.as_guardian",
            })}{s.relationship.as_deref().and_then(Relationship::parse).map(|r| view! { "（" {tr(relationship_key(r))} "）" })}</dd></div>
        }
    });
    view! {
        <h3>{tr(side)}</h3>
        <dl class="summary-list">
            <div><dt>{tr("cert.signer")}</dt><dd>{s.signature.signer_masked.clone()} " · " {s.signer_phone_masked.clone()}</dd></div>
            {capacity}
            <div><dt>{tr("cert.identity")}</dt><dd>{tr("cert.identity_password")} " · " {seconds_time(s.signature.signed_at)}</dd></div>
            <div><dt>{tr("cert.signed_at")}</dt><dd><strong>{seconds_time(s.signature.signed_at)}</strong> " " {tr("cert.beijing")}</dd></div>
            <div><dt>{tr("cert.device")}</dt><dd>{s.device.clone()} " · " {s.ip.clone()}</dd></div>
            <div><dt>{tr("cert.mark")}</dt><dd>{if s.signature.mark_kind == "drawn" {
                view! { <img class="certificate__mark" src=s.mark.clone() alt=tr("cert.mark_alt") /> }.into_any()
            } else {
                view! { <span class="certificate__typed">{s.mark.clone()}</span> " " <span class="hint">{tr("cert.typed")}</span> }.into_any()
            }}</dd></div>
        </dl>
    }
}
