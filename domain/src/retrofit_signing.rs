//! The plan on the wire — the assessor's draft, the versions the family reads side by side,
//! the signature of the elder or guardian, its certificate and the public check of a
//! certificate's code — and the small rules around them that the app and the server share.

use crate::error::FieldError;
use crate::retrofit_plan::{Amounts, Costed, NotNeeded, PlanLine, Room};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A signature needs the signer's identity confirmed again within this many seconds.
pub const IDENTITY_FRESH_SECS: i64 = 5 * 60;
/// A typed name (for those who cannot draw): a name, not a sentence.
pub const TYPED_NAME_MAX_CHARS: usize = 30;
/// The drawn signature as a PNG: a phone-sized pad is far below this.
pub const SIGNATURE_PNG_MAX_BYTES: usize = 300_000;
pub const CHANGE_REQUEST_MAX_CHARS: usize = 500;

/// One line as the assessor drafts it: the item by its catalogue number. Its name and prices
/// come from the county's catalogue when the draft is saved, never from the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftLine {
    pub item_no: u16,
    pub room: Room,
    pub quantity_centi: i64,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanDraftRequest {
    pub lines: Vec<DraftLine>,
    #[serde(default)]
    pub not_needed: Vec<NotNeeded>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanVersionState {
    /// The assessor is still editing it; the family does not see it.
    Draft,
    /// Frozen and waiting for the family's signature.
    Proposed,
    /// The family asked for changes; the next version answers them.
    ChangesRequested,
    /// A later version replaced it before it was signed.
    Superseded,
    Signed,
}

impl PlanVersionState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Proposed => "proposed",
            Self::ChangesRequested => "changes_requested",
            Self::Superseded => "superseded",
            Self::Signed => "signed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Proposed,
            Self::ChangesRequested,
            Self::Superseded,
            Self::Signed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanVersionView {
    pub version: u32,
    pub state: PlanVersionState,
    pub lines: Vec<PlanLine>,
    pub not_needed: Vec<NotNeeded>,
    pub costed: Costed,
    pub proposed_at: Option<i64>,
    /// The canonical document's SHA-256, once proposed.
    pub sha256: Option<String>,
    /// What the family asked to change in this version.
    pub change_request: Option<String>,
}

/// What changed from one version to the next, line by line (an item in a room is one line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum LineChange {
    Added { after: PlanLine },
    Removed { before: PlanLine },
    Changed { before: PlanLine, after: PlanLine },
}

/// The lines of `before` and `after` that differ, in the order of `after` with removed lines
/// last. Prices count: a repriced line is a change the family should see.
pub fn plan_changes(before: &[PlanLine], after: &[PlanLine]) -> Vec<LineChange> {
    let key = |l: &PlanLine| (l.item.no, l.room);
    let old: BTreeMap<_, &PlanLine> = before.iter().map(|l| (key(l), l)).collect();
    let new: BTreeMap<_, &PlanLine> = after.iter().map(|l| (key(l), l)).collect();
    let mut out = Vec::new();
    for line in after {
        match old.get(&key(line)) {
            None => out.push(LineChange::Added {
                after: line.clone(),
            }),
            Some(prev) if *prev != line => out.push(LineChange::Changed {
                before: (*prev).clone(),
                after: line.clone(),
            }),
            Some(_) => {}
        }
    }
    for line in before {
        if !new.contains_key(&key(line)) {
            out.push(LineChange::Removed {
                before: line.clone(),
            });
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignerCapacity {
    /// The elder signs for themself (本人).
    Elder,
    /// A family member with an active guardian link (监护人/代办家属).
    Guardian,
}

impl SignerCapacity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Elder => "elder",
            Self::Guardian => "guardian",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "elder" => Some(Self::Elder),
            "guardian" => Some(Self::Guardian),
            _ => None,
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Elder => "老人本人",
            Self::Guardian => "监护人/代办家属",
        }
    }
}

