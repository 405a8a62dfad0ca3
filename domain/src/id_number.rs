//! Resident ID numbers (GB 11643): 18 characters — region (6), birth date YYYYMMDD (8),
//! sequence (3, the last odd for men), and an ISO 7064 MOD 11-2 check character. Sensitive
//! personal information: `Debug` and `Display` show only the masked form.

use chrono::{Datelike, NaiveDate};
use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberError {
    WrongLength,
    /// Something other than 17 digits and a final digit or X.
    BadCharacters,
    /// The birth date does not exist (or lies outside 1900 – 2099).
    ImpossibleDate,
    /// The check character does not match: usually a typing mistake.
    CheckMismatch,
}

impl IdNumberError {
    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::WrongLength => ("身份证号应为 18 位", "An ID number has 18 characters"),
            Self::BadCharacters => (
                "身份证号只能是数字，最后一位可以是 X",
                "An ID number is digits, the last may be X",
            ),
            Self::ImpossibleDate => (
                "身份证号中的出生日期不存在",
                "The birth date in this ID number does not exist",
            ),
            Self::CheckMismatch => (
                "身份证号校验不通过，请核对每一位",
                "This ID number does not check out; compare each character",
            ),
        }
    }
}

/// Digits 7–14 as a date. Plain arithmetic rather than chrono's format parser, which would
/// add its whole formatting machinery to the browser bundle.
fn birth_date_of(bytes: &[u8]) -> Option<NaiveDate> {
    let digits = bytes.get(6..14)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| {
        digits[r]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    NaiveDate::from_ymd_opt(i32::try_from(n(0..4)).ok()?, n(4..6), n(6..8))
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

impl IdNumber {
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        let s: String = input
            .trim()
            .chars()
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if s.chars().count() != 18 {
            return Err(IdNumberError::WrongLength);
        }
        let bytes = s.as_bytes();
        let body_ok = bytes[..17].iter().all(u8::is_ascii_digit);
        let last_ok = bytes[17].is_ascii_digit() || bytes[17] == b'X';
        if !body_ok || !last_ok {
            return Err(IdNumberError::BadCharacters);
        }
        let date = birth_date_of(bytes).ok_or(IdNumberError::ImpossibleDate)?;
        if !(1900..=2099).contains(&date.year()) {
            return Err(IdNumberError::ImpossibleDate);
        }
        let sum: u32 = bytes[..17]
            .iter()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        if CHECK[(sum % 11) as usize] != bytes[17] {
            return Err(IdNumberError::CheckMismatch);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Validated in `parse`.
        birth_date_of(self.0.as_bytes()).unwrap_or_default()
    }

    /// Age in whole years on `date`. A 29 February birthday counts as 1 March in other years.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        let born = self.birth_date();
        let birthday_this_year = NaiveDate::from_ymd_opt(date.year(), born.month(), born.day())
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(date.year(), 3, 1).unwrap_or(date));
        let years = date.year() - born.year() - i32::from(date < birthday_this_year);
        u32::try_from(years).unwrap_or(0)
    }

    pub fn is_male(&self) -> bool {
        (self.0.as_bytes()[16] - b'0') % 2 == 1
    }

    /// First 6 and last 4 visible: `110105********123X`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A valid number for a birth date, computing the check character.
    pub fn make(region: &str, birth: &str, seq: &str) -> String {
        let body = format!("{region}{birth}{seq}");
        let sum: u32 = body
            .bytes()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        format!("{body}{}", CHECK[(sum % 11) as usize] as char)
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn known_valid_numbers_parse() {
        // The standard's worked example and a number ending in X.
        assert!(IdNumber::parse("11010519491231002X").is_ok());
        assert!(
            IdNumber::parse("11010519491231002x").is_ok(),
            "lowercase x is accepted"
        );
        assert!(IdNumber::parse(&format!(" {} ", make("440524", "19380101", "001"))).is_ok());
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), d("1949-12-31"));
        assert!(!id.is_male());
        assert_eq!(id.masked(), "110105********002X");
        assert!(!format!("{id:?} {id}").contains("19491231"));
    }

    #[test]
    fn each_kind_of_mistake_is_named() {
        let table = [
            ("1101051949123100", IdNumberError::WrongLength),
            ("11010519491231002X1", IdNumberError::WrongLength),
            ("", IdNumberError::WrongLength),
            ("1101051949123100A2", IdNumberError::BadCharacters),
            ("X10105194912310021", IdNumberError::BadCharacters),
            (
                "１１０１０５１９４９１２３１００２X",
                IdNumberError::BadCharacters,
            ),
            ("110105194902300021", IdNumberError::ImpossibleDate),
            ("110105194913010021", IdNumberError::ImpossibleDate),
            ("110105180001010021", IdNumberError::ImpossibleDate),
            ("110105194912310021", IdNumberError::CheckMismatch),
            ("110105194912310020", IdNumberError::CheckMismatch),
        ];
        for (input, expected) in table {
            assert_eq!(
                IdNumber::parse(input).map(|_| ()),
                Err(expected),
                "{input:?}"
            );
        }
    }

    #[test]
    fn age_counts_whole_years_and_leap_day_birthdays_turn_on_1_march() {
        let id = IdNumber::parse(&make("110105", "19460601", "123")).unwrap();
        assert_eq!(id.age_on(d("2026-05-31")), 79);
        assert_eq!(id.age_on(d("2026-06-01")), 80);
        let leap = IdNumber::parse(&make("110105", "19440229", "124")).unwrap();
        assert_eq!(leap.age_on(d("2024-02-28")), 79);
        assert_eq!(leap.age_on(d("2024-02-29")), 80);
        assert_eq!(leap.age_on(d("2025-02-28")), 80);
        assert_eq!(leap.age_on(d("2026-02-28")), 81, "not yet 82");
        assert_eq!(leap.age_on(d("2025-03-01")), 81);
        assert!(IdNumber::parse(&make("110105", "19460601", "123"))
            .unwrap()
            .is_male());
    }
}
