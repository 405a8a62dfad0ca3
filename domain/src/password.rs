//! Password policy (NIST SP 800-63B style): at least 8 characters, at most 128, no composition
//! rules, and not one of the most common passwords. Pasting is allowed; nothing is trimmed,
//! because spaces can be part of a passphrase.

use std::fmt;

/// The most common passwords, including those popular in China (`woaini1314`, `88888888`).
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordError {
    TooShort,
    TooLong,
    TooCommon,
    /// Same as the account's phone number.
    SameAsPhone,
}

impl PasswordError {
    pub fn message(self) -> (&'static str, &'static str) {
        match self {
            Self::TooShort => (
                "密码至少需要 8 个字符",
                "Your password must be at least 8 characters",
            ),
            Self::TooLong => (
                "密码不能超过 128 个字符",
                "Your password must be 128 characters or fewer",
            ),
            Self::TooCommon => (
                "这个密码太常见，容易被猜到，请换一个",
                "This password is too common and easy to guess; choose another",
            ),
            Self::SameAsPhone => (
                "密码不能与手机号相同",
                "Your password must not be your mobile number",
            ),
        }
    }
}

fn is_common(candidate: &str) -> bool {
    let lower = candidate.to_lowercase();
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l == lower)
}

impl Password {
    /// Validate a new password. `phone` (digits only) is refused as a password.
    pub fn new(candidate: &str, phone: Option<&str>) -> Result<Self, PasswordError> {
        let chars = candidate.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if phone.is_some_and(|p| candidate.contains(p)) {
            return Err(PasswordError::SameAsPhone);
        }
        if is_common(candidate) {
            return Err(PasswordError::TooCommon);
        }
        Ok(Self(candidate.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_table() {
        let cases: &[(&str, Option<&str>, Result<(), PasswordError>)] = &[
            ("correct horse", None, Ok(())),
            ("老房子装扶手了吗", None, Ok(())),
            ("8chars!!", None, Ok(())),
            ("        x", None, Ok(())),
            ("short", None, Err(PasswordError::TooShort)),
            ("七个汉字密码呀", None, Err(PasswordError::TooShort)),
            ("", None, Err(PasswordError::TooShort)),
            ("password", None, Err(PasswordError::TooCommon)),
            ("PassWord", None, Err(PasswordError::TooCommon)),
            ("12345678", None, Err(PasswordError::TooCommon)),
            ("88888888", None, Err(PasswordError::TooCommon)),
            ("woaini1314", None, Err(PasswordError::TooCommon)),
            ("qwertyuiop", None, Err(PasswordError::TooCommon)),
            (
                "13812345678",
                Some("13812345678"),
                Err(PasswordError::SameAsPhone),
            ),
            (
                "x13812345678",
                Some("13812345678"),
                Err(PasswordError::SameAsPhone),
            ),
            ("13812345678", Some("13900000000"), Ok(())),
        ];
        for (input, phone, expected) in cases {
            assert_eq!(
                Password::new(input, *phone).map(|_| ()),
                *expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(Password::new(&"字".repeat(MAX_CHARS), None).is_ok());
        assert_eq!(
            Password::new(&"a".repeat(MAX_CHARS + 1), None).map(|_| ()),
            Err(PasswordError::TooLong)
        );
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let p = Password::new("a secret phrase", None).unwrap();
        assert!(!format!("{p:?}").contains("secret"));
    }
}
