//! The household's plan (一户一策) and its signature: the assessor drafts from the county's
//! catalogue and proposes (the version is frozen with its canonical document and hash); the
//! family reads it, asks for changes or signs it — after confirming who they are again, with
//! a drawn signature or their typed name; the certificate shows what was signed, and anyone
//! with its code can check it still matches the record (`/api/verify/{code}`, and
//! `anju verify-plan CODE`).
//!
//! Every change is one transaction with the case's transition, its event and audit entry, and
//! the notifications it sends.

use super::access::{visible_application, Viewer};
use crate::auth::CurrentUser;
use crate::db::retrofit::plans::{NewSignature, PlanRow, SignatureRow};
use crate::db::retrofit::{ApplicationRow, Transition, TransitionOutcome};
use crate::db::{Audit, Db};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::routes::fields::refused;
use crate::AppState;
use anju_domain::application::GuardianLinkState;
use anju_domain::plan_document::{sha256_hex, PlanDocument, PlanInput};
use anju_domain::retrofit::{RetrofitAction, RetrofitActor, RetrofitState};
use anju_domain::retrofit_assessment::mask_name;
use anju_domain::retrofit_catalogue::{CatalogueItem, ItemKind};
use anju_domain::retrofit_flow::{decide, ActionInput};
use anju_domain::retrofit_plan::{
    check_plan, cost, NotNeeded, PlanLine, PricedItem, AGREEMENT_EN, AGREEMENT_VERSION,
    AGREEMENT_ZH, LINES_MAX,
};
use anju_domain::retrofit_signing::{
    check_typed_name, code_from_bytes, device_of, normalise_code, plan_changes, CertificateView,
    ConfirmIdentityRequest, IdentityConfirmed, PlanChangeRequest, PlanDraftRequest,
    PlanVersionState, PlanVersionSummary, PlanVersionView, PlanView, SignPlanRequest,
    SignatureMark, SignatureSummary, SignerCapacity, SigningRefusal, VerifyView,
    IDENTITY_FRESH_SECS, SIGNATURE_PNG_MAX_BYTES,
};
use anju_domain::FieldError;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::{Extension, Json};
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// A 自费 household pays for everything; the others were approved on subsidy grounds.
fn subsidised(app: &ApplicationRow) -> bool {
    app.grounds != "self_paid"
}

fn bad_stored(e: serde_json::Error) -> ApiError {
    ApiError::Internal(e.into())
}

fn version_state(row: &PlanRow) -> PlanVersionState {
    PlanVersionState::parse(&row.state).unwrap_or(PlanVersionState::Superseded)
}

fn lines_of(row: &PlanRow) -> ApiResult<(Vec<PlanLine>, Vec<NotNeeded>)> {
    Ok((
        serde_json::from_str(&row.lines_json).map_err(bad_stored)?,
        serde_json::from_str(&row.not_needed_json).map_err(bad_stored)?,
    ))
}

fn version_view(row: &PlanRow) -> ApiResult<PlanVersionView> {
    let (lines, not_needed) = lines_of(row)?;
    Ok(PlanVersionView {
        version: row.version as u32,
        state: version_state(row),
        costed: cost(&lines, row.subsidised),
        lines,
        not_needed,
        proposed_at: row.proposed_at,
        sha256: row.document_sha256.clone(),
        change_request: row.change_request.clone(),
    })
}

fn agreement_text(version: i64) -> Option<&'static str> {
    (version == i64::from(AGREEMENT_VERSION)).then_some(AGREEMENT_ZH)
}

/// The canonical document of a stored version, built again from its lines.
fn document_of(
    app: &ApplicationRow,
    row: &PlanRow,
    agreement_version: i64,
) -> ApiResult<Option<PlanDocument>> {
    let Some(text) = agreement_text(agreement_version) else {
        return Ok(None);
    };
    let (lines, not_needed) = lines_of(row)?;
    Ok(Some(PlanDocument::new(PlanInput {
        application: &app.reference,
        version: row.version as u32,
        subsidised: row.subsidised,
        lines: &lines,
        not_needed: &not_needed,
        agreement_version: agreement_version as u32,
        agreement_text: text,
    })))
}

