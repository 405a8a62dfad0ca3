//! The Chinese working calendar: weekends, national holidays and make-up working days (调休),
//! from the State Council's yearly notice kept as data (`domain/data/calendar/YYYY.txt`).
//! Admins add next year's notice, and communities their own exceptions, in the same format.
//!
//! All dates are Asia/Shanghai calendar days. China has kept UTC+8 without daylight saving
//! since 1991, so a fixed offset is exact for every date we handle.

use chrono::{Datelike, FixedOffset, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// Asia/Shanghai.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("8 h is a valid offset"))
}

const SHIPPED_NOTICES: &[&str] = &[
    include_str!("../data/calendar/2025.txt"),
    include_str!("../data/calendar/2026.txt"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// 放假: not worked even if it is a weekday.
    Off,
    /// 调休上班: worked even if it is a weekend.
    Work,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Parsed `off|work YYYY-MM-DD[..YYYY-MM-DD] note` lines.
pub fn parse_notice(text: &str) -> Result<Vec<(NaiveDate, DayKind)>, CalendarError> {
    let mut days = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |message: String| CalendarError {
            line: i + 1,
            message,
        };
        let mut parts = line.split_whitespace();
        let kind = match parts.next() {
            Some("off") => DayKind::Off,
            Some("work") => DayKind::Work,
            other => return Err(err(format!("expected `off` or `work`, found {other:?}"))),
        };
        let range = parts.next().ok_or_else(|| err("missing date".into()))?;
        let (from, to) = range.split_once("..").unwrap_or((range, range));
        let parse = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| err(format!("not a date: {s}")))
        };
        let (from, to) = (parse(from)?, parse(to)?);
        if to < from || (to - from).num_days() > 31 {
            return Err(err(format!("bad range {range}")));
        }
        let mut d = from;
        while d <= to {
            days.push((d, kind));
            d = d
                .succ_opt()
                .ok_or_else(|| err("date out of range".into()))?;
        }
    }
    Ok(days)
}

/// A notice longer than this is refused before parsing (a year of holidays is ~1 KB).
pub const NOTICE_MAX_BYTES: usize = 20_000;

/// A notice an admin submits: not too long, well formed, at least one date. The problem in
/// Chinese and English otherwise.
pub fn check_notice(text: &str) -> Result<Vec<(NaiveDate, DayKind)>, (String, String)> {
    if text.len() > NOTICE_MAX_BYTES {
        return Err(("通知内容太长".into(), "The notice is too long".into()));
    }
    let days = parse_notice(text).map_err(|e| {
        (
            format!("第 {} 行格式不对：{}", e.line, e.message),
            format!("Line {}: {}", e.line, e.message),
        )
    })?;
    if days.is_empty() {
        return Err(("没有找到任何日期".into(), "No dates found".into()));
    }
    Ok(days)
}

#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    overrides: BTreeMap<NaiveDate, DayKind>,
}

impl WorkingCalendar {
    /// Weekends plus the shipped national notices (2025, 2026).
    pub fn china() -> Self {
        let mut cal = Self::default();
        for notice in SHIPPED_NOTICES {
            // Shipped data is checked by the tests below; a broken file fails them.
            if let Ok(days) = parse_notice(notice) {
                cal.apply(&days);
            }
        }
        cal
    }

