//! The append-only, hash-chained audit log: who did what to which subject, and when.
//!
//! An entry is appended only through the [`Tx`] of the change it records ([`Tx::audit`]);
//! there is no `Db` method that writes one, so an entry outside a transaction does not
//! compile. Appending takes the single `audit_head` row first (an `UPDATE`, which locks it
//! until commit), so concurrent transactions — on one server or several — get consecutive
//! sequence numbers and each links to the hash its predecessor committed. Append last, just
//! before commit: the head is then held for the shortest time, and every transaction takes the
//! locks it shares with others in the same order (the change's rows first, the head last).

use super::{with_db, with_tx, Db, Tx};
use crate::access::Scope;
use crate::audit::chain::{self, Break, Entry, Stored, Walk};
use futures::TryStreamExt;
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
                sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
                    .bind(&hash)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(
                    "INSERT INTO audit_log (seq, version, at, actor_account_id, action, subject, detail, scope_path, prev_hash, hash)
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

/// The outcome of walking the whole chain.
#[derive(Debug, Clone)]
pub struct ChainReport {
    /// Entries that verified, up to the first break.
    pub count: i64,
    /// The hash of the last entry that verified.
    pub head: String,
    pub broken: Option<Break>,
}

const STORED_COLUMNS: &str =
    "id, seq, version, at, actor_account_id, action, subject, detail, scope_path, prev_hash, hash";

fn stored_from_row<R: Row>(r: &R) -> Result<Stored, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    String: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
{
    let seq: Option<i64> = r.try_get("seq")?;
    Ok(Stored {
        id: r.try_get("id")?,
        seq,
        version: r.try_get("version")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
        entry: Entry {
            seq: seq.unwrap_or(0),
            at: r.try_get("at")?,
            actor: r.try_get("actor_account_id")?,
            action: r.try_get("action")?,
            subject: r.try_get("subject")?,
            detail: r.try_get("detail")?,
            scope_path: r.try_get("scope_path")?,
        },
    })
}

impl Db {
    /// Chain the entries written before the chain existed (once; see the migration). Runs in
    /// one transaction at start; several servers starting together queue on the head row.
    pub async fn chain_legacy_audit(&self) -> Result<u64, sqlx::Error> {
        let mut tx = self.begin().await?;
        let chained = with_tx!(&mut tx, |conn| {
            async {
                let head = sqlx::query(
                    "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash, legacy_until",
                )
                .fetch_one(&mut *conn)
                .await?;
                let legacy_until: i64 = head.try_get("legacy_until")?;
                if legacy_until == 0 {
                    return Ok::<u64, sqlx::Error>(0);
                }
                let mut seq: i64 = head.try_get("seq")?;
                let mut prev: String = head.try_get("hash")?;
                let rows = sqlx::query(&format!(
                    "SELECT {STORED_COLUMNS} FROM audit_log WHERE hash IS NULL AND id <= $1 ORDER BY id"
                ))
                .bind(legacy_until)
                .fetch_all(&mut *conn)
                .await?;
                let mut n = 0;
                for row in &rows {
                    let stored = stored_from_row(row)?;
                    seq += 1;
                    let entry = Entry { seq, ..stored.entry };
                    let hash = chain::entry_hash(chain::VERSION, &entry, &prev)
                        .expect("this build's own version");
                    sqlx::query(
                        "UPDATE audit_log SET seq = $1, version = $2, prev_hash = $3, hash = $4 WHERE id = $5",
                    )
                    .bind(seq)
                    .bind(chain::VERSION)
                    .bind(&prev)
                    .bind(&hash)
                    .bind(stored.id)
                    .execute(&mut *conn)
                    .await?;
                    prev = hash;
                    n += 1;
                }
                sqlx::query("UPDATE audit_head SET seq = $1, hash = $2, legacy_until = 0 WHERE id = 1")
                    .bind(seq)
                    .bind(&prev)
                    .execute(&mut *conn)
                    .await?;
                Ok(n)
            }
            .await
        })?;
        tx.commit().await?;
        Ok(chained)
    }

    /// Walk every entry in chain order (streamed: memory stays flat however long the log).
    pub async fn verify_audit_chain(&self) -> Result<ChainReport, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                async {
                    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                        .fetch_one(pool)
                        .await?;
                    let (head_seq, head_hash): (i64, String) =
                        (head.try_get("seq")?, head.try_get("hash")?);
                    let sql = format!(
                        "SELECT {STORED_COLUMNS} FROM audit_log ORDER BY seq IS NULL, seq, id"
                    );
                    let mut rows = sqlx::query(&sql).fetch(pool);
                    let mut walk = Walk::new(head_seq);
                    let mut broken = None;
                    while let Some(row) = rows.try_next().await? {
                        if let Err(b) = walk.step(&stored_from_row(&row)?) {
                            broken = Some(b);
                            break;
                        }
                    }
                    if broken.is_none() {
                        broken = walk.finish(head_seq, &head_hash).err();
                    }
                    Ok(ChainReport {
                        count: walk.count,
                        head: walk.head,
                        broken,
                    })
                }
                .await
            }
        )
    }
}

