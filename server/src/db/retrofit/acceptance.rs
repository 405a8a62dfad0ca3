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

/// The household's supervision report (监理报告), see the migration `supervision_reports`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SupervisionReportRow {
    pub hash: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: i64,
    pub uploaded_at: i64,
}

impl Db {
    pub async fn supervision_report(
        &self,
        application_id: i64,
    ) -> Result<Option<SupervisionReportRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, SupervisionReportRow>(
                    "SELECT hash, content_type, size, uploaded_by, uploaded_at
                     FROM retrofit_supervision_reports WHERE application_id = $1",
                )
                .bind(application_id)
                .fetch_optional(pool)
                .await
            }
        )
    }
}

impl Tx {
    /// The report, in place of the one held; returns the hash it replaced, if any.
    pub async fn put_supervision_report(
        &mut self,
        application_id: i64,
        (hash, content_type, size): (&str, &str, i64),
        by: i64,
        now: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        with_tx!(self, |conn| {
            async {
                let before: Option<String> = sqlx::query_scalar(
                    "SELECT hash FROM retrofit_supervision_reports WHERE application_id = $1",
                )
                .bind(application_id)
                .fetch_optional(&mut *conn)
                .await?;
                sqlx::query(
                    "INSERT INTO retrofit_supervision_reports
                        (application_id, hash, content_type, size, uploaded_by, uploaded_at)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (application_id) DO UPDATE SET hash = excluded.hash,
                        content_type = excluded.content_type, size = excluded.size,
                        uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at",
                )
                .bind(application_id)
                .bind(hash)
                .bind(content_type)
                .bind(size)
                .bind(by)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                Ok(before)
            }
            .await
        })
    }
}
