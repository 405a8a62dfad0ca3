//! Photo upload and download for cases. The body is the image itself (any type header); it
//! is checked by its bytes, re-encoded off the async threads, and stored by content hash, so
//! a retried upload of the same photo is stored and listed once.

use super::access::visible_case;
use crate::auth::CurrentUser;
use crate::db::item_counts::Added;
use crate::db::photos::NewPhoto;
use crate::db::Audit;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::routes::photo_files::{accept_photo, photo_response};
use crate::AppState;
use anju_domain::complaint::{PhotoStage, PhotoView, MAX_PHOTOS_PER_STAGE};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    stage: Option<PhotoStage>,
}

pub fn view(case_id: i64, row: &crate::db::photos::PhotoRow) -> PhotoView {
    PhotoView {
        id: row.id,
        stage: if row.stage == "after" {
            PhotoStage::After
        } else {
            PhotoStage::Report
        },
        url: format!("/api/cases/{case_id}/photos/{}", row.id),
        width: u32::try_from(row.width).unwrap_or(0),
        height: u32::try_from(row.height).unwrap_or(0),
    }
}

/// Add a photo to a case (`stage=before|after`); stored re-encoded without metadata.
#[utoipa::path(
    post,
    path = "/cases/{id}/photos",
    tag = "complaints",
    params(("id" = String, Path), UploadQuery),
    request_body(content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp")), description = "The photo's bytes (JPEG, PNG or WebP); stored re-encoded without metadata"),
    responses((status = 201, description = "Created", body = Vec<PhotoView>)),
    security(("session" = [])),
)]
pub async fn upload(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<Vec<PhotoView>>)> {
    let (case, staff) = visible_case(&state, &user, &id).await?;
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest(
                "没有收到完整的照片，请重试",
                "The photo did not arrive completely; try again".into(),
            )
        }
    })?;
    let stage = q.stage.unwrap_or(if staff {
        PhotoStage::After
    } else {
        PhotoStage::Report
    });
    if stage == PhotoStage::After && !staff {
        return Err(ApiError::Forbidden);
    }
    if case.state == anju_domain::complaint::CaseState::Closed {
        return Err(ApiError::Conflict {
            field: "photos",
            message: "事项已完成，不能再添加照片",
            message_en: "The request is completed; photos can no longer be added",
        });
    }
    let cleaned = accept_photo(&state, user.id, body).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let added = tx
        .add_case_photo(&NewPhoto {
            case_id: case.id,
            stage: stage.as_str(),
            hash: &cleaned.hash,
            size: (cleaned.width, cleaned.height),
            by: user.id,
            now,
            cap: MAX_PHOTOS_PER_STAGE as i64,
        })
        .await?;
    if added == Added::CapReached {
        return Err(ApiError::field(
            "photos",
            "每个事项最多 6 张照片",
            "Six photos at most per request",
        ));
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "case.photo",
            &format!("case:{}", case.id),
            &case.scope_path,
        )
        .detail(&cleaned.hash),
    )
    .await?;
    tx.commit().await?;
    let photos = state.db.case_photos(case.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(photos.iter().map(|p| view(case.id, p)).collect()),
    ))
}

/// One of a case's photos.
#[utoipa::path(
    get,
    path = "/cases/{id}/photos/{photo}",
    tag = "complaints",
    params(("id" = String, Path), ("photo" = String, Path)),
    responses((status = 200, description = "The photo (JPEG, re-encoded without metadata)", content_type = "image/jpeg", body = Vec<u8>)),
    security(("session" = [])),
)]
pub async fn download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, photo)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (case, staff) = visible_case(&state, &user, &id).await?;
    let photo: i64 = photo.parse().map_err(|_| ApiError::NotFound)?;
    let row = state
        .db
        .case_photos(case.id)
        .await?
        .into_iter()
        .find(|p| p.id == photo)
        .ok_or(ApiError::NotFound)?;
    if staff {
        crate::routes::audit::record_view(
            &state,
            &user,
            "case.photo_view",
            &format!("case:{}", case.id),
            &case.scope_path,
            &photo.to_string(),
        )
        .await?;
    }
    photo_response(&state, &row.hash).await
}
