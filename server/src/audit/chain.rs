//! The audit log's hash chain, as pure functions: the canonical encoding of an entry, its hash,
//! and the walk that finds the first entry that was changed, removed, inserted or reordered.
//!
//! Each entry's hash is SHA-256 over `anju-audit/<version>` followed by every field, each
//! written as its byte length (8 bytes, big-endian) and its UTF-8 bytes, the previous entry's
//! hash last. Length prefixes make the encoding unambiguous (no field can borrow bytes from
//! the next); the version lets a later encoding coexist with entries written under this one.
//!
//! What the chain proves: nobody edited, removed, inserted or reordered entries *without
//! rewriting every later hash*. Someone who can write the database can still rewrite the
//! whole tail; the head hash that `anju audit verify` prints and `anju serve` logs at start is
//! what an operator keeps elsewhere to catch that.

use sha2::{Digest, Sha256};

/// The encoding written by this code. Bump it, and keep the old arm of [`entry_hash`], when the
/// fields change.
pub const VERSION: i64 = 1;

/// The "previous hash" of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields an entry's hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub actor: Option<i64>,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub scope_path: String,
}

/// Hex SHA-256 of `entry` under encoding `version` after `prev_hash`; `None` for a version this
/// code does not know.
pub fn entry_hash(version: i64, entry: &Entry, prev_hash: &str) -> Option<String> {
    if version != 1 {
        return None;
    }
    let mut h = Sha256::new();
    h.update(b"anju-audit/1");
    let actor = entry.actor.map(|a| a.to_string()).unwrap_or_default();
    for field in [
        entry.seq.to_string().as_str(),
        entry.at.to_string().as_str(),
        actor.as_str(),
        entry.action.as_str(),
        entry.subject.as_str(),
        entry.detail.as_str(),
        entry.scope_path.as_str(),
        prev_hash,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    Some(hex::encode(h.finalize()))
}

/// One row as stored (`entry.seq` is the same column as `seq`): `seq`, `version`, `prev_hash`
/// and `hash` are `None` on a row that never went through the chain (inserted behind the
/// server's back).
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub seq: Option<i64>,
    pub version: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
    pub entry: Entry,
}

/// Why the chain does not hold, at the first entry where it stops holding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The entry's content no longer gives its stored hash.
    Changed { seq: i64, id: i64 },
    /// The entry does not follow the one before it: something between was removed, inserted
    /// or the two were reordered.
    NotLinked { seq: i64, id: i64 },
    /// Sequence numbers jump from `after` to `seq`: the entries between are gone.
    Missing { after: i64, seq: i64 },
    /// A row outside the chain (no sequence number or hash) or a second row with one number.
    Inserted { id: i64 },
    /// The chain's recorded head is further than its last entry: the last entries are gone.
    TailRemoved { last: i64, head: i64 },
    /// Rows go on past the recorded head: written without taking the head.
    Appended { seq: i64, head: i64 },
    /// Written under an encoding this build does not know.
    UnknownVersion { seq: i64, id: i64, version: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Changed { seq, id } => write!(
                f,
                "entry {seq} (row id {id}) was changed: its content no longer matches its hash"
            ),
            Break::NotLinked { seq, id } => write!(
                f,
                "entry {seq} (row id {id}) does not follow the entry before it: an entry was removed, inserted or reordered there"
            ),
            Break::Missing { after, seq } if *seq == after + 2 => {
                write!(f, "entry {} was removed", after + 1)
            }
            Break::Missing { after, seq } => {
                write!(f, "entries {} to {} were removed", after + 1, seq - 1)
            }
            Break::Inserted { id } => {
                write!(f, "row id {id} was inserted outside the chain")
            }
            Break::TailRemoved { last, head } if *head == last + 1 => {
                write!(f, "entry {head}, the last, was removed")
            }
            Break::TailRemoved { last, head } => write!(
                f,
                "the last entries, {} to {head}, were removed",
                last + 1
            ),
            Break::Appended { seq, head } => write!(
                f,
                "entry {seq} was added behind the server's back (the chain's head is at {head})"
            ),
            Break::UnknownVersion { seq, id, version } => write!(
                f,
                "entry {seq} (row id {id}) uses encoding version {version}, unknown to this build"
            ),
        }
    }
}

/// Walks stored rows in `seq` order (rows without one last) and keeps the running head.
#[derive(Debug, Clone)]
pub struct Walk {
    pub count: i64,
    pub last_seq: i64,
    pub head: String,
    /// Where the recorded head says the chain ends.
    recorded_end: i64,
}

impl Walk {
    /// A walk of a chain whose head row says it ends at `recorded_end`.
    pub fn new(recorded_end: i64) -> Self {
        Walk {
            count: 0,
            last_seq: 0,
            head: GENESIS.to_owned(),
            recorded_end,
        }
    }

    /// Check the next row; the first `Err` is the first break.
    pub fn step(&mut self, row: &Stored) -> Result<(), Break> {
        let (Some(seq), Some(version), Some(prev), Some(hash)) =
            (row.seq, row.version, &row.prev_hash, &row.hash)
        else {
            return Err(Break::Inserted { id: row.id });
        };
        if seq == self.last_seq {
            return Err(Break::Inserted { id: row.id });
        }
        if seq > self.recorded_end {
            return Err(Break::Appended {
                seq,
                head: self.recorded_end,
            });
        }
        if seq != self.last_seq + 1 {
            return Err(Break::Missing {
                after: self.last_seq,
                seq,
            });
        }
        if *prev != self.head {
            return Err(Break::NotLinked { seq, id: row.id });
        }
        let Some(expected) = entry_hash(version, &row.entry, prev) else {
            return Err(Break::UnknownVersion {
                seq,
                id: row.id,
                version,
            });
        };
        if expected != *hash {
            return Err(Break::Changed { seq, id: row.id });
        }
        self.count += 1;
        self.last_seq = seq;
        self.head = hash.clone();
        Ok(())
    }

