//! Notices in the community and the buildings' concierge contacts: staff post notices for a
//! community or a building of their area, and change or withdraw them; residents see the
//! current ones over their home, and their building's concierge (with a photo, if one was
//! added), on the home page and at the top of 我的账户 (where signing in lands). Urgent notices
//! are also sent to each household (through the outbox, by the channels each chose).

use crate::access::Scope;
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::jurisdictions::JurisdictionRow;
use crate::db::notices::{Concierge, NewNotice, NoticeChange, NoticeRow};
use crate::db::{Audit, Tx};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::routes::photo_files::{accept_photo, photo_response};
use crate::shanghai::rfc3339;
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::notice::{
    check_concierge, check_notice, parse_local_minute, ConciergeList, ConciergeRequest,
    ConciergeView, HomeBoard, NoticeList, NoticePlace, NoticePost, NoticeView, COMING_WITHIN_SECS,
};
use anju_domain::JurisdictionLevel;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

/// Ended notices stay in the staff list this long, so a clerk can see what was said.
const STAFF_LIST_KEEPS_SECS: i64 = 30 * 24 * 3600;

/// `柳岸社区 3号楼` for a building, `柳岸社区` for a community: the last names of the path.
fn place_name(level: JurisdictionLevel, names: &str) -> String {
    let parts: Vec<&str> = names.split('/').filter(|p| !p.is_empty()).collect();
    let take = if level == JurisdictionLevel::Building {
        2
    } else {
        1
    };
    parts[parts.len().saturating_sub(take)..].join(" ")
}

fn notice_view(n: &NoticeRow, now: i64, for_staff: bool) -> NoticeView {
    NoticeView {
        id: n.id,
        scope_id: n.scope_id,
        scope_name: place_name(n.scope_level, &n.scope_names),
        kind: n.kind,
        title: n.title.clone(),
        body: n.body.clone(),
        starts_at: rfc3339(n.starts_at),
        ends_at: rfc3339(n.ends_at),
        urgent: n.urgent,
        current: n.starts_at <= now && now < n.ends_at && n.withdrawn_at.is_none(),
        withdrawn: n.withdrawn_at.is_some(),
        households_told: if for_staff { n.households_told } else { None },
    }
}

/// A community or building the caller may post for, or a 422 naming `field`.
async fn place_in_scope(
    state: &AppState,
    scope: &Scope,
    id: i64,
    field: &str,
    levels: &[JurisdictionLevel],
) -> ApiResult<JurisdictionRow> {
    state
        .jurisdiction(id)
        .await?
        .filter(|j| levels.contains(&j.level) && scope.holds(&j.id_path))
        .ok_or_else(|| {
            if levels == [JurisdictionLevel::Building] {
                ApiError::field(
                    field,
                    "请选择您负责的楼栋",
                    "Choose a building you are responsible for",
                )
            } else {
                ApiError::field(
                    field,
                    "请选择您负责的社区或楼栋",
                    "Choose a community or building you are responsible for",
                )
            }
        })
}

/// A notice as posted or edited, checked with the rules the form uses (`check_notice`), its
/// times in Unix seconds.
fn checked_change(req: &NoticePost, now: i64) -> ApiResult<NoticeChange<'_>> {
    let problems = check_notice(req, now);
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    // Checked above: both parse.
    let (Some(starts_at), Some(ends_at)) = (
        parse_local_minute(&req.starts_at),
        parse_local_minute(&req.ends_at),
    ) else {
        return Err(ApiError::field(
            "starts_at",
            "请选择开始的日期和时间",
            "Choose the date and time it starts",
        ));
    };
    Ok(NoticeChange {
        kind: req.kind,
        title: req.title.trim(),
        body: req.body.trim(),
        starts_at,
        ends_at,
        urgent: req.urgent,
    })
}

/// `12月8日 09:00` and `8 Dec 09:00`.
fn minute_words(secs: i64) -> (String, String) {
    let t = chrono::DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .with_timezone(&anju_domain::calendar::shanghai());
    (
        t.format("%-m月%-d日 %H:%M").to_string(),
        t.format("%-d %b %H:%M").to_string(),
    )
}

