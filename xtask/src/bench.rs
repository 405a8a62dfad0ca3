//! `cargo xtask bench`: the server under load, measured with `wrk` (Debian's package, installed
//! when missing). A release server starts on a fresh database with the demo data (SQLite, or
//! PostgreSQL when `ANJU_BENCH_POSTGRES_URL` names an empty database), then:
//!
//! - `/api/health` alone, the yardstick of what the machine and the HTTP stack can do;
//! - the month-end mix at 64 connections: 40 % a resident's case list, 30 % the staff queue,
//!   20 % session checks, 10 % new complaints;
//! - each list alone, new complaints alone, and the static files (a small hashed file,
//!   `index.html`).
//!
//! It prints p50 / p99 / requests per second per run and the mix against `/api/health`.
//! `--short` runs each load for 2 s on the debug server `cargo xtask test` already built, to
//! prove the command and the endpoints work under load (no figures are claimed from it).

use crate::tools::{self, step};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CONNECTIONS: u32 = 64;
const RESIDENT: (&str, &str) = ("13800000001", "anju-resident-2026");
const COMMUNITY_STAFF: (&str, &str) = ("13800000003", "anju-community-2026");
const STREET_REVIEWER: (&str, &str) = ("13800000004", "anju-street-2026");

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
        step("building the release server");
        tools::run(tools::cargo().args([
            "build",
            "--release",
            "-p",
            "anju-server",
            "--bin",
            "anju",
        ]))?;
        tools::target_dir(root).join("release").join("anju")
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
        return scale(&anju, &wrk, &work, &dist, database_url.as_deref(), backend);
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
    if let Some(bad) = runs.iter().find(|r| r.errors > 0) {
        bail!("{}: {} failed responses under load", bad.name, bad.errors);
    }
    Ok(runs)
}

/// The mix and the single loads. Cookies and the category come from the environment; each new
/// complaint has its own retry key, so none is a repeat.
const LUA: &str = r#"
local mode = os.getenv("ANJU_MODE")
local staff = os.getenv("ANJU_STAFF")
local category = os.getenv("ANJU_CATEGORY")
local counter = 0
local thread_tag = tostring(math.random(1, 1e9))

local function get(path, cookie)
  return wrk.format("GET", path, { ["Cookie"] = cookie, ["X-Anju-Client"] = "bench" })
end

local function new_complaint()
  counter = counter + 1
  local body = string.format(
    '{"client_key":"bench-%s-%d","category":"%s","description":"楼道灯不亮了，晚上看不见台阶（压测）"}',
    thread_tag, counter, category)
  return wrk.format("POST", "/api/cases", {
    ["Cookie"] = os.getenv("ANJU_RESIDENT"), ["X-Anju-Client"] = "bench",
    ["Content-Type"] = "application/json" }, body)
end

request = function()
  if mode == "mixed" then
    local r = math.random(100)
    if r <= 40 then return get("/api/cases", os.getenv("ANJU_RESIDENT"))
    elseif r <= 70 then return get("/api/cases", staff)
    elseif r <= 90 then return get("/api/session", os.getenv("ANJU_RESIDENT"))
    else return new_complaint() end
  elseif mode == "resident_list" or mode == "session" then
    return get(wrk.path, os.getenv("ANJU_RESIDENT"))
  elseif mode == "staff_queue" or mode == "staff_overdue" then
    return get(wrk.path, staff)
  elseif mode == "new_complaint" then
    return new_complaint()
  elseif mode == "static" then
    return wrk.format("GET", wrk.path, { ["Accept-Encoding"] = "br, gzip" })
  else
    return wrk.format("GET", wrk.path)
  end
end
"#;

struct Cookies {
    resident: String,
    staff: String,
    category: String,
}

