//! Who assesses a confirmed household, and when: the county's assessment organisations
//! (第三方评估机构) with their assessors, the assignment of a household to one of them, and the
//! booking of the home visit (the assessor proposes a time; the family may ask for another).
//! Wire types and the pure rules, shared by the app (instant answers) and the server (the
//! authority).

use crate::application::PersonRef;
use crate::calendar::shanghai;
use crate::refusal::{Refusal, RefusalKind};
use crate::retrofit::RetrofitState;
use chrono::{DateTime, Datelike, Timelike};
use serde::{Deserialize, Serialize};

pub const ORG_NAME_MAX_CHARS: usize = 60;
pub const VISIT_NOTE_MAX_CHARS: usize = 200;
/// A visit is booked for the coming weeks, not for next year.
pub const VISIT_HORIZON_DAYS: i64 = 90;
/// Visits start in the daytime, Beijing time: from 08:00, and before 19:00.
pub const VISIT_FIRST_HOUR: u32 = 8;
pub const VISIT_LAST_HOUR: u32 = 18;

/// The county's organisations with their assessors, and the county's assessor accounts not
/// yet in one (whom the county admin can add).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentOrgsView {
    pub county_id: i64,
    pub orgs: Vec<AssessmentOrgView>,
    pub assessors_without_org: Vec<PersonRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentOrgView {
    pub id: i64,
    pub name: String,
    pub members: Vec<PersonRef>,
    /// Households assigned to it this year that are not yet assessed.
    pub open_households: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAssessmentOrg {
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignAssessmentOrg {
    pub org_id: i64,
}

/// The assessor proposes when they will come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposeVisit {
    /// Unix seconds.
    pub at: i64,
    #[serde(default)]
    pub note: Option<String>,
}

/// The family asks for another time, saying which suits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AskAnotherTime {
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    /// The assessor proposed this time; the family has not asked for another.
    Proposed,
    /// The family asked for another time; the assessor proposes again.
    AnotherTimeAsked,
}

impl VisitState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::AnotherTimeAsked => "another_time_asked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Proposed, Self::AnotherTimeAsked]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitView {
    pub at: i64,
    pub state: VisitState,
    /// The assessor's note with the proposal, or the family's answer when they asked for
    /// another time.
    pub note: Option<String>,
}

/// The assessment part of an application, as its viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentInfo {
    pub org_id: i64,
    pub org_name: String,
    pub assigned_at: i64,
    pub visit: Option<VisitView>,
    /// The caller is an assessor of the organisation and the visit can be (re)booked.
    pub may_propose_visit: bool,
    /// The caller is the elder or their guardian and a proposed time waits for them.
    pub may_ask_another_time: bool,
    /// The in-home record's screens still to fill (all of them before the visit).
    #[serde(default)]
    pub record_missing: Vec<crate::retrofit_record::RecordPart>,
    /// The record's activities and the application disagree on 失能: the reviewer looks again.
    #[serde(default)]
    pub disability_mismatch: Option<crate::retrofit_record::DisabilityMismatch>,
}

/// One household on an assessor's list: enough to call and go there, the elder's details
/// masked (the full record is one audited click away).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentSummary {
    pub id: i64,
    pub reference: String,
    pub state: RetrofitState,
    /// `张*华`.
    pub elder_name_masked: String,
    pub community_name: String,
    pub home_label: Option<String>,
    /// Whom to call to book the visit: the elder's number, else the applicant's.
    pub contact_phone: Option<String>,
    pub assigned_at: i64,
    pub visit: Option<VisitView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentList {
    /// `None`: the assessor is in no organisation yet (the county adds them).
    pub org_name: Option<String>,
    pub items: Vec<AssessmentSummary>,
    /// Pass as `after` for the next page.
    pub next_after: Option<i64>,
}

/// The family name and the last character, the rest starred: `张三` → `张*`, `欧阳明华` → `欧**华`.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut out = String::new();
            out.push(chars[0]);
            out.extend(std::iter::repeat_n('*', n - 2));
            out.push(chars[n - 1]);
            out
        }
    }
}

