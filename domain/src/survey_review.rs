//! Reviewing a survey response: which responses are reviewed at all, and what a decision must
//! say. Decided here so the rule has one home and a table of tests.

use crate::refusal::{Refusal, RefusalKind};
use crate::survey_api::{Channel, ReviewState};

/// The longest review note.
pub const REVIEW_NOTE_MAX_CHARS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewRefusal {
    /// Residents' own answers are theirs; only door-to-door records are reviewed.
    NotReviewed,
    /// Anything but an approval says what the issue is.
    NoteRequired,
    NoteTooLong,
}

impl Refusal for ReviewRefusal {
    fn kind(self) -> RefusalKind {
        match self {
            ReviewRefusal::NotReviewed => RefusalKind::WrongMoment,
            _ => RefusalKind::BadInput,
        }
    }

    fn field(self) -> &'static str {
        match self {
            ReviewRefusal::NotReviewed => "review",
            ReviewRefusal::NoteRequired | ReviewRefusal::NoteTooLong => "note",
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            ReviewRefusal::NotReviewed => (
                "只审核上门调查的答卷",
                "Only door-to-door responses are reviewed",
            ),
            ReviewRefusal::NoteRequired => ("请写明问题或原因", "Say what the issue or reason is"),
            ReviewRefusal::NoteTooLong => ("说明不能超过 500 字", "500 characters at most"),
        }
    }
}

/// Whether `review` with `note` (trimmed, `None` when empty) may be recorded on a response
/// that came in through `channel`.
pub fn check_review(
    channel: Channel,
    review: ReviewState,
    note: Option<&str>,
) -> Result<(), ReviewRefusal> {
    if channel != Channel::DoorToDoor {
        return Err(ReviewRefusal::NotReviewed);
    }
    if review != ReviewState::Approved && note.is_none() {
        return Err(ReviewRefusal::NoteRequired);
    }
    if note.is_some_and(|n| n.chars().count() > REVIEW_NOTE_MAX_CHARS) {
        return Err(ReviewRefusal::NoteTooLong);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Channel::{DoorToDoor, Resident};
    use ReviewState::*;

    #[test]
    fn the_review_table() {
        let long = "字".repeat(REVIEW_NOTE_MAX_CHARS + 1);
        type Row<'a> = (
            Channel,
            ReviewState,
            Option<&'a str>,
            Result<(), ReviewRefusal>,
        );
        let rows: &[Row] = &[
            (DoorToDoor, Approved, None, Ok(())),
            (DoorToDoor, Approved, Some("核对无误"), Ok(())),
            (DoorToDoor, HasIssues, Some("门牌号不清"), Ok(())),
            (DoorToDoor, Rejected, Some("邻居代答"), Ok(())),
            (
                DoorToDoor,
                HasIssues,
                None,
                Err(ReviewRefusal::NoteRequired),
            ),
            (DoorToDoor, Rejected, None, Err(ReviewRefusal::NoteRequired)),
            (DoorToDoor, Pending, None, Err(ReviewRefusal::NoteRequired)),
            (
                DoorToDoor,
                Rejected,
                Some(&long),
                Err(ReviewRefusal::NoteTooLong),
            ),
            (Resident, Approved, None, Err(ReviewRefusal::NotReviewed)),
        ];
        for (channel, review, note, expected) in rows {
            assert_eq!(
                check_review(*channel, *review, *note),
                *expected,
                "{channel:?} {review:?} {note:?}"
            );
        }
    }
}
