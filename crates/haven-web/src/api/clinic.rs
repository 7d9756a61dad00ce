//! The /api/v1 routes of the medical centre's daily work: outpatient visits, inpatient stays, the laboratory, medicines and the patient chart (issue 4).
//!
//! The same rules as the pages: a permission from GRANTS, then the reach of the
//! caller's roles for that kind of record (out of reach is 404); HIV orders only for
//! callers with the HIV result permission. Bad input is a 422 problem naming each
//! field with its stable code; a dispense beyond the stock is `stock.insufficient`
//! with the quantity available. Every read of a patient's records is audited.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use haven_app::clinic::{EncounterRecords, StockChanged};
use haven_app::model::clinic::{
    DispenseOutcome, Encounter, FormToken, LabOrder, LabResult, MovementRow, PrescriptionRow,
    Referral, Stay, StockBatch, Viewer, Visit, VitalSigns,
};
use haven_app::model::{Id, Timestamp};
use haven_domain::clinic::icd10;
use haven_domain::clinic::lab::LabState;
use haven_domain::clinic::medicines::{
    days_to_expiry, parse_quantity, Prescription, PrescriptionInput, Receipt, StockChange,
};
use haven_domain::clinic::vitals::{Vitals, VitalsInput};
use haven_domain::clinic::{
    AdministrationStatus, ClinicError, DiagnosisDetails, Discharge, FieldError, ReferralDetails,
    VisitNotes, VisitNotesInput, VisitType,
};
use haven_domain::Kind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use haven_app::clinic::{NewAdministration, NewAdmission};
use haven_app::AppError;

use super::ApiJson;
use crate::auth::ApiCaller;
use crate::error::{ApiError, FieldErrorWire, Problem};
use crate::extract::Ids;
use crate::state::AppState;

/// Adds this part's routes.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(search_icd10))
        .routes(routes!(facility_queue))
        .routes(routes!(check_in))
        .routes(routes!(get_visit))
        .routes(routes!(add_vitals))
        .routes(routes!(add_diagnosis))
        .routes(routes!(order_test))
        .routes(routes!(prescribe))
        .routes(routes!(worklist))
        .routes(routes!(get_lab_order))
        .routes(routes!(enter_results))
        .routes(routes!(facility_stock, receive_stock))
        .routes(routes!(prescriptions_to_dispense))
        .routes(routes!(dispense))
        .routes(routes!(admit))
        .routes(routes!(get_stay))
        .routes(routes!(discharge))
        .routes(routes!(call_in))
        .routes(routes!(save_visit_notes))
        .routes(routes!(refer))
        .routes(routes!(get_referral))
        .routes(routes!(advance_lab_order))
        .routes(routes!(results_to_see))
        .routes(routes!(mark_result_seen))
        .routes(routes!(cancel_lab_order))
        .routes(routes!(diagnosis_in_error))
        .routes(routes!(get_batch, change_stock))
        .routes(routes!(stock_movements))
        .routes(routes!(stock_warnings))
        .routes(routes!(ward_figures))
        .routes(routes!(bed_board))
        .routes(routes!(transfer))
        .routes(routes!(add_progress_note))
        .routes(routes!(add_stay_vitals))
        .routes(routes!(add_stay_diagnosis))
        .routes(routes!(order_stay_test))
        .routes(routes!(prescribe_at_stay))
        .routes(routes!(administer))
}

fn field_problem(errors: &[FieldError]) -> ApiError {
    let detail = errors
        .iter()
        .map(|(field, error)| format!("{field}: {}", error.api_code()))
        .collect::<Vec<_>>()
        .join("; ");
    ApiError::validation(detail)
}

/// An id from a body. Text that is not an id names no record: it becomes an id no
/// record has, so that the action still refuses a caller without the permission
/// (403) before it finds nothing (404). Ids in paths are read by [`Ids`].
fn body_id(raw: &str) -> Id {
    raw.parse().unwrap_or_else(|_| Id::new())
}

/// An action refused by haven-app, answered as this API always has: the wrong
/// fields named in the detail as `field: code` (and in `errors[]`), and a discharged
/// stay or a lab order's state as its own 409.
fn app_problem(error: AppError) -> ApiError {
    match error {
        AppError::Invalid(fields) => {
            let detail = fields
                .iter()
                .map(|f| format!("{}: {}", api_field(f.field), api_error_code(f.code)))
                .collect::<Vec<_>>()
                .join("; ");
            ApiError {
                errors: fields
                    .iter()
                    .map(|f| FieldErrorWire {
                        field: api_field(f.field),
                        code: f.code.to_owned(),
                    })
                    .collect(),
                ..ApiError::validation(detail)
            }
        }
        AppError::Refused(haven_app::clinic::STAY_DISCHARGED) => ApiError::new(
            StatusCode::CONFLICT,
            "stay.discharged",
            "the stay is discharged; nothing more can be recorded on it",
        ),
        AppError::Refused(haven_app::clinic::LAB_ORDER_HAS_RESULTS) => ApiError::new(
            StatusCode::CONFLICT,
            "lab_order.has_results",
            "the order has results: its results stand",
        ),
        other => other.into(),
    }
}

/// The API's name of a command's field: ids are `_id`.
fn api_field(field: &str) -> String {
    match field {
        "bed" | "visit" | "prescription" | "to_facility" | "facility" | "person" => {
            format!("{field}_id")
        }
        other => other.to_owned(),
    }
}

/// The API's code of a clinic error's translation key (`clinic-error-choose-option`
/// → `choose_option`).
fn api_error_code(code: &str) -> String {
    code.trim_start_matches("clinic-error-").replace('-', "_")
}

/// An ICD-10 code of the WHO list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Icd10Wire {
    pub code: String,
    pub title: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Icd10Query {
    /// A code prefix (`B50`) or words of the title (`falciparum malaria`).
    #[serde(default)]
    pub q: String,
}

/// Searches the WHO ICD-10 list (2019) by code prefix or by words.
#[utoipa::path(get, path = "/api/v1/icd10", tag = "clinic", security(("bearer" = [])),
    params(Icd10Query), responses((status = 200, body = [Icd10Wire]), (status = 403, body = Problem)))]
pub async fn search_icd10(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<Icd10Query>,
) -> Result<Json<Vec<Icd10Wire>>, ApiError> {
    Ok(Json(
        state
            .app()
            .search_icd10(&caller.caller(), &query.q, 50)?
            .into_iter()
            .map(|c| Icd10Wire {
                code: c.code().to_owned(),
                title: c.title().to_owned(),
            })
            .collect(),
    ))
}

/// A visit in a facility's queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueWire {
    pub visit_id: String,
    pub person_id: String,
    pub name: String,
    pub visit_type: String,
    /// `waiting`, `with_clinician` or `done`.
    pub queue_state: String,
    pub checked_in_at: String,
    pub version: i64,
}

/// A facility's queue today: waiting, with a clinician, and done.
#[utoipa::path(get, path = "/api/v1/clinic/facilities/{facility}/queue", tag = "clinic", security(("bearer" = [])),
    params(("facility" = String, Path, description = "the facility's id")),
    responses((status = 200, body = [QueueWire]), (status = 404, body = Problem)))]
pub async fn facility_queue(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(facility): Ids<Id>,
) -> Result<Json<Vec<QueueWire>>, ApiError> {
    let since = Timestamp::now().plus_seconds(-24 * 3600);
    let (_, rows) = state
        .app()
        .facility_queue(&caller.caller(), facility, since)
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| QueueWire {
                visit_id: row.id.to_string(),
                person_id: row.person_id.to_string(),
                name: row.display_name(),
                visit_type: row.visit_type,
                queue_state: row.queue_state,
                checked_in_at: row.checked_in_at.to_text(),
                version: row.version,
            })
            .collect(),
    ))
}

/// A check-in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    pub person_id: String,
    pub facility_id: String,
    /// `general`, `mother_and_child` or `emergency`.
    pub visit_type: String,
    /// A UUID the client makes once per check-in: sending the same one again
    /// answers the visit the first request made.
    #[serde(default)]
    pub once: Option<String>,
}

/// A record made: its id.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWire {
    pub id: String,
    /// Fields whose values were implausible but possible (vital signs only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Checks a person in at a facility: a visit in its queue.
