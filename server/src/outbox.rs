//! Delivers the outbox: every notification is in the portal at once, and goes out by text
//! message and e-mail as its owner chose. A worker runs in each server instance; rows are
//! claimed before sending, so several instances never send the same message, and a failed
//! try waits (back-off) and is tried again, up to `DELIVERY_MAX_ATTEMPTS`. Nothing here can
//! block or undo the action that made the notification: that committed before.

use crate::db::outbox::{ClaimedDelivery, DeliveryOutcome};
use crate::AppState;
use anju_domain::notification::{retry_after_secs, sms_text, DELIVERY_MAX_ATTEMPTS};
use anju_domain::PhoneNumber;
use rand::Rng;
use std::time::Duration;

/// How long a claim holds: longer than a try can take (each channel gives up after 10 s).
const LEASE_SECS: i64 = 120;
/// Rows claimed at once by one worker.
const BATCH: i64 = 20;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    pub dropped: usize,
}

/// A name for this process's worker, unique among instances.
pub fn worker_name() -> String {
    format!("worker-{:016x}", rand::thread_rng().gen::<u64>())
}

/// Claim what is due and try each once; until nothing is due.
pub async fn deliver_due(state: &AppState, worker: &str) -> anyhow::Result<Round> {
    let mut round = Round::default();
    loop {
        let now = state.clock.now();
        if !state.db.outbox_has_due(now).await? {
            return Ok(round);
        }
        let claimed = state
            .db
            .claim_deliveries(worker, now, now + LEASE_SECS, BATCH)
            .await?;
        if claimed.is_empty() {
            // Due rows exist but another worker holds them.
            return Ok(round);
        }
        for d in claimed {
            let outcome = try_once(state, &d).await;
            match &outcome {
                DeliveryOutcome::Sent => round.sent += 1,
                DeliveryOutcome::Failed {
                    retry_at: Some(_), ..
                } => round.retrying += 1,
                DeliveryOutcome::Failed { retry_at: None, .. } => round.failed += 1,
                DeliveryOutcome::Dropped { .. } => round.dropped += 1,
            }
            if let DeliveryOutcome::Failed { error, retry_at } = &outcome {
                tracing::warn!(
                    delivery = d.id,
                    channel = d.channel,
                    attempt = d.attempts + 1,
                    retry_at,
                    error,
                    "message not delivered"
                );
            }
            let finished_at = state.clock.now();
            state
                .db
                .finish_delivery(d.id, worker, finished_at, &outcome)
                .await?;
        }
    }
}

async fn try_once(state: &AppState, d: &ClaimedDelivery) -> DeliveryOutcome {
    let dropped = |reason: &str| DeliveryOutcome::Dropped {
        reason: reason.to_owned(),
    };
    let result = match d.channel.as_str() {
        "sms" => {
            if !d.sms_chosen {
                return dropped("texts switched off since");
            }
            let Ok(phone) = PhoneNumber::parse(&d.phone) else {
                return dropped("no mobile number");
            };
            state.settings.sms.send(&phone, &sms_text(&d.message)).await
        }
        "email" => {
            let (Some(mailer), Some(to)) = (&state.settings.mail, &d.email) else {
                return dropped("no mail server or no address");
            };
            if !d.email_chosen {
                return dropped("e-mail switched off since");
            }
            let (subject, body) = email_text(&d.message, &d.message_en);
            mailer.send(to, &subject, &body).await
        }
        other => return dropped(&format!("unknown channel {other}")),
    };
    match result {
        Ok(()) => DeliveryOutcome::Sent,
        Err(e) => {
            let tries = d.attempts + 1;
            DeliveryOutcome::Failed {
                // The provider's answer or the network failure (never the message text).
                error: format!("{e:#}").chars().take(300).collect(),
                retry_at: (tries < DELIVERY_MAX_ATTEMPTS)
                    .then(|| state.clock.now() + retry_after_secs(tries)),
            }
        }
    }
}

/// Subject and body of a notification by e-mail: Chinese first, English below, identity-card
/// numbers removed as in texts (mail is read on shared computers too).
pub fn email_text(message: &str, message_en: &str) -> (String, String) {
    use anju_domain::notification::without_id_numbers;
    let message = without_id_numbers(message);
    let first_line = message.lines().next().unwrap_or_default();
    let subject: String = if first_line.chars().count() > 40 {
        first_line.chars().take(39).chain(['…']).collect()
    } else {
        first_line.to_owned()
    };
    let body = format!(
        "{message}\n\n{}\n\n——\n安居社区服务平台。详情请登录安居查看；如不想再收到邮件，请在“我的账户 → 消息提醒”里关闭。\nTo stop these e-mails, switch them off under My account → Notifications.\n",
        without_id_numbers(message_en)
    );
    (format!("【安居】{subject}"), body)
}

/// Delivers every few seconds until the process ends.
pub fn spawn_outbox(state: AppState) {
    tokio::spawn(async move {
        let worker = worker_name();
        let mut tick = tokio::time::interval(Duration::from_secs(3));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match deliver_due(&state, &worker).await {
                Ok(r) if r != Round::default() => tracing::info!(
                    sent = r.sent,
                    retrying = r.retrying,
                    failed = r.failed,
                    dropped = r.dropped,
                    "outbox"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = format!("{e:#}"), "outbox delivery failed"),
            }
        }
    });
}
