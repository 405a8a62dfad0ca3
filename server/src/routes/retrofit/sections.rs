//! Saving one screen of the application while the family (or the office that entered it)
//! may edit.

use super::access::Viewer;
use super::access::{fills_in, may_edit, staff_scope, visible_application};
use super::create::held_elsewhere;
use super::place::place_of_building;
use super::views::{load_id_number, view_after_change};
use crate::auth::CurrentUser;
use crate::db::retrofit::{ElderUpdate, Placement, SaveError};
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::AppState;
use anju_domain::application::{
    check_elder, check_home_text, ApplicationView, SectionUpdate, Task, CONSENT_VERSION,
};
use anju_domain::id_number::IdNumber;
use anju_domain::retrofit::RetrofitState;
use anju_domain::PhoneNumber;
use axum::extract::State;
use axum::Json;

pub(super) fn not_editable() -> ApiError {
    ApiError::Conflict {
        field: "state",
        message: "申请已提交，现在不能修改；如街道退回，可以修改后再提交",
        message_en: "The application is submitted and cannot be changed now; if the street office returns it, you can change it",
    }
}

/// Save one screen of the application.
#[utoipa::path(
    put,
    path = "/retrofit/applications/{id}/sections",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = SectionUpdate,
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn save_section(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(update): ApiJson<SectionUpdate>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if !fills_in(&app, viewer) {
        return Err(ApiError::Forbidden);
    }
    if !may_edit(&app, viewer) {
        return Err(not_editable());
    }
    let now = state.clock.now();
    let keys = &state.settings.keys;
    let (section, task) = match &update {
        SectionUpdate::Elder(_) => ("retrofit.save_elder", Task::Elder),
        SectionUpdate::Home(_) => ("retrofit.save_home", Task::Home),
        SectionUpdate::Facts(_) => ("retrofit.save_facts", Task::Facts),
        SectionUpdate::Guardian(_) => ("retrofit.save_guardian", Task::Guardian),
        SectionUpdate::Consent(_) => ("retrofit.save_consent", Task::Consent),
    };
    let mut tx = state.db.begin().await?;
    let saved = match update {
        SectionUpdate::Elder(mut s) => {
            // Left blank when only the name or phone changes: the app never holds the full
            // number to send back.
            if s.id_number.trim().is_empty() {
                if let Some(number) = load_id_number(&state, &app)? {
                    s.id_number = number.as_str().to_owned();
                }
            }
            let problems = check_elder(&s);
            if !problems.is_empty() {
                return Err(ApiError::Validation(problems));
            }
            let number = IdNumber::parse(&s.id_number)
                .map_err(|_| ApiError::field("id_number", "身份证号无效", "Invalid ID number"))?;
            let phone = match s.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                Some(p) => Some(
                    PhoneNumber::parse(p)
                        .map_err(|_| {
                            ApiError::field("phone", "手机号无效", "Invalid mobile number")
                        })?
                        .as_str()
                        .to_owned(),
                ),
                None => None,
            };
            let hash = keys.lookup_hash(number.as_str());
            let update = ElderUpdate {
                name: s.name.trim(),
                phone: phone.as_deref(),
                id_enc: &keys.seal(number.as_str()),
                id_masked: &number.masked(),
                open_id_key: &format!("{hash}:{}", app.year),
                now,
            };
            match tx.save_elder(app.id, &update).await {
                Ok(saved) => saved,
                Err(SaveError::OpenExists(_)) => return Err(held_elsewhere(&state, &app).await?),
                Err(SaveError::Duplicate(_)) => false,
                Err(SaveError::Db(e)) => return Err(e.into()),
            }
        }
        SectionUpdate::Home(h) => {
            let problems = check_home_text(&h);
            if !problems.is_empty() {
                return Err(ApiError::Validation(problems));
            }
            let place = place_of_building(&state, h.building_id)
                .await?
                .ok_or_else(|| ApiError::field("building_id", "请选择楼栋", "Choose a building"))?;
            if viewer == Viewer::Street {
                let scope = staff_scope(&state, &user)
                    .await?
                    .ok_or(ApiError::Forbidden)?;
                if !scope.holds(&place.building.id_path) {
                    return Err(ApiError::field(
                        "building_id",
                        "只能登记本街道的住户",
                        "Only homes in your street can be entered",
                    ));
                }
            }
            tx.save_home(
                app.id,
                &Placement {
                    building_id: Some(place.building.id),
                    unit: Some(h.unit.trim()),
                    room: Some(h.room.trim()),
                    community_id: Some(place.community.id),
                    street_id: Some(place.street.id),
                    county_id: Some(place.county.id),
                    scope_path: &place.building.id_path,
                },
                now,
            )
            .await?
        }
        SectionUpdate::Facts(mut facts) => {
            if facts.activities_needing_help.is_some_and(|n| n > 6) {
                return Err(ApiError::field(
                    "activities_needing_help",
                    "六项日常活动中最多选 6 项",
                    "At most 6 of the 6 daily activities",
                ));
            }
            // The ID number lives (sealed) in the elder section only.
            facts.id_number = None;
            let json = serde_json::to_string(&facts).map_err(|e| ApiError::Internal(e.into()))?;
            tx.save_facts(app.id, &keys.seal(&json), now).await?
        }
        SectionUpdate::Guardian(g) => {
            if let Some(gid) = g.guardian_account_id {
                let linked = match app.elder_account_id {
                    Some(elder) => state.db.is_active_guardian(elder, gid).await?,
                    None => false,
                };
                if !linked {
                    return Err(ApiError::field(
                        "guardian_account_id",
                        "只能选择已经确认关系的家属",
                        "Choose a family member whose link is confirmed",
                    ));
                }
            }
            tx.save_guardian(app.id, g.guardian_account_id, now).await?
        }
        SectionUpdate::Consent(c) => {
            if !c.agreed {
                return Err(ApiError::field(
                    "agreed",
                    "需要您同意后才能提交申请",
                    "You need to agree before the application can be submitted",
                ));
            }
            if c.version != CONSENT_VERSION {
                return Err(ApiError::field(
                    "version",
                    "说明内容已更新，请重新阅读后再同意",
                    "The text has changed; read it again before agreeing",
                ));
            }
            tx.save_consent(app.id, CONSENT_VERSION, now).await?
        }
    };
    if !saved {
        return Err(not_editable());
    }
    // Saving a screen the reviewer asked about answers that item of the return.
    if let (RetrofitState::Returned, Some(returned_at)) = (app.state, app.returned_at) {
        for item in app
            .return_checklist
            .iter()
            .filter(|i| i.answered_by_saving(task))
        {
            tx.mark_return_item_saved(app.id, returned_at, *item, now)
                .await?;
        }
    }
    // The section's name only: its content is personal data and stays in its own columns.
    tx.audit(&Audit::new(
        now,
        Some(user.id),
        section,
        &format!("retrofit_application:{}", app.id),
        &app.scope_path,
    ))
    .await?;
    tx.commit().await?;
    Ok(Json(view_after_change(&state, app.id, viewer).await?))
}
