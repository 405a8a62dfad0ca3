//! Who qualifies for a subsidised home age-friendly retrofit (domain.md §2), and which question
//! to ask next so that questions that cannot matter are skipped. Used by the app for the
//! instant answer and by the server as the authority.

use crate::id_number::IdNumber;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CoveredGroup {
    /// 分散供养特困人员
    DispersedExtremePoverty,
    /// 脱贫人口
    LiftedOutOfPoverty,
    /// 城乡低保对象: only where the county has switched it on.
    MinimumLivingAllowance,
    /// None of these.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// 高龄: 80 or older on the day of the check.
    Age80,
    /// 失能: cannot do at least 4 of the 6 daily activities alone, or already recognised.
    Disabled,
    /// 残疾: holds a 2nd or 3rd generation disability certificate.
    CertifiedDisability,
}

/// Answers so far; `None` means not asked yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibilityAnswers {
    pub id_number: Option<String>,
    pub group: Option<CoveredGroup>,
    /// How many of eat, dress, bed, toilet, walk indoors, bathe the elder cannot do alone.
    pub activities_needing_help: Option<u8>,
    /// Already recognised as 失能 (as 特困 or under the disabled-care subsidy).
    pub already_recognised_disabled: Option<bool>,
    pub disability_certificate: Option<bool>,
    pub owns_or_long_term_use: Option<bool>,
    pub safe_to_retrofit: Option<bool>,
    pub on_demolition_list: Option<bool>,
    pub already_retrofitted: Option<bool>,
    pub can_stay_elsewhere: Option<bool>,
}

/// A county's switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountyRules {
    pub minimum_living_allowance_covered: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Question {
    IdNumber,
    /// Where the elder lives: asked only when the county's rules matter (低保).
    Place,
    Group,
    Ownership,
    Safety,
    Demolition,
    AlreadyRetrofitted,
    AlreadyRecognised,
    Activities,
    DisabilityCertificate,
    StayElsewhere,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    NoUseRight,
    Unsafe,
    OnDemolitionList,
    AlreadyRetrofitted,
    GroupNotCovered,
    MinimumLivingNotCoveredHere,
    NoGround,
}

