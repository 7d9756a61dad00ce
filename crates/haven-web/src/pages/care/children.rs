//! A child in care: gatekeeping (the assessment and the director's decision), the
//! child's page (siblings, placements, case steps, plans, school, independence,
//! leaving care, after-care, notes, and the health section), and every form on it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use haven_domain::care::{
    add_months, is_school_age, needs_family_care, AdmissionDecision, AdmissionDetails,
    AdmissionInput, AdmissionStatus, CareCaseState, CareError, CareNoteKind, CareOption,
    EnrolmentDetails, EnrolmentInput, ErrorReason, FollowUpDetails, FollowUpSituation,
    IndependenceStep, LeavingDestination, LeavingDetails, NoteDetails, PlacementDetails,
    PlacementInput, SchoolLevel, StepDetails, TermDetails, TermInput,
};
use haven_domain::person::age_in_years;
use haven_domain::{Action, Kind};
use haven_store::care::{Admission, CareChild, PlacementChecks, PlanSubject};
use haven_store::{Person, StoreError};
use serde::Deserialize;

use super::{
    date_text, label, options, readable_note_kinds, refused, refused_or_conflict, CareAccess,
    Fields, FormState,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::pages::places::{parse_id, place_name, today};
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;
use haven_app::care::{CaseStep, Placing};
use haven_app::AppError;
use haven_store::Id;

/// A child the reader may see (Read Care, within their care access), with the
/// reader's access; 404 otherwise.
pub(super) async fn visible_child(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
) -> Result<(CareChild, CareAccess), WebError> {
    let seen = state
        .app()
        .care_child_to_read(&auth.caller(), parse_id(raw)?)
        .await?;
    Ok((seen.child, seen.access))
}

/// The link from a person's registry page to their care: their care page, or the
/// gatekeeping form for someone who may admit them. `None` when neither applies.
pub async fn care_link_of_person(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
) -> Result<Option<(String, String)>, WebError> {
    if !auth.me.can(Action::Read, Kind::Care) {
        return Ok(None);
    }
    let tr = auth.tr();
    match state.store().care_child_of_person(person.id).await? {
        Some(child) => {
            let access = super::access_of_page(state, auth).await?;
            Ok(access.sees_child(&child).then(|| {
                (
                    format!("/care/children/{}", child.id),
                    tr.t("care-see-child"),
                )
            }))
        }
        None if auth.me.can(Action::Write, Kind::Care)
            && age_in_years(person.birth_date, today(state)) < 18 =>
        {
            let facility = person
                .registered_facility_id
                .map(|f| format!("&facility={f}"))
                .unwrap_or_default();
            Ok(Some((
                format!("/care/admit?person={}{facility}", person.id),
                tr.t("care-admit-child"),
            )))
        }
        None => Ok(None),
    }
}

// ---------------------------------------------------------------------------
// Gatekeeping

#[derive(Debug, Default, Deserialize)]
pub struct AdmitQuery {
    #[serde(default)]
    person: String,
    #[serde(default)]
    facility: String,
}

#[derive(Template)]
#[template(path = "care_admit.html")]
struct AdmitPage {
    layout: Layout,
    person: Person,
    name: String,
    age: i32,
    siblings: Vec<(String, String, String, String)>,
    facilities: Vec<(String, String)>,
    facility: String,
    option_choices: Vec<(&'static str, String)>,
    decisions: Vec<(&'static str, String)>,
    f: FormState,
    today: String,
    review_default: String,
}

async fn admissible_person(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
) -> Result<Person, WebError> {
    let id = parse_id(raw)?;
    let person = match state.store().person(id).await {
        Ok(p) => p,
        Err(StoreError::NotFound { .. }) => return Err(WebError::NotFound),
        Err(other) => return Err(other.into()),
    };
    let reach = crate::pages::people::person_reach(state, auth).await?;
    if !reach.holds(person.registered_facility_id)
        || person.entered_in_error_at.is_some()
        || person.merged_into.is_some()
    {
        return Err(WebError::NotFound);
    }
    // Someone already in care elsewhere is out of this reader's reach.
    if let Some(child) = state.store().care_child_of_person(person.id).await? {
        if !super::access_of_page(state, auth).await?.sees_child(&child) {
            return Err(WebError::NotFound);
        }
    }
    Ok(person)
}

async fn admit_form(
    state: &AppState,
    auth: &Authenticated,
    person: Person,
    facility: String,
    f: FormState,
) -> Result<AdmitPage, WebError> {
    let tr = auth.tr();
    let store = state.store();
    let access = super::access_of_page(state, auth).await?;
    let facilities = access
        .facilities_of(&store.care_facilities().await?)
        .into_iter()
        .filter(|f| f.closed_at.is_none())
        .map(|f| (f.id.to_string(), place_name(tr, &f.name, &f.name_km)))
        .collect();
    let siblings = store
        .siblings_of(person.id)
        .await?
        .into_iter()
        .map(|s| {
            let status = match (&s.care_child_id, &s.house_name) {
                (Some(_), Some(house)) => tr.t1("care-sibling-lives-in", "house", house),
                (Some(_), None) => tr.t("care-sibling-in-care"),
                (None, _) => tr.t("care-sibling-not-in-care"),
            };
            (
                s.person_id.to_string(),
                s.name,
                status,
                s.care_child_id.map(|c| c.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    let day = today(state);
    Ok(AdmitPage {
        layout: Layout::new(&auth.visitor, "care-admit-title"),
        name: person.display_name(),
        age: age_in_years(person.birth_date, day),
        siblings,
        facilities,
        facility,
        option_choices: options(tr, CareOption::ALL, CareOption::code, CareOption::label_key),
        decisions: options(
            tr,
            AdmissionDecision::ALL,
            AdmissionDecision::code,
            AdmissionDecision::label_key,
        ),
        f,
        today: day.to_string(),
        review_default: add_months(day, state.config().care_review_months).to_string(),
        person,
    })
}

pub async fn admit_page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AdmitQuery>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Care)?;
    auth.require(Action::Read, Kind::Person)?;
    let person = admissible_person(&state, &auth, &query.person).await?;
    let page = admit_form(&state, &auth, person, query.facility, FormState::default()).await?;
    render(&page).map(no_store)
}

fn admission_details(
    fields: &Fields,
    today: time::Date,
) -> Result<AdmissionDetails, haven_domain::care::Problems> {
    AdmissionDetails::parse(
        &AdmissionInput {
            referred_by: fields.get("referred_by"),
            referred_on: fields.get("referred_on"),
            authority: fields.get("authority"),
            authority_reference: fields.get("authority_reference"),
            necessity: fields.get("necessity"),
            family_support: fields.get("family_support"),
            poverty_only: fields.ticked("poverty_only"),
            options_considered: fields.all("options_considered"),
            chosen_option: fields.get("chosen_option"),
            suitability: fields.get("suitability"),
            child_views: fields.get("child_views"),
            siblings_note: fields.get("siblings_note"),
            decision: fields.get("decision"),
            decided_on: fields.get("decided_on"),
            review_on: fields.get("review_on"),
        },
        today,
    )
}

pub async fn admit(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Care)?;
    auth.require(Action::Read, Kind::Person)?;
    let fields = Fields(fields);
    let person = admissible_person(&state, &auth, fields.get("person")).await?;
    let tr = auth.tr();
    let access = super::access_of_page(&state, &auth).await?;
    let facility = fields.id("facility").filter(|f| access.sees_facility(*f));
    let parsed = admission_details(&fields, today(&state));
    let f = match (facility, parsed) {
        (Some(facility), Ok(details)) => match state
            .store()
            .record_admission(&auth.actor(), person.id, facility, &details)
            .await
        {
            Ok(admission) => return Ok(see_other(&format!("/care/admissions/{}", admission.id))),
            Err(StoreError::NotFound { .. }) => FormState::refused(
                "admit",
                fields.clone(),
                tr,
                "facility",
                CareError::BadChoice,
            ),
            Err(other) => return Err(other.into()),
        },
        (None, parsed) => {
            let mut problems = parsed.err().unwrap_or_default();
            problems.insert(0, ("facility", CareError::Required));
            FormState::failed("admit", fields.clone(), tr, problems)
        }
        (Some(_), Err(problems)) => FormState::failed("admit", fields.clone(), tr, problems),
    };
    let page = admit_form(&state, &auth, person, fields.get("facility").to_owned(), f).await?;
    let mut response = render(&page)?;
    *response.status_mut() = FORM_ERROR;
    Ok(no_store(response))
}

#[derive(Template)]
#[template(path = "care_admission.html")]
struct AdmissionPage {
    layout: Layout,
    admission: Admission,
    child: CareChild,
    status: String,
    decision: String,
    chosen: String,
    considered: Vec<String>,
    approver: Option<String>,
    under_three_warning: bool,
    can_decide: bool,
    can_place: bool,
    f: FormState,
}

async fn admission_page(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
    f: FormState,
) -> Result<AdmissionPage, WebError> {
    let tr = auth.tr();
    let store = state.store();
    let id = parse_id(raw)?;
    let admission = store.admission(id).await?;
    let (child, _) = visible_child(state, auth, &admission.child_id.to_string()).await?;
    let approver = match admission.approved_by {
        Some(user) => store.user(user).await.ok().map(|u| u.display_name),
        None => None,
    };
    let chosen = CareOption::parse(&admission.chosen_option);
    let under_three_warning = chosen.is_some_and(|o| !o.family_based())
        && needs_family_care(child.birth_date, admission.decided_on);
    let pending = admission.status() == AdmissionStatus::Pending;
    Ok(AdmissionPage {
        layout: Layout::new(&auth.visitor, "care-admission-title"),
        status: tr.t(&admission.status().label_key()),
        decision: label(
            tr,
            &admission.decision,
            AdmissionDecision::parse,
            AdmissionDecision::label_key,
        ),
        chosen: label(
            tr,
            &admission.chosen_option,
            CareOption::parse,
            CareOption::label_key,
        ),
        considered: haven_domain::care::split_codes(
            &admission.options_considered,
            CareOption::parse,
        )
        .into_iter()
        .map(|o| tr.t(&o.label_key()))
        .collect(),
        approver,
        under_three_warning,
        can_decide: pending && auth.me.can(Action::Write, Kind::CareApproval),
        can_place: admission.status() == AdmissionStatus::Approved
            && admission.decision == "admit"
            && child.house_id.is_none()
            && child.in_care()
            && auth.me.can(Action::Write, Kind::Care),
        f,
        admission,
        child,
    })
}

pub async fn admission(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Care)?;
    let page = admission_page(&state, &auth, &raw, FormState::default()).await?;
    state
        .store()
        .audit_person(
            &auth.actor(),
            "care_child_read",
            page.child.person_id,
            &format!("admission {}", page.admission.id),
        )
        .await?;
    render(&page).map(no_store)
}

/// The programme director approves or declines an admission.
pub async fn decide(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::CareApproval)?;
    let fields = Fields(fields);
    let page = admission_page(&state, &auth, &raw, FormState::default()).await?;
    let tr = auth.tr();
    let status = match fields.get("status") {
        "approved" => Some(AdmissionStatus::Approved),
        "declined" => Some(AdmissionStatus::Declined),
        _ => None,
    };
    let note = haven_domain::care::parse_case_note(fields.get("note"));
    let (f, code) = match (status, note) {
        (Some(status), Ok(note)) => match state
            .store()
            .decide_admission(
                &auth.actor(),
                page.admission.id,
                fields.version(),
                status,
                &note,
            )
            .await
        {
            Ok(_) => {
                return Ok(see_other(&format!(
                    "/care/admissions/{}",
                    page.admission.id
                )))
            }
            Err(StoreError::Conflict { .. }) => {
                let mut f = FormState::failed("decide", fields, tr, Vec::new());
                f.notice = Some(tr.t("error-conflict"));
                (f, axum::http::StatusCode::CONFLICT)
            }
            Err(other) => return Err(other.into()),
        },
        (None, _) => (
            FormState::refused("decide", fields, tr, "status", CareError::Required),
            FORM_ERROR,
        ),
        (_, Err(problems)) => (
            FormState::failed("decide", fields, tr, problems),
            FORM_ERROR,
        ),
    };
    let page = admission_page(&state, &auth, &raw, f).await?;
    let mut response = render(&page)?;
    *response.status_mut() = code;
    Ok(no_store(response))
}

// ---------------------------------------------------------------------------
// The child's page

/// A row of the placement history.
pub struct PlacementRow {
    pub id: String,
    pub house_id: String,
    pub house: String,
    pub started: String,
    pub ended: String,
    pub start_reason: String,
    pub end_reason: String,
    pub apart_reason: String,
    pub current: bool,
    pub version: i64,
}

/// An enrolment with its terms.
pub struct EnrolmentRow {
    pub id: String,
    pub level: String,
    pub school: String,
    pub grade: String,
    pub year: String,
    pub scholarship: String,
    pub terms: Vec<(i64, String, String, bool, String)>,
}

/// A note, ready to show.
pub struct NoteRow {
    pub id: String,
    pub written_on: String,
    pub body: String,
    pub author: String,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "care_child.html")]
struct ChildPage {
    layout: Layout,
    child: CareChild,
    name: String,
    sex: String,
    born: String,
    age: i32,
    facility: String,
    state: String,
    leaving: Option<(String, String, String)>,
    can_read_person: bool,
    sees_village: bool,
    siblings: Vec<(String, String, String, String, bool)>,
    admissions: Vec<(String, String, String, String)>,
    placements: Vec<PlacementRow>,
    houses: Vec<(String, String)>,
    under_three: bool,
    next_states: Vec<(&'static str, String)>,
    case_history: Vec<(String, String, String, String, String)>,
    plans: Vec<(String, String, String, String, bool)>,
    enrolments: Vec<EnrolmentRow>,
    levels: Vec<(&'static str, String)>,
    school_age: bool,
    steps: Vec<(String, String, String, String)>,
    step_kinds: Vec<(&'static str, String)>,
    destinations: Vec<(&'static str, String)>,
    followups: Vec<(String, String, String, String)>,
    situations: Vec<(&'static str, String)>,
    daily_notes: Option<Vec<NoteRow>>,
    health: Option<super::health::HealthView>,
    psychosocial_notes: Option<Vec<NoteRow>>,
    can_write: bool,
    can_write_notes: bool,
    can_write_psychosocial: bool,
    today: String,
    review_default: String,
    school_year: i32,
    f: FormState,
}

async fn child_page(
    state: &AppState,
    auth: &Authenticated,
    child: CareChild,
    access: &CareAccess,
    f: FormState,
) -> Result<ChildPage, WebError> {
    let tr = auth.tr();
    let store = state.store();
    let day = today(state);
    let siblings = store
        .siblings_of(child.person_id)
        .await?
        .into_iter()
        .map(|s| {
            let apart =
                s.house_id.is_some() && child.house_id.is_some() && s.house_id != child.house_id;
            let status = match (&s.care_child_id, &s.house_name) {
                (Some(_), Some(house)) => tr.t1("care-sibling-lives-in", "house", house),
                (Some(_), None) => tr.t("care-sibling-in-care"),
                (None, _) => tr.t("care-sibling-not-in-care"),
            };
            (
                s.person_id.to_string(),
                s.name,
                status,
                s.care_child_id.map(|c| c.to_string()).unwrap_or_default(),
                apart,
            )
        })
        .collect();
    let admissions = store
        .admissions_of(child.id)
        .await?
        .into_iter()
        .map(|a| {
            (
                a.id.to_string(),
                a.decided_on.to_string(),
                label(
                    tr,
                    &a.decision,
                    AdmissionDecision::parse,
                    AdmissionDecision::label_key,
                ),
                tr.t(&a.status().label_key()),
            )
        })
        .collect();
    let placements = store
        .placements_of(child.id)
        .await?
        .into_iter()
        .map(|p| PlacementRow {
            id: p.id.to_string(),
            house_id: p.house_id.to_string(),
            house: p.house_name,
            started: p.started_on.to_string(),
            ended: date_text(p.ended_on),
            start_reason: p.start_reason,
            end_reason: p.end_reason,
            apart_reason: p.apart_reason,
            current: p.ended_on.is_none(),
            version: p.version,
        })
        .collect();
    let can_write =
        auth.me.can(Action::Write, Kind::Care) && access.sees_facility(child.facility_id);
    let mut houses = Vec::new();
    if can_write {
        for facility in access.facilities_of(&store.care_facilities().await?) {
            if facility.programme_id != child.programme_id {
                continue;
            }
            for h in store.houses_of(facility.id).await? {
                if h.closed_at.is_none() {
                    houses.push((
                        h.id.to_string(),
                        format!(
                            "{} · {} ({})",
                            place_name(tr, &facility.name, &facility.name_km),
                            h.name,
                            tr.t1("care-free-places-n", "count", h.free_places())
                        ),
                    ));
                }
            }
        }
    }
    let case_history = store
        .case_events(child.id)
        .await?
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
    let plans = store
        .plans_of(PlanSubject::Child(child.id))
        .await?
        .into_iter()
        .map(|p| {
            let overdue = haven_domain::care::review_overdue(p.review_on, day);
            (
                p.id.to_string(),
                p.made_on.to_string(),
                p.review_on.to_string(),
                if p.approved() {
                    tr.t("care-plan-approved")
                } else {
                    tr.t("care-plan-draft")
                },
                overdue,
            )
        })
        .collect();
    let enrolment_list = store.enrolments_of(child.id).await?;
    let terms = store
        .terms_of(&enrolment_list.iter().map(|e| e.id).collect::<Vec<_>>())
        .await?;
    let enrolments = enrolment_list
        .into_iter()
        .map(|e| EnrolmentRow {
            id: e.id.to_string(),
            level: label(tr, &e.level, SchoolLevel::parse, SchoolLevel::label_key),
            school: e.school,
            grade: e.grade,
            year: format!("{}–{}", e.school_year, e.school_year + 1),
            scholarship: e.scholarship,
            terms: terms
                .iter()
                .filter(|t| t.enrolment_id == e.id)
                .map(|t| {
                    let attendance = match (t.days_present, t.days_possible) {
                        (Some(p), Some(d)) if d > 0 => {
                            format!("{p}/{d} ({}%)", (p * 100 + d / 2) / d)
                        }
                        (Some(p), _) => p.to_string(),
                        _ => String::new(),
                    };
                    (
                        t.term,
                        attendance,
                        t.average.map(|a| format!("{a:.1}")).unwrap_or_default(),
                        t.passed == 1,
                        t.remark.clone(),
                    )
                })
                .collect(),
        })
        .collect();
    let steps = store
        .steps_of(child.id)
        .await?
        .into_iter()
        .map(|s| {
            (
                label(
                    tr,
                    &s.kind,
                    IndependenceStep::parse,
                    IndependenceStep::label_key,
                ),
                s.started_on.to_string(),
                date_text(s.ended_on),
                s.details,
            )
        })
        .collect();
    let followups = store
        .followups_of(child.id)
        .await?
        .into_iter()
        .map(|x| {
            (
                x.followed_on.to_string(),
                label(
                    tr,
                    &x.situation,
                    FollowUpSituation::parse,
                    FollowUpSituation::label_key,
                ),
                x.notes,
                date_text(x.next_on),
            )
        })
        .collect();
    let kinds = readable_note_kinds(|a, k| auth.me.can(a, k));
    let notes = store.care_notes_of(child.id, &kinds).await?;
    let note_rows = |kind: CareNoteKind| -> Vec<NoteRow> {
        notes
            .iter()
            .filter(|n| n.kind == kind.code())
            .map(|n| NoteRow {
                id: n.id.to_string(),
                written_on: n.written_on.to_string(),
                body: n.body.clone(),
                author: n.author.clone().unwrap_or_default(),
                version: n.version,
            })
            .collect()
    };
    let leaving = child.left_on.map(|d| {
        (
            d.to_string(),
            label(
                tr,
                &child.leaving_destination,
                LeavingDestination::parse,
                LeavingDestination::label_key,
            ),
            child.leaving_reason.clone(),
        )
    });
    let facility = place_name(tr, &child.facility_name, &child.facility_name_km);
    let health = super::health::health_view(state, auth, &child).await?;
    Ok(ChildPage {
        layout: Layout::new(&auth.visitor, "care-child-title"),
        name: child.display_name(),
        sex: tr.t(&child.sex().label_key()),
        born: child.birth_date.to_string(),
        age: age_in_years(child.birth_date, day),
        facility,
        state: tr.t(&child.case_state().label_key()),
        leaving,
        can_read_person: auth.me.can(Action::Read, Kind::Person),
        sees_village: access.sees_facility(child.facility_id),
        siblings,
        admissions,
        placements,
        houses,
        under_three: needs_family_care(child.birth_date, day),
        next_states: child
            .case_state()
            .next_states()
            .iter()
            .map(|s| (s.code(), tr.t(&s.label_key())))
            .collect(),
        case_history,
        plans,
        enrolments,
        levels: options(
            tr,
            SchoolLevel::ALL,
            SchoolLevel::code,
            SchoolLevel::label_key,
        ),
        school_age: is_school_age(child.birth_date, day),
        steps,
        step_kinds: options(
            tr,
            IndependenceStep::ALL,
            IndependenceStep::code,
            IndependenceStep::label_key,
        ),
        destinations: options(
            tr,
            LeavingDestination::ALL,
            LeavingDestination::code,
            LeavingDestination::label_key,
        ),
        followups,
        situations: options(
            tr,
            FollowUpSituation::ALL,
            FollowUpSituation::code,
            FollowUpSituation::label_key,
        ),
        daily_notes: kinds
            .contains(&CareNoteKind::Daily)
            .then(|| note_rows(CareNoteKind::Daily)),
        health,
        psychosocial_notes: kinds
            .contains(&CareNoteKind::Psychosocial)
            .then(|| note_rows(CareNoteKind::Psychosocial)),
        can_write,
        can_write_notes: auth.me.can(Action::Write, Kind::CareNote),
        can_write_psychosocial: auth.me.can(Action::Write, Kind::PsychosocialNote)
            && auth.me.can(Action::Read, Kind::PsychosocialNote),
        today: day.to_string(),
        review_default: add_months(day, state.config().care_review_months).to_string(),
        school_year: day.year(),
        f,
        child,
    })
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Care)?;
    let (child, access) = visible_child(&state, &auth, &raw).await?;
    let child = state
        .store()
        .read_care_child(&auth.actor(), child.id)
        .await?;
    let page = child_page(&state, &auth, child, &access, FormState::default()).await?;
    render(&page).map(no_store)
}

/// The child's page again with a form's problems, answered 422 (or 409 on a stale
/// version).
pub(super) async fn again(
    state: &AppState,
    auth: &Authenticated,
    child: CareChild,
    access: &CareAccess,
    f: FormState,
) -> Result<Response, WebError> {
    let status = if f.notice.is_some() {
        axum::http::StatusCode::CONFLICT
    } else {
        FORM_ERROR
    };
    let child = state.store().care_child(child.id).await?;
    let page = child_page(state, auth, child, access, f).await?;
    let mut response = render(&page)?;
    *response.status_mut() = status;
    Ok(no_store(response))
}

/// A writer of care records who reaches the child's facility (the rule is
/// haven-app's).
async fn writable_child(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
) -> Result<(CareChild, CareAccess), WebError> {
    let seen = state
        .app()
        .care_child_to_write(&auth.caller(), parse_id(raw)?)
        .await?;
    Ok((seen.child, seen.access))
}

fn back_to(child: Id, anchor: &str) -> Response {
    see_other(&format!("/care/children/{child}#{anchor}"))
}

/// The child's page again with the refused form, for a write that failed.
async fn refused_again(
    state: &AppState,
    auth: &Authenticated,
    child: Id,
    f: FormState,
) -> Result<Response, WebError> {
    let (child, access) = writable_child(state, auth, &child.to_string()).await?;
    again(state, auth, child, &access, f).await
}

pub async fn place(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let child = parse_id(&raw)?;
    let fields = Fields(fields);
    let parsed = PlacementDetails::parse(
        &PlacementInput {
            started_on: fields.get("started_on"),
            ended_on: "",
            reason: fields.get("reason"),
            apart_reason: fields.get("apart_reason"),
        },
        today(&state),
    );
    let placing = Placing {
        house: fields.id("house"),
        checks: PlacementChecks {
            under_three_confirmed: fields.ticked("confirm_under_three"),
        },
    };
    match state
        .app()
        .place_child(&auth.caller(), child, placing, parsed)
        .await
    {
        Ok(_) => Ok(back_to(child, "placements")),
        Err(error) => {
            let f = refused(error, "place", fields, auth.tr())?;
            refused_again(&state, &auth, child, f).await
        }
    }
}

pub async fn end_placement(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((raw, placement)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let child = parse_id(&raw)?;
    let placement = parse_id(&placement)?;
    let fields = Fields(fields);
    match state
        .app()
        .end_placement(
            &auth.caller(),
            child,
            placement,
            fields.version(),
            fields.get("ended_on"),
            fields.get("end_reason"),
            today(&state),
        )
        .await
    {
        Ok(_) => Ok(back_to(child, "placements")),
        Err(error) => {
            let f = refused_or_conflict(error, "end", fields, auth.tr())?;
            refused_again(&state, &auth, child, f).await
        }
    }
}

/// Marks a placement entered in error (with the reason): it leaves the history.
pub async fn placement_in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((raw, placement)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let child = parse_id(&raw)?;
    let placement = parse_id(&placement)?;
    let fields = Fields(fields);
    match state
        .app()
        .mark_placement_in_error(
            &auth.caller(),
            child,
            placement,
            fields.version(),
            ErrorReason::parse(fields.get("reason")),
        )
        .await
    {
        Ok(()) => Ok(back_to(child, "placements")),
        Err(error) => {
            let f = refused_or_conflict(error, "placement-error", fields, auth.tr())?;
            refused_again(&state, &auth, child, f).await
        }
    }
}

pub async fn move_case(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let child = parse_id(&raw)?;
    let fields = Fields(fields);
    let step = match CareCaseState::parse(fields.get("to")) {
        Some(to) => haven_domain::care::parse_case_note(fields.get("note"))
            .map(|note| CaseStep { to, note }),
        None => Err(vec![("to", CareError::Required)]),
    };
    match state
        .app()
        .move_child_case(&auth.caller(), child, fields.version(), step)
        .await
    {
        Ok(()) => Ok(back_to(child, "case")),
        Err(error) => {
            let f = refused_or_conflict(error, "case", fields, auth.tr())?;
            refused_again(&state, &auth, child, f).await
        }
    }
}

pub async fn add_note(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let child = parse_id(&raw)?;
    let fields = Fields(fields);
    let kind = CareNoteKind::parse(fields.get("kind")).unwrap_or(CareNoteKind::Daily);
    let form = if kind == CareNoteKind::Psychosocial {
        "psychosocial"
    } else {
        "note"
    };
    let details = NoteDetails::parse(
        kind.code(),
        fields.get("written_on"),
        fields.get("body"),
        today(&state),
    );
    match state
        .app()
        .add_care_note(&auth.caller(), child, kind, details)
        .await
    {
        Ok(_) => Ok(back_to(child, "notes")),
        Err(error) => {
            let f = refused(error, form, fields, auth.tr())?;
            let (child, access) = visible_child(&state, &auth, &raw).await?;
            again(&state, &auth, child, &access, f).await
        }
    }
}

pub async fn note_in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((raw, note)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let child = parse_id(&raw)?;
    let note = parse_id(&note)?;
    let fields = Fields(fields);
    match state
        .app()
        .mark_note_in_error(
            &auth.caller(),
            child,
            note,
            fields.version(),
            ErrorReason::parse(fields.get("reason")),
        )
        .await
    {
        Ok(()) => Ok(back_to(child, "notes")),
        Err(error) => {
            let f = refused_or_conflict(error, "note-error", fields, auth.tr())?;
            let (child, access) = visible_child(&state, &auth, &raw).await?;
            again(&state, &auth, child, &access, f).await
        }
    }
}

pub async fn add_enrolment(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let child = parse_id(&raw)?;
    let fields = Fields(fields);
    let parsed = EnrolmentDetails::parse(&EnrolmentInput {
        level: fields.get("level"),
        school: fields.get("school"),
        grade: fields.get("grade"),
        school_year: fields.get("school_year"),
        scholarship: fields.get("scholarship"),
    });
    match state
        .app()
        .add_enrolment(&auth.caller(), child, parsed)
        .await
    {
        Ok(_) => Ok(back_to(child, "education")),
        Err(error) => {
            let f = refused(error, "enrolment", fields, auth.tr())?;
            refused_again(&state, &auth, child, f).await
        }
    }
}

pub async fn add_term(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((raw, enrolment)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let child = parse_id(&raw)?;
    let enrolment = parse_id(&enrolment)?;
    let mut fields = Fields(fields);
    fields
        .0
        .push(("enrolment".to_owned(), enrolment.to_string()));
    let tr = auth.tr();
    let parsed = TermDetails::parse(&TermInput {
        term: fields.get("term"),
        days_present: fields.get("days_present"),
        days_possible: fields.get("days_possible"),
        average: fields.get("average"),
        passed: fields.ticked("passed"),
        remark: fields.get("remark"),
    });
    match state
        .app()
        .add_term(&auth.caller(), child, enrolment, parsed)
        .await
    {
        Ok(_) => Ok(back_to(child, "education")),
        Err(AppError::Duplicate { .. }) => {
            let f = FormState::refused("term", fields, tr, "term", CareError::TermRecorded);
            refused_again(&state, &auth, child, f).await
        }
        Err(error) => {
            let f = refused(error, "term", fields, tr)?;
            refused_again(&state, &auth, child, f).await
        }
    }
}

pub async fn add_step(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let child = parse_id(&raw)?;
    let fields = Fields(fields);
    let parsed = StepDetails::parse(
        fields.get("kind"),
        fields.get("started_on"),
        fields.get("ended_on"),
        fields.get("details"),
        today(&state),
    );
    match state.app().add_step(&auth.caller(), child, parsed).await {
        Ok(_) => Ok(back_to(child, "independence")),
        Err(error) => {
            let f = refused(error, "step", fields, auth.tr())?;
            refused_again(&state, &auth, child, f).await
        }
    }
}

pub async fn record_leaving(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let child = parse_id(&raw)?;
    let fields = Fields(fields);
    let parsed = LeavingDetails::parse(
        fields.get("left_on"),
        fields.get("destination"),
        fields.get("leaving_reason"),
        today(&state),
    );
    match state
        .app()
        .record_leaving(&auth.caller(), child, fields.version(), parsed)
        .await
    {
        Ok(()) => Ok(back_to(child, "independence")),
        Err(error) => {
            let f = refused_or_conflict(error, "leaving", fields, auth.tr())?;
            refused_again(&state, &auth, child, f).await
        }
    }
}

pub async fn add_followup(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let child = parse_id(&raw)?;
    let fields = Fields(fields);
    let parsed = FollowUpDetails::parse(
        fields.get("followed_on"),
        fields.get("situation"),
        fields.get("notes"),
        fields.get("next_on"),
        today(&state),
    );
    match state
        .app()
        .add_followup(&auth.caller(), child, parsed)
        .await
    {
        Ok(_) => Ok(back_to(child, "independence")),
        Err(error) => {
            let f = refused(error, "followup", fields, auth.tr())?;
            refused_again(&state, &auth, child, f).await
        }
    }
}
