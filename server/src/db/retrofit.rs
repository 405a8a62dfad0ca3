//! Retrofit applications: drafts saved screen by screen, transitions written together with
//! their event row (and the quota counter) in one transaction, and the lists of the family,
//! the street office and the county. Sensitive columns arrive here already sealed.

use super::audit::Audit;
use super::item_counts::{document_subject, take_place, Added};
use super::{is_unique_violation, with_db, with_tx, Db, Tx};
use crate::access::Scope;
use anju_domain::application::{ApplicationChannel, RejectReason, ReturnItem};
use anju_domain::retrofit::RetrofitState;
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
    pub reject_reason: Option<RejectReason>,
    pub reject_note: Option<String>,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
}

const COLUMNS: &str = "id, reference, year, state, channel, elder_account_id, applicant_account_id, guardian_account_id, guardian_answered, elder_name, elder_phone, id_number_enc, id_number_masked, facts_enc, home_building_id, home_unit, home_room, community_id, street_id, county_id, scope_path, grounds, consent_version, consent_at, return_checklist, return_note, returned_at, reject_reason, reject_note, created_at, submitted_at";

use super::cases::decode_err;

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
        reject_reason: reason
            .map(|s| serde_json::from_value(serde_json::Value::String(s)))
            .transpose()
            .map_err(|e| decode_err("reject_reason", e.to_string()))?,
        reject_note: r.try_get("reject_note")?,
        created_at: r.try_get("created_at")?,
        submitted_at: r.try_get("submitted_at")?,
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

#[derive(Debug, Clone)]
pub struct EventRow {
    pub at: i64,
    pub actor_account_id: i64,
    pub actor_role: String,
    pub action: String,
    pub state: RetrofitState,
    pub note: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone)]
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

