//! Places, staff and safeguarding cases: roles × {in reach, out of read reach, out of
//! write reach}, and the sealed class (issue 13: staff and case writes once checked
//! the read scope only).

use haven_app::safeguarding::{CaseShelf, StepRecorded};
use haven_app::Caller;
use haven_domain::person::{BirthDate, Category, NameInput, PersonNames, Sex};
use haven_domain::places::PlaceName;
use haven_domain::safeguarding::{
    ChildInput, ConcernDetails, ConcernInput, StepDetails, StepInput,
};
use haven_domain::staff::{StaffDetails, StaffInput, TrainingDetails, TrainingInput};
use haven_domain::{Role, Scope};
use haven_store::safeguarding::NewReport;
use haven_store::{Actor, Address, Id, NewPerson, PersonDetails, StaffFilter};
use time::macros::date;

use crate::{outcome, World};

fn person(facility: Id) -> NewPerson {
    NewPerson {
        details: PersonDetails {
            names: PersonNames::parse(&NameInput {
                family_latin: "Chan",
                given_latin: "Sophea",
                ..NameInput::default()
            })
            .unwrap(),
            sex: Sex::Female,
            birth_date: BirthDate::exact(date!(1990 - 03 - 04), date!(2026 - 11 - 22)).unwrap(),
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

fn staff_details() -> StaffDetails {
    StaffDetails::parse(&StaffInput {
        profession: "care_worker",
        registration_number: "",
        registration_expires_on: "",
        started_on: "2020-01-01",
        left_on: "",
    })
    .unwrap()
}

fn training() -> TrainingDetails {
    TrainingDetails::parse(&TrainingInput {
        course: "First aid",
        provider: "Red Cross",
        started_on: "2026-01-05",
        ended_on: "2026-01-06",
        hours: "8",
        certificate: "",
    })
    .unwrap()
}

fn step(code: &str) -> StepDetails {
    StepDetails::parse(&StepInput {
        step: code,
        note: "done",
        referral: "referred",
        authority: "Police",
        reference: "P-1",
        outcome: "inconclusive",
    })
    .unwrap()
}

fn concern() -> ConcernDetails {
    ConcernDetails::parse(&ConcernInput {
        concern_types: vec!["neglect"],
        harm_by: vec!["caregiver"],
        what_happened: "Left alone",
        immediate_actions: "Stayed with her",
        described: vec![ChildInput {
            name: "Child",
            sex: "female",
            age: "6",
        }],
        registry_children: 0,
    })
    .unwrap()
}

fn concern_naming(children: Vec<Id>, facility: Option<Id>) -> NewReport {
    NewReport {
        details: ConcernDetails::parse(&ConcernInput {
            concern_types: vec!["neglect"],
            harm_by: vec!["caregiver"],
            what_happened: "Left alone",
            immediate_actions: "Stayed with her",
            described: vec![ChildInput {
                name: "Child",
                sex: "male",
                age: "8",
            }],
            registry_children: children.len(),
        })
        .unwrap(),
        registry_children: children,
        facility_id: facility,
        attachment: None,
    }
}

/// A staff member working at `facility`.
async fn staff_at(w: &World, facility: Id) -> Id {
    let store = w.app.store();
    let person = store
        .create_person(&Actor::system(), &person(facility))
        .await
        .unwrap();
    let staff = store
        .create_staff_member(&Actor::system(), person.id, &staff_details(), None)
        .await
        .unwrap();
    store
        .assign_staff_facility(&Actor::system(), staff.id, facility)
        .await
        .unwrap();
    staff.id
}

/// A report of a concern at `facility`, filed by `reporter`.
async fn report_at(w: &World, reporter: &Caller, facility: Id) -> Id {
    w.app
        .file_safeguarding_concern(
            reporter,
            &NewReport {
                details: concern(),
                registry_children: Vec::new(),
                facility_id: Some(facility),
                attachment: None,
            },
            None,
        )
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn places_are_read_by_readers_and_changed_by_writers() {
    for w in World::all().await {
        let app = &w.app;
        let (_, admin) = w
            .account("admin", &[(Role::SystemAdministrator, w.facility(w.a1))])
            .await;
        let (_, nurse) = w
            .account("nurse", &[(Role::RegisteredNurse, w.facility(w.a1))])
            .await;
        let ward = app
            .create_ward(&admin, w.a1, &PlaceName::parse("Ward 1").unwrap())
            .await
            .unwrap();
        let name = PlaceName::parse("Ward 2").unwrap();
        let cases = [
            (
                "nurse reads places",
                outcome(&app.places_overview(&nurse).await),
                "ok",
            ),
            (
                "nurse reads a facility",
                outcome(&app.facility_view(&nurse, w.b1).await),
                "ok",
            ),
            (
                "nurse adds a ward",
                outcome(&app.create_ward(&nurse, w.a1, &name).await),
                "auth.forbidden",
            ),
            (
                "admin adds a bed",
                outcome(&app.create_bed(&admin, w.a1, Some(ward.id), "Bed 1").await),
                "ok",
            ),
            (
                "admin adds a bed, ward of another facility",
                outcome(&app.create_bed(&admin, w.b1, Some(ward.id), "Bed 2").await),
                "invalid ward",
            ),
            (
                "admin adds a bed, no ward",
                outcome(&app.create_bed(&admin, w.a1, None, "Bed 3").await),
                "invalid ward",
            ),
            (
                "admin adds a bed, no label",
                outcome(&app.create_bed(&admin, w.a1, Some(ward.id), " ").await),
                "invalid label",
            ),
            (
                "nurse adds a bed",
                outcome(&app.create_bed(&nurse, w.a1, Some(ward.id), "Bed 4").await),
                "auth.forbidden",
            ),
            (
                "a facility that is not",
                outcome(&app.facility_view(&nurse, Id::new()).await),
                "not_found",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "{what} ({})", w.label);
        }
        // The overview counts people served in one batch, alike for every programme.
        let overview = app.places_overview(&nurse).await.unwrap();
        assert_eq!(overview.programmes.len(), 2, "{}", w.label);
        assert!(!overview.can_write, "{}", w.label);
    }
}

#[tokio::test]
async fn staff_reads_need_read_reach_and_writes_write_reach() {
    for w in World::all().await {
        let app = &w.app;
        let at_a1 = staff_at(&w, w.a1).await;
        let at_b1 = staff_at(&w, w.b1).await;
        // A programme director of P1 who is also an M&E officer for everything:
        // reads all staff, changes only P1's.
        let (_, director) = w
            .account(
                "director",
                &[
                    (Role::ProgrammeDirector, Scope::Programme(w.p1.to_string())),
                    (Role::MeOfficer, Scope::All),
                ],
            )
            .await;
        let (_, local) = w
            .account("local", &[(Role::ProgrammeDirector, w.facility(w.a2))])
            .await;
        let (_, nurse) = w
            .account("nurse", &[(Role::RegisteredNurse, Scope::All)])
            .await;
        let cases = [
            (
                "director reads A1 staff",
                outcome(&app.staff_record(&director, at_a1).await),
                "ok",
            ),
            (
                "director reads B1 staff",
                outcome(&app.staff_record(&director, at_b1).await),
                "ok",
            ),
            (
                "director trains A1 staff",
                outcome(&app.add_training(&director, at_a1, &training()).await),
                "ok",
            ),
            (
                "director trains B1 staff",
                outcome(&app.add_training(&director, at_b1, &training()).await),
                "auth.scope_beyond_yours",
            ),
            (
                "director assigns A1 staff to B1",
                outcome(
                    &app.assign_staff_facility(&director, at_a1, Some(w.b1))
                        .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "director assigns A1 staff to A2",
                outcome(
                    &app.assign_staff_facility(&director, at_a1, Some(w.a2))
                        .await,
                ),
                "ok",
            ),
            (
                "director assigns A1 staff to A2 again",
                outcome(
                    &app.assign_staff_facility(&director, at_a1, Some(w.a2))
                        .await,
                ),
                "invalid facility",
            ),
            (
                "director assigns to no facility",
                outcome(
                    &app.assign_staff_facility(&director, at_a1, Some(Id::new()))
                        .await,
                ),
                "invalid facility",
            ),
            (
                "director links no such user",
                outcome(&app.link_staff_user(&director, at_a1, 1, "nobody").await),
                "invalid username",
            ),
            (
                "A2 director reads B1 staff",
                outcome(&app.staff_record(&local, at_b1).await),
                "not_found",
            ),
            (
                "A2 director trains B1 staff",
                outcome(&app.add_training(&local, at_b1, &training()).await),
                "not_found",
            ),
            (
                "nurse reads staff",
                outcome(&app.staff_record(&nurse, at_a1).await),
                "auth.forbidden",
            ),
            (
                "nurse trains staff",
                outcome(&app.add_training(&nurse, at_a1, &training()).await),
                "auth.forbidden",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "{what} ({})", w.label);
        }
        let seen = |list: Vec<haven_store::StaffMember>| {
            list.into_iter().map(|s| s.id).collect::<Vec<Id>>()
        };
        let filter = StaffFilter::default();
        // A1's staff member now works at A2 as well.
        assert_eq!(
            seen(app.list_staff(&local, &filter).await.unwrap()),
            vec![at_a1],
            "{}",
            w.label
        );
        assert_eq!(
            seen(app.list_staff(&director, &filter).await.unwrap()).len(),
            2,
            "{}",
            w.label
        );
        // The facility page lists its staff only to readers of staff in reach.
        let view = app.facility_view(&local, w.b1).await.unwrap();
        assert_eq!(view.staff.map(|s| s.len()), Some(0), "{}", w.label);
        let view = app.facility_view(&nurse, w.b1).await.unwrap();
        assert!(view.staff.is_none(), "{}", w.label);
    }
}

#[tokio::test]
async fn safeguarding_cases_are_sealed_and_reach_bound() {
    for w in World::all().await {
        let app = &w.app;
        let (_, reporter) = w
            .account("reporter", &[(Role::CareWorker, w.facility(w.a2))])
            .await;
        let at_a1 = report_at(&w, &reporter, w.a1).await;
        let at_b1 = report_at(&w, &reporter, w.b1).await;
        let (_, national) = w
            .account("national", &[(Role::SafeguardingFocalPoint, Scope::All)])
            .await;
        let (_, local) = w
            .account("local", &[(Role::SafeguardingFocalPoint, w.facility(w.a1))])
            .await;
        let (_, director) = w
            .account("director", &[(Role::ProgrammeDirector, Scope::All)])
            .await;
        let (_, admin) = w
            .account("admin", &[(Role::SystemAdministrator, Scope::All)])
            .await;
        let child_at_b1 = app
            .store()
            .create_person(&Actor::system(), &person(w.b1))
            .await
            .unwrap()
            .id;
        let ack = step("acknowledged");
        let recorded = |r: &haven_app::Result<StepRecorded>| match r {
            Ok(StepRecorded::Recorded(..)) => "ok".to_owned(),
            Ok(StepRecorded::Refused(e)) => e.code().to_owned(),
            Err(_) => outcome(r),
        };
        let cases = [
            (
                "local reads A1",
                outcome(&app.read_safeguarding_case(&local, at_a1, "case").await),
                "ok",
            ),
            (
                "local reads B1",
                outcome(&app.read_safeguarding_case(&local, at_b1, "case").await),
                "not_found",
            ),
            (
                "national reads B1",
                outcome(&app.read_safeguarding_case(&national, at_b1, "case").await),
                "ok",
            ),
            (
                "director reads A1",
                outcome(&app.read_safeguarding_case(&director, at_a1, "case").await),
                "auth.forbidden",
            ),
            (
                "admin reads A1",
                outcome(&app.read_safeguarding_case(&admin, at_a1, "case").await),
                "auth.forbidden",
            ),
            (
                "local acknowledges A1",
                recorded(&app.record_safeguarding_step(&local, at_a1, 1, &ack).await),
                "ok",
            ),
            (
                "local acknowledges B1",
                recorded(&app.record_safeguarding_step(&local, at_b1, 1, &ack).await),
                "not_found",
            ),
            (
                "director acknowledges B1",
                recorded(
                    &app.record_safeguarding_step(&director, at_b1, 1, &ack)
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "local closes A1 out of order",
                recorded(
                    &app.record_safeguarding_step(&local, at_a1, 2, &step("closed"))
                        .await,
                ),
                "safeguarding-error-out-of-order",
            ),
            (
                "local reads A1 trail",
                outcome(&app.safeguarding_case_trail(&local, Some(at_a1)).await),
                "auth.forbidden",
            ),
            (
                "national reads A1 trail",
                outcome(&app.safeguarding_case_trail(&national, Some(at_a1)).await),
                "ok",
            ),
            (
                "director reads statistics",
                outcome(&app.safeguarding_statistics(&director, 2026).await),
                "auth.forbidden",
            ),
            (
                "reporter reads own reports",
                outcome(&app.own_safeguarding_reports(&reporter).await),
                "ok",
            ),
            (
                "reporter names a child out of reach",
                outcome(
                    &app.file_safeguarding_concern(
                        &reporter,
                        &concern_naming(vec![child_at_b1], None),
                        None,
                    )
                    .await,
                ),
                "invalid children",
            ),
            (
                "reporter names a facility that is not",
                outcome(
                    &app.file_safeguarding_concern(
                        &reporter,
                        &concern_naming(Vec::new(), Some(Id::new())),
                        None,
                    )
                    .await,
                ),
                "invalid facility",
            ),
            (
                "director lists cases",
                outcome(&app.list_safeguarding_cases(&director, CaseShelf::All).await),
                "auth.forbidden",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "{what} ({})", w.label);
        }
        let list = app
            .list_safeguarding_cases(&local, CaseShelf::All)
            .await
            .unwrap();
        assert_eq!(
            list.reports.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![at_a1],
            "{}",
            w.label
        );
        assert!(app.safeguarding_summary(&director).await.unwrap().is_none());
        let facts = app.safeguarding_statistics(&local, 2026).await.unwrap();
        assert!(facts.len() <= 1, "{}", w.label);
    }
}
