//! haven-app tests of the clinic part: tables of cases, action x caller x target.
//!
//! The rules checked here were once written in haven-web, some twice and some in
//! one adapter only (issue 13): check-in only at an open clinical facility (the page
//! checked it, the API did not); nothing more on a discharged stay (the API checked
//! it for notes, the page also for the discharge itself); lab results parsed and
//! flagged once; HIV orders and results only with the HIV permission; reads in read
//! reach (NotFound), writes in WRITE reach (ScopeBeyondYours).

use std::collections::BTreeMap;

use haven_app::clinic::{NewAdmission, STAY_DISCHARGED};
use haven_app::{AppError, Caller};
use haven_domain::clinic::lab::{catalogue, LabState};
use haven_domain::clinic::vitals::{Vitals, VitalsInput};
use haven_domain::clinic::{Discharge, VisitType};
use haven_domain::person::{BirthDate, Category, NameInput, PersonNames, Sex};
use haven_domain::places::{FacilityDetails, FacilityInput, PlaceName};
use haven_domain::{Kind, Role, Scope};
use haven_store::clinic::Encounter;
use haven_store::{Actor, Address, Id, NewPerson, PersonDetails, PlaceKind};
use time::macros::date;

use crate::{outcome, World};

const TODAY: time::Date = date!(2026 - 11 - 22);

/// The outcome, with a refusing rule named by its code (`outcome` says only
/// `validation.failed` for every refusal).
fn clinic_outcome<T>(result: &haven_app::Result<T>) -> String {
    match result {
        Err(AppError::Refused(code)) => (*code).to_owned(),
        other => outcome(other),
    }
}

/// The records the cases act on: people, visits and stays at A1, A2 and B1, a
/// closed clinic in P1, and lab orders (one of the HIV class).
struct Clinic {
    person_a1: Id,
    person_b1: Id,
    closed: Id,
    visit_a1: Id,
    visit_a2: Id,
    visit_b1: Id,
    bed_a1: Id,
    bed_b1: Id,
    stay_a1: Id,
    discharged_stay: Id,
    order_a1: Id,
    order_a2: Id,
    hiv_order: Id,
}

fn new_person(facility: Id, given: &str) -> NewPerson {
    NewPerson {
        details: PersonDetails {
            names: PersonNames::parse(&NameInput {
                family_latin: "Sok",
                given_latin: given,
                ..NameInput::default()
            })
            .unwrap(),
            sex: Sex::Female,
            birth_date: BirthDate::exact(date!(1990 - 03 - 04), TODAY).unwrap(),
            phone: None,
            address: Address {
                province_code: "KH-12".to_owned(),
                ..Address::default()
            },
            registered_facility: Some(facility),
        },
        identifiers: Vec::new(),
        categories: vec![Category::CommunityMember],
    }
}

