//! The construction contract (施工合同) over HTTP: the assigned company offers it — the works'
//! dates under the standard terms, bound to the signed plan by the plan's hash — and signs it
//! in the same step; the elder or their family signs it like the plan (password again, a drawn
//! or typed mark). The works cannot start before both have signed (`signed_with_current`,
//! read by the start action). Anyone with the contract's code can check it on `/verify`.
//!
//! Each offer and each signature is one transaction with its audit entry and notifications.

use super::access::{visible_application, Viewer};
use super::plan::{client_of, family_signer, mark_of, reconfirm_password, signer_of};
use crate::auth::CurrentUser;
use crate::db::retrofit::contracts::{
    ContractRow, ContractSignatureRow, NewContract, NewContractSignature,
};
use crate::db::retrofit::ApplicationRow;
use crate::db::{Audit, Db};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::routes::fields::refused;
use crate::AppState;
use anju_domain::plan_document::{sha256_hex, ContractDocument, SCHEMA_VERSION};
use anju_domain::retrofit::RetrofitState;
use anju_domain::retrofit_assessment::mask_name;
use anju_domain::retrofit_contract::{
    check_dates, ContractCertificateView, ContractParty, ContractRefusal, ContractSignatureView,
    ContractState, ContractView, OfferContractRequest, SignContractRequest, TERMS_EN,
    TERMS_VERSION, TERMS_ZH,
};
use anju_domain::retrofit_plan::cost;
use anju_domain::retrofit_signing::{
    code_from_bytes, device_of, format_code, SignerCapacity, SigningRefusal,
};
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::{Extension, Json};
use std::net::SocketAddr;

/// The household's contract with the company it is assigned to now, if any.
async fn current_contract(
    state: &AppState,
    app: &ApplicationRow,
) -> ApiResult<Option<ContractRow>> {
    Ok(state
        .db
        .open_contract(app.id)
        .await?
        .filter(|c| Some(c.org_id) == app.contractor_org_id))
}

/// Both sides signed the contract of the company the household is assigned to now.
pub(super) async fn signed_with_current(state: &AppState, app: &ApplicationRow) -> ApiResult<bool> {
    Ok(current_contract(state, app)
        .await?
        .is_some_and(|c| c.state == "signed"))
}

fn bad_stored(e: serde_json::Error) -> ApiError {
    ApiError::Internal(e.into())
}

fn signature_view(db_sig: &ContractSignatureRow, name: &str) -> ContractSignatureView {
    ContractSignatureView {
        party: ContractParty::parse(&db_sig.party).unwrap_or(ContractParty::Household),
        signer_masked: mask_name(name),
        capacity: db_sig.capacity.as_deref().and_then(SignerCapacity::parse),
        signed_at: db_sig.signed_at,
        identity_method: db_sig.identity_method.clone(),
        mark_kind: db_sig.mark_kind.clone(),
    }
}

/// The stored contract still is what both sides signed: its document hashes to the stored
/// hash, every signature binds that hash, and the document names the plan that was signed
/// and the dates on record.
async fn intact(db: &Db, c: &ContractRow, sigs: &[ContractSignatureRow]) -> anyhow::Result<bool> {
    let doc: serde_json::Value = match serde_json::from_str(&c.document_json) {
        Ok(v) => v,
        Err(_) => return Ok(false),
    };
    let plan_sha = db
        .signature_of_application(c.application_id)
        .await?
        .map(|s| s.plan_sha256);
    Ok(sha256_hex(c.document_json.as_bytes()) == c.document_sha256
        && !sigs.is_empty()
        && sigs.iter().all(|s| s.contract_sha256 == c.document_sha256)
        && doc["plan_sha256"].as_str() == plan_sha.as_deref()
        && doc["planned_start"].as_str() == Some(c.planned_start.as_str())
        && doc["planned_finish"].as_str() == Some(c.planned_finish.as_str())
        && doc["version"].as_i64() == Some(c.version))
}

