//! Request and response types of the survey API. Dates travel as `YYYY-MM-DD` text and are
//! read with [`crate::survey::parse_day`], which keeps chrono's parser out of the app.

use crate::survey::{Answers, SurveyDefinition, Verdict};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveSurveyRequest {
    pub definition: SurveyDefinition,
    pub community_ids: Vec<i64>,
    pub opens_on: String,
    pub closes_on: String,
    /// Percent; 90 when not given.
    #[serde(default)]
    pub target_percent: Option<u32>,
    /// The fewest counted answers a community's month needs for a verdict; 30 when not given.
    #[serde(default)]
    pub min_sample: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SurveyStatus {
    Draft,
    /// Published and between its open and close dates.
    Open,
    /// Published, not open yet.
    Scheduled,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyView {
    pub id: i64,
    /// The version people answer now (the newest published one), or the draft for staff.
    pub version: i64,
    pub status: SurveyStatus,
    pub definition: SurveyDefinition,
    pub communities: Vec<CommunityRef>,
    pub opens_on: String,
    pub closes_on: String,
    pub target_percent: u32,
    #[serde(default)]
    pub min_sample: u32,
    /// A draft newer than the published version, for staff editing it.
    pub has_draft: bool,
    /// For a resident: their household's answers to this version, if any.
    pub my_answers: Option<Answers>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveySummary {
    pub id: i64,
    pub title: String,
    pub status: SurveyStatus,
    pub opens_on: String,
    pub closes_on: String,
    /// For a resident: whether their household has answered the current version.
    pub answered: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerRequest {
    /// One per response on the device: a retried send never counts twice.
    pub client_key: String,
    pub version: i64,
    pub answers: Answers,
}

/// A household's answers recorded by a collector at the door (maybe offline, sent later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectRequest {
    pub client_key: String,
    pub version: i64,
    pub building_id: i64,
    pub unit: String,
    pub room: String,
    pub answers: Answers,
    /// When the collector recorded it on the device (Unix seconds).
    pub collected_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SurveyChannel))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Resident,
    DoorToDoor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Not reviewed yet. A door-to-door (or flagged) response does not count until a reviewer
    /// approves it or marks it with issues; a resident's own answer counts as it is.
    Pending,
    Approved,
    HasIssues,
    /// Does not count.
    Rejected,
}

impl ReviewState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::HasIssues => "has_issues",
            Self::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Approved,
            Self::HasIssues,
            Self::Rejected,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseView {
    pub id: i64,
    pub version: i64,
    pub community: CommunityRef,
    /// `1号楼 2单元 301`.
    pub household: String,
    pub channel: Channel,
    pub collector: Option<String>,
    pub collected_at: i64,
    pub review: ReviewState,
    pub review_note: Option<String>,
    /// A second record of a household already answered: waits for review, not counted.
    pub flagged: bool,
    pub satisfied: Option<bool>,
    pub answers: Answers,
    /// Every review decision, oldest first (the latest is `review`).
    #[serde(default)]
    pub review_history: Vec<ReviewEntry>,
}

/// One review decision on a response: kept, never overwritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewEntry {
    pub review: ReviewState,
    pub note: Option<String>,
    pub reviewer: String,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewRequest {
    pub review: ReviewState,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityResult {
    pub community: CommunityRef,
    pub households: u64,
    pub responses: u64,
    pub response_rate: Option<f64>,
    /// Responses that said whether they are satisfied.
    pub counted: u64,
    pub satisfied: u64,
    pub satisfaction_rate: Option<f64>,
    pub target_percent: u32,
    pub verdict: Verdict,
    /// Door-to-door answers waiting for review: not counted until approved.
    #[serde(default)]
    pub pending_review: u64,
    /// Fewer counted answers than the survey's minimum sample: the verdict is `NoData`.
    #[serde(default)]
    pub below_min_sample: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OptionCount {
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionResult {
    pub id: String,
    pub text: String,
    pub counts: Vec<OptionCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthPoint {
    pub month: String,
    pub counted: u64,
    pub satisfied: u64,
    pub satisfaction_rate: Option<f64>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyResults {
    pub survey_id: i64,
    pub title: String,
    pub month: String,
    pub communities: Vec<CommunityResult>,
    pub questions: Vec<QuestionResult>,
    /// All communities together, month by month.
    pub trend: Vec<MonthPoint>,
    /// The fewest counted answers a month needs for a verdict.
    #[serde(default)]
    pub min_sample: u32,
}
