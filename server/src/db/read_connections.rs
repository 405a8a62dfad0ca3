//! SQLite's read connections, handed out without sqlx's pool.
//!
//! sqlx 0.8's pool pings a connection when it is taken (`test_before_acquire`) and always
//! when it is given back, and each ping, like each statement, is a hand-over to the
//! connection's own thread and back. A list page thus cost three hand-overs for one query,
//! and under load the thread switches were the largest item in the profile (`perf` on
//! `cargo xtask bench`'s lists: ~40 % in the kernel's task switching, SQLite itself ~2 %).
//! An embedded database file has no connection that could go stale, so the pings buy
//! nothing: these connections are opened once and lent out as they are (deadpool's
//! unmanaged pool: a semaphore and a list), one hand-over per statement.

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::Connection;

/// How many statements may read at once (each connection has a thread of its own).
const READERS: usize = 4;

#[derive(Clone)]
pub struct ReadConnections(deadpool::unmanaged::Pool<SqliteConnection>);

impl std::fmt::Debug for ReadConnections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadConnections")
            .field("available", &self.0.status().available)
            .finish()
    }
}

impl ReadConnections {
    pub(super) async fn open(options: &SqliteConnectOptions) -> Result<Self, sqlx::Error> {
        let mut connections = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            connections.push(SqliteConnection::connect_with(options).await?);
        }
        Ok(Self(deadpool::unmanaged::Pool::from(connections)))
    }

    /// A connection, back to the others when the returned guard is dropped.
    pub async fn get(&self) -> Result<deadpool::unmanaged::Object<SqliteConnection>, sqlx::Error> {
        // Without a timeout the only failure is a closed pool: the database is shutting down.
        self.0.get().await.map_err(|_| sqlx::Error::PoolClosed)
    }

    pub(super) fn close(&self) {
        self.0.close();
    }
}
