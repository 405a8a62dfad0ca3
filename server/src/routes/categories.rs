//! Complaint categories: everyone reads them; county and system admins edit names and
//! targets. Cases already filed keep the targets they were filed with.

use super::fields::field;
use crate::auth::CurrentUser;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::AppState;
use anju_domain::category::Category;
use axum::extract::State;
use axum::Json;
use std::collections::BTreeMap;

/// The complaint and inquiry categories with their deadlines.
#[utoipa::path(
    get,
    path = "/complaint-categories",
    tag = "complaints",
    responses((status = 200, description = "OK", body = Vec<Category>)),
)]
pub async fn categories(State(state): State<AppState>) -> ApiResult<Json<Vec<Category>>> {
    Ok(Json(state.db.categories().await?))
}

/// County and system admins edit categories; cases already filed keep the targets they had.
#[utoipa::path(
    put,
    path = "/complaint-categories/{code}",
    tag = "complaints",
    params(("code" = String, Path)),
    request_body = anju_domain::category::UpdateCategoryRequest,
    responses((status = 200, description = "OK", body = Category)),
    security(("session" = [])),
)]
pub async fn update_category(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(code): Path<String>,
    ApiJson(req): ApiJson<anju_domain::category::UpdateCategoryRequest>,
) -> ApiResult<Json<Category>> {
    if !user.role.can(anju_domain::access::Capability::EditPolicy) {
        return Err(ApiError::Forbidden);
    }
    let problems = anju_domain::category::check_category(&req);
    if !problems.is_empty() {
        let mut fields = BTreeMap::new();
        for (f, zh, en) in problems {
            field(&mut fields, f, zh, en);
        }
        return Err(ApiError::Validation(fields));
    }
    let before = state
        .db
        .categories()
        .await?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or(ApiError::NotFound)?;
    let updated = Category {
        code: code.clone(),
        kind: before.kind,
        name: req.name.trim().into(),
        name_en: req.name_en.trim().into(),
        targets: req.targets,
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx.update_category(&updated, now).await? {
        return Err(ApiError::NotFound);
    }
    let detail = serde_json::json!({ "before": before, "after": updated }).to_string();
    // Categories are national policy: on the system-wide record.
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "category.update",
            &format!("category:{code}"),
            "/",
        )
        .detail(&detail),
    )
    .await?;
    tx.commit().await?;
    state.categories.invalidate();
    Ok(Json(updated))
}
