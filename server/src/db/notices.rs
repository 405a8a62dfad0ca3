//! Notices for a community or a building, and each building's concierge contact.

use super::{with_db, with_tx, Db, Tx};
use anju_domain::notice::{ConciergeRequest, NoticeKind};
use anju_domain::JurisdictionLevel;
use sqlx::{FromRow, Row};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub scope_id: i64,
    #[sqlx(try_from = "String")]
    pub scope_level: JurisdictionLevel,
    /// The scope's names from the root, `…/柳岸社区/3号楼`.
    pub scope_names: String,
    #[sqlx(try_from = "String")]
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub urgent: bool,
    pub households_told: Option<i64>,
    pub withdrawn_at: Option<i64>,
}

pub struct NewNotice<'a> {
    pub scope_id: i64,
    pub scope_path: &'a str,
    /// What it says and when it runs: the same part a later change may alter.
    pub notice: &'a NoticeChange<'a>,
    pub created_by: i64,
    pub created_at: i64,
    pub client_key: &'a str,
}

/// What an edit of a notice may change (not its place: that would be another notice).
pub struct NoticeChange<'a> {
    pub kind: NoticeKind,
    pub title: &'a str,
    pub body: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
    pub urgent: bool,
}

const NOTICE_COLUMNS: &str = "n.id, n.scope_id, j.level AS scope_level, j.name_path AS scope_names,
    n.kind, n.title, n.body, n.starts_at, n.ends_at, n.urgent, n.households_told, n.withdrawn_at";

impl Db {
    pub async fn notice(&self, id: i64) -> Result<Option<(NoticeRow, String)>, sqlx::Error> {
        let sql = format!(
            "SELECT {NOTICE_COLUMNS}, n.scope_path FROM notices n JOIN jurisdictions j ON j.id = n.scope_id WHERE n.id = $1"
        );
        with_db!(
            self,
            read | pool | {
                sqlx::query(&sql)
                    .bind(id)
                    .fetch_optional(pool)
                    .await?
                    .map(|r| Ok((NoticeRow::from_row(&r)?, r.try_get("scope_path")?)))
                    .transpose()
            }
        )
    }

    /// Notices over a home at `building_path` (its building, community, street…), not
    /// withdrawn, not ended at `now` and started by `until`; current first, urgent first.
    pub async fn notices_over(
        &self,
        building_path: &str,
        now: i64,
        until: i64,
    ) -> Result<Vec<NoticeRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {NOTICE_COLUMNS} FROM notices n JOIN jurisdictions j ON j.id = n.scope_id
              WHERE n.ends_at > $1 AND n.starts_at <= $2 AND n.withdrawn_at IS NULL
                AND $3 LIKE n.scope_path || '%'
              ORDER BY CASE WHEN n.starts_at <= $1 THEN 0 ELSE 1 END, n.urgent DESC, n.starts_at, n.id
              LIMIT 20"
        );
        with_db!(
            self,
            read | pool | {
                sqlx::query(&sql)
                    .bind(now)
                    .bind(until)
                    .bind(building_path)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(NoticeRow::from_row)
                    .collect()
            }
        )
    }

    /// Notices posted inside `prefix` that ended after `since` (withdrawn ones too), newest
    /// start first; at most 200.
    pub async fn notices_inside(
        &self,
        prefix: &str,
        since: i64,
    ) -> Result<Vec<NoticeRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {NOTICE_COLUMNS} FROM notices n JOIN jurisdictions j ON j.id = n.scope_id
              WHERE n.ends_at > $1 AND n.scope_path LIKE $2 || '%'
              ORDER BY n.starts_at DESC, n.id DESC LIMIT 200"
        );
        with_db!(
            self,
            read | pool | {
                sqlx::query(&sql)
                    .bind(since)
                    .bind(prefix)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(NoticeRow::from_row)
                    .collect()
            }
        )
    }

    /// The communities and buildings inside `prefix` (level, names from the root), by name.
    pub async fn notice_places(
        &self,
        prefix: &str,
    ) -> Result<Vec<(i64, JurisdictionLevel, String)>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT id, level, name_path FROM jurisdictions
                      WHERE level IN ('community', 'building') AND id_path LIKE $1 || '%'
                      ORDER BY name_path, id LIMIT 1000",
                )
                .bind(prefix)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    let level: String = r.try_get("level")?;
                    Ok((
                        r.try_get("id")?,
                        JurisdictionLevel::try_from(level)
                            .map_err(|e| super::decode::decode_err("level", e))?,
                        r.try_get("name_path")?,
                    ))
                })
                .collect()
            }
        )
    }

    /// A building's concierge contact and the hash of their photo, if set.
    pub async fn concierge(&self, building_id: i64) -> Result<Option<Concierge>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT name, role, phone, hours, photo_hash FROM building_concierges
                      WHERE building_id = $1",
                )
                .bind(building_id)
                .fetch_optional(pool)
                .await?
                .map(|r| ConciergeColumns::from_row(&r).map(Into::into))
                .transpose()
            }
        )
    }

    /// The buildings inside `prefix` with their concierge, if set; by name.
    pub async fn buildings_with_concierges(
        &self,
        prefix: &str,
    ) -> Result<Vec<(i64, String, Option<Concierge>)>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT j.id, j.name_path, c.name, c.role, c.phone, c.hours, c.photo_hash
                       FROM jurisdictions j LEFT JOIN building_concierges c ON c.building_id = j.id
                      WHERE j.level = 'building' AND j.id_path LIKE $1 || '%'
                      ORDER BY j.name_path, j.id LIMIT 500",
                )
                .bind(prefix)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    let name: Option<String> = r.try_get("name")?;
                    Ok((
                        r.try_get("id")?,
                        r.try_get("name_path")?,
                        match name {
                            Some(_) => Some(ConciergeColumns::from_row(r)?.into()),
                            None => None,
                        },
                    ))
                })
                .collect()
            }
        )
    }
}

