//! haven-app tests of mother and child health and growth: tables of cases, action x
//! caller x target. Reads in read reach, writes in write reach and at a facility in
//! write reach; HIV and syphilis results only with the HIV permissions (issue 13: the
//! page let a pregnancy be marked in error with read reach alone, and the page and
//! the API each had their own copy of every check).

use haven_app::mch::{DoseCommand, PregnancyRecord};
use haven_app::{App, Caller};
use haven_domain::growth::nutrition::{AppetiteTest, DischargeOutcome, Programme, Wasting};
use haven_domain::growth::{Measurements, MeasurementsInput};
use haven_domain::mch::family_planning::FpVisitInput;
use haven_domain::mch::immunisation::Schedule;
use haven_domain::mch::pregnancy::{AncContactInput, PregnancyDetails, PregnancyInput};
use haven_domain::person::{BirthDate, Category, NameInput, PersonNames, Sex};
use haven_domain::{Action, Role, Scope};
use haven_store::growth::{NewAdmission, NewFollowUp, NewMeasurement};
use haven_store::mch::{Correctable, TdGiven};
use haven_store::{Address, Id, NewPerson, PersonDetails};
use time::macros::date;
use time::Date;

use crate::{outcome, World};

const TODAY: Date = date!(2026 - 11 - 20);

