//! The malnutrition programme's pages: admitting a child (OTP, stabilisation centre or
//! supplementary feeding, with the admitting indicator), the children in the programme,
//! an admission with its weekly follow-ups and discharge, and the outcome indicators per
//! facility and month against the Sphere thresholds.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use haven_domain::growth::nutrition::{
    recovered, AppetiteTest, DischargeOutcome, FollowUpValues, Programme, Wasting,
};
use haven_domain::growth::Indicator;
use haven_domain::{Action, Kind};
use haven_store::growth::{Admission, NewAdmission, NewFollowUp, NewMeasurement};
use haven_store::{Id, Person, StoreError};
use serde::Deserialize;
use time::Date;

use super::child::{child_page, parse_facility};
use super::{
    assess, child_in_reach, clinical_reach, facility_choices, measurement_row,
    parse_measurement_form, position_options, MeasurementForm, MeasurementRow,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::i18n::Tr;
use crate::pages::places::{place_name, today, FieldMessages};
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
    Path(person): Path<String>,
    Form(form): Form<AdmitForm>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Clinical)?;
    let person = child_in_reach(&state, &auth, &person, Action::Write).await?;
    let tr = auth.tr().clone();
    let now = today(&state);
    let programme = Programme::parse(&form.programme);
    let by = Wasting::parse(&form.admitted_by).filter(|w| *w != Wasting::None);
    let appetite = AppetiteTest::parse(&form.appetite_test);
    let on = parse_date(&form.admitted_on, now).filter(|d| *d >= person.birth_date);
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
    let latest = state.store().measurements_of(person.id).await?.pop();
    let new = NewAdmission {
        person_id: person.id,
        facility_id,
        programme,
        admitted_on,
        admitted_by,
        measurement_id: latest.map(|m| m.id),
        complications: form.complications.is_some(),
        appetite_test,
    };
    match state.store().admit_to_programme(&auth.actor(), &new).await {
        Ok(admission) => Ok(see_other(&format!("/growth/admissions/{}", admission.id))),
        Err(StoreError::Duplicate { .. }) => {
            let error = tr.t("growth-admit-already");
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
async fn follow_up_values(
    state: &AppState,
    person: &Person,
    admission: &Admission,
) -> Result<
    (
        Vec<FollowUpValues>,
        Vec<(
            haven_store::growth::FollowUp,
            haven_store::growth::GrowthMeasurement,
        )>,
    ),
    WebError,
> {
    let store = state.store();
    let mut values = Vec::new();
    let mut pairs = Vec::new();
    if let Some(id) = admission.measurement_id {
        if let Ok(m) = store.measurement(id).await {
            values.push(values_of(person, &m));
        }
    }
    for f in store.follow_ups_of(admission.id).await? {
        let m = store.measurement(f.measurement_id).await?;
        values.push(values_of(person, &m));
        pairs.push((f, m));
    }
    Ok((values, pairs))
}

fn values_of(person: &Person, m: &haven_store::growth::GrowthMeasurement) -> FollowUpValues {
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
    // and only at the facilities their clinical reach holds.
    let clinical = auth.me.can(Action::Read, Kind::Clinical);
    if !clinical {
        auth.require(Action::Read, Kind::Report)?;
    }
    let tr = auth.tr();
    let store = state.store();
    let facilities = if clinical && !auth.me.can(Action::Read, Kind::Report) {
        facility_choices(&state, &auth, Action::Read).await?
    } else {
        let reach = crate::pages::mch::reach_for(
            store,
            &auth,
            Action::Read,
            &[Kind::Clinical, Kind::Report],
        )
        .await?;
        store
            .facilities()
            .await?
            .into_iter()
            .filter(|f| f.closed_at.is_none() && reach.holds(Some(f.id)))
            .map(|f| (f.id.to_string(), place_name(tr, &f.name, &f.name_km)))
            .collect()
    };
    let chosen: Vec<Id> = match query.facility.parse::<Id>() {
        Ok(id) if facilities.iter().any(|(f, _)| *f == id.to_string()) => vec![id],
        _ => facilities
            .iter()
            .filter_map(|(f, _)| f.parse().ok())
            .collect(),
    };
    let named: Vec<Id> = if clinical {
        let reach = clinical_reach(&state, &auth.me.roles, Action::Read).await?;
        chosen
            .iter()
            .copied()
            .filter(|id| reach.holds(Some(*id)))
            .collect()
    } else {
        Vec::new()
    };
    let now = today(&state);
    let mut open = Vec::new();
    for admission in store.open_admissions(&named).await? {
        let person = store.person(admission.person_id).await?;
        let (values, _) = follow_up_values(&state, &person, &admission).await?;
        let latest = values.iter().max_by_key(|v| v.date);
        open.push(OpenRow {
            id: admission.id.to_string(),
            name: person.display_name(),
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
    let names: Vec<(Id, String)> = store
        .facilities()
        .await?
        .into_iter()
        .map(|f| (f.id, place_name(tr, &f.name, &f.name_km)))
        .collect();
    let outcomes = store
        .programme_outcomes(&chosen, from, now)
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

/// An admission out of the reader's reach does not exist for them.
async fn admission_in_reach(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
    action: Action,
) -> Result<(Admission, Person), WebError> {
    let id: Id = raw.parse().map_err(|_| WebError::NotFound)?;
    let admission = state.store().nutrition_admission(id).await?;
    let reach = clinical_reach(state, &auth.me.roles, action).await?;
    if !reach.holds(Some(admission.facility_id)) {
        return Err(WebError::NotFound);
    }
    let person = child_in_reach(state, auth, &admission.person_id.to_string(), action).await?;
    Ok((admission, person))
}

#[allow(clippy::too_many_arguments)]
async fn admission_page(
    state: &AppState,
    auth: &Authenticated,
    admission: Admission,
    person: Person,
    form: MeasurementForm,
    appetite_test: String,
    messages: FieldMessages,
    discharge_error: Option<String>,
) -> Result<Response, WebError> {
    let tr: &Tr = auth.tr();
    let (values, pairs) = follow_up_values(state, &person, &admission).await?;
    state
        .store()
        .audit_person(
            &auth.actor(),
            "nutrition_read",
            person.id,
            &admission.id.to_string(),
        )
        .await?;
    let admitting = match admission.measurement_id {
        Some(id) => state
            .store()
            .measurement(id)
            .await
            .ok()
            .map(|m| measurement_row(tr, &person, &m)),
        None => None,
    };
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
        today: today(state).to_string(),
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
    Path(admission): Path<String>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Clinical)?;
    let (admission, person) = admission_in_reach(&state, &auth, &admission, Action::Read).await?;
    let form = MeasurementForm {
        measured: "lying".into(),
        ..MeasurementForm::default()
    };
    admission_page(
        &state,
        &auth,
        admission,
        person,
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
    Path(admission): Path<String>,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Clinical)?;
    let (admission, person) = admission_in_reach(&state, &auth, &admission, Action::Write).await?;
    let tr = auth.tr().clone();
    let parsed = parse_measurement_form(&tr, &form.values, &person, today(&state));
    let appetite = AppetiteTest::parse(&form.appetite_test);
    let (Ok((values, measured_on)), Some(appetite_test)) = (parsed.clone(), appetite) else {
        let mut messages = parsed.err().unwrap_or_default();
        if appetite.is_none() {
            messages.set("appetite_test", tr.t("growth-appetite-required"));
        }
        return admission_page(
            &state,
            &auth,
            admission,
            person,
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
    match state
        .store()
        .record_follow_up(&auth.actor(), admission.id, &new)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/growth/admissions/{}#follow-ups",
            admission.id
        ))),
        Err(StoreError::Conflict { .. }) => Err(WebError::Conflict),
        Err(other) => Err(other.into()),
    }
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
    Path(admission): Path<String>,
    Form(form): Form<DischargeForm>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Clinical)?;
    let (admission, person) = admission_in_reach(&state, &auth, &admission, Action::Write).await?;
    let tr = auth.tr().clone();
    let version: i64 = form
        .version
        .trim()
        .parse()
        .map_err(|_| WebError::Conflict)?;
    let outcome = DischargeOutcome::parse(&form.outcome);
    let on = parse_date(&form.discharged_on, today(&state)).filter(|d| *d >= admission.admitted_on);
    let (Some(outcome), Some(on)) = (outcome, on) else {
        let error = tr.t("growth-discharge-incomplete");
        let form = MeasurementForm {
            measured: "lying".into(),
            ..MeasurementForm::default()
        };
        return admission_page(
            &state,
            &auth,
            admission,
            person,
            form,
            "passed".into(),
            FieldMessages::default(),
            Some(error),
        )
        .await;
    };
    state
        .store()
        .discharge_from_programme(
            &auth.actor(),
            admission.id,
            version,
            on,
            outcome,
            &form.note,
        )
        .await?;
    Ok(see_other(&format!("/growth/admissions/{}", admission.id)))
}
