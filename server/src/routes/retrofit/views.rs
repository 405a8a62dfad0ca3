//! How an application is shown: unsealing what the view needs, the server's assessment of the
//! answers, the task list, the timeline, and the actions open to the caller. The ID number is
//! always masked here; the full number only comes from the recorded reveal endpoint.

use super::access::{actor_for, may_edit, Viewer};
use super::place::county_rules;
use crate::db::retrofit::ApplicationRow;
use crate::error::{ApiError, ApiResult};
use crate::shanghai::today;
use crate::AppState;
use anju_domain::application::{
    return_progress, task_statuses, ApplicationSummary, ApplicationView, DocumentKind,
    DocumentView, Filled, HomeSection, PersonRef, RetrofitEventView, ReturnItem,
    ReturnItemProgress, ReturnRound,
};
use anju_domain::eligibility::{check, EligibilityAnswers};
use anju_domain::id_number::IdNumber;
use anju_domain::retrofit::{next_state, RetrofitAction, RetrofitState};
use anju_domain::retrofit_assessment::{may_book, AssessmentInfo, VisitState, VisitView};

/// The actions the API carries out so far; the later stages come with their own screens.
pub const AVAILABLE_ACTIONS: [RetrofitAction; 10] = [
    RetrofitAction::Submit,
    RetrofitAction::Withdraw,
    RetrofitAction::Approve,
    RetrofitAction::Return,
    RetrofitAction::Reject,
    RetrofitAction::Confirm,
    RetrofitAction::Decline,
    RetrofitAction::RecordAssessment,
    RetrofitAction::StartWorks,
    RetrofitAction::FinishWorks,
];

/// The timeline lines a construction company sees.
const WORKS_EVENTS: [&str; 7] = [
    "sign_plan",
    "assign_contractor",
    "start_works",
    "finish_works",
    "request_rework",
    "accept",
    "settle",
];

pub fn load_id_number(state: &AppState, app: &ApplicationRow) -> ApiResult<Option<IdNumber>> {
    let Some(sealed) = &app.id_number_enc else {
        return Ok(None);
    };
    let plain = state.settings.keys.open(sealed)?;
    Ok(IdNumber::parse(&plain).ok())
}

pub fn load_facts(state: &AppState, app: &ApplicationRow) -> ApiResult<Option<EligibilityAnswers>> {
    let Some(sealed) = &app.facts_enc else {
        return Ok(None);
    };
    let json = state.settings.keys.open(sealed)?;
    serde_json::from_str(&json)
        .map(Some)
        .map_err(|e| ApiError::Internal(e.into()))
}

/// What is filled in, owned, for the domain's task list and submit check.
pub struct FilledParts {
    elder: bool,
    home: bool,
    facts_complete: bool,
    documents: Vec<DocumentKind>,
    guardian_answered: bool,
    consent_version: Option<String>,
    returned: bool,
    /// The latest return's items with the family's answers (see `last_return`).
    last_return: Option<ReturnRound>,
}

impl FilledParts {
    pub fn as_filled<'a>(&'a self, facts: Option<&'a EligibilityAnswers>) -> Filled<'a> {
        Filled {
            elder: self.elder,
            home: self.home,
            facts,
            facts_complete: self.facts_complete,
            documents: &self.documents,
            guardian_answered: self.guardian_answered,
            consent_version: self.consent_version.as_deref(),
            return_items: self.open_return_items(),
        }
    }

    /// The items of a return the family is answering now (none once it went back).
    fn open_return_items(&self) -> &[ReturnItemProgress] {
        match &self.last_return {
            Some(round) if self.returned => &round.items,
            _ => &[],
        }
    }
}

/// The answers with the elder's ID number put back, as the assessment needs them.
fn answers_with_id(
    state: &AppState,
    app: &ApplicationRow,
    facts: Option<&EligibilityAnswers>,
) -> ApiResult<Option<EligibilityAnswers>> {
    Ok(facts.map(|f| {
        let mut a = f.clone();
        a.id_number = load_id_number(state, app)
            .ok()
            .flatten()
            .map(|n| n.as_str().to_owned());
        a
    }))
}

pub async fn filled_parts(
    state: &AppState,
    app: &ApplicationRow,
    facts: Option<&EligibilityAnswers>,
) -> ApiResult<FilledParts> {
    let docs = state.db.retrofit_documents(app.id).await?;
    let kinds = |rows: &mut dyn Iterator<Item = &crate::db::retrofit::DocumentRow>| {
        rows.filter_map(|d| DocumentKind::parse(&d.kind))
            .collect::<Vec<_>>()
    };
    let documents = kinds(&mut docs.iter());
    let since_return = match (app.return_document_mark, app.returned_at) {
        (Some(mark), _) => kinds(&mut docs.iter().filter(|d| d.id > mark)),
        // Returned before the mark existed: time is all there is.
        (None, Some(at)) => kinds(&mut docs.iter().filter(|d| d.uploaded_at > at)),
        (None, None) => Vec::new(),
    };
    let last_return = last_return(state, app, &since_return).await?;
    let rules = county_rules(state, app.county_id).await?;
    let facts_complete = match answers_with_id(state, app, facts)? {
        Some(a) => check(&a, rules, today(state.clock.now()))
            .next_question
            .is_none(),
        None => false,
    };
    Ok(FilledParts {
        elder: app.id_number_enc.is_some() && !app.elder_name.is_empty(),
        home: app.home_building_id.is_some()
            && app.home_unit.as_deref().is_some_and(|u| !u.is_empty())
            && app.home_room.as_deref().is_some_and(|r| !r.is_empty()),
        facts_complete,
        documents,
        guardian_answered: app.guardian_answered,
        consent_version: app.consent_version.clone(),
        returned: app.state == RetrofitState::Returned,
        last_return,
    })
}