/// The signed version still is what was signed: its stored document hashes to the signed
/// hash, and its lines still make exactly that document.
fn intact(app: &ApplicationRow, row: &PlanRow, sig: &SignatureRow) -> bool {
    let Some(stored) = &row.document_json else {
        return false;
    };
    let rebuilt = document_of(app, row, sig.agreement_version)
        .ok()
        .flatten()
        .map(|d| d.canonical_bytes());
    sha256_hex(stored.as_bytes()) == sig.plan_sha256
        && row.document_sha256.as_deref() == Some(sig.plan_sha256.as_str())
        && rebuilt.as_deref() == Some(stored.as_bytes())
}

/// Who may sign for this household: the elder, or a family member with an active link (with
/// the relationship they stated).
pub(super) async fn signer_of(
    state: &AppState,
    app: &ApplicationRow,
    account_id: i64,
) -> ApiResult<Option<(SignerCapacity, Option<String>)>> {
    let Some(elder) = app.elder_account_id else {
        return Ok(None);
    };
    if elder == account_id {
        return Ok(Some((SignerCapacity::Elder, None)));
    }
    let link = state
        .db
        .family_links_of_elder(elder)
        .await?
        .into_iter()
        .find(|l| {
            l.guardian_account_id == Some(account_id) && l.state == GuardianLinkState::Active
        });
    Ok(link.map(|l| (SignerCapacity::Guardian, l.relationship)))
}

/// The caller signing for the household (elder or active family), or a refusal.
pub(super) async fn family_signer(
    state: &AppState,
    app: &ApplicationRow,
    viewer: Viewer,
    account_id: i64,
) -> ApiResult<(SignerCapacity, Option<String>)> {
    match viewer {
        Viewer::Family => signer_of(state, app, account_id).await?,
        _ => None,
    }
    .ok_or(ApiError::Forbidden)
}

fn latest_shown(rows: &[PlanRow]) -> Option<&PlanRow> {
    rows.iter().rev().find(|r| r.state != "draft")
}

fn draft(rows: &[PlanRow]) -> Option<&PlanRow> {
    rows.iter().find(|r| r.state == "draft")
}

async fn county_catalogue(state: &AppState, app: &ApplicationRow) -> ApiResult<Vec<CatalogueItem>> {
    let county = app.county_id.ok_or(ApiError::NotFound)?;
    Ok(state.db.catalogue(county).await?)
}

fn basic_in_force(items: &[CatalogueItem]) -> Vec<u16> {
    items
        .iter()
        .filter(|i| i.kind == ItemKind::Basic && !i.retired)
        .map(|i| i.no)
        .collect()
}

fn may_draft(app: &ApplicationRow, viewer: Viewer) -> bool {
    viewer == Viewer::Assessor
        && matches!(
            app.state,
            RetrofitState::Assessed | RetrofitState::PlanProposed
        )
}

async fn plan_view(
    state: &AppState,
    app: &ApplicationRow,
    viewer: Viewer,
    account_id: i64,
) -> ApiResult<PlanView> {
    let rows = state.db.plans_of(app.id).await?;
    let drafting = may_draft(app, viewer);
    // The family and the offices never see a draft; the assessor works on it.
    let current_row = match (drafting, draft(&rows)) {
        (true, Some(d)) => Some(d),
        _ => latest_shown(&rows),
    };
    let current = current_row.map(version_view).transpose()?;
    let previous = match &current {
        Some(c) => rows
            .iter()
            .rev()
            .find(|r| r.state != "draft" && (r.version as u32) < c.version)
            .map(version_view)
            .transpose()?,
        None => None,
    };
    let changes = match (&previous, &current) {
        (Some(p), Some(c)) => plan_changes(&p.lines, &c.lines),
        _ => Vec::new(),
    };
    let mut problems = BTreeMap::new();
    let catalogue = if drafting {
        county_catalogue(state, app).await?
    } else {
        Vec::new()
    };
    if let Some(c) = current
        .as_ref()
        .filter(|c| c.state == PlanVersionState::Draft)
    {
        problems = check_plan(&c.lines, &c.not_needed, &basic_in_force(&catalogue));
    }
    let signer = if viewer == Viewer::Family {
        signer_of(state, app, account_id).await?
    } else {
        None
    };
    let open_version = app.state == RetrofitState::PlanProposed
        && latest_shown(&rows).is_some_and(|r| r.state == "proposed");
    let signature = match state.db.signature_of_application(app.id).await? {
        Some(sig) => Some(signature_summary(state, &rows, &sig).await?),
        None => None,
    };
    Ok(PlanView {
        subsidised: subsidised(app),
        may_propose: drafting
            && current
                .as_ref()
                .is_some_and(|c| c.state == PlanVersionState::Draft)
            && problems.is_empty(),
        current,
        previous,
        changes,
        history: rows
            .iter()
            .rev()
            .filter(|r| r.state != "draft")
            .map(|r| {
                Ok(PlanVersionSummary {
                    version: r.version as u32,
                    state: version_state(r),
                    proposed_at: r.proposed_at,
                    total: cost(&lines_of(r)?.0, r.subsidised).total,
                })
            })
            .collect::<ApiResult<_>>()?,
        problems,
        may_draft: drafting,
        may_ask_changes: open_version && signer.is_some(),
        may_sign_as: signer.filter(|_| open_version).map(|(c, _)| c),
        agreement_version: AGREEMENT_VERSION,
        agreement_zh: AGREEMENT_ZH.to_owned(),
        agreement_en: AGREEMENT_EN.to_owned(),
        signature,
        catalogue: catalogue.into_iter().filter(|i| !i.retired).collect(),
    })
}

