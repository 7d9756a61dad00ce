//! Outpatient pages: the clinic's facilities, a facility's queue, checking a person
//! in, the visit (triage with vital signs, notes, ICD-10 diagnoses, lab orders,
//! prescriptions, referral, outcome), the ICD-10 search, and the referral letter.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use haven_app::clinic::EncounterRecords;
use haven_app::model::clinic::{Encounter, Viewer, Visit};
use haven_app::model::{Facility, Id, Person};
use haven_app::{AppError, FieldError};
use haven_domain::clinic::icd10::{self, Icd10Code};
use haven_domain::clinic::lab::catalogue;
use haven_domain::clinic::medicines::{Frequency, Prescription, PrescriptionInput, Route};
use haven_domain::clinic::vitals::{warning_key, Vitals, VitalsInput};
use haven_domain::clinic::{
    Certainty, ClinicError, DiagnosisDetails, QueueState, ReferralDetails, Urgency, VisitNotes,
    VisitNotesInput, VisitOutcome, VisitType,
};
use haven_domain::{Action, Kind};
use serde::Deserialize;

use super::{
    facility_name, field, flag_label, form_errors, form_id, medicine_label, medicine_options,
    medicine_unit, options, orderable_tests, patient_header, start_of_today, stay_error,
    test_name_of, token_of, version_of, when, FormState, PatientHeader,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

type Pairs = Vec<(String, String)>;

/// Answers a page with a status other than 200.
pub(super) fn with_status(
    page: &impl Template,
    status: axum::http::StatusCode,
) -> Result<Response, WebError> {
    let mut response = render(page)?;
    *response.status_mut() = status;
    Ok(no_store(response))
}

/// A facility of a list: id, name, and a count to show beside it.
pub struct FacilityRow {
    pub id: String,
    pub name: String,
    pub waiting: i64,
}

#[derive(Template)]
#[template(path = "clinic_home.html")]
struct HomePage {
    layout: Layout,
    facilities: Vec<FacilityRow>,
    can_clinical: bool,
}

/// The clinic's facilities in the reader's reach, with how many wait in each queue.
pub async fn home(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    let facilities = state
        .app()
        .clinic_home(&auth.caller(), start_of_today(&state))
        .await?
        .into_iter()
        .map(|(f, waiting)| FacilityRow {
            id: f.id.to_string(),
            name: facility_name(auth.tr(), &f),
            waiting,
        })
        .collect();
    let page = HomePage {
        layout: Layout::new(&auth.visitor, "clinic-title"),
        facilities,
        can_clinical: auth.me.can(Action::Read, Kind::Clinical),
    };
    render(&page).map(no_store)
}

/// A visit in the queue, ready to show.
pub struct QueueView {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub sex: String,
    pub age: String,
    pub visit_type: String,
    pub state: String,
    pub state_code: String,
    pub checked_in: String,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "clinic_queue.html")]
struct QueuePage {
    layout: Layout,
    facility_id: String,
    facility: String,
    rows: Vec<QueueView>,
    can_clinical: bool,
    can_call_in: bool,
}

pub async fn queue(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(facility): Ids<Id>,
) -> Result<Response, WebError> {
    let (facility, rows) = state
        .app()
        .facility_queue(&auth.caller(), facility, start_of_today(&state))
        .await?;
    let tr = auth.tr();
    let today = state.today();
    let rows = rows
        .into_iter()
        .map(|row| QueueView {
            id: row.id.to_string(),
            person_id: row.person_id.to_string(),
            name: row.display_name(),
            sex: haven_domain::person::Sex::parse(&row.sex)
                .map(|s| tr.t(&s.label_key()))
                .unwrap_or_default(),
            age: tr.t1(
                "person-age-years",
                "years",
                haven_domain::person::age_in_years(row.birth_date, today),
            ),
            visit_type: VisitType::parse(&row.visit_type)
                .map(|t| tr.t(&t.label_key()))
                .unwrap_or_default(),
            state: QueueState::parse(&row.queue_state)
                .map(|s| tr.t(&s.label_key()))
                .unwrap_or_default(),
            state_code: row.queue_state.clone(),
            checked_in: when(&state, &row.checked_in_at),
            version: row.version,
        })
        .collect();
    let page = QueuePage {
        layout: Layout::new(&auth.visitor, "clinic-queue-title"),
        facility_id: facility.id.to_string(),
        facility: facility_name(tr, &facility),
        rows,
        can_clinical: auth.me.can(Action::Read, Kind::Clinical),
        can_call_in: auth.me.can(Action::Write, Kind::Clinical),
    };
    render(&page).map(no_store)
}

