//! The in-home assessment record (入户评估记录), filled by the assessor on a phone in the home,
//! one screen at a time and often over several sittings: the six daily activities, the rooms
//! with their hazards and notes, and the elder's own wishes. Pure rules: applying one screen,
//! what is still missing before the assessment can be recorded, and whether the record's
//! activities disagree with the 失能 the application claimed (the reviewer is told).

use crate::eligibility::EligibilityAnswers;
use crate::refusal::{Refusal, RefusalKind};
use serde::{Deserialize, Serialize};

pub const RECORD_NOTE_MAX_CHARS: usize = 1000;
/// 失能: the elder cannot do at least this many of the six activities on their own.
pub const DISABLED_FROM: usize = 4;

/// The six daily activities of the 失能 test (domain.md §2), in the order they are asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Eat,
    Dress,
    Bed,
    Toilet,
    WalkIndoors,
    Bathe,
}

impl Activity {
    pub const ALL: [Activity; 6] = [
        Activity::Eat,
        Activity::Dress,
        Activity::Bed,
        Activity::Toilet,
        Activity::WalkIndoors,
        Activity::Bathe,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Ability {
    CanDo,
    NeedsHelp,
    Cannot,
}

impl Ability {
    /// Needing help counts as not doing it on one's own (自主).
    pub fn on_own(self) -> bool {
        self == Ability::CanDo
    }
}

/// The rooms the assessor walks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RecordRoom))]
#[serde(rename_all = "snake_case")]
pub enum Room {
    Entrance,
    LivingRoom,
    Bedroom,
    Bathroom,
    Kitchen,
    /// Corridors and stairs.
    Corridor,
}

impl Room {
    pub const ALL: [Room; 6] = [
        Room::Entrance,
        Room::LivingRoom,
        Room::Bedroom,
        Room::Bathroom,
        Room::Kitchen,
        Room::Corridor,
    ];

    /// The wire name (as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            Room::Entrance => "entrance",
            Room::LivingRoom => "living_room",
            Room::Bedroom => "bedroom",
            Room::Bathroom => "bathroom",
            Room::Kitchen => "kitchen",
            Room::Corridor => "corridor",
        }
    }

    pub fn parse(s: &str) -> Option<Room> {
        Room::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The hazards asked about in this room, in checklist order.
    pub fn hazards(self) -> &'static [Hazard] {
        use Hazard as H;
        match self {
            Room::Entrance => &[
                H::Threshold,
                H::LevelChange,
                H::NoHandrail,
                H::PoorLighting,
                H::NarrowDoor,
                H::NoDoorbell,
            ],
            Room::LivingRoom => &[
                H::SlipperyFloor,
                H::SharpCorners,
                H::Clutter,
                H::PoorLighting,
                H::LowSockets,
            ],
            Room::Bedroom => &[
                H::SlipperyFloor,
                H::NoBedRail,
                H::BedHeight,
                H::NoNightLight,
                H::PoorLighting,
            ],
            Room::Bathroom => &[
                H::SlipperyFloor,
                H::NoGrabBar,
                H::SquatToilet,
                H::Bathtub,
                H::NoShowerChair,
                H::Threshold,
                H::KnobTaps,
            ],
            Room::Kitchen => &[H::SlipperyFloor, H::HighShelves, H::GasRisk, H::KnobTaps],
            Room::Corridor => &[H::LevelChange, H::NoHandrail, H::PoorLighting, H::Clutter],
        }
    }
}

