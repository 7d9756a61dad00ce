//! The audit trail: listing and filtering, the hash chain, and tampering with it.

use haven_domain::audit::{chain_hash, AuditFields, BrokenLink};
use haven_store::testing::{self, TestStore};
use haven_store::{
    Actor, AuditEvent, AuditFilter, ChainReport, DatabaseKind, NewAuditEvent, Timestamp,
};

use crate::{actor, admin, all_events, count, create_user, events, verify};

/// The events [`trail`] appends, in order: sequence `i + 1` is `TRAIL[i]`.
/// (actor, action, entity, entity id)
const TRAIL: [(&str, &str, &str, &str); 6] = [
    ("alice", "sign_in", "", ""),
    ("bob", "sign_in", "", ""),
    ("alice", "person_read", "person", "p1"),
    ("bob", "person_read", "person", "p2"),
    ("alice", "person_read", "person", "p2"),
    ("bob", "sign_out", "", ""),
];

/// Appends [`TRAIL`] to an empty store and returns every event, newest first.
async fn trail(t: &TestStore) -> Vec<AuditEvent> {
    let alice = actor("alice", "192.0.2.1");
    let bob = actor("bob", "192.0.2.2");
    for (who, action, entity, entity_id) in TRAIL {
        let who = if who == "alice" { &alice } else { &bob };
        let event = NewAuditEvent::new(action, entity, entity_id)
            .with_detail(format!("{action} by {}", who.username));
        t.store.audit(who, event).await.unwrap();
    }
    all_events(t).await
}

fn sequences(events: &[AuditEvent]) -> Vec<i64> {
    events.iter().map(|e| e.sequence).collect()
}

/// Lists with `filter` and checks the sequences, newest first.
async fn check(t: &TestStore, filter: AuditFilter, expected: &[i64]) {
    let found = events(t, &filter).await;
    assert_eq!(sequences(&found), expected, "{}: {filter:?}", t.label);
}

/// A filter written as `key=value` words: `actor`, `action`, `entity`, `entity_id`,
/// `before` (a sequence) and `limit` (100 unless given).
fn filter(spec: &str) -> AuditFilter {
    let mut filter = AuditFilter {
        limit: 100,
        ..AuditFilter::default()
    };
    for word in spec.split_whitespace() {
        let (key, value) = word.split_once('=').unwrap();
        let text = Some(value.to_owned());
        match key {
            "actor" => filter.actor_username = text,
            "action" => filter.action = text,
            "entity" => filter.entity = text,
            "entity_id" => filter.entity_id = text,
            "before" => filter.before_sequence = Some(value.parse().unwrap()),
            "limit" => filter.limit = value.parse().unwrap(),
            _ => panic!("unknown filter key {key}"),
        }
    }
    filter
}

fn between(from: Option<Timestamp>, until: Option<Timestamp>) -> AuditFilter {
    AuditFilter {
        from,
        until,
        ..filter("")
    }
}

#[tokio::test]
async fn events_list_newest_first_with_every_field() {
    for t in testing::all().await {
        let all = trail(&t).await;
        assert_eq!(sequences(&all), [6, 5, 4, 3, 2, 1], "{}", t.label);
        for event in &all {
            let (who, action, entity, entity_id) = TRAIL[(event.sequence - 1) as usize];
            let label = format!("{}: event {}", t.label, event.sequence);
            assert_eq!(event.actor_username, who, "{label}");
            assert_eq!(event.action, action, "{label}");
            assert_eq!(event.entity, entity, "{label}");
            assert_eq!(event.entity_id, entity_id, "{label}");
            assert_eq!(event.detail, format!("{action} by {who}"), "{label}");
            let address = if who == "alice" {
                "192.0.2.1"
            } else {
                "192.0.2.2"
            };
            assert_eq!(event.address, address, "{label}");
            assert_eq!(event.hash.len(), 64, "{label}");
        }
        // Each event names the hash of the one before it; the first names the genesis.
        for pair in all.windows(2) {
            assert_eq!(pair[0].previous_hash, pair[1].hash, "{}", t.label);
        }
        assert_eq!(all[5].previous_hash, "0".repeat(64), "{}: genesis", t.label);
        for pair in all.windows(2) {
            assert!(pair[0].occurred_at >= pair[1].occurred_at, "{}", t.label);
        }
    }
}