/// Post a notice for a community or a building of the caller's area (201; a retry with the
/// same `client_key` answers 200 with the first one). Urgent ones are sent to each household.
#[utoipa::path(
    post,
    path = "/notices",
    tag = "notices",
    request_body = NoticePost,
    responses(
        (status = 201, description = "Posted", body = NoticeView),
        (status = 200, description = "Already posted with this client_key", body = NoticeView),
    ),
    security(("session" = [])),
)]
pub async fn post_notice(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<NoticePost>,
) -> ApiResult<(StatusCode, Json<NoticeView>)> {
    let scope = Scope::require(&state, &user, Capability::PostNotices).await?;
    let now = state.clock.now();
    let change = checked_change(&req, now)?;
    let place = place_in_scope(
        &state,
        &scope,
        req.scope_id,
        "scope_id",
        &[JurisdictionLevel::Community, JurisdictionLevel::Building],
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let inserted = tx
        .insert_notice(&NewNotice {
            scope_id: place.id,
            scope_path: &place.id_path,
            notice: &change,
            created_by: user.id,
            created_at: now,
            client_key: req.client_key.trim(),
        })
        .await?;
    let (status, id) = match inserted {
        Some(id) => {
            if req.urgent {
                let told = tell_households(&mut tx, &place, &change, now, false).await?;
                tx.set_households_told(id, told).await?;
            }
            tx.audit(
                &Audit::new(
                    now,
                    Some(user.id),
                    "notice.post",
                    &format!("notice:{id}"),
                    &place.id_path,
                )
                .detail(&format!(
                    "scope={} kind={} urgent={}",
                    place.id,
                    req.kind.as_str(),
                    req.urgent
                )),
            )
            .await?;
            (StatusCode::CREATED, id)
        }
        None => {
            let id = tx
                .notice_by_key(user.id, req.client_key.trim())
                .await?
                .ok_or(ApiError::NotFound)?;
            (StatusCode::OK, id)
        }
    };
    tx.commit().await?;
    let (row, _) = state.db.notice(id).await?.ok_or(ApiError::NotFound)?;
    Ok((status, Json(notice_view(&row, now, true))))
}

/// Send an urgent notice to every resident and family account whose home is inside its place
/// (through the outbox, by the channels each chose); how many were told. A `correction` says
/// so first: they were told before, and what or when has changed since.
async fn tell_households(
    tx: &mut Tx,
    place: &JurisdictionRow,
    notice: &NoticeChange<'_>,
    now: i64,
    correction: bool,
) -> ApiResult<i64> {
    let households = tx.households_inside(&place.id_path).await?;
    let (kind_zh, kind_en) = notice.kind.words();
    let (from_zh, from_en) = minute_words(notice.starts_at);
    let (to_zh, to_en) = minute_words(notice.ends_at);
    let name = place_name(place.level, &place.name_path);
    let (fix_zh, fix_en) = if correction {
        ("【更正】", "Correction: ")
    } else {
        ("", "")
    };
    let message = format!(
        "{fix_zh}【{kind_zh}】{name}：{}，{from_zh} 至 {to_zh}。详见安居“我的账户”。",
        notice.title
    );
    let message_en = format!(
        "{fix_en}{kind_en} — {name}: {}, {from_en} to {to_en}. See “My account” in Anju.",
        notice.title
    );
    for account in &households {
        tx.notify(*account, now, "notice", None, &message, &message_en)
            .await?;
    }
    Ok(households.len() as i64)
}

/// Change a notice that is on or still to come: its kind, words, times or urgency (not its
/// place). Households that were sent it are sent the correction when its title, kind or times
/// change; a notice made urgent is sent to them then. Sending the same change again changes
/// nothing and sends nothing.
#[utoipa::path(
    put,
    path = "/notices/{id}",
    tag = "notices",
    params(("id" = String, Path)),
    request_body = NoticePost,
    responses(
        (status = 200, description = "Changed (or already so)", body = NoticeView),
        (status = 409, description = "Withdrawn or ended: no longer changeable"),
    ),
    security(("session" = [])),
)]
pub async fn edit_notice(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NoticePost>,
) -> ApiResult<Json<NoticeView>> {
    let scope = Scope::require(&state, &user, Capability::PostNotices).await?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let (before, path) = state
        .db
        .notice(id)
        .await?
        .filter(|(_, path)| scope.holds(path))
        .ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let closed = || {
        ApiError::Conflict {
        field: "notice",
        message: "这条通知已撤下或已结束，不能再修改；需要时请重新发布一条",
        message_en: "This notice has been withdrawn or has ended and can no longer be changed; post a new one if needed",
    }
    };
    if before.withdrawn_at.is_some() || before.ends_at <= now {
        return Err(closed());
    }
    if req.scope_id != before.scope_id {
        return Err(ApiError::field(
            "scope_id",
            "发布后不能更换通知范围；请撤下这条，再为新的范围发布一条",
            "A posted notice cannot move to another place; withdraw it and post one there",
        ));
    }
    let change = checked_change(&req, now)?;
    let changed: Vec<&str> = [
        ("kind", change.kind != before.kind),
        ("title", change.title != before.title),
        ("body", change.body != before.body),
        ("starts_at", change.starts_at != before.starts_at),
        ("ends_at", change.ends_at != before.ends_at),
        ("urgent", change.urgent != before.urgent),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect();
    if changed.is_empty() {
        return Ok(Json(notice_view(&before, now, true)));
    }
    let place = state
        .jurisdiction(before.scope_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut tx = state.db.begin().await?;
    if !tx.update_notice(id, &change, now).await? {
        return Err(closed());
    }
    // Households sent the old facts hear of new ones even if it is no longer marked urgent:
    // they would otherwise go by the old time. The body is on the portal, not in the text.
    let told_before = before.households_told.is_some();
    let what_or_when = changed
        .iter()
        .any(|f| matches!(*f, "kind" | "title" | "starts_at" | "ends_at"));
    if (told_before && what_or_when) || (change.urgent && !told_before) {
        let told = tell_households(&mut tx, &place, &change, now, told_before).await?;
        tx.set_households_told(id, told).await?;
    }
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "notice.edit",
            &format!("notice:{id}"),
            &path,
        )
        .detail(&format!("changed={}", changed.join(","))),
    )
    .await?;
    tx.commit().await?;
    let (row, _) = state.db.notice(id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(notice_view(&row, now, true)))
}

