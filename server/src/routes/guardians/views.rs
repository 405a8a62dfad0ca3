//! Family links as the wire shows them.

use crate::db::accounts::AccountRow;
use crate::db::guardians::LinkRow;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use anju_domain::application::{GuardianLinkView, PersonRef, Relationship};
use anju_domain::PhoneNumber;

pub(super) fn masked_phone(p: &str) -> String {
    PhoneNumber::parse(p)
        .map(|n| n.masked())
        .unwrap_or_else(|_| "***".into())
}

pub(crate) async fn view(state: &AppState, link: &LinkRow) -> ApiResult<GuardianLinkView> {
    let person = |a: Option<AccountRow>| {
        a.map(|a| PersonRef {
            account_id: a.id,
            display_name: a.display_name,
        })
    };
    let elder = person(state.db.account(link.elder_account_id).await?).ok_or(ApiError::NotFound)?;
    let guardian = match link.guardian_account_id {
        Some(g) => person(state.db.account(g).await?),
        None => None,
    };
    Ok(GuardianLinkView {
        id: link.id,
        state: link.state,
        elder,
        guardian,
        invited_phone_masked: masked_phone(&link.invited_phone),
        relationship: link.relationship.as_deref().and_then(Relationship::parse),
        proof_url: link
            .proof_hash
            .as_ref()
            .map(|_| format!("/api/guardians/{}/proof", link.id)),
        created_at: link.created_at,
    })
}
