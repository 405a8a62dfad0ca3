//! The household's plan (一户一策): items from the county's catalogue, each in a room with a
//! quantity, and what they cost — the whole price, the part the subsidy pays and the part the
//! household pays — computed here in integer fen, so the app shows exactly the numbers the
//! server checks and stores.
//!
//! Rules (the seed's 篇一 and the national list):
//! - the 7 basic items come first: an optional item may be in a plan only when every basic
//!   item is either in it or recorded by the assessor as not needed in this home, with why;
//! - the subsidy pays basic items only, up to each item's cap per household (summed over the
//!   rooms it is in), and nothing for a household that pays for itself (自费);
//! - a line's price is the unit price times the quantity (in hundredths of a unit, so 2.5 m²
//!   is 250), rounded half up to the fen.

use crate::error::FieldError;
use crate::retrofit_catalogue::{Fen, ItemKind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Where in the home an item goes. The first six are the rooms the assessment walks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PlanRoom))]
#[serde(rename_all = "snake_case")]
pub enum Room {
    Entrance,
    LivingRoom,
    Bedroom,
    Bathroom,
    Kitchen,
    Corridor,
    /// Aids that go with the elder (a walking stick, an alarm button).
    WholeHome,
}

impl Room {
    pub const ALL: [Room; 7] = [
        Self::Entrance,
        Self::LivingRoom,
        Self::Bedroom,
        Self::Bathroom,
        Self::Kitchen,
        Self::Corridor,
        Self::WholeHome,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Entrance => "entrance",
            Self::LivingRoom => "living_room",
            Self::Bedroom => "bedroom",
            Self::Bathroom => "bathroom",
            Self::Kitchen => "kitchen",
            Self::Corridor => "corridor",
            Self::WholeHome => "whole_home",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Entrance => "入户门厅",
            Self::LivingRoom => "客厅",
            Self::Bedroom => "卧室",
            Self::Bathroom => "卫生间/浴室",
            Self::Kitchen => "厨房",
            Self::Corridor => "走廊/楼梯",
            Self::WholeHome => "全屋/随身",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::Entrance => "Entrance",
            Self::LivingRoom => "Living room",
            Self::Bedroom => "Bedroom",
            Self::Bathroom => "Bathroom and toilet",
            Self::Kitchen => "Kitchen",
            Self::Corridor => "Corridors and stairs",
            Self::WholeHome => "Whole home / carried",
        }
    }
}

/// A catalogue item as the county prices it when the plan is drafted. The plan keeps these
/// figures, so a later price change does not alter a proposed or signed plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PricedItem {
    /// The national list's number (1–30), or above 30 for an item the county added.
    pub no: u16,
    pub kind: ItemKind,
    pub name_zh: String,
    pub unit_zh: String,
    pub unit_price_fen: Fen,
    pub subsidy_cap_fen: Fen,
}

impl PricedItem {
    /// The national list's line as shipped (a county's own prices come from its catalogue).
    pub fn from_seed(s: &crate::retrofit_catalogue::SeedItem) -> PricedItem {
        PricedItem {
            no: u16::from(s.no),
            kind: s.kind,
            name_zh: s.name_zh.into(),
            unit_zh: s.unit_zh.into(),
            unit_price_fen: s.unit_price_fen,
            subsidy_cap_fen: s.subsidy_cap_fen,
        }
    }
}

/// One line of a plan: an item in a room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanLine {
    pub item: PricedItem,
    pub room: Room,
    /// Hundredths of the item's unit: 250 is 2.5 m², 300 is three grab bars.
    pub quantity_centi: i64,
    #[serde(default)]
    pub note: String,
}

/// A basic item the assessor found not needed in this home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotNeeded {
    pub no: u16,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amounts {
    pub price_fen: Fen,
    pub subsidy_fen: Fen,
    pub self_paid_fen: Fen,
}

/// A plan's lines with their amounts, and the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Costed {
    pub lines: Vec<Amounts>,
    pub total: Amounts,
}

/// The agreement the household signs with the plan (the seed's principle 1: the elder,
/// guardian and family accept the conditions before and after the works and take on duties
/// by signing). Stored, with its version, in every signed plan document; a new text gets a
/// new version and never changes what an earlier signature covered.
pub const AGREEMENT_VERSION: u32 = 1;

