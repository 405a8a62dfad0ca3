//! Satisfaction surveys (满意度调查): question definitions, which answer counts as
//! "satisfied" (a rule stored as data with the survey), checking a response against the
//! version it answers, and the monthly verdict against a community's target.
//!
//! The satisfaction rate is `satisfied / responses that answered the rule's question`, the
//! same definition as the complaints report's call-back satisfaction (`satisfied / reached`):
//! a response or call that does not say whether the person is satisfied is left out of both
//! the numerator and the denominator.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const TEXT_MAX_CHARS: usize = 500;
pub const QUESTION_MAX_CHARS: usize = 200;
pub const MAX_QUESTIONS: usize = 50;
pub const MAX_OPTIONS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    SingleChoice {
        options: Vec<String>,
    },
    MultiChoice {
        options: Vec<String>,
    },
    /// 1 to 5, with words for both ends ("很不满意" … "很满意").
    Rating {
        low_label: String,
        high_label: String,
    },
    YesNo,
    ShortText,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyQuestion {
    /// Stable within a survey (`q1`, `q2`, …): answers refer to it.
    pub id: String,
    pub text: String,
    pub kind: QuestionKind,
    pub required: bool,
    /// Questions with the same page number are shown together (outside 长辈版).
    pub page: u32,
}

