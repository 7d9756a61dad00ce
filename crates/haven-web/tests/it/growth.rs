//! Web tests of growth monitoring and nutrition: measurements, WHO z-scores, growth charts, the growth calculator, the child health card and the malnutrition programme (issue 5).
//!
//! The calculator (page and API, same JSON as `haven anthro`), a session that flags SAM,
//! bad input kept and named in both languages, reach (404), the child page and card with
//! their charts, the programme from admission to outcome indicators, the measurements API,
//! the person page's summary, and every coded value named in both translation files.

use axum::http::StatusCode;
use haven_domain::{Language, Role, Scope};
use haven_store::{Actor, Id};

use crate::routes_growth::insert_child;
use crate::support::{apps, message, App, Browser};

async fn as_role<'a>(app: &'a App, name: &str, role: Role, language: Language) -> Browser<'a> {
    let user = app.user(name, role).await;
    app.store
        .set_user_language(&Actor::system(), user.id, user.version, language)
        .await
        .expect("setting the language");
    let user = app.store.user(user.id).await.expect("the user");
    let mut browser = app.session_for(&user).await;
    browser.get("/growth").await;
    browser
}

/// A medical centre of a programme of its own.
pub(crate) async fn clinic(app: &App, name: &str) -> Id {
    use haven_domain::places::{FacilityDetails, FacilityInput, ProgrammeDetails, ProgrammeInput};
    let actor = Actor::system();
    let programme = app
        .store
        .create_programme(
            &actor,
            &ProgrammeDetails::parse(&ProgrammeInput {
                name,
                province: "KH-12",
                ..ProgrammeInput::default()
            })
            .unwrap(),
        )
        .await
        .unwrap();
    app.store
        .create_facility(
            &actor,
            programme.id,
            &FacilityDetails::parse(
                &FacilityInput {
                    kind: "medical_centre",
                    name: &format!("{name} clinic"),
                    ..FacilityInput::default()
                },
                time::macros::date!(2026 - 01 - 01),
            )
            .unwrap(),
        )
        .await
        .unwrap()
        .id
}

/// A date of birth that makes a child `days` old today (UTC, the tests' site time).
fn born_days_ago(days: i64) -> String {
    (time::OffsetDateTime::now_utc().date() - time::Duration::days(days)).to_string()
}

#[tokio::test]
async fn the_calculator_page_and_api_give_whos_z_scores_in_the_clis_shape() {
    for app in apps().await {
        let mut sos_mother = as_role(&app, "mother", Role::SosParent, Language::English).await;
        let page = sos_mother
            .get("/growth/calculator?sex=F&age_days=683&weight_kg=10.4&length_cm=84.8&measured=lying")
            .await;
        assert_eq!(page.status, StatusCode::OK, "[{}] {}", app.label, page.body);
        for expected in ["-0.57", "-0.07", "-0.81", "-0.79"] {
            assert!(
                page.body.contains(&format!(">{expected}<")),
                "[{}] {expected}",
                app.label
            );
        }
        assert!(page
            .text()
            .contains(&message(Language::English, "classification-normal")));
        // Empty: the form, no error.
        let empty = sos_mother.get("/growth/calculator").await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(!empty.body.contains("field-error"));
        // SAM by MUAC, with the action.
        let sam = sos_mother
            .get("/growth/calculator?sex=M&dob=2024-01-01&date=2025-01-15&weight_kg=6.3&length_cm=70&measured=lying&muac_mm=112")
            .await;
        assert!(sam.body.contains(r#"data-class="sam""#), "[{}]", app.label);
        assert!(sam
            .text()
            .contains(&message(Language::English, "growth-action-sam")));

        let user = app.user("calc-api", Role::SosParent).await;
        let mut client = app.api_client(&user).await;
        let answer = client
            .post_json(
                "/api/v1/growth/calculate",
                r#"{"sex":"F","age_days":683,"weight_kg":10.4,"length_cm":84.8,"measured":"lying"}"#,
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
        let expected: serde_json::Value = serde_json::from_str(
            r#"{"weight_for_age":{"z":-0.57,"flag":false,"reason":null},
                "length_height_for_age":{"z":-0.07,"flag":false,"reason":null},
                "weight_for_length_height":{"z":-0.81,"flag":false,"reason":null},
                "bmi_for_age":{"z":-0.79,"flag":false,"reason":null},
                "head_circumference_for_age":{"z":null,"flag":false,"reason":"not_measured"},
                "muac_for_age":{"z":null,"flag":false,"reason":"not_measured"},
                "classification":"normal"}"#,
        )
        .unwrap();
        assert_eq!(answer.json(), expected, "[{}]", app.label);
        let bad = client
            .post_json(
                "/api/v1/growth/calculate",
                r#"{"sex":"X","age_days":-4,"weight_kg":900,"length_cm":80}"#,
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] {}",
            app.label,
            bad.body
        );
        assert_eq!(bad.content_type(), "application/problem+json");
        let detail = bad.json()["detail"].as_str().unwrap_or_default().to_owned();
        for field in [
            "sex: growth-error-sex-required",
            "age_days: growth-error-age-malformed",
            "weight_kg: growth-error-weight-range",
            "measured: growth-error-position-required",
        ] {
            assert!(
                detail.contains(field),
                "[{}] {field} in {detail}",
                app.label
            );
        }
        let unknown = client
            .post_json(
                "/api/v1/growth/calculate",
                r#"{"sex":"F","age_days":3,"height":80}"#,
            )
            .await;
        assert_eq!(
            unknown.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] unknown fields are refused",
            app.label
        );
    }
}

