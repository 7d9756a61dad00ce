//! Family strengthening pages: the households of the offices the reader reaches, a
//! household (members from the registry, children at risk, vulnerabilities,
//! services, self-reliance, case steps, plans, graduation or exit), and the list of
//! partner organisations.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use haven_app::care::{CaseStep, HouseholdRecord, OFFICE};
use haven_app::model::care::{Household, Partner};
use haven_app::model::Id;
use haven_app::AppError;
use haven_domain::care::{
    CareCaseState, CareError, FamilyService, FamilyVulnerability, HouseholdDetails, HouseholdEnd,
    HouseholdStatus, PartnerDetails, ProgressDetails, SelfReliance, ServiceDetails,
};
use haven_domain::person::age_in_years;
use haven_domain::{Action, Kind};
use serde::Deserialize;

use super::{label, options, refused, refused_or_conflict, Fields, FormState};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::pages::places::place_name;
use crate::pages::{no_store, render, render_status, Layout, FORM_ERROR};
use crate::state::AppState;

/// A household in the list.
pub struct HouseholdRow {
    pub id: String,
    pub name: String,
    pub office: String,
    pub members: i64,
    pub state: String,
    pub status: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "care_households.html")]
struct HouseholdsPage {
    layout: Layout,
    households: Vec<HouseholdRow>,
    offices: Vec<(String, String)>,
    facility: String,
    vulnerabilities: Vec<(&'static str, String)>,
    can_write: bool,
    f: FormState,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    facility: String,
}

async fn households_page(
    state: &AppState,
    auth: &Authenticated,
    facility: String,
    f: FormState,
) -> Result<HouseholdsPage, WebError> {
    let tr = auth.tr();
    let office = match facility.trim() {
        "" => None,
        // A filter that is no id names no office: a fresh id names none either.
        raw => Some(raw.parse().unwrap_or_else(|_| Id::new())),
    };
    let list = state.app().households(&auth.caller(), office).await?;
    let offices = list.offices;
    let households = list
        .households
        .into_iter()
        .map(|h| HouseholdRow {
            id: h.id.to_string(),
            office: place_name(tr, &h.facility_name, &h.facility_name_km),
            members: h.members,
            state: tr.t(&h.case_state().label_key()),
            status: label(
                tr,
                &h.status,
                HouseholdStatus::parse,
                HouseholdStatus::label_key,
            ),
            active: h.is_active(),
            name: h.name,
        })
        .collect();
    Ok(HouseholdsPage {
        layout: Layout::new(&auth.visitor, "care-households-title"),
        households,
        offices: offices
            .iter()
            .map(|o| (o.id.to_string(), place_name(tr, &o.name, &o.name_km)))
            .collect(),
        facility,
        vulnerabilities: options(
            tr,
            FamilyVulnerability::ALL,
            FamilyVulnerability::code,
            FamilyVulnerability::label_key,
        ),
        can_write: auth.me.can(Action::Write, Kind::Care),
        f,
    })
}

pub async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = households_page(&state, &auth, query.facility, FormState::default()).await?;
    render(&page).map(no_store)
}

pub async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let tr = auth.tr();
    let details = HouseholdDetails::parse(fields.get("name"), &fields.all("vulnerabilities"));
    let f = match state
        .app()
        .create_household(&auth.caller(), fields.id("facility"), details)
        .await
    {
        Ok(h) => return Ok(see_other(&format!("/care/households/{}", h.id))),
        // An office out of reach is no choice the form offered.
        Err(AppError::NotFound { entity: OFFICE }) => {
            FormState::refused("household", fields, tr, "facility", CareError::Required)
        }
        Err(AppError::NotFound { .. }) => {
            FormState::refused("household", fields, tr, "facility", CareError::BadChoice)
        }
        Err(error) => refused(error, "household", fields, tr)?,
    };
    let page = households_page(&state, &auth, String::new(), f).await?;
    let mut response = render(&page)?;
    *response.status_mut() = FORM_ERROR;
    Ok(no_store(response))
}

