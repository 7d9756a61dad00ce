//! A child's growth page (measurements with their z-scores, the classification and the
//! action it calls for, growth charts), recording a measurement, marking one entered in
//! error, the printable child health card, and the small summary on the person page.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use haven_app::growth::GrowthRecord;
use haven_app::model::growth::{growth_sex, Admission, GrowthMeasurement, NewMeasurement};
use haven_app::model::{Id, Person};
use haven_app::AppError;
use haven_domain::growth::chart::{span_for_age, ChartKind, Span};
use haven_domain::growth::nutrition::{AppetiteTest, Programme, Wasting};
use haven_domain::growth::GrowthSex;
use haven_domain::{Action, Kind};
use serde::Deserialize;

use super::svg::{chart, Labels, Point};
use super::{
    assess, class_view, facility_choices, measurement_row, parse_measurement_form,
    position_options, ClassView, MeasurementForm, MeasurementRow,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::places::FieldMessages;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

/// The person's facts as the growth pages show them.
pub struct ChildFacts {
    pub id: String,
    pub name: String,
    pub sex: String,
    pub born: String,
    pub age: String,
    pub facility: String,
    pub haven_number: String,
}

async fn facts(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
) -> Result<ChildFacts, WebError> {
    let tr = auth.tr();
    let facility = match person.registered_facility_id {
        Some(id) => match state.app().facility_names(id).await {
            Ok((name, name_km)) => crate::pages::places::place_name(tr, &name, &name_km),
            Err(_) => String::new(),
        },
        None => String::new(),
    };
    let haven_number = state
        .app()
        .clinic_haven_number(&auth.caller(), person.id)
        .await?;
    let precision = person.birth_date_precision.replace('_', "-");
    Ok(ChildFacts {
        id: person.id.to_string(),
        name: person.display_name(),
        sex: tr.t(&person.sex().label_key()),
        born: format!(
            "{} ({})",
            person.birth_date,
            tr.t(&format!("birthdateprecision-{precision}"))
        ),
        age: super::age_on(person, state.today())
            .map(|d| super::age_text(tr, d))
            .unwrap_or_default(),
        facility,
        haven_number,
    })
}

/// A drawn chart.
pub struct ChartView {
    pub title: String,
    pub svg: String,
}

/// The charts of a child: every span that holds one of their measurements (or the one of
/// their age), four indicators each; weight-for-length/height only under 5.
pub fn charts(
    tr: &Tr,
    person: &Person,
    measurements: &[GrowthMeasurement],
    now: time::Date,
) -> Vec<ChartView> {
    let Some(sex) = growth_sex(person) else {
        return Vec::new();
    };
    let mut spans: Vec<Span> = Vec::new();
    for m in measurements {
        if let Some(age) = super::age_on(person, m.measured_on) {
            let span = span_for_age(age);
            if !spans.contains(&span) {
                spans.push(span);
            }
        }
    }
    if spans.is_empty() {
        spans.push(super::age_on(person, now).map_or(Span::UnderFive, span_for_age));
    }
    spans.sort_by_key(|s| matches!(s, Span::FiveToNineteen));
    let mut views = Vec::new();
    for span in spans {
        for &kind in ChartKind::ALL {
            if kind == ChartKind::WeightForLengthHeight && span == Span::FiveToNineteen {
                continue;
            }
            let points = chart_points(kind, sex, person, measurements);
            let span_key = match span {
                Span::UnderFive => "growth-span-under-five",
                Span::FiveToNineteen => "growth-span-five-to-nineteen",
            };
            let title = format!(
                "{} ({}, {})",
                tr.t(chart_title_key(kind)),
                tr.t(span_key),
                tr.t(&person.sex().label_key())
            );
            let labels = Labels {
                title: title.clone(),
                x_axis: tr.t(if kind == ChartKind::WeightForLengthHeight {
                    "growth-axis-length"
                } else {
                    "growth-axis-age"
                }),
                y_axis: tr.t(match kind {
                    ChartKind::WeightForAge | ChartKind::WeightForLengthHeight => {
                        "growth-axis-weight"
                    }
                    ChartKind::LengthHeightForAge => "growth-axis-length",
                    ChartKind::BmiForAge => "growth-axis-bmi",
                }),
            };
            views.push(ChartView {
                svg: chart(kind, sex, span, &points, &labels),
                title,
            });
        }
    }
    views
}

fn chart_title_key(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::WeightForAge => "growth-chart-wfa",
        ChartKind::LengthHeightForAge => "growth-chart-lhfa",
        ChartKind::WeightForLengthHeight => "growth-chart-wflh",
        ChartKind::BmiForAge => "growth-chart-bfa",
    }
}

