//! Inpatient pages: a facility's wards with occupancy and length of stay, a ward's bed
//! board, admission (from a visit or directly), the stay (vital-sign charts drawn as
//! SVG on the server, progress notes, the medication administration record,
//! transfers, discharge) and the printable discharge summary.

use std::fmt::Write as _;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use haven_app::clinic::{NewAdministration, NewAdmission};
use haven_app::model::clinic::{Encounter, Stay, Viewer, VitalSigns};
use haven_app::model::{Id, Person};
use haven_app::AppError;
use haven_domain::clinic::{AdministrationStatus, ClinicError, Discharge, StayOutcome, NOTE_MAX};
use haven_domain::{Action, Kind};
use serde::Deserialize;

use super::visits::{
    diagnosis_for, encounter_views, order_for, prescription_for, vitals_for, with_status, Choices,
    EncounterForms, EncounterViews, Outcome,
};
use super::{
    facility_name, field, form_errors, form_id, medicine_label, options, patient_header,
    stay_error, token_of, version_of, when, FormState, PatientHeader,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

type Pairs = Vec<(String, String)>;

pub struct WardView {
    pub id: String,
    pub name: String,
    pub beds: i64,
    pub occupied: i64,
    pub occupancy: String,
    pub discharges: i64,
    pub average_length: String,
}

#[derive(Template)]
#[template(path = "clinic_wards.html")]
struct WardsPage {
    layout: Layout,
    facility_id: String,
    facility: String,
    month: String,
    wards: Vec<WardView>,
}

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    #[serde(default)]
    month: String,
}

/// A `YYYY-MM` month, or this month.
fn month_of(raw: &str, today: time::Date) -> (i32, time::Month) {
    raw.split_once('-')
        .and_then(|(y, m)| {
            let year: i32 = y.parse().ok()?;
            let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
            (1900..=9998).contains(&year).then_some((year, month))
        })
        .unwrap_or((today.year(), today.month()))
}