/// The notices of the caller's area: current, coming, and those ended within 30 days.
#[utoipa::path(
    get,
    path = "/notices",
    tag = "notices",
    responses((status = 200, description = "OK", body = NoticeList)),
    security(("session" = [])),
)]
pub async fn list_notices(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<NoticeList>> {
    let scope = Scope::require(&state, &user, Capability::PostNotices).await?;
    let now = state.clock.now();
    let rows = state
        .db
        .notices_inside(scope.prefix(), now - STAFF_LIST_KEEPS_SECS)
        .await?;
    let places = state
        .db
        .notice_places(scope.prefix())
        .await?
        .into_iter()
        .map(|(id, level, names)| NoticePlace {
            id,
            name: place_name(level, &names),
            level,
        })
        .collect();
    Ok(Json(NoticeList {
        items: rows.iter().map(|n| notice_view(n, now, true)).collect(),
        places,
    }))
}

/// Take a notice down before its end (it stays in the staff list, marked withdrawn).
#[utoipa::path(
    post,
    path = "/notices/{id}/withdraw",
    tag = "notices",
    params(("id" = String, Path)),
    responses((status = 200, description = "Withdrawn", body = NoticeView)),
    security(("session" = [])),
)]
pub async fn withdraw_notice(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<NoticeView>> {
    let scope = Scope::require(&state, &user, Capability::PostNotices).await?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let (_, path) = state
        .db
        .notice(id)
        .await?
        .filter(|(_, path)| scope.holds(path))
        .ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if tx.withdraw_notice(id, user.id, now).await? {
        tx.audit(&Audit::new(
            now,
            Some(user.id),
            "notice.withdraw",
            &format!("notice:{id}"),
            &path,
        ))
        .await?;
    }
    tx.commit().await?;
    let (row, _) = state.db.notice(id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(notice_view(&row, now, true)))
}

fn concierge_view_of(building_id: i64, names: &str, concierge: Option<Concierge>) -> ConciergeView {
    let (contact, photo_hash) = match concierge {
        Some(c) => (Some(c.contact), c.photo_hash),
        None => (None, None),
    };
    ConciergeView {
        building_id,
        building_name: place_name(JurisdictionLevel::Building, names),
        contact,
        // The hash in the address: a new photo is a new address, so no cache shows the old.
        photo_url: photo_hash.map(|h| {
            format!(
                "/api/buildings/{building_id}/concierge/photo?v={}",
                &h[..h.len().min(12)]
            )
        }),
    }
}

async fn concierge_view(state: &AppState, building: &JurisdictionRow) -> ApiResult<ConciergeView> {
    Ok(concierge_view_of(
        building.id,
        &building.name_path,
        state.db.concierge(building.id).await?,
    ))
}

/// What the signed-in resident's home page shows: the notices over their home now and in the
/// next three days, and their building's concierge. Empty for an account without a home.
#[utoipa::path(
    get,
    path = "/home/board",
    tag = "notices",
    responses((status = 200, description = "OK", body = HomeBoard)),
    security(("session" = [])),
)]
pub async fn home_board(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<HomeBoard>> {
    Ok(Json(board_of(&state, &user).await?))
}

async fn board_of(state: &AppState, user: &AccountRow) -> ApiResult<HomeBoard> {
    let home = match user.home_building_id {
        Some(id) => state.jurisdiction(id).await?,
        None => None,
    };
    let Some(building) = home else {
        return Ok(HomeBoard {
            notices: Vec::new(),
            concierge: None,
        });
    };
    let now = state.clock.now();
    let notices = state
        .db
        .notices_over(&building.id_path, now, now + COMING_WITHIN_SECS)
        .await?;
    let concierge = concierge_view(state, &building).await?;
    Ok(HomeBoard {
        notices: notices.iter().map(|n| notice_view(n, now, false)).collect(),
        concierge: concierge.contact.is_some().then_some(concierge),
    })
}

/// The buildings of the caller's area with their concierge contacts.
#[utoipa::path(
    get,
    path = "/concierges",
    tag = "notices",
    responses((status = 200, description = "OK", body = ConciergeList)),
    security(("session" = [])),
)]
pub async fn list_concierges(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<Json<ConciergeList>> {
    let scope = Scope::require(&state, &user, Capability::PostNotices).await?;
    let items = state
        .db
        .buildings_with_concierges(scope.prefix())
        .await?
        .into_iter()
        .map(|(id, names, concierge)| concierge_view_of(id, &names, concierge))
        .collect();
    Ok(Json(ConciergeList { items }))
}

/// Set a building's concierge contact, shown to its residents.
#[utoipa::path(
    put,
    path = "/buildings/{id}/concierge",
    tag = "notices",
    params(("id" = String, Path)),
    request_body = ConciergeRequest,
    responses((status = 200, description = "OK", body = ConciergeView)),
    security(("session" = [])),
)]
pub async fn set_concierge(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ConciergeRequest>,
) -> ApiResult<Json<ConciergeView>> {
    let building = building_to_manage(&state, &user, &id).await?;
    let problems = check_concierge(&req);
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    tx.set_concierge(building.id, &req, user.id, now).await?;
    audit_building(&mut tx, now, user.id, "concierge.set", &building, "").await?;
    tx.commit().await?;
    Ok(Json(concierge_view(&state, &building).await?))
}

