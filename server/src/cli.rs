//! The `anju` commands other than `serve`, as library functions the binary calls: the audit
//! chain's report, creating the first admin, and the deadline calculator.

use crate::auth;
use crate::db::accounts::NewAccount;
use crate::db::Audit;
use crate::{DatabaseUrl, Db};
use anju_domain::{Password, PhoneNumber, Role};
use anyhow::Context;

/// `anju audit verify`: the report on stdout; whether the chain holds.
pub async fn audit_verify(db: &Db) -> anyhow::Result<bool> {
    let report = db.verify_audit_chain().await?;
    match &report.broken {
        None => {
            println!(
                "audit chain intact: {} entries, head {}",
                report.count, report.head
            );
            Ok(true)
        }
        Some(broken) => {
            println!(
                "audit chain BROKEN: {broken}; {} entries verified before it, last good hash {}",
                report.count, report.head
            );
            Ok(false)
        }
    }
}

/// `anju verify-plan CODE`: what `/verify` says, on the command line. The exit code is the
/// answer: 0 matches, 1 changed since signing, 2 no such code.
pub async fn verify_plan(db: &Db, code: &str) -> anyhow::Result<i32> {
    use anju_domain::retrofit_signing::{format_code, normalise_code};
    let Some(code) = normalise_code(code) else {
        println!("not a certificate code: 12 letters and digits, like ABCD-EFGH-JKMN");
        return Ok(2);
    };
    match crate::routes::retrofit::plan::verify_code(db, &code).await? {
        None => {
            println!("{}: no signed plan has this code", format_code(&code));
            Ok(2)
        }
        Some(v) => {
            let when = crate::shanghai::timestamp_text(v.signed_at);
            println!(
                "{}: {} — plan version {}, sha256 {}, signed {} (Beijing time) by {} ({})",
                format_code(&v.code),
                if v.valid {
                    "MATCHES the signed plan"
                } else {
                    "DOES NOT MATCH: the plan was changed after signing"
                },
                v.version,
                v.plan_sha256,
                when,
                v.signer_masked,
                v.capacity.as_str()
            );
            Ok(if v.valid { 0 } else { 1 })
        }
    }
}

/// The chain's state in the log at every start: an operator who keeps the head hash elsewhere
/// can later tell whether the whole tail was rewritten; a broken chain is as loud as we can be
/// without refusing to serve residents.
pub async fn audit_chain_at_start(db: &Db) -> anyhow::Result<()> {
    let report = db.verify_audit_chain().await?;
    match &report.broken {
        None => tracing::info!(
            entries = report.count,
            head = %report.head,
            "audit chain intact"
        ),
        Some(broken) => {
            tracing::error!(
                first_break = %broken,
                verified = report.count,
                "AUDIT CHAIN BROKEN: the audit log was changed outside the server; run `anju audit verify` and investigate"
            );
            eprintln!("WARNING: AUDIT CHAIN BROKEN: {broken}");
        }
    }
    Ok(())
}

pub async fn create_admin(db: &Db, phone: &str, name: &str, now: i64) -> anyhow::Result<()> {
    let phone = PhoneNumber::parse(phone).map_err(|e| anyhow::anyhow!(e.message().1))?;
    let password = match std::env::var("ANJU_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("Password for the new admin (input is read from stdin):");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let password = Password::new(&password, Some(phone.as_str()))
        .map_err(|e| anyhow::anyhow!(e.message().1))?;
    let hash = auth::hash_password(password.expose())?;
    let mut tx = db.begin().await?;
    let id = tx
        .create_account(&NewAccount {
            phone: phone.as_str(),
            password_hash: &hash,
            display_name: name,
            role: Role::SystemAdmin,
            jurisdiction_id: None,
            home: None,
            scope_path: "/",
            phone_verified: false,
            now,
        })
        .await
        .map_err(|e| anyhow::anyhow!("cannot create the admin: {e}"))?;
    tx.audit(
        &Audit::new(
            now,
            None,
            "account.create_admin",
            &format!("account:{id}"),
            "/",
        )
        .detail("cli"),
    )
    .await?;
    tx.commit().await?;
    println!("created system admin {} ({})", phone.masked(), id);
    Ok(())
}

pub type StoredPolicy = (
    crate::calendars::CommunityClock,
    Vec<anju_domain::category::Category>,
);

/// The calendar and categories real cases use, if this deployment's database exists.
pub async fn stored_policy(url: &DatabaseUrl, community: Option<i64>) -> Option<StoredPolicy> {
    if !url.is_postgres() {
        let path = url
            .expose()
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap_or("");
        if !std::path::Path::new(path).exists() {
            return None;
        }
    }
    let db = Db::connect(url).await.ok()?;
    let calendar = crate::calendars::CalendarCache::default()
        .for_community(&db, community.unwrap_or(0))
        .await
        .ok()?;
    let categories = db.categories().await.ok().filter(|c| !c.is_empty())?;
    db.close().await;
    Some(((*calendar).clone(), categories))
}

pub fn deadline(
    category: &str,
    at: &str,
    target: Option<&str>,
    stored: Option<StoredPolicy>,
) -> anyhow::Result<Vec<String>> {
    use crate::calendars::CommunityClock;
    use anju_domain::calendar::shanghai;
    use anju_domain::category::{default_categories, find_category};
    use anju_domain::deadline::{due_at, Due, TargetName};

    let (clock, categories) =
        stored.unwrap_or_else(|| (CommunityClock::national(), default_categories()));
    let category = find_category(&categories, category).ok_or_else(|| {
        let codes: Vec<_> = categories.iter().map(|c| c.code.as_str()).collect();
        anyhow::anyhow!(
            "unknown category `{category}`; one of: {}",
            codes.join(", ")
        )
    })?;
    let started = chrono::DateTime::parse_from_rfc3339(at)
        .with_context(|| {
            format!("--at must be RFC3339, e.g. 2026-09-29T10:00:00+08:00 (got `{at}`)")
        })?
        .with_timezone(&chrono::Utc);
    let wanted = match target {
        Some(t) => {
            Some(TargetName::parse(t).ok_or_else(|| anyhow::anyhow!("unknown target `{t}`"))?)
        }
        None => None,
    };
    let ctx = clock.ctx();
    let mut lines = Vec::new();
    for t in category
        .targets
        .iter()
        .filter(|t| wanted.is_none_or(|w| w == t.name))
    {
        let due = match due_at(t, started, &[], &ctx) {
            Due::At(due) => due.with_timezone(&shanghai()).to_rfc3339(),
            other => anyhow::bail!("no due time: {other:?}"),
        };
        lines.push(if wanted.is_some() {
            due
        } else {
            format!("{} {due}", t.name.as_str())
        });
    }
    if lines.is_empty() {
        anyhow::bail!("category `{}` has no such target", category.code);
    }
    Ok(lines)
}
