//! The /api/v1 routes of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6).
//!
//! The same rules as the pages: Read Care to read (within reach; SOS parents and
//! family assistants only their own houses' children), Write Care to write, Write
//! CareApproval for the director's approvals, note kinds by their own permissions
//! (psychosocial notes are absent from every answer without Read PsychosocialNote).
//! Bad input answers 422 problem+json naming each field and its code; out of reach
//! answers 404.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use haven_app::care::{
    CaseStep, Decision, HouseCommand, HouseholdRecord, Parsed, Placing, PlanRecord,
};
use haven_app::model::care::{Admission, CareChild, House, Household, Partner, PlacementChecks};
use haven_app::model::Id;
use haven_app::{AppError, FieldError};
use haven_domain::care::{
    AdmissionDetails, AdmissionInput, AdmissionStatus, CareCaseState, CareError, CareNoteKind,
    EnrolmentDetails, EnrolmentInput, FollowUpDetails, GoalDetails, GoalInput, GoalUpdate,
    HouseDetails, HouseInput, HouseholdDetails, HouseholdEnd, LeavingDetails, NoteDetails,
    PartnerDetails, PlacementDetails, PlacementInput, PlanDetails, PlanInput, ProgressDetails,
    ReviewDetails, ServiceDetails, StepDetails, TermDetails, TermInput,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiJson;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::extract::Ids;
use crate::state::AppState;

/// Adds this part's API routes.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(get_programme))
        .routes(routes!(list_houses, create_house))
        .routes(routes!(get_house, update_house))
        .routes(routes!(close_house))
        .routes(routes!(list_children))
        .routes(routes!(get_child))
        .routes(routes!(create_admission))
        .routes(routes!(get_admission))
        .routes(routes!(decide_admission))
        .routes(routes!(place_child))
        .routes(routes!(end_placement))
        .routes(routes!(placement_in_error))
        .routes(routes!(move_child_case))
        .routes(routes!(list_notes, add_note))
        .routes(routes!(note_in_error))
        .routes(routes!(add_enrolment))
        .routes(routes!(add_term))
        .routes(routes!(add_step))
        .routes(routes!(record_leaving))
        .routes(routes!(add_followup))
        .routes(routes!(create_child_plan))
        .routes(routes!(get_plan))
        .routes(routes!(add_goal))
        .routes(routes!(update_goal))
        .routes(routes!(review_plan))
        .routes(routes!(approve_plan))
        .routes(routes!(list_households, create_household))
        .routes(routes!(get_household))
        .routes(routes!(add_member))
        .routes(routes!(end_member))
        .routes(routes!(add_service))
        .routes(routes!(add_progress))
        .routes(routes!(move_household_case))
        .routes(routes!(end_household))
        .routes(routes!(create_household_plan))
        .routes(routes!(list_partners, create_partner))
        .routes(routes!(update_partner))
        .routes(routes!(close_partner))
}

/// An action's refusal as problem+json: wrong fields answer 422 with each field and
/// its code, in `detail` as well as in `errors`.
fn app_error(error: AppError) -> ApiError {
    match error {
        AppError::Invalid(fields) => {
            let detail = fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.code))
                .collect::<Vec<_>>()
                .join("; ");
            ApiError {
                detail,
                ..ApiError::from(AppError::Invalid(fields))
            }
        }
        other => other.into(),
    }
}

/// The same refusal, with a field named as the body names it.
fn rename_field(error: AppError, from: &str, to: &'static str) -> AppError {
    match error {
        AppError::Invalid(fields) => AppError::Invalid(
            fields
                .into_iter()
                .map(|f| FieldError {
                    field: if f.field == from { to } else { f.field },
                    code: f.code,
                })
                .collect(),
        ),
        other => other,
    }
}

fn placement_wire(p: haven_app::model::care::Placement) -> PlacementWire {
    PlacementWire {
        id: p.id.to_string(),
        house_id: p.house_id.to_string(),
        started_on: p.started_on.to_string(),
        ended_on: date(p.ended_on),
        start_reason: p.start_reason,
        end_reason: p.end_reason,
        apart_reason: p.apart_reason,
        version: p.version,
    }
}

fn not_found(entity: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no such {entity}"),
    )
}

fn date(d: Option<time::Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

// ---------------------------------------------------------------------------
// Wire types

/// A count by sex.
#[derive(Debug, Serialize, ToSchema)]
pub struct BySexWire {
    /// The figure: `in_care`, `admissions`, `leavers`, `plans_up_to_date`,
    /// `school_age`, `enrolled`, `with_results`, `passed`.
    pub figure: String,
    pub girls: i64,
    pub boys: i64,
    /// Everyone, including other and unknown sex.
    pub total: i64,
}

/// A programme's care: figures by sex and the lists that need attention.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeCareWire {
    pub programme_id: String,
    pub year: i32,
    pub figures: Vec<BySexWire>,
    /// Groups of siblings living in more than one house: the children's care ids.
    pub split_sibling_groups: Vec<Vec<String>>,
    /// Plans whose review is overdue: plan ids.
    pub overdue_plan_ids: Vec<String>,
    pub pending_admission_ids: Vec<String>,
    /// School-age children in care not enrolled this school year: care ids.
    pub not_enrolled_child_ids: Vec<String>,
}

/// A house (SOS family) of a village.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseWire {
    pub id: String,
    pub facility_id: String,
    pub name: String,
    /// `sos_family`, `youth_house` or `semi_independent`.
    pub kind: String,
    pub capacity: i64,
    pub children: i64,
    pub free_places: i64,
    pub sos_parent_id: Option<String>,
    pub family_assistant_id: Option<String>,
    /// A closed house takes no more children.
    pub closed: bool,
    pub version: i64,
}

fn house_wire(h: House) -> HouseWire {
    HouseWire {
        free_places: h.free_places(),
        closed: h.closed_at.is_some(),
        id: h.id.to_string(),
        facility_id: h.facility_id.to_string(),
        name: h.name,
        kind: h.kind,
        capacity: h.capacity,
        children: h.children,
        sos_parent_id: h.sos_parent_id.map(|i| i.to_string()),
        family_assistant_id: h.family_assistant_id.map(|i| i.to_string()),
        version: h.version,
    }
}

/// A child in care.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChildWire {
    pub id: String,
    pub person_id: String,
    pub name: String,
    pub sex: String,
    pub birth_date: String,
    pub facility_id: String,
    pub house_id: Option<String>,
    pub placed_on: Option<String>,
    /// A case step code, such as `implementation`.
    pub case_state: String,
    pub left_on: Option<String>,
    pub leaving_destination: String,
    pub leaving_reason: String,
    pub version: i64,
}

fn child_wire(c: &CareChild) -> ChildWire {
    ChildWire {
        id: c.id.to_string(),
        person_id: c.person_id.to_string(),
        name: c.display_name(),
        sex: c.sex.clone(),
        birth_date: c.birth_date.to_string(),
        facility_id: c.facility_id.to_string(),
        house_id: c.house_id.map(|h| h.to_string()),
        placed_on: date(c.placed_on),
        case_state: c.case_state.clone(),
        left_on: date(c.left_on),
        leaving_destination: c.leaving_destination.clone(),
        leaving_reason: c.leaving_reason.clone(),
        version: c.version,
    }
}