fn woman(facility: Id) -> NewPerson {
    NewPerson {
        details: PersonDetails {
            names: PersonNames::parse(&NameInput {
                family_latin: "Sok",
                given_latin: "Srey",
                ..NameInput::default()
            })
            .unwrap(),
            sex: Sex::Female,
            birth_date: BirthDate::exact(date!(1998 - 03 - 04), TODAY).unwrap(),
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

fn registration() -> Result<PregnancyDetails, haven_domain::mch::FieldErrors> {
    PregnancyDetails::parse(
        &PregnancyInput {
            registered_on: "2026-11-01",
            lmp: "2026-09-01",
            gravida: "1",
            para: "0",
            ..PregnancyInput::default()
        },
        TODAY,
    )
}

fn contact(hiv: &'static str) -> AncContactInput<'static> {
    AncContactInput {
        contact_on: "2026-11-10",
        hiv,
        ..AncContactInput::default()
    }
}

fn schedule() -> &'static Schedule {
    Schedule::builtin("kh").unwrap()
}

fn td() -> TdGiven<'static> {
    TdGiven {
        schedule: schedule(),
        lot: String::new(),
        given_by: "Nurse".to_owned(),
    }
}

fn visit() -> FpVisitInput<'static> {
    FpVisitInput {
        visit_on: "2026-11-10",
        counselled: true,
        method: "pill",
        ..FpVisitInput::default()
    }
}

fn dose(facility: Id) -> DoseCommand {
    DoseCommand {
        facility: Some(facility),
        antigen: "td".to_owned(),
        dose_number: 1,
        cvx: "139".to_owned(),
        given_on: date!(2026 - 11 - 10),
        lot: String::new(),
        given_by: "Nurse".to_owned(),
    }
}

fn measurement(person: Id, facility: Option<Id>) -> NewMeasurement {
    NewMeasurement {
        person_id: person,
        facility_id: facility,
        visit_id: None,
        measured_on: date!(2026 - 11 - 10),
        values: Measurements::parse(&MeasurementsInput {
            weight_kg: "55",
            ..MeasurementsInput::default()
        })
        .unwrap(),
        note: String::new(),
    }
}

/// The callers the tables tell apart.
struct Callers {
    doctor: Caller,
    midwife_a1: Caller,
    nurse_a1: Caller,
    nurse_b1: Caller,
    lab: Caller,
    clerk: Caller,
    me_p2: Caller,
    me_p1: Caller,
}

async fn callers(w: &World) -> Callers {
    let p2 = {
        // B1's programme: the one that is not P1.
        let programmes = w.app.store().programmes().await.unwrap();
        programmes.into_iter().find(|p| p.id != w.p1).unwrap().id
    };
    Callers {
        doctor: w.account("doctor", &[(Role::Doctor, Scope::All)]).await.1,
        midwife_a1: w
            .account("midwife-a1", &[(Role::Midwife, w.facility(w.a1))])
            .await
            .1,
        nurse_a1: w
            .account("nurse-a1", &[(Role::RegisteredNurse, w.facility(w.a1))])
            .await
            .1,
        nurse_b1: w
            .account("nurse-b1", &[(Role::RegisteredNurse, w.facility(w.b1))])
            .await
            .1,
        lab: w
            .account("lab", &[(Role::LaboratoryTechnician, Scope::All)])
            .await
            .1,
        clerk: w
            .account("clerk", &[(Role::RecordsClerk, Scope::All)])
            .await
            .1,
        me_p2: w
            .account(
                "me-p2",
                &[(Role::MeOfficer, Scope::Programme(p2.to_string()))],
            )
            .await
            .1,
        me_p1: w
            .account(
                "me-p1",
                &[(Role::MeOfficer, Scope::Programme(w.p1.to_string()))],
            )
            .await
            .1,
    }
}

fn check(label: &str, cases: &[(&str, String, &str)]) {
    for (what, got, expected) in cases {
        assert_eq!(got, expected, "[{label}] {what}");
    }
}

async fn screenings(app: &App, caller: &Caller, pregnancy: Id) -> usize {
    let record: PregnancyRecord = app.pregnancy_record(caller, pregnancy).await.unwrap();
    record.hiv.len()
}

#[tokio::test]
async fn pregnancies_and_contacts_follow_reach_and_the_hiv_seal() {
    for w in World::all().await {
        let app = &w.app;
        let c = callers(&w).await;
        let her = app
            .register_person(&c.clerk, &woman(w.a1))
            .await
            .unwrap()
            .id;
        let other = app
            .register_person(&c.clerk, &woman(w.a1))
            .await
            .unwrap()
            .id;
        let pregnancy = app
            .register_pregnancy(&c.doctor, Some(her), Some(w.a1), registration())
            .await
            .unwrap()
            .id;
        let cases = [
            (
                "register: nurse at A1, woman at A1, facility B1 (out of write reach)",
                outcome(
                    &app.register_pregnancy(&c.nurse_a1, Some(other), Some(w.b1), registration())
                        .await,
                ),
                "invalid facility",
            ),
            (
                "register: nurse at B1, woman at A1 (out of read reach)",
                outcome(
                    &app.register_pregnancy(&c.nurse_b1, Some(other), Some(w.b1), registration())
                        .await,
                ),
                "not_found",
            ),
            (
                "register: records clerk (no clinical permission)",
                outcome(
                    &app.register_pregnancy(&c.clerk, Some(other), Some(w.a1), registration())
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "register: nurse at A1, in scope",
                outcome(
                    &app.register_pregnancy(&c.nurse_a1, Some(other), Some(w.a1), registration())
                        .await,
                ),
                "ok",
            ),
            (
                "register: a second open pregnancy",
                outcome(
                    &app.register_pregnancy(&c.nurse_a1, Some(other), Some(w.a1), registration())
                        .await,
                ),
                "conflict.duplicate",
            ),
            (
                "read: doctor everywhere",
                outcome(&app.read_pregnancy(&c.doctor, pregnancy).await),
                "ok",
            ),
            (
                "read: nurse at A1",
                outcome(&app.read_pregnancy(&c.nurse_a1, pregnancy).await),
                "ok",
            ),
            (
                "read: nurse at B1 (out of read reach)",
                outcome(&app.read_pregnancy(&c.nurse_b1, pregnancy).await),
                "not_found",
            ),
            (
                "read: laboratory (HIV but no clinical permission)",
                outcome(&app.read_pregnancy(&c.lab, pregnancy).await),
                "auth.forbidden",
            ),
            (
                "contact with an HIV result: nurse (no HIV permission)",
                outcome(
                    &app.record_anc_contact(
                        &c.nurse_a1,
                        pregnancy,
                        &contact("negative"),
                        TODAY,
                        td(),
                    )
                    .await,
                ),
                "auth.forbidden",
            ),
            (
                "contact: nurse at B1 (out of read reach)",
                outcome(
                    &app.record_anc_contact(&c.nurse_b1, pregnancy, &contact(""), TODAY, td())
                        .await,
                ),
                "not_found",
            ),
            (
                "contact: a bad date",
                outcome(
                    &app.record_anc_contact(
                        &c.nurse_a1,
                        pregnancy,
                        &AncContactInput {
                            contact_on: "2026-13-40",
                            ..AncContactInput::default()
                        },
                        TODAY,
                        td(),
                    )
                    .await,
                ),
                "invalid contact_on",
            ),
            (
                "contact without a result: nurse at A1",
                outcome(
                    &app.record_anc_contact(&c.nurse_a1, pregnancy, &contact(""), TODAY, td())
                        .await,
                ),
                "ok",
            ),
            (
                "contact with an HIV result: midwife at A1",
                outcome(
                    &app.record_anc_contact(
                        &c.midwife_a1,
                        pregnancy,
                        &contact("negative"),
                        TODAY,
                        td(),
                    )
                    .await,
                ),
                "ok",
            ),
            (
                "in error: nurse at B1 (out of read reach)",
                outcome(
                    &app.pregnancy_in_error(&c.nurse_b1, pregnancy, 1, "wrong woman")
                        .await,
                ),
                "not_found",
            ),
            (
                "in error: no reason",
                outcome(&app.pregnancy_in_error(&c.nurse_a1, pregnancy, 1, " ").await),
                "invalid reason",
            ),
        ];
        check(w.label, &cases);
        // The sealed class: the screening is there for the HIV roles only.
        assert_eq!(
            screenings(app, &c.midwife_a1, pregnancy).await,
            1,
            "{}",
            w.label
        );
        assert_eq!(
            screenings(app, &c.doctor, pregnancy).await,
            1,
            "{}",
            w.label
        );
        assert_eq!(
            screenings(app, &c.nurse_a1, pregnancy).await,
            0,
            "{}",
            w.label
        );
        // Marking a contact in error: in reach only, with a reason.
        let record = app.pregnancy_record(&c.doctor, pregnancy).await.unwrap();
        let first = &record.contacts[0];
        let cases = [
            (
                "contact in error: nurse at B1",
                outcome(
                    &app.mark_entered_in_error(
                        &c.nurse_b1,
                        Correctable::AncContact,
                        first.id,
                        first.version,
                        "typed twice",
                        schedule(),
                    )
                    .await,
                ),
                "not_found",
            ),
            (
                "contact in error: clerk",
                outcome(
                    &app.mark_entered_in_error(
                        &c.clerk,
                        Correctable::AncContact,
                        first.id,
                        first.version,
                        "typed twice",
                        schedule(),
                    )
                    .await,
                ),
                "auth.forbidden",
            ),
            (
                "contact in error: nurse at A1",
                outcome(
                    &app.mark_entered_in_error(
                        &c.nurse_a1,
                        Correctable::AncContact,
                        first.id,
                        first.version,
                        "typed twice",
                        schedule(),
                    )
                    .await,
                ),
                "ok",
            ),
        ];
        check(w.label, &cases);
    }
}

#[tokio::test]
async fn family_planning_doses_and_coverage_follow_reach() {
    for w in World::all().await {
        let app = &w.app;
        let c = callers(&w).await;
        let her = app
            .register_person(&c.clerk, &woman(w.a1))
            .await
            .unwrap()
            .id;
        let cases = [
            (
                "fp visit: nurse at A1 at B1 (a facility out of write reach)",
                outcome(
                    &app.record_fp_visit(&c.nurse_a1, her, Some(w.b1), "facility", &visit(), TODAY)
                        .await,
                ),
                "invalid facility",
            ),
            (
                "fp visit: nurse at B1 (client out of read reach)",
                outcome(
                    &app.record_fp_visit(&c.nurse_b1, her, Some(w.b1), "facility", &visit(), TODAY)
                        .await,
                ),
                "not_found",
            ),
            (
                "fp visit: clerk",
                outcome(
                    &app.record_fp_visit(&c.clerk, her, Some(w.a1), "facility", &visit(), TODAY)
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "fp visit: nurse at A1",
                outcome(
                    &app.record_fp_visit(&c.nurse_a1, her, Some(w.a1), "facility", &visit(), TODAY)
                        .await,
                ),
                "ok",
            ),
            (
                "fp read: nurse at B1",
                outcome(&app.read_family_planning(&c.nurse_b1, her).await),
                "not_found",
            ),
            (
                "fp read: nurse at A1",
                outcome(&app.read_family_planning(&c.nurse_a1, her).await),
                "ok",
            ),
            (
                "dose: nurse at A1 at B1",
                outcome(
                    &app.record_doses(&c.nurse_a1, vec![(her, dose(w.b1))], "facility", schedule())
                        .await,
                ),
                "invalid facility",
            ),
            (
                "dose: nurse at B1",
                outcome(
                    &app.record_doses(&c.nurse_b1, vec![(her, dose(w.b1))], "facility", schedule())
                        .await,
                ),
                "not_found",
            ),
            (
                "dose: laboratory",
                outcome(
                    &app.record_doses(&c.lab, vec![(her, dose(w.a1))], "facility", schedule())
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "dose: nurse at A1",
                outcome(
                    &app.record_doses(&c.nurse_a1, vec![(her, dose(w.a1))], "facility", schedule())
                        .await,
                ),
                "ok",
            ),
            (
                "card: nurse at B1",
                outcome(&app.read_immunisation_card(&c.nurse_b1, her).await),
                "not_found",
            ),
            (
                "card: doctor",
                outcome(&app.read_immunisation_card(&c.doctor, her).await),
                "ok",
            ),
            (
                "coverage: M&E officer of P1 (reports) at A1",
                outcome(
                    &app.immunisation_coverage(&c.me_p1, w.a1, date!(2026 - 01 - 01), TODAY)
                        .await,
                ),
                "ok",
            ),
            (
                "coverage: M&E officer of P2 at A1 (out of reach)",
                outcome(
                    &app.immunisation_coverage(&c.me_p2, w.a1, date!(2026 - 01 - 01), TODAY)
                        .await,
                ),
                "not_found",
            ),
            (
                "coverage: clerk",
                outcome(
                    &app.immunisation_coverage(&c.clerk, w.a1, date!(2026 - 01 - 01), TODAY)
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "due list: nurse at B1 asks for A1",
                outcome(&app.fp_follow_ups_due(&c.nurse_b1, w.a1, TODAY).await),
                "not_found",
            ),
            (
                "due list: nurse at A1",
                outcome(&app.fp_follow_ups_due(&c.nurse_a1, w.a1, TODAY).await),
                "ok",
            ),
        ];
        check(w.label, &cases);
    }
}

#[tokio::test]
async fn growth_reads_and_records_in_reach() {
    for w in World::all().await {
        let app = &w.app;
        let c = callers(&w).await;
        let her = app
            .register_person(&c.clerk, &woman(w.a1))
            .await
            .unwrap()
            .id;
        let cases = [
            (
                "measure: nurse at A1 at B1 (facility out of write reach)",
                outcome(
                    &app.record_measurement(&c.nurse_a1, &measurement(her, Some(w.b1)))
                        .await,
                ),
                "invalid facility",
            ),
            (
                "measure: nurse at B1 (out of read reach)",
                outcome(
                    &app.record_measurement(&c.nurse_b1, &measurement(her, Some(w.b1)))
                        .await,
                ),
                "not_found",
            ),
            (
                "measure: clerk",
                outcome(
                    &app.record_measurement(&c.clerk, &measurement(her, None))
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "measure: nurse at A1",
                outcome(
                    &app.record_measurement(&c.nurse_a1, &measurement(her, Some(w.a1)))
                        .await,
                ),
                "ok",
            ),
            (
                "read: nurse at B1",
                outcome(&app.read_growth(&c.nurse_b1, her).await),
                "not_found",
            ),
            (
                "read: laboratory",
                outcome(&app.read_growth(&c.lab, her).await),
                "auth.forbidden",
            ),
            (
                "child to write: nurse at B1",
                outcome(&app.growth_child(&c.nurse_b1, her, Action::Write).await),
                "not_found",
            ),
        ];
        check(w.label, &cases);
        let (_, measured) = app.read_growth(&c.doctor, her).await.unwrap();
        assert_eq!(measured.len(), 1, "{}", w.label);
    }
}

fn admission(person: Id, facility: Id, admitted_on: Date) -> NewAdmission {
    NewAdmission {
        person_id: person,
        facility_id: facility,
        programme: Programme::Otp,
        admitted_on,
        admitted_by: Wasting::Muac,
        measurement_id: None,
        complications: false,
        appetite_test: AppetiteTest::Passed,
    }
}

fn follow_up(person: Id) -> NewFollowUp {
    NewFollowUp {
        measurement: measurement(person, None),
        appetite_test: AppetiteTest::Passed,
        note: String::new(),
    }
}

#[tokio::test]
async fn the_malnutrition_programme_follows_reach() {
    for w in World::all().await {
        let app = &w.app;
        let c = callers(&w).await;
        let her = app
            .register_person(&c.clerk, &woman(w.a1))
            .await
            .unwrap()
            .id;
        let measured = app
            .record_measurement(&c.nurse_a1, &measurement(her, Some(w.a1)))
            .await
            .unwrap();
        let on = date!(2026 - 11 - 10);
        let cases = [
            (
                "admit: clerk",
                outcome(
                    &app.admit_to_programme(&c.clerk, &admission(her, w.a1, on))
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "admit: nurse at B1 (child out of read reach)",
                outcome(
                    &app.admit_to_programme(&c.nurse_b1, &admission(her, w.b1, on))
                        .await,
                ),
                "not_found",
            ),
            (
                "admit: nurse at A1 at B1 (facility out of write reach)",
                outcome(
                    &app.admit_to_programme(&c.nurse_a1, &admission(her, w.b1, on))
                        .await,
                ),
                "invalid facility",
            ),
            (
                "admit: before her birth",
                outcome(
                    &app.admit_to_programme(
                        &c.nurse_a1,
                        &admission(her, w.a1, date!(1990 - 01 - 01)),
                    )
                    .await,
                ),
                "invalid admitted_on",
            ),
            (
                "admit: a measurement not hers",
                outcome(
                    &app.admit_to_programme(
                        &c.nurse_a1,
                        &NewAdmission {
                            measurement_id: Some(Id::new()),
                            ..admission(her, w.a1, on)
                        },
                    )
                    .await,
                ),
                "not_found",
            ),
        ];
        check(w.label, &cases);
        let admitted = app
            .admit_to_programme(&c.nurse_a1, &admission(her, w.a1, on))
            .await
            .unwrap();
        assert_eq!(
            admitted.measurement_id,
            Some(measured.id),
            "[{}] admitted with her latest measurement",
            w.label
        );
        let id = admitted.id;
        let cases = [
            (
                "admit again: one programme at a time",
                outcome(
                    &app.admit_to_programme(&c.nurse_a1, &admission(her, w.a1, on))
                        .await,
                ),
                "conflict.duplicate",
            ),
            (
                "read admission: nurse at A1",
                outcome(&app.read_nutrition_admission(&c.nurse_a1, id).await),
                "ok",
            ),
            (
                "read admission: doctor everywhere",
                outcome(&app.read_nutrition_admission(&c.doctor, id).await),
                "ok",
            ),
            (
                "read admission: nurse at B1 (out of read reach)",
                outcome(&app.read_nutrition_admission(&c.nurse_b1, id).await),
                "not_found",
            ),
            (
                "read admission: laboratory",
                outcome(&app.read_nutrition_admission(&c.lab, id).await),
                "auth.forbidden",
            ),
            (
                "read admission: unknown",
                outcome(&app.read_nutrition_admission(&c.doctor, Id::new()).await),
                "not_found",
            ),
            (
                "admission to write: nurse at B1",
                outcome(&app.nutrition_admission_to_write(&c.nurse_b1, id).await),
                "not_found",
            ),
            (
                "admission to write: M&E at P1 (no Write Clinical)",
                outcome(&app.nutrition_admission_to_write(&c.me_p1, id).await),
                "auth.forbidden",
            ),
            (
                "follow up: clerk",
                outcome(&app.record_follow_up(&c.clerk, id, &follow_up(her)).await),
                "auth.forbidden",
            ),
            (
                "follow up: nurse at B1",
                outcome(&app.record_follow_up(&c.nurse_b1, id, &follow_up(her)).await),
                "not_found",
            ),
            (
                "follow up: nurse at A1",
                outcome(&app.record_follow_up(&c.nurse_a1, id, &follow_up(her)).await),
                "ok",
            ),
            (
                "children in the programme: nurse at A1",
                outcome(&app.open_nutrition_admissions(&c.nurse_a1, &[w.a1]).await),
                "ok",
            ),
            (
                "children in the programme: M&E (figures only)",
                outcome(&app.open_nutrition_admissions(&c.me_p1, &[w.a1]).await),
                "auth.forbidden",
            ),
            (
                "discharge: nurse at B1",
                outcome(
                    &app.discharge_from_programme(
                        &c.nurse_b1,
                        id,
                        admitted.version,
                        on,
                        DischargeOutcome::Cured,
                        "",
                    )
                    .await,
                ),
                "not_found",
            ),
            (
                "discharge: before the admission",
                outcome(
                    &app.discharge_from_programme(
                        &c.nurse_a1,
                        id,
                        admitted.version,
                        date!(2026 - 11 - 01),
                        DischargeOutcome::Cured,
                        "",
                    )
                    .await,
                ),
                "invalid discharged_on",
            ),
            (
                "discharge: a stale version",
                outcome(
                    &app.discharge_from_programme(
                        &c.nurse_a1,
                        id,
                        admitted.version + 7,
                        on,
                        DischargeOutcome::Cured,
                        "",
                    )
                    .await,
                ),
                "conflict.stale_version",
            ),
            (
                "discharge: nurse at A1",
                outcome(
                    &app.discharge_from_programme(
                        &c.nurse_a1,
                        id,
                        admitted.version,
                        on,
                        DischargeOutcome::Cured,
                        "",
                    )
                    .await,
                ),
                "ok",
            ),
            (
                "follow up once discharged",
                outcome(&app.record_follow_up(&c.nurse_a1, id, &follow_up(her)).await),
                "conflict.stale_version",
            ),
        ];
        check(w.label, &cases);
        let record = app.read_nutrition_admission(&c.doctor, id).await.unwrap();
        assert_eq!(record.follow_ups.len(), 1, "[{}]", w.label);
        assert_eq!(
            record.admitting.map(|m| m.id),
            Some(measured.id),
            "[{}]",
            w.label
        );
        let seen = app
            .open_nutrition_admissions(&c.nurse_b1, &[w.a1])
            .await
            .unwrap();
        assert!(seen.is_empty(), "[{}] A1 is out of B1's reach", w.label);
        let from = date!(2026 - 01 - 01);
        let cases = [
            (
                "outcomes: M&E at P1",
                outcome(&app.programme_outcomes(&c.me_p1, &[w.a1], from, TODAY).await),
                "ok",
            ),
            (
                "outcomes: M&E at P2 (A1 out of reach)",
                outcome(&app.programme_outcomes(&c.me_p2, &[w.a1], from, TODAY).await),
                "not_found",
            ),
            (
                "outcomes: nurse at A1 of B1",
                outcome(
                    &app.programme_outcomes(&c.nurse_a1, &[w.b1], from, TODAY)
                        .await,
                ),
                "not_found",
            ),
            (
                "outcomes: clerk",
                outcome(&app.programme_outcomes(&c.clerk, &[], from, TODAY).await),
                "auth.forbidden",
            ),
            (
                "outcome facilities: clerk",
                outcome(&app.nutrition_outcome_facilities(&c.clerk).await),
                "auth.forbidden",
            ),
            (
                "session: nurse at A1",
                outcome(
                    &app.growth_session_children(&c.nurse_a1, w.a1, date!(1900 - 01 - 01), 10)
                        .await,
                ),
                "ok",
            ),
            (
                "session: nurse at B1 of A1",
                outcome(
                    &app.growth_session_children(&c.nurse_b1, w.a1, date!(1900 - 01 - 01), 10)
                        .await,
                ),
                "not_found",
            ),
            (
                "session: clerk",
                outcome(
                    &app.growth_session_children(&c.clerk, w.a1, date!(1900 - 01 - 01), 10)
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "visit measurements: unknown visit",
                outcome(&app.visit_measurements(&c.nurse_a1, Id::new()).await),
                "not_found",
            ),
            (
                "visit measurements: clerk",
                outcome(&app.visit_measurements(&c.clerk, Id::new()).await),
                "auth.forbidden",
            ),
        ];
        check(w.label, &cases);
        let months = app
            .programme_outcomes(&c.me_p1, &[w.a1], from, TODAY)
            .await
            .unwrap();
        assert_eq!(months.len(), 1, "[{}]", w.label);
        assert_eq!(months[0].counts.cured, 1, "[{}]", w.label);
        let reached: Vec<Id> = app
            .nutrition_outcome_facilities(&c.me_p1)
            .await
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert!(
            reached.contains(&w.a1) && reached.contains(&w.a2) && !reached.contains(&w.b1),
            "[{}] {reached:?}",
            w.label
        );
    }
}
