//! Jurisdiction nodes by id, kept once read. A node's level, name, parent and paths never
//! change after it is created (nodes are added, never renamed, moved or removed; the working
//! hours kept beside them are not part of the row), so a row read once stays true — on every
//! instance sharing a PostgreSQL database too, and no change needs to retire it.
//!
//! The month-end rush's commonest requests read them: every staff list resolves the caller's
//! area, every session check the resident's building and community, every new complaint the
//! home's building. Read from the database, each was a statement handed to a database
//! connection's thread and back.

use crate::db::jurisdictions::JurisdictionRow;
use crate::db::Db;
use std::collections::HashMap;
use std::sync::RwLock;

/// Past this many nodes the cache starts again empty rather than growing without bound (a
/// city's tree has tens of thousands of buildings).
const MAX_ENTRIES: usize = 100_000;

/// Per server state, not process-wide: test servers in one process have their own databases,
/// whose ids name different nodes.
#[derive(Default)]
pub struct JurisdictionCache {
    rows: RwLock<HashMap<i64, JurisdictionRow>>,
}

impl JurisdictionCache {
    pub async fn get(&self, db: &Db, id: i64) -> Result<Option<JurisdictionRow>, sqlx::Error> {
        if let Some(row) = self.rows.read().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return Ok(Some(row.clone()));
        }
        // Only rows that exist are kept: a node created later under an id asked for before
        // is found then.
        let row = db.jurisdiction(id).await?;
        if let Some(row) = &row {
            let mut rows = self.rows.write().unwrap_or_else(|e| e.into_inner());
            if rows.len() >= MAX_ENTRIES {
                rows.clear();
            }
            rows.insert(id, row.clone());
        }
        Ok(row)
    }
}
