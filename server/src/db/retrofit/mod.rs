//! Retrofit applications: drafts saved screen by screen, transitions written together with
//! their event row (and the quota counter) in one transaction, and the lists of the family,
//! the street office and the county. Sensitive columns arrive here already sealed. Rows and
//! inputs here; reads in `reads.rs`, changes (methods on the transaction) in `changes.rs`.

use crate::db::scope::Scope;
use anju_domain::application::{ApplicationChannel, RejectReason, ReturnItem};
use anju_domain::retrofit::RetrofitState;
use anju_domain::retrofit_assessment::VisitState;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct ApplicationRow {
    pub id: i64,
    pub reference: String,
    pub year: i64,
    pub state: RetrofitState,
    pub channel: ApplicationChannel,
    pub elder_account_id: Option<i64>,
    pub applicant_account_id: i64,
    pub guardian_account_id: Option<i64>,
    pub guardian_answered: bool,
    pub elder_name: String,
    pub elder_phone: Option<String>,
    pub id_number_enc: Option<String>,
    pub id_number_masked: Option<String>,
    pub facts_enc: Option<String>,
    pub home_building_id: Option<i64>,
    pub home_unit: Option<String>,
    pub home_room: Option<String>,
    pub community_id: Option<i64>,
    pub street_id: Option<i64>,
    pub county_id: Option<i64>,
    pub scope_path: String,
    pub grounds: String,
    pub consent_version: Option<String>,
    pub consent_at: Option<i64>,
    pub return_checklist: Vec<ReturnItem>,
    pub return_note: Option<String>,
    pub returned_at: Option<i64>,
    /// The highest document id when the application was last returned: later ids are the
    /// family's answers to the return.
    pub return_document_mark: Option<i64>,
    pub reject_reason: Option<RejectReason>,
    pub reject_note: Option<String>,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub assessment_org_id: Option<i64>,
    pub assigned_at: Option<i64>,
    pub visit_at: Option<i64>,
    pub visit_state: Option<VisitState>,
    pub visit_note: Option<String>,
    pub contractor_org_id: Option<i64>,
    pub contractor_assigned_at: Option<i64>,
    /// Passed acceptance: the warranty runs from here.
    pub accepted_at: Option<i64>,
    /// The warranty's last day (`YYYY-MM-DD`), fixed at acceptance.
    pub warranty_until: Option<String>,
}

const COLUMNS: &str = "id, reference, year, state, channel, elder_account_id, applicant_account_id, guardian_account_id, guardian_answered, elder_name, elder_phone, id_number_enc, id_number_masked, facts_enc, home_building_id, home_unit, home_room, community_id, street_id, county_id, scope_path, grounds, consent_version, consent_at, return_checklist, return_note, returned_at, return_document_mark, reject_reason, reject_note, created_at, submitted_at, assessment_org_id, assigned_at, visit_at, visit_state, visit_note, contractor_org_id, contractor_assigned_at, accepted_at, warranty_until";

use crate::db::decode::decode_err;

fn from_row<R: Row>(r: &R) -> Result<ApplicationRow, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    String: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    Option<String>: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    bool: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
{
    let state: String = r.try_get("state")?;
    let channel: String = r.try_get("channel")?;
    let checklist: String = r.try_get("return_checklist")?;
    let reason: Option<String> = r.try_get("reject_reason")?;
    let visit_state: Option<String> = r.try_get("visit_state")?;
    Ok(ApplicationRow {
        id: r.try_get("id")?,
        reference: r.try_get("reference")?,
        year: r.try_get("year")?,
        state: RetrofitState::parse(&state).ok_or_else(|| decode_err("state", state.clone()))?,
        channel: if channel == "office" {
            ApplicationChannel::Office
        } else {
            ApplicationChannel::App
        },
        elder_account_id: r.try_get("elder_account_id")?,
        applicant_account_id: r.try_get("applicant_account_id")?,
        guardian_account_id: r.try_get("guardian_account_id")?,
        guardian_answered: r.try_get("guardian_answered")?,
        elder_name: r.try_get("elder_name")?,
        elder_phone: r.try_get("elder_phone")?,
        id_number_enc: r.try_get("id_number_enc")?,
        id_number_masked: r.try_get("id_number_masked")?,
        facts_enc: r.try_get("facts_enc")?,
        home_building_id: r.try_get("home_building_id")?,
        home_unit: r.try_get("home_unit")?,
        home_room: r.try_get("home_room")?,
        community_id: r.try_get("community_id")?,
        street_id: r.try_get("street_id")?,
        county_id: r.try_get("county_id")?,
        scope_path: r.try_get("scope_path")?,
        grounds: r.try_get("grounds")?,
        consent_version: r.try_get("consent_version")?,
        consent_at: r.try_get("consent_at")?,
        return_checklist: serde_json::from_str(&checklist)
            .map_err(|e| decode_err("return_checklist", e.to_string()))?,
        return_note: r.try_get("return_note")?,
        returned_at: r.try_get("returned_at")?,
        return_document_mark: r.try_get("return_document_mark")?,
        reject_reason: reason
            .map(|s| serde_json::from_value(serde_json::Value::String(s)))
            .transpose()
            .map_err(|e| decode_err("reject_reason", e.to_string()))?,
        reject_note: r.try_get("reject_note")?,
        created_at: r.try_get("created_at")?,
        submitted_at: r.try_get("submitted_at")?,
        assessment_org_id: r.try_get("assessment_org_id")?,
        assigned_at: r.try_get("assigned_at")?,
        visit_at: r.try_get("visit_at")?,
        visit_state: visit_state
            .map(|s| VisitState::parse(&s).ok_or_else(|| decode_err("visit_state", s)))
            .transpose()?,
        visit_note: r.try_get("visit_note")?,
        contractor_org_id: r.try_get("contractor_org_id")?,
        contractor_assigned_at: r.try_get("contractor_assigned_at")?,
        accepted_at: r.try_get("accepted_at")?,
        warranty_until: r.try_get("warranty_until")?,
    })
}