/// `12月3日 星期四 09:30` and `Thu 3 Dec 09:30`, Beijing time: an appointment as a family
/// reads it (in the notice, on the page, in the timeline).
pub fn appointment_text(secs: i64) -> (String, String) {
    const WEEKDAYS_ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS_EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .with_timezone(&shanghai());
    let weekday = t.weekday().num_days_from_monday() as usize;
    let clock = format!("{:02}:{:02}", t.hour(), t.minute());
    (
        format!(
            "{}月{}日 星期{} {clock}",
            t.month(),
            t.day(),
            WEEKDAYS_ZH[weekday]
        ),
        format!(
            "{} {} {} {clock}",
            WEEKDAYS_EN[weekday],
            t.day(),
            MONTHS_EN[t.month0() as usize]
        ),
    )
}

/// The value of an `<input type="datetime-local">` (`2026-12-03T09:30`, seconds optional),
/// read as Beijing time whatever the phone's own zone: the visit is in a Chinese home.
pub fn parse_local_visit_time(text: &str) -> Option<i64> {
    let (date, time) = text.trim().split_once('T')?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let mut t = time.splitn(3, ':').map(|p| p.parse::<u32>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (h, min) = (t.next()??, t.next()??);
    let naive =
        chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, day)?.and_hms_opt(h, min, 0)?;
    naive
        .and_local_timezone(shanghai())
        .single()
        .map(|t| t.timestamp())
}

/// A county assigns a household once the county has confirmed it and until the assessor has
/// recorded the visit; a reassignment goes to another organisation and clears the booking.
pub fn may_assign(state: RetrofitState) -> bool {
    state == RetrofitState::Confirmed
}

/// Visits are booked between confirmation and the recorded assessment.
pub fn may_book(state: RetrofitState) -> bool {
    state == RetrofitState::Confirmed
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentRefusal {
    OrgNameMissing,
    OrgNameTooLong,
    /// Not in the state where this can be done.
    WrongState,
    VisitInPast,
    VisitTooFarAhead,
    VisitOutsideDaytime,
    NoteTooLong,
    /// Asking for another time needs a word on which time suits.
    NoteRequired,
    /// There is no proposed time to answer.
    NoVisitProposed,
}

impl Refusal for AssessmentRefusal {
    fn kind(self) -> RefusalKind {
        match self {
            Self::WrongState | Self::NoVisitProposed => RefusalKind::WrongMoment,
            _ => RefusalKind::BadInput,
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::OrgNameMissing | Self::OrgNameTooLong => "name",
            Self::WrongState => "state",
            Self::VisitInPast | Self::VisitTooFarAhead | Self::VisitOutsideDaytime => "at",
            Self::NoteTooLong | Self::NoteRequired => "note",
            Self::NoVisitProposed => "visit",
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::OrgNameMissing => ("请填写评估机构名称", "Enter the organisation's name"),
            Self::OrgNameTooLong => (
                "机构名称不能超过 60 个字",
                "The name must be 60 characters or fewer",
            ),
            Self::WrongState => (
                "申请当前的状态不能进行这个操作，请刷新后查看",
                "This cannot be done in the application's current state; reload to see it",
            ),
            Self::VisitInPast => ("上门时间不能早于现在", "The visit cannot be in the past"),
            Self::VisitTooFarAhead => (
                "上门时间请定在 90 天以内",
                "Book the visit within the next 90 days",
            ),
            Self::VisitOutsideDaytime => (
                "上门时间请定在早上 8 点到晚上 7 点之间（北京时间）",
                "Book the visit between 08:00 and 19:00, Beijing time",
            ),
            Self::NoteTooLong => (
                "说明不能超过 200 个字",
                "The note must be 200 characters or fewer",
            ),
            Self::NoteRequired => (
                "请写一下什么时间方便，评估人员会重新约时间",
                "Say which times suit you; the assessor will propose another",
            ),
            Self::NoVisitProposed => (
                "评估人员还没有约上门时间",
                "The assessor has not proposed a visit time yet",
            ),
        }
    }
}

/// The organisation's name, trimmed.
pub fn check_org_name(name: &str) -> Result<String, AssessmentRefusal> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AssessmentRefusal::OrgNameMissing);
    }
    if name.chars().count() > ORG_NAME_MAX_CHARS {
        return Err(AssessmentRefusal::OrgNameTooLong);
    }
    Ok(name.to_owned())
}

