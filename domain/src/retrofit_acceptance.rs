//! Per-household on-site acceptance (逐户实地竣工验收): the street office's reviewer checks
//! every item of the signed plan at the home and records for each one "passed" or "needs
//! rework" with a note, or "not carried out" (the family declined it on the day, the item did
//! not fit after all) with a note. No rework accepts the household (the warranty runs from
//! that day) and settles only the passed items; any rework sends the household back to the
//! contractor, who must photograph each reworked item again before finishing once more. Pure
//! rules shared by the app and the server.

use crate::refusal::{Refusal, RefusalKind};
use crate::retrofit::RetrofitAction;
use serde::{Deserialize, Serialize};

pub const REWORK_NOTE_MAX_CHARS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AcceptanceVerdict))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    Rework,
    /// Not carried out: accepted as absent, so never settled (虚报冒领 guard).
    NotDone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemVerdict {
    /// The signed plan's line, from 1.
    pub line: u16,
    pub verdict: Verdict,
    /// What is wrong, or why the item was not done (required for both; the contractor, the
    /// family and the county read it).
    #[serde(default)]
    pub note: String,
}

/// The reviewer's verdicts, one per item of the signed plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptanceRequest {
    pub items: Vec<ItemVerdict>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptanceRefusal {
    /// Every item needs exactly one verdict.
    VerdictMissing,
    UnknownItem,
    /// Sending an item back says what is wrong …
    NoteRequired,
    /// … briefly.
    NoteTooLong,
}

impl Refusal for AcceptanceRefusal {
    fn kind(self) -> RefusalKind {
        RefusalKind::BadInput
    }

    fn field(self) -> &'static str {
        match self {
            Self::VerdictMissing | Self::UnknownItem => "items",
            Self::NoteRequired | Self::NoteTooLong => "note",
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::VerdictMissing => (
                "请对每一项都选择“合格”或“需要返工”",
                "Choose \"passed\" or \"needs rework\" for every item",
            ),
            Self::UnknownItem => ("改造方案里没有这一项", "The signed plan has no such item"),
            Self::NoteRequired => (
                "需要返工或未实施的项目请写明原因，施工单位和家属会看到",
                "Say why for each item sent back or not carried out; the builder and the family read it",
            ),
            Self::NoteTooLong => (
                "每项说明不能超过 500 个字",
                "Each note must be 500 characters or fewer",
            ),
        }
    }
}

/// What the verdicts decide: accept the household, or send these lines back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptanceDecision {
    pub action: RetrofitAction,
    /// The lines sent back, in order (empty when accepted).
    pub rework: Vec<u16>,
    /// The verdicts in the plan's order, notes trimmed.
    pub items: Vec<ItemVerdict>,
}

/// Check the verdicts against a plan of `lines` items.
pub fn decide_acceptance(
    lines: usize,
    verdicts: &[ItemVerdict],
) -> Result<AcceptanceDecision, AcceptanceRefusal> {
    let mut items: Vec<Option<ItemVerdict>> = vec![None; lines];
    for v in verdicts {
        let slot = usize::from(v.line)
            .checked_sub(1)
            .and_then(|i| items.get_mut(i))
            .ok_or(AcceptanceRefusal::UnknownItem)?;
        if slot.is_some() {
            return Err(AcceptanceRefusal::VerdictMissing);
        }
        let note = v.note.trim().to_owned();
        if note.chars().count() > REWORK_NOTE_MAX_CHARS {
            return Err(AcceptanceRefusal::NoteTooLong);
        }
        if v.verdict != Verdict::Passed && note.is_empty() {
            return Err(AcceptanceRefusal::NoteRequired);
        }
        *slot = Some(ItemVerdict {
            line: v.line,
            verdict: v.verdict,
            note,
        });
    }
    let items: Vec<ItemVerdict> = items
        .into_iter()
        .collect::<Option<_>>()
        .ok_or(AcceptanceRefusal::VerdictMissing)?;
    if items.is_empty() {
        return Err(AcceptanceRefusal::VerdictMissing);
    }
    let rework: Vec<u16> = items
        .iter()
        .filter(|i| i.verdict == Verdict::Rework)
        .map(|i| i.line)
        .collect();
    Ok(AcceptanceDecision {
        action: if rework.is_empty() {
            RetrofitAction::Accept
        } else {
            RetrofitAction::RequestRework
        },
        rework,
        items,
    })
}

/// The family's word on the accepting visit: they agree, or they raise a problem (which the
/// street office reads and follows up; the acceptance stands until it acts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyResponse {
    pub agrees: bool,
    /// What is wrong (required when raising a problem).
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyResponseView {
    pub agrees: bool,
    pub note: String,
    pub at: i64,
}

/// The supervision report (监理报告) of the works: an optional document the street office or
/// the county adds once the works are finished, for the acceptance and the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisionReportView {
    pub url: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_at: i64,
}

