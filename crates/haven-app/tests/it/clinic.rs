//! haven-app tests of the clinic part: tables of cases, action x caller x target.
//!
//! The rules checked here were once written in haven-web, some twice and some in
//! one adapter only (issue 13): check-in only at an open clinical facility (the page
//! checked it, the API did not); nothing more on a discharged stay (the API checked
//! it for notes, the page also for the discharge itself); lab results parsed and
//! flagged once; HIV orders and results only with the HIV permission; reads in read
//! reach (NotFound), writes in WRITE reach (ScopeBeyondYours).

use std::collections::BTreeMap;

use haven_app::clinic::{ChartRead, NewAdmission, StockChanged, STAY_DISCHARGED};
use haven_app::{AppError, Caller};
use haven_domain::clinic::lab::{catalogue, LabState};
use haven_domain::clinic::medicines::{Prescription, PrescriptionInput, Receipt, StockChange};
use haven_domain::clinic::vitals::{Vitals, VitalsInput};
use haven_domain::clinic::{Discharge, VisitType};
use haven_domain::person::{BirthDate, Category, NameInput, PersonNames, Sex};
use haven_domain::places::{FacilityDetails, FacilityInput, PlaceName};
use haven_domain::{Kind, Role, Scope};
use haven_store::clinic::{ChartWindow, DispenseOutcome, Encounter};
use haven_store::{Actor, Address, AuditFilter, Id, NewPerson, PersonDetails, PlaceKind};
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

/// Stock and a prescription at A1 and at A2, for the pharmacy's cases.
struct Pharmacy {
    batch_a1: Id,
    batch_a2: Id,
    prescription_a1: Id,
    prescription_a2: Id,
}

async fn pharmacy(w: &World, c: &Clinic) -> Pharmacy {
    let store = w.app.store();
    let receive = |facility: Id| async move {
        let receipt =
            Receipt::parse("paracetamol_500_tab", "B-1", "2027-06-01", "100", TODAY).unwrap();
        store
            .receive_stock(&Actor::system(), facility, &receipt, None)
            .await
            .unwrap()
    };
    let prescribe = |visit: Id| async move {
        let prescription = Prescription::parse(&PrescriptionInput {
            medicine: "paracetamol_500_tab",
            dose: "1 tablet",
            route: "oral",
            frequency: "qds",
            duration_days: "3",
            quantity: "12",
            instructions: "",
        })
        .unwrap();
        store
            .prescribe(
                &Actor::system(),
                Encounter::Visit(visit),
                &prescription,
                None,
            )
            .await
            .unwrap()
    };
    Pharmacy {
        batch_a1: receive(w.a1).await,
        batch_a2: receive(w.a2).await,
        prescription_a1: prescribe(c.visit_a1).await,
        prescription_a2: prescribe(c.visit_a2).await,
    }
}

