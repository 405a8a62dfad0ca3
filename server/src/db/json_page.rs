//! A page of list rows read as one JSON array that the database builds.
//!
//! The hot lists (a resident's cases, the staff queue) answer every page with up to 31 rows of
//! a dozen columns. Read as rows, each one crosses from the SQLite worker thread to the request's
//! task as a message of its own, with every value copied out, and under load the hand-overs cost
//! more than the query (measured with `cargo xtask bench`, see the #11 notes). Read as one
//! `json_group_array` / `json_agg` value, a page is one message and one parse.
//!
//! The inner query keeps its `WHERE … ORDER BY … LIMIT`, so it uses the same indexes as before;
//! the aggregate repeats the order so the array keeps it (SQLite ≥ 3.44 and PostgreSQL both
//! take `ORDER BY` inside an aggregate).

use super::decode::decode_err;
use super::Db;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::Deserialize;

/// `SELECT <array of objects> FROM (<inner>) t`, for this backend. `fields` are the inner
/// query's output column names, which become the objects' keys; `order` is written over `t`.
pub(crate) fn page_sql(db: &Db, fields: &[&str], inner: &str, order: &str) -> String {
    let pairs = fields
        .iter()
        .map(|f| format!("'{f}', t.{f}"))
        .collect::<Vec<_>>()
        .join(", ");
    match db {
        Db::Sqlite { .. } => {
            format!(
                "SELECT json_group_array(json_object({pairs}) ORDER BY {order}) FROM ({inner}) t"
            )
        }
        Db::Postgres(_) => format!(
            "SELECT COALESCE(json_agg(json_build_object({pairs}) ORDER BY {order}), '[]')::text \
             FROM ({inner}) t"
        ),
    }
}

/// The rows of a page read with [`page_sql`].
pub(crate) fn rows<T: DeserializeOwned>(json: &str) -> Result<Vec<T>, sqlx::Error> {
    serde_json::from_str(json).map_err(|e| decode_err("page", e.to_string()))
}

/// A boolean column: SQLite's JSON writes it as 0/1, PostgreSQL's as false/true. A visitor
/// rather than an untagged enum: that one builds (and formats) an error for every 0/1 it
/// first tries as a boolean, measurable on a list page (`perf`, #11 notes).
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a boolean or 0/1")
        }
        fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_i64<E>(self, v: i64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_u64<E>(self, v: u64) -> Result<bool, E> {
            Ok(v != 0)
        }
    }
    d.deserialize_any(Flag)
}

/// A column stored as text and read through the type's `TryFrom<String>` (state names).
pub(crate) fn text<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<String>,
    T::Error: std::fmt::Display,
{
    T::try_from(String::deserialize(d)?).map_err(D::Error::custom)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Row {
        #[serde(deserialize_with = "super::flag")]
        major: bool,
    }

    fn major(json: &str) -> Result<bool, serde_json::Error> {
        serde_json::from_str::<Row>(json).map(|r| r.major)
    }

    #[test]
    fn a_flag_reads_sqlites_numbers_and_postgresqls_booleans_and_nothing_else() {
        assert!(major(r#"{"major":1}"#).unwrap());
        assert!(!major(r#"{"major":0}"#).unwrap());
        assert!(major(r#"{"major":true}"#).unwrap());
        assert!(!major(r#"{"major":false}"#).unwrap());
        assert!(major(r#"{"major":"1"}"#).is_err());
        assert!(major(r#"{"major":null}"#).is_err());
    }
}
