//! Tests of child safeguarding's pages and API: reporting (the empty report, the
//! child picker within reach, attachments too large or of an unknown type), the
//! reporter's own view, the focal point's response in order, in both languages, and
//! the sealing: every other role, the administrator included, walks every route and
//! finds no trace of a report.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use haven_domain::{Language, Role, Scope};
use haven_store::{Actor, Id, User};
use haven_web::WebConfig;

use crate::routes::{all_cases, call, targets, Via};
use crate::support::{apps, apps_with, message, message_start, Answer, App, Browser};

const KEY: &str = crate::routes_safeguarding::TEST_KEY;
const WHAT: &str = "Bruises on her arms, seen at the water pump";
const DESCRIBED: &str = "Srey Leak from the blue house";
const ACTIONS: &str = "Walked her to the clinic";

fn en(key: &str) -> String {
    message(Language::English, key)
}

fn config_with_key(max_kib: usize) -> WebConfig {
    let mut config = WebConfig::default();
    config.safeguarding.attachment_key =
        Some(haven_store::safeguarding::AttachmentKey::parse(KEY).expect("a key"));
    config.safeguarding.attachment_max_bytes = max_kib * 1024;
    config
}

/// A multipart body of text fields and, optionally, one file.
fn multipart(fields: &[(&str, &str)], file: Option<&[u8]>) -> (String, Vec<u8>) {
    let boundary = "----haven-test-boundary-7d3f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some(bytes) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"letter.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_multipart(
    browser: &mut Browser<'_>,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
) -> Answer {
    let csrf = browser.csrf.clone().unwrap_or_default();
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let (content_type, body) = multipart(&all, file);
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("a request");
    browser.send(request).await
}

async fn user_with(app: &App, name: &str, role: Role, scope: Scope) -> User {
    let user = app.user(name, role).await;
    // `App::user` gives scope all; narrow it by revoking that and assigning `scope`.
    if scope != Scope::All {
        let assignment = app
            .store
            .role_assignments(user.id)
            .await
            .expect("roles")
            .remove(0);
        app.store
            .revoke_role(&Actor::system(), assignment.id, assignment.version)
            .await
            .expect("revoking");
        app.store
            .assign_role(&Actor::system(), user.id, role, &scope)
            .await
            .expect("assigning");
    }
    user
}

/// A programme and a facility, and a child registered there.
async fn place_and_child(app: &App) -> (Id, Id, Id) {
    let (programme, facility, _, _) = crate::routes_places::place_records(app).await;
    let facility: Id = facility.parse().expect("an id");
    let child =
        crate::routes_staff::insert_person(app, "Chan", "Sreymom", Some(&facility.to_string()))
            .await;
    // Put straight into the table, the child needs its search tokens.
    app.store.rebuild_search_index().await.expect("indexing");
    (programme.parse().expect("an id"), facility, child)
}

fn report_fields<'a>(child: &'a str, facility: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("person", child),
        ("child_name_0", DESCRIBED),
        ("child_sex_0", "female"),
        ("child_age_0", "7"),
        ("concern_types", "physical_abuse"),
        ("concern_types", "neglect"),
        ("harm_by", "caregiver"),
        ("what_happened", WHAT),
        ("immediate_actions", ACTIONS),
        ("facility", facility),
        ("action", "file"),
    ]
}

#[test]
fn every_key_this_part_makes_is_in_both_languages() {
    for key in haven_web::pages::safeguarding::translation_keys() {
        for language in Language::ALL {
            message(language, &key);
        }
    }
}

