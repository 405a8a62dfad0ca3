//! Changing applications: every method runs on the caller's transaction.

use super::*;
use crate::db::audit::Audit;
use crate::db::decode::decode_err;
use crate::db::item_counts::{document_subject, take_place, Added};
use crate::db::{is_unique_violation, with_tx, Tx};
use anju_domain::application::ApplicationChannel;
use anju_domain::retrofit::RetrofitState;
use sqlx::Row;

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
