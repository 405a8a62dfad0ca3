//! Recently read sign-ins, so a burst of requests from one page (or a month-end queue) does not
//! read the session and its account from the database for every request.
//!
//! An entry is used for at most [`TTL`] and only while nothing that changes a sign-in has been
//! committed in this process since it was read: every `Tx` that ends a session or changes an
//! account's sign-in data bumps [`sign_in_data_changed`] after its commit, which retires every
//! entry at once (sign-outs and password changes are rare next to reads). Another instance on
//! the same PostgreSQL cannot bump this process's counter, so there a sign-out or a password
//! change made elsewhere takes effect here within [`TTL`].

use crate::db::sessions::SignedIn;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const TTL: Duration = Duration::from_secs(5);

/// Past this many entries the cache starts again empty rather than growing without bound.
const MAX_ENTRIES: usize = 20_000;

/// Process-wide, not per server: several test servers share a process, and retiring another
/// server's entries too only costs a read.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Called after a commit that ended a session or changed what a sign-in carries.
pub fn sign_in_data_changed() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// The generation to stamp on a sign-in about to be read: taken before the read, so a change
/// committed while the read runs retires the entry.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

struct Entry {
    read_at: Instant,
    generation: u64,
    signed_in: SignedIn,
}

#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl SessionCache {
    /// The sign-in for this token hash, if read recently and nothing changed since.
    pub fn get(&self, token_hash: &str) -> Option<SignedIn> {
        self.get_at(token_hash, generation())
    }

    fn get_at(&self, token_hash: &str, current: u64) -> Option<SignedIn> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(token_hash)?;
        (entry.generation == current && entry.read_at.elapsed() < TTL)
            .then(|| entry.signed_in.clone())
    }

    pub fn put(&self, token_hash: &str, generation: u64, signed_in: SignedIn) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            token_hash.to_owned(),
            Entry {
                read_at: Instant::now(),
                generation,
                signed_in,
            },
        );
    }

    /// After this process wrote the session's last-seen time.
    pub fn touched(&self, token_hash: &str, now: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = entries.get_mut(token_hash) {
            entry.signed_in.session_last_seen_at = now;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::accounts::AccountRow;
    use anju_domain::Role;

    fn signed_in(last_seen: i64) -> SignedIn {
        SignedIn {
            session_created_at: 0,
            session_last_seen_at: last_seen,
            account: AccountRow {
                id: 7,
                phone: "13800000001".into(),
                password_hash: String::new(),
                display_name: "王阿姨".into(),
                role: Role::Resident,
                jurisdiction_id: None,
                home_building_id: None,
                home_unit: None,
                home_room: None,
                scope_path: "/".into(),
                elder_mode: false,
                locale: "zh-CN".into(),
                phone_verified_at: None,
                temporary_password_expires_at: None,
            },
        }
    }

    // Explicit generations: the process-wide counter moves whenever another test commits a
    // sign-in change.
    #[test]
    fn an_entry_is_served_only_in_the_generation_it_was_read_in() {
        let cache = SessionCache::default();
        cache.put("a", 5, signed_in(10));
        assert_eq!(cache.get_at("a", 5).map(|s| s.account.id), Some(7));
        assert!(
            cache.get_at("a", 6).is_none(),
            "a change was committed since"
        );
        assert!(cache.get_at("other", 5).is_none());
    }

    #[test]
    fn a_committed_change_moves_the_generation() {
        let before = generation();
        sign_in_data_changed();
        assert!(generation() > before);
    }

    #[test]
    fn touching_keeps_the_entry_with_its_new_last_seen_time() {
        let cache = SessionCache::default();
        cache.put("c", 5, signed_in(10));
        cache.touched("c", 99);
        assert_eq!(
            cache.get_at("c", 5).map(|s| s.session_last_seen_at),
            Some(99)
        );
    }
}
