//! Every HTTP call the app makes. Failures come back as the server's error envelope; network
//! failures are turned into one too, so pages handle a single error shape.

use anju_domain::complaint::{CaseActionRequest, CasePage, CaseView, CreateCaseRequest};
use anju_domain::retrofit_assessment::{
    AskAnotherTime, AssessmentList, AssessmentOrgsView, AssignAssessmentOrg, NewAssessmentOrg,
    ProposeVisit,
};
use anju_domain::retrofit_works::OrgKind;
use anju_domain::{
    AccountPage, AccountView, ErrorEnvelope, JurisdictionView, Preferences, RegisterRequest,
    SessionView, SignInRequest,
};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub type ApiResult<T> = Result<T, ErrorEnvelope>;

fn network_error() -> ErrorEnvelope {
    ErrorEnvelope {
        code: "network".into(),
        message: crate::catalog::text(anju_domain::Locale::ZhCn, "errors.network").into(),
        message_en: crate::catalog::text(anju_domain::Locale::En, "errors.network").into(),
        fields: Default::default(),
        retry_after_secs: None,
        link: None,
    }
}

/// Our client header: the server refuses state changes without it (or a same-origin Origin).
fn with_client_header(b: RequestBuilder) -> RequestBuilder {
    b.header("x-anju-client", "1")
}

async fn read<T: DeserializeOwned>(response: Result<Response, gloo_net::Error>) -> ApiResult<T> {
    let response = response.map_err(|_| network_error())?;
    if response.ok() {
        response.json::<T>().await.map_err(|_| network_error())
    } else {
        Err(response
            .json::<ErrorEnvelope>()
            .await
            .unwrap_or_else(|_| network_error()))
    }
}

async fn get<T: DeserializeOwned>(url: &str) -> ApiResult<T> {
    read(Request::get(url).send().await).await
}

async fn send_json<B: Serialize, T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &B,
) -> ApiResult<T> {
    let request = with_client_header(builder)
        .json(body)
        .map_err(|_| network_error())?;
    read(request.send().await).await
}

/// A JSON request whose answer carries no content.
async fn send_json_no_content<B: Serialize>(builder: RequestBuilder, body: &B) -> ApiResult<()> {
    let request = with_client_header(builder)
        .json(body)
        .map_err(|_| network_error())?;
    read_no_content(request.send().await).await
}

/// The answer to a call that returns no content: success, or the error envelope.
async fn read_no_content(response: Result<Response, gloo_net::Error>) -> ApiResult<()> {
    match response {
        Ok(r) if r.ok() => Ok(()),
        Ok(r) => Err(r
            .json::<ErrorEnvelope>()
            .await
            .unwrap_or_else(|_| network_error())),
        Err(_) => Err(network_error()),
    }
}

pub async fn session() -> ApiResult<Option<AccountView>> {
    get::<SessionView>("/api/session").await.map(|s| s.account)
}

pub async fn sign_in(req: &SignInRequest) -> ApiResult<AccountView> {
    send_json(Request::post("/api/auth/sign-in"), req).await
}

pub async fn register(req: &RegisterRequest) -> ApiResult<AccountView> {
    send_json(Request::post("/api/auth/register"), req).await
}

pub async fn send_sms_code(
    phone: &str,
    purpose: anju_domain::SmsPurpose,
) -> ApiResult<anju_domain::SmsCodeSent> {
    send_json(
        Request::post("/api/auth/sms-codes"),
        &anju_domain::SmsCodeRequest {
            phone: phone.to_owned(),
            purpose,
        },
    )
    .await
}

pub async fn reset_password(req: &anju_domain::ResetPasswordRequest) -> ApiResult<()> {
    send_json_no_content(Request::post("/api/auth/password-reset"), req).await
}

pub async fn staff_reset_password(
    req: &anju_domain::StaffResetRequest,
) -> ApiResult<anju_domain::StaffResetView> {
    send_json(Request::post("/api/staff/password-resets"), req).await
}

pub async fn change_password(
    req: &anju_domain::ChangePasswordRequest,
) -> ApiResult<anju_domain::SessionsEnded> {
    send_json(Request::put("/api/me/password"), req).await
}

pub async fn end_other_sessions() -> ApiResult<anju_domain::SessionsEnded> {
    send_json(
        Request::post("/api/me/sessions/end-others"),
        &serde_json::json!({}),
    )
    .await
}