/// A placement.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacementWire {
    pub id: String,
    pub house_id: String,
    pub started_on: String,
    pub ended_on: Option<String>,
    pub start_reason: String,
    pub end_reason: String,
    pub apart_reason: String,
    pub version: i64,
}

/// An enrolment with its terms.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentWire {
    pub id: String,
    pub level: String,
    pub school: String,
    pub grade: String,
    pub school_year: i64,
    pub scholarship: String,
    pub terms: Vec<TermWire>,
}

/// A term's attendance and results.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermWire {
    pub id: String,
    pub term: i64,
    pub days_present: Option<i64>,
    pub days_possible: Option<i64>,
    pub average: Option<f64>,
    pub passed: bool,
    pub remark: String,
}

/// A step of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseEventWire {
    pub from_state: String,
    pub to_state: String,
    pub note: String,
    pub at: String,
    pub by: String,
}

/// A child with their history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChildDetailWire {
    pub child: ChildWire,
    pub placements: Vec<PlacementWire>,
    pub admission_ids: Vec<String>,
    pub plan_ids: Vec<String>,
    pub enrolments: Vec<EnrolmentWire>,
    /// Steps to independence: kind, start, end, details.
    pub steps: Vec<StepWire>,
    pub followups: Vec<FollowUpWire>,
    pub case_history: Vec<CaseEventWire>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepWire {
    pub kind: String,
    pub started_on: String,
    pub ended_on: Option<String>,
    pub details: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpWire {
    pub followed_on: String,
    pub situation: String,
    pub notes: String,
    pub next_on: Option<String>,
}

/// A gatekeeping assessment and decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdmissionWire {
    pub id: String,
    pub child_id: String,
    pub referred_by: String,
    pub referred_on: Option<String>,
    pub authority: String,
    pub authority_reference: String,
    pub necessity: String,
    pub family_support: String,
    pub options_considered: Vec<String>,
    pub chosen_option: String,
    pub suitability: String,
    pub child_views: String,
    pub siblings_note: String,
    pub decision: String,
    pub decided_on: String,
    pub review_on: String,
    /// `pending`, `approved` or `declined`.
    pub status: String,
    pub approved_by: Option<String>,
    pub approval_note: String,
    pub version: i64,
}

fn admission_wire(a: Admission) -> AdmissionWire {
    AdmissionWire {
        id: a.id.to_string(),
        child_id: a.child_id.to_string(),
        referred_by: a.referred_by,
        referred_on: date(a.referred_on),
        authority: a.authority,
        authority_reference: a.authority_reference,
        necessity: a.necessity,
        family_support: a.family_support,
        options_considered: a
            .options_considered
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        chosen_option: a.chosen_option,
        suitability: a.suitability,
        child_views: a.child_views,
        siblings_note: a.siblings_note,
        decision: a.decision,
        decided_on: a.decided_on.to_string(),
        review_on: a.review_on.to_string(),
        status: a.status,
        approved_by: a.approved_by.map(|u| u.to_string()),
        approval_note: a.approval_note,
        version: a.version,
    }
}

/// A goal of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalWire {
    pub id: String,
    pub area: String,
    pub goal: String,
    pub actions: String,
    pub responsible: String,
    pub due_on: Option<String>,
    pub progress: String,
    pub progress_note: String,
    pub version: i64,
}

/// A development plan with its goals and reviews.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanWire {
    pub id: String,
    pub child_id: Option<String>,
    pub household_id: Option<String>,
    pub made_on: String,
    pub review_on: String,
    pub overdue: bool,
    pub strengths: String,
    pub risks_needs: String,
    pub child_heard: bool,
    pub child_views: String,
    /// `draft` or `approved`.
    pub status: String,
    pub goals: Vec<GoalWire>,
    /// Reviews: date, notes, next review.
    pub reviews: Vec<ReviewWire>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewWire {
    pub reviewed_on: String,
    pub notes: String,
    pub next_review_on: String,
}

fn plan_wire(record: PlanRecord, today: time::Date) -> PlanWire {
    let p = record.plan;
    let goals = record
        .goals
        .into_iter()
        .map(|g| GoalWire {
            id: g.id.to_string(),
            area: g.area,
            goal: g.goal,
            actions: g.actions,
            responsible: g.responsible,
            due_on: date(g.due_on),
            progress: g.progress,
            progress_note: g.progress_note,
            version: g.version,
        })
        .collect();
    let reviews = record
        .reviews
        .into_iter()
        .map(|r| ReviewWire {
            reviewed_on: r.reviewed_on.to_string(),
            notes: r.notes,
            next_review_on: r.next_review_on.to_string(),
        })
        .collect();
    PlanWire {
        id: p.id.to_string(),
        child_id: p.child_id.map(|c| c.to_string()),
        household_id: p.household_id.map(|h| h.to_string()),
        made_on: p.made_on.to_string(),
        review_on: p.review_on.to_string(),
        overdue: haven_domain::care::review_overdue(p.review_on, today),
        strengths: p.strengths,
        risks_needs: p.risks_needs,
        child_heard: p.child_heard == 1,
        child_views: p.child_views,
        status: p.status,
        goals,
        reviews,
        version: p.version,
    }
}

/// A plan as it is now, as the caller reads it, for the answer to a change.
async fn plan_answer(state: &AppState, caller: &ApiCaller, plan: Id) -> Result<PlanWire, ApiError> {
    let record = state.app().plan_record(&caller.caller(), plan).await?;
    Ok(plan_wire(record, state.today()))
}

/// A note about a child.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteWire {
    pub id: String,
    /// `daily` or `psychosocial`.
    pub kind: String,
    pub written_on: String,
    pub body: String,
    pub version: i64,
}