impl Db {
    pub async fn application(&self, id: i64) -> Result<Option<ApplicationRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM retrofit_applications WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(pool)
                .await?
                .map(|r| from_row(&r))
                .transpose()
            }
        )
    }

    pub async fn retrofit_events(&self, id: i64) -> Result<Vec<EventRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(
                    "SELECT at, actor_account_id, actor_role, action, state, note, detail FROM retrofit_events
                     WHERE application_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    let state: String = r.try_get("state")?;
                    Ok(EventRow {
                        at: r.try_get("at")?,
                        actor_account_id: r.try_get("actor_account_id")?,
                        actor_role: r.try_get("actor_role")?,
                        action: r.try_get("action")?,
                        state: RetrofitState::parse(&state)
                            .ok_or_else(|| decode_err("state", state.clone()))?,
                        note: r.try_get("note")?,
                        detail: r.try_get("detail")?,
                    })
                })
                .collect()
                }
        )
    }

    /// Applications of an elder, newest first: for the elder, and guardians linked to them.
    pub async fn applications_of_elders(
        &self,
        viewer: i64,
        before_id: i64,
        limit: i64,
    ) -> Result<Vec<ApplicationRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM retrofit_applications
                     WHERE (elder_account_id = $1 OR elder_account_id IN
                        (SELECT elder_account_id FROM guardian_links WHERE guardian_account_id = $1 AND state = 'active'))
                       AND id < $2
                     ORDER BY id DESC LIMIT $3"
                ))
                .bind(viewer)
                .bind(before_id)
                .bind(limit)
                .fetch_all(pool)
                .await?
                .iter()
                .map(from_row)
                .collect()
                }
        )
    }

    /// The street office's queue: its subtree, newest first, without other people's drafts.
    pub async fn application_queue(
        &self,
        f: &QueueFilter<'_>,
    ) -> Result<Vec<ApplicationRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM retrofit_applications
                     WHERE scope_path LIKE $1 || '%'
                       AND (state <> 'draft' OR applicant_account_id = $2)
                       AND ($3 IS NULL OR state = $3)
                       AND ($4 IS NULL OR community_id = $4)
                       AND ($5 IS NULL OR (',' || grounds || ',') LIKE ('%,' || $5 || ',%'))
                       AND id < $6
                     ORDER BY id DESC LIMIT $7"
                ))
                .bind(f.scope.prefix())
                .bind(f.viewer)
                .bind(f.state)
                .bind(f.community_id)
                .bind(f.ground)
                .bind(f.before_id)
                .bind(f.limit)
                .fetch_all(pool)
                .await?
                .iter()
                .map(from_row)
                .collect()
            }
        )
    }

    /// A county's proposed and confirmed (or later) applications of a year.
    pub async fn county_list(
        &self,
        county_id: i64,
        year: i64,
    ) -> Result<Vec<ApplicationRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM retrofit_applications
                     WHERE county_id = $1 AND year = $2 AND state NOT IN ('draft', 'submitted', 'returned', 'rejected', 'withdrawn')
                     ORDER BY street_id, id"
                ))
                .bind(county_id)
                .bind(year)
                .fetch_all(pool)
                .await?
                .iter()
                .map(from_row)
                .collect()
                }
        )
    }

    pub async fn retrofit_documents(
        &self,
        application_id: i64,
    ) -> Result<Vec<DocumentRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(
                    "SELECT id, application_id, kind, hash, content_type, size, uploaded_at FROM retrofit_documents
                     WHERE application_id = $1 AND removed_at IS NULL ORDER BY id",
                )
                .bind(application_id)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(DocumentRow {
                        id: r.try_get("id")?,
                        application_id: r.try_get("application_id")?,
                        kind: r.try_get("kind")?,
                        hash: r.try_get("hash")?,
                        content_type: r.try_get("content_type")?,
                        size: r.try_get("size")?,
                        uploaded_at: r.try_get("uploaded_at")?,
                    })
                })
                .collect()
                }
        )
    }

    /// Take a document off the application (kept for the record, no longer listed).
    pub async fn county_settings(&self, county_id: i64) -> Result<bool, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query("SELECT minimum_living_allowance_covered FROM county_settings WHERE county_id = $1")
                    .bind(county_id)
                    .fetch_optional(pool)
                    .await?
                    .map(|r| r.try_get::<bool, _>("minimum_living_allowance_covered"))
                    .transpose()
                    .map(Option::unwrap_or_default)
                }
        )
    }

    /// `(quota, used)` of a county for a year; `(0, 0)` when no quota was set.
    pub async fn county_quota(&self, county_id: i64, year: i64) -> Result<(i64, i64), sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT quota, used FROM county_quotas WHERE county_id = $1 AND year = $2",
                )
                .bind(county_id)
                .bind(year)
                .fetch_optional(pool)
                .await?
                .map(|r| Ok::<_, sqlx::Error>((r.try_get("quota")?, r.try_get("used")?)))
                .transpose()
                .map(Option::unwrap_or_default)
            }
        )
    }
}

impl Db {}