fn chart_points(
    kind: ChartKind,
    sex: GrowthSex,
    person: &Person,
    measurements: &[GrowthMeasurement],
) -> Vec<Point> {
    measurements
        .iter()
        .filter_map(|m| {
            let age = super::age_on(person, m.measured_on)?;
            let a = m.values().assess(sex, Some(age));
            let weight = m.weight_kg.filter(|_| !m.oedema);
            let (x, y) = match kind {
                ChartKind::WeightForAge => (f64::from(age), weight?),
                ChartKind::LengthHeightForAge => (f64::from(age), a.length_used_cm()?),
                ChartKind::WeightForLengthHeight => (a.length_used_cm()?, weight?),
                ChartKind::BmiForAge => (f64::from(age), a.bmi().filter(|_| !m.oedema)?),
            };
            Some(Point { x, y })
        })
        .collect()
}

/// The latest measurement's class, for the page's head and the person page's summary.
fn latest_class(tr: &Tr, person: &Person, measurements: &[GrowthMeasurement]) -> Option<ClassView> {
    let latest = measurements.last()?;
    let (_, _, a) = assess(person, latest)?;
    class_view(tr, a.classification())
}

#[derive(Template)]
#[template(path = "growth_child.html")]
struct ChildPage {
    layout: Layout,
    child: ChildFacts,
    rows: Vec<MeasurementRow>,
    charts: Vec<ChartView>,
    latest: Option<ClassView>,
    admissions: Vec<AdmissionLine>,
    open_admission: Option<String>,
    form: MeasurementForm,
    messages: FieldMessages,
    facilities: Vec<(String, String)>,
    positions: Vec<(&'static str, String)>,
    programmes: Vec<(&'static str, String)>,
    wastings: Vec<(&'static str, String)>,
    appetite_tests: Vec<(&'static str, String)>,
    admit_error: Option<String>,
    can_write: bool,
    no_table: bool,
    today: String,
}

/// An admission as a line on the child's page.
pub struct AdmissionLine {
    pub id: String,
    pub text: String,
    pub open: bool,
}

pub fn admission_line(tr: &Tr, a: &Admission) -> AdmissionLine {
    let programme = a
        .programme()
        .map(|p| tr.t(&p.label_key()))
        .unwrap_or_default();
    let by = tr.t(&a.admitted_by().label_key());
    let text = match (a.discharged_on, a.outcome()) {
        (Some(on), Some(outcome)) => format!(
            "{programme}: {} → {on} ({}), {by}",
            a.admitted_on,
            tr.t(&outcome.label_key())
        ),
        _ => format!("{programme}: {} →, {by}", a.admitted_on),
    };
    AdmissionLine {
        id: a.id.to_string(),
        text,
        open: a.is_open(),
    }
}

pub(super) async fn child_page(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
    form: MeasurementForm,
    messages: FieldMessages,
    admit_error: Option<String>,
) -> Result<Response, WebError> {
    let tr = auth.tr();
    let GrowthRecord {
        measurements,
        admissions,
        pregnancies,
    } = state.app().growth_record(&auth.caller(), person.id).await?;
    // Her pregnancies in reach decide which cut-offs read an adult woman's MUAC.
    let pregnancies: Vec<_> = pregnancies
        .into_iter()
        .map(|p| haven_domain::growth::nutrition::PregnancySpan {
            dated_from: p.dating_lmp,
            edd: p.edd,
            delivered_on: p.delivered_on,
            ended_on: p.ended_on,
        })
        .collect();
    let failed = !messages.is_empty() || admit_error.is_some();
    let now = state.today();
    let page = ChildPage {
        layout: Layout::new(&auth.visitor, "growth-child-title"),
        child: facts(state, auth, person).await?,
        rows: measurements
            .iter()
            .rev()
            .map(|m| MeasurementRow {
                adult: super::adult_text(
                    tr,
                    &state.config().growth_adult_cut_offs,
                    person,
                    m,
                    &pregnancies,
                ),
                ..measurement_row(tr, person, m)
            })
            .collect(),
        charts: charts(tr, person, &measurements, now),
        latest: latest_class(tr, person, &measurements),
        open_admission: admissions
            .iter()
            .find(|a| a.is_open())
            .map(|a| a.id.to_string()),
        admissions: admissions.iter().map(|a| admission_line(tr, a)).collect(),
        form,
        messages,
        facilities: facility_choices(state, auth, Action::Write).await?,
        positions: position_options(tr),
        programmes: Programme::ALL
            .iter()
            .map(|p| (p.code(), tr.t(&p.label_key())))
            .collect(),
        wastings: Wasting::ALL
            .iter()
            .filter(|w| **w != Wasting::None)
            .map(|w| (w.code(), tr.t(&w.label_key())))
            .collect(),
        appetite_tests: AppetiteTest::ALL
            .iter()
            .map(|a| (a.code(), tr.t(&a.label_key())))
            .collect(),
        admit_error,
        can_write: auth.me.can(Action::Write, Kind::Clinical),
        no_table: growth_sex(person).is_none(),
        today: now.to_string(),
    };
    render(&page).map(|mut response| {
        if failed {
            *response.status_mut() = FORM_ERROR;
        }
        no_store(response)
    })
}

pub async fn page(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
) -> Result<Response, WebError> {
    let person = state
        .app()
        .growth_child(&auth.caller(), person, Action::Read)
        .await?;
    let form = MeasurementForm {
        facility: person
            .registered_facility_id
            .map(|f| f.to_string())
            .unwrap_or_default(),
        ..MeasurementForm::default()
    };
    child_page(&state, &auth, &person, form, FieldMessages::default(), None).await
}

/// Records a measurement from the child's page; bad input comes back with everything kept.
pub async fn record(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
    Form(form): Form<MeasurementForm>,
) -> Result<Response, WebError> {
    let person = state
        .app()
        .growth_child(&auth.caller(), person, Action::Write)
        .await?;
    let tr = auth.tr().clone();
    let (values, measured_on) = match parse_measurement_form(&tr, &form, &person, state.today()) {
        Ok(parsed) => parsed,
        Err(messages) => return child_page(&state, &auth, &person, form, messages, None).await,
    };
    // From a visit's page: haven-app checks that the visit is this child's, at a
    // facility the writer reaches; the measurement is that visit's, at its facility.
    let visit: Option<Id> = match form.visit.trim() {
        "" => None,
        raw => Some(raw.parse().map_err(|_| WebError::NotFound)?),
    };
    let facility = match visit {
        Some(_) => None,
        None => parse_facility(&state, &auth, &form.facility).await?,
    };
    let new = NewMeasurement {
        person_id: person.id,
        facility_id: facility,
        visit_id: visit,
        measured_on,
        values,
        note: form.note.clone(),
    };
    match state.app().record_measurement(&auth.caller(), &new).await {
        Ok(_) => {}
        // A facility out of the writer's reach is not one of the form's choices.
        Err(AppError::Invalid(_)) => return Err(WebError::BadRequest("bad-request")),
        Err(other) => return Err(other.into()),
    }
    if let Some(visit) = visit {
        return Ok(see_other(&format!("/clinic/visits/{visit}#growth")));
    }
    Ok(see_other(&format!(
        "/growth/people/{}#measurements",
        person.id
    )))
}

/// The facility chosen on a form: empty is none; one out of the writer's reach (as
/// haven-app says) is refused, as a form that is not one of ours.
pub(super) async fn parse_facility(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
) -> Result<Option<Id>, WebError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let id: Id = raw
        .trim()
        .parse()
        .map_err(|_| WebError::BadRequest("bad-request"))?;
    if !state
        .app()
        .may_write_clinical_at(&auth.caller(), id)
        .await?
    {
        return Err(WebError::BadRequest("bad-request"));
    }
    Ok(Some(id))
}

#[derive(Debug, Default, Deserialize)]
pub struct InErrorForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    reason: String,
}

/// Marks a measurement entered in error (with why), naming the version read.
pub async fn in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((person, id)): Ids<(Id, Id)>,
    Form(form): Form<InErrorForm>,
) -> Result<Response, WebError> {
    let person = state
        .app()
        .growth_child(&auth.caller(), person, Action::Write)
        .await?;
    let version: Option<i64> = form.version.trim().parse().ok();
    let app = state.app();
    let caller = auth.caller();
    let Some(version) = version else {
        // The measurement is checked first: one not the child's is not found.
        app.measurement_in_error(&caller, person.id, id, 0, "")
            .await
            .or_else(|error| match error {
                AppError::Invalid(_) => Ok(person.clone()),
                other => Err(other),
            })?;
        return Err(WebError::Conflict);
    };
    let marked = app
        .measurement_in_error(&caller, person.id, id, version, &form.reason)
        .await;
    if let Err(AppError::Invalid(_)) = marked {
        let mut messages = FieldMessages::default();
        messages.set("reason", auth.tr().t("growth-error-reason-required"));
        return child_page(
            &state,
            &auth,
            &person,
            MeasurementForm::default(),
            messages,
            None,
        )
        .await;
    }
    marked?;
    Ok(see_other(&format!(
        "/growth/people/{}#measurements",
        person.id
    )))
}

#[derive(Template)]
#[template(path = "growth_card.html")]
struct CardPage {
    layout: Layout,
    child: ChildFacts,
    rows: Vec<MeasurementRow>,
    charts: Vec<ChartView>,
    printed_on: String,
    immunisation: crate::pages::mch::immunisation::ImmunisationRecord,
}

/// The printable child health card: the child's facts, growth charts and measurements,
/// and the immunisation record (each antigen's series, the doses given, due and overdue).
pub async fn card(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let (person, measurements) = state.app().growth_card(&auth.caller(), id).await?;
    let tr = auth.tr();
    let now = state.today();
    let page = CardPage {
        layout: Layout::new(&auth.visitor, "growth-card-title"),
        child: facts(&state, &auth, &person).await?,
        rows: measurements
            .iter()
            .map(|m| measurement_row(tr, &person, m))
            .collect(),
        charts: charts(tr, &person, &measurements, now),
        printed_on: now.to_string(),
        immunisation: crate::pages::mch::immunisation::immunisation_record(&state, &auth, &person)
            .await?,
    };
    render(&page).map(no_store)
}

/// The growth summary on the person page, for readers of clinical records.
pub struct GrowthSummary {
    pub person_id: String,
    pub date: String,
    pub weight: String,
    pub class: Option<ClassView>,
}

/// The latest measurement and its class, if the reader may read clinical records and
/// the person has a measurement; the person page shows it in its summary.
pub async fn person_summary(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
) -> Result<Option<GrowthSummary>, WebError> {
    let Some(measurements) = state.app().growth_summary(&auth.caller(), person).await? else {
        return Ok(None);
    };
    let tr = auth.tr();
    let Some(latest) = measurements.last() else {
        return Ok(None);
    };
    Ok(Some(GrowthSummary {
        person_id: person.id.to_string(),
        date: latest.measured_on.to_string(),
        weight: latest
            .weight_kg
            .map(|w| format!("{w} kg"))
            .unwrap_or_default(),
        class: latest_class(tr, person, &measurements),
    }))
}
