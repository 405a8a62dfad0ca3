//! Surveys, their versions and targets, and responses. One household has one counted
//! response per version (`household_slot`); a second record from another collector is kept,
//! flagged for review, never dropped. A retried send finds its row by `(submitted_by,
//! client_key)`. Rows and inputs here; reads in `reads.rs`, changes (methods on the
//! transaction) in `changes.rs`.

use crate::db::decode::decode_err;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct VersionRow {
    pub id: i64,
    pub survey_id: i64,
    pub version: i64,
    pub definition: String,
    pub opens_on: String,
    pub closes_on: String,
    pub target_percent: i64,
    pub min_sample: i64,
    pub published_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct ResponseRow {
    pub id: i64,
    pub survey_id: i64,
    pub version_id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub unit: String,
    pub room: String,
    pub household_key: String,
    pub channel: String,
    pub collector_account_id: Option<i64>,
    pub answers: String,
    pub satisfied: Option<bool>,
    pub review: String,
    pub review_note: Option<String>,
    pub flagged: bool,
    pub collected_at: i64,
    pub month: String,
}

const VERSION_COLUMNS: &str =
    "id, survey_id, version, definition, opens_on, closes_on, target_percent, min_sample, published_at";
const RESPONSE_COLUMNS: &str = "id, survey_id, version_id, community_id, building_id, unit, room, household_key, channel, collector_account_id, answers, satisfied, review, review_note, flagged, collected_at, month";

fn version_row<R: Row>(r: &R) -> Result<VersionRow, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    String: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
{
    Ok(VersionRow {
        id: r.try_get("id")?,
        survey_id: r.try_get("survey_id")?,
        version: r.try_get("version")?,
        definition: r.try_get("definition")?,
        opens_on: r.try_get("opens_on")?,
        closes_on: r.try_get("closes_on")?,
        target_percent: r.try_get("target_percent")?,
        min_sample: r.try_get("min_sample")?,
        published_at: r.try_get("published_at")?,
    })
}

fn response_row<R: Row>(r: &R) -> Result<ResponseRow, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    String: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    bool: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    Option<bool>: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
{
    Ok(ResponseRow {
        id: r.try_get("id")?,
        survey_id: r.try_get("survey_id")?,
        version_id: r.try_get("version_id")?,
        community_id: r.try_get("community_id")?,
        building_id: r.try_get("building_id")?,
        unit: r.try_get("unit")?,
        room: r.try_get("room")?,
        household_key: r.try_get("household_key")?,
        channel: r.try_get("channel")?,
        collector_account_id: r.try_get("collector_account_id")?,
        answers: r.try_get("answers")?,
        satisfied: r.try_get("satisfied")?,
        review: r.try_get("review")?,
        review_note: r.try_get("review_note")?,
        flagged: r.try_get("flagged")?,
        collected_at: r.try_get("collected_at")?,
        month: r.try_get("month")?,
    })
}

pub struct NewVersion<'a> {
    pub definition: &'a str,
    pub opens_on: &'a str,
    pub closes_on: &'a str,
    pub target_percent: i64,
    pub min_sample: i64,
    pub communities: &'a [i64],
    pub now: i64,
}

pub struct NewResponse<'a> {
    pub survey_id: i64,
    pub version_id: i64,
    pub community_id: i64,
    pub scope_path: &'a str,
    pub building_id: i64,
    pub unit: &'a str,
    pub room: &'a str,
    pub household_key: &'a str,
    pub channel: &'a str,
    pub respondent: Option<i64>,
    pub collector: Option<i64>,
    pub submitted_by: i64,
    pub client_key: &'a str,
    pub answers: &'a str,
    pub satisfied: Option<bool>,
    pub collected_at: i64,
    pub month: &'a str,
    pub now: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Recorded {
    /// The household's response for this version (new or updated).
    Counted(i64),
    /// Another record of a household that already has one: kept for review.
    Flagged(i64),
    /// The same send again: the row it created the first time.
    Again(i64),
}

/// One review decision, oldest first in [`Db::survey_review_history`].
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReviewRow {
    pub response_id: i64,
    pub review: String,
    pub note: Option<String>,
    pub reviewer: String,
    pub reviewed_at: i64,
}

pub fn decode_definition(json: &str) -> Result<anju_domain::survey::SurveyDefinition, sqlx::Error> {
    serde_json::from_str(json).map_err(|e| decode_err("definition", e.to_string()))
}

mod changes;
mod reads;
