//! The focal points' pages: new reports, overdue steps and the reports in their
//! reach; one report with its children, steps, attachments and the form for the next
//! step; downloads of attachments; a report's audit trail (national focal points).
//! Every view and change is audited (sealed events).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use haven_app::model::safeguarding::{ReportStep, SafeguardingReport};
use haven_app::model::{Facility, Id, Timestamp};
use haven_app::safeguarding::{CaseList, CaseShelf, CaseView, StepRecorded};
use haven_app::AppError;
use haven_domain::safeguarding::{
    next_steps, overdue_steps, Outcome, Step, StepDetails, StepInput, WorkflowError,
};
use serde::Deserialize;

use super::report::{check_file, read_posted};
use super::{concern_labels, harm_labels, outcome_label, step_label};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::audit::format_instant;
use crate::pages::places::{place_name, FieldMessages};
use crate::pages::{no_store, render, respond, Layout, FORM_ERROR};
use crate::state::AppState;

/// The audit actions of this part, for their labels on the report's trail.
pub const AUDIT_ACTIONS: &[&str] = &[
    "safeguarding_report_file",
    "safeguarding_report_read",
    "safeguarding_report_list",
    "safeguarding_step_record",
    "safeguarding_attachment_add",
    "safeguarding_attachment_download",
    "safeguarding_own_reports_read",
    "safeguarding_statistics_read",
    "safeguarding_audit_read",
];

pub fn action_key(action: &str) -> String {
    format!("action-{}", action.replace('_', "-"))
}

/// A report in the focal point's lists.
pub struct CaseRow {
    pub id: String,
    pub reference: String,
    pub filed: String,
    pub place: String,
    pub concerns: String,
    pub next: String,
    pub overdue: bool,
    pub outcome: String,
}

/// An overdue step.
pub struct OverdueRow {
    pub id: String,
    pub reference: String,
    pub step: String,
    pub due: String,
}

