//! Access on the server: the role's capability from `anju_domain::access`, then the part of
//! the jurisdiction tree the caller holds it for — a [`Scope`], which list queries take as
//! their prefix filter. Computed once per request, before any data is read.

use crate::db::accounts::AccountRow;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::Role;

/// The subtree (an id path such as `/1/4/`, or `/` for everything) a caller may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope(String);

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
            Some(id) => Ok(state.db.jurisdiction(id).await?.map(|j| Scope(j.id_path))),
            None if user.role == Role::SystemAdmin => Ok(Some(Scope("/".into()))),
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

    /// What a resident reaches as a member of their community (the surveys it is asked).
    pub fn home_community(id_path: String) -> Scope {
        Scope(id_path)
    }

    pub fn prefix(&self) -> &str {
        &self.0
    }

    /// Whether something at `path` lies inside.
    pub fn holds(&self, path: &str) -> bool {
        path.starts_with(&self.0)
    }
}
