//! haven-app tests of the care part: tables of cases, action x caller x target.
//! A child in care is read within the caller's care access (SOS parents: the
//! children of their own house), written within the WRITE reach of care, and
//! psychosocial notes (a sealed class) are read and written only with their own
//! permission. Leaving care is checked once, here, for the page and the API.

use haven_app::care::{CaseStep, Parsed, Placing};
use haven_app::Caller;
use haven_domain::care::{
    AdmissionDetails, AdmissionInput, AdmissionStatus, CareCaseState, CareNoteKind,
    EnrolmentDetails, EnrolmentInput, ErrorReason, HouseDetails, HouseInput, HouseholdDetails,
    HouseholdEnd, LeavingDetails, NoteDetails, PlacementDetails, PlacementInput, PlanDetails,
    PlanInput,
};
use haven_domain::person::{BirthDate, Category, NameInput, PersonNames, Sex};
use haven_domain::places::{FacilityDetails, FacilityInput};
use haven_domain::staff::{StaffDetails, StaffInput};
use haven_domain::{Role, Scope};
use haven_store::care::PlacementChecks;
use haven_store::{Actor, Address, Id, NewPerson, PersonDetails};
use time::macros::date;

use crate::{outcome, World};

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn days_ago(days: i64) -> String {
    (today() - time::Duration::days(days)).to_string()
}

/// A children's village of the programme `programme`.
async fn village(w: &World, programme: Id, name: &'static str) -> Id {
    let details = FacilityDetails::parse(
        &FacilityInput {
            kind: "childrens_village",
            name,
            name_km: "",
            opened_on: "2001-06-01",
            catchment_population: "",
        },
        date!(2026 - 01 - 01),
    )
    .unwrap();
    w.app
        .store()
        .create_facility(&Actor::system(), programme, &details)
        .await
        .unwrap()
        .id
}

async fn person(w: &World, given: &'static str, born: time::Date, facility: Id) -> Id {
    let new = NewPerson {
        details: PersonDetails {
            names: PersonNames::parse(&NameInput {
                family_latin: "Sok",
                given_latin: given,
                ..NameInput::default()
            })
            .unwrap(),
            sex: Sex::Female,
            birth_date: BirthDate::exact(born, today()).unwrap(),
            phone: None,
            address: Address {
                province_code: "KH-12".to_owned(),
                ..Address::default()
            },
            registered_facility: Some(facility),
        },
        identifiers: Vec::new(),
        categories: vec![Category::CommunityMember],
    };
    w.app
        .store()
        .create_person(&Actor::system(), &new)
        .await
        .unwrap()
        .id
}

/// A child admitted (approved) at `village` and placed in `house` 20 days ago.
async fn child_in(w: &World, village: Id, house: Id, given: &'static str) -> Id {
    let store = w.app.store();
    let actor = Actor::system();
    let person = person(w, given, date!(2015 - 04 - 01), village).await;
    let details = AdmissionDetails::parse(
        &AdmissionInput {
            necessity: "Parents died",
            suitability: "Siblings together",
            chosen_option: "sos_family",
            decision: "admit",
            decided_on: &days_ago(30),
            review_on: &(today() + time::Duration::days(70)).to_string(),
            ..AdmissionInput::default()
        },
        today(),
    )
    .unwrap();
    let admission = store
        .record_admission(&actor, person, village, &details)
        .await
        .unwrap();
    store
        .decide_admission(
            &actor,
            admission.id,
            admission.version,
            AdmissionStatus::Approved,
            "",
        )
        .await
        .unwrap();
    store
        .place_child(
            &actor,
            admission.child_id,
            house,
            &placement(20).unwrap(),
            PlacementChecks::default(),
        )
        .await
        .unwrap();
    admission.child_id
}

fn placement(days: i64) -> Parsed<PlacementDetails> {
    PlacementDetails::parse(
        &PlacementInput {
            started_on: &days_ago(days),
            ended_on: "",
            reason: "moved",
            apart_reason: "",
        },
        today(),
    )
}

fn note(kind: CareNoteKind) -> Parsed<NoteDetails> {
    NoteDetails::parse(kind.code(), &days_ago(0), "Ate well", today())
}

fn enrolment() -> Parsed<EnrolmentDetails> {
    EnrolmentDetails::parse(&EnrolmentInput {
        level: "primary",
        school: "Hun Sen Primary",
        grade: "3",
        school_year: "2026",
        scholarship: "",
    })
}

