//! Development plans of children and families: making one, its goals by area of
//! life and their progress, reviews, the director's approval, and the printable plan.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use haven_domain::care::{
    review_overdue, CareError, GoalDetails, GoalInput, GoalProgress, GoalUpdate, LifeArea,
    PlanDetails, PlanInput, ReviewDetails,
};
use haven_domain::{Action, Kind};
use haven_store::care::{Plan, PlanSubject};
use haven_store::StoreError;

use super::{date_text, label, options, CareAccess, Fields, FormState};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::pages::places::{parse_id, today};
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

fn plan_details(
    fields: &Fields,
    state: &AppState,
) -> Result<PlanDetails, haven_domain::care::Problems> {
    PlanDetails::parse(
        &PlanInput {
            made_on: fields.get("made_on"),
            review_on: fields.get("review_on"),
            strengths: fields.get("strengths"),
            risks_needs: fields.get("risks_needs"),
            child_heard: fields.ticked("child_heard"),
            child_views: fields.get("child_views"),
        },
        today(state),
        state.config().care_review_months,
    )
}

pub async fn create_child_plan(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Care)?;
    let (child, access) = super::children::visible_child(&state, &auth, &raw).await?;
    if !access.sees_facility(child.facility_id) {
        return Err(WebError::NotFound);
    }
    let fields = Fields(fields);
    match plan_details(&fields, &state) {
        Ok(details) => {
            let plan = state
                .store()
                .create_plan(&auth.actor(), PlanSubject::Child(child.id), &details)
                .await?;
            Ok(see_other(&format!("/care/plans/{}", plan.id)))
        }
        Err(problems) => {
            let f = FormState::failed("plan", fields, auth.tr(), problems);
            super::children::again(&state, &auth, child, &access, f).await
        }
    }
}

pub async fn create_household_plan(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Care)?;
    let household = super::families::visible_household(&state, &auth, &raw).await?;
    let fields = Fields(fields);
    match plan_details(&fields, &state) {
        Ok(details) => {
            let plan = state
                .store()
                .create_plan(
                    &auth.actor(),
                    PlanSubject::Household(household.id),
                    &details,
                )
                .await?;
            Ok(see_other(&format!("/care/plans/{}", plan.id)))
        }
        Err(problems) => {
            let f = FormState::failed("plan", fields, auth.tr(), problems);
            super::families::household_again(&state, &auth, household, f).await
        }
    }
}

/// A goal, ready to show.
pub struct GoalRow {
    pub id: String,
    pub goal: String,
    pub actions: String,
    pub responsible: String,
    pub due_on: String,
    pub progress_code: String,
    pub progress: String,
    pub progress_note: String,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "care_plan.html")]
