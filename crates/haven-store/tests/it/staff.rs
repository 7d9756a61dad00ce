//! Store tests: staff. Recording a person as staff once, linking one account,
//! versions, facilities, trainings entered in error, expiring registrations and the
//! filters of the list.

use haven_domain::staff::{
    ErrorReason, Profession, StaffDetails, StaffInput, TrainingDetails, TrainingInput,
};
use haven_store::testing::{all, TestStore};
use haven_store::{Facility, StaffFilter, StoreError};
use time::macros::date;

use crate::places::{facility_details, insert_person, programme_details};
use crate::{admin, all_events, count, create_user};

fn details(profession: &str, number: &str, expires: &str) -> StaffDetails {
    StaffDetails::parse(&StaffInput {
        profession,
        registration_number: number,
        registration_expires_on: expires,
        started_on: "2020-01-06",
        left_on: "",
    })
    .unwrap()
}

fn training(course: &str, start: &str, end: &str, hours: &str) -> TrainingDetails {
    TrainingDetails::parse(&TrainingInput {
        course,
        provider: "MoH",
        started_on: start,
        ended_on: end,
        hours,
        certificate: "",
    })
    .unwrap()
}

async fn facility(t: &TestStore, name: &str) -> Facility {
    let programme = t
        .store
        .create_programme(&admin(), &programme_details("SOS Phnom Penh", "KH-12"))
        .await
        .unwrap();
    t.store
        .create_facility(
            &admin(),
            programme.id,
            &facility_details("medical_centre", name),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_person_is_staff_once_and_an_account_belongs_to_one_staff_member() {
    for t in all().await {
        let store = &t.store;
        let dara = insert_person(&t, "Sok", "Dara", None).await;
        let sophea = insert_person(&t, "Chan", "Sophea", None).await;
        let user = create_user(&t, "dara").await;
        let staff = store
            .create_staff_member(
                &admin(),
                dara,
                &details("doctor", "MC-1", "2027-01-01"),
                Some(user.id),
            )
            .await
            .unwrap();
        assert_eq!(staff.profession(), Some(Profession::Doctor), "{}", t.label);
        assert_eq!(staff.display_name(), "Sok Dara", "{}", t.label);
        assert_eq!(staff.user_id, Some(user.id), "{}", t.label);
        let again = store
            .create_staff_member(&admin(), dara, &details("teacher", "", ""), None)
            .await;
        assert!(
            matches!(again, Err(StoreError::Duplicate { field: "person" })),
            "{}: {again:?}",
            t.label
        );
        let same_user = store
            .create_staff_member(&admin(), sophea, &details("teacher", "", ""), Some(user.id))
            .await;
        assert!(
            matches!(same_user, Err(StoreError::Duplicate { field: "user" })),
            "{}: {same_user:?}",
            t.label
        );
        let nobody = store
            .create_staff_member(
                &admin(),
                haven_store::Id::new(),
                &details("teacher", "", ""),
                None,
            )
            .await;
        assert!(
            matches!(nobody, Err(StoreError::NotFound { entity: "person" })),
            "{}: {nobody:?}",
            t.label
        );

        let other = store
            .create_staff_member(&admin(), sophea, &details("teacher", "", ""), None)
            .await
            .unwrap();
        let taken = store
            .set_staff_user(&admin(), other.id, 1, Some(user.id))
            .await;
        assert!(
            matches!(taken, Err(StoreError::Duplicate { field: "user" })),
            "{}: {taken:?}",
            t.label
        );
        let unlinked = store
            .set_staff_user(&admin(), staff.id, 1, None)
            .await
            .unwrap();
        assert_eq!(
            (unlinked.user_id, unlinked.version),
            (None, 2),
            "{}",
            t.label
        );
        let linked = store
            .set_staff_user(&admin(), other.id, 1, Some(user.id))
            .await
            .unwrap();
        assert_eq!(linked.user_id, Some(user.id), "{}", t.label);
        assert_eq!(
            store
                .staff_member_of_user(user.id)
                .await
                .unwrap()
                .map(|s| s.id),
            Some(other.id),
            "{}",
            t.label
        );
        assert_eq!(
            store
                .staff_member_of_person(dara)
                .await
                .unwrap()
                .map(|s| s.id),
            Some(staff.id),
            "{}",
            t.label
        );

        let updated = store
            .update_staff_member(
                &admin(),
                staff.id,
                2,
                &details("midwife", "MW-9", "2028-01-01"),
            )
            .await
            .unwrap();
        assert_eq!(
            (updated.profession.as_str(), updated.version),
            ("midwife", 3),
            "{}",
            t.label
        );
        let stale = store
            .update_staff_member(&admin(), staff.id, 2, &details("teacher", "", ""))
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { .. })),
            "{}: {stale:?}",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM change_log WHERE entity = 'staff'").await,
            5,
            "{}",
            t.label
        );
        let actions: Vec<String> = all_events(&t).await.into_iter().map(|e| e.action).collect();
        for action in [
            "staff_create",
            "staff_update",
            "staff_user_link",
            "staff_user_unlink",
        ] {
            assert!(
                actions.contains(&action.to_owned()),
                "{}: {action}",
                t.label
            );
        }
    }
}

