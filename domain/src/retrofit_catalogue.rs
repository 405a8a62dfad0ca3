//! The retrofit catalogue: the Ministry of Civil Affairs' recommended list (民发〔2020〕86号
//! 附件1, 居家适老化改造项目和老年用品配置推荐清单) of 7 categories and 30 items, 7 of them
//! *basic* (subsidised, done first) and 23 *optional* (paid by the household).
//!
//! [`SEED_CATALOGUE`] is what a new county starts with; a county admin then edits names,
//! prices and caps, adds items and retires items. The reference prices and caps below are
//! ours (the list names items, not prices): typical local figures, to be replaced by the
//! county's own. Money is always integer fen (分).

use serde::{Deserialize, Serialize};

/// Money in fen (1 元 = 100 分). Never a float.
pub type Fen = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemCategory {
    Floor,
    Doors,
    Bedroom,
    ToiletBath,
    Kitchen,
    Environment,
    Aids,
}

impl ItemCategory {
    pub const ALL: [ItemCategory; 7] = [
        Self::Floor,
        Self::Doors,
        Self::Bedroom,
        Self::ToiletBath,
        Self::Kitchen,
        Self::Environment,
        Self::Aids,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Floor => "floor",
            Self::Doors => "doors",
            Self::Bedroom => "bedroom",
            Self::ToiletBath => "toilet_bath",
            Self::Kitchen => "kitchen",
            Self::Environment => "environment",
            Self::Aids => "aids",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Floor => "地面改造",
            Self::Doors => "门改造",
            Self::Bedroom => "卧室改造",
            Self::ToiletBath => "如厕洗浴设备改造",
            Self::Kitchen => "厨房设备改造",
            Self::Environment => "物理环境改造",
            Self::Aids => "老年用品配置",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::Floor => "Floors",
            Self::Doors => "Doors",
            Self::Bedroom => "Bedroom",
            Self::ToiletBath => "Toilet and bathing",
            Self::Kitchen => "Kitchen",
            Self::Environment => "Lighting, sockets and furniture",
            Self::Aids => "Aids for daily living",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 基础类: subsidised for eligible households, considered first.
    Basic,
    /// 可选类: chosen by the household and paid by it.
    Optional,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Basic => "basic",
            Self::Optional => "optional",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Basic, Self::Optional]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One line of the national list as shipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedItem {
    /// The number in the national list (1–30); stays the item's identity in every county.
    pub no: u8,
    pub category: ItemCategory,
    pub kind: ItemKind,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub unit_zh: &'static str,
    pub unit_en: &'static str,
    /// Reference price of one unit.
    pub unit_price_fen: Fen,
    /// The most the subsidy pays for this item in one household (0 for optional items).
    pub subsidy_cap_fen: Fen,
}

const fn item(
    no: u8,
    category: ItemCategory,
    kind: ItemKind,
    names: (&'static str, &'static str),
    units: (&'static str, &'static str),
    unit_price_yuan: Fen,
    subsidy_cap_yuan: Fen,
) -> SeedItem {
    SeedItem {
        no,
        category,
        kind,
        name_zh: names.0,
        name_en: names.1,
        unit_zh: units.0,
        unit_en: units.1,
        unit_price_fen: unit_price_yuan * 100,
        subsidy_cap_fen: subsidy_cap_yuan * 100,
    }
}

use ItemCategory as C;
use ItemKind::{Basic as B, Optional as O};

const M2: (&str, &str) = ("平方米", "m²");
const METRE: (&str, &str) = ("米", "m");
const PLACE: (&str, &str) = ("处", "place");
const DOOR: (&str, &str) = ("樘", "door");
const PIECE: (&str, &str) = ("个", "piece");
const SET: (&str, &str) = ("套", "set");
const DEVICE: (&str, &str) = ("台", "device");

/// The national list, in its order. Basic items: 1, 2, 11, 13, 17, 24, 29.
/// Columns: number, category, kind, names, unit, reference price (元), subsidy cap (元).
#[rustfmt::skip]
pub const SEED_CATALOGUE: [SeedItem; 30] = [
    item(1, C::Floor, B, ("防滑处理", "Anti-slip floor"), M2, 60, 1_200),
    item(2, C::Floor, B, ("高差处理", "Level differences removed (ramps)"), PLACE, 300, 900),
    item(3, C::Floor, O, ("平整硬化", "Levelling and hardening"), M2, 90, 0),
    item(4, C::Floor, O, ("安装扶手", "Handrails where the level changes"), METRE, 200, 0),
    item(5, C::Doors, O, ("门槛移除", "Threshold removal"), PLACE, 150, 0),
    item(6, C::Doors, O, ("平开门改为推拉门", "Swing door to sliding door"), DOOR, 1_500, 0),
    item(7, C::Doors, O, ("房门拓宽", "Door widening"), DOOR, 2_000, 0),
    item(8, C::Doors, O, ("下压式门把手改造", "Lever door handles"), PIECE, 120, 0),
    item(9, C::Doors, O, ("可视化门铃改造", "Video doorbell"), DEVICE, 400, 0),
    item(10, C::Bedroom, O, ("配置护理床", "Care bed"), ("张", "bed"), 3_000, 0),
    item(11, C::Bedroom, B, ("安装床边护栏（抓杆）", "Bedside rail"), SET, 350, 350),
    item(12, C::Bedroom, O, ("配置防压疮垫", "Pressure-relief mattress"), ("张", "mattress"), 800, 0),
    item(13, C::ToiletBath, B, ("安装扶手", "Grab bars at toilet and shower"), ("根", "bar"), 180, 720),
    item(14, C::ToiletBath, O, ("蹲便器改坐便器", "Squat toilet to seated toilet"), SET, 1_800, 0),
    item(15, C::ToiletBath, O, ("水龙头改造", "Lever or sensor taps"), PIECE, 300, 0),
    item(16, C::ToiletBath, O, ("浴缸/淋浴房改造", "Bathtub or shower enclosure removed"), PLACE, 1_200, 0),
    item(17, C::ToiletBath, B, ("配置淋浴椅", "Shower chair"), ("把", "chair"), 200, 200),
    item(18, C::Kitchen, O, ("台面改造", "Lower worktops with knee space"), ("延米", "m of worktop"), 1_200, 0),
    item(19, C::Kitchen, O, ("加设中部柜", "Mid-height cupboards"), ("组", "unit"), 600, 0),
    item(20, C::Environment, O, ("安装自动感应灯具", "Motion-sensor night lights"), ("盏", "light"), 80, 0),
    item(21, C::Environment, O, ("电源插座及开关改造", "Sockets and switches"), PIECE, 100, 0),
    item(22, C::Environment, O, ("安装防撞护角/防撞条", "Corner guards and warning strips"), METRE, 30, 0),
    item(23, C::Environment, O, ("适老家具配置", "Age-friendly furniture"), ("件", "piece"), 500, 0),
    item(24, C::Aids, B, ("手杖", "Walking stick"), ("根", "stick"), 80, 80),
    item(25, C::Aids, O, ("轮椅/助行器", "Wheelchair or walker"), DEVICE, 800, 0),
    item(26, C::Aids, O, ("放大装置", "Magnifier"), PIECE, 150, 0),
    item(27, C::Aids, O, ("助听器", "Hearing aid"), DEVICE, 2_500, 0),
    item(28, C::Aids, O, ("自助进食器具", "Eating aids"), SET, 120, 0),
    item(29, C::Aids, B, ("防走失装置", "Anti-wandering device"), DEVICE, 600, 600),
    item(30, C::Aids, O, ("安全监控装置", "Safety alarms (call button, smoke, gas, water)"), SET, 300, 0),
];

/// The national list's numbers of the basic items.
pub fn basic_item_numbers() -> impl Iterator<Item = u8> {
    SEED_CATALOGUE
        .iter()
        .filter(|i| i.kind == ItemKind::Basic)
        .map(|i| i.no)
}

/// One item of a county's catalogue as the API shows it: the seed line with the county's
/// changes, or an item the county added (numbers above 30).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogueItem {
    pub no: u16,
    pub category: ItemCategory,
    pub kind: ItemKind,
    pub name_zh: String,
    pub name_en: String,
    pub unit_zh: String,
    pub unit_en: String,
    pub unit_price_fen: Fen,
    pub subsidy_cap_fen: Fen,
    /// Retired items stay (plans that used them keep their lines) but no new plan takes them.
    pub retired: bool,
    /// The county changed the national list's line (or added the item).
    pub edited: bool,
}

