//! Deadlines ("clocks") for complaints and inquiries. A category carries one or more targets
//! (acknowledge, on site, resolve, answer), each with its own clock:
//!
//! - **real time**: `amount` minutes around the clock;
//! - **working hours**: `amount` minutes of the community's working hours on working days;
//! - **working days**: the close of the `amount`th working day after the day of submission
//!   (a submission on a non-working day counts from the next working day, because only working
//!   days are counted). "Close" is the end of the community's working hours.
//!
//! A clock can pause (waiting for the resident). Pauses are history, not a counter: the due time
//! is recomputed from the list of pauses every time. A pause moves a real-time deadline by its
//! length, and the other clocks by the working time it covered; a working-day deadline then
//! still falls at the close of a working day. A pause that starts after the deadline has passed
//! does not forgive the lateness. While a pause is open there is no due time.

use crate::calendar::{shanghai, WorkingCalendar};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    RealTime,
    WorkingHours,
    WorkingDays,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TargetName {
    Acknowledge,
    OnSite,
    Resolve,
    Answer,
}

impl TargetName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Acknowledge => "acknowledge",
            Self::OnSite => "on_site",
            Self::Resolve => "resolve",
            Self::Answer => "answer",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Acknowledge, Self::OnSite, Self::Resolve, Self::Answer]
            .into_iter()
            .find(|t| t.as_str() == s.replace('-', "_"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    pub name: TargetName,
    pub clock: ClockKind,
    /// Minutes for real-time and working-hours clocks; days for working-day clocks.
    pub amount: u32,
}

/// A community's working hours, local (Asia/Shanghai) time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkingHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl WorkingHours {
    /// `08:30-17:30` → hours; anything else (or an end not after the start) is refused.
    pub fn parse(s: &str) -> Option<WorkingHours> {
        let (a, b) = s.split_once('-')?;
        let parse = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
        let (start, end) = (parse(a)?, parse(b)?);
        (start < end).then_some(WorkingHours { start, end })
    }

    /// The stored and shown form, `08:30-17:30`.
    pub fn text(&self) -> String {
        format!(
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

impl Default for WorkingHours {
    fn default() -> Self {
        Self {
            start: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            end: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pause {
    pub from: DateTime<Utc>,
    /// `None` while still paused.
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    At(DateTime<Utc>),
    /// Paused right now: no due time to promise.
    Paused,
    /// The calendar has no working time in the next ten years (misconfiguration).
    Unreachable,
}

pub struct ClockContext<'a> {
    pub calendar: &'a WorkingCalendar,
    pub hours: WorkingHours,
}

/// Local date-time → UTC instant (Asia/Shanghai has no DST, so this is unambiguous).
fn at(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    shanghai()
        .from_local_datetime(&date.and_time(time))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&date.and_time(time)))
}

fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&shanghai()).date_naive()
}

/// Closed pauses clipped to start at `started`, sorted and merged.
fn merged(pauses: &[Pause], started: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut spans: Vec<_> = pauses
        .iter()
        .filter_map(|p| p.until.map(|u| (p.from.max(started), u)))
        .filter(|(f, u)| u > f)
        .collect();
    spans.sort();
    let mut out: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for (f, u) in spans {
        match out.last_mut() {
            Some(last) if f <= last.1 => last.1 = last.1.max(u),
            _ => out.push((f, u)),
        }
    }
    out
}

const MAX_DAYS: usize = 3660;

/// The instant at which `budget` of working time, counted from `start` and skipping `pauses`,
/// is used up.
fn advance_working(
    start: DateTime<Utc>,
    budget: Duration,
    pauses: &[(DateTime<Utc>, DateTime<Utc>)],
    ctx: &ClockContext<'_>,
) -> Option<DateTime<Utc>> {
    let mut remaining = budget;
    if remaining <= Duration::zero() {
        return Some(start);
    }
    let mut date = local_date(start);
    for _ in 0..MAX_DAYS {
        if ctx.calendar.is_working_day(date) {
            let close = at(date, ctx.hours.end);
            let mut cursor = at(date, ctx.hours.start).max(start);
            let mut consume = |from: DateTime<Utc>, to: DateTime<Utc>| -> Option<DateTime<Utc>> {
                let len = to - from;
                if len <= Duration::zero() {
                    return None;
                }
                if len >= remaining {
                    return Some(from + remaining);
                }
                remaining -= len;
                None
            };
            for &(pf, pu) in pauses {
                if pu <= cursor || pf >= close {
                    continue;
                }
                if let Some(done) = consume(cursor, pf.min(close)) {
                    return Some(done);
                }
                cursor = cursor.max(pu);
            }
            if cursor < close {
                if let Some(done) = consume(cursor, close) {
                    return Some(done);
                }
            }
        }
        date = date.succ_opt()?;
    }
    None
}

/// Working time between `from` and `to`, without pauses.
fn working_time(from: DateTime<Utc>, to: DateTime<Utc>, ctx: &ClockContext<'_>) -> Duration {
    let mut total = Duration::zero();
    let mut date = local_date(from);
    while date <= local_date(to) {
        if ctx.calendar.is_working_day(date) {
            let open = at(date, ctx.hours.start).max(from);
            let close = at(date, ctx.hours.end).min(to);
            if close > open {
                total += close - open;
            }
        }
        match date.succ_opt() {
            Some(d) => date = d,
            None => break,
        }
    }
    total
}

/// When `target` falls due for a case started at `started`, given its pause history.
pub fn due_at(
    target: &Target,
    started: DateTime<Utc>,
    pauses: &[Pause],
    ctx: &ClockContext<'_>,
) -> Due {
    if pauses
        .iter()
        .any(|p| p.until.is_none() && p.from >= started)
    {
        return Due::Paused;
    }
    let spans = merged(pauses, started);
    let result = match target.clock {
        ClockKind::RealTime => {
            let mut due = started + Duration::minutes(i64::from(target.amount));
            for (f, u) in &spans {
                if *f < due {
                    due += *u - *f;
                }
            }
            Some(due)
        }
        ClockKind::WorkingHours => advance_working(
            started,
            Duration::minutes(i64::from(target.amount)),
            &spans,
            ctx,
        ),
        ClockKind::WorkingDays => ctx
            .calendar
            .nth_working_day_after(local_date(started), target.amount)
            .map(|day| at(day, ctx.hours.end))
            .and_then(|base| {
                if spans.is_empty() {
                    return Some(base);
                }
                let budget = working_time(started, base, ctx);
                let end = advance_working(started, budget, &spans, ctx)?;
                Some(at(local_date(end), ctx.hours.end).max(base))
            }),
    };
    result.map_or(Due::Unreachable, Due::At)
}

/// When to warn staff: `lead_minutes` before short clocks; the opening of working hours on the
/// due day for working-day clocks (so the day's plan includes it).
pub fn warn_at(
    target: &Target,
    due: DateTime<Utc>,
    lead_minutes: u32,
    hours: WorkingHours,
) -> DateTime<Utc> {
    match target.clock {
        ClockKind::WorkingDays => at(local_date(due), hours.start).min(due),
        _ => due - Duration::minutes(i64::from(lead_minutes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    fn show(d: Due) -> String {
        match d {
            Due::At(x) => x.with_timezone(&shanghai()).to_rfc3339(),
            other => format!("{other:?}"),
        }
    }
    fn target(clock: ClockKind, amount: u32) -> Target {
        Target {
            name: TargetName::Resolve,
            clock,
            amount,
        }
    }

    #[test]
    fn due_times_across_the_2026_calendar() {
        let cal = WorkingCalendar::china();
        let ctx = ClockContext {
            calendar: &cal,
            hours: WorkingHours::default(),
        };
        use ClockKind::{RealTime, WorkingDays};
        let working_hours = ClockKind::WorkingHours;
        let table: &[(ClockKind, u32, &str, &str)] = &[
            // Real time ignores the calendar, even across 春节.
            (
                RealTime,
                15,
                "2026-02-17T23:55:00+08:00",
                "2026-02-18T00:10:00+08:00",
            ),
            (
                RealTime,
                480,
                "2026-11-25T20:00:00+08:00",
                "2026-11-26T04:00:00+08:00",
            ),
            // Ordinary week: Wednesday + 3 working days → Monday close.
            (
                WorkingDays,
                3,
                "2026-11-25T10:00:00+08:00",
                "2026-11-30T18:00:00+08:00",
            ),
            // Just before and after the end of a working day: same count, the day is the
            // submission day either way.
            (
                WorkingDays,
                3,
                "2026-11-25T17:59:00+08:00",
                "2026-11-30T18:00:00+08:00",
            ),
            (
                WorkingDays,
                3,
                "2026-11-25T18:01:00+08:00",
                "2026-11-30T18:00:00+08:00",
            ),
            // Submitted on a Saturday: Monday is the first working day.
            (
                WorkingDays,
                3,
                "2026-11-28T09:00:00+08:00",
                "2026-12-02T18:00:00+08:00",
            ),
            // Make-up Saturday 2026-02-28 is a working day.
            (
                WorkingDays,
                3,
                "2026-02-25T10:00:00+08:00",
                "2026-02-28T18:00:00+08:00",
            ),
            (
                WorkingDays,
                4,
                "2026-02-25T10:00:00+08:00",
                "2026-03-02T18:00:00+08:00",
            ),
            (
                WorkingDays,
                2,
                "2026-02-26T10:00:00+08:00",
                "2026-02-28T18:00:00+08:00",
            ),
            // Make-up Sunday 2026-09-20 counts; the 中秋 break 25–27 does not.
            (
                WorkingDays,
                1,
                "2026-09-18T10:00:00+08:00",
                "2026-09-20T18:00:00+08:00",
            ),
            (
                WorkingDays,
                2,
                "2026-09-24T10:00:00+08:00",
                "2026-09-29T18:00:00+08:00",
            ),
            // 7 working days over 国庆 (Oct 1–7) with the make-up Saturday Oct 10.
            (
                WorkingDays,
                7,
                "2026-09-29T10:00:00+08:00",
                "2026-10-14T18:00:00+08:00",
            ),
            // Submitted during 春节: counting starts after the break.
            (
                WorkingDays,
                1,
                "2026-02-18T10:00:00+08:00",
                "2026-02-24T18:00:00+08:00",
            ),
            // Holiday joined to a weekend: 清明 Sat–Mon.
            (
                WorkingDays,
                1,
                "2026-04-03T10:00:00+08:00",
                "2026-04-07T18:00:00+08:00",
            ),
            // Working hours: 8 h from Friday 16:00 → 2 h Fri + 6 h Mon → Mon 14:00.
            (
                working_hours,
                480,
                "2026-11-27T16:00:00+08:00",
                "2026-11-30T14:00:00+08:00",
            ),
            // Before opening: the clock starts at 08:00.
            (
                working_hours,
                30,
                "2026-11-25T06:00:00+08:00",
                "2026-11-25T08:30:00+08:00",
            ),
        ];
        for (clock, amount, start, expected) in table {
            let due = due_at(&target(*clock, *amount), t(start), &[], &ctx);
            assert_eq!(show(due), *expected, "{clock:?} {amount} from {start}");
        }
    }

    #[test]
    fn pauses_are_recomputed_from_history() {
        let cal = WorkingCalendar::china();
        let ctx = ClockContext {
            calendar: &cal,
            hours: WorkingHours::default(),
        };
        let start = t("2026-11-25T10:00:00+08:00");
        let real = target(ClockKind::RealTime, 30);
        let pause = |f: &str, u: Option<&str>| Pause {
            from: t(f),
            until: u.map(t),
        };

        let open = [pause("2026-11-25T10:10:00+08:00", None)];
        assert_eq!(due_at(&real, start, &open, &ctx), Due::Paused);

        let closed = [pause(
            "2026-11-25T10:10:00+08:00",
            Some("2026-11-25T10:40:00+08:00"),
        )];
        assert_eq!(
            show(due_at(&real, start, &closed, &ctx)),
            "2026-11-25T11:00:00+08:00"
        );

        // Two pauses, given out of order and overlapping, count once.
        let messy = [
            pause(
                "2026-11-25T10:20:00+08:00",
                Some("2026-11-25T10:30:00+08:00"),
            ),
            pause(
                "2026-11-25T10:10:00+08:00",
                Some("2026-11-25T10:25:00+08:00"),
            ),
        ];
        assert_eq!(
            show(due_at(&real, start, &messy, &ctx)),
            "2026-11-25T10:50:00+08:00"
        );

        // A pause after the deadline does not forgive lateness.
        let late = [pause(
            "2026-11-25T12:00:00+08:00",
            Some("2026-11-25T13:00:00+08:00"),
        )];
        assert_eq!(
            show(due_at(&real, start, &late, &ctx)),
            "2026-11-25T10:30:00+08:00"
        );

        // Working days: a pause over a whole working day moves the close by one working day;
        // a pause over a weekend costs nothing.
        let days = target(ClockKind::WorkingDays, 3);
        let thursday = [pause(
            "2026-11-26T08:00:00+08:00",
            Some("2026-11-26T18:00:00+08:00"),
        )];
        assert_eq!(
            show(due_at(&days, start, &thursday, &ctx)),
            "2026-12-01T18:00:00+08:00"
        );
        let weekend = [pause(
            "2026-11-27T18:00:00+08:00",
            Some("2026-11-30T08:00:00+08:00"),
        )];
        assert_eq!(
            show(due_at(&days, start, &weekend, &ctx)),
            "2026-11-30T18:00:00+08:00"
        );
    }

    #[test]
    fn warnings_come_early_enough_to_act() {
        let hours = WorkingHours::default();
        let due = t("2026-11-30T18:00:00+08:00");
        let days = target(ClockKind::WorkingDays, 3);
        assert_eq!(
            warn_at(&days, due, 15, hours),
            t("2026-11-30T08:00:00+08:00")
        );
        let short = target(ClockKind::RealTime, 30);
        assert_eq!(
            warn_at(&short, due, 15, hours),
            t("2026-11-30T17:45:00+08:00")
        );
    }

    #[test]
    fn target_names_parse_with_dashes_or_underscores() {
        assert_eq!(TargetName::parse("on-site"), Some(TargetName::OnSite));
        assert_eq!(TargetName::parse("resolve"), Some(TargetName::Resolve));
        assert_eq!(TargetName::parse("eventually"), None);
    }

    #[test]
    fn working_hours_parse_and_must_be_ordered() {
        let h = WorkingHours::parse("08:30-17:30").unwrap();
        assert_eq!(h.text(), "08:30-17:30");
        assert_eq!(
            WorkingHours::parse(" 8:05 - 9:00")
                .map(|h| h.text())
                .as_deref(),
            Some("08:05-09:00")
        );
        assert!(WorkingHours::parse("18:00-08:00").is_none());
        assert!(WorkingHours::parse("08:00-08:00").is_none());
        assert!(WorkingHours::parse("8-17").is_none());
        assert!(WorkingHours::parse("").is_none());
    }
}
