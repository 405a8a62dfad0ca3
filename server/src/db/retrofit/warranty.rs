//! Warranty claims. See the migration `settlement_and_warranty`.

use crate::db::{with_db, with_tx, Db, Tx};
use sqlx::Row;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimRow {
    pub id: i64,
    pub application_id: i64,
    pub contractor_org_id: i64,
    pub description: String,
    pub filed_at: i64,
    pub due_at: i64,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
}

const CLAIM_COLUMNS: &str =
    "id, application_id, contractor_org_id, description, filed_at, due_at, answer, answered_at";

/// A claim of a list, with its household, from one query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimListRow {
    pub id: i64,
    pub application_id: i64,
    pub reference: String,
    pub elder_name: String,
    pub community_name: Option<String>,
    pub contractor: String,
    pub description: String,
    pub filed_at: i64,
    pub due_at: i64,
    pub answered_at: Option<i64>,
}

/// Whose claims a list shows.
pub enum ClaimScope<'a> {
    /// A construction company's.
    Org(i64),
    /// The households under a place (a street office, a county), by the scope path prefix.
    Under(&'a str),
}

pub struct NewClaim<'a> {
    pub application_id: i64,
    pub contractor_org_id: i64,
    pub description: &'a str,
    pub by: i64,
    pub now: i64,
    pub due_at: i64,
}

impl Db {
    pub async fn claims_of(&self, application_id: i64) -> Result<Vec<ClaimRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, ClaimRow>(&format!(
                    "SELECT {CLAIM_COLUMNS} FROM retrofit_warranty_claims
                     WHERE application_id = $1 ORDER BY id"
                ))
                .bind(application_id)
                .fetch_all(pool)
                .await
            }
        )
    }

    pub async fn claim(&self, id: i64) -> Result<Option<ClaimRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, ClaimRow>(&format!(
                    "SELECT {CLAIM_COLUMNS} FROM retrofit_warranty_claims WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(pool)
                .await
            }
        )
    }

    /// Claims newest first, at most `limit`; `overdue_at` keeps only those unanswered and
    /// past their deadline at that moment.
    pub async fn claim_list(
        &self,
        scope: &ClaimScope<'_>,
        overdue_at: Option<i64>,
        unanswered: bool,
        limit: i64,
    ) -> Result<Vec<ClaimListRow>, sqlx::Error> {
        let filter = match scope {
            ClaimScope::Org(_) => "c.contractor_org_id = $1",
            ClaimScope::Under(_) => "a.scope_path LIKE $1",
        };
        let overdue = match (overdue_at.is_some(), unanswered) {
            (true, _) => "AND c.answered_at IS NULL AND c.due_at < $3",
            (false, true) => "AND c.answered_at IS NULL",
            (false, false) => "",
        };
        let sql = format!(
            "SELECT c.id, c.application_id, a.reference, a.elder_name, cm.name AS community_name,
                    o.name AS contractor, c.description, c.filed_at, c.due_at, c.answered_at
             FROM retrofit_warranty_claims c
             JOIN retrofit_applications a ON a.id = c.application_id
             JOIN assessment_orgs o ON o.id = c.contractor_org_id
             LEFT JOIN jurisdictions cm ON cm.id = a.community_id
             WHERE {filter} {overdue}
             ORDER BY c.id DESC LIMIT $2"
        );
        with_db!(
            self,
            read | pool | {
                let q = sqlx::query_as::<_, ClaimListRow>(&sql);
                let q = match scope {
                    ClaimScope::Org(org) => q.bind(*org),
                    ClaimScope::Under(path) => q.bind(format!("{path}%")),
                };
                let q = q.bind(limit);
                let q = match overdue_at {
                    Some(at) => q.bind(at),
                    None => q,
                };
                q.fetch_all(pool).await
            }
        )
    }

    /// Unanswered claims past their deadline whose overdue notice has not gone out.
    pub async fn claims_newly_overdue(&self, now: i64) -> Result<Vec<ClaimRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, ClaimRow>(&format!(
                    "SELECT {CLAIM_COLUMNS} FROM retrofit_warranty_claims
                     WHERE answered_at IS NULL AND due_at < $1 AND overdue_noticed_at IS NULL
                     ORDER BY id LIMIT 500"
                ))
                .bind(now)
                .fetch_all(pool)
                .await
            }
        )
    }
}

