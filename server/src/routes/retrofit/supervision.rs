//! The supervision report (监理报告) of a household's works: an optional document — a PDF or a
//! photo, checked by its bytes, cleaned and sealed like the application's papers — that the
//! street office or the county adds once the works are finished. One per household; a new one
//! replaces it (the audit entry names both files). The family, the offices and the builder can
//! open it; an office's or the builder's look is recorded.

use super::access::{visible_application, Viewer};
use super::assessment::reloaded;
use crate::auth::CurrentUser;
use crate::db::retrofit::ApplicationRow;
use crate::db::Audit;
use crate::documents::load_sealed;
use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::AppState;
use anju_domain::application::ApplicationView;
use anju_domain::retrofit_acceptance::{may_file_supervision_report, SupervisionReportView};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

pub(super) fn may_file(app: &ApplicationRow, viewer: Viewer) -> bool {
    matches!(viewer, Viewer::Street | Viewer::County) && may_file_supervision_report(app.state)
}

pub(super) async fn report_view(
    state: &AppState,
    app: &ApplicationRow,
) -> ApiResult<Option<SupervisionReportView>> {
    Ok(state
        .db
        .supervision_report(app.id)
        .await?
        .map(|r| SupervisionReportView {
            url: format!("/api/retrofit/applications/{}/supervision-report", app.id),
            content_type: r.content_type,
            size: r.size,
            uploaded_at: r.uploaded_at,
        }))
}

/// `POST /api/retrofit/applications/{id}/supervision-report`, the file itself as the body.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/supervision-report",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body(content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png")), description = "The file's bytes (PDF without active content, or a photo)"),
    responses((status = 200, description = "OK", body = ApplicationView), (status = 201, description = "Created", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn upload(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if !matches!(viewer, Viewer::Street | Viewer::County) {
        return Err(ApiError::Forbidden);
    }
    if !may_file(&app, viewer) {
        return Err(ApiError::Conflict {
            field: "report",
            message: "监理报告在施工完成以后添加",
            message_en: "The supervision report is added once the works are finished",
        });
    }
    let body = super::body_or_error(body)?;
    crate::limits::count_upload(&state, user.id).await?;
    let (hash, content_type, size) = super::store_document(&state, body, "report").await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let replaced = tx
        .put_supervision_report(app.id, (&hash, content_type, size), user.id, now)
        .await?;
    if replaced.as_deref() == Some(hash.as_str()) {
        // The same file again (a retried upload): nothing changed.
        drop(tx);
        let Json(view) = reloaded(&state, app.id, viewer).await?;
        return Ok((StatusCode::OK, Json(view)));
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.supervision_report",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(&match &replaced {
            Some(old) => format!("{hash} replaces {old}"),
            None => hash.clone(),
        }),
    )
    .await?;
    tx.commit().await?;
    let Json(view) = reloaded(&state, app.id, viewer).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/retrofit/applications/{id}/supervision-report`: always a download.
#[utoipa::path(
    get,
    path = "/retrofit/applications/{id}/supervision-report",
    tag = "retrofit",
    params(("id" = String, Path)),
    responses((status = 200, description = "The supervision report as an attachment (PDF or JPEG)", content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg")))),
    security(("session" = [])),
)]
pub async fn download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer == Viewer::Assessor {
        return Err(ApiError::NotFound);
    }
    let row = state
        .db
        .supervision_report(app.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = load_sealed(&state.blobs, &state.settings.keys, &row.hash)
        .await?
        .ok_or(ApiError::NotFound)?;
    if viewer != Viewer::Family {
        crate::routes::audit::record_view(
            &state,
            &user,
            "retrofit.view",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
            "supervision_report",
        )
        .await?;
    }
    Ok((
        crate::documents::download_headers(
            &row.content_type,
            &format!("application-{}-supervision-report", app.id),
        ),
        bytes,
    )
        .into_response())
}
