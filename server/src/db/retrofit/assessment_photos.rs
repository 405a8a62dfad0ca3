//! The photos of a household's case: the assessor's, room by room (migration
//! `assessment_photos`), and the contractor's before/after photos of each item and of the
//! cleared site (migration `works_and_acceptance`), and the family's photos of a warranty
//! claim (migration `settlement_and_warranty`). The tables have the same shape and differ in
//! the column that says where a photo belongs, so one set of statements serves them all.

use crate::db::item_counts::{take_place, Added};
use crate::db::{is_unique_violation, with_db, with_tx, Db, Tx};
use sqlx::Row;

/// Which of a household's photo sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoSet {
    /// By room (`anju_domain::retrofit_record::Room`).
    Assessment,
    /// By slot (`anju_domain::retrofit_works::WorksSlot::key`).
    Works,
    /// By warranty claim (its id as text).
    Claims,
}

impl PhotoSet {
    /// The table and its column saying where a photo belongs.
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Self::Assessment => ("retrofit_assessment_photos", "room"),
            Self::Works => ("retrofit_works_photos", "slot"),
            Self::Claims => ("retrofit_claim_photos", "claim"),
        }
    }

    fn subject(self, application_id: i64, place: &str) -> String {
        match self {
            Self::Assessment => format!("assessment_photos:{application_id}:{place}"),
            Self::Works => format!("works_photos:{application_id}:{place}"),
            Self::Claims => format!("claim_photos:{application_id}:{place}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RoomPhotoRow {
    pub id: i64,
    /// The room, or the works slot.
    pub room: String,
    pub hash: String,
    pub width: i64,
    pub height: i64,
    pub uploaded_at: i64,
}

pub struct NewRoomPhoto<'a> {
    pub set: PhotoSet,
    pub application_id: i64,
    /// The room, or the works slot.
    pub room: &'a str,
    pub hash: &'a str,
    pub size: (u32, u32),
    pub by: i64,
    pub now: i64,
    pub cap: i64,
}

impl Db {
    /// The household's photos of a set, in the order they were taken.
    pub async fn household_photos(
        &self,
        set: PhotoSet,
        application_id: i64,
    ) -> Result<Vec<RoomPhotoRow>, sqlx::Error> {
        let (table, place) = set.table();
        with_db!(
            self,
            read | pool | {
                sqlx::query(&format!(
                    "SELECT id, {place} AS place, hash, width, height, uploaded_at FROM {table}
                         WHERE application_id = $1 ORDER BY id"
                ))
                .bind(application_id)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(RoomPhotoRow {
                        id: r.try_get("id")?,
                        room: r.try_get("place")?,
                        hash: r.try_get("hash")?,
                        width: r.try_get("width")?,
                        height: r.try_get("height")?,
                        uploaded_at: r.try_get("uploaded_at")?,
                    })
                })
                .collect()
            }
        )
    }
}

impl Tx {
    /// Add a photo to its room or slot within the cap; the same photo again is `AlreadyThere`.
    pub async fn add_household_photo(
        &mut self,
        p: &NewRoomPhoto<'_>,
    ) -> Result<Added, sqlx::Error> {
        let subject = p.set.subject(p.application_id, p.room);
        let (table, place) = p.set.table();
        self.savepoint().await?;
        let result: Result<Added, sqlx::Error> = with_tx!(self, |conn| {
            async {
                let there = sqlx::query(&format!(
                    "SELECT id FROM {table} WHERE application_id = $1 AND {place} = $2 AND hash = $3"
                ))
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
                let id: i64 = sqlx::query(&format!(
                    "INSERT INTO {table}
                        (application_id, {place}, hash, width, height, uploaded_by, uploaded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                ))
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
