//! The outbox of messages beyond the portal: what each person chose, the rows queued with
//! each notification (`notifications::OUTBOX_QUEUE`), and the claim a delivery worker holds
//! on the rows it is sending.

use super::{with_db, with_tx, Db, Tx};
use anju_domain::notification::MessageChannels;
use sqlx::Row;

/// A queued message claimed by one worker, with what sending it needs.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub channel: String,
    /// Failed tries before this one.
    pub attempts: i64,
    pub message: String,
    pub message_en: String,
    pub phone: String,
    pub email: Option<String>,
    /// The account's choice now (it may have changed since the row was queued).
    pub sms_chosen: bool,
    pub email_chosen: bool,
}

#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub channel: String,
    pub state: String,
    pub at: i64,
    pub message: String,
    pub message_en: String,
}

/// How one try ended.
#[derive(Debug, Clone)]
pub enum DeliveryOutcome {
    Sent,
    /// Try again at `retry_at`, or give up (`None`).
    Failed {
        error: String,
        retry_at: Option<i64>,
    },
    /// Not sent and never will be: the channel was switched off, or has nowhere to go.
    Dropped {
        reason: String,
    },
}

const CHOSEN: &str =
    "COALESCE(a.notify_sms, a.role IN ('resident', 'guardian')) = TRUE AS sms_chosen,
     a.notify_email = TRUE AS email_chosen";

impl Db {
    pub async fn message_channels(
        &self,
        account_id: i64,
    ) -> Result<Option<MessageChannels>, sqlx::Error> {
        let sql = format!("SELECT {CHOSEN}, a.email FROM accounts a WHERE a.id = $1");
        with_db!(
            self,
            read | pool | {
                sqlx::query(&sql)
                    .bind(account_id)
                    .fetch_optional(pool)
                    .await?
                    .map(|r| {
                        Ok(MessageChannels {
                            sms: r.try_get("sms_chosen")?,
                            email: r.try_get("email_chosen")?,
                            email_address: r.try_get("email")?,
                        })
                    })
                    .transpose()
            }
        )
    }

    /// The account's latest deliveries beyond the portal, newest first.
    pub async fn recent_deliveries(
        &self,
        account_id: i64,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT o.channel, o.state, n.at, n.message, n.message_en
                       FROM notifications n JOIN outbox o ON o.notification_id = n.id
                      WHERE n.account_id = $1 ORDER BY n.id DESC, o.channel LIMIT $2",
                )
                .bind(account_id)
                .bind(limit)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(DeliveryRow {
                        channel: r.try_get("channel")?,
                        state: r.try_get("state")?,
                        at: r.try_get("at")?,
                        message: r.try_get("message")?,
                        message_en: r.try_get("message_en")?,
                    })
                })
                .collect()
            }
        )
    }

    /// Whether anything is due: a read, so an idle worker does not take the writer.
    pub async fn outbox_has_due(&self, now: i64) -> Result<bool, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1
                       AND (claimed_until IS NULL OR claimed_until < $1) LIMIT 1",
                )
                .bind(now)
                .fetch_optional(pool)
                .await
                .map(|r| r.is_some())
            }
        )
    }

    /// Claim up to `limit` due rows for `worker` until `lease_until`. A row is claimed by one
    /// worker at a time: SQLite has one writer; on PostgreSQL rows another worker is claiming
    /// are skipped (`SKIP LOCKED`) rather than claimed twice. A claim left by a worker that
    /// died is taken over once its lease ends.
    pub async fn claim_deliveries(
        &self,
        worker: &str,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<ClaimedDelivery>, sqlx::Error> {
        let lock = if self.is_postgres() {
            "FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let claim = format!(
            "UPDATE outbox SET claimed_by = $1, claimed_until = $2
              WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $3
                             AND (claimed_until IS NULL OR claimed_until < $3)
                           ORDER BY next_attempt_at, id LIMIT $4 {lock})
             RETURNING id"
        );
        let ids: Vec<i64> = with_db!(
            self,
            write | pool | {
                sqlx::query_scalar(&claim)
                    .bind(worker)
                    .bind(lease_until)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
            }
        );
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT o.id, o.channel, o.attempts, n.message, n.message_en, a.phone, a.email, {CHOSEN}
               FROM outbox o JOIN notifications n ON n.id = o.notification_id
               JOIN accounts a ON a.id = n.account_id
              WHERE o.id IN ({}) AND o.claimed_by = ${} ORDER BY o.id",
            super::in_list(1, ids.len()),
            ids.len() + 1
        );
        with_db!(
            self,
            write | pool | {
                let mut q = sqlx::query(&sql);
                for id in &ids {
                    q = q.bind(id);
                }
                q.bind(worker)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(ClaimedDelivery {
                            id: r.try_get("id")?,
                            channel: r.try_get("channel")?,
                            attempts: r.try_get("attempts")?,
                            message: r.try_get("message")?,
                            message_en: r.try_get("message_en")?,
                            phone: r.try_get("phone")?,
                            email: r.try_get("email")?,
                            sms_chosen: r.try_get("sms_chosen")?,
                            email_chosen: r.try_get("email_chosen")?,
                        })
                    })
                    .collect()
            }
        )
    }

    /// Record how a claimed try ended; false when the claim was lost meanwhile (the lease
    /// ran out and another worker took the row), so nothing is recorded twice.
    pub async fn finish_delivery(
        &self,
        id: i64,
        worker: &str,
        now: i64,
        outcome: &DeliveryOutcome,
    ) -> Result<bool, sqlx::Error> {
        let (state, error, next) = match outcome {
            DeliveryOutcome::Sent => ("sent", None, now),
            DeliveryOutcome::Failed {
                error,
                retry_at: Some(at),
            } => ("pending", Some(error.as_str()), *at),
            DeliveryOutcome::Failed {
                error,
                retry_at: None,
            } => ("failed", Some(error.as_str()), now),
            DeliveryOutcome::Dropped { reason } => ("dropped", Some(reason.as_str()), now),
        };
        let tried = i64::from(!matches!(outcome, DeliveryOutcome::Dropped { .. }));
        with_db!(
            self,
            write
                | pool
                | {
                    sqlx::query(
                    "UPDATE outbox SET state = $1, last_error = $2, next_attempt_at = $3,
                            attempts = attempts + $4, sent_at = CASE WHEN $1 = 'sent' THEN $5 ELSE sent_at END,
                            claimed_by = NULL, claimed_until = NULL
                      WHERE id = $6 AND claimed_by = $7 AND state = 'pending'",
                )
                .bind(state)
                .bind(error)
                .bind(next)
                .bind(tried)
                .bind(now)
                .bind(id)
                .bind(worker)
                .execute(pool)
                .await
                .map(|r| r.rows_affected() == 1)
                }
        )
    }
}

impl Tx {
    /// Save the choice; `notify_sms` is stored from now on (no longer the role's default).
    pub async fn set_message_channels(
        &mut self,
        account_id: i64,
        c: &MessageChannels,
    ) -> Result<(), sqlx::Error> {
        let address = c
            .email_address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE accounts SET notify_sms = $1, notify_email = $2, email = $3 WHERE id = $4",
            )
            .bind(c.sms)
            .bind(c.email)
            .bind(address)
            .bind(account_id)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })
    }
}
