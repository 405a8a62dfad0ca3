//! The street office's acceptance rounds and the family's word on them. See the migrations
//! `works_and_acceptance` and `acceptance_responses`.

use crate::db::{inserted_once, with_db, with_tx, Db, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AcceptanceRow {
    pub round: i64,
    pub items_json: String,
    /// The highest works photo id when the round was decided.
    pub photo_mark: i64,
    pub decided_at: i64,
}

impl Db {
    /// The household's rounds, the first first.
    pub async fn acceptances_of(
        &self,
        application_id: i64,
    ) -> Result<Vec<AcceptanceRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, AcceptanceRow>(
                    "SELECT round, items_json, photo_mark, decided_at FROM retrofit_acceptances
                     WHERE application_id = $1 ORDER BY round",
                )
                .bind(application_id)
                .fetch_all(pool)
                .await
            }
        )
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResponseRow {
    pub round: i64,
    pub agrees: bool,
    pub note: String,
    pub answered_at: i64,
}

impl Db {
    /// The family's word on the household's rounds.
    pub async fn acceptance_responses(
        &self,
        application_id: i64,
    ) -> Result<Vec<ResponseRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, ResponseRow>(
                    "SELECT round, agrees, note, answered_at FROM retrofit_acceptance_responses
                     WHERE application_id = $1 ORDER BY round",
                )
                .bind(application_id)
                .fetch_all(pool)
                .await
            }
        )
    }
}

impl Tx {
    /// Record the family's word on round `round`; false when it was already given (the key).
    pub async fn record_acceptance_response(
        &mut self,
        application_id: i64,
        round: i64,
        (agrees, note): (bool, &str),
        by: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        self.savepoint().await?;
        let inserted: Result<(), sqlx::Error> = with_tx!(self, |conn| {
            async {
                sqlx::query(
                    "INSERT INTO retrofit_acceptance_responses
                        (application_id, round, agrees, note, answered_by, answered_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(application_id)
                .bind(round)
                .bind(agrees)
                .bind(note)
                .bind(by)
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

    /// Record round `round`; false when that round is already recorded (a retry, or another
    /// reviewer at the same moment). An accepting round also dates the acceptance.
    pub async fn record_acceptance(
        &mut self,
        application_id: i64,
        round: i64,
        items_json: &str,
        accepted: bool,
        by: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        self.savepoint().await?;
        let inserted: Result<(), sqlx::Error> = with_tx!(self, |conn| {
            async {
                sqlx::query(
                    "INSERT INTO retrofit_acceptances
                        (application_id, round, items_json, photo_mark, decided_by, decided_at)
                     VALUES ($1, $2, $3,
                        (SELECT COALESCE(MAX(id), 0) FROM retrofit_works_photos WHERE application_id = $1),
                        $4, $5)",
                )
                .bind(application_id)
                .bind(round)
                .bind(items_json)
                .bind(by)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                if accepted {
                    sqlx::query("UPDATE retrofit_applications SET accepted_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(application_id)
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            }
            .await
        });
        self.settle(&inserted).await?;
        inserted_once(inserted)
    }
}
