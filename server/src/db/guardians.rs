//! Guardian links: an elder invites a family member by mobile number; the family member
//! accepts with the relationship and a proof document; the elder can end the link.

use super::{with_db, with_tx, Db, Tx};
use anju_domain::application::GuardianLinkState;
use sqlx::Row;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub id: i64,
    pub elder_account_id: i64,
    pub invited_phone: String,
    pub guardian_account_id: Option<i64>,
    pub relationship: Option<String>,
    pub proof_hash: Option<String>,
    pub proof_type: Option<String>,
    #[sqlx(try_from = "String")]
    pub state: GuardianLinkState,
    pub created_at: i64,
}

const COLUMNS: &str = "id, elder_account_id, invited_phone, guardian_account_id, relationship, proof_hash, proof_type, state, created_at";

impl Db {
    pub async fn guardian_link(&self, id: i64) -> Result<Option<LinkRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, LinkRow>(&format!(
                    "SELECT {COLUMNS} FROM guardian_links WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(pool)
                .await
            }
        )
    }

    /// Links where the account is the elder, the guardian, or the invited number.
    pub async fn guardian_links_of(
        &self,
        account_id: i64,
        phone: &str,
    ) -> Result<Vec<LinkRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query_as::<_, LinkRow>(&format!(
                    "SELECT {COLUMNS} FROM guardian_links
                     WHERE elder_account_id = $1 OR guardian_account_id = $1 OR (invited_phone = $2 AND state = 'invited')
                     ORDER BY id DESC LIMIT 100"
                ))
                .bind(account_id)
                .bind(phone)
                .fetch_all(pool)
                .await
                }
        )
    }

    /// The elder's links that are waiting for confirmation or active.
    pub async fn family_links_of_elder(&self, elder: i64) -> Result<Vec<LinkRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query_as::<_, LinkRow>(&format!(
                    "SELECT {COLUMNS} FROM guardian_links
                     WHERE elder_account_id = $1 AND state IN ('accepted', 'active') ORDER BY id LIMIT 20"
                ))
                .bind(elder)
                .fetch_all(pool)
                .await
                }
        )
    }

    /// Whether `guardian` acts for `elder` now.
    pub async fn is_active_guardian(&self, elder: i64, guardian: i64) -> Result<bool, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(
                    "SELECT id FROM guardian_links WHERE elder_account_id = $1 AND guardian_account_id = $2 AND state = 'active'",
                )
                .bind(elder)
                .bind(guardian)
                .fetch_optional(pool)
                .await
                .map(|r| r.is_some())
                }
        )
    }
}

impl Tx {
    /// A new invitation, unless one is already pending or active for this number.
    pub async fn invite_guardian(
        &mut self,
        elder: i64,
        phone: &str,
        now: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        with_tx!(self, |conn| {
            async {
                    let existing = sqlx::query(
                        "SELECT id FROM guardian_links WHERE elder_account_id = $1 AND invited_phone = $2 AND state IN ('invited', 'accepted', 'active')",
                    )
                    .bind(elder)
                    .bind(phone)
                    .fetch_optional(&mut *conn)
                    .await?;
                    if existing.is_some() {
                        return Ok(None);
                    }
                    let id: i64 = sqlx::query(
                        "INSERT INTO guardian_links (elder_account_id, invited_phone, state, created_at)
                         VALUES ($1, $2, 'invited', $3) RETURNING id",
                    )
                    .bind(elder)
                    .bind(phone)
                    .bind(now)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get("id")?;
                    Ok(Some(id))
                }
                .await
        })
    }

    pub async fn accept_guardian_link(
        &mut self,
        id: i64,
        guardian: i64,
        relationship: &str,
        proof: (&str, &str),
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                    "UPDATE guardian_links SET guardian_account_id = $1, relationship = $2, proof_hash = $3,
                        proof_type = $4, state = 'accepted', accepted_at = $5
                     WHERE id = $6 AND state = 'invited'",
                )
                .bind(guardian)
                .bind(relationship)
                .bind(proof.0)
                .bind(proof.1)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected() == 1)
        })
    }

    /// Confirm (→ active: from now it gives access) or end a link, if it is still in the state
    /// the decision was made from; false when someone changed it first.
    pub async fn move_guardian_link(
        &mut self,
        id: i64,
        from: GuardianLinkState,
        to: GuardianLinkState,
        by: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let (at, by_column) = match to {
            GuardianLinkState::Active => ("confirmed_at", "confirmed_by"),
            GuardianLinkState::Ended => ("ended_at", "ended_by"),
            // Accepting records the relationship and the proof: `accept_guardian_link`.
            GuardianLinkState::Invited | GuardianLinkState::Accepted => return Ok(false),
        };
        let sql = format!(
            "UPDATE guardian_links SET state = $1, {at} = $2, {by_column} = $3 WHERE id = $4 AND state = $5"
        );
        with_tx!(self, |conn| {
            sqlx::query(&sql)
                .bind(to.as_str())
                .bind(now)
                .bind(by)
                .bind(id)
                .bind(from.as_str())
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected() == 1)
        })
    }
}
