//! What a change to a family link decides: invited → accepted (the family member proved the
//! number and sent the proof) → active (the elder, or the street office over the elder's
//! home, confirmed) → ended (either side, at any point before). Who the caller is to the link
//! and the SMS code are established on the server; the moments and the inputs are checked here.

use crate::application::{GuardianLinkState, Relationship};
use crate::refusal::{Refusal, RefusalKind};

impl GuardianLinkState {
    pub const ALL: [GuardianLinkState; 4] =
        [Self::Invited, Self::Accepted, Self::Active, Self::Ended];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Accepted => "accepted",
            Self::Active => "active",
            Self::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkAction {
    Accept,
    Confirm,
    End,
}

/// Who the caller is to this link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkActor {
    Elder,
    /// The person whose number was invited (not yet, or now, the guardian).
    FamilyMember,
    /// A street reviewer over the elder's home, for an elder who cannot use a phone.
    StreetOffice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    NotAllowed,
    /// Accepting an invitation that was already accepted, confirmed or ended.
    AlreadyHandled,
    /// Confirming a link the family member has not accepted, or one already confirmed.
    NotAwaitingConfirmation,
    AlreadyEnded,
    RelationshipRequired,
    /// An elder inviting their own number.
    OwnNumber,
}

impl Refusal for LinkRefusal {
    fn kind(self) -> RefusalKind {
        match self {
            Self::NotAllowed => RefusalKind::NotAllowed,
            Self::AlreadyHandled | Self::NotAwaitingConfirmation | Self::AlreadyEnded => {
                RefusalKind::WrongMoment
            }
            Self::RelationshipRequired | Self::OwnNumber => RefusalKind::BadInput,
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::NotAllowed | Self::NotAwaitingConfirmation | Self::AlreadyEnded => "link",
            Self::AlreadyHandled => "invitation",
            Self::RelationshipRequired => "relationship",
            Self::OwnNumber => "phone",
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::NotAllowed => ("您不能进行这个操作", "You cannot do this"),
            Self::AlreadyHandled => (
                "这个邀请已经处理过了",
                "This invitation has already been handled",
            ),
            Self::NotAwaitingConfirmation => (
                "只有家属已接受、等待确认的关系才能确认",
                "Only a link the family member accepted and that waits for confirmation can be confirmed",
            ),
            Self::AlreadyEnded => ("这个关系已经结束了", "This link has already ended"),
            Self::RelationshipRequired => (
                "请选择您和老人的关系",
                "Choose how you are related to the elder",
            ),
            Self::OwnNumber => (
                "请填写家属的手机号，不是您自己的",
                "Enter your family member's number, not your own",
            ),
        }
    }
}

/// An elder invites a family member's number (both already valid mobile numbers).
pub fn check_invite(own_phone: &str, invited_phone: &str) -> Result<(), LinkRefusal> {
    if own_phone == invited_phone {
        Err(LinkRefusal::OwnNumber)
    } else {
        Ok(())
    }
}

