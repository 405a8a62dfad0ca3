//! Reading cases, categories and the queues.

use super::*;
use crate::db::decode::decode_err;
use crate::db::json_page;
use crate::db::scope::Scope;
use crate::db::{with_db, with_tx, Db, Tx};
use anju_domain::category::{CaseKind, Category};
use sqlx::Row;

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
                sqlx::query(&case_by_id())
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
        categories: &[&str],
        status: Option<&str>,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<CaseRow>, sqlx::Error> {
        // Any of the categories (none named: all), each its own bound parameter.
        let in_categories = if categories.is_empty() {
            "TRUE".to_owned()
        } else {
            format!(
                "category_code IN ({})",
                crate::db::in_list(5, categories.len())
            )
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM cases
             WHERE {in_categories}
               AND ($1 IS NULL OR (CASE WHEN state IN ('resolved', 'closed') THEN 'closed' ELSE 'open' END) = $1)
               AND created_at >= $2 AND created_at < $3
             ORDER BY id DESC LIMIT $4"
        );
        with_db!(
            self,
            read | pool | {
                let mut query = sqlx::query(&sql)
                    .bind(status)
                    .bind(from)
                    .bind(to)
                    .bind(limit);
                for c in categories {
                    query = query.bind(*c);
                }
                query.fetch_all(pool).await?.iter().map(from_row).collect()
            }
        )
    }

    /// A resident's own cases, newest first, after `before_id`.
    pub async fn cases_of_resident(
        &self,
        account_id: i64,
        before_id: i64,
        limit: i64,
    ) -> Result<Vec<CaseListRow>, sqlx::Error> {
        let sql = json_page::page_sql(
            self,
            LIST_FIELDS,
            &format!(
                "{LIST_SELECT} WHERE c.resident_account_id = $1 AND c.id < $2 ORDER BY c.id DESC LIMIT $3"
            ),
            "t.id DESC",
        );
        let page: String = with_db!(
            self,
            read | pool | {
                sqlx::query_scalar(&sql)
                    .bind(account_id)
                    .bind(before_id)
                    .bind(limit)
                    .fetch_one(pool)
                    .await
            }
        )?;
        json_page::rows(&page)
    }

    /// Staff queue: open cases in the subtree by time left (paused ones, without a running
    /// clock, last), after the key `(due, id)`. For a community, street or county the filter
    /// is its level column, so the page is a seek on that level's index of open cases.
    pub async fn case_queue(
        &self,
        scope: &Scope,
        after: (i64, i64),
        due_before: i64,
        limit: i64,
    ) -> Result<Vec<CaseListRow>, sqlx::Error> {
        let filter = match scope.level_column() {
            Some((column, _)) => format!("c.{column} = $1"),
            None => "c.scope_path LIKE $1 || '%'".to_owned(),
        };
        // The state test is written as in the partial indexes' WHERE, so they apply.
        let sql = json_page::page_sql(
            self,
            LIST_FIELDS,
            &format!(
                "{LIST_SELECT}
                 WHERE {filter} AND c.state NOT IN ('resolved', 'closed') AND c.next_due_at <= $2
                   AND (c.next_due_at, c.id) > ($3, $4)
                 ORDER BY c.next_due_at, c.id LIMIT $5"
            ),
            "t.next_due_at, t.id",
        );
        let page: String = with_db!(
            self,
            read | pool | {
                let query = sqlx::query_scalar(&sql);
                let query = match scope.level_column() {
                    Some((_, id)) => query.bind(id),
                    None => query.bind(scope.prefix()),
                };
                query
                    .bind(due_before)
                    .bind(after.0)
                    .bind(after.1)
                    .bind(limit)
                    .fetch_one(pool)
                    .await
            }
        )?;
        json_page::rows(&page)
    }
}

fn case_by_id() -> String {
    format!("SELECT {COLUMNS} FROM cases WHERE id = $1")
}

impl Tx {
    /// The case as this change has left it so far.
    pub async fn case(&mut self, id: i64) -> Result<Option<CaseRow>, sqlx::Error> {
        with_tx!(self, |conn| sqlx::query(&case_by_id())
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| from_row(&r))
            .transpose())
    }
}
