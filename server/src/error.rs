//! Error policy: every failure a client sees is an [`ApiError`], rendered as the one JSON
//! envelope from `anju_domain::ErrorEnvelope` with a fitting status code. Messages are written
//! for residents in Chinese with an English variant. Database and other internal error text is
//! logged (with the request id from the tracing span) and never sent to the client.

use anju_domain::{ErrorEnvelope, FieldError};
use axum::extract::rejection::JsonRejection;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(BTreeMap<String, FieldError>),
    #[error("bad request: {1}")]
    BadRequest(&'static str, String),
    /// A query or path parameter that does not parse; `name` is the parameter.
    #[error("invalid parameter {name}")]
    BadParameter { name: String },
    /// The path exists but not for this method; `allow` lists the ones it takes.
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("not signed in")]
    Unauthenticated,
    #[error("wrong phone or password")]
    BadCredentials,
    /// Not right, and a pause is near: the words say how many tries are left and how long the
    /// pause is (`anju_domain::throttle::failed_sign_in_notice`).
    #[error("wrong phone or password, pause near")]
    BadCredentialsNotice(anju_domain::throttle::SignInNotice),
    /// Many failures on this account: signing in also needs the code texted to it.
    #[error("sms code required")]
    SmsCodeRequired,
    #[error("forbidden")]
    Forbidden,
    /// Forbidden, with the reason said in words (zh, en).
    #[error("forbidden: {1}")]
    ForbiddenBecause(&'static str, &'static str),
    #[error("cross-site request refused")]
    CrossSite,
    #[error("not found")]
    NotFound,
    /// No route under `/api` has this path: told apart from a missing resource so that a
    /// client (and the test that walks the API document) can see the difference.
    #[error("no such route")]
    NoSuchRoute,
    #[error("conflict on {field}")]
    Conflict {
        field: &'static str,
        message: &'static str,
        message_en: &'static str,
    },
    /// A conflict whose words depend on the case (zh, en).
    #[error("conflict on {field}")]
    ConflictSaid {
        field: &'static str,
        message: String,
        message_en: String,
    },
    /// Something of this kind already exists; `link` is the app path to it.
    #[error("already exists")]
    AlreadyExists {
        message: &'static str,
        message_en: &'static str,
        link: String,
    },
    /// The county's annual quota is used up.
    #[error("quota full")]
    QuotaFull { quota: i64 },
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

/// The database cannot be reached (stopped, restarting, the network between): no connection
/// in the pool's wait, a broken or refused connection, PostgreSQL's connection errors (class
/// 08) and shutdowns (57P01–57P03). The request is answered 503 at once, not 500.
pub fn database_unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

impl ApiError {
    pub fn field(name: &str, message: &str, message_en: &str) -> Self {
        let mut fields = BTreeMap::new();
        fields.insert(name.to_owned(), FieldError::new(message, message_en));
        ApiError::Validation(fields)
    }

