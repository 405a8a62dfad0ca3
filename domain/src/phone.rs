//! Mainland China mobile numbers: 11 digits starting `1[3-9]`. Users type them with spaces,
//! dashes or a `+86`/`0086` prefix; we keep only the 11 digits.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    /// Contains something other than digits, spaces, dashes and a leading `+86`.
    InvalidCharacters,
    WrongLength,
    /// Not a mobile prefix (`13`–`19`).
    NotMobile,
}

impl PhoneError {
    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::Empty => ("请填写手机号", "Enter your mobile number"),
            Self::InvalidCharacters => (
                "手机号只能包含数字",
                "A mobile number can only contain digits",
            ),
            Self::WrongLength => ("手机号应为 11 位数字", "A mobile number has 11 digits"),
            Self::NotMobile => (
                "请填写以 13–19 开头的手机号",
                "Enter a mobile number starting with 13 to 19",
            ),
        }
    }
}

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let mut rest = trimmed;
        for prefix in ["+86", "0086"] {
            if let Some(r) = rest.strip_prefix(prefix) {
                rest = r;
                break;
            }
        }
        let mut digits = String::with_capacity(11);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '\u{3000}' => {}
                _ => return Err(PhoneError::InvalidCharacters),
            }
        }
        if digits.len() != 11 {
            return Err(PhoneError::WrongLength);
        }
        let bytes = digits.as_bytes();
        if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
            return Err(PhoneError::NotMobile);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`: what responses and logs show.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).map_err(|e| e.message().1.to_string())
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> Self {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_mainland_mobile_numbers_in_the_ways_people_type_them() {
        let cases = [
            ("13812345678", "13812345678"),
            (" 138 1234 5678 ", "13812345678"),
            ("138-1234-5678", "13812345678"),
            ("+8613812345678", "13812345678"),
            ("+86 199 0000 1111", "19900001111"),
            ("008615012345678", "15012345678"),
            ("17012345678", "17012345678"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                PhoneNumber::parse(input).map(|p| p.as_str().to_owned()),
                Ok(expected.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_mainland_mobile_number() {
        let cases = [
            ("", PhoneError::Empty),
            ("   ", PhoneError::Empty),
            ("1381234567", PhoneError::WrongLength),
            ("138123456789", PhoneError::WrongLength),
            ("12812345678", PhoneError::NotMobile),
            ("10012345678", PhoneError::NotMobile),
            ("23812345678", PhoneError::NotMobile),
            ("010-12345678", PhoneError::NotMobile),
            ("1381234567a", PhoneError::InvalidCharacters),
            ("１３８12345678", PhoneError::InvalidCharacters),
            ("+1 4155552671", PhoneError::InvalidCharacters),
        ];
        for (input, expected) in cases {
            assert_eq!(PhoneNumber::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn masks_the_middle_four_digits() {
        let p = PhoneNumber::parse("13812345678").unwrap();
        assert_eq!(p.masked(), "138****5678");
    }

    #[test]
    fn deserialising_validates() {
        let ok: Result<PhoneNumber, _> = serde_json::from_str("\"138 1234 5678\"");
        assert_eq!(ok.unwrap().as_str(), "13812345678");
        let bad: Result<PhoneNumber, _> = serde_json::from_str("\"12345\"");
        assert!(bad.is_err());
    }
}
