//! Text messages and the one-time codes they carry. Every message goes through [`SmsSender`]:
//! a provider's HTTP API (configured by `ANJU_SMS_URL` / `ANJU_SMS_TOKEN`), the server log
//! for development (what `cargo xtask run` uses; never in production), or a recording
//! sender that tests read codes from. Codes: 6 digits, stored as a keyed hash, valid for
//! minutes, a few tries each, sends limited per number and per source.

use crate::db::rate_events::Bucket;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use anju_domain::PhoneNumber;
use rand::Rng;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsMessage {
    pub phone: String,
    pub text: String,
}

#[derive(Clone, Debug)]
pub enum SmsSender {
    /// Development only: the message is written to the server log.
    Log,
    /// A provider's HTTP API: `POST url` with `{"phone", "text"}` and the bearer token.
    Http {
        url: String,
        token: Option<String>,
        client: reqwest::Client,
    },
    /// Tests: messages are kept in memory for the test to read.
    Recording(Arc<Mutex<Vec<SmsMessage>>>),
}

impl SmsSender {
    pub fn http(url: &str, token: Option<String>) -> anyhow::Result<Self> {
        // Idle connections are dropped after 4 s, before the 5 s after which common HTTP servers
        // (Node's default among them) close them: a code sent on a connection the provider was
        // closing at that moment failed with "error sending request" (seen once in the e2e run).
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(4))
            .build()?;
        Ok(SmsSender::Http {
            url: url.to_owned(),
            token,
            client,
        })
    }

    pub fn recording() -> Self {
        SmsSender::Recording(Arc::default())
    }

    /// What a recording sender holds (empty for the others).
    pub fn sent(&self) -> Vec<SmsMessage> {
        match self {
            SmsSender::Recording(m) => m.lock().map(|m| m.clone()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            SmsSender::Log => "development log (codes are written to this log)".into(),
            SmsSender::Http { url, .. } => format!(
                "HTTP provider at {}",
                url.split('?').next().unwrap_or_default()
            ),
            SmsSender::Recording(_) => "recording (tests)".into(),
        }
    }

    pub async fn send(&self, phone: &PhoneNumber, text: &str) -> anyhow::Result<()> {
        match self {
            SmsSender::Log => {
                tracing::warn!(to = %phone.masked(), text, "development SMS (not sent)");
                Ok(())
            }
            SmsSender::Http { url, token, client } => {
                let mut request = client
                    .post(url)
                    .json(&serde_json::json!({ "phone": phone.as_str(), "text": text }));
                if let Some(t) = token {
                    request = request.bearer_auth(t);
                }
                let response = request.send().await?;
                anyhow::ensure!(
                    response.status().is_success(),
                    "SMS provider answered {}",
                    response.status()
                );
                Ok(())
            }
            SmsSender::Recording(messages) => {
                if let Ok(mut m) = messages.lock() {
                    m.push(SmsMessage {
                        phone: phone.as_str().to_owned(),
                        text: text.to_owned(),
                    });
                }
                Ok(())
            }
        }
    }
}

pub use anju_domain::SmsPurpose as Purpose;

fn purpose_str(p: Purpose) -> &'static str {
    match p {
        Purpose::Register => "register",
        Purpose::ResetPassword => "reset_password",
        Purpose::SignIn => "sign_in",
        Purpose::GuardianAccept => "guardian_accept",
    }
}

fn purpose_words(p: Purpose) -> &'static str {
    match p {
        Purpose::Register => "注册",
        Purpose::ResetPassword => "重设密码",
        Purpose::SignIn => "登录",
        Purpose::GuardianAccept => "确认家属代办",
    }
}

fn code_hash(state: &AppState, phone: &str, purpose: Purpose, code: &str) -> String {
    state
        .settings
        .keys
        .lookup_hash(&format!("sms-code:{phone}:{}:{code}", purpose_str(purpose)))
}

/// The message sent instead of a code when the purpose needs an account the number does
/// not have. The caller is answered the same either way, so nobody learns from the web
/// which numbers have accounts; the number's owner learns it from their own phone.
const NO_ACCOUNT_TEXT: &str =
    "【安居】有人用您的手机号申请验证码，但这个号码还没有注册安居。如不是您本人操作，请忽略。";

