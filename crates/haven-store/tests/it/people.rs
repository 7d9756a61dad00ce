//! Store tests: people. Registration with a Haven number, identifiers held by one
//! person at a time, versioned corrections, categories, relationships both ways,
//! death, and merges that keep both records and can be undone.

use haven_domain::person::{
    BirthDate, Category, HavenNumber, Identifier, IdentifierKind, NameInput, PersonNames,
    RelationshipKind, Sex,
};
use haven_store::testing::{self, TestStore};
use haven_store::{Address, NewPerson, Person, PersonDetails, StoreError};
use time::macros::date;

use crate::{admin, all_events, count, verify};

pub fn details(family_latin: &str, given_latin: &str, given_km: &str) -> PersonDetails {
    PersonDetails {
        names: PersonNames::parse(&NameInput {
            family_latin,
            given_latin,
            given_km,
            ..NameInput::default()
        })
        .expect("names"),
        sex: Sex::Female,
        birth_date: BirthDate::exact(date!(2015 - 03 - 04), date!(2026 - 11 - 22)).expect("a date"),
        phone: None,
        address: Address {
            province_code: "KH-12".to_owned(),
            ..Address::default()
        },
        registered_facility: None,
    }
}

pub async fn register(t: &TestStore, family: &str, given: &str) -> Person {
    let new = NewPerson {
        details: details(family, given, ""),
        identifiers: Vec::new(),
        categories: vec![Category::SosChild],
    };
    t.store
        .create_person(&admin(), &new)
        .await
        .expect("registered")
}

#[tokio::test]
async fn a_registration_gets_a_haven_number_and_its_categories_in_one_transaction() {
    for t in testing::all().await {
        let actor = admin();
        let national = Identifier::parse(IdentifierKind::NationalId, "0101 2345").unwrap();
        let new = NewPerson {
            details: details("Sok", "Sreypov", "ស្រីពៅ"),
            identifiers: vec![(national.clone(), None)],
            categories: vec![
                Category::SosChild,
                Category::SosChild,
                Category::CommunityMember,
            ],
        };
        let person = t.store.create_person(&actor, &new).await.unwrap();
        assert_eq!(person.version, 1, "[{}]", t.label);
        assert_eq!(person.display_name(), "ស្រីពៅ (Sok Sreypov)");
        let identifiers = t.store.identifiers_of(&[person.id]).await.unwrap();
        assert_eq!(identifiers.len(), 2, "[{}]", t.label);
        assert_eq!(identifiers[0].kind(), Some(IdentifierKind::Haven));
        assert!(HavenNumber::parse(&identifiers[0].value).is_some());
        assert_eq!(
            t.store.categories_of(&[person.id]).await.unwrap(),
            vec![Category::SosChild, Category::CommunityMember]
        );

        // The same national ID for someone else: refused, and nothing of them is kept.
        let other = NewPerson {
            details: details("Chan", "Dara", ""),
            identifiers: vec![(
                Identifier::parse(IdentifierKind::NationalId, "01012345").unwrap(),
                None,
            )],
            categories: Vec::new(),
        };
        let refused = t.store.create_person(&actor, &other).await;
        assert!(
            matches!(
                refused,
                Err(StoreError::Duplicate {
                    field: "identifier"
                })
            ),
            "[{}] {refused:?}",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM person").await,
            1,
            "[{}]",
            t.label
        );
        assert!(t.store.identifier_taken(&national, None).await.unwrap());
        assert!(!t
            .store
            .identifier_taken(&national, Some(person.id))
            .await
            .unwrap());

        let creates: Vec<_> = all_events(&t)
            .await
            .into_iter()
            .filter(|e| e.action == "person_create")
            .collect();
        assert_eq!(creates.len(), 1, "[{}]", t.label);
        assert_eq!(creates[0].entity_id, person.id.to_string());
        assert_eq!(
            count(
                &t,
                "SELECT COUNT(*) FROM change_log WHERE entity LIKE 'person%'"
            )
            .await,
            5,
            "[{}] the person, two identifiers and two categories",
            t.label
        );
    }
}

#[tokio::test]
async fn a_correction_names_the_version_read_and_a_stale_one_changes_nothing() {
    for t in testing::all().await {
        let person = register(&t, "Sok", "Sokha").await;
        let corrected = t
            .store
            .update_person(&admin(), person.id, 1, &details("Sok", "Sokhar", ""))
            .await
            .unwrap();
        assert_eq!(corrected.version, 2);
        assert_eq!(corrected.given_name_latin, "Sokhar");
        let stale = t
            .store
            .update_person(&admin(), person.id, 1, &details("Sok", "Lost", ""))
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { .. })),
            "[{}]",
            t.label
        );
        assert_eq!(
            t.store.person(person.id).await.unwrap().given_name_latin,
            "Sokhar"
        );
        let missing = t
            .store
            .update_person(&admin(), haven_store::Id::new(), 1, &details("A", "B", ""))
            .await;
        assert!(
            matches!(missing, Err(StoreError::NotFound { .. })),
            "[{}]",
            t.label
        );
    }
}

