use crate::error::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

/// Reports whether the database answers; 503 when it does not, for load balancers.
#[utoipa::path(
    get,
    path = "/health",
    tag = "service",
    responses((status = 200, description = "OK", body = serde_json::Value)),
)]
pub async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    match state.db.ping().await {
        Ok(()) => Ok(Json(
            json!({ "status": "ok", "database": state.db.backend_name() }),
        )),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            Err(ApiError::Unavailable)
        }
    }
}