pub async fn wards(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(facility): Ids<Id>,
    Query(query): Query<MonthQuery>,
) -> Result<Response, WebError> {
    let (year, month) = month_of(&query.month, state.today());
    let (facility, figures) = state
        .app()
        .ward_figures(&auth.caller(), facility, year, month)
        .await?;
    let wards = figures
        .into_iter()
        .map(|figures| {
            let stats = figures.statistics;
            WardView {
                id: stats.ward_id.to_string(),
                name: stats.ward_name,
                beds: stats.beds,
                occupied: figures.occupied,
                occupancy: format!("{:.0}%", stats.occupancy_percent),
                discharges: stats.discharges,
                average_length: stats
                    .average_length_days
                    .map(|d| auth.tr().t1("clinic-days", "days", format!("{d:.1}")))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let page = WardsPage {
        layout: Layout::new(&auth.visitor, "clinic-wards-title"),
        facility_id: facility.id.to_string(),
        facility: facility_name(auth.tr(), &facility),
        month: format!("{year:04}-{:02}", u8::from(month)),
        wards,
    };
    render(&page).map(no_store)
}

pub struct BedView {
    pub label: String,
    pub stay_id: String,
    pub patient: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "clinic_ward.html")]
struct BoardPage {
    layout: Layout,
    facility_id: String,
    ward: String,
    beds: Vec<BedView>,
    free: usize,
}

pub async fn board(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(ward): Ids<Id>,
) -> Result<Response, WebError> {
    let (ward, beds) = state.app().bed_board(&auth.caller(), ward).await?;
    let beds: Vec<BedView> = beds
        .into_iter()
        .map(|b| BedView {
            patient: b.occupant().unwrap_or_default(),
            stay_id: b.stay_id.map(|s| s.to_string()).unwrap_or_default(),
            since: b.admitted_at.map(|t| when(&state, &t)).unwrap_or_default(),
            label: b.label,
        })
        .collect();
    let page = BoardPage {
        layout: Layout::new(&auth.visitor, "clinic-bed-board-title"),
        facility_id: ward.facility_id.to_string(),
        ward: ward.name,
        free: beds.iter().filter(|b| b.stay_id.is_empty()).count(),
        beds,
    };
    render(&page).map(no_store)
}

/// A choice of free beds: id and "facility — ward — bed".
fn bed_choices(tr: &Tr, beds: &[haven_app::clinic::FreeBed]) -> Vec<(String, String)> {
    beds.iter()
        .map(|b| {
            (
                b.bed.to_string(),
                format!(
                    "{} — {} — {}",
                    facility_name(tr, &b.facility),
                    b.ward,
                    b.label
                ),
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "clinic_admit.html")]
struct AdmitPage {
    layout: Layout,
    patient: PatientHeader,
    form: FormState,
    beds: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AdmitQuery {
    #[serde(default)]
    person: String,
    #[serde(default)]
    visit: String,
}

async fn admit_page_with(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
    beds: &[haven_app::clinic::FreeBed],
    form: FormState,
) -> Result<AdmitPage, WebError> {
    let tr = auth.tr();
    Ok(AdmitPage {
        layout: Layout::new(&auth.visitor, "clinic-admit"),
        patient: patient_header(state, auth, person).await?,
        beds: bed_choices(tr, beds),
        form,
    })
}

pub async fn admit_page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AdmitQuery>,
) -> Result<Response, WebError> {
    let (person, beds) = state
        .app()
        .admission_choices(&auth.caller(), form_id(&query.person))
        .await?;
    let form = FormState::new().with("visit", query.visit.trim().to_owned());
    let page = admit_page_with(&state, &auth, &person, &beds, form).await?;
    render(&page).map(no_store)
}

pub async fn admit(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let (person, beds) = state
        .app()
        .admission_choices(&caller, form_id(field(&pairs, "person")))
        .await?;
    let tr = auth.tr();
    let mut form = FormState::sent(&pairs);
    let mut errors = Vec::new();
    match field(&pairs, "bed").parse::<Id>() {
        Ok(bed) => {
            let token = token_of(&pairs);
            let admission = NewAdmission {
                person: person.id,
                bed,
                // A visit the form names that is not one is no visit.
                visit: field(&pairs, "visit").parse::<Id>().ok(),
                reason: field(&pairs, "reason"),
                today: state.today(),
                token: token.as_ref(),
            };
            match state.app().admit(&caller, &admission).await {
                Ok(stay) => return Ok(see_other(&format!("/clinic/stays/{stay}"))),
                Err(AppError::Duplicate { field: "person" }) => {
                    form.notice = Some(tr.t("clinic-already-admitted"))
                }
                Err(AppError::Duplicate { .. }) => form.errors.set("bed", tr.t("clinic-bed-taken")),
                Err(AppError::NotFound { entity: "bed" } | AppError::ScopeBeyondYours) => {
                    errors.push(("bed", ClinicError::ChooseOption))
                }
                Err(other) => {
                    let fields = form_errors(other)?;
                    // The visit is a hidden field: said above the form.
                    if fields.iter().any(|f| f.field == "visit") {
                        form.notice = Some(tr.t(ClinicError::ChooseOption.code()));
                    }
                    form = form.refuse_fields(tr, &fields);
                }
            }
        }
        Err(_) => {
            errors.push(("bed", ClinicError::ChooseOption));
            if let Err(e) = haven_domain::clinic::required_note(field(&pairs, "reason"), NOTE_MAX) {
                errors.push(("reason", e));
            }
        }
    }
    let form = form.refuse(tr, &errors);
    let page = admit_page_with(&state, &auth, &person, &beds, form).await?;
    with_status(&page, FORM_ERROR)
}

// ---------------------------------------------------------------------------
// The stay

pub struct NoteView {
    pub when: String,
    pub note: String,
    pub by: String,
}

pub struct AdministrationView {
    pub when: String,
    pub medicine: String,
    pub status: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "clinic_stay.html")]
struct StayPage {
    layout: Layout,
    patient: PatientHeader,
    stay: Stay,
    action: String,
    facility: String,
    ward: String,
    bed: String,
    admitted: String,
    discharged: String,
    outcome: String,
    charts: Vec<(String, String)>,
    views: EncounterViews,
    forms: EncounterForms,
    choices: Choices,
    notes: Vec<NoteView>,
    note_form: FormState,
    administrations: Vec<AdministrationView>,
    mar_form: FormState,
    stay_prescriptions: Vec<(String, String)>,
    statuses: Vec<(&'static str, String)>,
    transfer_form: FormState,
    free_beds: Vec<(String, String)>,
    discharge_form: FormState,
    outcomes: Vec<(&'static str, String)>,
    can_write: bool,
    open: bool,
}

/// The forms of a stay page beyond the shared encounter ones.
#[derive(Default)]
struct StayForms {
    encounter: EncounterForms,
    note: Option<FormState>,
    mar: Option<FormState>,
    transfer: Option<FormState>,
    discharge: Option<FormState>,
}

/// One vital sign over a stay as a line chart: SVG drawn here, no script.
pub fn line_chart(title: &str, unit: &str, points: &[(i64, f64)], normal: (f64, f64)) -> String {
    const W: f64 = 600.0;
    const H: f64 = 160.0;
    const PAD: f64 = 36.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="vitals-chart" viewBox="0 0 {W} {H}" role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg">"#
    );
    let _ = write!(svg, r#"<title>{title}</title>"#);
    if points.is_empty() {
        svg.push_str("</svg>");
        return svg;
    }
    let (t0, t1) = (points[0].0, points[points.len() - 1].0.max(points[0].0 + 1));
    let values = points.iter().map(|p| p.1);
    let lo = values.clone().fold(normal.0, f64::min);
    let hi = values.fold(normal.1, f64::max);
    let span = (hi - lo).max(1.0);
    let (lo, hi) = (lo - span * 0.1, hi + span * 0.1);
    let x = |t: i64| PAD + (t - t0) as f64 / (t1 - t0) as f64 * (W - 2.0 * PAD);
    let y = |v: f64| H - PAD / 2.0 - (v - lo) / (hi - lo) * (H - PAD);
    // The normal range as a band, so a reader sees at once when a value leaves it.
    let _ = write!(
        svg,
        r#"<rect class="normal" x="{PAD}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
        y(normal.1),
        W - 2.0 * PAD,
        (y(normal.0) - y(normal.1)).max(0.0)
    );
    let _ = write!(
        svg,
        r#"<text x="4" y="14" class="axis">{title} ({unit})</text>"#
    );
    let _ = write!(
        svg,
        r#"<text x="4" y="{:.1}" class="axis">{hi:.0}</text>"#,
        y(hi) + 12.0
    );
    let _ = write!(
        svg,
        r#"<text x="4" y="{:.1}" class="axis">{lo:.0}</text>"#,
        y(lo)
    );
    let path: Vec<String> = points
        .iter()
        .map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(*v)))
        .collect();
    let _ = write!(
        svg,
        r#"<polyline class="line" points="{}"/>"#,
        path.join(" ")
    );
    for (t, v) in points {
        let _ = write!(
            svg,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3"><title>{v}</title></circle>"#,
            x(*t),
            y(*v)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn stay_charts(tr: &Tr, vitals: &[VitalSigns]) -> Vec<(String, String)> {
    let at = |v: &VitalSigns| v.taken_at.datetime().unix_timestamp();
    let series = |pick: &dyn Fn(&VitalSigns) -> Option<f64>| -> Vec<(i64, f64)> {
        vitals
            .iter()
            .filter_map(|v| pick(v).map(|x| (at(v), x)))
            .collect()
    };
    let mut charts = Vec::new();
    for (key, unit, points, normal) in [
        (
            "clinic-temperature",
            "°C",
            series(&|v| v.temperature_c),
            (36.0, 37.5),
        ),
        (
            "clinic-pulse",
            "/min",
            series(&|v| v.pulse.map(|p| p as f64)),
            (60.0, 100.0),
        ),
        (
            "clinic-respiratory-rate",
            "/min",
            series(&|v| v.respiratory_rate.map(|p| p as f64)),
            (12.0, 20.0),
        ),
    ] {
        if !points.is_empty() {
            let title = tr.t(key);
            charts.push((title.clone(), line_chart(&title, unit, &points, normal)));
        }
    }
    charts
}

async fn stay_page(
    state: &AppState,
    auth: &Authenticated,
    stay: Stay,
    viewer: &Viewer,
    forms: StayForms,
) -> Result<StayPage, WebError> {
    let tr = auth.tr();
    let caller = auth.caller();
    let records = state
        .app()
        .encounter_records(&caller, Encounter::Stay(stay.id))
        .await?;
    let details = state.app().stay_details(&caller, stay.id).await?;
    let (person, facility) = (&records.person, &records.facility);
    let (ward, bed) = (details.ward, details.bed);
    let vitals = &records.vitals;
    let notes = details
        .notes
        .into_iter()
        .map(|n| NoteView {
            when: when(state, &n.written_at),
            by: details
                .authors
                .get(&n.created_by)
                .cloned()
                .unwrap_or_default(),
            note: n.note,
        })
        .collect();
    let prescriptions = &records.prescriptions;
    let administrations = details
        .administrations
        .into_iter()
        .map(|a| AdministrationView {
            when: when(state, &a.given_at),
            medicine: prescriptions
                .iter()
                .find(|p| p.id == a.prescription_id)
                .map(|p| format!("{} {}", medicine_label(tr, &p.medicine_code), p.dose))
                .unwrap_or_default(),
            status: AdministrationStatus::parse(&a.status)
                .map(|s| tr.t(&s.label_key()))
                .unwrap_or_default(),
            note: a.note,
        })
        .collect();
    let open = stay.discharged_at.is_none();
    Ok(StayPage {
        layout: Layout::new(&auth.visitor, "clinic-stay-title"),
        patient: patient_header(state, auth, person).await?,
        action: format!("/clinic/stays/{}", stay.id),
        facility: facility_name(tr, facility),
        ward: ward.name,
        bed: bed.label,
        admitted: when(state, &stay.admitted_at),
        discharged: stay
            .discharged_at
            .map(|t| when(state, &t))
            .unwrap_or_default(),
        outcome: StayOutcome::parse(&stay.outcome)
            .map(|o| tr.t(&o.label_key()))
            .unwrap_or_default(),
        charts: stay_charts(tr, vitals),
        views: encounter_views(state, tr, &records),
        forms: forms.encounter,
        choices: Choices::new(tr, viewer.hiv),
        notes,
        note_form: forms.note.unwrap_or_default(),
        administrations,
        mar_form: forms
            .mar
            .unwrap_or_else(|| FormState::new().with("status", "given")),
        stay_prescriptions: prescriptions
            .iter()
            .map(|p| {
                (
                    p.id.to_string(),
                    format!("{} — {}", medicine_label(tr, &p.medicine_code), p.dose),
                )
            })
            .collect(),
        statuses: options(
            tr,
            AdministrationStatus::ALL,
            AdministrationStatus::code,
            AdministrationStatus::label_key,
        ),
        transfer_form: forms.transfer.unwrap_or_default(),
        free_beds: if open {
            bed_choices(
                tr,
                &state
                    .app()
                    .free_beds(&caller, Some(stay.facility_id))
                    .await?,
            )
        } else {
            Vec::new()
        },
        discharge_form: forms.discharge.unwrap_or_default(),
        outcomes: options(
            tr,
            StayOutcome::ALL,
            StayOutcome::code,
            StayOutcome::label_key,
        ),
        can_write: auth.me.can(Action::Write, Kind::Clinical) && open,
        open,
        stay,
    })
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(stay): Ids<Id>,
) -> Result<Response, WebError> {
    let (stay, viewer) = state.app().read_stay(&auth.caller(), stay).await?;
    let page = stay_page(&state, &auth, stay, &viewer, StayForms::default()).await?;
    render(&page).map(no_store)
}

async fn stay_outcome(
    state: &AppState,
    auth: &Authenticated,
    stay: Stay,
    viewer: &Viewer,
    outcome: Outcome,
    anchor: &str,
) -> Result<Response, WebError> {
    match outcome {
        Outcome::Done => Ok(see_other(&format!("/clinic/stays/{}#{anchor}", stay.id))),
        Outcome::Refused(forms) => {
            let page = stay_page(
                state,
                auth,
                stay,
                viewer,
                StayForms {
                    encounter: *forms,
                    ..StayForms::default()
                },
            )
            .await?;
            with_status(&page, FORM_ERROR)
        }
    }
}

/// A stay open for writing: a discharged stay takes no more entries.
async fn open_stay(
    state: &AppState,
    auth: &Authenticated,
    id: Id,
) -> Result<(Stay, Viewer), WebError> {
    state
        .app()
        .stay_to_write(&auth.caller(), id)
        .await
        .map_err(stay_error)
}

pub async fn add_vitals(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(stay): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (stay, viewer) = open_stay(&state, &auth, stay).await?;
    let outcome = vitals_for(&state, &auth, Encounter::Stay(stay.id), &pairs).await?;
    stay_outcome(&state, &auth, stay, &viewer, outcome, "vitals").await
}

pub async fn add_diagnosis(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(stay): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (stay, viewer) = open_stay(&state, &auth, stay).await?;
    let outcome = diagnosis_for(&state, &auth, Encounter::Stay(stay.id), &pairs).await?;
    stay_outcome(&state, &auth, stay, &viewer, outcome, "diagnoses").await
}

pub async fn order_test(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(stay): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (stay, viewer) = open_stay(&state, &auth, stay).await?;
    let outcome = order_for(&state, &auth, Encounter::Stay(stay.id), &pairs).await?;
    stay_outcome(&state, &auth, stay, &viewer, outcome, "lab").await
}

pub async fn prescribe(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(stay): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (stay, viewer) = open_stay(&state, &auth, stay).await?;
    let outcome = prescription_for(&state, &auth, Encounter::Stay(stay.id), &pairs).await?;
    stay_outcome(&state, &auth, stay, &viewer, outcome, "prescriptions").await
}

pub async fn add_note(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(stay): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (stay, viewer) = open_stay(&state, &auth, stay).await?;
    match haven_domain::clinic::required_note(field(&pairs, "note"), NOTE_MAX) {
        Ok(note) => {
            state
                .app()
                .add_progress_note(&auth.caller(), stay.id, &note, token_of(&pairs).as_ref())
                .await
                .map_err(stay_error)?;
            Ok(see_other(&format!("/clinic/stays/{}#progress", stay.id)))
        }
        Err(e) => {
            let forms = StayForms {
                note: Some(FormState::sent(&pairs).refuse(auth.tr(), &[("note", e)])),
                ..StayForms::default()
            };
            let page = stay_page(&state, &auth, stay, &viewer, forms).await?;
            with_status(&page, FORM_ERROR)
        }
    }
}

pub async fn administer(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(stay): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (stay, viewer) = open_stay(&state, &auth, stay).await?;
    let mut errors = Vec::new();
    let status = AdministrationStatus::parse(field(&pairs, "status"));
    if status.is_none() {
        errors.push(("status", ClinicError::ChooseOption));
    }
    let prescription = field(&pairs, "prescription").parse::<Id>().ok();
    if prescription.is_none() {
        errors.push(("prescription", ClinicError::ChooseOption));
    }
    let note =
        match haven_domain::clinic::note(field(&pairs, "note"), haven_domain::clinic::SHORT_MAX) {
            Ok(n) => n,
            Err(e) => {
                errors.push(("note", e));
                String::new()
            }
        };
    if let (Some(status), Some(prescription), true) = (status, prescription, errors.is_empty()) {
        let token = token_of(&pairs);
        let given = NewAdministration {
            prescription,
            status,
            note: &note,
            token: token.as_ref(),
        };
        match state
            .app()
            .record_administration(&auth.caller(), stay.id, &given)
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/clinic/stays/{}#mar", stay.id))),
            Err(AppError::Invalid(fields)) if fields.iter().any(|f| f.field == "prescription") => {
                errors.push(("prescription", ClinicError::ChooseOption))
            }
            Err(other) => return Err(stay_error(other)),
        }
    }
    let forms = StayForms {
        mar: Some(FormState::sent(&pairs).refuse(auth.tr(), &errors)),
        ..StayForms::default()
    };
    let page = stay_page(&state, &auth, stay, &viewer, forms).await?;
    with_status(&page, FORM_ERROR)
}

pub async fn transfer(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(stay): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (stay, viewer) = open_stay(&state, &auth, stay).await?;
    let tr = auth.tr();
    let mut form = FormState::sent(&pairs);
    match field(&pairs, "bed").parse::<Id>() {
        Ok(bed) => match state
            .app()
            .transfer(&auth.caller(), stay.id, version_of(&pairs), bed)
            .await
        {
            Ok(()) => return Ok(see_other(&format!("/clinic/stays/{}", stay.id))),
            Err(AppError::Duplicate { .. }) => form.errors.set("bed", tr.t("clinic-bed-taken")),
            Err(AppError::NotFound { .. }) => form
                .errors
                .set("bed", tr.t(ClinicError::ChooseOption.code())),
            Err(AppError::Conflict { .. }) => form.notice = Some(tr.t("error-conflict")),
            Err(AppError::Invalid(fields)) => form = form.refuse_fields(tr, &fields),
            Err(other) => return Err(stay_error(other)),
        },
        Err(_) => form
            .errors
            .set("bed", tr.t(ClinicError::ChooseOption.code())),
    }
    let (stay, _) = state.app().stay_to_read(&auth.caller(), stay.id).await?;
    let page = stay_page(
        &state,
        &auth,
        stay,
        &viewer,
        StayForms {
            transfer: Some(form),
            ..StayForms::default()
        },
    )
    .await?;
    with_status(&page, FORM_ERROR)
}

pub async fn discharge(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(stay): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (stay, viewer) = open_stay(&state, &auth, stay).await?;
    let tr = auth.tr();
    let form = match Discharge::parse(
        field(&pairs, "outcome"),
        field(&pairs, "summary"),
        field(&pairs, "cause_of_death"),
    ) {
        Ok(discharge) => match state
            .app()
            .discharge(&auth.caller(), stay.id, version_of(&pairs), &discharge)
            .await
        {
            Ok(()) => return Ok(see_other(&format!("/clinic/stays/{}/summary", stay.id))),
            Err(AppError::Conflict { .. }) => {
                let mut form = FormState::sent(&pairs);
                form.notice = Some(tr.t("error-conflict"));
                form
            }
            Err(other) => return Err(stay_error(other)),
        },
        Err(errors) => FormState::sent(&pairs).refuse(tr, &errors),
    };
    let (stay, _) = state.app().stay_to_read(&auth.caller(), stay.id).await?;
    let page = stay_page(
        &state,
        &auth,
        stay,
        &viewer,
        StayForms {
            discharge: Some(form),
            ..StayForms::default()
        },
    )
    .await?;
    with_status(&page, FORM_ERROR)
}

#[derive(Template)]
#[template(path = "clinic_discharge.html")]
struct SummaryPage {
    layout: Layout,
    patient: PatientHeader,
    stay: Stay,
    facility: String,
    ward: String,
    admitted: String,
    discharged: String,
    outcome: String,
    days: String,
    views: EncounterViews,
}

/// The printable discharge summary (once discharged).
pub async fn summary(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(stay): Ids<Id>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let (stay, ward) = state.app().discharge_summary(&caller, stay).await?;
    let Some(discharged_at) = stay.discharged_at else {
        return Err(WebError::NotFound);
    };
    let records = state
        .app()
        .encounter_records(&caller, Encounter::Stay(stay.id))
        .await?;
    let tr = auth.tr();
    let days = haven_domain::clinic::stay_days(
        stay.admitted_at.datetime().date(),
        discharged_at.datetime().date(),
    );
    let page = SummaryPage {
        layout: Layout::new(&auth.visitor, "clinic-discharge-title"),
        patient: patient_header(&state, &auth, &records.person).await?,
        facility: facility_name(tr, &records.facility),
        ward: ward.name,
        admitted: when(&state, &stay.admitted_at),
        discharged: when(&state, &discharged_at),
        outcome: StayOutcome::parse(&stay.outcome)
            .map(|o| tr.t(&o.label_key()))
            .unwrap_or_default(),
        days: tr.t1("clinic-days", "days", days),
        views: encounter_views(&state, tr, &records),
        stay,
    };
    render(&page).map(no_store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_chart_is_svg_with_a_point_per_reading() {
        let svg = line_chart(
            "Temperature",
            "°C",
            &[(0, 38.0), (3600, 39.5), (7200, 37.0)],
            (36.0, 37.5),
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("<polyline"));
        assert_eq!(
            line_chart("T", "°C", &[], (36.0, 37.5))
                .matches("<circle")
                .count(),
            0
        );
        assert_eq!(
            month_of("2026-02", time::macros::date!(2026 - 05 - 01)),
            (2026, time::Month::February)
        );
        assert_eq!(
            month_of("nonsense", time::macros::date!(2026 - 05 - 01)),
            (2026, time::Month::May)
        );
    }
}
