//! Tests of health and care together (issues 5 and 6), through the real router on both
//! databases: a child's care page shows carers holding `Kind::HealthSummary` the
//! vaccination status, the latest growth class and where the child was seen, never a
//! diagnosis; a care role without it sees no health section; an SOS parent sees it
//! only for her own house's child; the patient chart shows pregnancies, vaccines and
//! growth, filtered by kind, and syphilis results only to the HIV permission.

use axum::http::StatusCode;
use haven_domain::care::{
    AdmissionDetails, AdmissionInput, AdmissionStatus, HouseDetails, HouseInput, PlacementDetails,
    PlacementInput,
};
use haven_domain::clinic::{DiagnosisDetails, VisitType};
use haven_domain::growth::{Measurements, MeasurementsInput};
use haven_domain::mch::immunisation::Schedule;
use haven_domain::mch::pregnancy::{
    AncContactDetails, AncContactInput, PregnancyDetails, PregnancyInput,
};
use haven_domain::places::{FacilityDetails, FacilityInput};
use haven_domain::staff::{StaffDetails, StaffInput};
use haven_domain::{Language, Role};
use haven_store::clinic::Encounter;
use haven_store::growth::NewMeasurement;
use haven_store::mch::NewDose;
use haven_store::{Actor, AuditFilter, Id};
use time::Duration;

use crate::routes_care::{care_places, insert_child};
use crate::support::{apps, message, App};

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// A medical centre of its own programme.
async fn medical_centre(app: &App, programme: Id) -> Id {
    app.store
        .create_facility(
            &Actor::system(),
            programme,
            &FacilityDetails::parse(
                &FacilityInput {
                    kind: "medical_centre",
                    name: "SOS Medical Centre Test",
                    ..FacilityInput::default()
                },
                time::macros::date!(2026 - 01 - 01),
            )
            .expect("a facility"),
        )
        .await
        .expect("a medical centre")
        .id
}

fn dose(person: Id, facility: Id, antigen: &str, on: time::Date) -> NewDose {
    NewDose {
        person_id: person,
        facility_id: facility,
        antigen: antigen.to_owned(),
        dose_number: 1,
        cvx: Schedule::builtin("kh")
            .expect("the schedule")
            .cvx_of(antigen)
            .unwrap_or("")
            .to_owned(),
        given_on: on,
        lot: "L1".to_owned(),
        given_by: "Nurse".to_owned(),
        anc_contact_id: None,
    }
}

/// Admits a person to care at `village` and places them in `house`; the child's id.
async fn placed(app: &App, person: Id, village: Id, house: Id) -> Id {
    let actor = Actor::system();
    let day = today() - Duration::days(5);
    let details = AdmissionDetails::parse(
        &AdmissionInput {
            necessity: "x",
            suitability: "y",
            chosen_option: "sos_family",
            decision: "admit",
            decided_on: &day.to_string(),
            review_on: &(day + Duration::days(90)).to_string(),
            ..Default::default()
        },
        today(),
    )
    .expect("admission");
    let a = app
        .store
        .record_admission(&actor, person, village, &details)
        .await
        .expect("admitted");
    app.store
        .decide_admission(&actor, a.id, a.version, AdmissionStatus::Approved, "")
        .await
        .expect("approved");
    let placement = PlacementDetails::parse(
        &PlacementInput {
            started_on: &day.to_string(),
            reason: "admitted",
            ..Default::default()
        },
        today(),
    )
    .expect("placement");
    app.store
        .place_child(&actor, a.child_id, house, &placement, Default::default())
        .await
        .expect("placed");
    a.child_id
}

