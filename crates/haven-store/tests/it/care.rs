//! Store tests of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6).
//!
//! Each test runs on SQLite and, when configured, PostgreSQL: houses and their
//! caregivers, gatekeeping and approval before placement, overlapping placements and
//! moves, siblings apart only with a reason, plans and overdue reviews, schooling,
//! leaving care, households, notes by kind, case steps, figures by sex, demo data.

use haven_domain::care::{
    AdmissionDetails, AdmissionInput, AdmissionStatus, CareCaseState, CareError, CareNoteKind,
    EnrolmentDetails, EnrolmentInput, GoalDetails, GoalInput, HouseDetails, HouseInput,
    HouseholdDetails, LeavingDetails, NoteDetails, PlacementDetails, PlacementInput, PlanDetails,
    PlanInput, ReviewDetails, ServiceDetails, TermDetails, TermInput,
};
use haven_domain::person::RelationshipKind;
use haven_domain::staff::{StaffDetails, StaffInput};
use haven_store::care::{CareWriteError, PlacementChecks, PlanSubject};
use haven_store::testing::{all, TestStore};
use haven_store::{Id, StoreError};
use time::macros::date;
use time::{Date, Duration};

use crate::places::{facility_details, programme_details};
use crate::{admin, count, create_user};

fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

async fn child(t: &TestStore, given: &str, sex: &str, born: Date, facility: Id) -> Id {
    let id = Id::new();
    t.execute_raw(&format!(
        "INSERT INTO person (id, site_id, family_name_latin, given_name_latin, sex, birth_date,
             birth_date_precision, registered_facility_id, created_at, created_by, updated_at,
             updated_by, version)
         VALUES ('{id}', '{id}', 'Chan', '{given}', '{sex}', '{born}', 'exact', '{facility}',
             '2026-01-01T00:00:00.000000Z', '{id}', '2026-01-01T00:00:00.000000Z', '{id}', 1)"
    ))
    .await
    .unwrap_or_else(|e| panic!("{}: inserting a child: {e:?}", t.label));
    id
}

struct Village {
    facility: Id,
    office: Id,
    parent: Id,
}

async fn village(t: &TestStore) -> Village {
    let store = &t.store;
    let programme = store
        .create_programme(&admin(), &programme_details("SOS Battambang", "KH-2"))
        .await
        .unwrap();
    let facility = store
        .create_facility(
            &admin(),
            programme.id,
            &facility_details("childrens_village", "Children's Village"),
        )
        .await
        .unwrap();
    let office = store
        .create_facility(
            &admin(),
            programme.id,
            &facility_details("family_strengthening_office", "FS office"),
        )
        .await
        .unwrap();
    let mother = child(t, "Mother", "female", date!(1980 - 01 - 01), facility.id).await;
    let user = create_user(t, "sosmother").await;
    let staff = store
        .create_staff_member(
            &admin(),
            mother,
            &StaffDetails::parse(&StaffInput {
                profession: "sos_parent",
                ..StaffInput::default()
            })
            .unwrap(),
            Some(user.id),
        )
        .await
        .unwrap();
    Village {
        facility: facility.id,
        office: office.id,
        parent: staff.id,
    }
}

fn house(name: &str, kind: &str, capacity: &str) -> HouseDetails {
    HouseDetails::parse(&HouseInput {
        name,
        kind,
        capacity,
    })
    .unwrap()
}

fn admission(decided: Date) -> AdmissionDetails {
    AdmissionDetails::parse(
        &AdmissionInput {
            necessity: "Parents died",
            suitability: "Keeps the siblings together",
            chosen_option: "sos_family",
            decision: "admit",
            decided_on: &decided.to_string(),
            review_on: &(decided + Duration::days(180)).to_string(),
            ..AdmissionInput::default()
        },
        today(),
    )
    .unwrap()
}

fn placement(start: Date, apart: &str) -> PlacementDetails {
    PlacementDetails::parse(
        &PlacementInput {
            started_on: &start.to_string(),
            ended_on: "",
            reason: "admitted",
            apart_reason: apart,
        },
        today(),
    )
    .unwrap()
}