/// The report comes with the finished works: from the wait for acceptance on, and still
/// after it (it often arrives later than the visit).
pub fn may_file_supervision_report(state: crate::retrofit::RetrofitState) -> bool {
    use crate::retrofit::RetrofitState as S;
    matches!(state, S::AwaitingAcceptance | S::Accepted | S::Settled)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseRefusal {
    ProblemUnsaid,
    NoteTooLong,
    /// Already answered (the database's key).
    AlreadyAnswered,
}

impl Refusal for ResponseRefusal {
    fn kind(self) -> RefusalKind {
        match self {
            Self::AlreadyAnswered => RefusalKind::WrongMoment,
            _ => RefusalKind::BadInput,
        }
    }

    fn field(self) -> &'static str {
        "note"
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::ProblemUnsaid => (
                "请写下有什么问题，街道会联系您",
                "Say what the problem is; the street office will contact you",
            ),
            Self::NoteTooLong => (
                "说明不能超过 500 个字",
                "The note must be 500 characters or fewer",
            ),
            Self::AlreadyAnswered => (
                "您已经回复过这次验收",
                "You have already answered this acceptance",
            ),
        }
    }
}

/// The response as stored: the note trimmed, and said when raising a problem.
pub fn check_response(r: &FamilyResponse) -> Result<FamilyResponse, ResponseRefusal> {
    let note = r.note.trim().to_owned();
    if note.chars().count() > REWORK_NOTE_MAX_CHARS {
        return Err(ResponseRefusal::NoteTooLong);
    }
    if !r.agrees && note.is_empty() {
        return Err(ResponseRefusal::ProblemUnsaid);
    }
    Ok(FamilyResponse {
        agrees: r.agrees,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::{Passed, Rework};

    fn v(line: u16, verdict: Verdict, note: &str) -> ItemVerdict {
        ItemVerdict {
            line,
            verdict,
            note: note.into(),
        }
    }

    #[test]
    fn all_passed_accepts_and_any_rework_sends_those_lines_back() {
        let all = decide_acceptance(2, &[v(2, Passed, ""), v(1, Passed, " ")]).unwrap();
        assert_eq!(all.action, RetrofitAction::Accept);
        assert!(all.rework.is_empty());
        assert_eq!(all.items[0].line, 1, "in the plan's order");
        let one = decide_acceptance(2, &[v(1, Passed, ""), v(2, Rework, " 扶手松动 ")]).unwrap();
        assert_eq!(one.action, RetrofitAction::RequestRework);
        assert_eq!(one.rework, vec![2]);
        assert_eq!(one.items[1].note, "扶手松动");
        let declined =
            decide_acceptance(2, &[v(1, Passed, ""), v(2, Verdict::NotDone, "家属不要")]).unwrap();
        assert_eq!(
            declined.action,
            RetrofitAction::Accept,
            "an item not carried out does not hold the household back"
        );
        assert!(declined.rework.is_empty());
    }

    #[test]
    fn a_family_agrees_or_says_what_is_wrong() {
        let r = |agrees, note: &str| FamilyResponse {
            agrees,
            note: note.into(),
        };
        assert_eq!(check_response(&r(true, " ")).unwrap().note, "");
        assert_eq!(
            check_response(&r(false, "  ")),
            Err(ResponseRefusal::ProblemUnsaid)
        );
        assert_eq!(
            check_response(&r(false, " 扶手有点松 ")).unwrap().note,
            "扶手有点松"
        );
        let long = "很".repeat(REWORK_NOTE_MAX_CHARS + 1);
        assert_eq!(
            check_response(&r(true, &long)),
            Err(ResponseRefusal::NoteTooLong)
        );
    }

    #[test]
    fn every_item_once_and_rework_says_why() {
        use AcceptanceRefusal as R;
        let long = "很".repeat(REWORK_NOTE_MAX_CHARS + 1);
        let rows: Vec<(Vec<ItemVerdict>, R, &str)> = vec![
            (vec![v(1, Passed, "")], R::VerdictMissing, "items"),
            (
                vec![v(1, Passed, ""), v(1, Passed, ""), v(2, Passed, "")],
                R::VerdictMissing,
                "items",
            ),
            (
                vec![v(1, Passed, ""), v(2, Passed, ""), v(3, Passed, "")],
                R::UnknownItem,
                "items",
            ),
            (
                vec![v(0, Passed, ""), v(2, Passed, "")],
                R::UnknownItem,
                "items",
            ),
            (
                vec![v(1, Passed, ""), v(2, Rework, "  ")],
                R::NoteRequired,
                "note",
            ),
            (
                vec![v(1, Passed, ""), v(2, Verdict::NotDone, "")],
                R::NoteRequired,
                "note",
            ),
            (
                vec![v(1, Passed, ""), v(2, Rework, &long)],
                R::NoteTooLong,
                "note",
            ),
        ];
        for (verdicts, refusal, field) in rows {
            assert_eq!(
                decide_acceptance(2, &verdicts),
                Err(refusal),
                "{verdicts:?}"
            );
            assert_eq!(refusal.field(), field);
        }
        assert_eq!(decide_acceptance(0, &[]), Err(R::VerdictMissing));
    }

    #[test]
    fn the_supervision_report_comes_with_the_finished_works() {
        use crate::retrofit::RetrofitState as S;
        for (state, may) in [
            (S::PlanSigned, false),
            (S::UnderConstruction, false),
            (S::AwaitingAcceptance, true),
            (S::Accepted, true),
            (S::Settled, true),
        ] {
            assert_eq!(may_file_supervision_report(state), may, "{state:?}");
        }
    }
}
