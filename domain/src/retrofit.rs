//! Home age-friendly retrofit applications (居家适老化改造): the whole case's state machine
//! (state × action × who → next state or a typed refusal), from the family's draft through
//! street review and county confirmation to the later stages (assessment, plan, signing,
//! construction, acceptance, settlement) that a later issue fills in.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RetrofitState {
    /// Being filled in by the family (or by the street office for an elder who came in).
    Draft,
    /// Waiting for the street office.
    Submitted,
    /// Sent back to the family with a checklist of what is missing.
    Returned,
    /// Approved by the street office: on the proposed list (拟改造实施对象名单).
    Proposed,
    /// Confirmed by the county, within its annual quota.
    Confirmed,
    Rejected,
    /// The family withdrew it.
    Withdrawn,
    /// Later stages (next issue): in-home assessment done, plan proposed and signed, works.
    Assessed,
    PlanProposed,
    PlanSigned,
    UnderConstruction,
    AwaitingAcceptance,
    /// Passed acceptance: the 2-year warranty runs from here.
    Accepted,
    Settled,
}

impl RetrofitState {
    pub const ALL: [RetrofitState; 14] = [
        Self::Draft,
        Self::Submitted,
        Self::Returned,
        Self::Proposed,
        Self::Confirmed,
        Self::Rejected,
        Self::Withdrawn,
        Self::Assessed,
        Self::PlanProposed,
        Self::PlanSigned,
        Self::UnderConstruction,
        Self::AwaitingAcceptance,
        Self::Accepted,
        Self::Settled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Proposed => "proposed",
            Self::Confirmed => "confirmed",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
            Self::Assessed => "assessed",
            Self::PlanProposed => "plan_proposed",
            Self::PlanSigned => "plan_signed",
            Self::UnderConstruction => "under_construction",
            Self::AwaitingAcceptance => "awaiting_acceptance",
            Self::Accepted => "accepted",
            Self::Settled => "settled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Still counts as the elder's application for the year (one open application per elder
    /// per year).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Rejected | Self::Withdrawn)
    }

    /// The family may change answers and documents.
    pub fn family_can_edit(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }

    /// Counts against the county's annual quota.
    pub fn uses_quota(self) -> bool {
        matches!(
            self,
            Self::Confirmed
                | Self::Assessed
                | Self::PlanProposed
                | Self::PlanSigned
                | Self::UnderConstruction
                | Self::AwaitingAcceptance
                | Self::Accepted
                | Self::Settled
        )
    }
}

/// Who acts on an application, relative to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetrofitActor {
    /// The elder, or a guardian linked to them, or the street reviewer who entered it at the
    /// office: whoever fills the application in.
    Applicant,
    StreetReviewer,
    CountyAdmin,
    Assessor,
    Contractor,
}