    /// Add a notice or a community's exceptions; later entries win over earlier ones.
    pub fn apply(&mut self, days: &[(NaiveDate, DayKind)]) {
        for (d, k) in days {
            self.overrides.insert(*d, *k);
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.overrides.get(&date) {
            Some(DayKind::Work) => true,
            Some(DayKind::Off) => false,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`th working day strictly after `date` (n ≥ 1); `n = 0` gives `date` itself.
    /// Gives up (None) after ten years, which only a calendar with no working days reaches.
    pub fn nth_working_day_after(&self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut d = date;
        let mut left = n;
        let mut steps = 0;
        while left > 0 {
            d = d.succ_opt()?;
            steps += 1;
            if steps > 3660 {
                return None;
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn shipped_notices_parse() {
        for notice in SHIPPED_NOTICES {
            assert!(parse_notice(notice).unwrap().len() > 10);
        }
    }

    #[test]
    fn the_2026_notice_holidays_and_make_up_days() {
        let cal = WorkingCalendar::china();
        let table = [
            ("2026-01-01", false), // 元旦 (Thu)
            ("2026-01-02", false),
            ("2026-01-03", false),
            ("2026-01-04", true), // Sunday worked
            ("2026-01-05", true),
            ("2026-02-13", true),  // Friday before the festival
            ("2026-02-14", true),  // Saturday worked
            ("2026-02-15", false), // 春节 begins (Sun)
            ("2026-02-23", false), // last day off (Mon)
            ("2026-02-24", true),
            ("2026-02-28", true),  // Saturday worked
            ("2026-03-01", false), // ordinary Sunday
            ("2026-04-06", false), // 清明 Monday
            ("2026-05-05", false),
            ("2026-05-09", true), // Saturday worked
            ("2026-06-19", false),
            ("2026-09-20", true), // Sunday worked
            ("2026-09-25", false),
            ("2026-10-07", false),
            ("2026-10-08", true),
            ("2026-10-10", true), // Saturday worked
            ("2026-10-11", false),
            ("2026-11-25", true),  // an ordinary Wednesday
            ("2026-11-28", false), // an ordinary Saturday
        ];
        for (date, working) in table {
            assert_eq!(cal.is_working_day(d(date)), working, "{date}");
        }
    }

    #[test]
    fn the_2025_notice_holidays_and_make_up_days() {
        let cal = WorkingCalendar::china();
        let table = [
            ("2025-01-01", false),
            ("2025-01-26", true), // Sunday worked
            ("2025-01-28", false),
            ("2025-02-04", false),
            ("2025-02-05", true),
            ("2025-02-08", true), // Saturday worked
            ("2025-04-27", true), // Sunday worked
            ("2025-05-05", false),
            ("2025-06-02", false),
            ("2025-09-28", true),
            ("2025-10-08", false),
            ("2025-10-11", true),
        ];
        for (date, working) in table {
            assert_eq!(cal.is_working_day(d(date)), working, "{date}");
        }
    }

    #[test]
    fn counting_working_days_skips_holidays_joined_to_weekends() {
        let cal = WorkingCalendar::china();
        // Friday 2026-09-18 + 1 → Sunday 2026-09-20 is a make-up working day.
        assert_eq!(
            cal.nth_working_day_after(d("2026-09-18"), 1),
            Some(d("2026-09-20"))
        );
        // Wednesday 2026-09-23 + 2 → Thu 24, then 25–27 off, Mon 28.
        assert_eq!(
            cal.nth_working_day_after(d("2026-09-23"), 2),
            Some(d("2026-09-28"))
        );
        // From the Saturday worked before 春节: next working day is after the whole break.
        assert_eq!(
            cal.nth_working_day_after(d("2026-02-14"), 1),
            Some(d("2026-02-24"))
        );
        assert_eq!(
            cal.nth_working_day_after(d("2026-02-14"), 0),
            Some(d("2026-02-14"))
        );
    }

    #[test]
    fn community_exceptions_override_the_national_notice() {
        let mut cal = WorkingCalendar::china();
        cal.apply(&parse_notice("off 2026-11-25 社区停电检修\nwork 2026-11-28 社区加班").unwrap());
        assert!(!cal.is_working_day(d("2026-11-25")));
        assert!(cal.is_working_day(d("2026-11-28")));
    }

    #[test]
    fn malformed_notices_name_the_line() {
        let e = parse_notice("off 2026-01-01\nholiday 2026-01-02").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(parse_notice("off 2026-13-01").is_err());
        assert!(parse_notice("off 2026-02-10..2026-02-01").is_err());
        assert!(parse_notice("off").is_err());
    }

    #[test]
    fn a_calendar_without_working_days_gives_up_instead_of_looping() {
        let mut cal = WorkingCalendar::default();
        let mut all_off = Vec::new();
        let mut day = d("2026-01-01");
        for _ in 0..4000 {
            all_off.push((day, DayKind::Off));
            day = day.succ_opt().unwrap();
        }
        cal.apply(&all_off);
        assert_eq!(cal.nth_working_day_after(d("2026-01-01"), 1), None);
    }

    #[test]
    fn a_submitted_notice_is_bounded_well_formed_and_not_empty() {
        assert_eq!(check_notice("off 2027-01-01 元旦").unwrap().len(), 1);
        assert_eq!(
            check_notice("# nothing but a comment\n").unwrap_err().1,
            "No dates found"
        );
        assert!(check_notice("holiday 2027-01-01")
            .unwrap_err()
            .1
            .starts_with("Line 1"));
        let long = "# padding\n".repeat(NOTICE_MAX_BYTES / 10 + 1) + "off 2027-01-01";
        assert_eq!(check_notice(&long).unwrap_err().1, "The notice is too long");
    }
}
