//! The pages of mother and child health: the antenatal worklist, a pregnancy's page
//! and its contacts, recording a birth, postnatal lists, a child's immunisation card,
//! immunisation sessions from a facility's due list, coverage, and family planning.
//! Reading needs Read Clinical, writing Write Clinical; HIV results need the HIV
//! permissions. A record belongs to its facility: out of the reader's reach it
//! answers 404 and is left out of lists.

pub(crate) mod birth;
mod corrections;
mod family_planning;
pub(crate) mod immunisation;
pub(crate) mod pregnancy;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};
use haven_app::model::{Facility, Id, Person};
use haven_domain::mch::immunisation::Schedule;
use haven_domain::{Action, Kind};
use serde::Deserialize;
use time::Date;

use crate::auth::Authenticated;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::places::{place_name, FieldMessages};
use crate::pages::{no_store, render, Layout};
use crate::state::AppState;

pub use immunisation::{antigen_name, person_summary};

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/mch", get(index)),
        ("/mch/anc", get(pregnancy::worklist)),
        (
            "/mch/pregnancies/new",
            get(pregnancy::new_page).post(pregnancy::create),
        ),
        ("/mch/pregnancies/{pregnancy}", get(pregnancy::show)),
        (
            "/mch/pregnancies/{pregnancy}/contacts",
            post(pregnancy::add_contact),
        ),
        (
            "/mch/pregnancies/{pregnancy}/error",
            post(pregnancy::mark_in_error),
        ),
        (
            "/mch/pregnancies/{pregnancy}/correct",
            get(corrections::correct_form).post(corrections::correct),
        ),
        ("/mch/pregnancies/{pregnancy}/end", post(corrections::end)),
        (
            "/mch/anc-contacts/{anc_contact}/error",
            post(corrections::anc_contact_in_error),
        ),
        (
            "/mch/pnc-contacts/{pnc_contact}/error",
            post(corrections::pnc_contact_in_error),
        ),
        (
            "/mch/fp-visits/{fp_visit}/error",
            post(corrections::fp_visit_in_error),
        ),
        (
            "/mch/pregnancies/{pregnancy}/delivery",
            get(birth::delivery_form).post(birth::record_delivery),
        ),
        ("/mch/deliveries/{delivery}", get(birth::show)),
        ("/mch/deliveries/{delivery}/pnc", post(birth::add_pnc)),
        ("/mch/pnc", get(birth::pnc_list)),
        (
            "/mch/immunisation/{mch_person}",
            get(immunisation::child).post(immunisation::record_dose),
        ),
        (
            "/mch/immunisation/{mch_person}/doses/{mch_dose}/error",
            post(immunisation::dose_in_error),
        ),
        (
            "/mch/sessions",
            get(immunisation::session).post(immunisation::record_session),
        ),
        ("/mch/coverage", get(immunisation::coverage)),
        ("/mch/family-planning", get(family_planning::due_list)),
        (
            "/mch/family-planning/{mch_person}",
            get(family_planning::client).post(family_planning::record_visit),
        ),
    ]
}

/// A form's fields as sent: a repeated field (ticked boxes) keeps every value.
#[derive(Clone, Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn new(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }

    /// The first value of a field, or empty.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A ticked box (sent with any non-empty value).
    pub fn flag(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    /// True when the field holds this value: a selected option or a ticked box.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_owned(), value.into()));
    }
}