async fn clinic(w: &World) -> Clinic {
    let store = w.app.store();
    let system = Actor::system();
    let person = |facility: Id, given: &'static str| async move {
        store
            .create_person(&Actor::system(), &new_person(facility, given))
            .await
            .unwrap()
            .id
    };
    let person_a1 = person(w.a1, "Dara").await;
    let person_a1_two = person(w.a1, "Vanna").await;
    let person_a2 = person(w.a2, "Sophea").await;
    let person_b1 = person(w.b1, "Rith").await;
    let closed = store
        .create_facility(
            &system,
            w.p1,
            &FacilityDetails::parse(
                &FacilityInput {
                    kind: "medical_centre",
                    name: "A3",
                    name_km: "",
                    opened_on: "2001-06-01",
                    catchment_population: "",
                },
                TODAY,
            )
            .unwrap(),
        )
        .await
        .unwrap();
    store
        .close_place(&system, PlaceKind::Facility, closed.id, closed.version)
        .await
        .unwrap();
    let visit = |person: Id, facility: Id| async move {
        store
            .check_in(
                &Actor::system(),
                person,
                facility,
                VisitType::General,
                TODAY,
                None,
            )
            .await
            .unwrap()
    };
    let visit_a1 = visit(person_a1, w.a1).await;
    let visit_a2 = visit(person_a2, w.a2).await;
    let visit_b1 = visit(person_b1, w.b1).await;
    let bed = |facility: Id| async move {
        let ward = store
            .create_ward(
                &Actor::system(),
                facility,
                &PlaceName::parse("Ward").unwrap(),
            )
            .await
            .unwrap();
        let mut beds = Vec::new();
        for label in ["1", "2", "3"] {
            beds.push(
                store
                    .create_bed(&Actor::system(), ward.id, &PlaceName::parse(label).unwrap())
                    .await
                    .unwrap()
                    .id,
            );
        }
        beds
    };
    let beds_a1 = bed(w.a1).await;
    let beds_b1 = bed(w.b1).await;
    let stay_a1 = store
        .admit(&system, person_a1, beds_a1[0], None, "fever", TODAY, None)
        .await
        .unwrap();
    let discharged_stay = store
        .admit(
            &system,
            person_a1_two,
            beds_a1[1],
            None,
            "fever",
            TODAY,
            None,
        )
        .await
        .unwrap();
    let stay = store.stay(discharged_stay).await.unwrap();
    store
        .discharge(
            &system,
            discharged_stay,
            stay.version,
            &Discharge::parse("recovered", "well", "").unwrap(),
        )
        .await
        .unwrap();
    let order = |visit: Id, test: &'static str| async move {
        store
            .order_lab_test(
                &Actor::system(),
                Encounter::Visit(visit),
                catalogue().test(test).unwrap(),
                "",
                None,
            )
            .await
            .unwrap()
    };
    let order_a1 = order(visit_a1, "malaria_rdt").await;
    let order_a2 = order(visit_a2, "malaria_rdt").await;
    let hiv_order = order(visit_a1, "hiv_rapid").await;
    for id in [order_a1, order_a2] {
        let everything = haven_store::clinic::Viewer::everything();
        let version = store.lab_order(&everything, id).await.unwrap().version;
        store
            .advance_lab_order(&system, &everything, id, version, LabState::SampleTaken)
            .await
            .unwrap();
    }
    Clinic {
        person_a1,
        person_b1,
        closed: closed.id,
        visit_a1,
        visit_a2,
        visit_b1,
        bed_a1: beds_a1[2],
        bed_b1: beds_b1[0],
        stay_a1,
        discharged_stay,
        order_a1,
        order_a2,
        hiv_order,
    }
}

/// The callers the rules tell apart.
struct Callers {
    doctor_a1: Caller,
    doctor_p1: Caller,
    doctor_b1: Caller,
    nurse_a1: Caller,
    clerk_a1: Caller,
    sos_parent_a1: Caller,
    /// Runs the laboratory of A1 and, as a nurse, reads the laboratory of all P1:
    /// in read reach at A2, but not in write reach there.
    lab_a1_nurse_p1: Caller,
}

async fn callers(w: &World) -> Callers {
    let at = |role: Role, scope: Scope| vec![(role, scope)];
    let a1 = w.facility(w.a1);
    let p1 = Scope::Programme(w.p1.to_string());
    Callers {
        doctor_a1: w
            .account("doctor-a1", &at(Role::Doctor, a1.clone()))
            .await
            .1,
        doctor_p1: w
            .account("doctor-p1", &at(Role::Doctor, p1.clone()))
            .await
            .1,
        doctor_b1: w
            .account("doctor-b1", &at(Role::Doctor, w.facility(w.b1)))
            .await
            .1,
        nurse_a1: w
            .account("nurse-a1", &at(Role::RegisteredNurse, a1.clone()))
            .await
            .1,
        clerk_a1: w
            .account("clerk-a1", &at(Role::RecordsClerk, a1.clone()))
            .await
            .1,
        sos_parent_a1: w
            .account("parent-a1", &at(Role::SosParent, a1.clone()))
            .await
            .1,
        lab_a1_nurse_p1: w
            .account(
                "lab-a1",
                &[
                    (Role::LaboratoryTechnician, a1),
                    (Role::RegisteredNurse, p1),
                ],
            )
            .await
            .1,
    }
}

fn check(label: &str, cases: Vec<(&str, String, &str)>) {
    for (what, got, expected) in cases {
        assert_eq!(got, expected, "[{label}] {what}");
    }
}

