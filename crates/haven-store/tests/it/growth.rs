//! Store tests of growth monitoring and nutrition: measurements, WHO z-scores, growth charts, the growth calculator, the child health card and the malnutrition programme (issue 5).

use haven_domain::growth::nutrition::{AppetiteTest, DischargeOutcome, Programme, Wasting};
use haven_domain::growth::{GrowthSex, Indicator, Measurements, MeasurementsInput};
use haven_store::growth::{NewAdmission, NewFollowUp, NewMeasurement};
use haven_store::testing::{all, TestStore};
use haven_store::{Facility, Id, StoreError};
use time::macros::date;
use time::Date;

use crate::places::{facility_details, programme_details};
use crate::{admin, all_events, count};

async fn facility(t: &TestStore) -> Facility {
    let programme = t
        .store
        .create_programme(&admin(), &programme_details("SOS Battambang", "KH-2"))
        .await
        .unwrap();
    t.store
        .create_facility(
            &admin(),
            programme.id,
            &facility_details("medical_centre", "SOS MC Battambang"),
        )
        .await
        .unwrap()
}

/// A child born on `born`, registered at `facility`.
async fn child(t: &TestStore, given: &str, sex: &str, born: &str, facility: Option<Id>) -> Id {
    let id = Id::new();
    let facility = facility.map_or("NULL".to_owned(), |f| format!("'{f}'"));
    t.execute_raw(&format!(
        "INSERT INTO person (id, site_id, family_name_latin, given_name_latin, sex, birth_date,
             birth_date_precision, registered_facility_id, created_at, created_by, updated_at,
             updated_by, version)
         VALUES ('{id}', '{id}', 'Sok', '{given}', '{sex}', '{born}', 'exact', {facility},
             '2026-01-01T00:00:00.000000Z', '{id}', '2026-01-01T00:00:00.000000Z', '{id}', 1)"
    ))
    .await
    .unwrap_or_else(|e| panic!("{}: inserting a child: {e:?}", t.label));
    id
}

fn values(weight: &str, length: &str, position: &str, muac: &str, oedema: bool) -> Measurements {
    Measurements::parse(&MeasurementsInput {
        weight_kg: weight,
        length_cm: length,
        position,
        muac_mm: muac,
        oedema,
        ..Default::default()
    })
    .unwrap()
}

fn measurement(person: Id, facility: Option<Id>, on: Date, values: Measurements) -> NewMeasurement {
    NewMeasurement {
        person_id: person,
        facility_id: facility,
        visit_id: None,
        measured_on: on,
        values,
        note: String::new(),
    }
}

