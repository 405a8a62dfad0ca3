//! Retrofit applications as the family fills them in (GOV.UK task list: elder, home, facts,
//! documents, guardian, consent, check answers), what the street office and county see, and
//! the checks shared by the app (instant feedback) and the server (the authority).

use crate::eligibility::{CoveredGroup, EligibilityAnswers, Ground, Outcome};
use crate::id_number::IdNumber;
use crate::retrofit::{RetrofitAction, RetrofitState};
use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The consent text's version, stored with each application that agreed to it. Change it
/// whenever [`CONSENT_ZH`] / [`CONSENT_EN`] change.
pub const CONSENT_VERSION: &str = "2026-11-v1";

/// Shown on its own screen, in large plain Chinese; one paragraph per entry.
pub const CONSENT_ZH: &[&str] = &[
    "我们会收集这些敏感个人信息：老人的身份证号码、身体和残疾情况（日常活动能不能自己做、残疾人证），以及家里的照片和证明材料。",
    "为什么收集：判断老人能不能享受适老化改造补贴，安排上门评估和施工。",
    "谁能看到：街道办事处、区县民政部门、上门评估的机构和施工单位，只在办理这件事时查看。每次查看完整身份证号都会留下记录。",
    "保存多久：改造完成后保存到保修期结束后 3 年，然后删除。不申请了可以随时撤回。",
    "身份证号和身体情况加密保存，平时只显示部分号码。",
];
pub const CONSENT_EN: &[&str] = &[
    "We collect sensitive personal information: the elder's ID number, health and disability status (which daily activities they can do alone, a disability certificate), and photos of the home and proof documents.",
    "Why: to decide whether the elder qualifies for the retrofit subsidy, and to arrange the in-home assessment and the works.",
    "Who sees it: the street office, the county civil-affairs bureau, the assessor and the contractor, only while handling this application. Every view of the full ID number is recorded.",
    "How long: until 3 years after the warranty ends, then it is deleted. You can withdraw at any time.",
    "The ID number and health answers are stored encrypted; normally only part of the number is shown.",
];

pub const NAME_MAX_CHARS: usize = 40;
pub const NOTE_MAX_CHARS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    IdFront,
    IdBack,
    DisabilityCertificate,
    OwnershipProof,
    /// Anything the reviewer asked for later.
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 5] = [
        Self::IdFront,
        Self::IdBack,
        Self::DisabilityCertificate,
        Self::OwnershipProof,
        Self::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IdFront => "id_front",
            Self::IdBack => "id_back",
            Self::DisabilityCertificate => "disability_certificate",
            Self::OwnershipProof => "ownership_proof",
            Self::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What a reviewer can say is missing when returning an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReturnItem {
    ElderDetails,
    Home,
    Facts,
    IdCard,
    DisabilityCertificate,
    OwnershipProof,
    OtherDocument,
}

impl ReturnItem {
    pub const ALL: [ReturnItem; 7] = [
        Self::ElderDetails,
        Self::Home,
        Self::Facts,
        Self::IdCard,
        Self::DisabilityCertificate,
        Self::OwnershipProof,
        Self::OtherDocument,
    ];
    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::ElderDetails => (
                "老人的姓名或身份证号需要核对",
                "Check the elder's name or ID number",
            ),
            Self::Home => ("住址需要核对", "Check the home address"),
            Self::Facts => (
                "补贴条件的回答需要核对",
                "Check the answers about eligibility",
            ),
            Self::IdCard => (
                "请重新上传清晰的身份证正反面",
                "Upload clear photos of both sides of the ID card",
            ),
            Self::DisabilityCertificate => ("请上传残疾人证", "Upload the disability certificate"),
            Self::OwnershipProof => (
                "请上传房屋产权或长期使用权证明",
                "Upload proof of ownership or long-term use",
            ),
            Self::OtherDocument => (
                "请按说明补充材料",
                "Add the documents described in the note",
            ),
        }
    }

    /// The task (screen) where the family deals with this item.
    pub fn task(self) -> Task {
        match self {
            Self::ElderDetails => Task::Elder,
            Self::Home => Task::Home,
            Self::Facts => Task::Facts,
            Self::IdCard
            | Self::DisabilityCertificate
            | Self::OwnershipProof
            | Self::OtherDocument => Task::Documents,
        }
    }

    /// What the family still has to do for this item, in words that name the screen. Each
    /// can also be answered in words instead (the reviewer reads the reply).
    pub fn still_needed(self) -> (&'static str, &'static str) {
        match self {
            Self::ElderDetails => (
                "打开“老人信息”，核对姓名和身份证号后点保存",
                "Open “The elder”, check the name and ID number, then save",
            ),
            Self::Home => (
                "打开“住址”，核对后点保存",
                "Open “Home address”, check it, then save",
            ),
            Self::Facts => (
                "打开“补贴条件”，核对回答后保存",
                "Open “Eligibility”, check the answers, then save",
            ),
            Self::IdCard => (
                "在“证明材料”里重新上传身份证照片：街道说明里提到的那一面，或正反两面",
                "In “Documents”, upload the ID card again: the side the note names, or both",
            ),
            Self::DisabilityCertificate => (
                "在“证明材料”里上传残疾人证",
                "In “Documents”, upload the disability certificate",
            ),
            Self::OwnershipProof => (
                "在“证明材料”里重新上传房产证或长期使用权证明",
                "In “Documents”, upload the proof of ownership or long-term use again",
            ),
            Self::OtherDocument => (
                "在“证明材料”里上传街道说明里要的材料",
                "In “Documents”, upload what the note asks for",
            ),
        }
    }

    /// Whether a document of this kind, added after the return, answers the item. Either side
    /// of the ID card does: a reviewer often finds just one side unreadable.
    pub fn answered_by_document(self, kind: DocumentKind) -> bool {
        match self {
            Self::IdCard => matches!(kind, DocumentKind::IdFront | DocumentKind::IdBack),
            Self::DisabilityCertificate => kind == DocumentKind::DisabilityCertificate,
            Self::OwnershipProof => kind == DocumentKind::OwnershipProof,
            Self::OtherDocument => kind == DocumentKind::Other,
            Self::ElderDetails | Self::Home | Self::Facts => false,
        }
    }

    /// Whether saving this task's screen again answers the item.
    pub fn answered_by_saving(self, task: Task) -> bool {
        !matches!(self.task(), Task::Documents) && self.task() == task
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ElderDetails => "elder_details",
            Self::Home => "home",
            Self::Facts => "facts",
            Self::IdCard => "id_card",
            Self::DisabilityCertificate => "disability_certificate",
            Self::OwnershipProof => "ownership_proof",
            Self::OtherDocument => "other_document",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == s)
    }
}