/// A family strengthening household.
#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdWire {
    pub id: String,
    pub facility_id: String,
    pub name: String,
    pub vulnerabilities: Vec<String>,
    pub case_state: String,
    /// `active`, `graduated` or `exited`.
    pub status: String,
    pub ended_on: Option<String>,
    pub end_reason: String,
    pub members: Vec<MemberWire>,
    pub services: Vec<ServiceWire>,
    /// Self-reliance assessments, oldest first: date and level.
    pub progress: Vec<ProgressWire>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberWire {
    pub id: String,
    pub person_id: String,
    pub at_risk: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceWire {
    pub kind: String,
    pub given_on: String,
    pub partner_id: Option<String>,
    pub person_id: Option<String>,
    pub notes: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressWire {
    pub assessed_on: String,
    pub level: String,
    pub note: String,
}

/// A household without its members, services and progress (for a list).
fn household_brief(h: Household) -> HouseholdWire {
    HouseholdWire {
        id: h.id.to_string(),
        facility_id: h.facility_id.to_string(),
        vulnerabilities: h
            .vulnerabilities()
            .into_iter()
            .map(|v| v.code().to_owned())
            .collect(),
        name: h.name,
        case_state: h.case_state,
        status: h.status,
        ended_on: date(h.ended_on),
        end_reason: h.end_reason,
        members: Vec::new(),
        services: Vec::new(),
        progress: Vec::new(),
        version: h.version,
    }
}

/// A household with its members, services and progress.
fn household_wire(record: HouseholdRecord) -> HouseholdWire {
    HouseholdWire {
        members: record
            .members
            .into_iter()
            .map(|(m, _)| MemberWire {
                id: m.id.to_string(),
                person_id: m.person_id.to_string(),
                at_risk: m.at_risk == 1,
            })
            .collect(),
        services: record
            .services
            .into_iter()
            .map(|s| ServiceWire {
                kind: s.kind,
                given_on: s.given_on.to_string(),
                partner_id: s.partner_id.map(|p| p.to_string()),
                person_id: s.person_id.map(|p| p.to_string()),
                notes: s.notes,
            })
            .collect(),
        progress: record
            .progress
            .into_iter()
            .map(|p| ProgressWire {
                assessed_on: p.assessed_on.to_string(),
                level: p.level,
                note: p.note,
            })
            .collect(),
        ..household_brief(record.household)
    }
}

/// A household as it is now, as the caller reads it, for the answer to a change.
async fn household_answer(
    state: &AppState,
    caller: &ApiCaller,
    household: Id,
) -> Result<HouseholdWire, ApiError> {
    let record = state
        .app()
        .household_record(&caller.caller(), household)
        .await?;
    Ok(household_wire(record))
}

/// A partner organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerWire {
    pub id: String,
    pub name: String,
    pub services: String,
    pub contact: String,
    /// A closed partner takes no new referrals.
    pub closed: bool,
    pub version: i64,
}

fn partner_wire(p: Partner) -> PartnerWire {
    PartnerWire {
        id: p.id.to_string(),
        name: p.name,
        services: p.services,
        contact: p.contact,
        closed: p.closed_at.is_some(),
        version: p.version,
    }
}

// ---------------------------------------------------------------------------
// Programme

/// A programme's care figures by sex and what needs attention.
#[utoipa::path(get, path = "/api/v1/care/programmes/{care_programme}", tag = "care", security(("bearer" = [])),
    params(("care_programme" = String, Path, description = "the programme's id")),
    responses((status = 200, body = ProgrammeCareWire), (status = 404, body = Problem)))]
pub async fn get_programme(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
) -> Result<Json<ProgrammeCareWire>, ApiError> {
    let day = state.today();
    let care = state
        .app()
        .care_programme(&caller.caller(), raw, day)
        .await?;
    let f = &care.figures;
    let by = |figure: &str, b: &haven_domain::care::figures::BySex| BySexWire {
        figure: figure.to_owned(),
        girls: b.girls,
        boys: b.boys,
        total: b.total,
    };
    Ok(Json(ProgrammeCareWire {
        programme_id: care.programme.id.to_string(),
        year: f.year,
        figures: vec![
            by("in_care", &f.in_care),
            by("admissions", &f.admissions),
            by("leavers", &f.leavers),
            by("plans_up_to_date", &f.plans_up_to_date),
            by("school_age", &f.school_age),
            by("enrolled", &f.enrolled),
            by("with_results", &f.with_results),
            by("passed", &f.passed),
        ],
        split_sibling_groups: care
            .split
            .iter()
            .map(|g| g.iter().map(|(c, _)| c.id.to_string()).collect())
            .collect(),
        overdue_plan_ids: care.overdue.iter().map(|o| o.plan.id.to_string()).collect(),
        pending_admission_ids: care.pending.iter().map(|(a, _)| a.id.to_string()).collect(),
        not_enrolled_child_ids: care
            .rows
            .iter()
            .filter(|r| {
                r.in_care() && haven_domain::care::is_school_age(r.birth_date, day) && !r.enrolled()
            })
            .map(|r| r.id.to_string())
            .collect(),
    }))
}

// ---------------------------------------------------------------------------
// Houses

/// A house's details.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseRequest {
    pub name: String,
    /// `sos_family`, `youth_house` or `semi_independent`.
    pub kind: String,
    /// 1 to 20.
    pub capacity: i64,
    #[serde(default)]
    pub sos_parent_id: Option<String>,
    #[serde(default)]
    pub family_assistant_id: Option<String>,
    /// Required to change a house.
    #[serde(default)]
    pub version: Option<i64>,
}

impl HouseRequest {
    /// The house's details and caregivers; a caregiver who is no id is a bad choice.
    fn command(&self) -> Parsed<HouseCommand> {
        let details = HouseDetails::parse(&HouseInput {
            name: &self.name,
            kind: &self.kind,
            capacity: &self.capacity.to_string(),
        })?;
        let staff = |raw: &Option<String>, field: &'static str| -> Parsed<Option<Id>> {
            match raw.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(raw) => raw
                    .parse()
                    .map(Some)
                    .map_err(|_| vec![(field, CareError::BadChoice)]),
            }
        };
        Ok(HouseCommand {
            details,
            sos_parent: staff(&self.sos_parent_id, "sos_parent_id")?,
            family_assistant: staff(&self.family_assistant_id, "family_assistant_id")?,
        })
    }
}

/// The houses of a village.
#[utoipa::path(get, path = "/api/v1/care/villages/{care_village}/houses", tag = "care", security(("bearer" = [])),
    params(("care_village" = String, Path, description = "the village's facility id")),
    responses((status = 200, body = [HouseWire]), (status = 404, body = Problem)))]
pub async fn list_houses(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(village): Ids<Id>,
) -> Result<Json<Vec<HouseWire>>, ApiError> {
    let houses = state
        .app()
        .village_houses(&caller.caller(), village)
        .await?;
    Ok(Json(houses.into_iter().map(house_wire).collect()))
}

/// Adds a house to a village.
#[utoipa::path(post, path = "/api/v1/care/villages/{care_village}/houses", tag = "care", security(("bearer" = [])),
    params(("care_village" = String, Path, description = "the village's facility id")),
    request_body = HouseRequest,
    responses((status = 201, body = HouseWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_house(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(village): Ids<Id>,
    ApiJson(request): ApiJson<HouseRequest>,
) -> Result<(StatusCode, Json<HouseWire>), ApiError> {
    let house = state
        .app()
        .create_house(&caller.caller(), village, request.command())
        .await
        .map_err(app_error)?;
    Ok((StatusCode::CREATED, Json(house_wire(house))))
}

/// One house.
#[utoipa::path(get, path = "/api/v1/care/houses/{care_house}", tag = "care", security(("bearer" = [])),
    params(("care_house" = String, Path, description = "the house's id")),
    responses((status = 200, body = HouseWire), (status = 404, body = Problem)))]
pub async fn get_house(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(house): Ids<Id>,
) -> Result<Json<HouseWire>, ApiError> {
    let seen = state.app().house_to_read(&caller.caller(), house).await?;
    Ok(Json(house_wire(seen.house)))
}

/// Changes a house; `version` is the one read.
#[utoipa::path(put, path = "/api/v1/care/houses/{care_house}", tag = "care", security(("bearer" = [])),
    params(("care_house" = String, Path, description = "the house's id")),
    request_body = HouseRequest,
    responses((status = 200, body = HouseWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_house(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(house): Ids<Id>,
    ApiJson(request): ApiJson<HouseRequest>,
) -> Result<Json<HouseWire>, ApiError> {
    let house = state
        .app()
        .update_house(&caller.caller(), house, request.version, request.command())
        .await
        .map_err(app_error)?;
    Ok(Json(house_wire(house)))
}

// ---------------------------------------------------------------------------
// Children

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChildrenQuery {
    /// A village or office id; all in reach when absent.
    #[serde(default)]
    pub facility: Option<String>,
}

/// The children in care the caller sees.
#[utoipa::path(get, path = "/api/v1/care/children", tag = "care", security(("bearer" = [])),
    params(ChildrenQuery),
    responses((status = 200, body = [ChildWire]), (status = 422, body = Problem)))]
