//! Places over the API: programme locations with their facilities.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use haven_app::model::{Facility, Id, Programme};
use haven_app::places::ProgrammeView;
use haven_domain::places::{
    FacilityDetails, FacilityInput, PlaceError, PlaceField, ProgrammeDetails, ProgrammeInput,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiJson;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::extract::Ids;
use crate::state::AppState;

/// Adds this part's routes (and their OpenAPI paths) to the API router.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_places))
        .routes(routes!(create_programme))
        .routes(routes!(get_programme, update_programme))
        .routes(routes!(create_facility))
        .routes(routes!(get_facility, update_facility))
}

/// A facility of a programme.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacilityWire {
    pub id: String,
    pub programme_id: String,
    /// A facility kind code, such as `medical_centre`.
    pub kind: String,
    pub name: String,
    pub name_km: String,
    /// `YYYY-MM-DD`.
    pub opened_on: Option<String>,
    pub catchment_population: Option<i64>,
    /// People registered here, neither merged nor entered in error.
    pub people_served: i64,
    pub closed: bool,
    /// Send it back with a change; a stale one is refused with 409.
    pub version: i64,
}

/// A programme location and its facilities.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeWire {
    pub id: String,
    /// ISO 3166-1, such as `KH`.
    pub country: String,
    pub name: String,
    pub name_km: String,
    /// ISO 3166-2, such as `KH-12`.
    pub province: String,
    pub district: String,
    pub commune: String,
    pub village: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub closed: bool,
    pub version: i64,
    pub facilities: Vec<FacilityWire>,
}

fn facility_wire(f: Facility, served: i64) -> FacilityWire {
    FacilityWire {
        id: f.id.to_string(),
        programme_id: f.programme_id.to_string(),
        kind: f.kind,
        name: f.name,
        name_km: f.name_km,
        opened_on: f.opened_on.map(|d| d.to_string()),
        catchment_population: f.catchment_population,
        people_served: served,
        closed: f.closed_at.is_some(),
        version: f.version,
    }
}

fn programme_wire(
    p: Programme,
    facilities: Vec<Facility>,
    served: &HashMap<Id, i64>,
) -> ProgrammeWire {
    let facilities = facilities
        .into_iter()
        .map(|f| {
            let n = served.get(&f.id).copied().unwrap_or(0);
            facility_wire(f, n)
        })
        .collect();
    ProgrammeWire {
        id: p.id.to_string(),
        country: p.country_code,
        name: p.name,
        name_km: p.name_km,
        province: p.province_code,
        district: p.district,
        commune: p.commune,
        village: p.village,
        latitude: p.latitude,
        longitude: p.longitude,
        closed: p.closed_at.is_some(),
        version: p.version,
        facilities,
    }
}

fn programme_view_wire(view: ProgrammeView) -> ProgrammeWire {
    programme_wire(view.programme, view.facilities, &view.served)
}

/// A 422 naming every wrong field and its stable error code.
pub(crate) fn field_errors<F: Copy, E: Copy>(
    errors: &[(F, E)],
    field: impl Fn(F) -> &'static str,
    code: impl Fn(E) -> &'static str,
) -> ApiError {
    let detail = errors
        .iter()
        .map(|(f, e)| format!("{}: {}", field(*f), code(*e)))
        .collect::<Vec<_>>()
        .join("; ");
    ApiError::validation(detail)
}

