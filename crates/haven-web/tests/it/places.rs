//! Web tests: places. The pages for the roles that read them, forms with bad input
//! kept and answered in English and Khmer, the conflict of a stale version, the
//! audited CSV, and the API.

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
    browser.get("/places").await;
    browser
}

#[tokio::test]
async fn a_programme_director_records_a_programme_and_its_facility_and_everyone_reads_them() {
    for app in apps().await {
        let mut director =
            as_role(&app, "director", Role::ProgrammeDirector, Language::English).await;
        let created = director
            .post_form(
                "/places/programmes",
                &[
                    ("name", "SOS Children's Village Phnom Penh"),
                    ("name_km", "ភូមិកុមារ SOS ភ្នំពេញ"),
                    ("province", "KH-12"),
                    ("latitude", "11.55"),
                    ("longitude", "104.92"),
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
        let programme = created.location().to_owned();
        let page = director.get(&programme).await;
        assert_eq!(page.status, StatusCode::OK, "[{}] {}", app.label, page.body);
        assert!(page.body.contains("geo:11.55,104.92"), "[{}]", app.label);
        let facility = director
            .post_form(
                &format!("{programme}/facilities"),
                &[
                    ("kind", "medical_centre"),
                    ("name", "SOS Medical Centre"),
                    ("opened_on", "2001-05-01"),
                    ("catchment_population", "12,000"),
                ],
            )
            .await;
        assert_eq!(
            facility.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            facility.body
        );
        let facility_path = facility.location().to_owned();
        let facility_id = facility_path.rsplit('/').next().unwrap().to_owned();
        insert_person(&app, "Sok", "Dara", Some(&facility_id)).await;
        let ward = director
            .post_form(
                &format!("{facility_path}/wards"),
                &[("name", "Paediatrics")],
            )
            .await;
        assert_eq!(
            ward.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            ward.body
        );
        let page = director.get(&facility_path).await;
        let ward_id = page
            .form_field("new-bed", "csrf")
            .map(|_| ())
            .and_then(|_| {
                let marker = "<option value=\"";
                let start = page.body.find("id=\"bed-ward\"")?;
                let rest = &page.body[start..];
                let at = rest.find(marker)? + marker.len();
                Some(rest[at..at + 36].to_owned())
            });
        let bed = director
            .post_form(
                &format!("{facility_path}/beds"),
                &[("ward", ward_id.as_deref().unwrap_or("")), ("label", "P-1")],
            )
            .await;
        assert_eq!(
            bed.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            bed.body
        );
        let page = director.get(&facility_path).await;
        let text = page.text();
        assert!(
            text.contains("Paediatrics") && text.contains("P-1"),
            "[{}] {text}",
            app.label
        );
        assert!(
            page.body.contains("<dd id=\"people-served\">1</dd>"),
            "[{}] {}",
            app.label,
            page.body
        );
        assert!(
            text.contains(&message(Language::English, "facilitykind-medical-centre")),
            "[{}]",
            app.label
        );

        // A doctor reads places in Khmer but has no forms.
        let mut doctor = as_role(&app, "doctor", Role::Doctor, Language::Khmer).await;
        let list = doctor.get("/places").await;
        assert_eq!(list.status, StatusCode::OK, "[{}] {}", app.label, list.body);
        let text = list.text();
        assert!(
            text.contains("ភ្នំពេញ"),
            "[{}] the province in Khmer",
            app.label
        );
        assert!(
            text.contains(&message(Language::Khmer, "places-title")),
            "[{}]",
            app.label
        );
        assert!(
            !list.body.contains("id=\"new-programme\""),
            "[{}] no form without Write Place",
            app.label
        );
        let page = doctor.get(&facility_path).await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.label);
        assert!(
            !page.body.contains("id=\"facility-staff\""),
            "[{}] staff hidden without Read Staff",
            app.label
        );
        let refused = doctor
            .post_form("/places/programmes", &[("name", "X"), ("province", "KH-1")])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "[{}]", app.label);
    }
}

#[tokio::test]
async fn bad_input_keeps_what_was_typed_with_a_message_at_each_field_in_both_languages() {
    for app in apps().await {
        for (name, language) in [
            ("admin-en", Language::English),
            ("admin-km", Language::Khmer),
        ] {
            let mut admin = as_role(&app, name, Role::SystemAdministrator, language).await;
            let answer = admin
                .post_form(
                    "/places/programmes",
                    &[
                        ("name", "  "),
                        ("district", "Daun Penh typed"),
                        ("province", "KH-99"),
                        ("latitude", "95"),
                        ("longitude", "104.9"),
                    ],
                )
                .await;
            let what = format!("[{}] {}: {}", app.label, language.code(), answer.body);
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            let text = answer.text();
            assert!(
                text.contains("Daun Penh typed") && text.contains("value=\"95\""),
                "{what}"
            );
            for key in [
                "place-error-name-required",
                "place-error-unknown-province",
                "place-error-bad-latitude",
            ] {
                assert!(text.contains(&message(language, key)), "{key}: {what}");
            }
            if language == Language::Khmer {
                assert!(
                    !text.contains(&message(Language::English, "place-error-name-required")),
                    "{what}"
                );
            }
        }
        assert!(
            app.store.programmes().await.unwrap().is_empty(),
            "[{}] nothing saved",
            app.label
        );
    }
}

