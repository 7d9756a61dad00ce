//! A growth-monitoring session: a facility's young children in one table, a quick form on
//! each row, and each child's z-scores and class (SAM / MAM flagged with the action) as
//! soon as the measurement is saved.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use haven_app::model::growth::NewMeasurement;
use haven_app::model::Id;
use haven_domain::growth::Indicator;
use haven_domain::{Action, Kind};
use serde::Deserialize;

use super::{
    age_on, age_text, assess, class_view, facility_choices, parse_measurement_form,
    position_options, ClassView, MeasurementForm, ZCell,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::pages::places::FieldMessages;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

/// At most this many children are read for one session, and shown on one page of it (a
/// page stays small on a slow link; the SAM/MAM counts cover every child read).
const SESSION_LIMIT: i64 = 1000;
const PAGE_SIZE: usize = 30;

#[derive(Template)]
#[template(path = "growth_home.html")]
struct HomePage {
    layout: Layout,
    facilities: Vec<(String, String)>,
}

/// Where growth monitoring starts: a session, the programme, the calculator.
pub async fn home(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    state.app().may_read_clinical(&auth.caller())?;
    let page = HomePage {
        layout: Layout::new(&auth.visitor, "growth-title"),
        facilities: facility_choices(&state, &auth, Action::Read).await?,
    };
    render(&page).map(no_store)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_match_as_written_or_as_they_sound() {
        let check = |name: &str, typed: &str, expected: bool| {
            assert_eq!(
                super::name_matches(name, typed),
                expected,
                "{name} / {typed}"
            );
        };
        check("សុខ ចាន់ធី (Sok Chanthy)", "chanthi", true);
        check("សុខ ចាន់ធី (Sok Chanthy)", "ចាន់ធី", true);
        check("សុខ ចាន់ធី (Sok Chanthy)", "sok chan", true);
        check("Child Number07", "number07", true);
        check("Child Number08", "number07", false);
        check("Sok Dara", "vanna", false);
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SessionQuery {
    #[serde(default)]
    pub facility: String,
    /// `all` for children to 19 years; under 5 otherwise.
    #[serde(default)]
    pub ages: String,
    /// The child just measured, whose row is shown as saved.
    #[serde(default)]
    pub saved: String,
    /// Part of a name, to find a child quickly.
    #[serde(default)]
    pub q: String,
    /// The page of the list, from 1.
    #[serde(default)]
    pub page: String,
}

/// One child's row in the session.
pub struct SessionRow {
    pub id: String,
    pub name: String,
    pub sex: String,
    pub age: String,
    pub last_date: String,
    pub weight: String,
    pub muac: String,
    pub oedema: bool,
    pub waz: ZCell,
    pub haz: ZCell,
    pub whz: ZCell,
    pub class: Option<ClassView>,
    pub saved: bool,
    pub form: MeasurementForm,
    pub messages: FieldMessages,
}

#[derive(Template)]
#[template(path = "growth_session.html")]
struct SessionPage {
    layout: Layout,
    facilities: Vec<(String, String)>,
    facility: String,
    all_ages: bool,
    rows: Vec<SessionRow>,
    positions: Vec<(&'static str, String)>,
    can_write: bool,
    today: String,
    sam: usize,
    mam: usize,
    total: usize,
    page: usize,
    pages: usize,
    q: String,
    ages: String,
}

async fn session_page(
    state: &AppState,
    auth: &Authenticated,
    query: &SessionQuery,
    failed: Option<(Id, MeasurementForm, FieldMessages)>,
) -> Result<Response, WebError> {
    let tr = auth.tr();
    let facilities = facility_choices(state, auth, Action::Read).await?;
    let facility: Option<Id> = query
        .facility
        .parse()
        .ok()
        .filter(|id: &Id| facilities.iter().any(|(f, _)| *f == id.to_string()));
    let now = state.today();
    let all_ages = query.ages == "all";
    let under_fives = i64::from(haven_domain::growth::anthro::LAST_DAY_OF_STANDARDS);
    let cutoff = now - time::Duration::days(if all_ages { 19 * 365 + 5 } else { under_fives });
    let mut children = match facility {
        Some(f) => {
            state
                .app()
                .growth_session_children(&auth.caller(), f, cutoff, SESSION_LIMIT)
                .await?
        }
        None => Vec::new(),
    };
    if !query.q.trim().is_empty() {
        children.retain(|c| name_matches(&c.person.display_name(), &query.q));
    }
    let (mut sam, mut mam) = (0, 0);
    for child in &children {
        let class = child
            .latest
            .as_ref()
            .and_then(|m| assess(&child.person, m))
            .and_then(|(_, _, a)| a.classification());
        match class {
            Some(haven_domain::growth::Classification::Sam) => sam += 1,
            Some(haven_domain::growth::Classification::Mam) => mam += 1,
            _ => {}
        }
    }
    let total = children.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    // The page holding the child just saved (or refused), else the one asked for.
    let saved_at = children
        .iter()
        .position(|c| c.person.id.to_string() == query.saved);
    let page_number = match saved_at {
        Some(i) => i / PAGE_SIZE + 1,
        None => query.page.parse::<usize>().unwrap_or(1).clamp(1, pages),
    };
    let mut rows = Vec::with_capacity(PAGE_SIZE);
    for child in children
        .into_iter()
        .skip((page_number - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
    {
        let person = &child.person;
        let assessed = child.latest.as_ref().and_then(|m| assess(person, m));
        let result = |i: Indicator| match &assessed {
            Some((_, _, a)) => ZCell::of(tr, a.get(i)),
            None => ZCell {
                text: "–".into(),
                title: String::new(),
                flag: false,
                class: "",
            },
        };
        let class = assessed
            .as_ref()
            .and_then(|(_, _, a)| class_view(tr, a.classification()));
        let (form, messages) = match &failed {
            Some((id, form, messages)) if *id == person.id => (form.clone(), messages.clone()),
            _ => (
                MeasurementForm {
                    measured: if age_on(person, now).is_some_and(|d| d < 731) {
                        "lying".into()
                    } else {
                        "standing".into()
                    },
                    ..MeasurementForm::default()
                },
                FieldMessages::default(),
            ),
        };
        rows.push(SessionRow {
            id: person.id.to_string(),
            name: person.display_name(),
            sex: tr.t(&person.sex().label_key()),
            age: age_on(person, now)
                .map(|d| age_text(tr, d))
                .unwrap_or_default(),
            last_date: child
                .latest
                .as_ref()
                .map(|m| m.measured_on.to_string())
                .unwrap_or_default(),
            weight: child
                .latest
                .as_ref()
                .and_then(|m| m.weight_kg)
                .map(|w| format!("{w}"))
                .unwrap_or_default(),
            muac: child
                .latest
                .as_ref()
                .and_then(|m| m.muac_mm)
                .map(|w| format!("{w:.0}"))
                .unwrap_or_default(),
            oedema: child.latest.as_ref().is_some_and(|m| m.oedema),
            waz: result(Indicator::WeightForAge),
            haz: result(Indicator::LengthHeightForAge),
            whz: result(Indicator::WeightForLengthHeight),
            class,
            saved: failed.is_none() && query.saved == person.id.to_string(),
            form,
            messages,
        });
    }
    let page = SessionPage {
        layout: Layout::new(&auth.visitor, "growth-session-title"),
        facilities,
        facility: facility.map(|f| f.to_string()).unwrap_or_default(),
        all_ages,
        rows,
        positions: position_options(tr),
        can_write: auth.me.can(Action::Write, Kind::Clinical),
        today: now.to_string(),
        sam,
        mam,
        total,
        page: page_number,
        pages,
        q: query.q.clone(),
        ages: if all_ages {
            "all".into()
        } else {
            String::new()
        },
    };
    let status_failed = failed.is_some();
    render(&page).map(|mut r| {
        if status_failed {
            *r.status_mut() = FORM_ERROR;
        }
        no_store(r)
    })
}

/// Whether every word typed is in the name: as written (either script), or, for a word of
/// letters only, as the start of a romanised name's phonetic key (Sokha, Sokhar, Sokah).
fn name_matches(name: &str, typed: &str) -> bool {
    let name = name.to_lowercase();
    let keys: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .map(haven_domain::search::phonetic_key)
        .filter(|k| !k.is_empty())
        .collect();
    typed.to_lowercase().split_whitespace().all(|word| {
        if name.contains(word) {
            return true;
        }
        let key = haven_domain::search::phonetic_key(word);
        word.chars().all(char::is_alphabetic)
            && !key.is_empty()
            && keys.iter().any(|k| k.starts_with(&key))
    })
}

pub async fn page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<SessionQuery>,
) -> Result<Response, WebError> {
    state.app().may_read_clinical(&auth.caller())?;
    session_page(&state, &auth, &query, None).await
}

/// The session row's form, with where to come back to.
#[derive(Debug, Default, Deserialize)]
pub struct SessionForm {
    #[serde(flatten)]
    pub values: MeasurementForm,
    #[serde(default)]
    pub ages: String,
    #[serde(default)]
    pub q: String,
}

/// Records one child's measurement in the session, then shows the session again with the
/// child's new z-scores and class; bad input comes back in that row, everything kept.
pub async fn record(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
    Form(form): Form<SessionForm>,
) -> Result<Response, WebError> {
    let person = state
        .app()
        .growth_child(&auth.caller(), person, Action::Write)
        .await?;
    let facility = super::child::parse_facility(&state, &auth, &form.values.facility).await?;
    let query = SessionQuery {
        facility: facility.map(|f| f.to_string()).unwrap_or_default(),
        ages: form.ages.clone(),
        saved: person.id.to_string(),
        q: form.q.clone(),
        page: String::new(),
    };
    let tr = auth.tr().clone();
    let (values, measured_on) =
        match parse_measurement_form(&tr, &form.values, &person, state.today()) {
            Ok(parsed) => parsed,
            Err(messages) => {
                return session_page(
                    &state,
                    &auth,
                    &query,
                    Some((person.id, form.values, messages)),
                )
                .await;
            }
        };
    let new = NewMeasurement {
        person_id: person.id,
        facility_id: facility,
        visit_id: None,
        measured_on,
        values,
        note: form.values.note.clone(),
    };
    state
        .app()
        .record_measurement(&auth.caller(), &new)
        .await
        .map_err(|error| match error {
            haven_app::AppError::Invalid(_) => WebError::BadRequest("bad-request"),
            other => other.into(),
        })?;
    let back = form_urlencoded::Serializer::new(String::new())
        .append_pair("facility", &query.facility)
        .append_pair("ages", &query.ages)
        .append_pair("q", &query.q)
        .append_pair("saved", &person.id.to_string())
        .finish();
    Ok(see_other(&format!(
        "/growth/session?{back}#child-{}",
        person.id
    )))
}
