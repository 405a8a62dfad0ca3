//! The server a bench measures: a fresh database with the demo data, started on a free
//! port, signed in over HTTP; and the tools it needs.

use crate::tools::{self, step};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server on a fresh database with the demo data (and, for `--scale`, `volume` more
/// complaints and applications); answers once `/api/health` does.
/// What `anju volume-data` adds to the demo data.
#[derive(Clone, Copy)]
pub(crate) struct Volume {
    pub(crate) complaints: i64,
    pub(crate) applications: i64,
    pub(crate) survey_responses: i64,
}

pub(crate) fn start(
    anju: &Path,
    work: &Path,
    dist: &Path,
    database_url: Option<&str>,
    volume: Option<Volume>,
) -> Result<(Server, String)> {
    start_with_env(anju, work, dist, database_url, volume, &[])
}

/// [`start`] with extra environment for the server (e.g. `ANJU_OBJECT_STORE_URL`).
pub(crate) fn start_with_env(
    anju: &Path,
    work: &Path,
    dist: &Path,
    database_url: Option<&str>,
    volume: Option<Volume>,
    env: &[(&str, &str)],
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
    if let Some(v) = volume {
        step(&format!(
            "loading {} complaints, {} applications, {} survey responses",
            v.complaints, v.applications, v.survey_responses
        ));
        let mut cmd = Command::new(anju);
        with_db(&mut cmd);
        tools::run(cmd.args([
            "volume-data",
            "--complaints",
            &v.complaints.to_string(),
            "--applications",
            &v.applications.to_string(),
            "--survey-responses",
            &v.survey_responses.to_string(),
        ]))?;
    }
    serve(anju, &data, dist, database_url, env)
}

/// `anju serve` on a database that is already there (another instance of the same service
/// when `data` is another directory), on a free port; answers once `/api/health` does.
pub(crate) fn serve(
    anju: &Path,
    data: &Path,
    dist: &Path,
    database_url: Option<&str>,
    env: &[(&str, &str)],
) -> Result<(Server, String)> {
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let mut serve = Command::new(anju);
    serve.arg("--data-dir").arg(data);
    if let Some(url) = database_url {
        serve.args(["--database-url", url]);
    }
    let server = Server(
        serve
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--dist-dir")
            .arg(dist)
            .envs(env.iter().copied())
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

/// A running `anju`, stopped with SIGKILL when dropped.
pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(super) fn ensure_wrk() -> Result<PathBuf> {
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
pub(crate) fn small_dist(work: &Path) -> Result<PathBuf> {
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

pub(crate) fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

pub(crate) fn wait_healthy(base: &str) -> Result<()> {
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
pub(crate) fn sign_in(base: &str, (phone, password): (&str, &str)) -> Result<String> {
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

pub(crate) fn first_category(base: &str) -> Result<String> {
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
