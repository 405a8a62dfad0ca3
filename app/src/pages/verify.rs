//! `/verify`: anyone holding a printed certificate types its code and learns whether the
//! stored plan still matches what was signed — the version, the hash to compare with the
//! print, when and by whom (masked) — and nothing else about the household.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::format::seconds_time;
use crate::i18n::{page_title, tr};
use anju_domain::retrofit_signing::{
    format_code, normalise_code, SignerCapacity, VerifiedDocument, VerifyView,
};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

#[component]
pub fn VerifyPage() -> impl IntoView {
    page_title("verify.title");
    let query = use_query_map();
    let code = RwSignal::new(query.read_untracked().get("code").unwrap_or_default());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let result = RwSignal::new(None::<Result<VerifyView, ()>>);
    let check = move || {
        errors.set(FieldErrors::new());
        general.set(None);
        result.set(None);
        let Some(normal) = normalise_code(&code.get_untracked()) else {
            let mut e = FieldErrors::new();
            e.insert(
                "code".into(),
                FieldError::new(
                    "验证码是 12 位字母和数字（如 ABCD-EFGH-JKMN），请对照证明再输入",
                    "A code is 12 letters and digits (like ABCD-EFGH-JKMN); check it against the certificate",
                ),
            );
            errors.set(e);
            return;
        };
        spawn_local(async move {
            match api::verify_certificate(&normal).await {
                Ok(v) => result.set(Some(Ok(v))),
                Err(e) if e.code == "not_found" => result.set(Some(Err(()))),
                Err(e) => {
                    errors.set(e.fields.clone());
                    general.set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
        });
    };
    if !code.get_untracked().is_empty() {
        check();
    }
    view! {
        <h1>{tr("verify.title")}</h1>
        <p class="lede">{tr("verify.lede")}</p>
        <ErrorSummary errors=errors general=general />
        <form on:submit=move |ev| { ev.prevent_default(); check() }>
            <TextField id="code" label="verify.code" value=code errors=errors hint="verify.code_hint" autocomplete="off" />
            <p><button type="submit" class="button button--large">{tr("verify.check")}</button></p>
        </form>
        {move || result.get().map(|r| match r {
            Ok(v) if v.valid => view! {
                <div class="panel-success" role="status" aria-labelledby="verify-result">
                    <h2 id="verify-result">{tr(if v.document == VerifiedDocument::Contract { "verify.matches_contract" } else { "verify.matches" })}</h2>
                    <Details v=v />
                </div>
            }.into_any(),
            Ok(v) => view! {
                <div class="error-summary" role="alert" aria-labelledby="verify-result">
                    <h2 id="verify-result">{tr(if v.document == VerifiedDocument::Contract { "verify.changed_contract" } else { "verify.changed" })}</h2>
                    <Details v=v />
                </div>
            }.into_any(),
            Err(()) => view! {
                <div class="panel-notice" role="status"><h2>{tr("verify.unknown")}</h2><p>{tr("verify.unknown_hint")}</p></div>
            }.into_any(),
        })}
    }
}

#[component]
fn Details(v: VerifyView) -> impl IntoView {
    view! {
        <dl class="summary-list">
            <div><dt>{tr("verify.document")}</dt><dd>{tr(match v.document {
                VerifiedDocument::Plan => "verify.doc_plan",
                VerifiedDocument::Contract => "verify.doc_contract",
            })}</dd></div>
            <div><dt>{tr("cert.code")}</dt><dd>{format_code(&v.code)}</dd></div>
            <div><dt>{tr("cert.version")}</dt><dd>{v.version}</dd></div>
            <div><dt>{tr("cert.signed_at")}</dt><dd>{seconds_time(v.signed_at)} " " {tr("cert.beijing")}</dd></div>
            <div><dt>{tr("cert.signer")}</dt><dd>{v.signer_masked.clone()} " · " {tr(match v.capacity {
                SignerCapacity::Elder => "plan.as_elder",
                SignerCapacity::Guardian => "plan.as_guardian",
            })}</dd></div>
            {v.contract_sha256.clone().map(|h| view! { <div><dt>{tr("verify.contract_hash")}</dt><dd><code class="certificate__hash">{h}</code></dd></div> })}
            <div><dt>{tr(if v.document == VerifiedDocument::Contract { "contract.cert_plan_hash" } else { "cert.hash" })}</dt><dd><code class="certificate__hash">{v.plan_sha256.clone()}</code></dd></div>
        </dl>
    }
}