/// What an admin searches the log for; every filter optional but the scope.
#[derive(Debug, Clone)]
pub struct AuditQuery<'a> {
    /// Only entries whose jurisdiction is inside the caller's scope.
    pub scope: &'a Scope,
    pub subject: Option<&'a str>,
    pub actor: Option<i64>,
    /// An action or the start of one (`retrofit.`).
    pub action: Option<&'a str>,
    pub from: i64,
    pub until: i64,
    /// Entries before this place in the chain (key paging, newest first).
    pub before_seq: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor_account_id: Option<i64>,
    pub actor_name: Option<String>,
    pub actor_role: Option<String>,
    pub actor_office: Option<String>,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// A staff look at a family's data, for the family's own page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccessRow {
    pub at: i64,
    pub action: String,
    pub role: String,
    pub place: Option<String>,
}

impl Db {
    /// One page of the log, newest first. The scope is a prefix match on an indexed column,
    /// like every other list; the other filters narrow within it.
    pub async fn audit_entries(&self, q: &AuditQuery<'_>) -> Result<Vec<AuditRow>, sqlx::Error> {
        let sql = "SELECT l.seq, l.at, l.actor_account_id, a.display_name AS actor_name,
                a.role AS actor_role, j.name AS actor_office, l.action, l.subject, l.detail
             FROM audit_log l
             LEFT JOIN accounts a ON a.id = l.actor_account_id
             LEFT JOIN jurisdictions j ON j.id = a.jurisdiction_id
             WHERE l.scope_path LIKE $1 || '%'
               AND ($2 IS NULL OR l.subject = $2)
               AND ($3 IS NULL OR l.actor_account_id = $3)
               AND ($4 IS NULL OR l.action = $4 OR l.action LIKE $4 || '.%')
               AND l.at >= $5 AND l.at < $6 AND l.seq < $7
             ORDER BY l.seq DESC LIMIT $8";
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, AuditRow>(sql)
                    .bind(q.scope.prefix())
                    .bind(q.subject)
                    .bind(q.actor)
                    .bind(q.action)
                    .bind(q.from)
                    .bind(q.until)
                    .bind(q.before_seq)
                    .bind(q.limit)
                    .fetch_all(pool)
                    .await
            }
        )
    }

    /// Staff views of one application and of the elder's family proofs, newest first.
    pub async fn access_log(
        &self,
        application_id: i64,
        elder_account_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AccessRow>, sqlx::Error> {
        let sql = "SELECT l.at, l.action, a.role, j.name AS place
             FROM audit_log l
             JOIN accounts a ON a.id = l.actor_account_id
             LEFT JOIN jurisdictions j ON j.id = a.jurisdiction_id
             WHERE ((l.subject = $1
                     AND l.action IN ('retrofit.view', 'retrofit.reveal_id_number', 'retrofit.document'))
                 OR (l.action = 'guardian.proof_view' AND l.subject IN
                     (SELECT 'guardian_link:' || g.id FROM guardian_links g WHERE g.elder_account_id = $2)))
               AND a.role NOT IN ('resident', 'guardian')
             ORDER BY l.seq DESC LIMIT $3";
        let subject = format!("retrofit_application:{application_id}");
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, AccessRow>(sql)
                    .bind(&subject)
                    .bind(elder_account_id)
                    .bind(limit)
                    .fetch_all(pool)
                    .await
            }
        )
    }

    /// References of cases and applications by id, for labelling a page of entries.
    pub async fn references_of(
        &self,
        table: ReferenceTable,
        ids: &[i64],
    ) -> Result<Vec<(i64, String)>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Ids are numbers parsed from our own subjects, listed inline: one statement text for
        // both backends without array binds.
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT id, reference FROM {} WHERE id IN ({list})",
            table.name()
        );
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, (i64, String)>(&sql)
                    .fetch_all(pool)
                    .await
            }
        )
    }

    /// The case or application a reference names, as an audit subject.
    pub async fn subject_of_reference(
        &self,
        reference: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        for table in [ReferenceTable::Cases, ReferenceTable::Applications] {
            let sql = format!("SELECT id FROM {} WHERE reference = $1", table.name());
            let id: Option<i64> = with_db!(
                self,
                read | pool | {
                    sqlx::query_scalar(&sql)
                        .bind(reference)
                        .fetch_optional(pool)
                        .await?
                }
            );
            if let Some(id) = id {
                return Ok(Some(format!("{}:{id}", table.subject_kind())));
            }
        }
        Ok(None)
    }
}

/// The tables whose rows have a reference people quote.
#[derive(Debug, Clone, Copy)]
pub enum ReferenceTable {
    Cases,
    Applications,
}

impl ReferenceTable {
    fn name(self) -> &'static str {
        match self {
            ReferenceTable::Cases => "cases",
            ReferenceTable::Applications => "retrofit_applications",
        }
    }

    /// The subject prefix audit entries use for this table's rows.
    pub fn subject_kind(self) -> &'static str {
        match self {
            ReferenceTable::Cases => "case",
            ReferenceTable::Applications => "retrofit_application",
        }
    }
}
