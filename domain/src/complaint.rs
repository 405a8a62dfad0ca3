//! Complaint and inquiry cases: the state machine (state × action × who → next state or a
//! typed refusal) and the request/response types of the API.

use crate::category::CaseKind;
use crate::deadline::TargetName;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Filed; nobody has looked at it yet.
    Submitted,
    /// Staff have seen it; deadlines are now promised to the resident.
    Acknowledged,
    /// A named staff member is handling it.
    Assigned,
    OnSite,
    /// Waiting (e.g. nobody home): the clocks are stopped.
    Paused,
    /// Staff need something from the resident; the clocks are stopped.
    WaitingForResident,
    /// Staff say it is done; the resident may confirm or say it is not solved.
    Resolved,
    /// The resident confirmed (and rated). Final.
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 8] = [
        Self::Submitted,
        Self::Acknowledged,
        Self::Assigned,
        Self::OnSite,
        Self::Paused,
        Self::WaitingForResident,
        Self::Resolved,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Acknowledged => "acknowledged",
            Self::Assigned => "assigned",
            Self::OnSite => "on_site",
            Self::Paused => "paused",
            Self::WaitingForResident => "waiting_for_resident",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The clocks stop while the case waits on something outside staff's control.
    pub fn clock_stopped(self) -> bool {
        matches!(self, Self::Paused | Self::WaitingForResident)
    }

    /// Handled from staff's side: no deadline can be breached any more.
    pub fn is_handled(self) -> bool {
        matches!(self, Self::Resolved | Self::Closed)
    }
}

/// Who is acting on a case, relative to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The resident the case is about.
    Resident,
    /// Staff with the case in their jurisdiction.
    Staff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    Acknowledge,
    Assign,
    ArriveOnSite,
    Pause,
    Resume,
    AskResident,
    /// The resident answers staff's question, or adds a comment or photo.
    ResidentReply,
    Comment,
    Resolve,
    /// The resident confirms the fix and rates it.
    Confirm,
    /// The resident says it is not solved: the case reopens.
    NotSolved,
}

impl CaseAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Acknowledge => "acknowledge",
            Self::Assign => "assign",
            Self::ArriveOnSite => "arrive_on_site",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::AskResident => "ask_resident",
            Self::ResidentReply => "resident_reply",
            Self::Comment => "comment",
            Self::Resolve => "resolve",
            Self::Confirm => "confirm",
            Self::NotSolved => "not_solved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        use CaseAction::*;
        [
            Acknowledge,
            Assign,
            ArriveOnSite,
            Pause,
            Resume,
            AskResident,
            ResidentReply,
            Comment,
            Resolve,
            Confirm,
            NotSolved,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This kind of person may never do this.
    NotYours,
    /// Not from the case's current state.
    WrongState,
}

/// The state machine. `Comment` never changes the state; everything else follows the flow
/// acknowledge → assign → on site → resolve → confirm, with pause/ask-resident detours.
pub fn next_state(
    state: CaseState,
    action: CaseAction,
    actor: Actor,
    kind: CaseKind,
) -> Result<CaseState, Refusal> {
    use CaseAction as A;
    use CaseState as S;
    let staff_only = matches!(
        action,
        A::Acknowledge
            | A::Assign
            | A::ArriveOnSite
            | A::Pause
            | A::Resume
            | A::AskResident
            | A::Resolve
    );
    let resident_only = matches!(action, A::ResidentReply | A::Confirm | A::NotSolved);
    if (staff_only && actor != Actor::Staff) || (resident_only && actor != Actor::Resident) {
        return Err(Refusal::NotYours);
    }
    let next = match (action, state) {
        (A::Comment, s) if s != S::Closed => s,
        (A::Acknowledge, S::Submitted) => S::Acknowledged,
        (A::Assign, S::Submitted | S::Acknowledged | S::Assigned) => S::Assigned,
        // Inquiries are answered, not visited.
        (A::ArriveOnSite, S::Acknowledged | S::Assigned) if kind == CaseKind::Complaint => {
            S::OnSite
        }
        (A::Pause, S::Acknowledged | S::Assigned | S::OnSite) => S::Paused,
        (A::Resume, S::Paused) => S::Assigned,
        (A::AskResident, S::Acknowledged | S::Assigned | S::OnSite) => S::WaitingForResident,
        (A::ResidentReply, S::WaitingForResident) => S::Assigned,
        (A::ResidentReply, s) if !s.is_handled() => s,
        (A::Resolve, S::Acknowledged | S::Assigned | S::OnSite) => S::Resolved,
        (A::Confirm, S::Resolved) => S::Closed,
        (A::NotSolved, S::Resolved) => S::Assigned,
        _ => return Err(Refusal::WrongState),
    };
    Ok(next)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CaseChannel))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    App,
    Phone,
    WalkIn,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Phone => "phone",
            Self::WalkIn => "walk_in",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::App, Self::Phone, Self::WalkIn]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

