//! Demo data: a small fictional city and one account per role. Idempotent, so `anju
//! demo-data` can run on every start of `cargo xtask run`.

mod cases;
mod volume;

pub use volume::seed_volume;

use crate::auth::hash_password;
use crate::db::accounts::{CreateAccountError, NewAccount};
use crate::db::audit::Audit;
use crate::db::jurisdictions::JurisdictionRow;
use crate::db::Db;
use anju_domain::retrofit_works::OrgKind;
use anju_domain::{JurisdictionLevel as L, Role};

/// Streets → communities → number of buildings.
const CITY: &[(&str, &[(&str, u32)])] = &[
    (
        "湖滨街道",
        &[("柳岸社区", 6), ("荷花池社区", 4), ("望湖社区", 5)],
    ),
    ("新桥街道", &[("新桥社区", 5), ("桂花园社区", 3)]),
    (
        "东门街道",
        &[("东门社区", 4), ("古井社区", 3), ("纺织新村社区", 6)],
    ),
];

pub struct DemoAccount {
    pub phone: &'static str,
    pub password: &'static str,
    pub name: &'static str,
    pub role: Role,
}

/// Listed in the README; change both together.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        phone: "13800000001",
        password: "anju-resident-2026",
        name: "王秀英",
        role: Role::Resident,
    },
    DemoAccount {
        phone: "13800000002",
        password: "anju-guardian-2026",
        name: "李建国",
        role: Role::Guardian,
    },
    DemoAccount {
        phone: "13800000003",
        password: "anju-community-2026",
        name: "张丽（柳岸社区）",
        role: Role::CommunityStaff,
    },
    DemoAccount {
        phone: "13800000004",
        password: "anju-street-2026",
        name: "陈明（湖滨街道）",
        role: Role::StreetReviewer,
    },
    DemoAccount {
        phone: "13800000005",
        password: "anju-assessor-2026",
        name: "刘评估",
        role: Role::Assessor,
    },
    DemoAccount {
        phone: "13800000006",
        password: "anju-contractor-2026",
        name: "赵施工",
        role: Role::Contractor,
    },
    DemoAccount {
        phone: "13800000007",
        password: "anju-county-2026",
        name: "孙民政（滨湖区）",
        role: Role::CountyAdmin,
    },
    DemoAccount {
        phone: "13800000009",
        password: "anju-province-2026",
        name: "周民政（江南省）",
        role: Role::ProvinceOfficer,
    },
    DemoAccount {
        phone: "13800000008",
        password: "anju-admin-2026",
        name: "系统管理员",
        role: Role::SystemAdmin,
    },
];

pub struct DemoPlaces {
    pub province: JurisdictionRow,
    pub county: JurisdictionRow,
    pub street: JurisdictionRow,
    pub community: JurisdictionRow,
    pub building: JurisdictionRow,
}

pub async fn seed_places(db: &Db) -> anyhow::Result<DemoPlaces> {
    let province = db.ensure_jurisdiction(None, L::Province, "江南省").await?;
    let city = db
        .ensure_jurisdiction(Some(&province), L::City, "临江市")
        .await?;
    let county = db
        .ensure_jurisdiction(Some(&city), L::County, "滨湖区")
        .await?;
    let mut first = None;
    for (street_name, communities) in CITY {
        let street = db
            .ensure_jurisdiction(Some(&county), L::Street, street_name)
            .await?;
        for (community_name, buildings) in *communities {
            let community = db
                .ensure_jurisdiction(Some(&street), L::Community, community_name)
                .await?;
            for n in 1..=*buildings {
                let building = db
                    .ensure_jurisdiction(Some(&community), L::Building, &format!("{n}号楼"))
                    .await?;
                if first.is_none() {
                    first = Some((street.clone(), community.clone(), building));
                }
            }
        }
    }
    let (street, community, building) = first.ok_or_else(|| anyhow::anyhow!("empty demo city"))?;
    Ok(DemoPlaces {
        province,
        county,
        street,
        community,
        building,
    })
}

pub async fn seed(db: &Db, now: i64) -> anyhow::Result<()> {
    seed_accounts(db, now).await?;
    seed_retrofit_quota(db, now).await?;
    seed_assessment_org(db, now).await?;
    cases::seed_cases(db, now).await
}

/// An assessment organisation of the demo county with the demo assessor in it, so the
/// county can assign confirmed households at once; skipped once the county has any.
async fn seed_assessment_org(db: &Db, now: i64) -> anyhow::Result<()> {
    seed_org(db, now, OrgKind::Assessment, "滨湖居家评估中心").await?;
    seed_org(db, now, OrgKind::Construction, "滨湖适老化施工队").await
}