async fn signature_summary(
    state: &AppState,
    rows: &[PlanRow],
    sig: &SignatureRow,
) -> ApiResult<SignatureSummary> {
    let signer = state.db.account(sig.signer_account_id).await?;
    Ok(SignatureSummary {
        version: rows
            .iter()
            .find(|r| r.id == sig.plan_id)
            .map_or(0, |r| r.version as u32),
        signer_masked: signer
            .map(|a| mask_name(&a.display_name))
            .unwrap_or_default(),
        capacity: SignerCapacity::parse(&sig.capacity).unwrap_or(SignerCapacity::Elder),
        signed_at: sig.signed_at,
        code: sig.code.clone(),
    })
}

/// The retrofit plan: the draft for the assessor, the proposed or signed version for the family
/// and the offices.
#[utoipa::path(
    get,
    path = "/retrofit/applications/{id}/plan",
    tag = "retrofit",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = PlanView)),
    security(("session" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<PlanView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    Ok(Json(plan_view(&state, &app, viewer, user.id).await?))
}

/// `PUT /api/retrofit/applications/{id}/plan`: the assessor's draft, in place of the one
/// held (a retried save changes nothing more). Names and prices come from the county's
/// catalogue now; line-level mistakes are refused, while what is still missing for proposing
/// (a basic item not settled, an empty plan) is shown as the draft's problems.
#[utoipa::path(
    put,
    path = "/retrofit/applications/{id}/plan",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = PlanDraftRequest,
    responses((status = 200, description = "OK", body = PlanView)),
    security(("session" = [])),
)]
pub async fn save_draft(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PlanDraftRequest>,
) -> ApiResult<Json<PlanView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Assessor {
        return Err(ApiError::Forbidden);
    }
    if !may_draft(&app, viewer) {
        return Err(ApiError::Conflict {
            field: "plan",
            message: "这一户现在不能修改方案（评估还没完成，或方案已签字）",
            message_en:
                "The plan cannot be changed now (the assessment is not done, or the plan is signed)",
        });
    }
    if req.lines.len() > LINES_MAX {
        return Err(ApiError::field(
            "lines",
            "一个方案最多 60 项",
            "A plan has at most 60 items",
        ));
    }
    let items = county_catalogue(&state, &app).await?;
    let mut problems: BTreeMap<String, FieldError> = BTreeMap::new();
    let mut lines = Vec::with_capacity(req.lines.len());
    for (i, l) in req.lines.iter().enumerate() {
        match items.iter().find(|it| it.no == l.item_no && !it.retired) {
            Some(it) => lines.push(PlanLine {
                item: PricedItem {
                    no: it.no,
                    kind: it.kind,
                    name_zh: it.name_zh.clone(),
                    unit_zh: it.unit_zh.clone(),
                    unit_price_fen: it.unit_price_fen,
                    subsidy_cap_fen: it.subsidy_cap_fen,
                },
                room: l.room,
                quantity_centi: l.quantity_centi,
                note: l.note.trim().to_owned(),
            }),
            None => {
                problems.insert(
                    format!("lines[{i}].item"),
                    FieldError::new(
                        "本县的改造目录里没有这一项（或已停用）",
                        "This item is not in the county's catalogue (or is retired)",
                    ),
                );
            }
        }
    }
    let not_needed: Vec<NotNeeded> = req
        .not_needed
        .iter()
        .map(|n| NotNeeded {
            no: n.no,
            reason: n.reason.trim().to_owned(),
        })
        .collect();
    if problems.is_empty() {
        problems = check_plan(&lines, &not_needed, &basic_in_force(&items))
            .into_iter()
            .filter(|(field, _)| field.contains('['))
            .collect();
    }
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let version = tx
        .save_plan_draft(
            app.id,
            subsidised(&app),
            &serde_json::to_string(&lines).map_err(bad_stored)?,
            &serde_json::to_string(&not_needed).map_err(bad_stored)?,
            user.id,
            now,
        )
        .await?;
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.plan_draft",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(&format!("v{version}")),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(plan_view(&state, &app, viewer, user.id).await?))
}

