//! The audit trail over HTTP: recording staff views of personal data ([`record_view`]) and the
//! admin search and export ([`search`]). What a family is told about views of its own
//! application lives with the application (`retrofit/access_log.rs`).

pub(crate) mod search;

use crate::db::accounts::AccountRow;
use crate::db::Audit;
use crate::error::ApiResult;
use crate::AppState;

/// Put a staff member's look at personal data on the record, before the data is sent: if the
/// entry cannot be written, the data is not shown (PIPL: every access is recorded).
pub async fn record_view(
    state: &AppState,
    viewer: &AccountRow,
    action: &str,
    subject: &str,
    scope_path: &str,
    detail: &str,
) -> ApiResult<()> {
    let mut tx = state.db.begin().await?;
    tx.audit(
        &Audit::new(
            state.clock.now(),
            Some(viewer.id),
            action,
            subject,
            scope_path,
        )
        .detail(detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
