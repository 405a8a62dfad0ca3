//! Starting an application: by the elder, their confirmed family, or the street office for an
//! elder who came in person. A retried start answers with the draft the first one made.

use super::access::visible_application;
use super::place::place_of_building;
use super::views::application_view;
use crate::auth::CurrentUser;
use crate::db::retrofit::{ApplicationRow, NewApplication, Placement, SaveError};
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::shanghai::year_of;
use crate::AppState;
use anju_domain::application::{ApplicationChannel, ApplicationView, CreateApplicationRequest};
use anju_domain::{JurisdictionLevel, Role};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// Someone else's open application holds this ID number. Saying where it is would tell a
/// stranger whether a person applied and where they live, so the answer names only the
/// office the caller can ask: the street office of the application being filled in.
pub(super) async fn held_elsewhere(state: &AppState, app: &ApplicationRow) -> ApiResult<ApiError> {
    let office = match app.street_id {
        Some(id) => state.jurisdiction(id).await?.map(|j| j.name),
        None => None,
    };
    let (zh_office, en_office) = match &office {
        Some(name) => (format!("{name}办事处"), format!("the {name} office")),
        None => ("所在街道办事处".to_owned(), "your street office".to_owned()),
    };
    Ok(ApiError::ConflictSaid {
        field: "id_number",
        message: format!(
            "这个身份证号今年已经有一份在办的申请，不能再申请一份。如有疑问，请联系{zh_office}核实"
        ),
        message_en: format!(
            "There is already an open application for this ID number this year, so another cannot be made. If this looks wrong, contact {en_office}"
        ),
    })
}

pub(super) fn existing(id: i64) -> ApiError {
    ApiError::AlreadyExists {
        message: "这位老人今年已经有一份申请，请继续办理那一份",
        message_en: "This elder already has an application this year; continue with that one",
        link: format!("/retrofit/applications/{id}"),
    }
}

/// Start an application (a draft). Idempotent by the client's key; one open application per elder and year.
#[utoipa::path(
    post,
    path = "/retrofit/applications",
    tag = "retrofit",
    request_body = CreateApplicationRequest,
    responses((status = 200, description = "OK", body = ApplicationView), (status = 201, description = "Created", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<CreateApplicationRequest>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let key = req.client_key.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(ApiError::field(
            "client_key",
            "提交标识无效",
            "Invalid client key",
        ));
    }
    let now = state.clock.now();
    let year = year_of(state.clock.now());
    let (elder, channel, guardian) = match (user.role, req.elder_account_id) {
        (Role::StreetReviewer, None) => (None, ApplicationChannel::Office, None),
        (r, _) if r.is_staff() => return Err(ApiError::Forbidden),
        (_, None) => (Some(user.clone()), ApplicationChannel::App, None),
        (_, Some(elder_id)) if elder_id == user.id => {
            (Some(user.clone()), ApplicationChannel::App, None)
        }
        (_, Some(elder_id)) => {
            if !state.db.is_active_guardian(elder_id, user.id).await? {
                return Err(ApiError::field(
                    "elder_account_id",
                    "您还不是这位老人的家属代办人，请先请老人邀请您",
                    "You do not act for this elder yet; ask them to invite you first",
                ));
            }
            let elder = state
                .db
                .account(elder_id)
                .await?
                .ok_or(ApiError::NotFound)?;
            (Some(elder), ApplicationChannel::App, Some(user.id))
        }
    };
    let mut tx = state.db.begin().await?;
    let (result, scope) = match &elder {
        Some(elder) => {
            let place = match elder.home_building_id {
                Some(b) => place_of_building(&state, b).await?,
                None => None,
            };
            let Some(place) = place else {
                return Err(ApiError::field(
                    "home",
                    "账户没有登记住址，请先在“我的账户”里补充",
                    "The account has no home address; add it under My account first",
                ));
            };
            let created = tx
                .create_application(&NewApplication {
                    year,
                    channel,
                    elder_account_id: Some(elder.id),
                    elder_name: &elder.display_name,
                    elder_phone: Some(&elder.phone),
                    applicant_account_id: user.id,
                    guardian_account_id: guardian,
                    client_key: key,
                    placement: Placement {
                        building_id: Some(place.building.id),
                        unit: elder.home_unit.as_deref(),
                        room: elder.home_room.as_deref(),
                        community_id: Some(place.community.id),
                        street_id: Some(place.street.id),
                        county_id: Some(place.county.id),
                        scope_path: &place.building.id_path,
                    },
                    now,
                })
                .await;
            (created, place.building.id_path.clone())
        }
        None => {
            let street = match user.jurisdiction_id {
                Some(j) => state.jurisdiction(j).await?,
                None => None,
            }
            .filter(|s| s.level == JurisdictionLevel::Street)
            .ok_or(ApiError::Forbidden)?;
            let created = tx
                .create_application(&NewApplication {
                    year,
                    channel,
                    elder_account_id: None,
                    elder_name: "",
                    elder_phone: None,
                    applicant_account_id: user.id,
                    guardian_account_id: None,
                    client_key: key,
                    placement: Placement {
                        building_id: None,
                        unit: None,
                        room: None,
                        community_id: None,
                        street_id: Some(street.id),
                        county_id: street.parent_id,
                        scope_path: &street.id_path,
                    },
                    now,
                })
                .await;
            (created, street.id_path.clone())
        }
    };
    let (status, id) = match result {
        Ok(id) => {
            tx.audit(&Audit::new(
                now,
                Some(user.id),
                "retrofit.create",
                &format!("retrofit_application:{id}"),
                &scope,
            ))
            .await?;
            tx.commit().await?;
            (StatusCode::CREATED, id)
        }
        Err(SaveError::Duplicate(id)) => {
            tx.commit().await?;
            (StatusCode::OK, id)
        }
        Err(SaveError::OpenExists(id)) => return Err(existing(id)),
        Err(SaveError::Db(e)) => return Err(e.into()),
    };
    let (app, viewer) = visible_application(&state, &user, &id.to_string()).await?;
    Ok((status, Json(application_view(&state, &app, viewer).await?)))
}
