//! The in-home assessment record: the assessor saves it screen by screen (activities, each
//! room, the elder's wishes) while the household waits for its assessment; the family and the
//! reviewing offices read it. The record describes what the elder can and cannot do, so it is
//! sealed at rest, and every office's reading is recorded for the family to see. Photos of each
//! room go through the same pipeline as complaint photos.

use super::access::{visible_application, Viewer};
use super::views::load_facts;
use crate::auth::CurrentUser;
use crate::db::item_counts::Added;
use crate::db::retrofit::assessment::Booked;
use crate::db::retrofit::assessment_photos::{NewRoomPhoto, PhotoSet, RoomPhotoRow};
use crate::db::retrofit::ApplicationRow;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::extract::Query;
use crate::routes::fields::refused;
use crate::routes::photo_files::{accept_photo, photo_response};
use crate::AppState;
use anju_domain::retrofit_assessment::{may_book, AssessmentRefusal};
use anju_domain::retrofit_record::{
    disability_mismatch, AssessmentRecord, AssessmentRecordView, RecordUpdate,
};
use anju_domain::retrofit_record::{Room, RoomPhotoView, MAX_PHOTOS_PER_ROOM};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

fn unsealed(state: &AppState, sealed: Option<String>) -> ApiResult<AssessmentRecord> {
    let Some(sealed) = sealed else {
        return Ok(AssessmentRecord::default());
    };
    let json = state.settings.keys.open(&sealed)?;
    serde_json::from_str(&json).map_err(|e| ApiError::Internal(e.into()))
}

/// The household's record, unsealed (empty before the first screen is saved).
pub(super) async fn load_record(
    state: &AppState,
    app: &ApplicationRow,
) -> ApiResult<AssessmentRecord> {
    unsealed(state, state.db.assessment_record(app.id).await?)
}

async fn view_of(
    state: &AppState,
    app: &ApplicationRow,
    viewer: Viewer,
    record: AssessmentRecord,
) -> ApiResult<AssessmentRecordView> {
    let facts = load_facts(state, app)?;
    let photos = state
        .db
        .household_photos(PhotoSet::Assessment, app.id)
        .await?
        .iter()
        .filter_map(|p| photo_view(app.id, p))
        .collect();
    Ok(AssessmentRecordView {
        missing: record.missing(),
        disability_mismatch: disability_mismatch(facts.as_ref(), &record),
        editable: viewer == Viewer::Assessor && may_book(app.state),
        record,
        photos,
    })
}

fn photo_view(application_id: i64, row: &RoomPhotoRow) -> Option<RoomPhotoView> {
    Some(RoomPhotoView {
        id: row.id,
        room: Room::parse(&row.room)?,
        url: format!(
            "/api/retrofit/applications/{application_id}/assessment-photos/{}",
            row.id
        ),
        width: u32::try_from(row.width).unwrap_or(0),
        height: u32::try_from(row.height).unwrap_or(0),
    })
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoQuery {
    room: Room,
}

/// `POST /api/retrofit/applications/{id}/assessment-photos?room=bathroom`: a photo of a room,
/// the image itself as the body; checked by its bytes and re-encoded without metadata. A
/// retried upload of the same photo is kept once.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/assessment-photos",
    tag = "retrofit",
    params(("id" = String, Path), PhotoQuery),
    request_body(content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp")), description = "The photo's bytes (JPEG, PNG or WebP); stored re-encoded without metadata"),
    responses((status = 201, description = "Created", body = AssessmentRecordView)),
    security(("session" = [])),
)]
pub async fn upload_photo(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<PhotoQuery>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<AssessmentRecordView>)> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Assessor {
        return Err(ApiError::Forbidden);
    }
    if !may_book(app.state) {
        return Err(refused(AssessmentRefusal::WrongState));
    }
    let body = crate::routes::retrofit::body_or_error(body)?;
    let cleaned = accept_photo(&state, user.id, body).await?;
    let status = store_photo(
        &state,
        &user,
        &app,
        (PhotoSet::Assessment, q.room.as_str()),
        &cleaned,
        (MAX_PHOTOS_PER_ROOM, None),
    )
    .await?
    .ok_or_else(|| {
        ApiError::field(
            "photo",
            "每个房间最多 6 张照片",
            "Six photos at most per room",
        )
    })?;
    let record = load_record(&state, &app).await?;
    Ok((status, Json(view_of(&state, &app, viewer, record).await?)))
}

/// Whom a new photo is announced to, and how.
pub(super) struct Notice {
    pub to: Vec<i64>,
    pub zh: String,
    pub en: String,
}

