//! Filing a complaint or inquiry: by the resident in the app, or by staff on a resident's
//! behalf (phone, visit). A retried submission answers with the case the first one made.

use super::access::staff_scope;
use super::views::{
    build_case_view, case_view, home_line, masked_phone, next_due_for, ClockData, ViewParts,
};
use crate::auth::CurrentUser;
use crate::db::cases::{CaseRow, CreateCaseError, NewCase};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::routes::fields::field;
use crate::shanghai::rfc3339;
use crate::AppState;
use anju_domain::category::find_category;
use anju_domain::complaint::{
    check_case_text, CaseEventView, CaseState, CaseView, Channel, CreateCaseRequest,
};
use anju_domain::{JurisdictionLevel, PhoneNumber, Role};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use std::collections::BTreeMap;

/// File a complaint or inquiry. Idempotent by the client's key: a retried submission answers the case already filed.
#[utoipa::path(
    post,
    path = "/cases",
    tag = "complaints",
    request_body = CreateCaseRequest,
    responses((status = 200, description = "OK", body = CaseView), (status = 201, description = "Created", body = CaseView)),
    security(("session" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<CreateCaseRequest>,
) -> ApiResult<(StatusCode, Json<CaseView>)> {
    let mut fields = BTreeMap::new();
    for (f, zh, en) in check_case_text(&req) {
        field(&mut fields, f, zh, en);
    }
    let categories = state.categories().await?;
    let category = find_category(&categories, &req.category).cloned();
    if category.is_none() {
        field(
            &mut fields,
            "category",
            "请选择问题类别",
            "Choose a category",
        );
    }
    let staff = staff_scope(&state, &user).await?;
    // Who the case is for: the caller, or (staff only) the resident with that phone number.
    let resident = match (&req.on_behalf_of_phone, &staff) {
        (None, _) if matches!(user.role, Role::Resident | Role::Guardian) => Some(user.clone()),
        (None, _) => {
            field(
                &mut fields,
                "on_behalf_of_phone",
                "请填写居民的手机号",
                "Enter the resident's mobile number",
            );
            None
        }
        (Some(_), None) => return Err(ApiError::Forbidden),
        (Some(phone), Some(scope)) => match PhoneNumber::parse(phone) {
            Err(e) => {
                let (zh, en) = e.message();
                field(&mut fields, "on_behalf_of_phone", zh, en);
                None
            }
            Ok(p) => {
                let found = state.db.account_by_phone(p.as_str()).await?;
                let found =
                    found.filter(|a| a.home_building_id.is_some() && scope.holds(&a.scope_path));
                if found.is_none() {
                    field(
                        &mut fields,
                        "on_behalf_of_phone",
                        "您管辖范围内没有这个手机号的居民",
                        "No resident with this number in your area",
                    );
                }
                found
            }
        },
    };
    let building = match &resident {
        Some(r) => match r.home_building_id {
            Some(b) => state.jurisdiction(b).await?,
            None => None,
        },
        None => None,
    };
    let (Some(category), Some(resident), Some(building), true) =
        (category, resident, building, fields.is_empty())
    else {
        if fields.is_empty() {
            field(
                &mut fields,
                "home",
                "账户没有登记住址，无法提交",
                "Your account has no home address",
            );
        }
        return Err(ApiError::Validation(fields));
    };
    if building.level != JurisdictionLevel::Building {
        return Err(ApiError::field("home", "住址无效", "Invalid home address"));
    }
    let channel = match (&staff, req.on_behalf_of_phone.is_some()) {
        (Some(_), true) => req
            .channel
            .filter(|c| *c != Channel::App)
            .unwrap_or(Channel::Phone),
        _ => Channel::App,
    };
    let now = state.clock.now();
    let community_id = building.parent_id.unwrap_or(building.id);
    let community_name = match building.parent_id {
        Some(id) => state.jurisdiction(id).await?.map(|c| c.name),
        None => Some(building.name.clone()),
    }
    .unwrap_or_default();
    let clock_data = ClockData::empty();
    let mut case = CaseRow::provisional(&category, now);
    case.community_id = community_id;
    let calendar = state.calendar_for(community_id).await?;
    let due = next_due_for(&calendar, &case, &clock_data);
    let description = req.description.trim();
    let public_place = req.public_place.as_deref().map(str::trim);
    let contact_time = req
        .contact_time
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let mut tx = state.db.begin().await?;
    let result = tx
        .create_case(&NewCase {
            kind: category.kind,
            category: &category,
            resident_account_id: resident.id,
            filed_by_account_id: user.id,
            client_key: req.client_key.trim(),
            channel,
            community_id,
            scope_path: &building.id_path,
            description,
            public_place,
            contact_time,
            now,
            next_due_at: due,
        })
        .await;
    let as_staff = staff.is_some();
    match result {
        Ok((id, reference)) => {
            tx.commit().await?;
            // The answer is built from what this request holds, as the case's detail would
            // read it back (the tests compare the two): a just-filed case has no pauses,
            // targets met, photos or assignee, and one event, this submission. Reading it back
            // took eight statements per new complaint, the month-end rush's costliest request.
            let case = CaseRow {
                id,
                reference,
                resident_account_id: resident.id,
                channel,
                scope_path: building.id_path.clone(),
                description: description.to_owned(),
                public_place: public_place.map(str::to_owned),
                contact_time: contact_time.map(str::to_owned),
                next_due_at: due,
                ..case
            };
            let parts = ViewParts {
                clock: clock_data,
                timeline: vec![CaseEventView {
                    at: rfc3339(now),
                    action: "submit".into(),
                    state: CaseState::Submitted,
                    by_staff: user.role.is_staff(),
                    actor_name: user.display_name.clone(),
                    note: None,
                }],
                category: Some(category),
                community: community_name,
                resident_name: resident.display_name.clone(),
                assignee_name: None,
                resident_home: as_staff.then(|| home_line(building.name.clone(), &resident)),
                resident_phone_masked: as_staff.then(|| masked_phone(&resident)),
                photos: Vec::new(),
            };
            let view = build_case_view(now, &calendar, &case, as_staff, parts);
            Ok((StatusCode::CREATED, Json(view)))
        }
        // A retried submission: answer with the case the first attempt created.
        Err(CreateCaseError::Duplicate(id)) => {
            tx.commit().await?;
            let case = state.db.case(id).await?.ok_or(ApiError::NotFound)?;
            Ok((
                StatusCode::OK,
                Json(case_view(&state, &case, as_staff).await?),
            ))
        }
        Err(CreateCaseError::Db(e)) => Err(e.into()),
    }
}
