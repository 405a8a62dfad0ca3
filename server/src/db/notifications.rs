//! The in-app notification centre: per-account messages with a read mark.

use super::{with_db, with_tx, Db, Tx};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct NotificationRow {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub case_id: Option<i64>,
    pub application_id: Option<i64>,
    pub message: String,
    pub message_en: String,
    pub read: bool,
}

impl Db {
    /// Newest first, before `before_id`.
    pub async fn notifications(
        &self,
        account_id: i64,
        before_id: i64,
        limit: i64,
    ) -> Result<Vec<NotificationRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(
                    "SELECT id, at, kind, case_id, application_id, message, message_en, read_at FROM notifications
                 WHERE account_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                )
                .bind(account_id)
                .bind(before_id)
                .bind(limit)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(NotificationRow {
                        id: r.try_get("id")?,
                        at: r.try_get("at")?,
                        kind: r.try_get("kind")?,
                        case_id: r.try_get("case_id")?,
                        application_id: r.try_get("application_id")?,
                        message: r.try_get("message")?,
                        message_en: r.try_get("message_en")?,
                        read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
                    })
                })
                .collect()
                }
        )
    }

    pub async fn unread_notifications(&self, account_id: i64) -> Result<i64, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE account_id = $1 AND read_at IS NULL")
                .bind(account_id)
                .fetch_one(pool)
                .await?
                .try_get("n")
                }
        )
    }

    /// Mark one (or, with `None`, all) of the account's notifications read.
    pub async fn mark_notifications_read(
        &self,
        account_id: i64,
        id: Option<i64>,
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query(
                    "UPDATE notifications SET read_at = $1
                 WHERE account_id = $2 AND read_at IS NULL AND ($3 IS NULL OR id = $3)",
                )
                .bind(now)
                .bind(account_id)
                .bind(id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
            }
        )
    }

    /// Open cases past their deadline whose supervisors have not been told of this deadline.
    pub async fn cases_breached(&self, now: i64) -> Result<Vec<i64>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query_scalar(
                    "SELECT id FROM cases WHERE next_due_at <= $1 AND state NOT IN ('resolved', 'closed')
                     AND (breach_notified_for_due IS NULL OR breach_notified_for_due <> next_due_at) ORDER BY id",
                )
                .bind(now)
                .fetch_all(pool)
                .await
                }
        )
    }

    /// Open cases whose warning may be due by `now` (`warn_at`, an index of open cases).
    pub async fn cases_to_warn(&self, now: i64) -> Result<Vec<i64>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query_scalar(
                    "SELECT id FROM cases WHERE warn_at <= $1 AND state NOT IN ('resolved', 'closed') ORDER BY warn_at, id",
                )
                .bind(now)
                .fetch_all(pool)
                .await
                }
        )
    }

    pub async fn first_account_with_role(&self, role: &str) -> Result<Option<i64>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query("SELECT id FROM accounts WHERE role = $1 ORDER BY id LIMIT 1")
                    .bind(role)
                    .fetch_optional(pool)
                    .await?
                    .map(|r| r.try_get("id"))
                    .transpose()
            }
        )
    }

    /// Staff accounts with `role` whose jurisdiction contains `scope_path`.
    pub async fn staff_over(&self, scope_path: &str, role: &str) -> Result<Vec<i64>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query("SELECT id FROM accounts WHERE role = $1 AND $2 LIKE scope_path || '%' ORDER BY id")
                .bind(role)
                .bind(scope_path)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| r.try_get("id"))
                .collect()
                }
        )
    }
}

/// The account's chosen channels beyond the portal, one outbox row each. `notify_sms` NULL
/// means the role's default: on for residents and families, off for staff.
const OUTBOX_QUEUE: &str = "INSERT INTO outbox (notification_id, channel, next_attempt_at)
     SELECT $1, 'sms', $2 FROM accounts
      WHERE id = $3 AND COALESCE(notify_sms, role IN ('resident', 'guardian')) = TRUE
     UNION ALL
     SELECT $1, 'email', $2 FROM accounts
      WHERE id = $3 AND notify_email = TRUE AND email IS NOT NULL";

impl Tx {
    pub async fn notify(
        &mut self,
        account_id: i64,
        now: i64,
        kind: &str,
        case_id: Option<i64>,
        message: &str,
        message_en: &str,
    ) -> Result<(), sqlx::Error> {
        self.insert_notification(account_id, now, kind, (case_id, None), message, message_en)
            .await
    }

    /// A notice about a retrofit application, linking to it.
    pub async fn notify_about_application(
        &mut self,
        account_id: i64,
        now: i64,
        application_id: i64,
        message: &str,
        message_en: &str,
    ) -> Result<(), sqlx::Error> {
        self.insert_notification(
            account_id,
            now,
            "retrofit_update",
            (None, Some(application_id)),
            message,
            message_en,
        )
        .await
    }

    /// `about`: the case or the retrofit application the notice links to.
    async fn insert_notification(
        &mut self,
        account_id: i64,
        now: i64,
        kind: &str,
        about: (Option<i64>, Option<i64>),
        message: &str,
        message_en: &str,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO notifications (account_id, at, kind, case_id, application_id, message, message_en)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(account_id)
            .bind(now)
            .bind(kind)
            .bind(about.0)
            .bind(about.1)
            .bind(message)
            .bind(message_en)
            .fetch_one(&mut *conn)
            .await?;
            // Queued with the notification, in its transaction: the message goes out exactly
            // when the action commits, and a channel that fails later cannot undo the action.
            sqlx::query(OUTBOX_QUEUE)
                .bind(id)
                .bind(now)
                .bind(account_id)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        })
    }
}

impl Tx {
    /// Not yet: wake the watch for each case's warning at its time (`None`: no warning for
    /// this deadline), unless the deadline moved meanwhile. One transaction for a scan's worth.
    pub async fn defer_warnings(
        &mut self,
        deferred: &[(i64, i64, Option<i64>)],
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            for (case_id, due, at) in deferred {
                sqlx::query("UPDATE cases SET warn_at = $1 WHERE id = $2 AND next_due_at = $3")
                    .bind(at)
                    .bind(case_id)
                    .bind(due)
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(())
        })
    }

    /// Claim the right to send a warning (or breach notice) for the case's current deadline.
    /// Only one server instance wins the claim, so nobody is told twice.
    pub async fn claim_deadline_notice(
        &mut self,
        case_id: i64,
        due: i64,
        breach: bool,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            let result = if breach {
                sqlx::query(
                    "UPDATE cases SET breach_notified_for_due = $1 WHERE id = $2 AND next_due_at = $1
                     AND (breach_notified_for_due IS NULL OR breach_notified_for_due <> $1)",
                )
                .bind(due)
                .bind(case_id)
                .execute(&mut *conn)
                .await?
            } else {
                sqlx::query(
                    "UPDATE cases SET warned_for_due = $1, warn_at = NULL WHERE id = $2 AND next_due_at = $1
                     AND (warned_for_due IS NULL OR warned_for_due <> $1)",
                )
                .bind(due)
                .bind(case_id)
                .execute(&mut *conn)
                .await?
            };
            Ok(result.rows_affected() == 1)
        })
    }
}