fn leaving(days: i64) -> Parsed<LeavingDetails> {
    LeavingDetails::parse(&days_ago(days), "reunified", "Back with her aunt", today())
}

struct Care {
    v1: Id,
    v2: Id,
    lotus: Id,
    /// In Lotus house (the SOS parent's), village V1 (programme P1).
    c1: Id,
    /// In a house of village V2 (programme P2).
    c2: Id,
    mother: Caller,
}

/// Two villages, V1 in P1 and V2 in P2; Lotus house in V1 run by the SOS parent
/// whose account is `mother`.
async fn care(w: &World) -> Care {
    let store = w.app.store();
    let actor = Actor::system();
    let p2 = store.facility(w.b1).await.unwrap().programme_id;
    let v1 = village(w, w.p1, "V1").await;
    let v2 = village(w, p2, "V2").await;
    let (mother_user, mother) = w.account("mother", &[(Role::SosParent, Scope::All)]).await;
    let mother_person = person(w, "Mother", date!(1980 - 01 - 01), v1).await;
    let staff = store
        .create_staff_member(
            &actor,
            mother_person,
            &StaffDetails::parse(&StaffInput {
                profession: "sos_parent",
                ..StaffInput::default()
            })
            .unwrap(),
            Some(mother_user.id),
        )
        .await
        .unwrap();
    let house = |name: &'static str| {
        HouseDetails::parse(&HouseInput {
            name,
            kind: "sos_family",
            capacity: "8",
        })
        .unwrap()
    };
    let lotus = store
        .create_house(&actor, v1, &house("Lotus"), Some(staff.id), None)
        .await
        .unwrap()
        .id;
    let mango = store
        .create_house(&actor, v2, &house("Mango"), None, None)
        .await
        .unwrap()
        .id;
    let c1 = child_in(w, v1, lotus, "Sophea").await;
    let c2 = child_in(w, v2, mango, "Vanna").await;
    Care {
        v1,
        v2,
        lotus,
        c1,
        c2,
        mother,
    }
}

fn step(to: CareCaseState) -> Parsed<CaseStep> {
    Ok(CaseStep {
        to,
        note: String::new(),
    })
}

#[tokio::test]
async fn children_are_read_in_care_access_and_written_in_write_reach() {
    for w in World::all().await {
        let app = &w.app;
        let c = care(&w).await;
        let (_, worker_v1) = w
            .account("worker-v1", &[(Role::CareWorker, w.facility(c.v1))])
            .await;
        let (_, social_p2) = w
            .account(
                "social-p2",
                &[(
                    Role::SocialWorker,
                    Scope::Programme(
                        app.store()
                            .facility(c.v2)
                            .await
                            .unwrap()
                            .programme_id
                            .to_string(),
                    ),
                )],
            )
            .await;
        let (_, director) = w
            .account("director", &[(Role::ProgrammeDirector, Scope::All)])
            .await;
        let (_, nurse) = w
            .account("nurse", &[(Role::RegisteredNurse, Scope::All)])
            .await;
        let version = app.store().care_child(c.c1).await.unwrap().version;
        let placing = |house| Placing {
            house: Some(house),
            checks: PlacementChecks::default(),
        };
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "a care worker reads a child of her village",
                outcome(&app.care_child_to_read(&worker_v1, c.c1).await),
                "ok",
            ),
            (
                "a care worker reads a child of another programme",
                outcome(&app.care_child_to_read(&worker_v1, c.c2).await),
                "not_found",
            ),
            (
                "the SOS parent reads a child of her house",
                outcome(&app.care_child_to_read(&c.mother, c.c1).await),
                "ok",
            ),
            (
                "the SOS parent reads a child of another house, with a country-wide scope",
                outcome(&app.care_child_to_read(&c.mother, c.c2).await),
                "not_found",
            ),
            (
                "a nurse reads a child in care",
                outcome(&app.care_child_to_read(&nurse, c.c1).await),
                "auth.forbidden",
            ),
            (
                "the SOS parent changes the care record of her house's child",
                outcome(&app.care_child_to_write(&c.mother, c.c1).await),
                "auth.forbidden",
            ),
            (
                "a social worker of P2 enrols a child of P1",
                outcome(&app.add_enrolment(&social_p2, c.c1, enrolment()).await),
                "not_found",
            ),
            (
                "a care worker enrols a child of her village",
                outcome(&app.add_enrolment(&worker_v1, c.c1, enrolment()).await),
                "ok",
            ),
            (
                "a care worker enrols with a bad form",
                outcome(
                    &app.add_enrolment(
                        &worker_v1,
                        c.c1,
                        EnrolmentDetails::parse(&EnrolmentInput::default()),
                    )
                    .await,
                ),
                "invalid level,school,school_year",
            ),
            (
                "a nurse enrols with a bad form: the permission comes first",
                outcome(
                    &app.add_enrolment(
                        &nurse,
                        c.c1,
                        EnrolmentDetails::parse(&EnrolmentInput::default()),
                    )
                    .await,
                ),
                "auth.forbidden",
            ),
            (
                "a care worker moves a child to a house of another programme",
                outcome(
                    &app.place_child(&worker_v1, c.c1, placing(Id::new()), placement(2))
                        .await,
                ),
                "invalid house",
            ),
            (
                "a care worker places with no house chosen",
                outcome(
                    &app.place_child(
                        &worker_v1,
                        c.c1,
                        Placing {
                            house: None,
                            checks: PlacementChecks::default(),
                        },
                        placement(2),
                    )
                    .await,
                ),
                "invalid house",
            ),
            (
                "a care worker reopens a case that is not closed",
                outcome(
                    &app.move_child_case(&worker_v1, c.c1, version, step(CareCaseState::Reopened))
                        .await,
                ),
                "invalid to",
            ),
            (
                "a care worker moves a child's case to its next step",
                outcome(
                    &app.move_child_case(&worker_v1, c.c1, version, step(CareCaseState::CasePlan))
                        .await,
                ),
                "ok",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "[{}] {what}", w.label);
        }
        // The director of everything places the child of V2 in Lotus (V1): in reach.
        let moved = app
            .place_child(&director, c.c2, placing(c.lotus), placement(2))
            .await;
        assert_eq!(
            outcome(&moved),
            "ok",
            "[{}] the director moves a child",
            w.label
        );
    }
}