#[tokio::test]
async fn bad_input_comes_back_kept_and_named_in_khmer() {
    for app in apps().await {
        let mut nurse = as_role(&app, "nurse-km", Role::RegisteredNurse, Language::Khmer).await;
        let page = nurse
            .get("/growth/calculator?sex=&age_days=abc&weight_kg=heavy&length_cm=84.8&measured=")
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        let text = page.text();
        for key in [
            "growth-error-sex-required",
            "growth-error-age-malformed",
            "growth-error-number-malformed",
            "growth-error-position-required",
        ] {
            assert!(
                text.contains(&message(Language::Khmer, key)),
                "[{}] {key}",
                app.label
            );
        }
        assert!(
            page.body.contains(r#"value="heavy""#),
            "[{}] what was typed is kept",
            app.label
        );
        assert!(page.body.contains(r#"value="84.8""#));

        let facility = clinic(&app, "SOS Kep").await;
        let child = insert_child(
            &app,
            "Sok",
            "Nita",
            "female",
            &born_days_ago(400),
            Some(facility),
        )
        .await;
        let answer = nurse
            .post_form(
                &format!("/growth/people/{child}/measurements"),
                &[
                    ("measured_on", "2099-01-01"),
                    ("weight_kg", "0.1"),
                    ("length_cm", "75"),
                    ("measured", ""),
                    ("muac_mm", "118"),
                ],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] {}",
            app.label,
            answer.body
        );
        let text = answer.text();
        for key in [
            "growth-error-date-in-future",
            "growth-error-weight-range",
            "growth-error-position-required",
        ] {
            assert!(
                text.contains(&message(Language::Khmer, key)),
                "[{}] {key}",
                app.label
            );
        }
        assert!(
            answer.body.contains(r#"value="118""#),
            "[{}] kept",
            app.label
        );
        assert!(
            app.store.measurements_of(child).await.unwrap().is_empty(),
            "nothing saved"
        );
    }
}

#[tokio::test]
async fn a_session_saves_each_childs_measurement_and_flags_sam_with_the_action() {
    for app in apps().await {
        let facility = clinic(&app, "SOS Siem Reap").await;
        let nita = insert_child(
            &app,
            "Sok",
            "Nita",
            "female",
            &born_days_ago(500),
            Some(facility),
        )
        .await;
        let dara = insert_child(
            &app,
            "Chan",
            "Dara",
            "male",
            &born_days_ago(900),
            Some(facility),
        )
        .await;
        insert_child(
            &app,
            "Old",
            "Vanna",
            "male",
            &born_days_ago(4000),
            Some(facility),
        )
        .await;
        let mut nurse = as_role(&app, "nurse", Role::RegisteredNurse, Language::English).await;
        let session = nurse
            .get(&format!("/growth/session?facility={facility}"))
            .await;
        assert_eq!(session.status, StatusCode::OK, "[{}]", app.label);
        assert!(
            session.body.contains(&format!("id=\"child-{nita}\""))
                && session.body.contains(&format!("id=\"child-{dara}\""))
        );
        assert!(
            !session.text().contains("Vanna"),
            "[{}] under 5 only by default",
            app.label
        );
        let all = nurse
            .get(&format!("/growth/session?facility={facility}&ages=all"))
            .await;
        assert!(all.text().contains("Vanna"));

        let today = time::OffsetDateTime::now_utc().date().to_string();
        let saved = nurse
            .post_form(
                &format!("/growth/session/{nita}"),
                &[
                    ("facility", &facility.to_string()),
                    ("measured_on", &today),
                    ("weight_kg", "6.4"),
                    ("length_cm", "76"),
                    ("measured", "lying"),
                    ("muac_mm", "110"),
                ],
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            saved.body
        );
        let back = nurse.get(saved.location()).await;
        let row = &back.body[back.body.find(&format!("id=\"child-{nita}\"")).unwrap()..];
        let row = &row[..row.find("</li>").unwrap()];
        assert!(row.contains(r#"data-class="sam""#), "[{}] {row}", app.label);
        assert!(
            row.contains("z-severe"),
            "[{}] WHZ below -3 is marked",
            app.label
        );
        assert!(back
            .text()
            .contains(&message(Language::English, "growth-action-sam")));
        assert!(row.contains(&message(Language::English, "growth-saved")));

        let normal = nurse
            .post_form(
                &format!("/growth/session/{dara}"),
                &[
                    ("facility", &facility.to_string()),
                    ("weight_kg", "12.6"),
                    ("length_cm", "88"),
                    ("measured", "standing"),
                    ("muac_mm", "150"),
                ],
            )
            .await;
        assert_eq!(normal.status, StatusCode::SEE_OTHER, "[{}]", app.label);
        let back = nurse.get(normal.location()).await;
        assert!(
            back.body.contains(r#"data-class="normal""#),
            "[{}]",
            app.label
        );
        assert!(
            back.body.contains("SAM 1") && back.body.contains("MAM 0"),
            "[{}] counts",
            app.label
        );
        // Bad input comes back in the child's row, the rest of the session intact.
        let bad = nurse
            .post_form(
                &format!("/growth/session/{dara}"),
                &[
                    ("facility", &facility.to_string()),
                    ("weight_kg", "abc"),
                    ("muac_mm", "131"),
                ],
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(bad.body.contains(r#"value="abc""#) && bad.body.contains(r#"value="131""#));
        assert!(bad
            .text()
            .contains(&message(Language::English, "growth-error-number-malformed")));
        assert_eq!(
            app.store.measurements_of(dara).await.unwrap().len(),
            1,
            "[{}]",
            app.label
        );
        // Written with the nurse as who, the facility and the date.
        let m = &app.store.measurements_of(nita).await.unwrap()[0];
        assert_eq!(m.facility_id, Some(facility));
        assert_eq!(m.measured_on.to_string(), today);
        let nurse_id = app.store.user_by_username("nurse").await.unwrap().id;
        assert_eq!(m.created_by, nurse_id);
    }
}

#[tokio::test]
async fn the_child_page_shows_z_scores_charts_and_a_printable_card_and_is_audited() {
    for app in apps().await {
        let facility = clinic(&app, "SOS Battambang").await;
        let child = insert_child(
            &app,
            "Lim",
            "Sreymom",
            "female",
            "2024-01-01",
            Some(facility),
        )
        .await;
        let mut doctor = as_role(&app, "doctor", Role::Doctor, Language::English).await;
        let saved = doctor
            .post_form(
                &format!("/growth/people/{child}/measurements"),
                &[
                    ("measured_on", "2025-11-14"),
                    ("facility", &facility.to_string()),
                    ("weight_kg", "10.4"),
                    ("length_cm", "84.8"),
                    ("measured", "lying"),
                    ("head_cm", "46"),
                ],
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            saved.body
        );
        let page = doctor.get(&format!("/growth/people/{child}")).await;
        assert_eq!(page.status, StatusCode::OK);
        for z in ["-0.57", "-0.07", "-0.81", "-0.79"] {
            assert!(page.body.contains(&format!(">{z}<")), "[{}] {z}", app.label);
        }
        assert_eq!(
            page.body.matches("<svg").count(),
            4,
            "[{}] four charts under 5",
            app.label
        );
        assert_eq!(
            page.body.matches("child-point").count(),
            4,
            "[{}] one point on each",
            app.label
        );
        assert!(
            page.body.len() < 100_000,
            "[{}] the page fits the budget: {}",
            app.label,
            page.body.len()
        );
        let card = doctor.get(&format!("/growth/people/{child}/card")).await;
        assert_eq!(card.status, StatusCode::OK);
        assert!(card.body.contains(r#"id="immunisation-record""#));
        assert!(
            !card.body.contains(r#"id="card-doses""#),
            "[{}] no dose yet",
            app.label
        );
        assert_eq!(card.body.matches("<svg").count(), 4);
        // A dose given at the clinic shows on the card with its lot.
        let dose = doctor
            .post_form(
                &format!("/mch/immunisation/{child}"),
                &[
                    ("antigen", "bcg"),
                    ("given_on", "2024-01-02"),
                    ("facility", &facility.to_string()),
                    ("lot", "LOT-BCG-77"),
                    ("given_by", "Dr Chan"),
                ],
            )
            .await;
        assert_eq!(
            dose.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            dose.body
        );
        let card = doctor.get(&format!("/growth/people/{child}/card")).await;
        assert!(card.body.contains(r#"id="card-doses""#), "[{}]", app.label);
        assert!(card.text().contains("LOT-BCG-77"), "[{}]", app.label);
        assert!(card.body.contains(r#"id="card-immunisation-state""#));
        let events = app
            .store
            .list_audit_events(&haven_store::AuditFilter {
                limit: 200,
                ..Default::default()
            })
            .await
            .unwrap();
        for action in ["growth_measurement_record", "growth_read", "growth_card"] {
            assert!(
                events
                    .iter()
                    .any(|e| e.action == action && e.entity_id == child.to_string()),
                "[{}] {action}",
                app.label
            );
        }
        assert!(
            events.iter().all(|e| !e.detail.contains("Sreymom")),
            "no names in audit details"
        );
        // The person page's summary links here.
        let person = doctor.get(&format!("/people/{child}")).await;
        assert!(
            person.body.contains(r#"id="growth-summary""#),
            "[{}]",
            app.label
        );
        assert!(person.body.contains(&format!("/growth/people/{child}")));
        // Entered in error: gone from the page, kept in the database.
        let id = app.store.measurements_of(child).await.unwrap()[0].id;
        let stale = doctor
            .post_form(
                &format!("/growth/people/{child}/measurements/{id}/error"),
                &[("version", "5"), ("reason", "wrong child")],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "[{}]", app.label);
        let marked = doctor
            .post_form(
                &format!("/growth/people/{child}/measurements/{id}/error"),
                &[("version", "1"), ("reason", "wrong child")],
            )
            .await;
        assert_eq!(
            marked.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            marked.body
        );
        let page = doctor.get(&format!("/growth/people/{child}")).await;
        assert!(!page.body.contains(">-0.57<"), "[{}]", app.label);
        assert_eq!(page.body.matches("child-point").count(), 0);
        // A 12-year-old's charts come from the 2007 reference (no weight-for-length).
        let older = insert_child(
            &app,
            "Keo",
            "Rith",
            "male",
            &born_days_ago(4383),
            Some(facility),
        )
        .await;
        doctor
            .post_form(
                &format!("/growth/people/{older}/measurements"),
                &[
                    ("weight_kg", "38"),
                    ("length_cm", "150"),
                    ("measured", "standing"),
                ],
            )
            .await;
        let page = doctor.get(&format!("/growth/people/{older}")).await;
        assert_eq!(page.body.matches("<svg").count(), 3, "[{}]", app.label);
        assert!(page
            .text()
            .contains(&message(Language::English, "growth-span-five-to-nineteen")));
    }
}

#[tokio::test]
async fn children_out_of_reach_are_not_found_and_others_may_not_read_growth() {
    for app in apps().await {
        let here = clinic(&app, "SOS Kampot").await;
        let there = clinic(&app, "SOS Takeo").await;
        let child = insert_child(
            &app,
            "Out",
            "Ofreach",
            "male",
            &born_days_ago(300),
            Some(there),
        )
        .await;
        let user = app.user("kampot-nurse", Role::RegisteredNurse).await;
        // Only the Kampot clinic: replace the test user's everywhere role.
        let roles = app.store.role_assignments(user.id).await.unwrap();
        for r in roles {
            app.store
                .revoke_role(&Actor::system(), r.id, r.version)
                .await
                .unwrap();
        }
        app.store
            .assign_role(
                &Actor::system(),
                user.id,
                Role::RegisteredNurse,
                &Scope::Facility(here.to_string()),
            )
            .await
            .unwrap();
        let mut nurse = app.session_for(&user).await;
        for path in [
            format!("/growth/people/{child}"),
            format!("/growth/people/{child}/card"),
        ] {
            assert_eq!(
                nurse.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "[{}] {path}",
                app.label
            );
        }
        nurse.get("/growth").await;
        let post = nurse
            .post_form(&format!("/growth/session/{child}"), &[("weight_kg", "8")])
            .await;
        assert_eq!(post.status, StatusCode::NOT_FOUND, "[{}]", app.label);
        let session = nurse
            .get(&format!("/growth/session?facility={there}"))
            .await;
        assert!(
            !session.text().contains("Ofreach"),
            "[{}] a facility out of reach shows no one",
            app.label
        );
        let mut client = app.api_client(&user).await;
        let api = client
            .get(&format!("/api/v1/growth/people/{child}/measurements"))
            .await;
        assert_eq!(api.status, StatusCode::NOT_FOUND, "[{}]", app.label);
        // A clerk reads people but not clinical records.
        let mut clerk = as_role(&app, "clerk", Role::RecordsClerk, Language::English).await;
        let near = insert_child(
            &app,
            "In",
            "Reach",
            "female",
            &born_days_ago(300),
            Some(here),
        )
        .await;
        assert_eq!(
            clerk.get(&format!("/growth/people/{near}")).await.status,
            StatusCode::FORBIDDEN
        );
        let person = clerk.get(&format!("/people/{near}")).await;
        assert!(!person.body.contains("growth-summary"), "[{}]", app.label);
    }
}

#[tokio::test]
async fn the_programme_admits_follows_up_discharges_and_counts_outcomes() {
    for app in apps().await {
        let facility = clinic(&app, "SOS Kratie").await;
        let child = insert_child(
            &app,
            "Sam",
            "Bopha",
            "female",
            &born_days_ago(600),
            Some(facility),
        )
        .await;
        let mut nurse = as_role(&app, "nurse", Role::RegisteredNurse, Language::English).await;
        let twenty_days_ago =
            (time::OffsetDateTime::now_utc().date() - time::Duration::days(20)).to_string();
        nurse
            .post_form(
                &format!("/growth/people/{child}/measurements"),
                &[
                    ("measured_on", &twenty_days_ago),
                    ("facility", &facility.to_string()),
                    ("weight_kg", "7.0"),
                    ("length_cm", "78"),
                    ("measured", "lying"),
                    ("muac_mm", "111"),
                ],
            )
            .await;
        let incomplete = nurse
            .post_form(
                &format!("/growth/people/{child}/admissions"),
                &[("programme", "otp")],
            )
            .await;
        assert_eq!(
            incomplete.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(incomplete
            .text()
            .contains(&message(Language::English, "growth-admit-incomplete")));
        let admitted = nurse
            .post_form(
                &format!("/growth/people/{child}/admissions"),
                &[
                    ("programme", "otp"),
                    ("admitted_by", "whz_and_muac"),
                    ("appetite_test", "passed"),
                    ("facility", &facility.to_string()),
                    ("admitted_on", &twenty_days_ago),
                ],
            )
            .await;
        assert_eq!(
            admitted.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            admitted.body
        );
        let admission = admitted.location().to_owned();
        let again = nurse
            .post_form(
                &format!("/growth/people/{child}/admissions"),
                &[
                    ("programme", "sc"),
                    ("admitted_by", "muac"),
                    ("appetite_test", "failed"),
                    ("facility", &facility.to_string()),
                ],
            )
            .await;
        assert!(
            again
                .text()
                .contains(&message(Language::English, "growth-admit-already")),
            "[{}]",
            app.label
        );
        for (days_ago, kg, muac) in [(13, "7.9", "120"), (6, "8.6", "126"), (0, "8.9", "128")] {
            let on = (time::OffsetDateTime::now_utc().date() - time::Duration::days(days_ago))
                .to_string();
            let answer = nurse
                .post_form(
                    &format!("{admission}/follow-ups"),
                    &[
                        ("measured_on", &on),
                        ("weight_kg", kg),
                        ("length_cm", "78.3"),
                        ("measured", "lying"),
                        ("muac_mm", muac),
                        ("appetite_test", "passed"),
                    ],
                )
                .await;
            assert_eq!(
                answer.status,
                StatusCode::SEE_OTHER,
                "[{}] {}",
                app.label,
                answer.body
            );
        }
        let page = nurse.get(&admission).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            page.body.matches("<tr><td>").count(),
            3,
            "[{}] three follow-ups",
            app.label
        );
        assert!(
            page.body.contains(r#"id="recovered""#),
            "[{}] WHZ and MUAC back, two weeks without oedema",
            app.label
        );
        let list = nurse
            .get(&format!("/growth/programme?facility={facility}"))
            .await;
        assert!(list.text().contains("Sam Bopha"), "[{}]", app.label);
        assert!(list
            .text()
            .contains(&message(Language::English, "growth-may-discharge")));
        let version = page.form_field("discharge-form", "version").unwrap();
        let discharged = nurse
            .post_form(
                &format!("{admission}/discharge"),
                &[("version", &version), ("outcome", "cured")],
            )
            .await;
        assert_eq!(
            discharged.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            discharged.body
        );
        let stale = nurse
            .post_form(
                &format!("{admission}/discharge"),
                &[("version", &version), ("outcome", "died")],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "[{}]", app.label);
        let list = nurse
            .get(&format!("/growth/programme?facility={facility}"))
            .await;
        assert!(
            list.body.contains(r#"id="outcome-table""#),
            "[{}]",
            app.label
        );
        assert!(
            list.body.contains("100.0 %"),
            "[{}] one exit, cured",
            app.label
        );
        let user = app.store.user_by_username("nurse").await.unwrap();
        let mut client = app.api_client(&user).await;
        let outcomes = client
            .get(&format!("/api/v1/growth/outcomes?facility={facility}"))
            .await;
        assert_eq!(
            outcomes.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            outcomes.body
        );
        let rows = outcomes.json();
        assert_eq!(rows[0]["cured"], 1, "[{}] {rows}", app.label);
        assert_eq!(rows[0]["meets_sphere"], true);
        // M&E reads the figures, never the children's names.
        let mut me = as_role(&app, "me-officer", Role::MeOfficer, Language::English).await;
        let figures = me
            .get(&format!("/growth/programme?facility={facility}"))
            .await;
        assert_eq!(figures.status, StatusCode::OK, "[{}]", app.label);
        assert!(
            figures.body.contains(r#"id="outcome-table""#),
            "[{}]",
            app.label
        );
        assert!(figures.body.contains("100.0 %"), "[{}]", app.label);
        assert!(!figures.text().contains("Sam Bopha"), "[{}]", app.label);
        assert!(
            !figures.body.contains(r#"id="in-programme""#),
            "[{}]",
            app.label
        );
        let me_user = app.store.user_by_username("me-officer").await.unwrap();
        let mut me_client = app.api_client(&me_user).await;
        let rows = me_client
            .get(&format!("/api/v1/growth/outcomes?facility={facility}"))
            .await;
        assert_eq!(rows.status, StatusCode::OK, "[{}] {}", app.label, rows.body);
        assert_eq!(rows.json()[0]["cured"], 1, "[{}]", app.label);
    }
}

#[tokio::test]
async fn the_measurements_api_records_and_lists_with_z_scores() {
    for app in apps().await {
        let facility = clinic(&app, "SOS Pursat").await;
        let child =
            insert_child(&app, "Api", "Child", "female", "2024-01-01", Some(facility)).await;
        let user = app.user("api-midwife", Role::Midwife).await;
        let mut client = app.api_client(&user).await;
        let created = client
            .post_json(
                &format!("/api/v1/growth/people/{child}/measurements"),
                &format!(r#"{{"measured_on":"2025-11-14","facility_id":"{facility}","weight_kg":10.4,"length_cm":84.8,"measured":"lying"}}"#),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            created.body
        );
        let body = created.json();
        assert_eq!(body["age_days"], 683);
        assert_eq!(body["z_scores"]["weight_for_length_height"]["z"], -0.81);
        let bad = client
            .post_json(
                &format!("/api/v1/growth/people/{child}/measurements"),
                r#"{"measured_on":"2023-01-01","length_cm":80}"#,
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        let detail = bad.json()["detail"].as_str().unwrap_or_default().to_owned();
        assert!(
            detail.contains("date: growth-error-date-before-birth")
                && detail.contains("measured: growth-error-position-required"),
            "{detail}"
        );
        let list = client
            .get(&format!("/api/v1/growth/people/{child}/measurements"))
            .await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(
            list.json().as_array().map(Vec::len),
            Some(1),
            "[{}]",
            app.label
        );
        let nobody = client
            .get(&format!("/api/v1/growth/people/{}/measurements", Id::new()))
            .await;
        assert_eq!(nobody.status, StatusCode::NOT_FOUND);
    }
}

/// Every coded value this part shows has a name in both languages.
#[test]
fn every_growth_code_is_named_in_english_and_khmer() {
    use haven_domain::growth::nutrition::{
        AppetiteTest, Classification, DischargeOutcome, NutritionAction, Programme, Wasting,
    };
    use haven_domain::growth::{GrowthError, Indicator, NoZReason, Position};
    let mut keys: Vec<String> = Vec::new();
    keys.extend(NoZReason::ALL.iter().map(|v| v.label_key()));
    keys.extend(Indicator::ALL.iter().map(|v| v.label_key()));
    keys.extend(Position::ALL.iter().map(|v| v.label_key()));
    keys.extend(Classification::ALL.iter().map(|v| v.label_key()));
    keys.extend(NutritionAction::ALL.iter().map(|v| v.label_key()));
    keys.extend(Wasting::ALL.iter().map(|v| v.label_key()));
    keys.extend(AppetiteTest::ALL.iter().map(|v| v.label_key()));
    keys.extend(DischargeOutcome::ALL.iter().map(|v| v.label_key()));
    keys.extend(Programme::ALL.iter().map(|v| v.label_key()));
    keys.extend(GrowthError::ALL.iter().map(|e| e.code().to_owned()));
    keys.extend(
        haven_domain::growth::nutrition::AdultBmi::ALL
            .iter()
            .map(|v| v.label_key()),
    );
    keys.extend(
        haven_domain::growth::nutrition::PlwMuac::ALL
            .iter()
            .map(|v| v.label_key()),
    );
    for key in keys {
        let english = message(Language::English, &key);
        let khmer = message(Language::Khmer, &key);
        assert!(!english.is_empty() && !khmer.is_empty(), "{key}");
        assert_ne!(english, khmer, "{key} is not translated");
    }
}

#[tokio::test]
async fn a_large_session_is_paged_and_a_child_is_found_by_name() {
    for app in apps().await {
        let facility = clinic(&app, "SOS Prey Veng").await;
        let mut last = Id::new();
        for i in 0..35 {
            last = insert_child(
                &app,
                "Child",
                &format!("Number{i:02}"),
                "male",
                &born_days_ago(400 + i),
                Some(facility),
            )
            .await;
        }
        let mut nurse = as_role(&app, "nurse", Role::RegisteredNurse, Language::English).await;
        let first = nurse
            .get(&format!("/growth/session?facility={facility}"))
            .await;
        assert_eq!(
            first.body.matches(r#"class="session-child"#).count(),
            30,
            "[{}]",
            app.label
        );
        assert!(first.body.contains(r#"id="next-page""#));
        assert!(
            first.text().contains(&"35 children".to_string()) || first.text().contains("35"),
            "[{}]",
            app.label
        );
        let second = nurse
            .get(&format!("/growth/session?facility={facility}&page=2"))
            .await;
        assert_eq!(
            second.body.matches(r#"class="session-child"#).count(),
            5,
            "[{}]",
            app.label
        );
        let found = nurse
            .get(&format!("/growth/session?facility={facility}&q=number07"))
            .await;
        assert_eq!(
            found.body.matches(r#"class="session-child"#).count(),
            1,
            "[{}]",
            app.label
        );
        // Saving a child on the second page comes back to that page, marked saved.
        let saved = nurse
            .post_form(
                &format!("/growth/session/{last}"),
                &[("facility", &facility.to_string()), ("weight_kg", "9.2")],
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            saved.body
        );
        let back = nurse.get(saved.location()).await;
        assert!(
            back.body
                .contains(&format!(r#"class="session-child saved" id="child-{last}""#)),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn an_adults_measurement_is_read_with_the_cut_offs_of_the_settings() {
    use haven_domain::growth::nutrition::AdultCutOffs;
    let stricter = haven_web::WebConfig {
        growth_adult_cut_offs: AdultCutOffs {
            plw_malnourished_below_mm: 225.0,
            plw_low_birth_weight_risk_below_mm: 240.0,
        },
        ..haven_web::WebConfig::default()
    };
    for (app, expected) in apps()
        .await
        .into_iter()
        .map(|a| (a, "plwmuac-low-birth-weight-risk"))
        .chain(
            crate::support::apps_with(stricter)
                .await
                .into_iter()
                .map(|a| (a, "plwmuac-malnourished")),
        )
    {
        let facility = clinic(&app, "SOS Mondulkiri").await;
        let woman = insert_child(
            &app,
            "Mom",
            "Srey",
            "female",
            &born_days_ago(30 * 365),
            Some(facility),
        )
        .await;
        let mut midwife = as_role(&app, "midwife", Role::Midwife, Language::English).await;
        let saved = midwife
            .post_form(
                &format!("/growth/people/{woman}/measurements"),
                &[
                    ("weight_kg", "41"),
                    ("length_cm", "156"),
                    ("measured", "standing"),
                    ("muac_mm", "220"),
                ],
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            saved.body
        );
        let page = midwife.get(&format!("/growth/people/{woman}")).await;
        let text = page.text();
        assert!(
            text.contains(&message(Language::English, expected)),
            "[{}] {expected}",
            app.label
        );
        assert!(
            text.contains(&message(Language::English, "adultbmi-moderate-thinness")),
            "[{}] BMI 16.8",
            app.label
        );
        assert!(text.contains(&message(Language::English, "growth-adult-if-plw")));
        // Once her pregnancy is recorded, she is read as pregnant: MUAC, not BMI.
        use haven_domain::mch::pregnancy::{PregnancyDetails, PregnancyInput};
        let today = time::OffsetDateTime::now_utc().date();
        let lmp = (today - time::Duration::days(90)).to_string();
        let registered = today.to_string();
        let details = PregnancyDetails::parse(
            &PregnancyInput {
                registered_on: &registered,
                lmp: &lmp,
                gravida: "1",
                para: "0",
                ..PregnancyInput::default()
            },
            today,
        )
        .expect("a valid pregnancy");
        app.store
            .register_pregnancy(&Actor::system(), woman, facility, &details)
            .await
            .expect("a pregnancy");
        let page = midwife.get(&format!("/growth/people/{woman}")).await;
        let text = page.text();
        assert!(
            text.contains(&message(Language::English, "plwstatus-pregnant")),
            "[{}]",
            app.label
        );
        assert!(text.contains(&message(Language::English, expected)));
        assert!(
            !text.contains(&message(Language::English, "adultbmi-moderate-thinness")),
            "[{}] no BMI class for a pregnant woman",
            app.label
        );
        assert!(!text.contains(&message(Language::English, "growth-adult-if-plw")));
    }
}

#[tokio::test]
async fn a_child_measured_at_a_visit_is_added_to_the_growth_record_from_the_visit_page() {
    use haven_domain::clinic::vitals::{Vitals, VitalsInput};
    use haven_domain::clinic::VisitType;
    use haven_store::clinic::Encounter;
    for app in apps().await {
        let facility = clinic(&app, "SOS Kampong Cham").await;
        let child = insert_child(
            &app,
            "Keo",
            "Nita",
            "female",
            &born_days_ago(400),
            Some(facility),
        )
        .await;
        let today = time::OffsetDateTime::now_utc().date();
        let visit = app
            .store
            .check_in(
                &Actor::system(),
                child,
                facility,
                VisitType::MotherAndChild,
                today,
                None,
            )
            .await
            .expect("a visit");
        let vitals = Vitals::parse(&VitalsInput {
            temperature: "36.8",
            pulse: "",
            respiratory_rate: "",
            systolic: "",
            diastolic: "",
            spo2: "",
            weight: "8.1",
            height: "72.5",
            muac: "128",
        })
        .expect("valid vital signs");
        app.store
            .record_vitals(&Actor::system(), Encounter::Visit(visit), &vitals, None)
            .await
            .expect("vital signs");
        let mut nurse = as_role(&app, "nurse", Role::RegisteredNurse, Language::English).await;
        let page = nurse.get(&format!("/clinic/visits/{visit}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{}] {}", app.label, page.body);
        assert!(page.body.contains(r#"id="growth""#), "[{}]", app.label);
        assert!(page.body.contains(r#"id="mother-and-child""#));
        assert!(page.body.contains(&format!("/mch/immunisation/{child}")));
        assert_eq!(
            page.form_field("visit-growth-form", "weight_kg").as_deref(),
            Some("8.1"),
            "[{}] prefilled from triage",
            app.label
        );
        let fields = [
            ("visit", visit.to_string()),
            ("facility", facility.to_string()),
            ("weight_kg", "8.1".to_owned()),
            ("length_cm", "72.5".to_owned()),
            ("measured", "lying".to_owned()),
            ("muac_mm", "128".to_owned()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let path = format!("/growth/people/{child}/measurements");
        let saved = nurse.post_form(&path, &fields).await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            saved.body
        );
        assert_eq!(saved.location(), format!("/clinic/visits/{visit}#growth"));
        // A double click records once.
        let again = nurse.post_form(&path, &fields).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "[{}]", app.label);
        let at_visit = app.store.measurements_at_visit(visit).await.unwrap();
        assert_eq!(at_visit.len(), 1, "[{}] one measurement", app.label);
        assert_eq!(at_visit[0].facility_id, Some(facility));
        let page = nurse.get(&format!("/clinic/visits/{visit}")).await;
        assert!(
            page.body.contains(r#"id="visit-growth""#),
            "[{}]",
            app.label
        );
        assert!(!page.body.contains(r#"id="visit-growth-form""#));
        // The growth record has it too.
        let record = nurse.get(&format!("/growth/people/{child}")).await;
        assert!(record.body.contains(&at_visit[0].id.to_string()));
        // Another child's visit is not a way in: 404, nothing recorded.
        let other = insert_child(
            &app,
            "Keo",
            "Vanna",
            "male",
            &born_days_ago(500),
            Some(facility),
        )
        .await;
        let wrong = nurse
            .post_form(&format!("/growth/people/{other}/measurements"), &fields)
            .await;
        assert_eq!(wrong.status, StatusCode::NOT_FOUND, "[{}]", app.label);
        // Bad input comes back on the growth page with the visit kept.
        let bad = nurse
            .post_form(
                &path,
                &[
                    ("visit", &visit.to_string()),
                    ("weight_kg", "heavy"),
                    ("measured", "lying"),
                ],
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert_eq!(
            bad.form_field("add-measurement", "visit").as_deref(),
            Some(visit.to_string().as_str())
        );
        // An adult's general visit has no growth section.
        let adult = insert_child(
            &app,
            "Keo",
            "Sokha",
            "male",
            &born_days_ago(40 * 365),
            Some(facility),
        )
        .await;
        let adult_visit = app
            .store
            .check_in(
                &Actor::system(),
                adult,
                facility,
                VisitType::General,
                today,
                None,
            )
            .await
            .expect("a visit");
        let page = nurse.get(&format!("/clinic/visits/{adult_visit}")).await;
        assert!(!page.body.contains(r#"id="growth""#), "[{}]", app.label);
    }
}
