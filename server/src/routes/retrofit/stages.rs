//! The area's applications grouped by county, year and state, each group with the year date its
//! stage is held to (its county's dates for that year). One computation for the desk's stage
//! figures and for the retrofit queue's `behind` filter, so a figure and its list agree.

use super::county::year_dates;
use crate::access::Scope;
use crate::db::desk::StageCount;
use crate::error::ApiResult;
use crate::shanghai::today;
use crate::AppState;
use anju_domain::desk::{stage_deadline, StageDeadline};
use anju_domain::retrofit::RetrofitState;
use std::collections::BTreeMap;

pub(crate) struct StageGroup {
    pub count: StageCount,
    pub state: RetrofitState,
    pub deadline: Option<StageDeadline>,
}

pub(crate) async fn stage_groups(
    state: &AppState,
    scope: &Scope,
    community_id: Option<i64>,
) -> ApiResult<Vec<StageGroup>> {
    let today = today(state.clock.now());
    let mut dates = BTreeMap::new();
    let mut out = Vec::new();
    for count in state.db.stage_counts(scope, community_id).await? {
        let Some(s) = RetrofitState::parse(&count.state) else {
            continue;
        };
        let deadline = match count.county_id {
            Some(county) => {
                let d = match dates.get(&(county, count.year)) {
                    Some(d) => *d,
                    None => {
                        let d = year_dates(state, county, count.year).await?;
                        dates.insert((county, count.year), d);
                        d
                    }
                };
                stage_deadline(&d, s, today)
            }
            // Not yet placed in a county: no county dates hold it.
            None => None,
        };
        out.push(StageGroup {
            count,
            state: s,
            deadline,
        });
    }
    Ok(out)
}
