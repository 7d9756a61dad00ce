//! Store tests of mother and child health: a pregnancy with its contacts (HIV in its
//! own table), one open pregnancy at a time, a delivery registering its live-born
//! babies linked to the mother in one transaction, postnatal contacts, doses with
//! the compact valid-dose table and coverage, and family planning follow-ups.

use haven_domain::mch::birth::{BabyInput, DeliveryDetails, DeliveryInput, MotherNames};
use haven_domain::mch::family_planning::{FpVisitDetails, FpVisitInput};
use haven_domain::mch::immunisation::Schedule;
use haven_domain::mch::postnatal::{PncContactDetails, PncContactInput};
use haven_domain::mch::pregnancy::{
    AncContactDetails, AncContactInput, PregnancyDetails, PregnancyEndDetails, PregnancyEndInput,
    PregnancyInput,
};
use haven_store::mch::{Correctable, NewDose, TdGiven};
use haven_store::testing::{all, TestStore};
use haven_store::{ChainReport, Facility, Id, StoreError};
use time::macros::date;
use time::Date;

use crate::places::{facility_details, insert_person, programme_details};
use crate::{admin, count, verify};

const TODAY: Date = date!(2025 - 12 - 01);

fn schedule() -> &'static Schedule {
    Schedule::builtin("kh").unwrap()
}

async fn facility(t: &TestStore) -> Facility {
    let programme = t
        .store
        .create_programme(&admin(), &programme_details("SOS Phnom Penh", "KH-12"))
        .await
        .unwrap();
    t.store
        .create_facility(
            &admin(),
            programme.id,
            &facility_details("mother_child_clinic", "MCH clinic"),
        )
        .await
        .unwrap()
}

async fn insert_child(t: &TestStore, born: &str, sex: &str, facility: Id) -> Id {
    let id = Id::new();
    t.execute_raw(&format!(
        "INSERT INTO person (id, site_id, family_name_latin, given_name_latin, sex, birth_date,
             birth_date_precision, registered_facility_id, created_at, created_by, updated_at,
             updated_by, version)
         VALUES ('{id}', '{id}', 'Child', 'Test', '{sex}', '{born}', 'exact', '{facility}',
             '2025-01-01T00:00:00.000000Z', '{id}', '2025-01-01T00:00:00.000000Z', '{id}', 1)"
    ))
    .await
    .unwrap();
    id
}

fn pregnancy_details(registered: &str, lmp: &str) -> PregnancyDetails {
    PregnancyDetails::parse(
        &PregnancyInput {
            registered_on: registered,
            lmp,
            gravida: "2",
            para: "1",
            ..PregnancyInput::default()
        },
        TODAY,
    )
    .unwrap()
}

fn contact(on: &str, hiv: &str, signs: &[String], td: bool) -> AncContactDetails {
    AncContactDetails::parse(
        &AncContactInput {
            contact_on: on,
            blood_pressure: "118/76",
            hiv,
            // The same result for syphilis: both are the sensitive screening class.
            syphilis: hiv,
            danger_signs: signs,
            td_given: td,
            iron_folic_acid: true,
            ..AncContactInput::default()
        },
        TODAY,
        date!(2025 - 03 - 01),
        date!(2025 - 01 - 01),
    )
    .unwrap()
}

fn dose(person: Id, facility: Id, antigen: &str, on: Date) -> NewDose {
    NewDose {
        person_id: person,
        facility_id: facility,
        antigen: antigen.to_owned(),
        dose_number: 1,
        cvx: schedule().cvx_of(antigen).unwrap_or("").to_owned(),
        given_on: on,
        lot: "L1".to_owned(),
        given_by: "Nurse".to_owned(),
        anc_contact_id: None,
    }
}

