//! The works (施工): a construction company the county assigned carries out the signed plan and
//! proves each item with photos taken before and after (改造前后对比图片), then the cleared
//! site. Pure rules shared by the app and the server: which photo may be added when, what is
//! still missing before the works can start or be finished, and each item's progress as the
//! family follows it.

use crate::refusal::{Refusal, RefusalKind};
use crate::retrofit::RetrofitState;
use crate::retrofit_plan::Room;
use serde::{Deserialize, Serialize};

/// Photos per slot (an item's before, its after, the cleared site): enough for each angle.
pub const MAX_PHOTOS_PER_SLOT: usize = 6;

/// What kind of organisation the county works with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 第三方评估机构: assesses homes and drafts plans.
    Assessment,
    /// 施工单位: builds what was signed.
    Construction,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assessment => "assessment",
            Self::Construction => "construction",
        }
    }

    /// The role of the accounts that work for this kind of organisation.
    pub fn member_role(self) -> crate::Role {
        match self {
            Self::Assessment => crate::Role::Assessor,
            Self::Construction => crate::Role::Contractor,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = WorksPhotoStage))]
#[serde(rename_all = "snake_case")]
pub enum PhotoStage {
    Before,
    After,
}

impl PhotoStage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Before => "before",
            Self::After => "after",
        }
    }
}

/// Where a works photo belongs: one line of the signed plan (numbered from 1, in the plan's
/// order) before or after, or the cleared site at the end — the contractor's — or what the
/// street office's reviewer photographed of an item at the acceptance visit (what is wrong).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorksSlot {
    Item { line: u16, stage: PhotoStage },
    Cleared,
    Inspection { line: u16 },
}

impl WorksSlot {
    /// As stored: `item:3:before`, `item:3:after`, `cleared`.
    pub fn key(self) -> String {
        match self {
            Self::Item { line, stage } => format!("item:{line}:{}", stage.as_str()),
            Self::Cleared => "cleared".into(),
            Self::Inspection { line } => format!("inspection:{line}"),
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        if key == "cleared" {
            return Some(Self::Cleared);
        }
        if let Some(line) = key.strip_prefix("inspection:") {
            let line: u16 = line.parse().ok().filter(|l| *l >= 1)?;
            return Some(Self::Inspection { line });
        }
        let mut parts = key.split(':');
        let (Some("item"), Some(line), Some(stage), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let line: u16 = line.parse().ok().filter(|l| *l >= 1)?;
        let stage = match stage {
            "before" => PhotoStage::Before,
            "after" => PhotoStage::After,
            _ => return None,
        };
        Some(Self::Item { line, stage })
    }
}

/// How many photos each slot holds: `items[i]` is line `i + 1`'s (before, after).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhotoCounts {
    pub items: Vec<(usize, usize)>,
    pub cleared: usize,
}

impl PhotoCounts {
    /// Counted from the stored slots; slots of lines the plan does not have are ignored.
    pub fn of(lines: usize, slots: impl IntoIterator<Item = WorksSlot>) -> PhotoCounts {
        let mut counts = PhotoCounts {
            items: vec![(0, 0); lines],
            cleared: 0,
        };
        for slot in slots {
            match slot {
                WorksSlot::Item { line, stage } => {
                    // Lines count from 1; a slot of line 0 (never parsed, but constructible)
                    // belongs to no item.
                    let index = usize::from(line).checked_sub(1);
                    if let Some(c) = index.and_then(|i| counts.items.get_mut(i)) {
                        match stage {
                            PhotoStage::Before => c.0 += 1,
                            PhotoStage::After => c.1 += 1,
                        }
                    }
                }
                WorksSlot::Cleared => counts.cleared += 1,
                // The reviewer's photos prove nothing about the works.
                WorksSlot::Inspection { .. } => {}
            }
        }
        counts
    }

    fn count(&self, slot: WorksSlot) -> Option<usize> {
        match slot {
            WorksSlot::Item { line, stage } => {
                let (before, after) = *self.items.get(usize::from(line).checked_sub(1)?)?;
                Some(match stage {
                    PhotoStage::Before => before,
                    PhotoStage::After => after,
                })
            }
            WorksSlot::Cleared => Some(self.cleared),
            // Counted by the database's cap only; here: whether the line exists.
            WorksSlot::Inspection { line } => {
                self.items.get(usize::from(line).checked_sub(1)?).map(|_| 0)
            }
        }
    }
}

/// What a slot still lacks, in the plan's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Missing {
    Before { line: u16 },
    After { line: u16 },
    Cleared,
}

fn line_no(index: usize) -> u16 {
    u16::try_from(index + 1).unwrap_or(u16::MAX)
}