fn stale() -> ApiError {
    ApiError::Conflict {
        field: "action",
        message: "申请刚刚被其他人更新了，请刷新后再试",
        message_en: "Someone else just updated this application; reload and try again",
    }
}

/// The transition of a plan, works or acceptance step (no checklist, reason or quota), in the
/// caller's transaction; a case moved meanwhile is a conflict.
pub(super) async fn transition(
    tx: &mut crate::db::Tx,
    app: &ApplicationRow,
    to: RetrofitState,
    action: RetrofitAction,
    actor: (i64, &str),
    note: Option<&str>,
    now: i64,
) -> ApiResult<()> {
    let outcome = tx
        .retrofit_transition(&Transition {
            id: app.id,
            from: app.state,
            to,
            actor: actor.0,
            actor_role: actor.1,
            action: action.as_str(),
            note,
            checklist: &[],
            reason: None,
            grounds: None,
            take_quota: None,
            now,
            scope_path: &app.scope_path,
        })
        .await?;
    match outcome {
        TransitionOutcome::Applied => Ok(()),
        _ => Err(stale()),
    }
}

/// Whom a plan step concerns: the elder and their active family, or the assessors of the
/// household's organisation.
enum Told {
    Family,
    Assessors,
}

async fn notify(
    state: &AppState,
    tx: &mut crate::db::Tx,
    app: &ApplicationRow,
    who: Told,
    now: i64,
    (zh, en): (&str, &str),
) -> ApiResult<()> {
    let accounts = match (who, app.elder_account_id, app.assessment_org_id) {
        (Told::Family, Some(elder), _) => state.db.family_of_elder(elder).await?,
        (Told::Assessors, _, Some(org)) => state.db.members_of_org(org).await?,
        _ => Vec::new(),
    };
    for account in accounts {
        tx.notify_about_application(account, now, app.id, zh, en)
            .await?;
    }
    Ok(())
}

/// `POST /api/retrofit/applications/{id}/plan/propose`: freeze the draft as the version the
/// family reads and signs. A retry after it went through answers with the plan as it is.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/plan/propose",
    tag = "retrofit",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = PlanView)),
    security(("session" = [])),
)]
pub async fn propose(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<PlanView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Assessor {
        return Err(ApiError::Forbidden);
    }
    let rows = state.db.plans_of(app.id).await?;
    let Some(row) = draft(&rows) else {
        if app.state == RetrofitState::PlanProposed {
            return Ok(Json(plan_view(&state, &app, viewer, user.id).await?));
        }
        return Err(ApiError::field(
            "plan",
            "还没有方案草稿：先选好改造项目",
            "There is no draft yet: choose the items first",
        ));
    };
    let decision = decide(
        app.state,
        RetrofitAction::ProposePlan,
        RetrofitActor::Assessor,
        ActionInput {
            note: None,
            checklist: &[],
            reason: None,
            ..ActionInput::default()
        },
    )
    .map_err(refused)?;
    let (lines, not_needed) = lines_of(row)?;
    let items = county_catalogue(&state, &app).await?;
    let problems = check_plan(&lines, &not_needed, &basic_in_force(&items));
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let document = document_of(&app, row, i64::from(AGREEMENT_VERSION))?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no agreement text")))?;
    let bytes = document.canonical_bytes();
    let text = String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.into()))?;
    let sha = sha256_hex(text.as_bytes());
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx.freeze_plan(row.id, app.id, &text, &sha, now).await? {
        return Err(stale());
    }
    transition(
        &mut tx,
        &app,
        decision.to,
        RetrofitAction::ProposePlan,
        (user.id, "assessor"),
        None,
        now,
    )
    .await?;
    let zh = format!(
        "评估人员提出了改造方案（第 {} 版），请查看每一项和自付金额，再签字或提出修改",
        row.version
    );
    let en = format!(
        "The assessor proposed the retrofit plan (version {}): read each item and what you pay, then sign it or ask for changes",
        row.version
    );
    notify(&state, &mut tx, &app, Told::Family, now, (&zh, &en)).await?;
    tx.commit().await?;
    let app = reload(&state, app.id).await?;
    Ok(Json(plan_view(&state, &app, viewer, user.id).await?))
}

