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
    entry: RwLock<Option<(Instant, Arc<Vec<Category>>)>>,
}

impl CategoryCache {
    pub async fn get(&self, db: &Db) -> Result<Arc<Vec<Category>>, sqlx::Error> {
        if let Some((at, categories)) = &*self.entry.read().unwrap_or_else(|e| e.into_inner()) {
            if at.elapsed() < TTL {
                return Ok(categories.clone());
            }
        }
        let categories = Arc::new(db.categories().await?);
        *self.entry.write().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), categories.clone()));
        Ok(categories)
    }

    /// After an edit on this instance: the next use reads the table again.
    pub fn invalidate(&self) {
        *self.entry.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}