#[tokio::test]
async fn measurements_are_stored_as_measured_and_give_whos_z_scores() {
    for t in all().await {
        let store = &t.store;
        let place = facility(&t).await;
        // The spec's girl: 683 days old on 2025-11-14, 10.4 kg, 84.8 cm lying.
        let girl = child(&t, "Srey", "female", "2024-01-01", Some(place.id)).await;
        let m = store
            .record_measurement(
                &admin(),
                &measurement(
                    girl,
                    Some(place.id),
                    date!(2025 - 11 - 14),
                    values("10.4", "84.8", "lying", "", false),
                ),
            )
            .await
            .unwrap();
        assert_eq!(
            (m.weight_kg, m.length_cm, m.position.as_deref()),
            (Some(10.4), Some(84.8), Some("lying")),
            "{}",
            t.label
        );
        assert!(!m.oedema);
        let person = store.person(girl).await.unwrap();
        let days = haven_domain::growth::age_in_days(person.birth_date, m.measured_on).unwrap();
        let a = m.values().assess(GrowthSex::Female, Some(days));
        assert_eq!(
            a.get(Indicator::WeightForAge).z(),
            Some(-0.57),
            "{}",
            t.label
        );
        assert_eq!(
            a.get(Indicator::WeightForLengthHeight).z(),
            Some(-0.81),
            "{}",
            t.label
        );
        // A second, older measurement: listed oldest first.
        store
            .record_measurement(
                &admin(),
                &measurement(
                    girl,
                    None,
                    date!(2025 - 05 - 02),
                    values("", "", "", "", true),
                ),
            )
            .await
            .unwrap();
        let all = store.read_growth(&admin(), girl).await.unwrap();
        assert_eq!(
            all.iter().map(|m| m.measured_on).collect::<Vec<_>>(),
            [date!(2025 - 05 - 02), date!(2025 - 11 - 14)],
            "{}",
            t.label
        );
        assert!(all[0].oedema);
        // Written with the change log and audit events; the read is audited too.
        assert_eq!(
            count(
                &t,
                "SELECT COUNT(*) FROM change_log WHERE entity = 'growth_measurement'"
            )
            .await,
            2
        );
        let events = all_events(&t).await;
        assert_eq!(
            events
                .iter()
                .filter(|e| e.action == "growth_measurement_record")
                .count(),
            2,
            "{}",
            t.label
        );
        assert!(events
            .iter()
            .any(|e| e.action == "growth_read" && e.entity_id == girl.to_string()));
        // Nobody who does not exist is measured, nor at a facility that does not exist.
        let nobody = store
            .record_measurement(
                &admin(),
                &measurement(
                    Id::new(),
                    None,
                    date!(2025 - 11 - 14),
                    values("9", "", "", "", false),
                ),
            )
            .await;
        assert!(
            matches!(nobody, Err(StoreError::NotFound { entity: "person" })),
            "{}: {nobody:?}",
            t.label
        );
        let nowhere = store
            .record_measurement(
                &admin(),
                &measurement(
                    girl,
                    Some(Id::new()),
                    date!(2025 - 11 - 14),
                    values("9", "", "", "", false),
                ),
            )
            .await;
        assert!(
            matches!(nowhere, Err(StoreError::NotFound { entity: "facility" })),
            "{}: {nowhere:?}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_measurement_entered_in_error_leaves_every_view_and_is_never_deleted() {
    for t in all().await {
        let store = &t.store;
        let boy = child(&t, "Dara", "male", "2024-06-01", None).await;
        let m = store
            .record_measurement(
                &admin(),
                &measurement(
                    boy,
                    None,
                    date!(2025 - 06 - 01),
                    values("9.1", "", "", "", false),
                ),
            )
            .await
            .unwrap();
        let stale = store
            .mark_measurement_in_error(&admin(), m.id, m.version + 1, "wrong child")
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { .. })),
            "{}: {stale:?}",
            t.label
        );
        store
            .mark_measurement_in_error(&admin(), m.id, m.version, "wrong child")
            .await
            .unwrap();
        assert!(
            store.measurements_of(boy).await.unwrap().is_empty(),
            "{}",
            t.label
        );
        assert!(store.latest_measurements(&[boy]).await.unwrap().is_empty());
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM growth_measurement").await,
            1,
            "{}",
            t.label
        );
        let again = store
            .mark_measurement_in_error(&admin(), m.id, m.version + 1, "again")
            .await;
        assert!(again.is_err(), "{}", t.label);
        let missing = store
            .mark_measurement_in_error(&admin(), Id::new(), 1, "x")
            .await;
        assert!(
            matches!(missing, Err(StoreError::NotFound { .. })),
            "{}: {missing:?}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_session_lists_a_facilitys_young_children_with_their_latest_measurement() {
    for t in all().await {
        let store = &t.store;
        let place = facility(&t).await;
        let a = child(&t, "Bopha", "female", "2023-03-01", Some(place.id)).await;
        let b = child(&t, "Chea", "male", "2024-09-01", Some(place.id)).await;
        child(&t, "Old", "male", "2010-01-01", Some(place.id)).await;
        child(&t, "Elsewhere", "male", "2024-01-01", None).await;
        for (on, kg) in [
            (date!(2025 - 01 - 10), "10.0"),
            (date!(2025 - 03 - 10), "10.6"),
        ] {
            store
                .record_measurement(
                    &admin(),
                    &measurement(a, Some(place.id), on, values(kg, "", "", "", false)),
                )
                .await
                .unwrap();
        }
        let children = store
            .growth_session_children(place.id, date!(2020 - 01 - 01), 100)
            .await
            .unwrap();
        let names: Vec<&str> = children
            .iter()
            .map(|c| c.person.given_name_latin.as_str())
            .collect();
        assert_eq!(names, ["Bopha", "Chea"], "{}", t.label);
        assert_eq!(
            children[0].latest.as_ref().map(|m| m.weight_kg),
            Some(Some(10.6)),
            "{}",
            t.label
        );
        assert!(children[1].latest.is_none());
        assert_eq!(children[1].person.id, b);
    }
}

