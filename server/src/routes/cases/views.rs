//! Deadlines and views of cases: due times come from `anju_domain::deadline`, computed from
//! the case's stored history (creation, pauses, targets met), never stored as truth.

use crate::calendars::CommunityClock;
use crate::db::cases::{CaseRow, NO_DUE};
use crate::db::Tx;
use crate::error::ApiResult;
use crate::shanghai::rfc3339;
use crate::AppState;
use anju_domain::category::Category;
use anju_domain::complaint::{CaseEventView, CaseState, CaseView, Channel, DueView, PhotoView};
use anju_domain::deadline::{due_at, Due, Pause};
use chrono::{DateTime, Utc};

fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// What the clocks of one case need besides the case row.
pub struct ClockData {
    pub pauses: Vec<Pause>,
    pub met: Vec<(String, i64)>,
}

impl ClockData {
    /// A case just being filed: no pauses, nothing met.
    pub fn empty() -> Self {
        Self {
            pauses: Vec::new(),
            met: Vec::new(),
        }
    }

    pub async fn load(state: &AppState, case: &CaseRow) -> ApiResult<Self> {
        let pauses = state.db.case_pauses(case.id).await?;
        Ok(Self {
            pauses: pauses.into_iter().map(pause).collect(),
            met: state.db.case_targets_met(case.id).await?,
        })
    }

    /// A case's part of a month's history read at once (the monthly report).
    pub fn from_history(history: &crate::db::case_history::FiledCaseHistory, case_id: i64) -> Self {
        Self {
            pauses: history
                .pauses
                .get(&case_id)
                .into_iter()
                .flatten()
                .copied()
                .map(pause)
                .collect(),
            met: history.met.get(&case_id).cloned().unwrap_or_default(),
        }
    }

    /// Within a change, after its transition: what the next due time is derived from.
    pub async fn load_in(tx: &mut Tx, case_id: i64) -> ApiResult<Self> {
        let pauses = tx.case_pauses(case_id).await?;
        Ok(Self {
            pauses: pauses.into_iter().map(pause).collect(),
            met: tx.case_targets_met(case_id).await?,
        })
    }
}

fn pause((from, until): (i64, Option<i64>)) -> Pause {
    Pause {
        from: instant(from),
        until: until.map(instant),
    }
}

impl CaseRow {
    /// The row a case will have when filed now, to compute its first deadline.
    pub fn provisional(category: &Category, now: i64) -> CaseRow {
        CaseRow {
            id: 0,
            major: false,
            handled_at: None,
            reference: String::new(),
            kind: category.kind,
            category_code: category.code.clone(),
            targets: category.targets.clone(),
            resident_account_id: 0,
            channel: Channel::App,
            community_id: 0,
            scope_path: String::new(),
            description: String::new(),
            public_place: None,
            contact_time: None,
            state: CaseState::Submitted,
            assignee_account_id: None,
            created_at: now,
            acknowledged_at: None,
            next_due_at: NO_DUE,
            rating: None,
        }
    }
}

type TargetDue = (anju_domain::deadline::Target, Option<i64>, Option<i64>);

/// Each target with its due time (None while the clock is stopped) and when it was met.
fn dues(clock: &CommunityClock, case: &CaseRow, data: &ClockData) -> Vec<TargetDue> {
    let ctx = clock.ctx();
    case.targets
        .iter()
        .map(|t| {
            let met = data
                .met
                .iter()
                .find(|(name, _)| name == t.name.as_str())
                .map(|(_, at)| *at);
            let due = match due_at(t, instant(case.created_at), &data.pauses, &ctx) {
                Due::At(d) => Some(d.timestamp()),
                Due::Paused | Due::Unreachable => None,
            };
            (*t, due, met)
        })
        .collect()
}

/// The earliest deadline still running, or [`NO_DUE`].
pub async fn next_due(state: &AppState, case: &CaseRow, data: &ClockData) -> ApiResult<i64> {
    let calendar = state.calendar_for(case.community_id).await?;
    Ok(next_due_for(&calendar, case, data))
}

pub fn next_due_for(clock: &CommunityClock, case: &CaseRow, data: &ClockData) -> i64 {
    if case.state.is_handled() || case.state.clock_stopped() {
        return NO_DUE;
    }
    dues(clock, case, data)
        .into_iter()
        .filter(|(_, _, met)| met.is_none())
        .filter_map(|(_, due, _)| due)
        .min()
        .unwrap_or(NO_DUE)
}

/// Everything a case's view shows besides the case row itself.
pub struct ViewParts {
    pub clock: ClockData,
    pub category: Option<Category>,
    pub timeline: Vec<CaseEventView>,
    pub community: String,
    pub resident_name: String,
    pub assignee_name: Option<String>,
    /// Staff only (None for the resident's own view).
    pub resident_home: Option<String>,
    pub resident_phone_masked: Option<String>,
    pub photos: Vec<PhotoView>,
}

