//! The complaint categories as filing and case pages use them: read at most once a minute per
//! server, like the working calendars ([`crate::calendars`]), so every instance picks up an
//! admin's edit within that time, and the instance that took the edit at once
//! ([`CategoryCache::invalidate`]). Filing a complaint read the whole table for every new case
//! (one more hand-over to a database thread on the month-end rush's costliest request). The
//! categories screen and the admin's edit still read the table itself.

use crate::db::Db;
use anju_domain::category::Category;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

const TTL: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct CategoryCache {
    entry: RwLock<Entry>,
}

#[derive(Default)]
struct Entry {
    read: Option<(Instant, Arc<Vec<Category>>)>,
    /// Counts edits: a read that began before an edit is not kept after it.
    edits: u64,
}

impl CategoryCache {
    pub async fn get(&self, db: &Db) -> Result<Arc<Vec<Category>>, sqlx::Error> {
        let edits = {
            let entry = self.entry.read().unwrap_or_else(|e| e.into_inner());
            if let Some((at, categories)) = &entry.read {
                if at.elapsed() < TTL {
                    return Ok(categories.clone());
                }
            }
            entry.edits
        };
        let categories = Arc::new(db.categories().await?);
        let mut entry = self.entry.write().unwrap_or_else(|e| e.into_inner());
        if entry.edits == edits {
            entry.read = Some((Instant::now(), categories.clone()));
        }
        Ok(categories)
    }

    /// After an edit on this instance: the next use reads the table again.
    pub fn invalidate(&self) {
        let mut entry = self.entry.write().unwrap_or_else(|e| e.into_inner());
        entry.read = None;
        entry.edits += 1;
    }
}
