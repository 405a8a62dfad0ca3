//! The family overview and an elder's invitation.

use super::access::*;
use super::views::*;
use crate::auth::CurrentUser;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::AppState;
use anju_domain::application::{GuardianLinkView, GuardianOverview, InviteGuardianRequest};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

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
    let phone = crate::routes::accounts::parse_phone(&req.phone)?;
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
