//! Build, run and test orchestration behind the README's commands:
//! `cargo xtask run`, `cargo xtask test`, `cargo xtask dist`, `cargo xtask bench`.

mod api_fuzz;
mod bench;
mod chaos;
mod dist;
mod fuzz;
mod i18n_check;
mod lighthouse;
mod object_store;
mod open311_client;
mod outage;
mod tools;

use anyhow::{bail, Result};
use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    match real_main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask failed: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn real_main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("dist") => dist::dist(&root).map(|_| ()),
        Some("run") => run(&root, &args[1..]),
        Some("test") => test(&root),
        Some("bench") => bench::bench(
            &root,
            bench::Options {
                short: args.iter().any(|a| a == "--short"),
                scale: args.iter().any(|a| a == "--scale"),
            },
        )
        .map(|_| ()),
        Some("lighthouse") => lighthouse::lighthouse(&root).map(|_| ()),
        Some("open311-client") => {
            let anju = tools::build_server(&root)?;
            open311_client::open311_client(&root, &anju)
        }
        Some("api-fuzz") => {
            let examples = args
                .get(1)
                .map(|s| s.parse::<u32>())
                .transpose()
                .map_err(|_| anyhow::anyhow!("usage: cargo xtask api-fuzz [examples]"))?
                .unwrap_or(50);
            let anju = tools::build_server(&root)?;
            api_fuzz::api_fuzz(&root, &anju, examples).map(|_| ())
        }
        Some("object-store") => {
            let url = std::env::var("ANJU_TEST_POSTGRES_URL").map_err(|_| {
                anyhow::anyhow!("set ANJU_TEST_POSTGRES_URL to a PostgreSQL database it may empty")
            })?;
            let anju = tools::build_server(&root)?;
            let o = object_store::object_store(&root, &anju, &url)?;
            println!(
                "ok: a {} byte photo uploaded through one instance, served by the other; {} object(s) in the bucket, none in the database or on disk",
                o.photo_bytes, o.objects
            );
            Ok(())
        }
        Some("chaos") => {
            let cycles = args
                .get(1)
                .map(|s| s.parse::<usize>())
                .transpose()
                .map_err(|_| anyhow::anyhow!("usage: cargo xtask chaos [cycles]"))?
                .unwrap_or(200);
            chaos::chaos(&root, cycles).map(|_| ())
        }
        Some("outage") => {
            let seconds = args
                .get(1)
                .map(|s| s.parse::<u64>())
                .transpose()
                .map_err(|_| anyhow::anyhow!("usage: cargo xtask outage [seconds]"))?
                .unwrap_or(30);
            outage::outage(&root, seconds).map(|_| ())
        }
        Some("fuzz") => {
            let seconds = args
                .get(1)
                .map(|s| s.parse::<u64>())
                .transpose()
                .map_err(|_| anyhow::anyhow!("usage: cargo xtask fuzz [seconds]"))?
                .unwrap_or(300);
            fuzz::fuzz(&root, seconds)
        }
        _ => {
            eprintln!("usage: cargo xtask <run|test|dist|fuzz|bench|lighthouse>\n  run   build everything and start anju on http://127.0.0.1:3000 with demo data\n  test  every check: fmt, clippy, domain and API tests (SQLite, PostgreSQL if ANJU_TEST_POSTGRES_URL), a short fuzz run, i18n, end-to-end\n  fuzz  [seconds] fuzz the text parsers (default 300 s)\n  bench [--short|--scale] the server under load with wrk: /api/health, the month-end mix, each list, static files\n  lighthouse  Lighthouse mobile performance of the first pages (release server, built app)\n  api-fuzz [examples] schemathesis against /api/openapi.json as resident, street reviewer and county admin (default 50 per operation)\n  object-store  uploads in an S3-compatible bucket (moto) served by two instances on one PostgreSQL (ANJU_TEST_POSTGRES_URL)\n  chaos [cycles] SIGKILL the server under submissions (default 200 cycles): nothing acknowledged is lost or doubled\n  outage [seconds] PostgreSQL stopped under load (default 30 s): 503 within 5 s, recovery without a restart");
            bail!("unknown command")
        }
    }
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn run(root: &std::path::Path, extra: &[String]) -> Result<()> {
    dist::dist(root)?;
    let anju = tools::build_server(root)?;
    tools::run(std::process::Command::new(&anju).args(["demo-data"]))?;
    println!("\n安居 Anju: open http://127.0.0.1:3000 (demo accounts are listed in README.md)\n");
    tools::run(std::process::Command::new(&anju).arg("serve").args(extra))
}

