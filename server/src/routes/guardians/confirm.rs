//! The elder (or the street office over the elder's home) confirms a link; either side ends it.

use super::access::*;
use super::views::*;
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::guardians::LinkRow;
use crate::db::Audit;
use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::routes::fields::refused;
use crate::AppState;
use anju_domain::application::GuardianLinkView;
use anju_domain::guardian_flow::{decide, LinkAction, LinkActor, LinkRefusal};
use axum::extract::State;
use axum::Json;

/// The elder — or the street office over the elder's home, for an elder who cannot use a
/// phone — confirms an accepted link. From now on it gives access.
#[utoipa::path(
    post,
    path = "/guardians/{id}/confirm",
    tag = "guardians",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = GuardianLinkView)),
    security(("session" = [])),
)]
pub async fn confirm(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<GuardianLinkView>> {
    let link = load(&state, &id).await?;
    let actor = if link.elder_account_id == user.id {
        LinkActor::Elder
    } else if street_over_elder(&state, &user, link.elder_account_id).await? {
        LinkActor::StreetOffice
    } else {
        return Err(ApiError::NotFound);
    };
    let audit_action = match actor {
        LinkActor::StreetOffice => "guardian.confirm_by_street",
        _ => "guardian.confirm",
    };
    change(
        &state,
        &user,
        link,
        LinkAction::Confirm,
        actor,
        audit_action,
    )
    .await
}

/// The elder ends the link (or the guardian steps back).
#[utoipa::path(
    post,
    path = "/guardians/{id}/end",
    tag = "guardians",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = GuardianLinkView)),
    security(("session" = [])),
)]
pub async fn end(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<GuardianLinkView>> {
    let link = load(&state, &id).await?;
    let actor = if link.elder_account_id == user.id {
        LinkActor::Elder
    } else if link.guardian_account_id == Some(user.id) {
        LinkActor::FamilyMember
    } else {
        return Err(ApiError::NotFound);
    };
    change(&state, &user, link, LinkAction::End, actor, "guardian.end").await
}

async fn load(state: &AppState, id: &str) -> ApiResult<LinkRow> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    state.db.guardian_link(id).await?.ok_or(ApiError::NotFound)
}

/// Decide, then move the link with its audit entry in one transaction.
async fn change(
    state: &AppState,
    user: &AccountRow,
    link: LinkRow,
    action: LinkAction,
    actor: LinkActor,
    audit_action: &str,
) -> ApiResult<Json<GuardianLinkView>> {
    let to = decide(link.state, action, actor, None).map_err(refused)?;
    let now = state.clock.now();
    let scope = elder_scope(state, link.elder_account_id).await?;
    let mut tx = state.db.begin().await?;
    if !tx
        .move_guardian_link(link.id, link.state, to, user.id, now)
        .await?
    {
        // Someone moved it between the read and this change.
        return Err(refused(match action {
            LinkAction::End => LinkRefusal::AlreadyEnded,
            _ => LinkRefusal::NotAwaitingConfirmation,
        }));
    }
    tx.audit(&Audit::new(
        now,
        Some(user.id),
        audit_action,
        &format!("guardian_link:{}", link.id),
        &scope,
    ))
    .await?;
    tx.commit().await?;
    let link = state
        .db
        .guardian_link(link.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(view(state, &link).await?))
}
