//! The works (施工), once the county assigned a household with a signed plan to one of its
//! construction companies (`assessment::assign`): the company's staff see only their
//! households ([`contractor_list`]), photograph every item of the signed plan before and after
//! and the cleared site at the end, and start and finish the works (through `actions`, which
//! asks [`photo_counts`] whether the photos are there). The family, the offices and the
//! contractor follow it item by item on the application's page ([`works_view`]).

use super::access::{visible_application, Viewer};
use super::assessment::{org_households, reloaded, ListQuery};
use crate::auth::CurrentUser;
use crate::db::retrofit::assessment_photos::{PhotoSet, RoomPhotoRow};
use crate::db::retrofit::ApplicationRow;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::routes::fields::refused;
use crate::routes::photo_files::accept_photo;
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::application::ApplicationView;
use anju_domain::retrofit::RetrofitState;
use anju_domain::retrofit_acceptance::{FamilyResponseView, ItemVerdict, Verdict};
use anju_domain::retrofit_assessment::mask_name;
use anju_domain::retrofit_plan::PlanLine;
use anju_domain::retrofit_works::{
    check_photo, item_progress, missing_to_finish, missing_to_start, ItemProgress, OrgKind,
    PhotoCounts, PhotoStage, WorksItemView, WorksList, WorksPhotoView, WorksSlot, WorksSummary,
    WorksView, MAX_PHOTOS_PER_SLOT,
};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;

/// The lines of the signed plan version, in its order (empty before a plan is signed).
pub(super) async fn signed_lines(
    state: &AppState,
    app: &ApplicationRow,
) -> ApiResult<Vec<PlanLine>> {
    let rows = state.db.plans_of(app.id).await?;
    let Some(signed) = rows.iter().rev().find(|r| r.state == "signed") else {
        return Ok(Vec::new());
    };
    serde_json::from_str(&signed.lines_json).map_err(|e| ApiError::Internal(e.into()))
}

/// The slots of the photos that count toward `lines` items.
fn counts_of(lines: usize, counted: &[&RoomPhotoRow]) -> PhotoCounts {
    PhotoCounts::of(
        lines,
        counted.iter().filter_map(|r| WorksSlot::parse(&r.room)),
    )
}

/// The items the last acceptance visit sent back, with its note, and the photo mark after
/// which their new after-photos count.
struct Rework {
    notes: Vec<(u16, String)>,
    mark: i64,
}

async fn open_rework(state: &AppState, app: &ApplicationRow) -> ApiResult<Rework> {
    let none = Rework {
        notes: Vec::new(),
        mark: 0,
    };
    if app.state != RetrofitState::UnderConstruction {
        return Ok(none);
    }
    let Some(last) = state.db.acceptances_of(app.id).await?.pop() else {
        return Ok(none);
    };
    let items: Vec<ItemVerdict> =
        serde_json::from_str(&last.items_json).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Rework {
        notes: items
            .into_iter()
            .filter(|i| i.verdict == Verdict::Rework)
            .map(|i| (i.line, i.note))
            .collect(),
        mark: last.photo_mark,
    })
}

/// The photos that count: an item sent back is proven only by after-photos taken since.
fn counting<'a>(rows: &'a [RoomPhotoRow], rework: &'a Rework) -> Vec<&'a RoomPhotoRow> {
    rows.iter()
        .filter(|r| match WorksSlot::parse(&r.room) {
            Some(WorksSlot::Item {
                line,
                stage: PhotoStage::After,
            }) => r.id > rework.mark || !rework.notes.iter().any(|(l, _)| *l == line),
            _ => true,
        })
        .collect()
}

/// What the household's works photos prove so far, against its signed plan.
pub(super) async fn photo_counts(state: &AppState, app: &ApplicationRow) -> ApiResult<PhotoCounts> {
    let lines = signed_lines(state, app).await?;
    let rows = state.db.household_photos(PhotoSet::Works, app.id).await?;
    let rework = open_rework(state, app).await?;
    Ok(counts_of(lines.len(), &counting(&rows, &rework)))
}

fn photo_view(app: &ApplicationRow, row: &RoomPhotoRow) -> Option<WorksPhotoView> {
    Some(WorksPhotoView {
        id: row.id,
        slot: WorksSlot::parse(&row.room)?,
        url: format!(
            "/api/retrofit/applications/{}/works-photos/{}",
            app.id, row.id
        ),
        width: u32::try_from(row.width).ok()?,
        height: u32::try_from(row.height).ok()?,
        uploaded_at: row.uploaded_at,
    })
}

