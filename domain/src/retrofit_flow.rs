//! What a retrofit action decides: the next state (from [`next_state`]), the action's
//! preconditions and the effects the server applies in one transaction (take a quota place,
//! record the return checklist, record the reason for a refusal). Checks that need the whole
//! application (`check_submit`) stay in [`crate::application`]; access and loading stay on the
//! server.

use crate::application::{RejectReason, ReturnItem, NOTE_MAX_CHARS};
use crate::refusal::{Refusal, RefusalKind};
use crate::retrofit::{next_state, RetrofitAction, RetrofitActor, RetrofitRefusal, RetrofitState};
use crate::retrofit_works::{missing_to_finish, missing_to_start, PhotoCounts, WorksRefusal};

#[derive(Debug, Clone, Copy, Default)]
pub struct ActionInput<'a> {
    /// Trimmed; `None` when empty.
    pub note: Option<&'a str>,
    pub checklist: &'a [ReturnItem],
    pub reason: Option<RejectReason>,
    /// The works photos held, for starting and finishing the works.
    pub works: Option<&'a PhotoCounts>,
    /// Both the household and the assigned company signed the construction contract.
    pub contract_signed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionDecision {
    pub to: RetrofitState,
    /// What the family must fix, stored with a return (empty otherwise).
    pub checklist: Vec<ReturnItem>,
    /// Why it was refused, stored with a rejection or a decline.
    pub reason: Option<RejectReason>,
    /// Confirmation takes one place of the county's quota for the year.
    pub take_quota: bool,
    /// Submission records the grounds the reviewer filters by.
    pub record_grounds: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionRefusal {
    NotYours,
    WrongState,
    NoteTooLong,
    /// A return must say what to fix.
    ChecklistRequired,
    /// A rejection or decline must say why, with a reason …
    ReasonRequired,
    /// … and in words the family will read.
    NoteRequired,
    /// Asking for changes to a plan says which.
    WhatToChangeRequired,
    /// Starting or finishing the works without the photos it needs.
    Works(WorksRefusal),
}

impl Refusal for ActionRefusal {
    fn kind(self) -> RefusalKind {
        match self {
            ActionRefusal::NotYours => RefusalKind::NotAllowed,
            ActionRefusal::WrongState => RefusalKind::WrongMoment,
            ActionRefusal::Works(w) => w.kind(),
            _ => RefusalKind::BadInput,
        }
    }

    fn field(self) -> &'static str {
        match self {
            ActionRefusal::NotYours | ActionRefusal::WrongState => "action",
            ActionRefusal::NoteTooLong
            | ActionRefusal::NoteRequired
            | ActionRefusal::WhatToChangeRequired => "note",
            ActionRefusal::ChecklistRequired => "checklist",
            ActionRefusal::ReasonRequired => "reason",
            ActionRefusal::Works(w) => w.field(),
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            ActionRefusal::NotYours => ("您不能进行这个操作", "You cannot do this"),
            ActionRefusal::WrongState => (
                "申请当前的状态不能进行这个操作，请刷新后查看",
                "This cannot be done in the application's current state; reload to see it",
            ),
            ActionRefusal::NoteTooLong => (
                "说明不能超过 1000 个字",
                "The note must be 1000 characters or fewer",
            ),
            ActionRefusal::ChecklistRequired => (
                "请勾选需要家属补充或修改的内容",
                "Tick what the family must add or correct",
            ),
            ActionRefusal::ReasonRequired => ("请选择不通过的原因", "Choose a reason"),
            ActionRefusal::NoteRequired => (
                "请写明原因，家属会看到这段话",
                "Explain the reason; the family will read it",
            ),
            ActionRefusal::WhatToChangeRequired => (
                "请写下您想改什么，评估人员会看到这段话",
                "Write what you would like changed; the assessor will read it",
            ),
            ActionRefusal::Works(w) => w.message(),
        }
    }
}

