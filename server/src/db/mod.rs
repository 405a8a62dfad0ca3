//! Storage: one interface ([`Db`]'s methods in the submodules), two backends chosen at runtime
//! from the URL. SQLite (default) runs with WAL, `synchronous=FULL`, foreign keys and a busy
//! timeout, behind a single writer connection plus a read pool, so writes never fight over the
//! lock. PostgreSQL is for deployments with several server instances.
//!
//! Both backends run the same SQL text (kept portable: `$n` placeholders, BIGINT timestamps in
//! Unix seconds, `RETURNING`), which [`with_db!`] expands once per backend so each copy is
//! type-checked against its own driver.

pub mod accounts;
pub mod audit;
pub mod calendar;
pub mod callbacks;
pub mod case_history;
pub mod cases;
pub mod checkpoints;
pub mod decode;
pub mod desk;
pub mod group_commit;
pub mod guardians;
pub mod item_counts;
pub mod json_page;
pub mod jurisdictions;
pub mod notices;
pub mod notifications;
pub mod outbox;
pub mod photos;
pub mod rate_events;
pub mod read_connections;
pub mod retrofit;
pub mod scope;
pub mod sessions;
pub mod sms_codes;
pub mod stored_files;
pub mod surveys;
pub mod tx;

pub use audit::Audit;
pub(crate) use tx::with_tx;
pub use tx::Tx;

use crate::config::DatabaseUrl;
use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite {
        /// The one writer connection; changes ([`Tx`]) take it through `changes`.
        writer: SqlitePool,
        changes: group_commit::GroupWriter,
        reader: read_connections::ReadConnections,
        /// `None` for an in-memory database (no log to checkpoint).
        checkpoints: Option<std::sync::Arc<checkpoints::Checkpoints>>,
    },
    Postgres(PgPool),
}

/// Run `$body` with `$pool` bound to what runs its statements: for `read`, one of SQLite's read
/// connections (`&mut SqliteConnection`) or the PostgreSQL pool; for `write`, the single
/// SQLite writer's pool or the PostgreSQL pool. A `read` body uses `$pool` once (a
/// `&mut` is moved by its first use): a second query takes a `with_db!` of its own.
macro_rules! with_db {
    ($db:expr, read |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { reader, .. } => {
                let mut connection = reader.get().await?;
                let $pool: &mut sqlx::SqliteConnection = &mut connection;
                $body
            }
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
    ($db:expr, write |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { writer: $pool, .. } => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_db;

/// `$first, …` for `n` parameters of an `IN (…)` list (both backends number parameters).
pub(crate) fn in_list(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Db {
    pub async fn connect(url: &DatabaseUrl) -> anyhow::Result<Db> {
        if url.is_postgres() {
            let options = PgConnectOptions::from_str(url.expose())
                .with_context(|| format!("invalid PostgreSQL URL {url}"))?;
            Self::connect_postgres(options).await
        } else {
            Self::connect_sqlite(url).await
        }
    }

    pub async fn connect_postgres(options: PgConnectOptions) -> anyhow::Result<Db> {
        // Prepared statements run on their generic plan. PostgreSQL plans a statement afresh for
        // each execution while it estimates a plan for the given values to be cheaper, and on the
        // staff queue at 1,000,000 complaints it kept doing so: planning the page's four-table
        // join took longer than running it (pgbench, 8 clients: 2,149 pages/s re-planned, 6,111
        // on the generic plan; at 10,000 complaints it chose the generic plan itself). Our
        // statements are written for their indexes (a level column and a key), which the
        // generic plan uses. (PostgreSQL 12 or later.)
        let options = options.options([("plan_cache_mode", "force_generic_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(10)
            // With the database away a request waits this long for a connection, then is
            // answered 503: within the 5 s a client is promised (`cargo xtask outage`).
            .acquire_timeout(Duration::from_secs(3))
            .connect_with(options)
            .await
            .context("cannot connect to PostgreSQL")?;
        Ok(Db::Postgres(pool))
    }

    async fn connect_sqlite(url: &DatabaseUrl) -> anyhow::Result<Db> {
        let base = SqliteConnectOptions::from_str(url.expose())
            .with_context(|| format!("invalid SQLite URL {url}"))?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let file = base.get_filename().to_owned();
        if let Some(dir) = file.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
        }
        if file.as_os_str() != ":memory:" {
            crate::files::private_database_file(&file)
                .with_context(|| format!("cannot make {} owner-only", file.display()))?;
        }
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            // No ping when the connection is taken: a hand-over to its thread that cannot
            // find an embedded file's connection gone (see `read_connections`).
            .test_before_acquire(false)
            .connect_with(
                base.clone()
                    .create_if_missing(true)
                    .pragma("wal_autocheckpoint", checkpoints::WRITER_BACKSTOP_PAGES),
            )
            .await
            .with_context(|| format!("cannot open {url}"))?;
        let checkpoints = if file.as_os_str() == ":memory:" {
            None
        } else {
            let started = checkpoints::Checkpoints::start(&base)
                .await
                .with_context(|| format!("cannot open {url} for checkpoints"))?;
            Some(std::sync::Arc::new(started))
        };
        let reader = read_connections::ReadConnections::open(&base.read_only(true))
            .await
            .with_context(|| format!("cannot open {url} for reading"))?;
        Ok(Db::Sqlite {
            changes: group_commit::GroupWriter::new(writer.clone()),
            writer,
            reader,
            checkpoints,
        })
    }

    /// Write a consistent copy of the SQLite database to `path` (`VACUUM INTO`: a snapshot
    /// taken in one read transaction, so writers carry on meanwhile). SQLite only.
    pub async fn snapshot_into(&self, path: &std::path::Path) -> anyhow::Result<()> {
        let Db::Sqlite { writer, .. } = self else {
            anyhow::bail!("a snapshot is for the embedded SQLite database");
        };
        let path = path
            .to_str()
            .context("the backup path must be valid UTF-8")?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(writer)
            .await?;
        Ok(())
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// Apply the migrations, then add any missing default policy data (categories).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite { writer, .. } => sqlx::migrate!("./migrations/sqlite").run(writer).await,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await,
        }
        .context("database migration failed")?;
        let chained = self
            .chain_legacy_audit()
            .await
            .context("chaining earlier audit entries")?;
        if chained > 0 {
            tracing::info!(entries = chained, "earlier audit entries chained");
        }
        let dated = self
            .backfill_warranty_until()
            .await
            .context("dating the warranties of households accepted earlier")?;
        if dated > 0 {
            tracing::info!(
                households = dated,
                "warranty end dates recorded for earlier acceptances"
            );
        }
        let defaults = anju_domain::category::default_categories();
        self.seed_categories(&defaults, chrono::Utc::now().timestamp())
            .await
            .context("seeding default categories")
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite { .. } => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        with_db!(
            self,
            read | pool | sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
        )
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite {
                writer,
                reader,
                checkpoints,
                ..
            } => {
                if let Some(c) = checkpoints {
                    c.stop();
                }
                reader.close();
                writer.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Whether an error is a unique-constraint violation (same meaning on both backends).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// An insert a key allows once: true when it went in, false when the key refused it (a
/// retry, or another request at the same moment); any other error stays an error.
pub fn inserted_once(inserted: Result<(), sqlx::Error>) -> Result<bool, sqlx::Error> {
    match inserted {
        Ok(()) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}
