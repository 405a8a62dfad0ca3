//! The county's retrofit catalogue (county admins; system admins name the county; the county's
//! assessors read it): the
//! national list as the county prices it, its own added items, and retiring items. Each
//! change is audited in its own transaction. Plans copy an item's name and prices when they
//! are drafted, so a change here never alters a proposed or signed plan.

use super::county::{county_for, county_row};
use crate::auth::CurrentUser;
use crate::db::retrofit::catalogue::Added;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::routes::fields::field;
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::retrofit_catalogue::{
    CatalogueItem, CatalogueItemInput, CatalogueView, SEED_CATALOGUE,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use std::collections::BTreeMap;

fn county_id(text: &str) -> ApiResult<i64> {
    text.parse().map_err(|_| ApiError::NotFound)
}

fn checked(input: &CatalogueItemInput) -> ApiResult<()> {
    let problems = input.problems();
    if problems.is_empty() {
        return Ok(());
    }
    let mut fields = BTreeMap::new();
    for (name, zh, en) in problems {
        field(&mut fields, name, zh, en);
    }
    Err(ApiError::Validation(fields))
}

/// Read by the county's admins and by the assessors of that county, who draft plans from it.
#[utoipa::path(
    get,
    path = "/retrofit/counties/{id}/catalogue",
    tag = "retrofit",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = CatalogueView)),
    security(("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<CatalogueView>> {
    let id = county_id(&id)?;
    let county = if user.role.can(Capability::AssessHomes) {
        if user.jurisdiction_id != Some(id) {
            return Err(ApiError::NotFound);
        }
        county_row(&state, id).await?
    } else {
        county_for(&state, &user, Some(id)).await?
    };
    Ok(Json(CatalogueView {
        county_id: county.id,
        county_name: county.name.clone(),
        items: state.db.catalogue(county.id).await?,
    }))
}

fn audit_detail(item: &CatalogueItem) -> String {
    format!(
        "name={} price_fen={} cap_fen={} retired={}",
        item.name_zh, item.unit_price_fen, item.subsidy_cap_fen, item.retired
    )
}

/// Change an item (price, cap, names, unit) or retire it / bring it back.
#[utoipa::path(
    put,
    path = "/retrofit/counties/{id}/catalogue/{no}",
    tag = "retrofit",
    params(("id" = String, Path), ("no" = String, Path)),
    request_body = CatalogueItemInput,
    responses((status = 200, description = "OK", body = CatalogueItem)),
    security(("session" = [])),
)]
pub async fn put(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, no)): Path<(String, String)>,
    ApiJson(input): ApiJson<CatalogueItemInput>,
) -> ApiResult<Json<CatalogueItem>> {
    let county = county_for(&state, &user, Some(county_id(&id)?)).await?;
    let no: u16 = no.parse().map_err(|_| ApiError::NotFound)?;
    let current = state
        .db
        .catalogue(county.id)
        .await?
        .into_iter()
        .find(|i| i.no == no)
        .ok_or(ApiError::NotFound)?;
    checked(&input)?;
    // The national list fixes what kind of item each of its lines is.
    if SEED_CATALOGUE.iter().any(|s| u16::from(s.no) == no)
        && (input.category != current.category || input.kind != current.kind)
    {
        return Err(ApiError::field(
            "kind",
            "全国推荐清单里的项目不能改类别或基础类/可选类",
            "An item of the national list keeps its category and whether it is basic or optional",
        ));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let item = tx
        .put_catalogue_item(county.id, no, &input, user.id, now)
        .await?;
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.catalogue_item",
            &format!("county:{}/item:{no}", county.id),
            &county.id_path,
        )
        .detail(&audit_detail(&item)),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(item))
}

/// Add an item of the county's own; it gets the next number after the national list's.
#[utoipa::path(
    post,
    path = "/retrofit/counties/{id}/catalogue",
    tag = "retrofit",
    params(("id" = String, Path)),
    request_body = CatalogueItemInput,
    responses((status = 201, description = "Created", body = CatalogueItem)),
    security(("session" = [])),
)]
pub async fn add(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(mut input): ApiJson<CatalogueItemInput>,
) -> ApiResult<(StatusCode, Json<CatalogueItem>)> {
    let county = county_for(&state, &user, Some(county_id(&id)?)).await?;
    checked(&input)?;
    input.retired = false;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // Two admins adding at once: the later insert meets the taken number and tries the next
    // (PostgreSQL's statement then sees the other's committed row).
    let mut item = None;
    for _ in 0..3 {
        if let Added::New(added) = tx
            .add_catalogue_item(county.id, &input, user.id, now)
            .await?
        {
            item = Some(added);
            break;
        }
    }
    let item = item.ok_or(ApiError::Conflict {
        field: "no",
        message: "有人同时在添加项目，请再试一次",
        message_en: "Someone else is adding an item at the same moment; try again",
    })?;
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.catalogue_item_added",
            &format!("county:{}/item:{}", county.id, item.no),
            &county.id_path,
        )
        .detail(&audit_detail(&item)),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(item)))
}