#[tokio::test]
async fn a_pregnancy_keeps_its_contacts_and_hiv_results_apart() {
    for t in all().await {
        let store = &t.store;
        let clinic = facility(&t).await;
        let woman = insert_person(&t, "Sok", "Dara", Some(clinic.id)).await;
        let pregnancy = store
            .register_pregnancy(
                &admin(),
                woman,
                clinic.id,
                &pregnancy_details("2025-03-01", "2025-01-01"),
            )
            .await
            .unwrap();
        assert_eq!(pregnancy.edd, date!(2025 - 10 - 08), "{}", t.label);
        let again = store
            .register_pregnancy(
                &admin(),
                woman,
                clinic.id,
                &pregnancy_details("2025-03-01", "2025-01-01"),
            )
            .await;
        assert!(
            matches!(again, Err(StoreError::Duplicate { field: "pregnancy" })),
            "{}: a second open pregnancy: {again:?}",
            t.label
        );
        let td = TdGiven {
            schedule: schedule(),
            lot: "TD-1".to_owned(),
            given_by: "Midwife".to_owned(),
        };
        let first = store
            .record_anc_contact(
                &admin(),
                pregnancy.id,
                clinic.id,
                &contact("2025-03-01", "negative", &[], true),
                Some(td),
            )
            .await
            .unwrap();
        assert_eq!(
            first.contact_number, 1,
            "{}: 8+4 weeks counts as contact 1",
            t.label
        );
        assert!(!first.urgent, "{}", t.label);
        let urgent = store
            .record_anc_contact(
                &admin(),
                pregnancy.id,
                clinic.id,
                &contact("2025-05-20", "", &["fever".to_owned()], false),
                None,
            )
            .await
            .unwrap();
        assert!(urgent.urgent, "{}", t.label);
        assert_eq!(
            urgent.contact_number, 2,
            "{}: 19+6 counts as the 20-week contact",
            t.label
        );
        let hiv = store
            .hiv_screenings_of_pregnancy(pregnancy.id)
            .await
            .unwrap();
        assert_eq!(hiv.len(), 1, "{}", t.label);
        assert_eq!(hiv[0].result, "negative", "{}", t.label);
        assert_eq!(hiv[0].anc_contact_id, Some(first.id), "{}", t.label);
        // Syphilis results are read only through their own gated read.
        let syphilis = store
            .syphilis_screenings_of_pregnancy(pregnancy.id)
            .await
            .unwrap();
        assert_eq!(
            syphilis
                .iter()
                .map(|s| (s.anc_contact_id, s.result.as_str()))
                .collect::<Vec<_>>(),
            vec![(first.id, "negative")],
            "{}",
            t.label
        );
        // The Td dose given at the contact is in the immunisation record.
        let doses = store.doses_of(woman).await.unwrap();
        assert_eq!(doses.len(), 1, "{}", t.label);
        assert_eq!(
            (
                doses[0].antigen.as_str(),
                doses[0].cvx.as_str(),
                doses[0].anc_contact_id
            ),
            ("td", "139", Some(first.id)),
            "{}",
            t.label
        );
        let open = store.open_pregnancies(clinic.id).await.unwrap();
        assert_eq!(open.len(), 1, "{}", t.label);
        assert_eq!(
            open[0].contacts,
            vec![date!(2025 - 03 - 01), date!(2025 - 05 - 20)],
            "{}",
            t.label
        );
        assert_eq!(
            open[0].last_urgent_on,
            Some(date!(2025 - 05 - 20)),
            "{}",
            t.label
        );
        assert_eq!(
            count(
                &t,
                "SELECT COUNT(*) FROM audit_event WHERE action = 'anc_contact_record'"
            )
            .await,
            2
        );
        assert!(
            matches!(verify(&t).await, ChainReport::Intact { .. }),
            "{}",
            t.label
        );
    }
}

fn delivery(on: &str, babies: Vec<BabyInput<'static>>) -> DeliveryDetails {
    DeliveryDetails::parse(
        &DeliveryInput {
            delivered_on: on,
            delivered_time: "05:10",
            place: "facility",
            attendant: "midwife",
            mode: "vaginal",
            mother_outcome: "well",
            babies,
            ..DeliveryInput::default()
        },
        TODAY,
        date!(2025 - 03 - 01),
        MotherNames {
            family_km: "",
            family_latin: "Sok",
        },
    )
    .unwrap()
}

