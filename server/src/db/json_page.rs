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

/// A boolean column: SQLite's JSON writes it as 0/1, PostgreSQL's as false/true.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Int(i64),
    }
    Ok(match Flag::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Int(i) => i != 0,
    })
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
