//! Call-back draws (one per community and month), their samples, and call records.

use super::{inserted_once, with_db, with_tx, Db, Tx};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct DrawRow {
    pub id: i64,
    pub community_id: i64,
    pub month: String,
    pub seed: u64,
    pub min_percent: u32,
    pub candidates: String,
}

#[derive(Debug, Clone)]
pub struct CallbackRow {
    pub called_by: i64,
    pub called_at: i64,
    pub reached: bool,
    pub satisfied: Option<bool>,
    pub comment: Option<String>,
}

/// A call-back row on either backend (the columns `called_by` … `comment`).
fn callback_row<R: Row>(r: &R) -> Result<CallbackRow, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(CallbackRow {
        called_by: r.try_get("called_by")?,
        called_at: r.try_get("called_at")?,
        reached: r.try_get("reached")?,
        satisfied: r.try_get("satisfied")?,
        comment: r.try_get("comment")?,
    })
}

pub struct NewDraw<'a> {
    pub community_id: i64,
    pub month: &'a str,
    pub seed: u64,
    pub min_percent: u32,
    pub candidates_json: &'a str,
    pub sample: &'a [(i64, bool)],
    pub now: i64,
    pub by: i64,
}

impl Db {
    pub async fn draw(
        &self,
        community_id: i64,
        month: &str,
    ) -> Result<Option<DrawRow>, sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query(
                "SELECT id, community_id, month, seed, min_percent, candidates FROM callback_draws
                 WHERE community_id = $1 AND month = $2",
            )
            .bind(community_id)
            .bind(month)
            .fetch_optional(pool)
            .await?
            .map(|r| {
                let seed: String = r.try_get("seed")?;
                Ok::<_, sqlx::Error>(DrawRow {
                    id: r.try_get("id")?,
                    community_id: r.try_get("community_id")?,
                    month: r.try_get("month")?,
                    seed: seed.parse().unwrap_or_default(),
                    min_percent: u32::try_from(r.try_get::<i64, _>("min_percent")?).unwrap_or(50),
                    candidates: r.try_get("candidates")?,
                })
            })
            .transpose()
            }
        )
    }

    pub async fn draw_items(&self, draw_id: i64) -> Result<Vec<(i64, bool)>, sqlx::Error> {
        with_db!(
            self,
            write | pool | {
                sqlx::query(
                    "SELECT case_id, major FROM callback_items WHERE draw_id = $1 ORDER BY case_id",
                )
                .bind(draw_id)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("case_id")?, r.try_get("major")?)))
                .collect()
            }
        )
    }

    /// The latest call-back of each complaint a community handled in `[from, to)` (the
    /// monthly report), by case id, in one query.
    pub async fn latest_callbacks_of_handled(
        &self,
        community_id: i64,
        from: i64,
        to: i64,
    ) -> Result<std::collections::HashMap<i64, CallbackRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(
                    "SELECT cb.case_id, cb.called_by, cb.called_at, cb.reached, cb.satisfied, cb.comment
                     FROM callbacks cb
                     WHERE cb.case_id IN (
                         SELECT id FROM cases WHERE community_id = $1 AND kind = 'complaint'
                            AND state IN ('resolved', 'closed') AND handled_at >= $2 AND handled_at < $3)
                       AND cb.id = (SELECT MAX(l.id) FROM callbacks l WHERE l.case_id = cb.case_id)",
                )
                .bind(community_id)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("case_id")?, callback_row(r)?)))
                .collect()
                }
        )
    }

    /// The latest call-back of a case, if any.
    pub async fn latest_callback(&self, case_id: i64) -> Result<Option<CallbackRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT called_by, called_at, reached, satisfied, comment FROM callbacks
                 WHERE case_id = $1 ORDER BY id DESC LIMIT 1",
                )
                .bind(case_id)
                .fetch_optional(pool)
                .await?
                .as_ref()
                .map(callback_row)
                .transpose()
            }
        )
    }
}

impl Tx {
    /// Store a draw and its sample; `Ok(false)` if that month was drawn meanwhile.
    pub async fn insert_draw(&mut self, d: &NewDraw<'_>) -> Result<bool, sqlx::Error> {
        self.savepoint().await?;
        let result: Result<(), sqlx::Error> = with_tx!(self, |conn| {
            async {
                let id: i64 = sqlx::query(
                    "INSERT INTO callback_draws (community_id, month, seed, min_percent, candidates, drawn_at, drawn_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(d.community_id)
                .bind(d.month)
                .bind(d.seed.to_string())
                .bind(i64::from(d.min_percent))
                .bind(d.candidates_json)
                .bind(d.now)
                .bind(d.by)
                .fetch_one(&mut *conn)
                .await?
                .try_get("id")?;
                for (case_id, major) in d.sample {
                    sqlx::query("INSERT INTO callback_items (draw_id, case_id, major) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(case_id)
                        .bind(major)
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            }
            .await
        });
        self.settle(&result).await?;
        inserted_once(result)
    }

    pub async fn record_callback(
        &mut self,
        case_id: i64,
        by: i64,
        now: i64,
        reached: bool,
        satisfied: Option<bool>,
        comment: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO callbacks (case_id, called_by, called_at, reached, satisfied, comment)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(case_id)
            .bind(by)
            .bind(now)
            .bind(reached)
            .bind(satisfied)
            .bind(comment)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })
    }
}
