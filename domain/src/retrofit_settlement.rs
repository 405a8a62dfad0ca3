//! Settlement and payment of the subsidy (资金拨付). The county settles an accepted household
//! for the subsidised part of the items that passed acceptance and have an after-photo, with
//! the amounts of the signed plan: nothing else can be claimed (虚报冒领), a household is
//! settled once (the database's key), and payments (date, voucher number, amount) never add
//! up to more than the settled amount (the database's check). Pure rules shared by the app and
//! the server.

use crate::refusal::{Refusal, RefusalKind};
use crate::retrofit_acceptance::{ItemVerdict, Verdict};
use crate::retrofit_catalogue::{parse_yuan, Fen};
use crate::retrofit_plan::{cost, PlanLine, Room};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const VOUCHER_MAX_CHARS: usize = 40;

/// Why a line of the signed plan cannot be settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotSettleable {
    /// The acceptance did not pass it (not carried out).
    NotAccepted,
    /// No after-photo proves it.
    NoAfterPhoto,
    /// Paid by the household (optional item, or a self-paid household).
    NoSubsidy,
}

impl NotSettleable {
    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::NotAccepted => (
                "验收未通过（未实施）",
                "Not passed at acceptance (not carried out)",
            ),
            Self::NoAfterPhoto => ("没有改造后照片", "No after-photo"),
            Self::NoSubsidy => ("自费项目，无补贴", "Paid by the household: no subsidy"),
        }
    }
}

/// One line of the signed plan as the county sees it when settling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettlementLine {
    /// The signed plan's line, from 1.
    pub line: u16,
    pub name_zh: String,
    pub room: Room,
    /// The subsidised part, as signed.
    pub subsidy_fen: Fen,
    /// Why it cannot be settled; `None` when it can.
    pub blocked: Option<NotSettleable>,
    /// Part of the recorded settlement.
    #[serde(default)]
    pub settled: bool,
}

/// The lines of a signed plan with what may be settled: `verdicts` are the accepting round's,
/// `after_photos[i]` the after-photos of line `i + 1`.
pub fn settlement_lines(
    lines: &[PlanLine],
    subsidised: bool,
    verdicts: &[ItemVerdict],
    after_photos: &[usize],
) -> Vec<SettlementLine> {
    let costed = cost(lines, subsidised);
    lines
        .iter()
        .zip(&costed.lines)
        .enumerate()
        .map(|(i, (line, amounts))| {
            let no = u16::try_from(i + 1).unwrap_or(u16::MAX);
            let passed = verdicts
                .iter()
                .any(|v| v.line == no && v.verdict == Verdict::Passed);
            let blocked = if !passed {
                Some(NotSettleable::NotAccepted)
            } else if after_photos.get(i).copied().unwrap_or(0) == 0 {
                Some(NotSettleable::NoAfterPhoto)
            } else if amounts.subsidy_fen == 0 {
                Some(NotSettleable::NoSubsidy)
            } else {
                None
            };
            SettlementLine {
                line: no,
                name_zh: line.item.name_zh.clone(),
                room: line.room,
                subsidy_fen: amounts.subsidy_fen,
                blocked,
                settled: false,
            }
        })
        .collect()
}

/// The county settles these lines of the household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettlementRequest {
    pub lines: Vec<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettlementRefusal {
    NoLines,
    UnknownLine,
    RepeatedLine,
    /// A line that did not pass acceptance, has no after-photo or no subsidy.
    NotSettleable,
}

impl Refusal for SettlementRefusal {
    fn kind(self) -> RefusalKind {
        RefusalKind::BadInput
    }

