//! The desk's counts: one grouped query each, written with the same filters as the lists the
//! numbers link to (the case queue, the retrofit queue, the warranty claims), so a number and
//! its list cannot drift apart.

use crate::db::scope::Scope;
use crate::db::{with_db, Db};
use sqlx::Row;

/// Open cases of one community, as the case queue counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCaseCount {
    pub community_id: Option<i64>,
    pub open: i64,
    pub due_today: i64,
    pub overdue: i64,
}

/// Applications of one county, year and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageCount {
    pub county_id: Option<i64>,
    pub year: i64,
    pub state: String,
    pub households: i64,
}

fn scope_filter(scope: &Scope, table: &str) -> String {
    match scope.level_column() {
        Some((column, _)) => format!("{table}.{column} = $1"),
        None => format!("{table}.scope_path LIKE $1 || '%'"),
    }
}

macro_rules! bind_scope {
    ($query:expr, $scope:expr) => {
        match $scope.level_column() {
            Some((_, id)) => $query.bind(id),
            None => $query.bind($scope.prefix().to_owned()),
        }
    };
}

impl Db {
    /// Per community: open cases; those whose next deadline is after `now` and before
    /// `tomorrow` (due today); those at or past it (overdue) — the queue's `due=today` and
    /// `overdue=true` filters.
    pub async fn open_case_counts(
        &self,
        scope: &Scope,
        now: i64,
        tomorrow: i64,
    ) -> Result<Vec<OpenCaseCount>, sqlx::Error> {
        let sql = format!(
            "SELECT c.community_id, COUNT(*) AS open,
                    COALESCE(SUM(CASE WHEN c.next_due_at > $2 AND c.next_due_at < $3 THEN 1 ELSE 0 END), 0) AS due_today,
                    COALESCE(SUM(CASE WHEN c.next_due_at <= $2 THEN 1 ELSE 0 END), 0) AS overdue
             FROM cases c
             WHERE {} AND c.state NOT IN ('resolved', 'closed')
             GROUP BY c.community_id",
            scope_filter(scope, "c")
        );
        with_db!(
            self,
            read | pool | {
                let query = bind_scope!(sqlx::query(&sql), scope);
                query
                    .bind(now)
                    .bind(tomorrow)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(OpenCaseCount {
                            community_id: r.try_get("community_id")?,
                            open: r.try_get("open")?,
                            due_today: r.try_get("due_today")?,
                            overdue: r.try_get("overdue")?,
                        })
                    })
                    .collect()
            }
        )
    }

    /// Applications per county, year and state (drafts left out: they wait for no office).
    pub async fn stage_counts(
        &self,
        scope: &Scope,
        community_id: Option<i64>,
    ) -> Result<Vec<StageCount>, sqlx::Error> {
        let sql = format!(
            "SELECT a.county_id, a.year, a.state, COUNT(*) AS households
             FROM retrofit_applications a
             WHERE {} AND a.state <> 'draft' AND ($2 IS NULL OR a.community_id = $2)
             GROUP BY a.county_id, a.year, a.state",
            scope_filter(scope, "a")
        );
        with_db!(
            self,
            read | pool | {
                let query = bind_scope!(sqlx::query(&sql), scope);
                query
                    .bind(community_id)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(StageCount {
                            county_id: r.try_get("county_id")?,
                            year: r.try_get("year")?,
                            state: r.try_get("state")?,
                            households: r.try_get("households")?,
                        })
                    })
                    .collect()
            }
        )
    }

    /// Warranty claims under an id path: not yet answered, and of those past their deadline.
    pub async fn claim_counts(&self, under: &str, now: i64) -> Result<(i64, i64), sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                let row = sqlx::query(
                    "SELECT COUNT(*) AS open,
                            COALESCE(SUM(CASE WHEN c.due_at < $2 THEN 1 ELSE 0 END), 0) AS overdue
                     FROM retrofit_warranty_claims c
                     JOIN retrofit_applications a ON a.id = c.application_id
                     WHERE a.scope_path LIKE $1 AND c.answered_at IS NULL",
                )
                .bind(format!("{under}%"))
                .bind(now)
                .fetch_one(pool)
                .await?;
                Ok((row.try_get("open")?, row.try_get("overdue")?))
            }
        )
    }
}
