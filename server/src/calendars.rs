//! The working calendar each community's deadlines use: the shipped national notices, plus
//! notices and exceptions admins stored. Cached for a minute so every instance picks up an
//! admin's change within that time without reading the table for every case.

use crate::db::calendar::{community_scope, NATIONAL};
use crate::db::Db;
use anju_domain::calendar::WorkingCalendar;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

const TTL: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct CalendarCache {
    entries: RwLock<HashMap<i64, (Instant, Arc<WorkingCalendar>)>>,
}

impl CalendarCache {
    pub async fn for_community(
        &self,
        db: &Db,
        community_id: i64,
    ) -> Result<Arc<WorkingCalendar>, sqlx::Error> {
        if let Some((at, cal)) = self.entries.read().await.get(&community_id) {
            if at.elapsed() < TTL {
                return Ok(cal.clone());
            }
        }
        let mut cal = WorkingCalendar::china();
        for scope in [NATIONAL.to_owned(), community_scope(community_id)] {
            let days: Vec<_> = db
                .calendar_days(&scope)
                .await?
                .into_iter()
                .map(|(d, k, _)| (d, k))
                .collect();
            cal.apply(&days);
        }
        let cal = Arc::new(cal);
        self.entries
            .write()
            .await
            .insert(community_id, (Instant::now(), cal.clone()));
        Ok(cal)
    }

    /// Forget everything, after an admin changed the calendar on this instance.
    pub async fn invalidate(&self) {
        self.entries.write().await.clear();
    }
}
