//! The API fuzzed against its own document: schemathesis (PyPI, pinned, in a virtual
//! environment under the target directory) reads `/api/openapi.json` from the debug server with
//! the demo data and sends generated requests to every operation, signed in as a resident, as a
//! street reviewer and as a county admin. A server error, a status the document does not list,
//! a wrong content type or a body that breaks its schema fails the run.

use crate::bench::server::{sign_in, small_dist, start, Volume};
use crate::tools::{self, step};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// Exactly this schemathesis: its checks and generators change between releases.
pub const PACKAGE: &str = "schemathesis==4.32.5";

/// "0 server errors, 0 responses that violate the document".
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
response_schema_conformance";

/// Operations that would end the very session the run uses (they are covered by the API
/// tests): signing out, ending the other sessions, changing the password.
const SESSION_ENDING: &str = "^/api/(auth/sign-out|me/sessions/end-others|me/password)$";

const ROLES: [(&str, (&str, &str)); 3] = [
    ("resident", ("13800000001", "anju-resident-2026")),
    ("street reviewer", ("13800000004", "anju-street-2026")),
    ("county admin", ("13800000007", "anju-county-2026")),
];

/// Beside the demo data: enough complaints, applications in every state and survey answers
/// that the detail operations find something to show.
const VOLUME: Volume = Volume {
    complaints: 100,
    applications: 50,
    survey_responses: 100,
};

/// Real identifiers from the database for the path parameters, so that most generated
/// requests reach a resource and its answer is checked against the document (a random id only
/// ever meets 404). One in five values is still generated. Writes schemathesis's config file.
const CONFIG_SCRIPT: &str = r#"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def ids(sql):
    return [str(r[0]) for r in db.execute(sql + " LIMIT 20")]
categories = ids("SELECT code FROM categories ORDER BY code")
dictionaries = {
    "cases": ids("SELECT id FROM cases ORDER BY id"),
    "references": [r + ".json" for r in ids("SELECT reference FROM cases ORDER BY id")],
    "applications": ids("SELECT id FROM retrofit_applications ORDER BY id"),
    "surveys": ids("SELECT id FROM surveys ORDER BY id"),
    "counties": ids("SELECT id FROM jurisdictions WHERE level = 'county' ORDER BY id"),
    "places": ids("SELECT id FROM jurisdictions WHERE level IN ('county', 'street', 'community') ORDER BY id"),
    "orgs": ids("SELECT id FROM assessment_orgs ORDER BY id"),
    "accounts": ids("SELECT id FROM accounts ORDER BY id"),
    "categories": categories,
    "services": [c + ".json" for c in categories],
    "collections": ["services.json", "requests.json", "services.xml", "requests"],
}
bindings = [
    (r"^/api/cases/\{id\}", {"id": "cases"}),
    (r"^/api/retrofit/applications/\{id\}", {"id": "applications"}),
    (r"^/api/surveys/\{id\}", {"id": "surveys"}),
    (r"^/api/retrofit/counties/\{id\}", {"id": "counties", "org": "orgs", "account": "accounts"}),
    (r"^/api/(places|communities)/\{id\}", {"id": "places"}),
    (r"^/api/complaint-categories/\{code\}", {"code": "categories"}),
    (r"^/open311/v2/\{file\}", {"file": "collections"}),
    (r"^/open311/v2/services/\{file\}", {"file": "services"}),
    (r"^/open311/v2/requests/\{file\}", {"file": "references"}),
]
out = []
for name, values in dictionaries.items():
    if values:
        out.append("[dictionaries.%s]" % name)
        out.append("values = %s" % json.dumps(values))
for regex, params in bindings:
    used = [(k, v) for k, v in params.items() if dictionaries[v]]
    if used:
        out.append("[[operations]]")
        out.append("include-path-regex = '%s'" % regex)
        out.append("parameters = { %s }" % ", ".join(
            '"path.%s" = { dictionary = "%s", probability = 0.8 }' % kv for kv in used))
open(sys.argv[2], "w").write("\n".join(out) + "\n")
"#;

/// What one role's run came to.
pub struct Outcome {
    pub role: &'static str,
    pub generated: u64,
}

/// Run schemathesis with at most `examples` generated cases per operation and phase, once per
/// role; fail on the first role with a failure.
pub fn api_fuzz(root: &Path, anju: &Path, examples: u32) -> Result<Vec<Outcome>> {
    step(&format!(
        "schemathesis against /api/openapi.json ({examples} examples per operation)"
    ));
    let work = tools::target_dir(root).join("api-fuzz");
    std::fs::create_dir_all(&work)?;
    let schemathesis = tools::python_venv(&work.join("venv"), &[PACKAGE])?.join("schemathesis");
    let dist = small_dist(&work)?;
    let (_server, base) = start(anju, &work, &dist, None, Some(VOLUME))?;
    let config = work.join("schemathesis.toml");
    tools::run(
        Command::new("python3")
            .arg("-c")
            .arg(CONFIG_SCRIPT)
            .arg(work.join("data").join("anju.db"))
            .arg(&config),
    )
    .context("reading identifiers for schemathesis")?;
    let mut outcomes = Vec::new();
    for (role, account) in ROLES {
        let cookie = sign_in(&base, account)?;
        let out = Command::new(&schemathesis)
            // It keeps a cache of what it found in its working directory: not the repository.
            .current_dir(&work)
            .arg("--config-file")
            .arg(&config)
            .args(["run", &format!("{base}/api/openapi.json")])
            .args(["-H", &format!("Cookie: {cookie}")])
            .args(["-H", "X-Anju-Client: schemathesis"])
            .args(["--checks", CHECKS])
            .args(["--max-examples", &examples.to_string()])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args(["--exclude-path-regex", SESSION_ENDING])
            .args(["--workers", "2", "--seed", "20261206", "--no-color"])
            .output()
            .context("running schemathesis")?;
        let text = String::from_utf8_lossy(&out.stdout);
        // Kept for reading the warnings (which operations met only 404s or 403s).
        std::fs::write(work.join(format!("{}.txt", role.replace(' ', "-"))), &*text)?;
        let (generated, passed) = counts(&text)
            .with_context(|| format!("no test case counts in schemathesis's output:\n{text}"))?;
        println!("  {role}: {generated} generated, {passed} passed");
        if !out.status.success() || generated != passed {
            bail!(
                "schemathesis as {role} found problems:\n{text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        outcomes.push(Outcome { role, generated });
    }
    Ok(outcomes)
}

/// `  5723 generated, 5723 passed` under "Test cases:" → (5723, 5723).
fn counts(text: &str) -> Option<(u64, u64)> {
    let line = text
        .lines()
        .skip_while(|l| !l.starts_with("Test cases:"))
        .nth(1)?;
    let number = |word: &str| {
        line.split(',')
            .find(|part| part.trim_end().ends_with(word))?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    Some((number("generated")?, number("passed")?))
}

#[cfg(test)]
mod tests {
    use super::counts;

    #[test]
    fn counts_read_the_summary_line() {
        let text =
            "Warnings:\n  x\n\nTest cases:\n  5723 generated, 5720 passed, 3 failed\n\nSeed: 1";
        assert_eq!(counts(text), Some((5723, 5720)));
        assert_eq!(counts("nothing"), None);
    }
}