/// Which answer to which question means "satisfied".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "when", rename_all = "snake_case")]
pub enum SatisfiedWhen {
    /// A rating at or above this value.
    RatingAtLeast { value: u8 },
    /// One of these options (single choice).
    OneOf { options: Vec<String> },
    /// "Yes" to a yes/no question.
    Yes,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SatisfactionRule {
    pub question_id: String,
    #[serde(flatten)]
    pub when: SatisfiedWhen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyDefinition {
    pub title: String,
    #[serde(default)]
    pub intro: String,
    pub questions: Vec<SurveyQuestion>,
    pub rule: Option<SatisfactionRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Answer {
    Rating(u8),
    YesNo(bool),
    Choices(Vec<String>),
    /// A single choice or a short text.
    Text(String),
}

pub type Answers = BTreeMap<String, Answer>;
pub type Problems = BTreeMap<String, FieldError>;

fn add(p: &mut Problems, field: String, zh: String, en: String) {
    p.insert(field, FieldError::new(zh, en));
}

/// Checks a survey before it is saved or published; problems are keyed by question id.
pub fn check_definition(d: &SurveyDefinition) -> Problems {
    let mut p = Problems::new();
    if d.title.trim().is_empty() || d.title.chars().count() > QUESTION_MAX_CHARS {
        add(
            &mut p,
            "title".into(),
            "请填写调查标题（200 字以内）".into(),
            "Enter a title (200 characters at most)".into(),
        );
    }
    if d.questions.is_empty() || d.questions.len() > MAX_QUESTIONS {
        add(
            &mut p,
            "questions".into(),
            "调查需要 1 到 50 个问题".into(),
            "A survey needs 1 to 50 questions".into(),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for q in &d.questions {
        if q.id.trim().is_empty() || !seen.insert(q.id.as_str()) {
            add(
                &mut p,
                format!("question.{}", q.id),
                "问题编号重复或为空".into(),
                "Question ids must be unique".into(),
            );
        }
        if q.text.trim().is_empty() || q.text.chars().count() > QUESTION_MAX_CHARS {
            add(
                &mut p,
                format!("question.{}", q.id),
                "请填写问题（200 字以内）".into(),
                "Write the question (200 characters at most)".into(),
            );
        }
        if let QuestionKind::SingleChoice { options } | QuestionKind::MultiChoice { options } =
            &q.kind
        {
            let distinct: std::collections::BTreeSet<&str> =
                options.iter().map(|o| o.trim()).collect();
            if options.len() < 2
                || options.len() > MAX_OPTIONS
                || distinct.len() != options.len()
                || distinct.contains("")
            {
                add(
                    &mut p,
                    format!("question.{}", q.id),
                    "选择题需要 2 到 12 个不同的选项".into(),
                    "A choice question needs 2 to 12 different options".into(),
                );
            }
        }
    }
    if let Some(rule) = &d.rule {
        let target = d.questions.iter().find(|q| q.id == rule.question_id);
        let fits = match (target.map(|q| &q.kind), &rule.when) {
            (Some(QuestionKind::Rating { .. }), SatisfiedWhen::RatingAtLeast { value }) => {
                (1..=5).contains(value)
            }
            (
                Some(QuestionKind::SingleChoice { options }),
                SatisfiedWhen::OneOf { options: ok },
            ) => !ok.is_empty() && ok.iter().all(|o| options.contains(o)),
            (Some(QuestionKind::YesNo), SatisfiedWhen::Yes) => true,
            _ => false,
        };
        if !fits {
            add(
                &mut p,
                "rule".into(),
                "“满意”的判定要对应一道评分、单选或是非题".into(),
                "The satisfaction rule must refer to a rating, single-choice or yes/no question"
                    .into(),
            );
        }
    }
    p
}

/// Checks a response against the version it answers; nothing is saved when this finds a
/// problem. Problems are keyed by question id (`unknown` for answers to no question).
pub fn check_response(d: &SurveyDefinition, answers: &Answers) -> Problems {
    let mut p = Problems::new();
    for id in answers.keys() {
        if !d.questions.iter().any(|q| &q.id == id) {
            add(
                &mut p,
                id.clone(),
                format!("问卷中没有这道题（{id}）"),
                format!("There is no question {id} in this survey"),
            );
        }
    }
    for q in &d.questions {
        let field = q.id.clone();
        let Some(a) = answers.get(&q.id) else {
            if q.required {
                add(
                    &mut p,
                    field,
                    format!("请回答：{}", q.text),
                    format!("Answer: {}", q.text),
                );
            }
            continue;
        };
        let problem = match (&q.kind, a) {
            (QuestionKind::Rating { .. }, Answer::Rating(n)) if (1..=5).contains(n) => None,
            (QuestionKind::Rating { .. }, _) => {
                Some(("请选 1 到 5 分".to_owned(), "Choose 1 to 5".to_owned()))
            }
            (QuestionKind::YesNo, Answer::YesNo(_)) => None,
            (QuestionKind::YesNo, _) => Some(("请选“是”或“否”".into(), "Choose yes or no".into())),
            (QuestionKind::SingleChoice { options }, Answer::Text(c)) if options.contains(c) => {
                None
            }
            (QuestionKind::MultiChoice { options }, Answer::Choices(cs))
                if cs.iter().all(|c| options.contains(c)) && (!q.required || !cs.is_empty()) =>
            {
                None
            }
            (QuestionKind::SingleChoice { .. } | QuestionKind::MultiChoice { .. }, _) => Some((
                format!("“{}”的答案不是给出的选项", q.text),
                format!("The answer to “{}” is not one of the options", q.text),
            )),
            (QuestionKind::ShortText, Answer::Text(t)) if t.chars().count() <= TEXT_MAX_CHARS => {
                if q.required && t.trim().is_empty() {
                    Some((format!("请回答：{}", q.text), format!("Answer: {}", q.text)))
                } else {
                    None
                }
            }
            (QuestionKind::ShortText, _) => Some((
                "文字不能超过 500 字".into(),
                "500 characters at most".into(),
            )),
        };
        if let Some((zh, en)) = problem {
            add(&mut p, field, zh, en);
        }
    }
    p
}

/// Whether the response counts as satisfied; `None` when the survey has no rule or the
/// rule's question was not answered (then the response is not in the rate at all).
pub fn is_satisfied(d: &SurveyDefinition, answers: &Answers) -> Option<bool> {
    let rule = d.rule.as_ref()?;
    let a = answers.get(&rule.question_id)?;
    Some(match (&rule.when, a) {
        (SatisfiedWhen::RatingAtLeast { value }, Answer::Rating(n)) => n >= value,
        (SatisfiedWhen::OneOf { options }, Answer::Text(c)) => options.contains(c),
        (SatisfiedWhen::Yes, Answer::YesNo(b)) => *b,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SurveyVerdict))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// At or above the target.
    Pass,
    /// Below the target: the community must redo the work (补课).
    NeedsRedo,
    /// Nobody said whether they are satisfied yet.
    NoData,
}

/// The verdict for `satisfied` of `counted` against a target in percent; exactly at the
/// target passes. Integer arithmetic, so 9 of 10 against 90 % is a pass, never a rounding
/// accident.
pub fn verdict(satisfied: u64, counted: u64, target_percent: u32) -> Verdict {
    if counted == 0 {
        Verdict::NoData
    } else if satisfied * 100 >= u64::from(target_percent) * counted {
        Verdict::Pass
    } else {
        Verdict::NeedsRedo
    }
}

/// Percent with one decimal, for display (`None` without data).
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// `YYYY-MM-DD` → a date, by plain arithmetic.
pub fn parse_day(s: &str) -> Option<chrono::NaiveDate> {
    let b = s.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    chrono::NaiveDate::from_ymd_opt(i32::try_from(n(0..4)?).ok()?, n(5..7)?, n(8..10)?)
}

fn rating(id: &str, text: &str, page: u32) -> SurveyQuestion {
    SurveyQuestion {
        id: id.into(),
        text: text.into(),
        kind: QuestionKind::Rating {
            low_label: "很不满意".into(),
            high_label: "很满意".into(),
        },
        required: true,
        page,
    }
}

/// The property-service satisfaction questionnaire, ready to publish in one click.
pub fn property_service_template() -> SurveyDefinition {
    SurveyDefinition {
        title: "物业服务满意度调查".into(),
        intro: "请为本小区的物业服务打分，1 分很不满意，5 分很满意。大约需要 2 分钟。".into(),
        questions: vec![
            rating("cleanliness", "小区环境卫生", 1),
            rating("security", "安全秩序（门岗、巡逻）", 1),
            rating("repairs", "报修维修（速度和质量）", 1),
            rating("green", "绿化养护", 2),
            rating("attitude", "工作人员服务态度", 2),
            SurveyQuestion {
                id: "overall".into(),
                text: "总体上，您对物业服务满意吗？".into(),
                kind: QuestionKind::SingleChoice {
                    options: vec!["满意".into(), "基本满意".into(), "不满意".into()],
                },
                required: true,
                page: 3,
            },
            SurveyQuestion {
                id: "comment".into(),
                text: "还有什么意见或建议？".into(),
                kind: QuestionKind::ShortText,
                required: false,
                page: 3,
            },
        ],
        rule: Some(SatisfactionRule {
            question_id: "overall".into(),
            when: SatisfiedWhen::OneOf {
                options: vec!["满意".into(), "基本满意".into()],
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn full() -> Answers {
        answers(&[
            ("cleanliness", Answer::Rating(4)),
            ("security", Answer::Rating(5)),
            ("repairs", Answer::Rating(3)),
            ("green", Answer::Rating(4)),
            ("attitude", Answer::Rating(5)),
            ("overall", Answer::Text("基本满意".into())),
        ])
    }

    #[test]
    fn the_template_is_valid_and_its_rule_is_data() {
        let t = property_service_template();
        assert!(
            check_definition(&t).is_empty(),
            "{:?}",
            check_definition(&t)
        );
        let json = serde_json::to_string(&t).unwrap();
        let back: SurveyDefinition = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        assert!(json.contains("\"when\":\"one_of\""));
    }

    #[test]
    fn satisfaction_follows_the_rule_table() {
        let t = property_service_template();
        let cases = [
            ("满意", Some(true)),
            ("基本满意", Some(true)),
            ("不满意", Some(false)),
        ];
        for (choice, expected) in cases {
            let mut a = full();
            a.insert("overall".into(), Answer::Text(choice.into()));
            assert_eq!(is_satisfied(&t, &a), expected, "{choice}");
        }
        let mut rated = t.clone();
        rated.rule = Some(SatisfactionRule {
            question_id: "attitude".into(),
            when: SatisfiedWhen::RatingAtLeast { value: 4 },
        });
        for (n, expected) in [(3, false), (4, true), (5, true)] {
            let mut a = full();
            a.insert("attitude".into(), Answer::Rating(n));
            assert_eq!(is_satisfied(&rated, &a), Some(expected), "rating {n}");
        }
        let mut none = full();
        none.remove("overall");
        assert_eq!(is_satisfied(&t, &none), None, "unanswered: not in the rate");
    }

    #[test]
    fn the_verdict_at_exactly_the_target_passes() {
        assert_eq!(verdict(9, 10, 90), Verdict::Pass);
        assert_eq!(verdict(8, 10, 90), Verdict::NeedsRedo);
        assert_eq!(verdict(899, 1000, 90), Verdict::NeedsRedo);
        assert_eq!(verdict(900, 1000, 90), Verdict::Pass);
        assert_eq!(verdict(0, 0, 90), Verdict::NoData);
        assert_eq!(verdict(1, 3, 33), Verdict::Pass);
        assert_eq!(percent(2, 3), Some(66.7));
    }

    #[test]
    fn responses_are_checked_against_their_version() {
        let t = property_service_template();
        assert!(check_response(&t, &full()).is_empty());
        let mut bad = full();
        bad.insert("overall".into(), Answer::Text("非常满意".into()));
        bad.insert("parking".into(), Answer::Rating(3));
        bad.insert("security".into(), Answer::Rating(6));
        bad.remove("green");
        let p = check_response(&t, &bad);
        assert!(p.contains_key("overall"), "a choice not offered");
        assert!(p.contains_key("parking"), "an unknown question");
        assert!(p.contains_key("security"), "out of range");
        assert!(p.contains_key("green"), "a missing required answer");
        assert!(
            !p.contains_key("comment"),
            "optional questions may be skipped"
        );
        // A later version without the question: the same answers no longer fit.
        let mut v2 = t.clone();
        v2.questions.retain(|q| q.id != "green");
        assert!(check_response(&v2, &full()).contains_key("green"));
    }

    #[test]
    fn days_are_read_strictly() {
        assert_eq!(
            parse_day("2026-02-28"),
            chrono::NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        for bad in [
            "2026-02-29",
            "2026-2-28",
            "20260228",
            "2026-13-01",
            "abcd-ef-gh",
            "",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn bad_definitions_are_refused() {
        let mut t = property_service_template();
        t.rule = Some(SatisfactionRule {
            question_id: "comment".into(),
            when: SatisfiedWhen::Yes,
        });
        assert!(check_definition(&t).contains_key("rule"));
        let mut dup = property_service_template();
        dup.questions[1].id = "cleanliness".into();
        assert!(!check_definition(&dup).is_empty());
        let mut one = property_service_template();
        one.questions[5].kind = QuestionKind::SingleChoice {
            options: vec!["满意".into()],
        };
        assert!(!check_definition(&one).is_empty());
    }
}
