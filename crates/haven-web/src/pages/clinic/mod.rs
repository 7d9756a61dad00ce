//! The pages of the medical centre's daily work: outpatient visits, inpatient stays, the laboratory, medicines and the patient chart (issue 4).
//!
//! Every handler checks a permission, then the reach of the reader's roles that grant
//! it: a record at a facility out of reach answers 404, as if it did not exist. HIV
//! orders come from the store only for readers with the HIV result permission. Every
//! create form carries a one-time token (see `haven_app::model::clinic::FormToken`), so a double
//! click records once and leads to the record the first click made.

pub mod chart;
pub mod counts;
pub mod lab;
pub mod pharmacy;
pub mod stays;
pub mod visits;

use axum::routing::{get, post, MethodRouter};
use haven_app::model::clinic::FormToken;
use haven_app::model::{Facility, Id, Person, Timestamp};
use haven_domain::clinic::lab::{catalogue, Flag, LabTest};
use haven_domain::clinic::medicines;
use haven_domain::Language;

use crate::auth::Authenticated;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::places::place_name;
use crate::state::AppState;

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/clinic", get(visits::home)),
        ("/clinic/icd10", get(visits::icd10_search)),
        (
            "/clinic/check-in",
            get(visits::check_in_page).post(visits::check_in),
        ),
        ("/clinic/facilities/{facility}/queue", get(visits::queue)),
        (
            "/clinic/visits/{visit}",
            get(visits::show).post(visits::save_notes),
        ),
        ("/clinic/visits/{visit}/call-in", post(visits::call_in)),
        ("/clinic/visits/{visit}/vitals", post(visits::add_vitals)),
        (
            "/clinic/visits/{visit}/diagnoses",
            post(visits::add_diagnosis),
        ),
        (
            "/clinic/visits/{visit}/lab-orders",
            post(visits::order_test),
        ),
        (
            "/clinic/visits/{visit}/prescriptions",
            post(visits::prescribe),
        ),
        ("/clinic/visits/{visit}/referrals", post(visits::refer)),
        ("/clinic/referrals/{referral}", get(visits::referral_letter)),
        (
            "/clinic/diagnoses/{diagnosis}/error",
            post(visits::diagnosis_in_error),
        ),
        ("/clinic/results", get(lab::results_to_see)),
        ("/clinic/lab", get(lab::home)),
        ("/clinic/facilities/{facility}/lab", get(lab::worklist)),
        ("/clinic/lab/{order}", get(lab::show)),
        ("/clinic/lab/{order}/state", post(lab::advance)),
        ("/clinic/lab/{order}/results", post(lab::enter_results)),
        ("/clinic/lab/{order}/print", get(lab::print)),
        ("/clinic/lab/{order}/seen", post(lab::seen)),
        ("/clinic/lab/{order}/cancel", post(lab::cancel)),
        ("/clinic/pharmacy", get(pharmacy::home)),
        (
            "/clinic/facilities/{facility}/pharmacy",
            get(pharmacy::facility),
        ),
        (
            "/clinic/facilities/{facility}/stock",
            get(pharmacy::stock).post(pharmacy::receive),
        ),
        ("/clinic/stock/{batch}", post(pharmacy::change)),
        (
            "/clinic/prescriptions/{prescription}/dispense",
            post(pharmacy::dispense),
        ),
        ("/clinic/facilities/{facility}/wards", get(stays::wards)),
        ("/clinic/wards/{ward}", get(stays::board)),
        ("/clinic/admit", get(stays::admit_page).post(stays::admit)),
        ("/clinic/stays/{stay}", get(stays::show)),
        ("/clinic/stays/{stay}/vitals", post(stays::add_vitals)),
        ("/clinic/stays/{stay}/notes", post(stays::add_note)),
        ("/clinic/stays/{stay}/diagnoses", post(stays::add_diagnosis)),
        ("/clinic/stays/{stay}/lab-orders", post(stays::order_test)),
        ("/clinic/stays/{stay}/prescriptions", post(stays::prescribe)),
        (
            "/clinic/stays/{stay}/administrations",
            post(stays::administer),
        ),
        ("/clinic/stays/{stay}/transfer", post(stays::transfer)),
        ("/clinic/stays/{stay}/discharge", post(stays::discharge)),
        ("/clinic/stays/{stay}/summary", get(stays::summary)),
        ("/people/{person}/chart", get(chart::show)),
    ]
}

pub use crate::form::FormState;

/// The value of a form field.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The one-time token a form sent, if it is one.
pub fn token_of(pairs: &[(String, String)]) -> Option<FormToken> {
    FormToken::parse(field(pairs, "once"))
}

/// The version a form sent (`-1`, never a version, when missing).
pub fn version_of(pairs: &[(String, String)]) -> i64 {
    field(pairs, "version").trim().parse().unwrap_or(-1)
}

