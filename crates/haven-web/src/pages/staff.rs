//! Staff pages: the list with its filters and CSV, registrations expiring soon, a
//! staff member's page (facilities, user account, trainings) and its forms, and
//! recording an existing person as staff. Reading needs Read Staff; the forms need
//! Write Staff.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};
use axum::Form;
use haven_app::model::{Id, StaffFilter, StaffMember};
use haven_app::AppError;
use haven_domain::staff::{
    ErrorReason, Profession, StaffDetails, StaffField, StaffInput, TrainingDetails, TrainingInput,
};
use haven_domain::{Action, Kind};
use serde::Deserialize;

use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::export::csv_response;
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::places::{place_name, FieldMessages};
use crate::pages::{no_store, render, respond, Layout, FORM_ERROR};
use crate::state::AppState;

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/staff", get(list)),
        ("/staff/export.csv", get(export)),
        ("/staff/expiring", get(expiring)),
        ("/staff/expiring/export.csv", get(export_expiring)),
        ("/staff/new", get(new_page).post(create)),
        ("/staff/{staff}", get(show).post(update)),
        ("/staff/{staff}/trainings", post(add_training)),
        (
            "/staff/{staff}/trainings/{training}/error",
            post(training_in_error),
        ),
        ("/staff/{staff}/facilities", post(assign_facility)),
        (
            "/staff/{staff}/facilities/{placement}/end",
            post(end_facility),
        ),
        ("/staff/{staff}/user", post(link_user)),
    ]
}

/// How far ahead the expiring list looks.
pub const EXPIRY_WINDOW_DAYS: i64 = 90;

/// The name of a profession in the reader's language.
pub fn profession_label(tr: &Tr, code: &str) -> String {
    Profession::parse(code)
        .map(|p| tr.t(&p.label_key()))
        .unwrap_or_else(|| code.to_owned())
}

fn profession_options(tr: &Tr) -> Vec<(&'static str, String)> {
    Profession::ALL
        .iter()
        .map(|p| (p.code(), tr.t(&p.label_key())))
        .collect()
}

fn staff_messages(
    tr: &Tr,
    errors: Vec<(StaffField, haven_domain::staff::StaffError)>,
) -> FieldMessages {
    let mut messages = FieldMessages::default();
    for (field, error) in errors {
        messages.set(field.name(), tr.t(error.code()));
    }
    messages
}

fn date_text(date: Option<time::Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// The list's filters, as in the address.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub profession: String,
    #[serde(default)]
    pub facility: String,
}

impl ListQuery {
    fn filter(&self) -> StaffFilter {
        StaffFilter {
            profession: Profession::parse(&self.profession),
            facility: self.facility.parse().ok(),
        }
    }

    fn query_string(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("profession", &self.profession)
            .append_pair("facility", &self.facility)
            .finish()
    }
}

/// A staff member in a list, ready to show.
pub struct StaffListRow {
    pub id: String,
    pub name: String,
    pub profession: String,
    pub registration: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "staff_list.html")]
struct StaffListPage {
    layout: Layout,
    staff: Vec<StaffListRow>,
    query: ListQuery,
    export_query: String,
    professions: Vec<(&'static str, String)>,
    facilities: Vec<(String, String)>,
    can_write: bool,
}

/// The open facilities for a select: id and name in the reader's language.
pub async fn facility_options(
    state: &AppState,
    tr: &Tr,
) -> Result<Vec<(String, String)>, WebError> {
    Ok(state
        .app()
        .open_facilities()
        .await?
        .into_iter()
        .map(|f| (f.id.to_string(), place_name(tr, &f.name, &f.name_km)))
        .collect())
}

pub async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let tr = auth.tr();
    let staff = state
        .app()
        .list_staff(&caller, &query.filter())
        .await?
        .into_iter()
        .map(|s| StaffListRow {
            id: s.id.to_string(),
            name: s.display_name(),
            profession: profession_label(tr, &s.profession),
            expires: date_text(s.registration_expires_on),
            registration: s.registration_number,
        })
        .collect();
    let page = StaffListPage {
        layout: Layout::new(&auth.visitor, "staff-title"),
        staff,
        export_query: query.query_string(),
        query,
        professions: profession_options(tr),
        facilities: facility_options(&state, tr).await?,
        can_write: state.app().may_change_staff(&caller).is_ok(),
    };
    render(&page).map(no_store)
}