#[tokio::test]
async fn check_in_needs_an_open_clinical_facility_in_write_reach() {
    for w in World::all().await {
        let c = clinic(&w).await;
        let who = callers(&w).await;
        let app = &w.app;
        let check_in = |caller: &Caller, person: Id, facility: Id| {
            let caller = caller.clone();
            async move {
                app.check_in(&caller, person, facility, VisitType::General, TODAY, None)
                    .await
            }
        };
        check(
            w.label,
            vec![
                (
                    "a clerk at her facility",
                    outcome(&check_in(&who.clerk_a1, c.person_a1, w.a1).await),
                    "ok",
                ),
                (
                    "a clerk at another programme's facility",
                    outcome(&check_in(&who.clerk_a1, c.person_a1, w.b1).await),
                    "not_found",
                ),
                (
                    "a clerk, a person out of her reach",
                    outcome(&check_in(&who.clerk_a1, c.person_b1, w.a1).await),
                    "not_found",
                ),
                (
                    "a programme's doctor at a closed facility of it",
                    outcome(&check_in(&who.doctor_p1, c.person_a1, c.closed).await),
                    "invalid facility",
                ),
                (
                    "a programme's doctor at an open facility of it",
                    outcome(&check_in(&who.doctor_p1, c.person_a1, w.a2).await),
                    "ok",
                ),
                (
                    "an SOS parent checks nobody in",
                    outcome(&check_in(&who.sos_parent_a1, c.person_a1, w.a1).await),
                    "auth.forbidden",
                ),
                (
                    "the closed facility is not offered",
                    format!(
                        "{:?}",
                        app.check_in_choices(&who.doctor_p1, c.person_a1)
                            .await
                            .unwrap()
                            .1
                            .iter()
                            .any(|f| f.id == c.closed)
                    ),
                    "false",
                ),
            ],
        );
    }
}

fn vitals() -> Vitals {
    Vitals::parse(&VitalsInput {
        temperature: "37.2",
        ..VitalsInput::default()
    })
    .unwrap()
}

