//! Moving applications and their documents, and the county's settings: every method runs on
//! the caller's transaction. Drafting is in `drafts.rs`.

use super::*;
use crate::db::audit::Audit;
use crate::db::decode::decode_err;
use crate::db::item_counts::{document_subject, take_place, Added};
use crate::db::{with_tx, Tx};
use anju_domain::retrofit::RetrofitState;
use sqlx::Row;

/// One line of an application's timeline.
pub struct RetrofitEvent<'a> {
    pub application_id: i64,
    pub at: i64,
    pub actor: i64,
    pub actor_role: &'a str,
    pub action: &'a str,
    /// The state the application is in after it.
    pub state: RetrofitState,
    pub note: Option<&'a str>,
    /// JSON.
    pub detail: &'a str,
}

impl Tx {
    /// Append to the timeline the family and the offices read.
    pub async fn append_retrofit_event(
        &mut self,
        e: &RetrofitEvent<'_>,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO retrofit_events (application_id, at, actor_account_id, actor_role, action, state, note, detail)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(e.application_id)
            .bind(e.at)
            .bind(e.actor)
            .bind(e.actor_role)
            .bind(e.action)
            .bind(e.state.as_str())
            .bind(e.note)
            .bind(e.detail)
            .execute(&mut *conn)
            .await
            .map(|_| ())
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
                            return_document_mark = CASE WHEN $5 THEN
                                (SELECT COALESCE(MAX(id), 0) FROM retrofit_documents WHERE application_id = $11)
                                ELSE return_document_mark END,
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
                    Ok::<_, sqlx::Error>(TransitionOutcome::Applied)
                }
                .await
        })?;
        if outcome == TransitionOutcome::Applied {
            self.append_retrofit_event(&RetrofitEvent {
                application_id: t.id,
                at: t.now,
                actor: t.actor,
                actor_role: t.actor_role,
                action: t.action,
                state: t.to,
                note: t.note,
                detail: &detail,
            })
            .await?;
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

    /// Set the county's settings and the year's quota; false (nothing to keep) when the quota
    /// is below the households already confirmed.
    pub async fn set_county_settings(
        &mut self,
        county_id: i64,
        settings: &anju_domain::application::CountySettings,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let (year, quota) = (i64::from(settings.year), settings.quota);
        with_tx!(self, |conn| {
            async {
                    sqlx::query(
                        "INSERT INTO county_settings (county_id, minimum_living_allowance_covered, warranty_years, claim_working_days, updated_at)
                         VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (county_id) DO UPDATE SET minimum_living_allowance_covered = excluded.minimum_living_allowance_covered,
                            warranty_years = excluded.warranty_years, claim_working_days = excluded.claim_working_days,
                            updated_at = excluded.updated_at",
                    )
                    .bind(county_id)
                    .bind(settings.minimum_living_allowance_covered)
                    .bind(settings.warranty_years)
                    .bind(settings.claim_working_days)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                    // Never below the places already taken: checked by the statement itself, so a
                    // confirmation committed meanwhile cannot slip under it.
                    let set = sqlx::query(
                        "INSERT INTO county_quotas (county_id, year, quota) VALUES ($1, $2, $3)
                         ON CONFLICT (county_id, year) DO UPDATE SET quota = excluded.quota
                         WHERE county_quotas.used <= excluded.quota",
                    )
                    .bind(county_id)
                    .bind(year)
                    .bind(quota)
                    .execute(&mut *conn)
                    .await?;
                    Ok(set.rows_affected() == 1)
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
