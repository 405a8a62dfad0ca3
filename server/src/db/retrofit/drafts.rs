//! Drafting an application, screen by screen: every method runs on the caller's transaction.

use super::*;
use crate::db::{is_unique_violation, with_tx, Tx};
use anju_domain::application::ApplicationChannel;
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
}
