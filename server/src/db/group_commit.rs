//! SQLite's single writer, shared by the changes that queue for it: group commit.
//!
//! Every change used to be a transaction of its own, so every new complaint paid for a commit:
//! its log pages written and synced (`synchronous=FULL`), then the next change could begin. In
//! the month-end mix those syncs and the hand-overs around them were the slowest requests and
//! the costliest (`cargo xtask bench`: p99 112 ms with the writes, 13 ms without; see the #11
//! notes). Now the changes waiting for the writer join one open transaction, each inside a
//! savepoint of its own, and one commit makes them all durable:
//!
//! - A change begins by taking the writer ([`GroupWriter::begin`]). With no batch open it
//!   opens one (`BEGIN IMMEDIATE`); then `SAVEPOINT anju_change`.
//! - It ends by leaving its savepoint to be released (committed) or rolled back, by whoever
//!   takes the writer next, and hands the writer on at once. A committed change then waits
//!   for its batch's commit: **no change is answered before its batch is durable**, exactly
//!   as before; a rolled-back one undoes only itself.
//! - Each ending change also queues a *closer* for its batch behind whatever changes are
//!   already waiting (the writer's lock is fair, first come first served). Those join the
//!   batch; the closer then commits it and wakes its changes. Changes that arrive meanwhile
//!   queue behind the closer and form the next batch. So a batch holds the changes that
//!   queued while one was being applied, and one alone commits as soon as it ends.
//! - If releasing a savepoint or the commit fails, the whole batch is rolled back and every
//!   change in it gets the error: none of them was answered as done, so nothing answered is
//!   lost.
//!
//! The database work of beginning and closing runs in tasks of its own, so a request that is
//! dropped half-way (its client went away) cannot leave the writer in a state nobody tracks.
//!
//! A change's audit entries ([`Change::append_audit`]) are not sent when the change appends
//! them: they go with its ending, in the same round trip as `RELEASE`, and the chain's head
//! (sequence number and hash) is kept here while a batch is open, read at most once per batch.
//! The batch holds SQLite's write lock from its `BEGIN IMMEDIATE`, so nothing else can move
//! the head meanwhile. A new complaint thus costs two round trips to the writer's thread fewer
//! (server CPU per new complaint −8 %, see the #11 notes); an entry still commits with its
//! change or not at all.

use super::audit::PendingAudit;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Executor, Row, Sqlite, SqliteConnection, SqlitePool};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{watch, Mutex, OwnedMutexGuard};

/// What a batch's changes wait for: `None` while it is open, then its commit's outcome.
type Outcome = Option<Result<(), String>>;

#[derive(Clone)]
pub struct GroupWriter {
    /// The writer pool (one connection). A batch holds the connection from its `BEGIN` to
    /// its commit; writes outside a change (`with_db!(write …)`) take it between batches.
    pool: SqlitePool,
    slot: Arc<Mutex<Slot>>,
    commits: Arc<AtomicU64>,
}