#[utoipa::path(post, path = "/api/v1/clinic/visits", tag = "clinic", security(("bearer" = [])),
    request_body = CheckInRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn check_in(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(request): ApiJson<CheckInRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    state.app().may_check_in(&caller.caller())?;
    let visit_type = VisitType::parse(&request.visit_type)
        .ok_or_else(|| field_problem(&[("visit_type", ClinicError::ChooseOption)]))?;
    let token = request.once.as_deref().and_then(FormToken::parse);
    let id = state
        .app()
        .check_in(
            &caller.caller(),
            body_id(&request.person_id),
            body_id(&request.facility_id),
            visit_type,
            state.today(),
            token.as_ref(),
        )
        .await
        .map_err(app_problem)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWire {
            id: id.to_string(),
            warnings: Vec::new(),
        }),
    ))
}

/// Vital signs as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct VitalsWire {
    pub id: String,
    pub taken_at: String,
    pub temperature_c: Option<f64>,
    pub pulse: Option<i64>,
    pub respiratory_rate: Option<i64>,
    pub systolic: Option<i64>,
    pub diastolic: Option<i64>,
    pub spo2: Option<i64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub muac_mm: Option<i64>,
    pub warnings: Vec<String>,
}

fn vitals_wire(v: VitalSigns) -> VitalsWire {
    VitalsWire {
        id: v.id.to_string(),
        taken_at: v.taken_at.to_text(),
        temperature_c: v.temperature_c,
        pulse: v.pulse,
        respiratory_rate: v.respiratory_rate,
        systolic: v.systolic,
        diastolic: v.diastolic,
        spo2: v.spo2,
        weight_kg: v.weight_kg,
        height_cm: v.height_cm,
        muac_mm: v.muac_mm,
        warnings: v.warned().iter().map(|w| (*w).to_owned()).collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosisWire {
    pub id: String,
    pub icd10: String,
    pub title: String,
    pub certainty: String,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResultWire {
    pub component: String,
    pub value_number: Option<f64>,
    pub value_code: String,
    pub unit: String,
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
    /// `normal`, `low`, `high`, `abnormal`, `critical_low`, `critical_high` or `critical`.
    pub flag: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LabOrderWire {
    pub id: String,
    pub person_id: String,
    pub facility_id: String,
    pub test: String,
    /// `ordered`, `sample_taken`, `in_progress`, `resulted` or `verified`.
    pub state: String,
    pub ordered_at: String,
    /// The worst flag of the results, or empty.
    pub flag: String,
    pub version: i64,
    pub results: Vec<ResultWire>,
}

fn order_wire(o: &LabOrder, results: &[LabResult]) -> LabOrderWire {
    LabOrderWire {
        id: o.id.to_string(),
        person_id: o.person_id.to_string(),
        facility_id: o.facility_id.to_string(),
        test: o.test_code.clone(),
        state: o.state.clone(),
        ordered_at: o.ordered_at.to_text(),
        flag: o.flag.clone(),
        version: o.version,
        results: results
            .iter()
            .filter(|r| r.order_id == o.id)
            .map(|r| ResultWire {
                component: r.component_code.clone(),
                value_number: r.value_number,
                value_code: r.value_code.clone(),
                unit: r.unit.clone(),
                range_low: r.range_low,
                range_high: r.range_high,
                flag: r.flag.clone(),
            })
            .collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PrescriptionWire {
    pub id: String,
    pub person_id: String,
    pub medicine: String,
    pub dose: String,
    pub route: String,
    pub frequency: String,
    pub duration_days: Option<i64>,
    pub quantity: i64,
    pub dispensed: i64,
    pub instructions: String,
    pub version: i64,
}

fn prescription_wire(p: PrescriptionRow) -> PrescriptionWire {
    PrescriptionWire {
        id: p.id.to_string(),
        person_id: p.person_id.to_string(),
        medicine: p.medicine_code,
        dose: p.dose,
        route: p.route,
        frequency: p.frequency,
        duration_days: p.duration_days,
        quantity: p.quantity,
        dispensed: p.dispensed,
        instructions: p.instructions,
        version: p.version,
    }
}

/// What an encounter holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct EncounterWire {
    pub id: String,
    pub person_id: String,
    pub facility_id: String,
    /// Visit: its type; stay: `stay`.
    pub kind: String,
    /// Visit: the queue state; stay: `admitted` or `discharged`.
    pub state: String,
    pub complaint: String,
    /// Visit: the clinician's history (empty for a stay).
    pub history: String,
    /// Visit: the examination (empty for a stay).
    pub examination: String,
    /// Visit: the plan; stay: the discharge summary.
    pub plan: String,
    /// Visit: the follow-up date, `YYYY-MM-DD`.
    pub follow_up_on: Option<String>,
    pub outcome: String,
    /// Stay: the bed and ward it is in now.
    pub bed_id: Option<String>,
    pub ward_id: Option<String>,
    pub version: i64,
    pub vitals: Vec<VitalsWire>,
    pub diagnoses: Vec<DiagnosisWire>,
    pub lab_orders: Vec<LabOrderWire>,
    pub prescriptions: Vec<PrescriptionWire>,
    pub referrals: Vec<ReferralWire>,
    /// Stay: progress notes, newest first.
    pub progress_notes: Vec<ProgressNoteWire>,
    /// Stay: the medication administration record, newest first.
    pub administrations: Vec<AdministrationWire>,
}

fn encounter_parts(
    records: &EncounterRecords,
) -> (
    Vec<VitalsWire>,
    Vec<DiagnosisWire>,
    Vec<LabOrderWire>,
    Vec<PrescriptionWire>,
) {
    let vitals = records.vitals.iter().cloned().map(vitals_wire).collect();
    let diagnoses = records
        .diagnoses
        .iter()
        .cloned()
        .map(|d| DiagnosisWire {
            id: d.id.to_string(),
            title: icd10::Icd10Code::parse(&d.icd10_code)
                .map(|c| c.title().to_owned())
                .unwrap_or_default(),
            icd10: d.icd10_code,
            certainty: d.certainty,
            note: d.note,
        })
        .collect();
    let orders = records
        .orders
        .iter()
        .map(|o| order_wire(o, &records.results))
        .collect();
    let prescriptions = records
        .prescriptions
        .iter()
        .cloned()
        .map(prescription_wire)
        .collect();
    (vitals, diagnoses, orders, prescriptions)
}

/// A visit the caller may record on (clinical WRITE reach).
async fn visit_to_write(
    state: &AppState,
    caller: &ApiCaller,
    id: Id,
) -> Result<(Visit, Viewer), ApiError> {
    Ok(state.app().visit_to_write(&caller.caller(), id).await?)
}

/// A visit with its vital signs, diagnoses, lab orders (HIV ones only for callers
/// with that permission) and prescriptions. Audited.
#[utoipa::path(get, path = "/api/v1/clinic/visits/{visit}", tag = "clinic", security(("bearer" = [])),
    params(("visit" = String, Path, description = "the visit's id")),
    responses((status = 200, body = EncounterWire), (status = 404, body = Problem)))]
pub async fn get_visit(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(visit): Ids<Id>,
) -> Result<Json<EncounterWire>, ApiError> {
    let caller = caller.caller();
    let (visit, _) = state.app().read_visit(&caller, visit).await?;
    let records = state
        .app()
        .encounter_records(&caller, Encounter::Visit(visit.id))
        .await?;
    let (vitals, diagnoses, lab_orders, prescriptions) = encounter_parts(&records);
    let referrals = referrals_of(&records);
    Ok(Json(EncounterWire {
        id: visit.id.to_string(),
        person_id: visit.person_id.to_string(),
        facility_id: visit.facility_id.to_string(),
        kind: visit.visit_type,
        state: visit.queue_state,
        complaint: visit.complaint,
        history: visit.history,
        examination: visit.examination,
        plan: visit.plan,
        follow_up_on: visit.follow_up_on.map(|d| d.to_string()),
        outcome: visit.outcome,
        bed_id: None,
        ward_id: None,
        version: visit.version,
        vitals,
        diagnoses,
        lab_orders,
        prescriptions,
        referrals,
        progress_notes: Vec::new(),
        administrations: Vec::new(),
    }))
}

/// Vital signs; every field optional, at least one given.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VitalsRequest {
    pub temperature_c: Option<f64>,
    pub pulse: Option<i64>,
    pub respiratory_rate: Option<i64>,
    pub systolic: Option<i64>,
    pub diastolic: Option<i64>,
    pub spo2: Option<i64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub muac_mm: Option<i64>,
    #[serde(default)]
    pub once: Option<String>,
}

/// Records vital signs at a visit: refused outside physiological limits
/// (`outside_limits`), kept with `warnings` when implausible but possible.
#[utoipa::path(post, path = "/api/v1/clinic/visits/{visit}/vitals", tag = "clinic", security(("bearer" = [])),
    params(("visit" = String, Path, description = "the visit's id")), request_body = VitalsRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_vitals(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(visit): Ids<Id>,
    ApiJson(request): ApiJson<VitalsRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let (visit, _) = visit_to_write(&state, &caller, visit).await?;
    vitals_for(&state, &caller, Encounter::Visit(visit.id), request).await
}

async fn vitals_for(
    state: &AppState,
    caller: &ApiCaller,
    encounter: Encounter,
    request: VitalsRequest,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let text = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let whole = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let (t, p, r, s, d, o, w, h, m) = (
        text(request.temperature_c),
        whole(request.pulse),
        whole(request.respiratory_rate),
        whole(request.systolic),
        whole(request.diastolic),
        whole(request.spo2),
        text(request.weight_kg),
        text(request.height_cm),
        whole(request.muac_mm),
    );
    let vitals = Vitals::parse(&VitalsInput {
        temperature: &t,
        pulse: &p,
        respiratory_rate: &r,
        systolic: &s,
        diastolic: &d,
        spo2: &o,
        weight: &w,
        height: &h,
        muac: &m,
    })
    .map_err(|e| field_problem(&e))?;
    let token = request.once.as_deref().and_then(FormToken::parse);
    let id = state
        .app()
        .record_vitals(&caller.caller(), encounter, &vitals, token.as_ref())
        .await
        .map_err(app_problem)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWire {
            id: id.to_string(),
            warnings: vitals.warnings().iter().map(|w| (*w).to_owned()).collect(),
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisRequest {
    /// An ICD-10 code of the WHO list, such as `B50.9`.
    pub icd10: String,
    /// `provisional` (the default) or `confirmed`.
    #[serde(default)]
    pub certainty: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub once: Option<String>,
}

/// Adds a diagnosis to a visit; an unknown code is `unknown_icd10`.
#[utoipa::path(post, path = "/api/v1/clinic/visits/{visit}/diagnoses", tag = "clinic", security(("bearer" = [])),
    params(("visit" = String, Path, description = "the visit's id")), request_body = DiagnosisRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_diagnosis(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(visit): Ids<Id>,
    ApiJson(request): ApiJson<DiagnosisRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let (visit, _) = visit_to_write(&state, &caller, visit).await?;
    diagnosis_for(&state, &caller, Encounter::Visit(visit.id), request).await
}

async fn diagnosis_for(
    state: &AppState,
    caller: &ApiCaller,
    encounter: Encounter,
    request: DiagnosisRequest,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let diagnosis = DiagnosisDetails::parse(&request.icd10, &request.certainty, &request.note)
        .map_err(|e| field_problem(&e))?;
    let token = request.once.as_deref().and_then(FormToken::parse);
    let id = state
        .app()
        .add_diagnosis(&caller.caller(), encounter, &diagnosis, token.as_ref())
        .await
        .map_err(app_problem)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWire {
            id: id.to_string(),
            warnings: Vec::new(),
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabOrderRequest {
    /// A test code of the catalogue, such as `malaria_rdt`.
    pub test: String,
    #[serde(default)]
    pub clinical_note: String,
    #[serde(default)]
    pub once: Option<String>,
}

/// Orders a test from a visit. HIV tests only with the HIV result permission.
#[utoipa::path(post, path = "/api/v1/clinic/visits/{visit}/lab-orders", tag = "clinic", security(("bearer" = [])),
    params(("visit" = String, Path, description = "the visit's id")), request_body = LabOrderRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn order_test(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(visit): Ids<Id>,
    ApiJson(request): ApiJson<LabOrderRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let (visit, _) = visit_to_write(&state, &caller, visit).await?;
    order_for(&state, &caller, Encounter::Visit(visit.id), request).await
}

async fn order_for(
    state: &AppState,
    caller: &ApiCaller,
    encounter: Encounter,
    request: LabOrderRequest,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let token = request.once.as_deref().and_then(FormToken::parse);
    let id = state
        .app()
        .order_lab_test(
            &caller.caller(),
            encounter,
            &request.test,
            &request.clinical_note,
            token.as_ref(),
        )
        .await
        .map_err(app_problem)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWire {
            id: id.to_string(),
            warnings: Vec::new(),
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrescriptionRequest {
    /// A medicine code of the essential medicines list.
    pub medicine: String,
    pub dose: String,
    pub route: String,
    pub frequency: String,
    #[serde(default)]
    pub duration_days: Option<i64>,
    pub quantity: i64,
    #[serde(default)]
    pub instructions: String,
    #[serde(default)]
    pub once: Option<String>,
}

/// Prescribes a medicine at a visit.
#[utoipa::path(post, path = "/api/v1/clinic/visits/{visit}/prescriptions", tag = "clinic", security(("bearer" = [])),
    params(("visit" = String, Path, description = "the visit's id")), request_body = PrescriptionRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn prescribe(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(visit): Ids<Id>,
    ApiJson(request): ApiJson<PrescriptionRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let (visit, _) = visit_to_write(&state, &caller, visit).await?;
    prescription_for(&state, &caller, Encounter::Visit(visit.id), request).await
}

async fn prescription_for(
    state: &AppState,
    caller: &ApiCaller,
    encounter: Encounter,
    request: PrescriptionRequest,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let duration = request
        .duration_days
        .map(|d| d.to_string())
        .unwrap_or_default();
    let quantity = request.quantity.to_string();
    let prescription = Prescription::parse(&PrescriptionInput {
        medicine: &request.medicine,
        dose: &request.dose,
        route: &request.route,
        frequency: &request.frequency,
        duration_days: &duration,
        quantity: &quantity,
        instructions: &request.instructions,
    })
    .map_err(|e| field_problem(&e))?;
    let token = request.once.as_deref().and_then(FormToken::parse);
    let id = state
        .app()
        .prescribe(&caller.caller(), encounter, &prescription, token.as_ref())
        .await
        .map_err(app_problem)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWire {
            id: id.to_string(),
            warnings: Vec::new(),
        }),
    ))
}

/// A facility's lab worklist: open orders, oldest first (no HIV orders without the
/// HIV result permission).
#[utoipa::path(get, path = "/api/v1/clinic/facilities/{facility}/lab-orders", tag = "clinic", security(("bearer" = [])),
    params(("facility" = String, Path, description = "the facility's id")),
    responses((status = 200, body = [LabOrderWire]), (status = 404, body = Problem)))]
pub async fn worklist(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(facility): Ids<Id>,
) -> Result<Json<Vec<LabOrderWire>>, ApiError> {
    let orders = state
        .app()
        .lab_worklist_orders(&caller.caller(), facility)
        .await?;
    Ok(Json(orders.iter().map(|o| order_wire(o, &[])).collect()))
}

/// One lab order with its results. Audited.
#[utoipa::path(get, path = "/api/v1/clinic/lab-orders/{order}", tag = "clinic", security(("bearer" = [])),
    params(("order" = String, Path, description = "the order's id")),
    responses((status = 200, body = LabOrderWire), (status = 404, body = Problem)))]
pub async fn get_lab_order(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(order): Ids<Id>,
) -> Result<Json<LabOrderWire>, ApiError> {
    let details = state.app().read_lab_order(&caller.caller(), order).await?;
    Ok(Json(order_wire(&details.order, &details.results)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultsRequest {
    /// The order's version read.
    pub version: i64,
    /// One value per component of the test: a number as text (`"9.8"`) or an
    /// answer's code (`"p_falciparum"`), by component code.
    pub results: std::collections::BTreeMap<String, String>,
}

/// Enters the results of an order whose sample is taken; flags come from the
/// reference range for the patient's sex and age.
#[utoipa::path(post, path = "/api/v1/clinic/lab-orders/{order}/results", tag = "clinic", security(("bearer" = [])),
    params(("order" = String, Path, description = "the order's id")), request_body = ResultsRequest,
    responses((status = 200, body = LabOrderWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn enter_results(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(order): Ids<Id>,
    ApiJson(request): ApiJson<ResultsRequest>,
) -> Result<Json<LabOrderWire>, ApiError> {
    let record = state
        .app()
        .enter_lab_results(
            &caller.caller(),
            order,
            request.version,
            &request.results,
            state.today(),
        )
        .await
        .map_err(app_problem)?;
    Ok(Json(order_wire(&record.order, &record.results)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchWire {
    pub id: String,
    pub medicine: String,
    pub batch_number: String,
    pub expires_on: String,
    pub on_hand: i64,
    pub version: i64,
}

/// A facility's stock by batch.
#[utoipa::path(get, path = "/api/v1/clinic/facilities/{facility}/stock", tag = "clinic", security(("bearer" = [])),
    params(("facility" = String, Path, description = "the facility's id")),
    responses((status = 200, body = [BatchWire]), (status = 404, body = Problem)))]
pub async fn facility_stock(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(facility): Ids<Id>,
) -> Result<Json<Vec<BatchWire>>, ApiError> {
    let (_, batches) = state
        .app()
        .facility_stock(&caller.caller(), facility)
        .await?;
    Ok(Json(batches.into_iter().map(batch_wire).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    pub medicine: String,
    pub batch_number: String,
    /// `YYYY-MM-DD`, not in the past.
    pub expires_on: String,
    pub quantity: i64,
    #[serde(default)]
    pub once: Option<String>,
}

/// Receives a batch into a facility's stock (a receipt movement).
#[utoipa::path(post, path = "/api/v1/clinic/facilities/{facility}/stock", tag = "clinic", security(("bearer" = [])),
    params(("facility" = String, Path, description = "the facility's id")), request_body = ReceiptRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn receive_stock(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(facility): Ids<Id>,
    ApiJson(request): ApiJson<ReceiptRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let caller = caller.caller();
    // The facility out of reach is not found before a wrong receipt is named.
    state.app().pharmacy_to_write(&caller, facility).await?;
    let receipt = Receipt::parse(
        &request.medicine,
        &request.batch_number,
        &request.expires_on,
        &request.quantity.to_string(),
        state.today(),
    )
    .map_err(|e| field_problem(&e))?;
    let token = request.once.as_deref().and_then(FormToken::parse);
    let id = state
        .app()
        .receive_stock(&caller, facility, &receipt, token.as_ref())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWire {
            id: id.to_string(),
            warnings: Vec::new(),
        }),
    ))
}

/// A facility's prescriptions still to dispense.
#[utoipa::path(get, path = "/api/v1/clinic/facilities/{facility}/prescriptions", tag = "clinic", security(("bearer" = [])),
    params(("facility" = String, Path, description = "the facility's id")),
    responses((status = 200, body = [PrescriptionWire]), (status = 404, body = Problem)))]
pub async fn prescriptions_to_dispense(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(facility): Ids<Id>,
) -> Result<Json<Vec<PrescriptionWire>>, ApiError> {
    Ok(Json(
        state
            .app()
            .prescriptions_to_dispense(&caller.caller(), facility)
            .await?
            .into_iter()
            .map(prescription_wire)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispenseRequest {
    pub quantity: i64,
    #[serde(default)]
    pub once: Option<String>,
}

/// What a dispense wrote.
#[derive(Debug, Serialize, ToSchema)]
pub struct DispensedWire {
    pub movements: Vec<String>,
}

/// Dispenses against a prescription, first expiry first out. More than the usable
/// stock is 422 `stock.insufficient` with the quantity available.
#[utoipa::path(post, path = "/api/v1/clinic/prescriptions/{prescription}/dispense", tag = "clinic", security(("bearer" = [])),
    params(("prescription" = String, Path, description = "the prescription's id")), request_body = DispenseRequest,
    responses((status = 201, body = DispensedWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn dispense(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(prescription): Ids<Id>,
    ApiJson(request): ApiJson<DispenseRequest>,
) -> Result<(StatusCode, Json<DispensedWire>), ApiError> {
    let caller = caller.caller();
    // Refused before the quantity is read: a caller who may not dispense, or a
    // prescription out of reach.
    state
        .app()
        .prescription_to_dispense(&caller, prescription)
        .await?;
    let quantity = parse_quantity(&request.quantity.to_string())
        .map_err(|e| field_problem(&[("quantity", e)]))?;
    let token = request.once.as_deref().and_then(FormToken::parse);
    let outcome = state
        .app()
        .dispense(
            &caller,
            prescription,
            quantity,
            state.today(),
            token.as_ref(),
        )
        .await?;
    match outcome {
        DispenseOutcome::Dispensed(ids) => Ok((
            StatusCode::CREATED,
            Json(DispensedWire {
                movements: ids.iter().map(Id::to_string).collect(),
            }),
        )),
        DispenseOutcome::NotEnoughStock(s) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "stock.insufficient",
            format!("quantity: not enough stock; {} available", s.available),
        )),
        DispenseOutcome::MoreThanPrescribed { remaining } => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "prescription.exceeded",
            format!("quantity: more than prescribed; {remaining} still to dispense"),
        )),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmitRequest {
    pub person_id: String,
    pub bed_id: String,
    /// The visit the admission comes from, if any.
    #[serde(default)]
    pub visit_id: Option<String>,
    pub reason: String,
    #[serde(default)]
    pub once: Option<String>,
}

/// Admits a person to a free bed. A taken bed or a person already admitted is 409.
#[utoipa::path(post, path = "/api/v1/clinic/stays", tag = "clinic", security(("bearer" = [])),
    request_body = AdmitRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn admit(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(request): ApiJson<AdmitRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    state.app().may_admit(&caller.caller())?;
    let visit = request.visit_id.as_deref().map(body_id);
    let token = request.once.as_deref().and_then(FormToken::parse);
    let admission = NewAdmission {
        person: body_id(&request.person_id),
        bed: body_id(&request.bed_id),
        visit,
        reason: &request.reason,
        today: state.today(),
        token: token.as_ref(),
    };
    let id = state
        .app()
        .admit(&caller.caller(), &admission)
        .await
        .map_err(app_problem)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWire {
            id: id.to_string(),
            warnings: Vec::new(),
        }),
    ))
}

/// A stay with its vital signs, diagnoses, lab orders and prescriptions. Audited.
#[utoipa::path(get, path = "/api/v1/clinic/stays/{stay}", tag = "clinic", security(("bearer" = [])),
    params(("stay" = String, Path, description = "the stay's id")),
    responses((status = 200, body = EncounterWire), (status = 404, body = Problem)))]
pub async fn get_stay(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(stay): Ids<Id>,
) -> Result<Json<EncounterWire>, ApiError> {
    let caller = caller.caller();
    let (stay, _) = state.app().read_stay(&caller, stay).await?;
    let records = state
        .app()
        .encounter_records(&caller, Encounter::Stay(stay.id))
        .await?;
    let details = state.app().stay_details(&caller, stay.id).await?;
    let (vitals, diagnoses, lab_orders, prescriptions) = encounter_parts(&records);
    let referrals = referrals_of(&records);
    let progress_notes = details
        .notes
        .into_iter()
        .map(|n| ProgressNoteWire {
            id: n.id.to_string(),
            written_at: n.written_at.to_text(),
            note: n.note,
            written_by: n.created_by.to_string(),
        })
        .collect();
    let administrations = details
        .administrations
        .into_iter()
        .map(|a| AdministrationWire {
            id: a.id.to_string(),
            prescription_id: a.prescription_id.to_string(),
            status: a.status,
            given_at: a.given_at.to_text(),
            note: a.note,
            recorded_by: a.created_by.to_string(),
        })
        .collect();
    Ok(Json(EncounterWire {
        id: stay.id.to_string(),
        person_id: stay.person_id.to_string(),
        facility_id: stay.facility_id.to_string(),
        kind: "stay".to_owned(),
        state: if stay.discharged_at.is_some() {
            "discharged"
        } else {
            "admitted"
        }
        .to_owned(),
        complaint: stay.reason,
        history: String::new(),
        examination: String::new(),
        plan: stay.summary,
        follow_up_on: None,
        outcome: stay.outcome,
        bed_id: Some(stay.bed_id.to_string()),
        ward_id: Some(stay.ward_id.to_string()),
        version: stay.version,
        vitals,
        diagnoses,
        lab_orders,
        prescriptions,
        referrals,
        progress_notes,
        administrations,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DischargeRequest {
    pub version: i64,
    /// `recovered`, `improved`, `referred`, `left_against_advice` or `died`.
    pub outcome: String,
    pub summary: String,
    /// Required when the outcome is `died`.
    #[serde(default)]
    pub cause_of_death: String,
}

/// Discharges a stay, naming the version read.
#[utoipa::path(post, path = "/api/v1/clinic/stays/{stay}/discharge", tag = "clinic", security(("bearer" = [])),
    params(("stay" = String, Path, description = "the stay's id")), request_body = DischargeRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn discharge(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(stay): Ids<Id>,
    ApiJson(request): ApiJson<DischargeRequest>,
) -> Result<StatusCode, ApiError> {
    let (stay, _) = open_stay_in_reach(&state, &caller, stay).await?;
    let discharge = Discharge::parse(&request.outcome, &request.summary, &request.cause_of_death)
        .map_err(|e| field_problem(&e))?;
    state
        .app()
        .discharge(&caller.caller(), stay.id, request.version, &discharge)
        .await
        .map_err(app_problem)?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- Visits: the queue, the clinician's notes and outcome, referrals ----

/// A call-in, naming the visit's version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallInRequest {
    pub version: i64,
}

/// A visit's place in the queue after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitStateWire {
    pub id: String,
    /// `waiting`, `with_clinician` or `done`.
    pub queue_state: String,
    pub outcome: String,
    pub version: i64,
}

fn visit_state_wire(visit: &Visit) -> VisitStateWire {
    VisitStateWire {
        id: visit.id.to_string(),
        queue_state: visit.queue_state.clone(),
        outcome: visit.outcome.clone(),
        version: visit.version,
    }
}

/// A clinician calls a waiting patient in: `waiting` → `with_clinician`. A visit
/// that is not waiting, or a stale version, is 409.
#[utoipa::path(post, path = "/api/v1/clinic/visits/{visit}/call-in", tag = "clinic", security(("bearer" = [])),
    params(("visit" = String, Path, description = "the visit's id")), request_body = CallInRequest,
    responses((status = 200, body = VisitStateWire), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn call_in(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(visit): Ids<Id>,
    ApiJson(request): ApiJson<CallInRequest>,
) -> Result<Json<VisitStateWire>, ApiError> {
    let (visit, _) = visit_to_write(&state, &caller, visit).await?;
    let visit = state
        .app()
        .call_in(&caller.caller(), visit.id, request.version)
        .await?;
    Ok(Json(visit_state_wire(&visit)))
}

/// The clinician's notes of a visit. A field left out keeps what the visit holds;
/// a field sent replaces it (send `""` to empty it).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitNotesRequest {
    /// The visit's version read.
    pub version: i64,
    #[serde(default)]
    pub complaint: Option<String>,
    #[serde(default)]
    pub history: Option<String>,
    #[serde(default)]
    pub examination: Option<String>,
    #[serde(default)]
    pub plan: Option<String>,
    /// `YYYY-MM-DD`, not before today; `""` for none.
    #[serde(default)]
    pub follow_up_on: Option<String>,
    /// `sent_home`, `follow_up`, `admitted`, `referred`, `left_before_seen` or
    /// `died`: an outcome closes the visit (`done` in the queue).
    #[serde(default)]
    pub outcome: Option<String>,
}

/// Saves the complaint, history, examination, plan, follow-up and outcome of a
/// visit, naming the version read (409 when stale). Saving moves a waiting visit
/// to `with_clinician`; an outcome closes it (`done`).
#[utoipa::path(post, path = "/api/v1/clinic/visits/{visit}/notes", tag = "clinic", security(("bearer" = [])),
    params(("visit" = String, Path, description = "the visit's id")), request_body = VisitNotesRequest,
    responses((status = 200, body = VisitStateWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn save_visit_notes(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(visit): Ids<Id>,
    ApiJson(request): ApiJson<VisitNotesRequest>,
) -> Result<Json<VisitStateWire>, ApiError> {
    let (visit, _) = visit_to_write(&state, &caller, visit).await?;
    let follow_up = visit
        .follow_up_on
        .map(|d| d.to_string())
        .unwrap_or_default();
    let kept = |sent: &Option<String>, held: &str| sent.clone().unwrap_or_else(|| held.to_owned());
    let (complaint, history, examination, plan, follow_up_on, outcome) = (
        kept(&request.complaint, &visit.complaint),
        kept(&request.history, &visit.history),
        kept(&request.examination, &visit.examination),
        kept(&request.plan, &visit.plan),
        kept(&request.follow_up_on, &follow_up),
        kept(&request.outcome, &visit.outcome),
    );
    let notes = VisitNotes::parse(
        &VisitNotesInput {
            complaint: &complaint,
            history: &history,
            examination: &examination,
            plan: &plan,
            follow_up_on: &follow_up_on,
            outcome: &outcome,
        },
        state.today(),
    )
    .map_err(|e| field_problem(&e))?;
    let visit = state
        .app()
        .save_visit_notes(&caller.caller(), visit.id, request.version, &notes)
        .await?;
    Ok(Json(visit_state_wire(&visit)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralRequest {
    /// A facility of Haven to refer to; or name a partner in `to_partner`.
    #[serde(default)]
    pub to_facility_id: Option<String>,
    #[serde(default)]
    pub to_partner: String,
    pub reason: String,
    /// `routine`, `urgent` or `emergency`.
    pub urgency: String,
    #[serde(default)]
    pub once: Option<String>,
}

/// A referral.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralWire {
    pub id: String,
    pub person_id: String,
    pub facility_id: String,
    pub visit_id: Option<String>,
    pub stay_id: Option<String>,
    pub to_facility_id: Option<String>,
    pub to_partner: String,
    pub reason: String,
    /// `routine`, `urgent` or `emergency`.
    pub urgency: String,
    pub referred_at: String,
    pub referred_by: String,
}

fn referral_wire(r: Referral) -> ReferralWire {
    ReferralWire {
        id: r.id.to_string(),
        person_id: r.person_id.to_string(),
        facility_id: r.facility_id.to_string(),
        visit_id: r.visit_id.map(|v| v.to_string()),
        stay_id: r.stay_id.map(|s| s.to_string()),
        to_facility_id: r.to_facility_id.map(|f| f.to_string()),
        to_partner: r.to_partner,
        reason: r.reason,
        urgency: r.urgency,
        referred_at: r.referred_at.to_text(),
        referred_by: r.created_by.to_string(),
    }
}

fn referrals_of(records: &EncounterRecords) -> Vec<ReferralWire> {
    records
        .referrals
        .iter()
        .cloned()
        .map(referral_wire)
        .collect()
}

/// Refers the patient of a visit to a facility of Haven or to a partner by name.
#[utoipa::path(post, path = "/api/v1/clinic/visits/{visit}/referrals", tag = "clinic", security(("bearer" = [])),
    params(("visit" = String, Path, description = "the visit's id")), request_body = ReferralRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn refer(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(visit): Ids<Id>,
    ApiJson(request): ApiJson<ReferralRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let (visit, _) = visit_to_write(&state, &caller, visit).await?;
    let raw_facility = request.to_facility_id.as_deref().unwrap_or("").trim();
    let mut errors = Vec::new();
    let to_facility = if raw_facility.is_empty() {
        None
    } else {
        match raw_facility.parse::<Id>().ok() {
            Some(id) => match state
                .app()
                .check_referral_destination(&caller.caller(), id)
                .await
            {
                Ok(()) => Some(id),
                Err(AppError::Invalid(_)) => {
                    errors.push(("to_facility_id", ClinicError::ChooseOption));
                    None
                }
                Err(other) => return Err(other.into()),
            },
            None => {
                errors.push(("to_facility_id", ClinicError::ChooseOption));
                None
            }
        }
    };
    let parsed = ReferralDetails::parse(
        raw_facility,
        &request.to_partner,
        &request.reason,
        &request.urgency,
    );
    let referral = match parsed {
        Ok(referral) if errors.is_empty() => referral,
        parsed => {
            errors.extend(parsed.err().unwrap_or_default());
            return Err(field_problem(&errors));
        }
    };
    let token = request.once.as_deref().and_then(FormToken::parse);
    let id = state
        .app()
        .refer(
            &caller.caller(),
            visit.id,
            &referral,
            to_facility,
            token.as_ref(),
        )
        .await
        .map_err(app_problem)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWire {
            id: id.to_string(),
            warnings: Vec::new(),
        }),
    ))
}

/// One referral. Audited.
#[utoipa::path(get, path = "/api/v1/clinic/referrals/{referral}", tag = "clinic", security(("bearer" = [])),
    params(("referral" = String, Path, description = "the referral's id")),
    responses((status = 200, body = ReferralWire), (status = 404, body = Problem)))]
pub async fn get_referral(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(referral): Ids<Id>,
) -> Result<Json<ReferralWire>, ApiError> {
    let referral = state
        .app()
        .read_referral(&caller.caller(), referral)
        .await?;
    Ok(Json(referral_wire(referral)))
}

// ---- The laboratory: the order's states, results to see ----

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabStateRequest {
    /// The order's version read.
    pub version: i64,
    /// The next state: `sample_taken` (from `ordered`), `in_progress` (from
    /// `sample_taken`) or `verified` (from `resulted`). Results are entered with
    /// `POST /api/v1/clinic/lab-orders/{order}/results`.
    pub to: String,
}

/// Moves a lab order to its next state, naming the version read. A state that is
/// not the next one is 409 `lab_order.out_of_order` naming the current state.
#[utoipa::path(post, path = "/api/v1/clinic/lab-orders/{order}/state", tag = "clinic", security(("bearer" = [])),
    params(("order" = String, Path, description = "the order's id")), request_body = LabStateRequest,
    responses((status = 200, body = LabOrderWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn advance_lab_order(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(order): Ids<Id>,
    ApiJson(request): ApiJson<LabStateRequest>,
) -> Result<Json<LabOrderWire>, ApiError> {
    let caller = caller.caller();
    let id = order;
    state.app().may_record_lab_work(&caller)?;
    // The order out of reach is not found before a wrong state is named.
    state
        .app()
        .lab_order_to_read(&caller, id, Kind::Laboratory)
        .await?;
    let to = LabState::parse(&request.to)
        .ok_or_else(|| field_problem(&[("to", ClinicError::ChooseOption)]))?;
    match state
        .app()
        .advance_lab_order(&caller, id, request.version, to)
        .await
    {
        Ok(order) => {
            let results = state
                .app()
                .lab_order_to_read(&caller, order.id, Kind::Laboratory)
                .await?
                .results;
            Ok(Json(order_wire(&order, &results)))
        }
        Err(AppError::Refused(haven_app::clinic::LAB_ORDER_OUT_OF_ORDER)) => {
            let order = state
                .app()
                .lab_order_to_read(&caller, id, Kind::Laboratory)
                .await?
                .order;
            Err(ApiError::new(
                StatusCode::CONFLICT,
                "lab_order.out_of_order",
                format!(
                    "to: the order is {}; it cannot move to {}",
                    order.state().code(),
                    to.code()
                ),
            ))
        }
        Err(other) => Err(app_problem(other)),
    }
}

/// The caller's results not yet seen (orders they made that have results),
/// critical and abnormal first; HIV orders only with the HIV result permission.
/// Audited.
#[utoipa::path(get, path = "/api/v1/clinic/results", tag = "clinic", security(("bearer" = [])),
    responses((status = 200, body = [LabOrderWire]), (status = 403, body = Problem)))]
pub async fn results_to_see(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<LabOrderWire>>, ApiError> {
    let to_see = state.app().read_results_to_see(&caller.caller()).await?;
    Ok(Json(
        to_see
            .orders
            .iter()
            .map(|o| order_wire(o, &to_see.results))
            .collect(),
    ))
}

/// The ordering clinician has seen a result: it leaves their results to see. Only
/// the clinician who ordered it (anyone else: 404); an order without results is 409.
#[utoipa::path(post, path = "/api/v1/clinic/lab-orders/{order}/seen", tag = "clinic", security(("bearer" = [])),
    params(("order" = String, Path, description = "the order's id")),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn mark_result_seen(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(order): Ids<Id>,
) -> Result<StatusCode, ApiError> {
    state
        .app()
        .mark_result_seen(&caller.caller(), order)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabCancelRequest {
    /// The order's version read.
    pub version: i64,
    /// Why the order is cancelled (required, at most 200 characters).
    pub reason: String,
}

/// Cancels an order that has no results yet (ordered by mistake, no longer needed):
/// it is marked entered in error with the reason and leaves the worklist, the
/// encounter and the chart. An order with results is 409 `lab_order.has_results`; a
/// stale version 409 `conflict`. Audited.
#[utoipa::path(post, path = "/api/v1/clinic/lab-orders/{order}/cancel", tag = "clinic", security(("bearer" = [])),
    params(("order" = String, Path, description = "the order's id")), request_body = LabCancelRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn cancel_lab_order(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(order): Ids<Id>,
    ApiJson(request): ApiJson<LabCancelRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .app()
        .cancel_lab_order(&caller.caller(), order, request.version, &request.reason)
        .await
        .map_err(app_problem)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionRequest {
    /// The record's version read.
    pub version: i64,
}

/// Marks a diagnosis entered in error (a wrong code picked): it leaves the visit or
/// stay, the discharge summary and the chart. Marked already, or a stale version: 409
/// `conflict`. Audited.
#[utoipa::path(post, path = "/api/v1/clinic/diagnoses/{diagnosis}/entered-in-error", tag = "clinic", security(("bearer" = [])),
    params(("diagnosis" = String, Path, description = "the diagnosis's id")), request_body = VersionRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn diagnosis_in_error(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(diagnosis): Ids<Id>,
    ApiJson(request): ApiJson<VersionRequest>,
) -> Result<StatusCode, ApiError> {
    let marked = state
        .app()
        .mark_diagnosis_in_error(&caller.caller(), diagnosis, request.version)
        .await?;
    if marked.already {
        return Err(AppError::Conflict {
            entity: "diagnosis",
        }
        .into());
    }
    Ok(StatusCode::NO_CONTENT)
}

// ---- Stock: one batch, issue/adjust/count, movements, warnings ----

fn batch_wire(b: StockBatch) -> BatchWire {
    BatchWire {
        id: b.id.to_string(),
        medicine: b.medicine_code,
        batch_number: b.batch_number,
        expires_on: b.expires_on.to_string(),
        on_hand: b.on_hand,
        version: b.version,
    }
}

/// One batch of a facility's stock.
#[utoipa::path(get, path = "/api/v1/clinic/stock/{batch}", tag = "clinic", security(("bearer" = [])),
    params(("batch" = String, Path, description = "the batch's id")),
    responses((status = 200, body = BatchWire), (status = 404, body = Problem)))]
pub async fn get_batch(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(batch): Ids<Id>,
) -> Result<Json<BatchWire>, ApiError> {
    Ok(Json(batch_wire(
        state
            .app()
            .stock_batch_to_read(&caller.caller(), batch)
            .await?,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockChangeRequest {
    /// The batch's version read.
    pub version: i64,
    /// `issue` (sent out of the pharmacy), `adjustment` (with a reason) or `count`
    /// (a physical count).
    pub kind: String,
    /// Issue: the units sent out (from 1). Adjustment: the units added (positive)
    /// or removed (negative), never 0. Count: the units counted (from 0).
    pub quantity: i64,
    /// Adjustment only: `damaged`, `expired`, `lost`, `found`, `returned` or
    /// `correction`.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

/// Issues, adjusts or counts one batch, naming the version read (409 when stale).
/// Taking the batch below zero is 422 `stock.insufficient` with the quantity
/// available.
#[utoipa::path(post, path = "/api/v1/clinic/stock/{batch}", tag = "clinic", security(("bearer" = [])),
    params(("batch" = String, Path, description = "the batch's id")), request_body = StockChangeRequest,
    responses((status = 200, body = BatchWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn change_stock(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(batch): Ids<Id>,
    ApiJson(request): ApiJson<StockChangeRequest>,
) -> Result<Json<BatchWire>, ApiError> {
    let caller = caller.caller();
    // The batch out of reach is not found before a wrong change is named.
    let (batch, _) = state.app().stock_batch_to_change(&caller, batch).await?;
    let change = StockChange::parse(
        &request.kind,
        &request.quantity.to_string(),
        &request.reason,
        &request.note,
    )
    .map_err(|e| field_problem(&e))?;
    match state
        .app()
        .change_stock(&caller, batch.id, request.version, &change)
        .await?
    {
        StockChanged::Changed(batch) => Ok(Json(batch_wire(batch))),
        StockChanged::NotEnough(shortfall) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "stock.insufficient",
            format!(
                "quantity: not enough stock; {} available",
                shortfall.available
            ),
        )),
    }
}

/// A movement of stock.
#[derive(Debug, Serialize, ToSchema)]
pub struct MovementWire {
    pub id: String,
    pub batch_id: String,
    pub medicine: String,
    pub batch_number: String,
    /// `receipt`, `dispense`, `issue`, `adjustment` or `count`.
    pub kind: String,
    /// The change of the batch's units (negative when taken out).
    pub quantity: i64,
    /// The batch's units after the movement.
    pub balance: i64,
    pub reason: String,
    pub note: String,
    pub prescription_id: Option<String>,
    pub moved_at: String,
    pub moved_by: String,
}

fn movement_wire(m: MovementRow) -> MovementWire {
    MovementWire {
        id: m.id.to_string(),
        batch_id: m.batch_id.to_string(),
        medicine: m.medicine_code,
        batch_number: m.batch_number,
        kind: m.kind,
        quantity: m.quantity,
        balance: m.balance,
        reason: m.reason,
        note: m.note,
        prescription_id: m.prescription_id.map(|p| p.to_string()),
        moved_at: m.moved_at.to_text(),
        moved_by: m.created_by.to_string(),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovementsQuery {
    /// How many, newest first: 1 to 1000 (50 when left out).
    #[serde(default)]
    pub limit: Option<i64>,
}

/// A facility's latest stock movements, newest first.
#[utoipa::path(get, path = "/api/v1/clinic/facilities/{facility}/stock/movements", tag = "clinic", security(("bearer" = [])),
    params(("facility" = String, Path, description = "the facility's id"), MovementsQuery),
    responses((status = 200, body = [MovementWire]), (status = 404, body = Problem)))]
pub async fn stock_movements(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(facility): Ids<Id>,
    Query(query): Query<MovementsQuery>,
) -> Result<Json<Vec<MovementWire>>, ApiError> {
    Ok(Json(
        state
            .app()
            .stock_movements(&caller.caller(), facility, query.limit.unwrap_or(50))
            .await?
            .into_iter()
            .map(movement_wire)
            .collect(),
    ))
}

/// A batch that expires soon (or has expired) with stock in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NearExpiryWire {
    pub batch: BatchWire,
    /// Days from today to the expiry date (negative once expired).
    pub days_to_expiry: i64,
}

/// A medicine whose usable (not expired) stock is at or below its low-stock level.
#[derive(Debug, Serialize, ToSchema)]
pub struct LowStockWire {
    pub medicine: String,
    pub usable: i64,
    pub low_stock_level: i64,
}

/// What a facility's pharmacy should act on.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockWarningsWire {
    /// Batches expiring within 90 days, soonest first.
    pub near_expiry: Vec<NearExpiryWire>,
    pub low_stock: Vec<LowStockWire>,
}

/// Near-expiry batches and medicines low in stock at a facility today.
#[utoipa::path(get, path = "/api/v1/clinic/facilities/{facility}/stock/warnings", tag = "clinic", security(("bearer" = [])),
    params(("facility" = String, Path, description = "the facility's id")),
    responses((status = 200, body = StockWarningsWire), (status = 404, body = Problem)))]
pub async fn stock_warnings(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(facility): Ids<Id>,
) -> Result<Json<StockWarningsWire>, ApiError> {
    let today = state.today();
    let warnings = state
        .app()
        .stock_warnings(&caller.caller(), facility, today)
        .await?;
    let mut near_expiry: Vec<NearExpiryWire> = warnings
        .near_expiry
        .into_iter()
        .map(|b| NearExpiryWire {
            days_to_expiry: days_to_expiry(b.expires_on, today),
            batch: batch_wire(b),
        })
        .collect();
    near_expiry.sort_by_key(|n| n.days_to_expiry);
    Ok(Json(StockWarningsWire {
        near_expiry,
        low_stock: warnings
            .low_stock
            .into_iter()
            .map(|(medicine, usable)| LowStockWire {
                low_stock_level: haven_domain::clinic::medicines::find(&medicine)
                    .map(|m| m.low_stock())
                    .unwrap_or(0),
                medicine,
                usable,
            })
            .collect(),
    }))
}

// ---- Stays: wards, the bed board, transfers, notes, vitals, the MAR ----

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// `YYYY-MM`; this month when left out.
    #[serde(default)]
    pub month: Option<String>,
}

/// A ward's beds now, and its month's occupancy and length of stay.
#[derive(Debug, Serialize, ToSchema)]
pub struct WardWire {
    pub id: String,
    pub name: String,
    pub beds: i64,
    /// Beds with a patient in them now.
    pub occupied: i64,
    /// The month, `YYYY-MM`.
    pub month: String,
    pub bed_days_used: i64,
    /// Bed-days used over beds × days of the month, in percent.
    pub occupancy_percent: f64,
    /// Stays discharged in the month.
    pub discharges: i64,
    /// Their average length in days (a same-day stay is one day).
    pub average_length_days: Option<f64>,
}

/// A facility's open wards with bed occupancy and average length of stay for a
/// month (UTC month bounds).
#[utoipa::path(get, path = "/api/v1/clinic/facilities/{facility}/wards", tag = "clinic", security(("bearer" = [])),
    params(("facility" = String, Path, description = "the facility's id"), MonthQuery),
    responses((status = 200, body = [WardWire]), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn ward_figures(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(facility): Ids<Id>,
    Query(query): Query<MonthQuery>,
) -> Result<Json<Vec<WardWire>>, ApiError> {
    let caller = caller.caller();
    // The facility out of reach is not found before a wrong month is named.
    state
        .app()
        .clinic_facility(&caller, Kind::Clinical, facility)
        .await?;
    let today = state.today();
    let (year, month) = match query.month.as_deref().map(str::trim) {
        None | Some("") => (today.year(), today.month()),
        Some(raw) => {
            parse_month(raw).ok_or_else(|| field_problem(&[("month", ClinicError::BadDate)]))?
        }
    };
    let (_, wards) = state
        .app()
        .ward_figures(&caller, facility, year, month)
        .await?;
    let mut out = Vec::new();
    for ward in wards {
        let (figures, occupied) = (ward.statistics, ward.occupied);
        out.push(WardWire {
            id: figures.ward_id.to_string(),
            name: figures.ward_name,
            beds: figures.beds,
            occupied,
            month: format!("{year:04}-{:02}", u8::from(month)),
            bed_days_used: figures.bed_days_used,
            occupancy_percent: figures.occupancy_percent,
            discharges: figures.discharges,
            average_length_days: figures.average_length_days,
        });
    }
    Ok(Json(out))
}

/// A `YYYY-MM` month.
fn parse_month(raw: &str) -> Option<(i32, time::Month)> {
    let (y, m) = raw.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    (1900..=9998).contains(&year).then_some((year, month))
}

/// A bed of a ward's board: free, or the stay in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BedWire {
    pub bed_id: String,
    pub label: String,
    pub stay_id: Option<String>,
    pub person_id: Option<String>,
    pub name: Option<String>,
    pub admitted_at: Option<String>,
}

/// A ward's bed board.
#[derive(Debug, Serialize, ToSchema)]
pub struct BedBoardWire {
    pub ward_id: String,
    pub facility_id: String,
    pub name: String,
    pub free: i64,
    pub beds: Vec<BedWire>,
}

/// A ward's open beds, each free or with its patient. Audited (it names patients).
#[utoipa::path(get, path = "/api/v1/clinic/wards/{ward}", tag = "clinic", security(("bearer" = [])),
    params(("ward" = String, Path, description = "the ward's id")),
    responses((status = 200, body = BedBoardWire), (status = 404, body = Problem)))]
pub async fn bed_board(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(ward): Ids<Id>,
) -> Result<Json<BedBoardWire>, ApiError> {
    let (ward, beds) = state.app().bed_board(&caller.caller(), ward).await?;
    let beds: Vec<BedWire> = beds
        .into_iter()
        .map(|b| BedWire {
            name: b.occupant(),
            bed_id: b.bed_id.to_string(),
            label: b.label,
            stay_id: b.stay_id.map(|s| s.to_string()),
            person_id: b.person_id.map(|p| p.to_string()),
            admitted_at: b.admitted_at.map(|t| t.to_text()),
        })
        .collect();
    Ok(Json(BedBoardWire {
        ward_id: ward.id.to_string(),
        facility_id: ward.facility_id.to_string(),
        name: ward.name,
        free: beds.iter().filter(|b| b.stay_id.is_none()).count() as i64,
        beds,
    }))
}

/// A stay in reach that is not discharged (a discharged one is 409
/// `stay.discharged`), as the pages' forms require.
async fn open_stay_in_reach(
    state: &AppState,
    caller: &ApiCaller,
    id: Id,
) -> Result<(Stay, Viewer), ApiError> {
    state
        .app()
        .stay_to_write(&caller.caller(), id)
        .await
        .map_err(app_problem)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// The stay's version read.
    pub version: i64,
    /// A free bed of an open ward of the same facility.
    pub bed_id: String,
}

/// Moves a stay to another bed or ward of its facility, naming the version read. A
/// bed taken is 409 `conflict.duplicate`; a bed that is not of the facility is 422.
#[utoipa::path(post, path = "/api/v1/clinic/stays/{stay}/transfer", tag = "clinic", security(("bearer" = [])),
    params(("stay" = String, Path, description = "the stay's id")), request_body = TransferRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn transfer(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(stay): Ids<Id>,
    ApiJson(request): ApiJson<TransferRequest>,
) -> Result<StatusCode, ApiError> {
    let (stay, _) = open_stay_in_reach(&state, &caller, stay).await?;
    let bed = request
        .bed_id
        .trim()
        .parse::<Id>()
        .map_err(|_| field_problem(&[("bed_id", ClinicError::ChooseOption)]))?;
    state
        .app()
        .transfer(&caller.caller(), stay.id, request.version, bed)
        .await
        .map_err(app_problem)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressNoteRequest {
    pub note: String,
    #[serde(default)]
    pub once: Option<String>,
}

/// A progress note of a stay.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressNoteWire {
    pub id: String,
    pub written_at: String,
    pub note: String,
    pub written_by: String,
}

/// Adds a progress note to a stay that is not discharged.
#[utoipa::path(post, path = "/api/v1/clinic/stays/{stay}/notes", tag = "clinic", security(("bearer" = [])),
    params(("stay" = String, Path, description = "the stay's id")), request_body = ProgressNoteRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_progress_note(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(stay): Ids<Id>,
    ApiJson(request): ApiJson<ProgressNoteRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let (stay, _) = open_stay_in_reach(&state, &caller, stay).await?;
    let note = haven_domain::clinic::required_note(&request.note, haven_domain::clinic::NOTE_MAX)
        .map_err(|e| field_problem(&[("note", e)]))?;
    let token = request.once.as_deref().and_then(FormToken::parse);
    let id = state
        .app()
        .add_progress_note(&caller.caller(), stay.id, &note, token.as_ref())
        .await
        .map_err(app_problem)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWire {
            id: id.to_string(),
            warnings: Vec::new(),
        }),
    ))
}