/// The plan of one application as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanView {
    /// Whether the household's application qualified for the subsidy (a 自费 household pays all).
    pub subsidised: bool,
    /// The version the reader works on: the assessor's draft (assessor only), else the latest
    /// version shown to the family.
    pub current: Option<PlanVersionView>,
    /// The version before `current` that the family saw, for the side-by-side comparison.
    pub previous: Option<PlanVersionView>,
    pub changes: Vec<LineChange>,
    /// Every version the family has seen, newest first.
    pub history: Vec<PlanVersionSummary>,
    /// What still stops the draft from being proposed, by field.
    pub problems: BTreeMap<String, FieldError>,
    pub may_draft: bool,
    pub may_propose: bool,
    pub may_ask_changes: bool,
    /// The caller may sign, and in which capacity.
    pub may_sign_as: Option<SignerCapacity>,
    pub agreement_version: u32,
    pub agreement_zh: String,
    pub agreement_en: String,
    pub signature: Option<SignatureSummary>,
    /// The county's catalogue items in force, for the assessor's editor (empty for others).
    #[serde(default)]
    pub catalogue: Vec<crate::retrofit_catalogue::CatalogueItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanVersionSummary {
    pub version: u32,
    pub state: PlanVersionState,
    pub proposed_at: Option<i64>,
    pub total: Amounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureSummary {
    pub version: u32,
    pub signer_masked: String,
    pub capacity: SignerCapacity,
    pub signed_at: i64,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanChangeRequest {
    pub note: String,
}

/// The signer confirms who they are again, for this version of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmIdentityRequest {
    pub plan_sha256: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityConfirmed {
    /// Until when a signature can use this confirmation (server time).
    pub valid_until: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignatureMark {
    /// Drawn on the screen: a PNG, base64 without the `data:` prefix.
    Drawn { png_base64: String },
    /// Typed by those who cannot draw (keyboard users): their own name.
    Typed { name: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignPlanRequest {
    pub version: u32,
    /// The hash the signer was shown: a newer version in between makes the signature fail.
    pub plan_sha256: String,
    /// The agreement's box was ticked.
    pub agreed: bool,
    pub mark: SignatureMark,
}

/// Why a signature is refused, with the field the signer has to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningRefusal {
    NotAgreed,
    EmptyMark,
    NameTooLong,
    NameNotTheSigner,
    BadImage,
    IdentityNotConfirmed,
    /// A newer version was proposed since the signer opened this one.
    NotTheLatest,
}

impl crate::refusal::Refusal for SigningRefusal {
    fn kind(self) -> crate::refusal::RefusalKind {
        match self {
            Self::NotTheLatest => crate::refusal::RefusalKind::WrongMoment,
            _ => crate::refusal::RefusalKind::BadInput,
        }
    }
    fn field(self) -> &'static str {
        SigningRefusal::field(self)
    }
    fn message(self) -> (&'static str, &'static str) {
        SigningRefusal::message(self)
    }
}

impl SigningRefusal {
    pub fn field(self) -> &'static str {
        match self {
            Self::NotAgreed => "agreed",
            Self::EmptyMark | Self::NameTooLong | Self::NameNotTheSigner | Self::BadImage => "mark",
            Self::IdentityNotConfirmed => "password",
            Self::NotTheLatest => "version",
        }
    }

    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::NotAgreed => (
                "请先勾选“我已阅读并同意”",
                "Tick “I have read and agree” first",
            ),
            Self::EmptyMark => (
                "请在框里手写签名，或输入您的姓名",
                "Draw your signature in the box, or type your name",
            ),
            Self::NameTooLong => (
                "姓名不能超过 30 个字",
                "The name must be 30 characters or fewer",
            ),
            Self::NameNotTheSigner => (
                "请输入您本人的姓名（与账户上的姓名一致）",
                "Type your own name, as it is on your account",
            ),
            Self::BadImage => (
                "签名没有传好，请清除后重新签",
                "The signature did not arrive properly; clear it and sign again",
            ),
            Self::IdentityNotConfirmed => (
                "请先输入密码确认是您本人（5 分钟内有效）",
                "Confirm it is you with your password first (valid for 5 minutes)",
            ),
            Self::NotTheLatest => (
                "方案已经更新，请查看新的版本后再签字",
                "The plan has been updated; read the new version before signing",
            ),
        }
    }
}

/// The typed mark must be the signer's own name (spaces aside), as their account holds it.
pub fn check_typed_name(typed: &str, account_name: &str) -> Result<(), SigningRefusal> {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let typed = squeeze(typed);
    if typed.is_empty() {
        return Err(SigningRefusal::EmptyMark);
    }
    if typed.chars().count() > TYPED_NAME_MAX_CHARS {
        return Err(SigningRefusal::NameTooLong);
    }
    let own = squeeze(account_name);
    if !own.is_empty() && !typed.eq_ignore_ascii_case(&own) {
        return Err(SigningRefusal::NameNotTheSigner);
    }
    Ok(())
}

/// The certificate of a signed plan version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateView {
    pub code: String,
    pub reference: String,
    /// Masked to the building and unit (no room number).
    pub address: String,
    pub elder_masked: String,
    pub version: u32,
    pub lines: Vec<PlanLine>,
    pub costed: Costed,
    pub not_needed: Vec<NotNeeded>,
    pub plan_sha256: String,
    pub agreement_version: u32,
    pub agreement_zh: String,
    pub signer_masked: String,
    pub signer_phone_masked: String,
    pub capacity: SignerCapacity,
    pub relationship: Option<String>,
    /// `drawn` or `typed`.
    pub mark_kind: String,
    /// The drawn PNG as a `data:` URL, or the typed name.
    pub mark: String,
    pub identity_method: String,
    pub identity_confirmed_at: i64,
    pub proposed_at: i64,
    pub signed_at: i64,
    pub ip: String,
    pub device: String,
    /// The stored document still hashes to what was signed.
    pub intact: bool,
}

/// What `/verify` says about a code: nothing personal beyond a masked signer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyView {
    pub code: String,
    /// The stored plan still hashes to what was signed, and matches its document.
    pub valid: bool,
    pub version: u32,
    pub plan_sha256: String,
    pub signed_at: i64,
    pub signer_masked: String,
    pub capacity: SignerCapacity,
    /// What the code belongs to: a signed plan, or the construction contract.
    #[serde(default)]
    pub document: VerifiedDocument,
    /// A contract's own hash (`plan_sha256` then names the plan it carries out).
    #[serde(default)]
    pub contract_sha256: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerifiedDocument {
    #[default]
    Plan,
    Contract,
}

