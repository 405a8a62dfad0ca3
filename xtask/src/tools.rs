//! Running commands and installing what a fresh machine lacks.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn step(name: &str) {
    println!("\n== {name} ==");
}

pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

pub fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// Run a test command, echo its output, and add up the `test result:` lines.
pub fn run_counting(cmd: &mut Command) -> Result<Counts> {
    let output = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    if !output.status.success() {
        bail!("{cmd:?} failed with {}", output.status);
    }
    let (mut passed, mut failed, mut ignored) = (0u64, 0u64, 0u64);
    for line in stdout.lines().filter(|l| l.starts_with("test result:")) {
        let number_before = |word: &str| {
            line.split(';')
                .find(|part| part.trim_end().ends_with(word))
                .and_then(|part| part.split_whitespace().rev().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0)
        };
        passed += number_before("passed");
        failed += number_before("failed");
        ignored += number_before("ignored");
    }
    if passed == 0 {
        bail!("{cmd:?} ran no tests");
    }
    Ok(Counts {
        passed,
        failed,
        skipped: ignored,
    })
}

pub fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if !installed {
        println!("installing the wasm32-unknown-unknown target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// npm packages for wasm-opt (binaryen), esbuild, the browser tests and Lighthouse, from the
/// lock file.
pub fn ensure_npm_packages(root: &Path) -> Result<()> {
    let dir = root.join("end2end");
    if dir.join("node_modules/.bin/wasm-opt").exists()
        && dir.join("node_modules/@playwright/test").exists()
        && dir.join("node_modules/.bin/lighthouse").exists()
        && dir.join("node_modules/.bin/esbuild").exists()
    {
        return Ok(());
    }
    let npm = which("npm")
        .context("npm is needed for the end-to-end tests and wasm-opt; install Node.js")?;
    let verb = if dir.join("package-lock.json").exists() {
        "ci"
    } else {
        "install"
    };
    run(Command::new(npm)
        .args([verb, "--no-audit", "--no-fund"])
        .current_dir(&dir))
}

pub fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

/// Builds the server (dev profile: dependencies that matter, like argon2, are optimised).
pub fn build_server(root: &Path) -> Result<PathBuf> {
    step("building the anju server");
    run(cargo().args(["build", "-p", "anju-server", "--bin", "anju"]))?;
    Ok(target_dir(root).join("debug").join("anju"))
}

/// The release server, for measurements (`bench`, `lighthouse`).
pub fn build_release_server(root: &Path) -> Result<PathBuf> {
    step("building the release server");
    run(cargo().args(["build", "--release", "-p", "anju-server", "--bin", "anju"]))?;
    Ok(target_dir(root).join("release").join("anju"))
}

pub fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROME_PATH") {
        return Some(PathBuf::from(p));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|n| which(n))
}

/// Runs the Playwright suite against the real server; returns its pass/fail counts.
pub fn playwright(root: &Path, anju: &Path) -> Result<Counts> {
    let chrome = chromium().context(
        "Chromium is needed for the end-to-end tests: `apt-get install chromium` (or set CHROME_PATH)",
    )?;
    let dir = root.join("end2end");
    let report = dir.join("playwright-report/summary.json");
    let _ = std::fs::remove_file(&report);
    let status = Command::new(dir.join("node_modules/.bin/playwright"))
        .arg("test")
        .current_dir(&dir)
        .env("ANJU_BIN", anju)
        .env("ANJU_DIST_DIR", root.join("dist"))
        .env("CHROME_PATH", &chrome)
        .env("PLAYWRIGHT_JSON_OUTPUT_NAME", &report)
        .status()
        .context("cannot start playwright")?;
    let summary: String = std::fs::read_to_string(&report).unwrap_or_default();
    let count = |key: &str| {
        summary
            .split(&format!("\"{key}\":"))
            .nth(1)
            .and_then(|s| s.trim_start().split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let (passed, failed, skipped, flaky) = (
        count("expected"),
        count("unexpected"),
        count("skipped"),
        count("flaky"),
    );
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    if !status.success() {
        bail!("end-to-end tests failed");
    }
    if passed == 0 {
        bail!("end-to-end suite ran no tests");
    }
    if flaky > 0 {
        println!("{flaky} flaky (passed only on retry)");
    }
    Ok(Counts {
        passed,
        failed,
        skipped,
    })
}

/// A Python virtual environment at `venv` holding exactly `packages` (pinned by the caller);
/// returns its `bin` directory. Created once, the install repeated so a changed pin applies.
pub fn python_venv(venv: &Path, packages: &[&str]) -> Result<PathBuf> {
    let bin = venv.join("bin");
    if !bin.join("python").is_file() {
        run(Command::new("python3").args(["-m", "venv"]).arg(venv))
            .context("python3 -m venv (Debian: apt-get install python3-venv)")?;
    }
    run(Command::new(bin.join("python"))
        .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
        .args(packages))?;
    Ok(bin)
}