/// What can make an elder fall or get hurt at home; each maps to catalogue items the plan
/// may propose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Hazard {
    SlipperyFloor,
    LevelChange,
    Threshold,
    NoHandrail,
    NoGrabBar,
    NoBedRail,
    BedHeight,
    SquatToilet,
    Bathtub,
    NoShowerChair,
    KnobTaps,
    HighShelves,
    NarrowDoor,
    NoDoorbell,
    PoorLighting,
    NoNightLight,
    LowSockets,
    SharpCorners,
    Clutter,
    GasRisk,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomRecord {
    pub room: Room,
    pub hazards: Vec<Hazard>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentRecord {
    /// In [`Activity::ALL`] order, each at most once.
    pub activities: Vec<(Activity, Ability)>,
    /// The rooms looked at so far, in [`Room::ALL`] order.
    pub rooms: Vec<RoomRecord>,
    /// What the elder themselves wants changed, in their words.
    pub wishes: Option<String>,
    pub notes: Option<String>,
}

/// One screen of the record, saved on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "screen", rename_all = "snake_case")]
pub enum RecordUpdate {
    Activities {
        answers: Vec<(Activity, Ability)>,
    },
    Room(RoomRecord),
    Wishes {
        wishes: String,
        #[serde(default)]
        notes: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordRefusal {
    /// An activity answered twice in one screen.
    ActivityTwice,
    /// A hazard that is not on this room's checklist, or ticked twice.
    HazardNotInRoom,
    NoteTooLong,
    WishesRequired,
}

impl Refusal for RecordRefusal {
    fn kind(self) -> RefusalKind {
        RefusalKind::BadInput
    }

    fn field(self) -> &'static str {
        match self {
            Self::ActivityTwice => "answers",
            Self::HazardNotInRoom => "hazards",
            Self::NoteTooLong => "note",
            Self::WishesRequired => "wishes",
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::ActivityTwice => (
                "每项日常活动只能选一个答案",
                "Give one answer for each daily activity",
            ),
            Self::HazardNotInRoom => (
                "勾选的隐患不在这个房间的检查单上",
                "A ticked hazard is not on this room's checklist",
            ),
            Self::NoteTooLong => (
                "说明不能超过 1000 个字",
                "The note must be 1000 characters or fewer",
            ),
            Self::WishesRequired => (
                "请记下老人自己希望改哪些地方（没有就写“无”）",
                "Write down what the elder wants changed (or “none”)",
            ),
        }
    }
}

fn note(text: Option<&str>) -> Result<Option<String>, RecordRefusal> {
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    if text.is_some_and(|t| t.chars().count() > RECORD_NOTE_MAX_CHARS) {
        return Err(RecordRefusal::NoteTooLong);
    }
    Ok(text.map(str::to_owned))
}

impl AssessmentRecord {
    /// Apply one screen in place of what that screen held before; the same screen saved twice
    /// (a retry) leaves the record as one save did.
    pub fn apply(&mut self, update: &RecordUpdate) -> Result<(), RecordRefusal> {
        match update {
            RecordUpdate::Activities { answers } => {
                let mut merged = self.activities.clone();
                let mut seen = Vec::new();
                for (activity, ability) in answers {
                    if seen.contains(activity) {
                        return Err(RecordRefusal::ActivityTwice);
                    }
                    seen.push(*activity);
                    merged.retain(|(a, _)| a != activity);
                    merged.push((*activity, *ability));
                }
                merged.sort_by_key(|(a, _)| *a);
                self.activities = merged;
            }
            RecordUpdate::Room(r) => {
                let allowed = r.room.hazards();
                let mut hazards = Vec::new();
                for h in &r.hazards {
                    if !allowed.contains(h) || hazards.contains(h) {
                        return Err(RecordRefusal::HazardNotInRoom);
                    }
                    hazards.push(*h);
                }
                hazards.sort();
                let room = RoomRecord {
                    room: r.room,
                    hazards,
                    note: note(r.note.as_deref())?,
                };
                self.rooms.retain(|x| x.room != r.room);
                self.rooms.push(room);
                self.rooms.sort_by_key(|x| x.room);
            }
            RecordUpdate::Wishes { wishes, notes } => {
                let wishes = note(Some(wishes))?.ok_or(RecordRefusal::WishesRequired)?;
                self.notes = note(notes.as_deref())?;
                self.wishes = Some(wishes);
            }
        }
        Ok(())
    }

    /// How many activities the elder cannot do on their own, once all six are answered.
    pub fn activities_not_on_own(&self) -> Option<usize> {
        (self.activities.len() == Activity::ALL.len()).then(|| {
            self.activities
                .iter()
                .filter(|(_, ability)| !ability.on_own())
                .count()
        })
    }

    /// 失能 by the record (4 of 6), once all six are answered.
    pub fn shows_disabled(&self) -> Option<bool> {
        self.activities_not_on_own().map(|n| n >= DISABLED_FROM)
    }

    /// The screens still to fill before the assessment can be recorded.
    pub fn missing(&self) -> Vec<RecordPart> {
        let mut missing = Vec::new();
        if self.activities_not_on_own().is_none() {
            missing.push(RecordPart::Activities);
        }
        for room in Room::ALL {
            if !self.rooms.iter().any(|r| r.room == room) {
                missing.push(RecordPart::Room(room));
            }
        }
        if self.wishes.is_none() {
            missing.push(RecordPart::Wishes);
        }
        missing
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "part", content = "room", rename_all = "snake_case")]
pub enum RecordPart {
    Activities,
    Room(Room),
    Wishes,
}

/// The record as the API shows it, with what is still to fill and what the reviewer is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentRecordView {
    pub record: AssessmentRecord,
    pub missing: Vec<RecordPart>,
    pub disability_mismatch: Option<DisabilityMismatch>,
    /// The caller is the assessor and the household still waits for its assessment.
    pub editable: bool,
    /// What the assessor photographed, room by room, in the order taken.
    #[serde(default)]
    pub photos: Vec<RoomPhotoView>,
}

/// Photos per room of one household's record: enough for each hazard seen.
pub const MAX_PHOTOS_PER_ROOM: usize = 6;

/// A photo of a room taken during the assessment (shrunk on the phone, re-encoded by the
/// server without its metadata, like complaint photos).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomPhotoView {
    pub id: i64,
    pub room: Room,
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// The record and the application disagree on 失能: the reviewer looks again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisabilityMismatch {
    /// How many activities the application said the elder cannot do alone.
    pub claimed: u8,
    /// How many the assessor recorded.
    pub recorded: u8,
}

