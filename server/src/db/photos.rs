//! Photo records of cases.

use super::{with_db, Db};
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
