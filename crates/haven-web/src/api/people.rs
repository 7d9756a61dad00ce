//! People over the API: register, search, read (audited) and correct a person.
//!
//! Bad input is answered 422 `validation.failed` with one entry per wrong field,
//! each with the field's name (`names.family_km`, `identifiers[0]`) and a stable
//! code (the domain's `PersonError::code()`, or `duplicate`, `unknown_category`...).
//! A caller sees only the people their roles' scopes reach; others are not found.

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use haven_app::model::{Id, NewPerson, Person};
use haven_app::people::{ListedPerson, PeopleSearch, PersonRecord};
use haven_domain::person::{BirthDateInput, NameField, NameInput};
use haven_domain::Kind;
use serde::{Deserialize, Serialize};
use utoipa::openapi::tag::TagBuilder;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiJson;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::extract::Ids;
use crate::person_input::{
    check_against_registry, parse_filters, parse_person, split_date, FilterInput, InputError,
    InputField, InputProblem, PersonInput,
};
use crate::state::AppState;
use haven_app::AppError;

/// Adds this part's routes (and their OpenAPI paths) to the API router.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    let mut router = router
        .routes(routes!(search_people, create_person))
        .routes(routes!(get_person, update_person));
    let tags = router.get_openapi_mut().tags.get_or_insert_with(Vec::new);
    tags.push(
        TagBuilder::new()
            .name("people")
            .description(Some(
                "The registry: one record per person across health and care",
            ))
            .build(),
    );
    router
}

/// A person's names as written.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NamesWire {
    /// Family name in Khmer script.
    #[serde(default)]
    pub family_km: String,
    /// Given name in Khmer script.
    #[serde(default)]
    pub given_km: String,
    /// Family name in Latin letters.
    #[serde(default)]
    pub family_latin: String,
    /// Given name in Latin letters.
    #[serde(default)]
    pub given_latin: String,
    #[serde(default)]
    pub other_names: String,
    #[serde(default)]
    pub nicknames: String,
}

/// A date of birth as sent: an exact `date`; or `year` (and `month`) with precision
/// `year` (`month`); or an age with precision `estimated`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BirthDateRequest {
    /// `exact`, `month`, `year` or `estimated`; worked out from the rest when left out.
    #[serde(default)]
    pub precision: Option<String>,
    /// `YYYY-MM-DD`, for an exact date.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub year: Option<i64>,
    #[serde(default)]
    pub month: Option<i64>,
    /// An age in whole years (0 to 120), for an estimated date.
    #[serde(default)]
    pub age_years: Option<i64>,
    /// And months (0 to 11).
    #[serde(default)]
    pub age_months: Option<i64>,
}

/// A date of birth as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct BirthDateWire {
    /// `YYYY-MM-DD`: for a month-known date the 15th, for a year-known one 1 July,
    /// for an estimate the day that age was reached.
    pub date: String,
    pub precision: String,
}

/// Where a person lives.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressWire {
    /// ISO 3166-2 code of the province, such as `KH-12`.
    #[serde(default)]
    pub province_code: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub village: String,
}

/// An identifier.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentifierWire {
    /// `national_id`, `birth_certificate`, `sos_child_number`, `medical_record`,
    /// `id_poor` (and `haven` in answers: Haven makes that one).
    pub kind: String,
    pub value: String,
}

/// A registration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonRequest {
    pub names: NamesWire,
    /// `female`, `male`, `other` or `unknown`.
    pub sex: String,
    pub birth_date: BirthDateRequest,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: AddressWire,
    #[serde(default)]
    pub registered_facility_id: Option<String>,
    #[serde(default)]
    pub identifiers: Vec<IdentifierWire>,
    /// Category codes, such as `sos_child`.
    #[serde(default)]
    pub categories: Vec<String>,
}

/// A correction of a person's details (identifiers and categories are not changed
/// here), naming the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePersonRequest {
    pub version: i64,
    pub names: NamesWire,
    pub sex: String,
    pub birth_date: BirthDateRequest,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: AddressWire,
    #[serde(default)]
    pub registered_facility_id: Option<String>,
}

