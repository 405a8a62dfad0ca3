//! Demo data: a small fictional city and one account per role. Idempotent, so `anju
//! demo-data` can run on every start of `cargo xtask run`.

use crate::auth::hash_password;
use crate::db::accounts::{CreateAccountError, NewAccount};
use crate::db::audit::Audit;
use crate::db::jurisdictions::JurisdictionRow;
use crate::db::Db;
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
        phone: "13800000008",
        password: "anju-admin-2026",
        name: "系统管理员",
        role: Role::SystemAdmin,
    },
];

pub struct DemoPlaces {
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
        county,
        street,
        community,
        building,
    })
}

pub async fn seed(db: &Db, now: i64) -> anyhow::Result<()> {
    seed_accounts(db, now).await?;
    seed_retrofit_quota(db, now).await?;
    seed_cases(db, now).await
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
        let low = db.county_settings(places.county.id).await?;
        let mut tx = db.begin().await?;
        tx.set_county_settings(places.county.id, low, i64::from(year), 20, now)
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

/// A noise complaint filed two hours ago that nobody has handled (so the queue shows an
/// overdue case), and a fresh common-area repair.
async fn seed_cases(db: &Db, now: i64) -> anyhow::Result<()> {
    use crate::db::cases::{CreateCaseError, NewCase};
    use crate::routes::cases::views::{next_due_for, ClockData};
    use anju_domain::category::find_category;
    use anju_domain::complaint::Channel;

    let Some(resident) = db.account_by_phone(DEMO_ACCOUNTS[0].phone).await? else {
        return Ok(());
    };
    let Some(building) = db
        .jurisdiction(resident.home_building_id.unwrap_or_default())
        .await?
    else {
        return Ok(());
    };
    let categories = db.categories().await?;
    let clock = crate::calendars::CommunityClock::national();
    let demo_cases = [
        (
            "demo-noise",
            "neighbour-disturbance",
            "楼上深夜装修，电钻声很大，老人睡不着。",
            None,
            now - 2 * 3600,
        ),
        (
            "demo-light",
            "common-area-repair",
            "单元门口的路灯不亮，晚上看不清台阶。",
            Some("1号楼1单元门口"),
            now - 600,
        ),
        (
            "demo-door",
            "home-repair",
            "入户门锁坏了，钥匙拧不动。",
            None,
            now - 3 * 3600,
        ),
    ];
    let staff = db.account_by_phone(DEMO_ACCOUNTS[2].phone).await?;
    for (key, code, description, place, at) in demo_cases {
        let Some(category) = find_category(&categories, code) else {
            continue;
        };
        let provisional = crate::db::cases::CaseRow::provisional(category, at);
        let due = next_due_for(&clock, &provisional, &ClockData::empty());
        let new = NewCase {
            kind: category.kind,
            category,
            resident_account_id: resident.id,
            filed_by_account_id: resident.id,
            client_key: key,
            channel: Channel::App,
            community_id: building.parent_id.unwrap_or(building.id),
            scope_path: &building.id_path,
            description,
            public_place: place,
            contact_time: Some("上午"),
            now: at,
            next_due_at: due,
        };
        let mut tx = db.begin().await?;
        let created = tx.create_case(&new).await;
        if created.is_ok() {
            tx.commit().await?;
        }
        match created {
            // The door lock was fixed an hour ago: a handled complaint for this month's call-backs.
            Ok(id) if key == "demo-door" => {
                if let Some(staff) = &staff {
                    handle_demo_case(db, id, staff.id, at).await?;
                }
            }
            Ok(_) | Err(CreateCaseError::Duplicate(_)) => {}
            Err(CreateCaseError::Db(e)) => return Err(e.into()),
        }
    }
    Ok(())
}

async fn handle_demo_case(db: &Db, id: i64, staff: i64, filed: i64) -> anyhow::Result<()> {
    use crate::db::case_history::Transition;
    use crate::db::cases::NO_DUE;
    use anju_domain::complaint::CaseState;
    let steps = [
        (
            CaseState::Submitted,
            CaseState::Acknowledged,
            "acknowledge",
            None,
            filed + 600,
            &["acknowledge"][..],
        ),
        (
            CaseState::Acknowledged,
            CaseState::Resolved,
            "resolve",
            Some("已更换门锁。"),
            filed + 2 * 3600,
            &["resolve"][..],
        ),
    ];
    let Some(case) = db.case(id).await? else {
        return Ok(());
    };
    let mut tx = db.begin().await?;
    for (from, to, action, note, at, met) in steps {
        tx.apply_transition(&Transition {
            case_id: id,
            from,
            to,
            actor: staff,
            action,
            note,
            now: at,
            assignee: Some(staff),
            acknowledge: true,
            open_pause: false,
            close_pause: false,
            targets_met: met,
            targets_unmet: &[],
            rating: None,
            major: None,
            scope_path: &case.scope_path,
        })
        .await?;
    }
    tx.set_next_due(id, NO_DUE).await?;
    tx.commit().await?;
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
