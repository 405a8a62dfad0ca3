//! Typed settings, from flags and `ANJU_*` environment variables. Policy numbers (session
//! timeouts, sign-in limits) live here with defaults so operators can tune them.

use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub dist_dir: PathBuf,
    /// Where content-hashed app files are kept after a deploy replaced them (in the data
    /// directory), so tabs still running the previous build keep working. `None`: not kept.
    pub asset_archive: Option<PathBuf>,
    /// Uploaded files (content-addressed) on the embedded SQLite deployment; on PostgreSQL
    /// they live in the database unless `object_store` is set.
    pub upload_dir: PathBuf,
    /// An S3-compatible bucket for uploaded files (`ANJU_OBJECT_STORE_URL`).
    pub object_store: Option<crate::object_store::ObjectStore>,
    /// Served over HTTPS (directly or behind a proxy): cookies get `Secure` and `__Host-`.
    pub secure_cookies: bool,
    pub policy: Policy,
    /// Keys for sensitive personal information at rest (never stored in the database).
    pub keys: crate::crypto::Keyring,
    /// How text messages (verification codes) are sent.
    pub sms: crate::sms::SmsSender,
    /// How e-mail notifications are sent (`ANJU_SMTP_URL`); `None`: e-mail is not offered.
    pub mail: Option<crate::mail::Mailer>,
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub session_idle_secs: i64,
    pub session_absolute_secs: i64,
    pub sign_in_window_secs: i64,
    /// Failures from one source (all accounts) before it is slowed: high, since a whole
    /// housing estate can sit behind one carrier NAT address.
    pub max_failures_per_ip: i64,
    pub max_body_bytes: usize,
    /// Share of a month's handled complaints to call back (plus every major one).
    pub callback_min_percent: u32,
    /// Monthly satisfaction target.
    pub satisfaction_target_percent: u32,
    /// Sign-in failures from one account *and* source before delays start; each further
    /// failure doubles the wait, up to `sign_in_max_delay_secs`.
    pub sign_in_free_failures_per_pair: i64,
    pub sign_in_max_delay_secs: i64,
    /// Failures on one account from all sources after which signing in also needs an SMS
    /// code: the owner is never locked out, a guesser needs the phone.
    pub sign_in_failures_before_sms: i64,
    /// SMS codes: life, tries, and how many may be sent per number and per source.
    pub sms_code_ttl_secs: i64,
    pub sms_code_max_attempts: i64,
    pub sms_resend_after_secs: i64,
    pub sms_per_number_per_hour: i64,
    pub sms_per_ip_per_hour: i64,
    /// Registrations per source per hour (a shared NAT registers a few households a day).
    pub registrations_per_ip_per_hour: i64,
    /// Uploads (photos, documents) per account per window.
    pub uploads_per_account: i64,
    pub upload_window_secs: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            session_idle_secs: 30 * 60,
            session_absolute_secs: 12 * 60 * 60,
            sign_in_window_secs: 15 * 60,
            max_failures_per_ip: 300,
            max_body_bytes: 64 * 1024,
            callback_min_percent: 50,
            satisfaction_target_percent: 90,
            sign_in_free_failures_per_pair: 3,
            sign_in_max_delay_secs: 15 * 60,
            sign_in_failures_before_sms: 10,
            sms_code_ttl_secs: 5 * 60,
            sms_code_max_attempts: 5,
            sms_resend_after_secs: 60,
            sms_per_number_per_hour: 5,
            sms_per_ip_per_hour: 30,
            registrations_per_ip_per_hour: 20,
            uploads_per_account: 60,
            upload_window_secs: 10 * 60,
        }
    }
}

/// A database URL whose `Debug`/`Display` hide the password.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_postgres(&self) -> bool {
        self.0.starts_with("postgres://") || self.0.starts_with("postgresql://")
    }
    /// `postgres://anju:secret@db/anju` → `postgres://anju:***@db/anju`.
    pub fn redacted(&self) -> String {
        let url = &self.0;
        let Some(scheme_end) = url.find("://") else {
            return url.clone();
        };
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let Some(at) = authority.rfind('@') else {
            return redact_query_password(url);
        };
        let userinfo = &authority[..at];
        let user = userinfo.split(':').next().unwrap_or("");
        let shown = if userinfo.contains(':') {
            format!("{user}:***")
        } else {
            user.to_owned()
        };
        redact_query_password(&format!(
            "{}{}{}",
            &url[..scheme_end + 3],
            shown,
            &rest[at..]
        ))
    }
}

fn redact_query_password(url: &str) -> String {
    let Some(q) = url.find('?') else {
        return url.to_owned();
    };
    let params: Vec<String> = url[q + 1..]
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => p.to_owned(),
        })
        .collect();
    format!("{}?{}", &url[..q], params.join("&"))
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_password_is_redacted() {
        let cases = [
            (
                "postgres://anju:s3cret@db:5432/anju",
                "postgres://anju:***@db:5432/anju",
            ),
            ("postgres://anju@db/anju", "postgres://anju@db/anju"),
            (
                "postgres://db/anju?user=a&password=s3cret",
                "postgres://db/anju?user=a&password=***",
            ),
            ("sqlite://data/anju.db", "sqlite://data/anju.db"),
            ("postgres://u:p@ss@host/db", "postgres://u:***@host/db"),
        ];
        for (input, expected) in cases {
            let url = DatabaseUrl::new(input);
            assert_eq!(url.redacted(), expected);
            assert!(!format!("{url:?} {url}").contains("s3cret"));
        }
    }
}
