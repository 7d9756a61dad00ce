//! Child safeguarding over the API: filing a concern and reading one's own reports
//! (every role), and for the focal points the reports in their reach, one report
//! with its children and steps, recording a step, and the yearly figures.
//! Attachments are added and downloaded on the pages only.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use haven_app::model::safeguarding::{NewReport, ReportStep, SafeguardingReport};
use haven_app::model::Id;
use haven_app::safeguarding::{CaseShelf, CaseView, StepRecorded};
use haven_app::AppError;
use haven_domain::safeguarding::{
    next_steps, overdue_steps, ChildInput, ConcernDetails, ConcernInput, ReportField, StepDetails,
    StepField, StepInput, WorkflowError, YearlyStatistics,
};
use haven_domain::{Action, Kind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::places::field_errors;
use super::ApiJson;
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::extract::Ids;
use crate::pages::safeguarding::own_status;
use crate::state::AppState;

/// Adds this part's routes (and their OpenAPI paths) to the API router.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(file_report))
        .routes(routes!(own_reports))
        .routes(routes!(list_cases))
        .routes(routes!(get_case))
        .routes(routes!(record_step))
        .routes(routes!(statistics))
}

/// A child of a new report: a person of the registry (`person_id`) or described.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildRequest {
    /// A registry person the caller may read.
    #[serde(default)]
    pub person_id: Option<String>,
    /// The name as known, or how to recognise the child.
    #[serde(default)]
    pub name: String,
    /// `female`, `male`, `other` or `unknown`.
    #[serde(default)]
    pub sex: String,
    /// In whole years, 0 to 25.
    #[serde(default)]
    pub approximate_age: Option<u8>,
}

/// A concern to report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// ConcernType codes: physical_abuse, sexual_abuse, emotional_abuse, neglect,
    /// exploitation, bullying, online_abuse, self_harm.
    #[serde(default)]
    pub concern_types: Vec<String>,
    /// HarmBy codes: staff, caregiver, another_child, someone_outside, unknown.
    #[serde(default)]
    pub harm_by: Vec<String>,
    #[serde(default)]
    pub what_happened: String,
    #[serde(default)]
    pub immediate_actions: String,
    /// Where the concern arose, if known.
    #[serde(default)]
    pub facility_id: Option<String>,
    #[serde(default)]
    pub children: Vec<ChildRequest>,
}

/// A report as its reporter sees it: reference, date and status only.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnReportWire {
    pub reference: String,
    pub filed_at: String,
    pub concern_types: Vec<String>,
    /// `received`, `in_hand` or `closed`.
    pub status: String,
}

fn own_wire(report: &SafeguardingReport) -> OwnReportWire {
    OwnReportWire {
        reference: report.reference.clone(),
        filed_at: report.filed_at.to_text(),
        concern_types: report
            .concern_types()
            .iter()
            .map(|c| c.code().to_owned())
            .collect(),
        status: own_status(report).0.to_owned(),
    }
}

/// Files a concern. Registry children must be ones the caller may read; others are
/// described.
#[utoipa::path(post, path = "/api/v1/safeguarding/reports", tag = "safeguarding", security(("bearer" = [])),
    request_body = ReportRequest,
    responses((status = 201, body = OwnReportWire), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn file_report(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(request): ApiJson<ReportRequest>,
) -> Result<(StatusCode, Json<OwnReportWire>), ApiError> {
    let caller = caller.caller();
    state.app().may_report_concern(&caller)?;
    let mut registry = Vec::new();
    let mut described = Vec::new();
    for child in &request.children {
        match child.person_id.as_deref().map(str::trim) {
            Some(raw) if !raw.is_empty() => registry.push(raw),
            _ => described.push(child),
        }
    }
    // Registry children only within the caller's reach; anyone else "does not exist".
    let mut children: Vec<Id> = Vec::new();
    for raw in registry {
        let id: Id = raw
            .parse()
            .map_err(|_| ApiError::validation("children: person_id is not an id"))?;
        if !children.contains(&id) {
            children.push(id);
        }
    }
    if !children.is_empty() {
        let named = state.app().children_for_report(&caller, &children).await?;
        if named.is_empty() && !caller.can(Action::Read, Kind::Person) {
            return Err(ApiError::validation(
                "children: person_id needs a role that reads people; describe the child instead",
            ));
        }
        if children.iter().any(|id| !named.iter().any(|p| p.id == *id)) {
            return Err(ApiError::validation("children: no such person"));
        }
    }
    let ages: Vec<String> = described
        .iter()
        .map(|c| c.approximate_age.map(|a| a.to_string()).unwrap_or_default())
        .collect();
    let details = ConcernDetails::parse(&ConcernInput {
        concern_types: request.concern_types.iter().map(String::as_str).collect(),
        harm_by: request.harm_by.iter().map(String::as_str).collect(),
        what_happened: &request.what_happened,
        immediate_actions: &request.immediate_actions,
        described: described
            .iter()
            .zip(&ages)
            .map(|(c, age)| ChildInput {
                name: &c.name,
                sex: &c.sex,
                age,
            })
            .collect(),
        registry_children: children.len(),
    })
    .map_err(|errors| field_errors(&errors, ReportField::name, |e| e.code()))?;
    let facility = match request.facility_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<Id>()
                .map_err(|_| ApiError::validation("facility_id: not an id"))?,
        ),
    };
    let report = state
        .app()
        .file_safeguarding_concern(
            &caller,
            &NewReport {
                details,
                registry_children: children,
                facility_id: facility,
                attachment: None,
            },
            None,
        )
        .await
        .map_err(|e| match e {
            AppError::Invalid(fields) if fields.iter().any(|f| f.field == "facility") => {
                ApiError::validation("facility_id: no such facility")
            }
            AppError::Invalid(_) => ApiError::validation("children: no such person"),
            other => other.into(),
        })?;
    Ok((StatusCode::CREATED, Json(own_wire(&report))))
}

