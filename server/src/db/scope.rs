//! [`Scope`]: the subtree of the jurisdiction tree a caller may act on, which every list query
//! takes as its prefix filter. Granted only by `crate::access` after the capability check (and
//! for a resident's own community); storage reads it, never makes one.

/// The subtree (an id path such as `/1/4/`, or `/` for everything) a caller may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope(String);

impl Scope {
    /// For `crate::access` only: the prefix a checked capability grants.
    pub(crate) fn granted(prefix: String) -> Scope {
        Scope(prefix)
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