pub async fn case_view(state: &AppState, case: &CaseRow, as_staff: bool) -> ApiResult<CaseView> {
    let parts = ViewParts::load(state, case, as_staff).await?;
    let calendar = state.calendar_for(case.community_id).await?;
    Ok(build_case_view(
        state.clock.now(),
        &calendar,
        case,
        as_staff,
        parts,
    ))
}

impl ViewParts {
    /// Read from the database: the case's clocks, events, names and photos.
    pub async fn load(state: &AppState, case: &CaseRow, as_staff: bool) -> ApiResult<Self> {
        let clock = ClockData::load(state, case).await?;
        let category = state
            .categories()
            .await?
            .iter()
            .find(|c| c.code == case.category_code)
            .cloned();
        let name_of = |id: i64| async move {
            state
                .db
                .account(id)
                .await
                .map(|a| a.map(|a| a.display_name))
        };
        let mut timeline = Vec::new();
        for e in state.db.case_events(case.id).await? {
            timeline.push(CaseEventView {
                at: rfc3339(e.at),
                action: e.action,
                state: e.state,
                by_staff: e.actor_role.0.is_some_and(|r| r.is_staff()),
                actor_name: e.actor_name.unwrap_or_default(),
                note: e.note,
            });
        }
        let community = state
            .jurisdiction(case.community_id)
            .await?
            .map(|j| j.name)
            .unwrap_or_default();
        // Staff go to the home and call: the address, and the number masked until they ask.
        let (resident_home, resident_phone_masked) = if as_staff {
            match state.db.account(case.resident_account_id).await? {
                Some(resident) => {
                    let home = match resident.home_building_id {
                        Some(b) => {
                            let building = state.jurisdiction(b).await?;
                            Some(home_line(
                                building.map(|b| b.name).unwrap_or_default(),
                                &resident,
                            ))
                        }
                        None => None,
                    };
                    (home, Some(masked_phone(&resident)))
                }
                None => (None, None),
            }
        } else {
            (None, None)
        };
        Ok(Self {
            clock,
            category,
            timeline,
            community,
            resident_name: name_of(case.resident_account_id).await?.unwrap_or_default(),
            assignee_name: match case.assignee_account_id {
                Some(id) => name_of(id).await?,
                None => None,
            },
            resident_home,
            resident_phone_masked,
            photos: state
                .db
                .case_photos(case.id)
                .await?
                .iter()
                .map(|p| super::photos::view(case.id, p))
                .collect(),
        })
    }
}

/// A case's view from its row and parts: no database, so a just-filed case can be answered from
/// what its request already holds.
pub fn build_case_view(
    now: i64,
    calendar: &CommunityClock,
    case: &CaseRow,
    as_staff: bool,
    parts: ViewParts,
) -> CaseView {
    // Residents are promised a time only once staff have acknowledged the case.
    let show_due = as_staff || case.acknowledged_at.is_some();
    let due = dues(calendar, case, &parts.clock)
        .into_iter()
        .map(|(t, due, met)| DueView {
            target: t.name,
            due_at: due.filter(|_| show_due).map(rfc3339),
            met: met.is_some(),
            overdue: match (due, met) {
                (Some(d), Some(m)) => m > d,
                (Some(d), None) => {
                    now > d && !case.state.clock_stopped() && !case.state.is_handled()
                }
                _ => false,
            },
        })
        .collect();
    let (category_name, category_name_en) = parts
        .category
        .map(|c| (c.name, c.name_en))
        .unwrap_or_default();
    CaseView {
        id: case.id,
        reference: case.reference.clone(),
        kind: case.kind,
        category: case.category_code.clone(),
        category_name,
        category_name_en,
        state: case.state,
        description: case.description.clone(),
        public_place: case.public_place.clone(),
        contact_time: case.contact_time.clone(),
        channel: case.channel,
        resident_name: parts.resident_name,
        community: parts.community,
        created_at: rfc3339(case.created_at),
        assignee_name: parts.assignee_name,
        due,
        rating: case.rating,
        major: case.major,
        timeline: parts.timeline,
        resident_home: parts.resident_home,
        resident_phone_masked: parts.resident_phone_masked,
        photos: parts.photos,
    }
}

/// The resident's number as staff see it before asking for the whole one.
pub fn masked_phone(resident: &crate::db::accounts::AccountRow) -> String {
    anju_domain::PhoneNumber::parse(&resident.phone)
        .map(|p| p.masked())
        .unwrap_or_else(|_| "***".into())
}

/// "1号楼 2单元 301": the resident's registered home, as staff read it out.
pub fn home_line(building_name: String, resident: &crate::db::accounts::AccountRow) -> String {
    let mut parts = vec![building_name];
    if let Some(unit) = resident.home_unit.as_deref().filter(|u| !u.is_empty()) {
        parts.push(format!("{unit}单元"));
    }
    if let Some(room) = resident.home_room.as_deref().filter(|r| !r.is_empty()) {
        parts.push(room.to_owned());
    }
    parts.join(" ")
}