async fn contract_view(state: &AppState, c: &ContractRow) -> ApiResult<ContractView> {
    let doc: serde_json::Value = serde_json::from_str(&c.document_json).map_err(bad_stored)?;
    let total: anju_domain::retrofit_plan::Amounts =
        serde_json::from_value(doc["total"].clone()).map_err(bad_stored)?;
    let sigs = state.db.contract_signatures(c.id).await?;
    let mut contractor_signature = None;
    let mut household_signature = None;
    for s in &sigs {
        let name = state
            .db
            .account(s.signer_account_id)
            .await?
            .map(|a| a.display_name)
            .unwrap_or_default();
        let view = signature_view(s, &name);
        match view.party {
            ContractParty::Contractor => contractor_signature = Some(view),
            ContractParty::Household => household_signature = Some(view),
        }
    }
    Ok(ContractView {
        version: c.version as u32,
        contractor: doc["contractor"].as_str().unwrap_or_default().to_owned(),
        planned_start: c.planned_start.clone(),
        planned_finish: c.planned_finish.clone(),
        plan_version: doc["plan_version"].as_u64().unwrap_or_default() as u32,
        plan_sha256: doc["plan_sha256"].as_str().unwrap_or_default().to_owned(),
        sha256: c.document_sha256.clone(),
        total,
        terms_version: c.terms_version as u32,
        offered_at: c.offered_at,
        code: c.code.clone(),
        signed: c.state == "signed",
        contractor_signature,
        household_signature,
    })
}

async fn contract_state(
    state: &AppState,
    app: &ApplicationRow,
    viewer: Viewer,
    account_id: i64,
) -> ApiResult<ContractState> {
    let current = current_contract(state, app).await?;
    let open = app.state == RetrofitState::PlanSigned;
    let offered = current.as_ref().is_some_and(|c| c.state == "offered");
    let signer = if viewer == Viewer::Family && open && offered {
        signer_of(state, app, account_id).await?.map(|(c, _)| c)
    } else {
        None
    };
    Ok(ContractState {
        may_offer: viewer == Viewer::Contractor
            && open
            && current.as_ref().is_none_or(|c| c.state == "offered"),
        may_sign_as: signer,
        current: match &current {
            Some(c) => Some(contract_view(state, c).await?),
            None => None,
        },
        terms_version: TERMS_VERSION,
        terms_zh: TERMS_ZH.to_owned(),
        terms_en: TERMS_EN.to_owned(),
    })
}

/// The contract is none of the assessor's business.
async fn readable(
    state: &AppState,
    user: &crate::db::accounts::AccountRow,
    id: &str,
) -> ApiResult<(ApplicationRow, Viewer)> {
    let (app, viewer) = visible_application(state, user, id).await?;
    if viewer == Viewer::Assessor {
        return Err(ApiError::Forbidden);
    }
    Ok((app, viewer))
}