impl CatalogueItem {
    pub fn from_seed(s: &SeedItem) -> CatalogueItem {
        CatalogueItem {
            no: u16::from(s.no),
            category: s.category,
            kind: s.kind,
            name_zh: s.name_zh.into(),
            name_en: s.name_en.into(),
            unit_zh: s.unit_zh.into(),
            unit_en: s.unit_en.into(),
            unit_price_fen: s.unit_price_fen,
            subsidy_cap_fen: s.subsidy_cap_fen,
            retired: false,
            edited: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogueView {
    pub county_id: i64,
    pub county_name: String,
    /// In the national list's order, the county's own items after it.
    pub items: Vec<CatalogueItem>,
}

/// What a county admin sets on an item (a seed item or one of the county's own). The
/// category and kind of a national item are the list's and cannot change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogueItemInput {
    pub category: ItemCategory,
    pub kind: ItemKind,
    pub name_zh: String,
    pub name_en: String,
    pub unit_zh: String,
    pub unit_en: String,
    pub unit_price_fen: Fen,
    pub subsidy_cap_fen: Fen,
    #[serde(default)]
    pub retired: bool,
}

pub const ITEM_NAME_MAX_CHARS: usize = 40;
pub const UNIT_MAX_CHARS: usize = 10;
/// 100,000 元: above any one item of a home retrofit; a typing slip, not a price.
pub const ITEM_PRICE_MAX_FEN: Fen = 10_000_000;

impl CatalogueItemInput {
    /// Problems by field, bilingual: `(field, zh, en)`.
    pub fn problems(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        let mut p = Vec::new();
        let text = |v: &str, max: usize| {
            let n = v.trim().chars().count();
            n >= 1 && n <= max
        };
        if !text(&self.name_zh, ITEM_NAME_MAX_CHARS) {
            p.push((
                "name_zh",
                "请填写中文名称（不超过 40 个字）",
                "Enter the Chinese name (at most 40 characters)",
            ));
        }
        if !text(&self.name_en, ITEM_NAME_MAX_CHARS * 2) {
            p.push((
                "name_en",
                "请填写英文名称（不超过 80 个字符）",
                "Enter the English name (at most 80 characters)",
            ));
        }
        if !text(&self.unit_zh, UNIT_MAX_CHARS) {
            p.push((
                "unit_zh",
                "请填写单位（不超过 10 个字）",
                "Enter the unit (at most 10 characters)",
            ));
        }
        if !text(&self.unit_en, UNIT_MAX_CHARS * 2) {
            p.push((
                "unit_en",
                "请填写英文单位（不超过 20 个字符）",
                "Enter the English unit (at most 20 characters)",
            ));
        }
        if !(1..=ITEM_PRICE_MAX_FEN).contains(&self.unit_price_fen) {
            p.push((
                "unit_price_fen",
                "单价要大于 0 元，且不超过 100000 元",
                "The unit price must be above 0 and at most 100,000 yuan",
            ));
        }
        match self.kind {
            ItemKind::Basic if !(0..=ITEM_PRICE_MAX_FEN).contains(&self.subsidy_cap_fen) => {
                p.push((
                    "subsidy_cap_fen",
                    "补贴上限不能小于 0 元或超过 100000 元",
                    "The subsidy cap must be between 0 and 100,000 yuan",
                ));
            }
            ItemKind::Optional if self.subsidy_cap_fen != 0 => {
                p.push((
                    "subsidy_cap_fen",
                    "可选类项目由家庭自费，补贴上限只能是 0",
                    "Optional items are paid by the household: the subsidy cap must be 0",
                ));
            }
            _ => {}
        }
        p
    }
}

/// `"12.5"`, `"12.50"`, `"12"`, `"1,200.00"` 元 → fen. `None` for anything else (negative,
/// more than two decimals, not a number, too large).
pub fn parse_yuan(text: &str) -> Option<Fen> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let t = t.strip_suffix('元').unwrap_or(&t).trim();
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    if whole.is_empty() || whole.len() > 9 || frac.len() > 2 {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: Fen = whole.parse().ok()?;
    let frac: Fen = match frac.len() {
        0 => 0,
        1 => frac.parse::<Fen>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    Some(whole * 100 + frac)
}

/// Fen as 元 with two decimals and thousands separators: `123456` → `"1,234.56"`.
pub fn format_yuan(fen: Fen) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_is_the_national_list_of_7_categories_30_items_7_basic() {
        assert_eq!(SEED_CATALOGUE.len(), 30);
        for (i, item) in SEED_CATALOGUE.iter().enumerate() {
            assert_eq!(item.no as usize, i + 1, "numbered in the list's order");
        }
        let basic: Vec<u8> = basic_item_numbers().collect();
        assert_eq!(basic, vec![1, 2, 11, 13, 17, 24, 29]);
        for category in ItemCategory::ALL {
            assert!(SEED_CATALOGUE.iter().any(|i| i.category == category));
            assert_eq!(ItemCategory::parse(category.as_str()), Some(category));
        }
    }

    #[test]
    fn yuan_amounts_parse_to_fen_and_back() {
        assert_eq!(parse_yuan("12"), Some(1_200));
        assert_eq!(parse_yuan("12.5"), Some(1_250));
        assert_eq!(parse_yuan(" 1,200.05 元"), Some(120_005));
        for bad in ["", "-1", "1.234", "abc", "1e3", "1.2.3", ".5", "9999999999"] {
            assert_eq!(parse_yuan(bad), None, "{bad}");
        }
        assert_eq!(format_yuan(120_005), "1,200.05");
        assert_eq!(format_yuan(0), "0.00");
        assert_eq!(format_yuan(-5), "-0.05");
        assert_eq!(format_yuan(123_456_789), "1,234,567.89");
    }

    #[test]
    fn an_item_input_is_checked_field_by_field() {
        let mut input = CatalogueItemInput {
            category: ItemCategory::Aids,
            kind: ItemKind::Optional,
            name_zh: "助浴椅".into(),
            name_en: "Bath seat".into(),
            unit_zh: "把".into(),
            unit_en: "chair".into(),
            unit_price_fen: 25_000,
            subsidy_cap_fen: 0,
            retired: false,
        };
        assert!(input.problems().is_empty());
        input.subsidy_cap_fen = 100;
        input.unit_price_fen = 0;
        input.name_zh = " ".into();
        let fields: Vec<&str> = input.problems().iter().map(|p| p.0).collect();
        assert_eq!(fields, ["name_zh", "unit_price_fen", "subsidy_cap_fen"]);
        input.kind = ItemKind::Basic;
        let fields: Vec<&str> = input.problems().iter().map(|p| p.0).collect();
        assert_eq!(
            fields,
            ["name_zh", "unit_price_fen"],
            "a basic item may carry a cap"
        );
    }

    #[test]
    fn only_basic_items_carry_a_subsidy_cap_and_every_price_is_positive() {
        for item in SEED_CATALOGUE {
            assert!(item.unit_price_fen > 0, "{}", item.name_zh);
            match item.kind {
                ItemKind::Basic => assert!(item.subsidy_cap_fen > 0, "{}", item.name_zh),
                ItemKind::Optional => assert_eq!(item.subsidy_cap_fen, 0, "{}", item.name_zh),
            }
            assert!(!item.name_en.is_empty() && !item.unit_en.is_empty());
        }
    }
}
