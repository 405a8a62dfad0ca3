//! Time as people here read it: days, months and years in Asia/Shanghai (UTC+8 all year).
//! Stored times are Unix seconds in UTC; every feature turns them into local days and months
//! through this one module.

use anju_domain::calendar::shanghai;
use chrono::{DateTime, Datelike, NaiveDate};

fn local(secs: i64) -> DateTime<chrono::FixedOffset> {
    DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .with_timezone(&shanghai())
}

/// The Shanghai date at `now`.
pub fn today(now: i64) -> NaiveDate {
    local(now).date_naive()
}

/// The Shanghai year at `now` (a retrofit year, a quota year).
pub fn year_of(now: i64) -> i64 {
    i64::from(today(now).year())
}

/// `2026-11`: the Shanghai month of `secs`.
pub fn month_of(secs: i64) -> String {
    local(secs).format("%Y-%m").to_string()
}

/// RFC 3339 with the +08:00 offset, for the wire.
pub fn rfc3339(secs: i64) -> String {
    local(secs).to_rfc3339()
}

/// `2026-11-25 14:30:00`, for exports people read.
pub fn timestamp_text(secs: i64) -> String {
    local(secs).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The first second of a Shanghai day.
pub fn day_start(day: NaiveDate) -> Option<i64> {
    day.and_hms_opt(0, 0, 0)?
        .and_local_timezone(shanghai())
        .single()
        .map(|t| t.timestamp())
}

/// The first second of the Shanghai day after the one at `now` (the end of "today").
pub fn tomorrow_start(now: i64) -> i64 {
    today(now)
        .succ_opt()
        .and_then(day_start)
        .unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_utc_evening_is_the_next_shanghai_day() {
        // 2026-12-31T17:30Z is 2027-01-01 01:30 in Shanghai.
        let t = 1_798_738_200;
        assert_eq!(today(t), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(year_of(t), 2027);
        assert_eq!(month_of(t), "2027-01");
        assert_eq!(rfc3339(t), "2027-01-01T01:30:00+08:00");
        assert_eq!(day_start(today(t)), Some(1_798_732_800));
    }
}
