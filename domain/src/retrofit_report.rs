//! The year's rhythm and the report up. Each county's year has four dates (county data, with
//! the national defaults): mobilisation by 30 April, acceptance by 31 October, the summary by
//! 30 November, the report to the province by 30 November. The deadline watch reminds the
//! county and its streets a month and a week before each, naming the households at risk. The
//! annual report counts, per county and street, the households at every stage, the accepted
//! ones, the subsidy paid and its average, and the warranty claims with how fast they were
//! answered; a county's numbers are the sum of its streets', and a street's the sum of its
//! households'. Pure rules shared by the app and the server.

use crate::retrofit::RetrofitState;
use crate::retrofit_catalogue::Fen;
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A county's four dates for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearDates {
    pub mobilise_by: NaiveDate,
    pub accept_by: NaiveDate,
    pub summary_by: NaiveDate,
    pub report_by: NaiveDate,
}

impl YearDates {
    /// The national rhythm: 30 April, 31 October, 30 November, 30 November.
    pub fn defaults(year: i32) -> Option<YearDates> {
        Some(YearDates {
            mobilise_by: NaiveDate::from_ymd_opt(year, 4, 30)?,
            accept_by: NaiveDate::from_ymd_opt(year, 10, 31)?,
            summary_by: NaiveDate::from_ymd_opt(year, 11, 30)?,
            report_by: NaiveDate::from_ymd_opt(year, 11, 30)?,
        })
    }

    pub fn of(&self, m: Milestone) -> NaiveDate {
        match m {
            Milestone::Mobilise => self.mobilise_by,
            Milestone::Accept => self.accept_by,
            Milestone::Summary => self.summary_by,
            Milestone::Report => self.report_by,
        }
    }

    /// `(field, zh, en)` for each problem: every date in its year, and in the rhythm's order
    /// (mobilise, then accept, then summary; the report not before the acceptance).
    pub fn problems(&self, year: i32) -> Vec<(&'static str, &'static str, &'static str)> {
        let mut out = Vec::new();
        for m in Milestone::ALL {
            if self.of(m).year() != year {
                out.push((
                    m.field(),
                    "日期应在本年度内",
                    "The date must be within the year",
                ));
            }
        }
        if out.is_empty() {
            if self.accept_by < self.mobilise_by {
                out.push((
                    "accept_by",
                    "验收截止日期不能早于动员截止日期",
                    "Acceptance cannot be due before mobilisation",
                ));
            }
            if self.summary_by < self.accept_by {
                out.push((
                    "summary_by",
                    "总结截止日期不能早于验收截止日期",
                    "The summary cannot be due before acceptance",
                ));
            }
            if self.report_by < self.accept_by {
                out.push((
                    "report_by",
                    "上报截止日期不能早于验收截止日期",
                    "The report cannot be due before acceptance",
                ));
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    Mobilise,
    Accept,
    Summary,
    Report,
}

impl Milestone {
    pub const ALL: [Milestone; 4] = [Self::Mobilise, Self::Accept, Self::Summary, Self::Report];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mobilise => "mobilise",
            Self::Accept => "accept",
            Self::Summary => "summary",
            Self::Report => "report",
        }
    }

    /// The request field holding its date.
    pub fn field(self) -> &'static str {
        match self {
            Self::Mobilise => "mobilise_by",
            Self::Accept => "accept_by",
            Self::Summary => "summary_by",
            Self::Report => "report_by",
        }
    }

    pub fn name(self) -> (&'static str, &'static str) {
        match self {
            Self::Mobilise => ("动员部署", "mobilisation"),
            Self::Accept => ("竣工验收", "acceptance"),
            Self::Summary => ("总结评估", "the summary and evaluation"),
            Self::Report => ("报送省里", "the report to the province"),
        }
    }

