//! Where a home is: the building and the community, street and county above it, and the
//! county's eligibility rules.

use crate::db::jurisdictions::JurisdictionRow;
use crate::error::ApiResult;
use crate::AppState;
use anju_domain::eligibility::CountyRules;
use anju_domain::JurisdictionLevel;

pub(crate) async fn county_rules(
    state: &AppState,
    county_id: Option<i64>,
) -> ApiResult<Option<CountyRules>> {
    Ok(match county_id {
        Some(c) => Some(CountyRules {
            minimum_living_allowance_covered: state.db.county_settings(c).await?,
        }),
        None => None,
    })
}

/// A building and the community, street and county above it.
pub(crate) struct Place {
    pub building: JurisdictionRow,
    pub community: JurisdictionRow,
    pub street: JurisdictionRow,
    pub county: JurisdictionRow,
}

pub(crate) async fn parent(
    state: &AppState,
    row: &JurisdictionRow,
) -> ApiResult<Option<JurisdictionRow>> {
    Ok(match row.parent_id {
        Some(p) => state.jurisdiction(p).await?,
        None => None,
    })
}

pub(crate) async fn place_of_building(
    state: &AppState,
    building_id: i64,
) -> ApiResult<Option<Place>> {
    let Some(building) = state.jurisdiction(building_id).await? else {
        return Ok(None);
    };
    if building.level != JurisdictionLevel::Building {
        return Ok(None);
    }
    let Some(community) = parent(state, &building).await? else {
        return Ok(None);
    };
    let Some(street) = parent(state, &community).await? else {
        return Ok(None);
    };
    let Some(county) = parent(state, &street).await? else {
        return Ok(None);
    };
    Ok(Some(Place {
        building,
        community,
        street,
        county,
    }))
}

/// The county a community belongs to.
pub(crate) async fn county_of_community(
    state: &AppState,
    community_id: i64,
) -> ApiResult<Option<i64>> {
    let Some(community) = state.jurisdiction(community_id).await? else {
        return Ok(None);
    };
    if community.level != JurisdictionLevel::Community {
        return Ok(None);
    }
    let street = parent(state, &community).await?;
    Ok(match street {
        Some(s) => s.parent_id,
        None => None,
    })
}
