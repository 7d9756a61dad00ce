//! The JSON API at /api/v1 for machine clients: bearer tokens, problem+json errors,
//! and an OpenAPI document generated from these handlers' annotations.

mod audit;
mod care;
mod clinic;
mod growth;
mod mch;
mod people;
mod places;
mod safeguarding;
mod staff;
mod users;

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Haven API",
        description = "The record system of SOS Medical Centres and SOS Children's Villages programmes. \
                       Authenticate with `Authorization: Bearer <token>`; tokens are made with \
                       `haven token create` or on a user's page. Errors are application/problem+json \
                       with a stable `code`.",
    ),
    modifiers(&BearerToken),
    components(schemas(crate::error::Problem)),
    tags(
        (name = "accounts", description = "Users, their roles, and the caller's own account"),
        (name = "audit", description = "The audit trail"),
        (name = "places", description = "Programme locations and their facilities"),
        (name = "staff", description = "Staff members, their registrations and trainings"),
        (name = "safeguarding", description = "Child safeguarding: filing a concern (everyone), the focal points' reports"),
        (name = "mother-and-child", description = "Pregnancies, births, postnatal care, immunisation and family planning"),
        (name = "care", description = "Children's villages and family strengthening: houses, gatekeeping, placements, plans, school, independence, households"),
        (name = "clinic", description = "Visits, stays, lab orders and results, prescriptions, dispensing and stock"),
    )
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API routes, and the OpenAPI document that describes them.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let router = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(users::me))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::get_user))
        .routes(routes!(users::disable_user))
        .routes(routes!(users::enable_user))
        .routes(routes!(users::grant_role))
        .routes(routes!(users::revoke_role))
        .routes(routes!(users::reset_password))
        .routes(routes!(users::create_token))
        .routes(routes!(audit::list_audit_events));
    let router = places::routes(router);
    let router = staff::routes(router);
    let router = people::routes(router);
    let router = clinic::routes(router);
    let router = mch::routes(router);
    let router = growth::routes(router);
    let router = care::routes(router);
    let router = safeguarding::routes(router);
    router.split_for_parts()
}

/// A JSON body whose every rejection (malformed JSON, wrong fields, too large, wrong
/// content type) is answered as problem+json with a stable code.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection;
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::validation(e.body_text())),
            Err(JsonRejection::JsonSyntaxError(_)) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "request.malformed_json",
                "the body is not well-formed JSON",
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "request.unsupported_media_type",
                "send the body as Content-Type: application/json",
            )),
            Err(other) if other.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request.too_large",
                "the request body is larger than Haven accepts",
            )),
            Err(_) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "request.bad",
                "the body could not be read",
            )),
        }
    }
}

/// The OpenAPI document, served at /api/v1/openapi.json.
pub fn openapi_response(document: &str) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        document.to_owned(),
    )
        .into_response()
}
