//! The `anju` binary's commands that answer without a running server.

use std::process::Command;

fn anju(args: &[&str]) -> (bool, String, String) {
    // A data dir that does not exist: only the shipped calendar and categories apply.
    let none =
        std::env::temp_dir().join(format!("anju-cli-none-{}", uuid::Uuid::new_v4().simple()));
    anju_in(&none, args)
}

fn anju_in(data_dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_anju"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("run anju");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn deadline_prints_the_due_time_in_shanghai_time() {
    let (ok, out, _) = anju(&[
        "deadline",
        "--category",
        "home-repair",
        "--at",
        "2026-09-29T10:00:00+08:00",
        "--target",
        "resolve",
    ]);
    assert!(ok);
    assert_eq!(out, "2026-10-14T18:00:00+08:00");

    // UTC input gives the same answer in +08:00.
    let (ok, out, _) = anju(&[
        "deadline",
        "--category",
        "common-area-repair",
        "--at",
        "2026-11-25T02:00:00Z",
    ]);
    assert!(ok);
    assert_eq!(out, "resolve 2026-11-30T18:00:00+08:00");

    let (ok, out, _) = anju(&[
        "deadline",
        "--category",
        "neighbour-disturbance",
        "--at",
        "2026-02-17T23:55:00+08:00",
        "--target",
        "on-site",
    ]);
    assert!(ok);
    assert_eq!(out, "2026-02-18T00:10:00+08:00");
}

#[test]
fn deadline_refuses_bad_input_with_a_reason() {
    let (ok, _, err) = anju(&[
        "deadline",
        "--category",
        "leaky-roof",
        "--at",
        "2026-09-29T10:00:00+08:00",
    ]);
    assert!(!ok);
    assert!(err.contains("unknown category"), "{err}");
    let (ok, _, err) = anju(&["deadline", "--category", "home-repair", "--at", "tomorrow"]);
    assert!(!ok);
    assert!(err.contains("RFC3339"), "{err}");
    let (ok, _, err) = anju(&[
        "deadline",
        "--category",
        "home-repair",
        "--at",
        "2026-09-29T10:00:00+08:00",
        "--target",
        "answer",
    ]);
    assert!(!ok);
    assert!(err.contains("no such target"), "{err}");
}

