//! The certificate of a signed plan (`/retrofit/applications/:id/plan/certificate`): the
//! household, the plan with its amounts, the SHA-256 of exactly what was signed, who signed,
//! in what capacity, how they confirmed who they were, when (Beijing time, to the second),
//! from which address and device, the signature itself, and the code anyone can check at
//! `/verify`. One A4 page in print; readable on a phone.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::format::seconds_time;
use crate::i18n::{page_title, tr};
use crate::pages::retrofit_family::relationship_key;
use crate::pages::retrofit_plan::room_name;
use crate::state::Prefs;
use anju_domain::application::Relationship;
use anju_domain::retrofit_catalogue::format_yuan;
use anju_domain::retrofit_plan::format_quantity;
use anju_domain::retrofit_signing::{format_code, CertificateView, SignerCapacity};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PlanCertificate() -> impl IntoView {
    page_title("cert.title");
    let params = use_params_map();
    let id = params
        .read_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_default();
    let cert = RwSignal::new(None::<CertificateView>);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    spawn_local(async move {
        match api::plan_certificate(id).await {
            Ok(c) => cert.set(Some(c)),
            Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
        }
    });
    let back = format!("/retrofit/applications/{id}/plan");
    view! {
        <p class="no-print"><a class="back-link" href=back>{tr("cert.back")}</a></p>
        <ErrorSummary errors=errors general=general />
        {move || match cert.get() {
            None => view! { <p class="loading" role="status">{tr("app.loading")}</p> }.into_any(),
            Some(c) => view! { <Certificate cert=c /> }.into_any(),
        }}
    }
}

#[component]
fn Certificate(cert: CertificateView) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let code = format_code(&cert.code);
    let verify_link = format!("/verify?code={code}");
    let total = cert.costed.total;
    let rows: Vec<_> = cert
        .lines
        .iter()
        .cloned()
        .zip(cert.costed.lines.iter().copied())
        .collect();
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <article class="certificate">
            <h1>{tr("cert.heading")}</h1>
            {(!cert.intact).then(|| view! {
                <div class="error-summary" role="alert"><p><strong>{tr("cert.not_intact")}</strong></p></div>
            })}
            <p class="certificate__code">{tr("cert.code")} " " <strong class="code">{code.clone()}</strong></p>
            <dl class="summary-list">
                <div><dt>{tr("cert.reference")}</dt><dd>{cert.reference.clone()}</dd></div>
                <div><dt>{tr("cert.address")}</dt><dd>{cert.address.clone()}</dd></div>
                <div><dt>{tr("cert.elder")}</dt><dd>{cert.elder_masked.clone()}</dd></div>
                <div><dt>{tr("cert.version")}</dt><dd>{cert.version} " · " {tr("cert.agreement_version")} " " {cert.agreement_version}</dd></div>
            </dl>
            <h2>{tr("cert.items")}</h2>
            <table class="certificate__items">
                <thead><tr>
                    <th scope="col">{tr("plan.item")}</th>
                    <th scope="col">{tr("plan.room")}</th>
                    <th scope="col">{tr("plan.quantity")}</th>
                    <th scope="col" class="num">{tr("plan.price")}</th>
                    <th scope="col" class="num">{tr("plan.subsidy")}</th>
                    <th scope="col" class="num">{tr("plan.self")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|(l, a)| view! {
                        <tr>
                            <td>{format!("{}. {}", l.item.no, l.item.name_zh)}</td>
                            <td>{move || room_name(l.room, locale.get())}</td>
                            <td>{format!("{} {}", format_quantity(l.quantity_centi), l.item.unit_zh)}</td>
                            <td class="num">{format_yuan(a.price_fen)}</td>
                            <td class="num">{format_yuan(a.subsidy_fen)}</td>
                            <td class="num">{format_yuan(a.self_paid_fen)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot><tr>
                    <th scope="row" colspan="3">{tr("cert.total")}</th>
                    <td class="num">{format_yuan(total.price_fen)}</td>
                    <td class="num">{format_yuan(total.subsidy_fen)}</td>
                    <td class="num"><strong>{format_yuan(total.self_paid_fen)}</strong></td>
                </tr></tfoot>
            </table>
            <p class="hint">{tr("cert.yuan")}</p>
            <h2>{tr("cert.signature")}</h2>
            <dl class="summary-list">
                <div><dt>{tr("cert.signer")}</dt><dd>{cert.signer_masked.clone()} " · " {cert.signer_phone_masked.clone()}</dd></div>
                <div><dt>{tr("cert.capacity")}</dt><dd>{tr(match cert.capacity {
                    SignerCapacity::Elder => "plan.as_elder",
                    SignerCapacity::Guardian => "plan.as_guardian",
                })}{cert.relationship.as_deref().and_then(Relationship::parse).map(|r| view! { "（" {tr(relationship_key(r))} "）" })}</dd></div>
                <div><dt>{tr("cert.identity")}</dt><dd>{tr("cert.identity_password")} " · " {seconds_time(cert.identity_confirmed_at)}</dd></div>
                <div><dt>{tr("cert.proposed_at")}</dt><dd>{seconds_time(cert.proposed_at)} " " {tr("cert.beijing")}</dd></div>
                <div><dt>{tr("cert.signed_at")}</dt><dd><strong>{seconds_time(cert.signed_at)}</strong> " " {tr("cert.beijing")}</dd></div>
                <div><dt>{tr("cert.device")}</dt><dd>{cert.device.clone()} " · " {cert.ip.clone()}</dd></div>
                <div><dt>{tr("cert.mark")}</dt><dd>{if cert.mark_kind == "drawn" {
                    view! { <img class="certificate__mark" src=cert.mark.clone() alt=tr("cert.mark_alt") /> }.into_any()
                } else {
                    view! { <span class="certificate__typed">{cert.mark.clone()}</span> " " <span class="hint">{tr("cert.typed")}</span> }.into_any()
                }}</dd></div>
            </dl>
            <h2>{tr("cert.hash")}</h2>
            <p class="certificate__hash"><code>{cert.plan_sha256.clone()}</code></p>
            <p>{tr("cert.hash_hint")} " " <a href=verify_link>{tr("cert.verify_link")}</a></p>
            <details class="certificate__agreement" open>
                <summary>{tr("plan.agreement")}</summary>
                <p class="prewrap">{cert.agreement_zh.clone()}</p>
            </details>
            <p class="no-print"><button type="button" class="button" on:click=print>{tr("cert.print")}</button></p>
        </article>
    }
}