/// Before the works start, every item is photographed as it is.
pub fn missing_to_start(counts: &PhotoCounts) -> Vec<Missing> {
    counts
        .items
        .iter()
        .enumerate()
        .filter(|(_, (before, _))| *before == 0)
        .map(|(i, _)| Missing::Before { line: line_no(i) })
        .collect()
}

/// Before the works are finished, every item has its before and after photos and the site
/// is photographed cleared.
pub fn missing_to_finish(counts: &PhotoCounts) -> Vec<Missing> {
    let mut missing = missing_to_start(counts);
    missing.extend(
        counts
            .items
            .iter()
            .enumerate()
            .filter(|(_, (_, after))| *after == 0)
            .map(|(i, _)| Missing::After { line: line_no(i) }),
    );
    missing.sort_by_key(|m| match m {
        Missing::Before { line } => (*line, 0),
        Missing::After { line } => (*line, 1),
        Missing::Cleared => (u16::MAX, 2),
    });
    if counts.cleared == 0 {
        missing.push(Missing::Cleared);
    }
    missing
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorksRefusal {
    /// No such line in the signed plan.
    NoSuchItem,
    /// Photos are taken between the assignment and the end of the works; "after" and the
    /// cleared site only once the works have started.
    WrongState,
    /// An item's "after" photo needs its "before" photo first.
    BeforeFirst,
    Full,
    /// Starting needs every item's "before" photo …
    BeforePhotosMissing,
    /// … finishing every item's "after" photo and the cleared site's.
    FinishPhotosMissing,
    /// Starting needs the construction contract signed by both sides.
    ContractNotSigned,
    /// The reviewer photographs items at the acceptance visit, while the works wait for it.
    InspectionNotNow,
}

impl Refusal for WorksRefusal {
    fn kind(self) -> RefusalKind {
        match self {
            Self::WrongState => RefusalKind::WrongMoment,
            _ => RefusalKind::BadInput,
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::NoSuchItem
            | Self::WrongState
            | Self::BeforeFirst
            | Self::Full
            | Self::InspectionNotNow => "photo",
            Self::BeforePhotosMissing | Self::FinishPhotosMissing => "photos",
            Self::ContractNotSigned => "contract",
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::NoSuchItem => (
                "改造方案里没有这一项",
                "The signed plan has no such item",
            ),
            Self::WrongState => (
                "现在不能添加这张照片：施工前照片在开工前后都可以拍，施工后和场地清理照片要在开工以后拍",
                "This photo cannot be added now: before-photos are taken until the works end, after-photos and the cleared site once the works have started",
            ),
            Self::BeforeFirst => (
                "请先拍这一项施工前的照片",
                "Take this item's before-photo first",
            ),
            Self::Full => (
                "每一项最多 6 张照片",
                "Six photos at most for each",
            ),
            Self::BeforePhotosMissing => (
                "开工前，每一项都要有施工前的照片",
                "Every item needs its before-photo before the works start",
            ),
            Self::FinishPhotosMissing => (
                "完工前，每一项都要有施工前和施工后的照片，还要有场地清理干净的照片",
                "Before finishing, every item needs its before- and after-photos, and the cleared site its photo",
            ),
            Self::InspectionNotNow => (
                "验收照片在施工完成、等待验收时拍",
                "Acceptance photos are taken while the finished works wait for acceptance",
            ),
            Self::ContractNotSigned => (
                "开工前，施工合同要由施工单位和老人（或家属）双方签字",
                "Before the works start, the construction contract must be signed by the builder and the elder (or family)",
            ),
        }
    }
}

/// Whether a photo may go into `slot` now.
pub fn check_photo(
    state: RetrofitState,
    slot: WorksSlot,
    counts: &PhotoCounts,
) -> Result<(), WorksRefusal> {
    let held = counts.count(slot).ok_or(WorksRefusal::NoSuchItem)?;
    if let WorksSlot::Inspection { .. } = slot {
        return if state == RetrofitState::AwaitingAcceptance {
            Ok(())
        } else {
            Err(WorksRefusal::InspectionNotNow)
        };
    }
    let started = state == RetrofitState::UnderConstruction;
    match slot {
        WorksSlot::Item {
            stage: PhotoStage::Before,
            ..
        } if !(started || state == RetrofitState::PlanSigned) => {
            return Err(WorksRefusal::WrongState)
        }
        WorksSlot::Item {
            line,
            stage: PhotoStage::After,
        } => {
            if !started {
                return Err(WorksRefusal::WrongState);
            }
            let before = counts.count(WorksSlot::Item {
                line,
                stage: PhotoStage::Before,
            });
            if before == Some(0) {
                return Err(WorksRefusal::BeforeFirst);
            }
        }
        WorksSlot::Cleared if !started => return Err(WorksRefusal::WrongState),
        _ => {}
    }
    if held >= MAX_PHOTOS_PER_SLOT {
        return Err(WorksRefusal::Full);
    }
    Ok(())
}

/// An item as the family follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemProgress {
    /// Nothing photographed yet.
    Waiting,
    /// Photographed as it was; the work on it is under way.
    Started,
    /// Photographed when done.
    Done,
}

