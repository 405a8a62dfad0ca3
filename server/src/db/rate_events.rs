//! Events the limits count — sign-in failures per account, per account and source, per
//! source; SMS codes sent per number and per source; uploads per account — by bucket and
//! subject over a sliding window. In the database, so every instance sees the same counts.

use super::{with_db, Db};
use sqlx::Row;

/// What is counted. The text is stored; keep it stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    SignInFailureAccount,
    SignInFailurePair,
    SignInFailureIp,
    SmsToNumber,
    /// Per number *and* purpose: the pause before the same code is asked for again.
    SmsResend,
    SmsFromIp,
    Registration,
    Upload,
    /// Wrong passwords when confirming who signs a plan (per account).
    PlanSigningFailure,
}

impl Bucket {
    fn as_str(self) -> &'static str {
        match self {
            Bucket::SignInFailureAccount => "sign_in_failure:account",
            Bucket::SignInFailurePair => "sign_in_failure:pair",
            Bucket::SignInFailureIp => "sign_in_failure:ip",
            Bucket::SmsToNumber => "sms:number",
            Bucket::SmsResend => "sms:resend",
            Bucket::SmsFromIp => "sms:ip",
            Bucket::Registration => "registration:ip",
            Bucket::Upload => "upload:account",
            Bucket::PlanSigningFailure => "plan_signing_failure:account",
        }
    }
}

/// Events in a window: how many, and the first and last time among them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub count: i64,
    pub first: Option<i64>,
    pub last: Option<i64>,
}

impl Db {
    pub async fn rate_window(
        &self,
        bucket: Bucket,
        subject: &str,
        since: i64,
    ) -> Result<Window, sqlx::Error> {
        // The writer on SQLite: a count must see the event just recorded.
        with_db!(
            self,
            write | pool | {
                let row = sqlx::query(
                    "SELECT COUNT(*) AS n, MIN(at) AS first, MAX(at) AS last FROM rate_events
                     WHERE bucket = $1 AND subject = $2 AND at >= $3",
                )
                .bind(bucket.as_str())
                .bind(subject)
                .bind(since)
                .fetch_one(pool)
                .await?;
                Ok(Window {
                    count: row.try_get("n")?,
                    first: row.try_get("first")?,
                    last: row.try_get("last")?,
                })
            }
        )
    }

    pub async fn record_rate_event(
        &self,
        bucket: Bucket,
        subject: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query("INSERT INTO rate_events (bucket, subject, at) VALUES ($1, $2, $3)")
                    .bind(bucket.as_str())
                    .bind(subject)
                    .bind(now)
                    .execute(pool)
                    .await
                    .map(|_| ())
            }
        )
    }

    pub async fn clear_rate_events(
        &self,
        bucket: Bucket,
        subject: &str,
    ) -> Result<(), sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query("DELETE FROM rate_events WHERE bucket = $1 AND subject = $2")
                    .bind(bucket.as_str())
                    .bind(subject)
                    .execute(pool)
                    .await
                    .map(|_| ())
            }
        )
    }

    /// Forget events older than every window; nothing reads them any more.
    pub async fn purge_rate_events(&self, before: i64) -> Result<u64, sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query("DELETE FROM rate_events WHERE at < $1")
                    .bind(before)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected())
            }
        )
    }
}