/// The staff list as CSV, with the same filters. Read Staff, and audited.
pub async fn export(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let mut rows = Vec::new();
    for record in state
        .app()
        .export_staff(&auth.caller(), &query.filter())
        .await?
    {
        let s = record.staff;
        let facilities = record
            .assignments
            .into_iter()
            .filter(|a| a.ended_at.is_none())
            .map(|a| a.facility_name)
            .collect::<Vec<_>>()
            .join("; ");
        rows.push(vec![
            s.id.to_string(),
            s.person_id.to_string(),
            s.family_name_km.clone(),
            s.given_name_km.clone(),
            s.family_name_latin.clone(),
            s.given_name_latin.clone(),
            s.profession.clone(),
            s.registration_number.clone(),
            date_text(s.registration_expires_on),
            date_text(s.started_on),
            date_text(s.left_on),
            facilities,
        ]);
    }
    let header: Vec<String> = [
        "staff_id",
        "person_id",
        "family_name_km",
        "given_name_km",
        "family_name_latin",
        "given_name_latin",
        "profession",
        "registration_number",
        "registration_expires_on",
        "started_on",
        "left_on",
        "facilities",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    Ok(csv_response("staff.csv", &header, rows))
}

/// A registration in the expiring list.
pub struct ExpiringRow {
    pub id: String,
    pub name: String,
    pub profession: String,
    pub registration: String,
    pub expires: String,
    pub days: String,
    pub expired: bool,
}

#[derive(Template)]
#[template(path = "staff_expiring.html")]
struct ExpiringPage {
    layout: Layout,
    rows: Vec<ExpiringRow>,
    window: i64,
}

pub async fn expiring(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    let tr = auth.tr();
    let rows = state
        .app()
        .registrations_expiring(&auth.caller(), EXPIRY_WINDOW_DAYS, state.today())
        .await?
        .into_iter()
        .map(|e| ExpiringRow {
            id: e.staff.id.to_string(),
            name: e.staff.display_name(),
            profession: profession_label(tr, &e.staff.profession),
            registration: e.staff.registration_number.clone(),
            expires: e.expires_on.to_string(),
            days: if e.expired {
                tr.t1("staff-expired-days-ago", "days", -e.days_left)
            } else {
                tr.t1("staff-days-left", "days", e.days_left)
            },
            expired: e.expired,
        })
        .collect();
    let page = ExpiringPage {
        layout: Layout::new(&auth.visitor, "staff-expiring-title"),
        rows,
        window: EXPIRY_WINDOW_DAYS,
    };
    render(&page).map(no_store)
}

/// The expiring registrations as a CSV file; the download is audited.
pub async fn export_expiring(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    let rows: Vec<Vec<String>> = state
        .app()
        .export_registrations_expiring(&auth.caller(), EXPIRY_WINDOW_DAYS, state.today())
        .await?
        .into_iter()
        .map(|e| {
            vec![
                e.staff.id.to_string(),
                e.staff.family_name_km.clone(),
                e.staff.given_name_km.clone(),
                e.staff.family_name_latin.clone(),
                e.staff.given_name_latin.clone(),
                e.staff.profession.clone(),
                e.staff.registration_number.clone(),
                e.expires_on.to_string(),
                e.days_left.to_string(),
            ]
        })
        .collect();
    let header: Vec<String> = [
        "staff_id",
        "family_name_km",
        "given_name_km",
        "family_name_latin",
        "given_name_latin",
        "profession",
        "registration_number",
        "expires_on",
        "days_left",
    ]
    .iter()
    .map(|h| (*h).to_owned())
    .collect();
    Ok(crate::export::csv_response(
        "registrations-expiring.csv",
        &header,
        rows,
    ))
}

/// The staff form as typed (new and edit).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StaffForm {
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub profession: String,
    #[serde(default)]
    pub registration_number: String,
    #[serde(default)]
    pub registration_expires_on: String,
    #[serde(default)]
    pub started_on: String,
    #[serde(default)]
    pub left_on: String,
    #[serde(default)]
    pub version: String,
}