#[derive(Template)]
#[template(path = "safeguarding_cases.html")]
struct CasesPage {
    layout: Layout,
    new_reports: Vec<CaseRow>,
    overdue: Vec<OverdueRow>,
    rows: Vec<CaseRow>,
    show_closed: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    show: String,
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// The name of the facility where it happened, in the reader's language.
fn place_of(tr: &Tr, facilities: &[Facility], facility: Option<Id>) -> String {
    facility
        .and_then(|f| facilities.iter().find(|p| p.id == f))
        .map(|p| place_name(tr, &p.name, &p.name_km))
        .unwrap_or_else(|| tr.t("safeguarding-where-unknown"))
}

fn case_row(state: &AppState, tr: &Tr, all: &CaseList, report: &SafeguardingReport) -> CaseRow {
    let done = all.done_of(report.id);
    let deadlines = &state.config().safeguarding.deadlines;
    let overdue = !overdue_steps(report.filed_at.datetime(), &done, now(), deadlines).is_empty();
    CaseRow {
        id: report.id.to_string(),
        reference: report.reference.clone(),
        filed: format_instant(&report.filed_at, state.config().time_offset),
        place: place_of(tr, &all.facilities, report.facility_id),
        concerns: concern_labels(tr, &report.concern_types()),
        next: next_steps(&done)
            .into_iter()
            .map(|s| step_label(tr, s))
            .collect::<Vec<_>>()
            .join(", "),
        overdue,
        outcome: report
            .outcome()
            .map(|o| outcome_label(tr, o))
            .unwrap_or_default(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let tr = auth.tr();
    let show_closed = query.show == "closed";
    let shelf = if show_closed {
        CaseShelf::Closed
    } else {
        CaseShelf::Open
    };
    let all = state
        .app()
        .list_safeguarding_cases(&auth.caller(), shelf)
        .await?;
    let new_reports = all
        .reports
        .iter()
        .filter(|r| all.unread.iter().any(|n| n.report_id == r.id))
        .map(|r| case_row(&state, tr, &all, r))
        .collect();
    let deadlines = &state.config().safeguarding.deadlines;
    let offset = state.config().time_offset;
    let mut overdue = Vec::new();
    for report in all.reports.iter().filter(|r| r.closed_at.is_none()) {
        let done = all.done_of(report.id);
        for (step, due) in overdue_steps(report.filed_at.datetime(), &done, now(), deadlines) {
            overdue.push(OverdueRow {
                id: report.id.to_string(),
                reference: report.reference.clone(),
                step: step_label(tr, step),
                due: format_instant(&Timestamp::from_datetime(due), offset),
            });
        }
    }
    let rows: Vec<CaseRow> = all
        .reports
        .iter()
        .filter(|r| shelf.holds(r))
        .map(|r| case_row(&state, tr, &all, r))
        .collect();
    let page = CasesPage {
        layout: Layout::new(&auth.visitor, "safeguarding-cases-title"),
        new_reports,
        overdue,
        rows,
        show_closed,
    };
    render(&page).map(no_store)
}

/// A child of the report, ready to show.
pub struct ChildView {
    pub name: String,
    pub person_id: Option<String>,
    pub sex: String,
    pub age: String,
}

/// A recorded step, ready to show.
pub struct StepView {
    pub code: String,
    pub label: String,
    pub at: String,
    pub by: String,
    pub note: String,
    pub referral: String,
    pub outcome: String,
}

/// An attachment, ready to show.
pub struct AttachmentView {
    pub id: String,
    pub kind: String,
    pub size: String,
    pub at: String,
    pub by: String,
}

/// The step form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub referral: String,
    #[serde(default)]
    pub authority: String,
    #[serde(default)]
    pub authority_reference: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Template)]
#[template(path = "safeguarding_case.html")]
struct CasePage {
    layout: Layout,
    report: SafeguardingReport,
    filed: String,
    place: String,
    concerns: String,
    harm_by: String,
    children: Vec<ChildView>,
    steps: Vec<StepView>,
    overdue: Vec<(String, String)>,
    /// Steps not yet recorded (the next ones first), for the form's select.
    open_steps: Vec<(&'static str, String, bool)>,
    outcomes: Vec<(&'static str, String)>,
    closed: bool,
    form: StepForm,
    errors: FieldMessages,
    notice: Option<String>,
    attachments: Vec<AttachmentView>,
    attachments_on: bool,
    attachment_error: Option<String>,
    can_write: bool,
    national: bool,
}

fn step_view(tr: &Tr, offset: time::UtcOffset, s: &ReportStep) -> StepView {
    let referral = match s.referral.as_str() {
        "referred" => tr.t1(
            "safeguarding-referred-to",
            "authority",
            format!("{} ({})", s.authority, s.authority_reference),
        ),
        "not_referred" => tr.t("safeguarding-not-referred"),
        _ => String::new(),
    };
    StepView {
        code: s.step.clone(),
        label: s.step().map(|st| step_label(tr, st)).unwrap_or_default(),
        at: format_instant(&s.recorded_at, offset),
        by: format!("{} ({})", s.recorded_by_name, s.recorded_by_username),
        note: s.note.clone(),
        referral,
        outcome: Outcome::parse(&s.outcome)
            .map(|o| outcome_label(tr, o))
            .unwrap_or_default(),
    }
}

fn case_page(state: &AppState, auth: &Authenticated, view: CaseView) -> CasePage {
    let tr = auth.tr();
    let report = view.report;
    let offset = state.config().time_offset;
    let filed_on = report.filed_at.datetime().to_offset(offset).date();
    let children = view
        .children
        .into_iter()
        .map(|c| ChildView {
            name: c.display_name(),
            person_id: c.person_id.map(|p| p.to_string()),
            sex: tr.t(&c.sex().label_key()),
            age: c
                .age_on(filed_on)
                .map(|age| tr.t1("safeguarding-age-years", "years", age))
                .unwrap_or_else(|| tr.t("safeguarding-age-unknown")),
        })
        .collect();
    let recorded = view.steps;
    let done: Vec<Step> = recorded.iter().filter_map(ReportStep::step).collect();
    let steps = recorded.iter().map(|s| step_view(tr, offset, s)).collect();
    let deadlines = &state.config().safeguarding.deadlines;
    let overdue = overdue_steps(report.filed_at.datetime(), &done, now(), deadlines)
        .into_iter()
        .map(|(step, due)| {
            (
                step_label(tr, step),
                format_instant(&Timestamp::from_datetime(due), offset),
            )
        })
        .collect();
    let next = next_steps(&done);
    let open_steps = Step::ALL
        .iter()
        .copied()
        .filter(|s| !done.contains(s))
        .map(|s| (s.code(), step_label(tr, s), next.contains(&s)))
        .collect();
    let attachments = view
        .attachments
        .into_iter()
        .map(|a| AttachmentView {
            id: a.id.to_string(),
            kind: a
                .kind()
                .map(|k| k.extension().to_uppercase())
                .unwrap_or_default(),
            size: format!("{} KiB", (a.size_bytes + 1023) / 1024),
            at: format_instant(&a.created_at, offset),
            by: a.created_by_username,
        })
        .collect();
    let place = place_of(tr, &view.facilities, report.facility_id);
    let form = StepForm {
        step: next
            .first()
            .map(|s| s.code().to_owned())
            .unwrap_or_default(),
        version: report.version.to_string(),
        ..StepForm::default()
    };
    CasePage {
        layout: Layout::new(&auth.visitor, "safeguarding-case-title"),
        filed: format_instant(&report.filed_at, offset),
        place,
        concerns: concern_labels(tr, &report.concern_types()),
        harm_by: harm_labels(tr, &report.harm_by()),
        children,
        steps,
        overdue,
        open_steps,
        outcomes: Outcome::ALL
            .iter()
            .map(|o| (o.code(), outcome_label(tr, *o)))
            .collect(),
        closed: done.contains(&Step::Closed),
        form,
        errors: FieldMessages::default(),
        notice: None,
        attachments,
        attachments_on: state.config().safeguarding.attachment_key.is_some(),
        attachment_error: None,
        can_write: view.can_write,
        national: view.national,
        report,
    }
}

/// A report's id from the path; one that is not an id is not found.
pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(case): Ids<Id>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_read_cases(&caller)?;
    let view = state
        .app()
        .read_safeguarding_case(&caller, case, "case")
        .await?;
    respond(&case_page(&state, &auth, view), axum::http::StatusCode::OK)
}

pub async fn record_step(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    axum::Form(form): axum::Form<StepForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_write_cases(&caller)?;
    let tr = auth.tr().clone();
    let parsed = StepDetails::parse(&StepInput {
        step: &form.step,
        note: &form.note,
        referral: &form.referral,
        authority: &form.authority,
        reference: &form.authority_reference,
        outcome: &form.outcome,
    });
    let version = form.version.trim().parse().unwrap_or(-1);
    let (errors, notice, status) = match parsed {
        Ok(details) => match state
            .app()
            .record_safeguarding_step(&caller, id, version, &details)
            .await
        {
            Ok(StepRecorded::Recorded(..)) => {
                return Ok(see_other(&format!("/safeguarding/cases/{id}#steps")))
            }
            Ok(StepRecorded::Refused(error)) => {
                let mut errors = FieldMessages::default();
                errors.set("step", workflow_message(&tr, error));
                (errors, None, FORM_ERROR)
            }
            Err(AppError::Conflict { .. }) => (
                FieldMessages::default(),
                Some(tr.t("error-conflict")),
                StatusCode::CONFLICT,
            ),
            Err(other) => return Err(other.into()),
        },
        Err(problems) => {
            let mut errors = FieldMessages::default();
            for (field, error) in problems {
                errors.set(field.name(), tr.t(error.code()));
            }
            (errors, None, FORM_ERROR)
        }
    };
    let view = state.app().safeguarding_case_again(&caller, id).await?;
    let mut page = case_page(&state, &auth, view);
    // The form comes back as typed; a stale version stays stale until the page is
    // read again, so the conflict cannot be overwritten by resending.
    page.form = form;
    page.errors = errors;
    page.notice = notice;
    respond(&page, status)
}

/// The message of a step refused by the workflow, naming the step to record first.
pub fn workflow_message(tr: &Tr, error: WorkflowError) -> String {
    match error {
        WorkflowError::OutOfOrder { missing, .. } => {
            tr.t1(error.code(), "step", step_label(tr, missing))
        }
        WorkflowError::AlreadyRecorded(step) => tr.t1(error.code(), "step", step_label(tr, step)),
        WorkflowError::Closed => tr.t(error.code()),
    }
}

pub async fn attach(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(case): Ids<Id>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_write_cases(&caller)?;
    let report = state
        .app()
        .may_attach_to_safeguarding_case(&caller, case)
        .await?;
    let posted = read_posted(&headers, body).await?;
    let problem = match posted.file.as_deref() {
        None => "safeguarding-error-attachment-empty".to_owned(),
        Some(bytes) => match check_file(&state, bytes) {
            Ok(file) => {
                // check_file has made sure there is a key.
                if let Some(key) = state.config().safeguarding.attachment_key.as_ref() {
                    state
                        .app()
                        .attach_to_safeguarding_case(&caller, report.id, key, &file)
                        .await?;
                    return Ok(see_other(&format!(
                        "/safeguarding/cases/{}#attachments",
                        report.id
                    )));
                }
                "safeguarding-error-attachment-not-configured".to_owned()
            }
            Err(error) => error.code().to_owned(),
        },
    };
    let view = state
        .app()
        .safeguarding_case_again(&caller, report.id)
        .await?;
    let mut page = case_page(&state, &auth, view);
    page.attachment_error = Some(auth.tr().t(&problem));
    respond(&page, FORM_ERROR)
}

pub async fn download(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((id, attachment)): Ids<(Id, Id)>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_read_cases(&caller)?;
    let Some(key) = state.config().safeguarding.attachment_key.as_ref() else {
        // Without a key nothing opens; a report out of reach still answers alike.
        return Err(WebError::NotFound);
    };
    let (report, kind, bytes) = match state
        .app()
        .download_safeguarding_attachment(&caller, id, attachment, key)
        .await
    {
        Ok(file) => file,
        Err(AppError::Store(error)) => {
            tracing::error!(%attachment, %error, "a safeguarding attachment does not open");
            return Err(WebError::Internal);
        }
        Err(other) => return Err(other.into()),
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.code()));
    let disposition = format!(
        "attachment; filename=\"{}-{}.{}\"",
        report.reference,
        &attachment.to_string()[..8],
        kind.extension()
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(no_store(response))
}

/// An event of the report's trail, ready to show.
pub struct TrailRow {
    pub at: String,
    pub username: String,
    pub action: String,
    pub address: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "safeguarding_audit.html")]
struct TrailPage {
    layout: Layout,
    report: SafeguardingReport,
    rows: Vec<TrailRow>,
}

pub async fn audit_trail(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(case): Path<String>,
) -> Result<Response, WebError> {
    let trail = state
        .app()
        .safeguarding_case_trail(&auth.caller(), case.parse().ok())
        .await?;
    let report = trail.report;
    let tr = auth.tr();
    let offset = state.config().time_offset;
    let rows = trail
        .events
        .into_iter()
        .map(|e| TrailRow {
            at: format_instant(&e.occurred_at, offset),
            action: if AUDIT_ACTIONS.contains(&e.action.as_str()) {
                tr.t(&action_key(&e.action))
            } else {
                e.action.clone()
            },
            username: e.actor_username,
            address: e.address,
            detail: e.detail,
        })
        .collect();
    let page = TrailPage {
        layout: Layout::new(&auth.visitor, "safeguarding-audit-title"),
        report,
        rows,
    };
    render(&page).map(no_store)
}

/// What the home page shows a focal point: new reports and overdue steps.
pub struct HomeSummary {
    pub new_reports: usize,
    pub overdue_steps: usize,
}

/// The focal point's summary for the home page; `None` for everyone else (who must
/// not learn even that there is something to count).
pub async fn home_summary(
    state: &AppState,
    auth: &Authenticated,
) -> Result<Option<HomeSummary>, WebError> {
    let Some(all) = state.app().safeguarding_summary(&auth.caller()).await? else {
        return Ok(None);
    };
    let deadlines = &state.config().safeguarding.deadlines;
    let overdue_steps_count = all
        .reports
        .iter()
        .filter(|r| r.closed_at.is_none())
        .map(|r| overdue_steps(r.filed_at.datetime(), &all.done_of(r.id), now(), deadlines).len())
        .sum();
    Ok(Some(HomeSummary {
        new_reports: all.unread.len(),
        overdue_steps: overdue_steps_count,
    }))
}
