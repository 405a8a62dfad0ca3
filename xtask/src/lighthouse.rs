//! `cargo xtask lighthouse`: Lighthouse's mobile performance audit (its default: a mid-range
//! phone on Slow 4G with 4× CPU slowdown, simulated) of the pages a resident opens first,
//! against the release server and the built `dist/`, in the Debian Chromium.

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
