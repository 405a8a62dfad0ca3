//! The year's dates, its reminders, and the annual report's three grouped counts. See the
//! migration `year_rhythm`.

use crate::db::{inserted_once, with_db, with_tx, Db, Tx};
use anju_domain::retrofit_report::YearDates;
use chrono::NaiveDate;
use sqlx::Row;

/// Households of one street in one state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StateCountRow {
    pub county_id: Option<i64>,
    pub street_id: Option<i64>,
    pub state: String,
    pub households: i64,
}

/// What one street's households were paid.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaidRow {
    pub county_id: Option<i64>,
    pub street_id: Option<i64>,
    pub paid_fen: i64,
}

/// One street's warranty claims.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimCountRow {
    pub county_id: Option<i64>,
    pub street_id: Option<i64>,
    pub claims: i64,
    pub answered: i64,
    pub in_time: i64,
    pub answer_secs: i64,
}

/// A household behind the year's rhythm, for a reminder.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BehindRow {
    pub street_id: Option<i64>,
    pub reference: String,
    pub state: String,
}

fn day(s: &str) -> Result<NaiveDate, sqlx::Error> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

impl Db {
    /// The county's dates for the year, if it set its own.
    pub async fn year_dates(
        &self,
        county_id: i64,
        year: i64,
    ) -> Result<Option<YearDates>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                let row = sqlx::query(
                    "SELECT mobilise_by, accept_by, summary_by, report_by FROM retrofit_year_dates
                     WHERE county_id = $1 AND year = $2",
                )
                .bind(county_id)
                .bind(year)
                .fetch_optional(pool)
                .await?;
                row.map(|r| {
                    Ok(YearDates {
                        mobilise_by: day(r.try_get("mobilise_by")?)?,
                        accept_by: day(r.try_get("accept_by")?)?,
                        summary_by: day(r.try_get("summary_by")?)?,
                        report_by: day(r.try_get("report_by")?)?,
                    })
                })
                .transpose()
            }
        )
    }

    /// Households of the year under `scope_path` by county, street and state.
    pub async fn report_states(
        &self,
        scope_path: &str,
        year: i64,
    ) -> Result<Vec<StateCountRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, StateCountRow>(
                    "SELECT county_id, street_id, state, COUNT(*) AS households
                     FROM retrofit_applications
                     WHERE year = $1 AND scope_path LIKE $2 || '%' AND state <> 'draft'
                     GROUP BY county_id, street_id, state",
                )
                .bind(year)
                .bind(scope_path)
                .fetch_all(pool)
                .await
            }
        )
    }

    /// Subsidy paid to the year's households under `scope_path`, by county and street.
    pub async fn report_paid(
        &self,
        scope_path: &str,
        year: i64,
    ) -> Result<Vec<PaidRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, PaidRow>(
                    "SELECT a.county_id, a.street_id, CAST(SUM(s.paid_fen) AS BIGINT) AS paid_fen
                     FROM retrofit_settlements s
                     JOIN retrofit_applications a ON a.id = s.application_id
                     WHERE a.year = $1 AND a.scope_path LIKE $2 || '%'
                     GROUP BY a.county_id, a.street_id",
                )
                .bind(year)
                .bind(scope_path)
                .fetch_all(pool)
                .await
            }
        )
    }

    /// Warranty claims on the year's households under `scope_path`, by county and street:
    /// how many, answered, answered by their deadline, and the seconds to answer in all.
    pub async fn report_claims(
        &self,
        scope_path: &str,
        year: i64,
    ) -> Result<Vec<ClaimCountRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query_as::<_, ClaimCountRow>(
                    "SELECT a.county_id, a.street_id, COUNT(*) AS claims,
                        CAST(SUM(CASE WHEN c.answered_at IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS answered,
                        CAST(SUM(CASE WHEN c.answered_at <= c.due_at THEN 1 ELSE 0 END) AS BIGINT) AS in_time,
                        CAST(SUM(CASE WHEN c.answered_at IS NULL THEN 0 ELSE c.answered_at - c.filed_at END) AS BIGINT) AS answer_secs
                     FROM retrofit_warranty_claims c
                     JOIN retrofit_applications a ON a.id = c.application_id
                     WHERE a.year = $1 AND a.scope_path LIKE $2 || '%'
                     GROUP BY a.county_id, a.street_id",
                )
                .bind(year)
                .bind(scope_path)
                .fetch_all(pool)
                .await
                }
        )
    }

    /// The county's open households of the year (not drafts, refused, withdrawn or settled),
    /// oldest first: a reminder says which are behind.
    pub async fn households_behind(
        &self,
        county_id: i64,
        year: i64,
    ) -> Result<Vec<BehindRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, BehindRow>(
                    "SELECT street_id, reference, state FROM retrofit_applications
                     WHERE county_id = $1 AND year = $2
                       AND state NOT IN ('draft', 'rejected', 'withdrawn', 'settled')
                     ORDER BY id",
                )
                .bind(county_id)
                .bind(year)
                .fetch_all(pool)
                .await
            }
        )
    }
}

impl Tx {
    pub async fn set_year_dates(
        &mut self,
        county_id: i64,
        year: i64,
        dates: &YearDates,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let text = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        with_tx!(self, |conn| {
            async {
                sqlx::query(
                    "INSERT INTO retrofit_year_dates
                        (county_id, year, mobilise_by, accept_by, summary_by, report_by, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (county_id, year) DO UPDATE SET
                        mobilise_by = excluded.mobilise_by, accept_by = excluded.accept_by,
                        summary_by = excluded.summary_by, report_by = excluded.report_by,
                        updated_at = excluded.updated_at",
                )
                .bind(county_id)
                .bind(year)
                .bind(text(dates.mobilise_by))
                .bind(text(dates.accept_by))
                .bind(text(dates.summary_by))
                .bind(text(dates.report_by))
                .bind(now)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }
            .await
        })
    }

    /// Take a reminder; false when it already went out (the key).
    pub async fn take_year_reminder(
        &mut self,
        county_id: i64,
        year: i64,
        milestone: &str,
        lead: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        self.savepoint().await?;
        let inserted: Result<(), sqlx::Error> = with_tx!(self, |conn| {
            async {
                sqlx::query(
                    "INSERT INTO retrofit_year_reminders (county_id, year, milestone, lead, sent_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(county_id)
                .bind(year)
                .bind(milestone)
                .bind(lead)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }
            .await
        });
        self.settle(&inserted).await?;
        inserted_once(inserted)
    }
}