#[tokio::test]
async fn carers_see_vaccines_growth_and_visits_but_no_diagnosis_and_only_with_the_permission() {
    for app in apps().await {
        let label = app.label;
        let actor = Actor::system();
        let (programme, village, _) = care_places(&app).await;
        let centre = medical_centre(&app, programme).await;
        // A girl of about 20 months: BCG only (so vaccines are overdue), a MUAC of 118 mm
        // (MAM), and a visit at the medical centre with a diagnosis.
        let born = today() - Duration::days(610);
        let sophea = insert_child(&app, "Sophea", "female", &born.to_string(), village).await;
        let vanna = insert_child(&app, "Vanna", "male", "2015-01-01", village).await;
        app.store
            .record_doses(
                &actor,
                &[dose(sophea, centre, "bcg", born + Duration::days(1))],
                Schedule::builtin("kh").expect("the schedule"),
            )
            .await
            .expect("a dose");
        app.store
            .record_measurement(
                &actor,
                &NewMeasurement {
                    person_id: sophea,
                    facility_id: Some(centre),
                    visit_id: None,
                    measured_on: today() - Duration::days(3),
                    values: Measurements::parse(&MeasurementsInput {
                        weight_kg: "9.0",
                        length_cm: "80",
                        position: "lying",
                        muac_mm: "118",
                        ..Default::default()
                    })
                    .expect("values"),
                    note: "Measurement note kept from carers".to_owned(),
                },
            )
            .await
            .expect("a measurement");
        let visit = app
            .store
            .check_in(&actor, sophea, centre, VisitType::General, today(), None)
            .await
            .expect("a visit");
        app.store
            .add_diagnosis(
                &actor,
                Encounter::Visit(visit),
                &DiagnosisDetails::parse("B20", "", "Confidential diagnosis text")
                    .expect("a diagnosis"),
                None,
            )
            .await
            .expect("diagnosed");

        // Lotus house is the SOS parent's; Vanna lives in Mango.
        let mother = app.user("mother1", Role::SosParent).await;
        let mother_person = insert_child(&app, "Mother", "female", "1980-01-01", village).await;
        let staff = app
            .store
            .create_staff_member(
                &actor,
                mother_person,
                &StaffDetails::parse(&StaffInput {
                    profession: "sos_parent",
                    ..StaffInput::default()
                })
                .expect("staff"),
                Some(mother.id),
            )
            .await
            .expect("a staff member");
        let house = |name: &'static str| {
            HouseDetails::parse(&HouseInput {
                name,
                kind: "sos_family",
                capacity: "8",
            })
            .expect("a house")
        };
        let lotus = app
            .store
            .create_house(&actor, village, &house("Lotus"), Some(staff.id), None)
            .await
            .expect("lotus")
            .id;
        let mango = app
            .store
            .create_house(&actor, village, &house("Mango"), None, None)
            .await
            .expect("mango")
            .id;
        let child = placed(&app, sophea, village, lotus).await;
        let other = placed(&app, vanna, village, mango).await;
        let page_of = format!("/care/children/{child}");

        // The social worker sees the status, the class and the visit, nothing clinical.
        let worker = app.user("worker", Role::SocialWorker).await;
        let mut worker = app.session_for(&worker).await;
        let page = worker.get(&page_of).await;
        assert_eq!(page.status, StatusCode::OK, "[{label}] {}", page.body);
        assert!(
            page.body.contains("id=\"health\""),
            "[{label}] {}",
            page.body
        );
        assert!(
            page.body
                .contains("id=\"health-vaccines\" data-state=\"overdue\""),
            "[{label}] {}",
            page.body
        );
        let text = page.text();
        assert!(
            text.contains(&message(Language::English, "childstate-overdue")),
            "[{label}]"
        );
        assert!(
            text.contains(&message(Language::English, "classification-mam")),
            "[{label}] {text}"
        );
        assert!(
            page.body.contains("data-class=\"mam\""),
            "[{label}] {}",
            page.body
        );
        assert!(text.contains("SOS Medical Centre Test"), "[{label}] {text}");
        for secret in [
            "B20",
            "Confidential diagnosis",
            "Measurement note",
            "health-chart-link",
        ] {
            assert!(!page.body.contains(secret), "[{label}] {secret}");
        }
        let events = app
            .store
            .list_audit_events(&AuditFilter {
                limit: 500,
                ..AuditFilter::default()
            })
            .await
            .expect("the audit trail");
        assert!(
            events
                .iter()
                .any(|e| e.action == "health_summary_read" && e.entity_id == sophea.to_string()),
            "[{label}] the read is audited"
        );

        // A care co-worker is on the child's care team: the summary, never the diagnosis.
        let co = app.user("coworker", Role::CareWorker).await;
        let mut co = app.session_for(&co).await;
        let page = co.get(&page_of).await;
        assert_eq!(page.status, StatusCode::OK, "[{label}]");
        assert!(
            page.body.contains("id=\"health-growth\""),
            "[{label}] {}",
            page.body
        );
        assert!(!page.body.contains("Confidential"), "[{label}]");
        assert!(
            !page.body.contains("health-chart-link"),
            "[{label}] no chart link without Read Clinical"
        );
        // A role that reads neither care nor the summary gets no child page at all.
        let me = app.user("me-officer", Role::MeOfficer).await;
        let mut me = app.session_for(&me).await;
        let page = me.get(&page_of).await;
        assert_ne!(page.status, StatusCode::OK, "[{label}]");
        assert!(
            !page.text().contains("SOS Medical Centre Test"),
            "[{label}]"
        );

        // The SOS parent sees her child's health; the other house's child stays hidden.
        let mut mother = app.session_for(&mother).await;
        let page = mother.get(&page_of).await;
        assert_eq!(page.status, StatusCode::OK, "[{label}]");
        assert!(page.body.contains("id=\"health-growth\""), "[{label}]");
        assert!(!page.body.contains("Confidential"), "[{label}]");
        assert_eq!(
            mother.get(&format!("/care/children/{other}")).await.status,
            StatusCode::NOT_FOUND,
            "[{label}]"
        );

        // A social worker who is also a doctor gets the link to the full chart.
        let both = app.user("both", Role::SocialWorker).await;
        app.store
            .assign_role(&actor, both.id, Role::Doctor, &haven_domain::Scope::All)
            .await
            .expect("a second role");
        let mut both = app.session_for(&both).await;
        let page = both.get(&page_of).await;
        assert!(
            page.body.contains(&format!(
                "id=\"health-chart-link\" href=\"/people/{sophea}/chart\""
            )),
            "[{label}] {}",
            page.body
        );
    }
}