/// Field errors in the reader's language.
pub fn messages(tr: &Tr, errors: &[(&'static str, haven_domain::mch::MchError)]) -> FieldMessages {
    let mut messages = FieldMessages::default();
    for (field, error) in errors {
        messages.set(field, tr.t(error.code()));
    }
    messages
}

/// haven-app's field errors in the reader's language.
pub fn field_messages(tr: &Tr, fields: &[haven_app::FieldError]) -> FieldMessages {
    let mut messages = FieldMessages::default();
    for field in fields {
        messages.set(field.field, tr.t(field.code));
    }
    messages
}

/// Choices for a select or checkboxes: code and name in the reader's language.
pub fn choices<T: Copy>(
    tr: &Tr,
    all: &[T],
    code: fn(T) -> &'static str,
    key: fn(T) -> String,
) -> Vec<(&'static str, String)> {
    all.iter().map(|v| (code(*v), tr.t(&key(*v)))).collect()
}

/// A person a page is about, if the reader reaches where they are registered.
pub async fn person_in_reach(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
) -> Result<Person, WebError> {
    let id: Id = raw.parse().map_err(|_| WebError::NotFound)?;
    Ok(state.app().clinical_person(&auth.caller(), id).await?)
}

/// The open facilities in reach where mother-and-child care happens: mother-and-
/// child clinics, medical centres, emergency health centres, each by name.
pub async fn mch_facilities(
    state: &AppState,
    auth: &Authenticated,
    kinds: &[Kind],
) -> Result<Vec<Facility>, WebError> {
    Ok(state.app().mch_facilities(&auth.caller(), kinds).await?)
}

/// The facility a list is for: the one asked for if in reach, else the first.
pub struct FacilityChoice {
    pub id: Option<Id>,
    pub options: Vec<(String, String, bool)>,
    pub name: String,
}

impl FacilityChoice {
    /// The chosen facility's id for a link's query, or empty.
    pub fn query(&self) -> String {
        id_text(self.id)
    }
}

pub async fn choose_facility(
    state: &AppState,
    auth: &Authenticated,
    asked: &str,
) -> Result<FacilityChoice, WebError> {
    choose_facility_for(state, auth, asked, &[Kind::Clinical]).await
}

/// The facility a list is for, among those the roles granting Read on any of
/// `kinds` reach.
pub async fn choose_facility_for(
    state: &AppState,
    auth: &Authenticated,
    asked: &str,
    kinds: &[Kind],
) -> Result<FacilityChoice, WebError> {
    let facilities = mch_facilities(state, auth, kinds).await?;
    let tr = auth.tr();
    let asked: Option<Id> = asked.parse().ok();
    let chosen = asked
        .filter(|a| facilities.iter().any(|f| f.id == *a))
        .or_else(|| facilities.first().map(|f| f.id));
    Ok(FacilityChoice {
        id: chosen,
        name: facilities
            .iter()
            .find(|f| Some(f.id) == chosen)
            .map(|f| place_name(tr, &f.name, &f.name_km))
            .unwrap_or_default(),
        options: facilities
            .iter()
            .map(|f| {
                (
                    f.id.to_string(),
                    place_name(tr, &f.name, &f.name_km),
                    Some(f.id) == chosen,
                )
            })
            .collect(),
    })
}

/// A facility's name in the reader's language, or empty.
pub async fn facility_name(state: &AppState, tr: &Tr, id: Id) -> String {
    match state.app().facility_names(id).await {
        Ok((name, name_km)) => place_name(tr, &name, &name_km),
        Err(_) => String::new(),
    }
}

/// The immunisation schedule the site's settings name.
pub fn schedule(state: &AppState) -> Result<&'static Schedule, WebError> {
    Schedule::builtin(&state.config().immunisation_schedule).map_err(|error| {
        tracing::error!(%error, "the immunisation schedule");
        WebError::Internal
    })
}

/// A list page's address: facility and day.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub facility: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub year: String,
}

impl ListQuery {
    /// The day asked for, or today.
    pub fn day(&self, state: &AppState) -> Date {
        haven_domain::places::parse_date(&self.date).unwrap_or_else(|| state.today())
    }
}

#[derive(Template)]
#[template(path = "mch_index.html")]
struct IndexPage {
    layout: Layout,
    facility: FacilityChoice,
    can_write: bool,
}

pub async fn index(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = IndexPage {
        layout: Layout::new(&auth.visitor, "mch-title"),
        facility: choose_facility(&state, &auth, &query.facility).await?,
        can_write: auth.me.can(Action::Write, Kind::Clinical),
    };
    render(&page).map(no_store)
}

/// The facility id as text for links, or empty.
pub fn id_text(id: Option<Id>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}