/// The works on the application's page, once a construction company is assigned.
pub(super) async fn works_view(
    state: &AppState,
    app: &ApplicationRow,
    viewer: Viewer,
) -> ApiResult<Option<WorksView>> {
    let (Some(org_id), Some(assigned_at)) = (app.contractor_org_id, app.contractor_assigned_at)
    else {
        return Ok(None);
    };
    let Some(org) = state.db.assessment_org(org_id).await? else {
        return Ok(None);
    };
    let lines = signed_lines(state, app).await?;
    let rows = state.db.household_photos(PhotoSet::Works, app.id).await?;
    let rework = open_rework(state, app).await?;
    let counts = counts_of(lines.len(), &counting(&rows, &rework));
    let photos: Vec<WorksPhotoView> = rows.iter().filter_map(|r| photo_view(app, r)).collect();
    let of_slot = |slot: WorksSlot| -> Vec<WorksPhotoView> {
        photos.iter().filter(|p| p.slot == slot).cloned().collect()
    };
    let items: Vec<WorksItemView> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let no = u16::try_from(i + 1).unwrap_or(u16::MAX);
            let slot = |stage| WorksSlot::Item { line: no, stage };
            WorksItemView {
                line: no,
                item_no: line.item.no,
                name_zh: line.item.name_zh.clone(),
                room: line.room,
                quantity_centi: line.quantity_centi,
                unit_zh: line.item.unit_zh.clone(),
                progress: item_progress(counts.items[i]),
                before: of_slot(slot(PhotoStage::Before)),
                after: of_slot(slot(PhotoStage::After)),
                rework_note: rework
                    .notes
                    .iter()
                    .find(|(l, _)| *l == no)
                    .map(|(_, n)| n.clone()),
                inspection: of_slot(WorksSlot::Inspection { line: no }),
            }
        })
        .collect();
    // The family's word on the accepting visit (the last round, once accepted).
    let accepted = matches!(app.state, RetrofitState::Accepted | RetrofitState::Settled);
    let family_response = if accepted {
        let last_round = state
            .db
            .acceptances_of(app.id)
            .await?
            .pop()
            .map(|r| r.round);
        state
            .db
            .acceptance_responses(app.id)
            .await?
            .into_iter()
            .find(|r| Some(r.round) == last_round)
            .map(|r| FamilyResponseView {
                agrees: r.agrees,
                note: r.note,
                at: r.answered_at,
            })
    } else {
        None
    };
    // Once the works started the contract no longer holds anything back.
    let contract_signed = app.state != RetrofitState::PlanSigned
        || super::contract::signed_with_current(state, app).await?;
    let missing = match app.state {
        RetrofitState::PlanSigned => missing_to_start(&counts),
        RetrofitState::UnderConstruction => missing_to_finish(&counts),
        _ => Vec::new(),
    };
    Ok(Some(WorksView {
        org_id,
        org_name: org.name,
        assigned_at,
        done: items
            .iter()
            .filter(|i| i.progress == ItemProgress::Done)
            .count(),
        items,
        cleared: of_slot(WorksSlot::Cleared),
        missing,
        may_add_photos: viewer == Viewer::Contractor
            && matches!(
                app.state,
                RetrofitState::PlanSigned | RetrofitState::UnderConstruction
            ),
        may_accept: viewer == Viewer::Street && app.state == RetrofitState::AwaitingAcceptance,
        contract_signed,
        accepted_at: app.accepted_at,
        may_respond: viewer == Viewer::Family && accepted && family_response.is_none(),
        family_response,
        supervision_report: super::supervision::report_view(state, app).await?,
        may_file_report: super::supervision::may_file(app, viewer),
    }))
}

