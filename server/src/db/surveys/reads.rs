//! Reading surveys, versions, targets and responses.

use super::*;
use crate::db::scope::Scope;
use crate::db::{in_list, with_db, Db};
use sqlx::Row;

impl Db {
    /// Every version of these surveys (a list page's), in one query, by survey and version.
    pub async fn survey_versions_of(&self, ids: &[i64]) -> Result<Vec<VersionRow>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM survey_versions WHERE survey_id IN ({}) ORDER BY survey_id, version",
            in_list(1, ids.len())
        );
        with_db!(
            self,
            read | pool | {
                let mut query = sqlx::query(&sql);
                for id in ids {
                    query = query.bind(*id);
                }
                query
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(version_row)
                    .collect()
            }
        )
    }

    /// Which of these versions target the community, in one query.
    pub async fn versions_targeting(
        &self,
        version_ids: &[i64],
        community_id: i64,
    ) -> Result<Vec<i64>, sqlx::Error> {
        if version_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT version_id FROM survey_targets WHERE community_id = $1 AND version_id IN ({})",
            in_list(2, version_ids.len())
        );
        with_db!(
            self,
            read | pool | {
                let mut query = sqlx::query_scalar(&sql).bind(community_id);
                for id in version_ids {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await
            }
        )
    }

    /// Of these versions, the ones the household has answered, in one query.
    pub async fn versions_answered(
        &self,
        version_ids: &[i64],
        household_key: &str,
    ) -> Result<Vec<i64>, sqlx::Error> {
        if version_ids.is_empty() {
            return Ok(Vec::new());
        }
        let slots: Vec<String> = version_ids
            .iter()
            .map(|v| format!("{v}:{household_key}"))
            .collect();
        let sql = format!(
            "SELECT version_id FROM survey_responses WHERE household_slot IN ({})",
            in_list(1, slots.len())
        );
        with_db!(
            self,
            read | pool | {
                let mut query = sqlx::query_scalar(&sql);
                for slot in &slots {
                    query = query.bind(slot);
                }
                query.fetch_all(pool).await
            }
        )
    }

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

    /// Responses of a survey in the caller's subtree collected in the months `first..=last`
    /// (`YYYY-MM`, which sort as text): a seek on the survey's month index, however long the
    /// survey has run.
    pub async fn survey_responses_in_months(
        &self,
        survey_id: i64,
        scope: &Scope,
        first: &str,
        last: &str,
    ) -> Result<Vec<ResponseRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!(
                    "SELECT {RESPONSE_COLUMNS} FROM survey_responses
                     WHERE survey_id = $1 AND month >= $2 AND month <= $3 AND scope_path LIKE $4 || '%'
                     ORDER BY id"
                ))
                .bind(survey_id)
                .bind(first)
                .bind(last)
                .bind(scope.prefix())
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
