//! The county's organisations — assessment organisations and construction companies, told
//! apart by [`OrgKind`] — their staff, the household assigned to one, and the visit booking.
//! See the migrations `assessment_orgs_and_visits` and `works_and_acceptance`. Changes are methods on the
//! caller's transaction; each one that can lose a race says so in its result.

use super::{from_row, ApplicationRow, COLUMNS};
use crate::db::{is_unique_violation, with_db, with_tx, Db, Tx};
use anju_domain::retrofit_assessment::VisitState;
use anju_domain::retrofit_works::OrgKind;
use sqlx::Row;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgRow {
    pub id: i64,
    pub county_id: i64,
    pub name: String,
    /// `assessment` | `construction` ([`OrgKind::as_str`]).
    pub kind: String,
}

impl OrgRow {
    pub fn is(&self, kind: OrgKind) -> bool {
        self.kind == kind.as_str()
    }
}

/// The application column naming the organisation of this kind, and the states in which a
/// household is still open work for it.
fn assigned_column(kind: OrgKind) -> (&'static str, &'static str) {
    match kind {
        OrgKind::Assessment => ("assessment_org_id", "'confirmed'"),
        OrgKind::Construction => ("contractor_org_id", "'plan_signed', 'under_construction'"),
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub org_id: i64,
    pub account_id: i64,
    pub display_name: String,
}

impl Db {
    /// The county's organisations of a kind by name, each with its households still open to
    /// it (waiting for their assessment; or for the works to be done).
    pub async fn assessment_orgs(
        &self,
        county_id: i64,
        kind: OrgKind,
    ) -> Result<Vec<(OrgRow, i64)>, sqlx::Error> {
        let (column, open) = assigned_column(kind);
        with_db!(
            self,
            read | pool | {
                sqlx::query(&format!(
                    "SELECT o.id, o.county_id, o.name, o.kind,
                            (SELECT COUNT(*) FROM retrofit_applications a
                              WHERE a.{column} = o.id AND a.state IN ({open})) AS open_households
                         FROM assessment_orgs o WHERE o.county_id = $1 AND o.kind = $2
                         ORDER BY o.name, o.id"
                ))
                .bind(county_id)
                .bind(kind.as_str())
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        OrgRow {
                            id: r.try_get("id")?,
                            county_id: r.try_get("county_id")?,
                            name: r.try_get("name")?,
                            kind: r.try_get("kind")?,
                        },
                        r.try_get("open_households")?,
                    ))
                })
                .collect()
            }
        )
    }

    pub async fn assessment_org(&self, id: i64) -> Result<Option<OrgRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, OrgRow>(
                    "SELECT id, county_id, name, kind FROM assessment_orgs WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(pool)
                .await
            }
        )
    }

    /// The organisation this assessor or contractor works for.
    pub async fn org_of_member(&self, account_id: i64) -> Result<Option<OrgRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, OrgRow>(
                    "SELECT o.id, o.county_id, o.name, o.kind FROM assessment_org_members m
                         JOIN assessment_orgs o ON o.id = m.org_id WHERE m.account_id = $1",
                )
                .bind(account_id)
                .fetch_optional(pool)
                .await
            }
        )
    }

    /// The staff of every organisation of the county of a kind, by name.
    pub async fn assessment_org_members(
        &self,
        county_id: i64,
        kind: OrgKind,
    ) -> Result<Vec<MemberRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, MemberRow>(
                    "SELECT m.org_id, m.account_id, a.display_name FROM assessment_org_members m
                         JOIN assessment_orgs o ON o.id = m.org_id
                         JOIN accounts a ON a.id = m.account_id
                         WHERE o.county_id = $1 AND o.kind = $2 ORDER BY a.display_name, a.id",
                )
                .bind(county_id)
                .bind(kind.as_str())
                .fetch_all(pool)
                .await
            }
        )
    }

    /// The county's accounts of the kind's role (assessors, contractors) in no organisation.
    pub async fn staff_without_org(
        &self,
        county_id: i64,
        kind: OrgKind,
    ) -> Result<Vec<(i64, String)>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(
                        "SELECT a.id, a.display_name FROM accounts a
                         WHERE a.role = $2 AND a.jurisdiction_id = $1
                           AND NOT EXISTS (SELECT 1 FROM assessment_org_members m WHERE m.account_id = a.id)
                         ORDER BY a.display_name, a.id LIMIT 500",
                    )
                    .bind(county_id)
                    .bind(kind.member_role().as_str())
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| Ok((r.try_get("id")?, r.try_get("display_name")?)))
                    .collect()
                }
        )
    }

    /// The organisation's households, newest first, before `before_id`, each with the
    /// applicant's phone (whom to call when the elder has none): one query a page.
    pub async fn households_of_org(
        &self,
        kind: OrgKind,
        org_id: i64,
        before_id: i64,
        limit: i64,
    ) -> Result<Vec<(ApplicationRow, Option<String>)>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!(
                        "SELECT {COLUMNS},
                            (SELECT phone FROM accounts WHERE accounts.id = retrofit_applications.applicant_account_id) AS applicant_phone
                         FROM retrofit_applications
                         WHERE {column} = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                        column = assigned_column(kind).0
                    ))
                    .bind(org_id)
                    .bind(before_id)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| Ok((from_row(r)?, r.try_get("applicant_phone")?)))
                    .collect()
                }
        )
    }

    /// The assessors of an organisation, to tell them of the family's answer.
    pub async fn members_of_org(&self, org_id: i64) -> Result<Vec<i64>, sqlx::Error> {
        with_db!(
            self,
            read | pool
                | {
                    sqlx::query(
                        "SELECT account_id FROM assessment_org_members WHERE org_id = $1 ORDER BY account_id",
                    )
                    .bind(org_id)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| r.try_get("account_id"))
                    .collect()
                }
        )
    }

    /// Whom to tell about an elder's application: the elder and their active guardians.
    pub async fn family_of_elder(&self, elder: i64) -> Result<Vec<i64>, sqlx::Error> {
        let mut ids: Vec<i64> = with_db!(
            self,
            read | pool
                | {
                    sqlx::query(
                        "SELECT guardian_account_id FROM guardian_links
                         WHERE elder_account_id = $1 AND state = 'active' ORDER BY guardian_account_id",
                    )
                    .bind(elder)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| r.try_get("guardian_account_id"))
                    .collect::<Result<_, _>>()?
                }
        );
        ids.insert(0, elder);
        Ok(ids)
    }
}