#[tokio::test]
async fn the_pharmacy_reads_in_read_reach_and_writes_in_write_reach() {
    for w in World::all().await {
        let c = clinic(&w).await;
        let p = pharmacy(&w, &c).await;
        let who = callers(&w).await;
        let app = &w.app;
        let at = |role: Role, scope: Scope| vec![(role, scope)];
        let pharmacist_a1 = w
            .account("pharmacist-a1", &at(Role::Pharmacist, w.facility(w.a1)))
            .await
            .1;
        // Dispenses at A1; as a nurse of P1, reads the medicines of A2 too.
        let pharmacist_a1_nurse_p1 = w
            .account(
                "pharmacist-a1-p1",
                &[
                    (Role::Pharmacist, w.facility(w.a1)),
                    (Role::RegisteredNurse, Scope::Programme(w.p1.to_string())),
                ],
            )
            .await
            .1;
        let issue = StockChange::parse("issue", "1", "", "to the ward").unwrap();
        let receipt = Receipt::parse("ors_sachet", "B-9", "2027-06-01", "10", TODAY).unwrap();
        let version =
            |batch: Id| async move { app.store().stock_batch(batch).await.unwrap().version };
        check(
            w.label,
            vec![
                (
                    "a pharmacist reads her dispensary",
                    outcome(&app.dispensary(&pharmacist_a1, w.a1, TODAY).await),
                    "ok",
                ),
                (
                    "a pharmacist does not find another programme's dispensary",
                    outcome(&app.dispensary(&pharmacist_a1, w.b1, TODAY).await),
                    "not_found",
                ),
                (
                    "a clerk reads no dispensary",
                    outcome(&app.dispensary(&who.clerk_a1, w.a1, TODAY).await),
                    "auth.forbidden",
                ),
                (
                    "a pharmacist does not find the stock of another facility",
                    outcome(&app.facility_stock(&pharmacist_a1, w.a2).await),
                    "not_found",
                ),
                (
                    "read reach (a nurse of P1) reads the stock of A2",
                    outcome(&app.facility_stock(&pharmacist_a1_nurse_p1, w.a2).await),
                    "ok",
                ),
                (
                    "movements, out of read reach",
                    outcome(&app.stock_movements(&pharmacist_a1, w.b1, 10).await),
                    "not_found",
                ),
                (
                    "warnings, in read reach",
                    outcome(
                        &app.stock_warnings(&pharmacist_a1_nurse_p1, w.a2, TODAY)
                            .await,
                    ),
                    "ok",
                ),
                (
                    "prescriptions to dispense, out of read reach",
                    outcome(&app.prescriptions_to_dispense(&who.doctor_b1, w.a1).await),
                    "not_found",
                ),
                (
                    "a batch out of read reach",
                    outcome(&app.stock_batch_to_read(&who.doctor_b1, p.batch_a1).await),
                    "not_found",
                ),
                (
                    "a batch in read reach",
                    outcome(&app.stock_batch_to_read(&who.doctor_a1, p.batch_a1).await),
                    "ok",
                ),
                (
                    "a pharmacist receives stock at her facility",
                    outcome(
                        &app.receive_stock(&pharmacist_a1, w.a1, &receipt, None)
                            .await,
                    ),
                    "ok",
                ),
                (
                    "read reach is not write reach: receiving at A2",
                    outcome(
                        &app.receive_stock(&pharmacist_a1_nurse_p1, w.a2, &receipt, None)
                            .await,
                    ),
                    "auth.scope_beyond_yours",
                ),
                (
                    "a doctor reads medicines but receives no stock",
                    outcome(
                        &app.receive_stock(&who.doctor_a1, w.a1, &receipt, None)
                            .await,
                    ),
                    "auth.forbidden",
                ),
                (
                    "receiving at another programme's facility",
                    outcome(
                        &app.receive_stock(&pharmacist_a1, w.b1, &receipt, None)
                            .await,
                    ),
                    "not_found",
                ),
                (
                    "a pharmacist issues from a batch of her facility",
                    outcome(
                        &app.change_stock(
                            &pharmacist_a1,
                            p.batch_a1,
                            version(p.batch_a1).await,
                            &issue,
                        )
                        .await,
                    ),
                    "ok",
                ),
                (
                    "read reach is not write reach: a batch of A2",
                    outcome(
                        &app.change_stock(
                            &pharmacist_a1_nurse_p1,
                            p.batch_a2,
                            version(p.batch_a2).await,
                            &issue,
                        )
                        .await,
                    ),
                    "auth.scope_beyond_yours",
                ),
                (
                    "a stale version changes nothing",
                    outcome(
                        &app.change_stock(&pharmacist_a1, p.batch_a1, 1, &issue)
                            .await,
                    ),
                    "conflict.stale_version",
                ),
                (
                    "a pharmacist dispenses at her facility",
                    outcome(
                        &app.dispense(&pharmacist_a1, p.prescription_a1, 2, TODAY, None)
                            .await,
                    ),
                    "ok",
                ),
                (
                    "read reach is not write reach: dispensing at A2",
                    outcome(
                        &app.dispense(&pharmacist_a1_nurse_p1, p.prescription_a2, 2, TODAY, None)
                            .await,
                    ),
                    "auth.scope_beyond_yours",
                ),
                (
                    "a doctor dispenses nothing",
                    outcome(
                        &app.dispense(&who.doctor_a1, p.prescription_a1, 2, TODAY, None)
                            .await,
                    ),
                    "auth.forbidden",
                ),
            ],
        );
        // The rules of the stock hold whoever asks: nothing below zero, nothing more
        // than prescribed.
        let too_many = StockChange::parse("issue", "10000", "", "").unwrap();
        let changed = app
            .change_stock(
                &pharmacist_a1,
                p.batch_a1,
                version(p.batch_a1).await,
                &too_many,
            )
            .await
            .unwrap();
        assert!(
            matches!(changed, StockChanged::NotEnough(s) if s.available == 97),
            "[{}] {changed:?}",
            w.label
        );
        let dispensed = app
            .dispense(&pharmacist_a1, p.prescription_a1, 50, TODAY, None)
            .await
            .unwrap();
        assert!(
            matches!(
                dispensed,
                DispenseOutcome::MoreThanPrescribed { remaining: 10 }
            ),
            "[{}] {dispensed:?}",
            w.label
        );
        let home = app.pharmacy_home(&pharmacist_a1).await.unwrap();
        assert_eq!(
            home.iter().map(|(f, n)| (f.id, *n)).collect::<Vec<_>>(),
            vec![(w.a1, 1)],
            "[{}]",
            w.label
        );
    }
}

