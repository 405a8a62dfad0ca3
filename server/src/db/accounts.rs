//! Accounts: residents who registered themselves and staff created by an admin.

use super::{is_unique_violation, with_db, with_tx, Db, Tx};
use crate::db::scope::Scope;
use anju_domain::{Locale, Preferences, Role};
use sqlx::Row;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub phone: String,
    pub password_hash: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub jurisdiction_id: Option<i64>,
    pub home_building_id: Option<i64>,
    pub home_unit: Option<String>,
    pub home_room: Option<String>,
    pub scope_path: String,
    pub elder_mode: bool,
    /// Read through [`AccountRow::preferences`], which falls back to Chinese.
    pub locale: String,
    /// When the mobile number was last proven with an SMS code.
    pub phone_verified_at: Option<i64>,
    /// Set while the password is a one-off one from the community office.
    pub temporary_password_expires_at: Option<i64>,
}

impl AccountRow {
    pub fn preferences(&self) -> Preferences {
        Preferences {
            elder_mode: self.elder_mode,
            locale: Locale::parse(&self.locale).unwrap_or_default(),
        }
    }
}

pub struct NewAccount<'a> {
    pub phone: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub jurisdiction_id: Option<i64>,
    pub home: Option<(i64, &'a str, &'a str)>,
    pub scope_path: &'a str,
    /// Set when the number was proven with an SMS code at registration.
    pub phone_verified: bool,
    pub now: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    #[error("phone already registered")]
    DuplicatePhone,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub(super) const COLUMNS: &str = "id, phone, password_hash, display_name, role, jurisdiction_id, home_building_id, home_unit, home_room, scope_path, elder_mode, locale, phone_verified_at, temporary_password_expires_at";

impl Db {
    pub async fn account_by_phone(&self, phone: &str) -> Result<Option<AccountRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM accounts WHERE phone = $1"))
                    .bind(phone)
                    .fetch_optional(pool)
                    .await
            }
        )
    }

    pub async fn account(&self, id: i64) -> Result<Option<AccountRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(pool)
                    .await
            }
        )
    }

    /// One page of accounts inside `scope`, ordered by id, after `after`.
    pub async fn accounts_in_scope(
        &self,
        scope: &Scope,
        after: i64,
        limit: i64,
    ) -> Result<Vec<AccountRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as(&format!(
                    "SELECT {COLUMNS} FROM accounts
                 WHERE scope_path LIKE $1 || '%' AND id > $2 ORDER BY id LIMIT $3"
                ))
                .bind(scope.prefix())
                .bind(after)
                .bind(limit)
                .fetch_all(pool)
                .await
            }
        )
    }
}

impl Tx {
    pub async fn create_account(
        &mut self,
        new: &NewAccount<'_>,
    ) -> Result<i64, CreateAccountError> {
        let (building, unit, room) = match new.home {
            Some((b, u, r)) => (Some(b), Some(u), Some(r)),
            None => (None, None, None),
        };
        self.savepoint().await?;
        let result = with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO accounts (phone, password_hash, display_name, role, jurisdiction_id,
                    home_building_id, home_unit, home_room, scope_path, created_at, phone_verified_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(new.phone)
            .bind(new.password_hash)
            .bind(new.display_name)
            .bind(new.role.as_str())
            .bind(new.jurisdiction_id)
            .bind(building)
            .bind(unit)
            .bind(room)
            .bind(new.scope_path)
            .bind(new.now)
            .bind(new.phone_verified.then_some(new.now))
            .fetch_one(&mut *conn)
            .await
            .and_then(|r| r.try_get::<i64, _>("id"))
        });
        self.settle(&result).await?;
        result.map_err(|e| {
            if is_unique_violation(&e) {
                CreateAccountError::DuplicatePhone
            } else {
                CreateAccountError::Db(e)
            }
        })
    }

    pub async fn set_preferences(
        &mut self,
        account_id: i64,
        prefs: Preferences,
    ) -> Result<(), sqlx::Error> {
        self.changes_sign_in();
        with_tx!(self, |conn| {
            sqlx::query("UPDATE accounts SET elder_mode = $1, locale = $2 WHERE id = $3")
                .bind(prefs.elder_mode)
                .bind(prefs.locale.as_str())
                .bind(account_id)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        })
    }

    /// A new password; `temporary_until` marks a one-off one (None: the person's own).
    pub async fn set_password_hash(
        &mut self,
        account_id: i64,
        hash: &str,
        temporary_until: Option<i64>,
    ) -> Result<(), sqlx::Error> {
        self.changes_sign_in();
        with_tx!(self, |conn| {
            sqlx::query(
                    "UPDATE accounts SET password_hash = $1, temporary_password_expires_at = $2 WHERE id = $3",
                )
                    .bind(hash)
                    .bind(temporary_until)
                    .bind(account_id)
                    .execute(&mut *conn)
                    .await
                    .map(|_| ())
        })
    }

    pub async fn mark_phone_verified(
        &mut self,
        account_id: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        self.changes_sign_in();
        with_tx!(self, |conn| {
            sqlx::query("UPDATE accounts SET phone_verified_at = $1 WHERE id = $2")
                .bind(now)
                .bind(account_id)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        })
    }
}
