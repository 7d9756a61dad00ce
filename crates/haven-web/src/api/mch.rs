//! The /api/v1 routes of mother and child health: pregnancies and antenatal
//! contacts, births and postnatal contacts, immunisation (a person's card, doses,
//! a facility's due list, coverage) and family planning. Read Clinical to read,
//! Write Clinical to write; HIV results only with the HIV permissions. Records of
//! facilities out of the caller's reach answer 404 and are left out of lists.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use haven_app::mch::{
    DeliveryRecord, DoseCommand, ImmunisationCard, NewPncContact, PregnancyRecord, PREGNANCY_CLOSED,
};
use haven_app::model::mch::{Dose, Pregnancy, TdGiven};
use haven_app::model::{Id, Person};
use haven_app::AppError;
use haven_domain::mch::birth::{BabyInput, DeliveryInput};
use haven_domain::mch::family_planning::FpVisitInput;
use haven_domain::mch::immunisation::{
    catch_up_plan, evaluate, GivenDose, Group, Schedule, Subject,
};
use haven_domain::mch::postnatal::PncContactInput;
use haven_domain::mch::pregnancy::{anc_status, AncContactInput, PregnancyDetails, PregnancyInput};
use haven_domain::mch::MchError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::places::field_errors;
use super::ApiJson;
use crate::auth::ApiCaller;
use crate::error::{ApiError, FieldErrorWire, Problem};
use crate::extract::Ids;
use crate::state::AppState;

/// Adds this part's API routes.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_pregnancies, register_pregnancy))
        .routes(routes!(get_pregnancy, correct_pregnancy))
        .routes(routes!(end_pregnancy))
        .routes(routes!(anc_worklist))
        .routes(routes!(pnc_due))
        .routes(routes!(anc_contact_in_error))
        .routes(routes!(pnc_contact_in_error))
        .routes(routes!(fp_visit_in_error))
        .routes(routes!(add_contact))
        .routes(routes!(record_delivery))
        .routes(routes!(get_delivery))
        .routes(routes!(add_pnc))
        .routes(routes!(immunisation_card))
        .routes(routes!(record_dose))
        .routes(routes!(immunisation_due))
        .routes(routes!(coverage))
        .routes(routes!(family_planning, record_fp_visit))
        .routes(routes!(family_planning_due))
}

fn mch_errors(errors: &[(&'static str, MchError)]) -> ApiError {
    field_errors(errors, |f| f, MchError::code)
}

/// An error of haven-app as this part's API answers it: wrong fields as before
/// (`field: code` in the detail, and each in `errors`), a closed pregnancy as a
/// conflict.
fn app_error(error: AppError) -> ApiError {
    match error {
        AppError::Invalid(fields) => {
            let detail = fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.code))
                .collect::<Vec<_>>()
                .join("; ");
            ApiError {
                errors: fields
                    .iter()
                    .map(|f| FieldErrorWire {
                        field: f.field.to_owned(),
                        code: f.code.to_owned(),
                    })
                    .collect(),
                ..ApiError::validation(detail)
            }
        }
        AppError::Refused(PREGNANCY_CLOSED) => ApiError::new(
            StatusCode::CONFLICT,
            "conflict.delivered",
            "the pregnancy is delivered",
        ),
        other => other.into(),
    }
}

/// A facility id of a request, or none.
fn facility_id(raw: &str) -> Option<Id> {
    raw.trim().parse().ok()
}

fn schedule(state: &AppState) -> Result<&'static Schedule, ApiError> {
    Schedule::builtin(&state.config().immunisation_schedule).map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on the server",
        )
    })
}

/// Which facility a list is for.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FacilityQuery {
    /// The facility's id.
    #[serde(default)]
    pub facility: String,
    /// `YYYY-MM-DD`; today when absent.
    #[serde(default)]
    pub date: Option<String>,
}

impl FacilityQuery {
    fn facility(&self) -> Result<Id, ApiError> {
        self.facility
            .trim()
            .parse()
            .map_err(|_| ApiError::validation("facility: not an id"))
    }

    fn day(&self, state: &AppState) -> Result<time::Date, ApiError> {
        match self.date.as_deref().map(str::trim) {
            None | Some("") => Ok(state.today()),
            Some(raw) => haven_domain::places::parse_date(raw)
                .ok_or_else(|| ApiError::validation("date: mch-error-bad-date")),
        }
    }
}

/// A pregnancy with its antenatal schedule on the day asked.
#[derive(Debug, Serialize, ToSchema)]
pub struct PregnancyWire {
    pub id: String,
    pub person_id: String,
    pub facility_id: String,
    pub name: String,
    pub registered_on: String,
    pub lmp: Option<String>,
    /// `lmp` or `ultrasound`.
    pub dating_basis: String,
    /// The expected date of delivery (LOINC 11778-8).
    pub edd: String,
    /// Weeks+days on the day asked (LOINC 11884-4), while not delivered.
    pub gestational_age: Option<String>,
    pub gravida: i64,
    pub para: i64,
    pub risk_factors: Vec<String>,
    /// An `AncState` code: upcoming, due_this_week, overdue, past_term, complete.
    pub anc_state: Option<String>,
    pub next_contact: Option<u8>,
    pub next_contact_due_on: Option<String>,
    pub delivered_on: Option<String>,
    /// Set when the pregnancy ended without a delivery.
    pub ended_on: Option<String>,
    /// A `PregnancyEnd` code: miscarriage, abortion, ectopic, moved_away,
    /// lost_to_follow_up.
    pub end_reason: Option<String>,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<ContactWire>>,
}

/// An antenatal contact. `hiv` and `syphilis` are present only for callers allowed
/// HIV and syphilis screening results.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactWire {
    pub id: String,
    pub contact_on: String,
    pub contact_number: i64,
    pub gestational_age: String,
    pub blood_pressure: Option<String>,
    pub weight_kg: Option<f64>,
    pub fundal_height_cm: Option<f64>,
    pub fetal_heart_bpm: Option<i64>,
    pub haemoglobin_g_dl: Option<f64>,
    /// Present only for callers allowed HIV and syphilis screening results.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub syphilis: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hiv: Option<String>,
    pub td_given: bool,
    pub iron_folic_acid: bool,
    pub danger_signs: Vec<String>,
    /// A danger sign was present: refer now.
    pub urgent: bool,
    pub notes: String,
    /// Named when marking it entered in error.
    pub version: i64,
}

