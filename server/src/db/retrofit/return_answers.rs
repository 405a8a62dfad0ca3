//! The family's answers to a return, item by item (`retrofit_return_answers`): a screen saved
//! again, or a reply. Written on the caller's transaction beside the save or the audit row.

use crate::db::{with_db, with_tx, Db, Tx};
use anju_domain::application::ReturnItem;

/// One item's answers so far.
pub struct ReturnAnswerRow {
    pub item: ReturnItem,
    pub saved_at: Option<i64>,
    pub reply: Option<String>,
    pub replied_at: Option<i64>,
}

impl Tx {
    /// The item's screen was saved again after the return.
    pub async fn mark_return_item_saved(
        &mut self,
        application_id: i64,
        returned_at: i64,
        item: ReturnItem,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO retrofit_return_answers (application_id, returned_at, item, saved_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (application_id, returned_at, item) DO UPDATE SET saved_at = excluded.saved_at",
            )
            .bind(application_id)
            .bind(returned_at)
            .bind(item.as_str())
            .bind(at)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })
    }

    /// The family's reply to the item (`None` takes it back).
    pub async fn reply_to_return_item(
        &mut self,
        application_id: i64,
        returned_at: i64,
        item: ReturnItem,
        reply: Option<&str>,
        by: i64,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO retrofit_return_answers (application_id, returned_at, item, reply, replied_by, replied_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (application_id, returned_at, item) DO UPDATE SET reply = excluded.reply,
                    replied_by = excluded.replied_by, replied_at = excluded.replied_at",
            )
            .bind(application_id)
            .bind(returned_at)
            .bind(item.as_str())
            .bind(reply)
            .bind(by)
            .bind(at)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })
    }
}

/// As stored: the item by name.
#[derive(sqlx::FromRow)]
struct StoredAnswer {
    item: String,
    saved_at: Option<i64>,
    reply: Option<String>,
    replied_at: Option<i64>,
}

impl Db {
    pub async fn return_answers(
        &self,
        application_id: i64,
        returned_at: i64,
    ) -> Result<Vec<ReturnAnswerRow>, sqlx::Error> {
        let rows: Vec<StoredAnswer> = with_db!(
            self,
            read | pool | {
                sqlx::query_as(
                    "SELECT item, saved_at, reply, replied_at FROM retrofit_return_answers
                         WHERE application_id = $1 AND returned_at = $2",
                )
                .bind(application_id)
                .bind(returned_at)
                .fetch_all(pool)
                .await
            }
        )?;
        // An item name this build does not know is skipped, not fatal.
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(ReturnAnswerRow {
                    item: ReturnItem::parse(&r.item)?,
                    saved_at: r.saved_at,
                    reply: r.reply,
                    replied_at: r.replied_at,
                })
            })
            .collect())
    }
}