/// The latest return and what the family did about each item. While the application is
/// returned its checklist and note are on the row; after it went back they are on the return's
/// timeline event (the row's are cleared on submitting).
async fn last_return(
    state: &AppState,
    app: &ApplicationRow,
    documents_since_return: &[DocumentKind],
) -> ApiResult<Option<ReturnRound>> {
    let Some(returned_at) = app.returned_at else {
        return Ok(None);
    };
    let (checklist, note) = if app.state == RetrofitState::Returned {
        (app.return_checklist.clone(), app.return_note.clone())
    } else {
        let events = state.db.retrofit_events(app.id).await?;
        let Some(event) = events.iter().rev().find(|e| e.action == "return") else {
            return Ok(None);
        };
        let detail: serde_json::Value =
            serde_json::from_str(&event.detail).unwrap_or(serde_json::Value::Null);
        let checklist: Vec<ReturnItem> =
            serde_json::from_value(detail["checklist"].clone()).unwrap_or_default();
        (checklist, event.note.clone())
    };
    let answers = state.db.return_answers(app.id, returned_at).await?;
    let saved: Vec<ReturnItem> = answers
        .iter()
        .filter(|a| a.saved_at.is_some())
        .map(|a| a.item)
        .collect();
    let replies: Vec<(ReturnItem, String, i64)> = answers
        .into_iter()
        .filter_map(|a| Some((a.item, a.reply?, a.replied_at?)))
        .collect();
    Ok(Some(ReturnRound {
        returned_at,
        note,
        items: return_progress(&checklist, documents_since_return, &saved, &replies),
    }))
}

async fn person(state: &AppState, id: Option<i64>) -> ApiResult<Option<PersonRef>> {
    Ok(match id {
        Some(id) => state.db.account(id).await?.map(|a| PersonRef {
            account_id: a.id,
            display_name: a.display_name,
        }),
        None => None,
    })
}

async fn name_of(state: &AppState, id: Option<i64>) -> ApiResult<Option<String>> {
    Ok(match id {
        Some(id) => state.jurisdiction(id).await?.map(|j| j.name),
        None => None,
    })
}

