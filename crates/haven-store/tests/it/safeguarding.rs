//! Store tests of child safeguarding: filing a report with its children and a sealed
//! attachment, who is notified, the steps in order with versions, the sealed audit
//! events, and the figures' facts.

use haven_domain::safeguarding::{
    AttachmentType, ChildInput, ConcernDetails, ConcernInput, Step, StepDetails, StepInput,
    WorkflowError,
};
use haven_domain::{Role, Scope};
use haven_store::safeguarding::{AttachmentKey, NewAttachment, NewReport, StepRefused};
use haven_store::testing::{all, TestStore};
use haven_store::{Actor, AuditFilter, Facility, Id, StoreError, User};

use crate::places::{facility_details, insert_person, programme_details};
use crate::{admin, all_events, count, create_user, events};

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const SECRET_TEXT: &str = "Seen at the river after dark";
const DESCRIBED: &str = "Little Kunthea";

fn key() -> AttachmentKey {
    AttachmentKey::parse(KEY).unwrap()
}

fn as_actor(user: &User) -> Actor {
    Actor {
        id: user.id,
        username: user.username.clone(),
        address: "192.0.2.30".to_owned(),
    }
}

fn concern(registry: usize) -> ConcernDetails {
    ConcernDetails::parse(&ConcernInput {
        concern_types: vec!["neglect", "physical_abuse"],
        harm_by: vec!["caregiver"],
        what_happened: SECRET_TEXT,
        immediate_actions: "Stayed with her",
        described: vec![ChildInput {
            name: DESCRIBED,
            sex: "female",
            age: "6",
        }],
        registry_children: registry,
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

async fn programme_facility(t: &TestStore, name: &str) -> Facility {
    let programme = t
        .store
        .create_programme(&admin(), &programme_details(name, "KH-12"))
        .await
        .unwrap();
    t.store
        .create_facility(
            &admin(),
            programme.id,
            &facility_details("childrens_village", name),
        )
        .await
        .unwrap()
}

async fn focal_point(t: &TestStore, name: &str, scope: Scope) -> User {
    let user = create_user(t, name).await;
    t.store
        .assign_role(&admin(), user.id, Role::SafeguardingFocalPoint, &scope)
        .await
        .unwrap();
    user
}

#[tokio::test]
async fn a_report_reaches_the_programmes_team_and_the_national_focal_points_only() {
    for t in all().await {
        let store = &t.store;
        let here = programme_facility(&t, "SOS Battambang").await;
        let elsewhere = programme_facility(&t, "SOS Siem Reap").await;
        let local = focal_point(&t, "local", Scope::Programme(here.programme_id.to_string())).await;
        let at_facility =
            focal_point(&t, "at-facility", Scope::Facility(here.id.to_string())).await;
        let other = focal_point(
            &t,
            "other",
            Scope::Programme(elsewhere.programme_id.to_string()),
        )
        .await;
        let national = focal_point(&t, "national", Scope::Country("KH".to_owned())).await;
        let disabled = focal_point(&t, "disabled", Scope::All).await;
        store
            .disable_user(&admin(), disabled.id, disabled.version)
            .await
            .unwrap();
        let doctor = create_user(&t, "doctor").await;
        store
            .assign_role(&admin(), doctor.id, Role::Doctor, &Scope::All)
            .await
            .unwrap();
        let reporter = create_user(&t, "reporter").await;

        let check = |facility: Option<Id>, expected: Vec<Id>| {
            let store = store.clone();
            async move {
                let mut got = store.safeguarding_recipients(facility).await.unwrap();
                let mut expected = expected;
                got.sort();
                expected.sort();
                assert_eq!(got, expected, "{}: {facility:?}", t.label);
            }
        };
        check(Some(here.id), vec![local.id, at_facility.id, national.id]).await;
        check(Some(elsewhere.id), vec![other.id, national.id]).await;
        check(None, vec![national.id]).await;

        let child = insert_person(&t, "Sok", "Chanthy", Some(here.id)).await;
        let report = store
            .file_safeguarding_report(
                &as_actor(&reporter),
                &NewReport {
                    details: concern(1),
                    registry_children: vec![child],
                    facility_id: Some(here.id),
                    attachment: None,
                },
                None,
            )
            .await
            .unwrap();
        assert!(report.reference.starts_with("SG-"), "{}", t.label);
        assert_eq!(
            report.concern_types, "physical_abuse neglect",
            "{}",
            t.label
        );
        assert_eq!(report.reporter_id, reporter.id, "{}", t.label);
        for (user, expected) in [
            (&local, 1),
            (&national, 1),
            (&other, 0),
            (&doctor, 0),
            (&disabled, 0),
        ] {
            let notices = store.safeguarding_notifications(user.id).await.unwrap();
            assert_eq!(notices.len(), expected, "{}: {}", t.label, user.username);
        }
        let children = store.safeguarding_children(report.id).await.unwrap();
        let names: Vec<String> = children.iter().map(|c| c.display_name()).collect();
        assert_eq!(names.len(), 2, "{}", t.label);
        assert!(
            names.contains(&DESCRIBED.to_owned()),
            "{}: {names:?}",
            t.label
        );
        assert!(
            names.iter().any(|n| n.contains("Chanthy")),
            "{}: {names:?}",
            t.label
        );

        // Opening the report is audited and clears the reader's notification.
        store
            .read_safeguarding_report(&as_actor(&local), report.id, "case")
            .await
            .unwrap();
        assert!(
            store
                .safeguarding_notifications(local.id)
                .await
                .unwrap()
                .is_empty(),
            "{}",
            t.label
        );
        assert_eq!(
            store
                .safeguarding_notifications(national.id)
                .await
                .unwrap()
                .len(),
            1,
            "{}",
            t.label
        );

        // The trail without the permission holds nothing about it; with it, both events.
        for event in all_events(&t).await {
            assert_ne!(
                event.entity, "safeguarding_report",
                "{}: {event:?}",
                t.label
            );
        }
        let by_entity = events(
            &t,
            &AuditFilter {
                entity: Some("safeguarding_report".to_owned()),
                limit: 100,
                ..AuditFilter::default()
            },
        )
        .await;
        assert!(by_entity.is_empty(), "{}: {by_entity:?}", t.label);
        let trail = store.safeguarding_audit_trail(report.id).await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["safeguarding_report_read", "safeguarding_report_file"],
            "{}",
            t.label
        );
        let filed = &trail[1];
        assert!(
            filed.detail.contains(&child.to_string()),
            "{}: {}",
            t.label,
            filed.detail
        );
        for secret in [SECRET_TEXT, DESCRIBED, "Chanthy", "Stayed"] {
            assert!(
                !filed.detail.contains(secret),
                "{}: {}",
                t.label,
                filed.detail
            );
        }
        // A report names a child that exists.
        let missing = store
            .file_safeguarding_report(
                &as_actor(&reporter),
                &NewReport {
                    details: concern(1),
                    registry_children: vec![Id::new()],
                    facility_id: None,
                    attachment: None,
                },
                None,
            )
            .await;
        assert!(
            matches!(missing, Err(StoreError::NotFound { .. })),
            "{}: {missing:?}",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM safeguarding_report").await,
            1,
            "{}",
            t.label
        );
        // The chain holds the sealed events too.
        assert!(
            matches!(
                crate::verify(&t).await,
                haven_store::ChainReport::Intact { .. }
            ),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn attachments_are_sealed_at_rest_and_open_only_with_their_key() {
    for t in all().await {
        let store = &t.store;
        let reporter = as_actor(&create_user(&t, "reporter").await);
        let letter = b"%PDF-1.7\n1 0 obj the letter of Kunthea\n".to_vec();
        let new = NewReport {
            details: concern(0),
            registry_children: Vec::new(),
            facility_id: None,
            attachment: Some(NewAttachment {
                kind: AttachmentType::Pdf,
                bytes: letter.clone(),
            }),
        };
        let refused = store.file_safeguarding_report(&reporter, &new, None).await;
        assert!(
            matches!(refused, Err(StoreError::Unsupported(_))),
            "{}: {refused:?}",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM safeguarding_report").await,
            0,
            "{}",
            t.label
        );

        let report = store
            .file_safeguarding_report(&reporter, &new, Some(&key()))
            .await
            .unwrap();
        let attachments = store.safeguarding_attachments(report.id).await.unwrap();
        assert_eq!(attachments.len(), 1, "{}", t.label);
        assert_eq!(
            attachments[0].size_bytes,
            letter.len() as i64,
            "{}",
            t.label
        );
        assert_eq!(
            attachments[0].kind(),
            Some(AttachmentType::Pdf),
            "{}",
            t.label
        );
        // The stored bytes are not the file.
        let find = match store.kind() {
            haven_store::DatabaseKind::Sqlite => {
                "SELECT COUNT(*) FROM safeguarding_attachment
                 WHERE instr(ciphertext, CAST('Kunthea' AS BLOB)) > 0 OR instr(ciphertext, CAST('%PDF' AS BLOB)) > 0"
            }
            haven_store::DatabaseKind::Postgres => {
                "SELECT COUNT(*) FROM safeguarding_attachment
                 WHERE position('Kunthea'::bytea in ciphertext) > 0 OR position('%PDF'::bytea in ciphertext) > 0"
            }
        };
        let plain_rows = count(&t, find).await;
        assert_eq!(plain_rows, 0, "{}", t.label);
        let (kind, bytes) = store
            .download_safeguarding_attachment(&reporter, report.id, attachments[0].id, &key())
            .await
            .unwrap();
        assert_eq!(
            (kind, bytes),
            (AttachmentType::Pdf, letter.clone()),
            "{}",
            t.label
        );
        let other_key = AttachmentKey::parse(&KEY.replace('0', "9")).unwrap();
        let wrong = store
            .download_safeguarding_attachment(&reporter, report.id, attachments[0].id, &other_key)
            .await;
        assert!(
            matches!(wrong, Err(StoreError::Unsupported(_))),
            "{}: {wrong:?}",
            t.label
        );
        // An attachment belongs to its report.
        let elsewhere = store
            .download_safeguarding_attachment(&reporter, Id::new(), attachments[0].id, &key())
            .await;
        assert!(
            matches!(elsewhere, Err(StoreError::NotFound { .. })),
            "{}",
            t.label
        );
        let added = store
            .add_safeguarding_attachment(
                &reporter,
                report.id,
                &key(),
                &NewAttachment {
                    kind: AttachmentType::Png,
                    bytes: b"\x89PNG\r\n\x1a\nrest".to_vec(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .safeguarding_attachments(report.id)
                .await
                .unwrap()
                .len(),
            2,
            "{}",
            t.label
        );
        let trail = store.safeguarding_audit_trail(report.id).await.unwrap();
        assert!(
            trail
                .iter()
                .any(|e| e.action == "safeguarding_attachment_add"
                    && e.detail.contains(&added.to_string())),
            "{}: {trail:?}",
            t.label
        );
        assert!(
            trail
                .iter()
                .any(|e| e.action == "safeguarding_attachment_download"),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn steps_are_recorded_in_order_with_the_version_read_and_dated() {
    for t in all().await {
        let store = &t.store;
        let reporter = as_actor(&create_user(&t, "reporter").await);
        let focal = focal_point(&t, "focal", Scope::All).await;
        let focal_actor = as_actor(&focal);
        let report = store
            .file_safeguarding_report(
                &reporter,
                &NewReport {
                    details: concern(0),
                    registry_children: Vec::new(),
                    facility_id: None,
                    attachment: None,
                },
                None,
            )
            .await
            .unwrap();
        let early = store
            .record_safeguarding_step(&focal_actor, report.id, report.version, &step("assessed"))
            .await;
        assert!(
            matches!(
                early,
                Err(StepRefused::Workflow(WorkflowError::OutOfOrder {
                    missing: Step::Acknowledged,
                    ..
                }))
            ),
            "{}: {early:?}",
            t.label
        );
        let stale = store
            .record_safeguarding_step(
                &focal_actor,
                report.id,
                report.version + 5,
                &step("acknowledged"),
            )
            .await;
        assert!(
            matches!(stale, Err(StepRefused::Store(StoreError::Conflict { .. }))),
            "{}: {stale:?}",
            t.label
        );
        let mut version = report.version;
        for code in [
            "acknowledged",
            "referred",
            "assessed",
            "investigated",
            "supported",
            "closed",
        ] {
            let updated = store
                .record_safeguarding_step(&focal_actor, report.id, version, &step(code))
                .await
                .unwrap_or_else(|e| panic!("{}: {code}: {e:?}", t.label));
            assert_eq!(updated.version, version + 1, "{}", t.label);
            version = updated.version;
            if code == "acknowledged" {
                assert!(updated.acknowledged_at.is_some(), "{}", t.label);
                assert!(
                    store
                        .safeguarding_notifications(focal.id)
                        .await
                        .unwrap()
                        .is_empty(),
                    "{}",
                    t.label
                );
            }
        }
        let closed = store.safeguarding_report(report.id).await.unwrap();
        assert!(closed.closed_at.is_some(), "{}", t.label);
        assert_eq!(closed.outcome, "inconclusive", "{}", t.label);
        let again = store
            .record_safeguarding_step(&focal_actor, report.id, version, &step("supported"))
            .await;
        assert!(
            matches!(again, Err(StepRefused::Workflow(WorkflowError::Closed))),
            "{}",
            t.label
        );
        let steps = store.safeguarding_steps(report.id).await.unwrap();
        assert_eq!(steps.len(), 6, "{}", t.label);
        assert!(
            steps.iter().all(|s| s.recorded_by == focal.id),
            "{}",
            t.label
        );
        let referral = steps.iter().find(|s| s.step == "referred").unwrap();
        assert_eq!(
            (
                referral.authority.as_str(),
                referral.authority_reference.as_str()
            ),
            ("Police", "P-1")
        );
        let done = store.safeguarding_steps_done().await.unwrap();
        assert_eq!(done.len(), 6, "{}", t.label);
        let facts = store.safeguarding_report_facts().await.unwrap();
        assert_eq!(facts.len(), 1, "{}", t.label);
        let (_, fact) = &facts[0];
        assert!(
            fact.closed_at.is_some() && fact.acknowledged_at.is_some(),
            "{}",
            t.label
        );
        assert_eq!(fact.children.len(), 1, "{}", t.label);
        assert_eq!(fact.children[0].age, Some(6), "{}", t.label);
        let trail = store.safeguarding_audit_trail(report.id).await.unwrap();
        assert_eq!(
            trail
                .iter()
                .filter(|e| e.action == "safeguarding_step_record")
                .count(),
            6,
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn the_demo_reports_follow_the_workflow() {
    for t in all().await {
        let store = &t.store;
        store.load_demo().await.unwrap();
        store.load_demo_safeguarding().await.unwrap();
        let reports = store.safeguarding_reports().await.unwrap();
        assert_eq!(reports.len(), 3, "{}", t.label);
        assert_eq!(
            reports.iter().filter(|r| r.closed_at.is_some()).count(),
            1,
            "{}",
            t.label
        );
        // Loading again adds nothing.
        store.load_demo_safeguarding().await.unwrap();
        assert_eq!(
            store.safeguarding_reports().await.unwrap().len(),
            3,
            "{}",
            t.label
        );
        let children = count(
            &t,
            "SELECT COUNT(*) FROM safeguarding_child WHERE person_id IS NOT NULL",
        )
        .await;
        assert_eq!(
            children, 0,
            "{}: demo reports name no registry child",
            t.label
        );
    }
}

async fn audit_as(t: &TestStore, user: &User, action: &'static str, label: &str, child: Id) {
    let event = haven_store::NewAuditEvent::new(action, "person", child).with_detail(label);
    t.store.audit(&as_actor(user), event).await.unwrap();
}

/// Who did an event, and whether readers without the safeguarding permission may
/// see it: a focal point's events are sealed while they hold the role, sign-ins and
/// sign-outs excepted.
#[tokio::test]
async fn a_focal_points_events_are_sealed_while_the_role_is_held() {
    for t in all().await {
        let store = &t.store;
        let child = Id::new();
        let national = focal_point(&t, "sealing-national", Scope::Country("KH".into())).await;
        let local = focal_point(&t, "sealing-local", Scope::Facility(Id::new().to_string())).await;
        let doctor = create_user(&t, "sealing-doctor").await;
        store
            .assign_role(&admin(), doctor.id, Role::Doctor, &Scope::All)
            .await
            .unwrap();
        // Held the role once: what was done then stays sealed after the revocation.
        let former = focal_point(&t, "sealing-former", Scope::All).await;
        // Gains the role later: what was done before is not sealed.
        let later = create_user(&t, "sealing-later").await;
        // (label, sealed)
        let mut expected: Vec<(&str, bool)> = Vec::new();
        for (user, action, label, sealed) in [
            (&national, "person_read", "national-read", true),
            (&local, "person_read", "local-read", true),
            (&local, "person_card_print", "local-print", true),
            (&local, "export", "local-export", true),
            (&local, "sign_in", "local-sign-in", false),
            (&local, "sign_in_failed", "local-sign-in-failed", false),
            (&local, "sign_out", "local-sign-out", false),
            (&doctor, "person_read", "doctor-read", false),
            (&former, "person_read", "former-read-while-held", true),
            (&later, "person_read", "later-read-before", false),
        ] {
            audit_as(&t, user, action, label, child).await;
            expected.push((label, sealed));
        }
        let held = store.role_assignments(former.id).await.unwrap().remove(0);
        store
            .revoke_role(&admin(), held.id, held.version)
            .await
            .unwrap();
        store
            .assign_role(
                &admin(),
                later.id,
                Role::SafeguardingFocalPoint,
                &Scope::All,
            )
            .await
            .unwrap();
        for (user, label, sealed) in [
            (&former, "former-read-after", false),
            (&later, "later-read-after", true),
        ] {
            audit_as(&t, user, "person_read", label, child).await;
            expected.push((label, sealed));
        }
        let of = |include_sealed: bool| AuditFilter {
            entity: Some("person".to_owned()),
            limit: 500,
            include_sealed,
            ..AuditFilter::default()
        };
        let open = events(&t, &of(false)).await;
        let everything = events(&t, &of(true)).await;
        for (label, sealed) in &expected {
            let find = |list: &[haven_store::AuditEvent]| {
                list.iter().find(|e| e.detail == *label).map(|e| e.id)
            };
            let what = format!("{}: {label}", t.label);
            let id =
                find(&everything).unwrap_or_else(|| panic!("{what}: listed for the sealed reader"));
            assert_eq!(find(&open).is_none(), *sealed, "{what}: sealed {sealed}");
            // Paging from an event is paging from nothing if the reader cannot see it.
            assert_eq!(
                store.audit_cursor(id, false).await.unwrap().is_none(),
                *sealed,
                "{what}: cursor"
            );
            assert!(
                store.audit_cursor(id, true).await.unwrap().is_some(),
                "{what}"
            );
        }
        assert_eq!(store.audit_cursor(Id::new(), true).await.unwrap(), None);
        // The chain still holds every event, sealed or not.
        assert!(
            matches!(
                crate::verify(&t).await,
                haven_store::ChainReport::Intact { .. }
            ),
            "{}",
            t.label
        );
    }
}