pub async fn list_children(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<ChildrenQuery>,
) -> Result<Json<Vec<ChildWire>>, ApiError> {
    let facility = match query.facility.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<Id>()
                .map_err(|_| ApiError::validation("facility: not an id"))?,
        ),
    };
    let children = state
        .app()
        .care_children(&caller.caller(), facility)
        .await?;
    Ok(Json(children.iter().map(child_wire).collect()))
}

/// A child in care with placements, admissions, plans, school, independence and
/// case history. The read is audited.
#[utoipa::path(get, path = "/api/v1/care/children/{care_child}", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id")),
    responses((status = 200, body = ChildDetailWire), (status = 404, body = Problem)))]
pub async fn get_child(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
) -> Result<Json<ChildDetailWire>, ApiError> {
    let record = state
        .app()
        .read_care_child_record(&caller.caller(), raw)
        .await?;
    let child = record.child;
    let terms = record.terms;
    Ok(Json(ChildDetailWire {
        placements: record.placements.into_iter().map(placement_wire).collect(),
        admission_ids: record
            .admissions
            .into_iter()
            .map(|a| a.id.to_string())
            .collect(),
        plan_ids: record.plans.into_iter().map(|p| p.id.to_string()).collect(),
        enrolments: record
            .enrolments
            .into_iter()
            .map(|e| EnrolmentWire {
                terms: terms
                    .iter()
                    .filter(|t| t.enrolment_id == e.id)
                    .map(|t| TermWire {
                        id: t.id.to_string(),
                        term: t.term,
                        days_present: t.days_present,
                        days_possible: t.days_possible,
                        average: t.average,
                        passed: t.passed == 1,
                        remark: t.remark.clone(),
                    })
                    .collect(),
                id: e.id.to_string(),
                level: e.level,
                school: e.school,
                grade: e.grade,
                school_year: e.school_year,
                scholarship: e.scholarship,
            })
            .collect(),
        steps: record
            .steps
            .into_iter()
            .map(|s| StepWire {
                kind: s.kind,
                started_on: s.started_on.to_string(),
                ended_on: date(s.ended_on),
                details: s.details,
            })
            .collect(),
        followups: record
            .followups
            .into_iter()
            .map(|f| FollowUpWire {
                followed_on: f.followed_on.to_string(),
                situation: f.situation,
                notes: f.notes,
                next_on: date(f.next_on),
            })
            .collect(),
        case_history: record
            .case_history
            .into_iter()
            .map(|e| CaseEventWire {
                from_state: e.from_state,
                to_state: e.to_state,
                note: e.note,
                at: e.created_at.to_string(),
                by: e.created_by.to_string(),
            })
            .collect(),
        child: child_wire(&child),
    }))
}

/// A gatekeeping assessment and decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmissionRequest {
    pub person_id: String,
    /// The village, youth facility or office that holds the child's care.
    pub facility_id: String,
    #[serde(default)]
    pub referred_by: String,
    #[serde(default)]
    pub referred_on: String,
    #[serde(default)]
    pub authority: String,
    #[serde(default)]
    pub authority_reference: String,
    pub necessity: String,
    #[serde(default)]
    pub family_support: String,
    /// True when poverty is the only reason: an admission is then refused.
    #[serde(default)]
    pub poverty_only: bool,
    #[serde(default)]
    pub options_considered: Vec<String>,
    pub chosen_option: String,
    pub suitability: String,
    #[serde(default)]
    pub child_views: String,
    #[serde(default)]
    pub siblings_note: String,
    /// `admit`, `not_admit` or `refer`.
    pub decision: String,
    pub decided_on: String,
    pub review_on: String,
}

/// Records a gatekeeping assessment and decision; it waits for the director's approval.
#[utoipa::path(post, path = "/api/v1/care/admissions", tag = "care", security(("bearer" = [])),
    request_body = AdmissionRequest,
    responses((status = 201, body = AdmissionWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_admission(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(r): ApiJson<AdmissionRequest>,
) -> Result<(StatusCode, Json<AdmissionWire>), ApiError> {
    let details = AdmissionDetails::parse(
        &AdmissionInput {
            referred_by: &r.referred_by,
            referred_on: &r.referred_on,
            authority: &r.authority,
            authority_reference: &r.authority_reference,
            necessity: &r.necessity,
            family_support: &r.family_support,
            poverty_only: r.poverty_only,
            options_considered: r.options_considered.iter().map(String::as_str).collect(),
            chosen_option: &r.chosen_option,
            suitability: &r.suitability,
            child_views: &r.child_views,
            siblings_note: &r.siblings_note,
            decision: &r.decision,
            decided_on: &r.decided_on,
            review_on: &r.review_on,
        },
        state.today(),
    );
    // An id that is no id names no one: a fresh id names no one either.
    let person = r.person_id.trim().parse().unwrap_or_else(|_| Id::new());
    let facility = r.facility_id.trim().parse().ok();
    let admission = state
        .app()
        .record_admission(&caller.caller(), person, facility, details)
        .await
        .map_err(|e| app_error(rename_field(e, "facility", "facility_id")))?;
    Ok((StatusCode::CREATED, Json(admission_wire(admission))))
}

/// One admission.
#[utoipa::path(get, path = "/api/v1/care/admissions/{care_admission}", tag = "care", security(("bearer" = [])),
    params(("care_admission" = String, Path, description = "the admission's id")),
    responses((status = 200, body = AdmissionWire), (status = 404, body = Problem)))]
pub async fn get_admission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
) -> Result<Json<AdmissionWire>, ApiError> {
    let record = state
        .app()
        .read_care_admission(&caller.caller(), raw)
        .await?;
    Ok(Json(admission_wire(record.admission)))
}

/// The director's decision on an admission.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// `approved` or `declined`.
    pub status: String,
    #[serde(default)]
    pub note: String,
    pub version: i64,
}

