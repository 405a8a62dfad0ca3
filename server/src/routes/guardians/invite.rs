//! The family overview and an elder's invitation.

use super::access::*;
use super::views::*;
use crate::auth::CurrentUser;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::routes::fields::refused;
use crate::AppState;
use anju_domain::application::{
    GuardianLinkState, GuardianLinkView, GuardianOverview, InviteGuardianRequest,
};
use anju_domain::guardian_flow::check_invite;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// The caller's family links: their guardians, the elders they look after, and open invitations.
#[utoipa::path(
    get,
    path = "/guardians",
    tag = "guardians",
    responses((status = 200, description = "OK", body = GuardianOverview)),
    security(("session" = [])),
)]
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
        } else if link.state == GuardianLinkState::Invited {
            out.invitations.push(v);
        }
    }
    Ok(Json(out))
}

/// An elder invites a family member by phone number to act as their guardian.
#[utoipa::path(
    post,
    path = "/guardians/invitations",
    tag = "guardians",
    request_body = InviteGuardianRequest,
    responses((status = 201, description = "Created", body = GuardianLinkView)),
    security(("session" = [])),
)]
pub async fn invite(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<InviteGuardianRequest>,
) -> ApiResult<(StatusCode, Json<GuardianLinkView>)> {
    family_only(&user)?;
    let phone = crate::routes::accounts::parse_phone(&req.phone)?;
    check_invite(&user.phone, phone.as_str()).map_err(refused)?;
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