pub fn decide(
    state: RetrofitState,
    action: RetrofitAction,
    actor: RetrofitActor,
    input: ActionInput<'_>,
) -> Result<ActionDecision, ActionRefusal> {
    use RetrofitAction as A;
    let to = next_state(state, action, actor).map_err(|r| match r {
        RetrofitRefusal::NotYours => ActionRefusal::NotYours,
        RetrofitRefusal::WrongState => ActionRefusal::WrongState,
    })?;
    if input
        .note
        .is_some_and(|n| n.chars().count() > NOTE_MAX_CHARS)
    {
        return Err(ActionRefusal::NoteTooLong);
    }
    let refusing = matches!(action, A::Reject | A::Decline);
    if action == A::Return && input.checklist.is_empty() {
        return Err(ActionRefusal::ChecklistRequired);
    }
    if refusing && input.reason.is_none() {
        return Err(ActionRefusal::ReasonRequired);
    }
    if refusing && input.note.is_none() {
        return Err(ActionRefusal::NoteRequired);
    }
    if action == A::RequestPlanChanges && input.note.is_none() {
        return Err(ActionRefusal::WhatToChangeRequired);
    }
    // The contract comes first: photos of a home nobody has agreed to build in prove nothing.
    if action == A::StartWorks && !input.contract_signed {
        return Err(ActionRefusal::Works(WorksRefusal::ContractNotSigned));
    }
    let no_photos = PhotoCounts::default();
    let works = input.works.unwrap_or(&no_photos);
    // A plan always has lines: without the counts nothing is proven.
    let unproven = input.works.is_none();
    if action == A::StartWorks && (unproven || !missing_to_start(works).is_empty()) {
        return Err(ActionRefusal::Works(WorksRefusal::BeforePhotosMissing));
    }
    if action == A::FinishWorks && (unproven || !missing_to_finish(works).is_empty()) {
        return Err(ActionRefusal::Works(WorksRefusal::FinishPhotosMissing));
    }
    Ok(ActionDecision {
        to,
        checklist: if action == A::Return {
            input.checklist.to_vec()
        } else {
            Vec::new()
        },
        reason: input.reason.filter(|_| refusing),
        take_quota: action == A::Confirm,
        record_grounds: action == A::Submit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use RetrofitAction as A;
    use RetrofitActor as W;
    use RetrofitState as S;

    const REASON: Option<RejectReason> = Some(RejectReason::NotInCoveredGroup);

    fn with(
        note: Option<&'static str>,
        checklist: &'static [ReturnItem],
        reason: Option<RejectReason>,
    ) -> ActionInput<'static> {
        ActionInput {
            note,
            checklist,
            reason,
            ..ActionInput::default()
        }
    }

    /// The part-one moves with what each one records.
    #[test]
    fn the_decision_table() {
        let fix: &[ReturnItem] = &[ReturnItem::Home];
        // from, action, actor, input, to, checklist kept, reason kept, quota, grounds
        type Row = (S, A, W, ActionInput<'static>, S, bool, bool, bool, bool);
        let rows: &[Row] = &[
            (
                S::Draft,
                A::Submit,
                W::Applicant,
                with(None, &[], None),
                S::Submitted,
                false,
                false,
                false,
                true,
            ),
            (
                S::Submitted,
                A::Approve,
                W::StreetReviewer,
                with(None, fix, REASON),
                S::Proposed,
                false,
                false,
                false,
                false,
            ),
            (
                S::Submitted,
                A::Return,
                W::StreetReviewer,
                with(None, fix, None),
                S::Returned,
                true,
                false,
                false,
                false,
            ),
            (
                S::Submitted,
                A::Reject,
                W::StreetReviewer,
                with(Some("不符合"), &[], REASON),
                S::Rejected,
                false,
                true,
                false,
                false,
            ),
            (
                S::Proposed,
                A::Confirm,
                W::CountyAdmin,
                with(None, &[], None),
                S::Confirmed,
                false,
                false,
                true,
                false,
            ),
            (
                S::Proposed,
                A::Decline,
                W::CountyAdmin,
                with(Some("名额已满"), &[], REASON),
                S::Rejected,
                false,
                true,
                false,
                false,
            ),
            (
                S::Submitted,
                A::Withdraw,
                W::Applicant,
                with(None, &[], None),
                S::Withdrawn,
                false,
                false,
                false,
                false,
            ),
        ];
        for (from, action, actor, input, to, checklist, reason, quota, grounds) in rows {
            let d = decide(*from, *action, *actor, *input)
                .unwrap_or_else(|e| panic!("{from:?} {action:?}: {e:?}"));
            assert_eq!(d.to, *to, "{from:?} {action:?}");
            assert_eq!(!d.checklist.is_empty(), *checklist, "{action:?} checklist");
            assert_eq!(d.reason.is_some(), *reason, "{action:?} reason");
            assert_eq!(
                (d.take_quota, d.record_grounds),
                (*quota, *grounds),
                "{action:?}"
            );
        }
    }

    #[test]
    fn preconditions_are_refused_with_the_field_they_concern() {
        let long: &'static str = Box::leak("很".repeat(NOTE_MAX_CHARS + 1).into_boxed_str());
        type Row = (S, A, W, ActionInput<'static>, ActionRefusal, &'static str);
        let rows: &[Row] = &[
            (
                S::Submitted,
                A::Return,
                W::StreetReviewer,
                with(Some("请补充"), &[], None),
                ActionRefusal::ChecklistRequired,
                "checklist",
            ),
            (
                S::Submitted,
                A::Reject,
                W::StreetReviewer,
                with(Some("不符合"), &[], None),
                ActionRefusal::ReasonRequired,
                "reason",
            ),
            (
                S::Submitted,
                A::Reject,
                W::StreetReviewer,
                with(None, &[], REASON),
                ActionRefusal::NoteRequired,
                "note",
            ),
            (
                S::Proposed,
                A::Decline,
                W::CountyAdmin,
                with(None, &[], None),
                ActionRefusal::ReasonRequired,
                "reason",
            ),
            (
                S::Submitted,
                A::Approve,
                W::StreetReviewer,
                with(Some(long), &[], None),
                ActionRefusal::NoteTooLong,
                "note",
            ),
            (
                S::Submitted,
                A::Confirm,
                W::CountyAdmin,
                with(None, &[], None),
                ActionRefusal::WrongState,
                "action",
            ),
            (
                S::Proposed,
                A::Confirm,
                W::StreetReviewer,
                with(None, &[], None),
                ActionRefusal::NotYours,
                "action",
            ),
            (
                S::PlanProposed,
                A::RequestPlanChanges,
                W::Applicant,
                with(None, &[], None),
                ActionRefusal::WhatToChangeRequired,
                "note",
            ),
        ];
        for (from, action, actor, input, refusal, field) in rows {
            assert_eq!(
                decide(*from, *action, *actor, *input),
                Err(*refusal),
                "{from:?} {action:?}"
            );
            assert_eq!(refusal.field(), *field);
        }
    }

    #[test]
    fn the_works_start_and_finish_only_with_their_photos() {
        use crate::retrofit_works::{PhotoStage, WorksSlot};
        let item = |line, stage| WorksSlot::Item { line, stage };
        let photos = |slots: &[WorksSlot]| PhotoCounts::of(2, slots.iter().copied());
        let input = |works| ActionInput {
            works,
            contract_signed: true,
            ..ActionInput::default()
        };
        let none = photos(&[]);
        let before = photos(&[item(1, PhotoStage::Before), item(2, PhotoStage::Before)]);
        let all_but_site = photos(&[
            item(1, PhotoStage::Before),
            item(2, PhotoStage::Before),
            item(1, PhotoStage::After),
            item(2, PhotoStage::After),
        ]);
        let mut all = all_but_site.clone();
        all.cleared = 1;
        let start = |w| decide(S::PlanSigned, A::StartWorks, W::Contractor, input(w));
        let finish = |w| {
            decide(
                S::UnderConstruction,
                A::FinishWorks,
                W::Contractor,
                input(w),
            )
        };
        let before_missing = Err(ActionRefusal::Works(WorksRefusal::BeforePhotosMissing));
        let finish_missing = Err(ActionRefusal::Works(WorksRefusal::FinishPhotosMissing));
        assert_eq!(start(None), before_missing);
        assert_eq!(start(Some(&none)), before_missing);
        assert_eq!(start(Some(&before)).map(|d| d.to), Ok(S::UnderConstruction));
        assert_eq!(finish(None), finish_missing);
        assert_eq!(finish(Some(&before)), finish_missing);
        assert_eq!(finish(Some(&all_but_site)), finish_missing);
        assert_eq!(finish(Some(&all)).map(|d| d.to), Ok(S::AwaitingAcceptance));
        assert_eq!(
            ActionRefusal::Works(WorksRefusal::FinishPhotosMissing).field(),
            "photos"
        );
    }

    #[test]
    fn the_works_start_only_under_a_contract_both_sides_signed() {
        use crate::retrofit_works::{PhotoStage, WorksSlot};
        let before = PhotoCounts::of(
            1,
            [WorksSlot::Item {
                line: 1,
                stage: PhotoStage::Before,
            }],
        );
        let start = |contract_signed| {
            decide(
                S::PlanSigned,
                A::StartWorks,
                W::Contractor,
                ActionInput {
                    works: Some(&before),
                    contract_signed,
                    ..ActionInput::default()
                },
            )
        };
        let unsigned = ActionRefusal::Works(WorksRefusal::ContractNotSigned);
        assert_eq!(start(false), Err(unsigned));
        assert_eq!(start(true).map(|d| d.to), Ok(S::UnderConstruction));
        assert_eq!(unsigned.field(), "contract");
        // Finishing does not ask again: the contract was checked at the start.
        let mut all = PhotoCounts::of(1, []);
        all.items[0] = (1, 1);
        all.cleared = 1;
        let finish = decide(
            S::UnderConstruction,
            A::FinishWorks,
            W::Contractor,
            ActionInput {
                works: Some(&all),
                ..ActionInput::default()
            },
        );
        assert_eq!(finish.map(|d| d.to), Ok(S::AwaitingAcceptance));
    }
}
