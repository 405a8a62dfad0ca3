//! `cargo xtask bench --scale`: the lists at two sizes, p99 side by side.

use super::server::{sign_in, start, Volume};
use super::wrk::{wrk_run, Cookies, LUA};
use super::{Run, COMMUNITY_STAFF, RESIDENT, STREET_REVIEWER};
use crate::tools::step;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// The lists and the month's aggregates at 10,000 and at 1,000,000 complaints (a tenth as many
/// retrofit applications and survey responses): p99 of each, and the ratio the issue holds to
/// ≤ 1.5. Complaints and responses arrive at a fixed rate (see the server's `demo::volume`), so
/// the larger database has a longer history and the month read is alike.
pub(super) fn scale(
    anju: &Path,
    wrk: &Path,
    work: &Path,
    dist: &Path,
    database_url: Option<&str>,
    backend: &str,
) -> Result<Vec<Run>> {
    const SIZES: [Volume; 2] = [
        Volume {
            complaints: 10_000,
            applications: 1_000,
            survey_responses: 10_000,
        },
        Volume {
            complaints: 1_000_000,
            applications: 100_000,
            survey_responses: 100_000,
        },
    ];
    const SECONDS: u32 = 5;
    let script = work.join("anju.lua");
    std::fs::write(&script, LUA)?;
    let mut results: Vec<Vec<Run>> = Vec::new();
    for volume in SIZES {
        let (server, base) = start(anju, work, dist, database_url, Some(volume))?;
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
        let survey = first_id(&base, &cookies.staff, "/api/surveys", "\"id\":")?;
        let community = first_id(
            &base,
            &cookies.staff,
            "/api/me",
            "\"jurisdiction\":{\"id\":",
        )?;
        let last_month = last_month(&base, &cookies.staff)?;
        step(&format!(
            "{} complaints, {} applications, {} survey responses ({backend})",
            volume.complaints, volume.applications, volume.survey_responses
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
            wrk_run(
                wrk,
                &script,
                SECONDS,
                &cookies,
                "survey results (month, trend)",
                "staff_queue",
                &url(&format!("/api/surveys/{survey}/results")),
            )?,
            wrk_run(
                wrk,
                &script,
                SECONDS,
                &cookies,
                "monthly complaint report",
                "staff_queue",
                &url(&format!(
                    "/api/reports/complaints?community_id={community}&month={last_month}"
                )),
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

/// What `path` answers the signed-in caller.
fn get(base: &str, cookie: &str, path: &str) -> Result<String> {
    let out = Command::new("curl")
        .args([
            "-fsS",
            "-H",
            &format!("Cookie: {cookie}"),
            &format!("{base}{path}"),
        ])
        .output()?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The first number after `marker` in what `path` answers the signed-in caller.
fn first_id(base: &str, cookie: &str, path: &str, marker: &str) -> Result<i64> {
    let body = get(base, cookie, path)?;
    body.split(marker)
        .nth(1)
        .and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .find(|s| !s.is_empty())
        })
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("no {marker} in {path}: {body}"))
}

/// The month before this one, `YYYY-MM` (the report of a whole month), from the server's
/// own answer so the machine's clock and time zone do not matter.
fn last_month(base: &str, cookie: &str) -> Result<String> {
    let survey = first_id(base, cookie, "/api/surveys", "\"id\":")?;
    let body = get(base, cookie, &format!("/api/surveys/{survey}/results"))?;
    // The trend lists six months oldest first; the second-to-last is last month.
    let months: Vec<&str> = body
        .split("{\"month\":\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    months
        .len()
        .checked_sub(2)
        .map(|i| months[i].to_owned())
        .with_context(|| format!("no trend in the survey results: {body}"))
}

/// Follow the staff queue `pages` pages on, for a key deep in it.
fn later_page_key(base: &str, cookie: &str, pages: usize) -> Result<String> {
    let mut key: Option<String> = None;
    for _ in 0..pages {
        let path = match &key {
            Some(k) => format!("/api/cases?after={k}"),
            None => "/api/cases".to_owned(),
        };
        let body = get(base, cookie, &path)?;
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