#[tokio::test]
async fn a_delivery_registers_each_live_born_baby_linked_to_the_mother() {
    for t in all().await {
        let store = &t.store;
        let clinic = facility(&t).await;
        let woman = insert_person(&t, "Sok", "Dara", Some(clinic.id)).await;
        let pregnancy = store
            .register_pregnancy(
                &admin(),
                woman,
                clinic.id,
                &pregnancy_details("2025-03-01", "2025-01-01"),
            )
            .await
            .unwrap();
        let twins = delivery(
            "2025-10-01",
            vec![
                BabyInput {
                    outcome: "live_birth",
                    sex: "female",
                    weight_g: "2300",
                    given_name_latin: "Srey",
                    ..BabyInput::default()
                },
                BabyInput {
                    outcome: "still_birth_fresh",
                    weight_g: "2100",
                    ..BabyInput::default()
                },
            ],
        );
        let recorded = store
            .record_delivery(&admin(), pregnancy.id, pregnancy.version, &twins)
            .await
            .unwrap();
        assert_eq!(recorded.gestational_age_days, 273, "{}: 39+0", t.label);
        let babies = store.babies_of(recorded.id).await.unwrap();
        assert_eq!(babies.len(), 2, "{}", t.label);
        assert!(babies[0].low_birth_weight, "{}", t.label);
        let baby = babies[0].person_id.expect("a live-born baby is a person");
        assert_eq!(
            babies[1].person_id, None,
            "{}: a still birth is no person",
            t.label
        );
        let person = store.person(baby).await.unwrap();
        assert_eq!(
            (
                person.family_name_latin.as_str(),
                person.given_name_latin.as_str()
            ),
            ("Sok", "Srey"),
            "{}",
            t.label
        );
        assert_eq!(person.birth_date, date!(2025 - 10 - 01), "{}", t.label);
        assert_eq!(
            person.registered_facility_id,
            Some(clinic.id),
            "{}",
            t.label
        );
        let relationships = store.relationships_of(&[baby]).await.unwrap();
        assert_eq!(relationships.len(), 1, "{}", t.label);
        assert_eq!(
            (relationships[0].other_id, relationships[0].kind.code()),
            (woman, "mother"),
            "{}",
            t.label
        );
        assert_eq!(
            store.delivery_of_baby(baby).await.unwrap().map(|d| d.id),
            Some(recorded.id)
        );
        // The pregnancy is closed: a second delivery is a conflict, and nothing of it
        // is written.
        let people = count(&t, "SELECT COUNT(*) FROM person").await;
        let again = store
            .record_delivery(&admin(), pregnancy.id, pregnancy.version, &twins)
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict { .. })),
            "{}: {again:?}",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM person").await,
            people,
            "{}",
            t.label
        );
        assert!(
            store.open_pregnancies(clinic.id).await.unwrap().is_empty(),
            "{}",
            t.label
        );
        // Postnatal contacts of the mother and the baby; someone else is refused.
        let pnc = PncContactDetails::parse(
            &PncContactInput {
                contact_on: "2025-10-03",
                breastfeeding: true,
                ..PncContactInput::default()
            },
            TODAY,
            date!(2025 - 10 - 01),
        )
        .unwrap();
        let contact = store
            .record_pnc_contact(&admin(), recorded.id, baby, clinic.id, &pnc)
            .await
            .unwrap();
        assert_eq!(
            (contact.contact_number, contact.day_after_birth),
            (2, 2),
            "{}",
            t.label
        );
        store
            .record_pnc_contact(&admin(), recorded.id, woman, clinic.id, &pnc)
            .await
            .unwrap();
        let stranger = insert_person(&t, "Other", "Person", None).await;
        let refused = store
            .record_pnc_contact(&admin(), recorded.id, stranger, clinic.id, &pnc)
            .await;
        assert!(
            matches!(refused, Err(StoreError::NotFound { .. })),
            "{}",
            t.label
        );
        assert_eq!(
            store.pnc_contacts(recorded.id).await.unwrap().len(),
            2,
            "{}",
            t.label
        );
        assert_eq!(
            store
                .deliveries_since(clinic.id, date!(2025 - 09 - 01))
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            matches!(verify(&t).await, ChainReport::Intact { .. }),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn doses_keep_the_valid_dose_table_and_coverage_up_to_date() {
    for t in all().await {
        let store = &t.store;
        let clinic = facility(&t).await;
        let amara = insert_child(&t, "2025-01-01", "female", clinic.id).await;
        let bopha = insert_child(&t, "2025-02-01", "female", clinic.id).await;
        let older = insert_child(&t, "2023-02-01", "male", clinic.id).await;
        store
            .record_doses(
                &admin(),
                &[
                    dose(amara, clinic.id, "penta", date!(2025 - 02 - 12)),
                    dose(amara, clinic.id, "penta", date!(2025 - 03 - 12)),
                    // Too young: recorded, does not count.
                    dose(bopha, clinic.id, "penta", date!(2025 - 02 - 20)),
                    dose(older, clinic.id, "penta", date!(2023 - 03 - 20)),
                ],
                schedule(),
            )
            .await
            .unwrap();
        let (children, coverage) = store
            .immunisation_coverage(clinic.id, date!(2025 - 01 - 01), date!(2025 - 12 - 31))
            .await
            .unwrap();
        assert_eq!(children, 2, "{}", t.label);
        let penta = |n: i64| {
            coverage
                .iter()
                .find(|c| c.antigen == "penta" && c.valid_doses == n)
                .map(|c| c.children)
        };
        assert_eq!(
            (penta(1), penta(2), penta(3)),
            (Some(1), Some(1), None),
            "{}",
            t.label
        );
        // A dose typed in late, dated earlier, is taken into account.
        store
            .record_doses(
                &admin(),
                &[dose(bopha, clinic.id, "penta", date!(2025 - 03 - 20))],
                schedule(),
            )
            .await
            .unwrap();
        let (_, coverage) = store
            .immunisation_coverage(clinic.id, date!(2025 - 01 - 01), date!(2025 - 12 - 31))
            .await
            .unwrap();
        let penta = |n: i64| {
            coverage
                .iter()
                .find(|c| c.antigen == "penta" && c.valid_doses == n)
                .map(|c| c.children)
        };
        assert_eq!(penta(1), Some(2), "{}", t.label);
        // Entered in error: it leaves the record and the counts.
        let wrong = store.doses_of(amara).await.unwrap().pop().unwrap();
        store
            .mark_dose_entered_in_error(
                &admin(),
                wrong.id,
                wrong.version,
                "wrong child",
                schedule(),
            )
            .await
            .unwrap();
        assert_eq!(store.doses_of(amara).await.unwrap().len(), 1, "{}", t.label);
        let (_, coverage) = store
            .immunisation_coverage(clinic.id, date!(2025 - 01 - 01), date!(2025 - 12 - 31))
            .await
            .unwrap();
        assert!(
            !coverage
                .iter()
                .any(|c| c.antigen == "penta" && c.valid_doses == 2),
            "{}",
            t.label
        );
        let stale = store
            .mark_dose_entered_in_error(&admin(), wrong.id, wrong.version, "again", schedule())
            .await;
        assert!(stale.is_err(), "{}", t.label);
        // The session list holds the facility's children born since a day.
        let reached = store
            .immunisation_children(clinic.id, date!(2024 - 01 - 01))
            .await
            .unwrap();
        assert_eq!(reached.len(), 2, "{}", t.label);
        assert_eq!(reached[0].1.len(), 1, "{}: amara's doses", t.label);
        assert_eq!(
            count(
                &t,
                "SELECT COUNT(*) FROM audit_event WHERE action = 'immunisation_dose_record'"
            )
            .await,
            5
        );
    }
}

#[tokio::test]
async fn family_planning_follow_ups_are_each_clients_latest_visit() {
    for t in all().await {
        let store = &t.store;
        let clinic = facility(&t).await;
        let dara = insert_person(&t, "Sok", "Dara", Some(clinic.id)).await;
        let vanna = insert_person(&t, "Chan", "Vanna", Some(clinic.id)).await;
        let visit = |on: &'static str, method: &'static str| {
            FpVisitDetails::parse(
                &FpVisitInput {
                    visit_on: on,
                    method,
                    counselled: true,
                    ..FpVisitInput::default()
                },
                TODAY,
                None,
            )
            .unwrap()
        };
        store
            .record_fp_visit(
                &admin(),
                dara,
                clinic.id,
                &visit("2025-06-01", "injectable"),
            )
            .await
            .unwrap();
        store
            .record_fp_visit(
                &admin(),
                vanna,
                clinic.id,
                &visit("2025-06-01", "injectable"),
            )
            .await
            .unwrap();
        // Vanna came back: her new follow-up is in September.
        store
            .record_fp_visit(&admin(), vanna, clinic.id, &visit("2025-08-20", "pill"))
            .await
            .unwrap();
        let due = store
            .fp_follow_ups_due(clinic.id, date!(2025 - 09 - 15))
            .await
            .unwrap();
        let due: Vec<(Id, Option<Date>)> =
            due.iter().map(|v| (v.person_id, v.follow_up_on)).collect();
        assert_eq!(
            due,
            vec![(dara, Some(date!(2025 - 08 - 31)))],
            "{}",
            t.label
        );
        let due = store
            .fp_follow_ups_due(clinic.id, date!(2025 - 12 - 01))
            .await
            .unwrap();
        assert_eq!(due.len(), 2, "{}", t.label);
        assert_eq!(
            store.fp_visits_of(vanna).await.unwrap().len(),
            2,
            "{}",
            t.label
        );
        // Vanna's second visit was typed for the wrong woman: marked in error, her
        // first visit's follow-up is the one due again.
        let second = store.fp_visits_of(vanna).await.unwrap();
        let latest = second
            .iter()
            .find(|v| v.visit_on == date!(2025 - 08 - 20))
            .unwrap();
        let stale = store
            .mark_entered_in_error(
                &admin(),
                Correctable::FpVisit,
                latest.id,
                latest.version + 1,
                "wrong client",
                schedule(),
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { .. })),
            "{}: {stale:?}",
            t.label
        );
        store
            .mark_entered_in_error(
                &admin(),
                Correctable::FpVisit,
                latest.id,
                latest.version,
                "wrong client",
                schedule(),
            )
            .await
            .unwrap();
        assert_eq!(
            store.fp_visits_of(vanna).await.unwrap().len(),
            1,
            "{}",
            t.label
        );
        let due = store
            .fp_follow_ups_due(clinic.id, date!(2025 - 09 - 15))
            .await
            .unwrap();
        assert_eq!(due.len(), 2, "{}: both follow-ups due again", t.label);
        assert_eq!(
            count(
                &t,
                "SELECT COUNT(*) FROM fp_visit WHERE entered_in_error_reason = 'wrong client'"
            )
            .await,
            1,
            "{}: kept, with why",
            t.label
        );
    }
}