    /// Which households are behind for this date.
    pub fn at_risk(self, state: RetrofitState) -> Option<Risk> {
        use RetrofitState as S;
        let risk = match state {
            S::Submitted | S::Returned | S::Proposed => Risk::NotConfirmed,
            S::Confirmed | S::Assessed | S::PlanProposed => Risk::NotSigned,
            S::PlanSigned | S::UnderConstruction | S::AwaitingAcceptance => Risk::NotAccepted,
            S::Accepted => Risk::NotSettled,
            S::Draft | S::Rejected | S::Withdrawn | S::Settled => return None,
        };
        let counts = match self {
            // Mobilisation is about getting the year's households confirmed.
            Self::Mobilise => risk == Risk::NotConfirmed,
            Self::Accept => matches!(risk, Risk::NotSigned | Risk::NotAccepted),
            Self::Summary | Self::Report => risk != Risk::NotConfirmed,
        };
        counts.then_some(risk)
    }
}

/// How far behind a household is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    NotConfirmed,
    NotSigned,
    NotAccepted,
    NotSettled,
}

impl Risk {
    pub const ALL: [Risk; 4] = [
        Self::NotConfirmed,
        Self::NotSigned,
        Self::NotAccepted,
        Self::NotSettled,
    ];

    pub fn name(self) -> (&'static str, &'static str) {
        match self {
            Self::NotConfirmed => ("未确认", "not yet confirmed"),
            Self::NotSigned => ("未签字", "not yet signed"),
            Self::NotAccepted => ("未验收", "not yet accepted"),
            Self::NotSettled => ("未结算", "not yet settled"),
        }
    }
}

/// A reminder a month, or a week, ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Lead {
    Month,
    Week,
}

impl Lead {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Week => "week",
        }
    }

    pub fn name(self) -> (&'static str, &'static str) {
        match self {
            Self::Month => ("还有一个月", "a month to go"),
            Self::Week => ("还有一周", "a week to go"),
        }
    }
}

/// The day a reminder goes out: a calendar month before (31 October → 30 September, clamped to
/// the shorter month's last day), or seven days before.
pub fn reminder_day(due: NaiveDate, lead: Lead) -> Option<NaiveDate> {
    match lead {
        Lead::Month => due.checked_sub_months(Months::new(1)),
        Lead::Week => due.checked_sub_days(Days::new(7)),
    }
}

/// The reminders whose time has come on `today`: for each date still ahead (or today), the
/// month reminder from a month before until the week reminder's day, then the week reminder
/// until the date. A reminder missed while the server was down is replaced by the next one,
/// never sent late.
pub fn reminders_due(dates: &YearDates, today: NaiveDate) -> Vec<(Milestone, Lead)> {
    let mut out = Vec::new();
    for m in Milestone::ALL {
        let due = dates.of(m);
        let (Some(month), Some(week)) = (
            reminder_day(due, Lead::Month),
            reminder_day(due, Lead::Week),
        ) else {
            continue;
        };
        if today >= week && today <= due {
            out.push((m, Lead::Week));
        } else if today >= month && today < week {
            out.push((m, Lead::Month));
        }
    }
    out
}

/// One household's part of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HouseholdNumbers {
    pub state: Option<RetrofitState>,
    pub paid_fen: Fen,
    pub claims: i64,
    pub claims_answered: i64,
    pub claims_in_time: i64,
    /// Seconds from filing to answer, summed over the answered claims.
    pub answer_secs: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageCount {
    pub state: RetrofitState,
    pub households: i64,
}

/// The numbers of a street, a county or all counties.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    /// Households by their state now, every state listed (drafts not counted).
    pub stages: Vec<StageCount>,
    /// Applications (not drafts).
    pub households: i64,
    /// Passed acceptance (accepted or settled).
    pub accepted: i64,
    pub settled: i64,
    pub subsidy_paid_fen: Fen,
    pub claims: i64,
    pub claims_answered: i64,
    pub claims_in_time: i64,
    pub answer_secs: i64,
}