pub const DESCRIPTION_MAX_CHARS: usize = 1000;
pub const PLACE_MAX_CHARS: usize = 100;
pub const NOTE_MAX_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateCaseRequest {
    /// Chosen by the client once per submission; a retry with the same key returns the case
    /// already created instead of a second one.
    pub client_key: String,
    pub category: String,
    pub description: String,
    /// `None`: in the resident's own home. `Some(place)`: a public place in the community.
    #[serde(default)]
    pub public_place: Option<String>,
    #[serde(default)]
    pub contact_time: Option<String>,
    /// Staff filing for a resident who phoned or walked in: the resident's mobile number.
    #[serde(default)]
    pub on_behalf_of_phone: Option<String>,
    #[serde(default)]
    pub channel: Option<Channel>,
}

/// Checks the free text of a new case; `(field, zh, en)` per problem.
pub fn check_case_text(req: &CreateCaseRequest) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut problems = Vec::new();
    let description = req.description.trim();
    if description.is_empty() {
        problems.push((
            "description",
            "请说一说遇到了什么问题",
            "Describe the problem",
        ));
    } else if description.chars().count() > DESCRIPTION_MAX_CHARS {
        problems.push((
            "description",
            "描述不能超过 1000 个字",
            "The description must be 1000 characters or fewer",
        ));
    }
    if let Some(place) = &req.public_place {
        let place = place.trim();
        if place.is_empty() {
            problems.push((
                "public_place",
                "请写明是小区里的哪个地方",
                "Say where in the community",
            ));
        } else if place.chars().count() > PLACE_MAX_CHARS {
            problems.push((
                "public_place",
                "地点不能超过 100 个字",
                "The place must be 100 characters or fewer",
            ));
        }
    }
    if req
        .contact_time
        .as_deref()
        .is_some_and(|t| t.chars().count() > PLACE_MAX_CHARS)
    {
        problems.push((
            "contact_time",
            "联系时间不能超过 100 个字",
            "Contact time must be 100 characters or fewer",
        ));
    }
    let key = req.client_key.trim();
    if key.is_empty() || key.len() > 64 {
        problems.push((
            "client_key",
            "提交编号无效，请刷新页面后重试",
            "Invalid submission key; reload and try again",
        ));
    }
    problems
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseActionRequest {
    pub action: CaseAction,
    #[serde(default)]
    pub note: Option<String>,
    /// For `assign`: the staff account; defaults to the caller.
    #[serde(default)]
    pub assignee_id: Option<i64>,
    /// For `confirm`: 1–5 each.
    #[serde(default)]
    pub rating: Option<Rating>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    pub speed: u8,
    pub result: u8,
    pub attitude: u8,
}

