//! [`Scope`]: the subtree of the jurisdiction tree a caller may act on, which every list query
//! takes as its prefix filter. Granted only by `crate::access` after the capability check (and
//! for a resident's own community); storage reads it, never makes one.

use anju_domain::JurisdictionLevel;

/// The subtree (an id path such as `/1/4/`, or `/` for everything) a caller may act on, and
/// the node it hangs from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    prefix: String,
    anchor: Option<(JurisdictionLevel, i64)>,
}

impl Scope {
    /// For `crate::access` only: the subtree under the node a checked capability grants.
    pub(crate) fn granted(prefix: String, anchor: Option<(JurisdictionLevel, i64)>) -> Scope {
        Scope { prefix, anchor }
    }

    /// What a resident reaches as a member of their community (the surveys it is asked).
    pub fn home_community(id_path: String, community_id: i64) -> Scope {
        Scope {
            prefix: id_path,
            anchor: Some((JurisdictionLevel::Community, community_id)),
        }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether something at `path` lies inside.
    pub fn holds(&self, path: &str) -> bool {
        path.starts_with(&self.prefix)
    }

    /// The same subtree as an equality on a table's per-level column (`community_id`,
    /// `street_id`, `county_id`), so a list seeks an index on `(that column, sort key)` instead
    /// of sorting a whole subtree; `None` for a node above the county (or the whole tree),
    /// where the prefix filter is used.
    pub fn level_column(&self) -> Option<(&'static str, i64)> {
        match self.anchor? {
            (JurisdictionLevel::Community, id) => Some(("community_id", id)),
            (JurisdictionLevel::Street, id) => Some(("street_id", id)),
            (JurisdictionLevel::County, id) => Some(("county_id", id)),
            _ => None,
        }
    }
}