    fn field(self) -> &'static str {
        "lines"
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::NoLines => (
                "请至少选择一项可以结算的项目",
                "Choose at least one item that can be settled",
            ),
            Self::UnknownLine => ("改造方案里没有这一项", "The signed plan has no such item"),
            Self::RepeatedLine => ("同一项只能结算一次", "Each item can be settled only once"),
            Self::NotSettleable => (
                "只能结算验收合格、有改造后照片的补贴项目",
                "Only subsidised items that passed acceptance and have an after-photo can be settled",
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementDecision {
    /// In the plan's order.
    pub lines: Vec<u16>,
    /// The sum of their signed subsidised parts.
    pub due_fen: Fen,
}

pub fn decide_settlement(
    lines: &[SettlementLine],
    req: &SettlementRequest,
) -> Result<SettlementDecision, SettlementRefusal> {
    if req.lines.is_empty() {
        return Err(SettlementRefusal::NoLines);
    }
    let mut chosen: Vec<u16> = Vec::with_capacity(req.lines.len());
    for &no in &req.lines {
        let line = lines
            .iter()
            .find(|l| l.line == no)
            .ok_or(SettlementRefusal::UnknownLine)?;
        if line.blocked.is_some() {
            return Err(SettlementRefusal::NotSettleable);
        }
        if chosen.contains(&no) {
            return Err(SettlementRefusal::RepeatedLine);
        }
        chosen.push(no);
    }
    chosen.sort_unstable();
    let due_fen = lines
        .iter()
        .filter(|l| chosen.contains(&l.line))
        .map(|l| l.subsidy_fen)
        .sum();
    Ok(SettlementDecision {
        lines: chosen,
        due_fen,
    })
}

/// A payment of the settled subsidy to the builder, as the county's finance records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentRequest {
    /// `YYYY-MM-DD`.
    pub paid_on: String,
    /// The finance voucher's number (凭证号), unique in the county.
    pub voucher_no: String,
    /// In 元, as typed ("1200", "1,200.50").
    pub amount: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentRefusal {
    DateInvalid,
    DateInFuture,
    DateBeforeSettlement,
    VoucherRequired,
    VoucherTooLong,
    AmountInvalid,
    /// More than what is left of the settled amount.
    AboveDue,
    /// The voucher is already recorded in this county (the database's key).
    VoucherUsed,
}

impl Refusal for PaymentRefusal {
    fn kind(self) -> RefusalKind {
        RefusalKind::BadInput
    }

    fn field(self) -> &'static str {
        match self {
            Self::DateInvalid | Self::DateInFuture | Self::DateBeforeSettlement => "paid_on",
            Self::VoucherRequired | Self::VoucherTooLong | Self::VoucherUsed => "voucher_no",
            Self::AmountInvalid | Self::AboveDue => "amount",
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::DateInvalid => (
                "请填写付款日期，例如 2026-11-20",
                "Enter the payment date, e.g. 2026-11-20",
            ),
            Self::DateInFuture => (
                "付款日期不能晚于今天",
                "The payment date cannot be after today",
            ),
            Self::DateBeforeSettlement => (
                "付款日期不能早于结算日期",
                "The payment date cannot be before the settlement",
            ),
            Self::VoucherRequired => ("请填写凭证号", "Enter the voucher number"),
            Self::VoucherTooLong => (
                "凭证号不能超过 40 个字",
                "The voucher number must be 40 characters or fewer",
            ),
            Self::AmountInvalid => (
                "请填写大于 0 的金额（元），最多两位小数",
                "Enter an amount in yuan above 0, with at most two decimals",
            ),
            Self::AboveDue => (
                "付款合计不能超过结算金额",
                "Payments cannot add up to more than the settled amount",
            ),
            Self::VoucherUsed => (
                "这个凭证号已经登记过",
                "This voucher number is already recorded",
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub paid_on: NaiveDate,
    pub voucher_no: String,
    pub amount_fen: Fen,
}

/// Check a payment against today, the settlement's date and what is left to pay.
pub fn check_payment(
    req: &PaymentRequest,
    today: NaiveDate,
    settled_on: NaiveDate,
    left_fen: Fen,
) -> Result<Payment, PaymentRefusal> {
    let paid_on = NaiveDate::parse_from_str(req.paid_on.trim(), "%Y-%m-%d")
        .map_err(|_| PaymentRefusal::DateInvalid)?;
    if paid_on > today {
        return Err(PaymentRefusal::DateInFuture);
    }
    if paid_on < settled_on {
        return Err(PaymentRefusal::DateBeforeSettlement);
    }
    let voucher_no = req.voucher_no.trim().to_owned();
    if voucher_no.is_empty() {
        return Err(PaymentRefusal::VoucherRequired);
    }
    if voucher_no.chars().count() > VOUCHER_MAX_CHARS {
        return Err(PaymentRefusal::VoucherTooLong);
    }
    let amount_fen = parse_yuan(&req.amount)
        .filter(|a| *a > 0)
        .ok_or(PaymentRefusal::AmountInvalid)?;
    if amount_fen > left_fen {
        return Err(PaymentRefusal::AboveDue);
    }
    Ok(Payment {
        paid_on,
        voucher_no,
        amount_fen,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentView {
    pub paid_on: String,
    pub voucher_no: String,
    pub amount_fen: Fen,
}

/// The household's settlement on its page (county, street office, family, contractor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettlementView {
    /// The signed plan's lines with what may be (or was) settled.
    pub lines: Vec<SettlementLine>,
    /// What the settleable lines would come to (before settling).
    pub settleable_fen: Fen,
    /// Set once settled.
    pub settled_at: Option<i64>,
    pub due_fen: Fen,
    pub paid_fen: Fen,
    pub payments: Vec<PaymentView>,
    /// The caller (the county) may settle it now.
    #[serde(default)]
    pub may_settle: bool,
    /// The caller (the county) may record a payment (settled, not paid in full).
    #[serde(default)]
    pub may_pay: bool,
}

impl SettlementView {
    pub fn left_fen(&self) -> Fen {
        self.due_fen - self.paid_fen
    }
}

/// A row of the county's settlement list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettlementSummary {
    pub application_id: i64,
    pub reference: String,
    pub street_name: String,
    pub community_name: String,
    pub elder_name: String,
    pub contractor: Option<String>,
    pub accepted_at: Option<i64>,
    pub settled_at: Option<i64>,
    pub due_fen: Fen,
    pub paid_fen: Fen,
    pub vouchers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettlementList {
    pub county_id: i64,
    pub county_name: String,
    pub year: i32,
    pub items: Vec<SettlementSummary>,
    pub due_fen: Fen,
    pub paid_fen: Fen,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retrofit_catalogue::ItemKind;
    use crate::retrofit_plan::PricedItem;

    fn line(no: u16, kind: ItemKind, price_fen: Fen, cap_fen: Fen, qty: i64) -> PlanLine {
        PlanLine {
            item: PricedItem {
                no,
                kind,
                name_zh: format!("项目{no}"),
                unit_zh: "个".into(),
                unit_price_fen: price_fen,
                subsidy_cap_fen: cap_fen,
            },
            room: Room::Bathroom,
            quantity_centi: qty,
            note: String::new(),
        }
    }

    fn passed(lines: &[u16]) -> Vec<ItemVerdict> {
        lines
            .iter()
            .map(|&line| ItemVerdict {
                line,
                verdict: Verdict::Passed,
                note: String::new(),
            })
            .collect()
    }

    /// Grab bars 2 × 300 元 capped at 500 元, a shower chair 200 元 (cap 300), an optional
    /// care bed 3,000 元.
    fn plan() -> Vec<PlanLine> {
        vec![
            line(13, ItemKind::Basic, 30_000, 50_000, 200),
            line(17, ItemKind::Basic, 20_000, 30_000, 100),
            line(10, ItemKind::Optional, 300_000, 0, 100),
        ]
    }

    #[test]
    fn only_passed_photographed_subsidised_lines_settle_at_their_signed_amounts() {
        let mut verdicts = passed(&[1, 3]);
        verdicts.push(ItemVerdict {
            line: 2,
            verdict: Verdict::NotDone,
            note: "家属不要".into(),
        });
        let lines = settlement_lines(&plan(), true, &verdicts, &[2, 1, 1]);
        assert_eq!(lines[0].subsidy_fen, 50_000, "capped as signed");
        assert_eq!(lines[0].blocked, None);
        assert_eq!(lines[1].blocked, Some(NotSettleable::NotAccepted));
        assert_eq!(lines[2].blocked, Some(NotSettleable::NoSubsidy));
        let d = decide_settlement(&lines, &SettlementRequest { lines: vec![1] }).unwrap();
        assert_eq!(d.due_fen, 50_000);
        for refused in [vec![1, 2], vec![3]] {
            assert_eq!(
                decide_settlement(&lines, &SettlementRequest { lines: refused }),
                Err(SettlementRefusal::NotSettleable)
            );
        }
        let no_photo = settlement_lines(&plan(), true, &passed(&[1, 2, 3]), &[1, 0, 1]);
        assert_eq!(no_photo[1].blocked, Some(NotSettleable::NoAfterPhoto));
        let self_paid = settlement_lines(&plan(), false, &passed(&[1, 2, 3]), &[1, 1, 1]);
        assert!(self_paid
            .iter()
            .all(|l| l.blocked == Some(NotSettleable::NoSubsidy)));
    }

    #[test]
    fn the_settled_total_never_exceeds_the_signed_subsidy() {
        let signed = cost(&plan(), true).total.subsidy_fen;
        let lines = settlement_lines(&plan(), true, &passed(&[1, 2, 3]), &[1, 1, 1]);
        let all = decide_settlement(&lines, &SettlementRequest { lines: vec![2, 1] }).unwrap();
        assert_eq!(all.lines, vec![1, 2]);
        assert_eq!(all.due_fen, signed);
        assert_eq!(all.due_fen, 70_000);
        for (asked, refusal) in [
            (vec![], SettlementRefusal::NoLines),
            (vec![1, 1], SettlementRefusal::RepeatedLine),
            (vec![4], SettlementRefusal::UnknownLine),
            (vec![0], SettlementRefusal::UnknownLine),
        ] {
            assert_eq!(
                decide_settlement(&lines, &SettlementRequest { lines: asked }),
                Err(refusal)
            );
        }
    }

    #[test]
    fn payments_are_dated_vouchered_and_within_what_is_left() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let req = |on: &str, voucher: &str, amount: &str| PaymentRequest {
            paid_on: on.into(),
            voucher_no: voucher.into(),
            amount: amount.into(),
        };
        let today = d("2026-11-20");
        let settled = d("2026-11-02");
        let ok = check_payment(
            &req("2026-11-19", " 记-0042 ", "500.5"),
            today,
            settled,
            70_000,
        )
        .unwrap();
        assert_eq!(ok.amount_fen, 50_050);
        assert_eq!(ok.voucher_no, "记-0042");
        let long = "号".repeat(VOUCHER_MAX_CHARS + 1);
        for (r, refusal) in [
            (req("20261119", "a", "1"), PaymentRefusal::DateInvalid),
            (req("2026-11-21", "a", "1"), PaymentRefusal::DateInFuture),
            (
                req("2026-11-01", "a", "1"),
                PaymentRefusal::DateBeforeSettlement,
            ),
            (req("2026-11-19", " ", "1"), PaymentRefusal::VoucherRequired),
            (
                req("2026-11-19", &long, "1"),
                PaymentRefusal::VoucherTooLong,
            ),
            (req("2026-11-19", "a", "0"), PaymentRefusal::AmountInvalid),
            (req("2026-11-19", "a", "-5"), PaymentRefusal::AmountInvalid),
            (req("2026-11-19", "a", "700.01"), PaymentRefusal::AboveDue),
        ] {
            assert_eq!(
                check_payment(&r, today, settled, 70_000),
                Err(refusal),
                "{r:?}"
            );
        }
    }
}
