//! Complaint and inquiry cases, their events, pauses and met targets. Every state change is
//! written together with its event row in one transaction. Rows and inputs here; reads in
//! `reads.rs`, changes (methods on the transaction) in `changes.rs`.

use crate::db::decode::decode_err;
use anju_domain::category::{CaseKind, Category};
use anju_domain::complaint::{CaseState, Channel, Rating};
use anju_domain::deadline::Target;
use sqlx::Row;

/// `next_due_at` when no deadline is running, so the queue can sort by it without NULLs.
pub const NO_DUE: i64 = i64::MAX;

#[derive(Debug, Clone)]
pub struct CaseRow {
    pub id: i64,
    pub major: bool,
    pub handled_at: Option<i64>,
    pub reference: String,
    pub kind: CaseKind,
    pub category_code: String,
    pub targets: Vec<Target>,
    pub resident_account_id: i64,
    pub channel: Channel,
    pub community_id: i64,
    pub scope_path: String,
    pub description: String,
    pub public_place: Option<String>,
    pub contact_time: Option<String>,
    pub state: CaseState,
    pub assignee_account_id: Option<i64>,
    pub created_at: i64,
    pub acknowledged_at: Option<i64>,
    pub next_due_at: i64,
    pub rating: Option<Rating>,
}

/// A case as lists show it: one query per page joins in the category, community and resident
/// names (see `anju_domain::complaint::CaseSummary`), read as one JSON page
/// ([`super::json_page`]).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct CaseListRow {
    pub id: i64,
    pub reference: String,
    pub kind: String,
    pub category_code: String,
    pub category_name: Option<String>,
    pub category_name_en: Option<String>,
    #[serde(deserialize_with = "super::json_page::text")]
    pub state: CaseState,
    pub community_name: Option<String>,
    pub resident_name: Option<String>,
    pub created_at: i64,
    pub acknowledged_at: Option<i64>,
    pub next_due_at: i64,
    #[serde(deserialize_with = "super::json_page::flag")]
    pub major: bool,
}

/// [`CaseListRow`]'s fields, the output columns of [`LIST_SELECT`].
const LIST_FIELDS: &[&str] = &[
    "id",
    "reference",
    "kind",
    "category_code",
    "category_name",
    "category_name_en",
    "state",
    "community_name",
    "resident_name",
    "created_at",
    "acknowledged_at",
    "next_due_at",
    "major",
];

const LIST_SELECT: &str = "SELECT c.id, c.reference, c.kind, c.category_code,
        cat.name AS category_name, cat.name_en AS category_name_en, c.state,
        j.name AS community_name, a.display_name AS resident_name,
        c.created_at, c.acknowledged_at, c.next_due_at, c.major
    FROM cases c
    LEFT JOIN categories cat ON cat.code = c.category_code
    LEFT JOIN jurisdictions j ON j.id = c.community_id
    LEFT JOIN accounts a ON a.id = c.resident_account_id";

pub struct NewCase<'a> {
    pub kind: CaseKind,
    pub category: &'a Category,
    pub resident_account_id: i64,
    pub filed_by_account_id: i64,
    pub client_key: &'a str,
    pub channel: Channel,
    pub community_id: i64,
    pub scope_path: &'a str,
    pub description: &'a str,
    pub public_place: Option<&'a str>,
    pub contact_time: Option<&'a str>,
    pub now: i64,
    pub next_due_at: i64,
}

const COLUMNS: &str = "id, major, handled_at, reference, kind, category_code, targets, resident_account_id, channel, community_id, scope_path, description, public_place, contact_time, state, assignee_account_id, created_at, acknowledged_at, next_due_at, rating_speed, rating_result, rating_attitude";

fn from_row<R: Row>(row: &R) -> Result<CaseRow, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let kind: String = row.try_get("kind")?;
    let state: String = row.try_get("state")?;
    let channel: String = row.try_get("channel")?;
    let targets: String = row.try_get("targets")?;
    let rating = match (
        row.try_get::<Option<i64>, _>("rating_speed")?,
        row.try_get::<Option<i64>, _>("rating_result")?,
        row.try_get::<Option<i64>, _>("rating_attitude")?,
    ) {
        (Some(s), Some(r), Some(a)) => Some(Rating {
            speed: s as u8,
            result: r as u8,
            attitude: a as u8,
        }),
        _ => None,
    };
    Ok(CaseRow {
        id: row.try_get("id")?,
        major: row.try_get("major")?,
        handled_at: row.try_get("handled_at")?,
        reference: row.try_get("reference")?,
        kind: match kind.as_str() {
            "inquiry" => CaseKind::Inquiry,
            _ => CaseKind::Complaint,
        },
        category_code: row.try_get("category_code")?,
        targets: serde_json::from_str(&targets)
            .map_err(|e| decode_err("targets", e.to_string()))?,
        resident_account_id: row.try_get("resident_account_id")?,
        channel: Channel::parse(&channel).ok_or_else(|| decode_err("channel", channel.clone()))?,
        community_id: row.try_get("community_id")?,
        scope_path: row.try_get("scope_path")?,
        description: row.try_get("description")?,
        public_place: row.try_get("public_place")?,
        contact_time: row.try_get("contact_time")?,
        state: CaseState::parse(&state).ok_or_else(|| decode_err("state", state.clone()))?,
        assignee_account_id: row.try_get("assignee_account_id")?,
        created_at: row.try_get("created_at")?,
        acknowledged_at: row.try_get("acknowledged_at")?,
        next_due_at: row.try_get("next_due_at")?,
        rating,
    })
}

fn kind_str(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Complaint => "complaint",
        CaseKind::Inquiry => "inquiry",
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateCaseError {
    /// The same filer already submitted this client key: here is that case.
    #[error("duplicate submission")]
    Duplicate(i64),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

mod changes;
mod reads;
