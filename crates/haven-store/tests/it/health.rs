//! Store tests of health and care together (issues 5 and 6): the patient chart's
//! mother-and-child and growth entries (newest first, by kind and day, within the
//! viewer's facilities, screening results only with the HIV permission), and the
//! health summary a child's carers read (doses, latest measurement, visits and stays,
//! never a diagnosis or a note), audited.

use haven_domain::clinic::chart::EntryKind;
use haven_domain::clinic::{DiagnosisDetails, VisitType};
use haven_domain::growth::nutrition::{AppetiteTest, Programme, Wasting};
use haven_domain::growth::{Measurements, MeasurementsInput};
use haven_domain::mch::immunisation::Schedule;
use haven_domain::mch::pregnancy::{
    AncContactDetails, AncContactInput, PregnancyDetails, PregnancyInput,
};
use haven_store::clinic::{ChartWindow, Encounter, Viewer};
use haven_store::growth::{NewAdmission, NewMeasurement};
use haven_store::mch::NewDose;
use haven_store::testing::{all, TestStore};
use haven_store::{Id, Reach};
use time::macros::date;
use time::Date;

use crate::places::{facility_details, insert_person, programme_details};
use crate::{admin, all_events};

const TODAY: Date = date!(2025 - 12 - 01);

async fn facility(t: &TestStore, kind: &str, name: &str) -> Id {
    let programme = t
        .store
        .create_programme(&admin(), &programme_details(name, "KH-12"))
        .await
        .unwrap();
    t.store
        .create_facility(&admin(), programme.id, &facility_details(kind, name))
        .await
        .unwrap()
        .id
}

fn measurement(person: Id, facility: Option<Id>, on: Date, muac: &str) -> NewMeasurement {
    NewMeasurement {
        person_id: person,
        facility_id: facility,
        visit_id: None,
        measured_on: on,
        values: Measurements::parse(&MeasurementsInput {
            weight_kg: "7.0",
            length_cm: "75",
            position: "lying",
            muac_mm: muac,
            ..Default::default()
        })
        .unwrap(),
        note: "Thin, mother worried".to_owned(),
    }
}

fn dose(person: Id, facility: Id, antigen: &str, on: Date) -> NewDose {
    NewDose {
        person_id: person,
        facility_id: facility,
        antigen: antigen.to_owned(),
        dose_number: 1,
        cvx: Schedule::builtin("kh")
            .unwrap()
            .cvx_of(antigen)
            .unwrap_or("")
            .to_owned(),
        given_on: on,
        lot: "L1".to_owned(),
        given_by: "Nurse".to_owned(),
        anc_contact_id: None,
    }
}

fn facilities(ids: &[Id]) -> Reach {
    Reach::Facilities {
        ids: ids.to_vec(),
        include_unplaced: false,
    }
}

