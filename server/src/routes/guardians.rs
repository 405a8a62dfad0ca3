//! Family links: an elder invites a family member by mobile number; the family member
//! accepts, saying how they are related and sending a proof document (the body of the
//! accept request); the elder (or the guardian) can end the link at any time, which ends the
//! guardian's access to the elder's applications.

use super::retrofit_documents::{body_or_error, store_document};
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::guardians::LinkRow;
use crate::documents::load_sealed;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::AppState;
use anju_domain::application::{
    GuardianLinkState, GuardianLinkView, GuardianOverview, InviteGuardianRequest, PersonRef,
    Relationship,
};
use anju_domain::PhoneNumber;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

fn masked_phone(p: &str) -> String {
    PhoneNumber::parse(p)
        .map(|n| n.masked())
        .unwrap_or_else(|_| "***".into())
}

async fn view(state: &AppState, link: &LinkRow) -> ApiResult<GuardianLinkView> {
    let person = |a: Option<AccountRow>| {
        a.map(|a| PersonRef {
            account_id: a.id,
            display_name: a.display_name,
        })
    };
    let elder = person(state.db.account(link.elder_account_id).await?).ok_or(ApiError::NotFound)?;
    let guardian = match link.guardian_account_id {
        Some(g) => person(state.db.account(g).await?),
        None => None,
    };
    Ok(GuardianLinkView {
        id: link.id,
        state: match link.state.as_str() {
            "active" => GuardianLinkState::Active,
            "invited" => GuardianLinkState::Invited,
            _ => GuardianLinkState::Ended,
        },
        elder,
        guardian,
        invited_phone_masked: masked_phone(&link.invited_phone),
        relationship: link.relationship.as_deref().and_then(Relationship::parse),
        proof_url: link
            .proof_hash
            .as_ref()
            .map(|_| format!("/api/guardians/{}/proof", link.id)),
        created_at: link.created_at,
    })
}

fn family_only(user: &AccountRow) -> ApiResult<()> {
    if user.role.is_staff() {
        Err(ApiError::Forbidden)
    } else {
        Ok(())
    }
}

pub async fn overview(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<GuardianOverview>> {
    family_only(&user)?;
    let mut out = GuardianOverview::default();
    for link in state.db.guardian_links_of(user.id, &user.phone).await? {
        let v = view(&state, &link).await?;
        if link.elder_account_id == user.id {
            out.my_guardians.push(v);
        } else if link.guardian_account_id == Some(user.id) {
            out.elders.push(v);
        } else if link.state == "invited" {
            out.invitations.push(v);
        }
    }
    Ok(Json(out))
}

pub async fn invite(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<InviteGuardianRequest>,
) -> ApiResult<(StatusCode, Json<GuardianLinkView>)> {
    family_only(&user)?;
    let phone = PhoneNumber::parse(&req.phone).map_err(|e| {
        let (zh, en) = e.message();
        ApiError::field("phone", zh, en)
    })?;
    if phone.as_str() == user.phone {
        return Err(ApiError::field(
            "phone",
            "请填写家属的手机号，不是您自己的",
            "Enter your family member's number, not your own",
        ));
    }
    let id = state
        .db
        .invite_guardian(user.id, phone.as_str(), state.clock.now())
        .await?
        .ok_or(ApiError::Conflict {
            field: "phone",
            message: "已经邀请过这个手机号",
            message_en: "This number has already been invited",
        })?;
    let link = state
        .db
        .guardian_link(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(view(&state, &link).await?)))
}

#[derive(Deserialize)]
pub struct AcceptQuery {
    relationship: Option<String>,
}

/// The invited family member accepts; the body is the proof of the relationship.
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
    if link.state != "invited" {
        return Err(ApiError::Conflict {
            field: "invitation",
            message: "这个邀请已经处理过了",
            message_en: "This invitation has already been handled",
        });
    }
    let relationship = q
        .relationship
        .as_deref()
        .and_then(Relationship::parse)
        .ok_or_else(|| {
            ApiError::field(
                "relationship",
                "请选择您和老人的关系",
                "Choose how you are related to the elder",
            )
        })?;
    let body = body_or_error(body)?;
    let (hash, content_type, _) = store_document(&state, body, "proof").await?;
    if !state
        .db
        .accept_guardian_link(
            id,
            user.id,
            relationship.as_str(),
            (&hash, content_type),
            state.clock.now(),
        )
        .await?
    {
        return Err(ApiError::Conflict {
            field: "invitation",
            message: "这个邀请已经处理过了",
            message_en: "This invitation has already been handled",
        });
    }
    let link = state
        .db
        .guardian_link(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(view(&state, &link).await?))
}

/// The elder ends the link (or the guardian steps back).
pub async fn end(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<GuardianLinkView>> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let link = state
        .db
        .guardian_link(id)
        .await?
        .filter(|l| l.elder_account_id == user.id || l.guardian_account_id == Some(user.id))
        .ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    if !state.db.end_guardian_link(link.id, user.id, now).await? {
        return Err(ApiError::Conflict {
            field: "link",
            message: "这个关系已经结束了",
            message_en: "This link has already ended",
        });
    }
    state
        .db
        .audit(
            now,
            Some(user.id),
            "guardian.end",
            &format!("guardian_link:{}", link.id),
            "",
        )
        .await?;
    let link = state
        .db
        .guardian_link(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(view(&state, &link).await?))
}

pub async fn proof(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let link = state
        .db
        .guardian_link(id)
        .await?
        .filter(|l| l.elder_account_id == user.id || l.guardian_account_id == Some(user.id))
        .ok_or(ApiError::NotFound)?;
    let (Some(hash), Some(content_type)) = (&link.proof_hash, &link.proof_type) else {
        return Err(ApiError::NotFound);
    };
    let bytes = load_sealed(&state.blobs, &state.settings.keys, hash)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.clone()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