#[tokio::test]
async fn the_programme_admits_follows_up_weekly_and_discharges_with_an_outcome() {
    for t in all().await {
        let store = &t.store;
        let place = facility(&t).await;
        let sam = child(&t, "Nita", "female", "2024-02-01", Some(place.id)).await;
        let admitting = store
            .record_measurement(
                &admin(),
                &measurement(
                    sam,
                    Some(place.id),
                    date!(2025 - 09 - 01),
                    values("6.1", "72", "lying", "110", false),
                ),
            )
            .await
            .unwrap();
        let new = NewAdmission {
            person_id: sam,
            facility_id: place.id,
            programme: Programme::Otp,
            admitted_on: date!(2025 - 09 - 01),
            admitted_by: Wasting::WeightForHeightAndMuac,
            measurement_id: Some(admitting.id),
            complications: false,
            appetite_test: AppetiteTest::Passed,
        };
        let admission = store.admit_to_programme(&admin(), &new).await.unwrap();
        assert_eq!(admission.programme(), Some(Programme::Otp), "{}", t.label);
        assert_eq!(admission.admitted_by(), Wasting::WeightForHeightAndMuac);
        assert!(admission.is_open());
        // One programme at a time.
        let twice = store.admit_to_programme(&admin(), &new).await;
        assert!(
            matches!(twice, Err(StoreError::Duplicate { field: "person" })),
            "{}: {twice:?}",
            t.label
        );
        for (week, kg, muac) in [(1, "6.4", "114"), (2, "6.8", "119")] {
            let on = date!(2025 - 09 - 01) + time::Duration::days(7 * week);
            let follow_up = NewFollowUp {
                measurement: measurement(
                    sam,
                    Some(place.id),
                    on,
                    values(kg, "72.2", "lying", muac, false),
                ),
                appetite_test: AppetiteTest::Passed,
                note: "RUTF 2 sachets a day".into(),
            };
            store
                .record_follow_up(&admin(), admission.id, &follow_up)
                .await
                .unwrap();
        }
        let follow_ups = store.follow_ups_of(admission.id).await.unwrap();
        assert_eq!(follow_ups.len(), 2, "{}", t.label);
        assert_eq!(
            store.measurements_of(sam).await.unwrap().len(),
            3,
            "each follow-up is a measurement"
        );
        assert_eq!(store.open_admissions(&[place.id]).await.unwrap().len(), 1);
        // Discharge names the version read.
        let stale = store
            .discharge_from_programme(
                &admin(),
                admission.id,
                99,
                date!(2025 - 10 - 20),
                DischargeOutcome::Cured,
                "",
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { .. })),
            "{}: {stale:?}",
            t.label
        );
        let done = store
            .discharge_from_programme(
                &admin(),
                admission.id,
                admission.version,
                date!(2025 - 10 - 20),
                DischargeOutcome::Cured,
                "WHZ and MUAC back",
            )
            .await
            .unwrap();
        assert_eq!(done.outcome(), Some(DischargeOutcome::Cured), "{}", t.label);
        assert!(store.open_admissions(&[place.id]).await.unwrap().is_empty());
        // No follow-up after discharge.
        let late = NewFollowUp {
            measurement: measurement(
                sam,
                Some(place.id),
                date!(2025 - 10 - 27),
                values("7.5", "", "", "", false),
            ),
            appetite_test: AppetiteTest::NotDone,
            note: String::new(),
        };
        let after = store.record_follow_up(&admin(), admission.id, &late).await;
        assert!(
            matches!(after, Err(StoreError::Conflict { .. })),
            "{}: {after:?}",
            t.label
        );
        // A new admission is possible once discharged.
        let mam = store
            .admit_to_programme(
                &admin(),
                &NewAdmission {
                    programme: Programme::Supplementary,
                    admitted_by: Wasting::Muac,
                    admitted_on: date!(2025 - 11 - 02),
                    ..new.clone()
                },
            )
            .await
            .unwrap();
        store
            .discharge_from_programme(
                &admin(),
                mam.id,
                mam.version,
                date!(2025 - 11 - 30),
                DischargeOutcome::Defaulted,
                "",
            )
            .await
            .unwrap();
        // Outcomes per facility and month.
        let months = store
            .programme_outcomes(&[place.id], date!(2025 - 01 - 01), date!(2025 - 12 - 31))
            .await
            .unwrap();
        assert_eq!(months.len(), 2, "{}: {months:?}", t.label);
        assert_eq!(months[0].month, date!(2025 - 10 - 01));
        assert_eq!(months[0].counts.cured, 1);
        assert_eq!(months[1].month, date!(2025 - 11 - 01));
        assert_eq!(months[1].counts.defaulted, 1);
        assert!(store
            .programme_outcomes(&[place.id], date!(2026 - 01 - 01), date!(2026 - 12 - 31))
            .await
            .unwrap()
            .is_empty());
        let events = all_events(&t).await;
        for action in [
            "nutrition_admit",
            "nutrition_follow_up",
            "nutrition_discharge",
        ] {
            assert!(
                events.iter().any(|e| e.action == action),
                "{}: {action}",
                t.label
            );
        }
    }
}