/// A person.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonWire {
    pub id: String,
    /// The id asked for: another than `id` when that record was merged.
    pub requested_id: String,
    /// Set when the record asked for was merged: the id of the record it was merged
    /// into, whose data this is.
    pub merged_into: Option<String>,
    pub haven_number: Option<String>,
    pub display_name: String,
    pub names: NamesWire,
    pub sex: String,
    pub birth_date: BirthDateWire,
    pub phone: String,
    pub address: AddressWire,
    pub registered_facility_id: Option<String>,
    pub identifiers: Vec<IdentifierWire>,
    pub categories: Vec<String>,
    /// `YYYY-MM-DD` when the person has died.
    pub died_on: Option<String>,
    /// Send it back with a change; a stale one is refused with 409.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A person in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonSummaryWire {
    pub id: String,
    pub haven_number: Option<String>,
    pub display_name: String,
    pub sex: String,
    pub birth_date: BirthDateWire,
    pub registered_facility_id: Option<String>,
    pub version: i64,
}

/// A page of people.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeopleWire {
    pub people: Vec<PersonSummaryWire>,
    pub limit: i64,
    pub offset: i64,
}

/// Problem details with the wrong fields listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationProblem {
    /// `urn:haven:problem:validation.failed`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// `validation.failed`.
    pub code: String,
    pub errors: Vec<FieldErrorWire>,
}

/// The search filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct PeopleParams {
    /// Names, Haven number, identifier or phone.
    pub q: Option<String>,
    /// Only people registered at this facility (its id).
    pub facility: Option<String>,
    /// A category code, such as `sos_child`.
    pub category: Option<String>,
    /// `female`, `male`, `other` or `unknown`.
    pub sex: Option<String>,
    /// `under_1`, `1_4`, `5_9`, `10_14`, `15_17`, `18_59` or `60_plus`.
    pub age_band: Option<String>,
    /// At most this many (1 to 200, default 50).
    pub limit: Option<String>,
    /// Skip this many (default 0).
    pub offset: Option<String>,
}

pub use crate::error::FieldErrorWire;

/// An API answer that went wrong: problem details, with the wrong fields when
/// there are some.
#[derive(Debug)]
pub enum PeopleApiError {
    Problem(ApiError),
    Fields(Vec<FieldErrorWire>),
}

impl From<ApiError> for PeopleApiError {
    fn from(error: ApiError) -> Self {
        PeopleApiError::Problem(error)
    }
}

impl From<AppError> for PeopleApiError {
    fn from(error: AppError) -> Self {
        PeopleApiError::Problem(ApiError::from(error))
    }
}

impl IntoResponse for PeopleApiError {
    fn into_response(self) -> Response {
        match self {
            PeopleApiError::Problem(error) => error.into_response(),
            PeopleApiError::Fields(errors) => {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                let problem = ValidationProblem {
                    kind: "urn:haven:problem:validation.failed".to_owned(),
                    title: status.canonical_reason().unwrap_or("Error").to_owned(),
                    status: status.as_u16(),
                    detail: "some fields are wrong: see errors".to_owned(),
                    code: "validation.failed".to_owned(),
                    errors,
                };
                let body = serde_json::to_vec(&problem).unwrap_or_default();
                let mut response = (status, body).into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/problem+json"),
                );
                response
            }
        }
    }
}

/// People the caller's reach holds, found by the search.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", security(("bearer" = [])),
    params(PeopleParams),
    responses((status = 200, body = PeopleWire), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = ValidationProblem)))]
