//! The REST API's error: one JSON shape, one status table (shared with the UI through `app::ssr::status_of`).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use domain::DomainError;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// `{"error": {"code": "validation_failed", "message": "…", "fields": {"title": "…"}}}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: validation_failed, unauthenticated, invalid_credentials, forbidden,
    /// email_not_verified, not_found, conflict, payload_too_large, unsupported_media_type, malformed_request,
    /// rate_limited, unavailable (503: busy or a dependency is down; retry after `Retry-After`), internal.
    pub code: String,
    /// For people.
    pub message: String,
    /// Messages per input field, when the error concerns fields.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("malformed request: {0}")]
    Malformed(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    fn code_message_fields(&self) -> (&'static str, String, BTreeMap<String, String>) {
        match self {
            ApiError::Domain(e) => (e.code(), e.public_message(), e.fields()),
            ApiError::PayloadTooLarge => (
                "payload_too_large",
                "The request body is too large.".into(),
                BTreeMap::new(),
            ),
            ApiError::UnsupportedMediaType => (
                "unsupported_media_type",
                "Send the request body as JSON with Content-Type: application/json.".into(),
                BTreeMap::new(),
            ),
            ApiError::Malformed(detail) => (
                "malformed_request",
                format!("The request could not be read: {detail}"),
                BTreeMap::new(),
            ),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Domain(e) => app::ssr::status_of(e),
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Domain(DomainError::Internal(cause)) = self {
            tracing::error!(%cause, "request failed");
        }
        let (code, message, fields) = self.code_message_fields();
        let mut response = HttpResponse::build(self.status_code());
        if let ApiError::Domain(err) = self
            && let Some(retry_after) = err.retry_after()
        {
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: code.into(),
                message,
                fields,
            },
        })
    }
}

/// Maps actix's JSON extractor errors: size, content type, syntax, encoding.
pub fn json_error(
    err: actix_web::error::JsonPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    let api = match err {
        J::Overflow { .. } | J::OverflowKnownLength { .. } => ApiError::PayloadTooLarge,
        J::ContentType => ApiError::UnsupportedMediaType,
        J::Deserialize(e) => ApiError::Malformed(format!("invalid JSON ({e})")),
        J::Payload(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge,
        other => ApiError::Malformed(other.to_string()),
    };
    api.into()
}

pub fn path_error(err: actix_web::error::PathError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::Malformed(format!("bad path parameter ({err})")).into()
}

pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::Malformed(format!("bad query parameter ({err})")).into()
}
