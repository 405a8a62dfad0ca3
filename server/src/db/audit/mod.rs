//! The append-only, hash-chained audit log: who did what to which subject, and when.
//!
//! An entry is appended only through the [`Tx`] of the change it records ([`Tx::audit`]);
//! there is no `Db` method that writes one, so an entry outside a transaction does not
//! compile. Appending takes the single `audit_head` row first (an `UPDATE`, which locks it
//! until commit), so concurrent transactions — on one server or several — get consecutive
//! sequence numbers and each links to the hash its predecessor committed. Append last, just
//! before commit: the head is then held for the shortest time, and every transaction takes the
//! locks it shares with others in the same order (the change's rows first, the head last).
//!
//! On SQLite a change holds the single writer, so nothing can interleave: the head is kept by
//! the batch of changes and an entry is written with its change's ending, in the same round
//! trip (see [`super::group_commit`]).

use super::group_commit::Deferred;
use super::tx::TxInner;
use super::{with_tx, Tx};
use crate::audit::chain::{self, Entry};
use sqlx::sqlite::SqliteArguments;
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
        if let TxInner::Sqlite(change) = &mut self.inner {
            // Sent with the change's ending, without a round trip of its own (see
            // `group_commit`): the batch holds the write lock, so the head it keeps is exact.
            let (seq, prev_hash) = change.audit_head().await?;
            let entry = entry_of(seq + 1, e);
            let hash = chain::entry_hash(chain::VERSION, &entry, &prev_hash)
                .expect("this build's own version");
            return change
                .append_audit(PendingAudit {
                    entry,
                    prev_hash,
                    hash,
                })
                .await;
        }
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
                sqlx::query(
                    "WITH head AS (UPDATE audit_head SET hash = $10 WHERE id = 1)
                     INSERT INTO audit_log (seq, version, at, actor_account_id, action, subject, detail, scope_path, prev_hash, hash)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
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

impl Tx {
    /// This change wrote `audit_head` itself (chaining legacy entries): on SQLite the batch's
    /// copy of the head is read again before the next entry.
    pub(crate) fn audit_head_moved(&mut self) {
        if let TxInner::Sqlite(change) = &mut self.inner {
            change.forget_audit_head();
        }
    }
}

/// An entry a change on SQLite has appended, to be written with its ending.
pub(crate) struct PendingAudit {
    pub(crate) entry: Entry,
    pub(crate) prev_hash: String,
    pub(crate) hash: String,
}

impl PendingAudit {
    /// The entries (consecutive, in order) and the head moved to the last, as one text.
    pub(crate) fn statement(entries: &[PendingAudit]) -> Deferred {
        const COLUMNS: usize = 10;
        let mut args = SqliteArguments::default();
        let mut rows = Vec::with_capacity(entries.len());
        for (i, pending) in entries.iter().enumerate() {
            let e = &pending.entry;
            let p: Vec<String> = (1..=COLUMNS)
                .map(|k| format!("${}", i * COLUMNS + k))
                .collect();
            rows.push(format!("({})", p.join(", ")));
            bind(&mut args, e.seq);
            bind(&mut args, chain::VERSION);
            bind(&mut args, e.at);
            bind(&mut args, e.actor);
            bind(&mut args, e.action.clone());
            bind(&mut args, e.subject.clone());
            bind(&mut args, e.detail.clone());
            bind(&mut args, e.scope_path.clone());
            bind(&mut args, pending.prev_hash.clone());
            bind(&mut args, pending.hash.clone());
        }
        let last = entries.last().expect("at least one entry");
        let n = entries.len() * COLUMNS;
        bind(&mut args, last.entry.seq);
        bind(&mut args, last.hash.clone());
        Deferred {
            sql: format!(
                "INSERT INTO audit_log (seq, version, at, actor_account_id, action, subject, detail, scope_path, prev_hash, hash) \
                 VALUES {}; UPDATE audit_head SET seq = ${}, hash = ${} WHERE id = 1",
                rows.join(", "),
                n + 1,
                n + 2
            ),
            args,
        }
    }
}

fn bind<'q, T>(args: &mut SqliteArguments<'q>, value: T)
where
    T: sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + 'q,
{
    use sqlx::Arguments;
    // Integers and owned texts: encoding them cannot fail.
    if let Err(e) = args.add(value) {
        unreachable!("binding an audit column: {e}")
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