/// The works contract with the company assigned now, its terms, and what the caller may do
/// with it (offer, sign).
#[utoipa::path(
    get,
    path = "/retrofit/applications/{id}/contract",
    tag = "retrofit",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = ContractState)),
    security(("session" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ContractState>> {
    let (app, viewer) = readable(&state, &user, &id).await?;
    Ok(Json(contract_state(&state, &app, viewer, user.id).await?))
}

fn not_now() -> ApiError {
    ApiError::Conflict {
        field: "contract",
        message: "只有方案已签字、还没有开工的家庭可以签施工合同",
        message_en: "A contract is signed only for a household with a signed plan whose works have not started",
    }
}

fn changed() -> ApiError {
    refused(ContractRefusal::NotTheLatest)
}

/// Who is told what about a contract, in the caller's transaction.
async fn tell(
    state: &AppState,
    tx: &mut crate::db::Tx,
    app: &ApplicationRow,
    accounts: Vec<i64>,
    (zh, en): (&str, &str),
) -> ApiResult<()> {
    let now = state.clock.now();
    for account in accounts {
        tx.notify_about_application(account, now, app.id, zh, en)
            .await?;
    }
    Ok(())
}

/// `POST /api/retrofit/applications/{id}/contract`: the assigned company offers the contract
/// with the works' dates and signs it. An unsigned earlier offer is superseded (the family
/// signs only the latest); once the household signed, the contract is closed.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/contract",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = OfferContractRequest,
    responses((status = 200, description = "OK", body = ContractState)),
    security(("session" = [])),
)]
pub async fn offer(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<OfferContractRequest>,
) -> ApiResult<Json<ContractState>> {
    let (app, viewer) = readable(&state, &user, &id).await?;
    let Some(org_id) = app
        .contractor_org_id
        .filter(|_| viewer == Viewer::Contractor)
    else {
        return Err(ApiError::Forbidden);
    };
    if app.state != RetrofitState::PlanSigned {
        return Err(not_now());
    }
    if current_contract(&state, &app)
        .await?
        .is_some_and(|c| c.state == "signed")
    {
        return Err(ApiError::Conflict {
            field: "contract",
            message: "施工合同已经双方签字，不能再改",
            message_en: "The contract is signed by both sides and cannot be changed",
        });
    }
    // Everything that can be checked without the password first: a mistake in the dates
    // should not cost a password attempt.
    let now = state.clock.now();
    let (start, finish) = check_dates(
        &req.planned_start,
        &req.planned_finish,
        crate::shanghai::today(now),
    )
    .map_err(refused)?;
    if !req.agreed {
        return Err(refused(SigningRefusal::NotAgreed));
    }
    let (mark_kind, plain, mark_sha) = mark_of(&req.mark, &user.display_name).map_err(refused)?;
    let plan_sig = state
        .db
        .signature_of_application(app.id)
        .await?
        .ok_or_else(not_now)?;
    let plan = state
        .db
        .plan(plan_sig.plan_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let lines: Vec<anju_domain::retrofit_plan::PlanLine> =
        serde_json::from_str(&plan.lines_json).map_err(bad_stored)?;
    let org = state
        .db
        .assessment_org(org_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    reconfirm_password(
        &state,
        &user,
        &app,
        req.password,
        "retrofit.contract_identity_failed",
    )
    .await?;
    let (ip, user_agent) = client_of(connect_info, &headers);
    let (start, finish) = (start.to_string(), finish.to_string());
    let code = code_from_bytes(&rand::random());
    let mut tx = state.db.begin().await?;
    let version = tx.next_contract_version(app.id).await?;
    let document = ContractDocument {
        schema: SCHEMA_VERSION,
        kind: ContractDocument::KIND,
        application: app.reference.clone(),
        version: version as u32,
        plan_version: plan.version as u32,
        plan_sha256: plan_sig.plan_sha256.clone(),
        contractor: org.name.clone(),
        planned_start: start.clone(),
        planned_finish: finish.clone(),
        total: cost(&lines, plan.subsidised).total,
        terms_version: TERMS_VERSION,
        terms_text: TERMS_ZH.to_owned(),
    };
    let text =
        String::from_utf8(document.canonical_bytes()).map_err(|e| ApiError::Internal(e.into()))?;
    let sha = sha256_hex(text.as_bytes());
    let signature = NewContractSignature {
        contract_id: 0,
        application_id: app.id,
        party: ContractParty::Contractor.as_str(),
        signer: user.id,
        capacity: None,
        relationship: None,
        mark_kind,
        mark_enc: &state.settings.keys.seal(&plain),
        mark_sha256: &mark_sha,
        contract_sha256: &sha,
        identity_method: "password",
        now,
        ip: &ip,
        user_agent: &user_agent,
    };
    let offered = tx
        .offer_contract(
            &NewContract {
                application_id: app.id,
                version,
                org_id,
                plan_id: plan.id,
                planned_start: &start,
                planned_finish: &finish,
                document_json: &text,
                document_sha256: &sha,
                terms_version: i64::from(TERMS_VERSION),
                offered_by: user.id,
                now,
                code: &code,
            },
            &signature,
        )
        .await?;
    if offered.is_none() {
        return Err(changed());
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.contract_offer",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(&format!(
            "v{version} {start}..{finish} plan_sha256={} sha256={sha} mark={mark_kind}:{mark_sha} code={code}",
            plan_sig.plan_sha256
        )),
    )
    .await?;
    // The works are booked: the family hears the dates and is asked to sign.
    let zh = format!(
        "施工单位“{}”约定 {start} 至 {finish} 施工，并已在施工合同上签字。请查看合同并签字（申请 {}），签字后才能开工",
        org.name, app.reference
    );
    let en = format!(
        "{} booked the works for {start} to {finish} and signed the construction contract. Read and sign it ({}); the works start only after that",
        org.name, app.reference
    );
    let family = super::assessment::family(&state, &app).await?;
    tell(&state, &mut tx, &app, family, (&zh, &en)).await?;
    tx.commit().await?;
    Ok(Json(contract_state(&state, &app, viewer, user.id).await?))
}

