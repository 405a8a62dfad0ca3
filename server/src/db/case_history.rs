//! A case's history: its events, clock pauses and met targets, and the transitions that write
//! them. Every state change is written together with its event row in one transaction.

use super::audit::Audit;
use super::{with_db, with_tx, Db, Tx};
use anju_domain::complaint::{CaseState, Rating};
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub at: i64,
    pub actor_account_id: i64,
    pub action: String,
    #[sqlx(try_from = "String")]
    pub state: CaseState,
    pub note: Option<String>,
    /// The actor's name and role, joined in so a timeline is one query however long.
    pub actor_name: Option<String>,
    #[sqlx(try_from = "Option<String>")]
    pub actor_role: ActorRole,
}

/// An event actor's role as stored (None when the account is gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorRole(pub Option<anju_domain::Role>);

impl TryFrom<Option<String>> for ActorRole {
    type Error = String;
    fn try_from(role: Option<String>) -> Result<Self, String> {
        role.map(anju_domain::Role::try_from)
            .transpose()
            .map(ActorRole)
            .map_err(|e| e.to_string())
    }
}

/// A state change to record: the new state, the event, and the clock bookkeeping.
pub struct Transition<'a> {
    pub case_id: i64,
    pub from: CaseState,
    pub to: CaseState,
    pub actor: i64,
    pub action: &'a str,
    pub note: Option<&'a str>,
    pub now: i64,
    pub assignee: Option<i64>,
    pub acknowledge: bool,
    pub open_pause: bool,
    pub close_pause: bool,
    pub targets_met: &'a [&'a str],
    pub targets_unmet: &'a [&'a str],
    pub rating: Option<Rating>,
    /// Mark (or unmark) the case as major (重大), which puts it in every call-back sample.
    pub major: Option<bool>,
    /// The case's place in the tree, for its audit entry.
    pub scope_path: &'a str,
}

impl Db {
    pub async fn case_events(&self, case_id: i64) -> Result<Vec<EventRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as(
                    "SELECT e.at, e.actor_account_id, e.action, e.state, e.note,
                                a.display_name AS actor_name, a.role AS actor_role
                         FROM case_events e LEFT JOIN accounts a ON a.id = e.actor_account_id
                         WHERE e.case_id = $1 ORDER BY e.id",
                )
                .bind(case_id)
                .fetch_all(pool)
                .await
            }
        )
    }

    /// Pauses as `(from, until)`; `until` is `None` while still paused.
    pub async fn case_pauses(&self, case_id: i64) -> Result<Vec<(i64, Option<i64>)>, sqlx::Error> {
        with_db!(self, read | pool | pauses(pool, case_id).await)
    }

    pub async fn case_targets_met(&self, case_id: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
        with_db!(self, read | pool | targets_met(pool, case_id).await)
    }
}

/// The clock history of every case a community filed in `[from, to)`, for the monthly report:
/// two queries for the whole month instead of two per case.
#[derive(Default)]
pub struct FiledCaseHistory {
    pub pauses: HashMap<i64, Vec<(i64, Option<i64>)>>,
    pub met: HashMap<i64, Vec<(String, i64)>>,
}

impl Db {
    pub async fn history_of_cases_filed_in(
        &self,
        community_id: i64,
        from: i64,
        to: i64,
    ) -> Result<FiledCaseHistory, sqlx::Error> {
        const FILED: &str =
            "SELECT id FROM cases WHERE community_id = $1 AND created_at >= $2 AND created_at < $3";
        let mut history = FiledCaseHistory::default();
        let pauses: Vec<(i64, i64, Option<i64>)> = with_db!(
            self,
            read | pool | {
                sqlx::query_as(&format!(
                    "SELECT case_id, from_at, until_at FROM case_pauses
                     WHERE case_id IN ({FILED}) ORDER BY case_id, id"
                ))
                .bind(community_id)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?
            }
        );
        for (case_id, from_at, until_at) in pauses {
            history
                .pauses
                .entry(case_id)
                .or_default()
                .push((from_at, until_at));
        }
        let met: Vec<(i64, String, i64)> = with_db!(
            self,
            read | pool
                | {
                    sqlx::query_as(&format!(
                    "SELECT case_id, target, met_at FROM case_targets_met WHERE case_id IN ({FILED})"
                ))
                .bind(community_id)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?
                }
        );
        for (case_id, target, met_at) in met {
            history
                .met
                .entry(case_id)
                .or_default()
                .push((target, met_at));
        }
        Ok(history)
    }
}

/// The same reads inside a change, so what is derived from the history (the next due time)
/// sees the transition just written.
impl Tx {
    pub async fn case_pauses(
        &mut self,
        case_id: i64,
    ) -> Result<Vec<(i64, Option<i64>)>, sqlx::Error> {
        with_tx!(self, |conn| pauses(&mut *conn, case_id).await)
    }

    pub async fn case_targets_met(
        &mut self,
        case_id: i64,
    ) -> Result<Vec<(String, i64)>, sqlx::Error> {
        with_tx!(self, |conn| targets_met(&mut *conn, case_id).await)
    }
}

