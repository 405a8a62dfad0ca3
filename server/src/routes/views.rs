//! Turning stored rows into the views the API returns (masked, with names resolved).

use crate::db::accounts::AccountRow;
use crate::AppState;
use anju_domain::{AccountView, HomeView, JurisdictionLevel, PhoneNumber};

pub async fn account_view(state: &AppState, row: &AccountRow) -> Result<AccountView, sqlx::Error> {
    let building = match row.home_building_id {
        Some(id) => state.jurisdiction(id).await?,
        None => None,
    };
    let jurisdiction = match (row.jurisdiction_id, &building) {
        (Some(id), _) => state.jurisdiction(id).await?,
        (None, Some(b)) if b.level == JurisdictionLevel::Building => match b.parent_id {
            Some(community) => state.jurisdiction(community).await?,
            None => None,
        },
        _ => None,
    };
    let home = building.map(|b| HomeView {
        building: b.view(),
        unit: row.home_unit.clone().unwrap_or_default(),
        room: row.home_room.clone().unwrap_or_default(),
    });
    Ok(AccountView {
        id: row.id,
        phone_masked: PhoneNumber::parse(&row.phone)
            .map(|p| p.masked())
            .unwrap_or_else(|_| "***".into()),
        display_name: row.display_name.clone(),
        role: row.role,
        jurisdiction: jurisdiction.map(|j| j.view()),
        home,
        preferences: row.preferences(),
        must_change_password: row.temporary_password_expires_at.is_some(),
    })
}