/// Records vital signs on a stay that is not discharged (the same limits and
/// warnings as at a visit).
#[utoipa::path(post, path = "/api/v1/clinic/stays/{stay}/vitals", tag = "clinic", security(("bearer" = [])),
    params(("stay" = String, Path, description = "the stay's id")), request_body = VitalsRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_stay_vitals(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(stay): Ids<Id>,
    ApiJson(request): ApiJson<VitalsRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let (stay, _) = open_stay_in_reach(&state, &caller, stay).await?;
    vitals_for(&state, &caller, Encounter::Stay(stay.id), request).await
}

/// Adds a diagnosis to a stay that is not discharged.
#[utoipa::path(post, path = "/api/v1/clinic/stays/{stay}/diagnoses", tag = "clinic", security(("bearer" = [])),
    params(("stay" = String, Path, description = "the stay's id")), request_body = DiagnosisRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_stay_diagnosis(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(stay): Ids<Id>,
    ApiJson(request): ApiJson<DiagnosisRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let (stay, _) = open_stay_in_reach(&state, &caller, stay).await?;
    diagnosis_for(&state, &caller, Encounter::Stay(stay.id), request).await
}

/// Orders a test from a stay that is not discharged. HIV tests only with the HIV
/// result permission.
#[utoipa::path(post, path = "/api/v1/clinic/stays/{stay}/lab-orders", tag = "clinic", security(("bearer" = [])),
    params(("stay" = String, Path, description = "the stay's id")), request_body = LabOrderRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn order_stay_test(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(stay): Ids<Id>,
    ApiJson(request): ApiJson<LabOrderRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let (stay, _) = open_stay_in_reach(&state, &caller, stay).await?;
    order_for(&state, &caller, Encounter::Stay(stay.id), request).await
}