/// A household member, ready to show.
pub struct MemberRow {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub sex: String,
    pub age: i32,
    pub at_risk: bool,
    pub version: i64,
    /// The member's care page, when they are a child in care the reader sees.
    pub care: String,
}

#[derive(Template)]
#[template(path = "care_household.html")]
struct HouseholdPage {
    layout: Layout,
    household: Household,
    office: String,
    status: String,
    state: String,
    vulnerabilities: Vec<String>,
    members: Vec<MemberRow>,
    services: Vec<(String, String, String, String, String)>,
    progress: Vec<(String, String, String)>,
    case_history: Vec<(String, String, String, String, String)>,
    plans: Vec<(String, String, String, String, bool)>,
    partners: Vec<(String, String)>,
    service_kinds: Vec<(&'static str, String)>,
    levels: Vec<(&'static str, String)>,
    next_states: Vec<(&'static str, String)>,
    can_write: bool,
    today: String,
    review_default: String,
    f: FormState,
}

fn household_page(
    state: &AppState,
    auth: &Authenticated,
    record: HouseholdRecord,
    f: FormState,
) -> HouseholdPage {
    let tr = auth.tr();
    let day = state.today();
    let HouseholdRecord {
        household,
        members,
        services,
        progress,
        case_history,
        plans,
        partners,
        writable,
    } = record;
    let members = members
        .into_iter()
        .map(|(m, care)| {
            let sex = haven_domain::person::Sex::parse(&m.sex)
                .unwrap_or(haven_domain::person::Sex::Unknown);
            MemberRow {
                id: m.id.to_string(),
                person_id: m.person_id.to_string(),
                name: m.display_name(),
                sex: tr.t(&sex.label_key()),
                age: age_in_years(m.birth_date, day),
                at_risk: m.at_risk == 1,
                version: m.version,
                // A member who is a child in care links to their care page.
                care: care
                    .map(|c| format!("/care/children/{c}"))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let services = services
        .into_iter()
        .map(|s| {
            (
                s.given_on.to_string(),
                label(tr, &s.kind, FamilyService::parse, FamilyService::label_key),
                s.partner_name.unwrap_or_default(),
                s.notes,
                s.person_id.map(|p| p.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    let progress = progress
        .into_iter()
        .map(|p| {
            (
                p.assessed_on.to_string(),
                label(tr, &p.level, SelfReliance::parse, SelfReliance::label_key),
                p.note,
            )
        })
        .collect();
    let case_history = case_history
        .into_iter()
        .map(|e| {
            (
                crate::pages::audit::format_instant(&e.created_at, state.config().time_offset),
                super::villages::state_label(tr, &e.from_state),
                super::villages::state_label(tr, &e.to_state),
                e.note,
                e.author.unwrap_or_default(),
            )
        })
        .collect();
    let plans = plans
        .into_iter()
        .map(|p| {
            (
                p.id.to_string(),
                p.made_on.to_string(),
                p.review_on.to_string(),
                if p.approved() {
                    tr.t("care-plan-approved")
                } else {
                    tr.t("care-plan-draft")
                },
                haven_domain::care::review_overdue(p.review_on, day),
            )
        })
        .collect();
    HouseholdPage {
        layout: Layout::new(&auth.visitor, "care-household-title"),
        office: place_name(tr, &household.facility_name, &household.facility_name_km),
        status: label(
            tr,
            &household.status,
            HouseholdStatus::parse,
            HouseholdStatus::label_key,
        ),
        state: tr.t(&household.case_state().label_key()),
        vulnerabilities: household
            .vulnerabilities()
            .into_iter()
            .map(|v| tr.t(&v.label_key()))
            .collect(),
        members,
        services,
        progress,
        case_history,
        plans,
        partners: partners
            .into_iter()
            .map(|p: Partner| (p.id.to_string(), p.name))
            .collect(),
        service_kinds: options(
            tr,
            FamilyService::ALL,
            FamilyService::code,
            FamilyService::label_key,
        ),
        levels: options(
            tr,
            SelfReliance::ALL,
            SelfReliance::code,
            SelfReliance::label_key,
        ),
        next_states: household
            .case_state()
            .next_states()
            .iter()
            .map(|s| (s.code(), tr.t(&s.label_key())))
            .collect(),
        can_write: writable,
        today: day.to_string(),
        review_default: haven_domain::care::add_months(day, state.config().care_review_months)
            .to_string(),
        f,
        household,
    }
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(household): Ids<Id>,
) -> Result<Response, WebError> {
    let record = state
        .app()
        .read_household_record(&auth.caller(), household)
        .await?;
    render(&household_page(&state, &auth, record, FormState::default())).map(no_store)
}

fn back_to(household: Id, anchor: &str) -> Response {
    see_other(&format!("/care/households/{household}#{anchor}"))
}

/// The household's page again with a refused form, answered 422 (or 409 on a stale
/// version).
pub(super) async fn household_again(
    state: &AppState,
    auth: &Authenticated,
    household: Id,
    f: FormState,
) -> Result<Response, WebError> {
    let status = if f.notice.is_some() {
        axum::http::StatusCode::CONFLICT
    } else {
        FORM_ERROR
    };
    let record = state
        .app()
        .household_record(&auth.caller(), household)
        .await?;
    render_status(&household_page(state, auth, record, f), status)
}

pub async fn add_member(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(household): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let tr = auth.tr();
    let f = match state
        .app()
        .add_household_member(
            &auth.caller(),
            household,
            fields.get("person"),
            fields.ticked("at_risk"),
        )
        .await
    {
        Ok(_) => return Ok(back_to(household, "members")),
        Err(AppError::Duplicate { .. }) => {
            FormState::refused("member", fields, tr, "person", CareError::AlreadyMember)
        }
        Err(error) => refused(error, "member", fields, tr)?,
    };
    household_again(&state, &auth, household, f).await
}

pub async fn end_member(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((household, member)): Ids<(Id, Id)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    match state
        .app()
        .end_household_member(&auth.caller(), household, member, fields.version())
        .await
    {
        Ok(()) => Ok(back_to(household, "members")),
        Err(error @ AppError::Conflict { .. }) => {
            let f = refused_or_conflict(error, "member", fields, auth.tr())?;
            household_again(&state, &auth, household, f).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn add_service(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(household): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let partner = fields.id("partner");
    let details = ServiceDetails::parse(
        fields.get("kind"),
        fields.get("given_on"),
        fields.get("notes"),
        partner.is_some(),
        state.today(),
    );
    match state
        .app()
        .add_household_service(
            &auth.caller(),
            household,
            fields.id("person"),
            partner,
            details,
        )
        .await
    {
        Ok(_) => Ok(back_to(household, "services")),
        Err(error) => {
            let f = refused(error, "service", fields, auth.tr())?;
            household_again(&state, &auth, household, f).await
        }
    }
}

pub async fn add_progress(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(household): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let details = ProgressDetails::parse(
        fields.get("assessed_on"),
        fields.get("level"),
        fields.get("note"),
        state.today(),
    );
    match state
        .app()
        .add_household_progress(&auth.caller(), household, details)
        .await
    {
        Ok(_) => Ok(back_to(household, "progress")),
        Err(error) => {
            let f = refused(error, "progress", fields, auth.tr())?;
            household_again(&state, &auth, household, f).await
        }
    }
}

pub async fn move_case(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(household): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let step = match CareCaseState::parse(fields.get("to")) {
        Some(to) => haven_domain::care::parse_case_note(fields.get("note"))
            .map(|note| CaseStep { to, note }),
        None => Err(vec![("to", CareError::Required)]),
    };
    match state
        .app()
        .move_household_case(&auth.caller(), household, fields.version(), step)
        .await
    {
        Ok(()) => Ok(back_to(household, "case")),
        Err(error) => {
            let f = refused_or_conflict(error, "case", fields, auth.tr())?;
            household_again(&state, &auth, household, f).await
        }
    }
}

pub async fn end(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(household): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let end = HouseholdEnd::parse(
        fields.get("status"),
        fields.get("ended_on"),
        fields.get("end_reason"),
        state.today(),
    );
    match state
        .app()
        .end_household(&auth.caller(), household, fields.version(), end)
        .await
    {
        Ok(_) => Ok(back_to(household, "end")),
        Err(error) => {
            let f = refused_or_conflict(error, "end", fields, auth.tr())?;
            household_again(&state, &auth, household, f).await
        }
    }
}

#[derive(Template)]
#[template(path = "care_partners.html")]
struct PartnersPage {
    layout: Layout,
    partners: Vec<PartnerRow>,
    can_write: bool,
    f: FormState,
}

/// A partner organisation as its row shows it.
struct PartnerRow {
    id: String,
    name: String,
    services: String,
    contact: String,
    closed: bool,
    version: i64,
    /// The name of its edit form, for the typed values coming back.
    form: String,
}

async fn partners_page(
    state: &AppState,
    auth: &Authenticated,
    f: FormState,
) -> Result<PartnersPage, WebError> {
    Ok(PartnersPage {
        layout: Layout::new(&auth.visitor, "care-partners-title"),
        partners: state
            .app()
            .partners(&auth.caller())
            .await?
            .into_iter()
            .map(|p| PartnerRow {
                id: p.id.to_string(),
                name: p.name,
                services: p.services,
                contact: p.contact,
                closed: p.closed_at.is_some(),
                version: p.version,
                form: format!("partner-{}", p.id),
            })
            .collect(),
        can_write: auth.me.can(Action::Write, Kind::Care),
        f,
    })
}

pub async fn partners(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    let page = partners_page(&state, &auth, FormState::default()).await?;
    render(&page).map(no_store)
}

/// The partners' page again with a refused form, answered 422 (or 409 on a stale
/// version).
async fn partners_again(
    state: &AppState,
    auth: &Authenticated,
    f: FormState,
) -> Result<Response, WebError> {
    let status = if f.notice.is_some() {
        axum::http::StatusCode::CONFLICT
    } else {
        FORM_ERROR
    };
    let page = partners_page(state, auth, f).await?;
    render_status(&page, status)
}

fn partner_details(fields: &Fields) -> haven_app::care::Parsed<PartnerDetails> {
    PartnerDetails::parse(
        fields.get("name"),
        fields.get("services"),
        fields.get("contact"),
    )
}

pub async fn create_partner(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let f = match state
        .app()
        .create_partner(&auth.caller(), partner_details(&fields))
        .await
    {
        Ok(_) => return Ok(see_other("/care/partners")),
        Err(error) => refused(error, "partner", fields, auth.tr())?,
    };
    partners_again(&state, &auth, f).await
}

/// Changes a partner's name, services and contact; bad input comes back kept.
pub async fn update_partner(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(partner): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let form = format!("partner-{partner}");
    let f = match state
        .app()
        .update_partner(
            &auth.caller(),
            partner,
            Some(fields.version()),
            partner_details(&fields),
        )
        .await
    {
        Ok(_) => return Ok(see_other("/care/partners")),
        Err(error) => refused_or_conflict(error, &form, fields, auth.tr())?,
    };
    partners_again(&state, &auth, f).await
}

/// Closes a partner (no new referrals go to it) or opens it again.
pub async fn close_partner(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(partner): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let closed = fields.get("reopen").is_empty();
    match state
        .app()
        .close_partner(&auth.caller(), partner, Some(fields.version()), closed)
        .await
    {
        Ok(_) => Ok(see_other("/care/partners")),
        Err(error @ AppError::Conflict { .. }) => {
            let f = refused_or_conflict(error, "close-partner", fields, auth.tr())?;
            partners_again(&state, &auth, f).await
        }
        Err(other) => Err(other.into()),
    }
}