#[tokio::test]
async fn events_filter_by_actor_action_entity_and_page() {
    // (filter, the sequences listed, newest first); see TRAIL for the events.
    let cases: [(&str, &[i64]); 18] = [
        ("", &[6, 5, 4, 3, 2, 1]),
        ("actor=alice", &[5, 3, 1]),
        ("actor=bob", &[6, 4, 2]),
        ("actor=carol", &[]),
        ("action=person_read", &[5, 4, 3]),
        ("action=sign_in", &[2, 1]),
        ("entity=person", &[5, 4, 3]),
        ("entity=", &[6, 2, 1]),
        ("entity=person entity_id=p2", &[5, 4]),
        ("entity_id=p1", &[3]),
        ("actor=bob action=sign_in", &[2]),
        ("before=4", &[3, 2, 1]),
        ("before=1", &[]),
        ("before=6 actor=bob", &[4, 2]),
        ("limit=2", &[6, 5]),
        ("limit=2 before=5", &[4, 3]),
        // No limit (zero or below) means the default page of 100.
        ("limit=0", &[6, 5, 4, 3, 2, 1]),
        ("limit=-5", &[6, 5, 4, 3, 2, 1]),
    ];
    for t in testing::all().await {
        trail(&t).await;
        for (spec, expected) in cases {
            check(&t, filter(spec), expected).await;
        }
    }
}

#[tokio::test]
async fn events_filter_by_time() {
    for t in testing::all().await {
        let all = trail(&t).await;
        let at = |sequence: i64| all[(6 - sequence) as usize].occurred_at;
        let (first, middle, last) = (at(1), at(3), at(6));
        // What is listed from or until event 3 is worked out from the stored times, so
        // that two events in one microsecond cannot make the test wrong.
        let listed = |keep: &dyn Fn(Timestamp) -> bool| -> Vec<i64> {
            all.iter()
                .filter(|e| keep(e.occurred_at))
                .map(|e| e.sequence)
                .collect()
        };
        let from_middle = listed(&|at| at >= middle);
        let until_middle = listed(&|at| at < middle);
        assert!(from_middle.contains(&3), "{}", t.label);
        assert!(!until_middle.contains(&3), "{}", t.label);
        let alice_from_middle = listed(&|at| at >= middle)
            .into_iter()
            .filter(|s| [1, 3, 5].contains(s))
            .collect();

        let later = last.plus_seconds(1);
        let cases = [
            (between(Some(middle), None), from_middle),
            (between(None, Some(middle)), until_middle),
            (between(Some(first), Some(later)), vec![6, 5, 4, 3, 2, 1]),
            (between(Some(middle), Some(middle)), vec![]),
            (between(Some(later), None), vec![]),
            (between(None, Some(first)), vec![]),
            (
                AuditFilter {
                    from: Some(middle),
                    ..filter("actor=alice")
                },
                alice_from_middle,
            ),
        ];
        for (filter, expected) in cases {
            check(&t, filter, &expected).await;
        }
    }
}

#[tokio::test]
async fn the_chain_is_intact_after_writes_of_every_kind() {
    for t in testing::all().await {
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact { events: 0 },
            "{}: empty",
            t.label
        );
        let admin = admin();
        let user = create_user(&t, "sokha").await;
        t.store.disable_user(&admin, user.id, 1).await.unwrap();
        t.store.enable_user(&admin, user.id, 2).await.unwrap();
        t.store
            .create_api_token(&admin, user.id, "laptop")
            .await
            .unwrap();
        t.store
            .audit(&admin, NewAuditEvent::new("person_read", "person", "p1"))
            .await
            .unwrap();
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact { events: 5 },
            "{}",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM audit_event").await,
            5,
            "{}",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT sequence FROM audit_head").await,
            5,
            "{}: the head names the last event",
            t.label
        );
    }
}

/// Five events with distinct actions; returns them newest first.
async fn five_events(t: &TestStore) -> Vec<AuditEvent> {
    let who = admin();
    for action in [
        "sign_in",
        "person_read",
        "person_write",
        "report_read",
        "sign_out",
    ] {
        t.store
            .audit(&who, NewAuditEvent::new(action, "person", "p1"))
            .await
            .unwrap();
    }
    let all = all_events(t).await;
    assert_eq!(
        verify(t).await,
        ChainReport::Intact { events: 5 },
        "{}",
        t.label
    );
    all
}

fn event(all: &[AuditEvent], sequence: i64) -> &AuditEvent {
    all.iter().find(|e| e.sequence == sequence).unwrap()
}

/// Drops the triggers that keep audit_event append-only, as someone with the
/// database's owner rights could.
async fn drop_append_only_triggers(t: &TestStore) {
    let sql = match t.store.kind() {
        DatabaseKind::Sqlite => {
            "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;"
        }
        DatabaseKind::Postgres => "DROP TRIGGER audit_event_no_change ON audit_event",
    };
    t.execute_raw(sql)
        .await
        .unwrap_or_else(|e| panic!("{}: dropping the triggers: {e:?}", t.label));
}

