//! Complaints and inquiries: filing (by residents, or staff on their behalf), the resident's
//! own list, the staff queue by time left, and actions through the domain state machine.
//! A resident sees only their own cases, staff only their jurisdiction's; anything else is a
//! 404 so that case numbers reveal nothing.

use super::case_views::{case_view, next_due, ClockData};
use crate::access::Scope;
use crate::auth::CurrentUser;
use crate::db::accounts::AccountRow;
use crate::db::case_history::Transition;
use crate::db::cases::{CaseRow, CreateCaseError, NewCase};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::extract::{Path, Query};
use crate::AppState;
use anju_domain::access::Capability;
use anju_domain::category::find_category;
use anju_domain::complaint::{
    check_case_text, next_state, Actor, CaseAction, CaseActionRequest, CasePage, CaseView, Channel,
    CreateCaseRequest, Refusal, NOTE_MAX_CHARS,
};
use anju_domain::deadline::TargetName;
use anju_domain::{FieldError, JurisdictionLevel, PhoneNumber, Role};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use std::collections::BTreeMap;

const PAGE_SIZE: i64 = 30;

/// Staff who work cases, and the subtree they see.
pub(super) async fn staff_scope(state: &AppState, user: &AccountRow) -> ApiResult<Option<String>> {
    Ok(Scope::of(state, user, Capability::WorkCases)
        .await?
        .map(Scope::into_prefix))
}

pub(super) fn field(fields: &mut BTreeMap<String, FieldError>, name: &str, zh: &str, en: &str) {
    fields.insert(name.to_owned(), FieldError::new(zh, en));
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(req): ApiJson<CreateCaseRequest>,
) -> ApiResult<(StatusCode, Json<CaseView>)> {
    let mut fields = BTreeMap::new();
    for (f, zh, en) in check_case_text(&req) {
        field(&mut fields, f, zh, en);
    }
    let categories = state.db.categories().await?;
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
                let found = found
                    .filter(|a| a.home_building_id.is_some() && a.scope_path.starts_with(scope));
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
            Some(b) => state.db.jurisdiction(b).await?,
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
    let clock_data = ClockData::empty();
    let mut provisional = CaseRow::provisional(&category, now);
    provisional.community_id = building.parent_id.unwrap_or(building.id);
    let due = next_due(&state, &provisional, &clock_data).await?;
    let mut tx = state.db.begin().await?;
    let result = tx
        .create_case(&NewCase {
            kind: category.kind,
            category: &category,
            resident_account_id: resident.id,
            filed_by_account_id: user.id,
            client_key: req.client_key.trim(),
            channel,
            community_id: building.parent_id.unwrap_or(building.id),
            scope_path: &building.id_path,
            description: req.description.trim(),
            public_place: req.public_place.as_deref().map(str::trim),
            contact_time: req
                .contact_time
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty()),
            now,
            next_due_at: due,
        })
        .await;
    let (status, id) = match result {
        Ok(id) => {
            tx.commit().await?;
            (StatusCode::CREATED, id)
        }
        // A retried submission: answer with the case the first attempt created.
        Err(CreateCaseError::Duplicate(id)) => {
            tx.commit().await?;
            (StatusCode::OK, id)
        }
        Err(CreateCaseError::Db(e)) => return Err(e.into()),
    };
    let case = state.db.case(id).await?.ok_or(ApiError::NotFound)?;
    Ok((
        status,
        Json(case_view(&state, &case, staff.is_some()).await?),
    ))
}

#[derive(Deserialize)]
pub struct ListQuery {
    after: Option<String>,
    #[serde(default)]
    overdue: bool,
}

pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<CasePage>> {
    let bad_key = || ApiError::BadParameter {
        name: "after".into(),
    };
    let (rows, staff) = match staff_scope(&state, &user).await? {
        Some(scope) => {
            let after = match q.after.as_deref() {
                None => (i64::MIN, i64::MIN),
                Some(k) => anju_domain::complaint::parse_queue_key(k).ok_or_else(bad_key)?,
            };
            let due_before = if q.overdue {
                state.clock.now()
            } else {
                i64::MAX
            };
            (
                state
                    .db
                    .case_queue(&scope, after, due_before, PAGE_SIZE + 1)
                    .await?,
                true,
            )
        }
        None => {
            let before = match q.after.as_deref() {
                None => i64::MAX,
                Some(k) => k.parse().map_err(|_| bad_key())?,
            };
            (
                state
                    .db
                    .cases_of_resident(user.id, before, PAGE_SIZE + 1)
                    .await?,
                false,
            )
        }
    };
    let more = rows.len() as i64 > PAGE_SIZE;
    let mut items = Vec::new();
    for row in rows.iter().take(PAGE_SIZE as usize) {
        items.push(case_view(&state, row, staff).await?);
    }
    let next_after = more.then(|| {
        let last = &rows[PAGE_SIZE as usize - 1];
        if staff {
            anju_domain::complaint::queue_key(last.next_due_at, last.id)
        } else {
            last.id.to_string()
        }
    });
    Ok(Json(CasePage { items, next_after }))
}

/// The case if the caller may see it, and whether they see it as staff.
pub(super) async fn visible_case(
    state: &AppState,
    user: &AccountRow,
    id: &str,
) -> ApiResult<(CaseRow, bool)> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let case = state.db.case(id).await?.ok_or(ApiError::NotFound)?;
    if let Some(scope) = staff_scope(state, user).await? {
        if case.scope_path.starts_with(&scope) {
            return Ok((case, true));
        }
    }
    if case.resident_account_id == user.id {
        return Ok((case, false));
    }
    Err(ApiError::NotFound)
}