pub async fn search_people(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(params): Query<PeopleParams>,
) -> Result<Json<PeopleWire>, PeopleApiError> {
    let app_caller = caller.caller();
    state.app().may_read_people(&app_caller)?;
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let (q, facility, category, sex, age_band) = (
        text(&params.q),
        text(&params.facility),
        text(&params.category),
        text(&params.sex),
        text(&params.age_band),
    );
    let mut errors: Vec<FieldErrorWire> = Vec::new();
    let filters = parse_filters(&FilterInput {
        q: &q,
        facility: &facility,
        category: &category,
        sex: &sex,
        age_band: &age_band,
    })
    .map_err(|wrong| {
        wrong
            .into_iter()
            .map(|field| FieldErrorWire {
                field: field.to_owned(),
                code: "unknown_value".to_owned(),
            })
            .collect::<Vec<_>>()
    });
    let number =
        |raw: &Option<String>, default: i64, range: std::ops::RangeInclusive<i64>| match raw
            .as_deref()
            .map(str::trim)
        {
            None | Some("") => Some(default),
            Some(raw) => raw.parse::<i64>().ok().filter(|n| range.contains(n)),
        };
    let limit = number(&params.limit, 50, 1..=200);
    let offset = number(&params.offset, 0, 0..=1_000_000);
    if limit.is_none() {
        errors.push(FieldErrorWire {
            field: "limit".to_owned(),
            code: "out_of_range".to_owned(),
        });
    }
    if offset.is_none() {
        errors.push(FieldErrorWire {
            field: "offset".to_owned(),
            code: "out_of_range".to_owned(),
        });
    }
    let filters = match filters {
        Ok(filters) => filters,
        Err(mut wrong) => {
            wrong.append(&mut errors);
            return Err(PeopleApiError::Fields(wrong));
        }
    };
    let (Some(limit), Some(offset)) = (limit, offset) else {
        return Err(PeopleApiError::Fields(errors));
    };
    let found = state
        .app()
        .search_people(
            &app_caller,
            &PeopleSearch {
                text: filters.text,
                facility: filters.facility,
                category: filters.category,
                sex: filters.sex,
                age_band: filters.age_band,
                today: state.today(),
                limit,
                offset,
            },
        )
        .await?;
    let people = found.into_iter().map(summary_wire).collect();
    Ok(Json(PeopleWire {
        people,
        limit,
        offset,
    }))
}

/// Registers a person: a Haven number is made for them.
#[utoipa::path(post, path = "/api/v1/people", tag = "people", security(("bearer" = [])),
    request_body = NewPersonRequest,
    responses((status = 201, body = PersonWire), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = ValidationProblem)))]
pub async fn create_person(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(request): ApiJson<NewPersonRequest>,
) -> Result<Response, PeopleApiError> {
    let app_caller = caller.caller();
    state.app().may_register_people(&app_caller)?;
    let numbers = BirthDateNumbers::of(&request.birth_date);
    let (input, early) = person_input(
        &request.names,
        &request.sex,
        &request.birth_date,
        &numbers,
        &request.phone,
        &request.address,
        request.registered_facility_id.as_deref(),
    );
    let input = PersonInput {
        identifiers: request
            .identifiers
            .iter()
            .map(|i| (i.kind.as_str(), i.value.as_str()))
            .collect(),
        categories: request.categories.iter().map(String::as_str).collect(),
        ..input
    };
    let new = parse_or_fields(&input, early, state.today())?;
    let problems = check_against_registry(state.app(), &app_caller, &new, None).await?;
    if !problems.is_empty() {
        return Err(fields(&problems));
    }
    let person = match state.app().register_person(&app_caller, &new).await {
        Ok(person) => person,
        // Taken between the check and the write: the same answer as the check's.
        Err(AppError::Duplicate {
            field: "identifier",
        }) => return Err(taken_identifier(&state, &app_caller, &new).await),
        Err(other) => return Err(other.into()),
    };
    let record = state.app().person_record(&app_caller, person.id).await?;
    let wire = person_wire(record);
    let location = format!("/api/v1/people/{}", wire.id);
    let mut response = (StatusCode::CREATED, Json(wire)).into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// One person, as the caller may read them; the read is audited. A record merged
/// into another answers with the other's data and says so in `merged_into`.
#[utoipa::path(get, path = "/api/v1/people/{person_id}", tag = "people", security(("bearer" = [])),
    params(("person_id" = String, Path, description = "the person's id")),
    responses((status = 200, body = PersonWire), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_person(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
) -> Result<Json<PersonWire>, PeopleApiError> {
    let record = state.app().read_person(&caller.caller(), id).await?;
    Ok(Json(person_wire(record)))
}

/// Corrects a person's details, naming the version read: a stale version is refused
/// with 409 and nothing is changed.
#[utoipa::path(put, path = "/api/v1/people/{person_id}", tag = "people", security(("bearer" = [])),
    params(("person_id" = String, Path, description = "the person's id")),
    request_body = UpdatePersonRequest,
    responses((status = 200, body = PersonWire), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = ValidationProblem)))]
