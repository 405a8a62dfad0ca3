//! The warranty (质保): from the day the household passed acceptance, for the county's number
//! of years (never fewer than two). The family files a claim (what is wrong, photos) from the
//! application's page; it goes to the builder, who must answer within the county's number of
//! working days on the community's working calendar; an unanswered claim past that shows up
//! for the street office. After the warranty ends a claim is answered with the end date and
//! where to ask instead. Pure rules shared by the app and the server.

use crate::deadline::{due_at, ClockContext, ClockKind, Due, Target, TargetName};
use crate::refusal::{Refusal, RefusalKind};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const YEARS_MIN: i64 = 2;
pub const YEARS_MAX: i64 = 10;
pub const YEARS_DEFAULT: i64 = 2;
pub const CLAIM_DAYS_MIN: i64 = 1;
pub const CLAIM_DAYS_MAX: i64 = 30;
pub const CLAIM_DAYS_DEFAULT: i64 = 7;
pub const DESCRIPTION_MAX_CHARS: usize = 1000;
pub const ANSWER_MAX_CHARS: usize = 1000;
pub const MAX_PHOTOS_PER_CLAIM: i64 = 6;

/// The last day the warranty covers: the day before the acceptance date's anniversary
/// `years` on (accepted 2026-11-02 for 2 years → covered through 2028-11-01; 29 February
/// falls back to the 28th).
pub fn warranty_until(accepted_on: NaiveDate, years: i64) -> Option<NaiveDate> {
    let months = u32::try_from(years.clamp(YEARS_MIN, YEARS_MAX) * 12).ok()?;
    accepted_on
        .checked_add_months(Months::new(months))?
        .pred_opt()
}

/// When the builder's answer to a claim filed at `filed` falls due: the end of working hours
/// on the `days`th working day after, on the community's calendar.
pub fn claim_due(filed: DateTime<Utc>, days: i64, ctx: &ClockContext<'_>) -> Option<DateTime<Utc>> {
    let target = Target {
        name: TargetName::Resolve,
        clock: ClockKind::WorkingDays,
        amount: u32::try_from(days.clamp(CLAIM_DAYS_MIN, CLAIM_DAYS_MAX)).ok()?,
    };
    match due_at(&target, filed, &[], ctx) {
        Due::At(t) => Some(t),
        Due::Paused | Due::Unreachable => None,
    }
}

/// The family's claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimRequest {
    /// What is wrong and where.
    pub description: String,
}

/// The builder's answer: what was done (or when they will come).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimAnswer {
    pub answer: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimRefusal {
    DescriptionRequired,
    DescriptionTooLong,
    AnswerRequired,
    AnswerTooLong,
    AlreadyAnswered,
    PhotosFull,
}

impl Refusal for ClaimRefusal {
    fn kind(self) -> RefusalKind {
        match self {
            Self::AlreadyAnswered => RefusalKind::WrongMoment,
            _ => RefusalKind::BadInput,
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::DescriptionRequired | Self::DescriptionTooLong => "description",
            Self::AnswerRequired | Self::AnswerTooLong | Self::AlreadyAnswered => "answer",
            Self::PhotosFull => "photo",
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::DescriptionRequired => (
                "请写下哪里坏了、在哪个房间",
                "Say what is broken and in which room",
            ),
            Self::DescriptionTooLong => (
                "说明不能超过 1000 个字",
                "The description must be 1,000 characters or fewer",
            ),
            Self::AnswerRequired => (
                "请写下处理结果或上门时间",
                "Say what was done, or when you will come",
            ),
            Self::AnswerTooLong => (
                "答复不能超过 1000 个字",
                "The answer must be 1,000 characters or fewer",
            ),
            Self::AlreadyAnswered => ("这条报修已经答复过了", "This claim is already answered"),
            Self::PhotosFull => ("每条报修最多 6 张照片", "A claim can have at most 6 photos"),
        }
    }
}

fn text(
    raw: &str,
    max: usize,
    empty: ClaimRefusal,
    long: ClaimRefusal,
) -> Result<String, ClaimRefusal> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(empty);
    }
    if t.chars().count() > max {
        return Err(long);
    }
    Ok(t.to_owned())
}

pub fn check_claim(req: &ClaimRequest) -> Result<String, ClaimRefusal> {
    text(
        &req.description,
        DESCRIPTION_MAX_CHARS,
        ClaimRefusal::DescriptionRequired,
        ClaimRefusal::DescriptionTooLong,
    )
}

