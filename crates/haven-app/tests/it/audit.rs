//! The audit trail: who reads which events. Sealed events (about safeguarding
//! reports, or done by the holder of a sealed role) only for a national focal point,
//! who alone also sees the chain's sequence numbers and hashes; account
//! administration is never sealed, whoever does it.

use haven_app::audit::TrailSearch;
use haven_app::Caller;
use haven_domain::person::{BirthDate, NameInput, PersonNames, Sex};
use haven_domain::{DisplayName, Language, Role, Scope, Username};
use haven_store::{Address, Id, NewPerson, NewUser, PersonDetails};
use time::macros::date;

use crate::{outcome, World, FAKE_HASH};

fn child(facility: Id) -> NewPerson {
    NewPerson {
        details: PersonDetails {
            names: PersonNames::parse(&NameInput {
                family_latin: "Keo",
                given_latin: "Bopha",
                ..NameInput::default()
            })
            .unwrap(),
            sex: Sex::Female,
            birth_date: BirthDate::exact(date!(2016 - 05 - 06), date!(2026 - 11 - 22)).unwrap(),
            phone: None,
            address: Address::default(),
            registered_facility: Some(facility),
        },
        identifiers: Vec::new(),
        categories: Vec::new(),
    }
}

fn about(entity_id: Id) -> TrailSearch {
    TrailSearch {
        entity_id: Some(entity_id.to_string()),
        limit: 100,
        ..TrailSearch::default()
    }
}

/// The actions of the events the caller sees about one record, oldest first.
async fn actions_seen(w: &World, caller: &Caller, search: &TrailSearch) -> Vec<String> {
    let page = w.app.audit_trail(caller, search).await.unwrap();
    page.events.into_iter().rev().map(|e| e.action).collect()
}

#[tokio::test]
async fn sealed_events_are_read_by_national_focal_points_only() {
    for w in World::all().await {
        let app = &w.app;
        let (_, registrar) = w
            .account("registrar", &[(Role::RecordsClerk, Scope::All)])
            .await;
        let (_, admin) = w
            .account("admin", &[(Role::SystemAdministrator, Scope::All)])
            .await;
        // An administrator who is also the national focal point.
        let (_, national) = w
            .account(
                "national",
                &[
                    (Role::SystemAdministrator, Scope::All),
                    (
                        Role::SafeguardingFocalPoint,
                        Scope::Country("KH".to_owned()),
                    ),
                ],
            )
            .await;
        // An administrator who is a focal point for one programme only.
        let (_, programme_focal) = w
            .account(
                "programme-focal",
                &[
                    (Role::SystemAdministrator, Scope::All),
                    (
                        Role::SafeguardingFocalPoint,
                        Scope::Programme(w.p1.to_string()),
                    ),
                ],
            )
            .await;
        let (_, focal_only) = w
            .account("focal-only", &[(Role::SafeguardingFocalPoint, Scope::All)])
            .await;
        let (_, nurse) = w
            .account("nurse", &[(Role::RegisteredNurse, w.facility(w.a1))])
            .await;

        let person = app.register_person(&registrar, &child(w.a1)).await.unwrap();
        // The focal point reads the child: her read is sealed.
        app.read_person(&focal_only, person.id).await.unwrap();
        // The focal point makes an account: account administration is never sealed.
        let made = app
            .store()
            .create_user(
                &focal_only.actor(),
                NewUser {
                    username: Username::parse("made-by-focal").unwrap(),
                    display_name: DisplayName::parse("Made").unwrap(),
                    password_hash: FAKE_HASH.to_owned(),
                    language: Language::English,
                },
            )
            .await
            .unwrap();

        let search = about(person.id);
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "an administrator reads the trail",
                outcome(&app.audit_trail(&admin, &search).await),
                "ok",
            ),
            (
                "a focal point without the trail's permission reads it",
                outcome(&app.audit_trail(&focal_only, &search).await),
                "auth.forbidden",
            ),
            (
                "a nurse reads the trail",
                outcome(&app.audit_trail(&nurse, &search).await),
                "auth.forbidden",
            ),
            (
                "a nurse exports the trail",
                outcome(&app.export_audit_trail(&nurse, &search).await),
                "auth.forbidden",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "[{}] {what}", w.label);
        }

        let seen = [
            ("admin", &admin, vec!["person_create"]),
            (
                "programme focal point",
                &programme_focal,
                vec!["person_create"],
            ),
            ("national", &national, vec!["person_create", "person_read"]),
        ];
        for (who, caller, expected) in seen {
            assert_eq!(
                actions_seen(&w, caller, &search).await,
                expected,
                "[{}] {who}",
                w.label
            );
        }
        // The account the focal point made is on everyone's trail.
        assert_eq!(
            actions_seen(&w, &admin, &about(made.id)).await,
            vec!["user_create"],
            "[{}]",
            w.label
        );

        // Only the national focal point sees the chain.
        let plain = app.audit_trail(&admin, &search).await.unwrap();
        assert!(!plain.shows_chain, "[{}]", w.label);
        assert!(
            plain
                .events
                .iter()
                .all(|e| e.sequence.is_none() && e.hash.is_none()),
            "[{}]",
            w.label
        );
        let full = app.audit_trail(&national, &search).await.unwrap();
        assert!(full.shows_chain, "[{}]", w.label);
        assert!(
            full.events
                .iter()
                .all(|e| e.sequence.is_some() && e.hash.is_some()),
            "[{}]",
            w.label
        );

        // Paging from a sealed event gives others an empty page, not a position.
        let sealed_read = full
            .events
            .iter()
            .find(|e| e.action == "person_read")
            .unwrap()
            .id;
        let from_sealed = TrailSearch {
            before: Some(sealed_read),
            limit: 100,
            ..TrailSearch::default()
        };
        assert!(
            app.audit_trail(&admin, &from_sealed)
                .await
                .unwrap()
                .events
                .is_empty(),
            "[{}]",
            w.label
        );
        assert!(
            !app.audit_trail(&national, &from_sealed)
                .await
                .unwrap()
                .events
                .is_empty(),
            "[{}]",
            w.label
        );

        // An export is itself on the trail.
        app.export_audit_trail(&admin, &search).await.unwrap();
        let exports = TrailSearch {
            action: Some("export".to_owned()),
            entity: Some("audit_event".to_owned()),
            limit: 10,
            ..TrailSearch::default()
        };
        assert_eq!(
            app.audit_trail(&admin, &exports)
                .await
                .unwrap()
                .events
                .len(),
            1,
            "[{}]",
            w.label
        );

        // The home page's failed sign-ins: for readers of the trail only.
        assert!(
            app.recent_failed_sign_ins(&nurse).await.unwrap().is_none(),
            "[{}]",
            w.label
        );
        assert!(
            app.recent_failed_sign_ins(&admin).await.unwrap().is_some(),
            "[{}]",
            w.label
        );
    }
}
