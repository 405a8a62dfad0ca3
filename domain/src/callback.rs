//! Monthly call-backs (回访) and the month's complaint report: API types, month arithmetic and
//! the CSV rendering (the XLSX export renders the same rows).

use crate::calendar::shanghai;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// `2026-11` → the month's bounds in Asia/Shanghai, as UTC instants `[start, end)`.
/// `YYYY-MM` exactly (ASCII digits, month 01–12), as (year, month). Nothing is trimmed: a
/// month that arrives with spaces or full-width characters around it is not a month.
pub fn parse_month(month: &str) -> Option<(i32, u32)> {
    let b = month.as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let (y, m) = (digits(0..4)?, digits(5..7)?);
    ((1..=12).contains(&m) && y >= 1).then_some((y as i32, m))
}

/// The month `back` months before `(year, month)`, as `YYYY-MM`.
pub fn month_before(year: i32, month: u32, back: u32) -> String {
    let total = i64::from(year) * 12 + i64::from(month) - 1 - i64::from(back);
    format!(
        "{:04}-{:02}",
        total.div_euclid(12),
        total.rem_euclid(12) + 1
    )
}

pub fn month_bounds(month: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (y, m) = parse_month(month)?;
    let first = NaiveDate::from_ymd_opt(y, m, 1)?;
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)?
    };
    let at = |d: NaiveDate| {
        shanghai()
            .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
            .single()
            .map(|t| t.with_timezone(&Utc))
    };
    Some((at(first)?, at(next)?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawRequest {
    pub community_id: i64,
    /// `YYYY-MM`.
    pub month: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackView {
    pub called_at: String,
    pub called_by: String,
    pub reached: bool,
    pub satisfied: Option<bool>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackItemView {
    pub case_id: i64,
    pub reference: String,
    pub category_name: String,
    pub major: bool,
    pub callback: Option<CallbackView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawView {
    pub id: i64,
    pub community: String,
    pub month: String,
    /// The seed, as decimal text (it is a u64), for anyone re-running the draw.
    pub seed: String,
    pub min_percent: u32,
    /// How many handled complaints the sample was drawn from.
    pub candidates: usize,
    pub items: Vec<CallbackItemView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordCallbackRequest {
    pub reached: bool,
    /// Only when reached.
    #[serde(default)]
    pub satisfied: Option<bool>,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryCount {
    pub code: String,
    pub name: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetCompliance {
    pub target: String,
    /// Targets that fell due in the month.
    pub due: u64,
    pub met_on_time: u64,
    pub percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthlyReport {
    pub community: String,
    pub month: String,
    pub complaints: u64,
    pub inquiries: u64,
    pub by_category: Vec<CategoryCount>,
    pub compliance: Vec<TargetCompliance>,
    pub handled: u64,
    pub sampled: u64,
    pub called: u64,
    pub major_handled: u64,
    pub major_called: u64,
    /// Called back ÷ handled complaints (the rule asks for ≥ 50 %).
    pub callback_coverage_percent: Option<f64>,
    /// Major complaints called back ÷ major complaints handled (the rule asks for 100 %).
    pub major_coverage_percent: Option<f64>,
    pub reached: u64,
    pub satisfied: u64,
    pub satisfaction_percent: Option<f64>,
    pub satisfaction_target_percent: u32,
    pub meets_target: Option<bool>,
    /// Cases whose deadline passed while still with staff (the seed's "stalled within one's
    /// own remit").
    pub breached: u64,
    /// Of those, cases nobody had taken on (never assigned), i.e. not escalated or handed on.
    pub breached_unassigned: u64,
}

pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

use crate::export::csv_field;

fn opt(p: Option<f64>) -> String {
    p.map(|v| format!("{v:.1}")).unwrap_or_default()
}

impl MonthlyReport {
    /// Rows of `(section, item, value)`, shared by the CSV and XLSX exports.
    pub fn rows(&self) -> Vec<[String; 3]> {
        let mut rows = vec![
            [
                "社区 community".into(),
                self.community.clone(),
                String::new(),
            ],
            ["月份 month".into(), self.month.clone(), String::new()],
            [
                "数量 volume".into(),
                "投诉 complaints".into(),
                self.complaints.to_string(),
            ],
            [
                "数量 volume".into(),
                "咨询 inquiries".into(),
                self.inquiries.to_string(),
            ],
        ];
        for c in &self.by_category {
            rows.push([
                "类别 category".into(),
                format!("{} {}", c.name, c.code),
                c.count.to_string(),
            ]);
        }
        for t in &self.compliance {
            rows.push([
                "时限达标 on time %".into(),
                format!("{} ({}/{})", t.target, t.met_on_time, t.due),
                opt(t.percent),
            ]);
        }
        rows.extend([
            [
                "回访 call-backs".into(),
                "已处理投诉 handled".into(),
                self.handled.to_string(),
            ],
            [
                "回访 call-backs".into(),
                "抽样 sampled".into(),
                self.sampled.to_string(),
            ],
            [
                "回访 call-backs".into(),
                "已回访 called".into(),
                self.called.to_string(),
            ],
            [
                "回访 call-backs".into(),
                "覆盖率 coverage %".into(),
                opt(self.callback_coverage_percent),
            ],
            [
                "回访 call-backs".into(),
                format!(
                    "重大投诉 major ({}/{})",
                    self.major_called, self.major_handled
                ),
                opt(self.major_coverage_percent),
            ],
            [
                "满意度 satisfaction".into(),
                format!("满意 satisfied ({}/{})", self.satisfied, self.reached),
                opt(self.satisfaction_percent),
            ],
            [
                "满意度 satisfaction".into(),
                "目标 target %".into(),
                self.satisfaction_target_percent.to_string(),
            ],
            [
                "满意度 satisfaction".into(),
                "达标 meets target".into(),
                match self.meets_target {
                    Some(true) => "是 yes".into(),
                    Some(false) => "否 no".into(),
                    None => String::new(),
                },
            ],
            [
                "问题 failures".into(),
                "超时未处理 stalled past deadline".into(),
                self.breached.to_string(),
            ],
            [
                "问题 failures".into(),
                "超时且无人接手 not taken on".into(),
                self.breached_unassigned.to_string(),
            ],
        ]);
        rows
    }

    pub fn to_csv(&self) -> String {
        let mut out = String::from("\u{feff}section,item,value\r\n");
        for [a, b, c] in self.rows() {
            out.push_str(&format!(
                "{},{},{}\r\n",
                csv_field(&a),
                csv_field(&b),
                csv_field(&c)
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_strictly() {
        assert_eq!(parse_month("2026-11"), Some((2026, 11)));
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            " 2026-11",
            "2026-11 ",
            "\u{3000}\u{3000}2026-12",
            "+202-11",
            "2026/11",
            "２０２６-11",
            "",
            "2026-1１",
        ] {
            assert_eq!(parse_month(bad), None, "{bad:?}");
        }
        assert_eq!(month_before(2026, 2, 3), "2025-11");
        assert_eq!(month_before(2026, 12, 0), "2026-12");
    }

    #[test]
    fn month_bounds_are_shanghai_midnights() {
        let (start, end) = month_bounds("2026-11").unwrap();
        assert_eq!(start.to_rfc3339(), "2026-10-31T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        let (_, end) = month_bounds("2026-12").unwrap();
        assert_eq!(end.to_rfc3339(), "2026-12-31T16:00:00+00:00");
        for bad in ["2026-13", "2026-1", "26-11", "november", ""] {
            assert!(month_bounds(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn percentages_round_to_one_decimal_and_need_a_whole() {
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(9, 10), Some(90.0));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
