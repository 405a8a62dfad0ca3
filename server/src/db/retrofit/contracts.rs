//! The construction contract in versions and its two signatures. See the migration
//! `construction_contracts`. The keys decide the races: one version number per application,
//! one open contract per application, one signature per side, one code.

use crate::db::{is_unique_violation, with_db, with_tx, Db, Tx};
use sqlx::Row;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContractRow {
    pub id: i64,
    pub application_id: i64,
    pub version: i64,
    pub org_id: i64,
    pub plan_id: i64,
    pub state: String,
    pub planned_start: String,
    pub planned_finish: String,
    pub document_json: String,
    pub document_sha256: String,
    pub terms_version: i64,
    pub offered_by: i64,
    pub offered_at: i64,
    pub code: String,
}

const CONTRACT_COLUMNS: &str = "id, application_id, version, org_id, plan_id, state, planned_start, planned_finish, document_json, document_sha256, terms_version, offered_by, offered_at, code";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContractSignatureRow {
    pub id: i64,
    pub contract_id: i64,
    pub application_id: i64,
    pub party: String,
    pub signer_account_id: i64,
    pub capacity: Option<String>,
    pub relationship: Option<String>,
    pub mark_kind: String,
    pub mark_enc: String,
    pub mark_sha256: String,
    pub contract_sha256: String,
    pub identity_method: String,
    pub identity_confirmed_at: i64,
    pub signed_at: i64,
    pub ip: String,
    pub user_agent: String,
}

const SIGNATURE_COLUMNS: &str = "id, contract_id, application_id, party, signer_account_id, capacity, relationship, mark_kind, mark_enc, mark_sha256, contract_sha256, identity_method, identity_confirmed_at, signed_at, ip, user_agent";

pub struct NewContract<'a> {
    pub application_id: i64,
    pub version: i64,
    pub org_id: i64,
    pub plan_id: i64,
    pub planned_start: &'a str,
    pub planned_finish: &'a str,
    pub document_json: &'a str,
    pub document_sha256: &'a str,
    pub terms_version: i64,
    pub offered_by: i64,
    pub now: i64,
    pub code: &'a str,
}

/// One side's signature: who, in which capacity, the sealed mark and the evidence around it.
pub struct NewContractSignature<'a> {
    pub contract_id: i64,
    pub application_id: i64,
    /// `household` | `contractor`.
    pub party: &'a str,
    pub signer: i64,
    pub capacity: Option<&'a str>,
    pub relationship: Option<&'a str>,
    pub mark_kind: &'a str,
    pub mark_enc: &'a str,
    pub mark_sha256: &'a str,
    pub contract_sha256: &'a str,
    pub identity_method: &'a str,
    pub now: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

impl Db {
    /// The household's open contract (offered or signed), if any.
    pub async fn open_contract(
        &self,
        application_id: i64,
    ) -> Result<Option<ContractRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, ContractRow>(&format!(
                    "SELECT {CONTRACT_COLUMNS} FROM retrofit_contracts
                     WHERE application_id = $1 AND state IN ('offered', 'signed')"
                ))
                .bind(application_id)
                .fetch_optional(pool)
                .await
            }
        )
    }

    pub async fn contract_by_code(&self, code: &str) -> Result<Option<ContractRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, ContractRow>(&format!(
                    "SELECT {CONTRACT_COLUMNS} FROM retrofit_contracts WHERE code = $1"
                ))
                .bind(code)
                .fetch_optional(pool)
                .await
            }
        )
    }

    /// The signatures of one contract version (at most one per side).
    pub async fn contract_signatures(
        &self,
        contract_id: i64,
    ) -> Result<Vec<ContractSignatureRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, ContractSignatureRow>(&format!(
                    "SELECT {SIGNATURE_COLUMNS} FROM retrofit_contract_signatures
                     WHERE contract_id = $1 ORDER BY id"
                ))
                .bind(contract_id)
                .fetch_all(pool)
                .await
            }
        )
    }
}