pub const AGREEMENT_ZH: &str = "居家适老化改造协议（第 1 版）
一、本户自愿申请居家适老化改造，已阅读并同意本改造方案，方案所列项目、数量和金额以签字时的版本为准。
二、施工前：如实提供家庭和老人情况；按约定时间在家，配合评估人员和施工人员入户；清理施工区域内的物品；不重复申请同类改造补贴。
三、施工中：不擅自要求增加或变更项目；确需变更的，由评估机构出具新版本方案并重新签字。
四、施工后：配合街道办事处逐户验收和县级抽查；正常使用改造设施和配置的老年用品，不转卖、不拆除；质保期为验收合格之日起 2 年，期间发现问题及时报修。
五、自费部分由本户承担，补贴部分由政府按规定直接结算给施工单位，本户不另行领取。
六、双方约定以本平台的签署方式签署本协议和方案：签字人重新确认身份后，手写签名或输入本人姓名；签署后方案或协议的任何改动都会被发现。";

pub const AGREEMENT_EN: &str = "Home age-friendly retrofit agreement (version 1) — translation; the Chinese text is the one signed.
1. We apply for the retrofit of our own free will, have read this plan and agree to it; its items, quantities and amounts are those of the version signed.
2. Before the works: give true information about the household and the elder; be at home at the agreed times and let the assessor and the builders in; clear the work areas; do not apply for the same subsidy twice.
3. During the works: ask for no extra or different items on the spot; a change needs a new version of the plan from the assessor and a new signature.
4. After the works: take part in the street office's acceptance visit and the county's spot checks; use the new fittings and aids and do not sell or remove them; the warranty runs 2 years from passing acceptance; report any defect in that time.
5. The household pays the self-paid part; the subsidy is paid by the government directly to the builder, not to the household.
6. Both sides agree to sign this agreement and the plan on this portal: the signer confirms who they are again, then draws a signature or types their own name; any later change to the plan or this agreement can be detected.";

pub const QUANTITY_MAX_CENTI: i64 = 100_000;
pub const NOTE_MAX_CHARS: usize = 200;
pub const LINES_MAX: usize = 60;

/// `unit_price × quantity / 100`, rounded half up to the fen. `None` on overflow, which
/// [`check_plan`] has already refused for any quantity and price it accepts.
pub fn line_price(unit_price_fen: Fen, quantity_centi: i64) -> Option<Fen> {
    let cents = unit_price_fen.checked_mul(quantity_centi)?;
    Some((cents + 50).div_euclid(100))
}

/// The amounts of each line and in total. `subsidised` is whether the household qualifies
/// for the subsidy (an approved 补贴 application); a 自费 household pays everything.
///
/// An item's cap covers the household, not a line: grab bars in the bathroom and in the
/// corridor share one cap, used up by the lines in the plan's order.
pub fn cost(lines: &[PlanLine], subsidised: bool) -> Costed {
    let mut cap_left: BTreeMap<u16, Fen> = BTreeMap::new();
    let mut out = Vec::with_capacity(lines.len());
    let mut total = Amounts::default();
    for line in lines {
        let price = line_price(line.item.unit_price_fen, line.quantity_centi).unwrap_or(0);
        let subsidy = if subsidised && line.item.kind == ItemKind::Basic {
            let left = cap_left
                .entry(line.item.no)
                .or_insert(line.item.subsidy_cap_fen.max(0));
            let paid = price.min(*left);
            *left -= paid;
            paid
        } else {
            0
        };
        let amounts = Amounts {
            price_fen: price,
            subsidy_fen: subsidy,
            self_paid_fen: price - subsidy,
        };
        total.price_fen += amounts.price_fen;
        total.subsidy_fen += amounts.subsidy_fen;
        total.self_paid_fen += amounts.self_paid_fen;
        out.push(amounts);
    }
    Costed { lines: out, total }
}

/// A quantity as typed ("3", "2.5") in hundredths of the unit, the way amounts in 元 are read.
pub fn parse_quantity(text: &str) -> Option<i64> {
    crate::retrofit_catalogue::parse_yuan(text)
}

