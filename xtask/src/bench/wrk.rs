//! The load generator: the wrk script for every load, one run, and reading its report.

use super::{Run, CONNECTIONS};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// The mix and the single loads. Cookies and the category come from the environment; each new
/// complaint has its own retry key, so none is a repeat.
pub(super) const LUA: &str = r#"
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
  if mode == "mixed" or mode == "mixed_reads" then
    local r = math.random(100)
    if r <= 40 then return get("/api/cases", os.getenv("ANJU_RESIDENT"))
    elseif r <= 70 then return get("/api/cases", staff)
    elseif r <= 90 or mode == "mixed_reads" then
      return get("/api/session", os.getenv("ANJU_RESIDENT"))
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

pub(super) struct Cookies {
    pub(super) resident: String,
    pub(super) staff: String,
    pub(super) category: String,
}

pub(super) fn wrk_run(
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
