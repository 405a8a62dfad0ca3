//! E-mail over SMTP (`ANJU_SMTP_URL`, with `ANJU_SMTP_FROM` and, for servers that want them,
//! `ANJU_SMTP_USER` / `ANJU_SMTP_PASSWORD`). Without a URL the server sends no e-mail and
//! nobody can choose it. `smtps://host` is TLS from the first byte, `smtp://host?tls=required`
//! upgrades with STARTTLS; plain `smtp://host:port` is for a relay on the same machine or
//! network (and the tests' local server).

use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The URL without anything secret, for the log.
    shown: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("url", &self.shown).finish()
    }
}

impl Mailer {
    /// `credentials`: user and password, kept out of the URL (which ends up in process
    /// listings and logs).
    pub fn new(
        url: &str,
        from: &str,
        credentials: Option<(String, String)>,
    ) -> anyhow::Result<Self> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| anyhow::anyhow!("ANJU_SMTP_URL is not a URL ({e}): smtp://host:port"))?;
        anyhow::ensure!(
            matches!(parsed.scheme(), "smtp" | "smtps"),
            "ANJU_SMTP_URL must start with smtp:// or smtps://"
        );
        anyhow::ensure!(
            parsed.username().is_empty() && parsed.password().is_none(),
            "ANJU_SMTP_URL must not carry a user or password: use ANJU_SMTP_USER and ANJU_SMTP_PASSWORD"
        );
        let from: Mailbox = from.parse().map_err(|e| {
            anyhow::anyhow!("ANJU_SMTP_FROM is not an address ({e}): 安居 <noreply@example.cn>")
        })?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
            .timeout(Some(Duration::from_secs(10)));
        if let Some((user, password)) = credentials {
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            shown: format!(
                "{}://{}:{}",
                parsed.scheme(),
                parsed.host_str().unwrap_or_default(),
                parsed
                    .port()
                    .unwrap_or(if parsed.scheme() == "smtps" { 465 } else { 25 })
            ),
        })
    }

    pub fn describe(&self) -> &str {
        &self.shown
    }

    /// A plain-text message (UTF-8; the subject is encoded for old mail readers).
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let to: Mailbox = to.parse()?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())?;
        self.transport.send(message).await?;
        Ok(())
    }
}