    fn parts(&self) -> (StatusCode, &'static str, String, String) {
        let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        let (status, code, (zh, en)) = match self {
            ApiError::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                s("请检查标出的内容", "Check the highlighted answers"),
            ),
            ApiError::BadRequest(zh, en) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                ((*zh).to_owned(), en.clone()),
            ),
            ApiError::BadParameter { .. } => (
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
                s(
                    "请求中的参数不正确",
                    "A parameter of the request is not valid",
                ),
            ),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                s("不支持此请求方式", "This method is not allowed here"),
            ),
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                s("请先登录", "Please sign in"),
            ),
            ApiError::BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                s(
                    "手机号或密码不正确",
                    "The mobile number or password is not right",
                ),
            ),
            ApiError::BadCredentialsNotice(notice) => (
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                notice.message(),
            ),
            ApiError::SmsCodeRequired => (
                StatusCode::UNAUTHORIZED,
                "sms_code_required",
                s(
                    "为保护您的账户，这次登录还需要短信验证码",
                    "To protect your account, this sign-in also needs a code sent by text message",
                ),
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                s(
                    "您没有权限进行此操作",
                    "You do not have permission to do this",
                ),
            ),
            ApiError::ForbiddenBecause(zh, en) => (StatusCode::FORBIDDEN, "forbidden", s(zh, en)),
            ApiError::CrossSite => (
                StatusCode::FORBIDDEN,
                "cross_site",
                s(
                    "请求来源不明，已拒绝",
                    "Request from an unknown origin was refused",
                ),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                s("没有找到您要的内容", "Not found"),
            ),
            ApiError::NoSuchRoute => (
                StatusCode::NOT_FOUND,
                "not_found",
                s("没有这个接口", "No such API route"),
            ),
            ApiError::Conflict {
                message,
                message_en,
                ..
            } => (StatusCode::CONFLICT, "conflict", s(message, message_en)),
            ApiError::ConflictSaid {
                message,
                message_en,
                ..
            } => (
                StatusCode::CONFLICT,
                "conflict",
                (message.clone(), message_en.clone()),
            ),
            ApiError::AlreadyExists {
                message,
                message_en,
                ..
            } => (
                StatusCode::CONFLICT,
                "already_exists",
                s(message, message_en),
            ),
            ApiError::QuotaFull { quota } => (
                StatusCode::CONFLICT,
                "quota_full",
                (
                    format!("本年度名额（{quota} 户）已用完，不能再确认；请先调整名额"),
                    format!(
                        "This year's quota ({quota} households) is used up; raise the quota first"
                    ),
                ),
            ),
            ApiError::RateLimited { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    (
                        format!("尝试次数过多，请 {minutes} 分钟后再试"),
                        format!("Too many attempts. Try again in {minutes} minutes"),
                    ),
                )
            }
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                s("提交的内容太大", "The request is too large"),
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                s("请以 JSON 格式提交", "Send the request as JSON"),
            ),
            ApiError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                s(
                    "服务暂时不可用，请稍后再试",
                    "The service is unavailable; try again later",
                ),
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                s(
                    "系统出错了，请稍后再试",
                    "Something went wrong; try again later",
                ),
            ),
        };
        (status, code, zh, en)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Internal(e)
                if e.chain().any(|c| {
                    c.downcast_ref::<sqlx::Error>()
                        .is_some_and(database_unreachable)
                }) =>
            {
                tracing::warn!(error = format!("{e:#}"), "database unreachable");
                ApiError::Unavailable.respond()
            }
            other => other.respond(),
        }
    }
}

impl ApiError {
    fn respond(self) -> Response {
        if let ApiError::Internal(e) = &self {
            tracing::error!(error = format!("{e:#}"), "internal error");
        }
        let (status, code, message, message_en) = self.parts();
        let link = match &self {
            ApiError::AlreadyExists { link, .. } => Some(link.clone()),
            _ => None,
        };
        let (fields, retry_after_secs) = match self {
            ApiError::Validation(fields) => (fields, None),
            ApiError::Conflict {
                field,
                message,
                message_en,
            } => {
                let mut f = BTreeMap::new();
                f.insert(field.to_owned(), FieldError::new(message, message_en));
                (f, None)
            }
            ApiError::RateLimited { retry_after_secs } => (BTreeMap::new(), Some(retry_after_secs)),
            ApiError::ConflictSaid {
                field,
                message,
                message_en,
            } => {
                let mut f = BTreeMap::new();
                f.insert(field.to_owned(), FieldError::new(&message, &message_en));
                (f, None)
            }
            ApiError::BadParameter { name } => {
                let mut f = BTreeMap::new();
                f.insert(
                    name,
                    FieldError::new("这个参数的值无效", "This parameter has an invalid value"),
                );
                (f, None)
            }
            _ => (BTreeMap::new(), None),
        };
        let body = ErrorEnvelope {
            code: code.to_owned(),
            message,
            message_en,
            fields,
            retry_after_secs,
            link,
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(secs) = retry_after_secs {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            _ => ApiError::BadRequest(
                "提交的内容格式不正确",
                format!("The request body is not valid: {}", rejection.body_text()),
            ),
        }
    }
}

/// `Json` whose rejections use our envelope.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_a_503_with_the_envelope_and_other_faults_stay_500() {
        let away: ApiError = sqlx::Error::PoolTimedOut.into();
        assert_eq!(
            away.into_response().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        // Also when it comes wrapped, as `?` on an anyhow result leaves it.
        let wrapped = ApiError::Internal(
            anyhow::Error::from(sqlx::Error::Io(std::io::Error::from(
                std::io::ErrorKind::ConnectionRefused,
            )))
            .context("loading the case"),
        );
        assert_eq!(
            wrapped.into_response().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        let bug: ApiError = sqlx::Error::RowNotFound.into();
        assert_eq!(
            bug.into_response().status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