pub async fn update_person(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<UpdatePersonRequest>,
) -> Result<Json<PersonWire>, PeopleApiError> {
    let app_caller = caller.caller();
    let current = state
        .app()
        .person_to_write(&app_caller, id, Kind::Person)
        .await?;
    if let Some(survivor) = current.merged_into {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict.merged",
            format!("this record was merged into {survivor}: correct that one"),
        )
        .into());
    }
    let numbers = BirthDateNumbers::of(&request.birth_date);
    let (input, early) = person_input(
        &request.names,
        &request.sex,
        &request.birth_date,
        &numbers,
        &request.phone,
        &request.address,
        request.registered_facility_id.as_deref(),
    );
    let new = parse_or_fields(&input, early, state.today())?;
    let problems = check_against_registry(state.app(), &app_caller, &new, Some(id)).await?;
    if !problems.is_empty() {
        return Err(fields(&problems));
    }
    let person = state
        .app()
        .update_person(&app_caller, id, request.version, &new.details, None)
        .await?;
    let record = state.app().person_record(&app_caller, person.id).await?;
    Ok(Json(person_wire(record)))
}

/// The numbers of a date of birth as text, for the domain's parser.
struct BirthDateNumbers {
    year: String,
    month: String,
    age_years: String,
    age_months: String,
}

impl BirthDateNumbers {
    fn of(request: &BirthDateRequest) -> BirthDateNumbers {
        let text = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        BirthDateNumbers {
            year: text(request.year),
            month: text(request.month),
            age_years: text(request.age_years),
            age_months: text(request.age_months),
        }
    }
}

/// The wire's fields as the shared parser takes them, and any problem found before
/// it runs (a `date` that is not `YYYY-MM-DD`).
fn person_input<'a>(
    names: &'a NamesWire,
    sex: &'a str,
    birth: &'a BirthDateRequest,
    numbers: &'a BirthDateNumbers,
    phone: &'a str,
    address: &'a AddressWire,
    facility: Option<&'a str>,
) -> (PersonInput<'a>, Vec<InputError>) {
    let mut early = Vec::new();
    let (year, month, day) = match birth.date.as_deref() {
        Some(date) => match split_date(date) {
            Ok(parts) => parts,
            Err(problem) => {
                early.push(InputError {
                    field: InputField::BirthDate,
                    problem,
                });
                ("", "", "")
            }
        },
        None => (numbers.year.as_str(), numbers.month.as_str(), ""),
    };
    let input = PersonInput {
        names: NameInput {
            family_km: &names.family_km,
            given_km: &names.given_km,
            family_latin: &names.family_latin,
            given_latin: &names.given_latin,
            other_names: &names.other_names,
            nicknames: &names.nicknames,
        },
        sex,
        birth_date: BirthDateInput {
            precision: birth.precision.as_deref().unwrap_or(""),
            year,
            month,
            day,
            age_years: &numbers.age_years,
            age_months: &numbers.age_months,
        },
        phone,
        province_code: &address.province_code,
        district: &address.district,
        commune: &address.commune,
        village: &address.village,
        facility: facility.unwrap_or(""),
        identifiers: Vec::new(),
        categories: Vec::new(),
    };
    (input, early)
}

fn parse_or_fields(
    input: &PersonInput<'_>,
    early: Vec<InputError>,
    today: time::Date,
) -> Result<NewPerson, PeopleApiError> {
    match parse_person(input, today) {
        Ok(new) if early.is_empty() => Ok(new),
        Ok(_) => Err(fields(&early)),
        Err(errors) => {
            // A malformed `date` is reported once, not again as a missing date.
            let mut all = early.clone();
            all.extend(
                errors
                    .into_iter()
                    .filter(|e| early.is_empty() || e.field != InputField::BirthDate),
            );
            Err(fields(&all))
        }
    }
}