struct PlanPage {
    layout: Layout,
    plan: Plan,
    subject_name: String,
    subject_href: String,
    for_child: bool,
    overdue: bool,
    goals_by_area: Vec<(String, Vec<GoalRow>)>,
    reviews: Vec<(String, String, String)>,
    approver: Option<String>,
    can_write: bool,
    can_approve: bool,
    areas: Vec<(&'static str, String)>,
    progress_options: Vec<(&'static str, String)>,
    today: String,
    review_default: String,
    f: FormState,
}

/// A plan the reader may see (through its child or household), or 404.
async fn visible_plan(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
) -> Result<(Plan, bool), WebError> {
    let plan = match state.store().plan(parse_id(raw)?).await {
        Ok(plan) => plan,
        Err(StoreError::NotFound { .. }) => return Err(WebError::NotFound),
        Err(other) => return Err(other.into()),
    };
    let access = CareAccess::of_page(state, auth).await?;
    let writable = match plan.subject() {
        Some(PlanSubject::Child(child)) => {
            let child = state.store().care_child(child).await?;
            if !access.sees_child(&child) {
                return Err(WebError::NotFound);
            }
            access.sees_facility(child.facility_id)
        }
        Some(PlanSubject::Household(household)) => {
            let household = state.store().household(household).await?;
            if !access.sees_facility(household.facility_id) {
                return Err(WebError::NotFound);
            }
            true
        }
        None => return Err(WebError::NotFound),
    };
    Ok((plan, writable))
}

async fn plan_page(
    state: &AppState,
    auth: &Authenticated,
    plan: Plan,
    writable: bool,
    f: FormState,
) -> Result<PlanPage, WebError> {
    let tr = auth.tr();
    let store = state.store();
    let (subject_name, subject_href, for_child) = match plan.subject() {
        Some(PlanSubject::Child(id)) => (
            store.care_child(id).await?.display_name(),
            format!("/care/children/{id}"),
            true,
        ),
        Some(PlanSubject::Household(id)) => (
            store.household(id).await?.name,
            format!("/care/households/{id}"),
            false,
        ),
        None => (String::new(), String::new(), false),
    };
    let goals = store.goals_of(plan.id).await?;
    let mut goals_by_area: Vec<(String, Vec<GoalRow>)> = Vec::new();
    for area in LifeArea::ALL {
        let rows: Vec<GoalRow> = goals
            .iter()
            .filter(|g| g.area == area.code())
            .map(|g| GoalRow {
                id: g.id.to_string(),
                goal: g.goal.clone(),
                actions: g.actions.clone(),
                responsible: g.responsible.clone(),
                due_on: date_text(g.due_on),
                progress_code: g.progress.clone(),
                progress: label(
                    tr,
                    &g.progress,
                    GoalProgress::parse,
                    GoalProgress::label_key,
                ),
                progress_note: g.progress_note.clone(),
                version: g.version,
            })
            .collect();
        if !rows.is_empty() {
            goals_by_area.push((tr.t(&area.label_key()), rows));
        }
    }
    let reviews = store
        .reviews_of(plan.id)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.reviewed_on.to_string(),
                r.notes,
                r.next_review_on.to_string(),
            )
        })
        .collect();
    let approver = match plan.approved_by {
        Some(user) => store.user(user).await.ok().map(|u| u.display_name),
        None => None,
    };
    let day = today(state);
    Ok(PlanPage {
        layout: Layout::new(&auth.visitor, "care-plan-title"),
        subject_name,
        subject_href,
        for_child,
        overdue: review_overdue(plan.review_on, day),
        goals_by_area,
        reviews,
        approver,
        can_write: writable && auth.me.can(Action::Write, Kind::Care),
        can_approve: writable && !plan.approved() && auth.me.can(Action::Write, Kind::CareApproval),
        areas: options(tr, LifeArea::ALL, LifeArea::code, LifeArea::label_key),
        progress_options: options(
            tr,
            GoalProgress::ALL,
            GoalProgress::code,
            GoalProgress::label_key,
        ),
        today: day.to_string(),
        review_default: haven_domain::care::add_months(day, state.config().care_review_months)
            .to_string(),
        f,
        plan,
    })
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Care)?;
    let (plan, writable) = visible_plan(&state, &auth, &raw).await?;
    if let Some(PlanSubject::Child(child)) = plan.subject() {
        let person = state.store().care_child(child).await?.person_id;
        state
            .store()
            .audit_person(
                &auth.actor(),
                "care_child_read",
                person,
                &format!("plan {}", plan.id),
            )
            .await?;
    }
    let page = plan_page(&state, &auth, plan, writable, FormState::default()).await?;
    render(&page).map(no_store)
}

async fn plan_again(
    state: &AppState,
    auth: &Authenticated,
    plan: Plan,
    writable: bool,
    f: FormState,
) -> Result<Response, WebError> {
    let status = if f.notice.is_some() {
        axum::http::StatusCode::CONFLICT
    } else {
        FORM_ERROR
    };
    let plan = state.store().plan(plan.id).await?;
    let page = plan_page(state, auth, plan, writable, f).await?;
    let mut response = render(&page)?;
    *response.status_mut() = status;
    Ok(no_store(response))
}

