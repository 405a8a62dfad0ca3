//! Showing times the way people read them: "11月30日 18:00" / "30 Nov 18:00", and time left.

use anju_domain::Locale;

/// `2026-11-30T18:00:00+08:00` (always +08:00 from our API) → short local wording.
pub fn short_time(rfc3339: &str, locale: Locale) -> String {
    let (Some(month), Some(day), Some(hm)) =
        (rfc3339.get(5..7), rfc3339.get(8..10), rfc3339.get(11..16))
    else {
        return rfc3339.to_owned();
    };
    let m: usize = month.parse().unwrap_or(0);
    let d: u32 = day.parse().unwrap_or(0);
    match locale {
        Locale::ZhCn => format!("{m}月{d}日 {hm}"),
        Locale::En => {
            const NAMES: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!("{d} {} {hm}", NAMES.get(m.wrapping_sub(1)).unwrap_or(&""))
        }
    }
}

/// Minutes from now until `rfc3339` (negative when past).
pub fn minutes_left(rfc3339: &str) -> Option<i64> {
    let due = js_sys::Date::parse(rfc3339);
    if due.is_nan() {
        return None;
    }
    Some(((due - js_sys::Date::now()) / 60_000.0).floor() as i64)
}

pub fn duration(minutes: i64, locale: Locale) -> String {
    let m = minutes.abs();
    let (days, hours, mins) = (m / (24 * 60), (m / 60) % 24, m % 60);
    match locale {
        Locale::ZhCn if days >= 2 => format!("{days} 天"),
        Locale::ZhCn if m >= 60 => format!("{} 小时 {mins} 分", m / 60),
        Locale::ZhCn => format!("{mins} 分钟"),
        Locale::En if days >= 2 => format!("{days} days"),
        Locale::En if m >= 60 => format!("{} h {mins} min", hours + days * 24),
        Locale::En => format!("{mins} min"),
    }
}

/// Unix seconds → "11月30日 18:00" in Asia/Shanghai (what our API's times mean).
pub fn unix_time(secs: i64, locale: Locale) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        ((secs + 8 * 3600) * 1000) as f64,
    ));
    let rfc = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:00+08:00",
        d.get_utc_full_year(),
        d.get_utc_month() + 1,
        d.get_utc_date(),
        d.get_utc_hours(),
        d.get_utc_minutes()
    );
    short_time(&rfc, locale)
}

/// An appointment with its weekday, Beijing time: `12月3日 星期四 09:30` / `Thu 3 Dec 09:30`.
pub fn appointment(secs: i64, locale: Locale) -> String {
    let (zh, en) = anju_domain::retrofit_assessment::appointment_text(secs);
    match locale {
        Locale::ZhCn => zh,
        Locale::En => en,
    }
}

/// Beijing time to the second, as a certificate prints it: `2026-12-03 10:31:12`.
pub fn seconds_time(secs: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        ((secs + 8 * 3600) * 1000) as f64,
    ));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        d.get_utc_full_year(),
        d.get_utc_month() + 1,
        d.get_utc_date(),
        d.get_utc_hours(),
        d.get_utc_minutes(),
        d.get_utc_seconds()
    )
}