    /// After the last row: the recorded head must be where the walk ended.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<(), Break> {
        if head_seq > self.last_seq {
            return Err(Break::TailRemoved {
                last: self.last_seq,
                head: head_seq,
            });
        }
        if head_seq < self.last_seq {
            return Err(Break::Appended {
                seq: head_seq + 1,
                head: head_seq,
            });
        }
        if head_hash != self.head {
            // Same length, other content: the tail was rewritten with new hashes.
            return Err(Break::Appended {
                seq: self.last_seq,
                head: head_seq,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Stored> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let entry = Entry {
                    seq,
                    at: 1_700_000_000 + seq,
                    actor: Some(seq % 3),
                    action: "retrofit.view".into(),
                    subject: format!("retrofit_application:{seq}"),
                    detail: String::new(),
                    scope_path: "/1/2/".into(),
                };
                let hash = entry_hash(VERSION, &entry, &prev).unwrap();
                let row = Stored {
                    id: seq + 100,
                    seq: Some(seq),
                    version: Some(VERSION),
                    prev_hash: Some(prev.clone()),
                    hash: Some(hash.clone()),
                    entry,
                };
                prev = hash;
                row
            })
            .collect()
    }

    fn walk(rows: &[Stored]) -> Result<Walk, Break> {
        let mut w = Walk::new(i64::MAX);
        for r in rows {
            w.step(r)?;
        }
        Ok(w)
    }

    #[test]
    fn an_untouched_chain_holds_and_ends_at_its_head() {
        let rows = chain(5);
        let w = walk(&rows).unwrap();
        assert_eq!(w.count, 5);
        assert_eq!(&w.head, rows[4].hash.as_ref().unwrap());
        assert_eq!(w.finish(5, &w.head), Ok(()));
    }

    #[test]
    fn fields_cannot_borrow_bytes_from_each_other() {
        let mut a = chain(1)[0].entry.clone();
        let mut b = a.clone();
        a.action = "ab".into();
        a.subject = "c".into();
        b.action = "a".into();
        b.subject = "bc".into();
        assert_ne!(entry_hash(1, &a, GENESIS), entry_hash(1, &b, GENESIS));
    }

    #[test]
    fn each_kind_of_tampering_names_the_first_bad_entry() {
        type Tamper = Box<dyn Fn(&mut Vec<Stored>)>;
        let cases: Vec<(&str, Tamper, Break)> = vec![
            (
                "detail edited",
                Box::new(|r| r[2].entry.detail = "nothing to see".into()),
                Break::Changed { seq: 3, id: 103 },
            ),
            (
                "actor edited",
                Box::new(|r| r[1].entry.actor = None),
                Break::Changed { seq: 2, id: 102 },
            ),
            (
                "middle row deleted",
                Box::new(|r| {
                    r.remove(2);
                }),
                Break::Missing { after: 2, seq: 4 },
            ),
            (
                "middle row deleted and later ones renumbered",
                Box::new(|r| {
                    r.remove(2);
                    for row in r.iter_mut().skip(2) {
                        row.seq = row.seq.map(|s| s - 1);
                        row.entry.seq -= 1;
                    }
                }),
                Break::NotLinked { seq: 3, id: 104 },
            ),
            (
                "two rows swapped",
                Box::new(|r| {
                    r.swap(1, 2);
                    (r[1].seq, r[1].entry.seq) = (Some(2), 2);
                    (r[2].seq, r[2].entry.seq) = (Some(3), 3);
                }),
                Break::NotLinked { seq: 2, id: 103 },
            ),
            (
                "row inserted without the chain",
                Box::new(|r| {
                    let mut extra = r[0].clone();
                    extra.id = 999;
                    extra.seq = None;
                    extra.hash = None;
                    r.push(extra);
                }),
                Break::Inserted { id: 999 },
            ),
            (
                "unknown encoding",
                Box::new(|r| r[0].version = Some(7)),
                Break::UnknownVersion {
                    seq: 1,
                    id: 101,
                    version: 7,
                },
            ),
        ];
        for (what, tamper, expected) in cases {
            let mut rows = chain(5);
            tamper(&mut rows);
            assert_eq!(walk(&rows).err(), Some(expected), "{what}");
        }
    }

    #[test]
    fn rows_past_the_recorded_head_are_caught() {
        let rows = chain(5);
        let mut w = Walk::new(4);
        let stopped = rows.iter().try_for_each(|r| w.step(r));
        assert_eq!(stopped, Err(Break::Appended { seq: 5, head: 4 }));
    }

    #[test]
    fn a_removed_tail_is_caught_by_the_recorded_head() {
        let rows = chain(5);
        let head = rows[4].hash.clone().unwrap();
        let w = walk(&rows[..3]).unwrap();
        assert_eq!(
            w.finish(5, &head),
            Err(Break::TailRemoved { last: 3, head: 5 })
        );
    }
}
