//! The audit trail over HTTP: recording staff views of personal data ([`record_view`]), the
//! admin search and export ([`search`]), and "who viewed my data" for residents and their
//! families ([`access_log`]).

mod access_log;
mod search;

pub use access_log::access_log;
pub use search::search;

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
