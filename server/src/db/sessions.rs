//! Server-side sessions. Only a SHA-256 of the cookie token is stored, so a leaked database
//! does not hand out live sessions.

use super::accounts::AccountRow;
use super::{with_db, with_tx, Db, Tx};
use sqlx::Row;

#[derive(Debug, Clone, Copy)]
pub struct SessionRow {
    pub account_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// A live session with its account, read together on every signed-in request.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignedIn {
    pub session_created_at: i64,
    pub session_last_seen_at: i64,
    #[sqlx(flatten)]
    pub account: AccountRow,
}

static SIGNED_IN: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let account: Vec<String> = super::accounts::COLUMNS
        .split(", ")
        .map(|c| format!("a.{c}"))
        .collect();
    format!(
        "SELECT s.created_at AS session_created_at, s.last_seen_at AS session_last_seen_at, {}
         FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1",
        account.join(", ")
    )
});

impl Db {
    /// The session and its account in one query (every signed-in request asks).
    pub async fn signed_in(&self, token_hash: &str) -> Result<Option<SignedIn>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as(&SIGNED_IN)
                    .bind(token_hash)
                    .fetch_optional(pool)
                    .await
            }
        )
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query("SELECT account_id, created_at, last_seen_at FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(pool)
                .await?
                .map(|r| {
                    Ok::<_, sqlx::Error>(SessionRow {
                        account_id: r.try_get("account_id")?,
                        created_at: r.try_get("created_at")?,
                        last_seen_at: r.try_get("last_seen_at")?,
                    })
                })
                .transpose()
                }
        )
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(now)
                    .bind(token_hash)
                    .execute(pool)
                    .await
                    .map(|_| ())
            }
        )
    }

    /// Drop sessions past either timeout; run at start and on each sign-in.
    pub async fn purge_expired_sessions(
        &self,
        idle_before: i64,
        created_before: i64,
    ) -> Result<u64, sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
                    .bind(idle_before)
                    .bind(created_before)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected())
            }
        )
    }
}

impl Tx {
    pub async fn create_session(
        &mut self,
        token_hash: &str,
        account_id: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
            )
            .bind(token_hash)
            .bind(account_id)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })
    }

    pub async fn delete_session(&mut self, token_hash: &str) -> Result<(), sqlx::Error> {
        self.changes_sign_in();
        with_tx!(self, |conn| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        })
    }

    /// End every session of the account except the one with `keep` (if any); returns how
    /// many ended.
    pub async fn delete_sessions_of(
        &mut self,
        account_id: i64,
        keep: Option<&str>,
    ) -> Result<u64, sqlx::Error> {
        self.changes_sign_in();
        with_tx!(self, |conn| {
            sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
                .bind(account_id)
                .bind(keep.unwrap_or(""))
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected())
        })
    }
}