/// Admits and approves a person; answers the care record's id.
async fn admitted(t: &TestStore, person: Id, facility: Id) -> Id {
    let a = t
        .store
        .record_admission(
            &admin(),
            person,
            facility,
            &admission(today() - Duration::days(30)),
        )
        .await
        .unwrap();
    t.store
        .decide_admission(&admin(), a.id, a.version, AdmissionStatus::Approved, "")
        .await
        .unwrap();
    a.child_id
}

fn refused<T: std::fmt::Debug>(
    t: &TestStore,
    result: Result<T, CareWriteError>,
    field: &str,
    error: CareError,
) {
    match result {
        Err(CareWriteError::Refused(f, e)) => assert_eq!((f, e), (field, error), "{}", t.label),
        other => panic!("{}: expected {field} {error:?}, got {other:?}", t.label),
    }
}

#[tokio::test]
async fn a_child_is_placed_only_after_an_approved_admission_and_never_in_two_houses() {
    for t in all().await {
        let store = &t.store;
        let v = village(&t).await;
        let lotus = store
            .create_house(
                &admin(),
                v.facility,
                &house("Lotus", "sos_family", "2"),
                Some(v.parent),
                None,
            )
            .await
            .unwrap();
        let mango = store
            .create_house(
                &admin(),
                v.facility,
                &house("Mango", "sos_family", "8"),
                None,
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            lotus.sos_parent_name().as_deref(),
            Some("Chan Mother"),
            "{}",
            t.label
        );
        // A house belongs to a village, not to an office.
        assert!(matches!(
            store
                .create_house(
                    &admin(),
                    v.office,
                    &house("X", "sos_family", "2"),
                    None,
                    None
                )
                .await,
            Err(StoreError::NotFound { .. })
        ));

        let sokha = child(&t, "Sokha", "female", date!(2015 - 05 - 01), v.facility).await;
        let a = store
            .record_admission(
                &admin(),
                sokha,
                v.facility,
                &admission(today() - Duration::days(30)),
            )
            .await
            .unwrap();
        let care = a.child_id;
        assert_eq!(
            store.care_child(care).await.unwrap().case_state(),
            CareCaseState::Assessment,
            "{}",
            t.label
        );
        let start = today() - Duration::days(20);
        refused(
            &t,
            store
                .place_child(
                    &admin(),
                    care,
                    lotus.id,
                    &placement(start, ""),
                    PlacementChecks::default(),
                )
                .await,
            "house",
            CareError::NotApproved,
        );
        store
            .decide_admission(&admin(), a.id, a.version, AdmissionStatus::Approved, "ok")
            .await
            .unwrap();
        // Deciding twice is a conflict.
        assert!(matches!(
            store
                .decide_admission(&admin(), a.id, a.version + 1, AdmissionStatus::Declined, "")
                .await,
            Err(StoreError::Conflict { .. })
        ));
        store
            .place_child(
                &admin(),
                care,
                lotus.id,
                &placement(start, ""),
                PlacementChecks::default(),
            )
            .await
            .unwrap();

        // The same days in another house: refused. Before the start with no end: refused.
        let overlapping = PlacementDetails::parse(
            &PlacementInput {
                started_on: &(start - Duration::days(5)).to_string(),
                ended_on: &(start + Duration::days(2)).to_string(),
                reason: "x",
                apart_reason: "",
            },
            today(),
        )
        .unwrap();
        refused(
            &t,
            store
                .place_child(
                    &admin(),
                    care,
                    mango.id,
                    &overlapping,
                    PlacementChecks::default(),
                )
                .await,
            "started_on",
            CareError::PlacementOverlap,
        );
        // Later, a move: the stay in Lotus ends the day the stay in Mango starts.
        let moved = today() - Duration::days(5);
        store
            .place_child(
                &admin(),
                care,
                mango.id,
                &placement(moved, ""),
                PlacementChecks::default(),
            )
            .await
            .unwrap();
        let history = store.placements_of(care).await.unwrap();
        assert_eq!(history.len(), 2, "{}", t.label);
        assert_eq!(history[0].house_id, mango.id);
        assert_eq!(history[1].ended_on, Some(moved), "{}", t.label);
        assert_eq!(history[1].end_reason, "admitted", "{}", t.label);
        assert_eq!(
            store.care_child(care).await.unwrap().house_id,
            Some(mango.id)
        );
        assert_eq!(
            count(
                &t,
                "SELECT COUNT(*) FROM change_log WHERE entity = 'care_placement'"
            )
            .await,
            3
        );
        assert_eq!(
            count(
                &t,
                "SELECT COUNT(*) FROM audit_event WHERE action = 'care_placement_create'"
            )
            .await,
            2
        );

        // A full house refuses a child.
        for name in ["Dara", "Vibol"] {
            let other = child(&t, name, "male", date!(2016 - 01 - 01), v.facility).await;
            let care = admitted(&t, other, v.facility).await;
            let placed = store
                .place_child(
                    &admin(),
                    care,
                    lotus.id,
                    &placement(start, ""),
                    PlacementChecks::default(),
                )
                .await;
            if name == "Dara" {
                placed.unwrap();
            } else {
                assert!(placed.is_ok(), "{}: one place left", t.label);
            }
        }
        let third = child(&t, "Nary", "female", date!(2016 - 01 - 01), v.facility).await;
        let care = admitted(&t, third, v.facility).await;
        refused(
            &t,
            store
                .place_child(
                    &admin(),
                    care,
                    lotus.id,
                    &placement(start, ""),
                    PlacementChecks::default(),
                )
                .await,
            "house",
            CareError::HouseFull,
        );
        assert_eq!(
            store.house(lotus.id).await.unwrap().free_places(),
            0,
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn siblings_apart_need_a_reason_and_split_groups_are_found() {
    for t in all().await {
        let store = &t.store;
        let v = village(&t).await;
        let lotus = store
            .create_house(
                &admin(),
                v.facility,
                &house("Lotus", "sos_family", "8"),
                None,
                None,
            )
            .await
            .unwrap();
        let mango = store
            .create_house(
                &admin(),
                v.facility,
                &house("Mango", "sos_family", "8"),
                None,
                None,
            )
            .await
            .unwrap();
        let youth = store
            .create_house(
                &admin(),
                v.facility,
                &house("Youth", "youth_house", "8"),
                None,
                None,
            )
            .await
            .unwrap();
        let sister = child(&t, "Sophea", "female", date!(2012 - 01 - 01), v.facility).await;
        let brother = child(&t, "Rithy", "male", date!(2014 - 01 - 01), v.facility).await;
        let baby = child(
            &t,
            "Mony",
            "male",
            today() - Duration::days(400),
            v.facility,
        )
        .await;
        store
            .add_relationship(&admin(), brother, sister, RelationshipKind::Sibling)
            .await
            .unwrap();
        store
            .add_relationship(&admin(), baby, brother, RelationshipKind::Sibling)
            .await
            .unwrap();
        let siblings = store.siblings_of(sister).await.unwrap();
        assert_eq!(
            siblings.len(),
            2,
            "{}: the baby through the brother",
            t.label
        );

        let start = today() - Duration::days(10);
        let c_sister = admitted(&t, sister, v.facility).await;
        let c_brother = admitted(&t, brother, v.facility).await;
        let c_baby = admitted(&t, baby, v.facility).await;
        store
            .place_child(
                &admin(),
                c_sister,
                lotus.id,
                &placement(start, ""),
                PlacementChecks::default(),
            )
            .await
            .unwrap();
        refused(
            &t,
            store
                .place_child(
                    &admin(),
                    c_brother,
                    mango.id,
                    &placement(start, ""),
                    PlacementChecks::default(),
                )
                .await,
            "apart_reason",
            CareError::ApartReasonRequired,
        );
        store
            .place_child(
                &admin(),
                c_brother,
                mango.id,
                &placement(start, "Lotus has no boys' room free"),
                PlacementChecks::default(),
            )
            .await
            .unwrap();
        // A child under 3 goes to a youth house only with confirmation.
        refused(
            &t,
            store
                .place_child(
                    &admin(),
                    c_baby,
                    youth.id,
                    &placement(start, "too young for Lotus"),
                    PlacementChecks::default(),
                )
                .await,
            "house",
            CareError::UnderThreeNeedsFamily,
        );
        store
            .place_child(
                &admin(),
                c_baby,
                lotus.id,
                &placement(start, "with the sister"),
                PlacementChecks::default(),
            )
            .await
            .unwrap();

        let children = store.care_children_of(&[v.facility]).await.unwrap();
        let split = store.split_sibling_groups(&children).await.unwrap();
        assert_eq!(split.len(), 1, "{}", t.label);
        let names: Vec<String> = split[0]
            .iter()
            .map(|c| c.given_name_latin.clone())
            .collect();
        assert_eq!(names.len(), 3, "{}: {names:?}", t.label);
    }
}

#[tokio::test]
async fn plans_goals_reviews_and_overdue_reviews() {
    for t in all().await {
        let store = &t.store;
        let v = village(&t).await;
        let lotus = store
            .create_house(
                &admin(),
                v.facility,
                &house("Lotus", "sos_family", "8"),
                None,
                None,
            )
            .await
            .unwrap();
        let a = child(&t, "Sokha", "female", date!(2015 - 01 - 01), v.facility).await;
        let b = child(&t, "Dara", "male", date!(2014 - 01 - 01), v.facility).await;
        let mut cares = Vec::new();
        for person in [a, b] {
            let care = admitted(&t, person, v.facility).await;
            store
                .place_child(
                    &admin(),
                    care,
                    lotus.id,
                    &placement(today() - Duration::days(300), ""),
                    PlacementChecks::default(),
                )
                .await
                .unwrap();
            cares.push(care);
        }
        // An old plan (made on its day) is overdue today; a new one is not.
        let old_day = today() - Duration::days(250);
        let old = PlanDetails::parse(
            &PlanInput {
                made_on: &old_day.to_string(),
                review_on: &(old_day + Duration::days(150)).to_string(),
                ..PlanInput::default()
            },
            old_day,
            6,
        )
        .unwrap();
        let old = store
            .create_plan(&admin(), PlanSubject::Child(cares[0]), &old)
            .await
            .unwrap();
        let fresh = PlanDetails::parse(
            &PlanInput {
                made_on: &today().to_string(),
                review_on: &(today() + Duration::days(90)).to_string(),
                child_heard: true,
                child_views: "I want to learn English",
                ..PlanInput::default()
            },
            today(),
            6,
        )
        .unwrap();
        store
            .create_plan(&admin(), PlanSubject::Child(cares[1]), &fresh)
            .await
            .unwrap();
        let overdue = store.overdue_plans(&[v.facility], today()).await.unwrap();
        assert_eq!(overdue.len(), 1, "{}", t.label);
        assert_eq!(overdue[0].plan.id, old.id);
        assert_eq!(overdue[0].subject_name, "Chan Sokha");

        let goal = GoalDetails::parse(&GoalInput {
            area: "education",
            goal: "Reads well",
            responsible: "SOS mother",
            ..GoalInput::default()
        })
        .unwrap();
        store.add_goal(&admin(), old.id, &goal).await.unwrap();
        assert_eq!(store.goals_of(old.id).await.unwrap().len(), 1);
        let review = ReviewDetails::parse(
            &today().to_string(),
            "Reading better",
            &(today() + Duration::days(100)).to_string(),
            today(),
            6,
        )
        .unwrap();
        let reviewed = store
            .review_plan(&admin(), old.id, old.version, &review)
            .await
            .unwrap();
        assert_eq!(reviewed.review_on, today() + Duration::days(100));
        assert!(
            store
                .overdue_plans(&[v.facility], today())
                .await
                .unwrap()
                .is_empty(),
            "{}",
            t.label
        );
        assert!(matches!(
            store
                .review_plan(&admin(), old.id, old.version, &review)
                .await,
            Err(StoreError::Conflict { .. })
        ));
        let approved = store
            .approve_plan(&admin(), reviewed.id, reviewed.version)
            .await
            .unwrap();
        assert!(approved.approved());

        let figures = store.care_figures(&[v.facility], today()).await.unwrap();
        assert_eq!(
            (
                figures.in_care.girls,
                figures.in_care.boys,
                figures.in_care.total
            ),
            (1, 1, 2),
            "{}",
            t.label
        );
        assert_eq!(figures.plans_up_to_date.total, 2);
    }
}

#[tokio::test]
async fn school_terms_leaving_care_and_figures_by_sex() {
    for t in all().await {
        let store = &t.store;
        let v = village(&t).await;
        let lotus = store
            .create_house(
                &admin(),
                v.facility,
                &house("Lotus", "sos_family", "8"),
                None,
                None,
            )
            .await
            .unwrap();
        let girl = child(
            &t,
            "Srey",
            "female",
            today() - Duration::days(365 * 9),
            v.facility,
        )
        .await;
        let boy = child(
            &t,
            "Pov",
            "male",
            today() - Duration::days(365 * 10),
            v.facility,
        )
        .await;
        let youth = child(
            &t,
            "Vanna",
            "male",
            today() - Duration::days(365 * 18 + 30),
            v.facility,
        )
        .await;
        let mut cares = Vec::new();
        for person in [girl, boy, youth] {
            let care = admitted(&t, person, v.facility).await;
            store
                .place_child(
                    &admin(),
                    care,
                    lotus.id,
                    &placement(today() - Duration::days(100), ""),
                    PlacementChecks::default(),
                )
                .await
                .unwrap();
            cares.push(care);
        }
        let enrolment = EnrolmentDetails::parse(&EnrolmentInput {
            level: "primary",
            school: "Wat Kor Primary",
            grade: "3",
            school_year: &today().year().to_string(),
            scholarship: "",
        })
        .unwrap();
        let enrolment = store
            .add_enrolment(&admin(), cares[0], &enrolment)
            .await
            .unwrap();
        let term = TermDetails::parse(&TermInput {
            term: "1",
            days_present: "55",
            days_possible: "60",
            average: "78",
            passed: true,
            remark: "",
        })
        .unwrap();
        store.add_term(&admin(), enrolment.id, &term).await.unwrap();
        assert!(matches!(
            store.add_term(&admin(), enrolment.id, &term).await,
            Err(StoreError::Duplicate { field: "term" })
        ));

        let version = store.care_child(cares[2]).await.unwrap().version;
        let leaving = LeavingDetails::parse(
            &today().to_string(),
            "independent_living",
            "Started work",
            today(),
        )
        .unwrap();
        store
            .record_leaving(&admin(), cares[2], version, &leaving)
            .await
            .unwrap();
        let left = store.care_child(cares[2]).await.unwrap();
        assert_eq!(left.left_on, Some(today()));
        assert!(left.house_id.is_none(), "{}: the placement ended", t.label);

        let figures = store.care_figures(&[v.facility], today()).await.unwrap();
        assert_eq!(
            (
                figures.in_care.girls,
                figures.in_care.boys,
                figures.in_care.total
            ),
            (1, 1, 2),
            "{}",
            t.label
        );
        assert_eq!(
            (
                figures.school_age.total,
                figures.enrolled.girls,
                figures.enrolled.boys
            ),
            (2, 1, 0)
        );
        assert_eq!((figures.with_results.total, figures.passed.girls), (1, 1));
        assert_eq!(figures.leavers.boys, 1);
        let admissions_this_year = if (today() - Duration::days(100)).year() == today().year() {
            3
        } else {
            0
        };
        assert_eq!(figures.admissions.total, admissions_this_year);
    }
}

#[tokio::test]
async fn notes_are_read_by_kind_and_cases_move_only_as_allowed() {
    for t in all().await {
        let store = &t.store;
        let v = village(&t).await;
        let person = child(&t, "Sokha", "female", date!(2015 - 01 - 01), v.facility).await;
        let care = admitted(&t, person, v.facility).await;
        for (kind, body) in [("daily", "Slept well"), ("psychosocial", "Grief session")] {
            let note = NoteDetails::parse(kind, &today().to_string(), body, today()).unwrap();
            store.add_care_note(&admin(), care, &note).await.unwrap();
        }
        let daily = store
            .care_notes_of(care, &[CareNoteKind::Daily])
            .await
            .unwrap();
        assert_eq!(daily.len(), 1, "{}", t.label);
        assert_eq!(daily[0].body, "Slept well");
        assert!(store.care_notes_of(care, &[]).await.unwrap().is_empty());
        assert_eq!(
            store
                .care_notes_of(care, CareNoteKind::ALL)
                .await
                .unwrap()
                .len(),
            2
        );
        let note = &daily[0];
        store
            .mark_note_in_error(&admin(), note.id, note.version, "wrong child")
            .await
            .unwrap();
        assert!(store
            .care_notes_of(care, &[CareNoteKind::Daily])
            .await
            .unwrap()
            .is_empty());

        let version = store.care_child(care).await.unwrap().version;
        refused(
            &t,
            store
                .move_case(
                    &admin(),
                    PlanSubject::Child(care),
                    version,
                    CareCaseState::Reopened,
                    "",
                )
                .await,
            "to",
            CareError::TransitionNotAllowed,
        );
        store
            .move_case(
                &admin(),
                PlanSubject::Child(care),
                version,
                CareCaseState::CasePlan,
                "plan agreed",
            )
            .await
            .unwrap();
        let events = store.case_events(care).await.unwrap();
        let steps: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e.from_state.as_str(), e.to_state.as_str()))
            .collect();
        assert_eq!(
            steps,
            vec![
                ("", "identification"),
                ("identification", "assessment"),
                ("assessment", "case_plan")
            ],
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn households_members_services_and_partners() {
    for t in all().await {
        let store = &t.store;
        let v = village(&t).await;
        let mother = child(&t, "Mother", "female", date!(1985 - 01 - 01), v.office).await;
        let son = child(&t, "Son", "male", date!(2018 - 01 - 01), v.office).await;
        let details =
            HouseholdDetails::parse("Chan family", &["poverty", "single_caregiver"]).unwrap();
        // A household belongs to a family strengthening office.
        assert!(store
            .create_household(&admin(), v.facility, &details)
            .await
            .is_err());
        let household = store
            .create_household(&admin(), v.office, &details)
            .await
            .unwrap();
        store
            .add_household_member(&admin(), household.id, mother, false)
            .await
            .unwrap();
        store
            .add_household_member(&admin(), household.id, son, true)
            .await
            .unwrap();
        assert!(matches!(
            store
                .add_household_member(&admin(), household.id, son, true)
                .await,
            Err(StoreError::Duplicate { .. })
        ));
        let members = store.household_members(household.id).await.unwrap();
        assert_eq!(members.len(), 2, "{}", t.label);
        assert_eq!(members.iter().filter(|m| m.at_risk == 1).count(), 1);
        let partner = store
            .create_partner(
                &admin(),
                &haven_domain::care::PartnerDetails::parse("Health centre", "health", "").unwrap(),
            )
            .await
            .unwrap();
        let service =
            ServiceDetails::parse("referral", &today().to_string(), "eyes", true, today()).unwrap();
        store
            .add_service(
                &admin(),
                household.id,
                Some(son),
                Some(partner.id),
                &service,
            )
            .await
            .unwrap();
        let services = store.services_of(household.id).await.unwrap();
        assert_eq!(
            services[0].partner_name.as_deref(),
            Some("Health centre"),
            "{}",
            t.label
        );
        assert_eq!(store.household(household.id).await.unwrap().members, 2);
        assert_eq!(store.households_of(&[v.office]).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn the_demo_places_children_in_houses_with_their_caregivers() {
    for t in all().await {
        let store = &t.store;
        store.load_demo().await.unwrap();
        store
            .load_demo_registry(&haven_store::DemoRegistryOptions {
                people: 1500,
                seed: 7,
                today: today(),
            })
            .await
            .unwrap();
        store.load_demo_care().await.unwrap();
        let houses = count(&t, "SELECT COUNT(*) FROM care_house").await;
        assert!(houses >= 6, "{}: {houses} houses", t.label);
        let placed = count(
            &t,
            "SELECT COUNT(*) FROM care_placement WHERE ended_on IS NULL",
        )
        .await;
        assert!(placed >= 10, "{}: {placed} children placed", t.label);
        // The sosmother account sees the house she is the SOS parent of.
        let mother = store.user_by_username("sosmother").await.unwrap();
        let hers = store.houses_of_user(mother.id).await.unwrap();
        assert_eq!(hers.len(), 1, "{}", t.label);
        assert!(
            !store.children_of_house(hers[0]).await.unwrap().is_empty(),
            "{}",
            t.label
        );
        let aunt = store.user_by_username("aunt").await.unwrap();
        assert!(
            store
                .houses_of_user(aunt.id)
                .await
                .unwrap()
                .contains(&hers[0]),
            "{}",
            t.label
        );
        assert!(
            count(&t, "SELECT COUNT(*) FROM care_household").await >= 1,
            "{}",
            t.label
        );
        // Loading again adds nothing.
        store.load_demo_care().await.unwrap();
        assert_eq!(count(&t, "SELECT COUNT(*) FROM care_house").await, houses);
        assert!(
            matches!(
                store.verify_audit_chain().await.unwrap(),
                haven_store::ChainReport::Intact { .. }
            ),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_house_closes_only_when_empty_and_a_closed_partner_takes_no_referrals() {
    for t in all().await {
        let store = &t.store;
        let v = village(&t).await;
        let lotus = store
            .create_house(
                &admin(),
                v.facility,
                &house("Lotus", "sos_family", "4"),
                None,
                None,
            )
            .await
            .unwrap();
        let person = child(&t, "Dara", "male", date!(2016 - 05 - 01), v.facility).await;
        let care = admitted(&t, person, v.facility).await;
        let placed = store
            .place_child(
                &admin(),
                care,
                lotus.id,
                &placement(today() - Duration::days(20), ""),
                PlacementChecks::default(),
            )
            .await
            .unwrap();
        let lotus = store.house(lotus.id).await.unwrap();
        refused(
            &t,
            store
                .set_house_closed(&admin(), lotus.id, lotus.version, true)
                .await,
            "house",
            CareError::HouseHasChildren,
        );
        store
            .end_placement(
                &admin(),
                placed.id,
                placed.version,
                &haven_domain::care::PlacementEnd::parse(
                    &(today() - Duration::days(1)).to_string(),
                    "moved to Mango",
                    placed.started_on,
                    today(),
                )
                .unwrap(),
            )
            .await
            .unwrap();
        let closed = store
            .set_house_closed(&admin(), lotus.id, lotus.version, true)
            .await
            .unwrap();
        assert!(closed.closed_at.is_some(), "{}", t.label);
        // The version read is named: a stale one is a conflict.
        assert!(matches!(
            store
                .set_house_closed(&admin(), lotus.id, lotus.version, false)
                .await,
            Err(CareWriteError::Store(StoreError::Conflict { .. }))
        ));
        refused(
            &t,
            store
                .place_child(
                    &admin(),
                    care,
                    lotus.id,
                    &placement(today(), ""),
                    PlacementChecks::default(),
                )
                .await,
            "house",
            CareError::HouseClosed,
        );
        let open = store
            .set_house_closed(&admin(), lotus.id, closed.version, false)
            .await
            .unwrap();
        assert!(open.closed_at.is_none(), "{}", t.label);

        let partner = store
            .create_partner(
                &admin(),
                &haven_domain::care::PartnerDetails::parse("Legal aid", "", "").unwrap(),
            )
            .await
            .unwrap();
        let changed = store
            .update_partner(
                &admin(),
                partner.id,
                partner.version,
                &haven_domain::care::PartnerDetails::parse(
                    "Legal Aid Cambodia",
                    "legal advice",
                    "012 345 678",
                )
                .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(changed.name, "Legal Aid Cambodia", "{}", t.label);
        assert!(matches!(
            store
                .update_partner(
                    &admin(),
                    partner.id,
                    partner.version,
                    &haven_domain::care::PartnerDetails::parse("Stale", "", "").unwrap(),
                )
                .await,
            Err(StoreError::Conflict { .. })
        ));
        let closed = store
            .set_partner_closed(&admin(), partner.id, changed.version, true)
            .await
            .unwrap();
        assert!(closed.closed_at.is_some());
        let household = store
            .create_household(
                &admin(),
                v.office,
                &HouseholdDetails::parse("Chan family", &["poverty", "single_caregiver"]).unwrap(),
            )
            .await
            .unwrap();
        let referral =
            ServiceDetails::parse("referral", &today().to_string(), "", true, today()).unwrap();
        assert!(
            matches!(
                store
                    .add_service(&admin(), household.id, None, Some(partner.id), &referral)
                    .await,
                Err(StoreError::NotFound { entity: "partner" })
            ),
            "{}",
            t.label
        );
        let reopened = store
            .set_partner_closed(&admin(), partner.id, closed.version, false)
            .await
            .unwrap();
        assert!(reopened.closed_at.is_none());
        store
            .add_service(&admin(), household.id, None, Some(partner.id), &referral)
            .await
            .unwrap();
        for action in [
            "care_house_close",
            "care_house_reopen",
            "care_partner_update",
            "care_partner_close",
            "care_partner_reopen",
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
    }
}
