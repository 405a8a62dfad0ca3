//! The construction contract (施工合同) between the household and the construction company the
//! county assigned: the company offers it — the works' planned dates, the standard terms and
//! the signed plan's hash — and signs it; the elder or their family signs it the same way they
//! signed the plan (password again, then a drawn or typed mark). The works start only once both
//! have signed the contract of the company that holds the household now.
//!
//! Wire types and the rules the app and the server share; the canonical document that the
//! signatures bind to is [`crate::plan_document::ContractDocument`].

use crate::refusal::{Refusal, RefusalKind};
use crate::retrofit_plan::Amounts;
use crate::retrofit_signing::{SignatureMark, SignerCapacity};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The works may be planned at most this many days from the start to the end: a household
/// retrofit takes days or weeks, never a season.
pub const WORKS_DAYS_MAX: i64 = 90;
/// An offer dates the start no further ahead than this: beyond it the family cannot plan.
pub const START_AHEAD_DAYS_MAX: i64 = 120;

pub const TERMS_VERSION: u32 = 1;

pub const TERMS_ZH: &str = "居家适老化改造施工合同（第 1 版）
一、施工单位按本户已签字的改造方案施工（方案版本和哈希值见合同），不增加、不减少、不替换项目；确需变更的，由评估机构出具新版本方案并经本户重新签字。
二、施工单位在约定的开工和完工日期之间施工，入户前一天与本户约定具体时间；每一项施工前、施工后拍照留存，完工后清理场地并拍照。
三、施工单位遵守安全施工规定，保护本户财物；因施工造成的损坏由施工单位修复或赔偿。
四、补贴部分由县级民政部门按验收合格的项目直接结算给施工单位；自费部分由本户按方案金额支付，施工单位不得另收费用。
五、质保期自街道办事处验收合格之日起，不少于 2 年（以县里设定为准）；质保期内的报修，施工单位在规定的工作日内答复并处理。
六、双方约定以本平台的签署方式签署本合同：签字人重新确认身份后，手写签名或输入本人姓名；签署后合同的任何改动都会被发现。";

pub const TERMS_EN: &str = "Home age-friendly retrofit construction contract (version 1) — translation; the Chinese text is the one signed.
1. The builder carries out the household's signed plan (its version and hash are in the contract) and adds, drops or swaps no item; a change needs a new version of the plan from the assessor, signed again by the household.
2. The builder works between the agreed start and finish dates and agrees the exact time with the household the day before each visit; every item is photographed before and after, and the site is cleared and photographed at the end.
3. The builder follows the safety rules for building work and protects the household's belongings; damage caused by the works is repaired or paid for by the builder.
4. The subsidy is paid by the county's civil affairs office directly to the builder for the items that pass acceptance; the household pays its self-paid part at the plan's amounts, and the builder charges nothing else.
5. The warranty runs from the day the street office accepts the works, at least 2 years (as the county sets it); within it the builder answers and deals with a claim within the working days set.
6. Both sides agree to sign this contract on this portal: the signer confirms who they are again, then draws a signature or types their own name; any later change to the contract can be detected.";

/// Who signs a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractParty {
    /// The elder, or a family member with an active link (甲方, the household).
    Household,
    /// A member of the assigned construction company (乙方).
    Contractor,
}

impl ContractParty {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Household => "household",
            Self::Contractor => "contractor",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "household" => Some(Self::Household),
            "contractor" => Some(Self::Contractor),
            _ => None,
        }
    }
}

/// The company offers the contract with the works' dates and signs it in the same step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferContractRequest {
    /// `YYYY-MM-DD`, Beijing time.
    pub planned_start: String,
    pub planned_finish: String,
    pub agreed: bool,
    /// The signer's password again: the identity check of this signature.
    pub password: String,
    pub mark: SignatureMark,
}

/// The household signs the contract it was shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignContractRequest {
    /// The hash the signer was shown: a newer offer in between makes the signature fail.
    pub contract_sha256: String,
    pub agreed: bool,
    pub password: String,
    pub mark: SignatureMark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractSignatureView {
    pub party: ContractParty,
    pub signer_masked: String,
    /// For the household: the elder or a family member.
    pub capacity: Option<SignerCapacity>,
    pub signed_at: i64,
    /// `password` (the identity check made at the signature).
    pub identity_method: String,
    /// `drawn` or `typed`.
    pub mark_kind: String,
}

/// One offered contract as its readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractView {
    pub version: u32,
    pub contractor: String,
    pub planned_start: String,
    pub planned_finish: String,
    pub plan_version: u32,
    pub plan_sha256: String,
    /// The canonical contract document's SHA-256, which both signatures bind to.
    pub sha256: String,
    pub total: Amounts,
    pub terms_version: u32,
    pub offered_at: i64,
    /// Checks the contract on `/verify` once both have signed.
    pub code: String,
    pub contractor_signature: Option<ContractSignatureView>,
    pub household_signature: Option<ContractSignatureView>,
    /// Both have signed: the works may start.
    pub signed: bool,
}

/// The contract panel of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractState {
    /// The contract of the company assigned now (an earlier company's no longer counts).
    pub current: Option<ContractView>,
    /// The caller is the assigned company and may offer (again, while the household has not
    /// signed).
    pub may_offer: bool,
    /// The caller may sign for the household now, and in which capacity.
    pub may_sign_as: Option<SignerCapacity>,
    pub terms_version: u32,
    pub terms_zh: String,
    pub terms_en: String,
}

