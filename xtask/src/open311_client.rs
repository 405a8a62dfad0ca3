//! The Open311 feed read by a published GeoReport v2 client: PyPI's `georeport` (pinned, in a
//! virtual environment under the target directory) against the debug server with the demo
//! data, in JSON and in XML: the service list, a service's definition, the requests with the
//! `service_request_id` list overriding a status filter, and one request.

use crate::bench::server::{small_dist, start};
use crate::tools::{self, step};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// The client and its two libraries, exactly.
const PACKAGES: [&str; 3] = ["georeport==0.3.1", "requests==2.32.5", "xmltodict==0.14.2"];

const SCRIPT: &str = r#"
import sys
from georeport import GeoReport

def as_list(x):
    # xmltodict gives one element as a dict, several as a list.
    return x if isinstance(x, list) else [x]

base = sys.argv[1] + "/open311/v2"
for fmt in ("json", "xml"):
    client = GeoReport(base, jurisdiction="binhu", output_format=fmt)
    codes = [s["service_code"] for s in as_list(client.get_service_list())]
    assert "home-repair" in codes, (fmt, codes)
    definition = client.get_service_definition("home-repair")
    assert definition["service_code"] == "home-repair", (fmt, definition)
    everything = as_list(client.get_service_requests(status="open,closed"))
    ids = sorted(r["service_request_id"] for r in everything)
    assert len(ids) >= 2, (fmt, ids)
    # The id list overrides the status filter: these are not all closed.
    picked = as_list(client.get_service_requests(service_request_id=",".join(ids[:2]), status="closed"))
    assert sorted(r["service_request_id"] for r in picked) == ids[:2], (fmt, picked)
    one = client.get_service_request(ids[0])
    assert one["service_request_id"] == ids[0], (fmt, one)
    print(fmt, len(codes), "services,", len(ids), "requests")
"#;

pub fn open311_client(root: &Path, anju: &Path) -> Result<()> {
    step("Open311 through the GeoReport v2 client (PyPI georeport)");
    let work = tools::target_dir(root).join("open311-client");
    std::fs::create_dir_all(&work)?;
    let python = tools::python_venv(&work.join("venv"), &PACKAGES)?.join("python");
    let dist = small_dist(&work)?;
    let (_server, base) = start(anju, &work, &dist, None, None)?;
    let out = Command::new(&python)
        .args(["-c", SCRIPT, &base])
        .output()
        .context("running the client")?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    if !out.status.success() {
        bail!(
            "the GeoReport client failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}
