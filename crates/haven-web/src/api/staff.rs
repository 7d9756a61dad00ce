//! Staff over the API: the list with its filters, one staff member, changes, and
//! trainings.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use haven_app::model::{Id, StaffFilter, Training};
use haven_app::staff::StaffRecord;
use haven_domain::staff::{
    Profession, StaffDetails, StaffError, StaffField, StaffInput, TrainingDetails, TrainingInput,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::places::field_errors;
use super::ApiJson;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::extract::Ids;
use crate::state::AppState;

/// Adds this part's routes (and their OpenAPI paths) to the API router.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_staff, create_staff))
        .routes(routes!(get_staff, update_staff))
        .routes(routes!(add_training))
}

/// A training.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingWire {
    pub id: String,
    pub course: String,
    pub provider: String,
    pub started_on: String,
    pub ended_on: String,
    pub hours: Option<f64>,
    pub certificate: String,
    pub version: i64,
}

/// A staff member.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffWire {
    pub id: String,
    pub person_id: String,
    /// The person's name as Haven shows it.
    pub name: String,
    /// A profession code, such as `midwife`.
    pub profession: String,
    pub registration_number: String,
    /// `YYYY-MM-DD`.
    pub registration_expires_on: Option<String>,
    pub started_on: Option<String>,
    pub left_on: Option<String>,
    pub user_id: Option<String>,
    /// The facilities where they work now.
    pub facility_ids: Vec<String>,
    /// Send it back with a change; a stale one is refused with 409.
    pub version: i64,
    /// Only in the answer for one staff member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainings: Option<Vec<TrainingWire>>,
}

fn training_wire(t: Training) -> TrainingWire {
    TrainingWire {
        id: t.id.to_string(),
        course: t.course,
        provider: t.provider,
        started_on: t.started_on.to_string(),
        ended_on: t.ended_on.to_string(),
        hours: t.hours,
        certificate: t.certificate,
        version: t.version,
    }
}

fn staff_wire(record: StaffRecord, with_trainings: bool) -> StaffWire {
    let s = record.staff;
    let facility_ids = record
        .assignments
        .into_iter()
        .filter(|a| a.ended_at.is_none())
        .map(|a| a.facility_id.to_string())
        .collect();
    let trainings =
        with_trainings.then(|| record.trainings.into_iter().map(training_wire).collect());
    StaffWire {
        id: s.id.to_string(),
        person_id: s.person_id.to_string(),
        name: s.display_name(),
        profession: s.profession.clone(),
        registration_number: s.registration_number.clone(),
        registration_expires_on: s.registration_expires_on.map(|d| d.to_string()),
        started_on: s.started_on.map(|d| d.to_string()),
        left_on: s.left_on.map(|d| d.to_string()),
        user_id: s.user_id.map(|u| u.to_string()),
        facility_ids,
        version: s.version,
        trainings,
    }
}

fn staff_errors(errors: &[(StaffField, StaffError)]) -> ApiError {
    field_errors(errors, StaffField::name, StaffError::code)
}

fn parse_id(raw: &str, entity: &str) -> Result<Id, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {entity}"),
        )
    })
}

/// The list's filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// A profession code.
    #[serde(default)]
    pub profession: Option<String>,
    /// A facility id: staff working there now.
    #[serde(default)]
    pub facility: Option<String>,
}

/// Staff members, filtered by profession and facility.
#[utoipa::path(get, path = "/api/v1/staff", tag = "staff", security(("bearer" = [])),
    params(StaffQuery),
    responses((status = 200, body = [StaffWire]), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_staff(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<StaffQuery>,
) -> Result<Json<Vec<StaffWire>>, ApiError> {
    let caller = caller.caller();
    state.app().may_read_staff(&caller)?;
    let profession = match query.profession.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(
            Profession::parse(code)
                .ok_or_else(|| ApiError::validation("profession: not a profession Haven knows"))?,
        ),
    };
    let facility = match query.facility.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<Id>()
                .map_err(|_| ApiError::validation("facility: not an id"))?,
        ),
    };
    let records = state
        .app()
        .list_staff_records(
            &caller,
            &StaffFilter {
                profession,
                facility,
            },
        )
        .await?;
    Ok(Json(
        records
            .into_iter()
            .map(|record| staff_wire(record, false))
            .collect(),
    ))
}