/// The caller's own reports and their status (nothing more).
#[utoipa::path(get, path = "/api/v1/safeguarding/reports/mine", tag = "safeguarding", security(("bearer" = [])),
    responses((status = 200, body = [OwnReportWire]), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn own_reports(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<OwnReportWire>>, ApiError> {
    let reports = state
        .app()
        .own_safeguarding_reports(&caller.caller())
        .await?;
    Ok(Json(reports.iter().map(own_wire).collect()))
}

/// A report in the focal point's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummaryWire {
    pub id: String,
    pub reference: String,
    pub facility_id: Option<String>,
    pub filed_at: String,
    pub concern_types: Vec<String>,
    pub harm_by: Vec<String>,
    /// Step codes recorded so far.
    pub steps_done: Vec<String>,
    /// Step codes that may be recorded next.
    pub next_steps: Vec<String>,
    /// Step codes past their deadline.
    pub overdue_steps: Vec<String>,
    pub outcome: Option<String>,
    pub version: i64,
}

/// A child of a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseChildWire {
    pub person_id: Option<String>,
    pub name: String,
    pub sex: String,
    pub age: Option<i32>,
}

/// A recorded step.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepWire {
    pub step: String,
    pub note: String,
    /// `referred`, `not_referred`, or empty.
    pub referral: String,
    pub authority: String,
    pub authority_reference: String,
    pub outcome: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// One report, whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseWire {
    #[serde(flatten)]
    pub summary: CaseSummaryWire,
    pub reporter: String,
    pub what_happened: String,
    pub immediate_actions: String,
    pub children: Vec<CaseChildWire>,
    pub steps: Vec<StepWire>,
    pub attachment_ids: Vec<String>,
}

fn steps_of(steps: &[ReportStep]) -> Vec<haven_domain::safeguarding::Step> {
    steps.iter().filter_map(ReportStep::step).collect()
}

