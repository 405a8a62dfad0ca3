//! Uploads in an S3-compatible bucket, served by either of two instances: moto's S3 server
//! (PyPI `moto[server]`, pinned, in a virtual environment under the target directory) on a
//! free port stands in for the object store; two `anju` instances on one PostgreSQL, each with
//! its own data directory, have `ANJU_OBJECT_STORE_URL` set. A photo uploaded through one is
//! served by the other with the same bytes, is in the bucket, and is neither in the database's
//! `stored_files` nor on either instance's disk.

use crate::bench::server::{
    first_category, free_port, serve, sign_in, small_dist, start_with_env, Server,
};
use crate::bench::RESIDENT;
use crate::chaos::{file_case, png, request};
use crate::tools::{self, step};
use anyhow::{bail, ensure, Context, Result};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PACKAGE: &str = "moto[server]==5.2.6";
const BUCKET: &str = "anju-files";

/// What the run saw.
pub struct Outcome {
    pub objects: usize,
    pub photo_bytes: usize,
}

/// `database_url` names a PostgreSQL database this run may empty.
pub fn object_store(root: &Path, anju: &Path, database_url: &str) -> Result<Outcome> {
    step("uploads in an S3-compatible bucket (moto), two instances on one PostgreSQL");
    let work = tools::target_dir(root).join("object-store");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let venv = tools::target_dir(root).join("object-store-venv");
    let moto = tools::python_venv(&venv, &[PACKAGE])?.join("moto_server");
    let port = free_port()?;
    let _moto = Server(
        Command::new(&moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting moto_server")?,
    );
    let endpoint = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while !curl_ok(&["-o", "/dev/null", &endpoint]) {
        ensure!(
            started.elapsed() < Duration::from_secs(30),
            "moto_server did not answer within 30 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let bucket_url = format!("{endpoint}/{BUCKET}");
    ensure!(
        curl_ok(&["-o", "/dev/null", "-X", "PUT", &bucket_url]),
        "creating the bucket failed"
    );
    let env = [
        ("ANJU_OBJECT_STORE_URL", bucket_url.as_str()),
        ("AWS_ACCESS_KEY_ID", "anju-test"),
        ("AWS_SECRET_ACCESS_KEY", "anju-test-secret"),
    ];
    let dist = small_dist(&work)?;
    let (_a, base_a) =
        start_with_env(anju, &work.join("a"), &dist, Some(database_url), None, &env)?;
    let data_b = work.join("b").join("data");
    std::fs::create_dir_all(&data_b)?;
    let (_b, base_b) = serve(anju, &data_b, &dist, Some(database_url), &env)?;

    let cookie = sign_in(&base_a, RESIDENT)?;
    let category = first_category(&base_a)?;
    let case = file_case(&base_a, &cookie, "object-store-1", &category)
        .context("filing a complaint through the first instance")?;
    let photo = work.join("photo.png");
    std::fs::write(&photo, png(7))?;
    let (status, body) = request(
        "POST",
        &base_a,
        &cookie,
        &format!("/api/cases/{case}/photos"),
        "image/png",
        &format!("@{}", photo.display()),
        10,
    )
    .context("no answer to the upload")?;
    ensure!(status == 201, "upload answered {status}: {body}");
    let uploaded: serde_json::Value = serde_json::from_str(&body)?;
    let url = uploaded[0]["url"]
        .as_str()
        .with_context(|| format!("no photo url in {body}"))?
        .to_owned();

    let from_a = download(&base_a, &cookie, &url)?;
    let from_b = download(&base_b, &cookie, &url)?;
    ensure!(from_a.starts_with(&[0xFF, 0xD8]), "the photo is not a JPEG");
    ensure!(
        from_a == from_b,
        "the second instance served other bytes than the first"
    );

    let listing = Command::new("curl")
        .args(["-fsS", &format!("{bucket_url}?list-type=2")])
        .output()?;
    let listing = String::from_utf8_lossy(&listing.stdout);
    let objects = listing.matches("<Key>").count();
    ensure!(objects >= 1, "the bucket is empty: {listing}");
    let in_database = Command::new("psql")
        .args([
            database_url,
            "-tA",
            "-c",
            "SELECT count(*) FROM stored_files",
        ])
        .output()?;
    let in_database = String::from_utf8_lossy(&in_database.stdout)
        .trim()
        .to_owned();
    ensure!(
        in_database == "0",
        "files went to the database too ({in_database} rows in stored_files)"
    );
    for data in [work.join("a").join("data"), data_b] {
        let uploads = data.join("uploads");
        if uploads.is_dir() && files_under(&uploads)? > 0 {
            bail!("files went to {} too", uploads.display());
        }
    }
    Ok(Outcome {
        objects,
        photo_bytes: from_a.len(),
    })
}

fn curl_ok(args: &[&str]) -> bool {
    Command::new("curl")
        .args(["-fsS", "-m", "5"])
        .args(args)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn download(base: &str, cookie: &str, path: &str) -> Result<Vec<u8>> {
    let out = Command::new("curl")
        .args(["-fsS", "-m", "10", "-H", &format!("Cookie: {cookie}")])
        .arg(format!("{base}{path}"))
        .output()?;
    ensure!(
        out.status.success(),
        "{base}{path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(out.stdout)
}

fn files_under(dir: &Path) -> Result<usize> {
    let mut count = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        count += if path.is_dir() {
            files_under(&path)?
        } else {
            1
        };
    }
    Ok(count)
}
