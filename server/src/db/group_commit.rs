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

use sqlx::pool::PoolConnection;
use sqlx::{Executor, Sqlite, SqliteConnection, SqlitePool};
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
}

struct Batch {
    id: u64,
    conn: PoolConnection<Sqlite>,
    done: watch::Sender<Outcome>,
}

#[derive(Clone, Copy)]
enum Ending {
    Keep,
    Undo,
}

/// One change in a batch: holds the writer while it runs.
pub(crate) struct Change {
    slot: Option<OwnedMutexGuard<Slot>>,
    writer: GroupWriter,
    batch_id: u64,
    done: watch::Receiver<Outcome>,
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
            let sql = match ending.take() {
                None => "SAVEPOINT anju_change",
                Some(Ending::Keep) => "RELEASE anju_change; SAVEPOINT anju_change",
                Some(Ending::Undo) => {
                    "ROLLBACK TO anju_change; RELEASE anju_change; SAVEPOINT anju_change"
                }
            };
            if let Err(e) = batch.conn.execute(sql).await {
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
        let sql = match self.ending.take() {
            None => "COMMIT",
            Some(Ending::Keep) => "RELEASE anju_change; COMMIT",
            Some(Ending::Undo) => "ROLLBACK TO anju_change; RELEASE anju_change; COMMIT",
        };
        match batch.conn.execute(sql).await {
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

impl Change {
    pub(crate) fn connection(&mut self) -> &mut SqliteConnection {
        match self.slot.as_mut().and_then(|s| s.batch.as_mut()) {
            Some(batch) => &mut batch.conn,
            None => unreachable!("a change holds the writer and its batch until it ends"),
        }
    }

    /// Keep this change: it is durable when this returns `Ok`.
    pub(crate) async fn commit(mut self) -> Result<(), sqlx::Error> {
        if let Some(slot) = self.slot.as_mut() {
            slot.ending = Some(Ending::Keep);
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