async fn writable_plan(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
) -> Result<(Plan, bool), WebError> {
    let (plan, writable) = visible_plan(state, auth, raw).await?;
    if !writable {
        return Err(WebError::NotFound);
    }
    Ok((plan, writable))
}

pub async fn add_goal(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Care)?;
    let (plan, writable) = writable_plan(&state, &auth, &raw).await?;
    let fields = Fields(fields);
    let parsed = GoalDetails::parse(&GoalInput {
        area: fields.get("area"),
        goal: fields.get("goal"),
        actions: fields.get("actions"),
        responsible: fields.get("responsible"),
        due_on: fields.get("due_on"),
        progress: fields.get("progress"),
        progress_note: fields.get("progress_note"),
    });
    match parsed {
        Ok(details) => {
            state
                .store()
                .add_goal(&auth.actor(), plan.id, &details)
                .await?;
            Ok(see_other(&format!("/care/plans/{}#goals", plan.id)))
        }
        Err(problems) => {
            let f = FormState::failed("goal", fields, auth.tr(), problems);
            plan_again(&state, &auth, plan, writable, f).await
        }
    }
}

pub async fn update_goal(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((raw, goal)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Care)?;
    let (plan, writable) = writable_plan(&state, &auth, &raw).await?;
    let goal = state.store().goal(parse_id(&goal)?).await?;
    if goal.plan_id != plan.id {
        return Err(WebError::NotFound);
    }
    let mut fields = Fields(fields);
    fields.0.push(("goal_id".to_owned(), goal.id.to_string()));
    let tr = auth.tr();
    let f = match GoalUpdate::parse(fields.get("progress"), fields.get("progress_note")) {
        Ok(update) => match state
            .store()
            .update_goal(&auth.actor(), goal.id, fields.version(), &update)
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/care/plans/{}#goals", plan.id))),
            Err(StoreError::Conflict { .. }) => {
                let mut f = FormState::failed("progress", fields, tr, Vec::new());
                f.notice = Some(tr.t("error-conflict"));
                f
            }
            Err(other) => return Err(other.into()),
        },
        Err(problems) => FormState::failed("progress", fields, tr, problems),
    };
    plan_again(&state, &auth, plan, writable, f).await
}

pub async fn review(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Care)?;
    let (plan, writable) = writable_plan(&state, &auth, &raw).await?;
    let fields = Fields(fields);
    let tr = auth.tr();
    let f = match ReviewDetails::parse(
        fields.get("reviewed_on"),
        fields.get("notes"),
        fields.get("next_review_on"),
        today(&state),
        state.config().care_review_months,
    ) {
        Ok(review) => match state
            .store()
            .review_plan(&auth.actor(), plan.id, fields.version(), &review)
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/care/plans/{}#reviews", plan.id))),
            Err(StoreError::Conflict { .. }) => {
                let mut f = FormState::failed("review", fields, tr, Vec::new());
                f.notice = Some(tr.t("error-conflict"));
                f
            }
            Err(other) => return Err(other.into()),
        },
        Err(problems) => FormState::failed("review", fields, tr, problems),
    };
    plan_again(&state, &auth, plan, writable, f).await
}

pub async fn approve(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::CareApproval)?;
    let (plan, writable) = writable_plan(&state, &auth, &raw).await?;
    let fields = Fields(fields);
    let tr = auth.tr();
    if plan.approved() {
        let f = FormState::refused("approve", fields, tr, "version", CareError::BadChoice);
        return plan_again(&state, &auth, plan, writable, f).await;
    }
    match state
        .store()
        .approve_plan(&auth.actor(), plan.id, fields.version())
        .await
    {
        Ok(_) => Ok(see_other(&format!("/care/plans/{}", plan.id))),
        Err(StoreError::Conflict { .. }) => {
            let mut f = FormState::failed("approve", fields, tr, Vec::new());
            f.notice = Some(tr.t("error-conflict"));
            plan_again(&state, &auth, plan, writable, f).await
        }
        Err(other) => Err(other.into()),
    }
}