pub async fn confirm_guardian_link(id: i64) -> ApiResult<GuardianLinkView> {
    send_json(
        Request::post(&format!("/api/guardians/{id}/confirm")),
        &serde_json::json!({}),
    )
    .await
}

pub async fn sign_out() -> ApiResult<()> {
    post_empty("/api/auth/sign-out").await
}

/// A POST without a body whose answer carries no content.
async fn post_empty(url: &str) -> ApiResult<()> {
    read_no_content(with_client_header(Request::post(url)).send().await).await
}

pub async fn set_preferences(prefs: &Preferences) -> ApiResult<Preferences> {
    send_json(Request::put("/api/me/preferences"), prefs).await
}

pub async fn message_channels() -> ApiResult<anju_domain::notification::MessageChannelsView> {
    get("/api/me/channels").await
}

pub async fn set_message_channels(
    choice: &anju_domain::notification::MessageChannels,
) -> ApiResult<anju_domain::notification::MessageChannelsView> {
    send_json(Request::put("/api/me/channels"), choice).await
}

pub async fn home_board() -> ApiResult<anju_domain::notice::HomeBoard> {
    get("/api/home/board").await
}

pub async fn notices() -> ApiResult<anju_domain::notice::NoticeList> {
    get("/api/notices").await
}

pub async fn post_notice(
    post: &anju_domain::notice::NoticePost,
) -> ApiResult<anju_domain::notice::NoticeView> {
    send_json(Request::post("/api/notices"), post).await
}

pub async fn edit_notice(
    id: i64,
    post: &anju_domain::notice::NoticePost,
) -> ApiResult<anju_domain::notice::NoticeView> {
    send_json(Request::put(&format!("/api/notices/{id}")), post).await
}

pub async fn withdraw_notice(id: i64) -> ApiResult<anju_domain::notice::NoticeView> {
    read(
        with_client_header(Request::post(&format!("/api/notices/{id}/withdraw")))
            .send()
            .await,
    )
    .await
}

pub async fn concierges() -> ApiResult<anju_domain::notice::ConciergeList> {
    get("/api/concierges").await
}

pub async fn set_concierge(
    building: i64,
    contact: &anju_domain::notice::ConciergeRequest,
) -> ApiResult<anju_domain::notice::ConciergeView> {
    send_json(
        Request::put(&format!("/api/buildings/{building}/concierge")),
        contact,
    )
    .await
}

pub async fn set_concierge_photo(
    building: i64,
    photo: &web_sys::Blob,
) -> ApiResult<anju_domain::notice::ConciergeView> {
    let request = with_client_header(Request::put(&format!(
        "/api/buildings/{building}/concierge/photo"
    )))
    .header("content-type", "image/jpeg")
    .body(photo.clone())
    .map_err(|_| network_error())?;
    read(request.send().await).await
}

pub async fn remove_concierge_photo(
    building: i64,
) -> ApiResult<anju_domain::notice::ConciergeView> {
    read(
        with_client_header(Request::delete(&format!(
            "/api/buildings/{building}/concierge/photo"
        )))
        .send()
        .await,
    )
    .await
}

pub async fn remove_concierge(building: i64) -> ApiResult<()> {
    read_no_content(
        with_client_header(Request::delete(&format!(
            "/api/buildings/{building}/concierge"
        )))
        .send()
        .await,
    )
    .await
}

pub async fn communities() -> ApiResult<Vec<JurisdictionView>> {
    get("/api/places/communities").await
}

pub async fn children(id: i64) -> ApiResult<Vec<JurisdictionView>> {
    get(&format!("/api/places/{id}/children")).await
}

pub async fn accounts(after: Option<i64>) -> ApiResult<AccountPage> {
    match after {
        Some(a) => get(&format!("/api/admin/accounts?after={a}")).await,
        None => get("/api/admin/accounts").await,
    }
}

pub async fn case_categories() -> ApiResult<Vec<anju_domain::category::Category>> {
    get("/api/complaint-categories").await
}

pub async fn create_case(req: &CreateCaseRequest) -> ApiResult<CaseView> {
    send_json(Request::post("/api/cases"), req).await
}

/// Residents get their own cases; staff their queue (optionally only overdue ones).
pub async fn cases(after: Option<&str>, overdue: bool) -> ApiResult<CasePage> {
    queue(after, &format!("overdue={overdue}")).await
}