async fn reload(state: &AppState, id: i64) -> ApiResult<ApplicationRow> {
    state.db.application(id).await?.ok_or(ApiError::NotFound)
}

/// `POST /api/retrofit/applications/{id}/plan/changes`: the family asks the assessor to
/// change the proposed version, saying what.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/plan/changes",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = PlanChangeRequest,
    responses((status = 200, description = "OK", body = PlanView)),
    security(("session" = [])),
)]
pub async fn ask_changes(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PlanChangeRequest>,
) -> ApiResult<Json<PlanView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Family || signer_of(&state, &app, user.id).await?.is_none() {
        return Err(ApiError::Forbidden);
    }
    let note = req.note.trim();
    if note.chars().count() > anju_domain::retrofit_signing::CHANGE_REQUEST_MAX_CHARS {
        return Err(ApiError::field(
            "note",
            "请写在 500 字以内",
            "Keep it to 500 characters",
        ));
    }
    let decision = decide(
        app.state,
        RetrofitAction::RequestPlanChanges,
        RetrofitActor::Applicant,
        ActionInput {
            note: Some(note).filter(|n| !n.is_empty()),
            checklist: &[],
            reason: None,
            ..ActionInput::default()
        },
    )
    .map_err(refused)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx.request_plan_changes(app.id, note).await? {
        return Err(stale());
    }
    transition(
        &mut tx,
        &app,
        decision.to,
        RetrofitAction::RequestPlanChanges,
        (user.id, "applicant"),
        Some(note),
        now,
    )
    .await?;
    let zh = format!(
        "{} 的家属希望修改改造方案，请查看并出新的版本",
        app.reference
    );
    let en = format!(
        "The family of {} asked for changes to the plan; read them and propose a new version",
        app.reference
    );
    notify(&state, &mut tx, &app, Told::Assessors, now, (&zh, &en)).await?;
    tx.commit().await?;
    let app = reload(&state, app.id).await?;
    Ok(Json(plan_view(&state, &app, viewer, user.id).await?))
}

/// The version open for signing, checked against what the signer was shown.
fn open_version<'a>(
    rows: &'a [PlanRow],
    version: Option<u32>,
    sha: &str,
) -> Result<&'a PlanRow, SigningRefusal> {
    let row = latest_shown(rows)
        .filter(|r| r.state == "proposed")
        .ok_or(SigningRefusal::NotTheLatest)?;
    let same_version = version.is_none_or(|v| row.version == i64::from(v));
    if !same_version || row.document_sha256.as_deref() != Some(sha) {
        return Err(SigningRefusal::NotTheLatest);
    }
    Ok(row)
}

/// `POST /api/retrofit/applications/{id}/plan/confirm-identity`: the signer's password again,
/// bound to the version's hash; a signature within five minutes may use it. Wrong passwords
/// slow down like sign-in.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/plan/confirm-identity",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = ConfirmIdentityRequest,
    responses((status = 200, description = "OK", body = IdentityConfirmed)),
    security(("session" = [])),
)]
pub async fn confirm_identity(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ConfirmIdentityRequest>,
) -> ApiResult<Json<IdentityConfirmed>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Family || signer_of(&state, &app, user.id).await?.is_none() {
        return Err(ApiError::Forbidden);
    }
    let rows = state.db.plans_of(app.id).await?;
    let row = open_version(&rows, None, &req.plan_sha256).map_err(refused)?;
    reconfirm_password(
        &state,
        &user,
        &app,
        req.password,
        "retrofit.plan_identity_failed",
    )
    .await?;
    let now = state.clock.now();
    let audit_subject = format!("retrofit_application:{}", app.id);
    let mut tx = state.db.begin().await?;
    tx.put_signing_check(user.id, row.id, &req.plan_sha256, "password", now)
        .await?;
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.plan_identity_confirmed",
            &audit_subject,
            &app.scope_path,
        )
        .detail(&format!("v{} password", row.version)),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(IdentityConfirmed {
        valid_until: now + IDENTITY_FRESH_SECS,
    }))
}

