//! The in-home assessment record: the assessor saves it screen by screen (activities, each
//! room, the elder's wishes) while the household waits for its assessment; the family and the
//! reviewing offices read it. The record describes what the elder can and cannot do, so it is
//! sealed at rest, and every office's reading is recorded for the family to see.

use super::access::{visible_application, Viewer};
use super::views::load_facts;
use crate::auth::CurrentUser;
use crate::db::retrofit::assessment::Booked;
use crate::db::retrofit::ApplicationRow;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::Path;
use crate::routes::fields::refused;
use crate::AppState;
use anju_domain::retrofit_assessment::{may_book, AssessmentRefusal};
use anju_domain::retrofit_record::{
    disability_mismatch, AssessmentRecord, AssessmentRecordView, RecordUpdate,
};
use axum::extract::State;
use axum::Json;

fn unsealed(state: &AppState, sealed: Option<String>) -> ApiResult<AssessmentRecord> {
    let Some(sealed) = sealed else {
        return Ok(AssessmentRecord::default());
    };
    let json = state.settings.keys.open(&sealed)?;
    serde_json::from_str(&json).map_err(|e| ApiError::Internal(e.into()))
}

/// The household's record, unsealed (empty before the first screen is saved).
pub(super) async fn load_record(
    state: &AppState,
    app: &ApplicationRow,
) -> ApiResult<AssessmentRecord> {
    unsealed(state, state.db.assessment_record(app.id).await?)
}

fn view_of(
    state: &AppState,
    app: &ApplicationRow,
    viewer: Viewer,
    record: AssessmentRecord,
) -> ApiResult<AssessmentRecordView> {
    let facts = load_facts(state, app)?;
    Ok(AssessmentRecordView {
        missing: record.missing(),
        disability_mismatch: disability_mismatch(facts.as_ref(), &record),
        editable: viewer == Viewer::Assessor && may_book(app.state),
        record,
    })
}

/// `GET /api/retrofit/applications/{id}/assessment-record`.
pub async fn get(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<AssessmentRecordView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    if viewer != Viewer::Family {
        // What the elder can and cannot do: each office's look is on the family's record.
        crate::routes::audit::record_view(
            &state,
            &user,
            "retrofit.view",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
            "assessment_record",
        )
        .await?;
    }
    let record = load_record(&state, &app).await?;
    Ok(Json(view_of(&state, &app, viewer, record)?))
}

/// `PUT /api/retrofit/applications/{id}/assessment-record`: one screen, in place of what it
/// held; saving the same screen again (a retry after a dropped connection) changes nothing.
pub async fn save(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(update): ApiJson<RecordUpdate>,
) -> ApiResult<Json<AssessmentRecordView>> {
    let (app, viewer) = visible_application(&state, &user, &id).await?;
    let (Viewer::Assessor, Some(org)) = (viewer, app.assessment_org_id) else {
        return Err(ApiError::Forbidden);
    };
    if !may_book(app.state) {
        return Err(refused(AssessmentRefusal::WrongState));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if tx.hold_for_assessment(app.id, org, now).await? == Booked::Stale {
        return Err(refused(AssessmentRefusal::WrongState));
    }
    let mut record = unsealed(&state, tx.assessment_record_held(app.id).await?)?;
    record.apply(&update).map_err(refused)?;
    let json = serde_json::to_string(&record).map_err(|e| ApiError::Internal(e.into()))?;
    tx.put_assessment_record(app.id, &state.settings.keys.seal(&json), user.id, now)
        .await?;
    // Which screen, never its answers: the audit log is read more widely than the record.
    let screen = match &update {
        RecordUpdate::Activities { .. } => "activities".to_owned(),
        RecordUpdate::Room(r) => {
            format!("room:{}", serde_json::json!(r.room).as_str().unwrap_or(""))
        }
        RecordUpdate::Wishes { .. } => "wishes".to_owned(),
    };
    tx.audit(
        &Audit::new(
            now,
            Some(user.id),
            "retrofit.assessment_record",
            &format!("retrofit_application:{}", app.id),
            &app.scope_path,
        )
        .detail(&screen),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(view_of(&state, &app, viewer, record)?))
}
