//! CLI tests: registry demo data and the search benchmark.

use crate::Db;

#[test]
fn demo_makes_places_staff_and_people_once() {
    for db in Db::all() {
        let out = db.ok(&["demo"]);
        assert!(
            out.contains("5000 people") && out.contains("haven-demo"),
            "[{}] {out}",
            db.label
        );
        let count = |sql: &str| db.scalar(sql);
        let staff = count("SELECT COUNT(*) FROM staff_member");
        assert!(staff >= 200, "[{}] {staff} staff", db.label);
        assert_eq!(
            // Babies born in the mother-and-child demo are people too.
            count("SELECT COUNT(*) FROM person WHERE id NOT IN (SELECT person_id FROM delivery_baby WHERE person_id IS NOT NULL)"),
            5000 + staff,
            "[{}] people and staff",
            db.label
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM programme WHERE name NOT LIKE '%National Office%'"),
            5,
            "[{}] five programmes besides the national office",
            db.label
        );
        assert_eq!(
            count(
                "SELECT COUNT(DISTINCT programme_id) FROM facility WHERE kind = 'medical_centre'"
            ),
            5,
            "[{}] a medical centre in each programme",
            db.label
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM person p WHERE NOT EXISTS (SELECT 1 FROM person_identifier i WHERE i.person_id = p.id AND i.kind = 'haven')"),
            0,
            "[{}] everyone has a Haven number",
            db.label
        );
        assert!(
            count("SELECT COUNT(*) FROM staff_member WHERE user_id IS NOT NULL") >= 15,
            "[{}] demo accounts are staff",
            db.label
        );
        assert!(
            count("SELECT COUNT(*) FROM person_relationship WHERE kind = 'sos_parent'") > 0
                && count("SELECT COUNT(*) FROM person_relationship WHERE kind = 'mother'") > 0,
            "[{}] families",
            db.label
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM audit_event WHERE action = 'demo_data'"),
            1,
            "[{}]",
            db.label
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM change_log WHERE entity = 'person'")
                - count("SELECT COUNT(*) FROM delivery_baby WHERE person_id IS NOT NULL"),
            5000 + staff,
            "[{}] a change-log row per person",
            db.label
        );
        db.ok(&["audit", "verify"]);

        let before = count("SELECT COUNT(*) FROM person");
        db.run(&["demo"])
            .fails_saying(&["already holds accounts or registry data"]);
        assert_eq!(
            count("SELECT COUNT(*) FROM person"),
            before,
            "[{}]",
            db.label
        );
    }
}

#[test]
fn bench_search_prints_its_table() {
    for db in Db::all() {
        db.ok(&["demo", "--people", "2000", "--seed", "7"]);
        let out = db.ok(&["bench", "search", "--queries", "3"]);
        for needle in [
            "| search | queries | p50 | p95 | p99 | max |",
            "| indexed (all) |",
            "| indexed: identifier |",
            "| LIKE baseline (all) |",
        ] {
            assert!(out.contains(needle), "[{}] {needle:?} in:\n{out}", db.label);
        }
    }
}