/// The link's next state, or why not. Accepting needs the relationship.
pub fn decide(
    state: GuardianLinkState,
    action: LinkAction,
    actor: LinkActor,
    relationship: Option<Relationship>,
) -> Result<GuardianLinkState, LinkRefusal> {
    use GuardianLinkState::*;
    use LinkActor::*;
    match action {
        LinkAction::Accept => {
            if actor != FamilyMember {
                return Err(LinkRefusal::NotAllowed);
            }
            if state != Invited {
                return Err(LinkRefusal::AlreadyHandled);
            }
            relationship.ok_or(LinkRefusal::RelationshipRequired)?;
            Ok(Accepted)
        }
        LinkAction::Confirm => {
            if actor == FamilyMember {
                return Err(LinkRefusal::NotAllowed);
            }
            if state != Accepted {
                return Err(LinkRefusal::NotAwaitingConfirmation);
            }
            Ok(Active)
        }
        LinkAction::End => {
            // The street office confirms for an elder who cannot use a phone; ending is the
            // family's own decision.
            if actor == StreetOffice {
                return Err(LinkRefusal::NotAllowed);
            }
            // The family member may step back only once they are part of the link.
            if actor == FamilyMember && state == Invited {
                return Err(LinkRefusal::NotAllowed);
            }
            if state == Ended {
                return Err(LinkRefusal::AlreadyEnded);
            }
            Ok(Ended)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GuardianLinkState::*;
    use LinkAction::*;
    use LinkActor::*;

    const REL: Option<Relationship> = Some(Relationship::Child);

    #[test]
    fn the_link_moves_invited_accepted_active_ended() {
        let table = [
            (Invited, Accept, FamilyMember, REL, Ok(Accepted)),
            (Accepted, Confirm, Elder, None, Ok(Active)),
            (Accepted, Confirm, StreetOffice, None, Ok(Active)),
            (Active, End, Elder, None, Ok(Ended)),
            (Active, End, FamilyMember, None, Ok(Ended)),
            (Accepted, End, FamilyMember, None, Ok(Ended)),
            // The elder withdraws an invitation nobody answered yet.
            (Invited, End, Elder, None, Ok(Ended)),
        ];
        for (state, action, actor, rel, want) in table {
            assert_eq!(
                decide(state, action, actor, rel),
                want,
                "{state:?} {action:?} by {actor:?}"
            );
        }
    }

    #[test]
    fn each_wrong_moment_has_its_own_refusal() {
        let table = [
            (
                Accepted,
                Accept,
                FamilyMember,
                REL,
                LinkRefusal::AlreadyHandled,
            ),
            (
                Active,
                Accept,
                FamilyMember,
                REL,
                LinkRefusal::AlreadyHandled,
            ),
            (
                Ended,
                Accept,
                FamilyMember,
                REL,
                LinkRefusal::AlreadyHandled,
            ),
            (
                Invited,
                Confirm,
                Elder,
                None,
                LinkRefusal::NotAwaitingConfirmation,
            ),
            (
                Active,
                Confirm,
                Elder,
                None,
                LinkRefusal::NotAwaitingConfirmation,
            ),
            (
                Ended,
                Confirm,
                StreetOffice,
                None,
                LinkRefusal::NotAwaitingConfirmation,
            ),
            (Ended, End, Elder, None, LinkRefusal::AlreadyEnded),
            (Ended, End, FamilyMember, None, LinkRefusal::AlreadyEnded),
        ];
        for (state, action, actor, rel, want) in table {
            assert_eq!(
                decide(state, action, actor, rel),
                Err(want),
                "{state:?} {action:?}"
            );
            assert_eq!(want.kind(), RefusalKind::WrongMoment);
        }
    }

    #[test]
    fn each_side_does_only_its_own_part() {
        let table = [
            (Invited, Accept, Elder),
            (Invited, Accept, StreetOffice),
            (Accepted, Confirm, FamilyMember),
            (Active, End, StreetOffice),
            (Invited, End, FamilyMember),
        ];
        for (state, action, actor) in table {
            assert_eq!(
                decide(state, action, actor, REL),
                Err(LinkRefusal::NotAllowed),
                "{state:?} {action:?} by {actor:?}"
            );
        }
    }

    #[test]
    fn accepting_names_the_relationship() {
        let refusal = decide(Invited, Accept, FamilyMember, None).unwrap_err();
        assert_eq!(refusal, LinkRefusal::RelationshipRequired);
        assert_eq!(refusal.field(), "relationship");
        assert_eq!(refusal.kind(), RefusalKind::BadInput);
    }

    #[test]
    fn an_elder_cannot_invite_their_own_number() {
        assert_eq!(
            check_invite("13800000001", "13800000001"),
            Err(LinkRefusal::OwnNumber)
        );
        assert_eq!(check_invite("13800000001", "13900000002"), Ok(()));
    }

    #[test]
    fn stored_words_round_trip() {
        for s in GuardianLinkState::ALL {
            assert_eq!(GuardianLinkState::try_from(s.as_str().to_owned()), Ok(s));
        }
        assert!(GuardianLinkState::try_from("maybe".to_owned()).is_err());
    }
}
