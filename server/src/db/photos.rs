//! Photo records of cases.

use super::item_counts::{photo_subject, take_place, Added};
use super::{is_unique_violation, with_db, with_tx, Db, Tx};
use sqlx::Row;

/// Decoded by sqlx (`FromRow`): the columns are the fields.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PhotoRow {
    pub id: i64,
    pub case_id: i64,
    pub stage: String,
    pub hash: String,
    pub width: i64,
    pub height: i64,
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

impl Db {
    pub async fn case_photos(&self, case_id: i64) -> Result<Vec<PhotoRow>, sqlx::Error> {
        with_db!(
            self,
            write
                | pool
                | {
                    sqlx::query_as::<_, PhotoRow>("SELECT id, case_id, stage, hash, width, height FROM case_photos WHERE case_id = $1 ORDER BY id")
                .bind(case_id)
                .fetch_all(pool)
                .await
                }
        )
    }
}

impl Tx {
    /// Record a photo of a case within the cap; a retried upload of the same photo is kept
    /// once.
    pub async fn add_case_photo(&mut self, p: &NewPhoto<'_>) -> Result<Added, sqlx::Error> {
        let subject = photo_subject(p.case_id, p.stage);
        self.savepoint().await?;
        let result: Result<Added, sqlx::Error> = with_tx!(self, |conn| {
            async {
                let there =
                    sqlx::query("SELECT id FROM case_photos WHERE case_id = $1 AND hash = $2")
                        .bind(p.case_id)
                        .bind(p.hash)
                        .fetch_optional(&mut *conn)
                        .await?;
                if there.is_some() {
                    return Ok(Added::AlreadyThere);
                }
                if !take_place!(conn, &subject, p.cap) {
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
                .fetch_one(&mut *conn)
                .await?
                .try_get("id")?;
                Ok(Added::New(id))
            }
            .await
        });
        self.settle(&result).await?;
        match result {
            // The same photo arrived twice at once: the other request stored it.
            Err(e) if is_unique_violation(&e) => Ok(Added::AlreadyThere),
            other => other,
        }
    }
}
