//! Items with a cap per parent — photos per case and stage, documents per application. The
//! count lives in `item_counts` and is raised with `UPDATE … WHERE n < cap` in the same
//! transaction that inserts the item: on PostgreSQL the row lock makes parallel uploads wait
//! and re-check, on SQLite the single writer does; either way the cap holds.

use super::{is_unique_violation, with_db, Db};
use sqlx::Row;

/// What adding a capped item came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New(i64),
    /// The same item was there already (a retried upload); nothing changed.
    AlreadyThere,
    CapReached,
}

pub struct NewPhoto<'a> {
    pub case_id: i64,
    pub stage: &'a str,
    pub hash: &'a str,
    pub size: (u32, u32),
    pub by: i64,
    pub now: i64,
    pub cap: i64,
}

pub fn photo_subject(case_id: i64, stage: &str) -> String {
    format!("case_photos:{case_id}:{stage}")
}

pub fn document_subject(application_id: i64) -> String {
    format!("retrofit_documents:{application_id}")
}

/// The two statements that take a place under a cap, for either backend's transaction.
macro_rules! take_place {
    ($tx:expr, $subject:expr, $cap:expr) => {{
        sqlx::query(
            "INSERT INTO item_counts (subject, n) VALUES ($1, 0) ON CONFLICT (subject) DO NOTHING",
        )
        .bind($subject)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE item_counts SET n = n + 1 WHERE subject = $1 AND n < $2")
            .bind($subject)
            .bind($cap)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
            == 1
    }};
}

impl Db {
    /// Record a photo of a case within the cap; a retried upload of the same photo is kept
    /// once.
    pub async fn add_case_photo(&self, p: &NewPhoto<'_>) -> Result<Added, sqlx::Error> {
        let subject = photo_subject(p.case_id, p.stage);
        let result: Result<Added, sqlx::Error> = with_db!(
            self,
            write
                | pool
                | {
                    async {
                    let mut tx = pool.begin().await?;
                    let there = sqlx::query("SELECT id FROM case_photos WHERE case_id = $1 AND hash = $2")
                        .bind(p.case_id)
                        .bind(p.hash)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if there.is_some() {
                        return Ok(Added::AlreadyThere);
                    }
                    if !take_place!(tx, &subject, p.cap) {
                        return Ok(Added::CapReached);
                    }
                    let id: i64 = sqlx::query(
                        "INSERT INTO case_photos (case_id, stage, hash, width, height, uploaded_by, at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(p.case_id)
                    .bind(p.stage)
                    .bind(p.hash)
                    .bind(i64::from(p.size.0))
                    .bind(i64::from(p.size.1))
                    .bind(p.by)
                    .bind(p.now)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("id")?;
                    tx.commit().await?;
                    Ok(Added::New(id))
                }
                .await
                }
        );
        match result {
            // The same photo arrived twice at once: the other request stored it.
            Err(e) if is_unique_violation(&e) => Ok(Added::AlreadyThere),
            other => other,
        }
    }

    /// Record a document of an application within the cap.
    pub async fn add_retrofit_document(
        &self,
        d: &super::retrofit::NewDocument<'_>,
        cap: i64,
    ) -> Result<Added, sqlx::Error> {
        let subject = document_subject(d.application_id);
        with_db!(
            self,
            write
                | pool
                | {
                    async {
                    let mut tx = pool.begin().await?;
                    if !take_place!(tx, &subject, cap) {
                        return Ok(Added::CapReached);
                    }
                    let id: i64 = sqlx::query(
                        "INSERT INTO retrofit_documents (application_id, kind, hash, content_type, size, uploaded_by, uploaded_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(d.application_id)
                    .bind(d.kind)
                    .bind(d.hash)
                    .bind(d.content_type)
                    .bind(d.size)
                    .bind(d.by)
                    .bind(d.now)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("id")?;
                    tx.commit().await?;
                    Ok(Added::New(id))
                }
                .await
                }
        )
    }

    /// Remove a document and give its place back, in one transaction.
    pub async fn remove_retrofit_document(
        &self,
        application_id: i64,
        document_id: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let subject = document_subject(application_id);
        with_db!(
            self,
            write
                | pool
                | {
                    async {
                    let mut tx = pool.begin().await?;
                    let removed = sqlx::query(
                        "UPDATE retrofit_documents SET removed_at = $1 WHERE id = $2 AND application_id = $3 AND removed_at IS NULL",
                    )
                    .bind(now)
                    .bind(document_id)
                    .bind(application_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        == 1;
                    if removed {
                        sqlx::query("UPDATE item_counts SET n = n - 1 WHERE subject = $1 AND n > 0")
                            .bind(&subject)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(removed)
                }
                .await
                }
        )
    }
}
