//! People: reads in read reach, writes in WRITE reach (issue 13: page writes once
//! checked the read scope, and registration accepted any facility).

use haven_domain::person::{BirthDate, Category, NameInput, PersonNames, Sex};
use haven_domain::{Action, Kind, Role, Scope};
use haven_store::{Address, Id, NewPerson, PersonDetails};
use time::macros::date;

use crate::{outcome, World};

fn details(facility: Option<Id>) -> PersonDetails {
    PersonDetails {
        names: PersonNames::parse(&NameInput {
            family_latin: "Sok",
            given_latin: "Dara",
            ..NameInput::default()
        })
        .unwrap(),
        sex: Sex::Female,
        birth_date: BirthDate::exact(date!(2015 - 03 - 04), date!(2026 - 11 - 22)).unwrap(),
        phone: None,
        address: Address {
            province_code: "KH-12".to_owned(),
            ..Address::default()
        },
        registered_facility: facility,
    }
}

fn new_person(facility: Option<Id>) -> NewPerson {
    NewPerson {
        details: details(facility),
        identifiers: Vec::new(),
        categories: vec![Category::CommunityMember],
    }
}

#[tokio::test]
async fn writes_need_write_reach_and_reads_read_reach() {
    for w in World::all().await {
        let app = &w.app;
        let (_, admin) = w
            .account("admin", &[(Role::SystemAdministrator, Scope::All)])
            .await;
        let _ = admin;
        let (_, registrar) = w
            .account("registrar", &[(Role::RecordsClerk, Scope::All)])
            .await;
        let at_a1 = app
            .register_person(&registrar, &new_person(Some(w.a1)))
            .await
            .unwrap();
        let at_b1 = app
            .register_person(&registrar, &new_person(Some(w.b1)))
            .await
            .unwrap();
        // A nurse at A1 who is also an SOS parent for the whole country: reads
        // everywhere, writes only at A1.
        let (_, nurse) = w
            .account(
                "nurse-a1",
                &[
                    (Role::RegisteredNurse, w.facility(w.a1)),
                    (Role::SosParent, Scope::All),
                ],
            )
            .await;
        let (_, clerk) = w
            .account("clerk-a1", &[(Role::RecordsClerk, w.facility(w.a1))])
            .await;
        let (_, programme_clerk) = w
            .account(
                "clerk-p1",
                &[(Role::RecordsClerk, Scope::Programme(w.p1.to_string()))],
            )
            .await;
        let (_, doctor_b1) = w
            .account("doctor-b1", &[(Role::Doctor, w.facility(w.b1))])
            .await;
        let (_, mother) = w.account("mother", &[(Role::SosParent, Scope::All)]).await;

        let cases: Vec<(&str, String, &str)> = vec![
            (
                "the nurse edits a person at another centre",
                outcome(
                    &app.update_person(&nurse, at_b1.id, at_b1.version, &details(Some(w.b1)), None)
                        .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "the nurse edits a person at her centre",
                outcome(
                    &app.update_person(&nurse, at_a1.id, at_a1.version, &details(Some(w.a1)), None)
                        .await,
                ),
                "ok",
            ),
            (
                "the nurse moves a person of hers to another centre",
                outcome(
                    &app.update_person(
                        &nurse,
                        at_a1.id,
                        at_a1.version + 1,
                        &details(Some(w.b1)),
                        None,
                    )
                    .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "the nurse reads a person at another centre",
                outcome(&app.person_to_read(&nurse, at_b1.id).await),
                "ok",
            ),
            (
                "a doctor at B1 reads a person at A1",
                outcome(&app.person_to_read(&doctor_b1, at_a1.id).await),
                "not_found",
            ),
            (
                "a doctor at B1 edits a person at A1",
                outcome(
                    &app.person_to_write(&doctor_b1, at_a1.id, Kind::Person)
                        .await,
                ),
                "not_found",
            ),
            (
                "an SOS parent edits anyone",
                outcome(&app.person_to_write(&mother, at_a1.id, Kind::Person).await),
                "auth.forbidden",
            ),
            (
                "the clerk at A1 registers a person at B1",
                outcome(&app.register_person(&clerk, &new_person(Some(w.b1))).await),
                "auth.scope_beyond_yours",
            ),
            (
                "the clerk at A1 registers a person at no facility",
                outcome(&app.register_person(&clerk, &new_person(None)).await),
                "auth.scope_beyond_yours",
            ),
            (
                "the clerk at A1 registers a person at A1",
                outcome(&app.register_person(&clerk, &new_person(Some(w.a1))).await),
                "ok",
            ),
            (
                "a programme's clerk registers at a facility of the programme",
                outcome(
                    &app.register_person(&programme_clerk, &new_person(Some(w.a2)))
                        .await,
                ),
                "ok",
            ),
            (
                "a programme's clerk registers at another programme's facility",
                outcome(
                    &app.register_person(&programme_clerk, &new_person(Some(w.b1)))
                        .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "an SOS parent registers anyone",
                outcome(&app.register_person(&mother, &new_person(Some(w.a1))).await),
                "auth.forbidden",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "[{}] {what}", w.label);
        }
        // The nurse's read reach is the country's; her write reach is A1 alone.
        let read = app.person_reach(&nurse, Action::Read).await.unwrap();
        let write = app.person_reach(&nurse, Action::Write).await.unwrap();
        assert!(read.holds(Some(w.b1)) && !write.holds(Some(w.b1)) && write.holds(Some(w.a1)));
    }
}
