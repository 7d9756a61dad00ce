//! The /api/v1 routes of growth monitoring and nutrition: measurements, WHO z-scores, growth charts, the growth calculator, the child health card and the malnutrition programme (issue 5).
//!
//! - `POST /api/v1/growth/calculate`: the calculator, the same JSON as `haven anthro`
//!   (any signed-in caller: it stores and reads nothing).
//! - `GET` / `POST /api/v1/growth/people/{child}/measurements`: a person's measurements
//!   with their z-scores, and recording one (Read / Write Clinical, the person in reach).
//! - `GET /api/v1/growth/outcomes`: the programme's discharges per facility and month with
//!   the Sphere rates (Read Clinical, the facilities in reach).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use haven_app::model::growth::{growth_sex, GrowthMeasurement, NewMeasurement};
use haven_app::model::{Id, Person};
use haven_app::AppError;
use haven_domain::growth::anthro::{age_in_days, parse_age_days, MeasurementField};
use haven_domain::growth::{GrowthError, GrowthSex, Measurements, MeasurementsInput};
use haven_domain::Action;
use serde::{Deserialize, Serialize};
use utoipa::openapi::tag::TagBuilder;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::places::field_errors;
use super::ApiJson;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::extract::Ids;
use crate::growth_json::CalculatorAnswer;
use crate::state::AppState;

/// Adds this part's API routes.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    let mut router = router
        .routes(routes!(calculate))
        .routes(routes!(list_measurements, record_measurement))
        .routes(routes!(outcomes));
    let tags = router.get_openapi_mut().tags.get_or_insert_with(Vec::new);
    tags.push(
        TagBuilder::new()
            .name("growth")
            .description(Some(
                "WHO growth z-scores, measurements and the malnutrition programme",
            ))
            .build(),
    );
    router
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// A number as the domain parses it (the API sends numbers, forms send text).
fn text(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The calculator's question.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalculatorRequest {
    /// `F` or `M`.
    pub sex: String,
    /// The age in whole days; or give `dob` and `date`.
    #[serde(default)]
    pub age_days: Option<i64>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub dob: Option<String>,
    /// The date measured, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub weight_kg: Option<f64>,
    #[serde(default)]
    pub length_cm: Option<f64>,
    /// `lying` or `standing`, with a length.
    #[serde(default)]
    pub measured: Option<String>,
    #[serde(default)]
    pub head_cm: Option<f64>,
    #[serde(default)]
    pub muac_mm: Option<f64>,
    #[serde(default)]
    pub oedema: bool,
}

/// The domain's field errors as one problem with the fields named.
fn measurement_errors(errors: &[(MeasurementField, GrowthError)]) -> ApiError {
    field_errors(errors, MeasurementField::name, GrowthError::code)
}

/// WHO z-scores and the SAM/MAM class of a child, registered or not.
#[utoipa::path(post, path = "/api/v1/growth/calculate", tag = "growth", security(("bearer" = [])),
    request_body = CalculatorRequest,
    responses((status = 200, body = CalculatorAnswer), (status = 422, body = Problem)))]
pub async fn calculate(
    _caller: ApiCaller,
    ApiJson(request): ApiJson<CalculatorRequest>,
) -> Result<Json<CalculatorAnswer>, ApiError> {
    let mut errors: Vec<(MeasurementField, GrowthError)> = Vec::new();
    let sex = GrowthSex::parse(&request.sex).filter(|_| !request.sex.trim().is_empty());
    if sex.is_none() {
        errors.push((MeasurementField::Sex, GrowthError::SexRequired));
    }
    let age = match (request.age_days, &request.dob, &request.date) {
        (Some(days), _, _) => parse_age_days(&days.to_string())
            .map_err(|e| errors.push((MeasurementField::AgeDays, e)))
            .ok(),
        (None, Some(dob), Some(date)) => {
            match (time::Date::parse(dob, DATE), time::Date::parse(date, DATE)) {
                (Ok(dob), Ok(date)) => age_in_days(dob, date)
                    .map_err(|e| errors.push((MeasurementField::Date, e)))
                    .ok(),
                (Err(_), _) => {
                    errors.push((MeasurementField::DateOfBirth, GrowthError::DateMalformed));
                    None
                }
                (_, Err(_)) => {
                    errors.push((MeasurementField::Date, GrowthError::DateMalformed));
                    None
                }
            }
        }
        _ => {
            errors.push((MeasurementField::AgeDays, GrowthError::AgeRequired));
            None
        }
    };
    let (weight, length, head, muac) = (
        text(request.weight_kg),
        text(request.length_cm),
        text(request.head_cm),
        text(request.muac_mm),
    );
    let values = Measurements::parse(&MeasurementsInput {
        weight_kg: &weight,
        length_cm: &length,
        position: request.measured.as_deref().unwrap_or(""),
        head_cm: &head,
        muac_mm: &muac,
        oedema: request.oedema,
        ..MeasurementsInput::default()
    })
    .map_err(|e| errors.extend(e))
    .ok();
    match (sex, age, values) {
        (Some(sex), Some(age), Some(values)) if errors.is_empty() => {
            Ok(Json(CalculatorAnswer::from(&values.assess(sex, Some(age)))))
        }
        _ => Err(measurement_errors(&errors)),
    }
}

