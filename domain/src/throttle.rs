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

#[cfg(test)]
mod tests {
    use super::*;

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