/// The SMTP server the e-mail test starts (PyPI, pinned).
const AIOSMTPD: &str = "aiosmtpd==1.4.6";

fn test(root: &std::path::Path) -> Result<()> {
    let mut summary = Vec::new();
    let mut total = tools::Counts::default();
    tools::step("i18n catalogs");
    let keys = i18n_check::check(&root.join("app/i18n"))?;
    summary.push(format!("i18n: {keys} keys, zh-CN and en complete"));

    tools::step("rustfmt");
    tools::run(tools::cargo().args(["fmt", "--all", "--", "--check"]))?;
    tools::step("clippy (native)");
    tools::run(tools::cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    tools::step("clippy (wasm app)");
    tools::ensure_wasm_target()?;
    tools::run(tools::cargo().args([
        "clippy",
        "-p",
        "anju-app",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    summary.push("fmt and clippy (native and wasm32): clean".into());

    tools::step("domain, server and xtask tests (API tests on SQLite)");
    let counts = tools::run_counting(tools::cargo().arg("test"))?;
    total += counts;
    summary.push(format!(
        "cargo test (domain, API on SQLite, xtask): {counts}"
    ));

    // E-mail notifications against a real SMTP server the test starts (PyPI aiosmtpd).
    tools::step("e-mail by SMTP against aiosmtpd (API test on SQLite)");
    let aiosmtpd =
        tools::python_venv(&tools::target_dir(root).join("mail-test-venv"), &[AIOSMTPD])?
            .join("python");
    let counts = tools::run_counting(
        tools::cargo()
            .args([
                "test",
                "-p",
                "anju-server",
                "--test",
                "api",
                "--",
                "--ignored",
                "email_by_smtp::sqlite",
            ])
            .env("ANJU_TEST_AIOSMTPD_PYTHON", &aiosmtpd),
    )?;
    total += counts;
    summary.push(format!("e-mail by SMTP ({AIOSMTPD}), SQLite: {counts}"));

    match std::env::var("ANJU_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => {
            tools::step("API tests on PostgreSQL");
            let counts = tools::run_counting(
                tools::cargo()
                    .args([
                        "test",
                        "-p",
                        "anju-server",
                        "--test",
                        "api",
                        "--",
                        "--ignored",
                        "postgres",
                    ])
                    .env("ANJU_TEST_AIOSMTPD_PYTHON", &aiosmtpd),
            )?;
            total += counts;
            summary.push(format!("API tests on PostgreSQL: {counts}"));
        }
        _ => summary.push("API tests on PostgreSQL: NOT RUN (set ANJU_TEST_POSTGRES_URL)".into()),
    }

    // A short run on every test; `cargo xtask fuzz` runs longer.
    const SHORT_FUZZ_SECS: u64 = 20;
    fuzz::fuzz(root, SHORT_FUZZ_SECS)?;
    summary.push(format!(
        "fuzz (text parsers, {SHORT_FUZZ_SECS} s, libFuzzer): no crash"
    ));

    tools::step("end-to-end in headless Chromium");
    tools::ensure_npm_packages(root)?;
    let bundle = dist::dist(root)?;
    let anju = tools::build_server(root)?;
    let counts = tools::playwright(root, &anju)?;
    total += counts;
    summary.push(format!("end-to-end (Playwright, Chromium): {counts}"));
    open311_client::open311_client(root, &anju)?;
    summary.push(
        "Open311 read by the GeoReport v2 client (PyPI georeport 0.3.1), JSON and XML: ok".into(),
    );
    // The API against its document: a bounded run here, `cargo xtask api-fuzz` runs 50.
    const SHORT_API_FUZZ_EXAMPLES: u32 = 10;
    let fuzzed = api_fuzz::api_fuzz(root, &anju, SHORT_API_FUZZ_EXAMPLES)?;
    summary.push(format!(
        "schemathesis {} against /api/openapi.json ({SHORT_API_FUZZ_EXAMPLES} examples per operation): {}; 0 server errors, 0 responses outside the document",
        api_fuzz::PACKAGE.trim_start_matches("schemathesis=="),
        fuzzed
            .iter()
            .map(|o| format!("{} {} requests", o.role, o.generated))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    // Uploads in a bucket, served by two instances on one PostgreSQL.
    summary.push(match std::env::var("ANJU_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => {
            let o = object_store::object_store(root, &anju, &url)?;
            format!(
                "object store (moto S3, two instances on one PostgreSQL): a {} byte photo uploaded through one, served by the other, {} object(s) in the bucket, none in the database or on disk",
                o.photo_bytes, o.objects
            )
        }
        _ => "object store: NOT RUN (set ANJU_TEST_POSTGRES_URL)".into(),
    });
    summary.push(format!(
        "first-load bundle: {} bytes brotli (budget {}), {} lazy chunks",
        bundle.first_load_brotli,
        dist::FIRST_LOAD_BUDGET,
        bundle.chunks
    ));

    // Killed mid-write, nothing acknowledged is lost: a short run here, `cargo xtask chaos`
    // runs 200 cycles.
    const SHORT_CHAOS_CYCLES: usize = 20;
    let chaos = chaos::chaos(root, SHORT_CHAOS_CYCLES)?;
    summary.push(format!(
        "chaos ({} SIGKILLs under submissions): {} complaints acknowledged of {} sends, each stored once; {} photos acknowledged, each once with its file; {} application saves and {} survey answers acknowledged, the last kept; integrity_check ok; audit chain intact",
        chaos.cycles, chaos.acknowledged, chaos.attempts, chaos.photos, chaos.application_saves, chaos.survey_answers
    ));

    // The database away and back: a short outage here, `cargo xtask outage` stops it 30 s.
    const SHORT_OUTAGE_SECS: u64 = 5;
    summary.push(match outage::outage(root, SHORT_OUTAGE_SECS)? {
        Some(o) => format!(
            "outage (PostgreSQL stopped {} s under load): {} requests answered 503, slowest {} ms, recovered {} ms after its return without a restart, {} complaints acknowledged, each stored once",
            o.outage_secs, o.during, o.slowest_ms, o.recovered_ms, o.acknowledged
        ),
        None => "outage: SKIPPED (no PostgreSQL server binaries on this machine)".into(),
    });

    // The load runs once, briefly, on the debug server: every endpoint answers under 64
    // connections without an error. Figures come from `cargo xtask bench` (release).
    let runs = bench::bench(
        root,
        bench::Options {
            short: true,
            scale: false,
        },
    )?;
    summary.push(format!(
        "bench --short ({} loads, 64 connections, debug server): 0 errors",
        runs.len()
    ));

    println!("\n== summary ==");
    for line in &summary {
        println!("  {line}");
    }
    // Skipped here are the PostgreSQL variants in the SQLite run; they ran above when counted.
    println!("total: {} passed, {} failed", total.passed, total.failed);
    // Checked last so the other results are still reported.
    if bundle.first_load_brotli > dist::FIRST_LOAD_BUDGET {
        bail!(
            "the first load is {} bytes brotli, over the budget of {} (see `cargo xtask dist`)",
            bundle.first_load_brotli,
            dist::FIRST_LOAD_BUDGET
        );
    }
    Ok(())
}
