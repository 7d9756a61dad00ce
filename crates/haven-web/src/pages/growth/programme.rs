//! The malnutrition programme's pages: admitting a child (OTP, stabilisation centre or
//! supplementary feeding, with the admitting indicator), the children in the programme,
//! an admission with its weekly follow-ups and discharge, and the outcome indicators per
//! facility and month against the Sphere thresholds.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use haven_app::growth::NutritionAdmission;
use haven_app::model::growth::{
    Admission, GrowthMeasurement, NewAdmission, NewFollowUp, NewMeasurement,
};
use haven_app::model::{Id, Person};
use haven_app::AppError;
use haven_domain::growth::nutrition::{
    recovered, AppetiteTest, DischargeOutcome, FollowUpValues, Programme, Wasting,
};
use haven_domain::growth::Indicator;
use haven_domain::{Action, Kind};
use serde::Deserialize;
use time::Date;

use super::child::{child_page, parse_facility};
use super::{
    assess, measurement_row, parse_measurement_form, position_options, MeasurementForm,
    MeasurementRow,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::places::{place_name, FieldMessages};
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

fn parse_date(raw: &str, today: Date) -> Option<Date> {
    if raw.trim().is_empty() {
        return Some(today);
    }
    Date::parse(raw.trim(), DATE).ok().filter(|d| *d <= today)
}

#[derive(Debug, Default, Deserialize)]
pub struct AdmitForm {
    #[serde(default)]
    programme: String,
    #[serde(default)]
    admitted_by: String,
    #[serde(default)]
    admitted_on: String,
    #[serde(default)]
    facility: String,
    #[serde(default)]
    complications: Option<String>,
    #[serde(default)]
    appetite_test: String,
}

/// Admits a child to a programme from their growth page, with their latest measurement.
pub async fn admit(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
    Form(form): Form<AdmitForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let person = state
        .app()
        .growth_child(&caller, person, Action::Write)
        .await?;
    let tr = auth.tr().clone();
    let programme = Programme::parse(&form.programme);
    let by = Wasting::parse(&form.admitted_by).filter(|w| *w != Wasting::None);
    let appetite = AppetiteTest::parse(&form.appetite_test);
    let on = parse_date(&form.admitted_on, state.today());
    let facility = parse_facility(&state, &auth, &form.facility).await?;
    let (
        Some(programme),
        Some(admitted_by),
        Some(appetite_test),
        Some(admitted_on),
        Some(facility_id),
    ) = (programme, by, appetite, on, facility)
    else {
        let error = tr.t("growth-admit-incomplete");
        return child_page(
            &state,
            &auth,
            &person,
            MeasurementForm::default(),
            FieldMessages::default(),
            Some(error),
        )
        .await;
    };
    // haven-app admits with the child's latest measurement.
    let new = NewAdmission {
        person_id: person.id,
        facility_id,
        programme,
        admitted_on,
        admitted_by,
        measurement_id: None,
        complications: form.complications.is_some(),
        appetite_test,
    };
    match state.app().admit_to_programme(&caller, &new).await {
        Ok(admission) => Ok(see_other(&format!("/growth/admissions/{}", admission.id))),
        Err(error @ (AppError::Duplicate { .. } | AppError::Invalid(_))) => {
            let error = tr.t(if matches!(error, AppError::Duplicate { .. }) {
                "growth-admit-already"
            } else {
                "growth-admit-incomplete"
            });
            child_page(
                &state,
                &auth,
                &person,
                MeasurementForm::default(),
                FieldMessages::default(),
                Some(error),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ProgrammeQuery {
    #[serde(default)]
    facility: String,
}

/// A child in the programme now.
pub struct OpenRow {
    pub id: String,
    pub name: String,
    pub programme: String,
    pub admitted_on: String,
    pub admitted_by: String,
    pub weeks: i64,
    pub whz: String,
    pub muac: String,
    pub recovered: bool,
}

/// One facility's month of discharges with the Sphere rates.
pub struct OutcomeRow {
    pub facility: String,
    pub month: String,
    pub exits: u32,
    pub cured: String,
    pub cured_ok: bool,
    pub died: String,
    pub died_ok: bool,
    pub defaulted: String,
    pub defaulted_ok: bool,
    pub non_responder: u32,
    pub transferred: u32,
}

#[derive(Template)]
#[template(path = "growth_programme.html")]
struct ProgrammePage {
    layout: Layout,
    facilities: Vec<(String, String)>,
    facility: String,
    /// Whether the reader reads clinical records (sees the children by name).
    clinical: bool,
    open: Vec<OpenRow>,
    outcomes: Vec<OutcomeRow>,
}

/// The follow-up values of an admission's measurements (admission's own included).
fn follow_up_values(record: &NutritionAdmission) -> Vec<FollowUpValues> {
    record
        .admitting
        .iter()
        .chain(record.follow_ups.iter().map(|(_, m)| m))
        .map(|m| values_of(&record.person, m))
        .collect()
}

fn values_of(person: &Person, m: &GrowthMeasurement) -> FollowUpValues {
    let whz = assess(person, m).and_then(|(_, _, a)| a.get(Indicator::WeightForLengthHeight).z());
    FollowUpValues {
        date: m.measured_on,
        whz,
        muac_mm: m.muac_mm,
        oedema: m.oedema,
    }
}

/// The children in the programme at the chosen facility (or every facility in reach), and
/// the outcomes of the last twelve months.
pub async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ProgrammeQuery>,
) -> Result<Response, WebError> {
    // The outcome indicators are figures without names: M&E reads them with Read
    // Report. The children in the programme are for those who read clinical records,
    // and only at the facilities their clinical reach holds (haven-app decides both).
    let caller = auth.caller();
    let app = state.app();
    let tr = auth.tr();
    let all = app.nutrition_outcome_facilities(&caller).await?;
    let facilities: Vec<(String, String)> = all
        .iter()
        .filter(|f| f.closed_at.is_none())
        .map(|f| (f.id.to_string(), place_name(tr, &f.name, &f.name_km)))
        .collect();
    let chosen: Vec<Id> = match query.facility.parse::<Id>() {
        Ok(id) if facilities.iter().any(|(f, _)| *f == id.to_string()) => vec![id],
        _ => facilities
            .iter()
            .filter_map(|(f, _)| f.parse().ok())
            .collect(),
    };
    let (clinical, admissions) = match app.open_nutrition_admissions(&caller, &chosen).await {
        Ok(admissions) => (true, admissions),
        Err(AppError::Forbidden) => (false, Vec::new()),
        Err(other) => return Err(other.into()),
    };
    let now = state.today();
    let mut open = Vec::new();
    for record in admissions {
        let values = follow_up_values(&record);
        let latest = values.iter().max_by_key(|v| v.date);
        let admission = &record.admission;
        open.push(OpenRow {
            id: admission.id.to_string(),
            name: record.person.display_name(),
            programme: admission
                .programme()
                .map(|p| tr.t(&p.label_key()))
                .unwrap_or_default(),
            admitted_on: admission.admitted_on.to_string(),
            admitted_by: tr.t(&admission.admitted_by().label_key()),
            weeks: (now - admission.admitted_on).whole_weeks(),
            whz: latest
                .and_then(|v| v.whz)
                .map(|z| format!("{z:.2}"))
                .unwrap_or_default(),
            muac: latest
                .and_then(|v| v.muac_mm)
                .map(|m| format!("{m:.0}"))
                .unwrap_or_default(),
            recovered: recovered(admission.admitted_by(), &values),
        });
    }
    let from = (now - time::Duration::days(365))
        .replace_day(1)
        .unwrap_or(now);
    let names: Vec<(Id, String)> = all
        .iter()
        .map(|f| (f.id, place_name(tr, &f.name, &f.name_km)))
        .collect();
    let outcomes = app
        .programme_outcomes(&caller, &chosen, from, now)
        .await?
        .into_iter()
        .rev()
        .filter_map(|m| {
            let sphere = m.counts.sphere()?;
            Some(OutcomeRow {
                facility: names
                    .iter()
                    .find(|(id, _)| *id == m.facility_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                month: format!("{}-{:02}", m.month.year(), u8::from(m.month.month())),
                exits: sphere.exits,
                cured: format!("{:.1} %", sphere.cured.percent),
                cured_ok: sphere.cured.meets_standard,
                died: format!("{:.1} %", sphere.died.percent),
                died_ok: sphere.died.meets_standard,
                defaulted: format!("{:.1} %", sphere.defaulted.percent),
                defaulted_ok: sphere.defaulted.meets_standard,
                non_responder: m.counts.non_responder,
                transferred: m.counts.transferred,
            })
        })
        .collect();
    let page = ProgrammePage {
        layout: Layout::new(&auth.visitor, "growth-programme-title"),
        facilities,
        facility: query.facility,
        clinical,
        open,
        outcomes,
    };
    render(&page).map(no_store)
}

/// A follow-up as a row.
pub struct FollowUpRow {
    pub measurement: MeasurementRow,
    pub appetite: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "growth_admission.html")]
struct AdmissionPage {
    layout: Layout,
    admission: Admission,
    person_id: String,
    name: String,
    programme: String,
    admitted_by: String,
    appetite: String,
    outcome: String,
    admitting: Option<MeasurementRow>,
    follow_ups: Vec<FollowUpRow>,
    recovered: bool,
    form: MeasurementForm,
    appetite_test: String,
    messages: FieldMessages,
    discharge_error: Option<String>,
    positions: Vec<(&'static str, String)>,
    appetite_tests: Vec<(&'static str, String)>,
    outcomes: Vec<(&'static str, String)>,
    can_write: bool,
    today: String,
}

/// An admission's page, from its record as haven-app read it (the read audited).
async fn admission_page(
    state: &AppState,
    auth: &Authenticated,
    record: NutritionAdmission,
    form: MeasurementForm,
    appetite_test: String,
    messages: FieldMessages,
    discharge_error: Option<String>,
) -> Result<Response, WebError> {
    let tr: &Tr = auth.tr();
    let values = follow_up_values(&record);
    let NutritionAdmission {
        admission,
        person,
        admitting,
        follow_ups: pairs,
    } = record;
    let admitting = admitting.map(|m| measurement_row(tr, &person, &m));
    let failed = !messages.is_empty() || discharge_error.is_some();
    let page = AdmissionPage {
        layout: Layout::new(&auth.visitor, "growth-admission-title"),
        person_id: person.id.to_string(),
        name: person.display_name(),
        programme: admission
            .programme()
            .map(|p| tr.t(&p.label_key()))
            .unwrap_or_default(),
        admitted_by: tr.t(&admission.admitted_by().label_key()),
        appetite: AppetiteTest::parse(&admission.appetite_test)
            .map(|a| tr.t(&a.label_key()))
            .unwrap_or_default(),
        outcome: admission
            .outcome()
            .map(|o| tr.t(&o.label_key()))
            .unwrap_or_default(),
        admitting,
        follow_ups: pairs
            .iter()
            .map(|(f, m)| FollowUpRow {
                measurement: measurement_row(tr, &person, m),
                appetite: AppetiteTest::parse(&f.appetite_test)
                    .map(|a| tr.t(&a.label_key()))
                    .unwrap_or_default(),
                note: f.note.clone(),
            })
            .collect(),
        recovered: admission.is_open() && recovered(admission.admitted_by(), &values),
        form,
        appetite_test,
        messages,
        discharge_error,
        positions: position_options(tr),
        appetite_tests: AppetiteTest::ALL
            .iter()
            .map(|a| (a.code(), tr.t(&a.label_key())))
            .collect(),
        outcomes: DischargeOutcome::ALL
            .iter()
            .map(|o| (o.code(), tr.t(&o.label_key())))
            .collect(),
        can_write: auth.me.can(Action::Write, Kind::Clinical),
        today: state.today().to_string(),
        admission,
    };
    render(&page).map(|mut r| {
        if failed {
            *r.status_mut() = FORM_ERROR;
        }
        no_store(r)
    })
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(admission): Ids<Id>,
) -> Result<Response, WebError> {
    let record = state
        .app()
        .read_nutrition_admission(&auth.caller(), admission)
        .await?;
    let form = MeasurementForm {
        measured: "lying".into(),
        ..MeasurementForm::default()
    };
    admission_page(
        &state,
        &auth,
        record,
        form,
        "passed".into(),
        FieldMessages::default(),
        None,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct FollowUpForm {
    #[serde(flatten)]
    values: MeasurementForm,
    #[serde(default)]
    appetite_test: String,
}

/// Records a weekly follow-up: its measurement and the appetite test.
pub async fn follow_up(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(admission): Ids<Id>,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let (admission, person) = state
        .app()
        .nutrition_admission_to_write(&caller, admission)
        .await?;
    let tr = auth.tr().clone();
    let parsed = parse_measurement_form(&tr, &form.values, &person, state.today());
    let appetite = AppetiteTest::parse(&form.appetite_test);
    let (Ok((values, measured_on)), Some(appetite_test)) = (parsed.clone(), appetite) else {
        let mut messages = parsed.err().unwrap_or_default();
        if appetite.is_none() {
            messages.set("appetite_test", tr.t("growth-appetite-required"));
        }
        let record = state
            .app()
            .read_nutrition_admission(&caller, admission.id)
            .await?;
        return admission_page(
            &state,
            &auth,
            record,
            form.values,
            form.appetite_test,
            messages,
            None,
        )
        .await;
    };
    let new = NewFollowUp {
        measurement: NewMeasurement {
            person_id: person.id,
            facility_id: Some(admission.facility_id),
            visit_id: None,
            measured_on,
            values,
            note: String::new(),
        },
        appetite_test,
        note: form.values.note.clone(),
    };
    // A discharged admission is a conflict (409).
    state
        .app()
        .record_follow_up(&caller, admission.id, &new)
        .await?;
    Ok(see_other(&format!(
        "/growth/admissions/{}#follow-ups",
        admission.id
    )))
}

#[derive(Debug, Default, Deserialize)]
pub struct DischargeForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    discharged_on: String,
    #[serde(default)]
    note: String,
}

/// Discharges a child with an outcome, naming the version read.
pub async fn discharge(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(admission): Ids<Id>,
    Form(form): Form<DischargeForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let app = state.app();
    let (admission, _) = app.nutrition_admission_to_write(&caller, admission).await?;
    let tr = auth.tr().clone();
    let version: i64 = form
        .version
        .trim()
        .parse()
        .map_err(|_| WebError::Conflict)?;
    let outcome = DischargeOutcome::parse(&form.outcome);
    // Not in the future; haven-app refuses one before the admission.
    let on = parse_date(&form.discharged_on, state.today());
    if let (Some(outcome), Some(on)) = (outcome, on) {
        match app
            .discharge_from_programme(&caller, admission.id, version, on, outcome, &form.note)
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/growth/admissions/{}", admission.id))),
            // One before the admission comes back as an incomplete form does.
            Err(AppError::Invalid(_)) => {}
            Err(other) => return Err(other.into()),
        }
    }
    let error = tr.t("growth-discharge-incomplete");
    let form = MeasurementForm {
        measured: "lying".into(),
        ..MeasurementForm::default()
    };
    let record = app.read_nutrition_admission(&caller, admission.id).await?;
    admission_page(
        &state,
        &auth,
        record,
        form,
        "passed".into(),
        FieldMessages::default(),
        Some(error),
    )
    .await
}