/// Staff: the queue with the filters of the page's address (`overdue=true`, `due=today`,
/// `community_id=…`), already encoded.
pub async fn queue(after: Option<&str>, filters: &str) -> ApiResult<CasePage> {
    let mut url = format!("/api/cases?{filters}");
    if let Some(a) = after {
        url.push_str("&after=");
        url.push_str(a);
    }
    get(&url).await
}

/// The staff desk; `query` is `month=…&community_id=…` (either may be left out).
pub async fn desk(query: &str) -> ApiResult<anju_domain::desk::DeskView> {
    get(&format!("/api/desk?{query}")).await
}

pub async fn case(id: i64) -> ApiResult<CaseView> {
    get(&format!("/api/cases/{id}")).await
}

pub async fn act_on_case(id: i64, req: &CaseActionRequest) -> ApiResult<CaseView> {
    send_json(Request::post(&format!("/api/cases/{id}/actions")), req).await
}

pub async fn notifications() -> ApiResult<anju_domain::notification::NotificationPage> {
    get("/api/notifications").await
}

pub async fn unread_count() -> ApiResult<anju_domain::notification::UnreadCount> {
    get("/api/notifications/unread-count").await
}

pub async fn mark_notification_read(id: i64) -> ApiResult<()> {
    post_empty(&format!("/api/notifications/{id}/read")).await
}

pub async fn mark_all_notifications_read() -> ApiResult<()> {
    post_empty("/api/notifications/read-all").await
}

pub async fn upload_photo(
    case_id: i64,
    stage: anju_domain::complaint::PhotoStage,
    photo: &web_sys::Blob,
) -> ApiResult<Vec<anju_domain::complaint::PhotoView>> {
    let request = with_client_header(Request::post(&format!(
        "/api/cases/{case_id}/photos?stage={}",
        stage.as_str()
    )))
    .header("content-type", "image/jpeg")
    .body(photo.clone())
    .map_err(|_| network_error())?;
    read(request.send().await).await
}

pub async fn staff_communities() -> ApiResult<Vec<JurisdictionView>> {
    get("/api/staff/communities").await
}

#[derive(serde::Deserialize)]
pub struct ResidentPhone {
    pub phone: String,
}

/// Staff: the resident's full number (the server records who asked).
pub async fn resident_phone(case_id: i64) -> ApiResult<ResidentPhone> {
    send_json(
        Request::post(&format!("/api/cases/{case_id}/resident-phone")),
        &serde_json::json!({}),
    )
    .await
}

/// The month's call-back list; `None` before it is drawn.
pub async fn callback_draw(
    community_id: i64,
    month: &str,
) -> ApiResult<Option<anju_domain::callback::DrawView>> {
    get(&format!(
        "/api/callbacks/draws?community_id={community_id}&month={month}"
    ))
    .await
}

pub async fn make_callback_draw(
    req: &anju_domain::callback::DrawRequest,
) -> ApiResult<anju_domain::callback::DrawView> {
    send_json(Request::post("/api/callbacks/draws"), req).await
}

pub async fn record_callback(
    case_id: i64,
    req: &anju_domain::callback::RecordCallbackRequest,
) -> ApiResult<()> {
    send_json_no_content(
        Request::post(&format!("/api/cases/{case_id}/callbacks")),
        req,
    )
    .await
}

pub fn report_url(community_id: i64, month: &str, format: &str) -> String {
    format!("/api/reports/complaints?community_id={community_id}&month={month}&format={format}")
}

pub async fn complaint_report(
    community_id: i64,
    month: &str,
) -> ApiResult<anju_domain::callback::MonthlyReport> {
    get(&report_url(community_id, month, "json")).await
}

pub async fn set_major(case_id: i64, major: bool) -> ApiResult<()> {
    send_json_no_content(
        Request::post(&format!("/api/cases/{case_id}/major")),
        &serde_json::json!({ "major": major }),
    )
    .await
}

pub async fn update_category(
    code: &str,
    req: &anju_domain::category::UpdateCategoryRequest,
) -> ApiResult<anju_domain::category::Category> {
    send_json(
        Request::put(&format!("/api/complaint-categories/{code}")),
        req,
    )
    .await
}

pub async fn add_calendar_notice(
    community_id: Option<i64>,
    notice: &str,
) -> ApiResult<serde_json::Value> {
    send_json(
        Request::post("/api/calendar/days"),
        &serde_json::json!({ "community_id": community_id, "notice": notice }),
    )
    .await
}