impl RetrofitActor {
    pub const ALL: [RetrofitActor; 5] = [
        Self::Applicant,
        Self::StreetReviewer,
        Self::CountyAdmin,
        Self::Assessor,
        Self::Contractor,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RetrofitAction {
    Submit,
    Withdraw,
    Approve,
    Return,
    Reject,
    Confirm,
    /// The county takes an entry off the proposed list (with a reason).
    Decline,
    RecordAssessment,
    ProposePlan,
    /// The family asks the assessor to change a proposed plan (with a note); the assessor
    /// drafts the next version.
    RequestPlanChanges,
    SignPlan,
    StartWorks,
    FinishWorks,
    Accept,
    /// The street office sends items back to the contractor at the acceptance visit.
    RequestRework,
    Settle,
}

impl RetrofitAction {
    pub const ALL: [RetrofitAction; 16] = [
        Self::Submit,
        Self::Withdraw,
        Self::Approve,
        Self::Return,
        Self::Reject,
        Self::Confirm,
        Self::Decline,
        Self::RecordAssessment,
        Self::ProposePlan,
        Self::RequestPlanChanges,
        Self::SignPlan,
        Self::StartWorks,
        Self::FinishWorks,
        Self::Accept,
        Self::RequestRework,
        Self::Settle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Withdraw => "withdraw",
            Self::Approve => "approve",
            Self::Return => "return",
            Self::Reject => "reject",
            Self::Confirm => "confirm",
            Self::Decline => "decline",
            Self::RecordAssessment => "record_assessment",
            Self::ProposePlan => "propose_plan",
            Self::RequestPlanChanges => "request_plan_changes",
            Self::SignPlan => "sign_plan",
            Self::StartWorks => "start_works",
            Self::FinishWorks => "finish_works",
            Self::Accept => "accept",
            Self::RequestRework => "request_rework",
            Self::Settle => "settle",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The one kind of actor who may take this action.
    pub fn actor(self) -> RetrofitActor {
        use RetrofitAction as A;
        match self {
            A::Submit | A::Withdraw | A::SignPlan | A::RequestPlanChanges => {
                RetrofitActor::Applicant
            }
            A::Approve | A::Return | A::Reject | A::Accept | A::RequestRework => {
                RetrofitActor::StreetReviewer
            }
            A::Confirm | A::Decline | A::Settle => RetrofitActor::CountyAdmin,
            A::RecordAssessment | A::ProposePlan => RetrofitActor::Assessor,
            A::StartWorks | A::FinishWorks => RetrofitActor::Contractor,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RetrofitRefusal {
    /// This kind of person may never do this.
    NotYours,
    /// Not from the application's current state.
    WrongState,
}

/// The state machine: 申请 → 审核 → 确认 → 评估 → 方案 → 签字 → 施工 → 验收 → 结算.
pub fn next_state(
    state: RetrofitState,
    action: RetrofitAction,
    actor: RetrofitActor,
) -> Result<RetrofitState, RetrofitRefusal> {
    use RetrofitAction as A;
    use RetrofitState as S;
    if action.actor() != actor {
        return Err(RetrofitRefusal::NotYours);
    }
    let next = match (action, state) {
        (A::Submit, S::Draft | S::Returned) => S::Submitted,
        (A::Withdraw, S::Draft | S::Submitted | S::Returned) => S::Withdrawn,
        (A::Approve, S::Submitted) => S::Proposed,
        (A::Return, S::Submitted) => S::Returned,
        (A::Reject, S::Submitted) => S::Rejected,
        (A::Confirm, S::Proposed) => S::Confirmed,
        (A::Decline, S::Proposed) => S::Rejected,
        (A::RecordAssessment, S::Confirmed) => S::Assessed,
        // A proposed plan is frozen: proposing again (after the family asked for changes, or
        // because the assessor corrected it before it was signed) makes the next version.
        (A::ProposePlan, S::Assessed | S::PlanProposed) => S::PlanProposed,
        (A::RequestPlanChanges, S::PlanProposed) => S::Assessed,
        (A::SignPlan, S::PlanProposed) => S::PlanSigned,
        (A::StartWorks, S::PlanSigned) => S::UnderConstruction,
        (A::FinishWorks, S::UnderConstruction) => S::AwaitingAcceptance,
        (A::Accept, S::AwaitingAcceptance) => S::Accepted,
        (A::RequestRework, S::AwaitingAcceptance) => S::UnderConstruction,
        (A::Settle, S::Accepted) => S::Settled,
        _ => return Err(RetrofitRefusal::WrongState),
    };
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use RetrofitAction as A;
    use RetrofitState as S;

    /// The only legal moves; everything else must be refused.
    const LEGAL: &[(S, A, S)] = &[
        (S::Draft, A::Submit, S::Submitted),
        (S::Returned, A::Submit, S::Submitted),
        (S::Draft, A::Withdraw, S::Withdrawn),
        (S::Submitted, A::Withdraw, S::Withdrawn),
        (S::Returned, A::Withdraw, S::Withdrawn),
        (S::Submitted, A::Approve, S::Proposed),
        (S::Submitted, A::Return, S::Returned),
        (S::Submitted, A::Reject, S::Rejected),
        (S::Proposed, A::Confirm, S::Confirmed),
        (S::Proposed, A::Decline, S::Rejected),
        (S::Confirmed, A::RecordAssessment, S::Assessed),
        (S::Assessed, A::ProposePlan, S::PlanProposed),
        (S::PlanProposed, A::ProposePlan, S::PlanProposed),
        (S::PlanProposed, A::RequestPlanChanges, S::Assessed),
        (S::PlanProposed, A::SignPlan, S::PlanSigned),
        (S::PlanSigned, A::StartWorks, S::UnderConstruction),
        (S::UnderConstruction, A::FinishWorks, S::AwaitingAcceptance),
        (S::AwaitingAcceptance, A::Accept, S::Accepted),
        (
            S::AwaitingAcceptance,
            A::RequestRework,
            S::UnderConstruction,
        ),
        (S::Accepted, A::Settle, S::Settled),
    ];

    #[test]
    fn every_state_action_and_actor_has_a_defined_answer() {
        for state in S::ALL {
            for action in A::ALL {
                for actor in RetrofitActor::ALL {
                    let got = next_state(state, action, actor);
                    let legal = LEGAL
                        .iter()
                        .find(|(s, a, _)| *s == state && *a == action)
                        .map(|(_, _, to)| *to);
                    let expected = if actor != action.actor() {
                        Err(RetrofitRefusal::NotYours)
                    } else {
                        legal.ok_or(RetrofitRefusal::WrongState)
                    };
                    assert_eq!(got, expected, "{state:?} × {action:?} × {actor:?}");
                }
            }
        }
    }

    #[test]
    fn only_the_family_signs_the_plan_and_only_the_county_confirms() {
        assert_eq!(
            next_state(S::PlanProposed, A::SignPlan, RetrofitActor::Contractor),
            Err(RetrofitRefusal::NotYours)
        );
        assert_eq!(
            next_state(S::Proposed, A::Confirm, RetrofitActor::StreetReviewer),
            Err(RetrofitRefusal::NotYours)
        );
    }

    #[test]
    fn final_states_close_the_year_slot_and_quota_counts_from_confirmation() {
        for s in S::ALL {
            assert_eq!(s.is_open(), !matches!(s, S::Rejected | S::Withdrawn));
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        assert!(!S::Proposed.uses_quota());
        assert!(S::Confirmed.uses_quota());
        assert!(S::Settled.uses_quota());
        for a in A::ALL {
            assert_eq!(A::parse(a.as_str()), Some(a));
        }
    }
}
