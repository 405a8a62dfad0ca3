//! Walking the chain (`anju audit verify`, the check at start) and chaining the entries written
//! before the chain existed.

use crate::audit::chain::{self, Break, Entry, Stored, Walk};
use crate::db::{with_db, with_tx, Db};
use futures::TryStreamExt;
use sqlx::Row;

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
        // Moved by hand above: a copy of the head kept for the batch is stale.
        tx.audit_head_moved();
        tx.commit().await?;
        Ok(chained)
    }

    /// Walk every entry in chain order (streamed: memory stays flat however long the log).
    pub async fn verify_audit_chain(&self) -> Result<ChainReport, sqlx::Error> {
        let (head_seq, head_hash): (i64, String) = with_db!(
            self,
            read | pool | {
                let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                    .fetch_one(pool)
                    .await?;
                (head.try_get("seq")?, head.try_get("hash")?)
            }
        );
        with_db!(
            self,
            read | pool | {
                async {
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
