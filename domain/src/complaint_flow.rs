//! What a complaint action decides: the next state (from [`next_state`]), the action's
//! preconditions and the effects the server applies in one transaction. The server checks
//! access and loads the case; everything about the action itself is decided here, once.

use crate::category::CaseKind;
use crate::complaint::{
    next_state, Actor, CaseAction, CaseState, Rating, Refusal as StateRefusal, NOTE_MAX_CHARS,
};
use crate::deadline::TargetName;
use crate::refusal::{Refusal, RefusalKind};

/// What came with the action, as far as the rules care.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseInput<'a> {
    /// Trimmed; `None` when empty.
    pub note: Option<&'a str>,
    pub rating: Option<Rating>,
    /// Whether someone already has the case.
    pub has_assignee: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDecision {
    pub to: CaseState,
    /// Mark the case acknowledged, if it is not yet.
    pub acknowledge: bool,
    /// The person acting takes the case (nobody had it).
    pub take_case: bool,
    /// The clocks stop (waiting on the resident, paused) …
    pub open_pause: bool,
    /// … or run again.
    pub close_pause: bool,
    pub targets_met: Vec<TargetName>,
    /// Met before, open again (the resident says it is not solved).
    pub targets_unmet: Vec<TargetName>,
    /// The resident's rating, stored with the confirmation.
    pub rating: Option<Rating>,
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRefusal {
    NotYours,
    WrongState,
    NoteTooLong,
    NoteRequired,
    RatingRequired,
}

impl Refusal for CaseRefusal {
    fn kind(self) -> RefusalKind {
        match self {
            CaseRefusal::NotYours => RefusalKind::NotAllowed,
            CaseRefusal::WrongState => RefusalKind::WrongMoment,
            _ => RefusalKind::BadInput,
        }
    }

    fn field(self) -> &'static str {
        match self {
            CaseRefusal::NotYours | CaseRefusal::WrongState => "action",
            CaseRefusal::NoteTooLong | CaseRefusal::NoteRequired => "note",
            CaseRefusal::RatingRequired => "rating",
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            CaseRefusal::NotYours => ("您不能进行这个操作", "You cannot do this"),
            CaseRefusal::WrongState => (
                "案件当前状态不能进行这个操作，请刷新后查看",
                "This cannot be done in the case's current state; reload to see it",
            ),
            CaseRefusal::NoteTooLong => (
                "说明不能超过 1000 个字",
                "The note must be 1000 characters or fewer",
            ),
            CaseRefusal::NoteRequired => (
                "请写明原因或处理情况",
                "Add a note saying why or what was done",
            ),
            CaseRefusal::RatingRequired => (
                "请为三项分别打 1–5 分",
                "Rate each of the three from 1 to 5",
            ),
        }
    }
}

/// Actions that say something to the other side: they need a note.
fn needs_note(action: CaseAction) -> bool {
    use CaseAction as A;
    matches!(
        action,
        A::Pause | A::AskResident | A::Resolve | A::Comment | A::ResidentReply | A::NotSolved
    )
}

