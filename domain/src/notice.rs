//! Notices in the community (water or power cuts, holiday hours, events) posted by staff for a
//! community or a building with a start and an end, and each building's concierge contact
//! (礼宾助理): the wire types and their checks, shared by the server and the app.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type Problems = BTreeMap<String, FieldError>;

fn add(p: &mut Problems, field: &str, zh: &str, en: &str) {
    p.insert(field.to_owned(), FieldError::new(zh, en));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NoticeKind {
    Water,
    Power,
    Gas,
    Lift,
    Holiday,
    Event,
    Other,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 7] = [
        NoticeKind::Water,
        NoticeKind::Power,
        NoticeKind::Gas,
        NoticeKind::Lift,
        NoticeKind::Holiday,
        NoticeKind::Event,
        NoticeKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Water => "water",
            NoticeKind::Power => "power",
            NoticeKind::Gas => "gas",
            NoticeKind::Lift => "lift",
            NoticeKind::Holiday => "holiday",
            NoticeKind::Event => "event",
            NoticeKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind in words, as a notice's label shows it.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            NoticeKind::Water => ("停水", "Water off"),
            NoticeKind::Power => ("停电", "Power off"),
            NoticeKind::Gas => ("停气", "Gas off"),
            NoticeKind::Lift => ("电梯停用", "Lift out of service"),
            NoticeKind::Holiday => ("节假日安排", "Holiday hours"),
            NoticeKind::Event => ("社区活动", "Community event"),
            NoticeKind::Other => ("通知", "Notice"),
        }
    }
}