impl StaffForm {
    fn of(s: &StaffMember) -> StaffForm {
        StaffForm {
            person: s.person_id.to_string(),
            profession: s.profession.clone(),
            registration_number: s.registration_number.clone(),
            registration_expires_on: date_text(s.registration_expires_on),
            started_on: date_text(s.started_on),
            left_on: date_text(s.left_on),
            version: s.version.to_string(),
        }
    }

    fn parse(&self, tr: &Tr) -> Result<StaffDetails, FieldMessages> {
        StaffDetails::parse(&StaffInput {
            profession: &self.profession,
            registration_number: &self.registration_number,
            registration_expires_on: &self.registration_expires_on,
            started_on: &self.started_on,
            left_on: &self.left_on,
        })
        .map_err(|errors| staff_messages(tr, errors))
    }
}

#[derive(Template)]
#[template(path = "staff_new.html")]
struct NewStaffPage {
    layout: Layout,
    /// The person's name, or `None` when the address named no (known) person.
    person_name: Option<String>,
    already: Option<String>,
    sform: StaffForm,
    serrors: FieldMessages,
    snotice: Option<String>,
    professions: Vec<(&'static str, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    person: String,
}

async fn new_staff_page(
    state: &AppState,
    auth: &Authenticated,
    sform: StaffForm,
    serrors: FieldMessages,
) -> Result<NewStaffPage, WebError> {
    let view = state
        .app()
        .new_staff_view(&auth.caller(), sform.person.parse::<Id>().ok())
        .await?;
    Ok(NewStaffPage {
        layout: Layout::new(&auth.visitor, "staff-new-title"),
        person_name: view.person_name,
        already: view.already.map(|id| id.to_string()),
        sform,
        serrors,
        snotice: None,
        professions: profession_options(auth.tr()),
    })
}

pub async fn new_page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<NewQuery>,
) -> Result<Response, WebError> {
    let person = query.person;
    let form = StaffForm {
        person: person.trim().to_owned(),
        ..StaffForm::default()
    };
    let page = new_staff_page(&state, &auth, form, FieldMessages::default()).await?;
    render(&page).map(no_store)
}

pub async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(form): Form<StaffForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_staff(&caller)?;
    let tr = auth.tr().clone();
    let person = form.person.parse::<Id>().ok();
    let errors = match (person, form.parse(&tr)) {
        (Some(person), Ok(details)) => {
            match state
                .app()
                .create_staff_member(&caller, person, &details)
                .await
            {
                Ok(record) => return Ok(see_other(&format!("/staff/{}", record.staff.id))),
                // The page says why: no such person, or already staff.
                Err(AppError::NotFound { .. }) | Err(AppError::Duplicate { .. }) => {
                    FieldMessages::default()
                }
                Err(other) => return Err(other.into()),
            }
        }
        (_, Err(errors)) => errors,
        (None, Ok(_)) => FieldMessages::default(),
    };
    let page = new_staff_page(&state, &auth, form, errors).await?;
    let mut response = render(&page)?;
    *response.status_mut() = FORM_ERROR;
    Ok(no_store(response))
}

/// A facility assignment, ready to show.
pub struct AssignmentRow {
    pub id: String,
    pub facility_id: String,
    pub facility: String,
    pub ended: bool,
    pub version: i64,
}

/// A training, ready to show.
pub struct TrainingRow {
    pub id: String,
    pub course: String,
    pub provider: String,
    pub dates: String,
    pub hours: String,
    pub certificate: String,
    pub version: i64,
}

