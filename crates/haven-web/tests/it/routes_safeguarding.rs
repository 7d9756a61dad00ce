//! The role-by-route cases of child safeguarding's routes, and the records their
//! paths name. Filing a concern is open to every role; everything about handling
//! reports needs `Kind::SafeguardingCase`.

use haven_domain::safeguarding::{AttachmentType, ChildInput, ConcernDetails, ConcernInput};
use haven_domain::{Action, Kind, Role};
use haven_store::safeguarding::{AttachmentKey, NewAttachment, NewReport};
use haven_store::Actor;

use crate::routes::{api, page, Case, Need};
use crate::support::App;

const REPORT: Need = Need::Permission(Action::Write, Kind::SafeguardingConcern);
const READ_CASE: Need = Need::Permission(Action::Read, Kind::SafeguardingCase);
const WRITE_CASE: Need = Need::Permission(Action::Write, Kind::SafeguardingCase);

pub(crate) const CASES: &[Case] = &[
    page("GET", "/safeguarding/report", REPORT, ""),
    // An empty report: refused with the form back, nothing filed.
    page("POST", "/safeguarding/report", REPORT, "what_happened="),
    page("GET", "/safeguarding/mine", REPORT, ""),
    page("GET", "/safeguarding", READ_CASE, ""),
    page("GET", "/safeguarding/statistics", READ_CASE, ""),
    page("GET", "/safeguarding/cases/{case}", READ_CASE, ""),
    // Closing before anything else: refused as out of order.
    page(
        "POST",
        "/safeguarding/cases/{case}/steps",
        WRITE_CASE,
        "step=closed&note=x&outcome=inconclusive&version=999",
    ),
    // No file: refused.
    page(
        "POST",
        "/safeguarding/cases/{case}/attachments",
        WRITE_CASE,
        "",
    ),
    page(
        "GET",
        "/safeguarding/cases/{case}/attachments/{attachment}",
        READ_CASE,
        "",
    ),
    page("GET", "/safeguarding/cases/{case}/audit", READ_CASE, ""),
    api("POST", "/api/v1/safeguarding/reports", REPORT, "{}"),
    api("GET", "/api/v1/safeguarding/reports/mine", REPORT, ""),
    api("GET", "/api/v1/safeguarding/cases", READ_CASE, ""),
    api("GET", "/api/v1/safeguarding/cases/{case}", READ_CASE, ""),
    api(
        "POST",
        "/api/v1/safeguarding/cases/{case}/steps",
        WRITE_CASE,
        r#"{"step":"closed","note":"x","outcome":"inconclusive","version":999}"#,
    ),
    api("GET", "/api/v1/safeguarding/statistics", READ_CASE, ""),
];

/// A key for the targets' attachment (the app under test has none: downloads 404).
pub(crate) const TEST_KEY: &str =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// The records this part's paths name: placeholder and id.
pub(crate) async fn targets(app: &App) -> Vec<(&'static str, String)> {
    let reporter = app.user("sg-route-reporter", Role::CareWorker).await;
    let actor = Actor {
        id: reporter.id,
        username: reporter.username.clone(),
        address: "test".to_owned(),
    };
    let details = ConcernDetails::parse(&ConcernInput {
        concern_types: vec!["neglect"],
        what_happened: "a route target",
        described: vec![ChildInput {
            name: "Target child",
            sex: "female",
            age: "9",
        }],
        ..ConcernInput::default()
    })
    .expect("a valid report");
    let key = AttachmentKey::parse(TEST_KEY).expect("a key");
    let report = app
        .store
        .file_safeguarding_report(
            &actor,
            &NewReport {
                details,
                registry_children: Vec::new(),
                facility_id: None,
                attachment: Some(NewAttachment {
                    kind: AttachmentType::Pdf,
                    bytes: b"%PDF-1.4 target".to_vec(),
                }),
            },
            Some(&key),
        )
        .await
        .expect("a report");
    let attachment = app
        .store
        .safeguarding_attachments(report.id)
        .await
        .expect("attachments")
        .remove(0);
    vec![
        ("{case}", report.id.to_string()),
        ("{attachment}", attachment.id.to_string()),
    ]
}