fn summary_of(
    state: &AppState,
    report: &SafeguardingReport,
    done: &[haven_domain::safeguarding::Step],
) -> CaseSummaryWire {
    let overdue = overdue_steps(
        report.filed_at.datetime(),
        done,
        time::OffsetDateTime::now_utc(),
        &state.config().safeguarding.deadlines,
    );
    CaseSummaryWire {
        id: report.id.to_string(),
        reference: report.reference.clone(),
        facility_id: report.facility_id.map(|f| f.to_string()),
        filed_at: report.filed_at.to_text(),
        concern_types: report
            .concern_types()
            .iter()
            .map(|c| c.code().to_owned())
            .collect(),
        harm_by: report
            .harm_by()
            .iter()
            .map(|h| h.code().to_owned())
            .collect(),
        steps_done: done.iter().map(|s| s.code().to_owned()).collect(),
        next_steps: next_steps(done)
            .iter()
            .map(|s| s.code().to_owned())
            .collect(),
        overdue_steps: overdue.iter().map(|(s, _)| s.code().to_owned()).collect(),
        outcome: report.outcome().map(|o| o.code().to_owned()),
        version: report.version,
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    /// `open` (the default), `closed` or `all`.
    #[serde(default)]
    pub state: Option<String>,
}

/// The reports in the focal point's reach, newest first.
#[utoipa::path(get, path = "/api/v1/safeguarding/cases", tag = "safeguarding", security(("bearer" = [])),
    params(CasesQuery),
    responses((status = 200, body = [CaseSummaryWire]), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_cases(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<CasesQuery>,
) -> Result<Json<Vec<CaseSummaryWire>>, ApiError> {
    let caller = caller.caller();
    state.app().may_read_cases(&caller)?;
    let shelf = match query.state.as_deref().map(str::trim).unwrap_or("open") {
        "open" | "" => CaseShelf::Open,
        "closed" => CaseShelf::Closed,
        "all" => CaseShelf::All,
        _ => return Err(ApiError::validation("state: open, closed or all")),
    };
    let all = state.app().list_safeguarding_cases(&caller, shelf).await?;
    Ok(Json(
        all.reports
            .iter()
            .filter(|r| shelf.holds(r))
            .map(|r| summary_of(&state, r, &all.done_of(r.id)))
            .collect(),
    ))
}

fn case_wire(state: &AppState, view: CaseView) -> CaseWire {
    let report = view.report;
    let filed_on = report.filed_at.datetime().date();
    let done = steps_of(&view.steps);
    let children = view
        .children
        .into_iter()
        .map(|c| CaseChildWire {
            person_id: c.person_id.map(|p| p.to_string()),
            name: c.display_name(),
            sex: c.sex().code().to_owned(),
            age: c.age_on(filed_on),
        })
        .collect();
    let steps = view
        .steps
        .into_iter()
        .map(|s| StepWire {
            step: s.step,
            note: s.note,
            referral: s.referral,
            authority: s.authority,
            authority_reference: s.authority_reference,
            outcome: s.outcome,
            recorded_at: s.recorded_at.to_text(),
            recorded_by: s.recorded_by_username,
        })
        .collect();
    let attachment_ids = view
        .attachments
        .into_iter()
        .map(|a| a.id.to_string())
        .collect();
    CaseWire {
        summary: summary_of(state, &report, &done),
        reporter: report.reporter_username.clone(),
        what_happened: report.what_happened.clone(),
        immediate_actions: report.immediate_actions.clone(),
        children,
        steps,
        attachment_ids,
    }
}

/// One report with its children and steps; the read is audited.
#[utoipa::path(get, path = "/api/v1/safeguarding/cases/{case}", tag = "safeguarding", security(("bearer" = [])),
    params(("case" = String, Path, description = "the report's id")),
    responses((status = 200, body = CaseWire), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_case(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(case): Ids<Id>,
) -> Result<Json<CaseWire>, ApiError> {
    let caller = caller.caller();
    state.app().may_read_cases(&caller)?;
    let view = state
        .app()
        .read_safeguarding_case(&caller, case, "api")
        .await?;
    Ok(Json(case_wire(&state, view)))
}

/// A step to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// acknowledged, assessed, investigated, referred, supported or closed.
    pub step: String,
    pub note: String,
    /// For `referred`: `referred` or `not_referred`.
    #[serde(default)]
    pub referral: String,
    #[serde(default)]
    pub authority: String,
    #[serde(default)]
    pub authority_reference: String,
    /// For `closed`: substantiated, partly_substantiated, unsubstantiated,
    /// inconclusive or not_safeguarding.
    #[serde(default)]
    pub outcome: String,
    /// The report's version read.
    pub version: i64,
}

/// Records the next step of a report. Out of order answers 422
/// `safeguarding.step_out_of_order`, naming the step to record first.
#[utoipa::path(post, path = "/api/v1/safeguarding/cases/{case}/steps", tag = "safeguarding", security(("bearer" = [])),
    params(("case" = String, Path, description = "the report's id")),
    request_body = StepRequest,
    responses((status = 200, body = CaseSummaryWire), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_step(
    State(state): State<AppState>,
    caller: ApiCaller,
    Ids(id): Ids<Id>,
    ApiJson(request): ApiJson<StepRequest>,
) -> Result<Json<CaseSummaryWire>, ApiError> {
    let caller = caller.caller();
    state.app().may_write_cases(&caller)?;
    let details = StepDetails::parse(&StepInput {
        step: &request.step,
        note: &request.note,
        referral: &request.referral,
        authority: &request.authority,
        reference: &request.authority_reference,
        outcome: &request.outcome,
    })
    .map_err(|errors| field_errors(&errors, StepField::name, |e| e.code()))?;
    match state
        .app()
        .record_safeguarding_step(&caller, id, request.version, &details)
        .await?
    {
        StepRecorded::Recorded(updated, steps) => {
            Ok(Json(summary_of(&state, &updated, &steps_of(&steps))))
        }
        StepRecorded::Refused(error) => Err(workflow_problem(error)),
    }
}

fn workflow_problem(error: WorkflowError) -> ApiError {
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    match error {
        WorkflowError::OutOfOrder { step, missing } => ApiError::new(
            unprocessable,
            "safeguarding.step_out_of_order",
            format!("step: {} needs {} first", step.code(), missing.code()),
        ),
        WorkflowError::AlreadyRecorded(step) => ApiError::new(
            unprocessable,
            "safeguarding.step_already_recorded",
            format!("step: {} is already recorded", step.code()),
        ),
        WorkflowError::Closed => ApiError::new(
            unprocessable,
            "safeguarding.report_closed",
            "the report is closed",
        ),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsQuery {
    /// The year (by the site's time); this year by default.
    #[serde(default)]
    pub year: Option<i32>,
}

/// A row of counts: reports and their children by sex.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountWire {
    /// A code, such as `neglect` or `5_9`.
    pub code: String,
    pub reports: u32,
    pub girls: u32,
    pub boys: u32,
    pub other_sex: u32,
    pub children: u32,
}

/// A year's figures without names.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsWire {
    pub year: i32,
    pub reports: u32,
    pub children: CountWire,
    pub by_concern: Vec<CountWire>,
    pub by_harm_by: Vec<CountWire>,
    pub by_outcome: Vec<CountWire>,
    pub open: CountWire,
    pub by_age_band: Vec<CountWire>,
    pub median_hours_to_acknowledgement: Option<i64>,
    pub acknowledged_within_deadline: u32,
    pub median_hours_to_closure: Option<i64>,
    pub closed_within_deadline: u32,
}

fn count_wire(prefix: &str, row: &haven_domain::safeguarding::CountRow) -> CountWire {
    CountWire {
        code: if row.label_key == haven_domain::safeguarding::AGE_UNKNOWN {
            "unknown".to_owned()
        } else {
            row.label_key
                .strip_prefix(prefix)
                .unwrap_or(&row.label_key)
                .replace('-', "_")
        },
        reports: row.reports,
        girls: row.children.girls,
        boys: row.children.boys,
        other_sex: row.children.other,
        children: row.children.total,
    }
}

/// The yearly figures of the reports in the focal point's reach.
#[utoipa::path(get, path = "/api/v1/safeguarding/statistics", tag = "safeguarding", security(("bearer" = [])),
    params(StatisticsQuery),
    responses((status = 200, body = StatisticsWire), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn statistics(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<StatisticsQuery>,
) -> Result<Json<StatisticsWire>, ApiError> {
    let caller = caller.caller();
    state.app().may_read_cases(&caller)?;
    let offset = state.config().time_offset;
    let year = query.year.unwrap_or_else(|| state.today().year());
    let facts: Vec<_> = state
        .app()
        .safeguarding_statistics(&caller, year)
        .await?
        .into_iter()
        .map(|mut fact| {
            fact.filed_at = fact.filed_at.to_offset(offset);
            fact
        })
        .collect();
    let stats = YearlyStatistics::compute(year, &facts, &state.config().safeguarding.deadlines);
    let all = |prefix: &str, rows: &[haven_domain::safeguarding::CountRow]| {
        rows.iter().map(|r| count_wire(prefix, r)).collect()
    };
    Ok(Json(StatisticsWire {
        year,
        reports: stats.reports,
        children: CountWire {
            code: "all".to_owned(),
            reports: stats.reports,
            girls: stats.children.girls,
            boys: stats.children.boys,
            other_sex: stats.children.other,
            children: stats.children.total,
        },
        by_concern: all("concerntype-", &stats.by_concern),
        by_harm_by: all("harmby-", &stats.by_harm_by),
        by_outcome: all("outcome-", &stats.by_outcome),
        open: count_wire("safeguarding-", &stats.open),
        by_age_band: all("ageband-", &stats.by_age_band),
        median_hours_to_acknowledgement: stats.to_acknowledgement.hours,
        acknowledged_within_deadline: stats.to_acknowledgement.within_deadline,
        median_hours_to_closure: stats.to_closure.hours,
        closed_within_deadline: stats.to_closure.within_deadline,
    }))
}
