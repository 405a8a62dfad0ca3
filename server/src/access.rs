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
    /// A community inside this scope, for a list or report narrowed to it; otherwise a 422
    /// naming `community_id` (one answer for every such filter).
    pub async fn community(
        &self,
        state: &AppState,
        id: i64,
    ) -> ApiResult<crate::db::jurisdictions::JurisdictionRow> {
        state
            .jurisdiction(id)
            .await?
            .filter(|c| {
                c.level == anju_domain::JurisdictionLevel::Community && self.holds(&c.id_path)
            })
            .ok_or_else(|| {
                ApiError::field(
                    "community_id",
                    "请选择您负责的社区",
                    "Choose a community you are responsible for",
                )
            })
    }

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