#[tokio::test]
async fn relationships_show_both_ways_and_death_deletes_nothing() {
    for t in testing::all().await {
        let child = register(&t, "Chan", "Thida").await;
        let mother = register(&t, "Chan", "Bopha").await;
        let id = t
            .store
            .add_relationship(&admin(), child.id, mother.id, RelationshipKind::Mother)
            .await
            .unwrap();
        let of_child = t.store.relationships_of(&[child.id]).await.unwrap();
        assert_eq!(of_child.len(), 1);
        assert!(!of_child[0].inverse);
        assert_eq!(of_child[0].other_id, mother.id);
        let of_mother = t.store.relationships_of(&[mother.id]).await.unwrap();
        assert!(of_mother[0].inverse);
        assert_eq!(of_mother[0].other_id, child.id);
        assert_eq!(
            of_mother[0].kind.inverse_label_key(),
            "relationshipkind-child"
        );
        let own = t
            .store
            .add_relationship(&admin(), child.id, child.id, RelationshipKind::Sibling)
            .await;
        assert!(own.is_err());
        t.store.end_relationship(&admin(), id, 1).await.unwrap();
        assert!(t
            .store
            .relationships_of(&[child.id])
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM person_relationship").await,
            1
        );

        let dead = t
            .store
            .record_death(&admin(), mother.id, 1, date!(2025 - 01 - 02), "malaria")
            .await
            .unwrap();
        assert_eq!(dead.died_on, Some(date!(2025 - 01 - 02)));
        assert!(dead.is_dead());
        assert_eq!(count(&t, "SELECT COUNT(*) FROM person").await, 2);
    }
}

#[tokio::test]
async fn a_merge_keeps_both_records_and_is_undone_exactly() {
    for t in testing::all().await {
        let kept = register(&t, "Sok", "Sokha").await;
        let twin = register(&t, "Sok", "Sokah").await;
        let sibling = register(&t, "Sok", "Dara").await;
        t.store
            .add_relationship(&admin(), twin.id, sibling.id, RelationshipKind::Sibling)
            .await
            .unwrap();
        t.store
            .add_identifier(
                &admin(),
                twin.id,
                &Identifier::parse(IdentifierKind::BirthCertificate, "BC-77").unwrap(),
                None,
            )
            .await
            .unwrap();

        let merge = t
            .store
            .merge_people(&admin(), kept.id, twin.id, "same child registered twice")
            .await
            .unwrap();
        assert_eq!(t.store.resolve_merged(twin.id).await.unwrap(), kept.id);
        let records = t.store.records_of(kept.id).await.unwrap();
        assert_eq!(records, vec![kept.id, twin.id], "[{}]", t.label);
        // The survivor shows everything of both.
        assert_eq!(t.store.identifiers_of(&records).await.unwrap().len(), 3);
        let relationships = t.store.relationships_of(&records).await.unwrap();
        assert_eq!(relationships.len(), 1);
        assert_eq!(relationships[0].other_id, sibling.id);
        // The sibling's page shows the survivor.
        let of_sibling = t.store.relationships_of(&[sibling.id]).await.unwrap();
        assert_eq!(of_sibling[0].other_id, kept.id, "[{}]", t.label);
        // A merged record cannot be merged again, nor be a survivor.
        assert!(t
            .store
            .merge_people(&admin(), twin.id, sibling.id, "")
            .await
            .is_err());
        assert!(t
            .store
            .merge_people(&admin(), sibling.id, twin.id, "")
            .await
            .is_err());
        assert!(t
            .store
            .merge_people(&admin(), kept.id, kept.id, "")
            .await
            .is_err());

        let undone = t
            .store
            .undo_merge(&admin(), merge.id, merge.version)
            .await
            .unwrap();
        assert!(undone.undone_at.is_some());
        assert_eq!(t.store.resolve_merged(twin.id).await.unwrap(), twin.id);
        assert_eq!(t.store.records_of(kept.id).await.unwrap(), vec![kept.id]);
        assert_eq!(t.store.identifiers_of(&[kept.id]).await.unwrap().len(), 1);
        let again = t.store.undo_merge(&admin(), merge.id, merge.version).await;
        assert!(
            matches!(again, Err(StoreError::Conflict { .. })),
            "[{}]",
            t.label
        );
        assert_eq!(t.store.merges_of(kept.id).await.unwrap().len(), 1);

        let actions: Vec<String> = all_events(&t).await.into_iter().map(|e| e.action).collect();
        for action in [
            "person_merge",
            "person_merged_into",
            "person_merge_undo",
            "person_unmerged",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "[{}] {action}",
                t.label
            );
        }
        assert!(matches!(
            verify(&t).await,
            haven_store::ChainReport::Intact { .. }
        ));
    }
}

#[tokio::test]
async fn categories_are_set_by_adding_and_ending_and_identifiers_retire() {
    for t in testing::all().await {
        let person = register(&t, "Keo", "Vanna").await;
        t.store
            .set_categories(
                &admin(),
                person.id,
                &[Category::SosCaregiver, Category::SosStaff],
            )
            .await
            .unwrap();
        assert_eq!(
            t.store.categories_of(&[person.id]).await.unwrap(),
            vec![Category::SosCaregiver, Category::SosStaff]
        );
        assert_eq!(count(&t, "SELECT COUNT(*) FROM person_category").await, 3);
        let id_poor = Identifier::parse(IdentifierKind::IdPoor, "IDP 12 34").unwrap();
        t.store
            .add_identifier(&admin(), person.id, &id_poor, None)
            .await
            .unwrap();
        let identifiers = t.store.identifiers_of(&[person.id]).await.unwrap();
        let added = identifiers.iter().find(|i| i.kind == "id_poor").unwrap();
        assert_eq!(
            t.store.person_by_identifier_key("IDP1234").await.unwrap(),
            Some(person.id)
        );
        let haven = identifiers.iter().find(|i| i.kind == "haven").unwrap();
        assert!(t
            .store
            .retire_identifier(&admin(), haven.id, haven.version)
            .await
            .is_err());
        t.store
            .retire_identifier(&admin(), added.id, added.version)
            .await
            .unwrap();
        assert_eq!(t.store.identifiers_of(&[person.id]).await.unwrap().len(), 1);
        // A retired value is free for someone else.
        let other = register(&t, "Keo", "Dara").await;
        t.store
            .add_identifier(&admin(), other.id, &id_poor, None)
            .await
            .unwrap();
    }
}