/// `POST /api/notices`. Times are Shanghai wall-clock minutes as a `datetime-local` input
/// gives them: `2026-12-08T09:00`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticePost {
    /// A community or a building in the caller's area.
    pub scope_id: i64,
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    pub starts_at: String,
    pub ends_at: String,
    /// Urgent notices are also sent to every household in the scope (text, e-mail as each
    /// chose), not only shown on their home page.
    #[serde(default)]
    pub urgent: bool,
    /// Chosen by the client once per notice, so a retry never posts it twice.
    pub client_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeView {
    pub id: i64,
    pub scope_id: i64,
    /// `柳岸社区` or `柳岸社区 3号楼`.
    pub scope_name: String,
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    /// RFC 3339, +08:00.
    pub starts_at: String,
    pub ends_at: String,
    pub urgent: bool,
    /// Started and not yet ended (else it is still to come, or over).
    pub current: bool,
    pub withdrawn: bool,
    /// Staff lists only: how many households it was sent to (urgent notices).
    #[serde(default)]
    pub households_told: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeList {
    pub items: Vec<NoticeView>,
    /// The communities and buildings the caller may post for, by name.
    #[serde(default)]
    pub places: Vec<NoticePlace>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticePlace {
    pub id: i64,
    /// `柳岸社区` or `柳岸社区 3号楼`.
    pub name: String,
    pub level: crate::JurisdictionLevel,
}

/// A building's concierge contact (礼宾助理), shown to the building's residents.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConciergeRequest {
    pub name: String,
    /// `楼栋管家`, `物业客服`…
    pub role: String,
    /// A mobile or a landline number, as it is dialled.
    pub phone: String,
    /// `每天 8:00–20:00`.
    pub hours: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConciergeView {
    pub building_id: i64,
    /// `柳岸社区 3号楼`.
    pub building_name: String,
    /// `None`: no contact set for this building yet.
    pub contact: Option<ConciergeRequest>,
    /// Where the concierge's photo is (`GET`, for the building's residents and its staff);
    /// `None` without one. The address changes with the photo, so a cached old one is not shown.
    #[serde(default)]
    pub photo_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConciergeList {
    pub items: Vec<ConciergeView>,
}

/// `GET /api/home/board`: what a resident's home page shows for their building.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeBoard {
    /// Current notices first (urgent first), then those starting within three days.
    pub notices: Vec<NoticeView>,
    pub concierge: Option<ConciergeView>,
}

pub const TITLE_MAX_CHARS: usize = 40;
pub const BODY_MAX_CHARS: usize = 500;
/// A notice is shown for three months at most: a standing rule belongs elsewhere.
pub const LONGEST_SECS: i64 = 92 * 24 * 3600;
/// Notices starting this soon are shown as coming.
pub const COMING_WITHIN_SECS: i64 = 3 * 24 * 3600;

/// `2026-12-08T09:00` (Shanghai) → Unix seconds.
pub fn parse_local_minute(s: &str) -> Option<i64> {
    let t = chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M").ok()?;
    t.and_local_timezone(crate::calendar::shanghai())
        .single()
        .map(|t| t.timestamp())
}

/// Problems with a notice, by field; `now` in Unix seconds. The scope is checked by the
/// server (which communities and buildings are the caller's).
pub fn check_notice(r: &NoticePost, now: i64) -> Problems {
    let mut p = Problems::new();
    let title = r.title.trim().chars().count();
    if title == 0 {
        add(
            &mut p,
            "title",
            "请填写标题，例如“3号楼周三停水”",
            "Enter a title, for example “Building 3: water off on Wednesday”",
        );
    } else if title > TITLE_MAX_CHARS {
        add(
            &mut p,
            "title",
            "标题不能超过 40 个字",
            "The title must be 40 characters or fewer",
        );
    }
    let body = r.body.trim().chars().count();
    if body == 0 {
        add(
            &mut p,
            "body",
            "请写明什么时候、什么地方、居民要做什么",
            "Say when, where and what residents should do",
        );
    } else if body > BODY_MAX_CHARS {
        add(
            &mut p,
            "body",
            "内容不能超过 500 个字",
            "The text must be 500 characters or fewer",
        );
    }
    let starts = parse_local_minute(&r.starts_at);
    let ends = parse_local_minute(&r.ends_at);
    if starts.is_none() {
        add(
            &mut p,
            "starts_at",
            "请选择开始的日期和时间",
            "Choose the date and time it starts",
        );
    }
    match (starts, ends) {
        (_, None) => add(
            &mut p,
            "ends_at",
            "请选择结束的日期和时间",
            "Choose the date and time it ends",
        ),
        (Some(s), Some(e)) if e <= s => add(
            &mut p,
            "ends_at",
            "结束时间要晚于开始时间",
            "The end must be after the start",
        ),
        (Some(s), Some(e)) if e - s > LONGEST_SECS => add(
            &mut p,
            "ends_at",
            "通知最长显示三个月",
            "A notice is shown for three months at most",
        ),
        (_, Some(e)) if e <= now => add(
            &mut p,
            "ends_at",
            "结束时间已经过去了",
            "The end is already past",
        ),
        _ => {}
    }
    let key = r.client_key.trim();
    if key.is_empty() || key.len() > 64 {
        add(
            &mut p,
            "client_key",
            "请求缺少编号，请刷新页面后重试",
            "The request has no key; reload the page and try again",
        );
    }
    p
}

/// Problems with a concierge contact, by field.
pub fn check_concierge(r: &ConciergeRequest) -> Problems {
    let mut p = Problems::new();
    let within = |s: &str, max: usize| {
        let n = s.trim().chars().count();
        n > 0 && n <= max
    };
    if !within(&r.name, 20) {
        add(
            &mut p,
            "name",
            "请填写姓名（20 个字以内）",
            "Enter the name (20 characters at most)",
        );
    }
    if !within(&r.role, 20) {
        add(
            &mut p,
            "role",
            "请填写职责，例如“楼栋管家”（20 个字以内）",
            "Enter the role, for example “Building steward” (20 characters at most)",
        );
    }
    let phone = r.phone.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    if !allowed || !(7..=16).contains(&digits) {
        add(
            &mut p,
            "phone",
            "请填写手机号或座机号，例如 13800000000 或 0571-88886666",
            "Enter a mobile or landline number, like 13800000000 or 0571-88886666",
        );
    }
    if !within(&r.hours, 40) {
        add(
            &mut p,
            "hours",
            "请填写服务时间，例如“每天 8:00–20:00”（40 个字以内）",
            "Enter the service hours, for example “Daily 8:00–20:00” (40 characters at most)",
        );
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(starts: &str, ends: &str) -> NoticePost {
        NoticePost {
            scope_id: 1,
            kind: NoticeKind::Water,
            title: "3号楼周三停水".into(),
            body: "周三 9:00–15:00 管道检修，请提前储水。".into(),
            starts_at: starts.into(),
            ends_at: ends.into(),
            urgent: false,
            client_key: "k-1".into(),
        }
    }

    #[test]
    fn times_are_shanghai_wall_clock_minutes() {
        // 2026-12-08 09:00 in Shanghai is 01:00 UTC.
        assert_eq!(parse_local_minute("2026-12-08T09:00"), Some(1_796_691_600));
        assert_eq!(parse_local_minute("2026-12-08 09:00"), None);
        assert_eq!(parse_local_minute("2026-13-08T09:00"), None);
    }

    #[test]
    fn a_notice_needs_words_and_an_end_after_its_start_and_after_now() {
        let now = parse_local_minute("2026-12-07T12:00").unwrap();
        assert!(check_notice(&notice("2026-12-08T09:00", "2026-12-08T15:00"), now).is_empty());
        let p = check_notice(&notice("2026-12-08T09:00", "2026-12-08T09:00"), now);
        assert!(p.contains_key("ends_at"));
        let p = check_notice(&notice("2026-12-01T09:00", "2026-12-02T09:00"), now);
        assert_eq!(p["ends_at"].message, "结束时间已经过去了");
        let p = check_notice(&notice("2026-12-08T09:00", "2027-06-08T09:00"), now);
        assert_eq!(p["ends_at"].message, "通知最长显示三个月");
        let p = check_notice(&notice("明天", ""), now);
        assert!(p.contains_key("starts_at") && p.contains_key("ends_at"));
        let mut n = notice("2026-12-08T09:00", "2026-12-08T15:00");
        n.title = "停".repeat(41);
        n.body = "  ".into();
        let p = check_notice(&n, now);
        assert!(p.contains_key("title") && p.contains_key("body"));
        // A notice that has begun may still be posted (the cut is under way).
        assert!(check_notice(&notice("2026-12-07T08:00", "2026-12-07T18:00"), now).is_empty());
    }

    #[test]
    fn a_concierge_has_a_name_role_dialable_number_and_hours() {
        let ok = ConciergeRequest {
            name: "李师傅".into(),
            role: "楼栋管家".into(),
            phone: "0571-88886666".into(),
            hours: "每天 8:00–20:00".into(),
        };
        assert!(check_concierge(&ok).is_empty());
        let mut bad = ok.clone();
        bad.phone = "call me".into();
        bad.name = " ".into();
        let p = check_concierge(&bad);
        assert!(p.contains_key("phone") && p.contains_key("name"));
        bad.phone = "123".into();
        assert!(check_concierge(&bad).contains_key("phone"));
    }

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.as_str()), Some(k));
            assert!(!k.words().0.is_empty());
        }
    }
}