pub fn decide(
    state: CaseState,
    kind: CaseKind,
    action: CaseAction,
    actor: Actor,
    input: CaseInput<'_>,
) -> Result<CaseDecision, CaseRefusal> {
    use CaseAction as A;
    use TargetName as T;
    let to = next_state(state, action, actor, kind).map_err(|r| match r {
        StateRefusal::NotYours => CaseRefusal::NotYours,
        StateRefusal::WrongState => CaseRefusal::WrongState,
    })?;
    if input
        .note
        .is_some_and(|n| n.chars().count() > NOTE_MAX_CHARS)
    {
        return Err(CaseRefusal::NoteTooLong);
    }
    if input.note.is_none() && needs_note(action) {
        return Err(CaseRefusal::NoteRequired);
    }
    let rating = match action {
        A::Confirm => Some(
            input
                .rating
                .filter(Rating::is_valid)
                .ok_or(CaseRefusal::RatingRequired)?,
        ),
        _ => None,
    };
    let (targets_met, targets_unmet) = match action {
        A::Acknowledge => (vec![T::Acknowledge], vec![]),
        A::ArriveOnSite => (vec![T::OnSite], vec![]),
        A::Resolve => (vec![T::Resolve, T::Answer, T::OnSite], vec![]),
        A::NotSolved => (vec![], vec![T::Resolve, T::Answer]),
        _ => (vec![], vec![]),
    };
    Ok(CaseDecision {
        to,
        acknowledge: matches!(
            action,
            A::Acknowledge | A::Assign | A::ArriveOnSite | A::Resolve
        ),
        // Whoever acknowledges or goes on site without an assignee takes the case.
        take_case: matches!(action, A::Acknowledge | A::ArriveOnSite) && !input.has_assignee,
        open_pause: to.clock_stopped() && !state.clock_stopped(),
        close_pause: state.clock_stopped() && !to.clock_stopped(),
        targets_met,
        targets_unmet,
        rating,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseAction as A;
    use CaseState as S;
    use TargetName as T;

    const NOTE: CaseInput<'static> = CaseInput {
        note: Some("处理了"),
        rating: None,
        has_assignee: true,
    };

    fn staff(state: S, action: A) -> Result<CaseDecision, CaseRefusal> {
        decide(state, CaseKind::Complaint, action, Actor::Staff, NOTE)
    }

    /// state × action × actor → next state and effects, for every legal move staff make.
    #[test]
    fn the_staff_decision_table() {
        type Row = (S, A, S, bool, bool, bool, &'static [T], &'static [T]);
        // from, action, to, acknowledge, open pause, close pause, met, unmet
        let rows: &[Row] = &[
            (
                S::Submitted,
                A::Acknowledge,
                S::Acknowledged,
                true,
                false,
                false,
                &[T::Acknowledge],
                &[],
            ),
            (
                S::Submitted,
                A::Assign,
                S::Assigned,
                true,
                false,
                false,
                &[],
                &[],
            ),
            (
                S::Acknowledged,
                A::ArriveOnSite,
                S::OnSite,
                true,
                false,
                false,
                &[T::OnSite],
                &[],
            ),
            (
                S::Assigned,
                A::Pause,
                S::Paused,
                false,
                true,
                false,
                &[],
                &[],
            ),
            (
                S::Paused,
                A::Resume,
                S::Assigned,
                false,
                false,
                true,
                &[],
                &[],
            ),
            (
                S::OnSite,
                A::AskResident,
                S::WaitingForResident,
                false,
                true,
                false,
                &[],
                &[],
            ),
            (
                S::OnSite,
                A::Resolve,
                S::Resolved,
                true,
                false,
                false,
                &[T::Resolve, T::Answer, T::OnSite],
                &[],
            ),
            (
                S::Assigned,
                A::Comment,
                S::Assigned,
                false,
                false,
                false,
                &[],
                &[],
            ),
        ];
        for (from, action, to, ack, open, close, met, unmet) in rows {
            let d = staff(*from, *action).unwrap_or_else(|e| panic!("{from:?} {action:?}: {e:?}"));
            assert_eq!(d.to, *to, "{from:?} {action:?}");
            assert_eq!(
                (d.acknowledge, d.open_pause, d.close_pause),
                (*ack, *open, *close),
                "{from:?} {action:?}"
            );
            assert_eq!(d.targets_met, met.to_vec(), "{from:?} {action:?}");
            assert_eq!(d.targets_unmet, unmet.to_vec(), "{from:?} {action:?}");
        }
    }

    #[test]
    fn the_residents_decision_table() {
        let rating = Rating {
            speed: 5,
            result: 4,
            attitude: 5,
        };
        let confirm = decide(
            S::Resolved,
            CaseKind::Complaint,
            A::Confirm,
            Actor::Resident,
            CaseInput {
                rating: Some(rating),
                ..CaseInput::default()
            },
        )
        .unwrap();
        assert_eq!((confirm.to, confirm.rating), (S::Closed, Some(rating)));
        let reopened = decide(
            S::Resolved,
            CaseKind::Complaint,
            A::NotSolved,
            Actor::Resident,
            NOTE,
        )
        .unwrap();
        assert_eq!(reopened.to, S::Assigned);
        assert_eq!(reopened.targets_unmet, vec![T::Resolve, T::Answer]);
        let replied = decide(
            S::WaitingForResident,
            CaseKind::Complaint,
            A::ResidentReply,
            Actor::Resident,
            NOTE,
        )
        .unwrap();
        assert!(replied.close_pause && replied.to == S::Assigned);
    }

    #[test]
    fn preconditions_are_refused_with_the_field_they_concern() {
        let none = CaseInput {
            has_assignee: true,
            ..CaseInput::default()
        };
        let long = "很".repeat(NOTE_MAX_CHARS + 1);
        type Row<'a> = (S, A, Actor, CaseInput<'a>, CaseRefusal);
        let cases: &[Row] = &[
            (
                S::Assigned,
                A::Resolve,
                Actor::Staff,
                none,
                CaseRefusal::NoteRequired,
            ),
            (
                S::Assigned,
                A::Pause,
                Actor::Staff,
                none,
                CaseRefusal::NoteRequired,
            ),
            (
                S::Assigned,
                A::AskResident,
                Actor::Staff,
                none,
                CaseRefusal::NoteRequired,
            ),
            (
                S::Resolved,
                A::NotSolved,
                Actor::Resident,
                none,
                CaseRefusal::NoteRequired,
            ),
            (
                S::Resolved,
                A::Confirm,
                Actor::Resident,
                none,
                CaseRefusal::RatingRequired,
            ),
            (
                S::Resolved,
                A::Confirm,
                Actor::Resident,
                CaseInput {
                    rating: Some(Rating {
                        speed: 0,
                        result: 3,
                        attitude: 3,
                    }),
                    ..none
                },
                CaseRefusal::RatingRequired,
            ),
            (
                S::Assigned,
                A::Comment,
                Actor::Staff,
                CaseInput {
                    note: Some(&long),
                    ..none
                },
                CaseRefusal::NoteTooLong,
            ),
            (
                S::Submitted,
                A::Resolve,
                Actor::Resident,
                NOTE,
                CaseRefusal::NotYours,
            ),
            (
                S::Closed,
                A::Resolve,
                Actor::Staff,
                NOTE,
                CaseRefusal::WrongState,
            ),
        ];
        for (state, action, actor, input, refusal) in cases {
            assert_eq!(
                decide(*state, CaseKind::Complaint, *action, *actor, *input),
                Err(*refusal),
                "{state:?} {action:?} {actor:?}"
            );
        }
        assert_eq!(CaseRefusal::RatingRequired.field(), "rating");
        assert_eq!(CaseRefusal::NoteRequired.field(), "note");
    }

    #[test]
    fn whoever_acknowledges_an_unassigned_case_takes_it() {
        let free = CaseInput {
            has_assignee: false,
            ..NOTE
        };
        for (action, takes) in [(A::Acknowledge, true), (A::Comment, false)] {
            let d = decide(
                S::Submitted,
                CaseKind::Complaint,
                action,
                Actor::Staff,
                free,
            )
            .unwrap();
            assert_eq!(d.take_case, takes, "{action:?}");
        }
        assert!(!staff(S::Submitted, A::Acknowledge).unwrap().take_case);
        // Inquiries are answered, never visited.
        assert_eq!(
            decide(
                S::Acknowledged,
                CaseKind::Inquiry,
                A::ArriveOnSite,
                Actor::Staff,
                NOTE
            ),
            Err(CaseRefusal::WrongState)
        );
    }
}