#[tokio::test]
async fn a_pregnancy_is_corrected_by_its_version_ended_and_its_contacts_marked_in_error() {
    for t in all().await {
        let store = &t.store;
        let clinic = facility(&t).await;
        let woman = insert_person(&t, "Keo", "Sreymom", Some(clinic.id)).await;
        let pregnancy = store
            .register_pregnancy(
                &admin(),
                woman,
                clinic.id,
                &pregnancy_details("2025-03-01", "2025-01-01"),
            )
            .await
            .unwrap();
        let td = TdGiven {
            schedule: schedule(),
            lot: "TD-1".to_owned(),
            given_by: "Midwife".to_owned(),
        };
        let first = store
            .record_anc_contact(
                &admin(),
                pregnancy.id,
                clinic.id,
                &contact("2025-03-01", "", &[], true),
                Some(td),
            )
            .await
            .unwrap();
        assert_eq!(first.contact_number, 1, "{}", t.label);
        // The LMP was a month earlier: the EDD and the contact's week follow.
        let corrected_details = PregnancyDetails::parse(
            &PregnancyInput {
                registered_on: "2025-03-01",
                lmp: "2024-12-01",
                gravida: "3",
                para: "2",
                risk_factors: &["anaemia".to_owned()],
                ..PregnancyInput::default()
            },
            TODAY,
        )
        .unwrap();
        let corrected = store
            .correct_pregnancy(
                &admin(),
                pregnancy.id,
                pregnancy.version,
                &corrected_details,
            )
            .await
            .unwrap();
        assert_eq!(
            (
                corrected.edd,
                corrected.gravida,
                corrected.para,
                corrected.version
            ),
            (date!(2025 - 09 - 07), 3, 2, pregnancy.version + 1),
            "{}",
            t.label
        );
        assert_eq!(corrected.risk_factors, "anaemia", "{}", t.label);
        let contacts = store.anc_contacts(pregnancy.id).await.unwrap();
        assert_eq!(
            (contacts[0].gestational_age_days, contacts[0].contact_number),
            (90, 1),
            "{}: 12+6 is still contact 1",
            t.label
        );
        let stale = store
            .correct_pregnancy(
                &admin(),
                pregnancy.id,
                pregnancy.version,
                &corrected_details,
            )
            .await;
        assert!(
            matches!(
                stale,
                Err(StoreError::Conflict {
                    entity: "pregnancy"
                })
            ),
            "{}: a stale version: {stale:?}",
            t.label
        );
        // The contact was typed on the wrong pregnancy: marked in error, with its Td dose.
        store
            .mark_entered_in_error(
                &admin(),
                Correctable::AncContact,
                first.id,
                first.version,
                "wrong woman",
                schedule(),
            )
            .await
            .unwrap();
        assert!(
            store.anc_contacts(pregnancy.id).await.unwrap().is_empty(),
            "{}",
            t.label
        );
        assert!(
            store.doses_of(woman).await.unwrap().is_empty(),
            "{}: the Td dose of the contact goes with it",
            t.label
        );
        let again = store
            .mark_entered_in_error(
                &admin(),
                Correctable::AncContact,
                first.id,
                first.version,
                "again",
                schedule(),
            )
            .await;
        assert!(
            matches!(again, Err(StoreError::NotFound { .. })),
            "{}: {again:?}",
            t.label
        );
        // A miscarriage ends the pregnancy: off the worklist, and a new one may start.
        let end = PregnancyEndDetails::parse(
            &PregnancyEndInput {
                ended_on: "2025-04-10",
                reason: "miscarriage",
                notes: "",
            },
            TODAY,
            corrected.registered_on,
        )
        .unwrap();
        let stale = store
            .end_pregnancy(&admin(), pregnancy.id, pregnancy.version, &end)
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { .. })),
            "{}: {stale:?}",
            t.label
        );
        let ended = store
            .end_pregnancy(&admin(), pregnancy.id, corrected.version, &end)
            .await
            .unwrap();
        assert_eq!(
            (ended.ended_on, ended.end_reason.as_str(), ended.is_open()),
            (Some(date!(2025 - 04 - 10)), "miscarriage", false),
            "{}",
            t.label
        );
        assert!(
            store.open_pregnancies(clinic.id).await.unwrap().is_empty(),
            "{}",
            t.label
        );
        let refused = store
            .record_delivery(
                &admin(),
                pregnancy.id,
                ended.version,
                &delivery(
                    "2025-10-01",
                    vec![BabyInput {
                        outcome: "live_birth",
                        sex: "female",
                        ..BabyInput::default()
                    }],
                ),
            )
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict { .. })),
            "{}: no delivery of an ended pregnancy: {refused:?}",
            t.label
        );
        store
            .register_pregnancy(
                &admin(),
                woman,
                clinic.id,
                &pregnancy_details("2025-11-01", "2025-10-01"),
            )
            .await
            .unwrap();
        for action in [
            "pregnancy_correct",
            "pregnancy_end",
            "anc_contact_entered_in_error",
        ] {
            assert_eq!(
                count(
                    &t,
                    &format!("SELECT COUNT(*) FROM audit_event WHERE action = '{action}'")
                )
                .await,
                1,
                "{}: {action}",
                t.label
            );
        }
        assert!(
            matches!(verify(&t).await, ChainReport::Intact { .. }),
            "{}",
            t.label
        );
    }
}