impl std::fmt::Debug for GroupWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupWriter")
            .field("commits", &self.commits.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Slot {
    /// The open batch's connection and its waiters.
    batch: Option<Batch>,
    /// How the change that last held the writer ended, not yet sent to the database.
    ending: Option<Ending>,
    batches_begun: u64,
    /// The audit chain's head as the open batch has it, counting the entries of a kept change
    /// still waiting in `ending`; `None` until read in this batch.
    audit_head: Option<AuditHead>,
}

/// The last audit entry's sequence number and hash.
pub(crate) type AuditHead = (i64, String);

struct Batch {
    id: u64,
    conn: PoolConnection<Sqlite>,
    done: watch::Sender<Outcome>,
}

enum Ending {
    /// Release the savepoint, after writing the change's audit entries (if any).
    Keep(Option<Deferred>),
    Undo,
}

/// Statements sent ahead of a change's `RELEASE`, with their arguments.
pub(crate) struct Deferred {
    pub(crate) sql: String,
    pub(crate) args: SqliteArguments<'static>,
}

/// Past this many entries a change sends its audit entries at once rather than with its
/// ending (a bulk change), so no statement outgrows SQLite's limit on arguments.
const AUDIT_ENTRIES_HELD: usize = 50;

/// One change in a batch: holds the writer while it runs.
pub(crate) struct Change {
    slot: Option<OwnedMutexGuard<Slot>>,
    writer: GroupWriter,
    batch_id: u64,
    done: watch::Receiver<Outcome>,
    /// Audit entries appended and not yet sent.
    audit: Vec<PendingAudit>,
    /// The chain's head after this change's own entries, once it has appended one.
    audit_head: Option<AuditHead>,
}

impl GroupWriter {
    pub(crate) fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            slot: Arc::default(),
            commits: Arc::default(),
        }
    }

    /// How many batches have been committed (each one sync of the log).
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Take the writer for a change: join the open batch, or open one.
    pub(crate) async fn begin(&self) -> Result<Change, sqlx::Error> {
        let writer = self.clone();
        // In a task of its own: see the module's last paragraph. Should the request be
        // dropped meanwhile, the `Change` this returns is dropped too, which undoes it.
        tokio::spawn(async move { writer.join().await })
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?
    }

    async fn join(self) -> Result<Change, sqlx::Error> {
        let mut slot = self.slot.clone().lock_owned().await;
        // The previous change's ending and this change's savepoint go in one round trip to
        // the writer's thread: each hand-over costs more than the statement (measured).
        let Slot { batch, ending, .. } = &mut *slot;
        if let Some(batch) = batch.as_mut() {
            let ended = send_ending(&mut batch.conn, ending.take(), "SAVEPOINT anju_change").await;
            if let Err(e) = ended {
                // The batch is lost (its changes get the error); this change opens another.
                slot.abort(&e.to_string()).await;
            }
        }
        if slot.batch.is_none() {
            let mut conn = self.pool.acquire().await?;
            if let Err(e) = conn.execute("BEGIN IMMEDIATE; SAVEPOINT anju_change").await {
                // Not returned to the pool: its state is unknown.
                let _ = conn.close().await;
                return Err(e);
            }
            slot.batches_begun += 1;
            // Read again in each batch: another process may have written between batches.
            slot.audit_head = None;
            slot.batch = Some(Batch {
                id: slot.batches_begun,
                conn,
                done: watch::channel(None).0,
            });
        }
        let Some(batch) = slot.batch.as_ref() else {
            unreachable!("opened above")
        };
        let (batch_id, done) = (batch.id, batch.done.subscribe());
        // Until it commits, a change that ends in any way (an error, a dropped request) is
        // undone by whoever takes the writer next.
        slot.ending = Some(Ending::Undo);
        Ok(Change {
            slot: Some(slot),
            writer: self,
            batch_id,
            done,
            audit: Vec::new(),
            audit_head: None,
        })
    }

    /// Commit the batch `id` if it is still open, once the changes queued before this call
    /// have joined it.
    async fn close(self, id: u64) {
        let mut slot = self.slot.lock_owned().await;
        if slot.batch.as_ref().is_some_and(|b| b.id == id) && slot.commit().await {
            self.commits.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl Slot {
    /// End the last change and commit the open batch in one round trip, and tell the batch's
    /// changes; true when it committed.
    async fn commit(&mut self) -> bool {
        let Some(mut batch) = self.batch.take() else {
            return false;
        };
        match send_ending(&mut batch.conn, self.ending.take(), "COMMIT").await {
            Ok(_) => {
                batch.done.send_replace(Some(Ok(())));
                true
            }
            Err(e) => {
                self.batch = Some(batch);
                self.abort(&e.to_string()).await;
                false
            }
        }
    }

    /// Roll the open batch back and give its changes the error.
    async fn abort(&mut self, error: &str) {
        self.ending = None;
        self.audit_head = None;
        let Some(mut batch) = self.batch.take() else {
            return;
        };
        tracing::error!(error, "a batch of changes failed and was rolled back");
        let _ = batch.conn.execute("ROLLBACK").await;
        // Whatever state the connection is in now, it is not handed on.
        let _ = batch.conn.close().await;
        batch.done.send_replace(Some(Err(error.to_owned())));
    }
}

/// End the last change (keep or undo it) and run `then`, in one round trip.
async fn send_ending(
    conn: &mut SqliteConnection,
    ending: Option<Ending>,
    then: &'static str,
) -> Result<(), sqlx::Error> {
    let (deferred, end) = match ending {
        None => (None, ""),
        Some(Ending::Keep(deferred)) => (deferred, "RELEASE anju_change; "),
        Some(Ending::Undo) => (None, "ROLLBACK TO anju_change; RELEASE anju_change; "),
    };
    let done = match deferred {
        None => conn.execute(format!("{end}{then}").as_str()).await,
        Some(d) => {
            sqlx::query_with(&format!("{}; {end}{then}", d.sql), d.args)
                .execute(conn)
                .await
        }
    };
    done.map(|_| ())
}

impl Change {
    pub(crate) fn connection(&mut self) -> &mut SqliteConnection {
        match self.slot.as_mut().and_then(|s| s.batch.as_mut()) {
            Some(batch) => &mut batch.conn,
            None => unreachable!("a change holds the writer and its batch until it ends"),
        }
    }

    fn slot(&mut self) -> &mut Slot {
        match self.slot.as_mut() {
            Some(slot) => slot,
            None => unreachable!("a change holds the writer until it ends"),
        }
    }

    /// The audit chain's head as this change sees it: after its own entries, else as the
    /// batch has it (read from the database once per batch).
    pub(crate) async fn audit_head(&mut self) -> Result<AuditHead, sqlx::Error> {
        if let Some(head) = &self.audit_head {
            return Ok(head.clone());
        }
        if let Some(head) = &self.slot().audit_head {
            return Ok(head.clone());
        }
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(self.connection())
            .await?;
        let head: AuditHead = (row.try_get("seq")?, row.try_get("hash")?);
        self.slot().audit_head = Some(head.clone());
        Ok(head)
    }

    /// Append an audit entry that follows [`Change::audit_head`]; it is written with the
    /// change's ending, so it commits with the change or not at all.
    pub(crate) async fn append_audit(&mut self, entry: PendingAudit) -> Result<(), sqlx::Error> {
        self.audit_head = Some((entry.entry.seq, entry.hash.clone()));
        self.audit.push(entry);
        if self.audit.len() >= AUDIT_ENTRIES_HELD {
            let deferred = PendingAudit::statement(&std::mem::take(&mut self.audit));
            sqlx::query_with(&deferred.sql, deferred.args)
                .execute(self.connection())
                .await?;
        }
        Ok(())
    }

    /// This change wrote the audit head itself (chaining legacy entries): read it again.
    pub(crate) fn forget_audit_head(&mut self) {
        self.audit_head = None;
        self.slot().audit_head = None;
    }

    /// Keep this change: it is durable when this returns `Ok`.
    pub(crate) async fn commit(mut self) -> Result<(), sqlx::Error> {
        let audit = std::mem::take(&mut self.audit);
        let head = self.audit_head.take();
        if let Some(slot) = self.slot.as_mut() {
            let deferred = (!audit.is_empty()).then(|| PendingAudit::statement(&audit));
            slot.ending = Some(Ending::Keep(deferred));
            if head.is_some() {
                slot.audit_head = head;
            }
        }
        self.hand_on();
        let outcome = self
            .done
            .wait_for(Option::is_some)
            .await
            .map(|o| o.clone())
            .map_err(|_| sqlx::Error::WorkerCrashed)?;
        match outcome {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) => Err(sqlx::Error::Io(std::io::Error::other(format!(
                "the batch of changes was rolled back: {e}"
            )))),
            None => unreachable!("waited for Some"),
        }
    }

    /// Give up the writer and queue the batch's closer.
    fn hand_on(&mut self) {
        if self.slot.take().is_none() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(self.writer.clone().close(self.batch_id));
        }
        // Without a runtime (never while serving) the batch closes with the next change.
    }
}

