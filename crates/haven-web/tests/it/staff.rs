//! Web tests: staff. Recording a person as staff, the list and its CSV (audited,
//! refused without Read Staff), expiring registrations, trainings with their total,
//! bad input in both languages, the conflict of a stale version, and the API.

use axum::http::StatusCode;
use haven_domain::{Language, Role};
use haven_store::{Actor, AuditFilter};

use crate::routes_staff::insert_person;
use crate::support::{apps, message, App, Browser};

async fn as_role<'a>(app: &'a App, name: &str, role: Role, language: Language) -> Browser<'a> {
    let user = app.user(name, role).await;
    app.store
        .set_user_language(&Actor::system(), user.id, user.version, language)
        .await
        .expect("setting the language");
    let user = app.store.user(user.id).await.expect("the user");
    let mut browser = app.session_for(&user).await;
    browser.get("/staff").await;
    browser
}

#[tokio::test]
async fn a_person_is_recorded_as_staff_and_their_trainings_add_up() {
    for app in apps().await {
        let person = insert_person(&app, "Chan", "Sophea", None).await;
        let mut director =
            as_role(&app, "director", Role::ProgrammeDirector, Language::English).await;
        let missing = director.get("/staff/new").await;
        assert_eq!(missing.status, StatusCode::OK, "[{}]", app.label);
        assert!(
            missing
                .text()
                .contains(&message(Language::English, "staff-find-person-first")),
            "[{}]",
            app.label
        );
        let unknown = director
            .get(&format!("/staff/new?person={}", haven_store::Id::new()))
            .await;
        assert!(
            unknown.body.contains("id=\"find-person-first\""),
            "[{}]",
            app.label
        );

        let page = director.get(&format!("/staff/new?person={person}")).await;
        assert!(
            page.text().contains("Chan Sophea"),
            "[{}] {}",
            app.label,
            page.body
        );
        let created = director
            .post_form(
                "/staff/new",
                &[
                    ("person", &person.to_string()),
                    ("profession", "midwife"),
                    ("registration_number", "MW-77"),
                    ("registration_expires_on", "2099-01-01"),
                ],
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            created.body
        );
        let staff_path = created.location().to_owned();
        for (course, hours) in [("IMCI", "40"), ("Neonatal resuscitation", "12.5")] {
            let added = director
                .post_form(
                    &format!("{staff_path}/trainings"),
                    &[
                        ("course", course),
                        ("training_started_on", "2025-01-06"),
                        ("training_ended_on", "2025-01-10"),
                        ("hours", hours),
                    ],
                )
                .await;
            assert_eq!(
                added.status,
                StatusCode::SEE_OTHER,
                "[{}] {}",
                app.label,
                added.body
            );
        }
        let page = director.get(&staff_path).await;
        assert!(
            page.body.contains("<td id=\"total-hours\">52.5</td>"),
            "[{}] {}",
            app.label,
            page.body
        );
        let again = director.get(&format!("/staff/new?person={person}")).await;
        assert!(
            again
                .text()
                .contains(&message(Language::English, "staff-person-already-staff")),
            "[{}]",
            app.label
        );

        // A training entered in error leaves the page and the total.
        let training = app
            .store
            .trainings_of(staff_path.rsplit('/').next().unwrap().parse().unwrap())
            .await
            .unwrap();
        let imci = training.iter().find(|t| t.course == "IMCI").unwrap();
        let marked = director
            .post_form(
                &format!("{staff_path}/trainings/{}/error", imci.id),
                &[("version", "1"), ("reason", "wrong person")],
            )
            .await;
        assert_eq!(
            marked.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            marked.body
        );
        let page = director.get(&staff_path).await;
        assert!(
            page.body.contains("<td id=\"total-hours\">12.5</td>"),
            "[{}]",
            app.label
        );
        assert!(!page.text().contains("IMCI"), "[{}]", app.label);
    }
}