#[tokio::test]
async fn visits_and_stays_are_read_in_read_reach_and_written_in_write_reach() {
    for w in World::all().await {
        let c = clinic(&w).await;
        let who = callers(&w).await;
        let app = &w.app;
        let v = vitals();
        let vitals_at = |caller: &Caller, encounter: Encounter| {
            let (caller, v) = (caller.clone(), v.clone());
            async move { app.record_vitals(&caller, encounter, &v, None).await }
        };
        let visit_a1 = Encounter::Visit(c.visit_a1);
        check(
            w.label,
            vec![
                (
                    "a doctor reads a visit of her facility",
                    outcome(&app.visit_to_read(&who.doctor_a1, c.visit_a1).await),
                    "ok",
                ),
                (
                    "a doctor reads a visit of another programme",
                    outcome(&app.visit_to_read(&who.doctor_a1, c.visit_b1).await),
                    "not_found",
                ),
                (
                    "a clerk reads no visit",
                    outcome(&app.visit_to_read(&who.clerk_a1, c.visit_a1).await),
                    "auth.forbidden",
                ),
                (
                    "a doctor records vital signs at her facility",
                    outcome(&vitals_at(&who.doctor_a1, visit_a1).await),
                    "ok",
                ),
                (
                    "a doctor records at another facility",
                    outcome(&vitals_at(&who.doctor_b1, visit_a1).await),
                    "not_found",
                ),
                (
                    "a doctor records at another facility of her programme",
                    outcome(&vitals_at(&who.doctor_p1, Encounter::Visit(c.visit_a2)).await),
                    "ok",
                ),
                (
                    "a clerk records no vital signs",
                    outcome(&vitals_at(&who.clerk_a1, visit_a1).await),
                    "auth.forbidden",
                ),
                (
                    "a nurse records on an open stay",
                    outcome(&vitals_at(&who.nurse_a1, Encounter::Stay(c.stay_a1)).await),
                    "ok",
                ),
                (
                    "nothing more on a discharged stay: vital signs",
                    clinic_outcome(
                        &vitals_at(&who.nurse_a1, Encounter::Stay(c.discharged_stay)).await,
                    ),
                    STAY_DISCHARGED,
                ),
                (
                    "nothing more on a discharged stay: a note",
                    clinic_outcome(
                        &app.add_progress_note(&who.doctor_a1, c.discharged_stay, "late", None)
                            .await,
                    ),
                    STAY_DISCHARGED,
                ),
                (
                    "nothing more on a discharged stay: a second discharge",
                    clinic_outcome(
                        &app.discharge(
                            &who.doctor_a1,
                            c.discharged_stay,
                            99,
                            &Discharge::parse("recovered", "well", "").unwrap(),
                        )
                        .await,
                    ),
                    STAY_DISCHARGED,
                ),
                (
                    "nothing more on a discharged stay: a transfer",
                    clinic_outcome(
                        &app.transfer(&who.doctor_a1, c.discharged_stay, 99, c.bed_a1)
                            .await,
                    ),
                    STAY_DISCHARGED,
                ),
                (
                    "a discharged stay is still read",
                    outcome(&app.stay_to_read(&who.doctor_a1, c.discharged_stay).await),
                    "ok",
                ),
                (
                    "a stay out of reach is not found, discharged or not",
                    outcome(
                        &app.add_progress_note(&who.doctor_b1, c.discharged_stay, "x", None)
                            .await,
                    ),
                    "not_found",
                ),
                (
                    "a transfer to a bed of another facility",
                    outcome(&app.transfer(&who.doctor_a1, c.stay_a1, 1, c.bed_b1).await),
                    "invalid bed",
                ),
            ],
        );
        // Admissions: the bed in reach, open, at an open clinic; the person in reach.
        let admit = |caller: &Caller, person: Id, bed: Id, visit: Option<Id>| {
            let caller = caller.clone();
            async move {
                app.admit(
                    &caller,
                    &NewAdmission {
                        person,
                        bed,
                        visit,
                        reason: "observation",
                        today: TODAY,
                        token: None,
                    },
                )
                .await
            }
        };
        check(
            w.label,
            vec![
                (
                    "a bed of another programme",
                    outcome(&admit(&who.doctor_a1, c.person_a1, c.bed_b1, None).await),
                    "not_found",
                ),
                (
                    "a visit of another person",
                    outcome(&admit(&who.doctor_b1, c.person_b1, c.bed_b1, Some(c.visit_a1)).await),
                    "invalid visit",
                ),
                (
                    "a clerk admits nobody",
                    outcome(&admit(&who.clerk_a1, c.person_a1, c.bed_a1, None).await),
                    "auth.forbidden",
                ),
                (
                    "a person admitted already",
                    outcome(&admit(&who.doctor_a1, c.person_a1, c.bed_a1, None).await),
                    "conflict.duplicate",
                ),
                (
                    "a doctor admits at her facility, from the person's visit",
                    outcome(&admit(&who.doctor_b1, c.person_b1, c.bed_b1, Some(c.visit_b1)).await),
                    "ok",
                ),
            ],
        );
    }
}