pub fn item_progress((before, after): (usize, usize)) -> ItemProgress {
    match (before, after) {
        (_, a) if a > 0 => ItemProgress::Done,
        (b, _) if b > 0 => ItemProgress::Started,
        _ => ItemProgress::Waiting,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorksPhotoView {
    pub id: i64,
    pub slot: WorksSlot,
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub uploaded_at: i64,
}

/// One line of the signed plan with its photos.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorksItemView {
    /// From 1, in the signed plan's order.
    pub line: u16,
    pub item_no: u16,
    pub name_zh: String,
    pub room: Room,
    pub quantity_centi: i64,
    pub unit_zh: String,
    pub progress: ItemProgress,
    pub before: Vec<WorksPhotoView>,
    pub after: Vec<WorksPhotoView>,
    /// Sent back at the last acceptance visit: what is wrong. Its after-photos from before
    /// then no longer count.
    #[serde(default)]
    pub rework_note: Option<String>,
    /// What the street office's reviewer photographed of this item at the acceptance visits.
    #[serde(default)]
    pub inspection: Vec<WorksPhotoView>,
}

/// The works on an application's page, once the county assigned a construction company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorksView {
    pub org_id: i64,
    pub org_name: String,
    pub assigned_at: i64,
    pub items: Vec<WorksItemView>,
    pub cleared: Vec<WorksPhotoView>,
    /// Items done, of all.
    pub done: usize,
    /// What is still needed for the next step (start, or finish), in the plan's order.
    pub missing: Vec<Missing>,
    /// The caller is the contractor and photos can be added now.
    pub may_add_photos: bool,
    /// The construction contract of the company assigned now is signed by both sides (the
    /// works cannot start before).
    #[serde(default)]
    pub contract_signed: bool,
    /// The caller is the street office and the works wait for its acceptance visit.
    #[serde(default)]
    pub may_accept: bool,
    /// The day the household passed acceptance (the warranty runs from it).
    #[serde(default)]
    pub accepted_at: Option<i64>,
    /// The family's word on the accepting visit, once given.
    #[serde(default)]
    pub family_response: Option<crate::retrofit_acceptance::FamilyResponseView>,
    /// The caller is the family and has not answered the accepting visit yet.
    #[serde(default)]
    pub may_respond: bool,
    /// The supervision report (监理报告), once added.
    #[serde(default)]
    pub supervision_report: Option<crate::retrofit_acceptance::SupervisionReportView>,
    /// The caller is the street office or the county and may add (or replace) it now.
    #[serde(default)]
    pub may_file_report: bool,
}

/// A household on the contractor's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorksSummary {
    pub id: i64,
    pub reference: String,
    pub state: RetrofitState,
    /// `张*华`.
    pub elder_name_masked: String,
    pub community_name: String,
    pub home_label: Option<String>,
    /// Whom to call to arrange the works: the elder's number, else the applicant's.
    pub contact_phone: Option<String>,
    pub assigned_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorksList {
    /// `None`: the contractor is in no organisation yet (the county adds them).
    pub org_name: Option<String>,
    pub items: Vec<WorksSummary>,
    pub next_after: Option<i64>,
}

/// The county assigns a household once its plan is signed, and may move it to another
/// company until the works start.
pub fn may_assign_contractor(state: RetrofitState) -> bool {
    state == RetrofitState::PlanSigned
}

#[cfg(test)]
mod tests {
    use super::*;
    use PhotoStage::{After, Before};
    use RetrofitState as S;

    fn item(line: u16, stage: PhotoStage) -> WorksSlot {
        WorksSlot::Item { line, stage }
    }

