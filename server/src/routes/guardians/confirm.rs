//! The elder (or the street office over the elder's home) confirms a link; either side ends it.

use super::access::*;
use super::views::*;
use crate::auth::CurrentUser;
use crate::db::Audit;
use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::AppState;
use anju_domain::application::GuardianLinkView;
use axum::extract::State;
use axum::Json;

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
