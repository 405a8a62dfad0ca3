//! Demo data at volume, for `cargo xtask bench --scale`: complaints and retrofit applications
//! spread evenly over the demo communities and over three years, most of them long handled,
//! a tenth still open with deadlines from an hour ago to five days ahead. Inserted by the database itself
//! (a recursive count), one statement per community, so a million rows take seconds.

use crate::db::{with_db, Db};
use crate::demo::DEMO_ACCOUNTS;
use anju_domain::Role;

/// One community of the demo city with the nodes above it and its first building.
#[derive(sqlx::FromRow)]
struct Place {
    community_id: i64,
    street_id: i64,
    county_id: i64,
    building_id: i64,
    building_path: String,
}

const PLACES: &str = "SELECT c.id AS community_id, s.id AS street_id, s.parent_id AS county_id,
        (SELECT b.id FROM jurisdictions b WHERE b.parent_id = c.id ORDER BY b.id LIMIT 1) AS building_id,
        (SELECT b.id_path FROM jurisdictions b WHERE b.parent_id = c.id ORDER BY b.id LIMIT 1) AS building_path
    FROM jurisdictions c JOIN jurisdictions s ON s.id = c.parent_id
    WHERE c.level = 'community' ORDER BY c.id";

const CASES: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
    INSERT INTO cases (reference, kind, category_code, targets, resident_account_id,
        filed_by_account_id, client_key, channel, community_id, street_id, county_id, scope_path,
        description, state, created_at, next_due_at, handled_at, warn_at)
    SELECT 'V' || $2 || '-' || i, 'complaint', $3, (SELECT targets FROM categories WHERE code = $3),
        $4, $4, 'volume-' || $2 || '-' || i, 'app', $5, $6, $7, $8, '楼道灯不亮（压测数据）',
        CASE WHEN i % 10 = 0 THEN 'acknowledged' ELSE 'closed' END,
        $9 - i * $10,
        CASE WHEN i % 10 = 0 THEN $9 + (i % 7000) * 60 - 3600 ELSE 9223372036854775807 END,
        CASE WHEN i % 10 = 0 THEN NULL ELSE $9 - i * $10 + 3600 END,
        CASE WHEN i % 10 = 0 THEN $9 + (i % 7000) * 60 - 3600 - 86400 ELSE NULL END
    FROM n";

const APPLICATIONS: &str =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
    INSERT INTO retrofit_applications (reference, year, state, channel, applicant_account_id,
        client_key, elder_name, home_building_id, community_id, street_id, county_id, scope_path,
        grounds, created_at, updated_at, submitted_at)
    SELECT 'V-SL-' || $2 || '-' || i, $3,
        CASE i % 5 WHEN 0 THEN 'submitted' WHEN 1 THEN 'proposed' WHEN 2 THEN 'confirmed'
            WHEN 3 THEN 'rejected' ELSE 'settled' END,
        'app', $4, 'volume-' || $2 || '-' || i, '压测老人', $5, $6, $7, $8, $9, 'age80',
        $10 - i * 60, $10 - i * 60, $10 - i * 60
    FROM n";

/// Add `complaints` cases and `applications` retrofit applications (both split evenly over
/// the communities) to a database holding the demo data.
pub async fn seed_volume(
    db: &Db,
    complaints: i64,
    applications: i64,
    now: i64,
) -> anyhow::Result<()> {
    let resident = demo_account(db, Role::Resident).await?;
    let year = crate::shanghai::year_of(now);
    with_db!(
        db,
        write | pool | {
            let places: Vec<Place> = sqlx::query_as(PLACES).fetch_all(pool).await?;
            anyhow::ensure!(
                !places.is_empty(),
                "load the demo data first (anju demo-data)"
            );
            let category: String = sqlx::query_scalar(
                "SELECT code FROM categories WHERE kind = 'complaint' ORDER BY code LIMIT 1",
            )
            .fetch_one(pool)
            .await?;
            let parts = places.len() as i64;
            // Three years of history, however many rows: a month holds a thirty-sixth.
            let spacing = (3 * 365 * 86_400 / (complaints / parts).max(1)).max(1);
            for (n, p) in places.iter().enumerate() {
                let tag = format!("{now}-{n}");
                sqlx::query(CASES)
                    .bind(complaints / parts)
                    .bind(&tag)
                    .bind(&category)
                    .bind(resident)
                    .bind(p.community_id)
                    .bind(p.street_id)
                    .bind(p.county_id)
                    .bind(&p.building_path)
                    .bind(now)
                    .bind(spacing)
                    .execute(pool)
                    .await?;
                sqlx::query(APPLICATIONS)
                    .bind(applications / parts)
                    .bind(&tag)
                    .bind(year)
                    .bind(resident)
                    .bind(p.building_id)
                    .bind(p.community_id)
                    .bind(p.street_id)
                    .bind(p.county_id)
                    .bind(&p.building_path)
                    .bind(now)
                    .execute(pool)
                    .await?;
            }
            // Fresh statistics, as after a night's `ANALYZE`, for the planner.
            sqlx::query("ANALYZE").execute(pool).await?;
            Ok(())
        }
    )
}

async fn demo_account(db: &Db, role: Role) -> anyhow::Result<i64> {
    let phone = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.role == role)
        .map(|a| a.phone)
        .ok_or_else(|| anyhow::anyhow!("no demo account for {role:?}"))?;
    Ok(db
        .account_by_phone(phone)
        .await?
        .ok_or_else(|| anyhow::anyhow!("load the demo data first (anju demo-data)"))?
        .id)
}