/// The wrong fields of an action refused by haven-app, to show at the form; any
/// other refusal is the page's error.
pub fn form_errors(error: haven_app::AppError) -> Result<Vec<haven_app::FieldError>, WebError> {
    match error {
        haven_app::AppError::Invalid(fields) => Ok(fields),
        other => Err(other.into()),
    }
}

/// A write on a discharged stay: 409, as a changed record is.
pub fn stay_error(error: haven_app::AppError) -> WebError {
    match error {
        haven_app::AppError::Refused(haven_app::clinic::STAY_DISCHARGED) => WebError::Conflict,
        other => other.into(),
    }
}

/// An id from a form. Text that is not an id names no record: it becomes an id no
/// record has, so that the action still refuses a caller without the permission
/// (403) before it finds nothing (404), as for any unknown id. Ids in paths are read
/// by [`crate::extract::Ids`].
pub fn form_id(raw: &str) -> Id {
    raw.parse::<Id>().unwrap_or_else(|_| Id::new())
}

/// The patient as a page's heading shows them.
#[derive(Clone, Debug, Default)]
pub struct PatientHeader {
    pub id: String,
    pub name: String,
    pub sex: String,
    pub age: String,
    pub born: String,
    pub haven_number: String,
}

pub async fn patient_header(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
) -> Result<PatientHeader, WebError> {
    let tr = auth.tr();
    let today = state.today();
    let number = state
        .app()
        .clinic_haven_number(&auth.caller(), person.id)
        .await?;
    let haven_number = haven_domain::person::HavenNumber::parse(&number)
        .map(|h| h.formatted())
        .unwrap_or(number);
    Ok(PatientHeader {
        id: person.id.to_string(),
        name: person.display_name(),
        sex: tr.t(&person.sex().label_key()),
        age: crate::pages::people::age_text(tr, person, today),
        born: crate::pages::people::birth_date_text(tr, &person.birth_date()),
        haven_number,
    })
}

/// An instant in the site's time.
pub fn when(state: &AppState, at: &Timestamp) -> String {
    crate::pages::audit::format_instant(at, state.config().time_offset)
}

/// The start of today in the site's time, as an instant.
pub fn start_of_today(state: &AppState) -> Timestamp {
    let offset = state.config().time_offset;
    Timestamp::from_datetime(state.today().midnight().assume_offset(offset))
}

/// A facility's name in the reader's language.
pub fn facility_name(tr: &Tr, facility: &Facility) -> String {
    place_name(tr, &facility.name, &facility.name_km)
}

/// A test's name in the reader's language.
pub fn test_name(tr: &Tr, test: &LabTest) -> String {
    if tr.language() == Language::Khmer {
        test.name_km().to_owned()
    } else {
        test.name_en().to_owned()
    }
}

/// A test's name from its code (the code itself if the catalogue no longer has it).
pub fn test_name_of(tr: &Tr, code: &str) -> String {
    catalogue()
        .test(code)
        .map(|t| test_name(tr, t))
        .unwrap_or_else(|| code.to_owned())
}

/// The tests a reader may order: HIV tests only with the HIV permission.
pub fn orderable_tests(tr: &Tr, hiv: bool) -> Vec<(&'static str, String)> {
    catalogue()
        .tests()
        .iter()
        .filter(|t| hiv || !t.is_hiv())
        .map(|t| (t.code(), test_name(tr, t)))
        .collect()
}

/// A medicine as lists show it: name, strength and form.
pub fn medicine_label(tr: &Tr, code: &str) -> String {
    match medicines::find(code) {
        Some(m) => format!(
            "{} {} ({})",
            m.name(),
            m.strength(),
            tr.t(&m.form().label_key())
        ),
        None => code.to_owned(),
    }
}

/// The unit a medicine is counted in, in the reader's language.
pub fn medicine_unit(tr: &Tr, code: &str) -> String {
    medicines::find(code)
        .map(|m| tr.t(&m.unit().label_key()))
        .unwrap_or_default()
}

pub fn medicine_options(tr: &Tr) -> Vec<(&'static str, String)> {
    medicines::list()
        .iter()
        .map(|m| (m.code(), medicine_label(tr, m.code())))
        .collect()
}

/// Coded values for a select: code and name in the reader's language.
pub fn options<T: Copy>(
    tr: &Tr,
    all: &[T],
    code: fn(T) -> &'static str,
    key: fn(T) -> String,
) -> Vec<(&'static str, String)> {
    all.iter().map(|v| (code(*v), tr.t(&key(*v)))).collect()
}

/// The CSS class and words of a result's flag.
pub fn flag_label(tr: &Tr, code: &str) -> (String, String) {
    match Flag::parse(code) {
        Some(Flag::Normal) | None => (String::new(), String::new()),
        Some(flag) => {
            let class = if flag.severity() == 2 {
                "flag critical"
            } else {
                "flag abnormal"
            };
            (class.to_owned(), tr.t(&flag.label_key()))
        }
    }
}

/// A person's age in days on a day, for reference ranges.
pub fn age_days(person: &Person, on: time::Date) -> i64 {
    (on - person.birth_date).whole_days().max(0)
}