#[tokio::test]
async fn leaving_care_is_checked_once_for_page_and_api() {
    for w in World::all().await {
        let app = &w.app;
        let c = care(&w).await;
        let (_, worker) = w
            .account("worker", &[(Role::CareWorker, w.facility(c.v1))])
            .await;
        let version = app.store().care_child(c.c1).await.unwrap().version;
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "leaving before the child was placed",
                outcome(
                    &app.record_leaving(&worker, c.c1, version, leaving(25))
                        .await,
                ),
                "invalid left_on",
            ),
            (
                "leaving with a bad date",
                outcome(
                    &app.record_leaving(
                        &worker,
                        c.c1,
                        version,
                        LeavingDetails::parse("2026-13-01", "reunified", "x", today()),
                    )
                    .await,
                ),
                "invalid left_on",
            ),
            (
                "the SOS parent records that her child left",
                outcome(
                    &app.record_leaving(&c.mother, c.c1, version, leaving(1))
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "leaving care on a stale version",
                outcome(
                    &app.record_leaving(&worker, c.c1, version + 5, leaving(1))
                        .await,
                ),
                "conflict.stale_version",
            ),
            (
                "leaving care",
                outcome(&app.record_leaving(&worker, c.c1, version, leaving(1)).await),
                "ok",
            ),
            (
                "leaving care again",
                outcome(
                    &app.record_leaving(&worker, c.c1, version + 1, leaving(0))
                        .await,
                ),
                "invalid left_on",
            ),
            (
                "placing a child who left",
                outcome(
                    &app.place_child(
                        &worker,
                        c.c1,
                        Placing {
                            house: Some(c.lotus),
                            checks: PlacementChecks::default(),
                        },
                        placement(0),
                    )
                    .await,
                ),
                "invalid house",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "[{}] {what}", w.label);
        }
        let left = app.store().care_child(c.c1).await.unwrap();
        assert_eq!(
            left.left_on,
            Some(today() - time::Duration::days(1)),
            "[{}]",
            w.label
        );
        let _ = c.c2;
    }
}