#[tokio::test]
async fn a_caregiver_reports_a_concern_and_sees_only_its_status() {
    for app in apps().await {
        let (_, facility, child) = place_and_child(&app).await;
        app.user("mother", Role::SosParent).await;
        app.user("focal", Role::SafeguardingFocalPoint).await;
        let mut mother = app.signed_in("mother").await;
        let home = mother.get("/").await;
        let what = format!("[{}] {}", app.label, home.body);
        assert!(
            home.body.contains("href=\"/safeguarding/report\""),
            "one click: {what}"
        );
        assert!(!home.body.contains("href=\"/safeguarding\""), "{what}");

        let form = mother.get("/safeguarding/report").await;
        assert_eq!(form.status, StatusCode::OK, "[{}] {}", app.label, form.body);
        // The empty report: refused, with a message at each field and the text kept.
        let empty = post_multipart(
            &mut mother,
            "/safeguarding/report",
            &[("immediate_actions", ACTIONS), ("action", "file")],
            None,
        )
        .await;
        let what = format!("[{}] {}", app.label, empty.body);
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let text = empty.text();
        for key in [
            "safeguarding-not-filed",
            "safeguarding-error-concern-type-required",
            "safeguarding-error-child-required",
            "safeguarding-error-what-happened-required",
        ] {
            assert!(text.contains(&en(key)), "{key}: {what}");
        }
        assert!(text.contains(ACTIONS), "the text is kept: {what}");
        assert_eq!(app.store.safeguarding_reports().await.unwrap().len(), 0);

        // Finding the child in the registry keeps everything typed.
        let found = post_multipart(
            &mut mother,
            "/safeguarding/report",
            &[
                ("find", "Sreymom"),
                ("what_happened", WHAT),
                ("action", "find"),
            ],
            None,
        )
        .await;
        let what = format!("[{}] {}", app.label, found.body);
        assert_eq!(found.status, StatusCode::OK, "{what}");
        assert!(found.body.contains(&format!("value=\"{child}\"")), "{what}");
        assert!(found.text().contains(WHAT), "{what}");

        let child_id = child.to_string();
        let facility_id = facility.to_string();
        let filed = post_multipart(
            &mut mother,
            "/safeguarding/report",
            &report_fields(&child_id, &facility_id),
            None,
        )
        .await;
        let what = format!("[{}] {} {}", app.label, filed.status, filed.body);
        assert_eq!(filed.status, StatusCode::SEE_OTHER, "{what}");
        assert!(
            filed.location().starts_with("/safeguarding/mine?filed=SG-"),
            "{what}"
        );
        let reports = app.store.safeguarding_reports().await.unwrap();
        assert_eq!(reports.len(), 1, "[{}]", app.label);
        let report = &reports[0];
        let children = app.store.safeguarding_children(report.id).await.unwrap();
        assert_eq!(children.len(), 2, "[{}]", app.label);
        assert!(
            children.iter().any(|c| c.person_id == Some(child)),
            "[{}]",
            app.label
        );

        let mine = mother.get(filed.location()).await;
        let what = format!("[{}] {}", app.label, mine.body);
        assert!(mine.body.contains(&report.reference), "{what}");
        assert!(
            mine.text().contains(&en("safeguarding-status-received")),
            "{what}"
        );
        // The reporter sees the status, not the report's handling or its children.
        assert!(!mine.body.contains(&report.id.to_string()), "{what}");
        assert!(!mine.text().contains("Sreymom"), "{what}");
        // Nor can they open the report.
        let case = mother
            .get(&format!("/safeguarding/cases/{}", report.id))
            .await;
        assert_eq!(case.status, StatusCode::FORBIDDEN, "[{}]", app.label);

        // The focal point is notified on the home page and the list.
        let mut focal = app.signed_in("focal").await;
        let home = focal.get("/").await;
        let what = format!("[{}] {}", app.label, home.body);
        assert!(home.text().contains("New reports: 1"), "{what}");
        let list = focal.get("/safeguarding").await;
        assert!(
            list.body.contains(&report.reference),
            "[{}] {}",
            app.label,
            list.body
        );
        let case = focal
            .get(&format!("/safeguarding/cases/{}", report.id))
            .await;
        let what = format!("[{}] {}", app.label, case.body);
        assert_eq!(case.status, StatusCode::OK, "{what}");
        assert!(
            case.text().contains(WHAT) && case.text().contains(DESCRIBED),
            "{what}"
        );
        assert!(case.body.contains(&format!("/people/{child}")), "{what}");
        assert!(
            focal.get("/").await.text().contains("New reports: 0"),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn the_child_picker_finds_only_children_the_reporter_may_see() {
    for app in apps().await {
        let (_, _, child) = place_and_child(&app).await;
        app.user("officer", Role::MeOfficer).await;
        // A care worker of a facility that is not the child's.
        let elsewhere = app
            .store
            .create_programme(
                &Actor::system(),
                &haven_domain::places::ProgrammeDetails::parse(
                    &haven_domain::places::ProgrammeInput {
                        name: "SOS Siem Reap",
                        province: "KH-17",
                        ..Default::default()
                    },
                )
                .expect("a programme"),
            )
            .await
            .expect("a programme");
        user_with(
            &app,
            "worker",
            Role::CareWorker,
            Scope::Programme(elsewhere.id.to_string()),
        )
        .await;
        let child_id = child.to_string();
        for who in ["officer", "worker"] {
            let mut browser = app.signed_in(who).await;
            browser.get("/safeguarding/report").await;
            let found = post_multipart(
                &mut browser,
                "/safeguarding/report",
                &[
                    ("find", "Sreymom"),
                    ("person", &child_id),
                    ("action", "find"),
                ],
                None,
            )
            .await;
            let what = format!("[{}] {who}: {}", app.label, found.body);
            assert!(!found.status.is_server_error(), "{what}");
            assert!(!found.body.contains(&child_id), "{what}");
            // Only what was typed comes back: no child is offered.
            assert!(!found.body.contains("name=\"person\""), "{what}");
            // A child's id sent by hand is not taken either.
            let filed = post_multipart(
                &mut browser,
                "/safeguarding/report",
                &[
                    ("person", &child_id),
                    ("concern_types", "neglect"),
                    ("what_happened", WHAT),
                    ("action", "file"),
                ],
                None,
            )
            .await;
            let what = format!("[{}] {who}: {}", app.label, filed.body);
            assert_eq!(filed.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            assert!(
                filed
                    .text()
                    .contains(&en("safeguarding-error-child-required")),
                "{what}"
            );
            assert!(!filed.text().contains("Sreymom"), "{what}");
        }
        assert!(app.store.safeguarding_reports().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn attachments_are_checked_by_content_and_size_and_the_text_is_kept() {
    for app in apps_with(config_with_key(1)).await {
        app.user("nurse", Role::RegisteredNurse).await;
        app.user("focal", Role::SafeguardingFocalPoint).await;
        app.user("doctor", Role::Doctor).await;
        let mut nurse = app.signed_in("nurse").await;
        nurse.get("/safeguarding/report").await;
        let fields = [
            ("child_name_0", DESCRIBED),
            ("concern_types", "neglect"),
            ("what_happened", WHAT),
            ("action", "file"),
        ];
        let cases: [(&[u8], &str); 2] = [
            (
                b"MZ\x90\0 an exe named letter.pdf",
                "safeguarding-error-attachment-type",
            ),
            (&[b'%'; 2000], "safeguarding-error-attachment-too-large"),
        ];
        for (bytes, key) in cases {
            let refused =
                post_multipart(&mut nurse, "/safeguarding/report", &fields, Some(bytes)).await;
            let what = format!("[{}] {key}: {}", app.label, refused.body);
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            assert!(refused.text().contains(&en(key)), "{what}");
            assert!(
                refused.text().contains(WHAT) && refused.text().contains(DESCRIBED),
                "{what}"
            );
        }
        assert!(app.store.safeguarding_reports().await.unwrap().is_empty());
        let letter = b"%PDF-1.4 a small scanned letter";
        let filed = post_multipart(&mut nurse, "/safeguarding/report", &fields, Some(letter)).await;
        assert_eq!(
            filed.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            filed.body
        );
        let report = app.store.safeguarding_reports().await.unwrap().remove(0);
        let attachment = app
            .store
            .safeguarding_attachments(report.id)
            .await
            .unwrap()
            .remove(0);
        let path = format!(
            "/safeguarding/cases/{}/attachments/{}",
            report.id, attachment.id
        );
        let mut focal = app.signed_in("focal").await;
        let download = focal.get(&path).await;
        assert_eq!(download.status, StatusCode::OK, "[{}]", app.label);
        assert_eq!(
            download.content_type(),
            "application/pdf",
            "[{}]",
            app.label
        );
        assert_eq!(download.body.as_bytes(), letter, "[{}]", app.label);
        for who in ["nurse", "doctor"] {
            let answer = app.signed_in(who).await.get(&path).await;
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "[{}] {who}",
                app.label
            );
        }
        // The focal point adds a scan to the report; a wrong one is refused.
        let page = focal
            .get(&format!("/safeguarding/cases/{}", report.id))
            .await;
        assert!(page.body.contains(&path), "[{}]", app.label);
        let added = post_multipart(
            &mut focal,
            &format!("/safeguarding/cases/{}/attachments", report.id),
            &[],
            Some(b"\x89PNG\r\n\x1a\n a drawing"),
        )
        .await;
        assert_eq!(
            added.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            added.body
        );
        let refused = post_multipart(
            &mut focal,
            &format!("/safeguarding/cases/{}/attachments", report.id),
            &[],
            Some(b"GIF89a"),
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert_eq!(
            app.store
                .safeguarding_attachments(report.id)
                .await
                .unwrap()
                .len(),
            2
        );
    }
    // Without a key, the form says attachments are off and a file is refused.
    for app in apps().await {
        app.user("nurse", Role::RegisteredNurse).await;
        let mut nurse = app.signed_in("nurse").await;
        let form = nurse.get("/safeguarding/report").await;
        assert!(
            form.text().contains(&en("safeguarding-attachments-off")),
            "[{}]",
            app.label
        );
        let refused = post_multipart(
            &mut nurse,
            "/safeguarding/report",
            &[
                ("child_name_0", DESCRIBED),
                ("concern_types", "neglect"),
                ("what_happened", WHAT),
            ],
            Some(b"%PDF-1.4"),
        )
        .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(
            refused
                .text()
                .contains(&en("safeguarding-error-attachment-not-configured")),
            "[{}] {}",
            app.label,
            refused.body
        );
    }
}

async fn file_as(
    app: &App,
    username: &str,
    what: &str,
) -> haven_store::safeguarding::SafeguardingReport {
    let user = app.store.user_by_username(username).await.expect("a user");
    let actor = Actor {
        id: user.id,
        username: user.username,
        address: "test".to_owned(),
    };
    app.store
        .file_safeguarding_report(
            &actor,
            &haven_store::safeguarding::NewReport {
                details: haven_domain::safeguarding::ConcernDetails::parse(
                    &haven_domain::safeguarding::ConcernInput {
                        concern_types: vec!["bullying"],
                        what_happened: what,
                        described: vec![haven_domain::safeguarding::ChildInput {
                            name: DESCRIBED,
                            sex: "female",
                            age: "10",
                        }],
                        ..Default::default()
                    },
                )
                .expect("a report"),
                registry_children: Vec::new(),
                facility_id: None,
                attachment: None,
            },
            None,
        )
        .await
        .expect("filing")
}

#[tokio::test]
async fn the_focal_point_records_the_steps_in_order_in_either_language() {
    for app in apps().await {
        app.user("reporter", Role::CareWorker).await;
        let focal = app.user("focal", Role::SafeguardingFocalPoint).await;
        let report = file_as(&app, "reporter", WHAT).await;
        let path = format!("/safeguarding/cases/{}", report.id);
        let mut browser = app.signed_in("focal").await;
        let page = browser.get(&path).await;
        let version = page
            .form_field("record-step", "version")
            .expect("a version");
        // Out of order: refused, naming the step to record first, the note kept.
        let early = browser
            .post_form(
                &format!("{path}/steps"),
                &[
                    ("step", "investigated"),
                    ("note", "Met the family"),
                    ("version", &version),
                ],
            )
            .await;
        let what = format!("[{}] {}", app.label, early.body);
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert!(
            early.text().contains(&message_start(
                Language::English,
                "safeguarding-error-out-of-order"
            )),
            "{what}"
        );
        let named = format!("“{}”", en("step-acknowledged"));
        assert!(
            early.text().contains(&named),
            "the step to record first: {what}"
        );
        assert!(early.text().contains("Met the family"), "{what}");
        // A referral needs its authority and reference.
        let steps: [(&[(&str, &str)], StatusCode); 7] = [
            (
                &[
                    ("step", "acknowledged"),
                    ("note", "Read it; called the reporter"),
                ],
                StatusCode::SEE_OTHER,
            ),
            (
                &[
                    ("step", "referred"),
                    ("note", "Police"),
                    ("referral", "referred"),
                ],
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                &[
                    ("step", "referred"),
                    ("note", "A possible crime"),
                    ("referral", "referred"),
                    ("authority", "Police, Battambang"),
                    ("authority_reference", "BB-77"),
                ],
                StatusCode::SEE_OTHER,
            ),
            (
                &[("step", "assessed"), ("note", "High risk")],
                StatusCode::SEE_OTHER,
            ),
            (
                &[("step", "investigated"), ("note", "Met the family")],
                StatusCode::SEE_OTHER,
            ),
            (
                &[("step", "supported"), ("note", "Counselling weekly")],
                StatusCode::SEE_OTHER,
            ),
            (
                &[
                    ("step", "closed"),
                    ("note", "Safe now"),
                    ("outcome", "substantiated"),
                ],
                StatusCode::SEE_OTHER,
            ),
        ];
        for (fields, expected) in steps {
            let page = browser.get(&path).await;
            let version = page
                .form_field("record-step", "version")
                .expect("a version");
            let mut all = fields.to_vec();
            all.push(("version", &version));
            let answer = browser.post_form(&format!("{path}/steps"), &all).await;
            assert_eq!(
                answer.status, expected,
                "[{}] {fields:?}: {}",
                app.label, answer.body
            );
        }
        let closed = browser.get(&path).await;
        let text = closed.text();
        let what = format!("[{}] {}", app.label, closed.body);
        assert!(text.contains(&en("outcome-substantiated")), "{what}");
        assert!(text.contains("Police, Battambang (BB-77)"), "{what}");
        assert!(text.contains("focal (focal)"), "attributed: {what}");
        assert!(
            !closed.body.contains("id=\"record-step\""),
            "no step after closure: {what}"
        );
        // A stale version is a conflict, not an overwrite.
        let report2 = file_as(&app, "reporter", "second").await;
        let stale = browser
            .post_form(
                &format!("/safeguarding/cases/{}/steps", report2.id),
                &[("step", "acknowledged"), ("note", "x"), ("version", "99")],
            )
            .await;
        assert_eq!(
            stale.status,
            StatusCode::CONFLICT,
            "[{}] {}",
            app.label,
            stale.body
        );
        // The national focal point reads the report's trail.
        let trail = browser.get(&format!("{path}/audit")).await;
        let what = format!("[{}] {}", app.label, trail.body);
        assert_eq!(trail.status, StatusCode::OK, "{what}");
        assert!(
            trail
                .text()
                .contains(&en("action-safeguarding-step-record")),
            "{what}"
        );
        // A focal point of one programme reads the report but not its trail.
        let (programme, _, _) = place_and_child(&app).await;
        user_with(
            &app,
            "local",
            Role::SafeguardingFocalPoint,
            Scope::Programme(programme.to_string()),
        )
        .await;
        let mut local = app.signed_in("local").await;
        assert_eq!(
            local.get(&format!("{path}/audit")).await.status,
            StatusCode::FORBIDDEN
        );
        // The report names no place, so it is the national focal points' only.
        assert_eq!(
            local.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "[{}]",
            app.label
        );
        // Khmer: the focal point switches language and reads the page in Khmer.
        app.store
            .set_user_language(&Actor::system(), focal.id, focal.version, Language::Khmer)
            .await
            .expect("language");
        let mut khmer = app.signed_in("focal").await;
        let page = khmer
            .get(&format!("/safeguarding/cases/{}", report2.id))
            .await;
        let what = format!("[{}] {}", app.label, page.body);
        assert!(page.body.contains("<html lang=\"km\">"), "{what}");
        for key in [
            "safeguarding-record-step",
            "step-acknowledged",
            "safeguarding-steps",
        ] {
            assert!(
                page.text().contains(&message(Language::Khmer, key)),
                "{key}: {what}"
            );
        }
        let stats = khmer.get("/safeguarding/statistics").await;
        assert_eq!(
            stats.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            stats.body
        );
        assert!(
            stats
                .text()
                .contains(&message(Language::Khmer, "safeguarding-girls")),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn the_api_files_reports_and_answers_the_focal_points_only() {
    for app in apps().await {
        let nurse = app.user("nurse", Role::RegisteredNurse).await;
        let focal = app.user("focal", Role::SafeguardingFocalPoint).await;
        let mut client = app.api_client(&nurse).await;
        let empty = client.post_json("/api/v1/safeguarding/reports", "{}").await;
        assert_eq!(
            empty.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] {}",
            app.label,
            empty.body
        );
        assert!(
            empty.body.contains("concern_types"),
            "[{}] {}",
            app.label,
            empty.body
        );
        let body = format!(
            r#"{{"concern_types":["self_harm"],"what_happened":"{WHAT}","children":[{{"name":"{DESCRIBED}","sex":"male","approximate_age":15}}]}}"#
        );
        let filed = client
            .post_json("/api/v1/safeguarding/reports", &body)
            .await;
        assert_eq!(
            filed.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            filed.body
        );
        assert_eq!(filed.json()["status"], "received");
        let mine = client.get("/api/v1/safeguarding/reports/mine").await;
        assert_eq!(
            mine.json().as_array().map(Vec::len),
            Some(1),
            "[{}]",
            app.label
        );
        assert!(
            !mine.body.contains(WHAT),
            "the reporter's list holds no text"
        );
        assert_eq!(
            client.get("/api/v1/safeguarding/cases").await.status,
            StatusCode::FORBIDDEN
        );
        let mut focal_client = app.api_client(&focal).await;
        let cases = focal_client.get("/api/v1/safeguarding/cases").await;
        let id = cases.json()[0]["id"].as_str().expect("an id").to_owned();
        let case = focal_client
            .get(&format!("/api/v1/safeguarding/cases/{id}"))
            .await;
        assert_eq!(case.json()["what_happened"], WHAT, "[{}]", app.label);
        assert_eq!(case.json()["children"][0]["age"], 15, "[{}]", app.label);
        let early = focal_client
            .post_json(
                &format!("/api/v1/safeguarding/cases/{id}/steps"),
                r#"{"step":"assessed","note":"x","version":1}"#,
            )
            .await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            early.json()["code"],
            "safeguarding.step_out_of_order",
            "[{}]",
            app.label
        );
        let ack = focal_client
            .post_json(
                &format!("/api/v1/safeguarding/cases/{id}/steps"),
                r#"{"step":"acknowledged","note":"x","version":1}"#,
            )
            .await;
        assert_eq!(ack.status, StatusCode::OK, "[{}] {}", app.label, ack.body);
        assert_eq!(ack.json()["steps_done"][0], "acknowledged");
        let stats = focal_client.get("/api/v1/safeguarding/statistics").await;
        assert_eq!(stats.json()["reports"], 1, "[{}] {}", app.label, stats.body);
        assert_eq!(stats.json()["children"]["boys"], 1, "[{}]", app.label);
    }
}

/// What must never appear in a page or an answer for someone without the
/// safeguarding permission.
fn leaks(body: &str, markers: &[String]) -> Vec<String> {
    markers
        .iter()
        .filter(|m| body.contains(m.as_str()))
        .cloned()
        .collect()
}

#[tokio::test]
async fn no_other_role_finds_any_trace_of_a_report_on_any_route() {
    for app in apps().await {
        let targets = targets(&app).await;
        let person = targets
            .more
            .iter()
            .find(|(p, _)| *p == "{person}")
            .map(|(_, id)| id.clone())
            .expect("a person target");
        let person_id: Id = person.parse().expect("an id");
        let mut users = Vec::new();
        for role in Role::ALL
            .into_iter()
            .filter(|r| *r != Role::SafeguardingFocalPoint)
        {
            users.push((
                role,
                app.user(&format!("sealed-{}", role.code().replace('_', "-")), role)
                    .await,
            ));
        }
        // The child's pages before any report about them.
        let doctor = users
            .iter()
            .find(|(r, _)| *r == Role::Doctor)
            .map(|(_, u)| u.clone())
            .expect("a doctor");
        let person_page = format!("/people/{person}");
        let person_api = format!("/api/v1/people/{person}");
        let before_page = app.session_for(&doctor).await.get(&person_page).await;
        let before_api = app.api_client(&doctor).await.get(&person_api).await;
        assert_eq!(
            before_page.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            before_page.body
        );

        // Reports about the child: filed, handled, with a sealed attachment.
        let reporter = app.user("sealed-reporter", Role::SocialWorker).await;
        let focal = app.user("sealed-focal", Role::SafeguardingFocalPoint).await;
        let secret = "Sealed account of what happened at the river";
        let step_note = "Sealed note of the assessment";
        let key = haven_store::safeguarding::AttachmentKey::parse(KEY).expect("a key");
        let mut ids = Vec::new();
        for n in 0..2 {
            let report = app
                .store
                .file_safeguarding_report(
                    &Actor {
                        id: reporter.id,
                        username: reporter.username.clone(),
                        address: "t".to_owned(),
                    },
                    &haven_store::safeguarding::NewReport {
                        details: haven_domain::safeguarding::ConcernDetails::parse(
                            &haven_domain::safeguarding::ConcernInput {
                                concern_types: vec!["sexual_abuse"],
                                harm_by: vec!["staff"],
                                what_happened: secret,
                                immediate_actions: ACTIONS,
                                described: vec![haven_domain::safeguarding::ChildInput {
                                    name: DESCRIBED,
                                    sex: "female",
                                    age: "8",
                                }],
                                registry_children: 1,
                            },
                        )
                        .expect("a report"),
                        registry_children: vec![person_id],
                        facility_id: None,
                        attachment: (n == 0).then(|| haven_store::safeguarding::NewAttachment {
                            kind: haven_domain::safeguarding::AttachmentType::Png,
                            bytes: b"\x89PNG\r\n\x1a\nsealed".to_vec(),
                        }),
                    },
                    Some(&key),
                )
                .await
                .expect("filing");
            let focal_actor = Actor {
                id: focal.id,
                username: focal.username.clone(),
                address: "t".to_owned(),
            };
            let details = haven_domain::safeguarding::StepDetails::parse(
                &haven_domain::safeguarding::StepInput {
                    step: "acknowledged",
                    note: step_note,
                    ..Default::default()
                },
            )
            .expect("a step");
            app.store
                .record_safeguarding_step(&focal_actor, report.id, report.version, &details)
                .await
                .expect("a step");
            app.store
                .read_safeguarding_report(&focal_actor, report.id, "case")
                .await
                .expect("a read");
            for attachment in app
                .store
                .safeguarding_attachments(report.id)
                .await
                .expect("attachments")
            {
                ids.push(attachment.id.to_string());
            }
            ids.push(report.id.to_string());
            ids.push(report.reference.clone());
        }
        // The child's record reads exactly as before: no link, no count, no mark.
        let normalise = |answer: &Answer| -> String {
            let mut body = answer.body.clone();
            if let Some(csrf) = answer.csrf() {
                body = body.replace(&csrf, "CSRF");
            }
            body
        };
        let after_page = app.session_for(&doctor).await.get(&person_page).await;
        let after_api = app.api_client(&doctor).await.get(&person_api).await;
        assert_eq!(
            normalise(&before_page),
            normalise(&after_page),
            "[{}] the person page changed",
            app.label
        );
        assert_eq!(
            before_api.body, after_api.body,
            "[{}] the person API changed",
            app.label
        );
        let mut markers: Vec<String> = ids;
        markers.extend(
            [
                secret,
                step_note,
                DESCRIBED,
                ACTIONS,
                "a route target",
                "Target child",
                "safeguarding_report",
                "safeguarding_step",
                "safeguarding_attachment",
                "/safeguarding/cases",
                "href=\"/safeguarding\"",
            ]
            .iter()
            .map(|s| (*s).to_owned()),
        );
        for key in [
            "safeguarding-cases-title",
            "safeguarding-new-reports",
            "entity-safeguarding-report",
            "action-safeguarding-report-file",
            "action-safeguarding-step-record",
            "concerntype-sexual-abuse",
        ] {
            for language in Language::ALL {
                markers.push(message(language, key));
            }
        }
        markers.push(message_start(Language::English, "safeguarding-home-new"));

        for (role, user) in &users {
            for case in all_cases() {
                // The reporter's own routes answer every role, and their form names
                // kinds of concern: they are checked below for what they hold.
                // The API's description names the routes, not any report.
                if case.path == "/api/v1/openapi.json"
                    || case.path.starts_with("/safeguarding/report")
                    || case.path.starts_with("/safeguarding/mine")
                    || case.path.starts_with("/api/v1/safeguarding/reports")
                {
                    continue;
                }
                let answer = call(&app, Some(user), case, &targets).await;
                // A page may echo its own address (the language switch's way back).
                let path = targets.fill(case.path);
                let asked: Vec<String> = markers
                    .iter()
                    .filter(|m| !path.contains(m.as_str()))
                    .cloned()
                    .collect();
                let found = leaks(&answer.body, &asked);
                assert!(
                    found.is_empty(),
                    "[{}] {} {} as {}: {:?} in {}",
                    app.label,
                    case.method,
                    case.path,
                    role.code(),
                    found,
                    answer.body.chars().take(400).collect::<String>()
                );
                if case.path.contains("safeguarding") && case.via != Via::Other {
                    assert!(
                        matches!(answer.status, StatusCode::FORBIDDEN),
                        "[{}] {} as {}: {}",
                        app.label,
                        case.path,
                        role.code(),
                        answer.status
                    );
                }
            }
            // The reporter's own pages show nothing of others' reports.
            let mut browser = app.session_for(user).await;
            for path in ["/safeguarding/mine", "/safeguarding/report"] {
                let answer = browser.get(path).await;
                let own: Vec<String> = markers
                    .iter()
                    .filter(|m| !m.starts_with("Sexual") && !m.contains("ការរំលោភបំពានផ្លូវភេទ"))
                    .cloned()
                    .collect();
                let found = leaks(&answer.body, &own);
                assert!(
                    found.is_empty(),
                    "[{}] {path} as {}: {found:?}",
                    app.label,
                    role.code()
                );
            }
            let mine = app
                .api_client(user)
                .await
                .get("/api/v1/safeguarding/reports/mine")
                .await;
            assert_eq!(mine.body, "[]", "[{}] as {}", app.label, role.code());
        }
        // The audit trail's own reader sees none of it, not even in a filter.
        let admin = users
            .iter()
            .find(|(r, _)| *r == Role::SystemAdministrator)
            .map(|(_, u)| u.clone())
            .expect("admin");
        let mut browser = app.session_for(&admin).await;
        // The filters echo what the administrator typed; the events must be none.
        let typed = [
            "safeguarding_report",
            "safeguarding_step",
            "safeguarding_attachment",
        ];
        let unechoed: Vec<String> = markers
            .iter()
            .filter(|m| !typed.contains(&m.as_str()))
            .cloned()
            .collect();
        for path in [
            "/admin/audit?entity=safeguarding_report".to_owned(),
            "/admin/audit?action=safeguarding_report_file".to_owned(),
            format!("/admin/audit?user={}", focal.username),
        ] {
            let answer = browser.get(&path).await;
            let found = leaks(&answer.body, &unechoed);
            assert!(found.is_empty(), "[{}] {path}: {found:?}", app.label);
            // (The walk above switched the administrator's language.)
            let none = Language::ALL
                .iter()
                .any(|l| answer.text().contains(&message(*l, "audit-none")));
            assert!(none, "[{}] {path}: {}", app.label, answer.body);
        }
        let csv = browser
            .get(&format!("/admin/audit/export.csv?user={}", focal.username))
            .await;
        assert_eq!(
            csv.body.lines().count(),
            1,
            "[{}] only the header: {}",
            app.label,
            csv.body
        );
        let mut api = app.api_client(&admin).await;
        let filtered = api
            .get("/api/v1/audit-events?entity=safeguarding_report&limit=500")
            .await;
        assert_eq!(filtered.body, "[]", "[{}]", app.label);
        let everything = api.get("/api/v1/audit-events?limit=500").await;
        assert_eq!(everything.status, StatusCode::OK, "[{}]", app.label);
        assert!(
            leaks(&everything.body, &markers).is_empty(),
            "[{}] {}",
            app.label,
            everything.body
        );
        let metrics = app.metrics().await;
        assert!(
            !metrics.body.contains("safeguarding"),
            "[{}] {}",
            app.label,
            metrics.body
        );
        // The focal point does see them: the markers are real.
        let mut focal_browser = app.session_for(&focal).await;
        let list = focal_browser.get("/safeguarding").await;
        assert!(
            !leaks(&list.body, &markers).is_empty(),
            "[{}] {}",
            app.label,
            list.body
        );
        let report = app
            .store
            .safeguarding_reports()
            .await
            .expect("reports")
            .remove(0);
        let trail = focal_browser
            .get(&format!("/safeguarding/cases/{}/audit", report.id))
            .await;
        assert!(
            trail
                .text()
                .contains(&en("action-safeguarding-report-file")),
            "[{}] {}",
            app.label,
            trail.body
        );
    }
}

/// The first cells of the audit table's rows: the sequence number (if shown) and the
/// event's id.
fn first_cells(answer: &Answer) -> Vec<String> {
    let Some(table) = answer.body.split("<table id=\"audit-events\">").nth(1) else {
        return Vec::new();
    };
    let body = table.split("</tbody>").next().unwrap_or("");
    body.split("<tr>")
        .skip(2)
        .filter_map(|row| row.split("<td>").nth(1))
        .map(|cell| cell.split("</td>").next().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn a_focal_points_reading_of_a_child_is_sealed_from_every_audit_view() {
    for app in apps().await {
        let (_, _, child) = place_and_child(&app).await;
        let child = child.to_string();
        let admin = app.user("seal-admin", Role::SystemAdministrator).await;
        let focal = app.user("seal-focal", Role::SafeguardingFocalPoint).await;
        let doctor = app.user("seal-doctor", Role::Doctor).await;
        // An administrator who is also a national focal point reads every event.
        let national = app.user("seal-national", Role::SystemAdministrator).await;
        app.store
            .assign_role(
                &Actor::system(),
                national.id,
                Role::SafeguardingFocalPoint,
                &Scope::Country("KH".to_owned()),
            )
            .await
            .expect("assigning");
        let person_page = format!("/people/{child}");
        let person_api = format!("/api/v1/people/{child}");
        // The focal point opens the child's page from a report, and over the API.
        let mut focal_browser = app.session_for(&focal).await;
        let page = focal_browser.get(&person_page).await;
        assert_eq!(page.status, StatusCode::OK, "[{}] {}", app.label, page.body);
        let api = app.api_client(&focal).await.get(&person_api).await;
        assert_eq!(api.status, StatusCode::OK, "[{}] {}", app.label, api.body);

        let by_focal = format!("/admin/audit?user={}", focal.username);
        let of_child = format!("/admin/audit?record={child}");
        let csv_of_child = format!("/admin/audit/export.csv?record={child}");
        let api_of_child = format!("/api/v1/audit-events?record={child}");
        let api_by_focal = format!("/api/v1/audit-events?user={}", focal.username);
        // (reader, path, whether the focal point's reads are there)
        let mut cases: Vec<(&User, String, bool)> = Vec::new();
        for (reader, sees) in [(&admin, false), (&national, true)] {
            for path in [
                "/admin/audit".to_owned(),
                "/admin/audit?action=person_read".to_owned(),
                by_focal.clone(),
                of_child.clone(),
                csv_of_child.clone(),
                "/admin/audit/export.csv".to_owned(),
                api_of_child.clone(),
                api_by_focal.clone(),
                "/api/v1/audit-events?limit=500".to_owned(),
                "/".to_owned(),
            ] {
                // The home page lists failed sign-ins only: never a read.
                let sees = sees && path != "/";
                cases.push((reader, path, sees));
            }
        }
        for (reader, path, sees) in &cases {
            let answer = if path.starts_with("/api/") {
                app.api_client(reader).await.get(path).await
            } else {
                app.session_for(reader).await.get(path).await
            };
            let what = format!(
                "[{}] {path} as {}: {}",
                app.label,
                reader.username,
                answer.body.chars().take(600).collect::<String>()
            );
            assert_eq!(answer.status, StatusCode::OK, "{what}");
            // A row (of the table, the CSV or the JSON) with the focal point's read.
            let rows: Vec<&str> = if answer.body.contains("<html") {
                // (Before the first row: the filters, which echo what was typed.)
                answer.body.split("<tr>").skip(1).collect()
            } else {
                answer.body.split(['\n', '{']).collect()
            };
            let shown = rows
                .iter()
                .any(|row| row.contains(&focal.username) && row.contains("person_read"));
            assert_eq!(shown, *sees, "{what}");
            if !*sees && path != &of_child && !path.contains(&child) {
                assert!(!answer.body.contains(&child), "the child's id: {what}");
            }
        }
        // A doctor's read of the same child is on the trail as before: the filter is
        // no blanket.
        app.session_for(&doctor).await.get(&person_page).await;
        let trail = app.session_for(&admin).await.get(&of_child).await;
        assert!(
            trail.body.contains(&doctor.username) && !trail.body.contains(&focal.username),
            "[{}] {}",
            app.label,
            trail.body
        );
        // The focal point's sign-ins stay on the common trail.
        app.signed_in(&focal.username).await;
        let signs = app.session_for(&admin).await.get(&by_focal).await;
        assert!(
            signs.body.contains("<code>sign_in</code>")
                && !signs.body.contains("<code>person_read</code>"),
            "[{}] {}",
            app.label,
            signs.body
        );
    }
}

#[tokio::test]
async fn readers_who_cannot_see_sealed_events_see_no_sequence_and_page_without_gaps() {
    for app in apps().await {
        let admin = app.user("gap-admin", Role::SystemAdministrator).await;
        let focal = app.user("gap-focal", Role::SafeguardingFocalPoint).await;
        let national = app.user("gap-national", Role::SystemAdministrator).await;
        app.store
            .assign_role(
                &Actor::system(),
                national.id,
                Role::SafeguardingFocalPoint,
                &Scope::All,
            )
            .await
            .expect("assigning");
        // Visible events with sealed ones between them.
        let as_actor = |user: &User| Actor {
            id: user.id,
            username: user.username.clone(),
            address: "t".to_owned(),
        };
        for n in 0..6 {
            app.store
                .audit(
                    &as_actor(&admin),
                    haven_store::NewAuditEvent::new("sign_out", "user", admin.id)
                        .with_detail(format!("visible-{n}")),
                )
                .await
                .expect("an event");
            for _ in 0..n {
                app.store
                    .audit(
                        &as_actor(&focal),
                        haven_store::NewAuditEvent::new("person_read", "person", Id::new()),
                    )
                    .await
                    .expect("an event");
            }
        }
        let sealed_event = app
            .store
            .list_audit_events(&haven_store::AuditFilter {
                action: Some("person_read".to_owned()),
                limit: 1,
                include_sealed: true,
                ..Default::default()
            })
            .await
            .expect("events")
            .remove(0);

        // The page: an event id where the sequence number was, for the administrator.
        let mut browser = app.session_for(&admin).await;
        let page = browser.get("/admin/audit?action=sign_out").await;
        let cells = first_cells(&page);
        assert!(cells.len() >= 6, "[{}] {}", app.label, page.body);
        for cell in &cells {
            let id = cell
                .strip_prefix("<small class=\"event-id\">")
                .and_then(|c| c.strip_suffix("</small>"));
            assert!(
                id.is_some_and(|id| id.parse::<Id>().is_ok()),
                "[{}] only an id: {cell}",
                app.label
            );
        }
        let national_page = app
            .session_for(&national)
            .await
            .get("/admin/audit?action=sign_out")
            .await;
        assert!(
            first_cells(&national_page).iter().all(|c| c
                .split(' ')
                .next()
                .is_some_and(|n| n.parse::<i64>().is_ok())),
            "[{}] the national focal point sees the sequence: {}",
            app.label,
            national_page.body
        );

        // The CSV: no sequence column for the administrator.
        let csv = browser.get("/admin/audit/export.csv?action=sign_out").await;
        let header = csv
            .body
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap_or("")
            .to_owned();
        assert!(
            header.starts_with("id,occurred_at"),
            "[{}] {header}",
            app.label
        );
        let national_csv = app
            .session_for(&national)
            .await
            .get("/admin/audit/export.csv?action=sign_out")
            .await;
        assert!(
            national_csv
                .body
                .trim_start_matches('\u{feff}')
                .starts_with("sequence,id,occurred_at"),
            "[{}] {}",
            app.label,
            national_csv.body
        );

        // The API: no sequence and no hash (a hash links to the event before it); the
        // pages follow each other by event id, whatever lies between.
        let mut api = app.api_client(&admin).await;
        let mut seen: Vec<String> = Vec::new();
        let mut before = String::new();
        loop {
            let answer = api
                .get(&format!(
                    "/api/v1/audit-events?action=sign_out&limit=2&before={before}"
                ))
                .await;
            assert_eq!(
                answer.status,
                StatusCode::OK,
                "[{}] {}",
                app.label,
                answer.body
            );
            let events = answer.json().as_array().cloned().unwrap_or_default();
            for event in &events {
                for hidden in ["sequence", "hash"] {
                    assert!(
                        event.get(hidden).is_none(),
                        "[{}] {hidden}: {event}",
                        app.label
                    );
                }
            }
            let Some(last) = events.last() else { break };
            before = last["id"].as_str().unwrap_or_default().to_owned();
            seen.extend(
                events
                    .iter()
                    .map(|e| e["detail"].as_str().unwrap_or_default().to_owned()),
            );
        }
        let visible: Vec<String> = seen
            .into_iter()
            .filter(|d| d.starts_with("visible-"))
            .collect();
        assert_eq!(
            visible,
            (0..6)
                .rev()
                .map(|n| format!("visible-{n}"))
                .collect::<Vec<_>>(),
            "[{}]",
            app.label
        );
        let national_api = app
            .api_client(&national)
            .await
            .get("/api/v1/audit-events?limit=1")
            .await;
        assert!(
            national_api.json()[0]["sequence"].is_i64()
                && national_api.json()[0]["hash"].is_string(),
            "[{}] {}",
            app.label,
            national_api.body
        );
        // Paging from a sealed event, or by a sequence number: nothing to learn.
        for (path, status) in [
            (
                format!("/api/v1/audit-events?before={}", sealed_event.id),
                StatusCode::OK,
            ),
            (
                "/api/v1/audit-events?before=12".to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        ] {
            let answer = api.get(&path).await;
            assert_eq!(
                answer.status, status,
                "[{}] {path}: {}",
                app.label, answer.body
            );
            if status == StatusCode::OK {
                assert_eq!(answer.body, "[]", "[{}] {path}", app.label);
            }
        }
        for (path, status) in [
            (
                format!("/admin/audit?before={}", sealed_event.id),
                StatusCode::OK,
            ),
            ("/admin/audit?before=12".to_owned(), StatusCode::BAD_REQUEST),
        ] {
            let answer = browser.get(&path).await;
            assert_eq!(answer.status, status, "[{}] {path}", app.label);
            if status == StatusCode::OK {
                assert!(first_cells(&answer).is_empty(), "[{}] {path}", app.label);
            }
        }
    }
}

/// Fields posted with "add another child", the rows shown then, whether the button is
/// still there, and whether a new row takes the focus.
type RowCase = (Vec<(&'static str, &'static str)>, usize, bool, bool);

/// The rows for described children on a page of the report form.
fn child_rows(answer: &Answer) -> usize {
    (0..5)
        .filter(|n| answer.body.contains(&format!("name=\"child_name_{n}\"")))
        .count()
}

#[tokio::test]
async fn the_form_shows_one_child_and_adds_another_on_request_keeping_the_text() {
    for app in apps().await {
        app.user("rows-mother", Role::SosParent).await;
        let mut mother = app.signed_in("rows-mother").await;
        let form = mother.get("/safeguarding/report").await;
        assert_eq!(child_rows(&form), 1, "[{}] {}", app.label, form.body);
        assert!(form.body.contains("id=\"sg-add-child\""), "[{}]", app.label);
        // (fields posted, rows shown after "add another child", the button still
        // there, a new row to take the focus)
        let cases: [RowCase; 4] = [
            (
                vec![("child_rows", "1"), ("child_name_0", DESCRIBED)],
                2,
                true,
                true,
            ),
            (
                vec![("child_rows", "2"), ("child_name_0", DESCRIBED)],
                3,
                false,
                true,
            ),
            (
                vec![("child_rows", "3"), ("child_name_0", DESCRIBED)],
                3,
                false,
                false,
            ),
            // A row typed in is never dropped, whatever the count says.
            (
                vec![("child_rows", "nonsense"), ("child_age_1", "4")],
                3,
                false,
                true,
            ),
        ];
        for (fields, rows, more, focus) in cases {
            let mut posted = fields.clone();
            posted.extend([
                ("what_happened", WHAT),
                ("concern_types", "neglect"),
                ("action", "add_child"),
            ]);
            let answer = post_multipart(&mut mother, "/safeguarding/report", &posted, None).await;
            let what = format!("[{}] {fields:?}: {}", app.label, answer.body);
            assert_eq!(answer.status, StatusCode::OK, "{what}");
            assert_eq!(child_rows(&answer), rows, "{what}");
            assert_eq!(answer.body.contains("id=\"sg-add-child\""), more, "{what}");
            assert!(answer.text().contains(WHAT), "the text is kept: {what}");
            assert!(
                answer.body.contains("value=\"neglect\" checked"),
                "the choices are kept: {what}"
            );
            assert_eq!(answer.body.contains(" autofocus"), focus, "{what}");
        }
        // Filing with two children described.
        let filed = post_multipart(
            &mut mother,
            "/safeguarding/report",
            &[
                ("child_rows", "2"),
                ("child_name_0", DESCRIBED),
                ("child_sex_0", "female"),
                ("child_age_0", "7"),
                ("child_name_1", "Her brother"),
                ("child_sex_1", "male"),
                ("child_age_1", "5"),
                ("concern_types", "neglect"),
                ("harm_by", "caregiver"),
                ("what_happened", WHAT),
                ("action", "file"),
            ],
            None,
        )
        .await;
        assert_eq!(
            filed.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            filed.body
        );
        let report = app
            .store
            .safeguarding_reports()
            .await
            .expect("reports")
            .remove(0);
        let children = app
            .store
            .safeguarding_children(report.id)
            .await
            .expect("children");
        assert_eq!(children.len(), 2, "[{}] {children:?}", app.label);
    }
}