#[tokio::test]
async fn bad_input_keeps_what_was_typed_in_both_languages_and_a_stale_version_conflicts() {
    for app in apps().await {
        let person = insert_person(&app, "Keo", "Mony", None).await;
        for (name, language) in [
            ("director-en", Language::English),
            ("director-km", Language::Khmer),
        ] {
            let mut director = as_role(&app, name, Role::ProgrammeDirector, language).await;
            director.get(&format!("/staff/new?person={person}")).await;
            let answer = director
                .post_form(
                    "/staff/new",
                    &[
                        ("person", &person.to_string()),
                        ("profession", "doctor"),
                        ("registration_number", "MC typed"),
                        ("registration_expires_on", ""),
                    ],
                )
                .await;
            let what = format!("[{}] {}: {}", app.label, language.code(), answer.body);
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            let text = answer.text();
            assert!(text.contains("value=\"MC typed\""), "{what}");
            assert!(
                text.contains(&message(
                    language,
                    "staff-error-registration-expiry-required"
                )),
                "{what}"
            );
        }
        let mut director =
            as_role(&app, "director", Role::ProgrammeDirector, Language::English).await;
        let created = director
            .post_form(
                "/staff/new",
                &[("person", &person.to_string()), ("profession", "teacher")],
            )
            .await;
        let staff_path = created.location().to_owned();
        let training = director
            .post_form(
                &format!("{staff_path}/trainings"),
                &[
                    ("course", "Pedagogy"),
                    ("training_started_on", "2025-02-10"),
                    ("training_ended_on", "2025-02-01"),
                    ("hours", "3000"),
                ],
            )
            .await;
        assert_eq!(
            training.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        let text = training.text();
        assert!(text.contains("value=\"Pedagogy\""), "[{}]", app.label);
        assert!(
            text.contains(&message(Language::English, "staff-error-end-before-start")),
            "[{}]",
            app.label
        );
        assert!(
            text.contains(&message(Language::English, "staff-error-bad-hours")),
            "[{}]",
            app.label
        );

        let first = director
            .post_form(&staff_path, &[("profession", "director"), ("version", "1")])
            .await;
        assert_eq!(
            first.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            first.body
        );
        let stale = director
            .post_form(
                &staff_path,
                &[("profession", "social_worker"), ("version", "1")],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "[{}]", app.label);
        assert!(
            stale
                .text()
                .contains(&message(Language::English, "error-conflict")),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn the_staff_csv_is_audited_and_refused_without_read_staff() {
    for app in apps().await {
        let person = insert_person(&app, "Lim", "Vanna", None).await;
        let mut director =
            as_role(&app, "director", Role::ProgrammeDirector, Language::English).await;
        director
            .post_form(
                "/staff/new",
                &[
                    ("person", &person.to_string()),
                    ("profession", "registered_nurse"),
                    ("registration_number", "-N1"),
                    ("registration_expires_on", "2026-01-01"),
                ],
            )
            .await;
        let mut me = as_role(&app, "me.officer", Role::MeOfficer, Language::English).await;
        let csv = me
            .get("/staff/export.csv?profession=registered_nurse&facility=")
            .await;
        assert_eq!(csv.status, StatusCode::OK, "[{}] {}", app.label, csv.body);
        assert_eq!(
            csv.content_type(),
            "text/csv; charset=utf-8",
            "[{}]",
            app.label
        );
        assert!(
            csv.body.contains("Lim") && csv.body.contains("'-N1"),
            "[{}] {}",
            app.label,
            csv.body
        );
        let events = app
            .store
            .list_audit_events(&AuditFilter {
                limit: 50,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        let export = events
            .iter()
            .find(|e| e.action == "export")
            .expect("an export event");
        assert_eq!(
            (
                export.entity.as_str(),
                export.detail.as_str(),
                export.actor_username.as_str()
            ),
            ("staff", "rows=1", "me.officer"),
            "[{}]",
            app.label
        );

        let mut nurse = as_role(&app, "nurse", Role::RegisteredNurse, Language::English).await;
        let refused = nurse.get("/staff/export.csv").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "[{}]", app.label);
        let exports = app
            .store
            .list_audit_events(&AuditFilter {
                limit: 50,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(
            exports.iter().filter(|e| e.action == "export").count(),
            1,
            "[{}] a refused export is not one",
            app.label
        );

        // The expired registration is on the expiring page, flagged.
        let expiring = me.get("/staff/expiring").await;
        assert_eq!(expiring.status, StatusCode::OK, "[{}]", app.label);
        assert!(
            expiring.body.contains("class=\"expired\""),
            "[{}] {}",
            app.label,
            expiring.body
        );
        let expiring_csv = me.get("/staff/expiring/export.csv").await;
        assert_eq!(expiring_csv.status, StatusCode::OK, "[{}]", app.label);
        assert!(
            expiring_csv.body.contains("'-N1") && expiring_csv.body.contains("2026-01-01"),
            "[{}] {}",
            app.label,
            expiring_csv.body
        );
        let audited = app
            .store
            .list_audit_events(&AuditFilter {
                action: Some("export".to_owned()),
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert!(
            audited.iter().any(|e| e.entity == "staff_registration"),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn the_api_creates_reads_and_updates_staff_and_answers_problems() {
    for app in apps().await {
        let person = insert_person(&app, "Sok", "Dara", None).await;
        let admin = app.user("admin", Role::SystemAdministrator).await;
        let mut client = app.api_client(&admin).await;
        let bad = client
            .post_json(
                "/api/v1/staff",
                &format!(r#"{{"person_id":"{person}","profession":"doctor"}}"#),
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] {}",
            app.label,
            bad.body
        );
        assert!(
            bad.json()["detail"]
                .as_str()
                .unwrap()
                .contains("registration_number: staff-error-registration-number-required"),
            "[{}]",
            app.label
        );
        let created = client
            .post_json("/api/v1/staff", &format!(r#"{{"person_id":"{person}","profession":"doctor","registration_number":"MC-1","registration_expires_on":"2030-01-01"}}"#))
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            created.body
        );
        let id = created.json()["id"].as_str().unwrap().to_owned();
        let twice = client
            .post_json(
                "/api/v1/staff",
                &format!(r#"{{"person_id":"{person}","profession":"teacher"}}"#),
            )
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "[{}]", app.label);
        assert_eq!(
            twice.json()["code"],
            "conflict.duplicate",
            "[{}]",
            app.label
        );
        let training = client
            .post_json(
                &format!("/api/v1/staff/{id}/trainings"),
                r#"{"course":"IMCI","started_on":"2025-01-06","ended_on":"2025-01-10","hours":40}"#,
            )
            .await;
        assert_eq!(
            training.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            training.body
        );
        let read = client.get(&format!("/api/v1/staff/{id}")).await;
        assert_eq!(
            read.json()["trainings"][0]["course"],
            "IMCI",
            "[{}]",
            app.label
        );
        let updated = client
            .put_json(
                &format!("/api/v1/staff/{id}"),
                r#"{"profession":"director","version":1}"#,
            )
            .await;
        assert_eq!(
            updated.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            updated.body
        );
        let stale = client
            .put_json(
                &format!("/api/v1/staff/{id}"),
                r#"{"profession":"teacher","version":1}"#,
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "[{}]", app.label);
        assert_eq!(
            stale.content_type(),
            "application/problem+json",
            "[{}]",
            app.label
        );
        let filtered = client.get("/api/v1/staff?profession=director").await;
        assert_eq!(
            filtered.json().as_array().map(Vec::len),
            Some(1),
            "[{}]",
            app.label
        );
        let bad_filter = client.get("/api/v1/staff?profession=astronaut").await;
        assert_eq!(
            bad_filter.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        let nobody = client
            .post_json(
                "/api/v1/staff/not-an-id/trainings",
                r#"{"course":"X","started_on":"2025-01-01","ended_on":"2025-01-01"}"#,
            )
            .await;
        assert_eq!(nobody.status, StatusCode::NOT_FOUND, "[{}]", app.label);
    }
}

/// A director whose role holds for one facility sees that facility's staff and no
/// one else's: not in the list, the expiring list, the CSV or the API, and a page of
/// someone beyond answers 404.
#[tokio::test]
async fn staff_beyond_the_readers_scope_are_not_shown() {
    use haven_domain::staff::{StaffDetails, StaffInput};
    use haven_domain::Scope;

    for app in apps().await {
        let actor = Actor::system();
        let (_, here, _, _) = crate::routes_places::place_records(&app).await;
        let (_, there, _, _) = crate::routes_places::place_records(&app).await;
        let mut ids = Vec::new();
        for (given, facility) in [("Near", &here), ("Far", &there)] {
            let person = insert_person(&app, "Scope", given, None).await;
            let details = StaffDetails::parse(&StaffInput {
                profession: "midwife",
                registration_number: given,
                registration_expires_on: "2026-12-01",
                ..StaffInput::default()
            })
            .expect("valid staff details");
            let staff = app
                .store
                .create_staff_member(&actor, person, &details, None)
                .await
                .expect("a staff member");
            app.store
                .assign_staff_facility(&actor, staff.id, facility.parse().expect("an id"))
                .await
                .expect("an assignment");
            ids.push(staff.id);
        }
        let user =
            app.store
                .create_user_with_role(
                    &actor,
                    haven_store::NewUser {
                        username: haven_domain::Username::parse("local-director").expect("a name"),
                        display_name: haven_domain::DisplayName::parse("Local Director")
                            .expect("a name"),
                        password_hash:
                            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$bm90LWEtcmVhbC1oYXNo"
                                .to_owned(),
                        language: Language::English,
                    },
                    Role::ProgrammeDirector,
                    &Scope::Facility(here.clone()),
                )
                .await
                .expect("a director of one facility");
        let mut browser = app.session_for(&user).await;
        let list = browser.get("/staff").await;
        assert!(list.body.contains(&ids[0].to_string()), "[{}]", app.label);
        assert!(!list.body.contains(&ids[1].to_string()), "[{}]", app.label);
        let expiring = browser.get("/staff/expiring").await;
        assert!(
            expiring.body.contains("Near") && !expiring.body.contains("Far"),
            "[{}]",
            app.label
        );
        let csv = browser.get("/staff/export.csv").await;
        assert!(
            csv.body.contains("Near") && !csv.body.contains("Far"),
            "[{}]",
            app.label
        );
        let near = browser.get(&format!("/staff/{}", ids[0])).await;
        assert_eq!(near.status, StatusCode::OK, "[{}]", app.label);
        assert!(
            near.body.contains("href=\"/people/"),
            "a director reads people"
        );
        // The M&E officer reads staff but not people: no link that would answer 403.
        let mut me = as_role(&app, "scope.me", Role::MeOfficer, Language::English).await;
        let page = me.get(&format!("/staff/{}", ids[0])).await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.label);
        assert!(!page.body.contains("href=\"/people/"), "[{}]", app.label);
        assert_eq!(
            browser.get(&format!("/staff/{}", ids[1])).await.status,
            StatusCode::NOT_FOUND,
            "[{}]",
            app.label
        );
        let mut api = app.api_client(&user).await;
        assert_eq!(
            api.get(&format!("/api/v1/staff/{}", ids[1])).await.status,
            StatusCode::NOT_FOUND,
            "[{}]",
            app.label
        );
        let listed = api.get("/api/v1/staff").await;
        assert!(
            !listed.body.contains(&ids[1].to_string()),
            "[{}]",
            app.label
        );
        assert!(listed.body.contains(&ids[0].to_string()), "[{}]", app.label);
    }
}
