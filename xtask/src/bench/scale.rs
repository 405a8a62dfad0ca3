//! `cargo xtask bench --scale`: the lists at two sizes, p99 side by side.

use super::server::{sign_in, start};
use super::wrk::{wrk_run, Cookies, LUA};
use super::{Run, COMMUNITY_STAFF, RESIDENT, STREET_REVIEWER};
use crate::tools::step;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// The lists at 10,000 and at 1,000,000 complaints (a tenth as many retrofit applications):
/// p99 of each, and the ratio the issue holds to ≤ 1.5.
pub(super) fn scale(
    anju: &Path,
    wrk: &Path,
    work: &Path,
    dist: &Path,
    database_url: Option<&str>,
    backend: &str,
) -> Result<Vec<Run>> {
    const SIZES: [(i64, i64); 2] = [(10_000, 1_000), (1_000_000, 100_000)];
    const SECONDS: u32 = 5;
    let script = work.join("anju.lua");
    std::fs::write(&script, LUA)?;
    let mut results: Vec<Vec<Run>> = Vec::new();
    for (complaints, applications) in SIZES {
        let (server, base) = start(
            anju,
            work,
            dist,
            database_url,
            Some((complaints, applications)),
        )?;
        let cookies = Cookies {
            resident: sign_in(&base, RESIDENT)?,
            staff: sign_in(&base, COMMUNITY_STAFF)?,
            category: String::new(),
        };
        let reviewer = Cookies {
            resident: String::new(),
            staff: sign_in(&base, STREET_REVIEWER)?,
            category: String::new(),
        };
        let later = later_page_key(&base, &cookies.staff, 2)?;
        step(&format!(
            "{complaints} complaints, {applications} applications ({backend})"
        ));
        let url = |path: &str| format!("{base}{path}");
        results.push(vec![
            wrk_run(
                wrk,
                &script,
                SECONDS,
                &cookies,
                "staff queue, first page",
                "staff_queue",
                &url("/api/cases"),
            )?,
            wrk_run(
                wrk,
                &script,
                SECONDS,
                &cookies,
                "staff queue, 3rd page",
                "staff_queue",
                &url(&format!("/api/cases?after={later}")),
            )?,
            wrk_run(
                wrk,
                &script,
                SECONDS,
                &cookies,
                "overdue view",
                "staff_overdue",
                &url("/api/cases?overdue=true"),
            )?,
            wrk_run(
                wrk,
                &script,
                SECONDS,
                &reviewer,
                "retrofit queue (street)",
                "staff_queue",
                &url("/api/retrofit/applications"),
            )?,
            wrk_run(
                wrk,
                &script,
                SECONDS,
                &cookies,
                "resident's case list",
                "resident_list",
                &url("/api/cases"),
            )?,
        ]);
        drop(server);
    }
    println!(
        "\n  {:<28} {:>12} {:>12} {:>7}",
        "p99", "10,000", "1,000,000", "ratio"
    );
    for (small, large) in results[0].iter().zip(&results[1]) {
        println!(
            "  {:<28} {:>9.2} ms {:>9.2} ms {:>7.2}",
            small.name,
            small.p99_ms,
            large.p99_ms,
            large.p99_ms / small.p99_ms.max(0.001)
        );
    }
    let _ = std::fs::remove_dir_all(work);
    let all: Vec<Run> = results.into_iter().flatten().collect();
    if let Some(bad) = all.iter().find(|r| r.errors > 0) {
        bail!("{}: {} failed responses under load", bad.name, bad.errors);
    }
    Ok(all)
}

/// Follow the staff queue `pages` pages on, for a key deep in it.
fn later_page_key(base: &str, cookie: &str, pages: usize) -> Result<String> {
    let mut key: Option<String> = None;
    for _ in 0..pages {
        let url = match &key {
            Some(k) => format!("{base}/api/cases?after={k}"),
            None => format!("{base}/api/cases"),
        };
        let out = Command::new("curl")
            .args(["-fsS", "-H", &format!("Cookie: {cookie}"), &url])
            .output()?;
        let body = String::from_utf8_lossy(&out.stdout);
        key = body
            .split("\"next_after\":\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned);
        if key.is_none() {
            bail!("the staff queue ended before {pages} pages");
        }
    }
    key.context("no page key")
}
