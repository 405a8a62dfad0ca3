//! Family links: an elder invites a family member by mobile number; the family member
//! accepts with the SMS code sent to that number now (so whoever registered the number is
//! not enough), saying how they are related and sending a proof document (the body of the
//! accept request); then the elder — or the street office, for an elder who cannot use a
//! phone — confirms, and only then does the link open the elder's applications. The elder
//! (or the guardian) can end the link at any time.

use super::retrofit::{body_or_error, store_document};
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::guardians::LinkRow;
use crate::db::Audit;
use crate::documents::load_sealed;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::{Path, Query};
use crate::AppState;
use anju_domain::application::{
    GuardianLinkState, GuardianLinkView, GuardianOverview, InviteGuardianRequest, PersonRef,
    Relationship,
};
use anju_domain::PhoneNumber;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

fn masked_phone(p: &str) -> String {
    PhoneNumber::parse(p)
        .map(|n| n.masked())
        .unwrap_or_else(|_| "***".into())
}

pub(super) async fn view(state: &AppState, link: &LinkRow) -> ApiResult<GuardianLinkView> {
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
            "accepted" => GuardianLinkState::Accepted,
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
    let phone = super::accounts::parse_phone(&req.phone)?;
    if phone.as_str() == user.phone {
        return Err(ApiError::field(
            "phone",
            "请填写家属的手机号，不是您自己的",
            "Enter your family member's number, not your own",
        ));
    }
    let mut tx = state.db.begin().await?;
    let id = tx
        .invite_guardian(user.id, phone.as_str(), state.clock.now())
        .await?
        .ok_or(ApiError::Conflict {
            field: "phone",
            message: "已经邀请过这个手机号",
            message_en: "This number has already been invited",
        })?;
    tx.audit(&Audit::new(
        state.clock.now(),
        Some(user.id),
        "guardian.invite",
        &format!("guardian_link:{id}"),
        &user.scope_path,
    ))
    .await?;
    tx.commit().await?;
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
    /// The code just texted to the family member's own number (purpose `guardian_accept`).
    code: Option<String>,
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
        return Err(ApiError::Conflict {
            field: "invitation",
            message: "这个邀请已经处理过了",
            message_en: "This invitation has already been handled",
        });
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

/// Where the elder lives in the tree: a link's audit entries belong to the elder's office.
async fn elder_scope(state: &AppState, elder: i64) -> ApiResult<String> {
    Ok(state
        .db
        .account(elder)
        .await?
        .map_or_else(|| "/".to_owned(), |e| e.scope_path))
}

/// Whether `user` is a street reviewer over the elder's home.
async fn street_over_elder(state: &AppState, user: &AccountRow, elder: i64) -> ApiResult<bool> {
    if user.role != anju_domain::Role::StreetReviewer {
        return Ok(false);
    }
    let Some(street) = (match user.jurisdiction_id {
        Some(j) => state.db.jurisdiction(j).await?,
        None => None,
    }) else {
        return Ok(false);
    };
    Ok(state
        .db
        .account(elder)
        .await?
        .is_some_and(|e| e.scope_path.starts_with(&street.id_path)))
}

/// The elder — or the street office over the elder's home, for an elder who cannot use a
/// phone — confirms an accepted link. From now on it gives access.
pub async fn confirm(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<GuardianLinkView>> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let link = state
        .db
        .guardian_link(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let by_elder = link.elder_account_id == user.id;
    if !by_elder && !street_over_elder(&state, &user, link.elder_account_id).await? {
        return Err(ApiError::NotFound);
    }
    let now = state.clock.now();
    let scope = elder_scope(&state, link.elder_account_id).await?;
    let mut tx = state.db.begin().await?;
    if !tx.confirm_guardian_link(id, user.id, now).await? {
        return Err(ApiError::Conflict {
            field: "link",
            message: "只有家属已接受、等待确认的关系才能确认",
            message_en: "Only a link the family member accepted and that waits for confirmation can be confirmed",
        });
    }
    tx.audit(&Audit::new(
        now,
        Some(user.id),
        if by_elder {
            "guardian.confirm"
        } else {
            "guardian.confirm_by_street"
        },
        &format!("guardian_link:{id}"),
        &scope,
    ))
    .await?;
    tx.commit().await?;
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
    let scope = elder_scope(&state, link.elder_account_id).await?;
    let mut tx = state.db.begin().await?;
    if !tx.end_guardian_link(link.id, user.id, now).await? {
        return Err(ApiError::Conflict {
            field: "link",
            message: "这个关系已经结束了",
            message_en: "This link has already ended",
        });
    }
    tx.audit(&Audit::new(
        now,
        Some(user.id),
        "guardian.end",
        &format!("guardian_link:{}", link.id),
        &scope,
    ))
    .await?;
    tx.commit().await?;
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
        .ok_or(ApiError::NotFound)?;
    let family = link.elder_account_id == user.id || link.guardian_account_id == Some(user.id);
    if !family && !street_over_elder(&state, &user, link.elder_account_id).await? {
        return Err(ApiError::NotFound);
    }
    let (Some(hash), Some(content_type)) = (&link.proof_hash, &link.proof_type) else {
        return Err(ApiError::NotFound);
    };
    let bytes = load_sealed(&state.blobs, &state.settings.keys, hash)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !family {
        super::audit::record_view(
            &state,
            &user,
            "guardian.proof_view",
            &format!("guardian_link:{}", link.id),
            &elder_scope(&state, link.elder_account_id).await?,
            "",
        )
        .await?;
    }
    Ok((
        crate::documents::download_headers(content_type, &format!("family-proof-{}", link.id)),
        bytes,
    )
        .into_response())
}