async fn pauses<'e, DB, E>(on: E, case_id: i64) -> Result<Vec<(i64, Option<i64>)>, sqlx::Error>
where
    DB: sqlx::Database,
    E: sqlx::Executor<'e, Database = DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB> + for<'r> sqlx::Decode<'r, DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
    for<'a> &'a str: sqlx::ColumnIndex<DB::Row>,
{
    sqlx::query("SELECT from_at, until_at FROM case_pauses WHERE case_id = $1 ORDER BY id")
        .bind(case_id)
        .fetch_all(on)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("from_at")?, r.try_get("until_at")?)))
        .collect()
}

async fn targets_met<'e, DB, E>(on: E, case_id: i64) -> Result<Vec<(String, i64)>, sqlx::Error>
where
    DB: sqlx::Database,
    E: sqlx::Executor<'e, Database = DB>,
    i64: sqlx::Type<DB> + for<'q> sqlx::Encode<'q, DB> + for<'r> sqlx::Decode<'r, DB>,
    String: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'a> &'a str: sqlx::ColumnIndex<DB::Row>,
{
    sqlx::query("SELECT target, met_at FROM case_targets_met WHERE case_id = $1")
        .bind(case_id)
        .fetch_all(on)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("target")?, r.try_get("met_at")?)))
        .collect()
}

impl Tx {
    /// Apply a transition if the case is still in `from` (so two staff acting at once cannot
    /// both move it), with its event and its audit entry. Returns false when someone else
    /// changed it first (nothing is written then).
    pub async fn apply_transition(&mut self, t: &Transition<'_>) -> Result<bool, sqlx::Error> {
        let applied = with_tx!(self, |conn| {
            async {
                let updated = sqlx::query(
                    "UPDATE cases SET state = $1,
                        assignee_account_id = COALESCE($2, assignee_account_id),
                        acknowledged_at = CASE WHEN $3 AND acknowledged_at IS NULL THEN $4 ELSE acknowledged_at END,
                        handled_at = CASE WHEN $1 = 'resolved' THEN $4
                                          WHEN $6 = 'resolved' AND $1 <> 'closed' THEN NULL
                                          ELSE handled_at END,
                        major = COALESCE($7, major)
                     WHERE id = $5 AND state = $6",
                )
                .bind(t.to.as_str())
                .bind(t.assignee)
                .bind(t.acknowledge)
                .bind(t.now)
                .bind(t.case_id)
                .bind(t.from.as_str())
                .bind(t.major)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if updated == 0 {
                    return Ok(false);
                }
                if t.close_pause {
                    sqlx::query("UPDATE case_pauses SET until_at = $1 WHERE case_id = $2 AND until_at IS NULL")
                        .bind(t.now)
                        .bind(t.case_id)
                        .execute(&mut *conn)
                        .await?;
                }
                if t.open_pause {
                    sqlx::query("INSERT INTO case_pauses (case_id, from_at, until_at) VALUES ($1, $2, NULL)")
                        .bind(t.case_id)
                        .bind(t.now)
                        .execute(&mut *conn)
                        .await?;
                }
                for target in t.targets_met {
                    sqlx::query(
                        "INSERT INTO case_targets_met (case_id, target, met_at) VALUES ($1, $2, $3)
                         ON CONFLICT (case_id, target) DO NOTHING",
                    )
                    .bind(t.case_id)
                    .bind(*target)
                    .bind(t.now)
                    .execute(&mut *conn)
                    .await?;
                }
                for target in t.targets_unmet {
                    sqlx::query("DELETE FROM case_targets_met WHERE case_id = $1 AND target = $2")
                        .bind(t.case_id)
                        .bind(*target)
                        .execute(&mut *conn)
                        .await?;
                }
                if let Some(r) = t.rating {
                    sqlx::query(
                        "UPDATE cases SET rating_speed = $1, rating_result = $2, rating_attitude = $3 WHERE id = $4",
                    )
                    .bind(i64::from(r.speed))
                    .bind(i64::from(r.result))
                    .bind(i64::from(r.attitude))
                    .bind(t.case_id)
                    .execute(&mut *conn)
                    .await?;
                }
                sqlx::query(
                    "INSERT INTO case_events (case_id, at, actor_account_id, action, state, note)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(t.case_id)
                .bind(t.now)
                .bind(t.actor)
                .bind(t.action)
                .bind(t.to.as_str())
                .bind(t.note)
                .execute(&mut *conn)
                .await?;
                Ok::<_, sqlx::Error>(true)
            }
            .await
        })?;
        if applied {
            // Every transition is on the record, in the transaction that makes it.
            let subject = format!("case:{}", t.case_id);
            let action = format!("case.{}", t.action);
            self.audit(
                &Audit::new(t.now, Some(t.actor), &action, &subject, t.scope_path)
                    .detail(t.to.as_str()),
            )
            .await?;
        }
        Ok(applied)
    }

    pub async fn set_next_due(
        &mut self,
        case_id: i64,
        next_due_at: i64,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            // A new deadline wakes the deadline watch a day before it (see `warn_at`).
            sqlx::query(
                "UPDATE cases SET next_due_at = $1,
                    warn_at = CASE WHEN $1 = 9223372036854775807 THEN NULL ELSE $1 - 86400 END
                 WHERE id = $2",
            )
            .bind(next_due_at)
            .bind(case_id)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })
    }
}