/// A staff member's details.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffRequest {
    /// The person in the registry (for a new staff member; ignored on a change).
    #[serde(default)]
    pub person_id: Option<String>,
    /// A profession code.
    pub profession: String,
    /// Required for doctors, registered nurses and midwives.
    #[serde(default)]
    pub registration_number: String,
    /// `YYYY-MM-DD`; required for doctors, registered nurses and midwives.
    #[serde(default)]
    pub registration_expires_on: Option<String>,
    #[serde(default)]
    pub started_on: Option<String>,
    #[serde(default)]
    pub left_on: Option<String>,
    /// Required to change a staff member: the version read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl StaffRequest {
    fn details(&self) -> Result<StaffDetails, ApiError> {
        StaffDetails::parse(&StaffInput {
            profession: &self.profession,
            registration_number: &self.registration_number,
            registration_expires_on: self.registration_expires_on.as_deref().unwrap_or(""),
            started_on: self.started_on.as_deref().unwrap_or(""),
            left_on: self.left_on.as_deref().unwrap_or(""),
        })
        .map_err(|errors| staff_errors(&errors))
    }
}

/// Records an existing person as a staff member.
#[utoipa::path(post, path = "/api/v1/staff", tag = "staff", security(("bearer" = [])),
    request_body = StaffRequest,
    responses((status = 201, body = StaffWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_staff(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(request): ApiJson<StaffRequest>,
) -> Result<(StatusCode, Json<StaffWire>), ApiError> {
    let caller = caller.caller();
    state.app().may_change_staff(&caller)?;
    let details = request.details()?;
    let person = request
        .person_id
        .as_deref()
        .ok_or_else(|| ApiError::validation("person_id: required"))?;
    let person = parse_id(person, "person")?;
    let record = state
        .app()
        .create_staff_member(&caller, person, &details)
        .await?;
    Ok((StatusCode::CREATED, Json(staff_wire(record, true))))
}

/// One staff member, with their trainings.
#[utoipa::path(get, path = "/api/v1/staff/{staff}", tag = "staff", security(("bearer" = [])),
    params(("staff" = String, Path, description = "the staff member's id")),
    responses((status = 200, body = StaffWire), (status = 404, body = Problem)))]
pub async fn get_staff(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
) -> Result<Json<StaffWire>, ApiError> {
    let caller = caller.caller();
    state.app().may_read_staff(&caller)?;
    let record = state.app().staff_record(&caller, id).await?;
    Ok(Json(staff_wire(record, true)))
}

/// Changes a staff member's profession, registration and dates; `version` is the
/// one read.
#[utoipa::path(put, path = "/api/v1/staff/{staff}", tag = "staff", security(("bearer" = [])),
    params(("staff" = String, Path, description = "the staff member's id")),
    request_body = StaffRequest,
    responses((status = 200, body = StaffWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_staff(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<StaffRequest>,
) -> Result<Json<StaffWire>, ApiError> {
    let caller = caller.caller();
    state.app().may_change_staff(&caller)?;
    let details = request.details()?;
    let version = request
        .version
        .ok_or_else(|| ApiError::validation("version: required to change a record"))?;
    let record = state
        .app()
        .update_staff_member(&caller, id, version, &details)
        .await?;
    Ok(Json(staff_wire(record, true)))
}

/// A training to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingRequest {
    pub course: String,
    #[serde(default)]
    pub provider: String,
    /// `YYYY-MM-DD`; planned trainings may lie in the future.
    pub started_on: String,
    /// `YYYY-MM-DD`, not before `started_on`.
    pub ended_on: String,
    /// More than 0 and at most 2000.
    #[serde(default)]
    pub hours: Option<f64>,
    #[serde(default)]
    pub certificate: String,
}

/// Adds a training to a staff member's record.
#[utoipa::path(post, path = "/api/v1/staff/{staff}/trainings", tag = "staff", security(("bearer" = [])),
    params(("staff" = String, Path, description = "the staff member's id")),
    request_body = TrainingRequest,
    responses((status = 201, body = TrainingWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_training(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<TrainingRequest>,
) -> Result<(StatusCode, Json<TrainingWire>), ApiError> {
    let caller = caller.caller();
    state.app().may_change_staff(&caller)?;
    let hours = request.hours.map(|h| h.to_string()).unwrap_or_default();
    let details = TrainingDetails::parse(&TrainingInput {
        course: &request.course,
        provider: &request.provider,
        started_on: &request.started_on,
        ended_on: &request.ended_on,
        hours: &hours,
        certificate: &request.certificate,
    })
    .map_err(|errors| staff_errors(&errors))?;
    let training = state.app().add_training(&caller, id, &details).await?;
    Ok((StatusCode::CREATED, Json(training_wire(training))))
}