/// The training form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TrainingForm {
    #[serde(default)]
    pub course: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub training_started_on: String,
    #[serde(default)]
    pub training_ended_on: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub certificate: String,
}

#[derive(Template)]
#[template(path = "staff_member.html")]
struct StaffMemberPage {
    layout: Layout,
    staff: StaffMember,
    edit_action: String,
    name: String,
    profession: String,
    expiry: Option<String>,
    username: Option<String>,
    assignments: Vec<AssignmentRow>,
    trainings: Vec<TrainingRow>,
    total_hours: String,
    can_write: bool,
    /// The reader may open the person's record in the registry.
    can_read_person: bool,
    facilities: Vec<(String, String)>,
    sform: StaffForm,
    serrors: FieldMessages,
    snotice: Option<String>,
    professions: Vec<(&'static str, String)>,
    tform: TrainingForm,
    terrors: FieldMessages,
    facility_error: Option<String>,
    user_form: String,
    user_error: Option<String>,
    error_reason_error: Option<String>,
}

fn hours_text(hours: f64) -> String {
    if hours.fract() == 0.0 {
        format!("{hours:.0}")
    } else {
        format!("{hours:.1}")
    }
}

async fn staff_page(
    state: &AppState,
    auth: &Authenticated,
    id: Id,
) -> Result<StaffMemberPage, WebError> {
    let tr = auth.tr();
    let caller = auth.caller();
    let record = state.app().staff_record(&caller, id).await?;
    let (staff, username) = (record.staff, record.username);
    let expiry = staff.registration_expires_on.map(|expires| {
        let days = haven_domain::staff::days_until(expires, state.today());
        if days < 0 {
            tr.t1("staff-expired-days-ago", "days", -days)
        } else {
            tr.t1("staff-days-left", "days", days)
        }
    });
    let assignments = record
        .assignments
        .into_iter()
        .map(|a| AssignmentRow {
            id: a.id.to_string(),
            facility_id: a.facility_id.to_string(),
            facility: place_name(tr, &a.facility_name, &a.facility_name_km),
            ended: a.ended_at.is_some(),
            version: a.version,
        })
        .collect();
    let trainings = record.trainings;
    let total: f64 = trainings.iter().filter_map(|t| t.hours).sum();
    let trainings = trainings
        .into_iter()
        .map(|t| TrainingRow {
            id: t.id.to_string(),
            dates: if t.started_on == t.ended_on {
                t.started_on.to_string()
            } else {
                format!("{} – {}", t.started_on, t.ended_on)
            },
            hours: t.hours.map(hours_text).unwrap_or_default(),
            course: t.course,
            provider: t.provider,
            certificate: t.certificate,
            version: t.version,
        })
        .collect();
    Ok(StaffMemberPage {
        layout: Layout::new(&auth.visitor, "staff-member-title"),
        edit_action: format!("/staff/{}", staff.id),
        name: staff.display_name(),
        profession: profession_label(tr, &staff.profession),
        expiry,
        username,
        assignments,
        trainings,
        total_hours: hours_text(total),
        can_write: state.app().may_change_staff(&caller).is_ok(),
        can_read_person: caller.can(Action::Read, Kind::Person),
        facilities: facility_options(state, tr).await?,
        sform: StaffForm::of(&staff),
        serrors: FieldMessages::default(),
        snotice: None,
        professions: profession_options(tr),
        tform: TrainingForm::default(),
        terrors: FieldMessages::default(),
        facility_error: None,
        user_form: String::new(),
        user_error: None,
        error_reason_error: None,
        staff,
    })
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let page = staff_page(&state, &auth, id).await?;
    respond(&page, axum::http::StatusCode::OK)
}

pub async fn update(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(form): Form<StaffForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_staff(&caller)?;
    let tr = auth.tr().clone();
    let version = form.version.trim().parse().unwrap_or(-1);
    let errors = match form.parse(&tr) {
        Ok(details) => match state
            .app()
            .update_staff_member(&caller, id, version, &details)
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/staff/{id}"))),
            Err(AppError::Conflict { .. }) => None,
            Err(other) => return Err(other.into()),
        },
        Err(errors) => Some(errors),
    };
    let mut page = staff_page(&state, &auth, id).await?;
    let status = match errors {
        Some(errors) => {
            page.serrors = errors;
            FORM_ERROR
        }
        None => {
            page.snotice = Some(tr.t("error-conflict"));
            axum::http::StatusCode::CONFLICT
        }
    };
    page.sform = form;
    respond(&page, status)
}

