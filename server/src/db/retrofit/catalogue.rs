//! A county's retrofit catalogue: the seed's lines overlaid with the rows of the items the
//! county changed, and the items it added. See the migration `create_retrofit_catalogue`.

use crate::db::decode::decode_err;
use crate::db::{is_unique_violation, with_db, with_tx, Db, Tx};
use anju_domain::retrofit_catalogue::{
    CatalogueItem, CatalogueItemInput, ItemCategory, ItemKind, SEED_CATALOGUE,
};
use sqlx::Row;

const COLUMNS: &str = "no, category, kind, name_zh, name_en, unit_zh, unit_en, unit_price_fen, subsidy_cap_fen, retired";

/// What both writes set, in this order.
const INSERT_COLUMNS: &str = "county_id, no, category, kind, name_zh, name_en, unit_zh, unit_en, unit_price_fen, subsidy_cap_fen, retired, updated_by, updated_at";

/// The highest number of the national list; a county's own items come after it.
const SEED_LAST: i64 = SEED_CATALOGUE.len() as i64;

fn from_row<R: Row>(r: &R) -> Result<CatalogueItem, sqlx::Error>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    String: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
    bool: for<'x> sqlx::Decode<'x, R::Database> + sqlx::Type<R::Database>,
{
    let no: i64 = r.try_get("no")?;
    let category: String = r.try_get("category")?;
    let kind: String = r.try_get("kind")?;
    Ok(CatalogueItem {
        no: u16::try_from(no).map_err(|_| decode_err("no", no.to_string()))?,
        category: ItemCategory::parse(&category)
            .ok_or_else(|| decode_err("category", category.clone()))?,
        kind: ItemKind::parse(&kind).ok_or_else(|| decode_err("kind", kind.clone()))?,
        name_zh: r.try_get("name_zh")?,
        name_en: r.try_get("name_en")?,
        unit_zh: r.try_get("unit_zh")?,
        unit_en: r.try_get("unit_en")?,
        unit_price_fen: r.try_get("unit_price_fen")?,
        subsidy_cap_fen: r.try_get("subsidy_cap_fen")?,
        retired: r.try_get("retired")?,
        edited: true,
    })
}

/// The county's catalogue: every seed line (as changed by the county) in the list's order,
/// then the county's own items.
fn merged(rows: Vec<CatalogueItem>) -> Vec<CatalogueItem> {
    let mut items: Vec<CatalogueItem> = SEED_CATALOGUE
        .iter()
        .map(|s| {
            rows.iter()
                .find(|r| r.no == u16::from(s.no))
                .cloned()
                .unwrap_or_else(|| CatalogueItem::from_seed(s))
        })
        .collect();
    items.extend(rows.into_iter().filter(|r| i64::from(r.no) > SEED_LAST));
    items
}

pub enum Added {
    New(CatalogueItem),
    /// Another admin took the number at the same moment; the caller retries.
    NumberTaken,
}

impl Db {
    pub async fn catalogue(&self, county_id: i64) -> Result<Vec<CatalogueItem>, sqlx::Error> {
        let rows = with_db!(
            self,
            read | pool
                | {
                    sqlx::query(&format!(
                        "SELECT {COLUMNS} FROM retrofit_catalogue_items WHERE county_id = $1 ORDER BY no"
                    ))
                    .bind(county_id)
                    .fetch_all(pool)
                    .await?
                    .iter()
                    .map(from_row)
                    .collect::<Result<Vec<_>, _>>()?
                }
        );
        Ok(merged(rows))
    }
}

impl Tx {
    /// Write the county's version of item `no` (a seed line or one of its own), in place of
    /// what it had.
    pub async fn put_catalogue_item(
        &mut self,
        county_id: i64,
        no: u16,
        item: &CatalogueItemInput,
        by: i64,
        now: i64,
    ) -> Result<CatalogueItem, sqlx::Error> {
        let row = with_tx!(self, |conn| {
            sqlx::query(&format!(
            "INSERT INTO retrofit_catalogue_items ({INSERT_COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (county_id, no) DO UPDATE SET category = excluded.category, kind = excluded.kind,
               name_zh = excluded.name_zh, name_en = excluded.name_en, unit_zh = excluded.unit_zh, unit_en = excluded.unit_en,
               unit_price_fen = excluded.unit_price_fen, subsidy_cap_fen = excluded.subsidy_cap_fen, retired = excluded.retired,
               updated_by = excluded.updated_by, updated_at = excluded.updated_at
             RETURNING {COLUMNS}"
        ))
        .bind(county_id)
        .bind(i64::from(no))
        .bind(item.category.as_str())
        .bind(item.kind.as_str())
        .bind(item.name_zh.trim())
        .bind(item.name_en.trim())
        .bind(item.unit_zh.trim())
        .bind(item.unit_en.trim())
        .bind(item.unit_price_fen)
        .bind(item.subsidy_cap_fen)
        .bind(item.retired)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .and_then(|r| from_row(&r))
        })?;
        Ok(row)
    }

    /// Add an item of the county's own under the next free number (31 and up). The number is
    /// the primary key: two admins adding at once cannot both take it; the later one gets
    /// [`Added::NumberTaken`] with its step undone.
    pub async fn add_catalogue_item(
        &mut self,
        county_id: i64,
        item: &CatalogueItemInput,
        by: i64,
        now: i64,
    ) -> Result<Added, sqlx::Error> {
        self.savepoint().await?;
        let inserted = with_tx!(self, |conn| {
            sqlx::query(&format!(
            "INSERT INTO retrofit_catalogue_items ({INSERT_COLUMNS})
             SELECT $1, COALESCE(MAX(no), {SEED_LAST}) + 1, $2, $3, $4, $5, $6, $7, $8, $9, FALSE, $10, $11
             FROM retrofit_catalogue_items WHERE county_id = $1 AND no > {SEED_LAST}
             RETURNING {COLUMNS}"
        ))
        .bind(county_id)
        .bind(item.category.as_str())
        .bind(item.kind.as_str())
        .bind(item.name_zh.trim())
        .bind(item.name_en.trim())
        .bind(item.unit_zh.trim())
        .bind(item.unit_en.trim())
        .bind(item.unit_price_fen)
        .bind(item.subsidy_cap_fen)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .and_then(|r| from_row(&r))
        });
        match inserted {
            Ok(item) => {
                self.release().await?;
                Ok(Added::New(item))
            }
            Err(e) if is_unique_violation(&e) => {
                self.back_to_savepoint().await?;
                Ok(Added::NumberTaken)
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_county_sees_the_seed_with_its_changes_then_its_own_items() {
        let mut changed = CatalogueItem::from_seed(&SEED_CATALOGUE[12]);
        changed.unit_price_fen = 20_000;
        changed.edited = true;
        let mut own = CatalogueItem::from_seed(&SEED_CATALOGUE[0]);
        own.no = 31;
        own.name_zh = "助浴椅".into();
        let items = merged(vec![changed.clone(), own.clone()]);
        assert_eq!(items.len(), 31);
        assert_eq!(items[12], changed);
        assert_eq!(items[0], CatalogueItem::from_seed(&SEED_CATALOGUE[0]));
        assert_eq!(items[30], own);
    }
}