pub fn check_answer(req: &ClaimAnswer) -> Result<String, ClaimRefusal> {
    text(
        &req.answer,
        ANSWER_MAX_CHARS,
        ClaimRefusal::AnswerRequired,
        ClaimRefusal::AnswerTooLong,
    )
}

/// A claim filed after `until` (the last day covered): what the family is told.
pub fn ended_message(until: NaiveDate) -> (String, String) {
    (
        format!(
            "质保已于 {} 结束，这次维修不在质保范围内。可以与施工单位商量自费维修，或向社区居委会、街道办咨询；房屋公共部位的问题可以在“物业投诉/咨询”里提出。",
            until.format("%Y年%-m月%-d日")
        ),
        format!(
            "The warranty ended on {}; this repair is not covered. Agree a paid repair with the builder, or ask the residents' committee or the street office; for shared parts of the building, file a property inquiry.",
            until.format("%Y-%m-%d")
        ),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimPhotoView {
    pub id: i64,
    pub url: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimView {
    pub id: i64,
    pub description: String,
    pub filed_at: i64,
    pub due_at: i64,
    /// Unanswered past its deadline.
    pub overdue: bool,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
    pub photos: Vec<ClaimPhotoView>,
}

/// The warranty on the application's page, once accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarrantyView {
    /// The last day covered, `YYYY-MM-DD`.
    pub until: String,
    pub ended: bool,
    pub claim_working_days: i64,
    pub claims: Vec<ClaimView>,
    /// The family may file a claim (the warranty runs).
    pub may_claim: bool,
    /// The builder may answer open claims and the family add photos.
    pub may_answer: bool,
}

/// A row of the claims list (the builder's, the street office's overdue view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimSummary {
    pub id: i64,
    pub application_id: i64,
    pub reference: String,
    pub community_name: String,
    pub elder_name_masked: String,
    pub contractor: String,
    pub description: String,
    pub filed_at: i64,
    pub due_at: i64,
    pub overdue: bool,
    pub answered_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimList {
    pub items: Vec<ClaimSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WorkingCalendar;
    use crate::deadline::WorkingHours;
    use chrono::TimeZone;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_warranty_covers_at_least_two_years_from_acceptance() {
        assert_eq!(warranty_until(d("2026-11-02"), 2), Some(d("2028-11-01")));
        assert_eq!(warranty_until(d("2026-11-02"), 3), Some(d("2029-11-01")));
        assert_eq!(
            warranty_until(d("2026-11-02"), 1),
            Some(d("2028-11-01")),
            "never under two years"
        );
        assert_eq!(warranty_until(d("2028-02-29"), 2), Some(d("2030-02-27")));
    }

    #[test]
    fn a_claim_is_due_seven_working_days_on_skipping_the_national_day_holiday() {
        let cal = WorkingCalendar::china();
        let ctx = ClockContext {
            calendar: &cal,
            hours: WorkingHours::default(),
        };
        // Filed Tuesday 29 September 2026, 10:00 Shanghai. 1–7 October are off; Saturday
        // 10 October is a make-up working day. Counted: 30 Sep, 8, 9, 10, 12, 13, 14 Oct.
        let filed = chrono::FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 9, 29, 10, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let due = claim_due(filed, 7, &ctx).unwrap();
        let local = due.with_timezone(&crate::calendar::shanghai());
        assert_eq!(local.date_naive(), d("2026-10-14"));
        assert_eq!(local.format("%H:%M").to_string(), "18:00");
    }

    #[test]
    fn claims_and_answers_say_something_briefly() {
        let long = "坏".repeat(DESCRIPTION_MAX_CHARS + 1);
        let claim = |t: &str| {
            check_claim(&ClaimRequest {
                description: t.into(),
            })
        };
        assert_eq!(claim(" 扶手松了 ").unwrap(), "扶手松了");
        assert_eq!(claim("  "), Err(ClaimRefusal::DescriptionRequired));
        assert_eq!(claim(&long), Err(ClaimRefusal::DescriptionTooLong));
        let answer = |t: &str| check_answer(&ClaimAnswer { answer: t.into() });
        assert_eq!(answer(""), Err(ClaimRefusal::AnswerRequired));
        assert_eq!(
            ClaimRefusal::AlreadyAnswered.kind(),
            RefusalKind::WrongMoment
        );
        let (zh, en) = ended_message(d("2028-11-01"));
        assert!(zh.contains("2028年11月1日"));
        assert!(en.contains("2028-11-01"));
    }
}
