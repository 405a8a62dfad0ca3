//! Settlements and payments of the subsidy. See the migration `settlement_and_warranty`.

use crate::db::{inserted_once, is_unique_violation, with_db, with_tx, Db, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SettlementRow {
    pub lines_json: String,
    pub due_fen: i64,
    pub paid_fen: i64,
    pub settled_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    pub application_id: i64,
    pub paid_on: String,
    pub voucher_no: String,
    pub amount_fen: i64,
}

/// A household of the county's settlement list, from one query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SettlementListRow {
    pub id: i64,
    pub reference: String,
    pub elder_name: String,
    pub accepted_at: Option<i64>,
    pub street_name: Option<String>,
    pub community_name: Option<String>,
    pub contractor: Option<String>,
    pub settled_at: Option<i64>,
    pub due_fen: Option<i64>,
    pub paid_fen: Option<i64>,
}

pub struct NewSettlement<'a> {
    pub application_id: i64,
    pub county_id: i64,
    pub lines_json: &'a str,
    pub due_fen: i64,
    pub by: i64,
    pub now: i64,
}

pub struct NewPayment<'a> {
    pub application_id: i64,
    pub county_id: i64,
    pub paid_on: &'a str,
    pub voucher_no: &'a str,
    pub amount_fen: i64,
    pub by: i64,
    pub now: i64,
}

/// What recording a payment came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paid {
    Recorded,
    /// It would take the payments above the settled amount.
    AboveDue,
    /// The county already recorded this voucher.
    VoucherUsed,
}

impl Db {
    pub async fn settlement_of(
        &self,
        application_id: i64,
    ) -> Result<Option<SettlementRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, SettlementRow>(
                    "SELECT lines_json, due_fen, paid_fen, settled_at FROM retrofit_settlements
                     WHERE application_id = $1",
                )
                .bind(application_id)
                .fetch_optional(pool)
                .await
            }
        )
    }

    pub async fn payments_of(&self, application_id: i64) -> Result<Vec<PaymentRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, PaymentRow>(
                    "SELECT application_id, paid_on, voucher_no, amount_fen FROM retrofit_payments
                     WHERE application_id = $1 ORDER BY id",
                )
                .bind(application_id)
                .fetch_all(pool)
                .await
            }
        )
    }

    /// The county's accepted and settled households of a year, street by street, with their
    /// settlement, and (second query) every payment's voucher.
    pub async fn settlement_list(
        &self,
        county_id: i64,
        year: i64,
    ) -> Result<(Vec<SettlementListRow>, Vec<PaymentRow>), sqlx::Error> {
        let rows = with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, SettlementListRow>(
                    "SELECT a.id, a.reference, a.elder_name, a.accepted_at,
                            st.name AS street_name, cm.name AS community_name, o.name AS contractor,
                            s.settled_at, s.due_fen, s.paid_fen
                     FROM retrofit_applications a
                     LEFT JOIN jurisdictions st ON st.id = a.street_id
                     LEFT JOIN jurisdictions cm ON cm.id = a.community_id
                     LEFT JOIN assessment_orgs o ON o.id = a.contractor_org_id
                     LEFT JOIN retrofit_settlements s ON s.application_id = a.id
                     WHERE a.county_id = $1 AND a.year = $2 AND a.state IN ('accepted', 'settled')
                     ORDER BY a.street_id, a.id",
                )
                .bind(county_id)
                .bind(year)
                .fetch_all(pool)
                .await?
            }
        );
        let payments = with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, PaymentRow>(
                    "SELECT p.application_id, p.paid_on, p.voucher_no, p.amount_fen
                     FROM retrofit_payments p
                     JOIN retrofit_applications a ON a.id = p.application_id
                     WHERE a.county_id = $1 AND a.year = $2 ORDER BY p.id",
                )
                .bind(county_id)
                .bind(year)
                .fetch_all(pool)
                .await?
            }
        );
        Ok((rows, payments))
    }
}

impl Tx {
    /// Record the household's settlement; false when it is already settled (the key).
    pub async fn record_settlement(&mut self, s: &NewSettlement<'_>) -> Result<bool, sqlx::Error> {
        self.savepoint().await?;
        let inserted: Result<(), sqlx::Error> = with_tx!(self, |conn| {
            async {
                sqlx::query(
                    "INSERT INTO retrofit_settlements
                        (application_id, county_id, lines_json, due_fen, settled_by, settled_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(s.application_id)
                .bind(s.county_id)
                .bind(s.lines_json)
                .bind(s.due_fen)
                .bind(s.by)
                .bind(s.now)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }
            .await
        });
        self.settle(&inserted).await?;
        inserted_once(inserted)
    }

    /// Add a payment: the settled row's running total rises only while it stays within the
    /// settled amount (one statement, so two payments at once cannot both slip under it).
    pub async fn record_payment(&mut self, p: &NewPayment<'_>) -> Result<Paid, sqlx::Error> {
        self.savepoint().await?;
        let result: Result<Paid, sqlx::Error> = with_tx!(self, |conn| {
            async {
                let raised = sqlx::query(
                    "UPDATE retrofit_settlements SET paid_fen = paid_fen + $1
                     WHERE application_id = $2 AND paid_fen + $1 <= due_fen",
                )
                .bind(p.amount_fen)
                .bind(p.application_id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if raised == 0 {
                    return Ok(Paid::AboveDue);
                }
                sqlx::query(
                    "INSERT INTO retrofit_payments
                        (application_id, county_id, paid_on, voucher_no, amount_fen, recorded_by, recorded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(p.application_id)
                .bind(p.county_id)
                .bind(p.paid_on)
                .bind(p.voucher_no)
                .bind(p.amount_fen)
                .bind(p.by)
                .bind(p.now)
                .execute(&mut *conn)
                .await?;
                Ok(Paid::Recorded)
            }
            .await
        });
        self.settle(&result).await?;
        match result {
            Err(e) if is_unique_violation(&e) => Ok(Paid::VoucherUsed),
            other => other,
        }
    }
}