/// Send a code (rate-limited per number and per source). `has_account` is whether the
/// purpose's account exists; for purposes that need one, none is sent without it.
pub async fn send_code(
    state: &AppState,
    phone: &PhoneNumber,
    purpose: Purpose,
    ip: &str,
    has_account: bool,
) -> ApiResult<()> {
    let policy = &state.settings.policy;
    let now = state.clock.now();
    let hour = now - 3600;
    // The pause is per purpose: a family member who just registered can accept an
    // invitation at once; asking for the same code again waits a minute.
    let resend_key = format!("{}|{}", phone.as_str(), purpose_str(purpose));
    let same_purpose = state
        .db
        .rate_window(
            Bucket::SmsResend,
            &resend_key,
            now - policy.sms_resend_after_secs,
        )
        .await?;
    let to_number = state
        .db
        .rate_window(Bucket::SmsToNumber, phone.as_str(), hour)
        .await?;
    if let Some(last) = same_purpose.last {
        if now - last < policy.sms_resend_after_secs {
            return Err(ApiError::RateLimited {
                retry_after_secs: (last + policy.sms_resend_after_secs - now).max(1) as u64,
            });
        }
    }
    for (window, max) in [
        (to_number, policy.sms_per_number_per_hour),
        (
            state.db.rate_window(Bucket::SmsFromIp, ip, hour).await?,
            policy.sms_per_ip_per_hour,
        ),
    ] {
        if window.count >= max {
            return Err(ApiError::RateLimited {
                retry_after_secs: (window.first.unwrap_or(now) + 3600 - now).max(1) as u64,
            });
        }
    }
    state
        .db
        .record_rate_event(Bucket::SmsToNumber, phone.as_str(), now)
        .await?;
    state
        .db
        .record_rate_event(Bucket::SmsFromIp, ip, now)
        .await?;
    state
        .db
        .record_rate_event(Bucket::SmsResend, &resend_key, now)
        .await?;
    let needs_account = matches!(purpose, Purpose::ResetPassword | Purpose::SignIn);
    let text = if needs_account && !has_account {
        NO_ACCOUNT_TEXT.to_owned()
    } else {
        let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
        state
            .db
            .store_sms_code(
                phone.as_str(),
                purpose_str(purpose),
                &code_hash(state, phone.as_str(), purpose, &code),
                now,
                now + policy.sms_code_ttl_secs,
            )
            .await?;
        format!(
            "【安居】验证码 {code}，用于{}，{} 分钟内有效。请勿告诉任何人，工作人员不会向您索要。",
            purpose_words(purpose),
            policy.sms_code_ttl_secs / 60
        )
    };
    state.settings.sms.send(phone, &text).await.map_err(|e| {
        tracing::error!(error = %e, "SMS could not be sent");
        ApiError::Unavailable
    })
}

/// Check a code the person typed; a right code is spent. Errors name the `sms_code` field.
pub async fn verify_code(
    state: &AppState,
    phone: &PhoneNumber,
    purpose: Purpose,
    code: &str,
) -> ApiResult<()> {
    let policy = &state.settings.policy;
    let now = state.clock.now();
    let code = code.trim();
    let well_formed = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(ApiError::field(
            "sms_code",
            "请填写短信里的 6 位数字验证码",
            "Enter the 6-digit code from the text message",
        ));
    }
    let Some(attempt) = state
        .db
        .try_sms_code(
            phone.as_str(),
            purpose_str(purpose),
            now,
            policy.sms_code_max_attempts,
        )
        .await?
    else {
        return Err(ApiError::field(
            "sms_code",
            "验证码已过期或已失效，请重新获取",
            "The code has expired or can no longer be used; ask for a new one",
        ));
    };
    let expected = code_hash(state, phone.as_str(), purpose, code);
    let matches: bool =
        subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), attempt.code_hash.as_bytes()).into();
    if matches && state.db.use_sms_code(attempt.id, now).await? {
        return Ok(());
    }
    let left = (policy.sms_code_max_attempts - attempt.attempts).max(0);
    let mut fields = std::collections::BTreeMap::new();
    fields.insert(
        "sms_code".to_owned(),
        anju_domain::FieldError::new(
            &if left > 0 {
                format!("验证码不正确，还可以再试 {left} 次")
            } else {
                "验证码不正确，请重新获取".to_owned()
            },
            &if left > 0 {
                format!("The code is not right; {left} tries left")
            } else {
                "The code is not right; ask for a new one".to_owned()
            },
        ),
    );
    Err(ApiError::Validation(fields))
}
