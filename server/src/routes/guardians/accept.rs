//! The family member accepts: the SMS code sent to the invited number now, the relationship
//! and a proof document (the request body).

use super::access::*;
use super::views::*;
use crate::auth::CurrentUser;
use crate::db::Audit;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::routes::fields::refused;
use crate::routes::retrofit::{body_or_error, store_document};
use crate::AppState;
use anju_domain::application::{GuardianLinkView, Relationship};
use anju_domain::guardian_flow::{decide, LinkAction, LinkActor, LinkRefusal};
use anju_domain::PhoneNumber;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AcceptQuery {
    relationship: Option<String>,
    /// The code just texted to the family member's own number (purpose `guardian_accept`).
    code: Option<String>,
}

/// The invited family member accepts; the body is the proof of the relationship.
#[utoipa::path(
    post,
    path = "/guardians/{id}/accept",
    tag = "guardians",
    params(("id" = String, Path), AcceptQuery),
    request_body(content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png")), description = "The file's bytes (PDF without active content, or a photo)"),
    responses((status = 200, description = "OK", body = GuardianLinkView)),
    security(("session" = [])),
)]
pub async fn accept(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<AcceptQuery>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<GuardianLinkView>> {
    family_only(&user)?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let link = state
        .db
        .guardian_link(id)
        .await?
        .filter(|l| l.invited_phone == user.phone && l.elder_account_id != user.id)
        .ok_or(ApiError::NotFound)?;
    let relationship = q.relationship.as_deref().and_then(Relationship::parse);
    decide(
        link.state,
        LinkAction::Accept,
        LinkActor::FamilyMember,
        relationship,
    )
    .map_err(refused)?;
    let relationship = relationship.ok_or(refused(LinkRefusal::RelationshipRequired))?;
    // The proof first: a refused file must not spend the code, or the family member would
    // wait out the resend pause for a new one.
    let body = body_or_error(body)?;
    crate::limits::count_upload(&state, user.id).await?;
    let (hash, content_type, _) = store_document(&state, body, "proof").await?;
    let phone = PhoneNumber::parse(&user.phone).map_err(|_| ApiError::Forbidden)?;
    crate::sms::verify_code(
        &state,
        &phone,
        crate::sms::Purpose::GuardianAccept,
        q.code.as_deref().unwrap_or_default(),
    )
    .await?;
    let now = state.clock.now();
    let scope = elder_scope(&state, link.elder_account_id).await?;
    let mut tx = state.db.begin().await?;
    tx.mark_phone_verified(user.id, now).await?;
    if !tx
        .accept_guardian_link(
            id,
            user.id,
            relationship.as_str(),
            (&hash, content_type),
            now,
        )
        .await?
    {
        // Someone accepted it between the read and this change.
        return Err(refused(LinkRefusal::AlreadyHandled));
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "guardian.accept",
            &format!("guardian_link:{id}"),
            &scope,
        )
        .detail(relationship.as_str()),
    )
    .await?;
    tx.commit().await?;
    let link = state
        .db
        .guardian_link(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(view(&state, &link).await?))
}