#[derive(serde::Deserialize, Clone, Debug, PartialEq)]
pub struct Assignee {
    pub id: i64,
    pub display_name: String,
}

pub async fn assignees(case_id: i64) -> ApiResult<Vec<Assignee>> {
    get(&format!("/api/cases/{case_id}/assignees")).await
}

pub async fn set_working_hours(community_id: i64, hours: &str) -> ApiResult<()> {
    send_json_no_content(
        Request::put(&format!("/api/communities/{community_id}/working-hours")),
        &serde_json::json!({ "hours": hours }),
    )
    .await
}

// ---- home age-friendly retrofits ----

use anju_domain::application::{
    ApplicationPage, ApplicationView, CountyListView, CountySettings, CreateApplicationRequest,
    GuardianLinkView, GuardianOverview, RetrofitActionRequest, SectionUpdate,
};
use anju_domain::eligibility::{EligibilityCheckRequest, EligibilityCheckView};

pub async fn eligibility(req: &EligibilityCheckRequest) -> ApiResult<EligibilityCheckView> {
    send_json(Request::post("/api/retrofit/eligibility"), req).await
}

pub async fn start_application(req: &CreateApplicationRequest) -> ApiResult<ApplicationView> {
    send_json(Request::post("/api/retrofit/applications"), req).await
}

/// The family's applications, or a reviewer's queue with its filters (`status=…&…`).
pub async fn applications(filters: &str) -> ApiResult<ApplicationPage> {
    get(&format!("/api/retrofit/applications?{filters}")).await
}

pub async fn application(id: i64) -> ApiResult<ApplicationView> {
    get(&format!("/api/retrofit/applications/{id}")).await
}

pub async fn save_section(id: i64, update: &SectionUpdate) -> ApiResult<ApplicationView> {
    send_json(
        Request::put(&format!("/api/retrofit/applications/{id}/sections")),
        update,
    )
    .await
}

/// The family's reply to one item of a return.
pub async fn reply_to_return_item(
    id: i64,
    item: anju_domain::application::ReturnItem,
    reply: &str,
) -> ApiResult<ApplicationView> {
    send_json(
        Request::put(&format!(
            "/api/retrofit/applications/{id}/return-items/{}",
            item.as_str()
        )),
        &anju_domain::application::ReturnReplyRequest {
            reply: reply.to_owned(),
        },
    )
    .await
}

pub async fn take_back_return_reply(
    id: i64,
    item: anju_domain::application::ReturnItem,
) -> ApiResult<ApplicationView> {
    read(
        with_client_header(Request::delete(&format!(
            "/api/retrofit/applications/{id}/return-items/{}",
            item.as_str()
        )))
        .send()
        .await,
    )
    .await
}

/// An action that needs nothing but itself (no note, checklist or reason).
pub async fn act_plainly(
    id: i64,
    action: anju_domain::retrofit::RetrofitAction,
) -> ApiResult<ApplicationView> {
    let req = RetrofitActionRequest {
        action,
        note: None,
        checklist: vec![],
        reason: None,
    };
    act_on_application(id, &req).await
}

pub async fn act_on_application(
    id: i64,
    req: &RetrofitActionRequest,
) -> ApiResult<ApplicationView> {
    send_json(
        Request::post(&format!("/api/retrofit/applications/{id}/actions")),
        req,
    )
    .await
}

pub async fn reveal_id_number(id: i64) -> ApiResult<String> {
    #[derive(serde::Deserialize)]
    struct Shown {
        id_number: String,
    }
    send_json::<_, Shown>(
        Request::post(&format!("/api/retrofit/applications/{id}/id-number")),
        &serde_json::json!({}),
    )
    .await
    .map(|s| s.id_number)
}

pub async fn remove_document(id: i64, doc: i64) -> ApiResult<ApplicationView> {
    read(
        with_client_header(Request::delete(&format!(
            "/api/retrofit/applications/{id}/documents/{doc}"
        )))
        .send()
        .await,
    )
    .await
}

pub async fn county_list() -> ApiResult<CountyListView> {
    get("/api/retrofit/county-list").await
}

pub const COUNTY_LIST_XLSX: &str = "/api/retrofit/county-list?format=xlsx";