#[tokio::test]
async fn facilities_are_assigned_and_ended_and_filter_the_list() {
    for t in all().await {
        let store = &t.store;
        let clinic = facility(&t, "Clinic").await;
        let dara = insert_person(&t, "Sok", "Dara", None).await;
        let mony = insert_person(&t, "Keo", "Mony", None).await;
        let doctor = store
            .create_staff_member(
                &admin(),
                dara,
                &details("doctor", "MC-1", "2027-01-01"),
                None,
            )
            .await
            .unwrap();
        let teacher = store
            .create_staff_member(&admin(), mony, &details("teacher", "", ""), None)
            .await
            .unwrap();
        let assignment = store
            .assign_staff_facility(&admin(), doctor.id, clinic.id)
            .await
            .unwrap();
        assert_eq!(assignment.facility_name, "Clinic", "{}", t.label);
        let twice = store
            .assign_staff_facility(&admin(), doctor.id, clinic.id)
            .await;
        assert!(
            matches!(twice, Err(StoreError::Duplicate { field: "facility" })),
            "{}: {twice:?}",
            t.label
        );

        let ids = |staff: Vec<haven_store::StaffMember>| {
            staff.into_iter().map(|s| s.id).collect::<Vec<_>>()
        };
        assert_eq!(
            ids(store.list_staff(&StaffFilter::default()).await.unwrap()),
            [mony_first(&teacher, &doctor)].concat(),
            "{}",
            t.label
        );
        let doctors = StaffFilter {
            profession: Some(Profession::Doctor),
            facility: None,
        };
        assert_eq!(
            ids(store.list_staff(&doctors).await.unwrap()),
            [doctor.id],
            "{}",
            t.label
        );
        let at_clinic = StaffFilter {
            profession: None,
            facility: Some(clinic.id),
        };
        assert_eq!(
            ids(store.list_staff(&at_clinic).await.unwrap()),
            [doctor.id],
            "{}",
            t.label
        );
        assert_eq!(
            ids(store.staff_of_facility(clinic.id).await.unwrap()),
            [doctor.id],
            "{}",
            t.label
        );

        let ended = store
            .end_staff_facility(&admin(), assignment.id, 1)
            .await
            .unwrap();
        assert!(ended.ended_at.is_some(), "{}", t.label);
        assert!(
            store.staff_of_facility(clinic.id).await.unwrap().is_empty(),
            "{}",
            t.label
        );
        assert_eq!(
            store.staff_assignments(doctor.id).await.unwrap().len(),
            1,
            "{}: ended stays",
            t.label
        );
        let stale = store.end_staff_facility(&admin(), assignment.id, 1).await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { .. })),
            "{}",
            t.label
        );
        // Working there again is a new assignment.
        store
            .assign_staff_facility(&admin(), doctor.id, clinic.id)
            .await
            .unwrap();
    }
}

