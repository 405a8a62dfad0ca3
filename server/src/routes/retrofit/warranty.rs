//! The warranty over HTTP: the family files a claim on an accepted household
//! (`POST …/applications/{id}/warranty-claims`) and adds photos to it; the builder answers
//! (`POST /api/retrofit/warranty-claims/{claim}/answer`); lists for the builder and, with
//! `?overdue=true`, for the street office and the county. The deadline is counted on the
//! community's working calendar (`anju_domain::retrofit_warranty::claim_due`); a claim after
//! the warranty's last day is refused with that day and where to ask instead.

use super::access::{visible_application, Viewer};
use super::assessment::{family, reloaded};
use crate::access::Scope;
use crate::auth::CurrentUser;
use crate::db::retrofit::assessment_photos::PhotoSet;
use crate::db::retrofit::warranty::{ClaimRow, ClaimScope, NewClaim};
use crate::db::retrofit::ApplicationRow;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::{Path, Query};
use crate::routes::fields::refused;
use crate::routes::photo_files::accept_photo;
use crate::shanghai::today;
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::application::ApplicationView;
use anju_domain::retrofit::RetrofitState;
use anju_domain::retrofit_assessment::mask_name;
use anju_domain::retrofit_warranty::{
    check_answer, check_claim, claim_due, ended_message, ClaimAnswer, ClaimList, ClaimPhotoView,
    ClaimRefusal, ClaimRequest, ClaimSummary, ClaimView, WarrantyView, MAX_PHOTOS_PER_CLAIM,
};
use anju_domain::Role;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;