async fn tamper(t: &TestStore, sql: &str) {
    let rows = t
        .execute_raw(sql)
        .await
        .unwrap_or_else(|e| panic!("{}: {sql}: {e:?}", t.label));
    assert!(rows >= 1, "{}: {sql} touched no row", t.label);
}

#[tokio::test]
async fn the_append_only_triggers_refuse_changes_and_removals() {
    let attempts = [
        "UPDATE audit_event SET action = 'nothing' WHERE sequence = 2",
        "UPDATE audit_event SET detail = 'edited'",
        "DELETE FROM audit_event WHERE sequence = 2",
        "DELETE FROM audit_event WHERE sequence = 5",
        "DELETE FROM audit_event",
    ];
    for t in testing::all().await {
        let before = five_events(&t).await;
        for sql in attempts {
            let result = t.execute_raw(sql).await;
            assert!(
                result.is_err(),
                "{}: {sql} was allowed: {result:?}",
                t.label
            );
        }
        let after = all_events(&t).await;
        let rows = |events: &[AuditEvent]| -> Vec<(i64, String, String, String)> {
            events
                .iter()
                .map(|e| {
                    (
                        e.sequence,
                        e.action.clone(),
                        e.detail.clone(),
                        e.hash.clone(),
                    )
                })
                .collect()
        };
        assert_eq!(rows(&after), rows(&before), "{}", t.label);
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact { events: 5 },
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_changed_event_breaks_the_chain_at_that_event() {
    // (the change to event 3, the broken link it gives)
    let cases = [
        (
            "SET action = 'tampered'",
            BrokenLink::HashMismatch { sequence: 3 },
        ),
        (
            "SET actor_username = 'mallory'",
            BrokenLink::HashMismatch { sequence: 3 },
        ),
        (
            "SET entity_id = 'p2'",
            BrokenLink::HashMismatch { sequence: 3 },
        ),
        (
            "SET detail = 'nothing to see'",
            BrokenLink::HashMismatch { sequence: 3 },
        ),
        (
            "SET address = '203.0.113.9'",
            BrokenLink::HashMismatch { sequence: 3 },
        ),
        (
            "SET hash = previous_hash",
            BrokenLink::HashMismatch { sequence: 3 },
        ),
        (
            "SET previous_hash = hash",
            BrokenLink::PreviousMismatch { sequence: 3 },
        ),
    ];
    for (change, link) in cases {
        for t in testing::all().await {
            let all = five_events(&t).await;
            drop_append_only_triggers(&t).await;
            tamper(
                &t,
                &format!("UPDATE audit_event {change} WHERE sequence = 3"),
            )
            .await;
            assert_eq!(
                verify(&t).await,
                ChainReport::Broken {
                    link: link.clone(),
                    event_id: Some(event(&all, 3).id),
                },
                "{}: {change}",
                t.label
            );
        }
    }
}

/// Changes the action of stored events and recomputes their hashes, as a forger who
/// knows the hash function would; returns the SQL that does it.
fn forge(all: &[AuditEvent], sequences: &[i64]) -> String {
    let mut previous = event(all, sequences[0]).previous_hash.clone();
    let mut sql = String::new();
    for &sequence in sequences {
        let e = event(all, sequence);
        let (id, at, actor_id) = (
            e.id.to_string(),
            e.occurred_at.to_text(),
            e.actor_id.to_string(),
        );
        let fields = AuditFields {
            sequence,
            id: &id,
            occurred_at: &at,
            actor_id: &actor_id,
            actor_username: &e.actor_username,
            action: "forged",
            entity: &e.entity,
            entity_id: &e.entity_id,
            address: &e.address,
            detail: &e.detail,
        };
        let hash = chain_hash(&previous, &fields);
        sql.push_str(&format!(
            "UPDATE audit_event SET action = 'forged', previous_hash = '{previous}', hash = '{hash}'
             WHERE sequence = {sequence};"
        ));
        previous = hash;
    }
    sql
}

#[tokio::test]
async fn a_forged_event_with_a_recomputed_hash_is_found_by_the_next_one() {
    for t in testing::all().await {
        let all = five_events(&t).await;
        drop_append_only_triggers(&t).await;
        tamper(&t, &forge(&all, &[3])).await;
        assert_eq!(
            verify(&t).await,
            ChainReport::Broken {
                link: BrokenLink::PreviousMismatch { sequence: 4 },
                event_id: Some(event(&all, 4).id),
            },
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_forged_tail_with_recomputed_hashes_is_found_through_the_head() {
    for t in testing::all().await {
        let all = five_events(&t).await;
        drop_append_only_triggers(&t).await;
        tamper(&t, &forge(&all, &[3, 4, 5])).await;
        let report = verify(&t).await;
        assert!(
            matches!(report, ChainReport::Broken { event_id: None, .. }),
            "{}: a rewritten tail gave {report:?}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_removed_event_leaves_a_gap() {
    // (events removed, the gap found, the sequence of the event named)
    let cases: [(&str, BrokenLink, Option<i64>); 4] = [
        (
            "sequence = 3",
            BrokenLink::Gap {
                expected: 3,
                found: 4,
            },
            Some(4),
        ),
        (
            "sequence = 1",
            BrokenLink::Gap {
                expected: 1,
                found: 2,
            },
            Some(2),
        ),
        (
            "sequence IN (2, 3)",
            BrokenLink::Gap {
                expected: 2,
                found: 4,
            },
            Some(4),
        ),
        // Removing the newest events leaves a chain that holds together; the head row
        // still names the last event, so the removal is found there.
        (
            "sequence = 5",
            BrokenLink::TailMissing {
                last_intact: 4,
                head: 5,
            },
            None,
        ),
    ];
    for (removed, link, named) in cases {
        for t in testing::all().await {
            let all = five_events(&t).await;
            drop_append_only_triggers(&t).await;
            tamper(&t, &format!("DELETE FROM audit_event WHERE {removed}")).await;
            assert_eq!(
                verify(&t).await,
                ChainReport::Broken {
                    link: link.clone(),
                    event_id: named.map(|sequence| event(&all, sequence).id),
                },
                "{}: removed {removed}",
                t.label
            );
        }
    }
}

#[tokio::test]
async fn removing_the_newest_events_is_found_through_the_head() {
    // (events removed from the end, the last event still in the chain)
    let cases = [
        ("sequence = 5", 4),
        ("sequence >= 4", 3),
        ("sequence >= 1", 0),
    ];
    for (removed, last_intact) in cases {
        for t in testing::all().await {
            five_events(&t).await;
            drop_append_only_triggers(&t).await;
            tamper(&t, &format!("DELETE FROM audit_event WHERE {removed}")).await;
            let report = verify(&t).await;
            assert_eq!(
                report,
                ChainReport::Broken {
                    link: BrokenLink::TailMissing {
                        last_intact,
                        head: 5
                    },
                    event_id: None,
                },
                "{}: removed {removed}",
                t.label
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_keep_one_unbroken_chain() {
    const TASKS: i64 = 20;
    for t in testing::all().await {
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(TASKS as usize));
        let tasks: Vec<_> = (0..TASKS)
            .map(|i| {
                let store = t.store.clone();
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    let who = Actor {
                        username: format!("user{i}"),
                        ..admin()
                    };
                    barrier.wait().await;
                    store
                        .audit(&who, NewAuditEvent::new("person_read", "person", i))
                        .await
                })
            })
            .collect();
        for task in tasks {
            task.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{}: a concurrent append failed: {e:?}", t.label));
        }
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact { events: TASKS },
            "{}",
            t.label
        );
        let all = all_events(&t).await;
        let mut found = sequences(&all);
        found.sort_unstable();
        assert_eq!(
            found,
            (1..=TASKS).collect::<Vec<_>>(),
            "{}: sequences",
            t.label
        );
        let mut entity_ids: Vec<i64> = all.iter().map(|e| e.entity_id.parse().unwrap()).collect();
        entity_ids.sort_unstable();
        assert_eq!(
            entity_ids,
            (0..TASKS).collect::<Vec<_>>(),
            "{}: one event per task",
            t.label
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verifying_while_events_are_appended_never_raises_a_false_alarm() {
    const APPENDS: i64 = 60;
    for t in testing::all().await {
        let writer = {
            let store = t.store.clone();
            tokio::spawn(async move {
                for i in 0..APPENDS {
                    store
                        .audit(&admin(), NewAuditEvent::new("person_read", "person", i))
                        .await
                        .unwrap();
                }
            })
        };
        let mut checks = 0;
        while !writer.is_finished() || checks == 0 {
            let report = t.store.verify_audit_chain().await.unwrap();
            assert!(
                matches!(report, ChainReport::Intact { .. }),
                "{}: a check during appends said {report:?}",
                t.label
            );
            checks += 1;
        }
        writer.await.unwrap();
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact { events: APPENDS },
            "{}",
            t.label
        );
    }
}
