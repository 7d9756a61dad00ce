//! audit verify: an intact chain, and tampering behind the triggers' back.

use crate::Db;

/// SQL that drops the triggers guarding the audit trail, so a test can do what
/// someone with direct access to the database could.
fn drop_triggers(db: &Db) -> &'static str {
    if db.is_sqlite() {
        "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;"
    } else {
        "DROP TRIGGER audit_event_no_change ON audit_event;"
    }
}

fn events(db: &Db) -> i64 {
    db.scalar("SELECT COUNT(*) FROM audit_event")
}

#[test]
fn a_fresh_demo_chain_is_intact() {
    for db in Db::all() {
        db.demo();
        let count = events(&db);
        assert!(count > 3, "[{}] the demo audited {count} events", db.label);
        let out = db.ok(&["audit", "verify"]);
        assert_eq!(
            out,
            format!("the audit chain is intact: {count} events\n"),
            "[{}]",
            db.label
        );
    }
}

#[test]
fn an_empty_chain_is_intact() {
    for db in Db::all() {
        let out = db.ok(&["audit", "verify"]);
        assert_eq!(
            out, "the audit chain is intact: 0 events\n",
            "[{}]",
            db.label
        );
    }
}

#[test]
fn a_changed_event_is_named() {
    for db in Db::all() {
        db.demo();
        db.execute_raw(&format!(
            "{} UPDATE audit_event SET action = 'x' WHERE sequence = 3",
            drop_triggers(&db)
        ));
        let run = db.run(&["audit", "verify"]);
        assert_eq!(run.code(), Some(1), "{run}");
        assert!(
            run.stdout.contains("BROKEN") && run.stdout.contains("event #3 "),
            "{run}"
        );
        assert!(!run.stdout.contains("intact"), "{run}");
        assert!(!run.stderr.contains("panicked"), "{run}");
    }
}

#[test]
fn a_removed_event_is_found() {
    for db in Db::all() {
        db.demo();
        let last = events(&db);
        db.execute_raw(&format!(
            "{} DELETE FROM audit_event WHERE sequence = {last}",
            drop_triggers(&db)
        ));
        let run = db.run(&["audit", "verify"]);
        assert_eq!(run.code(), Some(1), "[the last event] {run}");
        assert!(
            run.stdout.contains("BROKEN") && run.stdout.contains(&format!("#{last}")),
            "[the last event] {run}"
        );

        db.execute_raw("DELETE FROM audit_event WHERE sequence = 5");
        let run = db.run(&["audit", "verify"]);
        assert_eq!(run.code(), Some(1), "[event 5] {run}");
        assert!(
            run.stdout.contains("event #5 is missing"),
            "[event 5] {run}"
        );
    }
}