#[tokio::test]
async fn psychosocial_notes_are_sealed_and_daily_notes_stay_in_the_house() {
    for w in World::all().await {
        let app = &w.app;
        let c = care(&w).await;
        let (_, social) = w
            .account("social-v1", &[(Role::SocialWorker, w.facility(c.v1))])
            .await;
        let (_, worker) = w
            .account("worker-v1", &[(Role::CareWorker, w.facility(c.v1))])
            .await;
        // A director who is also an SOS parent: reads every child, writes notes only
        // about the children of her house.
        let (_, director_parent) = w
            .account(
                "director-parent",
                &[
                    (Role::ProgrammeDirector, Scope::All),
                    (Role::SosParent, Scope::All),
                ],
            )
            .await;
        let secret = app
            .add_care_note(
                &social,
                c.c1,
                CareNoteKind::Psychosocial,
                note(CareNoteKind::Psychosocial),
            )
            .await
            .unwrap();
        let daily = app
            .add_care_note(
                &c.mother,
                c.c1,
                CareNoteKind::Daily,
                note(CareNoteKind::Daily),
            )
            .await
            .unwrap();
        let kinds = |notes: haven_app::Result<Vec<haven_store::care::CareNote>>| {
            notes
                .map(|list| {
                    list.into_iter()
                        .map(|n| n.kind)
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_else(|e| e.code().to_owned())
        };
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "the social worker reads both kinds",
                kinds(app.care_notes(&social, c.c1).await),
                "daily,psychosocial",
            ),
            (
                "the care worker reads the daily notes alone",
                kinds(app.care_notes(&worker, c.c1).await),
                "daily",
            ),
            (
                "the SOS parent reads the daily notes of her house's child",
                kinds(app.care_notes(&c.mother, c.c1).await),
                "daily",
            ),
            (
                "the SOS parent reads the notes of another house's child",
                kinds(app.care_notes(&c.mother, c.c2).await),
                "not_found",
            ),
            (
                "the care worker writes a psychosocial note",
                outcome(
                    &app.add_care_note(
                        &worker,
                        c.c1,
                        CareNoteKind::Psychosocial,
                        note(CareNoteKind::Psychosocial),
                    )
                    .await,
                ),
                "auth.forbidden",
            ),
            (
                "the SOS parent writes a psychosocial note",
                outcome(
                    &app.add_care_note(
                        &c.mother,
                        c.c1,
                        CareNoteKind::Psychosocial,
                        note(CareNoteKind::Psychosocial),
                    )
                    .await,
                ),
                "auth.forbidden",
            ),
            (
                "the care worker marks the psychosocial note in error",
                outcome(
                    &app.mark_note_in_error(
                        &worker,
                        c.c1,
                        secret.id,
                        secret.version,
                        ErrorReason::parse("wrong child"),
                    )
                    .await,
                ),
                "not_found",
            ),
            (
                "the director-parent writes a daily note about a child of another house",
                outcome(
                    &app.add_care_note(
                        &director_parent,
                        c.c2,
                        CareNoteKind::Daily,
                        note(CareNoteKind::Daily),
                    )
                    .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "the SOS parent writes a daily note about another house's child",
                outcome(
                    &app.add_care_note(
                        &c.mother,
                        c.c2,
                        CareNoteKind::Daily,
                        note(CareNoteKind::Daily),
                    )
                    .await,
                ),
                "not_found",
            ),
            (
                "the SOS parent marks her own daily note in error",
                outcome(
                    &app.mark_note_in_error(
                        &c.mother,
                        c.c1,
                        daily.id,
                        daily.version,
                        ErrorReason::parse("wrong day"),
                    )
                    .await,
                ),
                "ok",
            ),
            (
                "the social worker marks the psychosocial note in error",
                outcome(
                    &app.mark_note_in_error(
                        &social,
                        c.c1,
                        secret.id,
                        secret.version,
                        ErrorReason::parse("wrong child"),
                    )
                    .await,
                ),
                "ok",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "[{}] {what}", w.label);
        }
        assert!(
            app.readable_note_kinds(&worker) == vec![CareNoteKind::Daily]
                && app.readable_note_kinds(&social)
                    == vec![CareNoteKind::Daily, CareNoteKind::Psychosocial],
            "[{}]",
            w.label
        );
    }
}

/// A family strengthening office of the programme `programme`.
async fn office(w: &World, programme: Id, name: &'static str) -> Id {
    let details = FacilityDetails::parse(
        &FacilityInput {
            kind: "family_strengthening_office",
            name,
            name_km: "",
            opened_on: "2001-06-01",
            catchment_population: "",
        },
        date!(2026 - 01 - 01),
    )
    .unwrap();
    w.app
        .store()
        .create_facility(&Actor::system(), programme, &details)
        .await
        .unwrap()
        .id
}

fn plan() -> Parsed<PlanDetails> {
    PlanDetails::parse(
        &PlanInput {
            made_on: &days_ago(0),
            review_on: &(today() + time::Duration::days(60)).to_string(),
            strengths: "Kind",
            risks_needs: "",
            child_heard: true,
            child_views: "Wants to stay with her brother",
        },
        today(),
        6,
    )
}

fn household() -> Parsed<HouseholdDetails> {
    HouseholdDetails::parse("Chan family", &["poverty"])
}

#[tokio::test]
async fn households_and_plans_are_written_in_write_reach() {
    for w in World::all().await {
        let app = &w.app;
        let c = care(&w).await;
        let p2 = app.store().facility(w.b1).await.unwrap().programme_id;
        let o1 = office(&w, w.p1, "O1").await;
        let o2 = office(&w, p2, "O2").await;
        let (_, social) = w
            .account(
                "social-p1",
                &[(Role::SocialWorker, Scope::Programme(w.p1.to_string()))],
            )
            .await;
        let (_, director) = w
            .account("director", &[(Role::ProgrammeDirector, Scope::All)])
            .await;
        let ours = app
            .create_household(&social, Some(o1), household())
            .await
            .unwrap();
        let theirs = app
            .create_household(&director, Some(o2), household())
            .await
            .unwrap();
        let outsider = person(&w, "Far", date!(2010 - 01 - 01), w.b1).await;
        let neighbour = person(&w, "Near", date!(2010 - 01 - 01), w.a1).await;
        let child_plan = app.create_child_plan(&social, c.c1, plan()).await.unwrap();
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "a social worker opens a household at an office of another programme",
                outcome(&app.create_household(&social, Some(o2), household()).await),
                "not_found",
            ),
            (
                "a social worker opens a household at no office",
                outcome(&app.create_household(&social, None, household()).await),
                "invalid facility",
            ),
            (
                "the SOS parent opens a household",
                outcome(&app.create_household(&c.mother, Some(o1), household()).await),
                "auth.forbidden",
            ),
            (
                "a social worker reads a household of another programme",
                outcome(&app.household_to_read(&social, theirs.id).await),
                "not_found",
            ),
            (
                "a social worker adds a person she may not read",
                outcome(
                    &app.add_household_member(&social, ours.id, &outsider.to_string(), true)
                        .await,
                ),
                "invalid person",
            ),
            (
                "a social worker adds a person of her programme",
                outcome(
                    &app.add_household_member(&social, ours.id, &neighbour.to_string(), true)
                        .await,
                ),
                "ok",
            ),
            (
                "a social worker adds the same person again",
                outcome(
                    &app.add_household_member(&social, ours.id, &neighbour.to_string(), false)
                        .await,
                ),
                "conflict.duplicate",
            ),
            (
                "a social worker plans for a household of another programme",
                outcome(&app.create_household_plan(&social, theirs.id, plan()).await),
                "not_found",
            ),
            (
                "the SOS parent reads the plan of her house's child",
                outcome(&app.plan_to_read(&c.mother, child_plan.id).await),
                "ok",
            ),
            (
                "the SOS parent approves the plan",
                outcome(
                    &app.approve_plan(&c.mother, child_plan.id, child_plan.version)
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "the social worker approves her own plan",
                outcome(
                    &app.approve_plan(&social, child_plan.id, child_plan.version)
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "the director approves the plan",
                outcome(
                    &app.approve_plan(&director, child_plan.id, child_plan.version)
                        .await,
                ),
                "ok",
            ),
            (
                "the director approves the plan again",
                outcome(
                    &app.approve_plan(&director, child_plan.id, child_plan.version + 1)
                        .await,
                ),
                "conflict.stale_version",
            ),
            (
                "a social worker of P1 plans for a child of P2",
                outcome(&app.create_child_plan(&social, c.c2, plan()).await),
                "not_found",
            ),
            (
                "ending a household",
                outcome(
                    &app.end_household(
                        &social,
                        ours.id,
                        app.store().household(ours.id).await.unwrap().version,
                        HouseholdEnd::parse("graduated", &days_ago(0), "Self-reliant", today()),
                    )
                    .await,
                ),
                "ok",
            ),
            (
                "ending it again",
                outcome(
                    &app.end_household(
                        &social,
                        ours.id,
                        app.store().household(ours.id).await.unwrap().version,
                        HouseholdEnd::parse("exited", &days_ago(0), "Moved", today()),
                    )
                    .await,
                ),
                "invalid status",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "[{}] {what}", w.label);
        }
        let _ = (c.v2, c.lotus);
    }
}

fn admission() -> Parsed<AdmissionDetails> {
    AdmissionDetails::parse(
        &AdmissionInput {
            necessity: "Parents died",
            suitability: "Siblings together",
            chosen_option: "sos_family",
            decision: "admit",
            decided_on: &days_ago(1),
            review_on: &(today() + time::Duration::days(70)).to_string(),
            ..AdmissionInput::default()
        },
        today(),
    )
}

fn house_command(name: &'static str, parent: Option<Id>) -> Parsed<haven_app::care::HouseCommand> {
    Ok(haven_app::care::HouseCommand {
        details: HouseDetails::parse(&HouseInput {
            name,
            kind: "sos_family",
            capacity: "6",
        })?,
        sos_parent: parent,
        family_assistant: None,
    })
}

fn decision(status: AdmissionStatus) -> Parsed<haven_app::care::Decision> {
    Ok(haven_app::care::Decision {
        status,
        note: String::new(),
    })
}

#[tokio::test]
async fn villages_houses_admissions_and_partners_are_read_and_written_in_reach() {
    for w in World::all().await {
        let app = &w.app;
        let c = care(&w).await;
        let p2 = app.store().facility(c.v2).await.unwrap().programme_id;
        let (_, worker) = w
            .account("worker-v1", &[(Role::CareWorker, w.facility(c.v1))])
            .await;
        let (_, nurse) = w
            .account("nurse", &[(Role::RegisteredNurse, Scope::All)])
            .await;
        // Reads and writes care everywhere, approves admissions only at V1.
        let (_, approver) = w
            .account(
                "approver",
                &[
                    (Role::SocialWorker, Scope::All),
                    (Role::ProgrammeDirector, w.facility(c.v1)),
                ],
            )
            .await;
        let lotus = app.store().house(c.lotus).await.unwrap();
        let near = person(&w, "Dara", date!(2016 - 01 - 01), c.v1).await;
        let far = person(&w, "Bopha", date!(2016 - 01 - 01), c.v2).await;
        let pending_v1 = app
            .store()
            .record_admission(&Actor::system(), near, c.v1, &admission().unwrap())
            .await
            .unwrap();
        let pending_v2 = app
            .store()
            .record_admission(&Actor::system(), far, c.v2, &admission().unwrap())
            .await
            .unwrap();
        let newcomer = person(&w, "Kanha", date!(2017 - 01 - 01), c.v1).await;
        let outsider = person(&w, "Rith", date!(2017 - 01 - 01), c.v2).await;
        let partner = app
            .create_partner(
                &worker,
                haven_domain::care::PartnerDetails::parse("Legal Aid", "legal", ""),
            )
            .await
            .unwrap();
        let page_of = |page: haven_app::Result<haven_app::care::ChildPage>| match page {
            Ok(page) => format!("ok writable={}", page.writable),
            Err(error) => outcome::<()>(&Err(error)),
        };
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "a care worker reads her programme's care",
                outcome(&app.care_programme(&worker, w.p1, today()).await),
                "ok",
            ),
            (
                "a care worker reads another programme's care",
                outcome(&app.care_programme(&worker, p2, today()).await),
                "not_found",
            ),
            (
                "a nurse reads a programme's care",
                outcome(&app.care_programme(&nurse, w.p1, today()).await),
                "auth.forbidden",
            ),
            (
                "a care worker reads her village",
                outcome(&app.village_view(&worker, c.v1, today()).await),
                "ok",
            ),
            (
                "a care worker reads a village of another programme",
                outcome(&app.village_view(&worker, c.v2, today()).await),
                "not_found",
            ),
            (
                "the SOS parent reads her village whole",
                outcome(&app.village_view(&c.mother, c.v1, today()).await),
                "not_found",
            ),
            (
                "the SOS parent reads her own house",
                outcome(&app.house_view(&c.mother, c.lotus).await),
                "ok",
            ),
            (
                "the SOS parent changes her own house",
                outcome(&app.house_to_write(&c.mother, c.lotus).await),
                "auth.forbidden",
            ),
            (
                "a care worker adds a house to her village",
                outcome(
                    &app.create_house(&worker, c.v1, house_command("Jasmine", None))
                        .await,
                ),
                "ok",
            ),
            (
                "a care worker adds a house to a village of another programme",
                outcome(
                    &app.create_house(&worker, c.v2, house_command("Orchid", None))
                        .await,
                ),
                "not_found",
            ),
            (
                "a care worker names a caregiver who is no staff member",
                outcome(
                    &app.create_house(&worker, c.v1, house_command("Lily", Some(Id::new())))
                        .await,
                ),
                "not_found",
            ),
            (
                "a care worker adds a house with a bad form",
                outcome(
                    &app.create_house(&worker, c.v1, house_command("", None))
                        .await,
                ),
                "invalid name",
            ),
            (
                "a nurse adds a house with a bad form: the permission comes first",
                outcome(
                    &app.create_house(&nurse, c.v1, house_command("", None))
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "a care worker changes a house naming no version",
                outcome(
                    &app.update_house(&worker, c.lotus, None, house_command("Lotus", None))
                        .await,
                ),
                "invalid version",
            ),
            (
                "a care worker changes a house on a stale version",
                outcome(
                    &app.update_house(
                        &worker,
                        c.lotus,
                        Some(lotus.version + 3),
                        house_command("Lotus", None),
                    )
                    .await,
                ),
                "conflict.stale_version",
            ),
            (
                "a care worker closes a house where a child lives",
                outcome(
                    &app.close_house(&worker, c.lotus, Some(lotus.version), true)
                        .await,
                ),
                "invalid house",
            ),
            (
                "a care worker assesses a child of her village",
                outcome(
                    &app.record_admission(&worker, newcomer, Some(c.v1), admission())
                        .await,
                ),
                "ok",
            ),
            (
                "a care worker assesses a child at a village she does not see",
                outcome(
                    &app.record_admission(&worker, newcomer, Some(c.v2), admission())
                        .await,
                ),
                "invalid facility",
            ),
            (
                "a care worker assesses a child registered in another programme",
                outcome(
                    &app.record_admission(&worker, outsider, Some(c.v1), admission())
                        .await,
                ),
                "not_found",
            ),
            (
                "the SOS parent assesses a child",
                outcome(
                    &app.record_admission(&c.mother, newcomer, Some(c.v1), admission())
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "a care worker decides an admission",
                outcome(
                    &app.decide_admission(
                        &worker,
                        pending_v1.id,
                        pending_v1.version,
                        decision(AdmissionStatus::Approved),
                    )
                    .await,
                ),
                "auth.forbidden",
            ),
            (
                "the approver of V1 decides an admission at V2 she reads",
                outcome(
                    &app.decide_admission(
                        &approver,
                        pending_v2.id,
                        pending_v2.version,
                        decision(AdmissionStatus::Approved),
                    )
                    .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "the approver of V1 decides an admission at V1",
                outcome(
                    &app.decide_admission(
                        &approver,
                        pending_v1.id,
                        pending_v1.version,
                        decision(AdmissionStatus::Approved),
                    )
                    .await,
                ),
                "ok",
            ),
            (
                "a care worker reads an admission of another programme",
                outcome(&app.care_admission_record(&worker, pending_v2.id).await),
                "not_found",
            ),
            (
                "the SOS parent's page of her house's child",
                page_of(app.care_child_page(&c.mother, c.c1, false).await),
                "ok writable=false",
            ),
            (
                "a care worker's page of a child of her village",
                page_of(app.care_child_page(&worker, c.c1, false).await),
                "ok writable=true",
            ),
            (
                "a care worker's page of a child of another programme",
                page_of(app.care_child_page(&worker, c.c2, true).await),
                "not_found",
            ),
            (
                "a care worker reads the record of a child of another programme",
                outcome(&app.read_care_child_record(&worker, c.c2).await),
                "not_found",
            ),
            (
                "a nurse lists the partners",
                outcome(&app.partners(&nurse).await),
                "auth.forbidden",
            ),
            (
                "the SOS parent lists the partners",
                outcome(&app.partners(&c.mother).await),
                "ok",
            ),
            (
                "the SOS parent adds a partner",
                outcome(
                    &app.create_partner(
                        &c.mother,
                        haven_domain::care::PartnerDetails::parse("Clinic", "", ""),
                    )
                    .await,
                ),
                "auth.forbidden",
            ),
            (
                "a care worker changes a partner naming no version",
                outcome(
                    &app.update_partner(
                        &worker,
                        partner.id,
                        None,
                        haven_domain::care::PartnerDetails::parse("Legal Aid", "", ""),
                    )
                    .await,
                ),
                "invalid version",
            ),
            (
                "a care worker closes an unknown partner",
                outcome(&app.close_partner(&worker, Id::new(), Some(1), true).await),
                "not_found",
            ),
            (
                "a care worker closes a partner",
                outcome(
                    &app.close_partner(&worker, partner.id, Some(partner.version), true)
                        .await,
                ),
                "ok",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "[{}] {what}", w.label);
        }
        // The lists hold only what the caller sees.
        let children = app.care_children(&worker, None).await.unwrap();
        assert!(
            children.iter().all(|child| child.facility_id == c.v1)
                && children.iter().any(|child| child.id == c.c1),
            "[{}] a care worker lists her village's children",
            w.label
        );
        let mine = app.care_children(&c.mother, None).await.unwrap();
        assert_eq!(
            mine.iter().map(|child| child.id).collect::<Vec<_>>(),
            vec![c.c1],
            "[{}] the SOS parent lists her house's children",
            w.label
        );
        let overview = app.care_overview(&c.mother, today()).await.unwrap();
        assert!(
            overview.facilities.is_empty() && overview.my_houses.len() == 1 && overview.sees_any,
            "[{}] the SOS parent's overview is her house",
            w.label
        );
        assert!(
            app.care_programme_figures(&c.mother, today())
                .await
                .unwrap()
                .is_empty(),
            "[{}] no figures without Read Report",
            w.label
        );
    }
}

#[tokio::test]
async fn records_of_households_and_plans_say_what_the_caller_may_do() {
    for w in World::all().await {
        let app = &w.app;
        let c = care(&w).await;
        let p2 = app.store().facility(c.v2).await.unwrap().programme_id;
        let o1 = office(&w, w.p1, "O1").await;
        let o2 = office(&w, p2, "O2").await;
        let (_, social) = w
            .account(
                "social-p1",
                &[(Role::SocialWorker, Scope::Programme(w.p1.to_string()))],
            )
            .await;
        let (_, director) = w
            .account("director", &[(Role::ProgrammeDirector, Scope::All)])
            .await;
        let ours = app
            .create_household(&social, Some(o1), household())
            .await
            .unwrap();
        let theirs = app
            .create_household(&director, Some(o2), household())
            .await
            .unwrap();
        let plan = app.create_child_plan(&social, c.c1, plan()).await.unwrap();
        let list = app.households(&social, None).await.unwrap();
        assert_eq!(
            list.households.iter().map(|h| h.id).collect::<Vec<_>>(),
            vec![ours.id],
            "[{}] a social worker lists her programme's households",
            w.label
        );
        assert_eq!(
            list.offices.iter().map(|o| o.id).collect::<Vec<_>>(),
            vec![o1],
            "[{}] and its offices",
            w.label
        );
        let flags = |record: haven_app::Result<haven_app::care::PlanRecord>| match record {
            Ok(r) => format!("write={} approve={}", r.may_write, r.may_approve),
            Err(error) => outcome::<()>(&Err(error)),
        };
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "a social worker reads her household",
                outcome(&app.read_household_record(&social, ours.id).await),
                "ok",
            ),
            (
                "a social worker reads a household of another programme",
                outcome(&app.household_record(&social, theirs.id).await),
                "not_found",
            ),
            (
                "the SOS parent reads a household",
                outcome(&app.household_record(&c.mother, ours.id).await),
                "not_found",
            ),
            (
                "the social worker's plan",
                flags(app.read_plan_record(&social, plan.id).await),
                "write=true approve=false",
            ),
            (
                "the director's view of the plan",
                flags(app.plan_record(&director, plan.id).await),
                "write=true approve=true",
            ),
            (
                "the SOS parent's view of her child's plan",
                flags(app.plan_record(&c.mother, plan.id).await),
                "write=false approve=false",
            ),
            (
                "a nurse reads the plan",
                flags(
                    app.plan_record(
                        &w.account("nurse", &[(Role::RegisteredNurse, Scope::All)])
                            .await
                            .1,
                        plan.id,
                    )
                    .await,
                ),
                "auth.forbidden",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "[{}] {what}", w.label);
        }
        let record = app.household_record(&social, ours.id).await.unwrap();
        assert!(record.writable, "[{}] the social worker may write", w.label);
        let _ = (c.v1, c.v2, c.c2, c.lotus);
    }
}
