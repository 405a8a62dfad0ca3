//! When an answer may be recorded: the version must be published and open on the day it was
//! given (a door-to-door record sent later counts on the day it was collected), it carries a
//! retry key, and a door-to-door record names the door. Whether the answers fit the questions
//! is [`crate::survey::check_response`]; who may answer where is the server's access check.

use crate::refusal::{Refusal, RefusalKind};
use chrono::NaiveDate;

/// Longest retry key a client may send (a UUID is 36).
pub const CLIENT_KEY_MAX: usize = 64;
/// Unit and room as on a door plate.
pub const DOOR_PART_MAX: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerRefusal {
    NotPublished,
    NotOpenYet,
    Closed,
    BadClientKey,
    DoorMissing,
}

impl Refusal for AnswerRefusal {
    fn kind(self) -> RefusalKind {
        match self {
            Self::NotOpenYet | Self::Closed => RefusalKind::WrongMoment,
            Self::NotPublished | Self::BadClientKey | Self::DoorMissing => RefusalKind::BadInput,
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::NotPublished => "version",
            Self::NotOpenYet | Self::Closed => "survey",
            Self::BadClientKey => "client_key",
            Self::DoorMissing => "room",
        }
    }

    fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::NotPublished => (
                "这一版问卷还没有发布",
                "This version of the survey is not published",
            ),
            Self::NotOpenYet => ("调查还没有开始", "The survey has not opened yet"),
            Self::Closed => (
                "调查已经结束，不能再提交",
                "The survey has closed; answers can no longer be sent",
            ),
            Self::BadClientKey => ("提交标识无效", "Invalid client key"),
            Self::DoorMissing => ("请填写单元和门牌号", "Enter the unit and room"),
        }
    }
}

/// The version answered is published and `day` lies within its open days (either end open
/// when unset).
pub fn check_window(
    published: bool,
    opens_on: Option<NaiveDate>,
    closes_on: Option<NaiveDate>,
    day: NaiveDate,
) -> Result<(), AnswerRefusal> {
    if !published {
        return Err(AnswerRefusal::NotPublished);
    }
    if opens_on.is_some_and(|o| day < o) {
        return Err(AnswerRefusal::NotOpenYet);
    }
    if closes_on.is_some_and(|c| day > c) {
        return Err(AnswerRefusal::Closed);
    }
    Ok(())
}

/// The retry key, trimmed: the same key from the same person is the same answer.
pub fn check_client_key(key: &str) -> Result<&str, AnswerRefusal> {
    let key = key.trim();
    if key.is_empty() || key.len() > CLIENT_KEY_MAX {
        Err(AnswerRefusal::BadClientKey)
    } else {
        Ok(key)
    }
}

/// The unit and room of a door-to-door record, trimmed.
pub fn check_door<'a>(unit: &'a str, room: &'a str) -> Result<(&'a str, &'a str), AnswerRefusal> {
    let (unit, room) = (unit.trim(), room.trim());
    let fits = |s: &str| !s.is_empty() && s.chars().count() <= DOOR_PART_MAX;
    if fits(unit) && fits(room) {
        Ok((unit, room))
    } else {
        Err(AnswerRefusal::DoorMissing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn answers_count_only_while_the_published_version_is_open() {
        let (open, close) = (Some(d("2026-11-01")), Some(d("2026-11-30")));
        let table = [
            (true, open, close, "2026-11-01", Ok(())),
            (true, open, close, "2026-11-30", Ok(())),
            (
                true,
                open,
                close,
                "2026-10-31",
                Err(AnswerRefusal::NotOpenYet),
            ),
            (true, open, close, "2026-12-01", Err(AnswerRefusal::Closed)),
            (
                false,
                open,
                close,
                "2026-11-15",
                Err(AnswerRefusal::NotPublished),
            ),
            (true, None, None, "2030-01-01", Ok(())),
            (true, None, close, "2020-01-01", Ok(())),
        ];
        for (published, opens, closes, day, want) in table {
            assert_eq!(
                check_window(published, opens, closes, d(day)),
                want,
                "{day}"
            );
        }
        assert_eq!(AnswerRefusal::Closed.kind(), RefusalKind::WrongMoment);
        assert_eq!(AnswerRefusal::NotPublished.field(), "version");
    }

    #[test]
    fn a_retry_key_is_present_and_short() {
        assert_eq!(check_client_key("  k-1 "), Ok("k-1"));
        assert_eq!(check_client_key("   "), Err(AnswerRefusal::BadClientKey));
        assert_eq!(
            check_client_key(&"k".repeat(CLIENT_KEY_MAX + 1)),
            Err(AnswerRefusal::BadClientKey)
        );
    }

    #[test]
    fn a_door_to_door_record_names_unit_and_room() {
        assert_eq!(check_door(" 2 ", "301"), Ok(("2", "301")));
        assert_eq!(check_door("", "301"), Err(AnswerRefusal::DoorMissing));
        assert_eq!(check_door("2", " "), Err(AnswerRefusal::DoorMissing));
        assert_eq!(
            check_door("2", "一二三四五六七八九十一"),
            Err(AnswerRefusal::DoorMissing)
        );
        assert_eq!(AnswerRefusal::DoorMissing.field(), "room");
    }
}