/// The signer's password again, at the moment of signing (the identity check a signature
/// records). Wrong passwords slow down like sign-in, each one recorded as `failed_action`.
pub(super) async fn reconfirm_password(
    state: &AppState,
    user: &crate::db::accounts::AccountRow,
    app: &ApplicationRow,
    password: String,
    failed_action: &str,
) -> ApiResult<()> {
    let policy = &state.settings.policy;
    let now = state.clock.now();
    let subject = user.id.to_string();
    let bucket = crate::db::rate_events::Bucket::PlanSigningFailure;
    let failures = state
        .db
        .rate_window(bucket, &subject, now - policy.sign_in_window_secs)
        .await?;
    let wait = anju_domain::throttle::wait_secs(
        failures.last,
        failures.count,
        policy.sign_in_free_failures_per_pair,
        policy.sign_in_max_delay_secs,
        now,
    );
    if wait > 0 {
        return Err(ApiError::RateLimited {
            retry_after_secs: wait as u64,
        });
    }
    if !crate::routes::accounts::verify_password(password, user.password_hash.clone()).await? {
        state.db.record_rate_event(bucket, &subject, now).await?;
        let mut tx = state.db.begin().await?;
        tx.audit(&Audit::new(
            now,
            Some(user.id),
            failed_action,
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        ))
        .await?;
        tx.commit().await?;
        return Err(ApiError::field(
            "password",
            "密码不正确，请再试一次",
            "The password is not right; try again",
        ));
    }
    state.db.clear_rate_events(bucket, &subject).await?;
    Ok(())
}

/// The mark as it is kept: its kind, the plain value to seal (a clean PNG in base64, or the
/// typed name) and its SHA-256.
pub(super) fn mark_of(
    mark: &SignatureMark,
    display_name: &str,
) -> Result<(&'static str, String, String), SigningRefusal> {
    use base64::Engine;
    Ok(match mark {
        SignatureMark::Drawn { png_base64 } => {
            let png = clean_signature_png(png_base64)?;
            let sha = sha256_hex(&png);
            (
                "drawn",
                base64::engine::general_purpose::STANDARD.encode(&png),
                sha,
            )
        }
        SignatureMark::Typed { name } => {
            check_typed_name(name, display_name)?;
            let name = name.trim().to_owned();
            let sha = sha256_hex(name.as_bytes());
            ("typed", name, sha)
        }
    })
}

/// Where a signature came from: the client's address and its User-Agent (cut to 400 chars).
pub(super) fn client_of(
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: &HeaderMap,
) -> (String, String) {
    let ip = crate::routes::accounts::client_ip(connect_info);
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(400)
        .collect();
    (ip, user_agent)
}

/// The drawn mark as a clean PNG (decoded and encoded again, so nothing but pixels is kept),
/// refused when it is not a PNG, too large, or empty.
fn clean_signature_png(b64: &str) -> Result<Vec<u8>, SigningRefusal> {
    use base64::Engine;
    if b64.trim().is_empty() {
        return Err(SigningRefusal::EmptyMark);
    }
    if b64.len() > SIGNATURE_PNG_MAX_BYTES * 4 / 3 + 4 {
        return Err(SigningRefusal::BadImage);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| SigningRefusal::BadImage)?;
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
        .map_err(|_| SigningRefusal::BadImage)?;
    if !(40..=4000).contains(&img.width()) || !(20..=4000).contains(&img.height()) {
        return Err(SigningRefusal::BadImage);
    }
    let rgba = img.to_rgba8();
    // Ink: pixels that are visible and not near-white. A few dots are not a signature.
    let ink = rgba
        .pixels()
        .filter(|p| p[3] > 64 && u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) < 600)
        .count();
    if ink < 30 {
        return Err(SigningRefusal::EmptyMark);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(rgba)
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|_| SigningRefusal::BadImage)?;
    Ok(out.into_inner())
}

