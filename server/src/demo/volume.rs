//! Demo data at volume, for `cargo xtask bench --scale`: complaints and retrofit applications
//! spread evenly over the demo communities and over three years, most of them long handled,
//! a tenth still open with deadlines from an hour ago to five days ahead. Inserted by the
//! database itself (a recursive count), so a million rows take seconds.

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

/// The rows, one statement for all places: rows go to the places ten at a time, so ids
/// interleave across communities as real arrivals do. `{places}` is a `VALUES` list.
const CASES: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1),
    p(k, community_id, street_id, county_id, building_id, building_path) AS (VALUES {places})
    INSERT INTO cases (reference, kind, category_code, targets, resident_account_id,
        filed_by_account_id, client_key, channel, community_id, street_id, county_id, scope_path,
        description, state, created_at, next_due_at, handled_at, warn_at)
    SELECT 'V' || $2 || '-' || i, 'complaint', $3, (SELECT targets FROM categories WHERE code = $3),
        $4, $4, 'volume-' || $2 || '-' || i, 'app', p.community_id, p.street_id, p.county_id,
        p.building_path, '楼道灯不亮（压测数据）',
        CASE WHEN i % 10 = 0 THEN 'acknowledged' ELSE 'closed' END,
        $5 - i * $6,
        CASE WHEN i % 10 = 0 THEN $5 + (i % 7000) * 60 - 3600 ELSE 9223372036854775807 END,
        CASE WHEN i % 10 = 0 THEN NULL ELSE $5 - i * $6 + 3600 END,
        CASE WHEN i % 10 = 0 THEN $5 + (i % 7000) * 60 - 3600 - 86400 ELSE NULL END
    FROM n JOIN p ON p.k = (n.i / 10) % $7";

const APPLICATIONS: &str =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1),
    p(k, community_id, street_id, county_id, building_id, building_path) AS (VALUES {places})
    INSERT INTO retrofit_applications (reference, year, state, channel, applicant_account_id,
        client_key, elder_name, home_building_id, community_id, street_id, county_id, scope_path,
        grounds, created_at, updated_at, submitted_at)
    SELECT 'V-SL-' || $2 || '-' || i, $3,
        CASE i % 5 WHEN 0 THEN 'submitted' WHEN 1 THEN 'proposed' WHEN 2 THEN 'confirmed'
            WHEN 3 THEN 'rejected' ELSE 'settled' END,
        'app', $4, 'volume-' || $2 || '-' || i, '压测老人', p.building_id, p.community_id,
        p.street_id, p.county_id, p.building_path, 'age80',
        $5 - i * $6, $5 - i * $6, $5 - i * $6
    FROM n JOIN p ON p.k = (n.i / 10) % $7";

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
            // Ids and id paths only (digits and `/`), so they can stand in the statement.
            let values: Vec<String> = places
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    p.building_path
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b == b'/')
                })
                .map(|(k, p)| {
                    format!(
                        "({k}, {}, {}, {}, {}, '{}')",
                        p.community_id, p.street_id, p.county_id, p.building_id, p.building_path
                    )
                })
                .collect();
            anyhow::ensure!(values.len() == places.len(), "unexpected building path");
            let values = values.join(", ");
            // Three years of history, however many rows.
            let spacing = |rows: i64| (3 * 365 * 86_400 / rows.max(1)).max(1);
            let tag = now.to_string();
            sqlx::query(&CASES.replace("{places}", &values))
                .bind(complaints)
                .bind(&tag)
                .bind(&category)
                .bind(resident)
                .bind(now)
                .bind(spacing(complaints))
                .bind(parts)
                .execute(pool)
                .await?;
            sqlx::query(&APPLICATIONS.replace("{places}", &values))
                .bind(applications)
                .bind(&tag)
                .bind(year)
                .bind(resident)
                .bind(now)
                .bind(spacing(applications))
                .bind(parts)
                .execute(pool)
                .await?;
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