/// The programme director approves or declines an admission.
#[utoipa::path(post, path = "/api/v1/care/admissions/{care_admission}/decision", tag = "care", security(("bearer" = [])),
    params(("care_admission" = String, Path, description = "the admission's id")),
    request_body = DecisionRequest,
    responses((status = 200, body = AdmissionWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide_admission(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<DecisionRequest>,
) -> Result<Json<AdmissionWire>, ApiError> {
    let decision = match r.status.trim() {
        "approved" => Ok(AdmissionStatus::Approved),
        "declined" => Ok(AdmissionStatus::Declined),
        _ => Err(vec![("status", CareError::BadChoice)]),
    }
    .and_then(|status| {
        Ok(Decision {
            status,
            note: haven_domain::care::parse_case_note(&r.note)?,
        })
    });
    let admission = state
        .app()
        .decide_admission(&caller.caller(), raw, r.version, decision)
        .await
        .map_err(app_error)?;
    Ok(Json(admission_wire(admission)))
}

/// A placement in a house.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacementRequest {
    pub house_id: String,
    pub started_on: String,
    pub reason: String,
    /// Required when a sibling lives in another house.
    #[serde(default)]
    pub apart_reason: String,
    /// Confirms placing a child under 3 outside family-based care.
    #[serde(default)]
    pub under_three_confirmed: bool,
}

/// Places (or moves) a child in a house.
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/placements", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id")),
    request_body = PlacementRequest,
    responses((status = 201, body = PlacementWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn place_child(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<PlacementRequest>,
) -> Result<(StatusCode, Json<PlacementWire>), ApiError> {
    let child = raw;
    let details = PlacementDetails::parse(
        &PlacementInput {
            started_on: &r.started_on,
            ended_on: "",
            reason: &r.reason,
            apart_reason: &r.apart_reason,
        },
        state.today(),
    );
    // An id that is no id names no house: a fresh id names none either, so the
    // answer is the same bad choice.
    let house = Some(r.house_id.trim().parse().unwrap_or_else(|_| Id::new()));
    let placing = Placing {
        house,
        checks: PlacementChecks {
            under_three_confirmed: r.under_three_confirmed,
        },
    };
    let p = state
        .app()
        .place_child(&caller.caller(), child, placing, details)
        .await
        .map_err(|e| app_error(rename_field(e, "house", "house_id")))?;
    Ok((StatusCode::CREATED, Json(placement_wire(p))))
}

/// The end of a placement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndRequest {
    pub ended_on: String,
    pub end_reason: String,
    pub version: i64,
}

/// Ends a placement.
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/placements/{care_placement}/end", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id"), ("care_placement" = String, Path, description = "the placement's id")),
    request_body = EndRequest,
    responses((status = 200, body = PlacementWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn end_placement(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids((raw, placement)): Ids<(Id, Id)>,
    ApiJson(r): ApiJson<EndRequest>,
) -> Result<Json<PlacementWire>, ApiError> {
    let child = raw;
    let p = state
        .app()
        .end_placement(
            &caller.caller(),
            child,
            placement,
            r.version,
            &r.ended_on,
            &r.end_reason,
            state.today(),
        )
        .await
        .map_err(app_error)?;
    Ok(Json(placement_wire(p)))
}

/// Why a record is marked entered in error.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InErrorRequest {
    pub reason: String,
    pub version: i64,
}

/// Marks a placement entered in error: it leaves the history, not the database.
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/placements/{care_placement}/error", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id"), ("care_placement" = String, Path, description = "the placement's id")),
    request_body = InErrorRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn placement_in_error(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids((raw, placement)): Ids<(Id, Id)>,
    ApiJson(r): ApiJson<InErrorRequest>,
) -> Result<StatusCode, ApiError> {
    let child = raw;
    state
        .app()
        .mark_placement_in_error(
            &caller.caller(),
            child,
            placement,
            r.version,
            haven_domain::care::ErrorReason::parse(&r.reason),
        )
        .await
        .map_err(app_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// A step of a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseRequest {
    /// The next step's code, such as `case_plan`.
    pub to: String,
    #[serde(default)]
    pub note: String,
    pub version: i64,
}

fn case_step(r: &CaseRequest) -> Parsed<CaseStep> {
    let to = CareCaseState::parse(&r.to).ok_or_else(|| vec![("to", CareError::BadChoice)])?;
    Ok(CaseStep {
        to,
        note: haven_domain::care::parse_case_note(&r.note)?,
    })
}

/// Moves a child's case to its next step; only the allowed steps.
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/case", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id")),
    request_body = CaseRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn move_child_case(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<CaseRequest>,
) -> Result<StatusCode, ApiError> {
    let child = raw;
    let step = case_step(&r);
    state
        .app()
        .move_child_case(&caller.caller(), child, r.version, step)
        .await
        .map_err(app_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// A note about a child.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    /// `daily` or `psychosocial`.
    pub kind: String,
    pub written_on: String,
    pub body: String,
}

/// A child's notes of the kinds the caller may read (psychosocial notes only with
/// their own permission).
#[utoipa::path(get, path = "/api/v1/care/children/{care_child}/notes", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id")),
    responses((status = 200, body = [NoteWire]), (status = 404, body = Problem)))]
pub async fn list_notes(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
) -> Result<Json<Vec<NoteWire>>, ApiError> {
    let child = raw;
    let notes = state.app().care_notes(&caller.caller(), child).await?;
    Ok(Json(
        notes
            .into_iter()
            .map(|n| NoteWire {
                id: n.id.to_string(),
                kind: n.kind,
                written_on: n.written_on.to_string(),
                body: n.body,
                version: n.version,
            })
            .collect(),
    ))
}

/// Writes a note about a child.
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/notes", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id")),
    request_body = NoteRequest,
    responses((status = 201, body = NoteWire), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_note(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<NoteRequest>,
) -> Result<(StatusCode, Json<NoteWire>), ApiError> {
    let child = raw;
    let kind = CareNoteKind::parse(&r.kind).unwrap_or(CareNoteKind::Daily);
    let details = NoteDetails::parse(&r.kind, &r.written_on, &r.body, state.today());
    let n = state
        .app()
        .add_care_note(&caller.caller(), child, kind, details)
        .await
        .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        Json(NoteWire {
            id: n.id.to_string(),
            kind: n.kind,
            written_on: n.written_on.to_string(),
            body: n.body,
            version: n.version,
        }),
    ))
}

/// Marks a note entered in error, with the reason.
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/notes/{care_note}/error", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id"), ("care_note" = String, Path, description = "the note's id")),
    request_body = InErrorRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn note_in_error(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids((raw, note)): Ids<(Id, Id)>,
    ApiJson(r): ApiJson<InErrorRequest>,
) -> Result<StatusCode, ApiError> {
    let child = raw;
    state
        .app()
        .mark_note_in_error(
            &caller.caller(),
            child,
            note,
            r.version,
            haven_domain::care::ErrorReason::parse(&r.reason),
        )
        .await
        .map_err(app_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// An enrolment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentRequest {
    /// `preschool`, `primary`, `lower_secondary`, `upper_secondary`, `vocational`, `higher`.
    pub level: String,
    pub school: String,
    #[serde(default)]
    pub grade: String,
    /// The year the school year starts in, such as `2025`.
    pub school_year: String,
    #[serde(default)]
    pub scholarship: String,
}

/// Enrols a child at a school or training centre.
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/enrolments", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id")),
    request_body = EnrolmentRequest,
    responses((status = 201, body = EnrolmentWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_enrolment(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<EnrolmentRequest>,
) -> Result<(StatusCode, Json<EnrolmentWire>), ApiError> {
    let child = raw;
    let details = EnrolmentDetails::parse(&EnrolmentInput {
        level: &r.level,
        school: &r.school,
        grade: &r.grade,
        school_year: &r.school_year,
        scholarship: &r.scholarship,
    });
    let e = state
        .app()
        .add_enrolment(&caller.caller(), child, details)
        .await
        .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        Json(EnrolmentWire {
            id: e.id.to_string(),
            level: e.level,
            school: e.school,
            grade: e.grade,
            school_year: e.school_year,
            scholarship: e.scholarship,
            terms: Vec::new(),
        }),
    ))
}

/// A term's attendance and results.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermRequest {
    /// 1 to 4.
    pub term: i64,
    #[serde(default)]
    pub days_present: Option<i64>,
    #[serde(default)]
    pub days_possible: Option<i64>,
    /// 0 to 100 (%).
    #[serde(default)]
    pub average: Option<f64>,
    #[serde(default)]
    pub passed: bool,
    #[serde(default)]
    pub remark: String,
}

