//! Error answers in the API's shape: `{"code", "msg", "detail": {"reason"}}`.

use super::auth::Reason;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A refusal other than authentication: what went wrong and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub msg: &'static str,
    pub reason: String,
}

impl ApiError {
    fn new(status: StatusCode, msg: &'static str, reason: impl Into<String>) -> Self {
        ApiError {
            status,
            msg,
            reason: reason.into(),
        }
    }

    pub fn bad_request(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "errBadRequest", reason)
    }

    pub fn not_found(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "errNotFound", reason)
    }

    pub fn conflict(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "errConflict", reason)
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "errPayloadTooLarge",
            format!("the body is larger than {limit} bytes"),
        )
    }

    pub fn timeout(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::REQUEST_TIMEOUT, "errTimeout", reason)
    }

    /// The mock's own record limit (`MockConfig::max_records`).
    pub fn full(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::INSUFFICIENT_STORAGE, "errMockFull", reason)
    }

    pub fn storage(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "errStorage", reason)
    }

    pub fn unavailable(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "errUnavailable", reason)
    }

    pub fn method_not_allowed(reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "errMethodNotAllowed",
            reason,
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "code": self.status.as_u16(),
            "msg": self.msg,
            "detail": {"reason": self.reason},
        });
        (self.status, Json(body)).into_response()
    }
}

/// The API's answer to a failed authentication: HTTP 401, code 1020.
pub fn unauthorized(reason: Reason) -> Response {
    let body = json!({
        "code": 1020,
        "msg": "errPartnerAuth",
        "detail": {"reason": reason.as_str()},
    });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

pub type ApiResult<T> = Result<T, ApiError>;