/// A building's concierge as stored: the contact residents see, and their photo's blob.
pub struct Concierge {
    pub contact: ConciergeRequest,
    pub photo_hash: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ConciergeColumns {
    name: String,
    role: String,
    phone: String,
    hours: String,
    photo_hash: Option<String>,
}

impl From<ConciergeColumns> for Concierge {
    fn from(c: ConciergeColumns) -> Self {
        Concierge {
            contact: ConciergeRequest {
                name: c.name,
                role: c.role,
                phone: c.phone,
                hours: c.hours,
            },
            photo_hash: c.photo_hash,
        }
    }
}

impl Tx {
    /// The new notice's id, or `None` when this caller already posted one with this key (a
    /// retry): the unique key decides, not a read before the write.
    pub async fn insert_notice(&mut self, n: &NewNotice<'_>) -> Result<Option<i64>, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query_scalar(
                "INSERT INTO notices (scope_id, scope_path, kind, title, body, starts_at, ends_at, urgent,
                                      created_by, created_at, client_key)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (created_by, client_key) DO NOTHING RETURNING id",
            )
            .bind(n.scope_id)
            .bind(n.scope_path)
            .bind(n.notice.kind.as_str())
            .bind(n.notice.title)
            .bind(n.notice.body)
            .bind(n.notice.starts_at)
            .bind(n.notice.ends_at)
            .bind(n.notice.urgent)
            .bind(n.created_by)
            .bind(n.created_at)
            .bind(n.client_key)
            .fetch_optional(&mut *conn)
            .await
        })
    }

    pub async fn notice_by_key(
        &mut self,
        created_by: i64,
        client_key: &str,
    ) -> Result<Option<i64>, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query_scalar("SELECT id FROM notices WHERE created_by = $1 AND client_key = $2")
                .bind(created_by)
                .bind(client_key)
                .fetch_optional(&mut *conn)
                .await
        })
    }

    /// Resident and family accounts whose home is inside `prefix`: who an urgent notice tells.
    pub async fn households_inside(&mut self, prefix: &str) -> Result<Vec<i64>, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query_scalar(
                "SELECT a.id FROM accounts a JOIN jurisdictions b ON b.id = a.home_building_id
                  WHERE b.id_path LIKE $1 || '%' AND a.role IN ('resident', 'guardian') ORDER BY a.id",
            )
            .bind(prefix)
            .fetch_all(&mut *conn)
            .await
        })
    }

    pub async fn set_households_told(&mut self, id: i64, n: i64) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query("UPDATE notices SET households_told = $1 WHERE id = $2")
                .bind(n)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        })
    }

    /// Change what a notice says and when it runs; false when it has been withdrawn or has
    /// ended by `now` (checked in the update itself, so a withdrawal at the same moment wins).
    pub async fn update_notice(
        &mut self,
        id: i64,
        change: &NoticeChange<'_>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE notices SET kind = $1, title = $2, body = $3, starts_at = $4, ends_at = $5,
                        urgent = $6
                  WHERE id = $7 AND withdrawn_at IS NULL AND ends_at > $8",
            )
            .bind(change.kind.as_str())
            .bind(change.title)
            .bind(change.body)
            .bind(change.starts_at)
            .bind(change.ends_at)
            .bind(change.urgent)
            .bind(id)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected() == 1)
        })
    }

    /// False when it was already withdrawn.
    pub async fn withdraw_notice(
        &mut self,
        id: i64,
        by: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE notices SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND withdrawn_at IS NULL",
            )
            .bind(now)
            .bind(by)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected() == 1)
        })
    }

    pub async fn set_concierge(
        &mut self,
        building_id: i64,
        c: &ConciergeRequest,
        by: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO building_concierges (building_id, name, role, phone, hours, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (building_id) DO UPDATE SET name = excluded.name, role = excluded.role,
                    phone = excluded.phone, hours = excluded.hours,
                    updated_by = excluded.updated_by, updated_at = excluded.updated_at,
                    -- Another person in the post: the photo was of someone else.
                    photo_hash = CASE WHEN building_concierges.name = excluded.name
                                      THEN building_concierges.photo_hash END",
            )
            .bind(building_id)
            .bind(c.name.trim())
            .bind(c.role.trim())
            .bind(c.phone.trim())
            .bind(c.hours.trim())
            .bind(by)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })
    }

    /// Set or clear the concierge's photo; false when the building has no concierge.
    pub async fn set_concierge_photo(
        &mut self,
        building_id: i64,
        photo_hash: Option<&str>,
        by: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE building_concierges SET photo_hash = $1, updated_by = $2, updated_at = $3
                  WHERE building_id = $4",
            )
            .bind(photo_hash)
            .bind(by)
            .bind(now)
            .bind(building_id)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected() == 1)
        })
    }

    /// False when the building had none.
    pub async fn remove_concierge(&mut self, building_id: i64) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query("DELETE FROM building_concierges WHERE building_id = $1")
                .bind(building_id)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected() == 1)
        })
    }
}
