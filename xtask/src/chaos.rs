//! `cargo xtask chaos [CYCLES]`: submissions keep arriving while the server is killed with
//! SIGKILL at random moments and started again, `CYCLES` times (default 200; `cargo xtask test`
//! runs 20). Each submitter sends complaints the way the app does — a fresh client key per
//! complaint, the same key again after a failed or unanswered send — so every complaint is
//! eventually acknowledged. Afterwards, on the stopped database: every acknowledged complaint
//! exists exactly once (none twice, none lost), `PRAGMA integrity_check` is `ok`, and the
//! audit chain verifies (`anju audit verify`). One more thread files a complaint and adds a
//! photo to it, again and again (a distinct picture each time, the same one again after a
//! failure; at most `PHOTOS` in a run, under the per-account upload limit): every acknowledged
//! photo is on its complaint exactly once and its file is on disk.
//!
//! One more saves the resident's retrofit application again and again (the elder's name
//! numbered `陈桂兰N`, each save waiting for the last to be acknowledged): the name stored at the
//! end is the last acknowledged one or the one in flight when the run stopped, never an older.
//!
//! And one answers a survey for the resident's household again and again (the comment numbered
//! `第N次`, a fresh client key each): one response for the household, holding the last
//! acknowledged answer or the one in flight.

use crate::bench::server::{free_port, sign_in, small_dist, wait_healthy, Server};
use crate::tools::{self, step};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Who submits: the demo resident and the demo guardian, two threads each.
const SUBMITTERS: [(&str, &str); 2] = [
    ("13800000001", "anju-resident-2026"),
    ("13800000002", "anju-guardian-2026"),
];
const THREADS_PER_ACCOUNT: usize = 2;
/// Photos one run adds (the demo resident's uploads stay under the limit of 60 in 10 minutes).
const PHOTOS: usize = 40;

pub struct Report {
    pub cycles: usize,
    pub acknowledged: usize,
    pub attempts: usize,
    pub photos: usize,
    pub application_saves: usize,
    pub survey_answers: usize,
}

/// A repeated save's state: what it saves into, the last acknowledged save, the last sent.
#[derive(Clone, Copy, Default)]
struct Saves {
    into: Option<i64>,
    acknowledged: usize,
    sent: usize,
}

/// A survey of the demo community, published by the demo community staff: (id, version).
fn publish_survey(base: &str) -> Result<(i64, i64)> {
    let staff = sign_in(base, ("13800000003", "anju-community-2026"))?;
    let get = |path: &str| -> Result<serde_json::Value> {
        let out = Command::new("curl")
            .args(["-fsS", "-H", &format!("Cookie: {staff}")])
            .arg(format!("{base}{path}"))
            .output()?;
        Ok(serde_json::from_slice(&out.stdout)?)
    };
    let template = get("/api/surveys/template")?;
    let communities = get("/api/places/communities")?;
    let community = communities
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == "柳岸社区"))
        .and_then(|c| c["id"].as_i64())
        .context("no 柳岸社区 in the demo data")?;
    let body = serde_json::json!({ "definition": template, "community_ids": [community],
        "opens_on": "2020-01-01", "closes_on": "2099-12-31" });
    let (code, created) = request(
        "POST",
        base,
        &staff,
        "/api/surveys",
        "application/json",
        &body.to_string(),
        10,
    )
    .context("creating the survey")?;
    if code != 201 {
        bail!("creating the survey: {code} {created}");
    }
    let id = id_in(&created).context("the new survey's id")?;
    let (code, published) = request(
        "POST",
        base,
        &staff,
        &format!("/api/surveys/{id}/publish"),
        "application/json",
        "{}",
        10,
    )
    .context("publishing the survey")?;
    let published: serde_json::Value = serde_json::from_str(&published)?;
    let version = published["version"]
        .as_i64()
        .filter(|_| code == 200)
        .with_context(|| format!("publishing the survey: {code}"))?;
    Ok((id, version))
}