impl Db {
    /// The household's assessment record, sealed.
    pub async fn assessment_record(
        &self,
        application_id: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query(
                    "SELECT record_enc FROM retrofit_assessment_records WHERE application_id = $1",
                )
                .bind(application_id)
                .fetch_optional(pool)
                .await?
                .map(|r| r.try_get("record_enc"))
                .transpose()
            }
        )
    }
}

/// What a change on a household's booking found.
#[derive(Debug, PartialEq, Eq)]
pub enum Booked {
    Done,
    /// The household moved on, or was reassigned, or the time was answered meanwhile.
    Stale,
}

impl Tx {
    /// A new organisation of the county; `None` when the county already has one of this name
    /// (the unique key decides, also between two admins at once).
    pub async fn create_assessment_org(
        &mut self,
        county_id: i64,
        kind: OrgKind,
        name: &str,
        by: i64,
        now: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        self.savepoint().await?;
        let inserted: Result<i64, sqlx::Error> = with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO assessment_orgs (county_id, name, created_by, created_at, kind)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(county_id)
            .bind(name)
            .bind(by)
            .bind(now)
            .bind(kind.as_str())
            .fetch_one(&mut *conn)
            .await
            .and_then(|r| r.try_get("id"))
        });
        match inserted {
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

    /// Add an assessor to an organisation; false when they already work for one (the
    /// membership's key is the account).
    pub async fn add_org_member(
        &mut self,
        org_id: i64,
        account_id: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        self.savepoint().await?;
        let inserted = with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO assessment_org_members (account_id, org_id, added_at) VALUES ($1, $2, $3)",
            )
            .bind(account_id)
            .bind(org_id)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        });
        match inserted {
            Ok(()) => {
                self.release().await?;
                Ok(true)
            }
            Err(e) if is_unique_violation(&e) => {
                self.back_to_savepoint().await?;
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// False when the assessor was not in this organisation.
    pub async fn remove_org_member(
        &mut self,
        org_id: i64,
        account_id: i64,
    ) -> Result<bool, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query("DELETE FROM assessment_org_members WHERE org_id = $1 AND account_id = $2")
                .bind(org_id)
                .bind(account_id)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected() == 1)
        })
    }

    /// Assign a confirmed household to an organisation. A change of organisation drops the
    /// booking made with the previous one; assigning the same one again keeps it.
    pub async fn assign_assessment_org(
        &mut self,
        application_id: i64,
        org_id: i64,
        now: i64,
    ) -> Result<Booked, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE retrofit_applications SET
                    visit_at = CASE WHEN assessment_org_id = $1 THEN visit_at ELSE NULL END,
                    visit_state = CASE WHEN assessment_org_id = $1 THEN visit_state ELSE NULL END,
                    visit_note = CASE WHEN assessment_org_id = $1 THEN visit_note ELSE NULL END,
                    assigned_at = CASE WHEN assessment_org_id = $1 THEN assigned_at ELSE $2 END,
                    assessment_org_id = $1, updated_at = $2
                 WHERE id = $3 AND state = 'confirmed'",
            )
            .bind(org_id)
            .bind(now)
            .bind(application_id)
            .execute(&mut *conn)
            .await
            .map(|r| booked(r.rows_affected()))
        })
    }

    /// Assign a household with a signed plan to a construction company (or move it to another
    /// before the works start).
    pub async fn assign_contractor_org(
        &mut self,
        application_id: i64,
        org_id: i64,
        now: i64,
    ) -> Result<Booked, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE retrofit_applications SET contractor_org_id = $1, contractor_assigned_at = $2,
                    updated_at = $2
                 WHERE id = $3 AND state = 'plan_signed'",
            )
            .bind(org_id)
            .bind(now)
            .bind(application_id)
            .execute(&mut *conn)
            .await
            .map(|r| booked(r.rows_affected()))
        })
    }

    /// The assessor's proposed time, while the household is still with their organisation
    /// and waiting for the visit.
    pub async fn propose_visit(
        &mut self,
        application_id: i64,
        org_id: i64,
        at: i64,
        note: Option<&str>,
        now: i64,
    ) -> Result<Booked, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE retrofit_applications SET visit_at = $1, visit_state = $2, visit_note = $3, updated_at = $4
                 WHERE id = $5 AND assessment_org_id = $6 AND state = 'confirmed'",
            )
            .bind(at)
            .bind(VisitState::Proposed.as_str())
            .bind(note)
            .bind(now)
            .bind(application_id)
            .bind(org_id)
            .execute(&mut *conn)
            .await
            .map(|r| booked(r.rows_affected()))
        })
    }

    /// The family's answer to the time they were shown (`visit_at`): stale if the assessor
    /// proposed another one meanwhile.
    pub async fn ask_another_visit_time(
        &mut self,
        application_id: i64,
        visit_at: i64,
        note: &str,
        now: i64,
    ) -> Result<Booked, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE retrofit_applications SET visit_state = $1, visit_note = $2, updated_at = $3
                 WHERE id = $4 AND visit_at = $5 AND visit_state = $6 AND state = 'confirmed'",
            )
            .bind(VisitState::AnotherTimeAsked.as_str())
            .bind(note)
            .bind(now)
            .bind(application_id)
            .bind(visit_at)
            .bind(VisitState::Proposed.as_str())
            .execute(&mut *conn)
            .await
            .map(|r| booked(r.rows_affected()))
        })
    }
}