/// A measurement with its z-scores.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasurementWire {
    pub id: String,
    pub person_id: String,
    pub facility_id: Option<String>,
    /// `YYYY-MM-DD`.
    pub measured_on: String,
    /// The age in days on that date; null before the recorded birth date.
    pub age_days: Option<u32>,
    pub weight_kg: Option<f64>,
    pub length_cm: Option<f64>,
    /// `lying` or `standing`.
    pub measured: Option<String>,
    pub head_cm: Option<f64>,
    pub muac_mm: Option<f64>,
    pub triceps_mm: Option<f64>,
    pub subscapular_mm: Option<f64>,
    pub oedema: bool,
    /// The z-scores and class, computed now from the measurement and the person's birth
    /// date; null when the person's sex has no WHO table (other, unknown).
    pub z_scores: Option<CalculatorAnswer>,
    pub version: i64,
}

fn measurement_wire(person: &Person, m: GrowthMeasurement) -> MeasurementWire {
    let age = age_in_days(person.birth_date, m.measured_on).ok();
    let z_scores =
        growth_sex(person).map(|sex| CalculatorAnswer::from(&m.values().assess(sex, age)));
    MeasurementWire {
        id: m.id.to_string(),
        person_id: m.person_id.to_string(),
        facility_id: m.facility_id.map(|f| f.to_string()),
        measured_on: m.measured_on.to_string(),
        age_days: age,
        weight_kg: m.weight_kg,
        length_cm: m.length_cm,
        measured: m.position,
        head_cm: m.head_cm,
        muac_mm: m.muac_mm,
        triceps_mm: m.triceps_mm,
        subscapular_mm: m.subscapular_mm,
        oedema: m.oedema,
        z_scores,
        version: m.version,
    }
}

fn not_found(entity: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no such {entity}"),
    )
}

/// A person's measurements, oldest first, with their z-scores. The read is audited.
#[utoipa::path(get, path = "/api/v1/growth/people/{child}/measurements", tag = "growth", security(("bearer" = [])),
    params(("child" = String, Path, description = "the person's id")),
    responses((status = 200, body = [MeasurementWire]), (status = 404, body = Problem)))]
pub async fn list_measurements(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
) -> Result<Json<Vec<MeasurementWire>>, ApiError> {
    let (person, all) = state.app().read_growth(&caller.caller(), id).await?;
    Ok(Json(
        all.into_iter()
            .map(|m| measurement_wire(&person, m))
            .collect(),
    ))
}

/// A new measurement.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementRequest {
    /// `YYYY-MM-DD`, not in the future, not before the person's birth.
    pub measured_on: String,
    #[serde(default)]
    pub facility_id: Option<String>,
    #[serde(default)]
    pub visit_id: Option<String>,
    #[serde(default)]
    pub weight_kg: Option<f64>,
    #[serde(default)]
    pub length_cm: Option<f64>,
    /// `lying` or `standing`, with a length.
    #[serde(default)]
    pub measured: Option<String>,
    #[serde(default)]
    pub head_cm: Option<f64>,
    #[serde(default)]
    pub muac_mm: Option<f64>,
    #[serde(default)]
    pub triceps_mm: Option<f64>,
    #[serde(default)]
    pub subscapular_mm: Option<f64>,
    #[serde(default)]
    pub oedema: bool,
    #[serde(default)]
    pub note: String,
}

