//! `Path` and `Query` extractors whose rejections are our JSON envelope naming the parameter
//! (axum's own answer `400 text/plain`). Same names as axum's, so routes import these instead.

use crate::error::ApiError;
use axum::extract::rejection::PathRejection;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// Query parameters, deserialised with the failing parameter's name kept for the error.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default()).map(Query)
    }
}

/// Deserialise a query string; the error names the parameter that did not fit.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let name = if path == "." || path.is_empty() {
            // A missing field is reported at the root: its name is in the message.
            missing_field_name(&e.inner().to_string()).unwrap_or_else(|| "query".to_owned())
        } else {
            path
        };
        ApiError::BadParameter { name }
    })
}

/// `missing field `month`` → `month`.
fn missing_field_name(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_owned())
}

/// Path parameters; a segment that does not decode answers in the envelope.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                use axum::extract::path::ErrorKind;
                let name = match e.kind() {
                    ErrorKind::ParseErrorAtKey { key, .. }
                    | ErrorKind::InvalidUtf8InPathParam { key }
                    | ErrorKind::DeserializeError { key, .. } => key.clone(),
                    _ => "path".to_owned(),
                };
                Err(ApiError::BadParameter { name })
            }
            Err(e) => Err(ApiError::Internal(anyhow::anyhow!("path extraction: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Page {
        after: Option<i64>,
        overdue: Option<bool>,
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Needs {
        month: String,
    }

    fn name_of(e: ApiError) -> String {
        match e {
            ApiError::BadParameter { name } => name,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn query_errors_name_the_parameter() {
        assert_eq!(
            name_of(parse_query::<Page>("after=abc").unwrap_err()),
            "after"
        );
        assert_eq!(
            name_of(parse_query::<Page>("after=1&overdue=maybe").unwrap_err()),
            "overdue"
        );
        assert_eq!(name_of(parse_query::<Needs>("").unwrap_err()), "month");
        let ok: Page = parse_query("after=7&overdue=true&other=x").unwrap();
        assert_eq!((ok.after, ok.overdue), (Some(7), Some(true)));
    }
}
