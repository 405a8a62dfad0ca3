//! `cargo xtask lighthouse`: Lighthouse's mobile performance audit (its default: a mid-range
//! phone on Slow 4G with 4× CPU slowdown, simulated) of the pages a resident opens first,
//! against the release server and the built `dist/`, in the Debian Chromium; then the same pages
//! with those conditions applied for real (`end2end/throttled-lcp.mjs`), reading the LCP entry
//! the page itself reports. These pages are sent with their heading and introduction in them
//! (`anju_domain::bundle::SENT_PAGES`), which the app takes over in place: both count that early
//! paint. (Lighthouse's trace drops a largest paint whose element is later removed or moved, so
//! while the app replaced them with copies, Lighthouse reported the app's later paint.)

use crate::bench::server::{sign_in, start};
use crate::bench::RESIDENT;
use crate::tools::{self, step};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// The pages of the issue's goal; the complaint form is audited signed in.
const PAGES: &[(&str, bool)] = &[
    ("/", false),
    ("/retrofit/check", false),
    ("/register", false),
    ("/complaints/new", true),
];

pub struct Audit {
    pub path: String,
    pub performance: f64,
    pub lcp_ms: f64,
    pub fcp_ms: f64,
    pub tbt_ms: f64,
    pub transfer_bytes: f64,
}

pub fn lighthouse(root: &Path) -> Result<Vec<Audit>> {
    tools::ensure_npm_packages(root)?;
    let chrome =
        tools::chromium().context("Lighthouse needs Chromium: apt-get install chromium")?;
    crate::dist::dist(root)?;
    let anju = tools::build_release_server(root)?;
    let work = std::env::temp_dir().join(format!("anju-lighthouse-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let (_server, base) = start(&anju, &work, &root.join("dist"), None, None)?;
    let cookie = sign_in(&base, RESIDENT)?;
    let headers = work.join("signed-in-headers.json");
    std::fs::write(&headers, format!(r#"{{"Cookie":"{cookie}"}}"#))?;

    let mut audits = Vec::new();
    for (path, signed_in) in PAGES {
        step(&format!("lighthouse {path}"));
        let report = work.join("report.json");
        let mut cmd = Command::new(root.join("end2end/node_modules/.bin/lighthouse"));
        cmd.arg(format!("{base}{path}"))
            .args(["--only-categories=performance", "--output=json", "--quiet"])
            .arg(format!("--output-path={}", report.display()))
            .arg("--chrome-flags=--headless=new --no-sandbox --disable-gpu")
            .env("CHROME_PATH", &chrome);
        if *signed_in {
            cmd.arg(format!("--extra-headers={}", headers.display()));
        }
        tools::run(&mut cmd)?;
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report)?)
            .context("reading Lighthouse's report")?;
        audits.push(audit(path, &json)?);
    }

    // The same pages under real throttling, as the phone's browser reports its own LCP.
    step("the pages' own LCP under real throttling");
    let mut measure = Command::new("node");
    measure
        .current_dir(root.join("end2end"))
        .arg("throttled-lcp.mjs")
        .arg(&base)
        .arg("3")
        .env("CHROME_PATH", &chrome);
    for (path, signed_in) in PAGES {
        measure.arg(if *signed_in {
            format!("{path}={cookie}")
        } else {
            path.to_string()
        });
    }
    let output = measure.output().context("running node throttled-lcp.mjs")?;
    if !output.status.success() {
        bail!(
            "throttled-lcp.mjs failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let throttled: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .context("reading throttled-lcp.mjs's lines")?;
    let _ = std::fs::remove_dir_all(&work);

    println!("\nLighthouse mobile (Slow 4G, 4x CPU), performance category:");
    println!(
        "  {:<18} {:>5} {:>8} {:>8} {:>8} {:>10}",
        "page", "score", "LCP ms", "FCP ms", "TBT ms", "bytes"
    );
    for a in &audits {
        println!(
            "  {:<18} {:>5.0} {:>8.0} {:>8.0} {:>8.0} {:>10.0}",
            a.path,
            a.performance * 100.0,
            a.lcp_ms,
            a.fcp_ms,
            a.tbt_ms,
            a.transfer_bytes
        );
    }
    println!(
        "\nThe page's own LCP entry in Chromium under the same conditions applied for real \
         (DevTools throttling; median of 3):"
    );
    println!("  {:<18} {:>8}  largest element", "page", "LCP ms");
    for t in &throttled {
        println!(
            "  {:<18} {:>8}  {}",
            t["path"].as_str().unwrap_or("?"),
            t["median_ms"].as_i64().unwrap_or(-1),
            t["element"].as_str().unwrap_or("?")
        );
    }
    Ok(audits)
}

fn audit(path: &str, report: &serde_json::Value) -> Result<Audit> {
    if let Some(error) = report
        .pointer("/runtimeError/message")
        .and_then(|m| m.as_str())
    {
        bail!("Lighthouse could not audit {path}: {error}");
    }
    let number = |pointer: &str| {
        report
            .pointer(pointer)
            .and_then(|v| v.as_f64())
            .with_context(|| format!("no {pointer} in Lighthouse's report of {path}"))
    };
    Ok(Audit {
        path: path.to_string(),
        performance: number("/categories/performance/score")?,
        lcp_ms: number("/audits/largest-contentful-paint/numericValue")?,
        fcp_ms: number("/audits/first-contentful-paint/numericValue")?,
        tbt_ms: number("/audits/total-blocking-time/numericValue")?,
        transfer_bytes: number("/audits/total-byte-weight/numericValue")?,
    })
}
