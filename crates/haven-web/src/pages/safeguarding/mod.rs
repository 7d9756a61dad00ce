//! The pages of child safeguarding (issue 7): reporting a concern (every signed-in
//! user, from the link in every page's header), the reporter's own reports, and for
//! the focal points the reports in their reach, a report's response, its sealed
//! attachments, its audit trail (national focal points), and the yearly figures.
//!
//! Sealing: every page here but the reporter's own checks
//! `Kind::SafeguardingCase`; reports outside the focal point's reach answer 404. Their
//! paths are left out of the metrics and the request log (see [`is_sealed_path`]),
//! because a count of requests to them would count reports.

mod cases;
mod report;
mod statistics;

use axum::routing::{get, post, MethodRouter};
use haven_app::model::safeguarding::AttachmentKey;
use haven_domain::safeguarding::{ConcernType, Deadlines, HarmBy, Outcome, Step};

use crate::i18n::Tr;
use crate::state::AppState;

pub use cases::{home_summary, HomeSummary};
pub use report::own_status;

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/safeguarding/report", get(report::form).post(report::file)),
        ("/safeguarding/mine", get(report::mine)),
        ("/safeguarding", get(cases::list)),
        ("/safeguarding/cases/{case}", get(cases::show)),
        ("/safeguarding/cases/{case}/steps", post(cases::record_step)),
        (
            "/safeguarding/cases/{case}/attachments",
            post(cases::attach),
        ),
        (
            "/safeguarding/cases/{case}/attachments/{attachment}",
            get(cases::download),
        ),
        ("/safeguarding/cases/{case}/audit", get(cases::audit_trail)),
        ("/safeguarding/statistics", get(statistics::page)),
    ]
}

/// The settings of this part: deadlines, the attachments' key and size limit.
#[derive(Clone, Debug)]
pub struct SafeguardingConfig {
    pub deadlines: Deadlines,
    /// Without a key, attachments are refused with a message saying so.
    pub attachment_key: Option<AttachmentKey>,
    /// The largest attachment, in bytes (below the request body limit, so that a
    /// refused file still brings the typed text back).
    pub attachment_max_bytes: usize,
}

impl Default for SafeguardingConfig {
    fn default() -> Self {
        SafeguardingConfig {
            deadlines: Deadlines::default(),
            attachment_key: None,
            attachment_max_bytes: 900 * 1024,
        }
    }
}

/// True for the paths of this part, which the metrics and the request log leave
/// out: counting requests to them would count reports.
pub fn is_sealed_path(path: &str) -> bool {
    path == "/safeguarding"
        || path.starts_with("/safeguarding/")
        || path.starts_with("/api/v1/safeguarding")
}

pub fn concern_label(tr: &Tr, kind: ConcernType) -> String {
    tr.t(&kind.label_key())
}

pub fn concern_labels(tr: &Tr, kinds: &[ConcernType]) -> String {
    kinds
        .iter()
        .map(|k| concern_label(tr, *k))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn harm_labels(tr: &Tr, who: &[HarmBy]) -> String {
    if who.is_empty() {
        return tr.t(&HarmBy::Unknown.label_key());
    }
    who.iter()
        .map(|h| tr.t(&h.label_key()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn step_label(tr: &Tr, step: Step) -> String {
    tr.t(&step.label_key())
}

pub fn outcome_label(tr: &Tr, outcome: Outcome) -> String {
    tr.t(&outcome.label_key())
}

/// Every translation key this part makes with `format!` (coded values and error
/// codes), for the test that keeps the translation files complete.
pub fn translation_keys() -> Vec<String> {
    use haven_domain::safeguarding::{AttachmentError, ReportError, StepError, WorkflowError};
    let mut keys: Vec<String> = Vec::new();
    keys.extend(ConcernType::ALL.iter().map(|v| v.label_key()));
    keys.extend(HarmBy::ALL.iter().map(|v| v.label_key()));
    keys.extend(Step::ALL.iter().map(|v| v.label_key()));
    keys.extend(Outcome::ALL.iter().map(|v| v.label_key()));
    keys.extend(ReportError::ALL.iter().map(|e| e.code().to_owned()));
    keys.extend(StepError::ALL.iter().map(|e| e.code().to_owned()));
    keys.extend(AttachmentError::ALL.iter().map(|e| e.code().to_owned()));
    keys.extend(
        [
            WorkflowError::AlreadyRecorded(Step::Acknowledged),
            WorkflowError::OutOfOrder {
                step: Step::Assessed,
                missing: Step::Acknowledged,
            },
            WorkflowError::Closed,
        ]
        .iter()
        .map(|e| e.code().to_owned()),
    );
    keys.extend(cases::AUDIT_ACTIONS.iter().map(|a| cases::action_key(a)));
    keys.extend(report::STATUS_KEYS.iter().map(|k| (*k).to_owned()));
    keys.push(haven_domain::safeguarding::AGE_UNKNOWN.to_owned());
    keys.push("safeguarding-open".to_owned());
    keys
}
