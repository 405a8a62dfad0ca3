//! Sign-in throttling that slows a guesser without locking the owner out: the wait grows
//! with the failures from one account *and* source, so the owner on another device is not
//! held back by someone else's guesses. (Failures on the account from everywhere ask for an
//! SMS code instead — see the server's sign-in.)

/// Seconds to wait after the last failure before the next try from the same account and
/// source: none for the first `free` failures, then 30 s doubling each time, up to `max`.
pub fn sign_in_delay_secs(failures: i64, free: i64, max: i64) -> i64 {
    if failures <= free {
        return 0;
    }
    let doublings = (failures - free - 1).min(20) as u32;
    30i64.saturating_mul(1i64 << doublings).min(max)
}

/// When the next try is allowed, as seconds from `now` (0 = now).
pub fn wait_secs(last_failure: Option<i64>, failures: i64, free: i64, max: i64, now: i64) -> i64 {
    match last_failure {
        Some(last) => (last + sign_in_delay_secs(failures, free, max) - now).max(0),
        None => 0,
    }
}

/// What a failed sign-in says from the last free failure on (the third, by default): how
/// many tries are left before a pause and how long that pause is — so nobody is surprised by a
/// wait. Before that, nothing more than "not right". The count is per account *and* source,
/// kept whether or not the account exists, so it tells a guesser nothing about the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInNotice {
    /// Tries that can still be made at once; the last of them, if wrong, starts the pause.
    pub tries_left: i64,
    pub pause_secs: i64,
}

pub fn failed_sign_in_notice(failures: i64, free: i64, max: i64) -> Option<SignInNotice> {
    if failures < free.max(1) {
        return None;
    }
    let tries_left = (free + 1 - failures).max(0);
    let pause_secs = sign_in_delay_secs(failures + tries_left, free, max);
    Some(SignInNotice {
        tries_left,
        pause_secs,
    })
}

/// "30 秒", "2 分钟" — a pause as people say it.
pub fn pause_words(secs: i64) -> (String, String) {
    if secs < 60 {
        (format!("{secs} 秒"), format!("{secs} seconds"))
    } else {
        let minutes = (secs + 59) / 60;
        (
            format!("{minutes} 分钟"),
            format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" }),
        )
    }
}

impl SignInNotice {
    /// The whole message of the failed sign-in, Chinese and English.
    pub fn message(self) -> (String, String) {
        let (zh_pause, en_pause) = pause_words(self.pause_secs);
        if self.tries_left > 0 {
            (
                format!(
                    "手机号或密码不正确。再错 {} 次，要等 {zh_pause}才能再试；忘记密码可以用短信验证码重设。",
                    self.tries_left
                ),
                format!(
                    "The mobile number or password is not right. {} more wrong {} and you must wait {en_pause} before trying again; if you forgot the password, reset it by text message.",
                    self.tries_left,
                    if self.tries_left == 1 { "try" } else { "tries" }
                ),
            )
        } else {
            (
                format!("手机号或密码不正确。请等 {zh_pause}再试，或用短信验证码重设密码。"),
                format!(
                    "The mobile number or password is not right. Wait {en_pause} before trying again, or reset the password by text message."
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_the_third_failure_the_person_hears_what_comes_next() {
        let notice = |failures| failed_sign_in_notice(failures, 3, 900);
        assert_eq!(notice(1), None);
        assert_eq!(notice(2), None);
        assert_eq!(
            notice(3),
            Some(SignInNotice {
                tries_left: 1,
                pause_secs: 30
            })
        );
        assert_eq!(
            notice(4),
            Some(SignInNotice {
                tries_left: 0,
                pause_secs: 30
            })
        );
        assert_eq!(
            notice(5),
            Some(SignInNotice {
                tries_left: 0,
                pause_secs: 60
            })
        );
        assert_eq!(notice(40).map(|n| n.pause_secs), Some(900));
        let (zh, en) = notice(3).unwrap().message();
        assert!(zh.contains("再错 1 次，要等 30 秒"), "{zh}");
        assert!(en.contains("1 more wrong try"), "{en}");
        let (zh, en) = notice(8).unwrap().message();
        assert!(zh.contains("请等 8 分钟再试"), "{zh}");
        assert!(en.contains("Wait 8 minutes"), "{en}");
    }

    #[test]
    fn delays_start_after_the_free_failures_and_double_to_the_cap() {
        let table = [
            (0, 0),
            (3, 0),
            (4, 30),
            (5, 60),
            (6, 120),
            (7, 240),
            (8, 480),
            (9, 900),
            (50, 900),
            (i64::MAX, 900),
        ];
        for (failures, delay) in table {
            assert_eq!(sign_in_delay_secs(failures, 3, 900), delay, "{failures}");
        }
    }

    #[test]
    fn the_wait_counts_from_the_last_failure() {
        assert_eq!(wait_secs(None, 9, 3, 900, 1000), 0);
        assert_eq!(wait_secs(Some(1000), 4, 3, 900, 1010), 20);
        assert_eq!(wait_secs(Some(1000), 4, 3, 900, 1031), 0);
    }
}
