//! What each community's deadlines run on: the shipped national notices plus the notices and
//! exceptions admins stored, and the community's working hours. Cached for a minute so every
//! instance picks up an admin's change within that time without reading the tables for every
//! case.

use crate::db::calendar::{community_scope, NATIONAL};
use crate::db::Db;
use anju_domain::calendar::WorkingCalendar;
use anju_domain::deadline::{ClockContext, WorkingHours};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

const TTL: Duration = Duration::from_secs(60);

/// A community's working calendar and working hours.
#[derive(Clone, Debug, Default)]
pub struct CommunityClock {
    pub calendar: WorkingCalendar,
    pub hours: WorkingHours,
}

impl CommunityClock {
    /// The shipped national calendar with default hours (08:00–18:00).
    pub fn national() -> Self {
        Self {
            calendar: WorkingCalendar::china(),
            hours: WorkingHours::default(),
        }
    }

    pub fn ctx(&self) -> ClockContext<'_> {
        ClockContext {
            calendar: &self.calendar,
            hours: self.hours,
        }
    }
}

#[derive(Default)]
pub struct CalendarCache {
    entries: RwLock<HashMap<i64, (Instant, Arc<CommunityClock>)>>,
}

impl CalendarCache {
    pub async fn for_community(
        &self,
        db: &Db,
        community_id: i64,
    ) -> Result<Arc<CommunityClock>, sqlx::Error> {
        if let Some((at, clock)) = self.entries.read().await.get(&community_id) {
            if at.elapsed() < TTL {
                return Ok(clock.clone());
            }
        }
        let mut calendar = WorkingCalendar::china();
        for scope in [NATIONAL.to_owned(), community_scope(community_id)] {
            let days: Vec<_> = db
                .calendar_days(&scope)
                .await?
                .into_iter()
                .map(|(d, k, _)| (d, k))
                .collect();
            calendar.apply(&days);
        }
        let hours = db
            .community_working_hours(community_id)
            .await?
            .as_deref()
            .and_then(WorkingHours::parse)
            .unwrap_or_default();
        let clock = Arc::new(CommunityClock { calendar, hours });
        self.entries
            .write()
            .await
            .insert(community_id, (Instant::now(), clock.clone()));
        Ok(clock)
    }

    /// Forget everything, after an admin changed a calendar or hours on this instance.
    pub async fn invalidate(&self) {
        self.entries.write().await.clear();
    }
}