/// Where the family stands with one item of the latest return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReturnAnswer {
    /// Nothing done yet: the application cannot go back until it is answered.
    Open,
    /// The screen was saved again since the return.
    Changed,
    /// A new document of the kind asked for was added since the return.
    Uploaded,
    /// Answered in words only (the reviewer decides whether that is enough).
    Replied,
}

/// One item of the latest return with what the family did about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnItemProgress {
    pub item: ReturnItem,
    pub answer: ReturnAnswer,
    /// The family's words to the reviewer, if any.
    pub reply: Option<String>,
    pub replied_at: Option<i64>,
}

/// The latest return and the family's answers: shown to the family while it is open and to
/// the reviewer once the application comes back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnRound {
    pub returned_at: i64,
    pub note: Option<String>,
    pub items: Vec<ReturnItemProgress>,
}

/// The family's reply to one returned item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnReplyRequest {
    pub reply: String,
}

pub const RETURN_REPLY_MAX_CHARS: usize = 300;

pub fn check_return_reply(r: &ReturnReplyRequest) -> Problems {
    let mut p = Problems::new();
    let n = r.reply.trim().chars().count();
    if n == 0 {
        add(
            &mut p,
            "reply",
            "请写下您的答复，例如“信息无误”",
            "Write your reply, for example “The details are correct”",
        );
    } else if n > RETURN_REPLY_MAX_CHARS {
        add(
            &mut p,
            "reply",
            "答复不能超过 300 个字",
            "The reply must be 300 characters or fewer",
        );
    }
    p
}