/// Records a term of an enrolment.
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/enrolments/{care_enrolment}/terms", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id"), ("care_enrolment" = String, Path, description = "the enrolment's id")),
    request_body = TermRequest,
    responses((status = 201, body = TermWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_term(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids((raw, enrolment)): Ids<(Id, Id)>,
    ApiJson(r): ApiJson<TermRequest>,
) -> Result<(StatusCode, Json<TermWire>), ApiError> {
    let child = raw;
    let text = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let average = r.average.map(|a| a.to_string()).unwrap_or_default();
    let details = TermDetails::parse(&TermInput {
        term: &r.term.to_string(),
        days_present: &text(r.days_present),
        days_possible: &text(r.days_possible),
        average: &average,
        passed: r.passed,
        remark: &r.remark,
    });
    let t = state
        .app()
        .add_term(&caller.caller(), child, enrolment, details)
        .await
        .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        Json(TermWire {
            id: t.id.to_string(),
            term: t.term,
            days_present: t.days_present,
            days_possible: t.days_possible,
            average: t.average,
            passed: t.passed == 1,
            remark: t.remark,
        }),
    ))
}

/// A step to independence.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// `youth_care`, `semi_independent` or `employment`.
    pub kind: String,
    pub started_on: String,
    #[serde(default)]
    pub ended_on: String,
    #[serde(default)]
    pub details: String,
}

/// Records a step to independence.
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/steps", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id")),
    request_body = StepRequest,
    responses((status = 201, body = StepWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_step(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<StepRequest>,
) -> Result<(StatusCode, Json<StepWire>), ApiError> {
    let child = raw;
    let details = StepDetails::parse(
        &r.kind,
        &r.started_on,
        &r.ended_on,
        &r.details,
        state.today(),
    );
    let s = state
        .app()
        .add_step(&caller.caller(), child, details)
        .await
        .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        Json(StepWire {
            kind: s.kind,
            started_on: s.started_on.to_string(),
            ended_on: date(s.ended_on),
            details: s.details,
        }),
    ))
}

/// Leaving care.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeavingRequest {
    pub left_on: String,
    /// `reunified`, `kinship`, `foster`, `independent_living`, `other_care`, `other`.
    pub destination: String,
    pub reason: String,
    pub version: i64,
}

/// Records that a child left care; the current placement ends that day.
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/leaving", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id")),
    request_body = LeavingRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_leaving(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<LeavingRequest>,
) -> Result<StatusCode, ApiError> {
    let child = raw;
    let details = LeavingDetails::parse(&r.left_on, &r.destination, &r.reason, state.today());
    state
        .app()
        .record_leaving(&caller.caller(), child, r.version, details)
        .await
        .map_err(app_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// An after-care follow-up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRequest {
    pub followed_on: String,
    /// `doing_well`, `needs_support`, `at_risk`, `lost_contact`.
    pub situation: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub next_on: String,
}

/// Records an after-care follow-up.
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/followups", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id")),
    request_body = FollowUpRequest,
    responses((status = 201, body = FollowUpWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_followup(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<FollowUpRequest>,
) -> Result<(StatusCode, Json<FollowUpWire>), ApiError> {
    let child = raw;
    let details = FollowUpDetails::parse(
        &r.followed_on,
        &r.situation,
        &r.notes,
        &r.next_on,
        state.today(),
    );
    let f = state
        .app()
        .add_followup(&caller.caller(), child, details)
        .await
        .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        Json(FollowUpWire {
            followed_on: f.followed_on.to_string(),
            situation: f.situation,
            notes: f.notes,
            next_on: date(f.next_on),
        }),
    ))
}

// ---------------------------------------------------------------------------
// Plans

/// A development plan's header.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    pub made_on: String,
    /// Not already past, and within the review interval of `made_on`.
    pub review_on: String,
    #[serde(default)]
    pub strengths: String,
    #[serde(default)]
    pub risks_needs: String,
    #[serde(default)]
    pub child_heard: bool,
    #[serde(default)]
    pub child_views: String,
}

fn plan_details(state: &AppState, r: &PlanRequest) -> Parsed<PlanDetails> {
    PlanDetails::parse(
        &PlanInput {
            made_on: &r.made_on,
            review_on: &r.review_on,
            strengths: &r.strengths,
            risks_needs: &r.risks_needs,
            child_heard: r.child_heard,
            child_views: &r.child_views,
        },
        state.today(),
        state.config().care_review_months,
    )
}

/// Makes a child's development plan (a draft until approved).
#[utoipa::path(post, path = "/api/v1/care/children/{care_child}/plans", tag = "care", security(("bearer" = [])),
    params(("care_child" = String, Path, description = "the child's care id")),
    request_body = PlanRequest,
    responses((status = 201, body = PlanWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_child_plan(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<PlanRequest>,
) -> Result<(StatusCode, Json<PlanWire>), ApiError> {
    let child = raw;
    let plan = state
        .app()
        .create_child_plan(&caller.caller(), child, plan_details(&state, &r))
        .await
        .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        Json(plan_answer(&state, &caller, plan.id).await?),
    ))
}

/// A plan with its goals and reviews.
#[utoipa::path(get, path = "/api/v1/care/plans/{care_plan}", tag = "care", security(("bearer" = [])),
    params(("care_plan" = String, Path, description = "the plan's id")),
    responses((status = 200, body = PlanWire), (status = 404, body = Problem)))]
pub async fn get_plan(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
) -> Result<Json<PlanWire>, ApiError> {
    let record = state.app().read_plan_record(&caller.caller(), raw).await?;
    Ok(Json(plan_wire(record, state.today())))
}

/// A goal of a plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalRequest {
    /// An area of life, such as `education` or `identity`.
    pub area: String,
    pub goal: String,
    #[serde(default)]
    pub actions: String,
    pub responsible: String,
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub progress: String,
    #[serde(default)]
    pub progress_note: String,
}

/// Adds a goal to a plan.
#[utoipa::path(post, path = "/api/v1/care/plans/{care_plan}/goals", tag = "care", security(("bearer" = [])),
    params(("care_plan" = String, Path, description = "the plan's id")),
    request_body = GoalRequest,
    responses((status = 201, body = PlanWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_goal(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<GoalRequest>,
) -> Result<(StatusCode, Json<PlanWire>), ApiError> {
    let plan = raw;
    let details = GoalDetails::parse(&GoalInput {
        area: &r.area,
        goal: &r.goal,
        actions: &r.actions,
        responsible: &r.responsible,
        due_on: &r.due_on,
        progress: &r.progress,
        progress_note: &r.progress_note,
    });
    let plan = state
        .app()
        .add_goal(&caller.caller(), plan, details)
        .await
        .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        Json(plan_answer(&state, &caller, plan.id).await?),
    ))
}

/// A goal's progress.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalProgressRequest {
    /// `not_started`, `in_progress`, `achieved`, `dropped`.
    pub progress: String,
    #[serde(default)]
    pub progress_note: String,
    pub version: i64,
}

