//! Surveys, their versions and targets, and responses. One household has one counted
//! response per version (`household_slot`); a second record from another collector is kept,
//! flagged for review, never dropped. A retried send finds its row by `(submitted_by,
//! client_key)`.

use super::cases::decode_err;
use super::{is_unique_violation, with_db, with_tx, Db, Tx};
use crate::access::Scope;
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
    "id, survey_id, version, definition, opens_on, closes_on, target_percent, published_at";
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

impl Db {
    pub async fn survey_versions(&self, survey_id: i64) -> Result<Vec<VersionRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!("SELECT {VERSION_COLUMNS} FROM survey_versions WHERE survey_id = $1 ORDER BY version"))
                    .bind(survey_id)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(version_row)
                    .collect()
                }
        )
    }

    pub async fn survey_targets(&self, version_id: i64) -> Result<Vec<i64>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query("SELECT community_id FROM survey_targets WHERE version_id = $1 ORDER BY community_id")
                    .bind(version_id)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| r.try_get("community_id"))
                    .collect()
                }
        )
    }

    /// Surveys with a version targeting a community in the subtree (`scope` id path).
    pub async fn surveys_in_scope(&self, scope: &Scope) -> Result<Vec<i64>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT DISTINCT v.survey_id FROM survey_versions v
                     JOIN survey_targets t ON t.version_id = v.id
                     JOIN jurisdictions j ON j.id = t.community_id
                     WHERE j.id_path LIKE $1 || '%' ORDER BY v.survey_id DESC LIMIT 200",
                )
                .bind(scope.prefix())
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| r.try_get("survey_id"))
                .collect()
            }
        )
    }

    pub async fn household_response(
        &self,
        version_id: i64,
        household_key: &str,
    ) -> Result<Option<ResponseRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(&format!(
                    "SELECT {RESPONSE_COLUMNS} FROM survey_responses WHERE household_slot = $1"
                ))
                .bind(format!("{version_id}:{household_key}"))
                .fetch_optional(pool)
                .await?
                .map(|r| response_row(&r))
                .transpose()
            }
        )
    }

    pub async fn survey_response(
        &self,
        id: i64,
    ) -> Result<Option<(ResponseRow, String)>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(&format!(
                    "SELECT {RESPONSE_COLUMNS}, scope_path FROM survey_responses WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(pool)
                .await?
                .map(|r| Ok::<_, sqlx::Error>((response_row(&r)?, r.try_get("scope_path")?)))
                .transpose()
            }
        )
    }

    /// Responses of a survey in the caller's subtree, optionally of one month.
    pub async fn survey_responses(
        &self,
        survey_id: i64,
        scope: &Scope,
        month: Option<&str>,
    ) -> Result<Vec<ResponseRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!(
                    "SELECT {RESPONSE_COLUMNS} FROM survey_responses
                     WHERE survey_id = $1 AND scope_path LIKE $2 || '%' AND ($3 IS NULL OR month = $3) ORDER BY id"
                ))
                .bind(survey_id)
                .bind(scope.prefix())
                .bind(month)
                .fetch_all(pool)
                .await?
                .iter()
                .map(response_row)
                .collect()
                }
        )
    }

    /// Homes registered in a community (distinct building/unit/room of resident accounts).
    pub async fn registered_households(&self, community_path: &str) -> Result<i64, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(
                    "SELECT COUNT(*) AS n FROM (SELECT DISTINCT home_building_id, home_unit, home_room FROM accounts
                     WHERE home_building_id IS NOT NULL AND scope_path LIKE $1 || '%') homes",
                )
                .bind(community_path)
                .fetch_one(pool)
                .await?
                .try_get("n")
                }
        )
    }
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

impl Db {
    /// The review decisions of these responses, in one query.
    pub async fn survey_review_history(
        &self,
        response_ids: &[i64],
    ) -> Result<Vec<ReviewRow>, sqlx::Error> {
        if response_ids.is_empty() {
            return Ok(Vec::new());
        }
        // Ids are numbers from our own rows, listed inline: one statement text for both
        // backends without array binds.
        let ids = response_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!(
            "SELECT r.response_id, r.review, r.note, a.display_name AS reviewer, r.reviewed_at
             FROM survey_reviews r JOIN accounts a ON a.id = r.reviewed_by
             WHERE r.response_id IN ({ids}) ORDER BY r.response_id, r.id"
        );
        with_db!(
            self,
            read | pool | sqlx::query_as::<_, ReviewRow>(&sql).fetch_all(pool).await
        )
    }
}

pub fn decode_definition(json: &str) -> Result<anju_domain::survey::SurveyDefinition, sqlx::Error> {
    serde_json::from_str(json).map_err(|e| decode_err("definition", e.to_string()))
}

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
                                "UPDATE survey_versions SET definition = $1, opens_on = $2, closes_on = $3, target_percent = $4 WHERE id = $5",
                            )
                            .bind(v.definition)
                            .bind(v.opens_on)
                            .bind(v.closes_on)
                            .bind(v.target_percent)
                            .bind(id)
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
                                "INSERT INTO survey_versions (survey_id, version, definition, opens_on, closes_on, target_percent, created_at)
                                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                            )
                            .bind(survey_id)
                            .bind(next)
                            .bind(v.definition)
                            .bind(v.opens_on)
                            .bind(v.closes_on)
                            .bind(v.target_percent)
                            .bind(v.now)
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
