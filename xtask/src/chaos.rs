//! `cargo xtask chaos [CYCLES]`: submissions keep arriving while the server is killed with
//! SIGKILL at random moments and started again, `CYCLES` times (default 200; `cargo xtask test`
//! runs 20). Each submitter sends complaints the way the app does — a fresh client key per
//! complaint, the same key again after a failed or unanswered send — so every complaint is
//! eventually acknowledged. Afterwards, on the stopped database: every acknowledged complaint
//! exists exactly once (none twice, none lost), `PRAGMA integrity_check` is `ok`, and the
//! audit chain verifies (`anju audit verify`).
//!
//! Not yet in the mix: photos, survey answers and application saves (see the issue's note).

use crate::bench::server::{free_port, sign_in, small_dist, wait_healthy};
use crate::tools::{self, step};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Who submits: the demo resident and the demo guardian, two threads each.
const SUBMITTERS: [(&str, &str); 2] = [
    ("13800000001", "anju-resident-2026"),
    ("13800000002", "anju-guardian-2026"),
];
const THREADS_PER_ACCOUNT: usize = 2;

pub struct Report {
    pub cycles: usize,
    pub acknowledged: usize,
    pub attempts: usize,
}

struct Server {
    child: Child,
}

impl Server {
    fn start(anju: &Path, data: &Path, dist: &Path, port: u16) -> Result<Server> {
        let child = Command::new(anju)
            .arg("--data-dir")
            .arg(data)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--dist-dir")
            .arg(dist)
            .env("ANJU_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting the server")?;
        Ok(Server { child })
    }

    /// SIGKILL: no shutdown, no flush, as when the power goes.
    fn kill(mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

/// A pseudo-random number from the clock: enough to spread the kills.
fn jitter(max_ms: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    u64::from(nanos) % max_ms.max(1)
}

/// One complaint sent once: the HTTP status (`None` when no answer came: refused, reset or
/// over `timeout_secs`).
pub(crate) fn post_complaint(
    base: &str,
    cookie: &str,
    key: &str,
    category: &str,
    timeout_secs: u32,
) -> Option<u16> {
    let body = format!(
        r#"{{"client_key":"{key}","category":"{category}","description":"压力测试 {key}"}}"#
    );
    let out = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST"])
        .args(["-m", &timeout_secs.to_string()])
        .args([
            "-H",
            "Content-Type: application/json",
            "-H",
            "X-Anju-Client: chaos",
        ])
        .args(["-H", &format!("Cookie: {cookie}"), "--data", &body])
        .arg(format!("{base}/api/cases"))
        .output()
        .ok()?;
    let code: u16 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    (code != 0).then_some(code)
}

/// `Some(true)` acknowledged (2xx), `Some(false)` refused for good (a 4xx other than a rate
/// limit), `None` send the same key again (no answer, a rate limit or a server error).
pub(crate) fn settled(code: Option<u16>) -> Option<bool> {
    match code? {
        200..=299 => Some(true),
        429 | 500..=599 => None,
        _ => Some(false),
    }
}

/// Run `cycles` kill-and-restart cycles under submissions; check what was acknowledged.
pub fn chaos(root: &Path, cycles: usize) -> Result<Report> {
    let anju = tools::build_server(root)?;
    let work = tools::target_dir(root).join("chaos");
    let data = work.join("data");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&work)?;
    let dist = small_dist(&work)?;
    tools::run(
        Command::new(&anju)
            .arg("--data-dir")
            .arg(&data)
            .arg("demo-data"),
    )?;
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Server::start(&anju, &data, &dist, port)?;
    wait_healthy(&base)?;
    let category = crate::bench::server::first_category(&base)?;
    let cookies = SUBMITTERS
        .iter()
        .map(|who| sign_in(&base, *who))
        .collect::<Result<Vec<_>>>()?;

    step(&format!(
        "chaos: {cycles} cycles of SIGKILL under submissions"
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let attempts = Arc::new(Mutex::new(0usize));
    let mut threads = Vec::new();
    for (a, cookie) in cookies.iter().enumerate() {
        for t in 0..THREADS_PER_ACCOUNT {
            let (stop, acknowledged, attempts) =
                (stop.clone(), acknowledged.clone(), attempts.clone());
            let (base, cookie, category) = (base.clone(), cookie.clone(), category.clone());
            threads.push(std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let key = format!("chaos-{a}-{t}-{n}");
                    n += 1;
                    // Until it is acknowledged (or refused), the same key again, as the app's
                    // kept draft does after a lost answer.
                    loop {
                        *attempts.lock().unwrap() += 1;
                        match settled(post_complaint(&base, &cookie, &key, &category, 5)) {
                            Some(true) => {
                                acknowledged.lock().unwrap().push(key);
                                break;
                            }
                            Some(false) => break,
                            None if stop.load(Ordering::Relaxed) => break,
                            None => std::thread::sleep(Duration::from_millis(50)),
                        }
                    }
                }
            }));
        }
    }
    let started = Instant::now();
    let mut outcome = Ok(());
    for cycle in 0..cycles {
        std::thread::sleep(Duration::from_millis(150 + jitter(600)));
        server.kill()?;
        server = Server::start(&anju, &data, &dist, port)?;
        if let Err(e) = wait_healthy(&base) {
            outcome = Err(e.context(format!("restart after cycle {}", cycle + 1)));
            break;
        }
    }
    // Let the last sends land, then stop the submitters and the server.
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    server.kill()?;
    outcome?;

    let acknowledged = acknowledged.lock().unwrap().clone();
    let attempts = *attempts.lock().unwrap();
    check(&anju, &data, &acknowledged)?;
    println!(
        "chaos: {cycles} SIGKILLs in {:.0} s, {attempts} sends, {} complaints acknowledged: each stored exactly once; integrity_check ok; audit chain intact",
        started.elapsed().as_secs_f64(),
        acknowledged.len()
    );
    Ok(Report {
        cycles,
        acknowledged: acknowledged.len(),
        attempts,
    })
}

/// Read the stopped database (Python's sqlite3: no server, no migrations) and verify the audit
/// chain with the binary.
fn check(anju: &Path, data: &Path, acknowledged: &[String]) -> Result<()> {
    let db: PathBuf = data.join("anju.db");
    let script = r#"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("PRAGMA integrity_check").fetchone()[0])
for key, n in db.execute("SELECT client_key, COUNT(*) FROM cases WHERE client_key LIKE 'chaos-%' GROUP BY filed_by_account_id, client_key"):
    print(key, n)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&db)
        .output()
        .context("python3 (for sqlite3) is needed to read the database")?;
    if !out.status.success() {
        bail!(
            "reading {}: {}",
            db.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let integrity = lines.next().unwrap_or_default();
    if integrity != "ok" {
        bail!("PRAGMA integrity_check: {integrity}");
    }
    let mut stored = std::collections::HashMap::new();
    for line in lines {
        let (key, n) = line.split_once(' ').context("a row")?;
        let n: usize = n.parse()?;
        if n != 1 {
            bail!("complaint {key} is stored {n} times");
        }
        stored.insert(key.to_owned(), n);
    }
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|k| !stored.contains_key(*k))
        .collect();
    if !lost.is_empty() {
        bail!(
            "{} acknowledged complaints are missing, e.g. {}",
            lost.len(),
            lost[0]
        );
    }
    let verify = Command::new(anju)
        .arg("--data-dir")
        .arg(data)
        .args(["audit", "verify"])
        .output()?;
    if !verify.status.success() {
        bail!(
            "the audit chain does not verify: {}",
            String::from_utf8_lossy(&verify.stdout)
        );
    }
    Ok(())
}