/// `GET /api/retrofit/works`: the households of the caller's construction company, newest
/// first, with the elder's name masked.
#[utoipa::path(
    get,
    path = "/retrofit/works",
    tag = "retrofit",
    params(ListQuery),
    responses((status = 200, description = "OK", body = WorksList)),
    security(("session" = [])),
)]
pub async fn contractor_list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<WorksList>> {
    let Some((org, households, next_after)) = org_households(
        &state,
        &user,
        (Capability::BuildWorks, OrgKind::Construction),
        q.after,
    )
    .await?
    else {
        return Ok(Json(WorksList {
            org_name: None,
            items: Vec::new(),
            next_after: None,
        }));
    };
    let items = households
        .into_iter()
        .map(|h| WorksSummary {
            id: h.row.id,
            reference: h.row.reference.clone(),
            state: h.row.state,
            elder_name_masked: mask_name(&h.row.elder_name),
            community_name: h.community_name,
            home_label: h.home_label,
            contact_phone: h.contact_phone,
            assigned_at: h.row.contractor_assigned_at.unwrap_or(h.row.created_at),
        })
        .collect();
    Ok(Json(WorksList {
        org_name: Some(org.name),
        items,
        next_after,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    slot: String,
}

/// `POST /api/retrofit/applications/{id}/works-photos?slot=item:2:after`: a photo of an item
/// before or after, or of the cleared site (`slot=cleared`) — the contractor's — or the street
/// reviewer's photo of an item at the acceptance visit (`slot=inspection:2`), the image itself
/// as the body;
/// checked by its bytes and re-encoded without metadata. A retried upload is kept once.
#[utoipa::path(
    post,
    path = "/retrofit/applications/{id}/works-photos",
    tag = "retrofit",
    params(("id" = String, Path), SlotQuery),
    request_body(content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp")), description = "The photo's bytes (JPEG, PNG or WebP); stored re-encoded without metadata"),
    responses((status = 201, description = "Created", body = ApplicationView)),
    security(("session" = [])),
)]
pub async fn upload_photo(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<SlotQuery>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if !matches!(viewer, Viewer::Contractor | Viewer::Street) {
        return Err(ApiError::Forbidden);
    }
    let slot = WorksSlot::parse(&q.slot).ok_or_else(|| {
        ApiError::field(
            "slot",
            "照片的位置应为 item:序号:before、item:序号:after、cleared 或 inspection:序号",
            "slot must be item:<line>:before, item:<line>:after, cleared or inspection:<line>",
        )
    })?;
    // The builder proves the works; the street office's reviewer photographs what it finds.
    let reviewer_slot = matches!(slot, WorksSlot::Inspection { .. });
    if reviewer_slot != (viewer == Viewer::Street) {
        return Err(ApiError::Forbidden);
    }
    check_photo(app.state, slot, &photo_counts(&state, &app).await?).map_err(refused)?;
    let body = super::body_or_error(body)?;
    let cleaned = accept_photo(&state, user.id, body).await?;
    let key = slot.key();
    // An item sent back is proven by a photo taken since; the one from before does not count,
    // and stored once per slot it would otherwise be taken silently as a retry.
    if let WorksSlot::Item {
        line,
        stage: PhotoStage::After,
    } = slot
    {
        let rework = open_rework(&state, &app).await?;
        let earlier = state
            .db
            .household_photos(PhotoSet::Works, app.id)
            .await?
            .into_iter()
            .any(|r| r.room == key && r.hash == cleaned.hash && r.id <= rework.mark);
        if earlier && rework.notes.iter().any(|(l, _)| *l == line) {
            return Err(ApiError::field(
                "photo",
                "这张照片在返工前已经上传过，请拍一张返工后的新照片",
                "This photo was sent before the rework; take a new one of the redone item",
            ));
        }
    }
    // An item's first after-photo (or its first since a rework) finishes it: the family hears.
    let finished = match slot {
        WorksSlot::Item {
            line,
            stage: PhotoStage::After,
        } => {
            let counts = photo_counts(&state, &app).await?;
            let first_after = usize::from(line)
                .checked_sub(1)
                .and_then(|i| counts.items.get(i))
                .is_some_and(|(_, after)| *after == 0);
            let name = signed_lines(&state, &app)
                .await?
                .get(usize::from(line).saturating_sub(1))
                .map(|l| l.item.name_zh.clone())
                .unwrap_or_default();
            first_after.then(|| super::record::Notice {
                to: Vec::new(),
                zh: format!(
                    "第 {line} 项“{name}”已完工（申请 {}），可以在申请页面看施工后照片",
                    app.reference
                ),
                en: format!(
                    "Item {line} ({name}) is done ({}); see the after-photo on the application's page",
                    app.reference
                ),
            })
        }
        _ => None,
    };
    let finished = match finished {
        Some(mut n) => {
            n.to = super::assessment::family(&state, &app).await?;
            Some(n)
        }
        None => None,
    };
    let status = super::record::store_photo(
        &state,
        &user,
        &app,
        (PhotoSet::Works, &key),
        &cleaned,
        (MAX_PHOTOS_PER_SLOT, finished.as_ref()),
    )
    .await?
    .ok_or_else(|| refused(anju_domain::retrofit_works::WorksRefusal::Full))?;
    let Json(view) = reloaded(&state, app.id, viewer).await?;
    Ok((status, Json(view)))
}

/// `GET /api/retrofit/applications/{id}/works-photos/{photo}`: for whoever sees the
/// household's works; an office's look is recorded.
#[utoipa::path(
    get,
    path = "/retrofit/applications/{id}/works-photos/{photo}",
    tag = "retrofit",
    params(("id" = String, Path), ("photo" = String, Path)),
    responses((status = 200, description = "The photo (JPEG, re-encoded without metadata)", content_type = "image/jpeg", body = Vec<u8>)),
    security(("session" = [])),
)]
pub async fn download_photo(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, photo)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    super::record::send_photo(
        &state,
        &user,
        &app,
        (PhotoSet::Works, None),
        &photo,
        !matches!(viewer, Viewer::Family | Viewer::Contractor),
    )
    .await
}
