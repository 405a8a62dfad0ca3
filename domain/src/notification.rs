//! The in-app notification centre's API types.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: i64,
    /// RFC3339, +08:00.
    pub at: String,
    /// `deadline_warning`, `deadline_breach`, `case_update`, `retrofit_update`.
    pub kind: String,
    pub case_id: Option<i64>,
    /// A notice about a retrofit application links to it.
    #[serde(default)]
    pub application_id: Option<i64>,
    pub message: String,
    pub message_en: String,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub unread: i64,
    /// Pass as `before` for older notifications.
    pub next_before: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadCount {
    pub unread: i64,
}

/// Channels beyond the portal a person chooses for their notifications. In-app is always on:
/// every notification is in the notification centre whatever is chosen here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageChannels {
    /// A short text message to the account's (verified) phone number.
    pub sms: bool,
    pub email: bool,
    /// Where e-mail goes; required when `email` is chosen.
    #[serde(default)]
    pub email_address: Option<String>,
}

/// `GET /api/me/channels`: the choice, and what this server can send at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageChannelsView {
    pub chosen: MessageChannels,
    /// The number texts go to, masked.
    pub phone_masked: String,
    /// False when the server has no mail server configured: e-mail cannot be chosen.
    pub email_available: bool,
    /// The latest deliveries beyond the portal, newest first (at most 5).
    #[serde(default)]
    pub recent: Vec<DeliveryView>,
}

/// One notification's delivery on one channel, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// `sms` or `email`.
    pub channel: String,
    /// `pending` (waiting or being retried), `sent`, `failed` (gave up after the retries),
    /// `dropped` (the channel was switched off or has no address any more).
    pub state: String,
    /// RFC3339, +08:00: when the notification was made.
    pub at: String,
    pub message: String,
    pub message_en: String,
}

pub const EMAIL_MAX_CHARS: usize = 254;

/// A plain check of an e-mail address: one `@`, something before it, a dotted domain after
/// it, no spaces. The mail server is the final judge; this catches typing slips.
pub fn check_email_address(address: &str) -> Result<(), crate::FieldError> {
    let a = address.trim();
    let bad = || {
        crate::FieldError::new(
            "请填写有效的电子邮箱地址，例如 name@example.com",
            "Enter a valid e-mail address, like name@example.com",
        )
    };
    if a.is_empty() || a.chars().count() > EMAIL_MAX_CHARS || a.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let Some((local, domain)) = a.split_once('@') else {
        return Err(bad());
    };
    let labels_ok = domain
        .split('.')
        .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
    if local.is_empty() || domain.contains('@') || !domain.contains('.') || !labels_ok {
        return Err(bad());
    }
    Ok(())
}

/// Problems with a channel choice, by field. `email_available`: whether the server can send
/// e-mail at all.
pub fn check_channels(
    c: &MessageChannels,
    email_available: bool,
) -> std::collections::BTreeMap<String, crate::FieldError> {
    let mut p = std::collections::BTreeMap::new();
    let address = c.email_address.as_deref().map(str::trim).unwrap_or("");
    if c.email && !email_available {
        p.insert(
            "email".to_owned(),
            crate::FieldError::new(
                "本系统暂未开通电子邮件提醒，请选择短信",
                "This service cannot send e-mail yet; choose text messages",
            ),
        );
    } else if c.email && address.is_empty() {
        p.insert(
            "email_address".to_owned(),
            crate::FieldError::new(
                "选择电子邮件提醒时，请填写邮箱地址",
                "Enter the e-mail address to send notifications to",
            ),
        );
    }
    if !address.is_empty() {
        if let Err(e) = check_email_address(address) {
            p.insert("email_address".to_owned(), e);
        }
    }
    p
}

/// How a notification reads as a text message: short and plain, with anything that looks
/// like an identity-card number removed (a message is written for the portal, where the
/// reader is signed in; a text can be read by whoever holds the phone).
pub fn sms_text(message: &str) -> String {
    const MAX_CHARS: usize = 60;
    let plain = without_id_numbers(message);
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut text = String::from("【安居】");
    if plain.chars().count() > MAX_CHARS {
        text.extend(plain.chars().take(MAX_CHARS - 1));
        text.push('…');
        text.push_str("详情请登录安居查看");
    } else {
        text.push_str(&plain);
    }
    text
}

/// `message` with every run that could be a mainland identity-card number (15 to 18 digits,
/// the last possibly X) replaced by `***`; longer digit runs go too, being worse still.
pub fn without_id_numbers(message: &str) -> String {
    let chars: Vec<char> = message.chars().collect();
    let mut out = String::with_capacity(message.len());
    let mut i = 0;
    while i < chars.len() {
        let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut run = digits;
        if matches!(chars.get(i + run), Some('X' | 'x')) {
            run += 1;
        }
        if run >= 15 {
            out.push_str("***");
        } else {
            out.extend(&chars[i..i + run]);
        }
        i += run;
    }
    out
}

/// Tries before a delivery is given up.
pub const DELIVERY_MAX_ATTEMPTS: i64 = 8;

/// Seconds to wait after the `attempts`-th failure: 30 s, doubling, at most an hour
/// (30 s, 1, 2, 4, 8, 16, 32 min, 1 h: about two hours in all).
pub fn retry_after_secs(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 8) - 1;
    (30i64 << doublings).min(3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_never_carry_an_identity_card_number() {
        let t = sms_text("老人 110101194001011234 的申请已受理，身份证 11010119400101123X 已核对");
        assert!(!t.contains("110101194001011234"));
        assert!(!t.contains("11010119400101123X"));
        assert!(t.contains("***"));
        // A complaint's reference and a date keep their digits.
        let t = sms_text("您的投诉 TS-2026-000123 已于 20261206 办结");
        assert!(t.contains("TS-2026-000123") && t.contains("20261206"));
    }

    #[test]
    fn texts_are_short_and_start_with_the_signature() {
        let long = "您的居家适老化改造申请".repeat(20);
        let t = sms_text(&long);
        assert!(t.starts_with("【安居】"));
        assert!(t.chars().count() <= 4 + 60 + 9, "{t}");
        assert!(t.ends_with("详情请登录安居查看"));
        assert_eq!(sms_text("投诉已受理\n请等待"), "【安居】投诉已受理 请等待");
    }

    #[test]
    fn email_addresses_are_checked_for_slips() {
        for good in ["a@b.cn", "zhang.san+anju@mail.example.com"] {
            assert!(check_email_address(good).is_ok(), "{good}");
        }
        for bad in [
            "", "a", "a@b", "@b.cn", "a@b..cn", "a b@c.cn", "a@b@c.cn", "a@-b.cn",
        ] {
            assert!(check_email_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn choosing_email_needs_an_address_and_a_server_that_sends_it() {
        let mut c = MessageChannels {
            sms: true,
            email: true,
            email_address: None,
        };
        assert!(check_channels(&c, true).contains_key("email_address"));
        assert!(check_channels(&c, false).contains_key("email"));
        c.email_address = Some("zhang@example.cn".into());
        assert!(check_channels(&c, true).is_empty());
        // An address may be kept while e-mail is off, but it must still be an address.
        c.email = false;
        c.email_address = Some("zhang".into());
        assert!(check_channels(&c, false).contains_key("email_address"));
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        let waits: Vec<i64> = (1..=DELIVERY_MAX_ATTEMPTS).map(retry_after_secs).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600]);
        assert_eq!(retry_after_secs(50), 3600);
    }
}
