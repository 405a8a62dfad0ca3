//! [`Tx`]: one database transaction on either backend, the unit every state change is applied
//! in. Storage functions that change things are methods on `Tx`; the handler begins one, calls
//! the small functions its change needs, appends the audit entry (only `Tx` can, see
//! [`super::audit`]) and commits once. Dropping a `Tx` without committing rolls it back, so an
//! early `return Err(..)` leaves nothing behind — neither the change nor its audit entry.
//!
//! On SQLite a change holds the single writer connection until it ends (a savepoint in a batch
//! of changes committed together, see [`super::group_commit`]): code holding a `Tx` must not
//! call a `Db` method that writes (it would wait for the connection it holds).

use super::Db;

pub struct Tx {
    pub(crate) inner: TxInner,
    /// Set by the methods that end a session or change what a sign-in carries of an account
    /// ([`super::sessions::SignedIn`]): committing then retires every cached sign-in.
    sign_in_changed: bool,
}

pub(crate) enum TxInner {
    Sqlite(super::group_commit::Change),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Run `$body` with `$conn` bound to the transaction's connection (`&mut SqliteConnection` or
/// `&mut PgConnection`); the body is expanded once per backend, like [`super::with_db!`].
macro_rules! with_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match &mut $tx.inner {
            $crate::db::tx::TxInner::Sqlite(t) => {
                let $conn: &mut sqlx::SqliteConnection = t.connection();
                $body
            }
            $crate::db::tx::TxInner::Postgres(t) => {
                let $conn: &mut sqlx::PgConnection = &mut *t;
                $body
            }
        }
    };
}
pub(crate) use with_tx;

impl Db {
    /// Begin a change (on SQLite, on the writer connection, in the open batch of changes).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let inner = match self {
            Db::Sqlite { changes, .. } => TxInner::Sqlite(changes.begin().await?),
            Db::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            sign_in_changed: false,
        })
    }
}

impl Tx {
    /// Make the change durable: on SQLite this returns once the batch it joined is committed.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        // After the commit, not before: a sign-in read between the two would be cached as
        // current although it is not.
        if self.sign_in_changed {
            crate::session_cache::sign_in_data_changed();
        }
        Ok(())
    }

    /// Whether this change runs on SQLite: a step of two statements is then sent as one
    /// multi-statement text (one hand-over to the single writer's thread instead of two),
    /// where PostgreSQL takes the same two as one statement with a data-modifying `WITH`.
    pub(crate) fn on_sqlite(&self) -> bool {
        matches!(self.inner, TxInner::Sqlite(_))
    }

    /// This change ends a session or changes an account's sign-in data (see [`Tx::commit`]).
    pub(crate) fn changes_sign_in(&mut self) {
        self.sign_in_changed = true;
    }

    /// Steps that may meet a unique constraint (a retried request, two at once) run between
    /// [`Tx::savepoint`] and [`Tx::release`], undoing just that step with
    /// [`Tx::back_to_savepoint`] on a conflict: PostgreSQL refuses every later statement of a
    /// transaction after its first error, so without this the change could not go on to read
    /// the existing row or append its audit entry.
    pub async fn savepoint(&mut self) -> Result<(), sqlx::Error> {
        self.execute_raw("SAVEPOINT anju_step").await
    }

    pub async fn release(&mut self) -> Result<(), sqlx::Error> {
        self.execute_raw("RELEASE SAVEPOINT anju_step").await
    }

    pub async fn back_to_savepoint(&mut self) -> Result<(), sqlx::Error> {
        self.execute_raw("ROLLBACK TO SAVEPOINT anju_step").await?;
        self.release().await
    }

    async fn execute_raw(&mut self, sql: &'static str) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| sqlx::query(sql)
            .execute(&mut *conn)
            .await
            .map(|_| ()))
    }

    /// End the step begun with [`Tx::savepoint`]: keep it when it worked, undo it on a unique
    /// conflict (the caller then treats the conflict as an answer), leave any other error to
    /// end the whole transaction.
    pub async fn settle<T>(&mut self, step: &Result<T, sqlx::Error>) -> Result<(), sqlx::Error> {
        match step {
            Ok(_) => self.release().await,
            Err(e) if super::is_unique_violation(e) => self.back_to_savepoint().await,
            Err(_) => Ok(()),
        }
    }
}
