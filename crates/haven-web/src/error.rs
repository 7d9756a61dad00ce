//! The web layer's errors. Pages answer with a page in the user's language; the API
//! answers `application/problem+json` with a stable code. 5xx details are logged,
//! never sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use haven_app::AppError;
use serde::Serialize;

/// Marks a response as an error to be rendered by [`crate::pages::render_errors`], which
/// knows the user's language. Handlers return [`WebError`]; the marker travels in the
/// response's extensions.
#[derive(Clone, Copy, Debug)]
pub struct ErrorPage {
    pub status: StatusCode,
    /// A stable code, also the translation key of the message (`error-CODE`).
    pub code: &'static str,
}

/// What went wrong while answering a page.
#[derive(Debug)]
pub enum WebError {
    NotFound,
    Forbidden,
    /// Not signed in (or the session ended): go to the sign-in page, then come back.
    SignInRequired {
        next: String,
    },
    /// A form that is not one of ours, with the reason's code.
    BadRequest(&'static str),
    /// The record changed since it was read.
    Conflict,
    /// The form's security token was missing or wrong (an old or forged form).
    Csrf,
    PayloadTooLarge,
    /// A rule of haven-app refused the action: its status and page code.
    Refused(StatusCode, &'static str),
    Internal,
}

impl WebError {
    fn page(&self) -> ErrorPage {
        let (status, code) = match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, "not-found"),
            WebError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            WebError::SignInRequired { .. } => (StatusCode::UNAUTHORIZED, "sign-in-required"),
            WebError::BadRequest(code) => (StatusCode::BAD_REQUEST, *code),
            WebError::Conflict => (StatusCode::CONFLICT, "conflict"),
            WebError::Csrf => (StatusCode::FORBIDDEN, "csrf"),
            WebError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too-large"),
            WebError::Refused(status, code) => (*status, *code),
            WebError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        ErrorPage { status, code }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::SignInRequired { next } = &self {
            let location = format!("/login?next={}", encode_query_value(next));
            return see_other(&location);
        }
        let page = self.page();
        let mut response = page.status.into_response();
        response.extensions_mut().insert(page);
        response
    }
}

/// An action's error as a page: the same statuses as the API answers
/// ([`From<AppError> for ApiError`]), with the page's translation keys.
impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Forbidden => WebError::Forbidden,
            AppError::NotFound { .. } => WebError::NotFound,
            AppError::ScopeBeyondYours => {
                WebError::Refused(StatusCode::FORBIDDEN, "scope-beyond-yours")
            }
            AppError::SealedAccount => WebError::Refused(StatusCode::FORBIDDEN, "sealed-account"),
            // A page that knows its fields shows them there; one that does not says
            // the form was refused.
            AppError::Invalid(_) => WebError::Refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            AppError::Refused(code) => WebError::BadRequest(code),
            AppError::Conflict { .. } => WebError::Conflict,
            AppError::Duplicate { .. } => WebError::Refused(StatusCode::CONFLICT, "duplicate"),
            AppError::Store(error) => {
                tracing::error!(%error, source = ?std::error::Error::source(&error), "store error");
                WebError::Internal
            }
        }
    }
}

/// A 303 redirect, the answer to a form that worked.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

pub fn encode_query_value(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// An API error, answered as RFC 9457 problem details.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    /// The wrong fields, when the error is about some.
    pub errors: Vec<FieldErrorWire>,
}

/// One wrong field of a request.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FieldErrorWire {
    /// The field, such as `names.family_km`, `birth_date` or `identifiers[0]`.
    pub field: String,
    /// A stable code, such as `person-error-birth-date-future` or `duplicate`.
    pub code: String,
}

/// The body of an API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:haven:problem:` and the code.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// A stable code clients can act on, such as `validation.failed`.
    pub code: String,
    /// The wrong fields, each with its own code; empty when the error is not about
    /// fields. Every problem has it, so that clients read one shape.
    pub errors: Vec<FieldErrorWire>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// 422 with the wrong fields listed.
    pub fn fields(errors: Vec<FieldErrorWire>) -> ApiError {
        ApiError {
            errors,
            ..ApiError::validation("some fields are wrong: see errors")
        }
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "auth.unauthenticated",
            "send a valid API token as: Authorization: Bearer haven_...",
        )
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "auth.forbidden",
            "your role does not allow this",
        )
    }

    pub fn not_found() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "there is nothing at this address",
        )
    }

    pub fn validation(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
            detail,
        )
    }
}

/// The API code for a page error code, so both interfaces speak of the same thing.
pub fn api_code(page_code: &str) -> &'static str {
    match page_code {
        "not-found" => "not_found",
        "forbidden" => "auth.forbidden",
        "sign-in-required" => "auth.unauthenticated",
        "conflict" => "conflict.stale_version",
        "too-large" => "request.too_large",
        "csrf" => "auth.csrf",
        "internal" => "internal",
        "method-not-allowed" => "request.method_not_allowed",
        _ => "request.bad",
    }
}

pub fn problem_response(status: StatusCode, code: &str, detail: &str) -> Response {
    problem_response_with(status, code, detail, Vec::new())
}

fn problem_response_with(
    status: StatusCode,
    code: &str,
    detail: &str,
    errors: Vec<FieldErrorWire>,
) -> Response {
    let problem = Problem {
        errors,
        kind: format!("urn:haven:problem:{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: detail.to_owned(),
        code: code.to_owned(),
    };
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem_response_with(self.status, self.code, &self.detail, self.errors)
    }
}

/// An action's error as problem+json; field errors carry `errors[]`.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let code = error.code();
        match error {
            AppError::Forbidden => ApiError::forbidden(),
            AppError::NotFound { entity } => {
                ApiError::new(StatusCode::NOT_FOUND, code, format!("no such {entity}"))
            }
            AppError::ScopeBeyondYours => ApiError::new(
                StatusCode::FORBIDDEN,
                code,
                "this is beyond the places where your roles let you act",
            ),
            AppError::SealedAccount => ApiError::new(
                StatusCode::FORBIDDEN,
                code,
                "only a national safeguarding focal point may give this role or change this account",
            ),
            AppError::Invalid(fields) => ApiError::fields(
                fields
                    .iter()
                    .map(|f| FieldErrorWire {
                        field: f.field.to_owned(),
                        code: f.code.to_owned(),
                    })
                    .collect(),
            ),
            AppError::Refused(rule) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                format!("refused: {rule}"),
            ),
            AppError::Conflict { entity } => ApiError::new(
                StatusCode::CONFLICT,
                code,
                format!("the {entity} was changed since you read it; read it again and retry"),
            ),
            AppError::Duplicate { field } => ApiError::new(
                StatusCode::CONFLICT,
                code,
                format!("the {field} is already taken"),
            ),
            AppError::Store(error) => {
                tracing::error!(%error, source = ?std::error::Error::source(&error), "store error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    code,
                    "something went wrong on the server",
                )
            }
        }
    }
}