/// One organisation of the kind for the demo county, with the demo account of the kind's role.
async fn seed_org(db: &Db, now: i64, kind: OrgKind, name: &str) -> anyhow::Result<()> {
    let places = seed_places(db).await?;
    if !db.assessment_orgs(places.county.id, kind).await?.is_empty() {
        return Ok(());
    }
    let account = |role: Role| DEMO_ACCOUNTS.iter().find(|a| a.role == role);
    let (Some(admin), Some(member)) = (account(Role::CountyAdmin), account(kind.member_role()))
    else {
        return Ok(());
    };
    let (Some(admin), Some(member)) = (
        db.account_by_phone(admin.phone).await?,
        db.account_by_phone(member.phone).await?,
    ) else {
        return Ok(());
    };
    let mut tx = db.begin().await?;
    if let Some(org) = tx
        .create_assessment_org(places.county.id, kind, name, admin.id, now)
        .await?
    {
        tx.add_org_member(org, member.id, now).await?;
        tx.audit(
            &Audit::new(
                now,
                None,
                match kind {
                    OrgKind::Assessment => "retrofit.assessment_org_created",
                    OrgKind::Construction => "retrofit.contractor_org_created",
                },
                &format!("assessment_org:{org}"),
                &places.county.id_path,
            )
            .detail("demo data"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// This year's retrofit quota for the demo county (20 households), unless an admin set one.
async fn seed_retrofit_quota(db: &Db, now: i64) -> anyhow::Result<()> {
    use chrono::Datelike;
    let places = seed_places(db).await?;
    let year = chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .with_timezone(&anju_domain::calendar::shanghai())
        .year();
    if db.county_quota(places.county.id, i64::from(year)).await? == (0, 0) {
        let (warranty_years, claim_working_days) =
            db.county_warranty_rules(places.county.id).await?;
        let settings = anju_domain::application::CountySettings {
            year,
            quota: 20,
            minimum_living_allowance_covered: db.county_settings(places.county.id).await?,
            warranty_years,
            claim_working_days,
            dates: None,
        };
        let mut tx = db.begin().await?;
        tx.set_county_settings(places.county.id, &settings, now)
            .await?;
        tx.audit(
            &Audit::new(
                now,
                None,
                "retrofit.county_settings",
                &format!("county:{}", places.county.id),
                &places.county.id_path,
            )
            .detail("demo data"),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

pub async fn seed_accounts(db: &Db, now: i64) -> anyhow::Result<()> {
    let places = seed_places(db).await?;
    for demo in DEMO_ACCOUNTS {
        if db.account_by_phone(demo.phone).await?.is_some() {
            continue;
        }
        let (jurisdiction, home) = match demo.role {
            Role::Resident | Role::Guardian => (None, Some((places.building.id, "1", "301"))),
            Role::CommunityStaff => (Some(&places.community), None),
            Role::StreetReviewer => (Some(&places.street), None),
            Role::Assessor | Role::Contractor | Role::CountyAdmin => (Some(&places.county), None),
            Role::ProvinceOfficer => (Some(&places.province), None),
            Role::SystemAdmin => (None, None),
        };
        let scope_path = match (jurisdiction, demo.role) {
            (Some(j), _) => j.id_path.clone(),
            (None, Role::SystemAdmin) => "/".to_owned(),
            (None, _) => places.building.id_path.clone(),
        };
        let hash = hash_password(demo.password)?;
        let mut tx = db.begin().await?;
        let created = tx
            .create_account(&NewAccount {
                phone: demo.phone,
                password_hash: &hash,
                display_name: demo.name,
                role: demo.role,
                jurisdiction_id: jurisdiction.map(|j| j.id),
                home,
                scope_path: &scope_path,
                // Demo numbers are fictional; treated as proven so the demo can be explored.
                phone_verified: true,
                now,
            })
            .await;
        match created {
            Ok(id) => {
                tx.audit(
                    &Audit::new(
                        now,
                        None,
                        "account.create_demo",
                        &format!("account:{id}"),
                        &scope_path,
                    )
                    .detail(demo.role.as_str()),
                )
                .await?;
                tx.commit().await?;
            }
            Err(CreateAccountError::DuplicatePhone) => {}
            Err(CreateAccountError::Db(e)) => return Err(e.into()),
        }
    }
    Ok(())
}
