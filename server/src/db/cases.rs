//! Complaint and inquiry cases, their events, pauses and met targets. Every state change is
//! written together with its event row in one transaction.

use super::audit::Audit;
use super::decode::decode_err;
use super::{is_unique_violation, with_db, with_tx, Db, Tx};
use crate::access::Scope;
use anju_domain::category::{CaseKind, Category};
use anju_domain::complaint::{CaseState, Channel, Rating};
use anju_domain::deadline::Target;
use sqlx::Row;

/// `next_due_at` when no deadline is running, so the queue can sort by it without NULLs.
pub const NO_DUE: i64 = i64::MAX;

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: i64,
    pub major: bool,
    pub handled_at: Option<i64>,
    pub reference: String,
    pub kind: CaseKind,
    pub category_code: String,
    pub targets: Vec<Target>,
    pub resident_account_id: i64,
    pub channel: Channel,
    pub community_id: i64,
    pub scope_path: String,
    pub description: String,
    pub public_place: Option<String>,
    pub contact_time: Option<String>,
    pub state: CaseState,
    pub assignee_account_id: Option<i64>,
    pub created_at: i64,
    pub acknowledged_at: Option<i64>,
    pub next_due_at: i64,
    pub rating: Option<Rating>,
}

pub struct NewCase<'a> {
    pub kind: CaseKind,
    pub category: &'a Category,
    pub resident_account_id: i64,
    pub filed_by_account_id: i64,
    pub client_key: &'a str,
    pub channel: Channel,
    pub community_id: i64,
    pub scope_path: &'a str,
    pub description: &'a str,
    pub public_place: Option<&'a str>,
    pub contact_time: Option<&'a str>,
    pub now: i64,
    pub next_due_at: i64,
}

const COLUMNS: &str = "id, major, handled_at, reference, kind, category_code, targets, resident_account_id, channel, community_id, scope_path, description, public_place, contact_time, state, assignee_account_id, created_at, acknowledged_at, next_due_at, rating_speed, rating_result, rating_attitude";

fn from_row<R: Row>(row: &R) -> Result<CaseRow, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let kind: String = row.try_get("kind")?;
    let state: String = row.try_get("state")?;
    let channel: String = row.try_get("channel")?;
    let targets: String = row.try_get("targets")?;
    let rating = match (
        row.try_get::<Option<i64>, _>("rating_speed")?,
        row.try_get::<Option<i64>, _>("rating_result")?,
        row.try_get::<Option<i64>, _>("rating_attitude")?,
    ) {
        (Some(s), Some(r), Some(a)) => Some(Rating {
            speed: s as u8,
            result: r as u8,
            attitude: a as u8,
        }),
        _ => None,
    };
    Ok(CaseRow {
        id: row.try_get("id")?,
        major: row.try_get("major")?,
        handled_at: row.try_get("handled_at")?,
        reference: row.try_get("reference")?,
        kind: match kind.as_str() {
            "inquiry" => CaseKind::Inquiry,
            _ => CaseKind::Complaint,
        },
        category_code: row.try_get("category_code")?,
        targets: serde_json::from_str(&targets)
            .map_err(|e| decode_err("targets", e.to_string()))?,
        resident_account_id: row.try_get("resident_account_id")?,
        channel: Channel::parse(&channel).ok_or_else(|| decode_err("channel", channel.clone()))?,
        community_id: row.try_get("community_id")?,
        scope_path: row.try_get("scope_path")?,
        description: row.try_get("description")?,
        public_place: row.try_get("public_place")?,
        contact_time: row.try_get("contact_time")?,
        state: CaseState::parse(&state).ok_or_else(|| decode_err("state", state.clone()))?,
        assignee_account_id: row.try_get("assignee_account_id")?,
        created_at: row.try_get("created_at")?,
        acknowledged_at: row.try_get("acknowledged_at")?,
        next_due_at: row.try_get("next_due_at")?,
        rating,
    })
}

