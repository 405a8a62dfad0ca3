//! Working-calendar entries stored by admins (national notices and community exceptions).

use super::{with_db, with_tx, Db, Tx};
use anju_domain::calendar::DayKind;
use chrono::NaiveDate;
use sqlx::Row;

pub fn community_scope(community_id: i64) -> String {
    format!("community:{community_id}")
}

pub const NATIONAL: &str = "national";

impl Db {
    pub async fn community_working_hours(
        &self,
        community_id: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query("SELECT working_hours FROM jurisdictions WHERE id = $1")
                    .bind(community_id)
                    .fetch_optional(pool)
                    .await?
                    .map(|r| r.try_get::<Option<String>, _>("working_hours"))
                    .transpose()
                    .map(Option::flatten)
            }
        )
    }

    pub async fn calendar_days(
        &self,
        scope: &str,
    ) -> Result<Vec<(NaiveDate, DayKind, String)>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT day, kind, note FROM calendar_days WHERE scope = $1 ORDER BY day",
                )
                .bind(scope)
                .fetch_all(pool)
                .await?
                .iter()
                .filter_map(|r| {
                    let day: String = r.try_get("day").ok()?;
                    let kind: String = r.try_get("kind").ok()?;
                    let note: String = r.try_get("note").ok()?;
                    let kind = if kind == "work" {
                        DayKind::Work
                    } else {
                        DayKind::Off
                    };
                    Some(Ok((
                        NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()?,
                        kind,
                        note,
                    )))
                })
                .collect()
            }
        )
    }
}

impl Tx {
    pub async fn set_community_working_hours(
        &mut self,
        community_id: i64,
        hours: &str,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query("UPDATE jurisdictions SET working_hours = $1 WHERE id = $2")
                .bind(hours)
                .bind(community_id)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        })
    }

    /// Add or replace entries (one transaction: a notice applies whole or not at all).
    pub async fn put_calendar_days(
        &mut self,
        scope: &str,
        days: &[(NaiveDate, DayKind)],
        note: &str,
        now: i64,
        by: i64,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            async {
                for (day, kind) in days {
                    sqlx::query(
                        "INSERT INTO calendar_days (scope, day, kind, note, updated_at, updated_by)
                         VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (scope, day) DO UPDATE SET kind = $3, note = $4, updated_at = $5, updated_by = $6",
                    )
                    .bind(scope)
                    .bind(day.format("%Y-%m-%d").to_string())
                    .bind(if *kind == DayKind::Work { "work" } else { "off" })
                    .bind(note)
                    .bind(now)
                    .bind(by)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            }
            .await
        })
    }
}