/// Records a goal's progress.
#[utoipa::path(put, path = "/api/v1/care/plans/{care_plan}/goals/{care_goal}", tag = "care", security(("bearer" = [])),
    params(("care_plan" = String, Path, description = "the plan's id"), ("care_goal" = String, Path, description = "the goal's id")),
    request_body = GoalProgressRequest,
    responses((status = 200, body = PlanWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_goal(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids((raw, goal)): Ids<(Id, Id)>,
    ApiJson(r): ApiJson<GoalProgressRequest>,
) -> Result<Json<PlanWire>, ApiError> {
    let plan = raw;
    let update = GoalUpdate::parse(&r.progress, &r.progress_note);
    let plan = state
        .app()
        .update_goal(&caller.caller(), plan, goal, r.version, update)
        .await
        .map_err(app_error)?;
    Ok(Json(plan_answer(&state, &caller, plan.id).await?))
}

/// A review of a plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub reviewed_on: String,
    pub notes: String,
    pub next_review_on: String,
    /// The plan's version read.
    pub version: i64,
}

/// Records a review of a plan and its next review date.
#[utoipa::path(post, path = "/api/v1/care/plans/{care_plan}/reviews", tag = "care", security(("bearer" = [])),
    params(("care_plan" = String, Path, description = "the plan's id")),
    request_body = ReviewRequest,
    responses((status = 201, body = PlanWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn review_plan(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<ReviewRequest>,
) -> Result<(StatusCode, Json<PlanWire>), ApiError> {
    let plan = raw;
    let review = ReviewDetails::parse(
        &r.reviewed_on,
        &r.notes,
        &r.next_review_on,
        state.today(),
        state.config().care_review_months,
    );
    let plan = state
        .app()
        .review_plan(&caller.caller(), plan, r.version, review)
        .await
        .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        Json(plan_answer(&state, &caller, plan.id).await?),
    ))
}

/// A version read, for an approval.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionRequest {
    pub version: i64,
}

/// The programme director approves a plan.
#[utoipa::path(post, path = "/api/v1/care/plans/{care_plan}/approval", tag = "care", security(("bearer" = [])),
    params(("care_plan" = String, Path, description = "the plan's id")),
    request_body = VersionRequest,
    responses((status = 200, body = PlanWire), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn approve_plan(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<VersionRequest>,
) -> Result<Json<PlanWire>, ApiError> {
    let plan = raw;
    let plan = state
        .app()
        .approve_plan(&caller.caller(), plan, r.version)
        .await
        .map_err(app_error)?;
    Ok(Json(plan_answer(&state, &caller, plan.id).await?))
}

// ---------------------------------------------------------------------------
// Households and partners

/// The households of the offices the caller reaches.
#[utoipa::path(get, path = "/api/v1/care/households", tag = "care", security(("bearer" = [])),
    responses((status = 200, body = [HouseholdWire])))]
pub async fn list_households(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<HouseholdWire>>, ApiError> {
    let list = state.app().households(&caller.caller(), None).await?;
    Ok(Json(
        list.households.into_iter().map(household_brief).collect(),
    ))
}

/// A household to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdRequest {
    /// The family strengthening office.
    pub facility_id: String,
    pub name: String,
    #[serde(default)]
    pub vulnerabilities: Vec<String>,
}

/// Registers a household with a family strengthening office.
#[utoipa::path(post, path = "/api/v1/care/households", tag = "care", security(("bearer" = [])),
    request_body = HouseholdRequest,
    responses((status = 201, body = HouseholdWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_household(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(r): ApiJson<HouseholdRequest>,
) -> Result<(StatusCode, Json<HouseholdWire>), ApiError> {
    let details = HouseholdDetails::parse(
        &r.name,
        &r.vulnerabilities
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    // An id that is no id names no office: a fresh id names none either.
    let office = r.facility_id.trim().parse().unwrap_or_else(|_| Id::new());
    let h = state
        .app()
        .create_household(&caller.caller(), Some(office), details)
        .await
        .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        Json(household_answer(&state, &caller, h.id).await?),
    ))
}

/// One household with members, services and progress; the read is audited.
#[utoipa::path(get, path = "/api/v1/care/households/{care_household}", tag = "care", security(("bearer" = [])),
    params(("care_household" = String, Path, description = "the household's id")),
    responses((status = 200, body = HouseholdWire), (status = 404, body = Problem)))]
