//! Who may see a case: the resident it is about, and staff who work cases over its place;
//! anyone else gets a 404, so case numbers reveal nothing.

use crate::access::Scope;
use crate::db::accounts::AccountRow;
use crate::db::cases::CaseRow;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use anju_domain::access::Capability;

/// Staff who work cases, and the subtree they see.
pub(crate) async fn staff_scope(state: &AppState, user: &AccountRow) -> ApiResult<Option<Scope>> {
    Scope::of(state, user, Capability::WorkCases).await
}

/// The case if the caller may see it, and whether they see it as staff.
pub(crate) async fn visible_case(
    state: &AppState,
    user: &AccountRow,
    id: &str,
) -> ApiResult<(CaseRow, bool)> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let case = state.db.case(id).await?.ok_or(ApiError::NotFound)?;
    if let Some(scope) = staff_scope(state, user).await? {
        if scope.holds(&case.scope_path) {
            return Ok((case, true));
        }
    }
    if case.resident_account_id == user.id {
        return Ok((case, false));
    }
    Err(ApiError::NotFound)
}