fn until_of(app: &ApplicationRow) -> Option<NaiveDate> {
    app.warranty_until
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

fn claim_view(claim: &ClaimRow, photos: Vec<ClaimPhotoView>, now: i64) -> ClaimView {
    ClaimView {
        id: claim.id,
        description: claim.description.clone(),
        filed_at: claim.filed_at,
        due_at: claim.due_at,
        overdue: claim.answered_at.is_none() && claim.due_at < now,
        answer: claim.answer.clone(),
        answered_at: claim.answered_at,
        photos,
    }
}

/// The warranty on the household's page, once accepted, for all who follow the case but the
/// assessor.
pub(super) async fn warranty_view(
    state: &AppState,
    app: &ApplicationRow,
    viewer: Viewer,
) -> ApiResult<Option<WarrantyView>> {
    if viewer == Viewer::Assessor
        || !matches!(app.state, RetrofitState::Accepted | RetrofitState::Settled)
    {
        return Ok(None);
    }
    let Some(until) = until_of(app) else {
        return Ok(None);
    };
    let now = state.clock.now();
    let ended = today(now) > until;
    let (_, days) = match app.county_id {
        Some(c) => state.db.county_warranty_rules(c).await?,
        None => (0, anju_domain::retrofit_warranty::CLAIM_DAYS_DEFAULT),
    };
    let photos = state.db.household_photos(PhotoSet::Claims, app.id).await?;
    let claims = state
        .db
        .claims_of(app.id)
        .await?
        .iter()
        .map(|c| {
            let key = c.id.to_string();
            let mine = photos
                .iter()
                .filter(|p| p.room == key)
                .filter_map(|p| {
                    Some(ClaimPhotoView {
                        id: p.id,
                        url: format!("/api/retrofit/warranty-claims/{}/photos/{}", c.id, p.id),
                        width: u32::try_from(p.width).ok()?,
                        height: u32::try_from(p.height).ok()?,
                    })
                })
                .collect();
            claim_view(c, mine, now)
        })
        .collect();
    Ok(Some(WarrantyView {
        until: until.format("%Y-%m-%d").to_string(),
        ended,
        claim_working_days: days,
        claims,
        may_claim: viewer == Viewer::Family && !ended,
        may_answer: viewer == Viewer::Contractor,
    }))
}

/// `POST /api/retrofit/applications/{id}/warranty-claims` `{description}` (the family).
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/warranty-claims",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = ClaimRequest,
    responses((status = 201, description = "Created", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn file(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ClaimRequest>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Family {
        return Err(ApiError::Forbidden);
    }
    let (Some(until), Some(org)) = (until_of(&app), app.contractor_org_id) else {
        return Err(ApiError::Conflict {
            field: "description",
            message: "验收合格后才能报修",
            message_en: "Claims can be filed once the works passed acceptance",
        });
    };
    let now = state.clock.now();
    if today(now) > until {
        let (zh, en) = ended_message(until);
        return Err(ApiError::ConflictSaid {
            field: "warranty_until",
            message: zh,
            message_en: en,
        });
    }
    let description = check_claim(&req).map_err(refused)?;
    let (_, days) = match app.county_id {
        Some(c) => state.db.county_warranty_rules(c).await?,
        None => (0, anju_domain::retrofit_warranty::CLAIM_DAYS_DEFAULT),
    };
    let clock = match app.community_id {
        Some(c) => state.calendars.for_community(&state.db, c).await?,
        None => std::sync::Arc::new(crate::calendars::CommunityClock::national()),
    };
    let filed = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default();
    let due = claim_due(filed, days, &clock.ctx())
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no working days ahead")))?
        .timestamp();
    let mut tx = state.db.begin().await?;
    let claim = tx
        .file_claim(&NewClaim {
            application_id: app.id,
            contractor_org_id: org,
            description: &description,
            by: user.id,
            now,
            due_at: due,
        })
        .await?;
    tx.audit(&Audit::new(
        now,
        Some(user.id),
        "retrofit.warranty_claim",
        &format!("retrofit_application:{}", app.id),
        &app.scope_path,
    ))
    .await?;
    let due_text = crate::shanghai::timestamp_text(due);
    let zh = format!(
        "申请 {} 有新的报修（第 {claim} 号），请在 {due_text} 前答复",
        app.reference
    );
    let en = format!(
        "New warranty claim no. {claim} for {}; answer by {due_text}",
        app.reference
    );
    for account in state.db.members_of_org(org).await? {
        tx.notify_about_application(account, now, app.id, &zh, &en)
            .await?;
    }
    tx.commit().await?;
    let Json(view) = reloaded(&state, app.id, viewer).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The claim and its household, if the caller sees the household.
async fn visible_claim(
    state: &AppState,
    user: &crate::db::accounts::AccountRow,
    claim: &str,
) -> ApiResult<(ClaimRow, ApplicationRow, Viewer)> {
    let id: i64 = claim.parse().map_err(|_| ApiError::NotFound)?;
    let claim = state.db.claim(id).await?.ok_or(ApiError::NotFound)?;
    let (app, viewer) = visible_application(state, user, &claim.application_id.to_string()).await?;
    if viewer == Viewer::Assessor {
        return Err(ApiError::NotFound);
    }
    Ok((claim, app, viewer))
}

/// `POST /api/retrofit/warranty-claims/{claim}/photos`: a photo of what is wrong (the family,
/// while the claim is open), the image itself as the body.
#[utoipa::path(
    post,
    path = "/retrofit/warranty-claims/{claim}/photos",
    tag = "retrofit",
    params(("claim" = String, Path)),
    request_body(content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp")), description = "The photo's bytes (JPEG, PNG or WebP); stored re-encoded without metadata"),
    responses((status = 201, description = "Created", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn upload_photo(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(claim): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let (claim, app, viewer) = visible_claim(&state, &user, &claim).await?;
    if viewer != Viewer::Family {
        return Err(ApiError::Forbidden);
    }
    if claim.answered_at.is_some() {
        return Err(refused(ClaimRefusal::AlreadyAnswered));
    }
    let body = super::body_or_error(body)?;
    let cleaned = accept_photo(&state, user.id, body).await?;
    let status = super::record::store_photo(
        &state,
        &user,
        &app,
        (PhotoSet::Claims, &claim.id.to_string()),
        &cleaned,
        (usize::try_from(MAX_PHOTOS_PER_CLAIM).unwrap_or(6), None),
    )
    .await?
    .ok_or_else(|| refused(ClaimRefusal::PhotosFull))?;
    let Json(view) = reloaded(&state, app.id, viewer).await?;
    Ok((status, Json(view)))
}

/// `GET /api/retrofit/warranty-claims/{claim}/photos/{photo}`; an office's look is recorded.
#[utoipa::path(
    get,
    path = "/retrofit/warranty-claims/{claim}/photos/{photo}",
    tag = "retrofit",
    params(("claim" = String, Path), ("photo" = String, Path)),
    responses((status = 200, description = "The photo (JPEG, re-encoded without metadata)", content_type = "image/jpeg", body = Vec<u8>)),
    security(("session" = [])),
)]
pub async fn download_photo(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((claim, photo)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (claim, app, viewer) = visible_claim(&state, &user, &claim).await?;
    super::record::send_photo(
        &state,
        &user,
        &app,
        (PhotoSet::Claims, Some(&claim.id.to_string())),
        &photo,
        matches!(viewer, Viewer::Street | Viewer::County),
    )
    .await
}

/// `POST /api/retrofit/warranty-claims/{claim}/answer` `{answer}` (the builder's staff).
#[utoipa::path(
    post,
    path = "/retrofit/warranty-claims/{claim}/answer",
    tag = "retrofit",
    params(("claim" = String, Path)),
    request_body = ClaimAnswer,
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn answer(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(claim): Path<String>,
    ApiJson(req): ApiJson<ClaimAnswer>,
) -> ApiResult<Json<ApplicationView>> {
    let (claim, app, viewer) = visible_claim(&state, &user, &claim).await?;
    if viewer != Viewer::Contractor {
        return Err(ApiError::Forbidden);
    }
    let text = check_answer(&req).map_err(refused)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx.answer_claim(claim.id, &text, user.id, now).await? {
        return Err(refused(ClaimRefusal::AlreadyAnswered));
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.warranty_answer",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(&format!("claim={}", claim.id)),
    )
    .await?;
    let zh = format!(
        "施工单位答复了您的报修（申请 {}，第 {} 号）：{text}",
        app.reference, claim.id
    );
    let en = format!(
        "The builder answered your warranty claim no. {} ({}): {text}",
        claim.id, app.reference
    );
    for account in family(&state, &app).await? {
        tx.notify_about_application(account, now, app.id, &zh, &en)
            .await?;
    }
    tx.commit().await?;
    reloaded(&state, app.id, viewer).await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClaimsQuery {
    overdue: Option<bool>,
    /// Only those not yet answered.
    open: Option<bool>,
    /// Only one community of the caller's area (street office, county).
    community_id: Option<i64>,
}

/// `GET /api/retrofit/warranty-claims`: the builder's claims, or (street office, county,
/// `?overdue=true` to keep only those past their deadline, `?open=true` those not answered,
/// `?community_id=` one community) the claims under their place; newest first, the elder's
/// name masked, in one query.
#[utoipa::path(
    get,
    path = "/retrofit/warranty-claims",
    tag = "retrofit",
    params(ClaimsQuery),
    responses((status = 200, description = "OK", body = ClaimList)),
    security(("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ClaimsQuery>,
) -> ApiResult<Json<ClaimList>> {
    let now = state.clock.now();
    let community_path = match (user.role, q.community_id) {
        (Role::StreetReviewer | Role::CountyAdmin, Some(id)) => Some(
            Scope::require(&state, &user, Capability::ReviewRetrofit)
                .await?
                .community(&state, id)
                .await?
                .id_path,
        ),
        _ => None,
    };
    let scope = match user.role {
        Role::Contractor => match state.db.org_of_member(user.id).await? {
            Some(org) => ClaimScope::Org(org.id),
            None => return Ok(Json(ClaimList { items: Vec::new() })),
        },
        Role::StreetReviewer | Role::CountyAdmin => {
            ClaimScope::Under(community_path.as_deref().unwrap_or(&user.scope_path))
        }
        _ => return Err(ApiError::Forbidden),
    };
    let overdue_at = q.overdue.unwrap_or(false).then_some(now);
    let rows = state
        .db
        .claim_list(&scope, overdue_at, q.open.unwrap_or(false), 200)
        .await?;
    Ok(Json(ClaimList {
        items: rows
            .into_iter()
            .map(|r| ClaimSummary {
                id: r.id,
                application_id: r.application_id,
                reference: r.reference,
                community_name: r.community_name.unwrap_or_default(),
                elder_name_masked: mask_name(&r.elder_name),
                contractor: r.contractor,
                description: r.description,
                filed_at: r.filed_at,
                due_at: r.due_at,
                overdue: r.answered_at.is_none() && r.due_at < now,
                answered_at: r.answered_at,
            })
            .collect(),
    }))
}

/// The deadline watch's part: each claim that just went past its deadline unanswered is
/// announced once to the builder's staff and the street office over the household.
pub async fn notice_overdue(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let mut told = 0;
    for claim in state.db.claims_newly_overdue(now).await? {
        let Some(app) = state.db.application(claim.application_id).await? else {
            continue;
        };
        let mut accounts = state.db.members_of_org(claim.contractor_org_id).await?;
        accounts.extend(
            state
                .db
                .staff_over(&app.scope_path, Role::StreetReviewer.as_str())
                .await?,
        );
        accounts.sort_unstable();
        accounts.dedup();
        let mut tx = state.db.begin().await?;
        if !tx.claim_overdue_notice(claim.id, now).await? {
            continue;
        }
        let due = crate::shanghai::timestamp_text(claim.due_at);
        let zh = format!(
            "申请 {} 的报修（第 {} 号）已超时未答复：应于 {due} 前答复",
            app.reference, claim.id
        );
        let en = format!(
            "Warranty claim no. {} for {} is overdue: it was due by {due}",
            claim.id, app.reference
        );
        for account in accounts {
            tx.notify_about_application(account, now, app.id, &zh, &en)
                .await?;
        }
        tx.commit().await?;
        told += 1;
    }
    Ok(told)
}
