//! Who takes part in a link: the elder's own family features, the elder's office.

use crate::db::accounts::AccountRow;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub(super) fn family_only(user: &AccountRow) -> ApiResult<()> {
    if user.role.is_staff() {
        Err(ApiError::Forbidden)
    } else {
        Ok(())
    }
}

/// Where the elder lives in the tree: a link's audit entries belong to the elder's office.
pub(super) async fn elder_scope(state: &AppState, elder: i64) -> ApiResult<String> {
    Ok(state
        .db
        .account(elder)
        .await?
        .map_or_else(|| "/".to_owned(), |e| e.scope_path))
}

/// Whether `user` is a street reviewer over the elder's home.
pub(super) async fn street_over_elder(
    state: &AppState,
    user: &AccountRow,
    elder: i64,
) -> ApiResult<bool> {
    if user.role != anju_domain::Role::StreetReviewer {
        return Ok(false);
    }
    let Some(street) = (match user.jurisdiction_id {
        Some(j) => state.jurisdiction(j).await?,
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
