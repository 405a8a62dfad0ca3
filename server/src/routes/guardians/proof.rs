//! The proof of relationship: for the family, and for the street office on the record.

use super::access::*;
use crate::auth::CurrentUser;
use crate::documents::load_sealed;
use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

/// The proof of relationship a guardian gave, for the family and the street office over the
/// elder's home (an office's look is recorded).
#[utoipa::path(
    get,
    path = "/guardians/{id}/proof",
    tag = "guardians",
    params(("id" = String, Path)),
    responses((status = 200, description = "The file as an attachment (PDF or JPEG)", content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg")))),
    security(("session" = [])),
)]
pub async fn proof(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let link = state
        .db
        .guardian_link(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let family = link.elder_account_id == user.id || link.guardian_account_id == Some(user.id);
    if !family && !street_over_elder(&state, &user, link.elder_account_id).await? {
        return Err(ApiError::NotFound);
    }
    let (Some(hash), Some(content_type)) = (&link.proof_hash, &link.proof_type) else {
        return Err(ApiError::NotFound);
    };
    let bytes = load_sealed(&state.blobs, &state.settings.keys, hash)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !family {
        crate::routes::audit::record_view(
            &state,
            &user,
            "guardian.proof_view",
            &format!("guardian_link:{}", link.id),
            &elder_scope(&state, link.elder_account_id).await?,
            "",
        )
        .await?;
    }
    Ok((
        crate::documents::download_headers(content_type, &format!("family-proof-{}", link.id)),
        bytes,
    )
        .into_response())
}