/// `POST /api/retrofit/applications/{id}/contract/signature`: the elder or their family signs
/// the offer they read. A retry after it went through answers with the signed contract.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/contract/signature",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = SignContractRequest,
    responses((status = 200, description = "OK", body = ContractState)),
    security(("session" = [])),
)]
pub async fn sign(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SignContractRequest>,
) -> ApiResult<Json<ContractState>> {
    let (app, viewer) = readable(&state, &user, &id).await?;
    let (capacity, relationship) = family_signer(&state, &app, viewer, user.id).await?;
    let current = current_contract(&state, &app).await?;
    if let Some(c) = current.as_ref().filter(|c| c.state == "signed") {
        if c.document_sha256 == req.contract_sha256 {
            return Ok(Json(contract_state(&state, &app, viewer, user.id).await?));
        }
    }
    if app.state != RetrofitState::PlanSigned {
        return Err(not_now());
    }
    let Some(contract) = current.filter(|c| c.state == "offered") else {
        return Err(changed());
    };
    if contract.document_sha256 != req.contract_sha256 {
        return Err(changed());
    }
    if !req.agreed {
        return Err(refused(SigningRefusal::NotAgreed));
    }
    let (mark_kind, plain, mark_sha) = mark_of(&req.mark, &user.display_name).map_err(refused)?;
    reconfirm_password(
        &state,
        &user,
        &app,
        req.password,
        "retrofit.contract_identity_failed",
    )
    .await?;
    let (ip, user_agent) = client_of(connect_info, &headers);
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let signed = tx
        .sign_contract(&NewContractSignature {
            contract_id: contract.id,
            application_id: app.id,
            party: ContractParty::Household.as_str(),
            signer: user.id,
            capacity: Some(capacity.as_str()),
            relationship: relationship.as_deref(),
            mark_kind,
            mark_enc: &state.settings.keys.seal(&plain),
            mark_sha256: &mark_sha,
            contract_sha256: &req.contract_sha256,
            identity_method: "password",
            now,
            ip: &ip,
            user_agent: &user_agent,
        })
        .await?;
    if signed.is_none() {
        return Err(changed());
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.contract_signature",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(&format!(
            "v{} {} sha256={} mark={mark_kind}:{mark_sha} code={}",
            contract.version,
            capacity.as_str(),
            contract.document_sha256,
            contract.code
        )),
    )
    .await?;
    let code = format_code(&contract.code);
    let zh = format!(
        "{} 的施工合同已双方签字（验证码 {code}），可以按约定的 {} 开工",
        app.reference, contract.planned_start
    );
    let en = format!(
        "The construction contract of {} is signed by both sides (code {code}); the works may start on {} as agreed",
        app.reference, contract.planned_start
    );
    let builders = state.db.members_of_org(contract.org_id).await?;
    tell(&state, &mut tx, &app, builders, (&zh, &en)).await?;
    let zh = format!(
        "施工合同已签好（验证码 {code}），施工单位将在 {} 至 {} 施工",
        contract.planned_start, contract.planned_finish
    );
    let en = format!(
        "The construction contract is signed (code {code}); the builder works from {} to {}",
        contract.planned_start, contract.planned_finish
    );
    let family = super::assessment::family(&state, &app).await?;
    tell(&state, &mut tx, &app, family, (&zh, &en)).await?;
    tx.commit().await?;
    Ok(Json(contract_state(&state, &app, viewer, user.id).await?))
}