/// Hundredths of a unit for reading: 300 → "3", 250 → "2.5", 125 → "1.25".
pub fn format_quantity(centi: i64) -> String {
    let whole = centi / 100;
    match centi % 100 {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

pub type Problems = BTreeMap<String, FieldError>;

/// What is wrong with a plan before it can be proposed, by field (`lines[2].quantity`,
/// `lines`, `not_needed[0].reason`). `basic_items` are the numbers of the county's basic items
/// that are in force.
pub fn check_plan(lines: &[PlanLine], not_needed: &[NotNeeded], basic_items: &[u16]) -> Problems {
    let mut p = Problems::new();
    let mut add = |field: String, zh: &str, en: &str| {
        p.entry(field).or_insert_with(|| FieldError::new(zh, en));
    };
    if lines.is_empty() {
        add(
            "lines".into(),
            "方案里至少要有一项改造",
            "A plan needs at least one item",
        );
    }
    if lines.len() > LINES_MAX {
        add(
            "lines".into(),
            "一个方案最多 60 项",
            "A plan has at most 60 items",
        );
    }
    let mut seen = BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        if !(1..=QUANTITY_MAX_CENTI).contains(&line.quantity_centi) {
            add(
                format!("lines[{i}].quantity"),
                "数量要大于 0，且不超过 1000",
                "The quantity must be more than 0 and at most 1,000",
            );
        }
        if line.note.chars().count() > NOTE_MAX_CHARS {
            add(
                format!("lines[{i}].note"),
                "备注不能超过 200 个字",
                "The note must be 200 characters or fewer",
            );
        }
        if !seen.insert((line.item.no, line.room)) {
            add(
                format!("lines[{i}].item"),
                "同一房间里这一项已经有了，请改数量",
                "This item is already in this room; change its quantity instead",
            );
        }
        if !(0..=10_000_000).contains(&line.item.unit_price_fen)
            || !(0..=10_000_000).contains(&line.item.subsidy_cap_fen)
        {
            add(
                format!("lines[{i}].item"),
                "这一项的价格不在允许范围内",
                "This item's price is out of range",
            );
        }
    }
    let in_plan: BTreeSet<u16> = lines.iter().map(|l| l.item.no).collect();
    for (i, n) in not_needed.iter().enumerate() {
        if !basic_items.contains(&n.no) {
            add(
                format!("not_needed[{i}].no"),
                "只有基础类项目需要说明不需要的原因",
                "Only basic items are marked as not needed",
            );
        } else if in_plan.contains(&n.no) {
            add(
                format!("not_needed[{i}].no"),
                "这一项已在方案里，不能同时标为不需要",
                "This item is in the plan, so it cannot also be marked as not needed",
            );
        }
        let reason = n.reason.trim();
        if reason.is_empty() {
            add(
                format!("not_needed[{i}].reason"),
                "请写明为什么这户不需要这一项",
                "Say why this home does not need this item",
            );
        } else if reason.chars().count() > NOTE_MAX_CHARS {
            add(
                format!("not_needed[{i}].reason"),
                "原因不能超过 200 个字",
                "The reason must be 200 characters or fewer",
            );
        }
    }
    let has_optional = lines.iter().any(|l| l.item.kind == ItemKind::Optional);
    if has_optional {
        let settled: BTreeSet<u16> = in_plan
            .iter()
            .copied()
            .chain(not_needed.iter().map(|n| n.no))
            .collect();
        let open: Vec<String> = basic_items
            .iter()
            .filter(|no| !settled.contains(no))
            .map(|no| no.to_string())
            .collect();
        if !open.is_empty() {
            let list = open.join("、");
            p.insert(
                "lines".into(),
                FieldError::new(
                    format!("先安排基础类项目（第 {list} 项：放进方案或说明不需要），才能选可选类项目"),
                    format!(
                        "Settle the basic items first (no. {}: add them or say why they are not needed) before choosing optional items",
                        open.join(", ")
                    ),
                ),
            );
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_and_print_in_hundredths() {
        assert_eq!(parse_quantity("3"), Some(300));
        assert_eq!(parse_quantity("2.5"), Some(250));
        assert_eq!(format_quantity(300), "3");
        assert_eq!(format_quantity(250), "2.5");
        assert_eq!(format_quantity(125), "1.25");
        assert_eq!(format_quantity(5), "0.05");
    }
    use crate::retrofit_catalogue::{basic_item_numbers, SEED_CATALOGUE};

    fn line(no: u16, room: Room, quantity_centi: i64) -> PlanLine {
        PlanLine {
            item: PricedItem::from_seed(&SEED_CATALOGUE[no as usize - 1]),
            room,
            quantity_centi,
            note: String::new(),
        }
    }

    fn basics() -> Vec<u16> {
        basic_item_numbers().map(u16::from).collect()
    }

    #[test]
    fn prices_round_half_up_to_the_fen() {
        // 0.33 m² at 60 元/m² is exactly 19.80 元.
        assert_eq!(line_price(6_000, 33), Some(1_980));
        // Half a fen rounds up, just under half rounds down.
        assert_eq!(line_price(1, 50), Some(1));
        assert_eq!(line_price(1, 49), Some(0));
        // 1.5 × 3.33 元 = 4.995 元 → 5.00 元.
        assert_eq!(line_price(333, 150), Some(500));
        assert_eq!(line_price(Fen::MAX, 2), None);
    }

    #[test]
    fn the_subsidy_pays_basic_items_up_to_their_cap_per_household() {
        // Anti-slip floor 60 元/m², cap 1,200 元: 12 m² in the bathroom and 10 m² in the kitchen.
        let plan = [
            line(1, Room::Bathroom, 1_200),
            line(1, Room::Kitchen, 1_000),
            line(24, Room::WholeHome, 100),
            line(14, Room::Bathroom, 100),
        ];
        let c = cost(&plan, true);
        assert_eq!(
            c.lines[0],
            Amounts {
                price_fen: 72_000,
                subsidy_fen: 72_000,
                self_paid_fen: 0
            }
        );
        // The cap's remaining 480 元 goes to the second room; the household pays the rest.
        assert_eq!(
            c.lines[1],
            Amounts {
                price_fen: 60_000,
                subsidy_fen: 48_000,
                self_paid_fen: 12_000
            }
        );
        assert_eq!(
            c.lines[2].subsidy_fen, 8_000,
            "walking stick within its cap"
        );
        assert_eq!(
            c.lines[3],
            Amounts {
                price_fen: 180_000,
                subsidy_fen: 0,
                self_paid_fen: 180_000
            },
            "optional items are self-paid"
        );
        assert_eq!(
            c.total,
            Amounts {
                price_fen: 320_000,
                subsidy_fen: 128_000,
                self_paid_fen: 192_000
            }
        );
    }

    #[test]
    fn a_self_paying_household_gets_no_subsidy() {
        let c = cost(&[line(13, Room::Bathroom, 200)], false);
        assert_eq!(
            c.total,
            Amounts {
                price_fen: 36_000,
                subsidy_fen: 0,
                self_paid_fen: 36_000
            }
        );
    }

    #[test]
    fn optional_items_wait_until_every_basic_item_is_settled() {
        let with_optional = [line(1, Room::Bathroom, 500), line(9, Room::Entrance, 100)];
        let p = check_plan(&with_optional, &[], &basics());
        let msg = &p["lines"].message;
        assert!(msg.contains("2、11、13、17、24、29"), "{msg}");

        let not_needed: Vec<NotNeeded> = [2, 11, 13, 17, 24, 29]
            .into_iter()
            .map(|no| NotNeeded {
                no,
                reason: "已有".into(),
            })
            .collect();
        assert!(check_plan(&with_optional, &not_needed, &basics()).is_empty());
        // Basic items alone never need the others settled.
        assert!(check_plan(&[line(13, Room::Bathroom, 200)], &[], &basics()).is_empty());
    }

    #[test]
    fn bad_lines_are_named_by_field() {
        let mut long = line(13, Room::Bathroom, 200);
        long.note = "长".repeat(201);
        let plan = [
            line(1, Room::Bathroom, 0),
            long,
            line(13, Room::Bathroom, 100),
        ];
        let p = check_plan(
            &plan,
            &[
                NotNeeded {
                    no: 9,
                    reason: "x".into(),
                },
                NotNeeded {
                    no: 2,
                    reason: "  ".into(),
                },
                NotNeeded {
                    no: 1,
                    reason: "in plan".into(),
                },
            ],
            &basics(),
        );
        for field in [
            "lines[0].quantity",
            "lines[1].note",
            "lines[2].item",
            "not_needed[0].no",
            "not_needed[1].reason",
            "not_needed[2].no",
        ] {
            assert!(p.contains_key(field), "{field}: {p:?}");
        }
        assert!(check_plan(&[], &[], &basics()).contains_key("lines"));
    }
}