fn place_errors(errors: &[(PlaceField, PlaceError)]) -> ApiError {
    field_errors(errors, PlaceField::name, PlaceError::code)
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

/// Every programme location with its facilities.
#[utoipa::path(get, path = "/api/v1/places", tag = "places", security(("bearer" = [])),
    responses((status = 200, body = [ProgrammeWire]), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_places(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<ProgrammeWire>>, ApiError> {
    let overview = state.app().places_overview(&caller.caller()).await?;
    let served = &overview.served;
    Ok(Json(
        overview
            .programmes
            .into_iter()
            .map(|(p, facilities)| programme_wire(p, facilities, served))
            .collect(),
    ))
}

/// A programme location's details.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeRequest {
    pub name: String,
    #[serde(default)]
    pub name_km: String,
    /// ISO 3166-2, such as `KH-12`.
    pub province: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub village: String,
    /// Both or neither of latitude and longitude.
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    /// Required to change a programme: the version read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ProgrammeRequest {
    fn details(&self) -> Result<ProgrammeDetails, ApiError> {
        let latitude = self.latitude.map(|v| v.to_string()).unwrap_or_default();
        let longitude = self.longitude.map(|v| v.to_string()).unwrap_or_default();
        ProgrammeDetails::parse(&ProgrammeInput {
            name: &self.name,
            name_km: &self.name_km,
            province: &self.province,
            district: &self.district,
            commune: &self.commune,
            village: &self.village,
            latitude: &latitude,
            longitude: &longitude,
        })
        .map_err(|errors| place_errors(&errors))
    }
}

fn version_required(version: Option<i64>) -> Result<i64, ApiError> {
    version.ok_or_else(|| ApiError::validation("version: required to change a record"))
}

/// Records a programme location (in Cambodia).
#[utoipa::path(post, path = "/api/v1/programmes", tag = "places", security(("bearer" = [])),
    request_body = ProgrammeRequest,
    responses((status = 201, body = ProgrammeWire), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_programme(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(request): ApiJson<ProgrammeRequest>,
) -> Result<(StatusCode, Json<ProgrammeWire>), ApiError> {
    let caller = caller.caller();
    state.app().may_change_places(&caller)?;
    let details = request.details()?;
    let programme = state.app().create_programme(&caller, &details).await?;
    Ok((StatusCode::CREATED, Json(programme_view_wire(programme))))
}

/// One programme location with its facilities.
#[utoipa::path(get, path = "/api/v1/programmes/{programme}", tag = "places", security(("bearer" = [])),
    params(("programme" = String, Path, description = "the programme's id")),
    responses((status = 200, body = ProgrammeWire), (status = 404, body = Problem)))]
pub async fn get_programme(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
) -> Result<Json<ProgrammeWire>, ApiError> {
    let caller = caller.caller();
    Ok(Json(programme_view_wire(
        state.app().programme_view(&caller, id).await?,
    )))
}

/// Changes a programme location; `version` is the one read.
#[utoipa::path(put, path = "/api/v1/programmes/{programme}", tag = "places", security(("bearer" = [])),
    params(("programme" = String, Path, description = "the programme's id")),
    request_body = ProgrammeRequest,
    responses((status = 200, body = ProgrammeWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_programme(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<ProgrammeRequest>,
) -> Result<Json<ProgrammeWire>, ApiError> {
    let caller = caller.caller();
    state.app().may_change_places(&caller)?;
    let details = request.details()?;
    let version = version_required(request.version)?;
    let programme = state
        .app()
        .update_programme(&caller, id, version, &details)
        .await?;
    Ok(Json(programme_view_wire(programme)))
}

/// A facility's details.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FacilityRequest {
    /// The programme it belongs to (for a new facility; ignored on a change).
    #[serde(default)]
    pub programme_id: Option<String>,
    /// A facility kind code, such as `medical_centre`.
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub name_km: String,
    /// `YYYY-MM-DD`, not in the future.
    #[serde(default)]
    pub opened_on: Option<String>,
    #[serde(default)]
    pub catchment_population: Option<i64>,
    /// Required to change a facility: the version read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl FacilityRequest {
    fn details(&self, today: time::Date) -> Result<FacilityDetails, ApiError> {
        let catchment = self
            .catchment_population
            .map(|n| n.to_string())
            .unwrap_or_default();
        FacilityDetails::parse(
            &FacilityInput {
                kind: &self.kind,
                name: &self.name,
                name_km: &self.name_km,
                opened_on: self.opened_on.as_deref().unwrap_or(""),
                catchment_population: &catchment,
            },
            today,
        )
        .map_err(|errors| place_errors(&errors))
    }
}

/// Adds a facility to a programme.
#[utoipa::path(post, path = "/api/v1/facilities", tag = "places", security(("bearer" = [])),
    request_body = FacilityRequest,
    responses((status = 201, body = FacilityWire), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_facility(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(request): ApiJson<FacilityRequest>,
) -> Result<(StatusCode, Json<FacilityWire>), ApiError> {
    let caller = caller.caller();
    state.app().may_change_places(&caller)?;
    let details = request.details(state.today())?;
    let programme = request
        .programme_id
        .as_deref()
        .ok_or_else(|| ApiError::validation("programme_id: required"))?;
    let programme = parse_id(programme, "programme")?;
    let facility = state
        .app()
        .create_facility(&caller, programme, &details)
        .await?;
    Ok((StatusCode::CREATED, Json(facility_wire(facility, 0))))
}

/// One facility.
#[utoipa::path(get, path = "/api/v1/facilities/{facility}", tag = "places", security(("bearer" = [])),
    params(("facility" = String, Path, description = "the facility's id")),
    responses((status = 200, body = FacilityWire), (status = 404, body = Problem)))]
pub async fn get_facility(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
) -> Result<Json<FacilityWire>, ApiError> {
    let found = state.app().facility_served(&caller.caller(), id).await?;
    Ok(Json(facility_wire(found.facility, found.served)))
}

/// Changes a facility; `version` is the one read.
#[utoipa::path(put, path = "/api/v1/facilities/{facility}", tag = "places", security(("bearer" = [])),
    params(("facility" = String, Path, description = "the facility's id")),
    request_body = FacilityRequest,
    responses((status = 200, body = FacilityWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_facility(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<FacilityRequest>,
) -> Result<Json<FacilityWire>, ApiError> {
    let caller = caller.caller();
    state.app().may_change_places(&caller)?;
    let details = request.details(state.today())?;
    let version = version_required(request.version)?;
    let changed = state
        .app()
        .update_facility(&caller, id, version, &details)
        .await?;
    Ok(Json(facility_wire(changed.facility, changed.served)))
}