fn kind_str(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Complaint => "complaint",
        CaseKind::Inquiry => "inquiry",
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateCaseError {
    /// The same filer already submitted this client key: here is that case.
    #[error("duplicate submission")]
    Duplicate(i64),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Db {
    pub async fn categories(&self) -> Result<Vec<Category>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT code, kind, name, name_en, targets FROM categories ORDER BY kind, code",
                )
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    let kind: String = r.try_get("kind")?;
                    let targets: String = r.try_get("targets")?;
                    Ok(Category {
                        code: r.try_get("code")?,
                        kind: if kind == "inquiry" {
                            CaseKind::Inquiry
                        } else {
                            CaseKind::Complaint
                        },
                        name: r.try_get("name")?,
                        name_en: r.try_get("name_en")?,
                        targets: serde_json::from_str(&targets)
                            .map_err(|e| decode_err("targets", e.to_string()))?,
                    })
                })
                .collect()
            }
        )
    }

    /// Insert the default categories that are missing; admins' edits are kept.
    pub async fn seed_categories(
        &self,
        defaults: &[Category],
        now: i64,
    ) -> Result<(), sqlx::Error> {
        for c in defaults {
            let targets = serde_json::to_string(&c.targets)
                .map_err(|e| decode_err("targets", e.to_string()))?;
            with_db!(
                self,
                write | pool | {
                    sqlx::query(
                        "INSERT INTO categories (code, kind, name, name_en, targets, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING",
                    )
                    .bind(&c.code)
                    .bind(kind_str(c.kind))
                    .bind(&c.name)
                    .bind(&c.name_en)
                    .bind(&targets)
                    .bind(now)
                    .execute(pool)
                    .await
                    .map(|_| ())?
                }
            );
        }
        Ok(())
    }

    pub async fn case(&self, id: i64) -> Result<Option<CaseRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(&format!("SELECT {COLUMNS} FROM cases WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?
                    .map(|r| from_row(&r))
                    .transpose()
            }
        )
    }

    /// Cases of a community created in `[from, to)`, for monthly reports.
    pub async fn cases_created_in(
        &self,
        community_id: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<CaseRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!(
                "SELECT {COLUMNS} FROM cases WHERE community_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY id"
            ))
            .bind(community_id)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
            .iter()
            .map(from_row)
            .collect()
                }
        )
    }

    /// Complaints of a community handled (resolved) in `[from, to)`: the call-back population.
    pub async fn complaints_handled_in(
        &self,
        community_id: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<CaseRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!(
                "SELECT {COLUMNS} FROM cases WHERE community_id = $1 AND kind = 'complaint'
                 AND state IN ('resolved', 'closed') AND handled_at >= $2 AND handled_at < $3 ORDER BY id"
            ))
            .bind(community_id)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
            .iter()
            .map(from_row)
            .collect()
                }
        )
    }

    /// Newest cases for the public Open311 feed, filtered by category, open/closed and dates.
    pub async fn cases_public(
        &self,
        category: Option<&str>,
        status: Option<&str>,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<CaseRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!(
                "SELECT {COLUMNS} FROM cases
                 WHERE ($1 IS NULL OR category_code = $1)
                   AND ($2 IS NULL OR (CASE WHEN state IN ('resolved', 'closed') THEN 'closed' ELSE 'open' END) = $2)
                   AND created_at >= $3 AND created_at < $4
                 ORDER BY id DESC LIMIT $5"
            ))
            .bind(category)
            .bind(status)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(pool)
            .await?
            .iter()
            .map(from_row)
            .collect()
                }
        )
    }

    /// A resident's own cases, newest first, after `before_id`.
    pub async fn cases_of_resident(
        &self,
        account_id: i64,
        before_id: i64,
        limit: i64,
    ) -> Result<Vec<CaseRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!(
                "SELECT {COLUMNS} FROM cases WHERE resident_account_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
            ))
            .bind(account_id)
            .bind(before_id)
            .bind(limit)
            .fetch_all(pool)
            .await?
            .iter()
            .map(from_row)
            .collect()
                }
        )
    }

    /// Staff queue: cases in the subtree still with staff (paused ones last), by time left,
    /// after the key `(due, id)`.
    pub async fn case_queue(
        &self,
        scope: &Scope,
        after: (i64, i64),
        due_before: i64,
        limit: i64,
    ) -> Result<Vec<CaseRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM cases
                 WHERE scope_path LIKE $1 || '%' AND state NOT IN ('resolved', 'closed') AND next_due_at <= $2
                   AND (next_due_at > $3 OR (next_due_at = $3 AND id > $4))
                 ORDER BY next_due_at, id LIMIT $5"
                ))
                .bind(scope.prefix())
                .bind(due_before)
                .bind(after.0)
                .bind(after.1)
                .bind(limit)
                .fetch_all(pool)
                .await?
                .iter()
                .map(from_row)
                .collect()
                }
        )
    }
}

