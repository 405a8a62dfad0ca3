//! Reading applications, their events and documents, the queues and the county list.

use super::*;
use crate::db::{with_db, Db};
use sqlx::Row;

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
                    sqlx::query_as(
                        "SELECT at, actor_account_id, actor_role, action, state, note, detail FROM retrofit_events
                     WHERE application_id = $1 ORDER BY id",
                    )
                    .bind(id)
                    .fetch_all(pool)
                    .await
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
        // As the case queue: the caller's level column where there is one (an index seek on
        // `(column, id)`), the prefix above the county.
        let filter = match f.scope.level_column() {
            Some((column, _)) => format!("{column} = $1"),
            None => "scope_path LIKE $1 || '%'".to_owned(),
        };
        // SQLite's planner would rather walk the whole table backwards by id and filter (seen
        // 15× slower at 100,000 applications): name the level's index there.
        let index = match (self, f.scope.level_column()) {
            (Db::Sqlite { .. }, Some((column, _))) => match column {
                "community_id" => "INDEXED BY retrofit_applications_community",
                "street_id" => "INDEXED BY retrofit_applications_street",
                _ => "INDEXED BY retrofit_applications_county_id",
            },
            _ => "",
        };
        let groups = match f.groups {
            None => String::new(),
            Some([]) => "AND 1 = 0".to_owned(),
            Some(list) => format!(
                "AND ({})",
                (0..list.len())
                    .map(|i| {
                        let p = 8 + 3 * i;
                        format!(
                            "(county_id = ${p} AND year = ${} AND state = ${})",
                            p + 1,
                            p + 2
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" OR ")
            ),
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM retrofit_applications {index}
                     WHERE {filter}
                       AND (state <> 'draft' OR applicant_account_id = $2)
                       AND ($3 IS NULL OR state = $3)
                       AND ($4 IS NULL OR community_id = $4)
                       AND ($5 IS NULL OR (',' || grounds || ',') LIKE ('%,' || $5 || ',%'))
                       AND id < $6 {groups}
                     ORDER BY id DESC LIMIT $7"
        );
        with_db!(
            self,
            read | pool | {
                let query = sqlx::query(&sql);
                let query = match f.scope.level_column() {
                    Some((_, id)) => query.bind(id),
                    None => query.bind(f.scope.prefix()),
                };
                let mut query = query
                    .bind(f.viewer)
                    .bind(f.state)
                    .bind(f.community_id)
                    .bind(f.ground)
                    .bind(f.before_id)
                    .bind(f.limit);
                for (county, year, state) in f.groups.unwrap_or_default() {
                    query = query.bind(*county).bind(*year).bind(state.as_str());
                }
                query.fetch_all(pool).await?.iter().map(from_row).collect()
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
                    sqlx::query_as(
                        "SELECT id, application_id, kind, hash, content_type, size, uploaded_at FROM retrofit_documents
                     WHERE application_id = $1 AND removed_at IS NULL ORDER BY id",
                    )
                    .bind(application_id)
                    .fetch_all(pool)
                    .await
                }
        )
    }

    /// Whether the county extends the subsidy to households on the minimum living allowance.
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

    /// `(warranty years, working days to answer a claim)` of a county; the defaults when it
    /// set none.
    pub async fn county_warranty_rules(&self, county_id: i64) -> Result<(i64, i64), sqlx::Error> {
        use anju_domain::retrofit_warranty::{CLAIM_DAYS_DEFAULT, YEARS_DEFAULT};
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(
                    "SELECT warranty_years, claim_working_days FROM county_settings WHERE county_id = $1",
                )
                .bind(county_id)
                .fetch_optional(pool)
                .await?
                .map(|r| {
                    Ok::<_, sqlx::Error>((
                        r.try_get("warranty_years")?,
                        r.try_get("claim_working_days")?,
                    ))
                })
                .transpose()
                .map(|r| r.unwrap_or((YEARS_DEFAULT, CLAIM_DAYS_DEFAULT)))
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
