//! The photos an assessor takes room by room. See the migration `assessment_photos`.

use crate::db::item_counts::{take_place, Added};
use crate::db::{is_unique_violation, with_db, with_tx, Db, Tx};
use sqlx::Row;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoomPhotoRow {
    pub id: i64,
    pub room: String,
    pub hash: String,
    pub width: i64,
    pub height: i64,
}

pub struct NewRoomPhoto<'a> {
    pub application_id: i64,
    pub room: &'a str,
    pub hash: &'a str,
    pub size: (u32, u32),
    pub by: i64,
    pub now: i64,
    pub cap: i64,
}

fn subject(application_id: i64, room: &str) -> String {
    format!("assessment_photos:{application_id}:{room}")
}

impl Db {
    /// The household's assessment photos, in the order they were taken.
    pub async fn assessment_photos(
        &self,
        application_id: i64,
    ) -> Result<Vec<RoomPhotoRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, RoomPhotoRow>(
                    "SELECT id, room, hash, width, height FROM retrofit_assessment_photos
                     WHERE application_id = $1 ORDER BY id",
                )
                .bind(application_id)
                .fetch_all(pool)
                .await
            }
        )
    }
}

impl Tx {
    /// Add a room's photo within the cap; the same photo again is `AlreadyThere`.
    pub async fn add_assessment_photo(
        &mut self,
        p: &NewRoomPhoto<'_>,
    ) -> Result<Added, sqlx::Error> {
        let subject = subject(p.application_id, p.room);
        self.savepoint().await?;
        let result: Result<Added, sqlx::Error> = with_tx!(self, |conn| {
            async {
                let there = sqlx::query(
                    "SELECT id FROM retrofit_assessment_photos
                     WHERE application_id = $1 AND room = $2 AND hash = $3",
                )
                .bind(p.application_id)
                .bind(p.room)
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
                    "INSERT INTO retrofit_assessment_photos
                        (application_id, room, hash, width, height, uploaded_by, uploaded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(p.application_id)
                .bind(p.room)
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