#[tokio::test]
async fn the_demo_has_growing_children_a_few_wasted_and_one_in_otp() {
    for t in all().await {
        let store = &t.store;
        let today = time::OffsetDateTime::now_utc().date();
        let options = haven_store::DemoRegistryOptions {
            people: 400,
            seed: 1,
            today,
        };
        store.load_demo_registry(&options).await.unwrap();
        store.load_demo_growth().await.unwrap();
        let measured = count(
            &t,
            "SELECT COUNT(DISTINCT person_id) FROM growth_measurement",
        )
        .await;
        assert!(measured >= 10, "{}: {measured}", t.label);
        assert_eq!(count(&t, "SELECT COUNT(*) FROM nutrition_admission WHERE programme = 'otp' AND discharged_on IS NULL").await, 1, "{}", t.label);
        assert!(
            count(&t, "SELECT COUNT(*) FROM nutrition_follow_up").await >= 1,
            "{}",
            t.label
        );
        // The children's latest measurements classify as the demo means: some MAM, one SAM.
        let ids: Vec<Id> = store
            .open_admissions(&all_facilities(&t).await)
            .await
            .unwrap()
            .iter()
            .map(|a| a.person_id)
            .collect();
        assert_eq!(ids.len(), 1);
        let mut classes = Vec::new();
        let people: Vec<Id> = young_measured(&t).await;
        for m in store.latest_measurements(&people).await.unwrap() {
            let person = store.person(m.person_id).await.unwrap();
            let sex = haven_store::growth::growth_sex(&person).unwrap();
            let days = haven_domain::growth::age_in_days(person.birth_date, m.measured_on).unwrap();
            classes.extend(m.values().assess(sex, Some(days)).classification());
        }
        use haven_domain::growth::Classification;
        assert!(
            classes.contains(&Classification::Sam),
            "{}: {classes:?}",
            t.label
        );
        assert!(
            classes
                .iter()
                .filter(|c| **c == Classification::Mam)
                .count()
                >= 2,
            "{}: {classes:?}",
            t.label
        );
        assert!(
            classes
                .iter()
                .filter(|c| **c == Classification::Normal)
                .count()
                >= 3,
            "{}: {classes:?}",
            t.label
        );
    }
}

async fn all_facilities(t: &TestStore) -> Vec<Id> {
    t.store
        .facilities()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.id)
        .collect()
}

async fn young_measured(t: &TestStore) -> Vec<Id> {
    let mut ids = Vec::new();
    for a in t
        .store
        .open_admissions(&all_facilities(t).await)
        .await
        .unwrap()
    {
        let facility = a.facility_id;
        let cutoff = time::OffsetDateTime::now_utc().date() - time::Duration::days(1826);
        for c in t
            .store
            .growth_session_children(facility, cutoff, 500)
            .await
            .unwrap()
        {
            if c.latest.is_some() {
                ids.push(c.person.id);
            }
        }
    }
    ids
}