#[tokio::test]
async fn a_stale_version_keeps_the_edit_and_says_someone_else_changed_it() {
    for app in apps().await {
        let mut admin = as_role(&app, "admin", Role::SystemAdministrator, Language::English).await;
        let created = admin
            .post_form(
                "/places/programmes",
                &[("name", "SOS Kep"), ("province", "KH-23")],
            )
            .await;
        let programme = created.location().to_owned();
        let page = admin.get(&programme).await;
        let version = page
            .form_field("edit-programme", "version")
            .expect("a version field");
        let first = admin
            .post_form(
                &programme,
                &[
                    ("name", "SOS Kep Village"),
                    ("province", "KH-23"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(
            first.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            first.body
        );
        let second = admin
            .post_form(
                &programme,
                &[
                    ("name", "My lost edit"),
                    ("province", "KH-23"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(second.status, StatusCode::CONFLICT, "[{}]", app.label);
        let text = second.text();
        assert!(
            text.contains(&message(Language::English, "error-conflict")),
            "[{}] {text}",
            app.label
        );
        assert!(
            text.contains("My lost edit"),
            "[{}] the edit is kept",
            app.label
        );
        let stored = app.store.programmes().await.unwrap();
        assert_eq!(stored[0].name, "SOS Kep Village", "[{}]", app.label);
    }
}

#[tokio::test]
async fn the_programme_locations_csv_is_audited_and_refused_without_read_place() {
    for app in apps().await {
        let mut admin = as_role(&app, "admin", Role::SystemAdministrator, Language::English).await;
        admin
            .post_form(
                "/places/programmes",
                &[("name", "=HYPERLINK(\"x\")"), ("province", "KH-17")],
            )
            .await;
        let csv = admin.get("/places/export.csv").await;
        assert_eq!(csv.status, StatusCode::OK, "[{}] {}", app.label, csv.body);
        assert_eq!(
            csv.content_type(),
            "text/csv; charset=utf-8",
            "[{}]",
            app.label
        );
        assert!(
            csv.header("content-disposition").starts_with("attachment;"),
            "[{}]",
            app.label
        );
        assert!(csv.body.starts_with('\u{feff}'), "[{}] a BOM", app.label);
        assert!(
            csv.body.contains("'=HYPERLINK"),
            "[{}] defused: {}",
            app.label,
            csv.body
        );
        assert!(csv.body.contains("សៀមរាប"), "[{}] Khmer kept", app.label);
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
            (export.entity.as_str(), export.detail.as_str()),
            ("programme", "rows=1"),
            "[{}]",
            app.label
        );

        // Every role reads places; a visitor who is not signed in is sent to sign in.
        let visitor = app.browser().get("/places/export.csv").await;
        assert!(visitor.is_sign_in_redirect(), "[{}]", app.label);
    }
}

#[tokio::test]
async fn the_api_creates_reads_and_updates_places_and_answers_problems() {
    for app in apps().await {
        let director = app.user("director", Role::ProgrammeDirector).await;
        let mut client = app.api_client(&director).await;
        let created = client
            .post_json(
                "/api/v1/programmes",
                r#"{"name":"SOS Battambang","province":"KH-2","latitude":13.1,"longitude":103.2}"#,
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            created.body
        );
        let programme = created.json();
        let id = programme["id"].as_str().unwrap().to_owned();
        assert_eq!(programme["country"], "KH", "[{}]", app.label);
        let facility = client
            .post_json("/api/v1/facilities", &format!(r#"{{"programme_id":"{id}","kind":"childrens_village","name":"SOS Village","catchment_population":300}}"#))
            .await;
        assert_eq!(
            facility.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            facility.body
        );
        let facility_id = facility.json()["id"].as_str().unwrap().to_owned();
        let list = client.get("/api/v1/places").await;
        assert_eq!(
            list.json()[0]["facilities"][0]["kind"],
            "childrens_village",
            "[{}]",
            app.label
        );
        let updated = client
            .put_json(
                &format!("/api/v1/facilities/{facility_id}"),
                r#"{"kind":"youth_facility","name":"SOS Youth","version":1}"#,
            )
            .await;
        assert_eq!(
            updated.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            updated.body
        );
        assert_eq!(updated.json()["version"], 2, "[{}]", app.label);
        let stale = client
            .put_json(
                &format!("/api/v1/programmes/{id}"),
                r#"{"name":"Lost","province":"KH-2","version":7}"#,
            )
            .await;
        assert_eq!(
            stale.status,
            StatusCode::CONFLICT,
            "[{}] {}",
            app.label,
            stale.body
        );
        assert_eq!(
            stale.content_type(),
            "application/problem+json",
            "[{}]",
            app.label
        );
        assert_eq!(
            stale.json()["code"],
            "conflict.stale_version",
            "[{}]",
            app.label
        );
        let bad = client
            .post_json("/api/v1/programmes", r#"{"name":"","province":"KH-99"}"#)
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert_eq!(bad.json()["code"], "validation.failed", "[{}]", app.label);
        assert!(
            bad.json()["detail"]
                .as_str()
                .unwrap()
                .contains("province: place-error-unknown-province"),
            "[{}] {}",
            app.label,
            bad.body
        );
        let missing = client.get("/api/v1/facilities/not-an-id").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "[{}]", app.label);
        assert_eq!(
            missing.content_type(),
            "application/problem+json",
            "[{}]",
            app.label
        );
        let orphan = client
            .post_json(
                "/api/v1/facilities",
                &format!(
                    r#"{{"programme_id":"{}","kind":"medical_centre","name":"X"}}"#,
                    haven_store::Id::new()
                ),
            )
            .await;
        assert_eq!(
            orphan.status,
            StatusCode::NOT_FOUND,
            "[{}] {}",
            app.label,
            orphan.body
        );
    }
}
