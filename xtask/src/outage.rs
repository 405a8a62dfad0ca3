//! `cargo xtask outage [SECONDS]`: PostgreSQL goes away under load and comes back. A private
//! PostgreSQL (initdb in a temporary directory, its own port: the machine's own cluster and the
//! other tests are left alone) serves `anju`; complaints keep arriving from four threads (the
//! same key again after a failure, as the app does); the database is stopped (`pg_ctl stop -m
//! immediate`) for SECONDS (default 30; `cargo xtask test` runs 5) and started again, without
//! restarting `anju`. Checked: while it is away every request is answered 503 with the envelope
//! within 5 s (none hangs), `/api/health` says 503; once it is back the service recovers by
//! itself; every acknowledged complaint exists exactly once.
//!
//! Skipped, saying so, when this machine has no PostgreSQL server binaries (initdb, pg_ctl).

use crate::bench::server::{free_port, sign_in, small_dist, wait_healthy, Server};
use crate::chaos::{post_complaint, settled};
use crate::tools::{self, step};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest a request may take while the database is away.
const FAIL_FAST: Duration = Duration::from_secs(5);
/// Requests already inside the database when it stops may fail any way: this long after the
/// stop, every answer must be the 503.
const SETTLE: Duration = Duration::from_secs(1);

pub struct Report {
    pub outage_secs: u64,
    pub during: usize,
    pub slowest_ms: u128,
    pub recovered_ms: u128,
    pub acknowledged: usize,
}

/// The newest PostgreSQL server binaries of the Debian layout.
fn server_binaries() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
        .collect();
    dirs.sort();
    dirs.pop()
}

/// A PostgreSQL of our own, run as the `postgres` user when we are root (it refuses root).
struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_root: bool,
}