#[tokio::test]
async fn hiv_tests_and_results_need_the_hiv_permission() {
    for w in World::all().await {
        let c = clinic(&w).await;
        let who = callers(&w).await;
        let app = &w.app;
        let visit_a1 = Encounter::Visit(c.visit_a1);
        let read = |caller: &Caller, id: Id, through: Kind| {
            let caller = caller.clone();
            async move { app.lab_order_to_read(&caller, id, through).await }
        };
        check(
            w.label,
            vec![
                (
                    "a nurse orders a malaria test",
                    outcome(
                        &app.order_lab_test(&who.nurse_a1, visit_a1, "malaria_rdt", "", None)
                            .await,
                    ),
                    "ok",
                ),
                (
                    "a nurse, who does not read HIV results, orders no HIV test",
                    outcome(
                        &app.order_lab_test(&who.nurse_a1, visit_a1, "hiv_rapid", "", None)
                            .await,
                    ),
                    "invalid test",
                ),
                (
                    "a doctor orders an HIV test",
                    outcome(
                        &app.order_lab_test(&who.doctor_a1, visit_a1, "hiv_rapid", "", None)
                            .await,
                    ),
                    "ok",
                ),
                (
                    "a test not of the catalogue, and a note too long",
                    outcome(
                        &app.order_lab_test(
                            &who.doctor_a1,
                            visit_a1,
                            "x-ray",
                            &"a".repeat(2_000),
                            None,
                        )
                        .await,
                    ),
                    "invalid test,clinical_note",
                ),
                (
                    "a nurse reads a malaria order",
                    outcome(&read(&who.nurse_a1, c.order_a1, Kind::Laboratory).await),
                    "ok",
                ),
                (
                    "a nurse does not find an HIV order",
                    outcome(&read(&who.nurse_a1, c.hiv_order, Kind::Laboratory).await),
                    "not_found",
                ),
                (
                    "a laboratory technician reads an HIV order",
                    outcome(&read(&who.lab_a1_nurse_p1, c.hiv_order, Kind::Laboratory).await),
                    "ok",
                ),
                (
                    "an SOS parent reads no lab order",
                    outcome(&read(&who.sos_parent_a1, c.order_a1, Kind::Laboratory).await),
                    "auth.forbidden",
                ),
            ],
        );
    }
}

#[tokio::test]
async fn lab_results_are_entered_in_write_reach_and_parsed_once() {
    for w in World::all().await {
        let c = clinic(&w).await;
        let who = callers(&w).await;
        let app = &w.app;
        let enter = |caller: &Caller, id: Id, value: &'static str| {
            let caller = caller.clone();
            async move {
                let values: BTreeMap<String, String> =
                    [("malaria_rdt".to_owned(), value.to_owned())].into();
                let version = app
                    .store()
                    .lab_order(&haven_store::clinic::Viewer::everything(), id)
                    .await
                    .unwrap()
                    .version;
                app.enter_lab_results(&caller, id, version, &values, TODAY)
                    .await
            }
        };
        check(
            w.label,
            vec![
                (
                    "a nurse reads the laboratory but enters no result",
                    outcome(&enter(&who.nurse_a1, c.order_a1, "negative").await),
                    "auth.forbidden",
                ),
                (
                    "another programme's doctor does not find the order",
                    outcome(&enter(&who.doctor_b1, c.order_a1, "negative").await),
                    "not_found",
                ),
                (
                    "read reach (as a nurse of P1) is not write reach (the lab of A1)",
                    outcome(&enter(&who.lab_a1_nurse_p1, c.order_a2, "negative").await),
                    "auth.scope_beyond_yours",
                ),
                (
                    "an answer that is not one of the test's",
                    outcome(&enter(&who.lab_a1_nurse_p1, c.order_a1, "purple").await),
                    "invalid malaria_rdt",
                ),
                (
                    "the laboratory enters a result at its facility",
                    outcome(&enter(&who.lab_a1_nurse_p1, c.order_a1, "p_falciparum").await),
                    "ok",
                ),
            ],
        );
        // The result is flagged by the catalogue, once, as entered.
        let record = app
            .lab_order_to_read(&who.doctor_a1, c.order_a1, Kind::Laboratory)
            .await
            .unwrap();
        assert_eq!(record.order.state().code(), "resulted", "[{}]", w.label);
        assert_eq!(record.results.len(), 1, "[{}]", w.label);
        assert_eq!(
            record.results[0].value_code, "p_falciparum",
            "[{}]",
            w.label
        );
        assert_ne!(record.order.flag, "normal", "[{}]", w.label);
        // A result stands: cancelling the order is refused by its rule.
        check(
            w.label,
            vec![
                (
                    "cancel an order with results",
                    clinic_outcome(
                        &app.cancel_lab_order(
                            &who.doctor_a1,
                            c.order_a1,
                            record.order.version,
                            "ordered twice",
                        )
                        .await,
                    ),
                    haven_app::clinic::LAB_ORDER_HAS_RESULTS,
                ),
                (
                    "only the ordering clinician marks a result seen",
                    outcome(&app.mark_result_seen(&who.doctor_a1, c.order_a1).await),
                    "not_found",
                ),
            ],
        );
    }
}