impl Tx {
    /// The number the next offer takes.
    pub async fn next_contract_version(&mut self, application_id: i64) -> Result<i64, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "SELECT COALESCE(MAX(version), 0) + 1 AS next FROM retrofit_contracts
                 WHERE application_id = $1",
            )
            .bind(application_id)
            .fetch_one(&mut *conn)
            .await
            .and_then(|r| r.try_get("next"))
        })
    }

    /// Whether the household has a contract signed by both sides with the company it is
    /// assigned to as this transaction sees it (read after the case's row was changed, so a
    /// reassignment cannot slip between the check and the start).
    pub async fn contract_signed_now(&mut self, application_id: i64) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "SELECT COUNT(*) AS n FROM retrofit_contracts c
                 JOIN retrofit_applications a ON a.id = c.application_id
                 WHERE c.application_id = $1 AND c.org_id = a.contractor_org_id
                   AND c.state = 'signed'",
            )
            .bind(application_id)
            .fetch_one(&mut *conn)
            .await
            .and_then(|r| r.try_get::<i64, _>("n"))
            .map(|n| n > 0)
        })
    }

    /// A new offer in place of an unsigned one, with the company's signature. `None` when the
    /// household signed meanwhile, or another offer took the version number (a retry or two
    /// colleagues at once): the caller answers that the contract changed.
    pub async fn offer_contract(
        &mut self,
        c: &NewContract<'_>,
        contractor: &NewContractSignature<'_>,
    ) -> Result<Option<i64>, sqlx::Error> {
        self.savepoint().await?;
        let offered: Result<i64, sqlx::Error> = with_tx!(self, |conn| {
            async {
                sqlx::query(
                    "UPDATE retrofit_contracts SET state = 'superseded'
                     WHERE application_id = $1 AND state = 'offered'",
                )
                .bind(c.application_id)
                .execute(&mut *conn)
                .await?;
                sqlx::query(
                    "INSERT INTO retrofit_contracts (application_id, version, org_id, plan_id, state,
                        planned_start, planned_finish, document_json, document_sha256, terms_version,
                        offered_by, offered_at, code)
                     VALUES ($1, $2, $3, $4, 'offered', $5, $6, $7, $8, $9, $10, $11, $12)
                     RETURNING id",
                )
                .bind(c.application_id)
                .bind(c.version)
                .bind(c.org_id)
                .bind(c.plan_id)
                .bind(c.planned_start)
                .bind(c.planned_finish)
                .bind(c.document_json)
                .bind(c.document_sha256)
                .bind(c.terms_version)
                .bind(c.offered_by)
                .bind(c.now)
                .bind(c.code)
                .fetch_one(&mut *conn)
                .await?
                .try_get("id")
            }
            .await
        });
        let id = match offered {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => {
                self.back_to_savepoint().await?;
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        self.release().await?;
        let signature = NewContractSignature {
            contract_id: id,
            ..*contractor
        };
        self.insert_contract_signature(&signature).await?;
        Ok(Some(id))
    }

    /// The household's signature on the version it was shown, which makes the contract signed.
    /// `None` when that version is no longer the open offer (a newer offer, a new company, or
    /// a signature already made — the key keeps the first).
    pub async fn sign_contract(
        &mut self,
        s: &NewContractSignature<'_>,
    ) -> Result<Option<i64>, sqlx::Error> {
        self.savepoint().await?;
        let marked: Result<u64, sqlx::Error> = with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE retrofit_contracts SET state = 'signed'
                 WHERE id = $1 AND state = 'offered' AND document_sha256 = $2",
            )
            .bind(s.contract_id)
            .bind(s.contract_sha256)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
        });
        if marked? != 1 {
            self.back_to_savepoint().await?;
            return Ok(None);
        }
        match self.insert_contract_signature(s).await {
            Ok(id) => {
                self.release().await?;
                Ok(Some(id))
            }
            Err(e) if is_unique_violation(&e) => {
                self.back_to_savepoint().await?;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    async fn insert_contract_signature(
        &mut self,
        s: &NewContractSignature<'_>,
    ) -> Result<i64, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO retrofit_contract_signatures (contract_id, application_id, party,
                    signer_account_id, capacity, relationship, mark_kind, mark_enc, mark_sha256,
                    contract_sha256, identity_method, identity_confirmed_at, signed_at, ip, user_agent)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14)
                 RETURNING id",
            )
            .bind(s.contract_id)
            .bind(s.application_id)
            .bind(s.party)
            .bind(s.signer)
            .bind(s.capacity)
            .bind(s.relationship)
            .bind(s.mark_kind)
            .bind(s.mark_enc)
            .bind(s.mark_sha256)
            .bind(s.contract_sha256)
            .bind(s.identity_method)
            .bind(s.now)
            .bind(s.ip)
            .bind(s.user_agent)
            .fetch_one(&mut *conn)
            .await
            .and_then(|r| r.try_get("id"))
        })
    }

    /// A household moved to another company: the earlier company's contract no longer counts.
    pub async fn void_contracts_of_others(
        &mut self,
        application_id: i64,
        org_id: i64,
    ) -> Result<u64, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE retrofit_contracts SET state = 'void'
                 WHERE application_id = $1 AND org_id <> $2 AND state IN ('offered', 'signed')",
            )
            .bind(application_id)
            .bind(org_id)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
        })
    }
}
