//! The desk: where staff land after signing in. For the caller's area (a community, a street,
//! a county), optionally one community of it, and a month: complaints open, due today and
//! overdue now, deadlines met in the month per target and call-back coverage; retrofit
//! households per stage with the year's date each stage is held to, warranty claims and the
//! quota; each community's satisfaction against its survey's target. Every number has a list
//! it equals (the app links them); [`DeskView::tables`] gives the same numbers as the tables
//! of the page's text and of the one XLSX file.

use crate::callback::TargetCompliance;
use crate::retrofit::RetrofitState;
use crate::retrofit_report::{Milestone, YearDates};
use crate::survey::Verdict;
use crate::survey_api::{CommunityRef, CommunityResult};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Whether the role has a desk: staff who work complaints, review retrofits or run surveys
/// (the sections it shows). The app links it and lands these staff on it after signing in.
pub fn has_desk(role: crate::Role) -> bool {
    use crate::access::Capability as C;
    [C::WorkCases, C::ReviewRetrofit, C::RunSurveys]
        .into_iter()
        .any(|c| role.can(c))
}

/// The stages a household waits in, in the order of the work; drafts and closed applications
/// (rejected, withdrawn, settled) are not waiting for anyone.
pub const DESK_STAGES: [RetrofitState; 10] = [
    RetrofitState::Submitted,
    RetrofitState::Returned,
    RetrofitState::Proposed,
    RetrofitState::Confirmed,
    RetrofitState::Assessed,
    RetrofitState::PlanProposed,
    RetrofitState::PlanSigned,
    RetrofitState::UnderConstruction,
    RetrofitState::AwaitingAcceptance,
    RetrofitState::Accepted,
];

/// What a household in this stage waits for, in the desk's words (zh, en).
pub fn stage_words(state: RetrofitState) -> (&'static str, &'static str) {
    use RetrofitState as S;
    match state {
        S::Submitted => ("待街道审核", "Waiting for the street's review"),
        S::Returned => ("退回待家属补充", "Returned to the family"),
        S::Proposed => ("待区县确认", "Waiting for the county"),
        S::Confirmed => ("待入户评估", "Waiting for the assessment"),
        S::Assessed => ("待出改造方案", "Waiting for the plan"),
        S::PlanProposed => ("方案待签字", "Plan waiting for signature"),
        S::PlanSigned => ("待开工", "Waiting for works"),
        S::UnderConstruction => ("施工中", "Under construction"),
        S::AwaitingAcceptance => ("待竣工验收", "Waiting for acceptance"),
        S::Accepted => ("待结算", "Waiting for settlement"),
        S::Draft => ("填写中", "Being filled in"),
        S::Rejected => ("未通过", "Rejected"),
        S::Withdrawn => ("已撤回", "Withdrawn"),
        S::Settled => ("已结算", "Settled"),
    }
}

/// A reminder a month ahead, as the deadline watch's first one: within this many days a
/// stage's date counts as due.
pub const DUE_SOON_DAYS: i64 = 30;

/// The year's date a household in `state` is held to, from its county's dates for the
/// application's year: the earliest date it is behind for that has passed (overdue), else the
/// next one. `None` for a stage no date concerns.
pub fn stage_deadline(
    dates: &YearDates,
    state: RetrofitState,
    today: NaiveDate,
) -> Option<StageDeadline> {
    let concerned: Vec<(Milestone, NaiveDate)> = Milestone::ALL
        .into_iter()
        .filter(|m| m.at_risk(state).is_some())
        .map(|m| (m, dates.of(m)))
        .collect();
    if let Some((milestone, date)) = concerned
        .iter()
        .filter(|(_, d)| *d < today)
        .min_by_key(|(_, d)| *d)
    {
        return Some(StageDeadline {
            milestone: *milestone,
            date: *date,
            overdue: true,
            soon: false,
        });
    }
    concerned
        .into_iter()
        .min_by_key(|(_, d)| *d)
        .map(|(milestone, date)| StageDeadline {
            milestone,
            date,
            overdue: false,
            soon: (date - today).num_days() <= DUE_SOON_DAYS,
        })
}

/// The retrofit queue's `behind` filter: the households a desk's stage figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behind {
    /// Still in the stage after its year date.
    Overdue,
    /// Held to a date within [`DUE_SOON_DAYS`].
    DueSoon,
}