impl ReportRow {
    pub fn empty() -> ReportRow {
        ReportRow {
            stages: RetrofitState::ALL
                .into_iter()
                .filter(|s| *s != RetrofitState::Draft)
                .map(|state| StageCount {
                    state,
                    households: 0,
                })
                .collect(),
            ..ReportRow::default()
        }
    }

    /// Count `n` households in `state`.
    pub fn add_state(&mut self, state: RetrofitState, n: i64) {
        if state == RetrofitState::Draft {
            return;
        }
        if let Some(s) = self.stages.iter_mut().find(|s| s.state == state) {
            s.households += n;
        }
        self.households += n;
        if matches!(state, RetrofitState::Accepted | RetrofitState::Settled) {
            self.accepted += n;
        }
        if state == RetrofitState::Settled {
            self.settled += n;
        }
    }

    pub fn add_household(&mut self, h: &HouseholdNumbers) {
        if let Some(state) = h.state {
            self.add_state(state, 1);
        }
        self.subsidy_paid_fen += h.paid_fen;
        self.claims += h.claims;
        self.claims_answered += h.claims_answered;
        self.claims_in_time += h.claims_in_time;
        self.answer_secs += h.answer_secs;
    }

    pub fn add(&mut self, other: &ReportRow) {
        for s in &other.stages {
            if let Some(mine) = self.stages.iter_mut().find(|m| m.state == s.state) {
                mine.households += s.households;
            }
        }
        self.households += other.households;
        self.accepted += other.accepted;
        self.settled += other.settled;
        self.subsidy_paid_fen += other.subsidy_paid_fen;
        self.claims += other.claims;
        self.claims_answered += other.claims_answered;
        self.claims_in_time += other.claims_in_time;
        self.answer_secs += other.answer_secs;
    }

    /// Subsidy paid per settled household, to the fen (rounded down); `None` before any.
    pub fn average_paid_fen(&self) -> Option<Fen> {
        (self.settled > 0).then(|| self.subsidy_paid_fen / self.settled)
    }

    /// Mean hours from a claim to its answer, to one decimal (tenths); `None` before any.
    pub fn average_answer_tenth_hours(&self) -> Option<i64> {
        (self.claims_answered > 0).then(|| {
            (self.answer_secs * 10 + self.claims_answered * 1800) / (self.claims_answered * 3600)
        })
    }