/// `POST /api/retrofit/applications/{id}/plan/signature`: the elder or guardian signs the
/// version they read. A retry after it went through answers with the signed plan.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/plan/signature",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = SignPlanRequest,
    responses((status = 200, description = "OK", body = PlanView)),
    security(("session" = [])),
)]
pub async fn sign(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SignPlanRequest>,
) -> ApiResult<Json<PlanView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    let (capacity, relationship) = family_signer(&state, &app, viewer, user.id).await?;
    let rows = state.db.plans_of(app.id).await?;
    if let Some(sig) = state.db.signature_of_application(app.id).await? {
        let same = rows
            .iter()
            .any(|r| r.id == sig.plan_id && r.version == i64::from(req.version));
        if same && sig.plan_sha256 == req.plan_sha256 {
            return Ok(Json(plan_view(&state, &app, viewer, user.id).await?));
        }
    }
    let decision = decide(
        app.state,
        RetrofitAction::SignPlan,
        RetrofitActor::Applicant,
        ActionInput {
            note: None,
            checklist: &[],
            reason: None,
            ..ActionInput::default()
        },
    )
    .map_err(refused)?;
    let row = open_version(&rows, Some(req.version), &req.plan_sha256).map_err(refused)?;
    if !req.agreed {
        return Err(refused(SigningRefusal::NotAgreed));
    }
    let now = state.clock.now();
    let check = state.db.signing_check(user.id, row.id).await?;
    let Some((_, method, confirmed_at)) = check.filter(|(sha, _, at)| {
        *sha == req.plan_sha256 && now - at <= IDENTITY_FRESH_SECS && *at <= now
    }) else {
        return Err(refused(SigningRefusal::IdentityNotConfirmed));
    };
    let (kind, plain, mark_sha) = mark_of(&req.mark, &user.display_name).map_err(refused)?;
    let code = code_from_bytes(&rand::random());
    let (ip, user_agent) = client_of(connect_info, &headers);
    let mut tx = state.db.begin().await?;
    let signed = tx
        .sign_plan(&NewSignature {
            plan_id: row.id,
            application_id: app.id,
            signer: user.id,
            capacity: capacity.as_str(),
            relationship: relationship.as_deref(),
            mark_kind: kind,
            mark_enc: &state.settings.keys.seal(&plain),
            mark_sha256: &mark_sha,
            plan_sha256: &req.plan_sha256,
            agreement_version: i64::from(AGREEMENT_VERSION),
            identity_method: &method,
            identity_confirmed_at: confirmed_at,
            now,
            ip: &ip,
            user_agent: &user_agent,
            code: &code,
        })
        .await?;
    if signed.is_none() {
        return Err(stale());
    }
    transition(
        &mut tx,
        &app,
        decision.to,
        RetrofitAction::SignPlan,
        (user.id, "applicant"),
        None,
        now,
    )
    .await?;
    // The hash, the version and the code go on the chained audit record with the signature.
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.plan_signature",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(&format!(
            "v{} {} sha256={} mark={kind}:{mark_sha} code={code}",
            row.version,
            capacity.as_str(),
            req.plan_sha256
        )),
    )
    .await?;
    let zh = format!(
        "改造方案（第 {} 版）已签字，验证码 {}。接下来安排施工。",
        row.version,
        anju_domain::retrofit_signing::format_code(&code)
    );
    let en = format!(
        "The retrofit plan (version {}) is signed; verification code {}. The works come next.",
        row.version,
        anju_domain::retrofit_signing::format_code(&code)
    );
    notify(&state, &mut tx, &app, Told::Family, now, (&zh, &en)).await?;
    let zh = format!("{} 的改造方案已签字", app.reference);
    let en = format!("The plan of {} is signed", app.reference);
    notify(&state, &mut tx, &app, Told::Assessors, now, (&zh, &en)).await?;
    tx.commit().await?;
    let app = reload(&state, app.id).await?;
    Ok(Json(plan_view(&state, &app, viewer, user.id).await?))
}

