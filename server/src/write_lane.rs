//! On SQLite, requests that change data run on a runtime of their own (the *write lane*).
//!
//! A change holds SQLite's single writer across several statements, and between two of them
//! its task waits to be polled again; woken from the connection's thread, it goes to the
//! runtime's shared queue, behind the month-end rush of list reads, while every other change
//! waits for the writer. On a runtime that runs only changes, a change's next statement is
//! sent as soon as the last one answers, and reads stay where they were.
//!
//! Measured A/B (release, wrk with `cargo xtask bench`'s mix, c = 64, same machine, four
//! runs each): SQLite mixed load +7 % throughput, p99 −15 % (54.8 → 46.6 ms on average). On
//! PostgreSQL, whose changes run side by side, the extra hop cost CPU (new complaints +20 %
//! CPU each, mix −3 %): there the router does not use the lane (`routes::router`).

use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;
use tracing::Instrument;

/// Threads of the write lane: two, so that a change's own work (parsing, hashing the audit
/// entry) runs beside another change's wait for the database.
const THREADS: usize = 2;

fn lane() -> &'static tokio::runtime::Handle {
    static LANE: OnceLock<tokio::runtime::Handle> = OnceLock::new();
    LANE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(THREADS)
            .thread_name("anju-writes")
            .enable_all()
            .build()
            .expect("building the write lane's runtime");
        let handle = runtime.handle().clone();
        // The lane lives as long as the process: keep its runtime from being dropped.
        std::mem::forget(runtime);
        handle
    })
}

/// Runs a request that may change data on the write lane; safe methods pass through.
pub async fn on_write_lane(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let mut task = AbortOnDrop(lane().spawn(next.run(request).in_current_span()));
    match (&mut task.0).await {
        Ok(response) => response,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => {
            tracing::error!(error = %e, "write lane task ended without an answer");
            crate::error::ApiError::Unavailable.into_response()
        }
    }
}

/// A client that goes away cancels its change, as it would on the main runtime.
struct AbortOnDrop(tokio::task::JoinHandle<Response>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
