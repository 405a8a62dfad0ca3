//! Reading the log: the admin search and a family's access log.

use crate::db::scope::Scope;
use crate::db::{with_db, Db};

/// What an admin searches the log for; every filter optional but the scope.
#[derive(Debug, Clone)]
pub struct AuditQuery<'a> {
    /// Only entries whose jurisdiction is inside the caller's scope.
    pub scope: &'a Scope,
    pub subject: Option<&'a str>,
    pub actor: Option<i64>,
    /// An action or the start of one (`retrofit.`).
    pub action: Option<&'a str>,
    pub from: i64,
    pub until: i64,
    /// Entries before this place in the chain (key paging, newest first).
    pub before_seq: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor_account_id: Option<i64>,
    pub actor_name: Option<String>,
    pub actor_role: Option<String>,
    pub actor_office: Option<String>,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// A staff look at a family's data, for the family's own page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccessRow {
    pub at: i64,
    pub action: String,
    pub role: String,
    pub place: Option<String>,
}

impl Db {
    /// One page of the log, newest first. The scope is a prefix match on an indexed column,
    /// like every other list; the other filters narrow within it.
    pub async fn audit_entries(&self, q: &AuditQuery<'_>) -> Result<Vec<AuditRow>, sqlx::Error> {
        let sql = "SELECT l.seq, l.at, l.actor_account_id, a.display_name AS actor_name,
                a.role AS actor_role, j.name AS actor_office, l.action, l.subject, l.detail
             FROM audit_log l
             LEFT JOIN accounts a ON a.id = l.actor_account_id
             LEFT JOIN jurisdictions j ON j.id = a.jurisdiction_id
             WHERE l.scope_path LIKE $1 || '%'
               AND ($2 IS NULL OR l.subject = $2)
               AND ($3 IS NULL OR l.actor_account_id = $3)
               AND ($4 IS NULL OR l.action = $4 OR l.action LIKE $4 || '.%')
               AND l.at >= $5 AND l.at < $6 AND l.seq < $7
             ORDER BY l.seq DESC LIMIT $8";
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, AuditRow>(sql)
                    .bind(q.scope.prefix())
                    .bind(q.subject)
                    .bind(q.actor)
                    .bind(q.action)
                    .bind(q.from)
                    .bind(q.until)
                    .bind(q.before_seq)
                    .bind(q.limit)
                    .fetch_all(pool)
                    .await
            }
        )
    }

    /// Staff views of one application and of the elder's family proofs, newest first.
    pub async fn access_log(
        &self,
        application_id: i64,
        elder_account_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AccessRow>, sqlx::Error> {
        let sql = "SELECT l.at, l.action, a.role, j.name AS place
             FROM audit_log l
             JOIN accounts a ON a.id = l.actor_account_id
             LEFT JOIN jurisdictions j ON j.id = a.jurisdiction_id
             WHERE ((l.subject = $1
                     AND l.action IN ('retrofit.view', 'retrofit.reveal_id_number', 'retrofit.document'))
                 OR (l.action = 'guardian.proof_view' AND l.subject IN
                     (SELECT 'guardian_link:' || g.id FROM guardian_links g WHERE g.elder_account_id = $2)))
               AND a.role NOT IN ('resident', 'guardian')
             ORDER BY l.seq DESC LIMIT $3";
        let subject = format!("retrofit_application:{application_id}");
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, AccessRow>(sql)
                    .bind(&subject)
                    .bind(elder_account_id)
                    .bind(limit)
                    .fetch_all(pool)
                    .await
            }
        )
    }

    /// References of cases and applications by id, for labelling a page of entries.
    pub async fn references_of(
        &self,
        table: ReferenceTable,
        ids: &[i64],
    ) -> Result<Vec<(i64, String)>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Ids are numbers parsed from our own subjects, listed inline: one statement text for
        // both backends without array binds.
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT id, reference FROM {} WHERE id IN ({list})",
            table.name()
        );
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, (i64, String)>(&sql)
                    .fetch_all(pool)
                    .await
            }
        )
    }

    /// The case or application a reference names, as an audit subject.
    pub async fn subject_of_reference(
        &self,
        reference: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        for table in [ReferenceTable::Cases, ReferenceTable::Applications] {
            let sql = format!("SELECT id FROM {} WHERE reference = $1", table.name());
            let id: Option<i64> = with_db!(
                self,
                read | pool | {
                    sqlx::query_scalar(&sql)
                        .bind(reference)
                        .fetch_optional(pool)
                        .await?
                }
            );
            if let Some(id) = id {
                return Ok(Some(format!("{}:{id}", table.subject_kind())));
            }
        }
        Ok(None)
    }
}

/// The tables whose rows have a reference people quote.
#[derive(Debug, Clone, Copy)]
pub enum ReferenceTable {
    Cases,
    Applications,
}

impl ReferenceTable {
    fn name(self) -> &'static str {
        match self {
            ReferenceTable::Cases => "cases",
            ReferenceTable::Applications => "retrofit_applications",
        }
    }

    /// The subject prefix audit entries use for this table's rows.
    pub fn subject_kind(self) -> &'static str {
        match self {
            ReferenceTable::Cases => "case",
            ReferenceTable::Applications => "retrofit_application",
        }
    }
}
