//! One-time SMS codes: stored as a keyed hash, valid for minutes, a few tries each. Only the
//! newest code of a number and purpose counts, so sending again retires the old one.

use super::{with_db, Db};
use sqlx::Row;

/// The newest live code after one more try was counted against it.
pub struct CodeTry {
    pub id: i64,
    pub code_hash: String,
    pub attempts: i64,
}

impl Db {
    pub async fn store_sms_code(
        &self,
        phone: &str,
        purpose: &str,
        code_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query(
                    "INSERT INTO sms_codes (phone, purpose, code_hash, created_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(phone)
                .bind(purpose)
                .bind(code_hash)
                .bind(now)
                .bind(expires_at)
                .execute(pool)
                .await
                .map(|_| ())
            }
        )
    }

    /// Count a try against the newest unused, unexpired code that has tries left — in one
    /// statement, so parallel guesses cannot share a try.
    pub async fn try_sms_code(
        &self,
        phone: &str,
        purpose: &str,
        now: i64,
        max_attempts: i64,
    ) -> Result<Option<CodeTry>, sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query(
                    "UPDATE sms_codes SET attempts = attempts + 1
                     WHERE id = (SELECT MAX(id) FROM sms_codes WHERE phone = $1 AND purpose = $2)
                       AND used_at IS NULL AND expires_at > $3 AND attempts < $4
                     RETURNING id, code_hash, attempts",
                )
                .bind(phone)
                .bind(purpose)
                .bind(now)
                .bind(max_attempts)
                .fetch_optional(pool)
                .await?
                .map(|r| {
                    Ok(CodeTry {
                        id: r.try_get("id")?,
                        code_hash: r.try_get("code_hash")?,
                        attempts: r.try_get("attempts")?,
                    })
                })
                .transpose()
            }
        )
    }

    /// Spend a code; false if it was spent already (a parallel request won).
    pub async fn use_sms_code(&self, id: i64, now: i64) -> Result<bool, sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query("UPDATE sms_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                    .bind(now)
                    .bind(id)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected() == 1)
            }
        )
    }

    pub async fn purge_sms_codes(&self, before: i64) -> Result<u64, sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query("DELETE FROM sms_codes WHERE expires_at < $1")
                    .bind(before)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected())
            }
        )
    }
}