impl Tx {
    pub async fn create_application(&mut self, new: &NewApplication<'_>) -> Result<i64, SaveError> {
        let open_elder_key = new.elder_account_id.map(|e| format!("{e}:{}", new.year));
        let p = &new.placement;
        self.savepoint().await?;
        let result: Result<i64, sqlx::Error> = with_tx!(self, |conn| {
            async {
                    let id: i64 = sqlx::query(
                        "INSERT INTO retrofit_applications (reference, year, state, channel, elder_account_id,
                            applicant_account_id, guardian_account_id, guardian_answered, client_key, elder_name, elder_phone,
                            home_building_id, home_unit, home_room, community_id, street_id, county_id, scope_path,
                            open_elder_key, created_at, updated_at)
                         VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)
                         RETURNING id",
                    )
                    .bind(format!("pending-{}-{}", new.applicant_account_id, new.client_key))
                    .bind(new.year)
                    .bind(match new.channel {
                        ApplicationChannel::App => "app",
                        ApplicationChannel::Office => "office",
                    })
                    .bind(new.elder_account_id)
                    .bind(new.applicant_account_id)
                    .bind(new.guardian_account_id)
                    .bind(new.guardian_account_id.is_some())
                    .bind(new.client_key)
                    .bind(new.elder_name)
                    .bind(new.elder_phone)
                    .bind(p.building_id)
                    .bind(p.unit)
                    .bind(p.room)
                    .bind(p.community_id)
                    .bind(p.street_id)
                    .bind(p.county_id)
                    .bind(p.scope_path)
                    .bind(&open_elder_key)
                    .bind(new.now)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get("id")?;
                    sqlx::query("UPDATE retrofit_applications SET reference = $1 WHERE id = $2")
                        .bind(anju_domain::application::reference(new.year as i32, id))
                        .bind(id)
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query(
                        "INSERT INTO retrofit_events (application_id, at, actor_account_id, actor_role, action, state)
                         VALUES ($1, $2, $3, 'applicant', 'start', 'draft')",
                    )
                    .bind(id)
                    .bind(new.now)
                    .bind(new.applicant_account_id)
                    .execute(&mut *conn)
                    .await?;
                    Ok(id)
                }
                .await
        });
        self.settle(&result).await?;
        match result {
            Ok(id) => Ok(id),
            Err(e) if is_unique_violation(&e) => {
                let same_key: Option<i64> = with_tx!(self, |conn| {
                    sqlx::query("SELECT id FROM retrofit_applications WHERE applicant_account_id = $1 AND client_key = $2")
                            .bind(new.applicant_account_id)
                            .bind(new.client_key)
                            .fetch_optional(&mut *conn)
                            .await?
                            .map(|r| r.try_get::<i64, _>("id"))
                            .transpose()?
                });
                if let Some(id) = same_key {
                    return Err(SaveError::Duplicate(id));
                }
                match self
                    .open_application_by_key("elder", open_elder_key.as_deref())
                    .await?
                {
                    Some(id) => Err(SaveError::OpenExists(id)),
                    None => Err(SaveError::Db(e)),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn open_application_by_key(
        &mut self,
        which: &str,
        key: Option<&str>,
    ) -> Result<Option<i64>, sqlx::Error> {
        let Some(key) = key else { return Ok(None) };
        with_tx!(self, |conn| {
            sqlx::query(
                    "SELECT id FROM retrofit_applications WHERE ($1 = 'elder' AND open_elder_key = $2) OR ($1 = 'id' AND open_id_key = $2)",
                )
                .bind(which)
                .bind(key)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| r.try_get::<i64, _>("id"))
                .transpose()
        })
    }

    /// Save the elder's details while the family may edit. The keyed hash of the ID number
    /// takes the elder's slot for the year, so a second application (from any account or the
    /// office) is refused.
    pub async fn save_elder(&mut self, id: i64, e: &ElderUpdate<'_>) -> Result<bool, SaveError> {
        self.savepoint().await?;
        let result: Result<bool, sqlx::Error> = with_tx!(self, |conn| {
            sqlx::query(
                    "UPDATE retrofit_applications SET elder_name = $1, elder_phone = $2, id_number_enc = $3,
                        id_number_masked = $4, open_id_key = $5, updated_at = $6
                     WHERE id = $7 AND state IN ('draft', 'returned')",
                )
                .bind(e.name)
                .bind(e.phone)
                .bind(e.id_enc)
                .bind(e.id_masked)
                .bind(e.open_id_key)
                .bind(e.now)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected() == 1)
        });
        self.settle(&result).await?;
        match result {
            Ok(b) => Ok(b),
            Err(err) if is_unique_violation(&err) => {
                match self
                    .open_application_by_key("id", Some(e.open_id_key))
                    .await?
                {
                    Some(other) if other != id => Err(SaveError::OpenExists(other)),
                    _ => Err(SaveError::Db(err)),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn save_home(
        &mut self,
        id: i64,
        p: &Placement<'_>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                    "UPDATE retrofit_applications SET home_building_id = $1, home_unit = $2, home_room = $3,
                        community_id = $4, street_id = $5, county_id = $6, scope_path = $7, updated_at = $8
                     WHERE id = $9 AND state IN ('draft', 'returned')",
                )
                .bind(p.building_id)
                .bind(p.unit)
                .bind(p.room)
                .bind(p.community_id)
                .bind(p.street_id)
                .bind(p.county_id)
                .bind(p.scope_path)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected() == 1)
        })
    }

    pub async fn save_facts(
        &mut self,
        id: i64,
        facts_enc: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE retrofit_applications SET facts_enc = $1, updated_at = $2
                     WHERE id = $3 AND state IN ('draft', 'returned')",
            )
            .bind(facts_enc)
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected() == 1)
        })
    }

    pub async fn save_guardian(
        &mut self,
        id: i64,
        guardian: Option<i64>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                    "UPDATE retrofit_applications SET guardian_account_id = $1, guardian_answered = TRUE, updated_at = $2
                     WHERE id = $3 AND state IN ('draft', 'returned')",
                )
                .bind(guardian)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected() == 1)
        })
    }

    pub async fn save_consent(
        &mut self,
        id: i64,
        version: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                    "UPDATE retrofit_applications SET consent_version = $1, consent_at = $2, updated_at = $2
                     WHERE id = $3 AND state IN ('draft', 'returned')",
                )
                .bind(version)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected() == 1)
        })
    }

    /// Move an application if it is still in `from`, with its event row, in one transaction.
    pub async fn retrofit_transition(
        &mut self,
        t: &Transition<'_>,
    ) -> Result<TransitionOutcome, sqlx::Error> {
        let checklist = serde_json::to_string(t.checklist)
            .map_err(|e| decode_err("return_checklist", e.to_string()))?;
        let reason = t
            .reason
            .map(|r| {
                serde_json::to_value(r)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
            })
            .unwrap_or_default();
        let detail = serde_json::json!({ "checklist": t.checklist, "reason": reason }).to_string();
        let returned = t.to == RetrofitState::Returned;
        let rejected = t.to == RetrofitState::Rejected;
        let submitted = t.to == RetrofitState::Submitted;
        let outcome = with_tx!(self, |conn| {
            async {
                    if let Some((county, year)) = t.take_quota {
                        let taken = sqlx::query(
                            "UPDATE county_quotas SET used = used + 1 WHERE county_id = $1 AND year = $2 AND used < quota",
                        )
                        .bind(county)
                        .bind(year)
                        .execute(&mut *conn)
                        .await?
                        .rows_affected();
                        if taken != 1 {
                            return Ok(TransitionOutcome::QuotaFull);
                        }
                    }
                    let updated = sqlx::query(
                        "UPDATE retrofit_applications SET state = $1, updated_at = $2,
                            submitted_at = CASE WHEN $3 THEN $2 ELSE submitted_at END,
                            grounds = COALESCE($4, grounds),
                            return_checklist = CASE WHEN $5 THEN $6 WHEN $3 THEN '[]' ELSE return_checklist END,
                            return_note = CASE WHEN $5 THEN $7 WHEN $3 THEN NULL ELSE return_note END,
                            returned_at = CASE WHEN $5 THEN $2 ELSE returned_at END,
                            reject_reason = CASE WHEN $8 THEN $9 ELSE reject_reason END,
                            reject_note = CASE WHEN $8 THEN $7 ELSE reject_note END,
                            open_elder_key = CASE WHEN $10 = 'clear' THEN NULL ELSE open_elder_key END,
                            open_id_key = CASE WHEN $10 = 'clear' THEN NULL ELSE open_id_key END
                         WHERE id = $11 AND state = $12",
                    )
                    .bind(t.to.as_str())
                    .bind(t.now)
                    .bind(submitted)
                    .bind(t.grounds)
                    .bind(returned)
                    .bind(&checklist)
                    .bind(t.note)
                    .bind(rejected)
                    .bind(reason.as_deref())
                    .bind(slot_keys(t.to))
                    .bind(t.id)
                    .bind(t.from.as_str())
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                    if updated != 1 {
                        return Ok(TransitionOutcome::Stale);
                    }
                    sqlx::query(
                        "INSERT INTO retrofit_events (application_id, at, actor_account_id, actor_role, action, state, note, detail)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(t.id)
                    .bind(t.now)
                    .bind(t.actor)
                    .bind(t.actor_role)
                    .bind(t.action)
                    .bind(t.to.as_str())
                    .bind(t.note)
                    .bind(&detail)
                    .execute(&mut *conn)
                    .await?;
                    Ok::<_, sqlx::Error>(TransitionOutcome::Applied)
                }
                .await
        })?;
        if outcome == TransitionOutcome::Applied {
            // Every transition is on the record, in the transaction that makes it; the
            // checklist and reason say why without quoting the note (which may be personal).
            let subject = format!("retrofit_application:{}", t.id);
            let action = format!("retrofit.{}", t.action);
            self.audit(
                &Audit::new(t.now, Some(t.actor), &action, &subject, t.scope_path).detail(&detail),
            )
            .await?;
        }
        Ok(outcome)
    }

    pub async fn set_county_settings(
        &mut self,
        county_id: i64,
        low_allowance: bool,
        year: i64,
        quota: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            async {
                    sqlx::query(
                        "INSERT INTO county_settings (county_id, minimum_living_allowance_covered, updated_at) VALUES ($1, $2, $3)
                         ON CONFLICT (county_id) DO UPDATE SET minimum_living_allowance_covered = excluded.minimum_living_allowance_covered, updated_at = excluded.updated_at",
                    )
                    .bind(county_id)
                    .bind(low_allowance)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                    sqlx::query(
                        "INSERT INTO county_quotas (county_id, year, quota) VALUES ($1, $2, $3)
                         ON CONFLICT (county_id, year) DO UPDATE SET quota = excluded.quota",
                    )
                    .bind(county_id)
                    .bind(year)
                    .bind(quota)
                    .execute(&mut *conn)
                    .await?;
                    Ok(())
                }
                .await
        })
    }

    /// Record a document of an application within the cap.
    pub async fn add_retrofit_document(
        &mut self,
        d: &NewDocument<'_>,
        cap: i64,
    ) -> Result<Added, sqlx::Error> {
        let subject = document_subject(d.application_id);
        with_tx!(self, |conn| {
            async {
                    if !take_place!(conn, &subject, cap) {
                        return Ok(Added::CapReached);
                    }
                    let id: i64 = sqlx::query(
                        "INSERT INTO retrofit_documents (application_id, kind, hash, content_type, size, uploaded_by, uploaded_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(d.application_id)
                    .bind(d.kind)
                    .bind(d.hash)
                    .bind(d.content_type)
                    .bind(d.size)
                    .bind(d.by)
                    .bind(d.now)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get("id")?;
                    Ok(Added::New(id))
                }
                .await
        })
    }

    /// Remove a document and give its place back, in one transaction.
    pub async fn remove_retrofit_document(
        &mut self,
        application_id: i64,
        document_id: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let subject = document_subject(application_id);
        with_tx!(self, |conn| {
            async {
                    let removed = sqlx::query(
                        "UPDATE retrofit_documents SET removed_at = $1 WHERE id = $2 AND application_id = $3 AND removed_at IS NULL",
                    )
                    .bind(now)
                    .bind(document_id)
                    .bind(application_id)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected()
                        == 1;
                    if removed {
                        sqlx::query("UPDATE item_counts SET n = n - 1 WHERE subject = $1 AND n > 0")
                            .bind(&subject)
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(removed)
                }
                .await
        })
    }
}
