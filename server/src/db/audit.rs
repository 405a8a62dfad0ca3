//! Append-only audit log: who did what to which subject, and when.

use super::{with_db, Db};

impl Db {
    pub async fn audit(
        &self,
        now: i64,
        actor: Option<i64>,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), sqlx::Error> {
        with_db!(
            self,
            write
                | pool
                | {
                    sqlx::query(
                "INSERT INTO audit_log (at, actor_account_id, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(now)
            .bind(actor)
            .bind(action)
            .bind(subject)
            .bind(detail)
            .execute(pool)
            .await
            .map(|_| ())
                }
        )
    }
}
