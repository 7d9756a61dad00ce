//! People: reads in read reach, writes in WRITE reach (issue 13: page writes once
//! checked the read scope, and registration accepted any facility).

use haven_app::people::{refusals, PeopleSearch};
use haven_app::AppError;
use haven_domain::person::{
    BirthDate, Category, Identifier, IdentifierKind, NameInput, PersonNames, RelationshipKind, Sex,
};
use haven_domain::{Action, Kind, Role, Scope};
use haven_store::{Address, DuplicateProbe, Id, NewPerson, PersonDetails};
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

/// A registration at `facility` holding the national id `national_id`.
fn with_national_id(facility: Id, national_id: &str) -> NewPerson {
    NewPerson {
        identifiers: vec![(
            Identifier::parse(IdentifierKind::NationalId, national_id).unwrap(),
            None,
        )],
        ..new_person(Some(facility))
    }
}

fn search(text: &str) -> PeopleSearch {
    PeopleSearch {
        text: text.to_owned(),
        facility: None,
        category: None,
        sex: None,
        age_band: None,
        today: date!(2026 - 11 - 22),
        limit: 50,
        offset: 0,
    }
}

/// The registry's reads and small writes, each as a table: a records clerk at A1
/// who is also an SOS parent everywhere (reads everywhere,
/// writes and merges at A1 only), a records clerk at B1 (reads, writes and merges at
/// B1 only) and an SOS parent (reads only).
#[tokio::test]
async fn reads_and_changes_of_the_registry_follow_reach() {
    for w in World::all().await {
        let app = &w.app;
        let (_, registrar) = w
            .account("registrar", &[(Role::RecordsClerk, Scope::All)])
            .await;
        let (_, clerk_a1) = w
            .account(
                "clerk-a1",
                &[
                    (Role::RecordsClerk, w.facility(w.a1)),
                    (Role::SosParent, Scope::All),
                ],
            )
            .await;
        let (_, clerk_b1) = w
            .account("clerk-b1", &[(Role::RecordsClerk, w.facility(w.b1))])
            .await;
        let (_, mother) = w.account("mother", &[(Role::SosParent, Scope::All)]).await;
        let (_, admin) = w
            .account("admin", &[(Role::SystemAdministrator, Scope::All)])
            .await;
        let at_a1 = app
            .register_person(&registrar, &with_national_id(w.a1, "A1-0001"))
            .await
            .unwrap();
        let at_a1_twin = app
            .register_person(&registrar, &with_national_id(w.a1, "A1-0002"))
            .await
            .unwrap();
        let at_b1 = app
            .register_person(&registrar, &with_national_id(w.b1, "B1-0001"))
            .await
            .unwrap();
        let at_b1_twin = app
            .register_person(&registrar, &with_national_id(w.b1, "B1-0002"))
            .await
            .unwrap();
        let reader = &registrar;
        let identifier_of = |person: Id| async move {
            let record = app.person_record(reader, person).await.unwrap();
            record
                .identifiers
                .iter()
                .find(|i| i.kind() == Some(IdentifierKind::NationalId))
                .map(|i| (i.id, i.version))
                .unwrap()
        };
        let relationship_of = |person: Id| async move {
            let record = app.person_record(reader, person).await.unwrap();
            record
                .relationships
                .first()
                .map(|r| (r.id, r.version))
                .unwrap()
        };
        // A relationship at each facility, for the "end" cases.
        app.add_relationship(&registrar, at_a1.id, RelationshipKind::Mother, "A1-0002")
            .await
            .unwrap();
        app.add_relationship(&registrar, at_b1.id, RelationshipKind::Mother, "B1-0002")
            .await
            .unwrap();
        let (a1_relationship, a1_relationship_version) = relationship_of(at_a1.id).await;
        let (b1_relationship, b1_relationship_version) = relationship_of(at_b1.id).await;
        let national_id = Identifier::parse(IdentifierKind::BirthCertificate, "BC-77").unwrap();
        let taken = Identifier::parse(IdentifierKind::NationalId, "B1-0001").unwrap();
        let (b1_identifier, b1_identifier_version) = identifier_of(at_b1.id).await;
        let (a1_identifier, a1_identifier_version) = identifier_of(at_a1_twin.id).await;
        let today = date!(2026 - 11 - 22);

        let cases: Vec<(&str, String, &str)> = vec![
            // Reads.
            (
                "the clerk at A1 reads a person at B1 (she is an SOS parent too)",
                outcome(&app.read_person(&clerk_a1, at_b1.id).await),
                "ok",
            ),
            (
                "the clerk at B1 reads a person at A1",
                outcome(&app.read_person(&clerk_b1, at_a1.id).await),
                "not_found",
            ),
            (
                "an administrator reads a person",
                outcome(&app.read_person(&admin, at_a1.id).await),
                "auth.forbidden",
            ),
            (
                "the clerk at B1 reads a record of A1 without auditing",
                outcome(&app.person_record(&clerk_b1, at_a1.id).await),
                "not_found",
            ),
            (
                "the clerk at B1 prints the card of a person at A1",
                outcome(&app.print_person_card(&clerk_b1, at_a1.id).await),
                "not_found",
            ),
            (
                "an SOS parent prints a card",
                outcome(&app.print_person_card(&mother, at_a1.id).await),
                "ok",
            ),
            (
                "the clerk at A1 opens the correction of a person at B1",
                outcome(&app.person_to_edit(&clerk_a1, at_b1.id).await),
                "auth.scope_beyond_yours",
            ),
            (
                "the clerk at B1 opens the correction of a person at A1",
                outcome(&app.person_to_edit(&clerk_b1, at_a1.id).await),
                "not_found",
            ),
            (
                "an administrator searches people",
                outcome(&app.search_people(&admin, &search("Sok")).await),
                "auth.forbidden",
            ),
            (
                "an administrator exports people",
                outcome(&app.export_people(&admin, &search("")).await),
                "auth.forbidden",
            ),
            (
                "an SOS parent checks a registration for duplicates",
                outcome(
                    &app.registration_conflicts(&mother, &new_person(Some(w.a1)), None)
                        .await,
                ),
                "auth.forbidden",
            ),
            (
                "an SOS parent audits an import",
                outcome(&app.record_people_import(&mother, 1, 0).await),
                "auth.forbidden",
            ),
            // Identifiers.
            (
                "the clerk at A1 gives a person at B1 an identifier",
                outcome(&app.add_identifier(&clerk_a1, at_b1.id, &national_id).await),
                "auth.scope_beyond_yours",
            ),
            (
                "the clerk at B1 gives a person at A1 an identifier",
                outcome(&app.add_identifier(&clerk_b1, at_a1.id, &national_id).await),
                "not_found",
            ),
            (
                "an SOS parent gives an identifier",
                outcome(&app.add_identifier(&mother, at_a1.id, &national_id).await),
                "auth.forbidden",
            ),
            (
                "the clerk at A1 gives a person an identifier someone holds",
                outcome(&app.add_identifier(&clerk_a1, at_a1.id, &taken).await),
                "conflict.duplicate",
            ),
            (
                "the clerk at A1 gives a person at A1 an identifier",
                outcome(&app.add_identifier(&clerk_a1, at_a1.id, &national_id).await),
                "ok",
            ),
            (
                "the clerk at A1 retires an identifier of a person at B1",
                outcome(
                    &app.retire_identifier(
                        &clerk_a1,
                        at_b1.id,
                        b1_identifier,
                        b1_identifier_version,
                    )
                    .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "the clerk at A1 retires another person's identifier through her own",
                outcome(
                    &app.retire_identifier(
                        &clerk_a1,
                        at_a1.id,
                        b1_identifier,
                        b1_identifier_version,
                    )
                    .await,
                ),
                "not_found",
            ),
            (
                "the clerk at A1 retires an identifier with a stale version",
                outcome(
                    &app.retire_identifier(
                        &clerk_a1,
                        at_a1_twin.id,
                        a1_identifier,
                        a1_identifier_version + 5,
                    )
                    .await,
                ),
                "conflict.stale_version",
            ),
            (
                "the clerk at A1 retires an identifier of a person at A1",
                outcome(
                    &app.retire_identifier(
                        &clerk_a1,
                        at_a1_twin.id,
                        a1_identifier,
                        a1_identifier_version,
                    )
                    .await,
                ),
                "ok",
            ),
            // Categories.
            (
                "the clerk at A1 sets the categories of a person at B1",
                outcome(
                    &app.set_person_categories(&clerk_a1, at_b1.id, &[Category::SosChild])
                        .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "the clerk at B1 sets the categories of a person at A1",
                outcome(
                    &app.set_person_categories(&clerk_b1, at_a1.id, &[Category::SosChild])
                        .await,
                ),
                "not_found",
            ),
            (
                "the clerk at A1 sets the categories of a person at A1",
                outcome(
                    &app.set_person_categories(&clerk_a1, at_a1.id, &[Category::SosChild])
                        .await,
                ),
                "ok",
            ),
            // Relationships.
            (
                "the clerk at A1 relates a person at B1",
                outcome(
                    &app.add_relationship(&clerk_a1, at_b1.id, RelationshipKind::Father, "A1-0002")
                        .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "the clerk at B1 names a person at A1 as the other",
                outcome(
                    &app.add_relationship(&clerk_b1, at_b1.id, RelationshipKind::Father, "A1-0002")
                        .await,
                ),
                "invalid other",
            ),
            (
                "the clerk at A1 relates a person to themself",
                outcome(
                    &app.add_relationship(&clerk_a1, at_a1.id, RelationshipKind::Father, "A1-0001")
                        .await,
                ),
                "invalid other",
            ),
            (
                "the clerk at A1 relates a person at A1 to one at B1 she reads",
                outcome(
                    &app.add_relationship(&clerk_a1, at_a1.id, RelationshipKind::Father, "B1-0001")
                        .await,
                ),
                "ok",
            ),
            (
                "the clerk at A1 ends a relationship of a person at B1",
                outcome(
                    &app.end_relationship(
                        &clerk_a1,
                        at_b1.id,
                        b1_relationship,
                        b1_relationship_version,
                    )
                    .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "the clerk at A1 ends another person's relationship through her own",
                outcome(
                    &app.end_relationship(
                        &clerk_a1,
                        at_a1_twin.id,
                        b1_relationship,
                        b1_relationship_version,
                    )
                    .await,
                ),
                "not_found",
            ),
            (
                "the clerk at A1 ends a relationship of a person at A1",
                outcome(
                    &app.end_relationship(
                        &clerk_a1,
                        at_a1.id,
                        a1_relationship,
                        a1_relationship_version,
                    )
                    .await,
                ),
                "ok",
            ),
            // Death.
            (
                "the clerk at A1 records the death of a person at B1",
                outcome(
                    &app.record_death(
                        &clerk_a1,
                        at_b1.id,
                        at_b1.version,
                        date!(2026 - 11 - 01),
                        "",
                        today,
                    )
                    .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "the clerk at B1 records the death of a person at A1",
                outcome(
                    &app.record_death(
                        &clerk_b1,
                        at_a1_twin.id,
                        at_a1_twin.version,
                        date!(2026 - 11 - 01),
                        "",
                        today,
                    )
                    .await,
                ),
                "not_found",
            ),
            (
                "the clerk at A1 records a death tomorrow",
                outcome(
                    &app.record_death(
                        &clerk_a1,
                        at_a1_twin.id,
                        at_a1_twin.version,
                        date!(2026 - 11 - 23),
                        "",
                        today,
                    )
                    .await,
                ),
                "invalid died_on",
            ),
            (
                "the clerk at A1 records a death before the birth",
                outcome(
                    &app.record_death(
                        &clerk_a1,
                        at_a1_twin.id,
                        at_a1_twin.version,
                        date!(2010 - 01 - 01),
                        "",
                        today,
                    )
                    .await,
                ),
                "invalid died_on",
            ),
            (
                "the clerk at A1 records the death of a person at A1",
                outcome(
                    &app.record_death(
                        &clerk_a1,
                        at_a1_twin.id,
                        at_a1_twin.version,
                        date!(2026 - 11 - 01),
                        "",
                        today,
                    )
                    .await,
                ),
                "ok",
            ),
            // Merges.
            (
                "an SOS parent compares records to merge",
                outcome(&app.merge_candidates(&mother, at_a1.id, "A1-0002").await),
                "auth.forbidden",
            ),
            (
                "the clerk at A1 compares a record at B1 to keep",
                outcome(&app.merge_candidates(&clerk_a1, at_b1.id, "B1-0002").await),
                "auth.scope_beyond_yours",
            ),
            (
                "the clerk at B1 names a record at A1 to merge",
                outcome(&app.merge_candidates(&clerk_b1, at_b1.id, "A1-0002").await),
                "validation.failed",
            ),
            (
                "the clerk at A1 merges a record into itself",
                outcome(
                    &app.merge_people(&clerk_a1, at_a1.id, "A1-0001", "same")
                        .await,
                ),
                "validation.failed",
            ),
            (
                "the clerk at B1 merges two records at B1",
                outcome(
                    &app.merge_people(&clerk_b1, at_b1.id, "B1-0002", "same")
                        .await,
                ),
                "ok",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "[{}] {what}", w.label);
        }

        // The merge answers with the refusal's code.
        let refused = app
            .merge_candidates(&clerk_b1, at_b1.id, "A1-0002")
            .await
            .unwrap_err();
        assert!(
            matches!(refused, AppError::Refused(code) if code == refusals::OTHER_NOT_FOUND),
            "[{}] {refused:?}",
            w.label
        );
        // The merged record is read as the one it was merged into; undoing the merge
        // is for those who may merge there.
        let read = app.read_person(&clerk_a1, at_b1_twin.id).await.unwrap();
        assert_eq!(
            (read.requested, read.person.id),
            (at_b1_twin.id, at_b1.id),
            "[{}]",
            w.label
        );
        assert_eq!(
            app.merged_survivor(&clerk_a1, at_b1_twin.id).await.unwrap(),
            Some(at_b1.id),
            "[{}]",
            w.label
        );
        let merge = read.merges.first().unwrap().merge.clone();
        let undo_cases: Vec<(&str, String, &str)> = vec![
            (
                "the clerk at A1 undoes a merge at B1",
                outcome(
                    &app.undo_merge(&clerk_a1, at_b1.id, merge.id, merge.version)
                        .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "the clerk at B1 undoes it through a person it did not touch",
                outcome(
                    &app.undo_merge(&clerk_b1, at_a1.id, merge.id, merge.version)
                        .await,
                ),
                "not_found",
            ),
            (
                "the clerk at B1 undoes the merge",
                outcome(
                    &app.undo_merge(&clerk_b1, at_b1.id, merge.id, merge.version)
                        .await,
                ),
                "ok",
            ),
        ];
        for (what, got, expected) in undo_cases {
            assert_eq!(got, expected, "[{}] {what}", w.label);
        }

        // Lists hold only what the reader reaches.
        let found = |caller: &haven_app::Caller| {
            let caller = caller.clone();
            async move {
                let mut ids: Vec<Id> = app
                    .search_people(&caller, &search(""))
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|p| p.person.id)
                    .collect();
                ids.sort();
                ids
            }
        };
        let mut b1_people = vec![at_b1.id, at_b1_twin.id];
        b1_people.sort();
        assert_eq!(found(&clerk_b1).await, b1_people, "[{}]", w.label);
        assert_eq!(found(&clerk_a1).await.len(), 4, "[{}]", w.label);
        let exported = app.export_people(&clerk_b1, &search("")).await.unwrap();
        assert_eq!(exported.len(), 2, "[{}]", w.label);
        assert_eq!(
            app.find_person_by_identifier(&clerk_b1, "A1-0001")
                .await
                .unwrap(),
            None,
            "[{}]",
            w.label
        );
        assert_eq!(
            app.find_person_by_identifier(&clerk_a1, "b1 0001")
                .await
                .unwrap(),
            Some(at_b1.id),
            "[{}]",
            w.label
        );
        // A taken identifier and an unknown facility are found before registering.
        let conflicts = app
            .registration_conflicts(
                &clerk_b1,
                &NewPerson {
                    details: details(Some(Id::new())),
                    ..with_national_id(w.b1, "A1-0001")
                },
                None,
            )
            .await
            .unwrap();
        assert!(
            conflicts.unknown_facility && conflicts.taken_identifiers == vec![0],
            "[{}] {conflicts:?}",
            w.label
        );
        let duplicates = app
            .possible_duplicates(
                &clerk_b1,
                &DuplicateProbe {
                    names: details(None).names,
                    birth_date: Some(date!(2015 - 03 - 04)),
                    identifier_keys: Vec::new(),
                    exclude: None,
                },
            )
            .await
            .unwrap();
        assert!(
            duplicates
                .iter()
                .all(|p| p.person.registered_facility_id == Some(w.b1))
                && !duplicates.is_empty(),
            "[{}] duplicates beyond B1: {duplicates:?}",
            w.label
        );
    }
}