/// `GET /api/retrofit/applications/{id}/contract/certificate`: the contract both sides signed,
/// with each signature, for print. Offices opening it (it shows the signatures) are recorded.
#[utoipa::path(
    get,
    path = "/retrofit/applications/{id}/contract/certificate",
    tag = "retrofit",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = ContractCertificateView)),
    security(("session" = [])),
)]
pub async fn certificate(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ContractCertificateView>> {
    let (app, viewer) = readable(&state, &user, &id).await?;
    let contract = current_contract(&state, &app)
        .await?
        .filter(|c| c.state == "signed")
        .ok_or(ApiError::NotFound)?;
    if viewer != Viewer::Family {
        crate::routes::audit::record_view(
            &state,
            &user,
            "retrofit.view",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
            "contract_certificate",
        )
        .await?;
    }
    let sigs = state.db.contract_signatures(contract.id).await?;
    let mut signatures = Vec::with_capacity(sigs.len());
    for s in &sigs {
        let account = state.db.account(s.signer_account_id).await?;
        let name = account
            .as_ref()
            .map(|a| a.display_name.clone())
            .unwrap_or_default();
        let plain = state.settings.keys.open(&s.mark_enc)?;
        signatures.push(anju_domain::retrofit_contract::ContractSignatureEvidence {
            signature: signature_view(s, &name),
            signer_phone_masked: account
                .as_ref()
                .and_then(|a| anju_domain::PhoneNumber::parse(&a.phone).ok())
                .map(|p| p.masked())
                .unwrap_or_default(),
            relationship: s.relationship.clone(),
            mark: if s.mark_kind == "drawn" {
                format!("data:image/png;base64,{plain}")
            } else {
                plain
            },
            ip: s.ip.clone(),
            device: device_of(&s.user_agent),
        });
    }
    Ok(Json(ContractCertificateView {
        reference: app.reference.clone(),
        elder_masked: mask_name(&app.elder_name),
        intact: intact(&state.db, &contract, &sigs)
            .await
            .map_err(ApiError::Internal)?,
        contract: contract_view(&state, &contract).await?,
        terms_zh: TERMS_ZH.to_owned(),
        signatures,
    }))
}

/// What a contract's code says against the record (`None` for a code of no contract the
/// household signed). Used by `/api/verify/{code}` after the plans.
pub(super) async fn verify_contract(
    db: &Db,
    code: &str,
) -> anyhow::Result<Option<anju_domain::retrofit_signing::VerifyView>> {
    let Some(c) = db.contract_by_code(code).await? else {
        return Ok(None);
    };
    let sigs = db.contract_signatures(c.id).await?;
    let Some(household) = sigs.iter().find(|s| s.party == "household") else {
        return Ok(None);
    };
    let signer = db.account(household.signer_account_id).await?;
    let doc: serde_json::Value = serde_json::from_str(&c.document_json).unwrap_or_default();
    Ok(Some(anju_domain::retrofit_signing::VerifyView {
        code: c.code.clone(),
        // A contract of a company the household no longer works with is not in force.
        valid: c.state == "signed" && intact(db, &c, &sigs).await?,
        version: c.version as u32,
        plan_sha256: doc["plan_sha256"].as_str().unwrap_or_default().to_owned(),
        signed_at: household.signed_at,
        signer_masked: signer
            .map(|a| mask_name(&a.display_name))
            .unwrap_or_default(),
        capacity: household
            .capacity
            .as_deref()
            .and_then(SignerCapacity::parse)
            .unwrap_or(SignerCapacity::Elder),
        document: anju_domain::retrofit_signing::VerifiedDocument::Contract,
        contract_sha256: Some(c.document_sha256.clone()),
    }))
}