pub async fn get_household(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
) -> Result<Json<HouseholdWire>, ApiError> {
    let record = state
        .app()
        .read_household_record(&caller.caller(), raw)
        .await?;
    Ok(Json(household_wire(record)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    pub person_id: String,
    #[serde(default)]
    pub at_risk: bool,
}

/// Adds a person of the registry to a household.
#[utoipa::path(post, path = "/api/v1/care/households/{care_household}/members", tag = "care", security(("bearer" = [])),
    params(("care_household" = String, Path, description = "the household's id")),
    request_body = MemberRequest,
    responses((status = 201, body = HouseholdWire), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn add_member(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<MemberRequest>,
) -> Result<(StatusCode, Json<HouseholdWire>), ApiError> {
    let household = raw;
    let h = state
        .app()
        .add_household_member(&caller.caller(), household, &r.person_id, r.at_risk)
        .await
        .map_err(|e| match e {
            // Someone the caller may not read, or no one: not found, as for a read.
            AppError::Invalid(_) => not_found("person"),
            other => app_error(other),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(household_answer(&state, &caller, h.id).await?),
    ))
}

/// Ends a membership (the person left the household).
#[utoipa::path(post, path = "/api/v1/care/households/{care_household}/members/{care_member}/end", tag = "care", security(("bearer" = [])),
    params(("care_household" = String, Path, description = "the household's id"), ("care_member" = String, Path, description = "the membership's id")),
    request_body = VersionRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn end_member(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids((raw, member)): Ids<(Id, Id)>,
    ApiJson(r): ApiJson<VersionRequest>,
) -> Result<StatusCode, ApiError> {
    let household = raw;
    state
        .app()
        .end_household_member(&caller.caller(), household, member, r.version)
        .await
        .map_err(app_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// A service given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRequest {
    /// `health`, `education`, `food`, `economic`, `referral`.
    pub kind: String,
    pub given_on: String,
    /// Required for a referral.
    #[serde(default)]
    pub partner_id: Option<String>,
    /// A member of the household it was for.
    #[serde(default)]
    pub person_id: Option<String>,
    #[serde(default)]
    pub notes: String,
}

/// Records a service a household received.
#[utoipa::path(post, path = "/api/v1/care/households/{care_household}/services", tag = "care", security(("bearer" = [])),
    params(("care_household" = String, Path, description = "the household's id")),
    request_body = ServiceRequest,
    responses((status = 201, body = HouseholdWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_service(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<ServiceRequest>,
) -> Result<(StatusCode, Json<HouseholdWire>), ApiError> {
    let household = raw;
    let (partner, person) = match (
        optional_id(&r.partner_id, "partner"),
        optional_id(&r.person_id, "person"),
    ) {
        (Ok(partner), Ok(person)) => (partner, person),
        (Err(problem), _) | (_, Err(problem)) => {
            // The household's reach comes first: check it with a body that names no one.
            state
                .app()
                .household_to_write(&caller.caller(), household)
                .await?;
            return Err(app_error(rename_service_fields(AppError::Invalid(vec![
                problem,
            ]))));
        }
    };
    let details = ServiceDetails::parse(
        &r.kind,
        &r.given_on,
        &r.notes,
        partner.is_some(),
        state.today(),
    );
    let h = state
        .app()
        .add_household_service(&caller.caller(), household, person, partner, details)
        .await
        .map_err(|e| app_error(rename_service_fields(e)))?;
    Ok((
        StatusCode::CREATED,
        Json(household_answer(&state, &caller, h.id).await?),
    ))
}

/// An optional id of the body; one that is no id is a bad choice at `field`.
fn optional_id(raw: &Option<String>, field: &'static str) -> Result<Option<Id>, FieldError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| FieldError {
            field,
            code: CareError::BadChoice.code(),
        }),
    }
}

fn rename_service_fields(error: AppError) -> AppError {
    rename_field(
        rename_field(error, "partner", "partner_id"),
        "person",
        "person_id",
    )
}

/// A self-reliance assessment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressRequest {
    pub assessed_on: String,
    /// `crisis`, `vulnerable`, `coping`, `stable`, `self_reliant`.
    pub level: String,
    #[serde(default)]
    pub note: String,
}

/// Records a household's progress towards self-reliance.
#[utoipa::path(post, path = "/api/v1/care/households/{care_household}/progress", tag = "care", security(("bearer" = [])),
    params(("care_household" = String, Path, description = "the household's id")),
    request_body = ProgressRequest,
    responses((status = 201, body = HouseholdWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_progress(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<ProgressRequest>,
) -> Result<(StatusCode, Json<HouseholdWire>), ApiError> {
    let household = raw;
    let details = ProgressDetails::parse(&r.assessed_on, &r.level, &r.note, state.today());
    let h = state
        .app()
        .add_household_progress(&caller.caller(), household, details)
        .await
        .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        Json(household_answer(&state, &caller, h.id).await?),
    ))
}

/// Moves a household's case to its next step.
#[utoipa::path(post, path = "/api/v1/care/households/{care_household}/case", tag = "care", security(("bearer" = [])),
    params(("care_household" = String, Path, description = "the household's id")),
    request_body = CaseRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn move_household_case(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<CaseRequest>,
) -> Result<StatusCode, ApiError> {
    let household = raw;
    state
        .app()
        .move_household_case(&caller.caller(), household, r.version, case_step(&r))
        .await
        .map_err(app_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// A household's graduation or exit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdEndRequest {
    /// `graduated` or `exited`.
    pub status: String,
    pub ended_on: String,
    pub reason: String,
    pub version: i64,
}

/// A household graduates or exits.
#[utoipa::path(post, path = "/api/v1/care/households/{care_household}/end", tag = "care", security(("bearer" = [])),
    params(("care_household" = String, Path, description = "the household's id")),
    request_body = HouseholdEndRequest,
    responses((status = 200, body = HouseholdWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn end_household(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<HouseholdEndRequest>,
) -> Result<Json<HouseholdWire>, ApiError> {
    let household = raw;
    let end = HouseholdEnd::parse(&r.status, &r.ended_on, &r.reason, state.today());
    let h = state
        .app()
        .end_household(&caller.caller(), household, r.version, end)
        .await
        .map_err(app_error)?;
    Ok(Json(household_answer(&state, &caller, h.id).await?))
}

/// Makes a family's development plan.
#[utoipa::path(post, path = "/api/v1/care/households/{care_household}/plans", tag = "care", security(("bearer" = [])),
    params(("care_household" = String, Path, description = "the household's id")),
    request_body = PlanRequest,
    responses((status = 201, body = PlanWire), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_household_plan(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<PlanRequest>,
) -> Result<(StatusCode, Json<PlanWire>), ApiError> {
    let household = raw;
    let plan = state
        .app()
        .create_household_plan(&caller.caller(), household, plan_details(&state, &r))
        .await
        .map_err(app_error)?;
    Ok((
        StatusCode::CREATED,
        Json(plan_answer(&state, &caller, plan.id).await?),
    ))
}

/// The partner organisations.
#[utoipa::path(get, path = "/api/v1/care/partners", tag = "care", security(("bearer" = [])),
    responses((status = 200, body = [PartnerWire])))]
pub async fn list_partners(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<PartnerWire>>, ApiError> {
    let partners = state.app().partners(&caller.caller()).await?;
    Ok(Json(partners.into_iter().map(partner_wire).collect()))
}

/// A partner organisation to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerRequest {
    pub name: String,
    #[serde(default)]
    pub services: String,
    #[serde(default)]
    pub contact: String,
}

/// Adds a partner organisation.
#[utoipa::path(post, path = "/api/v1/care/partners", tag = "care", security(("bearer" = [])),
    request_body = PartnerRequest,
    responses((status = 201, body = PartnerWire), (status = 422, body = Problem)))]
pub async fn create_partner(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(r): ApiJson<PartnerRequest>,
) -> Result<(StatusCode, Json<PartnerWire>), ApiError> {
    let details = PartnerDetails::parse(&r.name, &r.services, &r.contact);
    let p = state
        .app()
        .create_partner(&caller.caller(), details)
        .await
        .map_err(app_error)?;
    Ok((StatusCode::CREATED, Json(partner_wire(p))))
}

/// A partner's new name, services and contact, with the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerUpdate {
    pub name: String,
    #[serde(default)]
    pub services: String,
    #[serde(default)]
    pub contact: String,
    pub version: Option<i64>,
}

/// Changes a partner organisation; `version` is the one read.
#[utoipa::path(put, path = "/api/v1/care/partners/{care_partner}", tag = "care", security(("bearer" = [])),
    params(("care_partner" = String, Path, description = "the partner's id")),
    request_body = PartnerUpdate,
    responses((status = 200, body = PartnerWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_partner(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<PartnerUpdate>,
) -> Result<Json<PartnerWire>, ApiError> {
    let details = PartnerDetails::parse(&r.name, &r.services, &r.contact);
    let partner = state
        .app()
        .update_partner(&caller.caller(), raw, r.version, details)
        .await
        .map_err(app_error)?;
    Ok(Json(partner_wire(partner)))
}

/// Closing (or opening again) a house or a partner, with the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    pub version: Option<i64>,
    /// `true` opens a closed one again.
    #[serde(default)]
    pub reopen: bool,
}

/// Closes a partner organisation (no new referrals go to it), or opens it again.
#[utoipa::path(post, path = "/api/v1/care/partners/{care_partner}/close", tag = "care", security(("bearer" = [])),
    params(("care_partner" = String, Path, description = "the partner's id")),
    request_body = CloseRequest,
    responses((status = 200, body = PartnerWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close_partner(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<CloseRequest>,
) -> Result<Json<PartnerWire>, ApiError> {
    let partner = state
        .app()
        .close_partner(&caller.caller(), raw, r.version, !r.reopen)
        .await
        .map_err(app_error)?;
    Ok(Json(partner_wire(partner)))
}

/// Closes a house (no children live in it any more), or opens it again.
#[utoipa::path(post, path = "/api/v1/care/houses/{care_house}/close", tag = "care", security(("bearer" = [])),
    params(("care_house" = String, Path, description = "the house's id")),
    request_body = CloseRequest,
    responses((status = 200, body = HouseWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close_house(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(raw): Ids<Id>,
    ApiJson(r): ApiJson<CloseRequest>,
) -> Result<Json<HouseWire>, ApiError> {
    let house = state
        .app()
        .close_house(&caller.caller(), raw, r.version, !r.reopen)
        .await
        .map_err(app_error)?;
    Ok(Json(house_wire(house)))
}
