//! The one error shape of the API, and the middleware that gives every error response that
//! shape with the request id.

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use symbiont_store::StoreError;

/// A field that failed validation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

/// One bad row of a CSV import.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub line: u64,
    pub column: Option<u64>,
    pub field: String,
    pub message: String,
}

/// A located problem in a scenario source.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiDiagnostic {
    pub code: String,
    pub message: String,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<String>,
}

/// The body of every error: `{"error": {...}}`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub status: u16,
    /// `validation` (400, or 422 for a value outside the server's vocabulary),
    /// `unauthenticated`, `forbidden`, `not_found`, `method_not_allowed`, `conflict`,
    /// `too_large`, `unsupported_media_type`, `rate_limited` (with a `Retry-After` header) or
    /// `internal`.
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowError>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<ApiDiagnostic>,
    /// On a 409 for a referenced entity: the records that refer to it, as `user alice`,
    /// `case 12`, `task 7` (users, then cases, then tasks; at most [`MAX_REFERENCES`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    pub request_id: String,
}

/// The error envelope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// An API error. Internal causes are logged with the request id and never sent.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub fields: Vec<FieldError>,
    pub rows: Vec<RowError>,
    pub diagnostics: Vec<ApiDiagnostic>,
    /// Records that refer to an entity (boxed, as is the cause, to keep the error small).
    pub references: Option<Box<Vec<String>>>,
    /// The cause of an internal error (logged, not sent).
    pub cause: Option<Box<String>>,
    /// Seconds after which to retry (a 429's `Retry-After` header).
    pub retry_after_s: Option<std::num::NonZeroU32>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            fields: Vec::new(),
            rows: Vec::new(),
            diagnostics: Vec::new(),
            references: None,
            cause: None,
            retry_after_s: None,
        }
    }
    pub fn validation(path: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, format!("{path}: {message}"));
        e.fields.push(FieldError { path: path.to_string(), message });
        e
    }
    pub fn fields(fields: Vec<FieldError>) -> Self {
        let msg = fields
            .iter()
            .map(|f| format!("{}: {}", f.path, f.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, msg);
        e.fields = fields;
        e
    }
    pub fn unauthenticated() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "a valid bearer token is required")
    }
    pub fn forbidden(what: &str) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, format!("your role may not {what}"))
    }
    pub fn not_found(what: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, format!("{what} not found"))
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, message)
    }
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
        e.cause = Some(Box::new(cause.to_string()));
        e
    }
}

/// Most references an error body lists; its message says how many there are in all.
pub const MAX_REFERENCES: usize = 100;

fn shown_refs(refs: &[symbiont_store::EntityRef]) -> Vec<String> {
    refs.iter().take(MAX_REFERENCES).map(ToString::to_string).collect()
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Conflict(m) => ApiError::conflict(m),
            StoreError::Referenced { ref refs, .. } => {
                let mut out = ApiError::conflict(format!(
                    "{e}; remove or reassign them first (the entity was not deleted)"
                ));
                out.references = Some(Box::new(shown_refs(refs)));
                out
            }
            StoreError::KindBound { ref refs, .. } => {
                let mut out = ApiError::conflict(e.to_string());
                out.fields.push(FieldError { path: "kind".into(), message: e.to_string() });
                out.references = Some(Box::new(shown_refs(refs)));
                out
            }
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = self.status.into_response();
        if let Some(s) = self.retry_after_s {
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, HeaderValue::from(s.get()));
        }
        r.extensions_mut().insert(self);
        r
    }
}

fn code_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 422 => "validation",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        _ => "internal",
    }
}

/// Give every error response the one shape, with the request id; log internal causes.
pub async fn shape_errors(req: Request, next: Next) -> Response {
    let rid =
        req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || !path.starts_with("/api") {
        return res;
    }
    let err = res.extensions().get::<ApiError>().cloned().unwrap_or_else(|| {
        let msg = match status.as_u16() {
            404 => "no such endpoint".to_string(),
            405 => "method not allowed on this endpoint".to_string(),
            413 => "the request body is too large".to_string(),
            s => status.canonical_reason().map_or_else(|| format!("error {s}"), str::to_string),
        };
        ApiError::new(status, msg)
    });
    if let Some(cause) = &err.cause {
        tracing::error!(request_id = %rid, %cause, "internal error");
    }
    let status = if status.is_server_error() { StatusCode::INTERNAL_SERVER_ERROR } else { status };
    let body = ErrorBody {
        error: ErrorDetail {
            status: status.as_u16(),
            code: code_of(status).to_string(),
            message: if status.is_server_error() {
                "internal error; the request id identifies the cause in the server log".to_string()
            } else {
                err.message
            },
            fields: err.fields,
            rows: err.rows,
            diagnostics: err.diagnostics,
            references: err.references.map(|r| *r).unwrap_or_default(),
            request_id: rid.clone(),
        },
    };
    let mut out = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&rid) {
        out.headers_mut().insert("x-request-id", v);
    }
    if let Some(ra) = res.headers().get("retry-after") {
        out.headers_mut().insert("retry-after", ra.clone());
    }
    out
}