/// Records a measurement of a person; the answer holds its z-scores.
#[utoipa::path(post, path = "/api/v1/growth/people/{child}/measurements", tag = "growth", security(("bearer" = [])),
    params(("child" = String, Path, description = "the person's id")),
    request_body = MeasurementRequest,
    responses((status = 201, body = MeasurementWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_measurement(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(person): Ids<Id>,
    ApiJson(request): ApiJson<MeasurementRequest>,
) -> Result<(StatusCode, Json<MeasurementWire>), ApiError> {
    let person = state
        .app()
        .growth_child(&caller.caller(), person, Action::Write)
        .await?;
    let mut errors: Vec<(MeasurementField, GrowthError)> = Vec::new();
    let today = state.today();
    let measured_on = match time::Date::parse(request.measured_on.trim(), DATE) {
        Ok(d) if d > today => {
            errors.push((MeasurementField::Date, GrowthError::DateInFuture));
            None
        }
        Ok(d) if d < person.birth_date => {
            errors.push((MeasurementField::Date, GrowthError::DateBeforeBirth));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push((MeasurementField::Date, GrowthError::DateMalformed));
            None
        }
    };
    let numbers = [
        text(request.weight_kg),
        text(request.length_cm),
        text(request.head_cm),
        text(request.muac_mm),
        text(request.triceps_mm),
        text(request.subscapular_mm),
    ];
    let values = Measurements::parse(&MeasurementsInput {
        weight_kg: &numbers[0],
        length_cm: &numbers[1],
        position: request.measured.as_deref().unwrap_or(""),
        head_cm: &numbers[2],
        muac_mm: &numbers[3],
        triceps_mm: &numbers[4],
        subscapular_mm: &numbers[5],
        oedema: request.oedema,
    })
    .map_err(|e| errors.extend(e))
    .ok();
    let facility_id = match request
        .facility_id
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        None => None,
        Some(raw) => Some(
            raw.parse::<Id>()
                .map_err(|_| ApiError::validation("facility_id: not an id"))?,
        ),
    };
    let visit_id = match request
        .visit_id
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => None,
        Some(raw) => Some(
            raw.parse::<Id>()
                .map_err(|_| ApiError::validation("visit_id: not an id"))?,
        ),
    };
    let (Some(measured_on), Some(values), true) = (measured_on, values, errors.is_empty()) else {
        return Err(measurement_errors(&errors));
    };
    let new = NewMeasurement {
        person_id: person.id,
        facility_id,
        visit_id,
        measured_on,
        values,
        note: request.note,
    };
    let stored = state
        .app()
        .record_measurement(&caller.caller(), &new)
        .await
        .map_err(|e| match e {
            AppError::Invalid(_) => ApiError::validation("facility_id: not a facility you work in"),
            other => other.into(),
        })?;
    Ok((StatusCode::CREATED, Json(measurement_wire(&person, stored))))
}

/// Which outcomes to count.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct OutcomesQuery {
    /// A facility id; every facility in reach when absent.
    #[serde(default)]
    pub facility: Option<String>,
    /// `YYYY-MM-DD`, first day counted; a year before `to` by default.
    #[serde(default)]
    pub from: Option<String>,
    /// `YYYY-MM-DD`, last day counted; today by default.
    #[serde(default)]
    pub to: Option<String>,
}

/// A facility's discharges in one month with the Sphere rates.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeWire {
    pub facility_id: String,
    /// `YYYY-MM`.
    pub month: String,
    pub cured: u32,
    pub died: u32,
    pub defaulted: u32,
    pub non_responder: u32,
    pub transferred: u32,
    /// Exits counted in the rates (transfers left out).
    pub exits: u32,
    pub cured_percent: f64,
    pub died_percent: f64,
    pub defaulted_percent: f64,
    /// Cured > 75 %, died < 10 %, defaulted < 15 %.
    pub meets_sphere: bool,
}

/// The programme's discharges per facility and month, with the Sphere rates.
#[utoipa::path(get, path = "/api/v1/growth/outcomes", tag = "growth", security(("bearer" = [])),
    params(OutcomesQuery),
    responses((status = 200, body = [OutcomeWire]), (status = 422, body = Problem)))]
pub async fn outcomes(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<OutcomesQuery>,
) -> Result<Json<Vec<OutcomeWire>>, ApiError> {
    // Figures without names: clinicians and M&E (Read Report) read them, as far as
    // those roles reach (haven-app decides).
    let caller = caller.caller();
    let app = state.app();
    let facilities = app.nutrition_outcome_facilities(&caller).await?;
    let today = state.today();
    let date = |raw: &Option<String>, field: &str, default: time::Date| match raw
        .as_deref()
        .map(str::trim)
    {
        None | Some("") => Ok(default),
        Some(raw) => time::Date::parse(raw, DATE).map_err(|_| {
            ApiError::validation(format!("{field}: {}", GrowthError::DateMalformed.code()))
        }),
    };
    let to = date(&query.to, "to", today)?;
    let from = date(&query.from, "from", to - time::Duration::days(365))?;
    let facilities: Vec<Id> = match query
        .facility
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        // One out of reach is not found (haven-app says so).
        Some(raw) => vec![raw.parse().map_err(|_| not_found("facility"))?],
        None => facilities.iter().map(|f| f.id).collect(),
    };
    let months = app
        .programme_outcomes(&caller, &facilities, from, to)
        .await?;
    Ok(Json(
        months
            .into_iter()
            .filter_map(|m| {
                let sphere = m.counts.sphere()?;
                Some(OutcomeWire {
                    facility_id: m.facility_id.to_string(),
                    month: format!("{}-{:02}", m.month.year(), u8::from(m.month.month())),
                    cured: m.counts.cured,
                    died: m.counts.died,
                    defaulted: m.counts.defaulted,
                    non_responder: m.counts.non_responder,
                    transferred: m.counts.transferred,
                    exits: sphere.exits,
                    cured_percent: sphere.cured.percent,
                    died_percent: sphere.died.percent,
                    defaulted_percent: sphere.defaulted.percent,
                    meets_sphere: sphere.cured.meets_standard
                        && sphere.died.meets_standard
                        && sphere.defaulted.meets_standard,
                })
            })
            .collect(),
    ))
}