/// Compares the record with the family's own count. An elder already recognised as 失能 (by
/// 特困 or the disabled-care subsidy) needs no re-assessment, so there is nothing to compare.
pub fn disability_mismatch(
    answers: Option<&EligibilityAnswers>,
    record: &AssessmentRecord,
) -> Option<DisabilityMismatch> {
    let answers = answers?;
    if answers.already_recognised_disabled == Some(true) {
        return None;
    }
    let recorded = record.activities_not_on_own()?;
    let claimed = usize::from(answers.activities_needing_help.unwrap_or(0));
    ((claimed >= DISABLED_FROM) != (recorded >= DISABLED_FROM)).then(|| DisabilityMismatch {
        claimed: u8::try_from(claimed).unwrap_or(u8::MAX),
        recorded: u8::try_from(recorded).unwrap_or(u8::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_names_are_the_wire_names() {
        for r in Room::ALL {
            assert_eq!(serde_json::json!(r), serde_json::json!(r.as_str()));
            assert_eq!(Room::parse(r.as_str()), Some(r));
        }
    }
    use Ability as B;
    use Activity as A;

    fn all(ability: impl Fn(Activity) -> Ability) -> RecordUpdate {
        RecordUpdate::Activities {
            answers: A::ALL.into_iter().map(|a| (a, ability(a))).collect(),
        }
    }

    #[test]
    fn needing_help_counts_as_not_on_ones_own_and_four_of_six_is_disabled() {
        let mut r = AssessmentRecord::default();
        assert_eq!(r.shows_disabled(), None);
        r.apply(&all(|a| match a {
            A::Eat | A::Dress => B::CanDo,
            A::Bed | A::Toilet => B::NeedsHelp,
            _ => B::Cannot,
        }))
        .unwrap();
        assert_eq!(r.activities_not_on_own(), Some(4));
        assert_eq!(r.shows_disabled(), Some(true));
        r.apply(&RecordUpdate::Activities {
            answers: vec![(A::Bed, B::CanDo)],
        })
        .unwrap();
        assert_eq!(r.activities_not_on_own(), Some(3));
        assert_eq!(r.shows_disabled(), Some(false));
        assert_eq!(r.activities.len(), 6, "a later screen replaces, never adds");
    }

    #[test]
    fn part_of_the_activities_leaves_the_test_open() {
        let mut r = AssessmentRecord::default();
        r.apply(&RecordUpdate::Activities {
            answers: vec![(A::Eat, B::Cannot), (A::Dress, B::Cannot)],
        })
        .unwrap();
        assert_eq!(r.shows_disabled(), None);
        assert_eq!(r.missing()[0], RecordPart::Activities);
        assert_eq!(
            r.apply(&RecordUpdate::Activities {
                answers: vec![(A::Eat, B::Cannot), (A::Eat, B::CanDo)],
            }),
            Err(RecordRefusal::ActivityTwice)
        );
    }

    #[test]
    fn a_room_takes_only_its_own_hazards_and_a_retry_changes_nothing() {
        let mut r = AssessmentRecord::default();
        let bathroom = RecordUpdate::Room(RoomRecord {
            room: Room::Bathroom,
            hazards: vec![Hazard::SquatToilet, Hazard::NoGrabBar],
            note: Some("  地面有积水 ".into()),
        });
        r.apply(&bathroom).unwrap();
        let once = r.clone();
        r.apply(&bathroom).unwrap();
        assert_eq!(r, once);
        assert_eq!(r.rooms[0].hazards, [Hazard::NoGrabBar, Hazard::SquatToilet]);
        assert_eq!(r.rooms[0].note.as_deref(), Some("地面有积水"));
        let wrong = RecordUpdate::Room(RoomRecord {
            room: Room::Kitchen,
            hazards: vec![Hazard::SquatToilet],
            note: None,
        });
        assert_eq!(r.apply(&wrong), Err(RecordRefusal::HazardNotInRoom));
        // A room without hazards is a room looked at.
        r.apply(&RecordUpdate::Room(RoomRecord {
            room: Room::Kitchen,
            hazards: vec![],
            note: None,
        }))
        .unwrap();
        assert!(!r.missing().contains(&RecordPart::Room(Room::Kitchen)));
        assert!(r.missing().contains(&RecordPart::Room(Room::Entrance)));
    }

    #[test]
    fn the_record_is_complete_with_activities_every_room_and_the_wishes() {
        let mut r = AssessmentRecord::default();
        assert_eq!(r.missing().len(), 8);
        r.apply(&all(|_| B::CanDo)).unwrap();
        for room in Room::ALL {
            r.apply(&RecordUpdate::Room(RoomRecord {
                room,
                hazards: room.hazards()[..1].to_vec(),
                note: None,
            }))
            .unwrap();
        }
        assert_eq!(
            r.apply(&RecordUpdate::Wishes {
                wishes: "  ".into(),
                notes: None
            }),
            Err(RecordRefusal::WishesRequired)
        );
        assert_eq!(r.missing(), [RecordPart::Wishes]);
        r.apply(&RecordUpdate::Wishes {
            wishes: "想在卫生间装扶手".into(),
            notes: Some("字".repeat(RECORD_NOTE_MAX_CHARS)),
        })
        .unwrap();
        assert!(r.missing().is_empty());
        assert_eq!(
            r.apply(&RecordUpdate::Wishes {
                wishes: "无".into(),
                notes: Some("字".repeat(RECORD_NOTE_MAX_CHARS + 1)),
            }),
            Err(RecordRefusal::NoteTooLong)
        );
    }

    #[test]
    fn the_reviewer_is_told_when_the_record_and_the_claim_disagree_on_disability() {
        let mut record = AssessmentRecord::default();
        record
            .apply(&all(|a| if a == A::Eat { B::CanDo } else { B::Cannot }))
            .unwrap();
        let claimed = |n: Option<u8>, recognised: Option<bool>| EligibilityAnswers {
            activities_needing_help: n,
            already_recognised_disabled: recognised,
            ..Default::default()
        };
        // Said 2, recorded 5: the record shows 失能 the application did not claim.
        assert_eq!(
            disability_mismatch(Some(&claimed(Some(2), Some(false))), &record),
            Some(DisabilityMismatch {
                claimed: 2,
                recorded: 5
            })
        );
        // Said 6, recorded 5: both 失能, nothing to tell.
        assert_eq!(
            disability_mismatch(Some(&claimed(Some(6), Some(false))), &record),
            None
        );
        // Already recognised: no re-assessment, nothing to compare.
        assert_eq!(
            disability_mismatch(Some(&claimed(None, Some(true))), &record),
            None
        );
        // Claimed 4 (失能), recorded 0: the reverse.
        let mut able = AssessmentRecord::default();
        able.apply(&all(|_| B::CanDo)).unwrap();
        assert_eq!(
            disability_mismatch(Some(&claimed(Some(4), Some(false))), &able),
            Some(DisabilityMismatch {
                claimed: 4,
                recorded: 0
            })
        );
        // An 80-year-old never asked about activities (claimed none) and recorded able: fine.
        assert_eq!(disability_mismatch(Some(&claimed(None, None)), &able), None);
        // Activities not all recorded yet: nothing to say.
        assert_eq!(
            disability_mismatch(Some(&claimed(Some(2), None)), &AssessmentRecord::default()),
            None
        );
    }

    #[test]
    fn every_room_has_a_checklist_and_screens_round_trip_on_the_wire() {
        for room in Room::ALL {
            assert!(!room.hazards().is_empty(), "{room:?}");
        }
        let update = all(|_| B::NeedsHelp);
        let json = serde_json::to_string(&update).unwrap();
        assert!(json.contains(r#""screen":"activities""#), "{json}");
        assert_eq!(serde_json::from_str::<RecordUpdate>(&json).unwrap(), update);
        let room: RecordUpdate = serde_json::from_str(
            r#"{"screen":"room","room":"bathroom","hazards":["no_grab_bar"]}"#,
        )
        .unwrap();
        assert_eq!(
            room,
            RecordUpdate::Room(RoomRecord {
                room: Room::Bathroom,
                hazards: vec![Hazard::NoGrabBar],
                note: None
            })
        );
    }
}