/// Keep a cleaned photo of the household in its set and place (room, or works slot), within
/// `cap`, with its audit entry (and `notice`, for a new photo), in one transaction. `None`
/// when the place is full; 201 for a new photo, 200 for one already there (a retry on a poor
/// signal, not recorded or announced again).
pub(super) async fn store_photo(
    state: &AppState,
    user: &crate::db::accounts::AccountRow,
    app: &ApplicationRow,
    (set, place): (PhotoSet, &str),
    cleaned: &crate::photos::CleanPhoto,
    (cap, notice): (usize, Option<&Notice>),
) -> ApiResult<Option<StatusCode>> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let added = tx
        .add_household_photo(&NewRoomPhoto {
            set,
            application_id: app.id,
            room: place,
            hash: &cleaned.hash,
            size: (cleaned.width, cleaned.height),
            by: user.id,
            now,
            cap: i64::try_from(cap).unwrap_or(i64::MAX),
        })
        .await?;
    let action = match set {
        PhotoSet::Assessment => "retrofit.assessment_photo",
        PhotoSet::Works => "retrofit.works_photo",
        PhotoSet::Claims => "retrofit.claim_photo",
    };
    match added {
        Added::CapReached => return Ok(None),
        Added::AlreadyThere => return Ok(Some(StatusCode::OK)),
        Added::New(_) => {
            tx.audit(
                &Audit::new(
                    now,
                    Some(user.id),
                    action,
                    &format!("retrofit_application:{}", app.id),
                    &app.scope_path,
                )
                .detail(&format!("{place} {}", cleaned.hash)),
            )
            .await?;
            if let Some(n) = notice {
                for account in &n.to {
                    tx.notify_about_application(*account, now, app.id, &n.zh, &n.en)
                        .await?;
                }
            }
        }
    }
    tx.commit().await?;
    Ok(Some(StatusCode::CREATED))
}

/// `GET /api/retrofit/applications/{id}/assessment-photos/{photo}`: for whoever sees the
/// household's record; an office's look is recorded.
#[utoipa::path(
    get,
    path = "/retrofit/applications/{id}/assessment-photos/{photo}",
    tag = "retrofit",
    params(("id" = String, Path), ("photo" = String, Path)),
    responses((status = 200, description = "The photo (JPEG, re-encoded without metadata)", content_type = "image/jpeg", body = Vec<u8>)),
    security(("session" = [])),
)]
pub async fn download_photo(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, photo)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer == Viewer::Contractor {
        return Err(ApiError::NotFound);
    }
    send_photo(
        &state,
        &user,
        &app,
        (PhotoSet::Assessment, None),
        &photo,
        viewer != Viewer::Family,
    )
    .await
}

/// A household's photo of `set` (in `place`, where given) by its id, as the image; when
/// `record` (an office's or an outside party's look), the look is recorded first.
pub(super) async fn send_photo(
    state: &AppState,
    user: &crate::db::accounts::AccountRow,
    app: &ApplicationRow,
    (set, place): (PhotoSet, Option<&str>),
    photo: &str,
    record: bool,
) -> ApiResult<Response> {
    let photo: i64 = photo.parse().map_err(|_| ApiError::NotFound)?;
    let row = state
        .db
        .household_photos(set, app.id)
        .await?
        .into_iter()
        .find(|p| p.id == photo && place.is_none_or(|place| p.room == place))
        .ok_or(ApiError::NotFound)?;
    if record {
        let what = match set {
            PhotoSet::Assessment => "assessment_photo",
            PhotoSet::Works => "works_photo",
            PhotoSet::Claims => "claim_photo",
        };
        crate::routes::audit::record_view(
            state,
            user,
            "retrofit.view",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
            &format!("{what}:{photo}"),
        )
        .await?;
    }
    photo_response(state, &row.hash).await
}

/// The assessor's record of the home visit (rooms, findings, photos).
#[utoipa::path(
    get,
    path = "/retrofit/applications/{id}/assessment-record",
    tag = "retrofit",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = AssessmentRecordView)),
    security(("session" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<AssessmentRecordView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    // The builder works from the signed plan; what the elder can and cannot do is not theirs.
    if viewer == Viewer::Contractor {
        return Err(ApiError::NotFound);
    }
    if viewer != Viewer::Family {
        // What the elder can and cannot do: each office's look is on the family's record.
        crate::routes::audit::record_view(
            &state,
            &user,
            "retrofit.view",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
            "assessment_record",
        )
        .await?;
    }
    let record = load_record(&state, &app).await?;
    Ok(Json(view_of(&state, &app, viewer, record).await?))
}

/// `PUT /api/retrofit/applications/{id}/assessment-record`: one screen, in place of what it
/// held; saving the same screen again (a retry after a dropped connection) changes nothing.
#[utoipa::path(
    put,
    path = "/retrofit/applications/{id}/assessment-record",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = RecordUpdate,
    responses((status = 200, description = "OK", body = AssessmentRecordView)),
    security(("session" = [])),
)]
pub async fn save(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(update): ApiJson<RecordUpdate>,
) -> ApiResult<Json<AssessmentRecordView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    let (Viewer::Assessor, Some(org)) = (viewer, app.assessment_org_id) else {
        return Err(ApiError::Forbidden);
    };
    if !may_book(app.state) {
        return Err(refused(AssessmentRefusal::WrongState));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if tx.hold_for_assessment(app.id, org, now).await? == Booked::Stale {
        return Err(refused(AssessmentRefusal::WrongState));
    }
    let mut record = unsealed(&state, tx.assessment_record_held(app.id).await?)?;
    record.apply(&update).map_err(refused)?;
    let json = serde_json::to_string(&record).map_err(|e| ApiError::Internal(e.into()))?;
    tx.put_assessment_record(app.id, &state.settings.keys.seal(&json), user.id, now)
        .await?;
    // Which screen, never its answers: the audit log is read more widely than the record.
    let screen = match &update {
        RecordUpdate::Activities { .. } => "activities".to_owned(),
        RecordUpdate::Room(r) => {
            format!("room:{}", serde_json::json!(r.room).as_str().unwrap_or(""))
        }
        RecordUpdate::Wishes { .. } => "wishes".to_owned(),
    };
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.assessment_record",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(&screen),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(view_of(&state, &app, viewer, record).await?))
}