impl Tx {
    /// Hold the household for a change of its record: the update locks the application's
    /// row (PostgreSQL) or runs on the one writer (SQLite), so two screens saved at once are
    /// applied one after the other, neither lost. Stale when the household is no longer
    /// waiting for this organisation's assessment.
    pub async fn hold_for_assessment(
        &mut self,
        application_id: i64,
        org_id: i64,
        now: i64,
    ) -> Result<Booked, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "UPDATE retrofit_applications SET updated_at = $1
                 WHERE id = $2 AND assessment_org_id = $3 AND state = 'confirmed'",
            )
            .bind(now)
            .bind(application_id)
            .bind(org_id)
            .execute(&mut *conn)
            .await
            .map(|r| booked(r.rows_affected()))
        })
    }

    /// The record as this transaction sees it (after [`Tx::hold_for_assessment`]).
    pub async fn assessment_record_held(
        &mut self,
        application_id: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "SELECT record_enc FROM retrofit_assessment_records WHERE application_id = $1",
            )
            .bind(application_id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get("record_enc"))
            .transpose()
        })
    }

    /// Store the record (sealed by the caller) in place of the previous one.
    pub async fn put_assessment_record(
        &mut self,
        application_id: i64,
        sealed: &str,
        by: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        with_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO retrofit_assessment_records (application_id, record_enc, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (application_id) DO UPDATE SET record_enc = excluded.record_enc,
                   updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(application_id)
            .bind(sealed)
            .bind(by)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })
    }
}

fn booked(rows: u64) -> Booked {
    if rows == 1 {
        Booked::Done
    } else {
        Booked::Stale
    }
}