/// One signature as the certificate shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractSignatureEvidence {
    pub signature: ContractSignatureView,
    pub signer_phone_masked: String,
    /// The family member's stated relationship to the elder, when one signed.
    pub relationship: Option<String>,
    /// The drawn PNG as a `data:` URL, or the typed name.
    pub mark: String,
    pub ip: String,
    pub device: String,
}

/// The contract both sides signed, for print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractCertificateView {
    pub reference: String,
    pub elder_masked: String,
    pub contract: ContractView,
    pub terms_zh: String,
    /// The company's first, then the household's.
    pub signatures: Vec<ContractSignatureEvidence>,
    /// The stored contract still hashes to what both signed, and names the signed plan.
    pub intact: bool,
}

/// What is wrong with an offer's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractRefusal {
    StartNotADate,
    FinishNotADate,
    StartInThePast,
    StartTooFarAhead,
    FinishBeforeStart,
    TooLong,
    /// A newer offer was made since the signer opened this one, or it was withdrawn.
    NotTheLatest,
}

impl Refusal for ContractRefusal {
    fn kind(self) -> RefusalKind {
        match self {
            Self::NotTheLatest => RefusalKind::WrongMoment,
            _ => RefusalKind::BadInput,
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::StartNotADate | Self::StartInThePast | Self::StartTooFarAhead => "planned_start",
            Self::FinishNotADate | Self::FinishBeforeStart | Self::TooLong => "planned_finish",
            Self::NotTheLatest => "contract_sha256",
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::StartNotADate => (
                "请填写开工日期，如 2026-12-08",
                "Enter the start date, like 2026-12-08",
            ),
            Self::FinishNotADate => (
                "请填写完工日期，如 2026-12-15",
                "Enter the finish date, like 2026-12-15",
            ),
            Self::StartInThePast => (
                "开工日期不能早于今天",
                "The start date cannot be before today",
            ),
            Self::StartTooFarAhead => (
                "开工日期最多约在 120 天以后",
                "The start can be at most 120 days ahead",
            ),
            Self::FinishBeforeStart => (
                "完工日期不能早于开工日期",
                "The finish date cannot be before the start date",
            ),
            Self::TooLong => ("施工期最长 90 天", "The works can take 90 days at most"),
            Self::NotTheLatest => (
                "合同已经更新，请查看新的合同后再签字",
                "The contract has been updated; read the new one before signing",
            ),
        }
    }
}

/// The offer's dates, checked against today (Beijing time): a start from today up to
/// [`START_AHEAD_DAYS_MAX`] ahead, a finish on or after it within [`WORKS_DAYS_MAX`].
pub fn check_dates(
    start: &str,
    finish: &str,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), ContractRefusal> {
    let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let start = parse(start).ok_or(ContractRefusal::StartNotADate)?;
    let finish = parse(finish).ok_or(ContractRefusal::FinishNotADate)?;
    if start < today {
        return Err(ContractRefusal::StartInThePast);
    }
    if (start - today).num_days() > START_AHEAD_DAYS_MAX {
        return Err(ContractRefusal::StartTooFarAhead);
    }
    if finish < start {
        return Err(ContractRefusal::FinishBeforeStart);
    }
    if (finish - start).num_days() > WORKS_DAYS_MAX {
        return Err(ContractRefusal::TooLong);
    }
    Ok((start, finish))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_offer_dates_the_works_from_today_within_ninety_days() {
        let today = day("2026-12-06");
        assert_eq!(
            check_dates("2026-12-06", "2026-12-06", today),
            Ok((today, today))
        );
        assert_eq!(
            check_dates(" 2026-12-08 ", "2027-03-08", today),
            Ok((day("2026-12-08"), day("2027-03-08")))
        );
        let refused = |s: &str, f: &str| check_dates(s, f, today).unwrap_err();
        assert_eq!(refused("", "2026-12-09"), ContractRefusal::StartNotADate);
        assert_eq!(
            refused("2026-12-08", "12/09"),
            ContractRefusal::FinishNotADate
        );
        assert_eq!(
            refused("2026-12-05", "2026-12-09"),
            ContractRefusal::StartInThePast
        );
        assert_eq!(
            refused("2027-04-06", "2027-04-09"),
            ContractRefusal::StartTooFarAhead
        );
        assert_eq!(
            refused("2026-12-09", "2026-12-08"),
            ContractRefusal::FinishBeforeStart
        );
        assert_eq!(
            refused("2026-12-08", "2027-03-09"),
            ContractRefusal::TooLong
        );
    }

    #[test]
    fn each_refusal_names_the_field_to_fix() {
        assert_eq!(ContractRefusal::StartInThePast.field(), "planned_start");
        assert_eq!(ContractRefusal::TooLong.field(), "planned_finish");
        assert_eq!(
            ContractRefusal::NotTheLatest.kind(),
            RefusalKind::WrongMoment
        );
        for p in [ContractParty::Household, ContractParty::Contractor] {
            assert_eq!(ContractParty::parse(p.as_str()), Some(p));
        }
    }

    #[test]
    fn the_terms_say_the_contract_follows_the_signed_plan_and_the_agreed_signing() {
        assert!(TERMS_ZH.contains("哈希值"));
        assert!(TERMS_ZH.contains("约定以本平台的签署方式"));
        assert_eq!(TERMS_ZH.lines().count(), TERMS_EN.lines().count());
    }
}
