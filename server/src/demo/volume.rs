//! Demo data at volume, for `cargo xtask bench --scale`: complaints, retrofit applications and
//! survey responses spread evenly over the demo communities. Complaints arrive at a fixed rate
//! (one every [`COMPLAINT_SPACING_SECS`] across the city) and survey responses at
//! [`RESPONSES_PER_MONTH`], so a larger database has a longer history, not a busier month: the
//! month a report or a result reads is alike at every size, which is what "flat at scale"
//! compares. Most complaints are long handled, a tenth still open with deadlines from a day and
//! a half ago to three and a half days ahead (about a third overdue: every community's overdue
//! view is a full page at 10,000 complaints as at 1,000,000, so the two sizes compare like for
//! like); applications spread over three years. Inserted by the database itself (a
//! recursive count), so a million rows take seconds.

use crate::db::{with_db, Db};
use crate::demo::DEMO_ACCOUNTS;
use anju_domain::survey::{
    QuestionKind, SatisfactionRule, SatisfiedWhen, SurveyDefinition, SurveyQuestion,
};
use anju_domain::Role;

/// 10,000 complaints are the last 75 days; 1,000,000 reach back about twenty years.
const COMPLAINT_SPACING_SECS: i64 = 75 * 86_400 / 10_000;

/// Survey responses a month across the demo communities.
const RESPONSES_PER_MONTH: i64 = 500;

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
        CASE WHEN i % 10 = 0 THEN $5 + (i % 7000) * 60 - 129600 ELSE 9223372036854775807 END,
        CASE WHEN i % 10 = 0 THEN NULL ELSE $5 - i * $6 + 3600 END,
        CASE WHEN i % 10 = 0 THEN $5 + (i % 7000) * 60 - 129600 - 86400 ELSE NULL END
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

/// `i` counts back from now: `i / RESPONSES_PER_MONTH` (a mean month, 2,629,746 s, each) before
/// this one, one second apart inside it; `{month}` is that time's `YYYY-MM` in Asia/Shanghai for the
/// backend. Ten households per building, every tenth answer not satisfied.
const RESPONSES: &str =
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1),
    p(k, community_id, street_id, county_id, building_id, building_path) AS (VALUES {places})
    INSERT INTO survey_responses (survey_id, version_id, community_id, scope_path, building_id,
        unit, room, household_key, channel, respondent_account_id, submitted_by, client_key,
        answers, satisfied, review, flagged, collected_at, month, created_at, updated_at)
    SELECT $3, $4, p.community_id, p.building_path, p.building_id, '1', CAST(i % 10 AS TEXT),
        p.building_id || ':1:' || CAST(i % 10 AS TEXT), 'resident', $7, $7,
        'volume-' || $2 || '-' || i,
        CASE WHEN i % 10 = 0 THEN '{\"q1\":2}' ELSE '{\"q1\":5}' END,
        i % 10 <> 0, 'approved', FALSE,
        $5 - (i / $6) * 2629746 - i % $6, {month},
        $5 - (i / $6) * 2629746 - i % $6, $5 - (i / $6) * 2629746 - i % $6
    FROM n JOIN p ON p.k = (n.i / 10) % $8";

/// One rating question; 4 or 5 means satisfied.
fn volume_survey() -> SurveyDefinition {
    SurveyDefinition {
        title: "物业服务满意度（压测数据）".into(),
        intro: String::new(),
        questions: vec![SurveyQuestion {
            id: "q1".into(),
            text: "您对物业服务满意吗？".into(),
            kind: QuestionKind::Rating {
                low_label: "很不满意".into(),
                high_label: "很满意".into(),
            },
            required: true,
            page: 1,
        }],
        rule: Some(SatisfactionRule {
            question_id: "q1".into(),
            when: SatisfiedWhen::RatingAtLeast { value: 4 },
        }),
    }
}

/// Add `complaints` cases, `applications` retrofit applications and `survey_responses` answers
/// to one survey of every community (all split evenly over the communities) to a database
/// holding the demo data.
pub async fn seed_volume(
    db: &Db,
    complaints: i64,
    applications: i64,
    survey_responses: i64,
    now: i64,
) -> anyhow::Result<()> {
    let resident = demo_account(db, Role::Resident).await?;
    let staff = demo_account(db, Role::CommunityStaff).await?;
    let year = crate::shanghai::year_of(now);
    with_db!(
        db,
        write
            | pool
            | {
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
                            p.community_id,
                            p.street_id,
                            p.county_id,
                            p.building_id,
                            p.building_path
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
                    .bind(COMPLAINT_SPACING_SECS)
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
                if survey_responses > 0 {
                    let survey: i64 = sqlx::query_scalar(
                        "INSERT INTO surveys (created_by, created_at) VALUES ($1, $2) RETURNING id",
                    )
                    .bind(staff)
                    .bind(now)
                    .fetch_one(pool)
                    .await?;
                    let version: i64 = sqlx::query_scalar(
                    "INSERT INTO survey_versions (survey_id, version, definition, opens_on, closes_on,
                        target_percent, created_at, published_at, published_by)
                     VALUES ($1, 1, $2, '2000-01-01', '2099-12-31', 90, $3, $3, $4) RETURNING id",
                )
                .bind(survey)
                .bind(serde_json::to_string(&volume_survey())?)
                .bind(now)
                .bind(staff)
                .fetch_one(pool)
                .await?;
                    for p in &places {
                        sqlx::query(
                            "INSERT INTO survey_targets (version_id, community_id) VALUES ($1, $2)",
                        )
                        .bind(version)
                        .bind(p.community_id)
                        .execute(pool)
                        .await?;
                    }
                    let month = if db.is_postgres() {
                        "to_char(to_timestamp(($5 - (i / $6) * 2629746 - i % $6) + 28800) AT TIME ZONE 'UTC', 'YYYY-MM')"
                    } else {
                        "strftime('%Y-%m', ($5 - (i / $6) * 2629746 - i % $6) + 28800, 'unixepoch')"
                    };
                    sqlx::query(
                        &RESPONSES
                            .replace("{places}", &values)
                            .replace("{month}", month),
                    )
                    .bind(survey_responses)
                    .bind(&tag)
                    .bind(survey)
                    .bind(version)
                    .bind(now)
                    .bind(RESPONSES_PER_MONTH)
                    .bind(resident)
                    .bind(parts)
                    .execute(pool)
                    .await?;
                }
                // Fresh statistics, as after a night's `ANALYZE`, for the planner. On PostgreSQL
                // also what autovacuum has done to tables in use: rows just written in bulk carry
                // no hint bits and no visibility map, so the first reads of each page during a
                // measurement would check the commit log and write the page back, and no index
                // could answer without visiting the table.
                let maintenance = if db.is_postgres() {
                    "VACUUM ANALYZE"
                } else {
                    "ANALYZE"
                };
                sqlx::query(maintenance).execute(pool).await?;
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