/// `GET /api/retrofit/applications/{id}/plan/certificate`: the signed version with its
/// signature, for print. Offices opening it (it shows the signature) are recorded.
#[utoipa::path(
    get,
    path = "/retrofit/applications/{id}/plan/certificate",
    tag = "retrofit",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = CertificateView)),
    security(("session" = [])),
)]
pub async fn certificate(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<CertificateView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    let sig = state
        .db
        .signature_of_application(app.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let row = state
        .db
        .plan(sig.plan_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if viewer != Viewer::Family {
        crate::routes::audit::record_view(
            &state,
            &user,
            "retrofit.view",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
            "plan_certificate",
        )
        .await?;
    }
    let view = version_view(&row)?;
    let signer = state.db.account(sig.signer_account_id).await?;
    let plain = state.settings.keys.open(&sig.mark_enc)?;
    let mark = if sig.mark_kind == "drawn" {
        format!("data:image/png;base64,{plain}")
    } else {
        plain
    };
    let address = match (app.home_building_id, &app.home_unit) {
        (Some(b), Some(unit)) => state
            .jurisdiction(b)
            .await?
            .map(|j| format!("{} {unit}单元", j.name_path))
            .unwrap_or_default(),
        _ => String::new(),
    };
    Ok(Json(CertificateView {
        code: sig.code.clone(),
        reference: app.reference.clone(),
        address,
        elder_masked: mask_name(&app.elder_name),
        version: view.version,
        intact: intact(&app, &row, &sig),
        lines: view.lines,
        costed: view.costed,
        not_needed: view.not_needed,
        plan_sha256: sig.plan_sha256.clone(),
        agreement_version: sig.agreement_version as u32,
        agreement_zh: agreement_text(sig.agreement_version)
            .unwrap_or_default()
            .to_owned(),
        signer_masked: signer
            .as_ref()
            .map(|a| mask_name(&a.display_name))
            .unwrap_or_default(),
        signer_phone_masked: signer
            .as_ref()
            .and_then(|a| anju_domain::PhoneNumber::parse(&a.phone).ok())
            .map(|p| p.masked())
            .unwrap_or_default(),
        capacity: SignerCapacity::parse(&sig.capacity).unwrap_or(SignerCapacity::Elder),
        relationship: sig.relationship.clone(),
        mark_kind: sig.mark_kind.clone(),
        mark,
        identity_method: sig.identity_method.clone(),
        identity_confirmed_at: sig.identity_confirmed_at,
        proposed_at: row.proposed_at.unwrap_or_default(),
        signed_at: sig.signed_at,
        ip: sig.ip.clone(),
        device: device_of(&sig.user_agent),
    }))
}

/// What a certificate's code says against the record, or `None` for a code never issued.
/// Shared by `/api/verify/{code}` and `anju verify-plan`; a code of no plan may be a
/// construction contract's.
pub async fn verify_code(db: &Db, code: &str) -> anyhow::Result<Option<VerifyView>> {
    let Some(sig) = db.signature_by_code(code).await? else {
        return super::contract::verify_contract(db, code).await;
    };
    let (Some(row), Some(app)) = (
        db.plan(sig.plan_id).await?,
        db.application(sig.application_id).await?,
    ) else {
        return Ok(None);
    };
    let signer = db.account(sig.signer_account_id).await?;
    Ok(Some(VerifyView {
        code: sig.code.clone(),
        valid: intact(&app, &row, &sig),
        version: row.version as u32,
        plan_sha256: sig.plan_sha256.clone(),
        signed_at: sig.signed_at,
        signer_masked: signer
            .map(|a| mask_name(&a.display_name))
            .unwrap_or_default(),
        capacity: SignerCapacity::parse(&sig.capacity).unwrap_or(SignerCapacity::Elder),
        document: anju_domain::retrofit_signing::VerifiedDocument::Plan,
        contract_sha256: None,
    }))
}

/// `GET /api/verify/{code}`: public; says whether the code's plan still matches what was
/// signed, and nothing about the household beyond a masked signer.
#[utoipa::path(
    get,
    path = "/verify/{code}",
    tag = "retrofit",
    params(("code" = String, Path)),
    responses((status = 200, description = "OK", body = VerifyView)),
)]
pub async fn verify(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<VerifyView>> {
    let Some(code) = normalise_code(&code) else {
        return Err(ApiError::field(
            "code",
            "验证码是 12 位字母和数字（如 ABCD-EFGH-JKMN），请对照证明再输入",
            "A code is 12 letters and digits (like ABCD-EFGH-JKMN); check it against the certificate",
        ));
    };
    verify_code(&state.db, &code)
        .await
        .map_err(ApiError::Internal)?
        .map(Json)
        .ok_or(ApiError::NotFound)
}
