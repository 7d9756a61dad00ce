//! Development plans of children and families: making one, its goals by area of
//! life and their progress, reviews, the director's approval, and the printable plan.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use haven_app::care::PlanRecord;
use haven_app::model::care::Plan;
use haven_app::model::Id;
use haven_domain::care::{
    review_overdue, GoalDetails, GoalInput, GoalProgress, GoalUpdate, LifeArea, PlanDetails,
    PlanInput, ReviewDetails,
};
use haven_domain::Kind;

use super::{date_text, label, options, refused, refused_or_conflict, Fields, FormState};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::pages::{no_store, render, render_status, Layout, FORM_ERROR};
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
        state.today(),
        state.config().care_review_months,
    )
}

pub async fn create_child_plan(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(child): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let details = plan_details(&fields, &state);
    match state
        .app()
        .create_child_plan(&auth.caller(), child, details)
        .await
    {
        Ok(plan) => Ok(see_other(&format!("/care/plans/{}", plan.id))),
        Err(error) => {
            let f = refused(error, "plan", fields, auth.tr())?;
            super::children::again(&state, &auth, child, f).await
        }
    }
}

pub async fn create_household_plan(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(household): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let details = plan_details(&fields, &state);
    match state
        .app()
        .create_household_plan(&auth.caller(), household, details)
        .await
    {
        Ok(plan) => Ok(see_other(&format!("/care/plans/{}", plan.id))),
        Err(error) => {
            let f = refused(error, "plan", fields, auth.tr())?;
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

fn plan_page(state: &AppState, auth: &Authenticated, record: PlanRecord, f: FormState) -> PlanPage {
    let tr = auth.tr();
    let PlanRecord {
        plan,
        subject_name,
        goals,
        reviews,
        approver,
        may_write,
        may_approve,
    } = record;
    let (subject_href, for_child) = match (plan.child_id, plan.household_id) {
        (Some(id), _) => (format!("/care/children/{id}"), true),
        (None, Some(id)) => (format!("/care/households/{id}"), false),
        (None, None) => (String::new(), false),
    };
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
    let reviews = reviews
        .into_iter()
        .map(|r| {
            (
                r.reviewed_on.to_string(),
                r.notes,
                r.next_review_on.to_string(),
            )
        })
        .collect();
    let day = state.today();
    PlanPage {
        layout: Layout::new(&auth.visitor, "care-plan-title"),
        subject_name,
        subject_href,
        for_child,
        overdue: review_overdue(plan.review_on, day),
        goals_by_area,
        reviews,
        approver,
        can_write: may_write,
        can_approve: may_approve,
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
    }
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(plan): Ids<Id>,
) -> Result<Response, WebError> {
    let record = state.app().read_plan_record(&auth.caller(), plan).await?;
    render(&plan_page(&state, &auth, record, FormState::default())).map(no_store)
}

/// The plan's page again with the refused form, for a caller who may change it with
/// `kind`.
async fn writable_again(
    state: &AppState,
    auth: &Authenticated,
    plan: Id,
    kind: Kind,
    f: FormState,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let plan = state.app().plan_to_write(&caller, plan, kind).await?;
    let record = state.app().plan_record(&caller, plan.id).await?;
    let status = if f.notice.is_some() {
        axum::http::StatusCode::CONFLICT
    } else {
        FORM_ERROR
    };
    render_status(&plan_page(state, auth, record, f), status)
}

pub async fn add_goal(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(plan): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
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
    match state.app().add_goal(&auth.caller(), plan, parsed).await {
        Ok(_) => Ok(see_other(&format!("/care/plans/{plan}#goals"))),
        Err(error) => {
            let f = refused(error, "goal", fields, auth.tr())?;
            writable_again(&state, &auth, plan, Kind::Care, f).await
        }
    }
}

pub async fn update_goal(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((plan, goal)): Ids<(Id, Id)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let mut fields = Fields(fields);
    fields.0.push(("goal_id".to_owned(), goal.to_string()));
    let update = GoalUpdate::parse(fields.get("progress"), fields.get("progress_note"));
    match state
        .app()
        .update_goal(&auth.caller(), plan, goal, fields.version(), update)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/care/plans/{plan}#goals"))),
        Err(error) => {
            let f = refused_or_conflict(error, "progress", fields, auth.tr())?;
            writable_again(&state, &auth, plan, Kind::Care, f).await
        }
    }
}

pub async fn review(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(plan): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let review = ReviewDetails::parse(
        fields.get("reviewed_on"),
        fields.get("notes"),
        fields.get("next_review_on"),
        state.today(),
        state.config().care_review_months,
    );
    match state
        .app()
        .review_plan(&auth.caller(), plan, fields.version(), review)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/care/plans/{plan}#reviews"))),
        Err(error) => {
            let f = refused_or_conflict(error, "review", fields, auth.tr())?;
            writable_again(&state, &auth, plan, Kind::Care, f).await
        }
    }
}

pub async fn approve(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(plan): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    match state
        .app()
        .approve_plan(&auth.caller(), plan, fields.version())
        .await
    {
        Ok(_) => Ok(see_other(&format!("/care/plans/{plan}"))),
        Err(error) => {
            let f = refused_or_conflict(error, "approve", fields, auth.tr())?;
            writable_again(&state, &auth, plan, Kind::CareApproval, f).await
        }
    }
}
