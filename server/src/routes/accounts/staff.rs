//! Staff accounts, managed by county and system admins within their own subtree.

use super::hash_blocking;
use crate::access::Scope;
use crate::auth::CurrentUser;
use crate::db::accounts::{CreateAccountError, NewAccount};
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Query;
use crate::paging::PageSize;
use crate::routes::fields::field;
use crate::routes::views::account_view;
use crate::AppState;
use anju_domain::account::check_new_staff;
use anju_domain::{AccountPage, AccountView, CreateStaffRequest};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use std::collections::BTreeMap;

const PAGE: PageSize = PageSize(50);

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    after: Option<i64>,
}

/// The part of the tree an admin manages: a system admin without a jurisdiction, all of it.
async fn admin_scope(state: &AppState, user: &CurrentUser) -> ApiResult<Scope> {
    Scope::require(
        state,
        &user.0,
        anju_domain::access::Capability::ManageAccounts,
    )
    .await
}

/// Staff accounts within the admin's area, a page at a time.
#[utoipa::path(
    get,
    path = "/admin/accounts",
    tag = "accounts",
    params(PageQuery),
    responses((status = 200, description = "OK", body = AccountPage)),
    security(("session" = [])),
)]
pub async fn list_accounts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<AccountPage>> {
    let scope = admin_scope(&state, &user).await?;
    let rows = state
        .db
        .accounts_in_scope(&scope, page.after.unwrap_or(0), PAGE.fetch())
        .await?;
    let (rows, next_after) = PAGE.split(rows, |r| r.id);
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(account_view(&state, row).await?);
    }
    Ok(Json(AccountPage { items, next_after }))
}

/// An admin creates a staff account (phone, first password, role, place) within their area.
#[utoipa::path(
    post,
    path = "/admin/accounts",
    tag = "accounts",
    request_body = CreateStaffRequest,
    responses((status = 201, description = "Created", body = AccountView)),
    security(("session" = [])),
)]
pub async fn create_staff(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateStaffRequest>,
) -> ApiResult<(StatusCode, Json<AccountView>)> {
    let scope = admin_scope(&state, &user).await?;
    let mut fields = BTreeMap::new();
    let phone = super::check_credentials(&req.phone, &req.password, &mut fields);
    let jurisdiction = state
        .jurisdiction(req.jurisdiction_id)
        .await?
        .filter(|j| scope.holds(&j.id_path));
    let level = jurisdiction.as_ref().map(|j| j.level);
    for (name, zh, en) in check_new_staff(&req, user.0.role, level) {
        field(&mut fields, name, zh, en);
    }
    let (Some(phone), Some(jurisdiction), true) = (phone, jurisdiction, fields.is_empty()) else {
        return Err(ApiError::Validation(fields));
    };
    let password_hash = hash_blocking(req.password.clone()).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let id = tx
        .create_account(&NewAccount {
            phone: phone.as_str(),
            password_hash: &password_hash,
            display_name: req.display_name.trim(),
            role: req.role,
            jurisdiction_id: Some(jurisdiction.id),
            home: None,
            scope_path: &jurisdiction.id_path,
            phone_verified: false,
            now,
        })
        .await
        .map_err(|e| match e {
            CreateAccountError::DuplicatePhone => ApiError::Conflict {
                field: "phone",
                message: "这个手机号已经有账号了",
                message_en: "This mobile number already has an account",
            },
            CreateAccountError::Db(e) => e.into(),
        })?;
    tx.audit(
        &Audit::new(
            now,
            Some(user.0.id),
            "account.create_staff",
            &format!("account:{id}"),
            &jurisdiction.id_path,
        )
        .detail(req.role.as_str()),
    )
    .await?;
    tx.commit().await?;
    let row = state.db.account(id).await?.ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(account_view(&state, &row).await?)))
}