fn fields(errors: &[InputError]) -> PeopleApiError {
    PeopleApiError::Fields(
        errors
            .iter()
            .map(|error| FieldErrorWire {
                field: field_name(error.field),
                code: error.problem.code().to_owned(),
            })
            .collect(),
    )
}

/// The API's name of a field.
fn field_name(field: InputField) -> String {
    match field {
        InputField::Name(name) => format!(
            "names.{}",
            match name {
                NameField::FamilyKm => "family_km",
                NameField::GivenKm => "given_km",
                NameField::FamilyLatin => "family_latin",
                NameField::GivenLatin => "given_latin",
                NameField::OtherNames => "other_names",
                NameField::Nicknames => "nicknames",
            }
        ),
        InputField::Sex => "sex".to_owned(),
        InputField::BirthDate => "birth_date".to_owned(),
        InputField::Phone => "phone".to_owned(),
        InputField::ProvinceCode => "address.province_code".to_owned(),
        InputField::District => "address.district".to_owned(),
        InputField::Commune => "address.commune".to_owned(),
        InputField::Village => "address.village".to_owned(),
        InputField::Facility => "registered_facility_id".to_owned(),
        InputField::Identifier(index) => format!("identifiers[{index}]"),
        InputField::Category(index) => format!("categories[{index}]"),
    }
}

/// Which identifier was taken, found again after the write refused it.
async fn taken_identifier(
    state: &AppState,
    caller: &haven_app::Caller,
    new: &NewPerson,
) -> PeopleApiError {
    match check_against_registry(state.app(), caller, new, None).await {
        Ok(problems) if !problems.is_empty() => fields(&problems),
        Ok(_) => fields(&[InputError {
            field: InputField::Identifier(0),
            problem: InputProblem::IdentifierTaken,
        }]),
        Err(error) => error.into(),
    }
}

fn summary_wire(listed: ListedPerson) -> PersonSummaryWire {
    let person = listed.person;
    PersonSummaryWire {
        id: person.id.to_string(),
        haven_number: listed.haven_number,
        display_name: person.display_name(),
        sex: person.sex.clone(),
        birth_date: birth_date_wire(&person),
        registered_facility_id: person.registered_facility_id.map(|id| id.to_string()),
        version: person.version,
    }
}

fn birth_date_wire(person: &Person) -> BirthDateWire {
    BirthDateWire {
        date: person.birth_date.to_string(),
        precision: person.birth_date().precision().code().to_owned(),
    }
}

/// The whole person: identifiers and categories of every record merged into them.
fn person_wire(record: PersonRecord) -> PersonWire {
    let haven_number = record.haven_number().map(str::to_owned);
    let requested = record.requested;
    let person = record.person;
    PersonWire {
        id: person.id.to_string(),
        requested_id: requested.to_string(),
        merged_into: (requested != person.id).then(|| person.id.to_string()),
        haven_number,
        display_name: person.display_name(),
        birth_date: birth_date_wire(&person),
        names: NamesWire {
            family_km: person.family_name_km,
            given_km: person.given_name_km,
            family_latin: person.family_name_latin,
            given_latin: person.given_name_latin,
            other_names: person.other_names,
            nicknames: person.nicknames,
        },
        sex: person.sex,
        phone: person.phone,
        address: AddressWire {
            province_code: person.province_code,
            district: person.district,
            commune: person.commune,
            village: person.village,
        },
        registered_facility_id: person.registered_facility_id.map(|id| id.to_string()),
        identifiers: record
            .identifiers
            .into_iter()
            .map(|i| IdentifierWire {
                kind: i.kind,
                value: i.value,
            })
            .collect(),
        categories: record
            .categories
            .iter()
            .map(|c| c.code().to_owned())
            .collect(),
        died_on: person.died_on.map(|d| d.to_string()),
        version: person.version,
        created_at: person.created_at.to_text(),
        updated_at: person.updated_at.to_text(),
    }
}