pub async fn county_settings(county: i64) -> ApiResult<CountySettings> {
    get(&format!("/api/retrofit/counties/{county}/settings")).await
}

pub async fn save_county_settings(county: i64, s: &CountySettings) -> ApiResult<CountySettings> {
    send_json(
        Request::put(&format!("/api/retrofit/counties/{county}/settings")),
        s,
    )
    .await
}

pub async fn catalogue(county: i64) -> ApiResult<anju_domain::retrofit_catalogue::CatalogueView> {
    get(&format!("/api/retrofit/counties/{county}/catalogue")).await
}

pub async fn save_catalogue_item(
    county: i64,
    no: u16,
    item: &anju_domain::retrofit_catalogue::CatalogueItemInput,
) -> ApiResult<anju_domain::retrofit_catalogue::CatalogueItem> {
    send_json(
        Request::put(&format!("/api/retrofit/counties/{county}/catalogue/{no}")),
        item,
    )
    .await
}

pub async fn add_catalogue_item(
    county: i64,
    item: &anju_domain::retrofit_catalogue::CatalogueItemInput,
) -> ApiResult<anju_domain::retrofit_catalogue::CatalogueItem> {
    send_json(
        Request::post(&format!("/api/retrofit/counties/{county}/catalogue")),
        item,
    )
    .await
}

/// The county's organisations of a kind: assessment organisations or construction companies.
fn orgs_url(kind: OrgKind, county: i64) -> String {
    let segment = match kind {
        OrgKind::Assessment => "assessment-orgs",
        OrgKind::Construction => "contractor-orgs",
    };
    format!("/api/retrofit/counties/{county}/{segment}")
}

pub async fn orgs(kind: OrgKind, county: i64) -> ApiResult<AssessmentOrgsView> {
    get(&orgs_url(kind, county)).await
}

pub async fn create_org(kind: OrgKind, county: i64, name: String) -> ApiResult<AssessmentOrgsView> {
    send_json(
        Request::post(&orgs_url(kind, county)),
        &NewAssessmentOrg { name },
    )
    .await
}

fn member_url(kind: OrgKind, county: i64, org: i64, account: i64) -> String {
    format!("{}/{org}/members/{account}", orgs_url(kind, county))
}

pub async fn add_org_member(
    kind: OrgKind,
    county: i64,
    org: i64,
    account: i64,
) -> ApiResult<AssessmentOrgsView> {
    send_json(
        Request::put(&member_url(kind, county, org, account)),
        &serde_json::json!({}),
    )
    .await
}

pub async fn remove_org_member(
    kind: OrgKind,
    county: i64,
    org: i64,
    account: i64,
) -> ApiResult<AssessmentOrgsView> {
    read(
        with_client_header(Request::delete(&member_url(kind, county, org, account)))
            .send()
            .await,
    )
    .await
}

/// Assign a household to an organisation of the kind (assessment once confirmed, works once
/// the plan is signed).
pub async fn assign_org(kind: OrgKind, id: i64, org_id: i64) -> ApiResult<ApplicationView> {
    let segment = match kind {
        OrgKind::Assessment => "assessment-org",
        OrgKind::Construction => "contractor-org",
    };
    send_json(
        Request::put(&format!("/api/retrofit/applications/{id}/{segment}")),
        &AssignAssessmentOrg { org_id },
    )
    .await
}

/// The contractor's households.
pub async fn works(after: Option<i64>) -> ApiResult<anju_domain::retrofit_works::WorksList> {
    match after {
        Some(a) => get(&format!("/api/retrofit/works?after={a}")).await,
        None => get("/api/retrofit/works").await,
    }
}

pub async fn upload_works_photo(
    id: i64,
    slot: anju_domain::retrofit_works::WorksSlot,
    photo: &web_sys::Blob,
) -> ApiResult<ApplicationView> {
    let request = with_client_header(Request::post(&format!(
        "/api/retrofit/applications/{id}/works-photos?slot={}",
        slot.key()
    )))
    .header("content-type", "image/jpeg")
    .body(photo.clone())
    .map_err(|_| network_error())?;
    read(request.send().await).await
}

pub async fn assessments(after: Option<i64>) -> ApiResult<AssessmentList> {
    match after {
        Some(a) => get(&format!("/api/retrofit/assessments?after={a}")).await,
        None => get("/api/retrofit/assessments").await,
    }
}