impl Drop for Change {
    fn drop(&mut self) {
        // Not committed: its ending is still `Undo`.
        self.hand_on();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use std::time::Duration;

    struct Fixture {
        writer: GroupWriter,
        reader: SqlitePool,
        dir: std::path::PathBuf,
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    async fn fixture(name: &str) -> Fixture {
        let dir = std::env::temp_dir().join(format!("anju-group-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.join("t.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .unwrap();
        sqlx::query("CREATE TABLE notes (text TEXT NOT NULL UNIQUE)")
            .execute(&pool)
            .await
            .unwrap();
        let reader = SqlitePoolOptions::new()
            .connect_with(options.read_only(true))
            .await
            .unwrap();
        Fixture {
            writer: GroupWriter::new(pool),
            reader,
            dir,
        }
    }

    async fn insert(change: &mut Change, text: &str) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO notes (text) VALUES ($1)")
            .bind(text)
            .execute(change.connection())
            .await
            .map(|_| ())
    }

    async fn notes(pool: &SqlitePool) -> Vec<String> {
        sqlx::query_scalar("SELECT text FROM notes ORDER BY text")
            .fetch_all(pool)
            .await
            .unwrap()
    }

    /// Changes queued behind a running one share its commit; one that fails in the middle
    /// of the batch undoes only itself; each is readable once its commit has returned.
    #[tokio::test]
    async fn changes_queued_together_commit_together_and_a_failed_one_undoes_only_itself() {
        let f = fixture("batch").await;
        let mut first = f.writer.begin().await.unwrap();
        insert(&mut first, "a").await.unwrap();

        let queued = |text: &'static str, keep: bool| {
            let writer = f.writer.clone();
            let reader = f.reader.clone();
            tokio::spawn(async move {
                let mut change = writer.begin().await.unwrap();
                let inserted = insert(&mut change, text).await;
                if keep && inserted.is_ok() {
                    change.commit().await.unwrap();
                    // Answered: so it must be there for any reader.
                    assert!(notes(&reader).await.contains(&text.to_owned()));
                }
                inserted.is_ok()
            })
        };
        let second = queued("b", true);
        // Meets the unique constraint: fails, and is dropped (rolled back).
        let repeat = queued("a", true);
        let given_up = queued("c", false);
        let fourth = queued("d", true);
        // Let the four queue up behind the first.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(notes(&f.reader).await.is_empty(), "nothing committed yet");

        first.commit().await.unwrap();
        assert!(notes(&f.reader).await.contains(&"a".to_owned()));
        assert!(second.await.unwrap());
        assert!(!repeat.await.unwrap());
        assert!(given_up.await.unwrap());
        assert!(fourth.await.unwrap());
        assert_eq!(notes(&f.reader).await, ["a", "b", "d"]);
        assert_eq!(f.writer.commits(), 1, "five changes, one commit");
    }

    /// A change alone commits as soon as it ends, and one dropped before its end (a request
    /// whose client went away) leaves nothing and does not hold up the next.
    #[tokio::test]
    async fn a_lone_change_commits_at_once_and_a_dropped_one_leaves_nothing() {
        let f = fixture("alone").await;
        let mut dropped = f.writer.begin().await.unwrap();
        insert(&mut dropped, "dropped").await.unwrap();
        drop(dropped);
        let mut kept = f.writer.begin().await.unwrap();
        insert(&mut kept, "kept").await.unwrap();
        kept.commit().await.unwrap();
        assert_eq!(notes(&f.reader).await, ["kept"]);
        // Between batches the connection is back in the pool for writes outside a change.
        sqlx::query("INSERT INTO notes (text) VALUES ('outside')")
            .execute(&f.writer.pool)
            .await
            .unwrap();
        assert_eq!(notes(&f.reader).await, ["kept", "outside"]);
    }
}