impl Rating {
    pub fn is_valid(&self) -> bool {
        [self.speed, self.result, self.attitude]
            .iter()
            .all(|v| (1..=5).contains(v))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueView {
    pub target: TargetName,
    /// RFC3339 in +08:00; absent before staff acknowledged the case or while its clock stops.
    pub due_at: Option<String>,
    pub met: bool,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseEventView {
    pub at: String,
    pub action: String,
    pub state: CaseState,
    pub by_staff: bool,
    pub actor_name: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub id: i64,
    pub reference: String,
    pub kind: CaseKind,
    pub category: String,
    pub category_name: String,
    pub category_name_en: String,
    pub state: CaseState,
    pub description: String,
    pub public_place: Option<String>,
    pub contact_time: Option<String>,
    pub channel: Channel,
    pub resident_name: String,
    pub community: String,
    pub created_at: String,
    pub assignee_name: Option<String>,
    pub due: Vec<DueView>,
    pub rating: Option<Rating>,
    /// Marked major (重大) by staff: always called back.
    #[serde(default)]
    pub major: bool,
    pub timeline: Vec<CaseEventView>,
    #[serde(default)]
    pub photos: Vec<PhotoView>,
    /// Staff only: where the resident lives (楼栋 单元 门牌), so a repair at home can be found.
    #[serde(default)]
    pub resident_home: Option<String>,
    /// Staff only: the resident's number, masked; the full one comes from the recorded
    /// `POST /api/cases/{id}/resident-phone`.
    #[serde(default)]
    pub resident_phone_masked: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CasePhotoStage))]
#[serde(rename_all = "snake_case")]
pub enum PhotoStage {
    /// What is wrong, from the resident (or staff filing for them).
    Report,
    /// The finished work, from staff.
    After,
}

impl PhotoStage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::After => "after",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoView {
    pub id: i64,
    pub stage: PhotoStage,
    /// Same-origin URL; only people who may see the case may fetch it.
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// Photos per case and stage.
pub const MAX_PHOTOS_PER_STAGE: usize = 6;

/// A case in a list: what its card shows, built from one query per page (the timeline, the
/// photos and every target's clock are on the case's own endpoint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    pub id: i64,
    pub reference: String,
    pub kind: CaseKind,
    pub category: String,
    pub category_name: String,
    pub category_name_en: String,
    pub state: CaseState,
    pub community: String,
    /// Who filed it: in staff lists only (empty in a resident's own list).
    pub resident_name: String,
    pub created_at: String,
    /// The earliest deadline still running; shown to residents only once staff acknowledged.
    pub due_at: Option<String>,
    pub overdue: bool,
    pub major: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePage {
    pub items: Vec<CaseSummary>,
    /// Pass as `after` for the next page.
    pub next_after: Option<String>,
}

/// The staff queue's page key: `<due time>:<case id>` of the last case shown (key paging in
/// time-left order).
pub fn queue_key(due_at: i64, id: i64) -> String {
    format!("{due_at}:{id}")
}

/// A queue page key as sent back by the client; `None` for anything else.
pub fn parse_queue_key(key: &str) -> Option<(i64, i64)> {
    let (due, id) = key.split_once(':')?;
    Some((due.parse().ok()?, id.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseAction as A;
    use CaseState as S;

    #[test]
    fn the_happy_path_of_a_complaint() {
        let k = CaseKind::Complaint;
        let steps = [
            (S::Submitted, A::Acknowledge, Actor::Staff, S::Acknowledged),
            (S::Acknowledged, A::Assign, Actor::Staff, S::Assigned),
            (S::Assigned, A::ArriveOnSite, Actor::Staff, S::OnSite),
            (S::OnSite, A::Resolve, Actor::Staff, S::Resolved),
            (S::Resolved, A::Confirm, Actor::Resident, S::Closed),
        ];
        for (from, action, actor, to) in steps {
            assert_eq!(
                next_state(from, action, actor, k),
                Ok(to),
                "{from:?} {action:?}"
            );
        }
    }

    #[test]
    fn detours_pause_ask_and_reopen() {
        let k = CaseKind::Complaint;
        assert_eq!(
            next_state(S::Assigned, A::Pause, Actor::Staff, k),
            Ok(S::Paused)
        );
        assert_eq!(
            next_state(S::Paused, A::Resume, Actor::Staff, k),
            Ok(S::Assigned)
        );
        assert_eq!(
            next_state(S::OnSite, A::AskResident, Actor::Staff, k),
            Ok(S::WaitingForResident)
        );
        assert_eq!(
            next_state(S::WaitingForResident, A::ResidentReply, Actor::Resident, k),
            Ok(S::Assigned)
        );
        assert_eq!(
            next_state(S::Resolved, A::NotSolved, Actor::Resident, k),
            Ok(S::Assigned)
        );
        assert_eq!(
            next_state(S::Assigned, A::Comment, Actor::Resident, k),
            Ok(S::Assigned)
        );
        assert_eq!(
            next_state(S::Submitted, A::ResidentReply, Actor::Resident, k),
            Ok(S::Submitted)
        );
    }

    #[test]
    fn refusals_say_why() {
        let k = CaseKind::Complaint;
        assert_eq!(
            next_state(S::Submitted, A::Resolve, Actor::Resident, k),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            next_state(S::Resolved, A::Confirm, Actor::Staff, k),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            next_state(S::Submitted, A::Confirm, Actor::Resident, k),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            next_state(S::Closed, A::Comment, Actor::Staff, k),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            next_state(S::Closed, A::NotSolved, Actor::Resident, k),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            next_state(S::Paused, A::Resolve, Actor::Staff, k),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            next_state(
                S::Assigned,
                A::ArriveOnSite,
                Actor::Staff,
                CaseKind::Inquiry
            ),
            Err(Refusal::WrongState)
        );
    }

    #[test]
    fn closed_is_final_for_every_action_and_actor() {
        use CaseAction::*;
        for action in [
            Acknowledge,
            Assign,
            ArriveOnSite,
            Pause,
            Resume,
            AskResident,
            ResidentReply,
            Comment,
            Resolve,
            Confirm,
            NotSolved,
        ] {
            for actor in [Actor::Staff, Actor::Resident] {
                assert!(next_state(S::Closed, action, actor, CaseKind::Complaint).is_err());
            }
            assert_eq!(CaseAction::parse(action.as_str()), Some(action));
        }
        for s in CaseState::ALL {
            assert_eq!(CaseState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn case_text_rules() {
        let req = |d: &str, place: Option<&str>, key: &str| CreateCaseRequest {
            client_key: key.into(),
            category: "home-repair".into(),
            description: d.into(),
            public_place: place.map(Into::into),
            contact_time: None,
            on_behalf_of_phone: None,
            channel: None,
        };
        assert!(check_case_text(&req("水管漏水", None, "k1")).is_empty());
        assert_eq!(check_case_text(&req(" ", None, "k1"))[0].0, "description");
        assert_eq!(
            check_case_text(&req(&"漏".repeat(1001), None, "k1"))[0].0,
            "description"
        );
        assert_eq!(
            check_case_text(&req("灯坏了", Some(""), "k1"))[0].0,
            "public_place"
        );
        assert_eq!(check_case_text(&req("灯坏了", None, ""))[0].0, "client_key");
        assert!(Rating {
            speed: 5,
            result: 1,
            attitude: 3
        }
        .is_valid());
        assert!(!Rating {
            speed: 0,
            result: 1,
            attitude: 3
        }
        .is_valid());
        assert!(!Rating {
            speed: 6,
            result: 1,
            attitude: 3
        }
        .is_valid());
    }
}
