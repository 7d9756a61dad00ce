//! Web tests: people. Registration refuses impossible input at the field in the
//! user's language and keeps what was typed; an identifier someone holds is
//! refused; a stale correction is a conflict that keeps the typed values; the
//! person page shows relationships both ways; merging and undoing work through the
//! pages; the identity card carries the Haven number as a QR code.

use axum::http::StatusCode;
use haven_domain::person::PersonError;
use haven_domain::{Language, Role};
use haven_store::Actor;

use crate::support::{apps, message, Answer, App, Browser};

async fn clerk(app: &App, language: Language) -> Browser<'_> {
    let name = format!("clerk-{}", language.code());
    let user = app.user(&name, Role::RecordsClerk).await;
    if language == Language::Khmer {
        app.store
            .set_user_language(&Actor::system(), user.id, user.version, language)
            .await
            .expect("Khmer");
    }
    app.session_for(&user).await
}

/// A registration form: the fields given over these defaults.
fn registration<'a>(over: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("family_name_km", "សុខ"),
        ("given_name_km", "ស្រីពៅ"),
        ("family_name_latin", "Sok"),
        ("given_name_latin", "Sreypov"),
        ("sex", "female"),
        ("precision", "exact"),
        ("day", "4"),
        ("month", "3"),
        ("year", "2015"),
        ("phone", "012 345 678"),
        ("province_code", ""),
        ("village", "Prek Leap"),
        ("category", "sos_child"),
    ];
    for (key, value) in over {
        fields.retain(|(k, _)| k != key);
        fields.push((key, value));
    }
    fields
}

fn person_id(answer: &Answer) -> String {
    let location = answer.location();
    location
        .trim_start_matches("/people/")
        .split('?')
        .next()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn a_clerk_registers_a_person_who_gets_a_haven_number_and_a_card() {
    for app in apps().await {
        let mut browser = clerk(&app, Language::English).await;
        let form = browser.get("/people/new").await;
        assert_eq!(form.status, StatusCode::OK, "[{}]", app.label);
        let answer = browser.post_form("/people/new", &registration(&[])).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            answer.body
        );
        let id = person_id(&answer);
        let page = browser.get(answer.location()).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(text.contains("សុខ ស្រីពៅ (Sok Sreypov)"), "[{}]", app.label);
        assert!(text.contains(&message(Language::English, "person-registered")));
        assert!(text.contains(&message(Language::English, "category-sos-child")));
        let numbers = app
            .store
            .haven_numbers(&[id.parse().expect("an id")])
            .await
            .expect("numbers");
        let number = &numbers[0].1;
        assert!(text.contains(number.as_str()));
        let card = browser.get(&format!("/people/{id}/card")).await;
        assert_eq!(card.status, StatusCode::OK);
        assert!(card.body.contains("<svg"), "a QR code");
        assert!(card.body.contains(number.as_str()));
        // Reading the page and printing the card are audited.
        let events = app
            .store
            .list_audit_events(&haven_store::AuditFilter::default())
            .await
            .expect("events");
        for action in ["person_create", "person_read", "person_card_print"] {
            assert!(
                events.iter().any(|e| e.action == action),
                "[{}] {action}",
                app.label
            );
        }
    }
}

#[tokio::test]
async fn impossible_input_is_refused_at_the_field_in_both_languages_and_kept() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("day", "31"), ("month", "2"), ("year", "2019")],
            PersonError::BirthDateNoSuchDay.code(),
        ),
        (&[("year", "2999")], PersonError::BirthDateInFuture.code()),
        (&[("year", "1899")], PersonError::BirthDateBefore1900.code()),
        (
            &[
                ("family_name_km", "  "),
                ("given_name_km", " "),
                ("family_name_latin", "   "),
                ("given_name_latin", "\t"),
            ],
            PersonError::NameRequired.code(),
        ),
        (
            &[("family_name_km", "Sok")],
            PersonError::NotKhmerScript.code(),
        ),
        (&[("phone", "call me")], PersonError::PhoneMalformed.code()),
        (&[("sex", "")], PersonError::SexRequired.code()),
        (
            &[("precision", "estimated"), ("age_years", "200")],
            PersonError::BadAge.code(),
        ),
    ];
    for app in apps().await {
        for language in Language::ALL {
            let mut browser = clerk(&app, language).await;
            for (over, code) in cases {
                let answer = browser.post_form("/people/new", &registration(over)).await;
                let what = format!("[{}] {language:?} {code}: {}", app.label, answer.status);
                assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
                assert!(answer.text().contains(&message(language, code)), "{what}");
                // What was typed is still there.
                assert!(answer.body.contains("value=\"Prek Leap\""), "{what}");
            }
        }
    }
}

#[tokio::test]
async fn an_identifier_held_by_someone_else_is_refused_at_its_field() {
    for app in apps().await {
        let mut browser = clerk(&app, Language::English).await;
        let first = browser
            .post_form(
                "/people/new",
                &registration(&[("national_id", "0101-2345")]),
            )
            .await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "[{}]", app.label);
        let second = browser
            .post_form(
                "/people/new",
                &registration(&[
                    ("given_name_latin", "Dara"),
                    ("given_name_km", "ដារ៉ា"),
                    ("national_id", "01012345"),
                    ("not_a_duplicate", "1"),
                ]),
            )
            .await;
        assert_eq!(
            second.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(second
            .text()
            .contains(&message(Language::English, "person-error-identifier-taken")));
        assert!(second.body.contains("value=\"01012345\""));
    }
}

