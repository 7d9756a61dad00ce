//! A child in care: gatekeeping (the assessment and the director's decision), the
//! child's page (siblings, placements, case steps, plans, school, independence,
//! leaving care, after-care, notes, and the health section), and every form on it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use haven_app::care::{
    AdmissionForm, AdmissionRecord, CareLink, CaseStep, ChildPage as ChildRecordPage, Decision,
    Placing,
};
use haven_app::model::care::{Admission, CareChild, PlacementChecks};
use haven_app::model::{Id, Person};
use haven_app::AppError;
use haven_domain::care::{
    add_months, is_school_age, needs_family_care, AdmissionDecision, AdmissionDetails,
    AdmissionInput, AdmissionStatus, CareCaseState, CareError, CareNoteKind, CareOption,
    EnrolmentDetails, EnrolmentInput, ErrorReason, FollowUpDetails, FollowUpSituation,
    IndependenceStep, LeavingDestination, LeavingDetails, NoteDetails, PlacementDetails,
    PlacementInput, SchoolLevel, StepDetails, TermDetails, TermInput,
};
use haven_domain::person::age_in_years;
use haven_domain::{Action, Kind};
use serde::Deserialize;

use super::{date_text, label, options, refused, refused_or_conflict, Fields, FormState};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::pages::places::place_name;
use crate::pages::{no_store, render, render_status, Layout, FORM_ERROR};
use crate::state::AppState;

/// The link from a person's registry page to their care: their care page, or the
/// gatekeeping form for someone who may admit them. `None` when neither applies.
pub async fn care_link_of_person(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
) -> Result<Option<(String, String)>, WebError> {
    let tr = auth.tr();
    Ok(
        match state
            .app()
            .care_link(&auth.caller(), person, state.today())
            .await?
        {
            Some(CareLink::Child(child)) => {
                Some((format!("/care/children/{child}"), tr.t("care-see-child")))
            }
            Some(CareLink::Admit) => {
                let facility = person
                    .registered_facility_id
                    .map(|f| format!("&facility={f}"))
                    .unwrap_or_default();
                Some((
                    format!("/care/admit?person={}{facility}", person.id),
                    tr.t("care-admit-child"),
                ))
            }
            None => None,
        },
    )
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

/// The person a form or a link names: an id, or nobody (a fresh id names no one).
fn person_named(raw: &str) -> Id {
    raw.trim().parse().unwrap_or_else(|_| Id::new())
}

fn admit_form(
    state: &AppState,
    auth: &Authenticated,
    form: AdmissionForm,
    facility: String,
    f: FormState,
) -> AdmitPage {
    let tr = auth.tr();
    let AdmissionForm {
        person,
        siblings,
        facilities,
    } = form;
    let facilities = facilities
        .iter()
        .map(|f| (f.id.to_string(), place_name(tr, &f.name, &f.name_km)))
        .collect();
    let siblings = siblings
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
    let day = state.today();
    AdmitPage {
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
    }
}

pub async fn admit_page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AdmitQuery>,
) -> Result<Response, WebError> {
    let form = state
        .app()
        .admission_form(&auth.caller(), person_named(&query.person))
        .await?;
    let page = admit_form(&state, &auth, form, query.facility, FormState::default());
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
    let fields = Fields(fields);
    let caller = auth.caller();
    let person = person_named(fields.get("person"));
    let parsed = admission_details(&fields, state.today());
    let f = match state
        .app()
        .record_admission(&caller, person, fields.id("facility"), parsed)
        .await
    {
        Ok(admission) => return Ok(see_other(&format!("/care/admissions/{}", admission.id))),
        Err(error) => refused(error, "admit", fields.clone(), auth.tr())?,
    };
    let form = state.app().admission_form(&caller, person).await?;
    let page = admit_form(&state, &auth, form, fields.get("facility").to_owned(), f);
    render_status(&page, FORM_ERROR)
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

fn admission_page(auth: &Authenticated, record: AdmissionRecord, f: FormState) -> AdmissionPage {
    let tr = auth.tr();
    let AdmissionRecord {
        admission,
        child,
        approver,
    } = record;
    let chosen = CareOption::parse(&admission.chosen_option);
    let under_three_warning = chosen.is_some_and(|o| !o.family_based())
        && needs_family_care(child.birth_date, admission.decided_on);
    let pending = admission.status() == AdmissionStatus::Pending;
    AdmissionPage {
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
    }
}

pub async fn admission(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let record = state.app().read_care_admission(&auth.caller(), id).await?;
    render(&admission_page(&auth, record, FormState::default())).map(no_store)
}

/// The programme director approves or declines an admission.
pub async fn decide(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let caller = auth.caller();
    let decision = match fields.get("status") {
        "approved" => Ok(AdmissionStatus::Approved),
        "declined" => Ok(AdmissionStatus::Declined),
        _ => Err(vec![("status", CareError::Required)]),
    }
    .and_then(|status| {
        Ok(Decision {
            status,
            note: haven_domain::care::parse_case_note(fields.get("note"))?,
        })
    });
    let f = match state
        .app()
        .decide_admission(&caller, id, fields.version(), decision)
        .await
    {
        Ok(_) => return Ok(see_other(&format!("/care/admissions/{id}"))),
        Err(error) => refused_or_conflict(error, "decide", fields, auth.tr())?,
    };
    let record = state.app().care_admission_record(&caller, id).await?;
    let status = if f.notice.is_some() {
        axum::http::StatusCode::CONFLICT
    } else {
        FORM_ERROR
    };
    render_status(&admission_page(&auth, record, f), status)
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

fn child_page(
    state: &AppState,
    auth: &Authenticated,
    page: ChildRecordPage,
    f: FormState,
) -> Result<ChildPage, WebError> {
    let tr = auth.tr();
    let day = state.today();
    let ChildRecordPage {
        record,
        access,
        siblings,
        note_kinds: kinds,
        notes,
        writable: can_write,
        houses: placeable,
        health,
    } = page;
    let child = record.child;
    let siblings = siblings
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
    let admissions = record
        .admissions
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
    let placements = record
        .placements
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
    let houses = placeable
        .iter()
        .map(|(facility, h)| {
            (
                h.id.to_string(),
                format!(
                    "{} · {} ({})",
                    place_name(tr, &facility.name, &facility.name_km),
                    h.name,
                    tr.t1("care-free-places-n", "count", h.free_places())
                ),
            )
        })
        .collect();
    let case_history = record
        .case_history
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
    let plans = record
        .plans
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
    let terms = record.terms;
    let enrolments = record
        .enrolments
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
    let steps = record
        .steps
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
    let followups = record
        .followups
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
    let health = match &health {
        Some(summary) => Some(super::health::health_view(state, auth, &child, summary)?),
        None => None,
    };
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
    Ids(child): Ids<Id>,
) -> Result<Response, WebError> {
    let page = state
        .app()
        .care_child_page(&auth.caller(), child, true)
        .await?;
    render(&child_page(&state, &auth, page, FormState::default())?).map(no_store)
}

/// The child's page again with a form's problems, answered 422 (or 409 on a stale
/// version).
pub(super) async fn again(
    state: &AppState,
    auth: &Authenticated,
    child: Id,
    f: FormState,
) -> Result<Response, WebError> {
    let status = if f.notice.is_some() {
        axum::http::StatusCode::CONFLICT
    } else {
        FORM_ERROR
    };
    let page = state
        .app()
        .care_child_page(&auth.caller(), child, false)
        .await?;
    render_status(&child_page(state, auth, page, f)?, status)
}

fn back_to(child: Id, anchor: &str) -> Response {
    see_other(&format!("/care/children/{child}#{anchor}"))
}

pub async fn place(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(child): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let parsed = PlacementDetails::parse(
        &PlacementInput {
            started_on: fields.get("started_on"),
            ended_on: "",
            reason: fields.get("reason"),
            apart_reason: fields.get("apart_reason"),
        },
        state.today(),
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
            again(&state, &auth, child, f).await
        }
    }
}

pub async fn end_placement(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((child, placement)): Ids<(Id, Id)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
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
            state.today(),
        )
        .await
    {
        Ok(_) => Ok(back_to(child, "placements")),
        Err(error) => {
            let f = refused_or_conflict(error, "end", fields, auth.tr())?;
            again(&state, &auth, child, f).await
        }
    }
}