/// What the family did about each returned item: the screens saved since the return, the
/// documents added since it, and the replies.
pub fn return_progress(
    checklist: &[ReturnItem],
    documents_since_return: &[DocumentKind],
    saved_since_return: &[ReturnItem],
    replies: &[(ReturnItem, String, i64)],
) -> Vec<ReturnItemProgress> {
    checklist
        .iter()
        .map(|&item| {
            let reply = replies.iter().find(|r| r.0 == item);
            let answer = if documents_since_return
                .iter()
                .any(|k| item.answered_by_document(*k))
            {
                ReturnAnswer::Uploaded
            } else if saved_since_return.contains(&item) {
                ReturnAnswer::Changed
            } else if reply.is_some() {
                ReturnAnswer::Replied
            } else {
                ReturnAnswer::Open
            };
            ReturnItemProgress {
                item,
                answer,
                reply: reply.map(|r| r.1.clone()),
                replied_at: reply.map(|r| r.2),
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    NotInCoveredGroup,
    NoGround,
    HousingNotEligible,
    AlreadyRetrofitted,
    Duplicate,
    FalseInformation,
    Other,
}

impl RejectReason {
    pub const ALL: [RejectReason; 7] = [
        Self::NotInCoveredGroup,
        Self::NoGround,
        Self::HousingNotEligible,
        Self::AlreadyRetrofitted,
        Self::Duplicate,
        Self::FalseInformation,
        Self::Other,
    ];
    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::NotInCoveredGroup => ("老人不属于补贴对象（特困、脱贫、本地纳入的低保）", "The elder is not in a covered group (extreme poverty, lifted out of poverty, or minimum allowance where covered)"),
            Self::NoGround => ("老人不满 80 岁，也不属于失能或持证残疾", "The elder is under 80 and neither disabled in daily living nor a certificate holder"),
            Self::HousingNotEligible => ("住房不符合改造条件", "The home does not meet the conditions for a retrofit"),
            Self::AlreadyRetrofitted => ("已享受过无障碍改造", "Already retrofitted under the barrier-free programme"),
            Self::Duplicate => ("今年已经有同一位老人的申请", "There is already an application for this elder this year"),
            Self::FalseInformation => ("提交的信息与核实情况不符", "The information does not match what was verified"),
            Self::Other => ("其他原因（见说明）", "Another reason (see the note)"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Child,
    Spouse,
    Grandchild,
    Sibling,
    OtherRelative,
    Other,
}

impl Relationship {
    pub const ALL: [Relationship; 6] = [
        Self::Child,
        Self::Spouse,
        Self::Grandchild,
        Self::Sibling,
        Self::OtherRelative,
        Self::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Child => "child",
            Self::Spouse => "spouse",
            Self::Grandchild => "grandchild",
            Self::Sibling => "sibling",
            Self::OtherRelative => "other_relative",
            Self::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationChannel {
    App,
    /// Entered by a street reviewer for an elder who came to the office.
    Office,
}

// ---- requests ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateApplicationRequest {
    /// One per "start" press; a retry returns the draft the first attempt created.
    pub client_key: String,
    /// A guardian applying for a linked elder; `None`: for oneself (or, for a street reviewer,
    /// an elder who came to the office).
    #[serde(default)]
    pub elder_account_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElderSection {
    pub name: String,
    pub id_number: String,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeSection {
    pub building_id: i64,
    pub unit: String,
    pub room: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardianSection {
    /// A guardian linked to the elder, named on the application; `None`: nobody.
    pub guardian_account_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentSection {
    pub version: String,
    pub agreed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "section", rename_all = "snake_case")]
pub enum SectionUpdate {
    Elder(ElderSection),
    Home(HomeSection),
    /// The eligibility facts (the ID number comes from the elder section).
    Facts(EligibilityAnswers),
    Guardian(GuardianSection),
    Consent(ConsentSection),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetrofitActionRequest {
    pub action: RetrofitAction,
    #[serde(default)]
    pub note: Option<String>,
    /// For `return`: what is missing.
    #[serde(default)]
    pub checklist: Vec<ReturnItem>,
    /// For `reject` and `decline`.
    #[serde(default)]
    pub reason: Option<RejectReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountySettings {
    pub year: i32,
    pub quota: i64,
    pub minimum_living_allowance_covered: bool,
    /// How long the warranty runs from acceptance (2–10 years).
    #[serde(default = "default_warranty_years")]
    pub warranty_years: i64,
    /// Working days a builder has to answer a warranty claim (1–30).
    #[serde(default = "default_claim_days")]
    pub claim_working_days: i64,
    /// The year's four dates. Always in an answer; a request without them leaves them as they
    /// are (so a client that does not know them cannot reset them).
    #[serde(default)]
    pub dates: Option<crate::retrofit_report::YearDates>,
}

fn default_warranty_years() -> i64 {
    crate::retrofit_warranty::YEARS_DEFAULT
}

fn default_claim_days() -> i64 {
    crate::retrofit_warranty::CLAIM_DAYS_DEFAULT
}

/// The most households a county's yearly quota may name.
pub const QUOTA_MAX: i64 = 1_000_000;
/// The programme years settings, lists and reports can be asked for.
pub const PROGRAMME_YEARS: std::ops::RangeInclusive<i64> = 2000..=2100;

impl CountySettings {
    /// The ranges a county admin may set; returns `(field, zh, en)` for each problem. That the
    /// quota is not below the households already confirmed is the database's check, made in
    /// the same statement that sets it.
    pub fn problems(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        let mut problems = Vec::new();
        if !(0..=QUOTA_MAX).contains(&self.quota) {
            problems.push((
                "quota",
                "名额应为 0 到 1000000 之间的整数",
                "The quota must be a whole number from 0 to 1,000,000",
            ));
        }
        if !PROGRAMME_YEARS.contains(&i64::from(self.year)) {
            problems.push(("year", "年份无效", "Invalid year"));
        }
        use crate::retrofit_warranty as w;
        if !(w::YEARS_MIN..=w::YEARS_MAX).contains(&self.warranty_years) {
            problems.push((
                "warranty_years",
                "质保期应为 2 到 10 年",
                "The warranty must run 2 to 10 years",
            ));
        }
        if !(w::CLAIM_DAYS_MIN..=w::CLAIM_DAYS_MAX).contains(&self.claim_working_days) {
            problems.push((
                "claim_working_days",
                "报修答复期限应为 1 到 30 个工作日",
                "The answer deadline must be 1 to 30 working days",
            ));
        }
        if let Some(dates) = &self.dates {
            problems.extend(dates.problems(self.year));
        }
        problems
    }
}

pub const QUOTA_BELOW_CONFIRMED: (&str, &str) = (
    "名额不能少于已经确认的户数",
    "The quota cannot be below the households already confirmed",
);

// ---- views ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Task {
    Elder,
    Home,
    Facts,
    Documents,
    Guardian,
    Consent,
}

/// The field a task's problems are filed under (its JSON name).
pub fn task_field(t: Task) -> &'static str {
    match t {
        Task::Elder => "elder",
        Task::Home => "home",
        Task::Facts => "facts",
        Task::Documents => "documents",
        Task::Guardian => "guardian",
        Task::Consent => "consent",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    Completed,
    /// Asked again by the reviewer.
    ToFix,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentView {
    pub id: i64,
    pub kind: DocumentKind,
    pub content_type: String,
    pub size: i64,
    pub url: String,
    pub uploaded_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetrofitEventView {
    pub at: i64,
    pub action: String,
    pub state: RetrofitState,
    /// Who, by role: the family sees "街道办事处", not a clerk's name.
    pub by: String,
    pub note: Option<String>,
    #[serde(default)]
    pub checklist: Vec<ReturnItem>,
    #[serde(default)]
    pub reason: Option<RejectReason>,
    /// The visit time a booking step proposed or answered (unix seconds).
    #[serde(default)]
    pub visit_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRef {
    pub account_id: i64,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationView {
    pub id: i64,
    pub reference: String,
    pub state: RetrofitState,
    pub channel: ApplicationChannel,
    pub year: i32,
    pub elder_name: String,
    /// `110105********123X`; the full number only through the recorded "show" action.
    pub id_number_masked: Option<String>,
    pub elder_phone: Option<String>,
    pub elder_account: Option<PersonRef>,
    pub applicant: PersonRef,
    pub guardian: Option<PersonRef>,
    /// For the street office: the elder's family links (waiting or active), with the
    /// relationship and the proof, so the reviewer can check and confirm them.
    #[serde(default)]
    pub family_links: Vec<GuardianLinkView>,
    pub home: Option<HomeSection>,
    /// `江南省/临江市/…/1号楼 1单元 301`.
    pub home_label: Option<String>,
    pub street_name: Option<String>,
    pub community_name: Option<String>,
    pub facts: Option<EligibilityAnswers>,
    /// The server's assessment of the answers so far (the authority).
    pub outcome: Option<Outcome>,
    /// The next eligibility question to ask (computed with the elder's real ID number, which
    /// the app never sees in full); `None` when the facts are complete.
    pub next_fact_question: Option<crate::eligibility::Question>,
    /// The eligibility questions that apply to this elder, in order (see
    /// `eligibility::question_path`), for walking through the answers again.
    pub fact_path: Vec<crate::eligibility::Question>,
    pub consent_version: Option<String>,
    pub consent_at: Option<i64>,
    pub documents: Vec<DocumentView>,
    pub tasks: Vec<(Task, TaskStatus)>,
    pub submitted_at: Option<i64>,
    /// The latest return: what the family must fix.
    pub return_checklist: Vec<ReturnItem>,
    pub return_note: Option<String>,
    /// The latest return with the family's answer to each item (also after it came back, for
    /// the reviewer); `None` when it was never returned.
    #[serde(default)]
    pub last_return: Option<ReturnRound>,
    pub reject_reason: Option<RejectReason>,
    pub reject_note: Option<String>,
    pub events: Vec<RetrofitEventView>,
    /// Whether the caller may edit (family, draft or returned).
    pub editable: bool,
    /// The actions the caller may take now.
    pub actions: Vec<RetrofitAction>,
    /// Once the county assigned an assessment organisation: who, and the visit booking.
    #[serde(default)]
    pub assessment: Option<crate::retrofit_assessment::AssessmentInfo>,
    /// Once the county assigned a construction company: the signed items with their photos.
    #[serde(default)]
    pub works: Option<crate::retrofit_works::WorksView>,
    /// Once accepted: what may be settled, what was, and the payments (not to the assessor).
    #[serde(default)]
    pub settlement: Option<crate::retrofit_settlement::SettlementView>,
    /// Once accepted: the warranty's last day and the claims (not to the assessor).
    #[serde(default)]
    pub warranty: Option<crate::retrofit_warranty::WarrantyView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationSummary {
    pub id: i64,
    pub reference: String,
    pub state: RetrofitState,
    pub elder_name: String,
    pub community_name: String,
    pub grounds: Vec<Ground>,
    pub self_paid: bool,
    pub submitted_at: Option<i64>,
    pub created_at: i64,
    /// The assessment organisation the county assigned (confirmed households).
    #[serde(default)]
    pub assessment_org_id: Option<i64>,
    /// The construction company the county assigned (signed households).
    #[serde(default)]
    pub contractor_org_id: Option<i64>,
    /// The elder's account, when the elder has one: the family's page tells whose it is.
    #[serde(default)]
    pub elder_account_id: Option<i64>,
    /// The programme year (one application per elder a year).
    #[serde(default)]
    pub year: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationPage {
    pub items: Vec<ApplicationSummary>,
    pub next_after: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreetList {
    pub street_id: i64,
    pub street_name: String,
    pub proposed: Vec<ApplicationSummary>,
    pub confirmed: Vec<ApplicationSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountyListView {
    pub county_id: i64,
    pub county_name: String,
    pub year: i32,
    pub quota: i64,
    pub used: i64,
    pub streets: Vec<StreetList>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardianLinkView {
    pub id: i64,
    pub state: GuardianLinkState,
    pub elder: PersonRef,
    pub guardian: Option<PersonRef>,
    pub invited_phone_masked: String,
    pub relationship: Option<Relationship>,
    pub proof_url: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GuardianLinkState {
    Invited,
    /// The family member proved the number and sent the proof; waiting for the elder (or
    /// the street office) to confirm. No access yet.
    Accepted,
    Active,
    Ended,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardianOverview {
    /// People who act for me (I am the elder), and my invitations.
    pub my_guardians: Vec<GuardianLinkView>,
    /// Elders I act for.
    pub elders: Vec<GuardianLinkView>,
    /// Invitations to my mobile number waiting for me.
    pub invitations: Vec<GuardianLinkView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteGuardianRequest {
    pub phone: String,
}

// ---- rules ----

/// `SL-2026-000123`.
pub fn reference(year: i32, id: i64) -> String {
    format!("SL-{year}-{id:06}")
}

pub type Problems = BTreeMap<String, FieldError>;

fn add(p: &mut Problems, field: &str, zh: &str, en: &str) {
    p.insert(field.to_owned(), FieldError::new(zh, en));
}

pub fn check_elder(s: &ElderSection) -> Problems {
    let mut p = Problems::new();
    let name = s.name.trim();
    if name.is_empty() {
        add(&mut p, "name", "请填写老人的姓名", "Enter the elder's name");
    } else if name.chars().count() > NAME_MAX_CHARS {
        add(
            &mut p,
            "name",
            "姓名不能超过 40 个字",
            "The name must be 40 characters or fewer",
        );
    }
    if let Err(e) = IdNumber::parse(&s.id_number) {
        let (zh, en) = e.message();
        add(&mut p, "id_number", zh, en);
    }
    if let Some(phone) = s.phone.as_deref().filter(|x| !x.trim().is_empty()) {
        if let Err(e) = crate::PhoneNumber::parse(phone) {
            let (zh, en) = e.message();
            add(&mut p, "phone", zh, en);
        }
    }
    p
}

pub fn check_home_text(s: &HomeSection) -> Problems {
    let mut p = Problems::new();
    if s.unit.trim().is_empty() || s.unit.trim().chars().count() > 10 {
        add(&mut p, "unit", "请填写单元号", "Enter the unit");
    }
    if s.room.trim().is_empty() || s.room.trim().chars().count() > 10 {
        add(&mut p, "room", "请填写门牌号", "Enter the room number");
    }
    p
}

/// Every answer the assessment needs has been given (for the facts task's status).
pub fn facts_complete(
    facts: &EligibilityAnswers,
    rules: crate::eligibility::CountyRules,
    today: chrono::NaiveDate,
) -> bool {
    crate::eligibility::next_question(facts, Some(rules), today).is_none()
}

/// The documents this application needs: both sides of the ID card, proof of ownership or
/// long-term use, and the disability certificate when it is claimed.
pub fn required_documents(facts: Option<&EligibilityAnswers>) -> Vec<DocumentKind> {
    let mut kinds = vec![
        DocumentKind::IdFront,
        DocumentKind::IdBack,
        DocumentKind::OwnershipProof,
    ];
    if facts.is_some_and(|f| f.disability_certificate == Some(true)) {
        kinds.push(DocumentKind::DisabilityCertificate);
    }
    kinds
}

/// What the family has filled in, for the task list and the submit check.
pub struct Filled<'a> {
    pub elder: bool,
    pub home: bool,
    pub facts: Option<&'a EligibilityAnswers>,
    pub facts_complete: bool,
    pub documents: &'a [DocumentKind],
    pub guardian_answered: bool,
    pub consent_version: Option<&'a str>,
    /// The items of an open return and what the family did about each (empty otherwise).
    pub return_items: &'a [ReturnItemProgress],
}

pub fn task_statuses(f: &Filled<'_>) -> Vec<(Task, TaskStatus)> {
    // A task with a returned item nobody has answered yet is to fix, whatever else it holds.
    let open = |task: Task| {
        f.return_items
            .iter()
            .any(|i| i.item.task() == task && i.answer == ReturnAnswer::Open)
    };
    let simple = |done: bool, fix: bool| match (done, fix) {
        (_, true) => TaskStatus::ToFix,
        (true, false) => TaskStatus::Completed,
        (false, false) => TaskStatus::NotStarted,
    };
    let needed = required_documents(f.facts);
    let have = needed.iter().filter(|k| f.documents.contains(k)).count();
    let documents = if open(Task::Documents) {
        TaskStatus::ToFix
    } else if have == needed.len() {
        TaskStatus::Completed
    } else if have > 0 || !f.documents.is_empty() {
        TaskStatus::InProgress
    } else {
        TaskStatus::NotStarted
    };
    let facts = if open(Task::Facts) {
        TaskStatus::ToFix
    } else if f.facts_complete {
        TaskStatus::Completed
    } else if f.facts.is_some() {
        TaskStatus::InProgress
    } else {
        TaskStatus::NotStarted
    };
    vec![
        (Task::Elder, simple(f.elder, open(Task::Elder))),
        (Task::Home, simple(f.home, open(Task::Home))),
        (Task::Facts, facts),
        (Task::Documents, documents),
        (Task::Guardian, simple(f.guardian_answered, false)),
        (
            Task::Consent,
            simple(f.consent_version == Some(CONSENT_VERSION), false),
        ),
    ]
}

/// Why the application cannot be submitted yet, per task (field = task name). Every item of
/// a return must be answered first — by fixing it or by a reply the reviewer reads — so that
/// nothing comes back to the street office unexplained; the message names the first one.
pub fn check_submit(f: &Filled<'_>, outcome: Option<&Outcome>) -> Problems {
    let mut p = Problems::new();
    for (task, status) in task_statuses(f) {
        if status == TaskStatus::ToFix {
            if let Some(open) = f
                .return_items
                .iter()
                .find(|i| i.item.task() == task && i.answer == ReturnAnswer::Open)
            {
                let (zh, en) = open.item.still_needed();
                p.insert(
                    task_field(task).to_owned(),
                    FieldError::new(
                        format!("街道退回的事项还没有处理：{zh}，或写下答复"),
                        format!("A returned item is not answered yet: {en}, or write a reply"),
                    ),
                );
                continue;
            }
        }
        if status != TaskStatus::Completed {
            let (zh, en) = match task {
                Task::Elder => ("请填写老人信息", "Fill in the elder's details"),
                Task::Home => ("请填写住址", "Fill in the home address"),
                Task::Facts => ("请回答补贴条件的问题", "Answer the eligibility questions"),
                Task::Documents => ("请上传需要的证明材料", "Upload the documents needed"),
                Task::Guardian => (
                    "请说明是否由家属代办",
                    "Say whether a family member acts for the elder",
                ),
                Task::Consent => (
                    "请阅读并同意个人信息使用说明",
                    "Read and agree to how personal information is used",
                ),
            };
            add(&mut p, task_field(task), zh, en);
        }
    }
    if let Some(Outcome::NotEligible { reasons }) = outcome {
        let (zh, en) = reasons
            .first()
            .map(|r| r.message())
            .unwrap_or(("住房不符合改造条件", "The home does not qualify"));
        add(&mut p, "facts", zh, en);
    }
    p
}

/// Grounds and whether the household pays itself, for lists and filters.
pub fn funding(outcome: Option<&Outcome>) -> (Vec<Ground>, bool) {
    match outcome {
        Some(Outcome::Subsidised { grounds, .. }) => (grounds.clone(), false),
        Some(Outcome::SelfPaidOnly { .. }) => (Vec::new(), true),
        _ => (Vec::new(), false),
    }
}

pub fn ground_str(g: Ground) -> &'static str {
    match g {
        Ground::Age80 => "age80",
        Ground::Disabled => "disabled",
        Ground::CertifiedDisability => "certified_disability",
    }
}

pub fn parse_ground(s: &str) -> Option<Ground> {
    [Ground::Age80, Ground::Disabled, Ground::CertifiedDisability]
        .into_iter()
        .find(|g| ground_str(*g) == s)
}

pub fn group_str(g: CoveredGroup) -> &'static str {
    match g {
        CoveredGroup::DispersedExtremePoverty => "dispersed_extreme_poverty",
        CoveredGroup::LiftedOutOfPoverty => "lifted_out_of_poverty",
        CoveredGroup::MinimumLivingAllowance => "minimum_living_allowance",
        CoveredGroup::None => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_settings_stay_within_their_ranges() {
        let settings = |year, quota| CountySettings {
            year,
            quota,
            minimum_living_allowance_covered: false,
            warranty_years: 2,
            claim_working_days: 7,
            dates: None,
        };
        let fields = |s: CountySettings| s.problems().into_iter().map(|p| p.0).collect::<Vec<_>>();
        assert!(fields(settings(2026, 0)).is_empty());
        assert!(fields(settings(2026, QUOTA_MAX)).is_empty());
        assert_eq!(fields(settings(2026, -1)), ["quota"]);
        assert_eq!(fields(settings(2026, QUOTA_MAX + 1)), ["quota"]);
        assert_eq!(fields(settings(1999, 10)), ["year"]);
        assert_eq!(fields(settings(2101, -5)), ["quota", "year"]);
        let rules = |warranty_years, claim_working_days| CountySettings {
            warranty_years,
            claim_working_days,
            ..settings(2026, 10)
        };
        assert!(fields(rules(10, 30)).is_empty());
        assert_eq!(
            fields(rules(1, 7)),
            ["warranty_years"],
            "never under two years"
        );
        assert_eq!(fields(rules(2, 0)), ["claim_working_days"]);
        assert_eq!(
            fields(rules(11, 31)),
            ["warranty_years", "claim_working_days"]
        );
    }

    fn filled<'a>(docs: &'a [DocumentKind], return_items: &'a [ReturnItemProgress]) -> Filled<'a> {
        Filled {
            elder: true,
            home: true,
            facts: None,
            facts_complete: true,
            documents: docs,
            guardian_answered: true,
            consent_version: Some(CONSENT_VERSION),
            return_items,
        }
    }

    #[test]
    fn references_read_like_sl_year_and_six_digits() {
        assert_eq!(reference(2026, 123), "SL-2026-000123");
    }

    #[test]
    fn submit_needs_both_id_sides_and_ownership_proof() {
        let some = [DocumentKind::IdFront];
        let p = check_submit(&filled(&some, &[]), None);
        assert!(p.contains_key("documents"));
        let all = [
            DocumentKind::IdFront,
            DocumentKind::IdBack,
            DocumentKind::OwnershipProof,
        ];
        assert!(check_submit(&filled(&all, &[]), None).is_empty());
        let mut no_consent = filled(&all, &[]);
        no_consent.consent_version = Some("2020-old");
        assert!(check_submit(&no_consent, None).contains_key("consent"));
    }

    #[test]
    fn a_claimed_certificate_must_be_uploaded() {
        let facts = EligibilityAnswers {
            disability_certificate: Some(true),
            ..Default::default()
        };
        assert!(required_documents(Some(&facts)).contains(&DocumentKind::DisabilityCertificate));
        assert!(!required_documents(None).contains(&DocumentKind::DisabilityCertificate));
    }

    const ALL_DOCUMENTS: [DocumentKind; 3] = [
        DocumentKind::IdFront,
        DocumentKind::IdBack,
        DocumentKind::OwnershipProof,
    ];

    #[test]
    fn every_returned_item_must_be_fixed_or_answered_before_submitting_again() {
        let checklist = [ReturnItem::OwnershipProof, ReturnItem::Home];
        let nothing_done = return_progress(&checklist, &[], &[], &[]);
        let f = filled(&ALL_DOCUMENTS, &nothing_done);
        let statuses = task_statuses(&f);
        assert!(statuses.contains(&(Task::Documents, TaskStatus::ToFix)));
        assert!(statuses.contains(&(Task::Home, TaskStatus::ToFix)));
        let p = check_submit(&f, None);
        assert!(p["documents"].message.contains("房产证"), "{p:?}");
        assert!(p["home"].message.contains("住址"), "{p:?}");

        // A new deed, and the address saved again: both answered.
        let fixed = return_progress(
            &checklist,
            &[DocumentKind::OwnershipProof],
            &[ReturnItem::Home],
            &[],
        );
        assert_eq!(
            fixed.iter().map(|i| i.answer).collect::<Vec<_>>(),
            [ReturnAnswer::Uploaded, ReturnAnswer::Changed]
        );
        assert!(task_statuses(&filled(&ALL_DOCUMENTS, &fixed))
            .contains(&(Task::Documents, TaskStatus::Completed)));
        assert!(check_submit(&filled(&ALL_DOCUMENTS, &fixed), None).is_empty());

        // Or answered in words: the reviewer decides.
        let replied = return_progress(
            &checklist,
            &[],
            &[],
            &[
                (ReturnItem::OwnershipProof, "房产证原件在社区".into(), 5),
                (ReturnItem::Home, "地址无误".into(), 6),
            ],
        );
        assert!(replied.iter().all(|i| i.answer == ReturnAnswer::Replied));
        assert_eq!(replied[1].reply.as_deref(), Some("地址无误"));
        assert!(check_submit(&filled(&ALL_DOCUMENTS, &replied), None).is_empty());
    }

    #[test]
    fn either_side_of_the_id_card_answers_an_id_card_return() {
        for side in [DocumentKind::IdBack, DocumentKind::IdFront] {
            let progress = return_progress(&[ReturnItem::IdCard], &[side], &[], &[]);
            assert_eq!(progress[0].answer, ReturnAnswer::Uploaded, "{side:?}");
        }
        let other = return_progress(
            &[ReturnItem::IdCard],
            &[DocumentKind::OwnershipProof],
            &[],
            &[],
        );
        assert_eq!(other[0].answer, ReturnAnswer::Open);
        // Saving a screen never answers a document item.
        assert!(!ReturnItem::IdCard.answered_by_saving(Task::Documents));
        assert!(ReturnItem::Facts.answered_by_saving(Task::Facts));
    }

    #[test]
    fn a_reply_is_needed_and_bounded() {
        let reply = |s: &str| check_return_reply(&ReturnReplyRequest { reply: s.into() });
        assert!(reply("  ").contains_key("reply"));
        assert!(reply("信息无误").is_empty());
        assert!(reply(&"字".repeat(RETURN_REPLY_MAX_CHARS)).is_empty());
        assert!(reply(&"字".repeat(RETURN_REPLY_MAX_CHARS + 1)).contains_key("reply"));
        for item in ReturnItem::ALL {
            assert_eq!(ReturnItem::parse(item.as_str()), Some(item));
            assert_eq!(
                serde_json::to_value(item).unwrap(),
                serde_json::json!(item.as_str())
            );
        }
    }

    #[test]
    fn elder_details_name_each_bad_field() {
        let p = check_elder(&ElderSection {
            name: " ".into(),
            id_number: "123".into(),
            phone: Some("12".into()),
        });
        assert!(p.contains_key("name") && p.contains_key("id_number") && p.contains_key("phone"));
    }
}
