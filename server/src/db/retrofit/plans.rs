//! The household's plan in versions, the signer's identity check and the signature. See the
//! migration `retrofit_plans_and_signatures`. The keys decide the races: one draft per
//! application, one version number per application, one signature per version, one code.

use crate::db::{is_unique_violation, with_db, with_tx, Db, Tx};
use sqlx::Row;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanRow {
    pub id: i64,
    pub application_id: i64,
    pub version: i64,
    pub state: String,
    pub subsidised: bool,
    pub lines_json: String,
    pub not_needed_json: String,
    pub updated_at: i64,
    pub proposed_at: Option<i64>,
    pub document_json: Option<String>,
    pub document_sha256: Option<String>,
    pub change_request: Option<String>,
}

const PLAN_COLUMNS: &str = "id, application_id, version, state, subsidised, lines_json, not_needed_json, updated_at, proposed_at, document_json, document_sha256, change_request";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignatureRow {
    pub id: i64,
    pub plan_id: i64,
    pub application_id: i64,
    pub signer_account_id: i64,
    pub capacity: String,
    pub relationship: Option<String>,
    pub mark_kind: String,
    pub mark_enc: String,
    pub mark_sha256: String,
    pub plan_sha256: String,
    pub agreement_version: i64,
    pub identity_method: String,
    pub identity_confirmed_at: i64,
    pub signed_at: i64,
    pub ip: String,
    pub user_agent: String,
    pub code: String,
}

const SIGNATURE_COLUMNS: &str = "id, plan_id, application_id, signer_account_id, capacity, relationship, mark_kind, mark_enc, mark_sha256, plan_sha256, agreement_version, identity_method, identity_confirmed_at, signed_at, ip, user_agent, code";

pub struct NewSignature<'a> {
    pub plan_id: i64,
    pub application_id: i64,
    pub signer: i64,
    pub capacity: &'a str,
    pub relationship: Option<&'a str>,
    pub mark_kind: &'a str,
    pub mark_enc: &'a str,
    pub mark_sha256: &'a str,
    pub plan_sha256: &'a str,
    pub agreement_version: i64,
    pub identity_method: &'a str,
    pub identity_confirmed_at: i64,
    pub now: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
    pub code: &'a str,
}

impl Db {
    /// Every version of the application's plan, oldest first.
    pub async fn plans_of(&self, application_id: i64) -> Result<Vec<PlanRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query_as::<_, PlanRow>(&format!(
                    "SELECT {PLAN_COLUMNS} FROM retrofit_plans WHERE application_id = $1 ORDER BY version"
                ))
                .bind(application_id)
                .fetch_all(pool)
                .await
                }
        )
    }

    pub async fn plan(&self, plan_id: i64) -> Result<Option<PlanRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, PlanRow>(&format!(
                    "SELECT {PLAN_COLUMNS} FROM retrofit_plans WHERE id = $1"
                ))
                .bind(plan_id)
                .fetch_optional(pool)
                .await
            }
        )
    }

    /// The signature of the application's signed version, if any.
    pub async fn signature_of_application(
        &self,
        application_id: i64,
    ) -> Result<Option<SignatureRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, SignatureRow>(&format!(
                    "SELECT {SIGNATURE_COLUMNS} FROM retrofit_signatures WHERE application_id = $1
                     ORDER BY id DESC LIMIT 1"
                ))
                .bind(application_id)
                .fetch_optional(pool)
                .await
            }
        )
    }

    pub async fn signature_by_code(&self, code: &str) -> Result<Option<SignatureRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, SignatureRow>(&format!(
                    "SELECT {SIGNATURE_COLUMNS} FROM retrofit_signatures WHERE code = $1"
                ))
                .bind(code)
                .fetch_optional(pool)
                .await
            }
        )
    }

    /// When the account last confirmed its identity for this plan version, and for which hash.
    pub async fn signing_check(
        &self,
        account_id: i64,
        plan_id: i64,
    ) -> Result<Option<(String, String, i64)>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT plan_sha256, method, confirmed_at FROM retrofit_signing_checks
                     WHERE account_id = $1 AND plan_id = $2",
                )
                .bind(account_id)
                .bind(plan_id)
                .fetch_optional(pool)
                .await?
                .map(|r| {
                    Ok((
                        r.try_get("plan_sha256")?,
                        r.try_get("method")?,
                        r.try_get("confirmed_at")?,
                    ))
                })
                .transpose()
            }
        )
    }
}

