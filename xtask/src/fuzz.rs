//! `cargo xtask fuzz [seconds]`: the cargo-fuzz target over every parser of outside text
//! (`fuzz/fuzz_targets/text_parsers.rs`), on nightly with libFuzzer. `cargo xtask test` runs
//! it briefly; run it longer by hand (default 300 s). Crashes land in
//! `fuzz/artifacts/text_parsers/` with the input that caused them.

use crate::tools::{run, step};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

/// Through the rustup proxy, without the variables `cargo xtask` was started with, so
/// `+nightly` picks the nightly toolchain.
fn nightly_cargo() -> Command {
    let mut cmd = Command::new("cargo");
    for var in [
        "CARGO",
        "RUSTC",
        "RUSTDOC",
        "RUSTUP_TOOLCHAIN",
        "RUSTC_WRAPPER",
    ] {
        cmd.env_remove(var);
    }
    cmd.arg("+nightly");
    cmd
}

fn ensure_cargo_fuzz() -> Result<()> {
    let present = nightly_cargo()
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        step("installing cargo-fuzz (crates.io)");
        run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

pub fn fuzz(root: &Path, seconds: u64) -> Result<()> {
    step(&format!(
        "fuzzing the text parsers for {seconds} s (cargo-fuzz, nightly)"
    ));
    ensure_cargo_fuzz()?;
    let corpus = root.join("fuzz/corpus/text_parsers");
    std::fs::create_dir_all(&corpus)?;
    run(nightly_cargo()
        .current_dir(root)
        .args(["fuzz", "run", "text_parsers"])
        .arg(&corpus)
        .arg(root.join("fuzz/seeds"))
        .args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-max_len=4096",
            "-print_final_stats=1",
        ]))
    .context(
        "fuzzing failed: a build error above, or a crash saved in fuzz/artifacts/text_parsers/",
    )
}