#[tokio::test]
async fn deadline_uses_this_deployments_stored_calendar() {
    use anju_domain::calendar::DayKind;
    let dir = std::env::temp_dir().join(format!("anju-cli-{}", uuid::Uuid::new_v4().simple()));
    let (ok, _, err) = anju_in(&dir, &["migrate"]);
    assert!(ok, "{err}");
    let url = anju_server::DatabaseUrl::new(format!("sqlite://{}/anju.db", dir.display()));
    let db = anju_server::Db::connect(&url).await.unwrap();
    let holiday = chrono::NaiveDate::from_ymd_opt(2026, 10, 14).unwrap();
    let mut tx = db.begin().await.unwrap();
    tx.put_calendar_days("national", &[(holiday, DayKind::Off)], "", 0, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    db.close().await;

    let args = [
        "deadline",
        "--category",
        "home-repair",
        "--at",
        "2026-09-29T10:00:00+08:00",
        "--target",
        "resolve",
    ];
    let (ok, out, err) = anju_in(&dir, &args);
    assert!(ok, "{err}");
    assert_eq!(
        out, "2026-10-15T18:00:00+08:00",
        "the stored extra holiday pushes it a day"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn the_data_directory_and_database_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("anju-cli-{}", uuid::Uuid::new_v4().simple()));
    // Made world-readable first, as an earlier version or a careless copy would leave it.
    let old_upload = dir.join("uploads/ab/old.jpg");
    std::fs::create_dir_all(old_upload.parent().unwrap()).unwrap();
    std::fs::write(&old_upload, b"photo").unwrap();
    std::fs::set_permissions(&old_upload, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (ok, _, err) = anju_in(&dir, &["demo-data"]);
    assert!(ok, "{err}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "data directory");
    for name in ["anju.db", "anju.db-wal", "anju.db-shm"] {
        let path = dir.join(name);
        if path.exists() {
            assert_eq!(mode(&path), 0o600, "{name}");
        }
    }
    assert_eq!(mode(&dir.join("anju.db")), 0o600);
    assert_eq!(
        mode(&old_upload),
        0o600,
        "uploads written by an earlier version"
    );
    assert_eq!(mode(&dir.join("uploads/ab")), 0o700);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh database in its own data dir with five chained audit entries; returns the dir and
/// a pool on its file for tampering.
async fn audited_database() -> (std::path::PathBuf, sqlx::SqlitePool) {
    let dir = std::env::temp_dir().join(format!("anju-cli-{}", uuid::Uuid::new_v4().simple()));
    let (ok, _, err) = anju_in(&dir, &["migrate"]);
    assert!(ok, "{err}");
    let url = anju_server::DatabaseUrl::new(format!("sqlite://{}/anju.db", dir.display()));
    let db = anju_server::Db::connect(&url).await.unwrap();
    for n in 1..=5 {
        let mut tx = db.begin().await.unwrap();
        tx.audit(
            &anju_server::db::Audit::new(
                1_780_000_000 + n,
                Some(n),
                "retrofit.view",
                &format!("retrofit_application:{n}"),
                "/1/2/",
            )
            .detail("entry"),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    db.close().await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}/anju.db", dir.display()))
        .await
        .unwrap();
    (dir, pool)
}

#[tokio::test]
async fn audit_verify_prints_the_count_and_head_of_an_intact_chain() {
    let (dir, pool) = audited_database().await;
    let head: String = sqlx::query_scalar("SELECT hash FROM audit_head")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (ok, out, err) = anju_in(&dir, &["audit", "verify"]);
    assert!(ok, "{out}\n{err}");
    assert_eq!(out, format!("audit chain intact: 5 entries, head {head}"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn audit_verify_names_the_first_entry_that_was_tampered_with() {
    let cases: [(&str, &[&str], &str); 6] = [
        (
            "changed",
            &["UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 3"],
            "entry 3 (row id 3) was changed",
        ),
        (
            "removed",
            &["DELETE FROM audit_log WHERE seq = 3"],
            "entry 3 was removed",
        ),
        (
            "swapped",
            &[
                "UPDATE audit_log SET seq = -2 WHERE seq = 2",
                "UPDATE audit_log SET seq = 2 WHERE seq = 3",
                "UPDATE audit_log SET seq = 3 WHERE seq = -2",
            ],
            "entry 2 (row id 3) does not follow the entry before it",
        ),
        (
            "inserted outside the chain",
            &["INSERT INTO audit_log (id, at, action, subject, detail) VALUES (77, 0, 'retrofit.view', 'x:1', '')"],
            "row id 77 was inserted outside the chain",
        ),
        (
            "inserted into the chain",
            &["INSERT INTO audit_log (id, seq, version, at, action, subject, detail, scope_path, prev_hash, hash)
               SELECT 78, 6, 1, 0, 'retrofit.view', 'x:1', '', '/', hash, hash FROM audit_head"],
            "entry 6 was added behind the server's back (the chain's head is at 5)",
        ),
        (
            "last removed",
            &["DELETE FROM audit_log WHERE seq = 5"],
            "entry 5, the last, was removed",
        ),
    ];
    for (what, statements, expected) in cases {
        let (dir, pool) = audited_database().await;
        for sql in statements {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;
        let (ok, out, _) = anju_in(&dir, &["audit", "verify"]);
        assert!(!ok, "{what}: verify must fail");
        assert!(
            out.starts_with("audit chain BROKEN") && out.contains(expected),
            "{what}: {out}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[tokio::test]
async fn serve_warns_loudly_at_start_when_the_chain_is_broken() {
    use std::io::BufRead;
    let (dir, pool) = audited_database().await;
    sqlx::query("UPDATE audit_log SET actor_account_id = NULL WHERE seq = 2")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_anju"))
        .arg("--data-dir")
        .arg(&dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("ANJU_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start anju");
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut warned = None;
    for line in stderr.lines().map_while(Result::ok) {
        if line.contains("AUDIT CHAIN BROKEN") {
            warned = Some(line);
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let line = warned.expect("a warning on stderr");
    assert!(line.contains("entry 2 (row id 2) was changed"), "{line}");
}

/// A local port nobody listens on (bound, then let go).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// `GET path` over plain HTTP/1.1: the status and the raw body.
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n")?.1.to_owned();
    Some((status, body))
}

/// `anju serve` on a data directory, stopped when dropped.
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(data_dir: &std::path::Path, port: u16) -> Serving {
    let child = Command::new(env!("CARGO_BIN_EXE_anju"))
        .arg("--data-dir")
        .arg(data_dir)
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--dist-dir",
        ])
        .arg(data_dir.join("no-dist"))
        .env("ANJU_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start anju serve");
    let serving = Serving(child);
    for _ in 0..300 {
        if http_get(port, "/api/health").is_some_and(|(s, _)| s == 200) {
            return serving;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("anju serve did not answer on port {port}");
}

#[test]
fn a_backup_taken_while_serving_restores_to_the_same_data_and_a_live_database_is_never_overwritten()
{
    let root = std::env::temp_dir().join(format!("anju-backup-{}", uuid::Uuid::new_v4().simple()));
    let (data, backup, restored) = (
        root.join("data"),
        root.join("backup"),
        root.join("restored"),
    );
    let (ok, _, err) = anju_in(&data, &["demo-data"]);
    assert!(ok, "{err}");
    let port = free_port();
    let server = serve(&data, port);
    let feed = "/open311/v2/requests.json?status=open,closed";
    let before = http_get(port, feed).expect("feed");
    assert_eq!(before.0, 200);
    assert!(
        before.1.contains("service_request_id"),
        "demo cases: {}",
        before.1
    );

    // Taken while the server runs; the key file comes along, with the warning.
    let (ok, out, err) = anju_in(&data, &["backup", backup.to_str().unwrap()]);
    assert!(ok, "{out} {err}");
    assert!(out.contains("backup written"), "{out}");
    assert!(err.contains("store it apart"), "{err}");
    for file in ["anju.db", "anju-data.key"] {
        assert!(backup.join(file).is_file(), "{file} in the backup");
    }
    // A backup never mixes with an earlier one.
    let (ok, _, err) = anju_in(&data, &["backup", backup.to_str().unwrap()]);
    assert!(!ok && err.contains("not empty"), "{err}");
    // The server's own data directory is not overwritten while it serves.
    let (ok, _, err) = anju_in(&data, &["restore", backup.to_str().unwrap()]);
    assert!(!ok, "a restore over a live database was allowed");
    assert!(err.contains("stop it before restoring"), "{err}");
    assert_eq!(http_get(port, feed).expect("still serving"), before);

    // Restored elsewhere: the audit chain verifies and ends where the original's does.
    let (ok, out, err) = anju_in(&restored, &["restore", backup.to_str().unwrap()]);
    assert!(ok, "{out} {err}");
    assert!(out.contains("audit chain intact"), "{out}");
    drop(server);
    let head = |dir: &std::path::Path| {
        let (ok, out, err) = anju_in(dir, &["audit", "verify"]);
        assert!(ok, "{out} {err}");
        out
    };
    assert_eq!(head(&data), head(&restored));
    // And serves the same data.
    let port = free_port();
    let _copy = serve(&restored, port);
    assert_eq!(http_get(port, feed).expect("restored feed"), before);
    std::fs::remove_dir_all(&root).ok();
}