/// Remove a building's concierge contact.
#[utoipa::path(
    delete,
    path = "/buildings/{id}/concierge",
    tag = "notices",
    params(("id" = String, Path)),
    responses((status = 204, description = "Removed; no content")),
    security(("session" = [])),
)]
pub async fn remove_concierge(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let building = building_to_manage(&state, &user, &id).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if tx.remove_concierge(building.id).await? {
        audit_building(&mut tx, now, user.id, "concierge.remove", &building, "").await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record a change to a building's concierge, in the change's transaction.
async fn audit_building(
    tx: &mut Tx,
    now: i64,
    actor: i64,
    action: &str,
    building: &JurisdictionRow,
    detail: &str,
) -> ApiResult<()> {
    let subject = format!("jurisdiction:{}", building.id);
    tx.audit(&Audit::new(now, Some(actor), action, &subject, &building.id_path).detail(detail))
        .await?;
    Ok(())
}

/// A building of the caller's area, for changing its concierge; 404 for any other id.
async fn building_to_manage(
    state: &AppState,
    user: &AccountRow,
    id: &str,
) -> ApiResult<JurisdictionRow> {
    let scope = Scope::require(state, user, Capability::PostNotices).await?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    place_in_scope(state, &scope, id, "id", &[JurisdictionLevel::Building])
        .await
        .map_err(|_| ApiError::NotFound)
}

/// Put a photo of the building's concierge beside their contact (the image itself as the
/// body; checked by its bytes and stored re-encoded without metadata). Replaces the last one.
#[utoipa::path(
    put,
    path = "/buildings/{id}/concierge/photo",
    tag = "notices",
    params(("id" = String, Path)),
    request_body(content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp")), description = "The photo's bytes (JPEG, PNG or WebP)"),
    responses(
        (status = 200, description = "OK", body = ConciergeView),
        (status = 409, description = "The building has no concierge contact yet"),
    ),
    security(("session" = [])),
)]
pub async fn set_concierge_photo(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ConciergeView>> {
    let building = building_to_manage(&state, &user, &id).await?;
    let body = crate::routes::retrofit::body_or_error(body)?;
    let no_contact = || ApiError::Conflict {
        field: "photo",
        message: "请先填写礼宾助理的联系方式，再添加照片",
        message_en: "Enter the concierge's contact first, then add a photo",
    };
    // Before the photo is processed and stored, to spare both; the update below decides.
    if state.db.concierge(building.id).await?.is_none() {
        return Err(no_contact());
    }
    let cleaned = accept_photo(&state, user.id, body).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !tx
        .set_concierge_photo(building.id, Some(&cleaned.hash), user.id, now)
        .await?
    {
        return Err(no_contact());
    }
    audit_building(
        &mut tx,
        now,
        user.id,
        "concierge.photo",
        &building,
        &cleaned.hash,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(concierge_view(&state, &building).await?))
}

/// Take the concierge's photo away (the contact stays).
#[utoipa::path(
    delete,
    path = "/buildings/{id}/concierge/photo",
    tag = "notices",
    params(("id" = String, Path)),
    responses((status = 200, description = "OK", body = ConciergeView)),
    security(("session" = [])),
)]
pub async fn remove_concierge_photo(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ConciergeView>> {
    let building = building_to_manage(&state, &user, &id).await?;
    let had_photo = state
        .db
        .concierge(building.id)
        .await?
        .is_some_and(|c| c.photo_hash.is_some());
    if had_photo {
        let now = state.clock.now();
        let mut tx = state.db.begin().await?;
        if tx
            .set_concierge_photo(building.id, None, user.id, now)
            .await?
        {
            audit_building(
                &mut tx,
                now,
                user.id,
                "concierge.photo_remove",
                &building,
                "",
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(Json(concierge_view(&state, &building).await?))
}

/// The concierge's photo: for the building's residents and the staff of its area; 404 for
/// anyone else, and when there is none.
#[utoipa::path(
    get,
    path = "/buildings/{id}/concierge/photo",
    tag = "notices",
    params(("id" = String, Path)),
    responses((status = 200, description = "The photo (JPEG, re-encoded without metadata)", content_type = "image/jpeg", body = Vec<u8>)),
    security(("session" = [])),
)]
pub async fn concierge_photo(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let lives_there = user.home_building_id == Some(id);
    if !lives_there {
        let scope = Scope::of(&state, &user, Capability::PostNotices)
            .await?
            .ok_or(ApiError::NotFound)?;
        place_in_scope(&state, &scope, id, "id", &[JurisdictionLevel::Building])
            .await
            .map_err(|_| ApiError::NotFound)?;
    }
    let hash = state
        .db
        .concierge(id)
        .await?
        .and_then(|c| c.photo_hash)
        .ok_or(ApiError::NotFound)?;
    photo_response(&state, &hash).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_named_by_their_last_names() {
        assert_eq!(
            place_name(
                JurisdictionLevel::Building,
                "江南省/临江市/滨湖区/湖滨街道/柳岸社区/3号楼"
            ),
            "柳岸社区 3号楼"
        );
        assert_eq!(
            place_name(
                JurisdictionLevel::Community,
                "江南省/临江市/滨湖区/湖滨街道/柳岸社区"
            ),
            "柳岸社区"
        );
        assert_eq!(minute_words(1_796_691_600).0, "12月8日 09:00");
        assert_eq!(minute_words(1_796_691_600).1, "8 Dec 09:00");
    }
}