#[tokio::test]
async fn the_chart_shows_pregnancies_vaccines_and_growth_and_syphilis_only_to_the_hiv_permission() {
    for app in apps().await {
        let label = app.label;
        let actor = Actor::system();
        let (programme, _, _) = care_places(&app).await;
        let centre = medical_centre(&app, programme).await;
        let woman = insert_child(&app, "Dara", "female", "1995-01-01", centre).await;
        let registered = today() - Duration::days(30);
        let lmp = registered - Duration::weeks(10);
        let pregnancy = app
            .store
            .register_pregnancy(
                &actor,
                woman,
                centre,
                &PregnancyDetails::parse(
                    &PregnancyInput {
                        registered_on: &registered.to_string(),
                        lmp: &lmp.to_string(),
                        gravida: "1",
                        para: "0",
                        ..PregnancyInput::default()
                    },
                    today(),
                )
                .expect("a pregnancy"),
            )
            .await
            .expect("registered");
        app.store
            .record_anc_contact(
                &actor,
                pregnancy.id,
                centre,
                &AncContactDetails::parse(
                    &AncContactInput {
                        contact_on: &registered.to_string(),
                        blood_pressure: "110/70",
                        syphilis: "positive",
                        ..AncContactInput::default()
                    },
                    today(),
                    registered,
                    lmp,
                )
                .expect("a contact"),
                None,
            )
            .await
            .expect("a contact");
        app.store
            .record_doses(
                &actor,
                &[dose(woman, centre, "td", registered)],
                Schedule::builtin("kh").expect("the schedule"),
            )
            .await
            .expect("a dose");
        app.store
            .record_measurement(
                &actor,
                &NewMeasurement {
                    person_id: woman,
                    facility_id: Some(centre),
                    visit_id: None,
                    measured_on: registered,
                    values: Measurements::parse(&MeasurementsInput {
                        weight_kg: "52",
                        muac_mm: "240",
                        ..Default::default()
                    })
                    .expect("values"),
                    note: String::new(),
                },
            )
            .await
            .expect("a measurement");
        let syphilis = message(Language::English, "mch-syphilis");

        let nurse = app.user("nurse", Role::RegisteredNurse).await;
        let mut nurse = app.session_for(&nurse).await;
        let chart = nurse.get(&format!("/people/{woman}/chart")).await;
        assert_eq!(chart.status, StatusCode::OK, "[{label}] {}", chart.body);
        for kind in ["pregnancy", "anc_contact", "immunisation", "growth"] {
            assert!(
                chart.body.contains(&format!("entry-{kind}")),
                "[{label}] {kind}: {}",
                chart.body
            );
        }
        assert!(
            !chart.text().contains(&syphilis),
            "[{label}] {}",
            chart.body
        );
        // The new kinds are filters like the others.
        let only = nurse
            .get(&format!("/people/{woman}/chart?kind=immunisation"))
            .await;
        assert!(
            only.body.contains("entry-immunisation") && !only.body.contains("entry-pregnancy"),
            "[{label}] {}",
            only.body
        );
        assert!(
            only.body.contains("value=\"immunisation\""),
            "[{label}] the filter is offered"
        );

        let midwife = app.user("midwife", Role::Midwife).await;
        let mut midwife = app.session_for(&midwife).await;
        let chart = midwife.get(&format!("/people/{woman}/chart")).await;
        assert!(
            chart.text().contains(&format!(
                "{syphilis}: {}",
                message(Language::English, "screeningresult-positive")
            )),
            "[{label}] {}",
            chart.body
        );
        // Khmer readers read the new kinds in Khmer.
        let khmer = app.user("midwife_km", Role::Midwife).await;
        app.store
            .set_user_language(&actor, khmer.id, khmer.version, Language::Khmer)
            .await
            .expect("Khmer");
        let khmer = app.store.user(khmer.id).await.expect("the user");
        let mut khmer = app.session_for(&khmer).await;
        let chart = khmer.get(&format!("/people/{woman}/chart")).await;
        assert!(
            chart
                .text()
                .contains(&message(Language::Khmer, "entrykind-immunisation")),
            "[{label}]"
        );
        assert!(!chart.body.contains("entrykind-"), "[{label}] no raw keys");
    }
}