impl Behind {
    pub fn parse(s: &str) -> Option<Behind> {
        match s {
            "overdue" => Some(Self::Overdue),
            "due_soon" => Some(Self::DueSoon),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::DueSoon => "due_soon",
        }
    }

    /// Whether a household held to `d` is counted.
    pub fn holds(self, d: &StageDeadline) -> bool {
        match self {
            Self::Overdue => d.overdue,
            Self::DueSoon => !d.overdue && d.soon,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageDeadline {
    pub milestone: Milestone,
    pub date: NaiveDate,
    /// The date has passed with the household still in this stage.
    pub overdue: bool,
    /// Not passed, but within [`DUE_SOON_DAYS`].
    pub soon: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskView {
    /// `YYYY-MM`: the month the monthly numbers are for.
    pub month: String,
    /// The caller's area (or the chosen community), by name.
    pub place: String,
    /// The communities of the area, for the filter.
    pub communities: Vec<CommunityRef>,
    /// The community the numbers are narrowed to, if one was chosen.
    pub community_id: Option<i64>,
    /// For staff who work complaints.
    pub complaints: Option<DeskComplaints>,
    /// For staff who review retrofit applications.
    pub retrofit: Option<DeskRetrofit>,
    /// For staff who run surveys: each survey running in the month.
    pub surveys: Option<Vec<DeskSurvey>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskComplaints {
    /// Now: open cases (`/staff/queue`).
    pub open: u64,
    /// Now: open cases whose next deadline is later today (`/staff/queue?due=today`).
    pub due_today: u64,
    /// Now: open cases past their next deadline (`/staff/queue?overdue=true`).
    pub overdue: u64,
    pub by_community: Vec<CommunityCases>,
    /// The month: deadlines that fell due, and met on time, per target, over the area.
    pub compliance: Vec<TargetCompliance>,
    /// The month: cases handled, and how many were called back.
    pub handled: u64,
    pub called: u64,
    pub callback_coverage_percent: Option<f64>,
    pub major_handled: u64,
    pub major_called: u64,
    pub major_coverage_percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityCases {
    pub community: CommunityRef,
    pub open: u64,
    pub due_today: u64,
    pub overdue: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskRetrofit {
    /// One line per stage of [`DESK_STAGES`], in that order.
    pub stages: Vec<StageLine>,
    /// For the street office and the county, who follow the builders' answers.
    pub claims: Option<ClaimCounts>,
    /// Each county's quota for the month's year.
    pub quotas: Vec<QuotaLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageLine {
    pub state: RetrofitState,
    /// Households in the stage (`/staff/retrofit?status=`).
    pub households: u64,
    /// Of them, behind a date of their year that has passed.
    pub overdue: u64,
    /// Of them, held to a date within [`DUE_SOON_DAYS`].
    pub due_soon: u64,
    /// The nearest date this stage is held to this year, if any.
    pub next_date: Option<StageDeadline>,
}

/// Warranty claims not yet answered (`/warranty?open=true`), and those past their deadline
/// (`/warranty?overdue=true`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimCounts {
    pub open: u64,
    pub overdue: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuotaLine {
    pub county: String,
    pub year: i64,
    pub quota: i64,
    /// Households confirmed (or further) in the year.
    pub used: i64,
    pub left: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskSurvey {
    pub survey_id: i64,
    pub title: String,
    /// As the survey's results page shows them for the month.
    pub communities: Vec<CommunityResult>,
}

/// A table of the desk, as the page's text shows it and as one sheet of the XLSX file.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskTable {
    /// The sheet's name (Chinese, ≤ 31 characters).
    pub sheet: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn pct(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into())
}

/// A deadline target's name in words (zh, en), as the catalog says it.
pub fn target_words(target: &str) -> (&'static str, &'static str) {
    match target {
        "acknowledge" => ("受理", "Accept"),
        "on_site" => ("到场", "On site"),
        "answer" => ("答复", "Answer"),
        _ => ("办结", "Resolve"),
    }
}

/// The verdict in words (zh, en).
pub fn verdict_words(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Pass => ("达标", "meets the target"),
        Verdict::NeedsRedo => ("未达标，需补课", "below the target: redo"),
        Verdict::NoData => ("样本不足", "not enough answers"),
    }
}

impl DeskView {
    /// Every table of the desk, in the page's order (sections the caller has no part in are
    /// left out).
    pub fn tables(&self) -> Vec<DeskTable> {
        let mut out = Vec::new();
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        if let Some(c) = &self.complaints {
            let mut rows: Vec<Vec<String>> = c
                .by_community
                .iter()
                .map(|r| {
                    vec![
                        r.community.name.clone(),
                        r.open.to_string(),
                        r.due_today.to_string(),
                        r.overdue.to_string(),
                    ]
                })
                .collect();
            rows.push(vec![
                "合计".into(),
                c.open.to_string(),
                c.due_today.to_string(),
                c.overdue.to_string(),
            ]);
            out.push(DeskTable {
                sheet: "投诉咨询（当前）",
                header: s(&["社区", "未办结", "今日到期", "已超时"]),
                rows,
            });
            let mut rows: Vec<Vec<String>> = c
                .compliance
                .iter()
                .map(|t| {
                    vec![
                        format!("{}按时", target_words(&t.target).0),
                        t.due.to_string(),
                        t.met_on_time.to_string(),
                        pct(t.percent),
                    ]
                })
                .collect();
            rows.push(vec![
                "回访覆盖".into(),
                c.handled.to_string(),
                c.called.to_string(),
                pct(c.callback_coverage_percent),
            ]);
            rows.push(vec![
                "重大事项回访".into(),
                c.major_handled.to_string(),
                c.major_called.to_string(),
                pct(c.major_coverage_percent),
            ]);
            out.push(DeskTable {
                sheet: "本月时限与回访",
                header: s(&["项目", "应办/已办结", "按时/已回访", "比例"]),
                rows,
            });
        }
        if let Some(r) = &self.retrofit {
            let rows = r
                .stages
                .iter()
                .map(|l| {
                    vec![
                        stage_words(l.state).0.to_owned(),
                        l.households.to_string(),
                        l.due_soon.to_string(),
                        l.overdue.to_string(),
                        l.next_date
                            .map(|d| format!("{} {}", d.milestone.name().0, d.date))
                            .unwrap_or_default(),
                    ]
                })
                .chain(r.claims.map(|c| {
                    vec![
                        "保修报修未答复".into(),
                        c.open.to_string(),
                        String::new(),
                        c.overdue.to_string(),
                        String::new(),
                    ]
                }))
                .collect();
            out.push(DeskTable {
                sheet: "适老化改造",
                header: s(&["环节", "户数", "临近截止", "已逾期", "截止日期"]),
                rows,
            });
            out.push(DeskTable {
                sheet: "改造名额",
                header: s(&["区县", "年度", "名额", "已使用", "剩余"]),
                rows: r
                    .quotas
                    .iter()
                    .map(|q| {
                        vec![
                            q.county.clone(),
                            q.year.to_string(),
                            q.quota.to_string(),
                            q.used.to_string(),
                            q.left.to_string(),
                        ]
                    })
                    .collect(),
            });
        }
        if let Some(surveys) = &self.surveys {
            out.push(DeskTable {
                sheet: "满意度",
                header: s(&["调查", "社区", "有效答卷", "满意", "满意率", "目标", "结论"]),
                rows: surveys
                    .iter()
                    .flat_map(|sv| {
                        sv.communities.iter().map(move |c| {
                            vec![
                                sv.title.clone(),
                                c.community.name.clone(),
                                c.counted.to_string(),
                                c.satisfied.to_string(),
                                pct(c.satisfaction_rate),
                                format!("{}%", c.target_percent),
                                verdict_words(c.verdict).0.to_owned(),
                            ]
                        })
                    })
                    .collect(),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_stage_is_held_to_the_nearest_date_it_is_behind_for_and_overdue_once_it_passed() {
        let dates = YearDates::defaults(2026).unwrap();
        // Waiting for review: mobilisation (30 April) is the date.
        let d = stage_deadline(&dates, RetrofitState::Submitted, day(2026, 3, 1)).unwrap();
        assert_eq!(
            (d.milestone, d.overdue, d.soon),
            (Milestone::Mobilise, false, false)
        );
        let d = stage_deadline(&dates, RetrofitState::Submitted, day(2026, 4, 10)).unwrap();
        assert_eq!(
            (d.milestone, d.overdue, d.soon),
            (Milestone::Mobilise, false, true)
        );
        // On the day itself it is still due, the day after it is overdue.
        assert!(
            !stage_deadline(&dates, RetrofitState::Submitted, day(2026, 4, 30))
                .unwrap()
                .overdue
        );
        assert!(
            stage_deadline(&dates, RetrofitState::Submitted, day(2026, 5, 1))
                .unwrap()
                .overdue
        );
        // Under construction: acceptance by 31 October.
        let d = stage_deadline(&dates, RetrofitState::UnderConstruction, day(2026, 11, 2)).unwrap();
        assert_eq!(
            (d.milestone, d.date, d.overdue),
            (Milestone::Accept, day(2026, 10, 31), true)
        );
        // Accepted and waiting for settlement: the summary on 30 November.
        let d = stage_deadline(&dates, RetrofitState::Accepted, day(2026, 11, 2)).unwrap();
        assert_eq!(
            (d.milestone, d.overdue, d.soon),
            (Milestone::Summary, false, true)
        );
        // Nothing holds a settled household.
        assert_eq!(
            stage_deadline(&dates, RetrofitState::Settled, day(2026, 11, 2)),
            None
        );
    }

    #[test]
    fn office_staff_have_a_desk_and_residents_builders_and_the_province_do_not() {
        use crate::Role as R;
        for role in [
            R::CommunityStaff,
            R::StreetReviewer,
            R::CountyAdmin,
            R::SystemAdmin,
        ] {
            assert!(has_desk(role), "{role:?}");
        }
        for role in [
            R::Resident,
            R::Guardian,
            R::Assessor,
            R::Contractor,
            R::ProvinceOfficer,
        ] {
            assert!(!has_desk(role), "{role:?}");
        }
    }

    #[test]
    fn the_behind_filter_counts_what_the_desk_counts() {
        let dates = YearDates::defaults(2026).unwrap();
        let overdue = stage_deadline(&dates, RetrofitState::Submitted, day(2026, 5, 1)).unwrap();
        let soon = stage_deadline(&dates, RetrofitState::Submitted, day(2026, 4, 10)).unwrap();
        let later = stage_deadline(&dates, RetrofitState::Submitted, day(2026, 1, 10)).unwrap();
        assert_eq!(
            [overdue, soon, later].map(|d| (Behind::Overdue.holds(&d), Behind::DueSoon.holds(&d))),
            [(true, false), (false, true), (false, false)]
        );
        for b in [Behind::Overdue, Behind::DueSoon] {
            assert_eq!(Behind::parse(b.as_str()), Some(b));
        }
        assert_eq!(Behind::parse("late"), None);
    }

    #[test]
    fn every_desk_stage_has_words_and_a_date_it_is_held_to() {
        let dates = YearDates::defaults(2026).unwrap();
        for s in DESK_STAGES {
            assert!(!stage_words(s).0.is_empty());
            assert!(
                stage_deadline(&dates, s, day(2026, 1, 1)).is_some(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn the_tables_carry_the_numbers_and_a_total_row() {
        let view = DeskView {
            month: "2026-11".into(),
            place: "和平街道".into(),
            communities: vec![],
            community_id: None,
            complaints: Some(DeskComplaints {
                open: 5,
                due_today: 1,
                overdue: 2,
                by_community: vec![CommunityCases {
                    community: CommunityRef {
                        id: 1,
                        name: "一社区".into(),
                    },
                    open: 5,
                    due_today: 1,
                    overdue: 2,
                }],
                compliance: vec![],
                handled: 4,
                called: 3,
                callback_coverage_percent: Some(75.0),
                major_handled: 0,
                major_called: 0,
                major_coverage_percent: None,
            }),
            retrofit: None,
            surveys: None,
        };
        let tables = view.tables();
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].rows.last().unwrap(), &["合计", "5", "1", "2"]);
        assert_eq!(tables[1].rows[0], ["回访覆盖", "4", "3", "75.0%"]);
        assert!(tables.iter().all(|t| t.sheet.chars().count() <= 31));
    }
}