impl Tx {
    pub async fn file_claim(&mut self, c: &NewClaim<'_>) -> Result<i64, sqlx::Error> {
        with_tx!(self, |conn| {
            async {
                sqlx::query(
                    "INSERT INTO retrofit_warranty_claims
                        (application_id, contractor_org_id, description, filed_by, filed_at, due_at)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(c.application_id)
                .bind(c.contractor_org_id)
                .bind(c.description)
                .bind(c.by)
                .bind(c.now)
                .bind(c.due_at)
                .fetch_one(&mut *conn)
                .await?
                .try_get("id")
            }
            .await
        })
    }

    /// Answer an open claim; false when it was already answered (the statement checks).
    pub async fn answer_claim(
        &mut self,
        id: i64,
        answer: &str,
        by: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            async {
                Ok(sqlx::query(
                    "UPDATE retrofit_warranty_claims SET answer = $1, answered_by = $2, answered_at = $3
                     WHERE id = $4 AND answered_at IS NULL",
                )
                .bind(answer)
                .bind(by)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?
                .rows_affected()
                    == 1)
            }
            .await
        })
    }

    /// Take the overdue notice of a claim; false when another instance already did.
    pub async fn claim_overdue_notice(&mut self, id: i64, now: i64) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            async {
                Ok(sqlx::query(
                    "UPDATE retrofit_warranty_claims SET overdue_noticed_at = $1
                     WHERE id = $2 AND overdue_noticed_at IS NULL AND answered_at IS NULL",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?
                .rows_affected()
                    == 1)
            }
            .await
        })
    }

    /// Fix the household's last warranty day (at acceptance).
    pub async fn set_warranty_until(
        &mut self,
        application_id: i64,
        until: &str,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            async {
                sqlx::query("UPDATE retrofit_applications SET warranty_until = $1 WHERE id = $2")
                    .bind(until)
                    .bind(application_id)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }
            .await
        })
    }
}

impl Db {
    /// Households accepted before the warranty's last day was recorded (migration 21) get it:
    /// from their acceptance day, with their county's length now (the only one on record).
    /// Each is one transaction with its audit entry; run at every start, it finds nothing once
    /// done. Returns how many were dated.
    pub async fn backfill_warranty_until(&self) -> anyhow::Result<u64> {
        use anju_domain::retrofit_warranty::{warranty_until, YEARS_DEFAULT};
        let ids: Vec<i64> = with_db!(
            self,
            read | pool | {
                sqlx::query_scalar(
                    "SELECT id FROM retrofit_applications
                     WHERE accepted_at IS NOT NULL AND warranty_until IS NULL ORDER BY id",
                )
                .fetch_all(pool)
                .await
            }
        )?;
        let mut dated = 0;
        for id in ids {
            let Some(app) = self.application(id).await? else {
                continue;
            };
            let (Some(accepted_at), Some(county)) = (app.accepted_at, app.county_id) else {
                continue;
            };
            let years = match self.county_warranty_rules(county).await {
                Ok((years, _)) => years,
                Err(_) => YEARS_DEFAULT,
            };
            let Some(until) = warranty_until(crate::shanghai::today(accepted_at), years) else {
                continue;
            };
            let until = until.format("%Y-%m-%d").to_string();
            let now = chrono::Utc::now().timestamp();
            let mut tx = self.begin().await?;
            tx.set_warranty_until(id, &until).await?;
            tx.audit(
                &crate::db::Audit::new(
                    now,
                    None,
                    "retrofit.warranty_dated",
                    &format!("retrofit_application:{id}"),
                    &app.scope_path,
                )
                .detail(&format!("{until} ({years} years from acceptance)")),
            )
            .await?;
            tx.commit().await?;
            dated += 1;
        }
        Ok(dated)
    }
}