/// Letters and digits that cannot be mistaken for one another when read off paper.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LEN: usize = 12;

/// A verification code from random bytes: 12 characters of [`CODE_ALPHABET`].
pub fn code_from_bytes(bytes: &[u8; CODE_LEN]) -> String {
    bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// `ABCD-EFGH-JKMN` for print.
pub fn format_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as someone typed it (lower case, dashes, spaces) in its stored form, or `None` when
/// it cannot be one.
pub fn normalise_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.chars().count() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b)))
        .then_some(code)
}

/// The device named from a browser's User-Agent, as a certificate shows it ("Android ·
/// Chrome"); the full string stays in the record.
pub fn device_of(user_agent: &str) -> String {
    let ua = user_agent;
    let os = if ua.contains("HarmonyOS") {
        "HarmonyOS"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") {
        "macOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "未知系统"
    };
    let browser = if ua.contains("MicroMessenger") {
        "微信"
    } else if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        "未知浏览器"
    };
    format!("{os} · {browser}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retrofit_catalogue::SEED_CATALOGUE;
    use crate::retrofit_plan::PricedItem;

    fn line(no: u16, room: Room, quantity_centi: i64) -> PlanLine {
        PlanLine {
            item: PricedItem::from_seed(&SEED_CATALOGUE[usize::from(no) - 1]),
            room,
            quantity_centi,
            note: String::new(),
        }
    }

    #[test]
    fn changes_name_added_removed_and_changed_lines() {
        let before = vec![
            line(13, Room::Bathroom, 200),
            line(1, Room::Bedroom, 100),
            line(2, Room::Corridor, 300),
        ];
        let mut repriced = line(1, Room::Bedroom, 100);
        repriced.item.unit_price_fen += 100;
        let after = vec![
            line(13, Room::Bathroom, 300),
            repriced.clone(),
            line(13, Room::Corridor, 100),
        ];
        let changes = plan_changes(&before, &after);
        assert_eq!(changes.len(), 4, "{changes:?}");
        assert!(matches!(&changes[0], LineChange::Changed { before, after }
            if before.quantity_centi == 200 && after.quantity_centi == 300));
        assert!(matches!(&changes[1], LineChange::Changed { after, .. } if *after == repriced));
        assert!(matches!(&changes[2], LineChange::Added { after } if after.room == Room::Corridor));
        assert!(matches!(&changes[3], LineChange::Removed { before } if before.item.no == 2));
        assert!(plan_changes(&after, &after).is_empty());
    }

    #[test]
    fn codes_survive_being_read_off_paper() {
        let code = code_from_bytes(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 30, 31]);
        assert_eq!(code.len(), CODE_LEN);
        assert_eq!(normalise_code(&code), Some(code.clone()));
        let printed = format_code(&code);
        assert_eq!(printed.len(), CODE_LEN + 2);
        assert_eq!(normalise_code(&printed.to_lowercase()), Some(code.clone()));
        assert_eq!(normalise_code(&format!(" {printed} ")), Some(code));
        assert_eq!(normalise_code("ABCD-EFGH"), None);
        assert_eq!(normalise_code("ABCD-EFGH-JK!N"), None);
        // 0, 1, O, I and L are never in a code: they are too easily misread.
        assert_eq!(normalise_code("0000-1111-2222"), None);
    }

    #[test]
    fn a_typed_name_is_the_signers_own() {
        assert_eq!(check_typed_name(" 王 秀英 ", "王秀英"), Ok(()));
        assert_eq!(
            check_typed_name("李四", "王秀英"),
            Err(SigningRefusal::NameNotTheSigner)
        );
        assert_eq!(
            check_typed_name("  ", "王秀英"),
            Err(SigningRefusal::EmptyMark)
        );
        assert_eq!(
            check_typed_name(&"王".repeat(31), ""),
            Err(SigningRefusal::NameTooLong)
        );
        // An account without a name takes the name as typed.
        assert_eq!(check_typed_name("王秀英", ""), Ok(()));
    }

    #[test]
    fn devices_are_named_from_the_user_agent() {
        assert_eq!(
            device_of("Mozilla/5.0 (Linux; Android 12; M2006C3LC) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"),
            "Android · Chrome"
        );
        assert_eq!(
            device_of("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"),
            "iOS · Safari"
        );
        assert_eq!(device_of(""), "未知系统 · 未知浏览器");
    }

    #[test]
    fn version_states_round_trip() {
        for s in [
            PlanVersionState::Draft,
            PlanVersionState::Proposed,
            PlanVersionState::ChangesRequested,
            PlanVersionState::Superseded,
            PlanVersionState::Signed,
        ] {
            assert_eq!(PlanVersionState::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            SignerCapacity::parse("guardian"),
            Some(SignerCapacity::Guardian)
        );
    }
}