pub async fn get(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseView>> {
    let (case, staff) = visible_case(&state, &user, &id).await?;
    if staff {
        super::audit::record_view(
            &state,
            &user,
            "case.view",
            &format!("case:{}", case.id),
            &case.scope_path,
            "",
        )
        .await?;
    }
    Ok(Json(case_view(&state, &case, staff).await?))
}

pub async fn act(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CaseActionRequest>,
) -> ApiResult<Json<CaseView>> {
    let (case, staff) = visible_case(&state, &user, &id).await?;
    let actor = if staff { Actor::Staff } else { Actor::Resident };
    let to = next_state(case.state, req.action, actor, case.kind).map_err(|r| match r {
        Refusal::NotYours => ApiError::Forbidden,
        Refusal::WrongState => ApiError::Conflict {
            field: "action",
            message: "案件当前状态不能进行这个操作，请刷新后查看",
            message_en: "This cannot be done in the case's current state; reload to see it",
        },
    })?;
    let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > NOTE_MAX_CHARS) {
        return Err(ApiError::field(
            "note",
            "说明不能超过 1000 个字",
            "The note must be 1000 characters or fewer",
        ));
    }
    use CaseAction as A;
    if note.is_none()
        && matches!(
            req.action,
            A::Pause | A::AskResident | A::Resolve | A::Comment | A::ResidentReply | A::NotSolved
        )
    {
        return Err(ApiError::field(
            "note",
            "请写明原因或处理情况",
            "Add a note saying why or what was done",
        ));
    }
    let rating = match req.action {
        A::Confirm => match req.rating {
            Some(r) if r.is_valid() => Some(r),
            _ => {
                return Err(ApiError::field(
                    "rating",
                    "请为三项分别打 1–5 分",
                    "Rate each of the three from 1 to 5",
                ))
            }
        },
        _ => None,
    };
    let assignee = match req.action {
        A::Assign => {
            let id = req.assignee_id.unwrap_or(user.id);
            let ok = match state.db.account(id).await? {
                Some(a) => staff_scope(&state, &a)
                    .await?
                    .is_some_and(|s| case.scope_path.starts_with(&s)),
                None => false,
            };
            if !ok {
                return Err(ApiError::field(
                    "assignee_id",
                    "只能指派给负责这个区域的工作人员",
                    "Assign to staff responsible for this area",
                ));
            }
            Some(id)
        }
        // Whoever acknowledges or goes on site without an assignee takes the case.
        A::Acknowledge | A::ArriveOnSite if case.assignee_account_id.is_none() => Some(user.id),
        _ => None,
    };
    let resolve_target = TargetName::Resolve.as_str();
    let (met, unmet): (Vec<&str>, Vec<&str>) = match req.action {
        A::Acknowledge => (vec![TargetName::Acknowledge.as_str()], vec![]),
        A::ArriveOnSite => (vec![TargetName::OnSite.as_str()], vec![]),
        A::Resolve => (
            vec![
                resolve_target,
                TargetName::Answer.as_str(),
                TargetName::OnSite.as_str(),
            ],
            vec![],
        ),
        A::NotSolved => (vec![], vec![resolve_target, TargetName::Answer.as_str()]),
        _ => (vec![], vec![]),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let applied = tx
        .apply_transition(&Transition {
            case_id: case.id,
            from: case.state,
            to,
            actor: user.id,
            action: req.action.as_str(),
            note,
            now,
            assignee,
            acknowledge: matches!(
                req.action,
                A::Acknowledge | A::Assign | A::ArriveOnSite | A::Resolve
            ),
            open_pause: to.clock_stopped() && !case.state.clock_stopped(),
            close_pause: case.state.clock_stopped() && !to.clock_stopped(),
            targets_met: &met,
            targets_unmet: &unmet,
            rating,
            major: None,
            scope_path: &case.scope_path,
        })
        .await?;
    if !applied {
        return Err(ApiError::Conflict {
            field: "action",
            message: "案件刚刚被其他人更新了，请刷新后再试",
            message_en: "Someone else just updated this case; reload and try again",
        });
    }
    tx.commit().await?;
    let mut case = state.db.case(case.id).await?.ok_or(ApiError::NotFound)?;
    // Derived from the history just written; recomputed on every change.
    let due = next_due(&state, &case, &ClockData::load(&state, &case).await?).await?;
    let mut tx = state.db.begin().await?;
    tx.set_next_due(case.id, due).await?;
    case.next_due_at = due;
    super::case_notices::after_action(&mut tx, &case, req.action, now).await?;
    tx.commit().await?;
    let case = state.db.case(case.id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(case_view(&state, &case, staff).await?))
}

#[derive(serde::Serialize)]
pub struct Assignee {
    id: i64,
    display_name: String,
    role: Role,
}

/// Staff who may take this case: community staff and street reviewers over it.
pub async fn assignees(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Assignee>>> {
    let (case, staff) = visible_case(&state, &user, &id).await?;
    if !staff {
        return Err(ApiError::Forbidden);
    }
    let mut out = Vec::new();
    for role in [Role::CommunityStaff, Role::StreetReviewer] {
        for account_id in state.db.staff_over(&case.scope_path, role.as_str()).await? {
            if let Some(a) = state.db.account(account_id).await? {
                out.push(Assignee {
                    id: a.id,
                    display_name: a.display_name,
                    role: a.role,
                });
            }
        }
    }
    Ok(Json(out))
}
