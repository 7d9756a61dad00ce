//! CLI tests: import.

use crate::{write_file, Db};

const MIXED: &str = "family_name_latin,given_name_latin,sex,birth_date,birth_year,national_id\n\
Sok,Dara,male,2019-03-04,,N-1\n\
Chan,Thida,female,,2010,\n\
Keo,Bopha,robot,2999-01-01,,\n\
Meas,Sophal,male,2019-02-31,,n1\n";

fn people(db: &Db) -> i64 {
    db.scalar("SELECT COUNT(*) FROM person")
}

#[test]
fn a_file_with_bad_rows_is_reported_by_line_and_nothing_is_imported() {
    for db in Db::all() {
        db.ok(&["migrate"]);
        let file = write_file(db.root.path(), "people.csv", MIXED);
        let file = file.to_str().expect("a UTF-8 path");
        for args in [
            vec!["import", "people", file],
            vec!["import", "people", file, "--dry-run"],
        ] {
            let run = db.run(&args);
            run.fails_with(1);
            let out = &run.stdout;
            assert!(out.contains("line 4: sex: "), "[{}] {run}", db.label);
            assert!(out.contains("line 4: birth_date: "), "[{}] {run}", db.label);
            assert!(out.contains("line 5: birth_date: "), "[{}] {run}", db.label);
            assert!(
                !out.contains("line 2:") && !out.contains("line 3:"),
                "{run}"
            );
            assert!(
                out.contains("2 rows ready to import, 2 rows refused"),
                "{run}"
            );
            assert_eq!(people(&db), 0, "[{}] nothing imported: {run}", db.label);
        }

        let out = db.ok(&["import", "people", file, "--good-rows-only"]);
        assert!(out.contains("imported 2 people"), "[{}] {out}", db.label);
        assert!(
            out.contains("line 2: imported ") && out.contains("line 3: imported "),
            "{out}"
        );
        assert_eq!(people(&db), 2, "[{}]", db.label);
        assert_eq!(
            db.scalar("SELECT COUNT(*) FROM audit_event WHERE action = 'import' AND detail = 'rows=2 refused=2'"),
            1,
            "[{}] the import is audited once",
            db.label
        );

        // Again: the first row's identifier is now taken.
        let run = db.run(&["import", "people", file, "--dry-run"]);
        run.fails_with(1);
        assert!(
            run.stdout.contains("line 2: national_id: "),
            "[{}] {run}",
            db.label
        );
    }
}

#[test]
fn a_good_file_is_imported_and_a_dry_run_imports_nothing() {
    for db in Db::all() {
        db.ok(&["migrate"]);
        let file = write_file(
            db.root.path(),
            "good.csv",
            "\u{FEFF}family_name_km,given_name_km,sex,age_years,categories\nសុខ,ដារា,male,7,sos_child;community_member\n",
        );
        let file = file.to_str().expect("a UTF-8 path");
        let out = db.ok(&["import", "people", file, "--dry-run"]);
        assert!(out.contains("dry run: nothing was imported"), "{out}");
        assert_eq!(people(&db), 0);
        let out = db.ok(&["import", "people", file]);
        assert!(out.contains("imported 1 people"), "{out}");
        assert_eq!(people(&db), 1, "[{}]", db.label);
        assert_eq!(
            db.scalar("SELECT COUNT(*) FROM person_category"),
            2,
            "[{}]",
            db.label
        );
    }
}

#[test]
fn files_haven_cannot_read_are_refused_with_a_reason() {
    let db = Db::sqlite();
    db.ok(&["migrate"]);
    let dir = db.root.path();
    let binary = dir.join("binary.csv");
    std::fs::write(&binary, [0xFFu8, 0xFE, 0x00, 0x41, 0x0A]).expect("writing a file");
    for (path, needle) in [
        (binary, "not UTF-8"),
        (write_file(dir, "empty.csv", ""), "empty"),
        (
            write_file(dir, "header.csv", "given_name_latin,sex\n"),
            "no people",
        ),
        (
            write_file(dir, "unknown.csv", "given_name_latin,shoe_size\nA,1\n"),
            "shoe_size",
        ),
        (dir.join("missing.csv"), "reading"),
    ] {
        let run = db.run(&["import", "people", path.to_str().expect("a path")]);
        run.fails_saying(&[needle]);
    }
    let file = write_file(
        dir,
        "ok.csv",
        "given_name_latin,sex,birth_year\nA,female,2001\n",
    );
    let run = db.run(&[
        "import",
        "people",
        file.to_str().expect("a path"),
        "--facility",
        "nowhere",
    ]);
    run.fails_saying(&["--facility"]);
    let unknown = "0190d3f0-0000-7000-8000-000000000000";
    let run = db.run(&[
        "import",
        "people",
        file.to_str().expect("a path"),
        "--facility",
        unknown,
    ]);
    run.fails_with(1);
    assert!(run.stdout.contains("line 2: facility: "), "{run}");
    assert_eq!(people(&db), 0);
}
