//! What every photo upload and download shares, whatever it is a photo of (a case, a room of
//! an assessed home): the upload counted against the account's limit, checked and re-encoded
//! off the async threads, stored by content hash; the download as a privately cached JPEG.

use crate::error::{ApiError, ApiResult};
use crate::photos::{clean, CleanPhoto, PhotoLimits};
use crate::AppState;
use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The photo in `body`, cleaned and stored; a file that is not a photo is refused on `photo`.
pub(crate) async fn accept_photo(
    state: &AppState,
    account_id: i64,
    body: Bytes,
) -> ApiResult<CleanPhoto> {
    let limits = PhotoLimits::default();
    crate::limits::count_upload(state, account_id).await?;
    let cleaned = tokio::task::spawn_blocking(move || clean(&body, &limits))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| {
            let (zh, en) = e.message();
            ApiError::field("photo", zh, en)
        })?;
    state.blobs.put(&cleaned.hash, &cleaned.jpeg).await?;
    Ok(cleaned)
}

/// A stored photo as the answer to a download.
pub(crate) async fn photo_response(state: &AppState, hash: &str) -> ApiResult<Response> {
    let bytes = state.blobs.get(hash).await?.ok_or(ApiError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            // Private: photos of homes must not sit in shared caches.
            (header::CACHE_CONTROL, "private, max-age=86400"),
        ],
        bytes,
    )
        .into_response())
}