/// Send `body(n)` to `path` for n = 1, 2, …, each after the last was acknowledged, until
/// `stop`; `saves` follows along.
fn save_again_and_again(
    base: &str,
    cookie: &str,
    method: &str,
    path: &str,
    body: impl Fn(usize) -> String,
    stop: &AtomicBool,
    saves: &Mutex<Saves>,
) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        saves.lock().unwrap().sent = n;
        let body = body(n);
        loop {
            let code = request(method, base, cookie, path, "application/json", &body, 5)
                .map(|(code, _)| code);
            match settled(code) {
                Some(true) => {
                    saves.lock().unwrap().acknowledged = n;
                    break;
                }
                Some(false) => return,
                None if stop.load(Ordering::Relaxed) => return,
                None => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
}

/// A valid ID number (its check digit computed) for the application's elder, born 1940.
fn id_number() -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = "11010519400101012";
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// The number after `"id":` in a JSON answer.
fn id_in(json: &str) -> Option<i64> {
    json.split("\"id\":")
        .nth(1)?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// `anju serve` on the run's data; dropping it is the SIGKILL (no shutdown, no flush, as when
/// the power goes).
fn serve(anju: &Path, data: &Path, dist: &Path, port: u16) -> Result<Server> {
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
    Ok(Server(child))
}

/// A pseudo-random number from the clock: enough to spread the kills.
fn jitter(max_ms: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    u64::from(nanos) % max_ms.max(1)
}

/// `method path` once as a client of ours: the status and the body (`None`: no answer — refused,
/// reset, or over `timeout_secs`). `data` is curl's `--data-binary` argument.
pub(crate) fn request(
    method: &str,
    base: &str,
    cookie: &str,
    path: &str,
    content_type: &str,
    data: &str,
    timeout_secs: u32,
) -> Option<(u16, String)> {
    let out = Command::new("curl")
        .args(["-sS", "-w", "\n%{http_code}", "-X", method])
        .args(["-m", &timeout_secs.to_string()])
        .args(["-H", &format!("Content-Type: {content_type}")])
        .args(["-H", "X-Anju-Client: chaos"])
        .args(["-H", &format!("Cookie: {cookie}"), "--data-binary", data])
        .arg(format!("{base}{path}"))
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let (body, code) = text.rsplit_once('\n')?;
    let code: u16 = code.trim().parse().ok()?;
    (code != 0).then(|| (code, body.to_owned()))
}

fn complaint(
    base: &str,
    cookie: &str,
    key: &str,
    category: &str,
    timeout_secs: u32,
) -> Option<(u16, String)> {
    let body = format!(
        r#"{{"client_key":"{key}","category":"{category}","description":"压力测试 {key}"}}"#
    );
    request(
        "POST",
        base,
        cookie,
        "/api/cases",
        "application/json",
        &body,
        timeout_secs,
    )
}

/// One complaint sent once: the HTTP status (`None` when no answer came).
pub(crate) fn post_complaint(
    base: &str,
    cookie: &str,
    key: &str,
    category: &str,
    timeout_secs: u32,
) -> Option<u16> {
    complaint(base, cookie, key, category, timeout_secs).map(|(code, _)| code)
}

/// A new case's id from its 2xx answer, `None` otherwise (send again).
pub(crate) fn file_case(base: &str, cookie: &str, key: &str, category: &str) -> Option<i64> {
    let (code, json) = complaint(base, cookie, key, category, 5)?;
    if !(200..300).contains(&code) {
        return None;
    }
    id_in(&json)
}

/// A small PNG, its colour from `n`: a distinct picture for each number.
pub(crate) fn png(n: usize) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let side = 16u32;
    // Each row: filter byte 0 (none), then its pixels.
    let pixel = [(n % 251) as u8, (n / 251 % 251) as u8, 77];
    let row: Vec<u8> = std::iter::once(0)
        .chain(pixel.repeat(side as usize))
        .collect();
    let raw = row.repeat(side as usize);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut z, &raw).expect("in memory");
    let idat = z.finish().expect("in memory");
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// One photo sent once: its HTTP status, `None` without an answer.
fn post_photo(base: &str, cookie: &str, case: i64, file: &Path) -> Option<u16> {
    let path = format!("/api/cases/{case}/photos");
    request(
        "POST",
        base,
        cookie,
        &path,
        "image/png",
        &format!("@{}", file.display()),
        5,
    )
    .map(|(code, _)| code)
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
    let mut server = serve(&anju, &data, &dist, port)?;
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
    // The photo thread: a complaint, then a photo on it; each step repeated until acknowledged.
    let photos_acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    {
        let (stop, photos_acknowledged) = (stop.clone(), photos_acknowledged.clone());
        let (base, cookie, category) = (base.clone(), cookies[0].clone(), category.clone());
        let pictures = work.join("pictures");
        std::fs::create_dir_all(&pictures)?;
        threads.push(std::thread::spawn(move || {
            let again = || std::thread::sleep(Duration::from_millis(50));
            for n in 0..PHOTOS {
                let key = format!("chaos-photo-{n}");
                let case = loop {
                    if let Some(id) = file_case(&base, &cookie, &key, &category) {
                        break Some(id);
                    }
                    if stop.load(Ordering::Relaxed) {
                        break None;
                    }
                    again();
                };
                let Some(case) = case else { return };
                let file = pictures.join(format!("{n}.png"));
                if std::fs::write(&file, png(n)).is_err() {
                    return;
                }
                loop {
                    match settled(post_photo(&base, &cookie, case, &file)) {
                        Some(true) => {
                            photos_acknowledged.lock().unwrap().push(key);
                            break;
                        }
                        Some(false) => break,
                        None if stop.load(Ordering::Relaxed) => return,
                        None => again(),
                    }
                }
            }
        }));
    }
    // The application thread: one application, its elder screen saved again and again.
    let saves = Arc::new(Mutex::new(Saves::default()));
    {
        let (stop, saves) = (stop.clone(), saves.clone());
        let (base, cookie) = (base.clone(), cookies[0].clone());
        threads.push(std::thread::spawn(move || {
            let again = || std::thread::sleep(Duration::from_millis(50));
            let application = loop {
                let created = request(
                    "POST",
                    &base,
                    &cookie,
                    "/api/retrofit/applications",
                    "application/json",
                    r#"{"client_key":"chaos-application"}"#,
                    5,
                );
                if let Some((200..=299, json)) = created {
                    break id_in(&json);
                }
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                again();
            };
            let Some(application) = application else {
                return;
            };
            saves.lock().unwrap().into = Some(application);
            let path = format!("/api/retrofit/applications/{application}/sections");
            let id = id_number();
            save_again_and_again(
                &base,
                &cookie,
                "PUT",
                &path,
                |n| format!(r#"{{"section":"elder","name":"陈桂兰{n}","id_number":"{id}"}}"#),
                &stop,
                &saves,
            );
        }));
    }
    // The survey thread: the household's answer, sent again and again.
    let (survey, version) = publish_survey(&base)?;
    let answers = Arc::new(Mutex::new(Saves {
        into: Some(survey),
        ..Saves::default()
    }));
    {
        let (stop, answers) = (stop.clone(), answers.clone());
        let (base, cookie) = (base.clone(), cookies[0].clone());
        threads.push(std::thread::spawn(move || {
            save_again_and_again(
                &base,
                &cookie,
                "PUT",
                &format!("/api/surveys/{survey}/my-response"),
                |n| {
                    serde_json::json!({ "client_key": format!("chaos-survey-{n}"), "version": version,
                        "answers": { "cleanliness": 4, "security": 5, "repairs": 3, "green": 4, "attitude": 5,
                            "overall": "满意", "comment": format!("第{n}次") } })
                    .to_string()
                },
                &stop,
                &answers,
            );
        }));
    }
    let started = Instant::now();
    let mut outcome = Ok(());
    for cycle in 0..cycles {
        std::thread::sleep(Duration::from_millis(150 + jitter(600)));
        drop(server);
        server = serve(&anju, &data, &dist, port)?;
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
    drop(server);
    outcome?;

    let acknowledged = acknowledged.lock().unwrap().clone();
    let photos = photos_acknowledged.lock().unwrap().clone();
    let attempts = *attempts.lock().unwrap();
    let saves = *saves.lock().unwrap();
    let answers = *answers.lock().unwrap();
    check(&anju, &data, &acknowledged, &photos, saves, answers)?;
    println!(
        "chaos: {cycles} SIGKILLs in {:.0} s, {attempts} sends, {} complaints acknowledged: each stored exactly once; {} photos acknowledged: each on its complaint once, its file on disk; {} application saves acknowledged, the last one kept; {} survey answers acknowledged, one response with the last; integrity_check ok; audit chain intact",
        started.elapsed().as_secs_f64(),
        acknowledged.len(),
        photos.len(),
        saves.acknowledged,
        answers.acknowledged
    );
    Ok(Report {
        cycles,
        acknowledged: acknowledged.len(),
        attempts,
        photos: photos.len(),
        application_saves: saves.acknowledged,
        survey_answers: answers.acknowledged,
    })
}

/// Read the stopped database (Python's sqlite3: no server, no migrations) and verify the audit
/// chain with the binary.
fn check(
    anju: &Path,
    data: &Path,
    acknowledged: &[String],
    photos: &[String],
    saves: Saves,
    answers: Saves,
) -> Result<()> {
    let db: PathBuf = data.join("anju.db");
    let script = r#"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("PRAGMA integrity_check").fetchone()[0])
for key, n in db.execute("SELECT client_key, COUNT(*) FROM cases WHERE client_key LIKE 'chaos-%' GROUP BY filed_by_account_id, client_key"):
    print(key, n)
print("photos")
for key, n, hashes in db.execute("SELECT c.client_key, COUNT(p.id), GROUP_CONCAT(p.hash) FROM cases c JOIN case_photos p ON p.case_id = c.id WHERE c.client_key LIKE 'chaos-photo-%' GROUP BY c.id"):
    print(key, n, hashes)
print("application")
for (name,) in db.execute("SELECT elder_name FROM retrofit_applications WHERE id = ?", (int(sys.argv[2]),)):
    print(name)
print("survey")
for (answers,) in db.execute("SELECT answers FROM survey_responses WHERE survey_id = ?", (int(sys.argv[3]),)):
    print(json.loads(answers).get("comment", ""))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&db)
        .arg(saves.into.unwrap_or(0).to_string())
        .arg(answers.into.unwrap_or(0).to_string())
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
    for line in lines.by_ref().take_while(|l| *l != "photos") {
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
    let mut with_photo = std::collections::HashMap::new();
    for line in lines.by_ref().take_while(|l| *l != "application") {
        let mut parts = line.split(' ');
        let (Some(key), Some(n), Some(hash)) = (parts.next(), parts.next(), parts.next()) else {
            bail!("a photo row: {line}");
        };
        if n != "1" {
            bail!("complaint {key} has {n} photos, sent one");
        }
        let file = data
            .join("uploads")
            .join(hash.get(..2).unwrap_or_default())
            .join(format!("{hash}.jpg"));
        if !file.is_file() {
            bail!(
                "the photo of {key} is recorded but its file {} is missing",
                file.display()
            );
        }
        with_photo.insert(key.to_owned(), ());
    }
    if let Some(lost) = photos.iter().find(|k| !with_photo.contains_key(*k)) {
        bail!("the acknowledged photo of {lost} is missing");
    }
    let kept =
        |what: &str, line: Option<&str>, prefix: &str, suffix: &str, saves: Saves| -> Result<()> {
            let line = line.unwrap_or_default();
            let n: usize = line
                .strip_prefix(prefix)
                .and_then(|l| l.strip_suffix(suffix))
                .and_then(|n| n.parse().ok())
                .with_context(|| format!("{what} holds {line:?}"))?;
            if n < saves.acknowledged || n > saves.sent {
                bail!(
                    "{what} keeps save {n}; save {} was acknowledged and {} the last sent",
                    saves.acknowledged,
                    saves.sent
                );
            }
            Ok(())
        };
    let application: Vec<&str> = lines.by_ref().take_while(|l| *l != "survey").collect();
    if saves.acknowledged > 0 {
        kept(
            "the application",
            application.first().copied(),
            "陈桂兰",
            "",
            saves,
        )?;
    }
    let responses: Vec<&str> = lines.collect();
    if answers.acknowledged > 0 {
        if responses.len() != 1 {
            bail!(
                "the household has {} responses to the survey, not one",
                responses.len()
            );
        }
        kept(
            "the household's response",
            responses.first().copied(),
            "第",
            "次",
            answers,
        )?;
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