#[tokio::test]
async fn the_chart_holds_pregnancies_vaccines_and_growth_within_reach_and_screenings_only_with_hiv()
{
    for t in all().await {
        let store = &t.store;
        let label = t.label;
        let clinic = facility(&t, "mother_child_clinic", "MCH clinic").await;
        let elsewhere = facility(&t, "medical_centre", "Other centre").await;
        let woman = insert_person(&t, "Sok", "Dara", Some(clinic)).await;
        let pregnancy = store
            .register_pregnancy(
                &admin(),
                woman,
                clinic,
                &PregnancyDetails::parse(
                    &PregnancyInput {
                        registered_on: "2025-03-01",
                        lmp: "2025-01-01",
                        gravida: "2",
                        para: "1",
                        ..PregnancyInput::default()
                    },
                    TODAY,
                )
                .unwrap(),
            )
            .await
            .unwrap();
        let contact = AncContactDetails::parse(
            &AncContactInput {
                contact_on: "2025-03-01",
                blood_pressure: "118/76",
                hiv: "positive",
                syphilis: "positive",
                ..AncContactInput::default()
            },
            TODAY,
            date!(2025 - 03 - 01),
            date!(2025 - 01 - 01),
        )
        .unwrap();
        store
            .record_anc_contact(&admin(), pregnancy.id, clinic, &contact, None)
            .await
            .unwrap();
        store
            .record_doses(
                &admin(),
                &[
                    dose(woman, clinic, "td", date!(2025 - 03 - 01)),
                    dose(woman, elsewhere, "td", date!(2025 - 04 - 01)),
                ],
                Schedule::builtin("kh").unwrap(),
            )
            .await
            .unwrap();
        store
            .record_measurement(
                &admin(),
                &measurement(woman, Some(clinic), date!(2025 - 05 - 01), "240"),
            )
            .await
            .unwrap();
        store
            .record_measurement(
                &admin(),
                &measurement(woman, None, date!(2025 - 06 - 01), "245"),
            )
            .await
            .unwrap();

        let everything = Viewer::everything();
        let data = store
            .chart(&everything, &[woman], &ChartWindow::newest(10))
            .await
            .unwrap();
        assert_eq!(
            (
                data.pregnancies.len(),
                data.antenatal_contacts.len(),
                data.doses.len(),
                data.measurements.len(),
                data.total
            ),
            (1, 1, 2, 2, 6),
            "{label}"
        );
        assert!(
            data.doses[0].given_on > data.doses[1].given_on,
            "{label}: newest first"
        );
        let screened = &data.antenatal_contacts[0];
        assert_eq!(
            (screened.syphilis.as_str(), screened.hiv.clone()),
            ("positive", vec!["positive".to_owned()]),
            "{label}: the HIV permission reads both screenings"
        );

        // A clinician of the clinic without the HIV permission: the contact, no results;
        // the dose given elsewhere and the measurement of no facility are out of reach.
        let nurse = Viewer {
            reach: facilities(&[clinic]),
            hiv: false,
        };
        let data = store
            .chart(&nurse, &[woman], &ChartWindow::newest(10))
            .await
            .unwrap();
        assert_eq!(
            (data.doses.len(), data.measurements.len(), data.total),
            (1, 1, 4),
            "{label}"
        );
        let unscreened = &data.antenatal_contacts[0];
        assert!(
            unscreened.syphilis.is_empty() && unscreened.hiv.is_empty(),
            "{label}: {unscreened:?}"
        );

        // Filtered by kind and by day.
        let vaccines_in_april = ChartWindow {
            kinds: vec![EntryKind::Immunisation, EntryKind::Growth],
            from_day: Some(date!(2025 - 04 - 01)),
            until_day: Some(date!(2025 - 05 - 01)),
            ..ChartWindow::newest(10)
        };
        let data = store
            .chart(&everything, &[woman], &vaccines_in_april)
            .await
            .unwrap();
        assert_eq!(
            (
                data.doses.len(),
                data.measurements.len(),
                data.pregnancies.len(),
                data.total
            ),
            (1, 0, 0, 1),
            "{label}"
        );

        // A programme admission shows, and a pregnancy marked in error takes its
        // contacts with it.
        store
            .admit_to_programme(
                &admin(),
                &NewAdmission {
                    person_id: woman,
                    facility_id: clinic,
                    programme: Programme::Supplementary,
                    admitted_on: date!(2025 - 06 - 02),
                    admitted_by: Wasting::Muac,
                    measurement_id: None,
                    complications: false,
                    appetite_test: AppetiteTest::NotDone,
                },
            )
            .await
            .unwrap();
        let pregnancy = store.pregnancy(pregnancy.id).await.unwrap();
        store
            .mark_pregnancy_entered_in_error(
                &admin(),
                pregnancy.id,
                pregnancy.version,
                "wrong woman",
            )
            .await
            .unwrap();
        let data = store
            .chart(&everything, &[woman], &ChartWindow::newest(10))
            .await
            .unwrap();
        assert_eq!(
            (
                data.pregnancies.len(),
                data.antenatal_contacts.len(),
                data.nutrition_admissions.len()
            ),
            (0, 0, 1),
            "{label}"
        );
    }
}

#[tokio::test]
async fn a_health_summary_holds_doses_growth_and_where_and_when_but_no_diagnosis_and_is_audited() {
    for t in all().await {
        let store = &t.store;
        let label = t.label;
        let centre = facility(&t, "medical_centre", "SOS MC").await;
        let child = insert_person(&t, "Chan", "Sophea", Some(centre)).await;
        let visit = store
            .check_in(&admin(), child, centre, VisitType::General, TODAY, None)
            .await
            .unwrap();
        store
            .add_diagnosis(
                &admin(),
                Encounter::Visit(visit),
                &DiagnosisDetails::parse("B20", "", "Confidential diagnosis text").unwrap(),
                None,
            )
            .await
            .unwrap();
        store
            .record_doses(
                &admin(),
                &[dose(child, centre, "bcg", date!(2025 - 01 - 02))],
                Schedule::builtin("kh").unwrap(),
            )
            .await
            .unwrap();
        for (on, muac) in [
            (date!(2025 - 05 - 01), "130"),
            (date!(2025 - 09 - 01), "118"),
        ] {
            store
                .record_measurement(&admin(), &measurement(child, Some(centre), on, muac))
                .await
                .unwrap();
        }
        let summary = store.read_health_summary(&admin(), child).await.unwrap();
        assert_eq!(summary.doses.len(), 1, "{label}");
        assert_eq!(summary.doses[0].antigen, "bcg", "{label}");
        let latest = summary.latest_measurement.as_ref().unwrap();
        assert_eq!(
            (latest.measured_on, latest.muac_mm),
            (date!(2025 - 09 - 01), Some(118.0)),
            "{label}: the latest"
        );
        assert_eq!(summary.encounters.len(), 1, "{label}");
        assert_eq!(
            (
                summary.encounters[0].kind.as_str(),
                summary.encounters[0].facility_name.as_str()
            ),
            ("visit", "SOS MC"),
            "{label}"
        );
        // Nothing of the diagnosis, its note or the measurement's note is read.
        let everything = format!("{summary:?}");
        for secret in ["B20", "Confidential", "mother worried"] {
            assert!(!everything.contains(secret), "{label}: {secret}");
        }
        let events = all_events(&t).await;
        assert!(
            events
                .iter()
                .any(|e| e.action == "health_summary_read" && e.entity_id == child.to_string()),
            "{label}: the read is audited"
        );
    }
}