pub async fn application_view(
    state: &AppState,
    app: &ApplicationRow,
    viewer: Viewer,
) -> ApiResult<ApplicationView> {
    // The builder sees the home and the signed items; the answers about the elder's health,
    // income group and papers are not theirs.
    let builder = viewer == Viewer::Contractor;
    let facts = load_facts(state, app)?.filter(|_| !builder);
    let filled = filled_parts(state, app, facts.as_ref()).await?;
    let rules = county_rules(state, app.county_id).await?;
    let answers =
        answers_with_id(state, app, Some(&facts.clone().unwrap_or_default()))?.unwrap_or_default();
    let checked = check(&answers, rules, today(state.clock.now()));
    let outcome = if facts.is_some() {
        checked.outcome
    } else {
        None
    };
    let documents = if matches!(viewer, Viewer::Assessor | Viewer::Contractor) {
        Vec::new()
    } else {
        state.db.retrofit_documents(app.id).await?
    };
    let documents = documents
        .into_iter()
        .filter_map(|d| {
            Some(DocumentView {
                id: d.id,
                kind: DocumentKind::parse(&d.kind)?,
                content_type: d.content_type,
                size: d.size,
                url: format!("/api/retrofit/applications/{}/documents/{}", app.id, d.id),
                uploaded_at: d.uploaded_at,
            })
        })
        .collect();
    let events = state
        .db
        .retrofit_events(app.id)
        .await?
        .into_iter()
        // Notes on the earlier steps can be about the elder's health or papers.
        .filter(|e| !builder || WORKS_EVENTS.contains(&e.action.as_str()))
        .map(|e| {
            let detail: serde_json::Value =
                serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null);
            RetrofitEventView {
                at: e.at,
                action: e.action,
                state: e.state,
                by: e.actor_role,
                note: e.note,
                checklist: serde_json::from_value(detail["checklist"].clone()).unwrap_or_default(),
                reason: serde_json::from_value(detail["reason"].clone()).ok(),
                visit_at: detail["at"].as_i64(),
            }
        })
        .collect();
    let home = match (app.home_building_id, &app.home_unit, &app.home_room) {
        (Some(b), Some(u), Some(r)) => Some(HomeSection {
            building_id: b,
            unit: u.clone(),
            room: r.clone(),
        }),
        _ => None,
    };
    let home_label = match &home {
        Some(h) => state
            .jurisdiction(h.building_id)
            .await?
            .map(|b| format!("{} {}单元 {}", b.name_path, h.unit, h.room)),
        None => None,
    };
    // The street office checks who acts for the elder: relationship and proof (opening the
    // proof is recorded), and confirms a link for an elder who cannot use a phone.
    let mut family_links = Vec::new();
    if let (Viewer::Street, Some(elder)) = (viewer, app.elder_account_id) {
        for link in state.db.family_links_of_elder(elder).await? {
            family_links.push(crate::routes::guardians::view(state, &link).await?);
        }
    }
    let actions = AVAILABLE_ACTIONS
        .into_iter()
        .filter(|a| next_state(app.state, *a, actor_for(app, viewer, *a)).is_ok())
        .collect();
    Ok(ApplicationView {
        id: app.id,
        reference: app.reference.clone(),
        state: app.state,
        channel: app.channel,
        year: app.year as i32,
        elder_name: app.elder_name.clone(),
        id_number_masked: if builder {
            None
        } else {
            app.id_number_masked.clone()
        },
        elder_phone: app.elder_phone.clone(),
        elder_account: person(state, app.elder_account_id).await?,
        applicant: person(state, Some(app.applicant_account_id))
            .await?
            .ok_or(ApiError::NotFound)?,
        guardian: person(state, app.guardian_account_id).await?,
        family_links,
        home,
        home_label,
        street_name: name_of(state, app.street_id).await?,
        community_name: name_of(state, app.community_id).await?,
        tasks: task_statuses(&filled.as_filled(facts.as_ref())),
        facts,
        outcome,
        next_fact_question: checked.next_question,
        fact_path: anju_domain::eligibility::question_path(
            &answers,
            rules,
            today(state.clock.now()),
        ),
        consent_version: app.consent_version.clone(),
        consent_at: app.consent_at,
        documents,
        submitted_at: app.submitted_at,
        return_checklist: app.return_checklist.clone(),
        return_note: app.return_note.clone(),
        // The builder and the assessor see neither the return nor the family's words.
        last_return: if matches!(viewer, Viewer::Assessor | Viewer::Contractor) {
            None
        } else {
            filled.last_return.clone()
        },
        reject_reason: app.reject_reason,
        reject_note: app.reject_note.clone(),
        events,
        editable: may_edit(app, viewer),
        actions,
        assessment: if builder {
            None
        } else {
            assessment_info(state, app, viewer).await?
        },
        works: super::works::works_view(state, app, viewer).await?,
        settlement: super::settlement::settlement_view(state, app, viewer).await?,
        warranty: super::warranty::warranty_view(state, app, viewer).await?,
    })
}

/// The application as it is after a change the caller just committed, as the caller sees it.
pub async fn view_after_change(
    state: &AppState,
    id: i64,
    viewer: Viewer,
) -> ApiResult<ApplicationView> {
    let app = state.db.application(id).await?.ok_or(ApiError::NotFound)?;
    application_view(state, &app, viewer).await
}

async fn assessment_info(
    state: &AppState,
    app: &ApplicationRow,
    viewer: Viewer,
) -> ApiResult<Option<AssessmentInfo>> {
    let (Some(org_id), Some(assigned_at)) = (app.assessment_org_id, app.assigned_at) else {
        return Ok(None);
    };
    let Some(org) = state.db.assessment_org(org_id).await? else {
        return Ok(None);
    };
    let visit = visit_view(app);
    let record = super::record::load_record(state, app).await?;
    let facts = load_facts(state, app)?;
    Ok(Some(AssessmentInfo {
        disability_mismatch: anju_domain::retrofit_record::disability_mismatch(
            facts.as_ref(),
            &record,
        ),
        record_missing: record.missing(),
        org_id,
        org_name: org.name,
        assigned_at,
        may_propose_visit: viewer == Viewer::Assessor && may_book(app.state),
        may_ask_another_time: viewer == Viewer::Family
            && may_book(app.state)
            && visit
                .as_ref()
                .is_some_and(|v| v.state == VisitState::Proposed),
        visit,
    }))
}

pub fn visit_view(app: &ApplicationRow) -> Option<VisitView> {
    Some(VisitView {
        at: app.visit_at?,
        state: app.visit_state?,
        note: app.visit_note.clone(),
    })
}

pub fn summary(
    app: &ApplicationRow,
    community_names: &std::collections::HashMap<i64, String>,
) -> ApplicationSummary {
    let grounds = app
        .grounds
        .split(',')
        .filter_map(anju_domain::application::parse_ground)
        .collect();
    ApplicationSummary {
        id: app.id,
        reference: app.reference.clone(),
        state: app.state,
        elder_name: app.elder_name.clone(),
        community_name: app
            .community_id
            .and_then(|c| community_names.get(&c).cloned())
            .unwrap_or_default(),
        grounds,
        self_paid: app.grounds == "self_paid",
        submitted_at: app.submitted_at,
        created_at: app.created_at,
        assessment_org_id: app.assessment_org_id,
        contractor_org_id: app.contractor_org_id,
        elder_account_id: app.elder_account_id,
        year: app.year,
    }
}