impl Reason {
    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::NoUseRight => ("只有自有住房或有长期使用权的住房才能改造", "Only a home you own or have long-term use of can be retrofitted"),
            Self::Unsafe => ("住房需要先达到基本安全要求，才能改造", "The home must first meet basic safety standards"),
            Self::OnDemolitionList => ("近期要征收拆迁的住房不改造", "Homes due for demolition soon are not retrofitted"),
            Self::AlreadyRetrofitted => ("已经享受过无障碍改造的家庭不重复补贴，可以自费改造", "Households already retrofitted under the barrier-free programme are not subsidised again; self-paid work is possible"),
            Self::GroupNotCovered => ("补贴面向分散供养特困人员和脱贫人口，您可以自费改造", "The subsidy is for dispersed extremely poor elders and people lifted out of poverty; you can pay for the work yourself"),
            Self::MinimumLivingNotCoveredHere => ("本县（区）暂未把低保对象纳入补贴，您可以自费改造", "This county does not yet subsidise minimum-allowance households; you can pay yourself"),
            Self::NoGround => ("补贴要求老人满 80 岁、失能或持二、三代残疾人证，您可以自费改造", "The subsidy needs the elder to be 80+, disabled in daily living, or to hold a 2nd/3rd generation disability certificate; you can pay yourself"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    Subsidised {
        group: CoveredGroup,
        grounds: Vec<Ground>,
        street_office_arranges_stay: bool,
        must_arrange_stay: bool,
    },
    SelfPaidOnly {
        reasons: Vec<Reason>,
    },
    NotEligible {
        reasons: Vec<Reason>,
    },
}

/// The public check: the answers so far and, once known, where the elder lives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibilityCheckRequest {
    pub answers: EligibilityAnswers,
    #[serde(default)]
    pub community_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibilityCheckView {
    pub next_question: Option<Question>,
    /// Set once no question is left.
    pub outcome: Option<Outcome>,
    pub rules: Option<CountyRules>,
}

/// Both halves of the check in one call, as the app and the server use it.
pub fn check(
    a: &EligibilityAnswers,
    rules: Option<CountyRules>,
    today: NaiveDate,
) -> EligibilityCheckView {
    let next = next_question(a, rules, today);
    EligibilityCheckView {
        next_question: next,
        outcome: next
            .is_none()
            .then(|| assess(a, rules.unwrap_or_default(), today)),
        rules,
    }
}

fn grounds(a: &EligibilityAnswers, today: NaiveDate) -> Vec<Ground> {
    let mut g = Vec::new();
    if a.id_number
        .as_deref()
        .and_then(|s| IdNumber::parse(s).ok())
        .is_some_and(|id| id.age_on(today) >= 80)
    {
        g.push(Ground::Age80);
    }
    if a.already_recognised_disabled == Some(true)
        || a.activities_needing_help.is_some_and(|n| n >= 4)
    {
        g.push(Ground::Disabled);
    }
    if a.disability_certificate == Some(true) {
        g.push(Ground::CertifiedDisability);
    }
    g
}

/// The next question worth asking, or `None` when [`assess`] can answer. `rules` is `None`
/// while the elder's county is not known yet.
pub fn next_question(
    a: &EligibilityAnswers,
    rules: Option<CountyRules>,
    today: NaiveDate,
) -> Option<Question> {
    if a.id_number
        .as_deref()
        .and_then(|s| IdNumber::parse(s).ok())
        .is_none()
    {
        return Some(Question::IdNumber);
    }
    let checks = [
        (
            a.owns_or_long_term_use.is_none(),
            Question::Ownership,
            a.owns_or_long_term_use == Some(false),
        ),
        (
            a.safe_to_retrofit.is_none(),
            Question::Safety,
            a.safe_to_retrofit == Some(false),
        ),
        (
            a.on_demolition_list.is_none(),
            Question::Demolition,
            a.on_demolition_list == Some(true),
        ),
    ];
    for (unanswered, q, rules_out) in checks {
        if unanswered {
            return Some(q);
        }
        if rules_out {
            return None;
        }
    }
    let Some(group) = a.group else {
        return Some(Question::Group);
    };
    let covered = match group {
        CoveredGroup::DispersedExtremePoverty | CoveredGroup::LiftedOutOfPoverty => true,
        CoveredGroup::MinimumLivingAllowance => match rules {
            Some(r) => r.minimum_living_allowance_covered,
            None => return Some(Question::Place),
        },
        CoveredGroup::None => false,
    };
    if !covered {
        return None;
    }
    if a.already_retrofitted.is_none() {
        return Some(Question::AlreadyRetrofitted);
    }
    if a.already_retrofitted == Some(true) {
        return None;
    }
    if grounds(a, today).is_empty() {
        if a.already_recognised_disabled.is_none() {
            return Some(Question::AlreadyRecognised);
        }
        if a.already_recognised_disabled == Some(false) && a.activities_needing_help.is_none() {
            return Some(Question::Activities);
        }
        if a.disability_certificate.is_none() {
            return Some(Question::DisabilityCertificate);
        }
        return None;
    }
    // 特困 elders are housed by the street office during works; others are asked.
    if group != CoveredGroup::DispersedExtremePoverty && a.can_stay_elsewhere.is_none() {
        return Some(Question::StayElsewhere);
    }
    None
}

/// The questions asked, in order, to reach these answers: each already answered one, then
/// the next unanswered one if any. Lets a person walk through their answers again, seeing
/// exactly the questions that apply to them.
pub fn question_path(
    a: &EligibilityAnswers,
    rules: Option<CountyRules>,
    today: NaiveDate,
) -> Vec<Question> {
    let mut partial = EligibilityAnswers {
        id_number: a.id_number.clone(),
        ..Default::default()
    };
    let mut path = Vec::new();
    while let Some(q) = next_question(&partial, rules, today) {
        path.push(q);
        let answered = match q {
            Question::IdNumber | Question::Place => false,
            Question::Group => a.group.map(|v| partial.group = Some(v)).is_some(),
            Question::Ownership => a
                .owns_or_long_term_use
                .map(|v| partial.owns_or_long_term_use = Some(v))
                .is_some(),
            Question::Safety => a
                .safe_to_retrofit
                .map(|v| partial.safe_to_retrofit = Some(v))
                .is_some(),
            Question::Demolition => a
                .on_demolition_list
                .map(|v| partial.on_demolition_list = Some(v))
                .is_some(),
            Question::AlreadyRetrofitted => a
                .already_retrofitted
                .map(|v| partial.already_retrofitted = Some(v))
                .is_some(),
            Question::AlreadyRecognised => a
                .already_recognised_disabled
                .map(|v| partial.already_recognised_disabled = Some(v))
                .is_some(),
            Question::Activities => a
                .activities_needing_help
                .map(|v| partial.activities_needing_help = Some(v))
                .is_some(),
            Question::DisabilityCertificate => a
                .disability_certificate
                .map(|v| partial.disability_certificate = Some(v))
                .is_some(),
            Question::StayElsewhere => a
                .can_stay_elsewhere
                .map(|v| partial.can_stay_elsewhere = Some(v))
                .is_some(),
        };
        if !answered {
            break;
        }
    }
    path
}

pub fn assess(a: &EligibilityAnswers, rules: CountyRules, today: NaiveDate) -> Outcome {
    let mut housing = Vec::new();
    if a.owns_or_long_term_use == Some(false) {
        housing.push(Reason::NoUseRight);
    }
    if a.safe_to_retrofit == Some(false) {
        housing.push(Reason::Unsafe);
    }
    if a.on_demolition_list == Some(true) {
        housing.push(Reason::OnDemolitionList);
    }
    if !housing.is_empty() {
        return Outcome::NotEligible { reasons: housing };
    }
    let group = a.group.unwrap_or(CoveredGroup::None);
    let group_reason = match group {
        CoveredGroup::None => Some(Reason::GroupNotCovered),
        CoveredGroup::MinimumLivingAllowance if !rules.minimum_living_allowance_covered => {
            Some(Reason::MinimumLivingNotCoveredHere)
        }
        _ => None,
    };
    if let Some(r) = group_reason {
        return Outcome::SelfPaidOnly { reasons: vec![r] };
    }
    if a.already_retrofitted == Some(true) {
        return Outcome::SelfPaidOnly {
            reasons: vec![Reason::AlreadyRetrofitted],
        };
    }
    let grounds = grounds(a, today);
    if grounds.is_empty() {
        return Outcome::SelfPaidOnly {
            reasons: vec![Reason::NoGround],
        };
    }
    let arranged = group == CoveredGroup::DispersedExtremePoverty;
    Outcome::Subsidised {
        group,
        grounds,
        street_office_arranges_stay: arranged,
        must_arrange_stay: !arranged && a.can_stay_elsewhere == Some(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id_number::tests::make;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn base(born: &str, group: CoveredGroup) -> EligibilityAnswers {
        EligibilityAnswers {
            id_number: Some(make("110105", born, "123")),
            group: Some(group),
            owns_or_long_term_use: Some(true),
            safe_to_retrofit: Some(true),
            on_demolition_list: Some(false),
            already_retrofitted: Some(false),
            ..Default::default()
        }
    }

    #[test]
    fn outcomes_table() {
        let rules = CountyRules::default();
        let with_low = CountyRules {
            minimum_living_allowance_covered: true,
        };
        use CoveredGroup::*;
        let sub = |grounds: Vec<Ground>, group| Outcome::Subsidised {
            group,
            grounds,
            street_office_arranges_stay: group == DispersedExtremePoverty,
            must_arrange_stay: false,
        };
        let mut activities = base("19600101", LiftedOutOfPoverty);
        activities.activities_needing_help = Some(4);
        let mut three = base("19600101", LiftedOutOfPoverty);
        three.activities_needing_help = Some(3);
        three.already_recognised_disabled = Some(false);
        three.disability_certificate = Some(false);
        let mut cert = base("19600101", DispersedExtremePoverty);
        cert.disability_certificate = Some(true);
        let mut demolish = base("19400101", DispersedExtremePoverty);
        demolish.on_demolition_list = Some(true);
        let mut done = base("19400101", DispersedExtremePoverty);
        done.already_retrofitted = Some(true);
        let cases: Vec<(EligibilityAnswers, CountyRules, Outcome)> = vec![
            (
                base("19460101", DispersedExtremePoverty),
                rules,
                sub(vec![Ground::Age80], DispersedExtremePoverty),
            ),
            // Turns 80 tomorrow: not yet.
            (
                base("19461126", LiftedOutOfPoverty),
                rules,
                Outcome::SelfPaidOnly {
                    reasons: vec![Reason::NoGround],
                },
            ),
            (
                base("19461125", LiftedOutOfPoverty),
                rules,
                sub(vec![Ground::Age80], LiftedOutOfPoverty),
            ),
            (
                activities,
                rules,
                sub(vec![Ground::Disabled], LiftedOutOfPoverty),
            ),
            (
                three,
                rules,
                Outcome::SelfPaidOnly {
                    reasons: vec![Reason::NoGround],
                },
            ),
            (
                cert,
                rules,
                sub(vec![Ground::CertifiedDisability], DispersedExtremePoverty),
            ),
            (
                base("19400101", MinimumLivingAllowance),
                rules,
                Outcome::SelfPaidOnly {
                    reasons: vec![Reason::MinimumLivingNotCoveredHere],
                },
            ),
            (
                base("19400101", MinimumLivingAllowance),
                with_low,
                sub(vec![Ground::Age80], MinimumLivingAllowance),
            ),
            (
                base("19400101", None),
                rules,
                Outcome::SelfPaidOnly {
                    reasons: vec![Reason::GroupNotCovered],
                },
            ),
            (
                demolish,
                rules,
                Outcome::NotEligible {
                    reasons: vec![Reason::OnDemolitionList],
                },
            ),
            (
                done,
                rules,
                Outcome::SelfPaidOnly {
                    reasons: vec![Reason::AlreadyRetrofitted],
                },
            ),
        ];
        for (i, (answers, rules, expected)) in cases.into_iter().enumerate() {
            assert_eq!(assess(&answers, rules, today()), expected, "case {i}");
        }
    }

    #[test]
    fn questions_that_cannot_matter_are_skipped() {
        let rules = CountyRules::default();
        let mut a = EligibilityAnswers::default();
        assert_eq!(
            next_question(&a, Some(rules), today()),
            Some(Question::IdNumber)
        );
        a.id_number = Some(make("110105", "19400101", "123"));
        assert_eq!(
            next_question(&a, Some(rules), today()),
            Some(Question::Ownership)
        );
        a.owns_or_long_term_use = Some(false);
        assert_eq!(
            next_question(&a, Some(rules), today()),
            None,
            "no use right: nothing else matters"
        );
        a.owns_or_long_term_use = Some(true);
        a.safe_to_retrofit = Some(true);
        a.on_demolition_list = Some(false);
        assert_eq!(
            next_question(&a, Some(rules), today()),
            Some(Question::Group)
        );
        a.group = Some(CoveredGroup::LiftedOutOfPoverty);
        a.already_retrofitted = Some(false);
        // 86 years old: the activity and certificate questions are skipped.
        assert_eq!(
            next_question(&a, Some(rules), today()),
            Some(Question::StayElsewhere)
        );
        a.group = Some(CoveredGroup::DispersedExtremePoverty);
        assert_eq!(
            next_question(&a, Some(rules), today()),
            None,
            "特困: the street office arranges the stay"
        );

        let mut young = a.clone();
        young.id_number = Some(make("110105", "19600101", "123"));
        assert_eq!(
            next_question(&young, Some(rules), today()),
            Some(Question::AlreadyRecognised)
        );
        young.already_recognised_disabled = Some(true);
        assert_eq!(next_question(&young, Some(rules), today()), None);
        young.already_recognised_disabled = Some(false);
        assert_eq!(
            next_question(&young, Some(rules), today()),
            Some(Question::Activities)
        );
        young.activities_needing_help = Some(2);
        assert_eq!(
            next_question(&young, Some(rules), today()),
            Some(Question::DisabilityCertificate)
        );
    }

    #[test]
    fn the_place_is_asked_only_when_the_county_switch_matters() {
        let mut a = base("19400101", CoveredGroup::MinimumLivingAllowance);
        a.already_retrofitted = None;
        assert_eq!(next_question(&a, None, today()), Some(Question::Place));
        let covered = CountyRules {
            minimum_living_allowance_covered: true,
        };
        assert_eq!(
            next_question(&a, Some(covered), today()),
            Some(Question::AlreadyRetrofitted)
        );
        assert_eq!(
            next_question(&a, Some(CountyRules::default()), today()),
            None
        );
        a.group = Some(CoveredGroup::LiftedOutOfPoverty);
        assert_eq!(
            next_question(&a, None, today()),
            Some(Question::AlreadyRetrofitted),
            "other groups never need the place"
        );
    }

    #[test]
    fn the_question_path_lists_exactly_the_questions_that_apply() {
        let rules = Some(CountyRules::default());
        let a = base("19400101", CoveredGroup::LiftedOutOfPoverty);
        assert_eq!(
            question_path(&a, rules, today()),
            vec![
                Question::Ownership,
                Question::Safety,
                Question::Demolition,
                Question::Group,
                Question::AlreadyRetrofitted,
                Question::StayElsewhere,
            ],
            "86 years old: the health questions never apply; the last is still to answer"
        );
        let mut young = base("19600101", CoveredGroup::DispersedExtremePoverty);
        young.already_recognised_disabled = Some(false);
        young.activities_needing_help = Some(5);
        let path = question_path(&young, rules, today());
        assert_eq!(
            &path[4..],
            &[
                Question::AlreadyRetrofitted,
                Question::AlreadyRecognised,
                Question::Activities
            ]
        );
        assert_eq!(next_question(&young, rules, today()), None);
        let none = EligibilityAnswers::default();
        assert_eq!(
            question_path(&none, rules, today()),
            vec![Question::IdNumber]
        );
    }

    #[test]
    fn someone_who_cannot_stay_elsewhere_is_told_to_arrange_it() {
        let mut a = base("19400101", CoveredGroup::LiftedOutOfPoverty);
        a.can_stay_elsewhere = Some(false);
        match assess(&a, CountyRules::default(), today()) {
            Outcome::Subsidised {
                must_arrange_stay,
                street_office_arranges_stay,
                ..
            } => {
                assert!(must_arrange_stay);
                assert!(!street_office_arranges_stay);
            }
            other => panic!("{other:?}"),
        }
    }
}