pub async fn propose_visit(id: i64, req: &ProposeVisit) -> ApiResult<ApplicationView> {
    send_json(
        Request::put(&format!("/api/retrofit/applications/{id}/visit")),
        req,
    )
    .await
}

pub async fn ask_another_visit_time(id: i64, note: String) -> ApiResult<ApplicationView> {
    send_json(
        Request::post(&format!(
            "/api/retrofit/applications/{id}/visit/another-time"
        )),
        &AskAnotherTime { note },
    )
    .await
}

pub async fn assessment_record(
    id: i64,
) -> ApiResult<anju_domain::retrofit_record::AssessmentRecordView> {
    get(&format!(
        "/api/retrofit/applications/{id}/assessment-record"
    ))
    .await
}

pub async fn save_assessment_record(
    id: i64,
    update: &anju_domain::retrofit_record::RecordUpdate,
) -> ApiResult<anju_domain::retrofit_record::AssessmentRecordView> {
    send_json(
        Request::put(&format!(
            "/api/retrofit/applications/{id}/assessment-record"
        )),
        update,
    )
    .await
}

pub async fn guardians() -> ApiResult<GuardianOverview> {
    get("/api/guardians").await
}

pub async fn invite_guardian(phone: &str) -> ApiResult<GuardianLinkView> {
    send_json(
        Request::post("/api/guardians/invitations"),
        &serde_json::json!({ "phone": phone }),
    )
    .await
}

pub async fn end_guardian_link(id: i64) -> ApiResult<GuardianLinkView> {
    send_json(
        Request::post(&format!("/api/guardians/{id}/end")),
        &serde_json::json!({}),
    )
    .await
}

/// Send a file as the body of a POST with upload progress (0–100) reported as it goes;
/// `fetch` cannot report upload progress, `XMLHttpRequest` can.
pub async fn upload_with_progress<T: DeserializeOwned>(
    url: &str,
    file: &web_sys::Blob,
    progress: impl Fn(u32) + 'static,
) -> ApiResult<T> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| network_error())?;
    xhr.open("POST", url).map_err(|_| network_error())?;
    let _ = xhr.set_request_header("x-anju-client", "1");
    let _ = xhr.set_request_header("content-type", "application/octet-stream");
    let on_progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress(((e.loaded() / e.total()) * 100.0).round() as u32);
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _reject| {
        let resolve_load = resolve.clone();
        let load = Closure::once_into_js(move || {
            let _ = resolve_load.call0(&wasm_bindgen::JsValue::NULL);
        });
        let fail = Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        xhr.set_onload(Some(load.unchecked_ref()));
        xhr.set_onerror(Some(fail.unchecked_ref()));
    });
    xhr.send_with_opt_blob(Some(file))
        .map_err(|_| network_error())?;
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    drop(on_progress);
    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    if status == 0 {
        return Err(network_error());
    }
    if (200..300).contains(&status) {
        serde_json::from_str(&body).map_err(|_| network_error())
    } else {
        Err(serde_json::from_str::<ErrorEnvelope>(&body).unwrap_or_else(|_| network_error()))
    }
}

// ---- satisfaction surveys ----

use anju_domain::survey::SurveyDefinition;
use anju_domain::survey_api::{
    AnswerRequest, CollectRequest, ResponseView, ReviewRequest, SaveSurveyRequest, SurveyResults,
    SurveySummary, SurveyView,
};

pub async fn surveys() -> ApiResult<Vec<SurveySummary>> {
    get("/api/surveys").await
}

pub async fn survey_template() -> ApiResult<SurveyDefinition> {
    get("/api/surveys/template").await
}

pub async fn create_survey(req: &SaveSurveyRequest) -> ApiResult<SurveyView> {
    send_json(Request::post("/api/surveys"), req).await
}

pub async fn update_survey(id: i64, req: &SaveSurveyRequest) -> ApiResult<SurveyView> {
    send_json(Request::put(&format!("/api/surveys/{id}")), req).await
}

pub async fn publish_survey(id: i64) -> ApiResult<SurveyView> {
    send_json(
        Request::post(&format!("/api/surveys/{id}/publish")),
        &serde_json::json!({}),
    )
    .await
}

pub async fn survey(id: i64) -> ApiResult<SurveyView> {
    get(&format!("/api/surveys/{id}")).await
}