/// Marks a placement entered in error (with the reason): it leaves the history.
pub async fn placement_in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((child, placement)): Ids<(Id, Id)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
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
            again(&state, &auth, child, f).await
        }
    }
}

pub async fn move_case(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(child): Ids<Id>,
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
        .move_child_case(&auth.caller(), child, fields.version(), step)
        .await
    {
        Ok(()) => Ok(back_to(child, "case")),
        Err(error) => {
            let f = refused_or_conflict(error, "case", fields, auth.tr())?;
            again(&state, &auth, child, f).await
        }
    }
}

pub async fn add_note(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(child): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
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
        state.today(),
    );
    match state
        .app()
        .add_care_note(&auth.caller(), child, kind, details)
        .await
    {
        Ok(_) => Ok(back_to(child, "notes")),
        Err(error) => {
            let f = refused(error, form, fields, auth.tr())?;
            again(&state, &auth, child, f).await
        }
    }
}

pub async fn note_in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((child, note)): Ids<(Id, Id)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
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
            again(&state, &auth, child, f).await
        }
    }
}

pub async fn add_enrolment(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(child): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
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
            again(&state, &auth, child, f).await
        }
    }
}

pub async fn add_term(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((child, enrolment)): Ids<(Id, Id)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
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
            again(&state, &auth, child, f).await
        }
        Err(error) => {
            let f = refused(error, "term", fields, tr)?;
            again(&state, &auth, child, f).await
        }
    }
}

pub async fn add_step(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(child): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let parsed = StepDetails::parse(
        fields.get("kind"),
        fields.get("started_on"),
        fields.get("ended_on"),
        fields.get("details"),
        state.today(),
    );
    match state.app().add_step(&auth.caller(), child, parsed).await {
        Ok(_) => Ok(back_to(child, "independence")),
        Err(error) => {
            let f = refused(error, "step", fields, auth.tr())?;
            again(&state, &auth, child, f).await
        }
    }
}

pub async fn record_leaving(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(child): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let parsed = LeavingDetails::parse(
        fields.get("left_on"),
        fields.get("destination"),
        fields.get("leaving_reason"),
        state.today(),
    );
    match state
        .app()
        .record_leaving(&auth.caller(), child, fields.version(), parsed)
        .await
    {
        Ok(()) => Ok(back_to(child, "independence")),
        Err(error) => {
            let f = refused_or_conflict(error, "leaving", fields, auth.tr())?;
            again(&state, &auth, child, f).await
        }
    }
}

pub async fn add_followup(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(child): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let parsed = FollowUpDetails::parse(
        fields.get("followed_on"),
        fields.get("situation"),
        fields.get("notes"),
        fields.get("next_on"),
        state.today(),
    );
    match state
        .app()
        .add_followup(&auth.caller(), child, parsed)
        .await
    {
        Ok(_) => Ok(back_to(child, "independence")),
        Err(error) => {
            let f = refused(error, "followup", fields, auth.tr())?;
            again(&state, &auth, child, f).await
        }
    }
}
