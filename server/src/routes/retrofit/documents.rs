//! Documents of an application: the body is the file itself (a photo or a PDF), checked by
//! its bytes, cleaned off the async threads, sealed and stored by content hash. The family
//! adds and removes documents while they may edit; staff over the application can open them,
//! and every staff download is recorded.

use super::access::Viewer;
use super::access::{may_edit, visible_application};
use super::views::{application_view, view_after_change};
use crate::auth::CurrentUser;
use crate::db::retrofit::NewDocument;
use crate::db::Audit;
use crate::documents::{clean_document, load_sealed, store_sealed};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::AppState;
use anju_domain::application::{ApplicationView, DocumentKind};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

/// Enough for every required document plus what a reviewer asks for, with retakes.
const MAX_DOCUMENTS: i64 = 20;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    kind: Option<String>,
}

pub(crate) fn body_or_error(body: Result<Bytes, BytesRejection>) -> ApiResult<Bytes> {
    body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest(
                "没有收到完整的文件，请重试",
                "The file did not arrive completely; try again".into(),
            )
        }
    })
}

/// Clean, seal and store an uploaded document; returns its hash and content type.
pub(crate) async fn store_document(
    state: &AppState,
    body: Bytes,
    field: &str,
) -> ApiResult<(String, &'static str, i64)> {
    let cleaned = tokio::task::spawn_blocking(move || clean_document(&body))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| {
            let (zh, en) = e.message();
            ApiError::field(field, zh, en)
        })?;
    store_sealed(&state.blobs, &state.settings.keys, &cleaned).await?;
    Ok((
        cleaned.hash,
        cleaned.content_type,
        cleaned.bytes.len() as i64,
    ))
}

/// Add a document (ID card, household register, certificate) to an application; the body is the file.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/documents",
    tag = "retrofit",
    params(("id" = String, Path), UploadQuery),
    request_body(content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png")), description = "The file's bytes (PDF without active content, or a photo)"),
    responses((status = 201, description = "Created", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn upload(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if !may_edit(&app, viewer) {
        return Err(if viewer == Viewer::Family {
            ApiError::Conflict {
                field: "documents",
                message: "申请已提交，现在不能更改材料",
                message_en: "The application is submitted; documents cannot be changed now",
            }
        } else {
            ApiError::Forbidden
        });
    }
    let kind = q
        .kind
        .as_deref()
        .and_then(DocumentKind::parse)
        .ok_or_else(|| {
            ApiError::field("kind", "请说明这是什么材料", "Say which document this is")
        })?;
    let body = body_or_error(body)?;
    crate::limits::count_upload(&state, user.id).await?;
    let (hash, content_type, size) = store_document(&state, body, "document").await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let added = tx
        .add_retrofit_document(
            &NewDocument {
                application_id: app.id,
                kind: kind.as_str(),
                hash: &hash,
                content_type,
                size,
                by: user.id,
                now,
            },
            MAX_DOCUMENTS,
        )
        .await?;
    if added == crate::db::item_counts::Added::CapReached {
        return Err(ApiError::field(
            "documents",
            "材料太多了，请先删除不需要的",
            "Too many documents; remove ones you do not need first",
        ));
    }
    if let crate::db::item_counts::Added::New(doc) = added {
        tx.audit(
            &Audit::new(
                now,
                Some(user.id),
                "retrofit.document_add",
                &format!("retrofit_application:{}", app.id),
                &app.scope_path,
            )
            .detail(&format!("{doc} {}", kind.as_str())),
        )
        .await?;
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(view_after_change(&state, app.id, viewer).await?),
    ))
}

/// One of an application's documents; a staff member's look is recorded.
#[utoipa::path(
    get,
    path = "/retrofit/applications/{id}/documents/{doc}",
    tag = "retrofit",
    params(("id" = String, Path), ("doc" = String, Path)),
    responses((status = 200, description = "The file as an attachment (PDF or JPEG)", content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg")))),
    security(("session" = [])),
)]
pub async fn download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, doc)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    // The proofs (ID card, household register, certificates) stay with the offices that
    // review them; the assessor and the builder see the home, not the papers.
    if matches!(viewer, Viewer::Assessor | Viewer::Contractor) {
        return Err(ApiError::NotFound);
    }
    let doc: i64 = doc.parse().map_err(|_| ApiError::NotFound)?;
    let row = state
        .db
        .retrofit_documents(app.id)
        .await?
        .into_iter()
        .find(|d| d.id == doc)
        .ok_or(ApiError::NotFound)?;
    let bytes = load_sealed(&state.blobs, &state.settings.keys, &row.hash)
        .await?
        .ok_or(ApiError::NotFound)?;
    if viewer != Viewer::Family {
        crate::routes::audit::record_view(
            &state,
            &user,
            "retrofit.document",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
            &row.id.to_string(),
        )
        .await?;
    }
    Ok((
        crate::documents::download_headers(
            &row.content_type,
            &format!("application-{}-document-{}", app.id, row.id),
        ),
        bytes,
    )
        .into_response())
}

/// Remove a document from an application that is still being filled in.
#[utoipa::path(
    delete,
    path = "/retrofit/applications/{id}/documents/{doc}",
    tag = "retrofit",
    params(("id" = String, Path), ("doc" = String, Path)),
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, doc)): Path<(String, String)>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if !may_edit(&app, viewer) {
        return Err(ApiError::Forbidden);
    }
    let doc: i64 = doc.parse().map_err(|_| ApiError::NotFound)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx.remove_retrofit_document(app.id, doc, now).await? {
        return Err(ApiError::NotFound);
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.document_remove",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(&doc.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(application_view(&state, &app, viewer).await?))
}