/// The list is ordered by Latin family name: Keo before Sok.
fn mony_first(
    teacher: &haven_store::StaffMember,
    doctor: &haven_store::StaffMember,
) -> Vec<haven_store::Id> {
    vec![teacher.id, doctor.id]
}

#[tokio::test]
async fn trainings_entered_in_error_leave_the_normal_views() {
    for t in all().await {
        let store = &t.store;
        let dara = insert_person(&t, "Sok", "Dara", None).await;
        let staff = store
            .create_staff_member(
                &admin(),
                dara,
                &details("registered_nurse", "N-1", "2027-01-01"),
                None,
            )
            .await
            .unwrap();
        let imci = store
            .add_training(
                &admin(),
                staff.id,
                &training("IMCI", "2025-01-06", "2025-01-10", "40"),
            )
            .await
            .unwrap();
        store
            .add_training(
                &admin(),
                staff.id,
                &training("First aid", "2025-03-01", "2025-03-01", "8"),
            )
            .await
            .unwrap();
        assert_eq!(
            store.trainings_of(staff.id).await.unwrap().len(),
            2,
            "{}",
            t.label
        );
        assert_eq!(imci.hours, Some(40.0), "{}", t.label);
        let reason = ErrorReason::parse("recorded for the wrong nurse").unwrap();
        store
            .mark_training_entered_in_error(&admin(), imci.id, 1, &reason)
            .await
            .unwrap();
        let left: Vec<String> = store
            .trainings_of(staff.id)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.course)
            .collect();
        assert_eq!(left, ["First aid"], "{}", t.label);
        assert!(
            matches!(
                store.training(imci.id).await,
                Err(StoreError::NotFound { .. })
            ),
            "{}",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM training WHERE entered_in_error_reason = 'recorded for the wrong nurse'").await,
            1,
            "{}: kept, with why",
            t.label
        );
        let again = store
            .mark_training_entered_in_error(&admin(), imci.id, 2, &reason)
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict { .. })),
            "{}: {again:?}",
            t.label
        );
        let nowhere = store
            .add_training(
                &admin(),
                haven_store::Id::new(),
                &training("X", "2025-01-01", "2025-01-01", ""),
            )
            .await;
        assert!(
            matches!(nowhere, Err(StoreError::NotFound { .. })),
            "{}: {nowhere:?}",
            t.label
        );
        let actions: Vec<String> = all_events(&t).await.into_iter().map(|e| e.action).collect();
        assert!(
            actions.contains(&"training_entered_in_error".to_owned()),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn expiring_registrations_come_soonest_first_with_the_expired_flagged() {
    for t in all().await {
        let store = &t.store;
        let today = date!(2026 - 03 - 01);
        let cases = [
            ("Expired", "doctor", "2026-02-27"),
            ("Today", "midwife", "2026-03-01"),
            ("Soon", "registered_nurse", "2026-05-30"),
            ("Later", "doctor", "2026-06-01"),
        ];
        for (name, profession, expires) in cases {
            let person = insert_person(&t, name, "Staff", None).await;
            store
                .create_staff_member(&admin(), person, &details(profession, "R-1", expires), None)
                .await
                .unwrap();
        }
        let left = insert_person(&t, "Gone", "Staff", None).await;
        let gone = StaffDetails::parse(&StaffInput {
            profession: "doctor",
            registration_number: "R-2",
            registration_expires_on: "2026-03-10",
            started_on: "2020-01-01",
            left_on: "2025-12-31",
        })
        .unwrap();
        store
            .create_staff_member(&admin(), left, &gone, None)
            .await
            .unwrap();
        let expiring = store.registrations_expiring(90, today).await.unwrap();
        let got: Vec<(String, i64, bool)> = expiring
            .iter()
            .map(|e| (e.staff.family_name_latin.clone(), e.days_left, e.expired))
            .collect();
        assert_eq!(
            got,
            [
                ("Expired".to_owned(), -2, true),
                ("Today".to_owned(), 0, false),
                ("Soon".to_owned(), 90, false),
            ],
            "{}",
            t.label
        );
    }
}
