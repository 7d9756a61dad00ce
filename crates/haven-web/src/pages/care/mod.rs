//! The pages of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6).
//!
//! Who sees what: a role that reads care sees the children, houses and households of
//! the facilities its scope reaches (404 beyond). SOS parents and family assistants
//! see only the children living in their own houses: the houses whose SOS parent or
//! family assistant is the staff member linked to their account (`staff.user_id`).
//! Psychosocial notes are read only with their own permission, and are otherwise left
//! out of every page, count and answer.

mod children;
mod families;
mod health;
mod plans;
mod villages;

use axum::routing::{get, post, MethodRouter};
use haven_app::AppError;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;

pub use children::care_link_of_person;
pub use villages::{programme_figures_section, ProgrammeFigures};

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/care", get(villages::overview)),
        (
            "/care/programmes/{care_programme}",
            get(villages::programme),
        ),
        ("/care/villages/{care_village}", get(villages::village)),
        (
            "/care/villages/{care_village}/houses",
            post(villages::create_house),
        ),
        (
            "/care/houses/{care_house}",
            get(villages::house).post(villages::update_house),
        ),
        (
            "/care/houses/{care_house}/close",
            post(villages::close_house),
        ),
        (
            "/care/admit",
            get(children::admit_page).post(children::admit),
        ),
        (
            "/care/admissions/{care_admission}",
            get(children::admission),
        ),
        (
            "/care/admissions/{care_admission}/decision",
            post(children::decide),
        ),
        ("/care/children/{care_child}", get(children::show)),
        (
            "/care/children/{care_child}/placements",
            post(children::place),
        ),
        (
            "/care/children/{care_child}/placements/{care_placement}/end",
            post(children::end_placement),
        ),
        (
            "/care/children/{care_child}/placements/{care_placement}/error",
            post(children::placement_in_error),
        ),
        (
            "/care/children/{care_child}/case",
            post(children::move_case),
        ),
        (
            "/care/children/{care_child}/notes",
            post(children::add_note),
        ),
        (
            "/care/children/{care_child}/notes/{care_note}/error",
            post(children::note_in_error),
        ),
        (
            "/care/children/{care_child}/enrolments",
            post(children::add_enrolment),
        ),
        (
            "/care/children/{care_child}/enrolments/{care_enrolment}/terms",
            post(children::add_term),
        ),
        (
            "/care/children/{care_child}/steps",
            post(children::add_step),
        ),
        (
            "/care/children/{care_child}/leaving",
            post(children::record_leaving),
        ),
        (
            "/care/children/{care_child}/followups",
            post(children::add_followup),
        ),
        (
            "/care/children/{care_child}/plans",
            post(plans::create_child_plan),
        ),
        ("/care/plans/{care_plan}", get(plans::show)),
        ("/care/plans/{care_plan}/goals", post(plans::add_goal)),
        (
            "/care/plans/{care_plan}/goals/{care_goal}",
            post(plans::update_goal),
        ),
        ("/care/plans/{care_plan}/reviews", post(plans::review)),
        ("/care/plans/{care_plan}/approve", post(plans::approve)),
        (
            "/care/households",
            get(families::list).post(families::create),
        ),
        ("/care/households/{care_household}", get(families::show)),
        (
            "/care/households/{care_household}/members",
            post(families::add_member),
        ),
        (
            "/care/households/{care_household}/members/{care_member}/end",
            post(families::end_member),
        ),
        (
            "/care/households/{care_household}/services",
            post(families::add_service),
        ),
        (
            "/care/households/{care_household}/progress",
            post(families::add_progress),
        ),
        (
            "/care/households/{care_household}/case",
            post(families::move_case),
        ),
        ("/care/households/{care_household}/end", post(families::end)),
        (
            "/care/households/{care_household}/plans",
            post(plans::create_household_plan),
        ),
        (
            "/care/partners",
            get(families::partners).post(families::create_partner),
        ),
        (
            "/care/partners/{care_partner}",
            post(families::update_partner),
        ),
        (
            "/care/partners/{care_partner}/close",
            post(families::close_partner),
        ),
    ]
}

pub use crate::form::{Fields, FormState};

/// What an action's refusal becomes on a page: the form back with the message at
/// each wrong field and what was typed, or the error page for anything else.
pub fn refused(
    error: AppError,
    form: &str,
    values: Fields,
    tr: &Tr,
) -> Result<FormState, WebError> {
    match error {
        AppError::Invalid(fields) => {
            Ok(FormState::sent_as(form, values).refuse_fields(tr, &fields))
        }
        other => Err(other.into()),
    }
}

/// Like [`refused`], and a stale version comes back as the form with the conflict
/// notice (409) rather than the error page.
pub fn refused_or_conflict(
    error: AppError,
    form: &str,
    values: Fields,
    tr: &Tr,
) -> Result<FormState, WebError> {
    match error {
        AppError::Conflict { .. } => {
            let mut state = FormState::sent_as(form, values);
            state.notice = Some(tr.t("error-conflict"));
            Ok(state)
        }
        other => refused(other, form, values, tr),
    }
}

/// A coded value's name in the reader's language, or the code itself when unknown.
pub fn label<T: Copy>(
    tr: &Tr,
    code: &str,
    parse: fn(&str) -> Option<T>,
    key: fn(T) -> String,
) -> String {
    parse(code)
        .map(|v| tr.t(&key(v)))
        .unwrap_or_else(|| code.to_owned())
}

/// The options of a select: code and label.
pub fn options<T: Copy>(
    tr: &Tr,
    all: &[T],
    code: fn(T) -> &'static str,
    key: fn(T) -> String,
) -> Vec<(&'static str, String)> {
    all.iter().map(|v| (code(*v), tr.t(&key(*v)))).collect()
}

pub fn date_text(date: Option<time::Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// A count by sex as shown: girls, boys, total.
#[derive(Clone, Debug, Default)]
pub struct SexRow {
    pub label: String,
    pub girls: i64,
    pub boys: i64,
    pub total: i64,
}

impl SexRow {
    pub fn new(label: String, figure: &haven_domain::care::figures::BySex) -> SexRow {
        SexRow {
            label,
            girls: figure.girls,
            boys: figure.boys,
            total: figure.total,
        }
    }
}