fn trimmed_note(note: Option<&str>) -> Result<Option<String>, AssessmentRefusal> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > VISIT_NOTE_MAX_CHARS) {
        return Err(AssessmentRefusal::NoteTooLong);
    }
    Ok(note.map(str::to_owned))
}

/// A proposed visit: in the future, within the horizon, starting in the daytime (Beijing
/// time). Returns the trimmed note.
pub fn check_visit(
    state: RetrofitState,
    at: i64,
    note: Option<&str>,
    now: i64,
) -> Result<Option<String>, AssessmentRefusal> {
    if !may_book(state) {
        return Err(AssessmentRefusal::WrongState);
    }
    if at <= now {
        return Err(AssessmentRefusal::VisitInPast);
    }
    if at - now > VISIT_HORIZON_DAYS * 86_400 {
        return Err(AssessmentRefusal::VisitTooFarAhead);
    }
    let local = DateTime::from_timestamp(at, 0)
        .ok_or(AssessmentRefusal::VisitTooFarAhead)?
        .with_timezone(&shanghai());
    if !(VISIT_FIRST_HOUR..=VISIT_LAST_HOUR).contains(&local.hour()) {
        return Err(AssessmentRefusal::VisitOutsideDaytime);
    }
    trimmed_note(note)
}

/// The family's answer to a proposed time. Returns the trimmed note.
pub fn check_another_time(
    state: RetrofitState,
    visit: Option<VisitState>,
    note: &str,
) -> Result<String, AssessmentRefusal> {
    if !may_book(state) {
        return Err(AssessmentRefusal::WrongState);
    }
    if visit != Some(VisitState::Proposed) {
        return Err(AssessmentRefusal::NoVisitProposed);
    }
    trimmed_note(Some(note))?.ok_or(AssessmentRefusal::NoteRequired)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Unix seconds of a Beijing wall-clock time.
    fn beijing(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        shanghai()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .map(|t| t.timestamp())
            .unwrap_or_else(|| unreachable!("a valid time"))
    }

    #[test]
    fn appointments_read_in_beijing_time_with_the_weekday() {
        // 2026-12-03 is a Thursday; 01:30 UTC is 09:30 in Beijing.
        let at = beijing(2026, 12, 3, 9, 30);
        assert_eq!(
            appointment_text(at),
            (
                "12月3日 星期四 09:30".to_owned(),
                "Thu 3 Dec 09:30".to_owned()
            )
        );
    }

    #[test]
    fn the_visit_time_typed_on_the_phone_is_beijing_time() {
        assert_eq!(
            parse_local_visit_time("2026-12-03T09:30"),
            Some(beijing(2026, 12, 3, 9, 30))
        );
        assert_eq!(
            parse_local_visit_time("2026-12-03T09:30:00"),
            Some(beijing(2026, 12, 3, 9, 30))
        );
        for bad in [
            "",
            "2026-12-03",
            "2026-13-03T09:30",
            "2026-12-03T25:00",
            "明天上午",
        ] {
            assert_eq!(parse_local_visit_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_keep_the_family_name_and_the_last_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("王秀英"), "王*英");
        assert_eq!(mask_name("欧阳明华"), "欧**华");
        assert_eq!(mask_name(" 李 "), "*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn a_visit_is_in_the_coming_weeks_in_the_daytime_beijing_time() {
        let now = beijing(2026, 12, 2, 10, 0);
        let c = RetrofitState::Confirmed;
        assert_eq!(
            check_visit(c, beijing(2026, 12, 3, 9, 30), Some("  带上卷尺 "), now),
            Ok(Some("带上卷尺".to_owned()))
        );
        assert_eq!(
            check_visit(c, beijing(2026, 12, 3, 8, 0), None, now),
            Ok(None)
        );
        assert_eq!(
            check_visit(c, beijing(2026, 12, 3, 18, 59), None, now),
            Ok(None)
        );
        assert_eq!(
            check_visit(c, beijing(2026, 12, 3, 19, 0), None, now),
            Err(AssessmentRefusal::VisitOutsideDaytime)
        );
        // 07:30 in Beijing is 23:30 UTC the day before: the hour is Beijing's, not UTC's.
        assert_eq!(
            check_visit(c, beijing(2026, 12, 3, 7, 30), None, now),
            Err(AssessmentRefusal::VisitOutsideDaytime)
        );
        assert_eq!(
            check_visit(c, now, None, now),
            Err(AssessmentRefusal::VisitInPast)
        );
        assert_eq!(
            check_visit(c, now + 91 * 86_400, None, now),
            Err(AssessmentRefusal::VisitTooFarAhead)
        );
        assert_eq!(
            check_visit(c, i64::MAX, None, now),
            Err(AssessmentRefusal::VisitTooFarAhead)
        );
        let long = "字".repeat(VISIT_NOTE_MAX_CHARS + 1);
        assert_eq!(
            check_visit(c, beijing(2026, 12, 3, 9, 0), Some(&long), now),
            Err(AssessmentRefusal::NoteTooLong)
        );
    }

    #[test]
    fn visits_are_booked_only_between_confirmation_and_the_assessment() {
        let now = beijing(2026, 12, 2, 10, 0);
        let at = beijing(2026, 12, 3, 10, 0);
        for s in RetrofitState::ALL {
            let booked = check_visit(s, at, None, now);
            assert_eq!(booked.is_ok(), s == RetrofitState::Confirmed, "{s:?}");
            assert_eq!(may_assign(s), s == RetrofitState::Confirmed);
        }
    }

    #[test]
    fn asking_for_another_time_answers_a_proposed_time_and_says_which_suits() {
        let c = RetrofitState::Confirmed;
        assert_eq!(
            check_another_time(c, Some(VisitState::Proposed), " 周末上午 "),
            Ok("周末上午".to_owned())
        );
        assert_eq!(
            check_another_time(c, Some(VisitState::Proposed), "  "),
            Err(AssessmentRefusal::NoteRequired)
        );
        assert_eq!(
            check_another_time(c, None, "周末"),
            Err(AssessmentRefusal::NoVisitProposed)
        );
        assert_eq!(
            check_another_time(c, Some(VisitState::AnotherTimeAsked), "周末"),
            Err(AssessmentRefusal::NoVisitProposed)
        );
        assert_eq!(
            check_another_time(RetrofitState::Assessed, Some(VisitState::Proposed), "周末"),
            Err(AssessmentRefusal::WrongState)
        );
    }

    #[test]
    fn organisation_names_are_trimmed_and_bounded() {
        assert_eq!(
            check_org_name("  临江评估中心 "),
            Ok("临江评估中心".to_owned())
        );
        assert_eq!(check_org_name(" "), Err(AssessmentRefusal::OrgNameMissing));
        assert_eq!(
            check_org_name(&"评".repeat(61)),
            Err(AssessmentRefusal::OrgNameTooLong)
        );
    }

    #[test]
    fn wire_names_round_trip() {
        for v in [VisitState::Proposed, VisitState::AnotherTimeAsked] {
            assert_eq!(VisitState::parse(v.as_str()), Some(v));
            assert_eq!(
                serde_json::to_value(v).ok(),
                Some(serde_json::Value::String(v.as_str().into()))
            );
        }
    }
}