pub async fn answer_survey(id: i64, req: &AnswerRequest) -> ApiResult<SurveyView> {
    send_json(Request::put(&format!("/api/surveys/{id}/my-response")), req).await
}

pub async fn collect_response(id: i64, req: &CollectRequest) -> ApiResult<ResponseView> {
    send_json(Request::post(&format!("/api/surveys/{id}/responses")), req).await
}

pub async fn survey_responses(id: i64, month: &str) -> ApiResult<Vec<ResponseView>> {
    get(&format!("/api/surveys/{id}/responses?month={month}")).await
}

pub async fn review_response(id: i64, req: &ReviewRequest) -> ApiResult<ResponseView> {
    send_json(
        Request::post(&format!("/api/survey-responses/{id}/review")),
        req,
    )
    .await
}

pub async fn survey_results(id: i64, month: &str) -> ApiResult<SurveyResults> {
    get(&format!("/api/surveys/{id}/results?month={month}")).await
}

pub fn survey_export_url(id: i64, month: &str, format: &str, anonymised: bool) -> String {
    format!("/api/surveys/{id}/export?month={month}&format={format}&anonymised={anonymised}")
}

/// One page of the audit log; `query` is the filter part of the URL (already encoded).
pub async fn audit_page(
    query: &str,
    before: Option<i64>,
) -> ApiResult<anju_domain::audit::AuditPage> {
    let mut url = format!("/api/admin/audit?{query}");
    if let Some(b) = before {
        url.push_str(&format!("&before={b}"));
    }
    get(&url).await
}

/// The export of the same filter as a file (the browser downloads it).
pub fn audit_export_url(query: &str, format: &str) -> String {
    format!("/api/admin/audit?{query}&format={format}")
}

/// Which offices viewed this application (for the elder and their family).
pub async fn access_log(id: i64) -> ApiResult<Vec<anju_domain::audit::AccessLogEntry>> {
    get(&format!("/api/retrofit/applications/{id}/access-log")).await
}

pub async fn plan(id: i64) -> ApiResult<anju_domain::retrofit_signing::PlanView> {
    get(&format!("/api/retrofit/applications/{id}/plan")).await
}

pub async fn save_plan_draft(
    id: i64,
    req: &anju_domain::retrofit_signing::PlanDraftRequest,
) -> ApiResult<anju_domain::retrofit_signing::PlanView> {
    send_json(
        Request::put(&format!("/api/retrofit/applications/{id}/plan")),
        req,
    )
    .await
}

pub async fn propose_plan(id: i64) -> ApiResult<anju_domain::retrofit_signing::PlanView> {
    send_json(
        Request::post(&format!("/api/retrofit/applications/{id}/plan/propose")),
        &serde_json::json!({}),
    )
    .await
}

pub async fn ask_plan_changes(
    id: i64,
    note: String,
) -> ApiResult<anju_domain::retrofit_signing::PlanView> {
    send_json(
        Request::post(&format!("/api/retrofit/applications/{id}/plan/changes")),
        &anju_domain::retrofit_signing::PlanChangeRequest { note },
    )
    .await
}

pub async fn confirm_signer(
    id: i64,
    req: &anju_domain::retrofit_signing::ConfirmIdentityRequest,
) -> ApiResult<anju_domain::retrofit_signing::IdentityConfirmed> {
    send_json(
        Request::post(&format!(
            "/api/retrofit/applications/{id}/plan/confirm-identity"
        )),
        req,
    )
    .await
}

pub async fn sign_plan(
    id: i64,
    req: &anju_domain::retrofit_signing::SignPlanRequest,
) -> ApiResult<anju_domain::retrofit_signing::PlanView> {
    send_json(
        Request::post(&format!("/api/retrofit/applications/{id}/plan/signature")),
        req,
    )
    .await
}

pub async fn plan_certificate(
    id: i64,
) -> ApiResult<anju_domain::retrofit_signing::CertificateView> {
    get(&format!("/api/retrofit/applications/{id}/plan/certificate")).await
}

pub async fn contract(id: i64) -> ApiResult<anju_domain::retrofit_contract::ContractState> {
    get(&format!("/api/retrofit/applications/{id}/contract")).await
}

pub async fn offer_contract(
    id: i64,
    req: &anju_domain::retrofit_contract::OfferContractRequest,
) -> ApiResult<anju_domain::retrofit_contract::ContractState> {
    send_json(
        Request::post(&format!("/api/retrofit/applications/{id}/contract")),
        req,
    )
    .await
}

