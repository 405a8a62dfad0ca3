//! The append-only, hash-chained audit log: who did what to which subject, and when.
//!
//! An entry is appended only through the [`Tx`] of the change it records ([`Tx::audit`]);
//! there is no `Db` method that writes one, so an entry outside a transaction does not
//! compile. Appending takes the single `audit_head` row first (an `UPDATE`, which locks it
//! until commit), so concurrent transactions — on one server or several — get consecutive
//! sequence numbers and each links to the hash its predecessor committed. Append last, just
//! before commit: the head is then held for the shortest time, and every transaction takes the
//! locks it shares with others in the same order (the change's rows first, the head last).

use super::{with_tx, Tx};
use crate::audit::chain::{self, Entry};
use sqlx::Row;

/// One audit entry to append. `scope_path` is the jurisdiction the subject belongs to
/// (`/` for system-wide), which decides which county admins see it.
#[derive(Debug, Clone, Copy)]
pub struct Audit<'a> {
    pub at: i64,
    pub actor: Option<i64>,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
    pub scope_path: &'a str,
}

impl<'a> Audit<'a> {
    pub fn new(
        at: i64,
        actor: Option<i64>,
        action: &'a str,
        subject: &'a str,
        scope_path: &'a str,
    ) -> Self {
        Audit {
            at,
            actor,
            action,
            subject,
            detail: "",
            scope_path,
        }
    }

    pub fn detail(self, detail: &'a str) -> Self {
        Audit { detail, ..self }
    }
}

impl Tx {
    pub async fn audit(&mut self, e: &Audit<'_>) -> Result<(), sqlx::Error> {
        // The entry and the head's new hash in one round trip (see `Tx::on_sqlite`).
        let append = if self.on_sqlite() {
            "INSERT INTO audit_log (seq, version, at, actor_account_id, action, subject, detail, scope_path, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);
             UPDATE audit_head SET hash = $10 WHERE id = 1"
        } else {
            "WITH head AS (UPDATE audit_head SET hash = $10 WHERE id = 1)
             INSERT INTO audit_log (seq, version, at, actor_account_id, action, subject, detail, scope_path, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        };
        with_tx!(self, |conn| {
            async {
                let head = sqlx::query(
                    "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
                )
                .fetch_one(&mut *conn)
                .await?;
                let seq: i64 = head.try_get("seq")?;
                let prev: String = head.try_get("hash")?;
                let hash = chain::entry_hash(chain::VERSION, &entry_of(seq, e), &prev)
                    .expect("this build's own version");
                sqlx::query(append)
                    .bind(seq)
                    .bind(chain::VERSION)
                    .bind(e.at)
                    .bind(e.actor)
                    .bind(e.action)
                    .bind(e.subject)
                    .bind(e.detail)
                    .bind(e.scope_path)
                    .bind(&prev)
                    .bind(&hash)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }
            .await
        })
    }
}

fn entry_of(seq: i64, e: &Audit<'_>) -> Entry {
    Entry {
        seq,
        at: e.at,
        actor: e.actor,
        action: e.action.to_owned(),
        subject: e.subject.to_owned(),
        detail: e.detail.to_owned(),
        scope_path: e.scope_path.to_owned(),
    }
}

mod search;
mod verify;

pub use search::{AccessRow, AuditQuery, AuditRow, ReferenceTable};
pub use verify::ChainReport;