/// Where an application sits in the tree, from its home.
pub struct Placement<'a> {
    pub building_id: Option<i64>,
    pub unit: Option<&'a str>,
    pub room: Option<&'a str>,
    pub community_id: Option<i64>,
    pub street_id: Option<i64>,
    pub county_id: Option<i64>,
    pub scope_path: &'a str,
}

pub struct NewApplication<'a> {
    pub year: i64,
    pub channel: ApplicationChannel,
    pub elder_account_id: Option<i64>,
    pub elder_name: &'a str,
    pub elder_phone: Option<&'a str>,
    pub applicant_account_id: i64,
    /// A guardian applying is named on the application.
    pub guardian_account_id: Option<i64>,
    pub client_key: &'a str,
    pub placement: Placement<'a>,
    pub now: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The same "start" pressed again: here is the draft it created.
    #[error("duplicate submission")]
    Duplicate(i64),
    /// The elder already has an open application this year.
    #[error("open application exists")]
    OpenExists(i64),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub struct Transition<'a> {
    pub id: i64,
    pub from: RetrofitState,
    pub to: RetrofitState,
    pub actor: i64,
    pub actor_role: &'a str,
    pub action: &'a str,
    pub note: Option<&'a str>,
    pub checklist: &'a [ReturnItem],
    pub reason: Option<RejectReason>,
    /// Set at submission: the grounds for the reviewer's filter.
    pub grounds: Option<&'a str>,
    /// Confirmation takes one place of this county's quota for the year.
    pub take_quota: Option<(i64, i64)>,
    pub now: i64,
    /// The application's place in the tree, for its audit entry.
    pub scope_path: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum TransitionOutcome {
    Applied,
    /// Someone else moved the application first.
    Stale,
    QuotaFull,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub at: i64,
    pub actor_account_id: i64,
    pub actor_role: String,
    pub action: String,
    #[sqlx(try_from = "String")]
    pub state: RetrofitState,
    pub note: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub hash: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_at: i64,
}

pub struct NewDocument<'a> {
    pub application_id: i64,
    pub kind: &'a str,
    pub hash: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub by: i64,
    pub now: i64,
}

/// The elder's details, the ID number sealed and hashed by the caller.
pub struct ElderUpdate<'a> {
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub id_enc: &'a str,
    pub id_masked: &'a str,
    /// `<keyed hash>:<year>`: the elder's slot for the year.
    pub open_id_key: &'a str,
    pub now: i64,
}

pub struct QueueFilter<'a> {
    pub scope: &'a Scope,
    pub viewer: i64,
    pub state: Option<&'a str>,
    pub community_id: Option<i64>,
    pub ground: Option<&'a str>,
    /// Only these (county, year, state) groups: the households behind a year date
    /// (`routes::retrofit::stages`). `Some(&[])` matches nothing.
    pub groups: Option<&'a [(i64, i64, String)]>,
    pub before_id: i64,
    pub limit: i64,
}

fn slot_keys(state: RetrofitState) -> &'static str {
    // Closing states free the elder's yearly slot.
    if state.is_open() {
        "keep"
    } else {
        "clear"
    }
}

pub mod acceptance;
pub mod assessment;
pub mod assessment_photos;
pub mod catalogue;
mod changes;
pub mod contracts;
pub use changes::RetrofitEvent;
mod drafts;
pub mod plans;
mod reads;
pub mod report;
pub mod return_answers;
pub mod settlement;
pub mod warranty;
