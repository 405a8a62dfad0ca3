//! Changing surveys and recording responses and reviews, on the caller's transaction.

use super::*;
use crate::db::{is_unique_violation, with_tx, Tx};
use sqlx::Row;

impl Tx {
    /// A survey with its first (draft) version.
    pub async fn create_survey(&mut self, by: i64, v: &NewVersion<'_>) -> Result<i64, sqlx::Error> {
        let id: i64 = with_tx!(self, |conn| {
            sqlx::query("INSERT INTO surveys (created_by, created_at) VALUES ($1, $2) RETURNING id")
                .bind(by)
                .bind(v.now)
                .fetch_one(&mut *conn)
                .await?
                .try_get("id")?
        });
        self.save_draft_version(id, v).await?;
        Ok(id)
    }

    /// Replace the draft version, or start the next version after the published one.
    pub async fn save_draft_version(
        &mut self,
        survey_id: i64,
        v: &NewVersion<'_>,
    ) -> Result<i64, sqlx::Error> {
        with_tx!(self, |conn| {
            async {
                    let latest = sqlx::query(
                        "SELECT id, version, published_at FROM survey_versions WHERE survey_id = $1 ORDER BY version DESC LIMIT 1",
                    )
                    .bind(survey_id)
                    .fetch_optional(&mut *conn)
                    .await?;
                    let draft = match &latest {
                        Some(r) if r.try_get::<Option<i64>, _>("published_at")?.is_none() => Some(r.try_get::<i64, _>("id")?),
                        _ => None,
                    };
                    let version_id: i64 = match draft {
                        Some(id) => {
                            sqlx::query(
                                "UPDATE survey_versions SET definition = $1, opens_on = $2, closes_on = $3, target_percent = $4, min_sample = $6 WHERE id = $5",
                            )
                            .bind(v.definition)
                            .bind(v.opens_on)
                            .bind(v.closes_on)
                            .bind(v.target_percent)
                            .bind(id)
                            .bind(v.min_sample)
                            .execute(&mut *conn)
                            .await?;
                            sqlx::query("DELETE FROM survey_targets WHERE version_id = $1")
                                .bind(id)
                                .execute(&mut *conn)
                                .await?;
                            id
                        }
                        None => {
                            let next = match &latest {
                                Some(r) => r.try_get::<i64, _>("version")? + 1,
                                None => 1,
                            };
                            sqlx::query(
                                "INSERT INTO survey_versions (survey_id, version, definition, opens_on, closes_on, target_percent, created_at, min_sample)
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                            )
                            .bind(survey_id)
                            .bind(next)
                            .bind(v.definition)
                            .bind(v.opens_on)
                            .bind(v.closes_on)
                            .bind(v.target_percent)
                            .bind(v.now)
                            .bind(v.min_sample)
                            .fetch_one(&mut *conn)
                            .await?
                            .try_get("id")?
                        }
                    };
                    for c in v.communities {
                        sqlx::query("INSERT INTO survey_targets (version_id, community_id) VALUES ($1, $2)")
                            .bind(version_id)
                            .bind(c)
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(version_id)
                }
                .await
        })
    }

    /// Publish the draft; false when there is none.
    pub async fn publish_survey(
        &mut self,
        survey_id: i64,
        by: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                    "UPDATE survey_versions SET published_at = $1, published_by = $2 WHERE survey_id = $3 AND published_at IS NULL",
                )
                .bind(now)
                .bind(by)
                .bind(survey_id)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected() == 1)
        })
    }

    /// Record a response: the household's (new or updated), or a flagged second record.
    pub async fn record_response(
        &mut self,
        n: &NewResponse<'_>,
        update_household: bool,
    ) -> Result<Recorded, sqlx::Error> {
        if let Some(id) = self.response_by_key(n.submitted_by, n.client_key).await? {
            return Ok(Recorded::Again(id));
        }
        let slot = format!("{}:{}", n.version_id, n.household_key);
        if update_household {
            let updated: Option<i64> = with_tx!(self, |conn| {
                sqlx::query(
                        "UPDATE survey_responses SET answers = $1, satisfied = $2, respondent_account_id = $3, channel = $4,
                            collected_at = $5, month = $6, updated_at = $7, review = 'pending'
                         WHERE household_slot = $8 RETURNING id",
                    )
                    .bind(n.answers)
                    .bind(n.satisfied)
                    .bind(n.respondent)
                    .bind(n.channel)
                    .bind(n.collected_at)
                    .bind(n.month)
                    .bind(n.now)
                    .bind(&slot)
                    .fetch_optional(&mut *conn)
                    .await?
                    .map(|r| r.try_get::<i64, _>("id"))
                    .transpose()?
            });
            if let Some(id) = updated {
                return Ok(Recorded::Counted(id));
            }
        }
        self.savepoint().await?;
        let inserted = self.insert_response(n, Some(&slot)).await;
        self.settle(&inserted).await?;
        match inserted {
            Ok(id) => Ok(Recorded::Counted(id)),
            Err(e) if is_unique_violation(&e) => {
                // Same key sent twice at once, or the household already answered.
                if let Some(id) = self.response_by_key(n.submitted_by, n.client_key).await? {
                    return Ok(Recorded::Again(id));
                }
                if update_household {
                    return Box::pin(self.record_response(n, true)).await;
                }
                self.insert_response(n, None).await.map(Recorded::Flagged)
            }
            Err(e) => Err(e),
        }
    }

    async fn insert_response(
        &mut self,
        n: &NewResponse<'_>,
        slot: Option<&str>,
    ) -> Result<i64, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                    "INSERT INTO survey_responses (survey_id, version_id, community_id, scope_path, building_id, unit, room,
                        household_key, channel, respondent_account_id, collector_account_id, submitted_by, client_key, answers,
                        satisfied, flagged, household_slot, collected_at, month, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
                     RETURNING id",
                )
                .bind(n.survey_id)
                .bind(n.version_id)
                .bind(n.community_id)
                .bind(n.scope_path)
                .bind(n.building_id)
                .bind(n.unit)
                .bind(n.room)
                .bind(n.household_key)
                .bind(n.channel)
                .bind(n.respondent)
                .bind(n.collector)
                .bind(n.submitted_by)
                .bind(n.client_key)
                .bind(n.answers)
                .bind(n.satisfied)
                .bind(slot.is_none())
                .bind(slot)
                .bind(n.collected_at)
                .bind(n.month)
                .bind(n.now)
                .fetch_one(&mut *conn)
                .await?
                .try_get("id")
        })
    }

    async fn response_by_key(&mut self, by: i64, key: &str) -> Result<Option<i64>, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "SELECT id FROM survey_responses WHERE submitted_by = $1 AND client_key = $2",
            )
            .bind(by)
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get::<i64, _>("id"))
            .transpose()
        })
    }

    pub async fn review_response(
        &mut self,
        id: i64,
        review: &str,
        note: Option<&str>,
        by: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            async {
                let updated = sqlx::query(
                    "UPDATE survey_responses SET review = $1, review_note = $2, reviewed_by = $3, updated_at = $4 WHERE id = $5",
                )
                .bind(review)
                .bind(note)
                .bind(by)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?
                .rows_affected()
                    == 1;
                if updated {
                    sqlx::query(
                        "INSERT INTO survey_reviews (response_id, review, note, reviewed_by, reviewed_at)
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(id)
                    .bind(review)
                    .bind(note)
                    .bind(by)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(updated)
            }
            .await
        })
    }
}
