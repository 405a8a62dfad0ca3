//! The jurisdiction tree. Each node stores its id path (`/1/4/9/`) so "everything in my
//! subtree" is one indexed prefix match.

use super::{with_db, Db};
use anju_domain::{JurisdictionLevel, JurisdictionView};
use sqlx::Row;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JurisdictionRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub level: JurisdictionLevel,
    pub name: String,
    pub id_path: String,
    pub name_path: String,
}

impl JurisdictionRow {
    pub fn view(&self) -> JurisdictionView {
        JurisdictionView {
            id: self.id,
            parent_id: self.parent_id,
            level: self.level,
            name: self.name.clone(),
            path: self.name_path.split('/').map(str::to_owned).collect(),
        }
    }

    /// Whether `other_path` (an id path) lies in this node's subtree, itself included.
    pub fn contains(&self, other_path: &str) -> bool {
        other_path.starts_with(&self.id_path)
    }
}

const COLUMNS: &str = "id, parent_id, level, name, id_path, name_path";

impl Db {
    pub async fn jurisdiction(&self, id: i64) -> Result<Option<JurisdictionRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, JurisdictionRow>(&format!(
                    "SELECT {COLUMNS} FROM jurisdictions WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(pool)
                .await
            }
        )
    }

    /// The names of several nodes at once (a list page's communities), in one query.
    pub async fn jurisdiction_names(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>, sqlx::Error> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let sql = format!(
            "SELECT id, name FROM jurisdictions WHERE id IN ({})",
            super::in_list(1, ids.len())
        );
        with_db!(
            self,
            read | pool | {
                let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
                for id in &ids {
                    query = query.bind(*id);
                }
                Ok(query.fetch_all(pool).await?.into_iter().collect())
            }
        )
    }

    pub async fn jurisdiction_children(
        &self,
        parent_id: i64,
    ) -> Result<Vec<JurisdictionRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, JurisdictionRow>(&format!(
                    "SELECT {COLUMNS} FROM jurisdictions WHERE parent_id = $1 ORDER BY name, id"
                ))
                .bind(parent_id)
                .fetch_all(pool)
                .await
            }
        )
    }

    pub async fn jurisdictions_at_level(
        &self,
        level: JurisdictionLevel,
    ) -> Result<Vec<JurisdictionRow>, sqlx::Error> {
        with_db!(
            self,
            read | pool | {
                sqlx::query_as::<_, JurisdictionRow>(&format!(
                    "SELECT {COLUMNS} FROM jurisdictions WHERE level = $1 ORDER BY name_path, id"
                ))
                .bind(level.as_str())
                .fetch_all(pool)
                .await
            }
        )
    }

    /// Find the named child of `parent` or create it; used by demo data and imports.
    pub async fn ensure_jurisdiction(
        &self,
        parent: Option<&JurisdictionRow>,
        level: JurisdictionLevel,
        name: &str,
    ) -> anyhow::Result<JurisdictionRow> {
        if let Some(p) = parent {
            if p.level.child() != Some(level) {
                anyhow::bail!("a {} cannot hold a {}", p.level.as_str(), level.as_str());
            }
        }
        let parent_id = parent.map(|p| p.id);
        let existing = with_db!(
            self,
            write
                | pool
                | {
                    sqlx::query("SELECT id FROM jurisdictions WHERE parent_id IS NOT DISTINCT FROM $1 AND name = $2")
                .bind(parent_id)
                .bind(name)
                .fetch_optional(pool)
                .await?
                .map(|r| r.try_get::<i64, _>("id"))
                .transpose()?
                }
        );
        if let Some(id) = existing {
            return self
                .jurisdiction(id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("vanished"));
        }
        let name_path = match parent {
            Some(p) => format!("{}/{}", p.name_path, name),
            None => name.to_owned(),
        };
        let parent_id_path = parent.map_or("/".to_owned(), |p| p.id_path.clone());
        let id: i64 = with_db!(
            self,
            write | pool | {
                let mut tx = pool.begin().await?;
                let id: i64 = sqlx::query(
                    "INSERT INTO jurisdictions (parent_id, level, name, id_path, name_path)
                 VALUES ($1, $2, $3, '', $4) RETURNING id",
                )
                .bind(parent_id)
                .bind(level.as_str())
                .bind(name)
                .bind(&name_path)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
                sqlx::query("UPDATE jurisdictions SET id_path = $1 WHERE id = $2")
                    .bind(format!("{parent_id_path}{id}/"))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                id
            }
        );
        self.jurisdiction(id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("vanished"))
    }
}