impl Tx {
    /// Put the assessor's draft in place of the one held, or start the next version. Two
    /// first saves at once: the one-draft index refuses the second insert, which then
    /// replaces the draft the first one made.
    pub async fn save_plan_draft(
        &mut self,
        application_id: i64,
        subsidised: bool,
        lines_json: &str,
        not_needed_json: &str,
        by: i64,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        for _ in 0..2 {
            let updated: Option<i64> = with_tx!(self, |conn| {
                sqlx::query(
                    "UPDATE retrofit_plans SET subsidised = $2, lines_json = $3, not_needed_json = $4,
                        drafted_by = $5, updated_at = $6
                     WHERE application_id = $1 AND state = 'draft' RETURNING version",
                )
                .bind(application_id)
                .bind(subsidised)
                .bind(lines_json)
                .bind(not_needed_json)
                .bind(by)
                .bind(now)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| r.try_get::<i64, _>("version"))
                .transpose()
            })?;
            if let Some(version) = updated {
                return Ok(version);
            }
            self.savepoint().await?;
            let inserted: Result<i64, sqlx::Error> = with_tx!(self, |conn| {
                sqlx::query(
                    "INSERT INTO retrofit_plans (application_id, version, state, subsidised, lines_json,
                        not_needed_json, drafted_by, updated_at)
                     VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM retrofit_plans WHERE application_id = $1),
                        'draft', $2, $3, $4, $5, $6)
                     RETURNING version",
                )
                .bind(application_id)
                .bind(subsidised)
                .bind(lines_json)
                .bind(not_needed_json)
                .bind(by)
                .bind(now)
                .fetch_one(&mut *conn)
                .await
                .and_then(|r| r.try_get("version"))
            });
            match inserted {
                Ok(version) => {
                    self.release().await?;
                    return Ok(version);
                }
                Err(e) if is_unique_violation(&e) => self.back_to_savepoint().await?,
                Err(e) => return Err(e),
            }
        }
        Err(sqlx::Error::Protocol(
            "the plan draft kept changing under the save".into(),
        ))
    }

    /// Freeze the draft with its document and hash; the version it replaces (if the family
    /// had not signed it yet) is superseded. False when there is no such draft any more.
    pub async fn freeze_plan(
        &mut self,
        plan_id: i64,
        application_id: i64,
        document_json: &str,
        sha256: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            async {
                sqlx::query(
                    "UPDATE retrofit_plans SET state = 'superseded'
                     WHERE application_id = $1 AND state = 'proposed'",
                )
                .bind(application_id)
                .execute(&mut *conn)
                .await?;
                let frozen = sqlx::query(
                    "UPDATE retrofit_plans SET state = 'proposed', proposed_at = $2, document_json = $3,
                        document_sha256 = $4, updated_at = $2
                     WHERE id = $1 AND state = 'draft'",
                )
                .bind(plan_id)
                .bind(now)
                .bind(document_json)
                .bind(sha256)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                Ok(frozen == 1)
            }
            .await
        })
    }

    /// The family's request for changes, on the version they read.
    pub async fn request_plan_changes(
        &mut self,
        application_id: i64,
        note: &str,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE retrofit_plans SET state = 'changes_requested', change_request = $2
                 WHERE application_id = $1 AND state = 'proposed'",
            )
            .bind(application_id)
            .bind(note)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected() == 1)
        })
    }

    pub async fn put_signing_check(
        &mut self,
        account_id: i64,
        plan_id: i64,
        plan_sha256: &str,
        method: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO retrofit_signing_checks (account_id, plan_id, plan_sha256, method, confirmed_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (account_id, plan_id) DO UPDATE SET plan_sha256 = excluded.plan_sha256,
                    method = excluded.method, confirmed_at = excluded.confirmed_at",
            )
            .bind(account_id)
            .bind(plan_id)
            .bind(plan_sha256)
            .bind(method)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })
    }

    /// The signature and the version marked signed, or `None` when the version already has
    /// a signature (a retry, or two family members at once: the key keeps the first) or is no
    /// longer the proposed one. (Two random codes colliding, 31^12 to one, would read as
    /// the latter and the signer simply signs again.)
    pub async fn sign_plan(&mut self, s: &NewSignature<'_>) -> Result<Option<i64>, sqlx::Error> {
        self.savepoint().await?;
        let inserted: Result<Option<i64>, sqlx::Error> = with_tx!(self, |conn| {
            async {
                let marked = sqlx::query(
                    "UPDATE retrofit_plans SET state = 'signed', updated_at = $2
                     WHERE id = $1 AND state = 'proposed'",
                )
                .bind(s.plan_id)
                .bind(s.now)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if marked != 1 {
                    return Ok(None);
                }
                let id: i64 = sqlx::query(
                    "INSERT INTO retrofit_signatures (plan_id, application_id, signer_account_id, capacity,
                        relationship, mark_kind, mark_enc, mark_sha256, plan_sha256, agreement_version,
                        identity_method, identity_confirmed_at, signed_at, ip, user_agent, code)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                     RETURNING id",
                )
                .bind(s.plan_id)
                .bind(s.application_id)
                .bind(s.signer)
                .bind(s.capacity)
                .bind(s.relationship)
                .bind(s.mark_kind)
                .bind(s.mark_enc)
                .bind(s.mark_sha256)
                .bind(s.plan_sha256)
                .bind(s.agreement_version)
                .bind(s.identity_method)
                .bind(s.identity_confirmed_at)
                .bind(s.now)
                .bind(s.ip)
                .bind(s.user_agent)
                .bind(s.code)
                .fetch_one(&mut *conn)
                .await?
                .try_get("id")?;
                Ok(Some(id))
            }
            .await
        });
        match inserted {
            Ok(Some(id)) => {
                self.release().await?;
                Ok(Some(id))
            }
            Ok(None) => {
                self.back_to_savepoint().await?;
                Ok(None)
            }
            Err(e) if is_unique_violation(&e) => {
                self.back_to_savepoint().await?;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}