#[tokio::test]
async fn the_clinic_is_read_in_read_reach_and_reads_are_audited() {
    for w in World::all().await {
        let c = clinic(&w).await;
        let who = callers(&w).await;
        let app = &w.app;
        let visit_a1 = Encounter::Visit(c.visit_a1);
        let since = haven_store::Timestamp::now().plus_seconds(-24 * 3600);
        check(
            w.label,
            vec![
                (
                    "a doctor reads what was recorded at a visit of her facility",
                    outcome(&app.encounter_records(&who.doctor_a1, visit_a1).await),
                    "ok",
                ),
                (
                    "a programme's doctor, at another facility of it",
                    outcome(
                        &app.encounter_records(&who.doctor_p1, Encounter::Visit(c.visit_a2))
                            .await,
                    ),
                    "ok",
                ),
                (
                    "another programme's doctor does not find the visit",
                    outcome(&app.encounter_records(&who.doctor_b1, visit_a1).await),
                    "not_found",
                ),
                (
                    "a clerk reads no clinical record",
                    outcome(&app.encounter_records(&who.clerk_a1, visit_a1).await),
                    "auth.forbidden",
                ),
                (
                    "a stay's details, in read reach",
                    outcome(&app.stay_details(&who.nurse_a1, c.stay_a1).await),
                    "ok",
                ),
                (
                    "a stay's details, out of read reach",
                    outcome(&app.stay_details(&who.doctor_b1, c.stay_a1).await),
                    "not_found",
                ),
                (
                    "an open stay has no discharge summary",
                    outcome(&app.discharge_summary(&who.doctor_a1, c.stay_a1).await),
                    "not_found",
                ),
                (
                    "a discharged stay's summary",
                    outcome(
                        &app.discharge_summary(&who.doctor_a1, c.discharged_stay)
                            .await,
                    ),
                    "ok",
                ),
                (
                    "a discharged stay's summary, out of read reach",
                    outcome(
                        &app.discharge_summary(&who.doctor_b1, c.discharged_stay)
                            .await,
                    ),
                    "not_found",
                ),
                (
                    "a clerk reads her facility's queue",
                    outcome(&app.facility_queue(&who.clerk_a1, w.a1, since).await),
                    "ok",
                ),
                (
                    "a clerk does not find another programme's queue",
                    outcome(&app.facility_queue(&who.clerk_a1, w.b1, since).await),
                    "not_found",
                ),
                (
                    "an SOS parent reads no queue",
                    outcome(&app.facility_queue(&who.sos_parent_a1, w.a1, since).await),
                    "auth.forbidden",
                ),
                (
                    "the laboratory's worklist, in read reach",
                    outcome(&app.lab_worklist(&who.lab_a1_nurse_p1, w.a2, &[]).await),
                    "ok",
                ),
                (
                    "the laboratory's worklist, out of read reach",
                    outcome(&app.lab_worklist(&who.nurse_a1, w.b1, &[]).await),
                    "not_found",
                ),
                (
                    "a clerk reads no worklist",
                    outcome(&app.lab_worklist_orders(&who.clerk_a1, w.a1).await),
                    "auth.forbidden",
                ),
                (
                    "an order's page, in read reach",
                    outcome(&app.read_lab_order(&who.nurse_a1, c.order_a1).await),
                    "ok",
                ),
                (
                    "an order's page, out of read reach",
                    outcome(&app.read_lab_order(&who.doctor_b1, c.order_a1).await),
                    "not_found",
                ),
                (
                    "no result to print before there are results",
                    outcome(&app.print_lab_result(&who.doctor_a1, c.order_a1).await),
                    "not_found",
                ),
                (
                    "a clerk has no results to see",
                    outcome(&app.read_results_to_see(&who.clerk_a1).await),
                    "auth.forbidden",
                ),
                (
                    "a clerk reads a patient's Haven number for the heading",
                    outcome(&app.clinic_haven_number(&who.clerk_a1, c.person_a1).await),
                    "ok",
                ),
                (
                    "an SOS parent reads no clinic heading",
                    outcome(
                        &app.clinic_haven_number(&who.sos_parent_a1, c.person_a1)
                            .await,
                    ),
                    "auth.forbidden",
                ),
                (
                    "a clerk chooses no referral destination",
                    outcome(&app.referral_destinations(&who.clerk_a1, w.a1).await),
                    "auth.forbidden",
                ),
            ],
        );
        // HIV orders reach only those who read HIV results.
        let orders = |caller: &Caller| {
            let caller = caller.clone();
            async move {
                app.encounter_records(&caller, visit_a1)
                    .await
                    .unwrap()
                    .orders
                    .iter()
                    .any(|o| o.id == c.hiv_order)
            }
        };
        assert!(orders(&who.doctor_a1).await, "[{}]", w.label);
        assert!(!orders(&who.nurse_a1).await, "[{}]", w.label);
        // The queue's counts: the facility's waiting visit, out of reach none.
        let home = app.clinic_home(&who.clerk_a1, since).await.unwrap();
        assert_eq!(
            home.iter().map(|(f, n)| (f.id, *n)).collect::<Vec<_>>(),
            vec![(w.a1, 1)],
            "[{}]",
            w.label
        );
        // The clinic's part of a person's page: nothing for one who reads no visit,
        // the last visit for a doctor in reach.
        let person = app.store().person(c.person_a1).await.unwrap();
        let none = app
            .clinic_summary(&who.sos_parent_a1, &person)
            .await
            .unwrap();
        assert!(
            none.last_visit.is_none() && none.current_stay.is_none(),
            "[{}]",
            w.label
        );
        let seen = app.clinic_summary(&who.doctor_a1, &person).await.unwrap();
        assert_eq!(seen.current_stay, Some(c.stay_a1), "[{}]", w.label);
        assert!(seen.last_visit.is_some(), "[{}]", w.label);
        let other = app.clinic_summary(&who.doctor_b1, &person).await.unwrap();
        assert!(
            other.last_visit.is_none() && other.current_stay.is_none(),
            "[{}]",
            w.label
        );
        // Reads that show a patient's records are audited, by the one function every
        // adapter calls.
        app.read_visit(&who.doctor_a1, c.visit_a1).await.unwrap();
        app.read_stay(&who.doctor_a1, c.stay_a1).await.unwrap();
        let events = app
            .store()
            .list_audit_events(&AuditFilter {
                limit: 500,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        for action in [
            "visit_read",
            "stay_read",
            "lab_order_read",
            "discharge_summary_print",
        ] {
            assert!(
                events.iter().any(|e| e.action == action),
                "[{}] {action}",
                w.label
            );
        }
    }
}

#[tokio::test]
async fn the_chart_and_the_counts_are_read_in_read_reach() {
    for w in World::all().await {
        let c = clinic(&w).await;
        let who = callers(&w).await;
        let app = &w.app;
        let window = ChartWindow::newest(100);
        let chart = |caller: &Caller, person: Id| {
            let (caller, window) = (caller.clone(), window.clone());
            async move { app.read_patient_chart(&caller, person, &window).await }
        };
        let report_b1 = w
            .account("me-b1", &[(Role::MeOfficer, w.facility(w.b1))])
            .await
            .1;
        check(
            w.label,
            vec![
                (
                    "a doctor reads the chart of a patient of her facility",
                    outcome(&chart(&who.doctor_a1, c.person_a1).await),
                    "ok",
                ),
                (
                    "a programme's doctor reads it too",
                    outcome(&chart(&who.doctor_p1, c.person_a1).await),
                    "ok",
                ),
                (
                    "another programme's doctor: no person, no record in reach",
                    outcome(&chart(&who.doctor_b1, c.person_a1).await),
                    "not_found",
                ),
                (
                    "a clerk reads no chart",
                    outcome(&chart(&who.clerk_a1, c.person_a1).await),
                    "auth.forbidden",
                ),
                (
                    "a person that does not exist",
                    outcome(&chart(&who.doctor_a1, Id::new()).await),
                    "not_found",
                ),
                (
                    "a doctor reads her facility's treatment counts",
                    outcome(&app.treatment_counts(&who.doctor_a1, w.a1).await),
                    "ok",
                ),
                (
                    "an SOS parent reads no treatment counts",
                    outcome(&app.treatment_counts(&who.sos_parent_a1, w.a1).await),
                    "auth.forbidden",
                ),
            ],
        );
        let counted = |caller: &Caller, facility: Id| {
            let caller = caller.clone();
            async move {
                !app.treatment_counts(&caller, facility)
                    .await
                    .unwrap()
                    .is_empty()
            }
        };
        assert!(counted(&who.doctor_a1, w.a1).await, "[{}]", w.label);
        // Out of reach, a facility's counts are not shown (its page still is).
        assert!(!counted(&who.doctor_a1, w.b1).await, "[{}]", w.label);
        assert!(counted(&report_b1, w.b1).await, "[{}]", w.label);
        // The chart holds the patient's records, and reading it is audited.
        match chart(&who.doctor_a1, c.person_a1).await.unwrap() {
            ChartRead::Chart(read) => {
                assert!(read.data.total > 0, "[{}]", w.label);
            }
            ChartRead::Merged(_) => panic!("[{}] not merged", w.label),
        }
        let events = app
            .store()
            .list_audit_events(&AuditFilter {
                limit: 500,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert!(
            events
                .iter()
                .any(|e| e.action == "chart_read" && e.entity_id == c.person_a1.to_string()),
            "[{}]",
            w.label
        );
    }
}
