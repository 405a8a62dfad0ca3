//! Complaint and inquiry categories with their default targets (domain.md §3). These are the
//! seed values; the county/property admin edits the stored copies.

use crate::deadline::{ClockKind, Target, TargetName};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    Complaint,
    Inquiry,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub code: String,
    pub kind: CaseKind,
    pub name: String,
    pub name_en: String,
    pub targets: Vec<Target>,
}

fn category(
    code: &str,
    kind: CaseKind,
    name: &str,
    name_en: &str,
    targets: &[(TargetName, ClockKind, u32)],
) -> Category {
    Category {
        code: code.to_owned(),
        kind,
        name: name.to_owned(),
        name_en: name_en.to_owned(),
        targets: targets
            .iter()
            .map(|&(name, clock, amount)| Target {
                name,
                clock,
                amount,
            })
            .collect(),
    }
}

pub fn default_categories() -> Vec<Category> {
    use CaseKind::*;
    use ClockKind::*;
    use TargetName::*;
    vec![
        category(
            "neighbour-disturbance",
            Complaint,
            "邻里噪音、装修异味等",
            "Noise or smell from another household",
            &[(OnSite, RealTime, 15)],
        ),
        category(
            "home-repair",
            Complaint,
            "户内维修",
            "Repair inside my home",
            &[(Resolve, WorkingDays, 7)],
        ),
        category(
            "common-area-repair",
            Complaint,
            "小区公共部分维修",
            "Repair in a shared area",
            &[(Resolve, WorkingDays, 3)],
        ),
        category(
            "other-complaint",
            Complaint,
            "其他投诉",
            "Another complaint",
            &[(OnSite, RealTime, 8 * 60)],
        ),
        category(
            "inquiry-community",
            Inquiry,
            "咨询社区事务",
            "Question about the community",
            &[(Answer, RealTime, 30)],
        ),
        category(
            "inquiry-fees",
            Inquiry,
            "咨询物业费用",
            "Question about fees",
            &[(Answer, RealTime, 30)],
        ),
        category(
            "inquiry-other-services",
            Inquiry,
            "咨询其他服务收费",
            "Fees of other services",
            &[(Answer, RealTime, 30)],
        ),
        category(
            "inquiry-other-departments",
            Inquiry,
            "咨询其他部门办事流程",
            "Other departments' procedures",
            &[(Answer, WorkingDays, 2)],
        ),
    ]
}

/// What an admin may change about a category: its names and targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateCategoryRequest {
    pub name: String,
    pub name_en: String,
    pub targets: Vec<Target>,
}

/// Checks an edited category; `(field, zh, en)` per problem.
pub fn check_category(
    req: &UpdateCategoryRequest,
) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut problems = Vec::new();
    if req.name.trim().is_empty() || req.name.chars().count() > 40 {
        problems.push((
            "name",
            "请填写类别名称（最多 40 字）",
            "Enter a name (40 characters at most)",
        ));
    }
    if req.name_en.trim().is_empty() || req.name_en.chars().count() > 80 {
        problems.push((
            "name_en",
            "请填写英文名称（最多 80 字）",
            "Enter an English name (80 characters at most)",
        ));
    }
    if req.targets.is_empty() {
        problems.push((
            "targets",
            "至少需要一个时限",
            "At least one target is needed",
        ));
    }
    let mut seen = Vec::new();
    for t in &req.targets {
        let ok = match t.clock {
            ClockKind::WorkingDays => (1..=60).contains(&t.amount),
            // Up to a week of minutes.
            ClockKind::RealTime | ClockKind::WorkingHours => (1..=7 * 24 * 60).contains(&t.amount),
        };
        if !ok {
            problems.push((
                "targets",
                "时限超出范围（分钟 1–10080，工作日 1–60）",
                "Target out of range (1–10080 minutes, 1–60 working days)",
            ));
            break;
        }
        if seen.contains(&t.name) {
            problems.push((
                "targets",
                "同一种时限只能有一个",
                "Each kind of target can appear once",
            ));
            break;
        }
        seen.push(t.name);
    }
    problems
}

pub fn find_category<'a>(categories: &'a [Category], code: &str) -> Option<&'a Category> {
    categories.iter().find(|c| c.code == code)
}

/// Where the problem of a category usually is, for the complaint form's place question: a
/// shared-area repair is in the shared area, a home repair at home; `None` where it depends.
pub fn usually_in_shared_area(code: &str) -> Option<bool> {
    match code {
        "common-area-repair" => Some(true),
        "home-repair" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_follows_the_repair_categories_that_exist() {
        let codes: Vec<String> = default_categories().into_iter().map(|c| c.code).collect();
        for code in ["common-area-repair", "home-repair"] {
            assert!(
                codes.iter().any(|c| c == code),
                "{code} is a seeded category"
            );
        }
        assert_eq!(usually_in_shared_area("common-area-repair"), Some(true));
        assert_eq!(usually_in_shared_area("home-repair"), Some(false));
        assert_eq!(usually_in_shared_area("inquiry-fees"), None);
    }

    #[test]
    fn edited_categories_are_checked() {
        let ok = UpdateCategoryRequest {
            name: "户内维修".into(),
            name_en: "Home repair".into(),
            targets: vec![
                Target {
                    name: TargetName::Acknowledge,
                    clock: ClockKind::RealTime,
                    amount: 30,
                },
                Target {
                    name: TargetName::Resolve,
                    clock: ClockKind::WorkingDays,
                    amount: 5,
                },
            ],
        };
        assert!(check_category(&ok).is_empty());
        let mut bad = ok.clone();
        bad.targets[1].amount = 0;
        assert_eq!(check_category(&bad)[0].0, "targets");
        let mut twice = ok.clone();
        twice.targets[1].name = TargetName::Acknowledge;
        assert_eq!(check_category(&twice)[0].0, "targets");
        let mut unnamed = ok;
        unnamed.name = " ".into();
        unnamed.targets.clear();
        let fields: Vec<_> = check_category(&unnamed).into_iter().map(|p| p.0).collect();
        assert_eq!(fields, ["name", "targets"]);
    }

    #[test]
    fn defaults_follow_the_service_standard() {
        let all = default_categories();
        assert_eq!(all.len(), 8);
        let target = |code: &str| find_category(&all, code).unwrap().targets[0];
        assert_eq!(target("neighbour-disturbance").amount, 15);
        assert_eq!(target("home-repair").clock, ClockKind::WorkingDays);
        assert_eq!(target("home-repair").amount, 7);
        assert_eq!(target("common-area-repair").amount, 3);
        assert_eq!(target("other-complaint").amount, 480);
        assert_eq!(target("inquiry-other-departments").amount, 2);
        assert!(find_category(&all, "not-a-category").is_none());
    }
}
