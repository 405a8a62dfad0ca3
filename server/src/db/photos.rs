//! Photo records of cases.

use super::{is_unique_violation, with_db, Db};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct PhotoRow {
    pub id: i64,
    pub case_id: i64,
    pub stage: String,
    pub hash: String,
    pub width: i64,
    pub height: i64,
}

fn to_row<R: Row>(r: &R) -> Result<PhotoRow, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    String: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
{
    Ok(PhotoRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        stage: r.try_get("stage")?,
        hash: r.try_get("hash")?,
        width: r.try_get("width")?,
        height: r.try_get("height")?,
    })
}

impl Db {
    /// Record a photo; the same photo twice on one case (a retried upload) is kept once.
    pub async fn add_case_photo(
        &self,
        case_id: i64,
        stage: &str,
        hash: &str,
        size: (u32, u32),
        by: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let result = with_db!(
            self,
            write | pool | {
                sqlx::query(
                    "INSERT INTO case_photos (case_id, stage, hash, width, height, uploaded_by, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(case_id)
                .bind(stage)
                .bind(hash)
                .bind(i64::from(size.0))
                .bind(i64::from(size.1))
                .bind(by)
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ())
            }
        );
        match result {
            Err(e) if is_unique_violation(&e) => Ok(()),
            other => other,
        }
    }

    pub async fn case_photos(&self, case_id: i64) -> Result<Vec<PhotoRow>, sqlx::Error> {
        with_db!(
            self,
            write
                | pool
                | {
                    sqlx::query("SELECT id, case_id, stage, hash, width, height FROM case_photos WHERE case_id = $1 ORDER BY id")
                .bind(case_id)
                .fetch_all(pool)
                .await?
                .iter()
                .map(to_row)
                .collect()
                }
        )
    }
}