fn pregnancy_wire(p: &Pregnancy, contacts: &[time::Date], on: time::Date) -> PregnancyWire {
    let status = p.is_open().then(|| anc_status(p.dating_lmp, contacts, on));
    PregnancyWire {
        id: p.id.to_string(),
        person_id: p.person_id.to_string(),
        facility_id: p.facility_id.to_string(),
        name: p.display_name(),
        registered_on: p.registered_on.to_string(),
        lmp: p.lmp.map(|d| d.to_string()),
        dating_basis: p.dating_basis.clone(),
        edd: p.edd.to_string(),
        gestational_age: status.map(|s| s.gestational_age.text()),
        gravida: p.gravida,
        para: p.para,
        risk_factors: p
            .risk_factors
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        anc_state: status.map(|s| s.state.code().to_owned()),
        next_contact: status.and_then(|s| s.contact),
        next_contact_due_on: status.and_then(|s| s.due_on).map(|d| d.to_string()),
        delivered_on: p.delivered_on.map(|d| d.to_string()),
        ended_on: p.ended_on.map(|d| d.to_string()),
        end_reason: p.end_reason().map(|r| r.code().to_owned()),
        version: p.version,
        contacts: None,
    }
}

/// The open pregnancies of a facility with their antenatal schedule: the worklist.
#[utoipa::path(get, path = "/api/v1/mch/pregnancies", tag = "mother-and-child", security(("bearer" = [])),
    params(FacilityQuery),
    responses((status = 200, body = [PregnancyWire]), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_pregnancies(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<Vec<PregnancyWire>>, ApiError> {
    // The permission is refused before the query is read.
    state
        .app()
        .may_read_clinical(&caller.caller())
        .map_err(app_error)?;
    let facility = query.facility()?;
    let on = query.day(&state)?;
    let open = state
        .app()
        .open_pregnancies(&caller.caller(), facility)
        .await
        .map_err(app_error)?;
    Ok(Json(
        open.iter()
            .map(|o| pregnancy_wire(&o.pregnancy, &o.contacts, on))
            .collect(),
    ))
}

/// A pregnancy to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PregnancyRequest {
    pub person_id: String,
    pub facility_id: String,
    /// `YYYY-MM-DD`, not in the future.
    pub registered_on: String,
    /// `YYYY-MM-DD`, not in the future, at most 44 weeks before registration.
    #[serde(default)]
    pub lmp: String,
    #[serde(default)]
    pub ultrasound_on: String,
    #[serde(default)]
    pub ultrasound_weeks: String,
    #[serde(default)]
    pub ultrasound_days: String,
    pub gravida: String,
    #[serde(default)]
    pub para: String,
    /// `RiskFactor` codes.
    #[serde(default)]
    pub risk_factors: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

/// Registers a pregnancy of a woman of the registry.
#[utoipa::path(post, path = "/api/v1/mch/pregnancies", tag = "mother-and-child", security(("bearer" = [])),
    request_body = PregnancyRequest,
    responses((status = 201, body = PregnancyWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn register_pregnancy(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(request): ApiJson<PregnancyRequest>,
) -> Result<(StatusCode, Json<PregnancyWire>), ApiError> {
    let person = request.person_id.trim().parse().ok();
    let details = PregnancyDetails::parse(
        &PregnancyInput {
            registered_on: &request.registered_on,
            lmp: &request.lmp,
            ultrasound_on: &request.ultrasound_on,
            ultrasound_weeks: &request.ultrasound_weeks,
            ultrasound_days: &request.ultrasound_days,
            gravida: &request.gravida,
            para: &request.para,
            risk_factors: &request.risk_factors,
            notes: &request.notes,
        },
        state.today(),
    );
    let pregnancy = state
        .app()
        .register_pregnancy(
            &caller.caller(),
            person,
            facility_id(&request.facility_id),
            details,
        )
        .await
        .map_err(|error| match error {
            // The API names the facility field as its body does.
            AppError::Invalid(fields) => app_error(AppError::Invalid(
                fields
                    .into_iter()
                    .map(|f| haven_app::FieldError {
                        field: if f.field == "facility" {
                            "facility_id"
                        } else {
                            f.field
                        },
                        code: f.code,
                    })
                    .collect(),
            )),
            other => app_error(other),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(pregnancy_wire(&pregnancy, &[], state.today())),
    ))
}

fn pregnancy_answer(state: &AppState, record: &PregnancyRecord) -> PregnancyWire {
    let p = &record.pregnancy;
    let (contacts, hiv, syphilis) = (&record.contacts, &record.hiv, &record.syphilis);
    let days: Vec<time::Date> = contacts.iter().map(|c| c.contact_on).collect();
    let mut wire = pregnancy_wire(p, &days, state.today());
    wire.contacts = Some(
        contacts
            .iter()
            .map(|c| ContactWire {
                id: c.id.to_string(),
                contact_on: c.contact_on.to_string(),
                contact_number: c.contact_number,
                gestational_age: haven_domain::mch::pregnancy::GestationalAge::from_days(
                    c.gestational_age_days,
                )
                .text(),
                blood_pressure: c.systolic.zip(c.diastolic).map(|(s, d)| format!("{s}/{d}")),
                weight_kg: c.weight_kg,
                fundal_height_cm: c.fundal_height_cm,
                fetal_heart_bpm: c.fetal_heart_bpm,
                haemoglobin_g_dl: c.haemoglobin_g_dl,
                syphilis: syphilis
                    .iter()
                    .find(|s| s.anc_contact_id == c.id)
                    .map(|s| s.result.clone()),
                hiv: hiv
                    .iter()
                    .find(|h| h.anc_contact_id == Some(c.id))
                    .map(|h| h.result.clone()),
                td_given: c.td_given,
                iron_folic_acid: c.iron_folic_acid,
                danger_signs: c
                    .danger_signs
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                urgent: c.urgent,
                notes: c.notes.clone(),
                version: c.version,
            })
            .collect(),
    );
    wire
}

/// A pregnancy with its contacts (HIV results only with the HIV permission).
#[utoipa::path(get, path = "/api/v1/mch/pregnancies/{pregnancy}", tag = "mother-and-child", security(("bearer" = [])),
    params(("pregnancy" = String, Path, description = "the pregnancy's id")),
    responses((status = 200, body = PregnancyWire), (status = 404, body = Problem)))]
pub async fn get_pregnancy(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
) -> Result<Json<PregnancyWire>, ApiError> {
    let record = state
        .app()
        .read_pregnancy(&caller.caller(), id)
        .await
        .map_err(app_error)?;
    Ok(Json(pregnancy_answer(&state, &record)))
}

/// An antenatal contact to record.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    pub contact_on: String,
    /// `120/80`.
    #[serde(default)]
    pub blood_pressure: String,
    #[serde(default)]
    pub weight_kg: String,
    #[serde(default)]
    pub fundal_height_cm: String,
    #[serde(default)]
    pub fetal_heart_bpm: String,
    #[serde(default)]
    pub haemoglobin_g_dl: String,
    /// A `ScreeningResult` code; refused (403) without the HIV write permission.
    #[serde(default)]
    pub hiv: String,
    /// A `ScreeningResult` code; refused (403) without the HIV write permission.
    #[serde(default)]
    pub syphilis: String,
    #[serde(default)]
    pub td_given: bool,
    #[serde(default)]
    pub td_lot: String,
    #[serde(default)]
    pub iron_folic_acid: bool,
    /// `DangerSign` codes: any one makes the contact urgent.
    #[serde(default)]
    pub danger_signs: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

/// Records an antenatal contact; the answer is the pregnancy with its contacts.
#[utoipa::path(post, path = "/api/v1/mch/pregnancies/{pregnancy}/contacts", tag = "mother-and-child", security(("bearer" = [])),
    params(("pregnancy" = String, Path, description = "the pregnancy's id")),
    request_body = ContactRequest,
    responses((status = 201, body = PregnancyWire), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_contact(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<ContactRequest>,
) -> Result<(StatusCode, Json<PregnancyWire>), ApiError> {
    let input = AncContactInput {
        contact_on: &request.contact_on,
        blood_pressure: &request.blood_pressure,
        weight_kg: &request.weight_kg,
        fundal_height_cm: &request.fundal_height_cm,
        fetal_heart_bpm: &request.fetal_heart_bpm,
        haemoglobin_g_dl: &request.haemoglobin_g_dl,
        hiv: &request.hiv,
        syphilis: &request.syphilis,
        td_given: request.td_given,
        td_lot: &request.td_lot,
        iron_folic_acid: request.iron_folic_acid,
        danger_signs: &request.danger_signs,
        notes: &request.notes,
    };
    let td = TdGiven {
        schedule: schedule(&state)?,
        lot: request.td_lot.trim().to_owned(),
        given_by: caller.user.display_name.clone(),
    };
    let app = state.app();
    let caller = caller.caller();
    app.record_anc_contact(&caller, id, &input, state.today(), td)
        .await
        .map_err(app_error)?;
    let record = app.pregnancy_record(&caller, id).await.map_err(app_error)?;
    Ok((StatusCode::CREATED, Json(pregnancy_answer(&state, &record))))
}

/// A baby of a delivery.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BabyRequest {
    /// `live_birth`, `still_birth_fresh` or `still_birth_macerated`.
    pub outcome: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub weight_g: String,
    #[serde(default)]
    pub given_name_km: String,
    #[serde(default)]
    pub given_name_latin: String,
}

/// A delivery to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryRequest {
    /// `YYYY-MM-DD`: not in the future, not before the pregnancy was registered.
    pub delivered_on: String,
    /// `HH:MM` in the site's time.
    #[serde(default)]
    pub delivered_time: String,
    pub place: String,
    pub attendant: String,
    pub mode: String,
    #[serde(default)]
    pub complications: Vec<String>,
    pub mother_outcome: String,
    #[serde(default)]
    pub notes: String,
    pub babies: Vec<BabyRequest>,
    /// The pregnancy's version read.
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BabyWire {
    pub position: i64,
    pub outcome: String,
    pub sex: String,
    pub weight_g: Option<i64>,
    /// Under 2500 g.
    pub low_birth_weight: bool,
    /// The registry person of a live-born baby, linked to the mother.
    pub person_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PncContactWire {
    pub id: String,
    pub person_id: String,
    pub contact_on: String,
    pub contact_number: i64,
    pub day_after_birth: i64,
    pub urgent: bool,
    /// Named when marking it entered in error.
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryWire {
    pub id: String,
    pub pregnancy_id: String,
    pub mother_id: String,
    pub facility_id: String,
    pub delivered_on: String,
    pub delivered_time: String,
    pub gestational_age: String,
    pub place: String,
    pub attendant: String,
    pub mode: String,
    pub complications: Vec<String>,
    pub mother_outcome: String,
    pub babies: Vec<BabyWire>,
    pub pnc_contacts: Vec<PncContactWire>,
}

fn delivery_answer(record: DeliveryRecord) -> DeliveryWire {
    let DeliveryRecord {
        delivery: d,
        babies,
        pnc,
        ..
    } = record;
    DeliveryWire {
        id: d.id.to_string(),
        pregnancy_id: d.pregnancy_id.to_string(),
        mother_id: d.person_id.to_string(),
        facility_id: d.facility_id.to_string(),
        delivered_on: d.delivered_on.to_string(),
        delivered_time: d.delivered_time.clone(),
        gestational_age: haven_domain::mch::pregnancy::GestationalAge::from_days(
            d.gestational_age_days,
        )
        .text(),
        place: d.place.clone(),
        attendant: d.attendant.clone(),
        mode: d.mode.clone(),
        complications: d
            .complications
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        mother_outcome: d.mother_outcome.clone(),
        babies: babies
            .into_iter()
            .map(|b| BabyWire {
                position: b.position,
                outcome: b.outcome,
                sex: b.sex,
                weight_g: b.weight_g,
                low_birth_weight: b.low_birth_weight,
                person_id: b.person_id.map(|p| p.to_string()),
            })
            .collect(),
        pnc_contacts: pnc
            .into_iter()
            .map(|c| PncContactWire {
                id: c.id.to_string(),
                person_id: c.person_id.to_string(),
                contact_on: c.contact_on.to_string(),
                contact_number: c.contact_number,
                day_after_birth: c.day_after_birth,
                urgent: c.urgent,
                version: c.version,
            })
            .collect(),
    }
}

/// Records the birth: each live-born baby becomes a person linked to the mother,
/// in one transaction.
#[utoipa::path(post, path = "/api/v1/mch/pregnancies/{pregnancy}/delivery", tag = "mother-and-child", security(("bearer" = [])),
    params(("pregnancy" = String, Path, description = "the pregnancy's id")),
    request_body = DeliveryRequest,
    responses((status = 201, body = DeliveryWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_delivery(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<DeliveryRequest>,
) -> Result<(StatusCode, Json<DeliveryWire>), ApiError> {
    let input = DeliveryInput {
        delivered_on: &request.delivered_on,
        delivered_time: &request.delivered_time,
        place: &request.place,
        attendant: &request.attendant,
        mode: &request.mode,
        complications: &request.complications,
        mother_outcome: &request.mother_outcome,
        notes: &request.notes,
        babies: request
            .babies
            .iter()
            .map(|b| BabyInput {
                outcome: &b.outcome,
                sex: &b.sex,
                weight_g: &b.weight_g,
                given_name_km: &b.given_name_km,
                given_name_latin: &b.given_name_latin,
            })
            .collect(),
    };
    let app = state.app();
    let caller = caller.caller();
    let delivery = app
        .record_delivery(&caller, id, Some(request.version), &input, state.today())
        .await
        .map_err(app_error)?;
    let record = app
        .delivery_record(&caller, delivery.id)
        .await
        .map_err(app_error)?;
    Ok((StatusCode::CREATED, Json(delivery_answer(record))))
}

/// A delivery with its babies and postnatal contacts.
#[utoipa::path(get, path = "/api/v1/mch/deliveries/{delivery}", tag = "mother-and-child", security(("bearer" = [])),
    params(("delivery" = String, Path, description = "the delivery's id")),
    responses((status = 200, body = DeliveryWire), (status = 404, body = Problem)))]
pub async fn get_delivery(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
) -> Result<Json<DeliveryWire>, ApiError> {
    let record = state
        .app()
        .read_delivery(&caller.caller(), id)
        .await
        .map_err(app_error)?;
    Ok(Json(delivery_answer(record)))
}

/// A postnatal contact to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PncRequest {
    /// The mother or a live-born baby of the delivery.
    pub person_id: String,
    pub contact_on: String,
    #[serde(default)]
    pub temperature_c: String,
    #[serde(default)]
    pub weight_g: String,
    #[serde(default)]
    pub breastfeeding: bool,
    #[serde(default)]
    pub danger_signs: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

/// Records a postnatal contact of the mother or a baby.
#[utoipa::path(post, path = "/api/v1/mch/deliveries/{delivery}/pnc", tag = "mother-and-child", security(("bearer" = [])),
    params(("delivery" = String, Path, description = "the delivery's id")),
    request_body = PncRequest,
    responses((status = 201, body = DeliveryWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_pnc(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<PncRequest>,
) -> Result<(StatusCode, Json<DeliveryWire>), ApiError> {
    let contact = NewPncContact {
        // Not an id: refused at the field, as a person who is not of the delivery.
        person: request.person_id.trim().parse().ok(),
        input: PncContactInput {
            contact_on: &request.contact_on,
            temperature_c: &request.temperature_c,
            weight_g: &request.weight_g,
            breastfeeding: request.breastfeeding,
            danger_signs: &request.danger_signs,
            notes: &request.notes,
        },
    };
    let app = state.app();
    let caller = caller.caller();
    app.record_pnc_contact(&caller, id, &contact, "person_id", state.today())
        .await
        .map_err(app_error)?;
    let record = app.delivery_record(&caller, id).await.map_err(app_error)?;
    Ok((StatusCode::CREATED, Json(delivery_answer(record))))
}

/// One antigen's series.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesWire {
    pub antigen: String,
    pub valid_doses: u8,
    pub doses_in_series: u8,
    /// A `DoseState` code: complete, upcoming, due, overdue, too_late, not_applicable.
    pub state: String,
    pub next_dose: Option<u8>,
    pub next_due_on: Option<String>,
    pub next_earliest_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DoseWire {
    pub id: String,
    pub antigen: String,
    pub dose_number: i64,
    pub cvx: String,
    pub given_on: String,
    pub lot: String,
    pub given_by: String,
    pub facility_id: String,
    /// valid, too_young, too_soon, extra, not_in_schedule: only a valid dose counts.
    pub validity: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlannedWire {
    pub antigen: String,
    pub dose: u8,
    pub cvx: String,
    pub on: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardWire {
    pub person_id: String,
    pub born: String,
    /// A `ChildState` code: complete, up_to_date, due, overdue.
    pub state: String,
    pub series: Vec<SeriesWire>,
    pub doses: Vec<DoseWire>,
    pub catch_up: Vec<PlannedWire>,
}

fn card(state: &AppState, person: &Person, doses: &[Dose]) -> Result<CardWire, ApiError> {
    let schedule = schedule(state)?;
    let on = state.today();
    let given: Vec<GivenDose> = doses.iter().map(|d| d.given()).collect();
    let subject = Subject {
        born: person.birth_date,
        sex: person.sex(),
    };
    let child = evaluate(schedule, Group::Child, subject, &given, on);
    let woman = evaluate(schedule, Group::Pregnancy, subject, &given, on);
    Ok(CardWire {
        person_id: person.id.to_string(),
        born: person.birth_date.to_string(),
        state: child.child_state().code().to_owned(),
        series: child
            .antigens
            .iter()
            .chain(woman.antigens.iter().filter(|a| a.valid_doses > 0))
            .map(|a| SeriesWire {
                antigen: a.antigen.clone(),
                valid_doses: a.valid_doses,
                doses_in_series: a.doses_in_series,
                state: a.state.code().to_owned(),
                next_dose: a.next.as_ref().map(|n| n.dose),
                next_due_on: a.next.as_ref().map(|n| n.due.to_string()),
                next_earliest_on: a.next.as_ref().map(|n| n.earliest.to_string()),
            })
            .collect(),
        doses: doses
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let verdict = match schedule.group_of(&d.antigen) {
                    Some(Group::Pregnancy) => woman.validity[i],
                    _ => child.validity[i],
                };
                DoseWire {
                    id: d.id.to_string(),
                    antigen: d.antigen.clone(),
                    dose_number: d.dose_number,
                    cvx: d.cvx.clone(),
                    given_on: d.given_on.to_string(),
                    lot: d.lot.clone(),
                    given_by: d.given_by.clone(),
                    facility_id: d.facility_id.to_string(),
                    validity: verdict.api_code().to_owned(),
                }
            })
            .collect(),
        catch_up: catch_up_plan(schedule, Group::Child, subject, &given, on)
            .into_iter()
            .map(|p| PlannedWire {
                antigen: p.antigen,
                dose: p.dose,
                cvx: p.cvx,
                on: p.on.to_string(),
            })
            .collect(),
    })
}

/// A person's immunisation card: each series, every dose with whether it counts,
/// and the catch-up plan.
#[utoipa::path(get, path = "/api/v1/mch/immunisation/{mch_person}", tag = "mother-and-child", security(("bearer" = [])),
    params(("mch_person" = String, Path, description = "the person's id")),
    responses((status = 200, body = CardWire), (status = 404, body = Problem)))]
pub async fn immunisation_card(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
) -> Result<Json<CardWire>, ApiError> {
    let record = state
        .app()
        .read_immunisation_card(&caller.caller(), id)
        .await
        .map_err(app_error)?;
    Ok(Json(card(&state, &record.person, &record.doses)?))
}

/// A dose to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoseRequest {
    /// The schedule's antigen code, such as `penta`.
    pub antigen: String,
    /// `YYYY-MM-DD`, not in the future, not before birth.
    pub given_on: String,
    pub facility_id: String,
    #[serde(default)]
    pub lot: String,
    /// The vaccinator's name; the caller's when empty.
    #[serde(default)]
    pub given_by: String,
}

/// The card after a dose, with a warning when the dose does not count.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoseAnswer {
    /// The new dose's verdict: valid, too_young, too_soon, extra.
    pub validity: String,
    /// Set when the dose was recorded but does not count.
    pub warning: Option<String>,
    pub card: CardWire,
}

/// Records a dose. A dose before its minimum age or interval is recorded and
/// answered with its verdict and a warning: it does not count.
#[utoipa::path(post, path = "/api/v1/mch/immunisation/{mch_person}/doses", tag = "mother-and-child", security(("bearer" = [])),
    params(("mch_person" = String, Path, description = "the person's id")),
    request_body = DoseRequest,
    responses((status = 201, body = DoseAnswer), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_dose(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<DoseRequest>,
) -> Result<(StatusCode, Json<DoseAnswer>), ApiError> {
    let app = state.app();
    let caller = caller.caller();
    let ImmunisationCard { person, doses } =
        app.doses_to_write(&caller, id).await.map_err(app_error)?;
    let schedule = schedule(&state)?;
    let mut errors = Vec::new();
    let cvx = schedule.cvx_of(request.antigen.trim()).map(str::to_owned);
    if cvx.is_none() {
        errors.push(("antigen", MchError::VaccineRequired));
    }
    let given_on = haven_domain::places::parse_date(&request.given_on);
    match given_on {
        None => errors.push(("given_on", MchError::BadDate)),
        Some(d) if d > state.today() => errors.push(("given_on", MchError::DateInFuture)),
        Some(d) if d < person.birth_date => errors.push(("given_on", MchError::DoseBeforeBirth)),
        _ => {}
    }
    if request.lot.chars().count() > 60 {
        errors.push(("lot", MchError::TextTooLong));
    }
    if request.given_by.chars().count() > 120 {
        errors.push(("given_by", MchError::TextTooLong));
    }
    if !errors.is_empty() {
        return Err(mch_errors(&errors));
    }
    let (Some(cvx), Some(given_on)) = (cvx, given_on) else {
        return Err(mch_errors(&[("antigen", MchError::VaccineRequired)]));
    };
    let antigen = request.antigen.trim().to_owned();
    let mut given: Vec<GivenDose> = doses.iter().map(|d| d.given()).collect();
    given.push(GivenDose {
        antigen: antigen.clone(),
        given_on,
    });
    let group = schedule.group_of(&antigen).unwrap_or(Group::Child);
    let subject = Subject {
        born: person.birth_date,
        sex: person.sex(),
    };
    let verdict = evaluate(schedule, group, subject, &given, state.today())
        .validity
        .last()
        .copied()
        .unwrap_or(haven_domain::mch::immunisation::Validity::NotInSchedule);
    use haven_domain::mch::immunisation::Validity;
    let dose_number = match verdict {
        Validity::Valid { dose }
        | Validity::TooYoung { dose, .. }
        | Validity::TooSoon { dose, .. } => i64::from(dose),
        _ => 0,
    };
    let given_by = match request.given_by.trim() {
        "" => caller.user().display_name.clone(),
        name => haven_domain::text::normalise(name),
    };
    app.record_doses(
        &caller,
        vec![(
            person.id,
            DoseCommand {
                facility: facility_id(&request.facility_id),
                antigen,
                dose_number,
                cvx,
                given_on,
                lot: haven_domain::text::normalise(request.lot.trim()),
                given_by,
            },
        )],
        "facility_id",
        schedule,
    )
    .await
    .map_err(app_error)?;
    let doses = app
        .doses_of(&caller, person.id)
        .await
        .map_err(app_error)?
        .doses;
    Ok((
        StatusCode::CREATED,
        Json(DoseAnswer {
            validity: verdict.api_code().to_owned(),
            warning: (!verdict.is_valid())
                .then(|| format!("recorded but it does not count: {}", verdict.api_code())),
            card: card(&state, &person, &doses)?,
        }),
    ))
}

/// A child of a facility's due list.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueWire {
    pub person_id: String,
    pub name: String,
    pub born: String,
    /// Antigen, dose number, due day, overdue.
    pub doses: Vec<DueDoseWire>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueDoseWire {
    pub antigen: String,
    pub dose: u8,
    pub due_on: String,
    pub overdue: bool,
}

/// The children of a facility with a dose due by a day (a session's list).
#[utoipa::path(get, path = "/api/v1/mch/immunisation-due", tag = "mother-and-child", security(("bearer" = [])),
    params(FacilityQuery),
    responses((status = 200, body = [DueWire]), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn immunisation_due(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<Vec<DueWire>>, ApiError> {
    // The permission is refused before the query is read.
    state
        .app()
        .may_read_clinical(&caller.caller())
        .map_err(app_error)?;
    let facility = query.facility()?;
    let on = query.day(&state)?;
    let schedule = schedule(&state)?;
    let born_since = haven_domain::person::years_before(on, 16);
    let mut answer = Vec::new();
    for (person, doses) in state
        .app()
        .immunisation_children_due(&caller.caller(), facility, born_since, on, schedule)
        .await
        .map_err(app_error)?
    {
        let given: Vec<GivenDose> = doses.iter().map(|d| d.given()).collect();
        let subject = Subject {
            born: person.birth_date,
            sex: person.sex(),
        };
        let evaluation = evaluate(schedule, Group::Child, subject, &given, on);
        let due: Vec<DueDoseWire> = evaluation
            .due()
            .filter_map(|a| {
                a.next
                    .as_ref()
                    .filter(|n| n.earliest <= on)
                    .map(|n| DueDoseWire {
                        antigen: a.antigen.clone(),
                        dose: n.dose,
                        due_on: n.due.to_string(),
                        overdue: a.state == haven_domain::mch::immunisation::DoseState::Overdue,
                    })
            })
            .collect();
        if !due.is_empty() {
            answer.push(DueWire {
                person_id: person.id.to_string(),
                name: person.display_name(),
                born: person.birth_date.to_string(),
                doses: due,
            });
        }
    }
    Ok(Json(answer))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    #[serde(default)]
    pub facility: String,
    /// The birth cohort's year.
    #[serde(default)]
    pub year: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageWire {
    pub facility_id: String,
    pub year: i32,
    /// Children of the cohort registered at the facility.
    pub cohort: i64,
    pub doses: Vec<CoverageDoseWire>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageDoseWire {
    pub antigen: String,
    pub dose: u8,
    /// Children with at least this many valid doses.
    pub children: i64,
}

/// Coverage per antigen and dose of a birth cohort at a facility.
#[utoipa::path(get, path = "/api/v1/mch/coverage", tag = "mother-and-child", security(("bearer" = [])),
    params(CoverageQuery),
    responses((status = 200, body = CoverageWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn coverage(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<CoverageQuery>,
) -> Result<Json<CoverageWire>, ApiError> {
    let caller = caller.caller();
    // A missing permission is refused before the query is read.
    state.app().may_read_coverage(&caller).map_err(app_error)?;
    let facility: Id = query
        .facility
        .trim()
        .parse()
        .map_err(|_| ApiError::validation("facility: not an id"))?;
    let year: i32 = query
        .year
        .trim()
        .parse()
        .map_err(|_| ApiError::validation("year: not a year"))?;
    let from = time::Date::from_calendar_date(year, time::Month::January, 1)
        .map_err(|_| ApiError::validation("year: not a year"))?;
    let to = time::Date::from_calendar_date(year, time::Month::December, 31)
        .map_err(|_| ApiError::validation("year: not a year"))?;
    let (cohort, counts) = state
        .app()
        .immunisation_coverage(&caller, facility, from, to)
        .await
        .map_err(app_error)?;
    let schedule = schedule(&state)?;
    Ok(Json(CoverageWire {
        facility_id: facility.to_string(),
        year,
        cohort,
        doses: schedule
            .doses()
            .iter()
            .filter(|d| d.group() == Group::Child)
            .map(|d| CoverageDoseWire {
                antigen: d.antigen().to_owned(),
                dose: d.dose(),
                children: counts
                    .iter()
                    .find(|c| c.antigen == d.antigen() && c.valid_doses == i64::from(d.dose()))
                    .map_or(0, |c| c.children),
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FpVisitWire {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub facility_id: String,
    pub visit_on: String,
    pub counselled: bool,
    /// An `FpMethod` code, or empty for counselling only.
    pub method: String,
    pub quantity: Option<i64>,
    pub follow_up_on: Option<String>,
    /// Named when marking it entered in error.
    pub version: i64,
}

fn fp_wire(v: &haven_app::model::mch::FpVisit) -> FpVisitWire {
    FpVisitWire {
        id: v.id.to_string(),
        person_id: v.person_id.to_string(),
        name: v.display_name(),
        facility_id: v.facility_id.to_string(),
        visit_on: v.visit_on.to_string(),
        counselled: v.counselled,
        method: v.method.clone(),
        quantity: v.quantity,
        follow_up_on: v.follow_up_on.map(|d| d.to_string()),
        version: v.version,
    }
}

/// A client's family planning visits, newest first.
#[utoipa::path(get, path = "/api/v1/mch/family-planning/{mch_person}", tag = "mother-and-child", security(("bearer" = [])),
    params(("mch_person" = String, Path, description = "the client's id")),
    responses((status = 200, body = [FpVisitWire]), (status = 404, body = Problem)))]
pub async fn family_planning(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
) -> Result<Json<Vec<FpVisitWire>>, ApiError> {
    let (_, visits) = state
        .app()
        .read_family_planning(&caller.caller(), id)
        .await
        .map_err(app_error)?;
    Ok(Json(visits.iter().map(fp_wire).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FpVisitRequest {
    pub facility_id: String,
    pub visit_on: String,
    #[serde(default)]
    pub counselled: bool,
    /// pill, injectable, implant, iud, condoms, sterilisation or lam.
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub quantity: String,
    /// The method's usual follow-up when empty.
    #[serde(default)]
    pub follow_up_on: String,
    #[serde(default)]
    pub notes: String,
}

/// Records a family planning visit.
#[utoipa::path(post, path = "/api/v1/mch/family-planning/{mch_person}", tag = "mother-and-child", security(("bearer" = [])),
    params(("mch_person" = String, Path, description = "the client's id")),
    request_body = FpVisitRequest,
    responses((status = 201, body = FpVisitWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_fp_visit(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<FpVisitRequest>,
) -> Result<(StatusCode, Json<FpVisitWire>), ApiError> {
    let input = FpVisitInput {
        visit_on: &request.visit_on,
        counselled: request.counselled,
        method: &request.method,
        quantity: &request.quantity,
        follow_up_on: &request.follow_up_on,
        notes: &request.notes,
    };
    let visit = state
        .app()
        .record_fp_visit(
            &caller.caller(),
            id,
            facility_id(&request.facility_id),
            "facility_id",
            &input,
            state.today(),
        )
        .await
        .map_err(app_error)?;
    Ok((StatusCode::CREATED, Json(fp_wire(&visit))))
}

/// The family planning follow-ups due at a facility by a day.
#[utoipa::path(get, path = "/api/v1/mch/family-planning-due", tag = "mother-and-child", security(("bearer" = [])),
    params(FacilityQuery),
    responses((status = 200, body = [FpVisitWire]), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn family_planning_due(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<Vec<FpVisitWire>>, ApiError> {
    // The permission is refused before the query is read.
    state
        .app()
        .may_read_clinical(&caller.caller())
        .map_err(app_error)?;
    let facility = query.facility()?;
    let on = query.day(&state)?;
    Ok(Json(
        state
            .app()
            .fp_follow_ups_due(&caller.caller(), facility, on)
            .await
            .map_err(app_error)?
            .iter()
            .map(fp_wire)
            .collect(),
    ))
}

/// The antenatal worklist of a facility on a day, in the page's groups.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorklistWire {
    pub facility_id: String,
    pub date: String,
    /// The latest contact had a danger sign within the last 7 days: refer now.
    pub urgent: Vec<PregnancyWire>,
    /// A contact's week has passed, or past 41 weeks.
    pub overdue: Vec<PregnancyWire>,
    /// The next contact's week falls in the 7 days from the date.
    pub due_this_week: Vec<PregnancyWire>,
    pub later: Vec<PregnancyWire>,
}

/// The antenatal worklist of a facility: urgent, overdue, due this week, later.
#[utoipa::path(get, path = "/api/v1/mch/anc-worklist", tag = "mother-and-child", security(("bearer" = [])),
    params(FacilityQuery),
    responses((status = 200, body = WorklistWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn anc_worklist(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<WorklistWire>, ApiError> {
    use crate::pages::mch::pregnancy::WorklistGroup;
    // The permission is refused before the query is read.
    state
        .app()
        .may_read_clinical(&caller.caller())
        .map_err(app_error)?;
    let facility = query.facility()?;
    let on = query.day(&state)?;
    let mut answer = WorklistWire {
        facility_id: facility.to_string(),
        date: on.to_string(),
        urgent: Vec::new(),
        overdue: Vec::new(),
        due_this_week: Vec::new(),
        later: Vec::new(),
    };
    let open = state
        .app()
        .open_pregnancies(&caller.caller(), facility)
        .await
        .map_err(app_error)?;
    for entry in crate::pages::mch::pregnancy::worklist_of(open, on) {
        let wire = pregnancy_wire(&entry.open.pregnancy, &entry.open.contacts, on);
        match entry.group {
            WorklistGroup::Urgent => answer.urgent.push(wire),
            WorklistGroup::Overdue => answer.overdue.push(wire),
            WorklistGroup::DueThisWeek => answer.due_this_week.push(wire),
            WorklistGroup::Later => answer.later.push(wire),
        }
    }
    Ok(Json(answer))
}

/// A mother or baby due or overdue for a postnatal contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct PncDueWire {
    pub delivery_id: String,
    pub person_id: String,
    /// `mother` or `baby`.
    pub role: String,
    /// The baby's position in the delivery (1 for a singleton).
    pub baby: Option<i64>,
    pub name: String,
    pub delivered_on: String,
    pub day_after_birth: i64,
    /// The contact (1 to 4) due or overdue.
    pub contact: Option<u8>,
    pub window_from: Option<String>,
    pub window_to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PncListWire {
    pub facility_id: String,
    pub date: String,
    pub due: Vec<PncDueWire>,
    pub overdue: Vec<PncDueWire>,
}

/// Who is due and overdue for a postnatal contact at a facility on a day.
#[utoipa::path(get, path = "/api/v1/mch/pnc-due", tag = "mother-and-child", security(("bearer" = [])),
    params(FacilityQuery),
    responses((status = 200, body = PncListWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn pnc_due(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<FacilityQuery>,
) -> Result<Json<PncListWire>, ApiError> {
    // The permission is refused before the query is read.
    state
        .app()
        .may_read_clinical(&caller.caller())
        .map_err(app_error)?;
    let facility = query.facility()?;
    let on = query.day(&state)?;
    let mut answer = PncListWire {
        facility_id: facility.to_string(),
        date: on.to_string(),
        due: Vec::new(),
        overdue: Vec::new(),
    };
    let due = state
        .app()
        .pnc_due(&caller.caller(), facility, on)
        .await
        .map_err(app_error)?;
    for entry in crate::pages::mch::birth::pnc_due_of(due, on) {
        let wire = PncDueWire {
            delivery_id: entry.delivery_id.to_string(),
            person_id: entry.person_id.to_string(),
            role: if entry.baby.is_some() {
                "baby"
            } else {
                "mother"
            }
            .to_owned(),
            baby: entry.baby,
            name: entry.name,
            delivered_on: entry.delivered_on.to_string(),
            day_after_birth: entry.status.day,
            contact: entry.status.contact,
            window_from: entry.status.window.map(|(a, _)| a.to_string()),
            window_to: entry.status.window.map(|(_, b)| b.to_string()),
        };
        if entry.status.state == haven_domain::mch::postnatal::PncState::Due {
            answer.due.push(wire);
        } else {
            answer.overdue.push(wire);
        }
    }
    Ok(Json(answer))
}

/// A corrected registration, naming the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectPregnancyRequest {
    pub version: i64,
    pub registered_on: String,
    #[serde(default)]
    pub lmp: String,
    #[serde(default)]
    pub ultrasound_on: String,
    #[serde(default)]
    pub ultrasound_weeks: String,
    #[serde(default)]
    pub ultrasound_days: String,
    pub gravida: String,
    #[serde(default)]
    pub para: String,
    #[serde(default)]
    pub risk_factors: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

/// Corrects an open pregnancy's registration (dating, gravida, para, risk
/// factors); a stale version is 409. Contacts follow the new dating.
#[utoipa::path(put, path = "/api/v1/mch/pregnancies/{pregnancy}", tag = "mother-and-child", security(("bearer" = [])),
    params(("pregnancy" = String, Path, description = "the pregnancy's id")),
    request_body = CorrectPregnancyRequest,
    responses((status = 200, body = PregnancyWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn correct_pregnancy(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<CorrectPregnancyRequest>,
) -> Result<Json<PregnancyWire>, ApiError> {
    let details = PregnancyDetails::parse(
        &PregnancyInput {
            registered_on: &request.registered_on,
            lmp: &request.lmp,
            ultrasound_on: &request.ultrasound_on,
            ultrasound_weeks: &request.ultrasound_weeks,
            ultrasound_days: &request.ultrasound_days,
            gravida: &request.gravida,
            para: &request.para,
            risk_factors: &request.risk_factors,
            notes: &request.notes,
        },
        state.today(),
    );
    let app = state.app();
    let caller = caller.caller();
    app.correct_pregnancy(&caller, id, request.version, details)
        .await
        .map_err(app_error)?;
    let record = app.pregnancy_record(&caller, id).await.map_err(app_error)?;
    Ok(Json(pregnancy_answer(&state, &record)))
}

/// The end of a pregnancy without a delivery, naming the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndPregnancyRequest {
    pub version: i64,
    /// `YYYY-MM-DD`, not in the future nor before the registration.
    pub ended_on: String,
    /// A `PregnancyEnd` code.
    pub reason: String,
    #[serde(default)]
    pub notes: String,
}

/// Ends an open pregnancy without a delivery: she leaves the worklists.
#[utoipa::path(post, path = "/api/v1/mch/pregnancies/{pregnancy}/end", tag = "mother-and-child", security(("bearer" = [])),
    params(("pregnancy" = String, Path, description = "the pregnancy's id")),
    request_body = EndPregnancyRequest,
    responses((status = 200, body = PregnancyWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn end_pregnancy(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<EndPregnancyRequest>,
) -> Result<Json<PregnancyWire>, ApiError> {
    let input = haven_domain::mch::pregnancy::PregnancyEndInput {
        ended_on: &request.ended_on,
        reason: &request.reason,
        notes: &request.notes,
    };
    let app = state.app();
    let caller = caller.caller();
    app.end_pregnancy(&caller, id, request.version, &input, state.today())
        .await
        .map_err(app_error)?;
    let record = app.pregnancy_record(&caller, id).await.map_err(app_error)?;
    Ok(Json(pregnancy_answer(&state, &record)))
}

/// Marking a record entered in error: the version read and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InErrorRequest {
    pub version: i64,
    /// Why, at most 200 characters.
    pub reason: String,
}

async fn mark_in_error(
    state: &AppState,
    caller: &ApiCaller,
    what: haven_app::model::mch::Correctable,
    id: Id,
    request: &InErrorRequest,
) -> Result<StatusCode, ApiError> {
    state
        .app()
        .mark_entered_in_error(
            &caller.caller(),
            what,
            id,
            request.version,
            &request.reason,
            schedule(state)?,
        )
        .await
        .map_err(app_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks an antenatal contact entered in error (and a Td dose given at it).
#[utoipa::path(post, path = "/api/v1/mch/anc-contacts/{anc_contact}/error", tag = "mother-and-child", security(("bearer" = [])),
    params(("anc_contact" = String, Path, description = "the contact's id")),
    request_body = InErrorRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn anc_contact_in_error(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<InErrorRequest>,
) -> Result<StatusCode, ApiError> {
    use haven_app::model::mch::Correctable;
    mark_in_error(&state, &caller, Correctable::AncContact, id, &request).await
}

/// Marks a postnatal contact entered in error.
#[utoipa::path(post, path = "/api/v1/mch/pnc-contacts/{pnc_contact}/error", tag = "mother-and-child", security(("bearer" = [])),
    params(("pnc_contact" = String, Path, description = "the contact's id")),
    request_body = InErrorRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn pnc_contact_in_error(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<InErrorRequest>,
) -> Result<StatusCode, ApiError> {
    use haven_app::model::mch::Correctable;
    mark_in_error(&state, &caller, Correctable::PncContact, id, &request).await
}

/// Marks a family planning visit entered in error.
#[utoipa::path(post, path = "/api/v1/mch/fp-visits/{fp_visit}/error", tag = "mother-and-child", security(("bearer" = [])),
    params(("fp_visit" = String, Path, description = "the visit's id")),
    request_body = InErrorRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn fp_visit_in_error(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<InErrorRequest>,
) -> Result<StatusCode, ApiError> {
    use haven_app::model::mch::Correctable;
    mark_in_error(&state, &caller, Correctable::FpVisit, id, &request).await
}