/// Prescribes a medicine on a stay that is not discharged (its doses go on the
/// medication administration record).
#[utoipa::path(post, path = "/api/v1/clinic/stays/{stay}/prescriptions", tag = "clinic", security(("bearer" = [])),
    params(("stay" = String, Path, description = "the stay's id")), request_body = PrescriptionRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn prescribe_at_stay(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(stay): Ids<Id>,
    ApiJson(request): ApiJson<PrescriptionRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let (stay, _) = open_stay_in_reach(&state, &caller, stay).await?;
    prescription_for(&state, &caller, Encounter::Stay(stay.id), request).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdministrationRequest {
    /// One of the stay's prescriptions.
    pub prescription_id: String,
    /// `given`, `refused`, `held` or `missed`.
    pub status: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub once: Option<String>,
}

/// A dose on a stay's medication administration record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdministrationWire {
    pub id: String,
    pub prescription_id: String,
    /// `given`, `refused`, `held` or `missed`.
    pub status: String,
    pub given_at: String,
    pub note: String,
    pub recorded_by: String,
}

/// Records a dose on the medication administration record of a stay that is not
/// discharged, against one of the stay's prescriptions.
#[utoipa::path(post, path = "/api/v1/clinic/stays/{stay}/administrations", tag = "clinic", security(("bearer" = [])),
    params(("stay" = String, Path, description = "the stay's id")), request_body = AdministrationRequest,
    responses((status = 201, body = CreatedWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn administer(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(stay): Ids<Id>,
    ApiJson(request): ApiJson<AdministrationRequest>,
) -> Result<(StatusCode, Json<CreatedWire>), ApiError> {
    let (stay, _) = open_stay_in_reach(&state, &caller, stay).await?;
    let mut errors = Vec::new();
    let status = AdministrationStatus::parse(&request.status);
    if status.is_none() {
        errors.push(("status", ClinicError::ChooseOption));
    }
    let prescription = request.prescription_id.trim().parse::<Id>().ok();
    if prescription.is_none() {
        errors.push(("prescription_id", ClinicError::ChooseOption));
    }
    let note = haven_domain::clinic::note(&request.note, haven_domain::clinic::SHORT_MAX)
        .unwrap_or_else(|e| {
            errors.push(("note", e));
            String::new()
        });
    let (Some(status), Some(prescription), true) = (status, prescription, errors.is_empty()) else {
        return Err(field_problem(&errors));
    };
    let token = request.once.as_deref().and_then(FormToken::parse);
    let given = NewAdministration {
        prescription,
        status,
        note: &note,
        token: token.as_ref(),
    };
    let id = state
        .app()
        .record_administration(&caller.caller(), stay.id, &given)
        .await
        .map_err(app_problem)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWire {
            id: id.to_string(),
            warnings: Vec::new(),
        }),
    ))
}