fn wrk_run(
    wrk: &Path,
    script: &Path,
    seconds: u32,
    cookies: &Cookies,
    name: &str,
    mode: &str,
    url: &str,
) -> Result<Run> {
    let out = Command::new(wrk)
        .args([
            "-t",
            "2",
            "-c",
            &CONNECTIONS.to_string(),
            "-d",
            &format!("{seconds}s"),
        ])
        .args(["--latency", "-s"])
        .arg(script)
        .arg(url)
        .env("ANJU_MODE", mode)
        .env("ANJU_RESIDENT", &cookies.resident)
        .env("ANJU_STAFF", &cookies.staff)
        .env("ANJU_CATEGORY", &cookies.category)
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("wrk failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let run = parse_wrk(name, &text)?;
    println!(
        "  {:<34} {:>9.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   errors {}",
        run.name, run.requests_per_sec, run.p50_ms, run.p99_ms, run.errors
    );
    Ok(run)
}

/// A server on a fresh database with the demo data (and, for `--scale`, `volume` more
/// complaints and applications); answers once `/api/health` does.
fn start(
    anju: &Path,
    work: &Path,
    dist: &Path,
    database_url: Option<&str>,
    volume: Option<(i64, i64)>,
) -> Result<(Server, String)> {
    let data = work.join("data");
    let _ = std::fs::remove_dir_all(&data);
    let with_db = |cmd: &mut Command| {
        cmd.arg("--data-dir").arg(&data);
        if let Some(url) = database_url {
            cmd.args(["--database-url", url]);
        }
    };
    if let Some(url) = database_url {
        reset_postgres(url)?;
    }
    let mut demo = Command::new(anju);
    with_db(&mut demo);
    tools::run(demo.arg("demo-data"))?;
    if let Some((complaints, applications)) = volume {
        step(&format!(
            "loading {complaints} complaints and {applications} applications"
        ));
        let mut cmd = Command::new(anju);
        with_db(&mut cmd);
        tools::run(cmd.args([
            "volume-data",
            "--complaints",
            &complaints.to_string(),
            "--applications",
            &applications.to_string(),
        ]))?;
    }
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let mut serve = Command::new(anju);
    with_db(&mut serve);
    let server = Server(
        serve
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--dist-dir")
            .arg(dist)
            // Request lines are logged at info; a bench measures the service, not the terminal.
            .env("ANJU_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .context("starting the server")?,
    );
    wait_healthy(&base)?;
    Ok((server, base))
}

/// Empty the bench database (its URL names a database used for nothing else).
fn reset_postgres(url: &str) -> Result<()> {
    tools::run(Command::new("psql").args([
        url,
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        "DROP SCHEMA public CASCADE",
        "-c",
        "CREATE SCHEMA public",
    ]))
}

/// The lists at 10,000 and at 1,000,000 complaints (a tenth as many retrofit applications):
/// p99 of each, and the ratio the issue holds to ≤ 1.5.
fn scale(
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

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ensure_wrk() -> Result<PathBuf> {
    if let Some(p) = tools::which("wrk") {
        return Ok(p);
    }
    step("installing wrk (Debian package)");
    tools::run(Command::new("apt-get").args(["install", "-y", "-qq", "wrk"]))
        .or_else(|_| {
            tools::run(Command::new("apt-get").args(["update", "-qq"]))?;
            tools::run(Command::new("apt-get").args(["install", "-y", "-qq", "wrk"]))
        })
        .context("wrk is needed: apt-get install wrk")?;
    tools::which("wrk").context("wrk not found after installing it")
}

/// A small build: the shell, and one content-hashed file with its brotli sibling.
fn small_dist(work: &Path) -> Result<PathBuf> {
    let dist = work.join("dist");
    std::fs::create_dir_all(&dist)?;
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><html lang=zh-CN><meta charset=utf-8><title>安居</title><div id=app></div>",
    )?;
    let js = "export function start() { document.title = '安居'; }\n".repeat(20);
    std::fs::write(dist.join("app-0123456789abcdef.js"), &js)?;
    let mut br = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        w.write_all(js.as_bytes())?;
    }
    std::fs::write(dist.join("app-0123456789abcdef.js.br"), br)?;
    Ok(dist)
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn wait_healthy(base: &str) -> Result<()> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        // Quiet: refused connections are expected until the server listens.
        let ok = Command::new("curl")
            .args(["-fs", "-o", "/dev/null", &format!("{base}/api/health")])
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!("the server did not answer /api/health within 60 s")
}

/// Sign in and return the session cookie (`name=value`).
fn sign_in(base: &str, (phone, password): (&str, &str)) -> Result<String> {
    let out = Command::new("curl")
        .args(["-fsS", "-D", "-", "-o", "/dev/null", "-X", "POST"])
        .args([
            "-H",
            "Content-Type: application/json",
            "-H",
            "X-Anju-Client: bench",
        ])
        .args([
            "--data",
            &format!(r#"{{"phone":"{phone}","password":"{password}"}}"#),
        ])
        .arg(format!("{base}/api/auth/sign-in"))
        .output()?;
    let headers = String::from_utf8_lossy(&out.stdout);
    headers
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie")
                .then(|| value.trim().split(';').next().unwrap_or("").to_owned())
        })
        .filter(|c| !c.is_empty())
        .with_context(|| format!("signing in {phone} gave no session cookie: {headers}"))
}

fn first_category(base: &str) -> Result<String> {
    let out = Command::new("curl")
        .args(["-fsS", &format!("{base}/api/complaint-categories")])
        .output()?;
    let body = String::from_utf8_lossy(&out.stdout);
    // `[{"code":"…",` — the first complaint category's code.
    let code = body
        .split("\"code\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("no complaint categories")?;
    Ok(code.to_owned())
}

/// Requests/sec, the 50 % and 99 % latencies, and failed responses from `wrk --latency`.
pub fn parse_wrk(name: &str, text: &str) -> Result<Run> {
    let mut run = Run {
        name: name.to_owned(),
        ..Run::default()
    };
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => run.requests_per_sec = n.parse()?,
            ["50%", t] => run.p50_ms = millis(t)?,
            ["99%", t] => run.p99_ms = millis(t)?,
            ["Non-2xx", "or", "3xx", "responses:", n] => run.errors += n.parse::<u64>()?,
            ["Socket", "errors:", rest @ ..] => {
                // `connect 0, read 0, write 0, timeout 0`
                for n in rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                {
                    run.errors += n;
                }
            }
            _ => {}
        }
    }
    if run.requests_per_sec == 0.0 {
        bail!("could not read wrk's report:\n{text}");
    }
    Ok(run)
}

/// `812.00us`, `3.21ms`, `1.05s` → milliseconds.
fn millis(t: &str) -> Result<f64> {
    let (n, scale) = if let Some(n) = t.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1000.0)
    } else {
        bail!("unknown duration {t}")
    };
    Ok(n.parse::<f64>()? * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 2s test @ http://127.0.0.1:1/
  2 threads and 64 connections
  Latency Distribution
     50%  812.00us
     75%    1.20ms
     90%    2.01ms
     99%    3.21ms
  25000 requests in 2.00s, 3.1MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  12500.33
Transfer/sec:      1.55MB
";

    #[test]
    fn reads_wrks_report() {
        let run = parse_wrk("x", REPORT).unwrap();
        assert_eq!(run.requests_per_sec, 12500.33);
        assert!((run.p50_ms - 0.812).abs() < 1e-9);
        assert_eq!(run.p99_ms, 3.21);
        assert_eq!(run.errors, 7);
        assert!(parse_wrk("x", "garbage").is_err());
    }
}