#[derive(Template)]
#[template(path = "clinic_check_in.html")]
struct CheckInPage {
    layout: Layout,
    patient: PatientHeader,
    form: FormState,
    facilities: Vec<(String, String)>,
    visit_types: Vec<(&'static str, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PersonQuery {
    #[serde(default)]
    person: String,
}

async fn check_in_page_with(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
    facilities: &[Facility],
    form: FormState,
) -> Result<CheckInPage, WebError> {
    let tr = auth.tr();
    Ok(CheckInPage {
        layout: Layout::new(&auth.visitor, "clinic-check-in-title"),
        patient: patient_header(state, auth, person).await?,
        form,
        facilities: facilities
            .iter()
            .map(|f| (f.id.to_string(), facility_name(tr, f)))
            .collect(),
        visit_types: options(tr, VisitType::ALL, VisitType::code, VisitType::label_key),
    })
}

pub async fn check_in_page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<PersonQuery>,
) -> Result<Response, WebError> {
    let (person, facilities) = state
        .app()
        .check_in_choices(&auth.caller(), form_id(&query.person))
        .await?;
    let mut form = FormState::new().with("visit_type", "general");
    if let Some(facility) = person.registered_facility_id {
        form = form.with("facility", facility.to_string());
    }
    let page = check_in_page_with(&state, &auth, &person, &facilities, form).await?;
    render(&page).map(no_store)
}

pub async fn check_in(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let (person, facilities) = state
        .app()
        .check_in_choices(&caller, form_id(field(&pairs, "person")))
        .await?;
    let tr = auth.tr();
    let facility = field(&pairs, "facility").parse::<Id>().ok();
    let mut errors = Vec::new();
    match (VisitType::parse(field(&pairs, "visit_type")), facility) {
        (Some(visit_type), Some(facility)) => {
            match state
                .app()
                .check_in(
                    &caller,
                    person.id,
                    facility,
                    visit_type,
                    state.today(),
                    token_of(&pairs).as_ref(),
                )
                .await
            {
                Ok(_) => return Ok(see_other(&format!("/clinic/facilities/{facility}/queue"))),
                // A facility out of reach is, to this form, one not offered.
                Err(AppError::NotFound { entity: "facility" } | AppError::ScopeBeyondYours) => {
                    errors.push(FieldError {
                        field: "facility",
                        code: ClinicError::ChooseOption.code(),
                    })
                }
                Err(other) => errors = form_errors(other)?,
            }
        }
        (visit_type, facility) => {
            if visit_type.is_none() {
                errors.push(FieldError {
                    field: "visit_type",
                    code: ClinicError::ChooseOption.code(),
                });
            }
            // Said at once with the other field: the facility is not one offered.
            if !facility.is_some_and(|id| facilities.iter().any(|f| f.id == id)) {
                errors.push(FieldError {
                    field: "facility",
                    code: ClinicError::ChooseOption.code(),
                });
            }
        }
    }
    let form = FormState::sent(&pairs).refuse_fields(tr, &errors);
    let page = check_in_page_with(&state, &auth, &person, &facilities, form).await?;
    with_status(&page, FORM_ERROR)
}

// ---------------------------------------------------------------------------
// What a visit or a stay shows: vitals, diagnoses, lab orders, prescriptions.

pub struct VitalsView {
    pub when: String,
    pub temperature: String,
    pub pulse: String,
    pub respiratory_rate: String,
    pub blood_pressure: String,
    pub spo2: String,
    pub weight: String,
    pub height: String,
    pub muac: String,
    pub warnings: Vec<String>,
}

pub struct DiagnosisView {
    pub id: String,
    pub code: String,
    pub title: String,
    pub certainty: String,
    pub note: String,
    pub version: i64,
}

pub struct ResultView {
    pub name: String,
    pub value: String,
    pub unit: String,
    pub range: String,
    pub flag_class: String,
    pub flag: String,
}

pub struct OrderView {
    pub id: String,
    pub test: String,
    pub state: String,
    pub flag_class: String,
    pub flag: String,
    pub ordered: String,
    pub results: Vec<ResultView>,
}

pub struct PrescriptionView {
    pub id: String,
    pub medicine: String,
    pub dose: String,
    pub route: String,
    pub frequency: String,
    pub duration: String,
    pub quantity: String,
    pub dispensed: String,
    pub fully_dispensed: bool,
}

