//! `anju`: wires settings, telemetry and serving. All behaviour lives in the library.

use anju_server::{cli, demo, router, AppState, DatabaseUrl, Db, Policy, Settings};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "anju", about = "安居 Anju community services portal")]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args, Clone)]
struct Common {
    /// Directory for the embedded SQLite database.
    #[arg(long, env = "ANJU_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to `sqlite://<data-dir>/anju.db`.
    #[arg(long, env = "ANJU_DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run migrations and serve the API and the app (the default).
    Serve(ServeArgs),
    /// Run database migrations and exit.
    Migrate,
    /// Load the demo city and one account per role (idempotent).
    DemoData,
    /// Print when a complaint or inquiry filed at `--at` falls due (RFC3339, +08:00), computed
    /// by the same code as real cases, on the national working calendar.
    Deadline {
        /// Category code, e.g. `home-repair`.
        #[arg(long)]
        category: String,
        /// Submission time, RFC3339, e.g. 2026-09-29T10:00:00+08:00.
        #[arg(long)]
        at: String,
        /// Only this target (acknowledge, on-site, resolve, answer).
        #[arg(long)]
        target: Option<String>,
        /// Apply this community's calendar exceptions too.
        #[arg(long)]
        community: Option<i64>,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Add complaints and retrofit applications at volume to the demo data (for
    /// `cargo xtask bench --scale`; never on a real database).
    #[command(hide = true)]
    VolumeData {
        #[arg(long)]
        complaints: i64,
        #[arg(long)]
        applications: i64,
        /// Responses to a monthly survey of every community, 500 a month back from now.
        #[arg(long, default_value_t = 0)]
        survey_responses: i64,
    },
    /// Check a signed plan's certificate code against the record: exit 0 when the stored plan
    /// still hashes to what was signed, 1 when it does not, 2 for a code never issued.
    VerifyPlan {
        /// The code printed on the certificate, e.g. ABCD-EFGH-JKMN.
        code: String,
    },
    /// Write a consistent copy of the SQLite database, the uploads and the key file into DIR
    /// (new or empty), while the server keeps serving. Store the key file apart from the rest.
    Backup {
        dir: PathBuf,
        /// The key file to copy; defaults to `<data-dir>/anju-data.key`.
        #[arg(long, env = "ANJU_KEY_FILE")]
        key_file: Option<PathBuf>,
    },
    /// Put a backup (from `anju backup`) in place as the data directory. Refused while a
    /// server uses it; what it replaces is kept, renamed `*.before-restore-<time>`.
    Restore {
        dir: PathBuf,
        /// Where the backup's key file goes; defaults to `<data-dir>/anju-data.key`.
        #[arg(long, env = "ANJU_KEY_FILE")]
        key_file: Option<PathBuf>,
    },
    /// Create a system admin; the password is read from ANJU_ADMIN_PASSWORD or stdin.
    CreateAdmin {
        #[arg(long)]
        phone: String,
        #[arg(long, default_value = "系统管理员")]
        name: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain: print the number of entries and the head hash; exit with status 1
    /// naming the first entry that was changed, removed, inserted or reordered.
    Verify,
}

#[derive(Args, Default)]
struct ServeArgs {
    #[arg(long, env = "ANJU_BIND", default_value = "127.0.0.1:3000")]
    bind: Option<SocketAddr>,
    /// The built app (`cargo xtask dist`).
    #[arg(long, env = "ANJU_DIST_DIR", default_value = "dist")]
    dist_dir: Option<PathBuf>,
    /// Set when users reach the server over HTTPS: cookies become `Secure` and `__Host-`.
    #[arg(long, env = "ANJU_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Key file for sensitive personal information at rest (created with fresh keys if
    /// missing); defaults to `<data-dir>/anju-data.key`. Ignored when ANJU_DATA_KEYS is set.
    #[arg(long, env = "ANJU_KEY_FILE")]
    key_file: Option<PathBuf>,
    /// The SMS provider's HTTP endpoint (`POST` JSON `{phone, text}`); without it codes are
    /// written to the log, for development.
    #[arg(long, env = "ANJU_SMS_URL")]
    sms_url: Option<String>,
    /// An S3-compatible bucket for uploaded files, path-style: `http(s)://host[:port]/bucket`
    /// (keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, region from AWS_REGION). Without
    /// it files go to the database on PostgreSQL and to `<data-dir>/uploads` on SQLite.
    #[arg(long, env = "ANJU_OBJECT_STORE_URL")]
    object_store_url: Option<String>,
    /// Bearer token for the SMS provider.
    #[arg(long, env = "ANJU_SMS_TOKEN", hide_env_values = true)]
    sms_token: Option<String>,
    /// The mail server for e-mail notifications: `smtps://host[:port]`, or
    /// `smtp://host[:port]?tls=required` (STARTTLS); plain `smtp://` only for a relay nearby.
    /// Without it e-mail is not offered.
    #[arg(long, env = "ANJU_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of e-mail notifications, e.g. `安居 <noreply@example.cn>`.
    #[arg(long, env = "ANJU_SMTP_FROM")]
    smtp_from: Option<String>,
    /// User and password at the mail server, if it wants them.
    #[arg(long, env = "ANJU_SMTP_USER")]
    smtp_user: Option<String>,
    #[arg(long, env = "ANJU_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// Codes texted per client address per hour (raise behind a proxy that hides addresses).
    #[arg(long, env = "ANJU_SMS_PER_IP_PER_HOUR")]
    sms_per_ip_per_hour: Option<i64>,
    /// Registrations per client address per hour.
    #[arg(long, env = "ANJU_REGISTRATIONS_PER_IP_PER_HOUR")]
    registrations_per_ip_per_hour: Option<i64>,
}

impl Common {
    fn database_url(&self) -> DatabaseUrl {
        DatabaseUrl::new(
            self.database_url
                .clone()
                .unwrap_or_else(|| format!("sqlite://{}/anju.db", self.data_dir.display())),
        )
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ANJU_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    // JSON lines for log collectors in production; readable text at a terminal. On stderr:
    // stdout carries the answers of commands such as `anju audit verify`.
    if std::env::var("ANJU_LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    } else {
        let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
        tracing_subscriber::fmt()
            .with_ansi(ansi)
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    quiet_panics();
    let cli = Cli::parse();
    let url = cli.common.database_url();
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    // A calculation: it reads the stored calendar and categories when a database exists,
    // never creates one, and prints nothing but the answer on stdout.
    if let Command::Deadline {
        category,
        at,
        target,
        community,
    } = &command
    {
        let stored = cli::stored_policy(&url, *community).await;
        for line in cli::deadline(category, at, target.as_deref(), stored)? {
            println!("{line}");
        }
        return Ok(());
    }
    anju_server::files::private_dir(&cli.common.data_dir)
        .with_context(|| format!("cannot prepare {}", cli.common.data_dir.display()))?;
    let default_key = cli.common.data_dir.join(anju_server::backup::KEY_FILE);
    // Before the database is opened: a restore replaces it.
    if let Command::Restore { dir, key_file } = &command {
        if cli.common.database_url.is_some() {
            anyhow::bail!("anju restore puts back the embedded SQLite database of --data-dir; for PostgreSQL use pg_restore (README)");
        }
        let key_file = key_file.clone().unwrap_or(default_key);
        let report = anju_server::backup::restore(dir, &cli.common.data_dir, &key_file)?;
        for kept in &report.kept {
            println!("kept the replaced {}", kept.display());
        }
        println!(
            "restored {} into {} ({} uploaded files){}",
            dir.display(),
            cli.common.data_dir.display(),
            report.uploads,
            if report.key_restored {
                ", with its key file"
            } else {
                "; the backup has no key file: put the keys back (the key file or ANJU_DATA_KEYS) before serving"
            }
        );
        let db = Db::connect(&url).await?;
        db.migrate().await?;
        let intact = cli::audit_verify(&db).await?;
        db.close().await;
        std::process::exit(if intact { 0 } else { 1 });
    }
    // Held while this command has the database open (a server, for as long as it serves):
    // `anju restore` refuses to replace a database in use.
    let _in_use = anju_server::backup::hold_data_dir(&cli.common.data_dir)?;
    match anju_server::files::make_tree_private(&cli.common.data_dir.join("uploads")) {
        Ok(0) => {}
        Ok(n) => tracing::info!(entries = n, "uploads made owner-only"),
        Err(e) => tracing::warn!(error = %e, "could not make every upload owner-only"),
    }
    tracing::info!(database = %url, "opening database");
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let now = chrono::Utc::now().timestamp();
    match command {
        Command::Migrate => tracing::info!("migrations applied"),
        Command::DemoData => {
            demo::seed(&db, now).await?;
            tracing::info!("demo data loaded");
        }
        Command::VolumeData {
            complaints,
            applications,
            survey_responses,
        } => {
            demo::seed_volume(&db, complaints, applications, survey_responses, now).await?;
            tracing::info!(
                complaints,
                applications,
                survey_responses,
                "volume data loaded"
            );
        }
        Command::CreateAdmin { phone, name } => cli::create_admin(&db, &phone, &name, now).await?,
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let intact = cli::audit_verify(&db).await?;
            db.close().await;
            std::process::exit(if intact { 0 } else { 1 });
        }
        Command::VerifyPlan { code } => {
            let outcome = cli::verify_plan(&db, &code).await?;
            db.close().await;
            std::process::exit(outcome);
        }
        Command::Deadline { .. } | Command::Restore { .. } => {}
        Command::Backup { dir, key_file } => {
            let key_file = key_file.unwrap_or(default_key);
            let report =
                anju_server::backup::backup(&db, &cli.common.data_dir, &key_file, &dir).await?;
            println!(
                "backup written to {}: database {} bytes, {} uploaded files",
                dir.display(),
                report.database_bytes,
                report.uploads
            );
            if report.key_copied {
                eprintln!(
                    "warning: {} holds the key that opens the sealed data: store it apart from the rest of the backup (whoever has both can read ID numbers and health details)",
                    dir.join(anju_server::backup::KEY_FILE).display()
                );
            } else {
                eprintln!(
                    "warning: no key file at {}: the backup cannot be read without the keys (ANJU_DATA_KEYS): keep them safe, apart",
                    key_file.display()
                );
            }
        }
        Command::Serve(args) => {
            cli::audit_chain_at_start(&db).await?;
            let keys = match std::env::var("ANJU_DATA_KEYS") {
                Ok(text) if !text.trim().is_empty() => {
                    anju_server::crypto::Keyring::parse(&text).context("ANJU_DATA_KEYS")?
                }
                _ => anju_server::crypto::Keyring::load_or_create(
                    &args.key_file.clone().unwrap_or_else(|| default_key.clone()),
                )?,
            };
            let sms = match &args.sms_url {
                Some(url) => anju_server::sms::SmsSender::http(url, args.sms_token.clone())?,
                None => anju_server::sms::SmsSender::Log,
            };
            if matches!(sms, anju_server::sms::SmsSender::Log) {
                tracing::warn!(
                    "no --sms-url: verification codes are written to this log, not sent (development only)"
                );
            }
            tracing::info!(sender = %sms.describe(), "SMS");
            let mail = match &args.smtp_url {
                Some(url) => {
                    let from = args
                        .smtp_from
                        .as_deref()
                        .context("ANJU_SMTP_URL is set: ANJU_SMTP_FROM must name the sender")?;
                    let credentials = match (&args.smtp_user, &args.smtp_password) {
                        (Some(u), Some(p)) => Some((u.clone(), p.clone())),
                        (None, None) => None,
                        _ => anyhow::bail!("ANJU_SMTP_USER and ANJU_SMTP_PASSWORD go together"),
                    };
                    let mailer = anju_server::mail::Mailer::new(url, from, credentials)?;
                    tracing::info!(server = mailer.describe(), "e-mail notifications");
                    Some(mailer)
                }
                None => {
                    tracing::info!("no ANJU_SMTP_URL: e-mail notifications are not offered");
                    None
                }
            };
            let object_store = match &args.object_store_url {
                Some(url) => {
                    let store = anju_server::object_store::ObjectStore::from_url(url)?;
                    store.check().await?;
                    tracing::info!(url = store.url(), "uploaded files go to the object store");
                    Some(store)
                }
                None => None,
            };
            let settings = Settings {
                object_store,
                sms,
                mail,
                keys,
                database_url: url,
                dist_dir: args.dist_dir.unwrap_or_else(|| "dist".into()),
                upload_dir: cli.common.data_dir.join("uploads"),
                asset_archive: Some(cli.common.data_dir.join("static-archive")),
                secure_cookies: args.secure_cookies,
                policy: {
                    let mut policy = Policy::default();
                    if let Some(n) = args.sms_per_ip_per_hour {
                        policy.sms_per_ip_per_hour = n;
                    }
                    if let Some(n) = args.registrations_per_ip_per_hour {
                        policy.registrations_per_ip_per_hour = n;
                    }
                    policy
                },
            };
            let bind = args
                .bind
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000)));
            serve(db.clone(), settings, bind).await?;
        }
    }
    db.close().await;
    Ok(())
}

/// Panics are logged with their place in the code only: the default hook prints the message,
/// which can quote the input that caused it (a query string, a body).
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(
            location,
            "panic (message withheld: it may quote user input)"
        );
    }));
}

async fn serve(db: Db, settings: Settings, bind: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!(address = %listener.local_addr()?, dist = %settings.dist_dir.display(), "anju listening");
    let state = AppState::new(db, settings);
    anju_server::deadlines::spawn_watch(state.clone());
    anju_server::outbox::spawn_outbox(state.clone());
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