#[tokio::test]
async fn a_stale_correction_is_a_conflict_and_keeps_what_was_typed() {
    for app in apps().await {
        let mut browser = clerk(&app, Language::English).await;
        let answer = browser.post_form("/people/new", &registration(&[])).await;
        let id = person_id(&answer);
        let edit = browser.get(&format!("/people/{id}/edit")).await;
        assert_eq!(
            edit.form_field("person-form", "version").as_deref(),
            Some("1")
        );
        let saved = browser
            .post_form(
                &format!("/people/{id}/edit"),
                &registration(&[
                    ("given_name_latin", "Sreypov"),
                    ("version", "1"),
                    ("village", "Ta Khmau"),
                ]),
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            saved.body
        );
        let stale = browser
            .post_form(
                &format!("/people/{id}/edit"),
                &registration(&[("given_name_latin", "Srey Pov"), ("version", "1")]),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "[{}]", app.label);
        assert!(stale
            .text()
            .contains(&message(Language::English, "person-error-conflict")));
        assert!(stale.body.contains("value=\"Srey Pov\""));
        let person = app
            .store
            .person(id.parse().expect("id"))
            .await
            .expect("person");
        assert_eq!(person.village, "Ta Khmau");
        assert_eq!(person.version, 2);
    }
}

#[tokio::test]
async fn relationships_show_both_ways_and_merges_are_undone_through_the_pages() {
    for app in apps().await {
        let mut browser = clerk(&app, Language::English).await;
        let child = person_id(&browser.post_form("/people/new", &registration(&[])).await);
        let mother_answer = browser
            .post_form(
                "/people/new",
                &registration(&[
                    ("given_name_latin", "Bopha"),
                    ("given_name_km", "បុប្ផា"),
                    ("year", "1990"),
                    ("not_a_duplicate", "1"),
                ]),
            )
            .await;
        let mother = person_id(&mother_answer);
        let mother_number = app
            .store
            .haven_numbers(&[mother.parse().expect("id")])
            .await
            .expect("numbers")[0]
            .1
            .clone();
        let added = browser
            .post_form(
                &format!("/people/{child}/relationships"),
                &[("kind", "mother"), ("other", mother_number.as_str())],
            )
            .await;
        assert_eq!(
            added.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            added.body
        );
        let child_page = browser.get(&format!("/people/{child}")).await;
        assert!(child_page
            .text()
            .contains(&message(Language::English, "relationshipkind-mother")));
        assert!(child_page.body.contains(&format!("/people/{mother}")));
        let mother_page = browser.get(&format!("/people/{mother}")).await;
        assert!(mother_page
            .text()
            .contains(&message(Language::English, "relationshipkind-child")));
        assert!(mother_page.body.contains(&format!("/people/{child}")));
        let unknown = browser
            .post_form(
                &format!("/people/{child}/relationships"),
                &[("kind", "father"), ("other", "0000-0000-00")],
            )
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown.body.contains("value=\"0000-0000-00\""));

        // The same child registered twice, merged, then the merge undone.
        let twin = person_id(
            &browser
                .post_form(
                    "/people/new",
                    &registration(&[("given_name_latin", "Srey Pov"), ("not_a_duplicate", "1")]),
                )
                .await,
        );
        let twin_number = app
            .store
            .haven_numbers(&[twin.parse().expect("id")])
            .await
            .expect("numbers")[0]
            .1
            .clone();
        let compare = browser
            .post_form(
                &format!("/people/{child}/merge"),
                &[("other", twin_number.as_str())],
            )
            .await;
        assert_eq!(
            compare.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            compare.body
        );
        assert!(compare.body.contains("merge-confirm"));
        let merged = browser
            .post_form(
                &format!("/people/{child}/merge"),
                &[
                    ("other", twin.as_str()),
                    ("confirm", "1"),
                    ("reason", "registered twice"),
                ],
            )
            .await;
        assert_eq!(
            merged.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            merged.body
        );
        let redirected = browser.get(&format!("/people/{twin}")).await;
        assert_eq!(redirected.status, StatusCode::SEE_OTHER);
        assert!(redirected
            .location()
            .starts_with(&format!("/people/{child}")));
        let survivor = browser.get(&format!("/people/{child}")).await;
        assert!(
            survivor.body.contains(&twin_number),
            "both records' identifiers"
        );
        let merge_id = survivor
            .body
            .split("/merges/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .expect("an undo form")
            .to_owned();
        let undone = browser
            .post_form(
                &format!("/people/{child}/merges/{merge_id}/undo"),
                &[("version", "1")],
            )
            .await;
        assert_eq!(
            undone.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            undone.body
        );
        assert_eq!(
            browser.get(&format!("/people/{twin}")).await.status,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn roles_without_person_access_and_unknown_ids_get_nothing() {
    for app in apps().await {
        let mut browser = clerk(&app, Language::English).await;
        let id = person_id(&browser.post_form("/people/new", &registration(&[])).await);
        let admin = app.user("admin-people", Role::SystemAdministrator).await;
        let mut admin = app.session_for(&admin).await;
        assert_eq!(
            admin.get(&format!("/people/{id}")).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            admin.get("/people?q=Sok").await.status,
            StatusCode::FORBIDDEN
        );
        for path in [
            "/people/not-an-id",
            "/people/0190a0b0-0000-7000-8000-000000000000",
        ] {
            assert_eq!(
                browser.get(path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        // A nurse reads but may not merge.
        let nurse = app.user("nurse-people", Role::RegisteredNurse).await;
        let mut nurse = app.session_for(&nurse).await;
        let page = nurse.get(&format!("/people/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("merge-person"));
        assert_eq!(
            nurse.get(&format!("/people/{id}/merge")).await.status,
            StatusCode::FORBIDDEN
        );
    }
}