pub async fn sign_contract(
    id: i64,
    req: &anju_domain::retrofit_contract::SignContractRequest,
) -> ApiResult<anju_domain::retrofit_contract::ContractState> {
    send_json(
        Request::post(&format!(
            "/api/retrofit/applications/{id}/contract/signature"
        )),
        req,
    )
    .await
}

pub async fn contract_certificate(
    id: i64,
) -> ApiResult<anju_domain::retrofit_contract::ContractCertificateView> {
    get(&format!(
        "/api/retrofit/applications/{id}/contract/certificate"
    ))
    .await
}

/// The public check of a certificate code (already in its stored form).
pub async fn verify_certificate(
    code: &str,
) -> ApiResult<anju_domain::retrofit_signing::VerifyView> {
    get(&format!("/api/verify/{code}")).await
}

pub async fn upload_room_photo(
    id: i64,
    room: anju_domain::retrofit_record::Room,
    photo: &web_sys::Blob,
) -> ApiResult<anju_domain::retrofit_record::AssessmentRecordView> {
    let request = with_client_header(Request::post(&format!(
        "/api/retrofit/applications/{id}/assessment-photos?room={}",
        room.as_str()
    )))
    .header("content-type", "image/jpeg")
    .body(photo.clone())
    .map_err(|_| network_error())?;
    read(request.send().await).await
}

/// The street office's verdicts at the acceptance visit.
pub async fn accept_works(
    id: i64,
    req: &anju_domain::retrofit_acceptance::AcceptanceRequest,
) -> ApiResult<ApplicationView> {
    send_json(
        Request::post(&format!("/api/retrofit/applications/{id}/acceptance")),
        req,
    )
    .await
}

// ---- settlement and warranty ----

pub async fn settle(id: i64, lines: Vec<u16>) -> ApiResult<ApplicationView> {
    send_json(
        Request::post(&format!("/api/retrofit/applications/{id}/settlement")),
        &anju_domain::retrofit_settlement::SettlementRequest { lines },
    )
    .await
}

pub async fn record_payment(
    id: i64,
    req: &anju_domain::retrofit_settlement::PaymentRequest,
) -> ApiResult<ApplicationView> {
    send_json(
        Request::post(&format!("/api/retrofit/applications/{id}/payments")),
        req,
    )
    .await
}

pub async fn settlements() -> ApiResult<anju_domain::retrofit_settlement::SettlementList> {
    get("/api/retrofit/settlements").await
}

pub const SETTLEMENTS_XLSX: &str = "/api/retrofit/settlements?format=xlsx";

pub async fn file_claim(id: i64, description: String) -> ApiResult<ApplicationView> {
    send_json(
        Request::post(&format!("/api/retrofit/applications/{id}/warranty-claims")),
        &anju_domain::retrofit_warranty::ClaimRequest { description },
    )
    .await
}

pub async fn upload_claim_photo(claim: i64, photo: &web_sys::Blob) -> ApiResult<ApplicationView> {
    let request = with_client_header(Request::post(&format!(
        "/api/retrofit/warranty-claims/{claim}/photos"
    )))
    .header("content-type", "image/jpeg")
    .body(photo.clone())
    .map_err(|_| network_error())?;
    read(request.send().await).await
}

pub async fn answer_claim(claim: i64, answer: String) -> ApiResult<ApplicationView> {
    send_json(
        Request::post(&format!("/api/retrofit/warranty-claims/{claim}/answer")),
        &anju_domain::retrofit_warranty::ClaimAnswer { answer },
    )
    .await
}

pub async fn claims(filters: &str) -> ApiResult<anju_domain::retrofit_warranty::ClaimList> {
    get(&format!("/api/retrofit/warranty-claims?{filters}")).await
}

pub async fn retrofit_report() -> ApiResult<anju_domain::retrofit_report::ReportView> {
    get("/api/retrofit/report").await
}

pub const REPORT_XLSX: &str = "/api/retrofit/report?format=xlsx";

pub async fn respond_to_acceptance(
    id: i64,
    req: &anju_domain::retrofit_acceptance::FamilyResponse,
) -> ApiResult<ApplicationView> {
    send_json(
        Request::post(&format!(
            "/api/retrofit/applications/{id}/acceptance/response"
        )),
        req,
    )
    .await
}
