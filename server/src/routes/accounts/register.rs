//! Registration, with the mobile number proven by an SMS code, and sending the codes.

use super::sessions::start_session;
use super::{check_credentials, client_ip, hash_blocking, parse_phone};
use crate::db::accounts::{CreateAccountError, NewAccount};
use crate::db::rate_events::Bucket;
use crate::db::Audit;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::sms::{self, Purpose};
use crate::AppState;
use anju_domain::{
    check_registration_text, FieldError, JurisdictionLevel, RegisterRequest, Role, SmsCodeRequest,
    SmsCodeSent,
};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use axum::Json;
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// Text a one-time code. Answered the same whether or not the number has an account.
#[utoipa::path(
    post,
    path = "/auth/sms-codes",
    tag = "accounts",
    request_body = SmsCodeRequest,
    responses((status = 202, description = "Accepted", body = SmsCodeSent)),
)]
pub async fn sms_code(
    State(state): State<AppState>,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    user: Option<crate::auth::CurrentUser>,
    ApiJson(req): ApiJson<SmsCodeRequest>,
) -> ApiResult<(StatusCode, Json<SmsCodeSent>)> {
    let ip = client_ip(connect_info);
    let (phone, has_account) = match req.purpose {
        // To the signed-in account's own number: it proves they hold it now.
        Purpose::GuardianAccept => {
            let user = user.ok_or(ApiError::Unauthenticated)?;
            (parse_phone(&user.0.phone)?, true)
        }
        _ => {
            let phone = parse_phone(&req.phone)?;
            let has = state.db.account_by_phone(phone.as_str()).await?.is_some();
            (phone, has)
        }
    };
    sms::send_code(&state, &phone, req.purpose, &ip, has_account).await?;
    let policy = &state.settings.policy;
    Ok((
        StatusCode::ACCEPTED,
        Json(SmsCodeSent {
            expires_in_secs: policy.sms_code_ttl_secs,
            resend_after_secs: policy.sms_resend_after_secs,
        }),
    ))
}

/// A resident registers with the phone number an SMS code has proven, and is signed in.
#[utoipa::path(
    post,
    path = "/auth/register",
    tag = "accounts",
    request_body = RegisterRequest,
    responses((status = 201, description = "Registered and signed in; the session cookie is set", body = anju_domain::AccountView, headers(("set-cookie" = String, description = "The session cookie")))),
)]
pub async fn register(
    State(state): State<AppState>,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> ApiResult<Response> {
    let ip = client_ip(connect_info);
    let mut fields = BTreeMap::new();
    let phone = check_credentials(&req.phone, &req.password, &mut fields);
    for (field, zh, en) in check_registration_text(&req) {
        fields.insert(field.to_owned(), FieldError::new(zh, en));
    }
    let building = state
        .jurisdiction(req.building_id)
        .await?
        .filter(|j| j.level == JurisdictionLevel::Building);
    if building.is_none() {
        fields.insert(
            "building_id".to_owned(),
            FieldError::new("请选择您住的楼栋", "Choose the building you live in"),
        );
    }
    let (Some(phone), Some(building), true) = (phone, building, fields.is_empty()) else {
        return Err(ApiError::Validation(fields));
    };
    // Counted once the form is right, so typing mistakes cost nothing.
    crate::limits::hit(
        &state,
        Bucket::Registration,
        &ip,
        3600,
        state.settings.policy.registrations_per_ip_per_hour,
    )
    .await?;
    // The code first: only someone holding the number learns whether it has an account.
    sms::verify_code(&state, &phone, Purpose::Register, &req.sms_code).await?;

    let password_hash = hash_blocking(req.password.clone()).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let id = tx
        .create_account(&NewAccount {
            phone: phone.as_str(),
            password_hash: &password_hash,
            display_name: req.display_name.trim(),
            role: Role::Resident,
            jurisdiction_id: None,
            home: Some((building.id, req.unit.trim(), req.room.trim())),
            scope_path: &building.id_path,
            phone_verified: true,
            now,
        })
        .await
        .map_err(|e| match e {
            CreateAccountError::DuplicatePhone => ApiError::Conflict {
                field: "phone",
                message: "这个手机号已经注册过了，请直接登录；忘记密码可以用短信重设",
                message_en: "This mobile number is already registered; sign in, or reset the password by text message",
            },
            CreateAccountError::Db(e) => e.into(),
        })?;
    tx.audit(&Audit::new(
        now,
        Some(id),
        "account.register",
        &format!("account:{id}"),
        &building.id_path,
    ))
    .await?;
    start_session(&state, tx, &headers, id, StatusCode::CREATED).await
}
