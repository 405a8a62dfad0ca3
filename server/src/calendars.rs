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

/// `08:30-17:30` → hours; anything else (or an end not after the start) is refused.
pub fn parse_hours(s: &str) -> Option<WorkingHours> {
    let (a, b) = s.split_once('-')?;
    let parse = |t: &str| chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
    let (start, end) = (parse(a)?, parse(b)?);
    (start < end).then_some(WorkingHours { start, end })
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
            .and_then(parse_hours)
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

#[cfg(test)]
mod tests {
    use super::parse_hours;

    #[test]
    fn working_hours_parse_and_must_be_ordered() {
        let h = parse_hours("08:30-17:30").unwrap();
        assert_eq!(h.start.to_string(), "08:30:00");
        assert_eq!(h.end.to_string(), "17:30:00");
        assert!(parse_hours("18:00-08:00").is_none());
        assert!(parse_hours("8-17").is_none());
        assert!(parse_hours("").is_none());
    }
}
