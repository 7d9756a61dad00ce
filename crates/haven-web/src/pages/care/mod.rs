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

use std::collections::BTreeMap;

use axum::routing::{get, post, MethodRouter};
use haven_domain::care::{sees_own_house_only, CareError, CareNoteKind, Problems};
use haven_domain::{Action, Kind, Role, Scope};
use haven_store::care::{CareChild, CareWriteError, House};
use haven_store::{Id, Reach, Store, StoreError};

use crate::auth::Authenticated;
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

/// What the reader's roles let them see of care.
#[derive(Clone, Debug)]
pub struct CareAccess {
    /// The facilities whose whole caseload the reader sees.
    pub reach: Reach,
    /// The houses of an SOS parent or family assistant, and how far their scope reaches.
    pub houses: Vec<Id>,
    pub house_reach: Reach,
}

impl CareAccess {
    /// Works out the reader's care access from their roles that read care.
    pub async fn of(
        store: &Store,
        roles: &[(Role, Scope)],
        user_id: Id,
    ) -> Result<CareAccess, StoreError> {
        CareAccess::of_readers(store, roles, user_id, &[Kind::Care]).await
    }

    /// The access of the reader's roles that read every one of `kinds` (the health
    /// section: roles that read both care and the health summary).
    pub async fn of_readers(
        store: &Store,
        roles: &[(Role, Scope)],
        user_id: Id,
        kinds: &[Kind],
    ) -> Result<CareAccess, StoreError> {
        let readers = roles
            .iter()
            .filter(|(role, _)| kinds.iter().all(|kind| role.permits(Action::Read, *kind)));
        let (bound, whole): (Vec<_>, Vec<_>) =
            readers.partition(|(role, _)| sees_own_house_only(*role));
        let scopes =
            |list: &[&(Role, Scope)]| list.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>();
        let reach = if whole.is_empty() {
            Reach::Facilities {
                ids: Vec::new(),
                include_unplaced: false,
            }
        } else {
            store.reach_of(&scopes(&whole)).await?
        };
        let (houses, house_reach) = if bound.is_empty() {
            (
                Vec::new(),
                Reach::Facilities {
                    ids: Vec::new(),
                    include_unplaced: false,
                },
            )
        } else {
            (
                store.houses_of_user(user_id).await?,
                store.reach_of(&scopes(&bound)).await?,
            )
        };
        Ok(CareAccess {
            reach,
            houses,
            house_reach,
        })
    }

    pub async fn of_page(state: &AppState, auth: &Authenticated) -> Result<CareAccess, WebError> {
        Ok(CareAccess::of(state.store(), &auth.me.roles, auth.me.user.id).await?)
    }

    /// The reader sees everything about this facility's care.
    pub fn sees_facility(&self, facility: Id) -> bool {
        self.reach.holds(Some(facility))
    }

    pub fn sees_child(&self, child: &CareChild) -> bool {
        self.sees_facility(child.facility_id)
            || child.house_id.is_some_and(|h| {
                self.houses.contains(&h) && self.house_reach.holds(Some(child.facility_id))
            })
    }

    pub fn sees_house(&self, house: &House) -> bool {
        self.sees_facility(house.facility_id)
            || (self.houses.contains(&house.id) && self.house_reach.holds(Some(house.facility_id)))
    }

    /// The facilities of these (care) facilities that the reader sees whole.
    pub fn facilities_of<'a>(
        &self,
        all: &'a [haven_store::Facility],
    ) -> Vec<&'a haven_store::Facility> {
        all.iter().filter(|f| self.sees_facility(f.id)).collect()
    }
}

/// The kinds of note the reader may read.
pub fn readable_note_kinds(auth_can: impl Fn(Action, Kind) -> bool) -> Vec<CareNoteKind> {
    let mut kinds = Vec::new();
    if auth_can(Action::Read, Kind::CareNote) {
        kinds.push(CareNoteKind::Daily);
    }
    if auth_can(Action::Read, Kind::PsychosocialNote) {
        kinds.push(CareNoteKind::Psychosocial);
    }
    kinds
}

/// The fields of a form as sent: every name with its values, in order. Checkboxes
/// with one name send several values.
#[derive(Clone, Debug, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A ticked checkbox.
    pub fn ticked(&self, name: &str) -> bool {
        matches!(self.get(name), "on" | "true" | "1" | "yes")
    }

    pub fn version(&self) -> i64 {
        self.get("version").trim().parse().unwrap_or(-1)
    }

    pub fn id(&self, name: &str) -> Option<Id> {
        self.get(name).trim().parse().ok()
    }
}

/// A form on a page that came back: which one, what was typed, and the message at
/// each wrong field, so the page shows the input kept.
#[derive(Clone, Debug, Default)]
pub struct FormState {
    pub form: String,
    pub values: Fields,
    pub errors: BTreeMap<String, String>,
    pub notice: Option<String>,
}

impl FormState {
    pub fn failed(form: &str, values: Fields, tr: &Tr, problems: Problems) -> FormState {
        let mut errors = BTreeMap::new();
        for (field, error) in problems {
            errors
                .entry(field.to_owned())
                .or_insert_with(|| tr.t(error.code()));
        }
        FormState {
            form: form.to_owned(),
            values,
            errors,
            notice: None,
        }
    }

    pub fn refused(
        form: &str,
        values: Fields,
        tr: &Tr,
        field: &str,
        error: CareError,
    ) -> FormState {
        let mut state = FormState::failed(form, values, tr, Vec::new());
        state.errors.insert(field.to_owned(), tr.t(error.code()));
        state
    }

    /// What was typed in `field` of `form`, if that form came back.
    pub fn v(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.values.get(field).to_owned()
        } else {
            String::new()
        }
    }

    /// True when `value` was among what was sent for `field` (a checkbox or option).
    pub fn has(&self, form: &str, field: &str, value: &str) -> bool {
        self.form == form && self.values.all(field).contains(&value)
    }

    pub fn e(&self, form: &str, field: &str) -> Option<String> {
        if self.form == form {
            self.errors.get(field).cloned()
        } else {
            None
        }
    }

    /// Any error of `form` that belongs to no field shown.
    pub fn any(&self, form: &str) -> bool {
        self.form == form && !self.errors.is_empty()
    }
}

/// What a care write's refusal becomes on a page: the form back with the message, or
/// the error page for a store error.
pub fn refusal(
    error: CareWriteError,
    form: &str,
    values: Fields,
    tr: &Tr,
) -> Result<FormState, WebError> {
    match error {
        CareWriteError::Refused(field, rule) => {
            Ok(FormState::refused(form, values, tr, field, rule))
        }
        CareWriteError::Store(error) => Err(error.into()),
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