/// Everything an encounter's page lists.
#[derive(Default)]
pub struct EncounterViews {
    pub vitals: Vec<VitalsView>,
    pub diagnoses: Vec<DiagnosisView>,
    pub orders: Vec<OrderView>,
    pub prescriptions: Vec<PrescriptionView>,
}

fn number(value: Option<f64>, decimals: usize) -> String {
    value.map(|v| format!("{v:.decimals$}")).unwrap_or_default()
}

fn whole(value: Option<i64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

pub fn vitals_view(
    state: &AppState,
    tr: &Tr,
    v: &haven_app::model::clinic::VitalSigns,
) -> VitalsView {
    VitalsView {
        when: when(state, &v.taken_at),
        temperature: number(v.temperature_c, 1),
        pulse: whole(v.pulse),
        respiratory_rate: whole(v.respiratory_rate),
        blood_pressure: match (v.systolic, v.diastolic) {
            (Some(s), Some(d)) => format!("{s}/{d}"),
            _ => String::new(),
        },
        spo2: whole(v.spo2),
        weight: number(v.weight_kg, 1),
        height: number(v.height_cm, 1),
        muac: whole(v.muac_mm),
        warnings: v.warned().iter().map(|f| tr.t(&warning_key(f))).collect(),
    }
}

/// A result's value in words: a number with its decimals, or the answer's name.
pub fn result_value(
    tr: &Tr,
    test_code: &str,
    result: &haven_app::model::clinic::LabResult,
) -> (String, String) {
    let component = catalogue().test(test_code).and_then(|t| {
        t.components()
            .iter()
            .find(|c| c.code() == result.component_code)
    });
    let name = component
        .map(|c| {
            if tr.language() == haven_domain::Language::Khmer {
                c.name_km().to_owned()
            } else {
                c.name_en().to_owned()
            }
        })
        .unwrap_or_else(|| result.component_code.clone());
    let value = match (result.value_number, component) {
        (Some(n), Some(c)) => c.format_number(n),
        (Some(n), None) => n.to_string(),
        (None, Some(c)) => c
            .choice(&result.value_code)
            .map(|choice| {
                if tr.language() == haven_domain::Language::Khmer {
                    choice.name_km().to_owned()
                } else {
                    choice.name_en().to_owned()
                }
            })
            .unwrap_or_else(|| result.value_code.clone()),
        (None, None) => result.value_code.clone(),
    };
    (name, value)
}

pub fn result_views(
    tr: &Tr,
    order: &haven_app::model::clinic::LabOrder,
    results: &[haven_app::model::clinic::LabResult],
) -> Vec<ResultView> {
    results
        .iter()
        .filter(|r| r.order_id == order.id)
        .map(|r| {
            let (name, value) = result_value(tr, &order.test_code, r);
            let (flag_class, flag) = flag_label(tr, &r.flag);
            ResultView {
                name,
                value,
                unit: r.unit.clone(),
                range: match (r.range_low, r.range_high) {
                    (Some(l), Some(h)) => format!("{l}–{h}"),
                    _ => String::new(),
                },
                flag_class,
                flag,
            }
        })
        .collect()
}

pub fn prescription_view(
    tr: &Tr,
    p: &haven_app::model::clinic::PrescriptionRow,
) -> PrescriptionView {
    let unit = medicine_unit(tr, &p.medicine_code);
    PrescriptionView {
        id: p.id.to_string(),
        medicine: medicine_label(tr, &p.medicine_code),
        dose: p.dose.clone(),
        route: Route::parse(&p.route)
            .map(|r| tr.t(&r.label_key()))
            .unwrap_or_default(),
        frequency: Frequency::parse(&p.frequency)
            .map(|f| tr.t(&f.label_key()))
            .unwrap_or_default(),
        duration: p
            .duration_days
            .map(|d| tr.t1("clinic-days", "days", d))
            .unwrap_or_default(),
        quantity: format!("{} {unit}", p.quantity),
        dispensed: format!("{} {unit}", p.dispensed),
        fully_dispensed: p.dispensed >= p.quantity,
    }
}

/// What an encounter's page shows of its records.
pub fn encounter_views(state: &AppState, tr: &Tr, records: &EncounterRecords) -> EncounterViews {
    let vitals = records
        .vitals
        .iter()
        .rev()
        .map(|v| vitals_view(state, tr, v))
        .collect();
    let diagnoses = records
        .diagnoses
        .iter()
        .cloned()
        .map(|d| DiagnosisView {
            id: d.id.to_string(),
            title: Icd10Code::parse(&d.icd10_code)
                .map(|c| c.title().to_owned())
                .unwrap_or_default(),
            code: d.icd10_code,
            certainty: Certainty::parse(&d.certainty)
                .map(|c| tr.t(&c.label_key()))
                .unwrap_or_default(),
            note: d.note,
            version: d.version,
        })
        .collect();
    let results = &records.results;
    let orders = records
        .orders
        .iter()
        .map(|o| {
            let (flag_class, flag) = flag_label(tr, &o.flag);
            OrderView {
                id: o.id.to_string(),
                test: test_name_of(tr, &o.test_code),
                state: tr.t(&o.state().label_key()),
                flag_class,
                flag,
                ordered: when(state, &o.ordered_at),
                results: result_views(tr, o, results),
            }
        })
        .collect();
    let prescriptions = records
        .prescriptions
        .iter()
        .map(|p| prescription_view(tr, p))
        .collect();
    EncounterViews {
        vitals,
        diagnoses,
        orders,
        prescriptions,
    }
}

/// The forms of an encounter's page.
#[derive(Clone, Debug)]
pub struct EncounterForms {
    pub vitals: FormState,
    pub diagnosis: FormState,
    pub lab: FormState,
    pub prescription: FormState,
    /// Codes found for the words typed in the diagnosis field.
    pub icd10_choices: Vec<(String, String)>,
}

impl Default for EncounterForms {
    fn default() -> Self {
        EncounterForms {
            vitals: FormState::new(),
            diagnosis: FormState::new().with("certainty", "provisional"),
            lab: FormState::new(),
            prescription: FormState::new().with("route", "oral"),
            icd10_choices: Vec::new(),
        }
    }
}

/// The choices of the encounter forms' selects.
pub struct Choices {
    pub tests: Vec<(&'static str, String)>,
    pub medicines: Vec<(&'static str, String)>,
    pub routes: Vec<(&'static str, String)>,
    pub frequencies: Vec<(&'static str, String)>,
    pub certainties: Vec<(&'static str, String)>,
}

impl Choices {
    pub fn new(tr: &Tr, hiv: bool) -> Choices {
        Choices {
            tests: orderable_tests(tr, hiv),
            medicines: medicine_options(tr),
            routes: options(tr, Route::ALL, Route::code, Route::label_key),
            frequencies: options(tr, Frequency::ALL, Frequency::code, Frequency::label_key),
            certainties: options(tr, Certainty::ALL, Certainty::code, Certainty::label_key),
        }
    }
}

// ---------------------------------------------------------------------------
// The visit page

pub struct ReferralView {
    pub id: String,
    pub to: String,
    pub urgency: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "clinic_visit.html")]
struct VisitPage {
    layout: Layout,
    patient: PatientHeader,
    visit: Visit,
    action: String,
    facility: String,
    visit_type: String,
    state: String,
    checked_in: String,
    views: EncounterViews,
    referrals: Vec<ReferralView>,
    notes: FormState,
    referral: FormState,
    forms: EncounterForms,
    choices: Choices,
    outcomes: Vec<(&'static str, String)>,
    urgencies: Vec<(&'static str, String)>,
    facilities: Vec<(String, String)>,
    can_write: bool,
    can_admit: bool,
    can_chart: bool,
    waiting: bool,
    growth: Option<crate::pages::growth::VisitGrowth>,
    mch: Option<MchLinks>,
}

/// The mother-and-child records a visit's patient has, for links from the visit:
/// her open pregnancy (or registering one), her family planning, a child's
/// immunisation card and growth record.
pub struct MchLinks {
    pub person_id: String,
    pub pregnancy: Option<String>,
    pub may_register_pregnancy: bool,
    pub family_planning: bool,
    pub child: bool,
}

/// A visit the reader may record on (clinical WRITE reach), or 404 / 403.
pub(super) async fn visit_to_write(
    state: &AppState,
    auth: &Authenticated,
    id: Id,
) -> Result<(Visit, Viewer), WebError> {
    Ok(state.app().visit_to_write(&auth.caller(), id).await?)
}

fn notes_form(visit: &Visit) -> FormState {
    FormState::new()
        .with("complaint", visit.complaint.clone())
        .with("history", visit.history.clone())
        .with("examination", visit.examination.clone())
        .with("plan", visit.plan.clone())
        .with(
            "follow_up_on",
            visit
                .follow_up_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        )
        .with("outcome", visit.outcome.clone())
        .with("version", visit.version.to_string())
}

async fn visit_page(
    state: &AppState,
    auth: &Authenticated,
    visit: Visit,
    viewer: &Viewer,
    notes: Option<FormState>,
    referral: Option<FormState>,
    forms: EncounterForms,
) -> Result<VisitPage, WebError> {
    let tr = auth.tr();
    let caller = auth.caller();
    let records = state
        .app()
        .encounter_records(&caller, Encounter::Visit(visit.id))
        .await?;
    let (person, facility) = (&records.person, &records.facility);
    let referrals = records
        .referrals
        .iter()
        .map(|r| ReferralView {
            id: r.id.to_string(),
            to: match r.to_facility_id {
                Some(_) => records
                    .destination(r)
                    .map(|f| facility_name(tr, f))
                    .unwrap_or_default(),
                None => r.to_partner.clone(),
            },
            urgency: Urgency::parse(&r.urgency)
                .map(|u| tr.t(&u.label_key()))
                .unwrap_or_default(),
            reason: r.reason.clone(),
        })
        .collect();
    let facilities = state
        .app()
        .referral_destinations(&caller, visit.facility_id)
        .await?
        .iter()
        .map(|f| (f.id.to_string(), facility_name(tr, f)))
        .collect();
    let mother_and_child = VisitType::parse(&visit.visit_type) == Some(VisitType::MotherAndChild);
    let growth =
        crate::pages::growth::visit_growth(state, auth, person, &visit, mother_and_child).await?;
    let mch = if mother_and_child || growth.is_some() {
        let years = haven_domain::person::age_in_years(person.birth_date, state.today());
        let woman = person.sex() == haven_domain::person::Sex::Female && (10..=55).contains(&years);
        let pregnancy = if woman {
            state
                .app()
                .clinic_open_pregnancy(&caller, person.id)
                .await?
                .map(|p| p.to_string())
        } else {
            None
        };
        Some(MchLinks {
            person_id: person.id.to_string(),
            may_register_pregnancy: woman
                && pregnancy.is_none()
                && auth.me.can(Action::Write, Kind::Clinical),
            pregnancy,
            family_planning: woman,
            child: years < 19,
        })
    } else {
        None
    };
    Ok(VisitPage {
        growth,
        mch,
        layout: Layout::new(&auth.visitor, "clinic-visit-title"),
        patient: patient_header(state, auth, person).await?,
        action: format!("/clinic/visits/{}", visit.id),
        facility: facility_name(tr, facility),
        visit_type: VisitType::parse(&visit.visit_type)
            .map(|t| tr.t(&t.label_key()))
            .unwrap_or_default(),
        state: tr.t(&visit.queue_state().label_key()),
        checked_in: when(state, &visit.checked_in_at),
        views: encounter_views(state, tr, &records),
        referrals,
        notes: notes.unwrap_or_else(|| notes_form(&visit)),
        referral: referral.unwrap_or_else(|| FormState::new().with("urgency", "routine")),
        forms,
        choices: Choices::new(tr, viewer.hiv),
        outcomes: options(
            tr,
            VisitOutcome::ALL,
            VisitOutcome::code,
            VisitOutcome::label_key,
        ),
        urgencies: options(tr, Urgency::ALL, Urgency::code, Urgency::label_key),
        facilities,
        can_write: auth.me.can(Action::Write, Kind::Clinical),
        can_admit: auth.me.can(Action::Write, Kind::Clinical),
        can_chart: auth.me.can(Action::Read, Kind::Clinical),
        waiting: visit.queue_state() == QueueState::Waiting,
        visit,
    })
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(visit): Ids<Id>,
) -> Result<Response, WebError> {
    let (visit, viewer) = state.app().read_visit(&auth.caller(), visit).await?;
    let page = visit_page(
        &state,
        &auth,
        visit,
        &viewer,
        None,
        None,
        EncounterForms::default(),
    )
    .await?;
    render(&page).map(no_store)
}

pub async fn call_in(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(visit): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    match state
        .app()
        .call_in(&auth.caller(), visit, version_of(&pairs))
        .await
    {
        // Called in by someone else a moment ago: the visit page is where to be anyway.
        Ok(_) | Err(AppError::Conflict { .. }) => Ok(see_other(&format!("/clinic/visits/{visit}"))),
        Err(other) => Err(other.into()),
    }
}

pub async fn save_notes(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(visit): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (visit, viewer) = visit_to_write(&state, &auth, visit).await?;
    let tr = auth.tr();
    let parsed = VisitNotes::parse(
        &VisitNotesInput {
            complaint: field(&pairs, "complaint"),
            history: field(&pairs, "history"),
            examination: field(&pairs, "examination"),
            plan: field(&pairs, "plan"),
            follow_up_on: field(&pairs, "follow_up_on"),
            outcome: field(&pairs, "outcome"),
        },
        state.today(),
    );
    let (form, status) = match parsed {
        Ok(notes) => match state
            .app()
            .save_visit_notes(&auth.caller(), visit.id, version_of(&pairs), &notes)
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/clinic/visits/{}?saved=1", visit.id))),
            Err(AppError::Conflict { .. }) => {
                let mut form = FormState::sent(&pairs);
                form.notice = Some(tr.t("error-conflict"));
                (form, axum::http::StatusCode::CONFLICT)
            }
            Err(other) => return Err(other.into()),
        },
        Err(errors) => (FormState::sent(&pairs).refuse(tr, &errors), FORM_ERROR),
    };
    let (visit, _) = state.app().visit_to_read(&auth.caller(), visit.id).await?;
    let mut form = form;
    if status == axum::http::StatusCode::CONFLICT {
        // Keep what was typed, with the version now current so it can be saved again.
        form = form.with("version", visit.version.to_string());
    }
    let page = visit_page(
        &state,
        &auth,
        visit,
        &viewer,
        Some(form),
        None,
        EncounterForms::default(),
    )
    .await?;
    with_status(&page, status)
}

/// Vital signs as typed on a form.
pub fn vitals_input(pairs: &[(String, String)]) -> VitalsInput<'_> {
    VitalsInput {
        temperature: field(pairs, "temperature"),
        pulse: field(pairs, "pulse"),
        respiratory_rate: field(pairs, "respiratory_rate"),
        systolic: field(pairs, "systolic"),
        diastolic: field(pairs, "diastolic"),
        spo2: field(pairs, "spo2"),
        weight: field(pairs, "weight"),
        height: field(pairs, "height"),
        muac: field(pairs, "muac"),
    }
}

/// What an encounter form's POST led to: done (go back to the page), or the page
/// again with this form's input and messages.
pub enum Outcome {
    Done,
    Refused(Box<EncounterForms>),
}

pub async fn vitals_for(
    state: &AppState,
    auth: &Authenticated,
    encounter: Encounter,
    pairs: &Pairs,
) -> Result<Outcome, WebError> {
    match Vitals::parse(&vitals_input(pairs)) {
        Ok(vitals) => {
            state
                .app()
                .record_vitals(&auth.caller(), encounter, &vitals, token_of(pairs).as_ref())
                .await
                .map_err(stay_error)?;
            Ok(Outcome::Done)
        }
        Err(errors) => Ok(Outcome::Refused(Box::new(EncounterForms {
            vitals: FormState::sent(pairs).refuse(auth.tr(), &errors),
            ..EncounterForms::default()
        }))),
    }
}

/// A diagnosis from the form: the code picked among search results, or typed. Words
/// that are not a code come back with the codes they find, to pick one.
pub async fn diagnosis_for(
    state: &AppState,
    auth: &Authenticated,
    encounter: Encounter,
    pairs: &Pairs,
) -> Result<Outcome, WebError> {
    let picked = field(pairs, "icd10_pick");
    let typed = if picked.is_empty() {
        field(pairs, "icd10")
    } else {
        picked
    };
    match DiagnosisDetails::parse(typed, field(pairs, "certainty"), field(pairs, "note")) {
        Ok(diagnosis) => {
            state
                .app()
                .add_diagnosis(
                    &auth.caller(),
                    encounter,
                    &diagnosis,
                    token_of(pairs).as_ref(),
                )
                .await
                .map_err(stay_error)?;
            Ok(Outcome::Done)
        }
        Err(errors) => {
            let icd10_choices = icd10::search(typed, 15)
                .into_iter()
                .map(|c| (c.code().to_owned(), c.title().to_owned()))
                .collect();
            Ok(Outcome::Refused(Box::new(EncounterForms {
                diagnosis: FormState::sent(pairs).refuse(auth.tr(), &errors),
                icd10_choices,
                ..EncounterForms::default()
            })))
        }
    }
}

/// Orders a test; haven-app refuses a test not of the catalogue, or of the HIV
/// class for one who may not read its result, and a note too long.
pub async fn order_for(
    state: &AppState,
    auth: &Authenticated,
    encounter: Encounter,
    pairs: &Pairs,
) -> Result<Outcome, WebError> {
    match state
        .app()
        .order_lab_test(
            &auth.caller(),
            encounter,
            field(pairs, "test"),
            field(pairs, "clinical_note"),
            token_of(pairs).as_ref(),
        )
        .await
    {
        Ok(_) => Ok(Outcome::Done),
        Err(AppError::Invalid(errors)) => Ok(Outcome::Refused(Box::new(EncounterForms {
            lab: FormState::sent(pairs).refuse_fields(auth.tr(), &errors),
            ..EncounterForms::default()
        }))),
        Err(other) => Err(stay_error(other)),
    }
}

pub async fn prescription_for(
    state: &AppState,
    auth: &Authenticated,
    encounter: Encounter,
    pairs: &Pairs,
) -> Result<Outcome, WebError> {
    let parsed = Prescription::parse(&PrescriptionInput {
        medicine: field(pairs, "medicine"),
        dose: field(pairs, "dose"),
        route: field(pairs, "route"),
        frequency: field(pairs, "frequency"),
        duration_days: field(pairs, "duration_days"),
        quantity: field(pairs, "quantity"),
        instructions: field(pairs, "instructions"),
    });
    match parsed {
        Ok(prescription) => {
            state
                .app()
                .prescribe(
                    &auth.caller(),
                    encounter,
                    &prescription,
                    token_of(pairs).as_ref(),
                )
                .await
                .map_err(stay_error)?;
            Ok(Outcome::Done)
        }
        Err(errors) => Ok(Outcome::Refused(Box::new(EncounterForms {
            prescription: FormState::sent(pairs).refuse(auth.tr(), &errors),
            ..EncounterForms::default()
        }))),
    }
}

async fn visit_outcome(
    state: &AppState,
    auth: &Authenticated,
    visit: Visit,
    viewer: &Viewer,
    outcome: Outcome,
    anchor: &str,
) -> Result<Response, WebError> {
    match outcome {
        Outcome::Done => Ok(see_other(&format!("/clinic/visits/{}#{anchor}", visit.id))),
        Outcome::Refused(forms) => {
            let page = visit_page(state, auth, visit, viewer, None, None, *forms).await?;
            with_status(&page, FORM_ERROR)
        }
    }
}

pub async fn add_vitals(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(visit): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (visit, viewer) = visit_to_write(&state, &auth, visit).await?;
    let outcome = vitals_for(&state, &auth, Encounter::Visit(visit.id), &pairs).await?;
    visit_outcome(&state, &auth, visit, &viewer, outcome, "vitals").await
}

pub async fn add_diagnosis(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(visit): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (visit, viewer) = visit_to_write(&state, &auth, visit).await?;
    let outcome = diagnosis_for(&state, &auth, Encounter::Visit(visit.id), &pairs).await?;
    visit_outcome(&state, &auth, visit, &viewer, outcome, "diagnoses").await
}

/// Marks a diagnosis entered in error (a wrong code picked), from the visit or stay
/// it was made at; back there, where it no longer shows. A second click finds it
/// marked already and goes back too.
pub async fn diagnosis_in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(diagnosis): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let marked = state
        .app()
        .mark_diagnosis_in_error(&auth.caller(), diagnosis, version_of(&pairs))
        .await?;
    // Marked already (or a stale version): back there too, where it no longer shows.
    let diagnosis = marked.diagnosis;
    let back = match (diagnosis.visit_id, diagnosis.stay_id) {
        (Some(v), _) => format!("/clinic/visits/{v}#diagnoses"),
        (_, Some(s)) => format!("/clinic/stays/{s}#diagnoses"),
        _ => format!("/people/{}/chart", diagnosis.person_id),
    };
    Ok(see_other(&back))
}

pub async fn order_test(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(visit): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (visit, viewer) = visit_to_write(&state, &auth, visit).await?;
    let outcome = order_for(&state, &auth, Encounter::Visit(visit.id), &pairs).await?;
    visit_outcome(&state, &auth, visit, &viewer, outcome, "lab").await
}

pub async fn prescribe(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(visit): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (visit, viewer) = visit_to_write(&state, &auth, visit).await?;
    let outcome = prescription_for(&state, &auth, Encounter::Visit(visit.id), &pairs).await?;
    visit_outcome(&state, &auth, visit, &viewer, outcome, "prescriptions").await
}

pub async fn refer(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(visit): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (visit, viewer) = visit_to_write(&state, &auth, visit).await?;
    let tr = auth.tr();
    let to_facility_raw = field(&pairs, "to_facility");
    let mut extra = Vec::new();
    let to_facility = if to_facility_raw.trim().is_empty() {
        None
    } else {
        match to_facility_raw.parse::<Id>().ok() {
            Some(id) => match state
                .app()
                .check_referral_destination(&auth.caller(), id)
                .await
            {
                Ok(()) => Some(id),
                Err(error) => {
                    extra.extend(form_errors(error)?);
                    None
                }
            },
            None => {
                extra.push(FieldError {
                    field: "to_facility",
                    code: ClinicError::ChooseOption.code(),
                });
                None
            }
        }
    };
    let parsed = ReferralDetails::parse(
        to_facility_raw,
        field(&pairs, "to_partner"),
        field(&pairs, "reason"),
        field(&pairs, "urgency"),
    );
    match (parsed, extra.is_empty()) {
        (Ok(referral), true) => {
            let id = state
                .app()
                .refer(
                    &auth.caller(),
                    visit.id,
                    &referral,
                    to_facility,
                    token_of(&pairs).as_ref(),
                )
                .await?;
            Ok(see_other(&format!("/clinic/referrals/{id}")))
        }
        (parsed, _) => {
            let errors = parsed.err().unwrap_or_default();
            let form = FormState::sent(&pairs)
                .refuse(tr, &errors)
                .refuse_fields(tr, &extra);
            let page = visit_page(
                &state,
                &auth,
                visit,
                &viewer,
                None,
                Some(form),
                EncounterForms::default(),
            )
            .await?;
            with_status(&page, FORM_ERROR)
        }
    }
}

#[derive(Template)]
#[template(path = "clinic_referral.html")]
struct ReferralLetter {
    layout: Layout,
    patient: PatientHeader,
    from: String,
    to: String,
    urgency: String,
    reason: String,
    referred: String,
    referred_by: String,
    visit_id: String,
    complaint: String,
    examination: String,
    diagnoses: Vec<DiagnosisView>,
    vitals: Option<VitalsView>,
    prescriptions: Vec<PrescriptionView>,
}

/// The printable referral letter.
pub async fn referral_letter(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(referral): Ids<Id>,
) -> Result<Response, WebError> {
    let letter = state
        .app()
        .referral_letter(&auth.caller(), referral)
        .await?;
    let tr = auth.tr();
    let referral = &letter.referral;
    let to = match &letter.to {
        Some(facility) => facility_name(tr, facility),
        None => referral.to_partner.clone(),
    };
    let views = encounter_views(&state, tr, &letter.records);
    let (complaint, examination) = match &letter.visit {
        Some(visit) => (visit.complaint.clone(), visit.examination.clone()),
        None => (String::new(), String::new()),
    };
    let page = ReferralLetter {
        layout: Layout::new(&auth.visitor, "clinic-referral-title"),
        patient: patient_header(&state, &auth, &letter.records.person).await?,
        from: facility_name(tr, &letter.records.facility),
        to,
        urgency: Urgency::parse(&referral.urgency)
            .map(|u| tr.t(&u.label_key()))
            .unwrap_or_default(),
        reason: referral.reason.clone(),
        referred: when(&state, &referral.referred_at),
        referred_by: letter.referred_by.clone(),
        visit_id: referral.visit_id.map(|v| v.to_string()).unwrap_or_default(),
        complaint,
        examination,
        vitals: views.vitals.into_iter().next(),
        diagnoses: views.diagnoses,
        prescriptions: views.prescriptions,
    };
    render(&page).map(no_store)
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    icd10: String,
}

#[derive(Template)]
#[template(path = "clinic_icd10.html")]
struct Icd10Page {
    layout: Layout,
    q: String,
    found: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "clinic_icd10_choices.html")]
struct Icd10Choices {
    layout: Layout,
    q: String,
    found: Vec<(String, String)>,
}

/// ICD-10 search by code prefix or words: a fragment of choices for htmx (the
/// diagnosis field asks as one types), or a page of its own without JavaScript.
pub async fn icd10_search(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let q = if query.q.trim().is_empty() {
        query.icd10
    } else {
        query.q
    };
    let found = state
        .app()
        .search_icd10(&auth.caller(), &q, 20)?
        .into_iter()
        .map(|c| (c.code().to_owned(), c.title().to_owned()))
        .collect();
    let layout = Layout::new(&auth.visitor, "clinic-icd10-title");
    if headers.contains_key("hx-request") {
        render(&Icd10Choices { layout, q, found }).map(no_store)
    } else {
        render(&Icd10Page { layout, q, found }).map(no_store)
    }
}
