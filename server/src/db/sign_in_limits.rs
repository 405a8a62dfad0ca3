//! Failed sign-in attempts, counted per account (phone) and per client IP over a sliding
//! window. Stored in the database so that several server instances share the count.

use super::{with_db, Db};
use sqlx::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitScope {
    Account,
    Ip,
}

impl LimitScope {
    fn as_str(self) -> &'static str {
        match self {
            LimitScope::Account => "account",
            LimitScope::Ip => "ip",
        }
    }
}

impl Db {
    /// Failures since `since`: their count and the earliest time among them.
    pub async fn sign_in_failures(
        &self,
        scope: LimitScope,
        subject: &str,
        since: i64,
    ) -> Result<(i64, Option<i64>), sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                let row = sqlx::query(
                    "SELECT COUNT(*) AS n, MIN(failed_at) AS first FROM sign_in_failures
                 WHERE scope = $1 AND subject = $2 AND failed_at >= $3",
                )
                .bind(scope.as_str())
                .bind(subject)
                .bind(since)
                .fetch_one(pool)
                .await?;
                Ok((
                    row.try_get::<i64, _>("n")?,
                    row.try_get::<Option<i64>, _>("first")?,
                ))
            }
        )
    }

    pub async fn record_sign_in_failure(
        &self,
        scope: LimitScope,
        subject: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query(
                    "INSERT INTO sign_in_failures (scope, subject, failed_at) VALUES ($1, $2, $3)",
                )
                .bind(scope.as_str())
                .bind(subject)
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ())
            }
        )
    }

    pub async fn clear_sign_in_failures(
        &self,
        scope: LimitScope,
        subject: &str,
    ) -> Result<(), sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query("DELETE FROM sign_in_failures WHERE scope = $1 AND subject = $2")
                    .bind(scope.as_str())
                    .bind(subject)
                    .execute(pool)
                    .await
                    .map(|_| ())
            }
        )
    }

    /// Forget failures older than the window; nothing reads them any more.
    pub async fn purge_sign_in_failures(&self, before: i64) -> Result<u64, sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query("DELETE FROM sign_in_failures WHERE failed_at < $1")
                    .bind(before)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected())
            }
        )
    }
}
