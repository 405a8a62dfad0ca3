//! SQLite checkpoints off the writer's path.
//!
//! In WAL mode each commit appends the changed pages to the write-ahead log (and, with
//! `synchronous=FULL`, syncs it: that is what makes the commit durable); a checkpoint later
//! copies them into the database file and syncs that. By default the connection whose commit
//! takes the log past 1,000 pages runs the checkpoint there and then — here always the single
//! writer, so every few dozen new complaints one of them also waited for a checkpoint and its
//! file sync, and every write queued behind it waited too (the month-end mix's slowest
//! requests). A connection of its own now checkpoints every [`EVERY`], beside the writer (a
//! `PASSIVE` checkpoint takes no lock a writer needs), and the writer checkpoints itself only
//! past [`WRITER_BACKSTOP_PAGES`], should this one fall behind. Durability is unchanged: a
//! commit still returns only after its log pages are synced.

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::Connection;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::oneshot;

pub(super) const EVERY: Duration = Duration::from_millis(500);

/// The writer's own `wal_autocheckpoint`: about 40 MB of log.
pub(super) const WRITER_BACKSTOP_PAGES: &str = "10000";

/// Stops the background checkpoints when the database is closed or dropped.
#[derive(Debug)]
pub struct Checkpoints {
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

impl Checkpoints {
    /// Open the checkpointing connection and start its task on the current runtime.
    pub(super) async fn start(options: &SqliteConnectOptions) -> Result<Self, sqlx::Error> {
        let mut conn = SqliteConnection::connect_with(options).await?;
        let (stop, mut stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tokio::select! {
                    // Asked to stop, or every holder of the database is gone.
                    _ = &mut stopped => break,
                    _ = tick.tick() => {
                        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                            .execute(&mut conn)
                            .await
                        {
                            tracing::warn!(error = %e, "background checkpoint failed");
                        }
                    }
                }
            }
            let _ = conn.close().await;
        });
        Ok(Self {
            stop: Mutex::new(Some(stop)),
        })
    }

    pub(super) fn stop(&self) {
        if let Some(stop) = self.stop.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = stop.send(());
        }
    }
}
