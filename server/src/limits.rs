//! Rate limits that are not sign-in: uploads per account, registrations per source. Counted
//! in `rate_events`, so instances share them.

use crate::db::rate_events::Bucket;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// Count one event against `max` per `window_secs`; refuse (with when to retry) once full.
pub async fn hit(
    state: &AppState,
    bucket: Bucket,
    subject: &str,
    window_secs: i64,
    max: i64,
) -> ApiResult<()> {
    let now = state.clock.now();
    let window = state
        .db
        .rate_window(bucket, subject, now - window_secs)
        .await?;
    if window.count >= max {
        return Err(ApiError::RateLimited {
            retry_after_secs: (window.first.unwrap_or(now) + window_secs - now).max(1) as u64,
        });
    }
    state.db.record_rate_event(bucket, subject, now).await?;
    Ok(())
}

/// One upload (photo or document) by the account.
pub async fn count_upload(state: &AppState, account_id: i64) -> ApiResult<()> {
    let policy = &state.settings.policy;
    hit(
        state,
        Bucket::Upload,
        &account_id.to_string(),
        policy.upload_window_secs,
        policy.uploads_per_account,
    )
    .await
}