pub async fn add_training(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(form): Form<TrainingForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_staff(&caller)?;
    let parsed = TrainingDetails::parse(&TrainingInput {
        course: &form.course,
        provider: &form.provider,
        started_on: &form.training_started_on,
        ended_on: &form.training_ended_on,
        hours: &form.hours,
        certificate: &form.certificate,
    });
    match parsed {
        Ok(details) => {
            state.app().add_training(&caller, id, &details).await?;
            Ok(see_other(&format!("/staff/{id}#trainings")))
        }
        Err(errors) => {
            let mut page = staff_page(&state, &auth, id).await?;
            page.terrors = staff_messages(auth.tr(), errors);
            page.tform = form;
            respond(&page, FORM_ERROR)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct InErrorForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    reason: String,
}

pub async fn training_in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((id, training)): Ids<(Id, Id)>,
    Form(form): Form<InErrorForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_staff(&caller)?;
    match ErrorReason::parse(&form.reason) {
        Ok(reason) => {
            let version = form.version.trim().parse().unwrap_or(-1);
            state
                .app()
                .mark_training_in_error(&caller, id, training, version, &reason)
                .await?;
            Ok(see_other(&format!("/staff/{id}#trainings")))
        }
        Err(error) => {
            let mut page = staff_page(&state, &auth, id).await?;
            page.error_reason_error = Some(auth.tr().t(error.code()));
            respond(&page, FORM_ERROR)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    facility: String,
}

pub async fn assign_facility(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(form): Form<AssignForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_staff(&caller)?;
    let facility = form.facility.parse::<Id>().ok();
    let problem = match state
        .app()
        .assign_staff_facility(&caller, id, facility)
        .await
    {
        Ok(_) => return Ok(see_other(&format!("/staff/{id}"))),
        Err(AppError::Invalid(fields)) => fields
            .first()
            .map_or("staff-choose-facility", |field| field.code),
        Err(other) => return Err(other.into()),
    };
    let mut page = staff_page(&state, &auth, id).await?;
    page.facility_error = Some(auth.tr().t(problem));
    respond(&page, FORM_ERROR)
}

#[derive(Debug, Default, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

pub async fn end_facility(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((id, assignment)): Ids<(Id, Id)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_staff(&caller)?;
    let version = form.version.trim().parse().unwrap_or(-1);
    state
        .app()
        .end_staff_facility(&caller, id, assignment, version)
        .await?;
    Ok(see_other(&format!("/staff/{id}")))
}

#[derive(Debug, Default, Deserialize)]
pub struct UserLinkForm {
    #[serde(default)]
    version: String,
    /// A username to link; empty unlinks.
    #[serde(default)]
    username: String,
}

pub async fn link_user(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(form): Form<UserLinkForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_staff(&caller)?;
    let version = form.version.trim().parse().unwrap_or(-1);
    let username = haven_domain::text::normalise(&form.username);
    match state
        .app()
        .link_staff_user(&caller, id, version, &username)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/staff/{id}"))),
        Err(AppError::Invalid(fields)) => {
            let key = fields
                .first()
                .map_or("staff-no-such-user", |field| field.code);
            user_link_error(&state, &auth, id, form.username, key).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn user_link_error(
    state: &AppState,
    auth: &Authenticated,
    id: Id,
    typed: String,
    key: &str,
) -> Result<Response, WebError> {
    let mut page = staff_page(state, auth, id).await?;
    page.user_error = Some(auth.tr().t(key));
    page.user_form = typed;
    respond(&page, FORM_ERROR)
}
