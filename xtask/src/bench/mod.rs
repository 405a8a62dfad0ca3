//! `cargo xtask bench`: the server under load, measured with `wrk` (Debian's package, installed
//! when missing). A release server starts on a fresh database with the demo data (SQLite, or
//! PostgreSQL when `ANJU_BENCH_POSTGRES_URL` names an empty database), then:
//!
//! - `/api/health` alone, the yardstick of what the machine and the HTTP stack can do;
//! - the month-end mix at 64 connections: 40 % a resident's case list, 30 % the staff queue,
//!   20 % session checks, 10 % new complaints; then the same mix with session checks in place
//!   of the new complaints, which shows what the writes cost;
//! - each list alone, new complaints alone, and the static files (a small hashed file,
//!   `index.html`).
//!
//! It prints p50 / p99 / requests per second per run and the mix against `/api/health`.
//! `--short` runs each load for 2 s on the debug server `cargo xtask test` already built, to
//! prove the command and the endpoints work under load (no figures are claimed from it).

mod scale;
pub(crate) mod server;
mod wrk;

use crate::tools::{self, step};
use anyhow::{bail, Result};
use server::{ensure_wrk, first_category, sign_in, small_dist, start};
use std::path::Path;
use wrk::{wrk_run, Cookies, LUA};

pub(super) const CONNECTIONS: u32 = 64;
pub(crate) const RESIDENT: (&str, &str) = ("13800000001", "anju-resident-2026");
pub(super) const COMMUNITY_STAFF: (&str, &str) = ("13800000003", "anju-community-2026");
pub(super) const STREET_REVIEWER: (&str, &str) = ("13800000004", "anju-street-2026");

pub struct Options {
    pub short: bool,
    /// Compare the lists at 10,000 and 1,000,000 complaints instead.
    pub scale: bool,
}

/// One load's figures, as `wrk --latency` reports them.
#[derive(Debug, Default, Clone)]
pub struct Run {
    pub name: String,
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
}

pub fn bench(root: &Path, options: Options) -> Result<Vec<Run>> {
    let anju = if options.short {
        tools::build_server(root)?
    } else {
        tools::build_release_server(root)?
    };
    let wrk = ensure_wrk()?;
    let seconds = if options.short { 2 } else { 10 };
    let work = std::env::temp_dir().join(format!("anju-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let dist = small_dist(&work)?;
    let database_url = std::env::var("ANJU_BENCH_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let backend = if database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    if options.scale {
        return scale::scale(&anju, &wrk, &work, &dist, database_url.as_deref(), backend);
    }
    let (server, base) = start(&anju, &work, &dist, database_url.as_deref(), None)?;
    let resident = sign_in(&base, RESIDENT)?;
    let staff = sign_in(&base, COMMUNITY_STAFF)?;
    let category = first_category(&base)?;
    let script = work.join("anju.lua");
    std::fs::write(&script, LUA)?;

    step(&format!(
        "load: {CONNECTIONS} connections, {seconds} s each, {backend}, {}",
        if options.short {
            "debug server (--short)"
        } else {
            "release server"
        }
    ));
    let cookies = Cookies {
        resident,
        staff,
        category,
    };
    let load = |name: &str, mode: &str, path: &str| {
        wrk_run(
            &wrk,
            &script,
            seconds,
            &cookies,
            name,
            mode,
            &format!("{base}{path}"),
        )
    };
    let runs = vec![
        load("/api/health", "health", "/api/health")?,
        load("mixed (40/30/20/10)", "mixed", "/")?,
        // The same mix with session checks in place of the new complaints: what the writes cost.
        load("mixed, reads only (40/30/30)", "mixed_reads", "/")?,
        load("resident's case list", "resident_list", "/api/cases")?,
        load("staff queue", "staff_queue", "/api/cases")?,
        load(
            "staff queue, overdue",
            "staff_overdue",
            "/api/cases?overdue=true",
        )?,
        load("session check", "session", "/api/session")?,
        load("new complaints", "new_complaint", "/api/cases")?,
        load(
            "static file (hashed, br)",
            "static",
            "/app-0123456789abcdef.js",
        )?,
        load("index.html", "static", "/index.html")?,
    ];
    drop(server);
    let _ = std::fs::remove_dir_all(&work);

    let health = runs[0].requests_per_sec.max(1.0);
    let mixed = &runs[1];
    println!(
        "\n  mixed load: {:.0} req/s = {:.2} × /api/health, p99 {:.2} ms, {} errors ({backend})",
        mixed.requests_per_sec,
        mixed.requests_per_sec / health,
        mixed.p99_ms,
        mixed.errors
    );
    let reads = &runs[2];
    println!(
        "  the same mix without its writes: {:.0} req/s = {:.2} × /api/health, p99 {:.2} ms",
        reads.requests_per_sec,
        reads.requests_per_sec / health,
        reads.p99_ms,
    );
    if let Some(bad) = runs.iter().find(|r| r.errors > 0) {
        bail!("{}: {} failed responses under load", bad.name, bad.errors);
    }
    Ok(runs)
}
