//! The family answers an item of a return in words ("信息无误", "房产证原件在社区"), or takes
//! the answer back. The reviewer reads it beside the item when the application comes back.

use super::access::{fills_in, visible_application};
use super::views::view_after_change;
use crate::auth::CurrentUser;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::AppState;
use anju_domain::application::{
    check_return_reply, ApplicationView, ReturnItem, ReturnReplyRequest,
};
use anju_domain::retrofit::RetrofitState;
use axum::extract::State;
use axum::Json;

/// Reply to an item the street office returned, when the answer is not a change to the application.
#[utoipa::path(
    put,
    path = "/retrofit/applications/{id}/return-items/{item}",
    tag = "retrofit",
    params(("id" = String, Path), ("item" = String, Path)),
    request_body = ReturnReplyRequest,
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn reply(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, item)): Path<(String, String)>,
    ApiJson(request): ApiJson<ReturnReplyRequest>,
) -> ApiResult<Json<ApplicationView>> {
    let problems = check_return_reply(&request);
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    answer(state, user, id, item, Some(request.reply.trim().to_owned())).await
}

/// Take back the reply to a returned item.
#[utoipa::path(
    delete,
    path = "/retrofit/applications/{id}/return-items/{item}",
    tag = "retrofit",
    params(("id" = String, Path), ("item" = String, Path)),
    responses((status = 200, description = "OK", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn take_back(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, item)): Path<(String, String)>,
) -> ApiResult<Json<ApplicationView>> {
    answer(state, user, id, item, None).await
}

async fn answer(
    state: AppState,
    user: crate::db::accounts::AccountRow,
    id: String,
    item: String,
    reply: Option<String>,
) -> ApiResult<Json<ApplicationView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if !fills_in(&app, viewer) {
        return Err(ApiError::Forbidden);
    }
    let (RetrofitState::Returned, Some(returned_at)) = (app.state, app.returned_at) else {
        return Err(ApiError::Conflict {
            field: "state",
            message: "只有街道退回的申请才需要答复",
            message_en: "Only a returned application takes replies",
        });
    };
    let item = ReturnItem::parse(&item)
        .filter(|i| app.return_checklist.contains(i))
        .ok_or_else(|| {
            ApiError::field(
                "item",
                "这一项不在街道退回的事项里",
                "That item is not among those the street office returned",
            )
        })?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    tx.reply_to_return_item(app.id, returned_at, item, reply.as_deref(), user.id, now)
        .await?;
    // The item, not the words: they may be personal and stay in their own table.
    let action = if reply.is_some() {
        "retrofit.reply_return_item"
    } else {
        "retrofit.take_back_reply"
    };
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            action,
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(&serde_json::json!({ "item": item.as_str() }).to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(view_after_change(&state, app.id, viewer).await?))
}