    pub fn households_in(&self, state: RetrofitState) -> i64 {
        self.stages
            .iter()
            .find(|s| s.state == state)
            .map_or(0, |s| s.households)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreetReport {
    pub street_id: i64,
    pub name: String,
    pub row: ReportRow,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountyReport {
    pub county_id: i64,
    pub name: String,
    pub dates: YearDates,
    /// The sum of its streets.
    pub row: ReportRow,
    pub streets: Vec<StreetReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportView {
    pub year: i32,
    /// The counties the caller sees (one for a county; all of a province's).
    pub counties: Vec<CountyReport>,
    /// The sum of the counties.
    pub total: ReportRow,
}

#[cfg(test)]
mod tests {
    use super::*;
    use RetrofitState as S;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_national_rhythm_and_its_checks() {
        let dates = YearDates::defaults(2026).unwrap();
        assert_eq!(dates.mobilise_by, d("2026-04-30"));
        assert_eq!(dates.accept_by, d("2026-10-31"));
        assert_eq!(dates.summary_by, d("2026-11-30"));
        assert_eq!(dates.report_by, d("2026-11-30"));
        assert!(dates.problems(2026).is_empty());
        let fields = |y: YearDates| {
            y.problems(2026)
                .into_iter()
                .map(|p| p.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(YearDates {
                report_by: d("2027-01-10"),
                ..dates
            }),
            ["report_by"]
        );
        assert_eq!(
            fields(YearDates {
                accept_by: d("2026-03-01"),
                ..dates
            }),
            ["accept_by"]
        );
        assert_eq!(
            fields(YearDates {
                report_by: d("2026-10-30"),
                ..dates
            }),
            ["report_by"]
        );
    }

    #[test]
    fn reminders_come_a_month_and_a_week_ahead_and_never_late() {
        let dates = YearDates::defaults(2026).unwrap();
        assert_eq!(
            reminder_day(d("2026-10-31"), Lead::Month),
            Some(d("2026-09-30"))
        );
        assert_eq!(
            reminder_day(d("2026-04-30"), Lead::Month),
            Some(d("2026-03-30"))
        );
        assert_eq!(
            reminder_day(d("2026-10-31"), Lead::Week),
            Some(d("2026-10-24"))
        );
        assert!(reminders_due(&dates, d("2026-09-29")).is_empty());
        assert_eq!(
            reminders_due(&dates, d("2026-09-30")),
            [(Milestone::Accept, Lead::Month)]
        );
        assert_eq!(
            reminders_due(&dates, d("2026-10-24")),
            [(Milestone::Accept, Lead::Week)]
        );
        // 31 October: the acceptance date itself still reminds; the summary's month has begun.
        assert_eq!(
            reminders_due(&dates, d("2026-10-31")),
            [
                (Milestone::Accept, Lead::Week),
                (Milestone::Summary, Lead::Month),
                (Milestone::Report, Lead::Month)
            ]
        );
        assert!(!reminders_due(&dates, d("2026-11-01"))
            .iter()
            .any(|(m, _)| *m == Milestone::Accept));
        assert!(reminders_due(&dates, d("2026-12-01")).is_empty());
    }

    #[test]
    fn who_is_at_risk_for_each_date() {
        assert_eq!(
            Milestone::Mobilise.at_risk(S::Proposed),
            Some(Risk::NotConfirmed)
        );
        assert_eq!(Milestone::Mobilise.at_risk(S::Confirmed), None);
        assert_eq!(
            Milestone::Accept.at_risk(S::PlanProposed),
            Some(Risk::NotSigned)
        );
        assert_eq!(
            Milestone::Accept.at_risk(S::AwaitingAcceptance),
            Some(Risk::NotAccepted)
        );
        assert_eq!(Milestone::Accept.at_risk(S::Accepted), None);
        assert_eq!(
            Milestone::Report.at_risk(S::Accepted),
            Some(Risk::NotSettled)
        );
        for m in Milestone::ALL {
            for s in [S::Draft, S::Rejected, S::Withdrawn, S::Settled] {
                assert_eq!(m.at_risk(s), None, "{m:?} {s:?}");
            }
        }
    }

    #[test]
    fn a_row_is_the_sum_of_its_households() {
        let households = [
            HouseholdNumbers {
                state: Some(S::Settled),
                paid_fen: 90_000,
                claims: 2,
                claims_answered: 2,
                claims_in_time: 1,
                answer_secs: 3 * 3600,
            },
            HouseholdNumbers {
                state: Some(S::Settled),
                paid_fen: 60_001,
                ..Default::default()
            },
            HouseholdNumbers {
                state: Some(S::Accepted),
                claims: 1,
                ..Default::default()
            },
            HouseholdNumbers {
                state: Some(S::Draft),
                ..Default::default()
            },
        ];
        let mut street = ReportRow::empty();
        for h in &households {
            street.add_household(h);
        }
        assert_eq!(street.households, 3, "drafts are not applications");
        assert_eq!(street.accepted, 3);
        assert_eq!(street.settled, 2);
        assert_eq!(street.households_in(S::Settled), 2);
        assert_eq!(street.subsidy_paid_fen, 150_001);
        assert_eq!(street.average_paid_fen(), Some(75_000));
        assert_eq!(street.claims, 3);
        assert_eq!(street.average_answer_tenth_hours(), Some(15), "1.5 h");
        let mut county = ReportRow::empty();
        county.add(&street);
        county.add(&street);
        assert_eq!(county.households, 6);
        assert_eq!(county.subsidy_paid_fen, 300_002);
        assert_eq!(county.households_in(S::Accepted), 2);
        assert_eq!(ReportRow::empty().average_paid_fen(), None);
    }
}
