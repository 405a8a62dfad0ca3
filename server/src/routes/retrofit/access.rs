//! Who may see and act on an application: the elder, their confirmed family, street and
//! county staff over its home, the assessors of the organisation the county assigned it to,
//! and the staff of the construction company it assigned the works to; anyone else gets a 404, so references reveal nothing.

use crate::access::Scope;
use crate::db::accounts::AccountRow;
use crate::db::retrofit::ApplicationRow;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::application::ApplicationChannel;
use anju_domain::retrofit::{RetrofitAction, RetrofitActor, RetrofitState};
use anju_domain::Role;

/// How the caller sees an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// The elder or an active guardian.
    Family,
    Street,
    /// County admins and system admins.
    County,
    /// An assessor of the organisation the household is assigned to.
    Assessor,
    /// Staff of the construction company the household's works are assigned to.
    Contractor,
}

/// Street and county staff see applications over their jurisdiction.
pub(crate) async fn staff_scope(state: &AppState, user: &AccountRow) -> ApiResult<Option<Scope>> {
    Scope::of(state, user, Capability::ReviewRetrofit).await
}

pub(crate) async fn visible_application(
    state: &AppState,
    user: &AccountRow,
    id: &str,
) -> ApiResult<(ApplicationRow, Viewer)> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let app = state.db.application(id).await?.ok_or(ApiError::NotFound)?;
    if let Some(scope) = staff_scope(state, user).await? {
        let others_draft = app.state == RetrofitState::Draft && app.applicant_account_id != user.id;
        if scope.holds(&app.scope_path) && !others_draft {
            let viewer = if user.role == Role::StreetReviewer {
                Viewer::Street
            } else {
                Viewer::County
            };
            return Ok((app, viewer));
        }
    }
    // Each assigned organisation is checked against the caller's membership; the kinds use
    // different roles, so an assessor never passes as a contractor or the other way round.
    for (org, capability, viewer) in [
        (
            app.assessment_org_id,
            Capability::AssessHomes,
            Viewer::Assessor,
        ),
        (
            app.contractor_org_id,
            Capability::BuildWorks,
            Viewer::Contractor,
        ),
    ] {
        let Some(org) = org else { continue };
        if user.role.can(capability)
            && state
                .db
                .org_of_member(user.id)
                .await?
                .is_some_and(|o| o.id == org)
        {
            return Ok((app, viewer));
        }
    }
    if let Some(elder) = app.elder_account_id {
        if elder == user.id || state.db.is_active_guardian(elder, user.id).await? {
            return Ok((app, Viewer::Family));
        }
    }
    Err(ApiError::NotFound)
}

/// The actor the state machine sees. The reviewer who entered an office application fills
/// it in as its applicant.
pub(crate) fn actor_for(
    app: &ApplicationRow,
    viewer: Viewer,
    action: RetrofitAction,
) -> RetrofitActor {
    match viewer {
        Viewer::Family => RetrofitActor::Applicant,
        Viewer::Street
            if action.actor() == RetrofitActor::Applicant
                && app.channel == ApplicationChannel::Office =>
        {
            RetrofitActor::Applicant
        }
        Viewer::Street => RetrofitActor::StreetReviewer,
        Viewer::County => RetrofitActor::CountyAdmin,
        Viewer::Assessor => RetrofitActor::Assessor,
        Viewer::Contractor => RetrofitActor::Contractor,
    }
}

/// Who fills the application in (and answers a return): the family, or the street office for
/// one it entered at the counter.
pub(crate) fn fills_in(app: &ApplicationRow, viewer: Viewer) -> bool {
    viewer == Viewer::Family
        || (viewer == Viewer::Street && app.channel == ApplicationChannel::Office)
}

pub(crate) fn may_edit(app: &ApplicationRow, viewer: Viewer) -> bool {
    fills_in(app, viewer) && app.state.family_can_edit()
}
