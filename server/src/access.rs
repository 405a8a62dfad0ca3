//! Access on the server: the role's capability from `anju_domain::access`, then the part of
//! the jurisdiction tree the caller holds it for — a [`Scope`], which list queries take as
//! their prefix filter (the type lives in `db::scope`). Computed once per request, before any
//! data is read.

use crate::db::accounts::AccountRow;
pub use crate::db::scope::Scope;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::Role;

impl Scope {
    /// The caller's scope for `capability`; `None` when their role lacks it or their account
    /// is bound to no jurisdiction (a system admin without one holds the whole tree).
    pub async fn of(
        state: &AppState,
        user: &AccountRow,
        capability: Capability,
    ) -> ApiResult<Option<Scope>> {
        if !user.role.can(capability) {
            return Ok(None);
        }
        match user.jurisdiction_id {
            Some(id) => Ok(state
                .db
                .jurisdiction(id)
                .await?
                .map(|j| Scope::granted(j.id_path, Some((j.level, j.id))))),
            None if user.role == Role::SystemAdmin => Ok(Some(Scope::granted("/".into(), None))),
            None => Ok(None),
        }
    }

    /// As [`Scope::of`], refusing with 403 when there is none.
    pub async fn require(
        state: &AppState,
        user: &AccountRow,
        capability: Capability,
    ) -> ApiResult<Scope> {
        Self::of(state, user, capability)
            .await?
            .ok_or(ApiError::Forbidden)
    }
}