impl Tx {
    /// Replace a category's names and targets; false if there is no such category.
    pub async fn update_category(&mut self, c: &Category, now: i64) -> Result<bool, sqlx::Error> {
        let targets =
            serde_json::to_string(&c.targets).map_err(|e| decode_err("targets", e.to_string()))?;
        with_tx!(self, |conn| {
            sqlx::query("UPDATE categories SET name = $1, name_en = $2, targets = $3, updated_at = $4 WHERE code = $5")
                .bind(&c.name)
                .bind(&c.name_en)
                .bind(&targets)
                .bind(now)
                .bind(&c.code)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected() == 1)
        })
    }

    pub async fn create_case(&mut self, new: &NewCase<'_>) -> Result<i64, CreateCaseError> {
        let targets = serde_json::to_string(&new.category.targets)
            .map_err(|e| decode_err("targets", e.to_string()))?;
        let prefix = match new.kind {
            CaseKind::Complaint => "TS",
            CaseKind::Inquiry => "ZX",
        };
        let day = chrono::DateTime::from_timestamp(new.now, 0)
            .unwrap_or_default()
            .with_timezone(&anju_domain::calendar::shanghai())
            .format("%Y%m%d")
            .to_string();
        self.savepoint().await?;
        let result: Result<i64, sqlx::Error> = with_tx!(self, |conn| {
            async {
                let id: i64 = sqlx::query(
                    "INSERT INTO cases (reference, kind, category_code, targets, resident_account_id,
                        filed_by_account_id, client_key, channel, community_id, scope_path, description,
                        public_place, contact_time, state, created_at, next_due_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'submitted', $14, $15)
                     RETURNING id",
                )
                .bind(format!("pending-{}-{}", new.filed_by_account_id, new.client_key))
                .bind(kind_str(new.kind))
                .bind(&new.category.code)
                .bind(&targets)
                .bind(new.resident_account_id)
                .bind(new.filed_by_account_id)
                .bind(new.client_key)
                .bind(new.channel.as_str())
                .bind(new.community_id)
                .bind(new.scope_path)
                .bind(new.description)
                .bind(new.public_place)
                .bind(new.contact_time)
                .bind(new.now)
                .bind(new.next_due_at)
                .fetch_one(&mut *conn)
                .await?
                .try_get("id")?;
                sqlx::query("UPDATE cases SET reference = $1 WHERE id = $2")
                    .bind(format!("{prefix}{day}-{id:06}"))
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(
                    "INSERT INTO case_events (case_id, at, actor_account_id, action, state, note)
                     VALUES ($1, $2, $3, 'submit', 'submitted', NULL)",
                )
                .bind(id)
                .bind(new.now)
                .bind(new.filed_by_account_id)
                .execute(&mut *conn)
                .await?;
                Ok(id)
            }
            .await
        });
        self.settle(&result).await?;
        match result {
            Ok(id) => {
                self.audit(&Audit::new(
                    new.now,
                    Some(new.filed_by_account_id),
                    "case.submit",
                    &format!("case:{id}"),
                    new.scope_path,
                ))
                .await?;
                Ok(id)
            }
            Err(e) if is_unique_violation(&e) => {
                let existing = with_tx!(self, |conn| {
                    sqlx::query(
                        "SELECT id FROM cases WHERE filed_by_account_id = $1 AND client_key = $2",
                    )
                    .bind(new.filed_by_account_id)
                    .bind(new.client_key)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get::<i64, _>("id")?
                });
                Err(CreateCaseError::Duplicate(existing))
            }
            Err(e) => Err(e.into()),
        }
    }
}