impl Postgres {
    fn command(&self, tool: &str) -> Command {
        if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(self.bin.join(tool));
            c
        } else {
            Command::new(self.bin.join(tool))
        }
    }

    fn create(bin: PathBuf) -> Result<Postgres> {
        let dir = std::env::temp_dir().join(format!("anju-outage-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let as_root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if as_root {
            tools::run(Command::new("chown").arg("postgres:").arg(&dir))?;
        }
        let pg = Postgres {
            bin,
            dir,
            port: free_port()?,
            as_root,
        };
        let mut init = pg.command("initdb");
        init.args(["-A", "trust", "-U", "postgres", "-D"])
            .arg(pg.dir.join("data"))
            .stdout(Stdio::null());
        tools::run(&mut init)?;
        Ok(pg)
    }

    fn start(&self) -> Result<()> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            self.dir.display()
        );
        let mut start = self.command("pg_ctl");
        start
            .args(["-w", "-D"])
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.dir.join("log"))
            .args(["-o", &options, "start"])
            .stdout(Stdio::null());
        tools::run(&mut start)
    }

    /// As a crash: connections are cut, nothing is flushed politely.
    fn stop(&self) -> Result<()> {
        let mut stop = self.command("pg_ctl");
        stop.args(["-w", "-m", "immediate", "-D"])
            .arg(self.dir.join("data"))
            .arg("stop")
            .stdout(Stdio::null());
        tools::run(&mut stop)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One send: when it started, how long it took, what came back.
struct Sent {
    at: Instant,
    took: Duration,
    code: Option<u16>,
}

fn health(base: &str) -> Option<u16> {
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10"])
        .arg(format!("{base}/api/health"))
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

pub fn outage(root: &Path, seconds: u64) -> Result<Option<Report>> {
    let Some(bin) = server_binaries() else {
        println!("outage: SKIPPED: no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql on this machine");
        return Ok(None);
    };
    let anju = tools::build_server(root)?;
    step(&format!(
        "outage: PostgreSQL stopped for {seconds} s under load"
    ));
    let pg = Postgres::create(bin)?;
    pg.start()?;
    let work = tools::target_dir(root).join("outage");
    let data = work.join("data");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&work)?;
    let dist = small_dist(&work)?;
    let url = pg.url();
    tools::run(Command::new(&anju).arg("--data-dir").arg(&data).args([
        "--database-url",
        &url,
        "demo-data",
    ]))?;
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let _server = Server(
        Command::new(&anju)
            .arg("--data-dir")
            .arg(&data)
            .args(["--database-url", &url])
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--dist-dir")
            .arg(&dist)
            .env("ANJU_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting the server")?,
    );
    wait_healthy(&base)?;
    let category = crate::bench::server::first_category(&base)?;
    let cookie = sign_in(&base, crate::bench::RESIDENT)?;

    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(Mutex::new(Vec::<Sent>::new()));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (stop, sent, acknowledged) = (stop.clone(), sent.clone(), acknowledged.clone());
            let (base, cookie, category) = (base.clone(), cookie.clone(), category.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let key = format!("outage-{t}-{n}");
                    n += 1;
                    loop {
                        let at = Instant::now();
                        let code = post_complaint(&base, &cookie, &key, &category, 10);
                        sent.lock().unwrap().push(Sent {
                            at,
                            took: at.elapsed(),
                            code,
                        });
                        match settled(code) {
                            Some(true) => {
                                acknowledged.lock().unwrap().push(key);
                                break;
                            }
                            Some(false) => break,
                            None if stop.load(Ordering::Relaxed) => break,
                            None => std::thread::sleep(Duration::from_millis(100)),
                        }
                    }
                }
            })
        })
        .collect();

    std::thread::sleep(Duration::from_secs(2));
    let stopped_at = Instant::now();
    pg.stop()?;
    std::thread::sleep(SETTLE);
    let away = health(&base);
    std::thread::sleep(Duration::from_secs(seconds).saturating_sub(SETTLE));
    let back_at = Instant::now();
    pg.start()?;
    // Recovery without restarting anju: the pool reconnects by itself.
    let mut recovered = None;
    while back_at.elapsed() < Duration::from_secs(30) {
        if health(&base) == Some(200) {
            recovered = Some(back_at.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }

    if away != Some(503) {
        bail!("/api/health answered {away:?} while the database was away, not 503");
    }
    let Some(recovered) = recovered else {
        bail!("the service did not recover within 30 s of the database's return");
    };
    let sent = sent.lock().unwrap();
    let during: Vec<&Sent> = sent
        .iter()
        .filter(|s| s.at >= stopped_at + SETTLE && s.at + s.took <= back_at)
        .collect();
    if during.is_empty() {
        bail!("no request was sent while the database was away");
    }
    if let Some(wrong) = during.iter().find(|s| s.code != Some(503)) {
        bail!(
            "while the database was away a request got {:?} after {} ms, not 503",
            wrong.code,
            wrong.took.as_millis()
        );
    }
    let slowest = sent.iter().map(|s| s.took).max().unwrap_or_default();
    if slowest > FAIL_FAST {
        bail!(
            "a request took {} ms: requests must fail within {} s",
            slowest.as_millis(),
            FAIL_FAST.as_secs()
        );
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let out = Command::new("psql")
        .args([&url, "-At", "-F", " ", "-c"])
        .arg("SELECT client_key, COUNT(*) FROM cases WHERE client_key LIKE 'outage-%' GROUP BY client_key")
        .output()
        .context("psql")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut stored = std::collections::HashMap::new();
    for line in text.lines() {
        let (key, n) = line.split_once(' ').context("a row")?;
        if n != "1" {
            bail!("complaint {key} is stored {n} times");
        }
        stored.insert(key.to_owned(), ());
    }
    if let Some(lost) = acknowledged.iter().find(|k| !stored.contains_key(*k)) {
        bail!("acknowledged complaint {lost} is missing");
    }
    println!(
        "outage: {seconds} s without PostgreSQL: {} requests answered 503 meanwhile, slowest request {} ms, health 503 while away, recovered {} ms after its return, {} complaints acknowledged, each stored once",
        during.len(),
        slowest.as_millis(),
        recovered.as_millis(),
        acknowledged.len()
    );
    Ok(Some(Report {
        outage_secs: seconds,
        during: during.len(),
        slowest_ms: slowest.as_millis(),
        recovered_ms: recovered.as_millis(),
        acknowledged: acknowledged.len(),
    }))
}
