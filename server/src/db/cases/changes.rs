//! Filing cases and editing categories, on the caller's transaction.

use super::*;
use crate::db::audit::Audit;
use crate::db::decode::decode_err;
use crate::db::{with_tx, Tx};
use anju_domain::category::{CaseKind, Category};
use sqlx::Row;

impl Tx {
    /// Replace a category's names and targets; false if there is no such category.
    pub async fn update_category(&mut self, c: &Category, now: i64) -> Result<bool, sqlx::Error> {
        let targets =
            serde_json::to_string(&c.targets).map_err(|e| decode_err("targets", e.to_string()))?;
        with_tx!(self, |conn| {
            sqlx::query("UPDATE categories SET name = $1, name_en = $2, targets = $3, updated_at = $4 WHERE code = $5")
                .bind(&c.name)
                .bind(&c.name_en)
                .bind(&targets)
                .bind(now)
                .bind(&c.code)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected() == 1)
        })
    }

    /// The new case's id and reference (`TS20261207-000042`).
    pub async fn create_case(
        &mut self,
        new: &NewCase<'_>,
    ) -> Result<(i64, String), CreateCaseError> {
        let targets = serde_json::to_string(&new.category.targets)
            .map_err(|e| decode_err("targets", e.to_string()))?;
        let prefix = match new.kind {
            CaseKind::Complaint => "TS",
            CaseKind::Inquiry => "ZX",
        };
        let day = chrono::DateTime::from_timestamp(new.now, 0)
            .unwrap_or_default()
            .with_timezone(&anju_domain::calendar::shanghai())
            .format("%Y%m%d")
            .to_string();
        // A retried submission meets the retry key's unique constraint: `ON CONFLICT … DO
        // NOTHING` answers it with no row instead of an error, so the transaction goes on
        // without a savepoint around the insert (two fewer round trips to the database while
        // the single SQLite writer is held; see `Tx::savepoint` for why an error would need
        // one). Any other constraint still fails the statement.
        // The reference (which needs the id) and the submission event in one round trip.
        let reference_and_event = if self.on_sqlite() {
            "UPDATE cases SET reference = $1 WHERE id = $2;
             INSERT INTO case_events (case_id, at, actor_account_id, action, state, note)
             VALUES ($2, $3, $4, 'submit', 'submitted', NULL)"
        } else {
            "WITH numbered AS (UPDATE cases SET reference = $1 WHERE id = $2)
             INSERT INTO case_events (case_id, at, actor_account_id, action, state, note)
             VALUES ($2, $3, $4, 'submit', 'submitted', NULL)"
        };
        let created: Option<(i64, String)> = with_tx!(self, |conn| {
            async {
                let Some(row) = sqlx::query(
                    // The street and county over the community, for the queue's per-level
                    // indexes (see `Scope::level_column`).
                    "INSERT INTO cases (reference, kind, category_code, targets, resident_account_id,
                        filed_by_account_id, client_key, channel, community_id, street_id, county_id,
                        scope_path, description, public_place, contact_time, state, created_at, next_due_at,
                        warn_at)
                     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, street.id, street.parent_id,
                        $10, $11, $12, $13, 'submitted', $14, $15,
                        CASE WHEN $15 = 9223372036854775807 THEN NULL ELSE $15 - 86400 END
                     FROM jurisdictions community
                     LEFT JOIN jurisdictions street ON street.id = community.parent_id
                     WHERE community.id = $9
                     ON CONFLICT (filed_by_account_id, client_key) DO NOTHING
                     RETURNING id",
                )
                .bind(format!("pending-{}-{}", new.filed_by_account_id, new.client_key))
                .bind(kind_str(new.kind))
                .bind(&new.category.code)
                .bind(&targets)
                .bind(new.resident_account_id)
                .bind(new.filed_by_account_id)
                .bind(new.client_key)
                .bind(new.channel.as_str())
                .bind(new.community_id)
                .bind(new.scope_path)
                .bind(new.description)
                .bind(new.public_place)
                .bind(new.contact_time)
                .bind(new.now)
                .bind(new.next_due_at)
                .fetch_optional(&mut *conn)
                .await?
                else {
                    return Ok::<_, sqlx::Error>(None);
                };
                let id: i64 = row.try_get("id")?;
                let reference = format!("{prefix}{day}-{id:06}");
                sqlx::query(reference_and_event)
                    .bind(&reference)
                    .bind(id)
                    .bind(new.now)
                    .bind(new.filed_by_account_id)
                    .execute(&mut *conn)
                    .await?;
                Ok(Some((id, reference)))
            }
            .await
        })?;
        let Some((id, reference)) = created else {
            // Filed before under this retry key (or by a request running at the same time,
            // which committed first): the case that one made.
            let existing = with_tx!(self, |conn| {
                sqlx::query(
                    "SELECT id FROM cases WHERE filed_by_account_id = $1 AND client_key = $2",
                )
                .bind(new.filed_by_account_id)
                .bind(new.client_key)
                .fetch_one(&mut *conn)
                .await?
                .try_get::<i64, _>("id")?
            });
            return Err(CreateCaseError::Duplicate(existing));
        };
        self.audit(&Audit::new(
            new.now,
            Some(new.filed_by_account_id),
            "case.submit",
            &format!("case:{id}"),
            new.scope_path,
        ))
        .await?;
        Ok((id, reference))
    }
}