    #[test]
    fn slots_round_trip_and_nonsense_is_refused() {
        for slot in [item(1, Before), item(12, After), WorksSlot::Cleared] {
            assert_eq!(WorksSlot::parse(&slot.key()), Some(slot));
        }
        for bad in [
            "",
            "item",
            "item:0:before",
            "item:1:during",
            "item:1:before:x",
            "item:-1:after",
            "room:1:before",
        ] {
            assert_eq!(WorksSlot::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts_ignore_lines_the_plan_does_not_have() {
        let counts = PhotoCounts::of(
            2,
            [
                item(1, Before),
                item(1, Before),
                item(2, After),
                item(9, Before),
                item(0, After),
                WorksSlot::Cleared,
            ],
        );
        assert_eq!(counts.items, vec![(2, 0), (0, 1)]);
        assert_eq!(counts.cleared, 1);
    }

    #[test]
    fn starting_needs_every_before_photo_and_finishing_every_after_and_the_site() {
        let none = PhotoCounts::of(2, []);
        assert_eq!(
            missing_to_start(&none),
            vec![Missing::Before { line: 1 }, Missing::Before { line: 2 }]
        );
        let before = PhotoCounts::of(2, [item(1, Before), item(2, Before)]);
        assert!(missing_to_start(&before).is_empty());
        assert_eq!(
            missing_to_finish(&before),
            vec![
                Missing::After { line: 1 },
                Missing::After { line: 2 },
                Missing::Cleared
            ]
        );
        let one_left = PhotoCounts::of(
            2,
            [
                item(1, Before),
                item(2, Before),
                item(1, After),
                WorksSlot::Cleared,
            ],
        );
        assert_eq!(
            missing_to_finish(&one_left),
            vec![Missing::After { line: 2 }]
        );
        let all = PhotoCounts::of(
            2,
            [
                item(1, Before),
                item(2, Before),
                item(1, After),
                item(2, After),
                WorksSlot::Cleared,
            ],
        );
        assert!(missing_to_finish(&all).is_empty());
    }

    #[test]
    fn which_photo_may_be_added_when() {
        let empty = PhotoCounts::of(2, []);
        let before1 = PhotoCounts::of(2, [item(1, Before)]);
        type Row = (S, WorksSlot, &'static PhotoCounts, Result<(), WorksRefusal>);
        let empty: &'static PhotoCounts = Box::leak(Box::new(empty));
        let before1: &'static PhotoCounts = Box::leak(Box::new(before1));
        let rows: &[Row] = &[
            (S::PlanSigned, item(1, Before), empty, Ok(())),
            (S::UnderConstruction, item(2, Before), before1, Ok(())),
            (
                S::PlanSigned,
                item(1, After),
                before1,
                Err(WorksRefusal::WrongState),
            ),
            (S::UnderConstruction, item(1, After), before1, Ok(())),
            (
                S::UnderConstruction,
                item(2, After),
                before1,
                Err(WorksRefusal::BeforeFirst),
            ),
            (
                S::PlanSigned,
                WorksSlot::Cleared,
                before1,
                Err(WorksRefusal::WrongState),
            ),
            (S::UnderConstruction, WorksSlot::Cleared, before1, Ok(())),
            (
                S::UnderConstruction,
                item(3, Before),
                before1,
                Err(WorksRefusal::NoSuchItem),
            ),
            (
                S::AwaitingAcceptance,
                item(1, Before),
                before1,
                Err(WorksRefusal::WrongState),
            ),
            (
                S::PlanProposed,
                item(1, Before),
                empty,
                Err(WorksRefusal::WrongState),
            ),
        ];
        for (state, slot, counts, expected) in rows {
            assert_eq!(
                check_photo(*state, *slot, counts),
                *expected,
                "{state:?} {slot:?}"
            );
        }
        let full = PhotoCounts::of(1, std::iter::repeat_n(item(1, Before), MAX_PHOTOS_PER_SLOT));
        assert_eq!(
            check_photo(S::PlanSigned, item(1, Before), &full),
            Err(WorksRefusal::Full)
        );
    }

    #[test]
    fn an_item_is_done_once_photographed_after() {
        assert_eq!(item_progress((0, 0)), ItemProgress::Waiting);
        assert_eq!(item_progress((2, 0)), ItemProgress::Started);
        assert_eq!(item_progress((1, 1)), ItemProgress::Done);
    }

    #[test]
    fn the_reviewer_photographs_items_only_at_the_acceptance_visit() {
        let inspection = WorksSlot::Inspection { line: 2 };
        assert_eq!(inspection.key(), "inspection:2");
        assert_eq!(WorksSlot::parse("inspection:2"), Some(inspection));
        assert_eq!(WorksSlot::parse("inspection:0"), None);
        let counts = PhotoCounts::of(2, [inspection, item(1, Before)]);
        // The reviewer's photos prove nothing about the works.
        assert_eq!(counts.items, vec![(1, 0), (0, 0)]);
        assert_eq!(
            check_photo(S::AwaitingAcceptance, inspection, &counts),
            Ok(())
        );
        assert_eq!(
            check_photo(S::UnderConstruction, inspection, &counts),
            Err(WorksRefusal::InspectionNotNow)
        );
        assert_eq!(
            check_photo(
                S::AwaitingAcceptance,
                WorksSlot::Inspection { line: 3 },
                &counts
            ),
            Err(WorksRefusal::NoSuchItem)
        );
    }
}
