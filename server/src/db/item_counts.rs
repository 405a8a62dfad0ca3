//! Items with a cap per parent — photos per case and stage, documents per application. The
//! count lives in `item_counts` and is raised with `UPDATE … WHERE n < cap` ([`take_place!`])
//! in the same transaction that inserts the item (`db/photos.rs`, `db/retrofit.rs`): on
//! PostgreSQL the row lock makes parallel uploads wait and re-check, on SQLite the single
//! writer does; either way the cap holds.

/// What adding a capped item came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New(i64),
    /// The same item was there already (a retried upload); nothing changed.
    AlreadyThere,
    CapReached,
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
pub(crate) use take_place;
