//! migrate, demo, user add/disable/list, token create.

use haven_domain::Role;
use haven_store::demo::{DEMO_PASSWORD, DEMO_USERS};
use haven_store::password::verify_password;

use crate::{write_file, Db};

#[test]
fn migrate_makes_an_up_to_date_database_and_can_run_twice() {
    for db in Db::all() {
        let first = db.ok(&["migrate"]);
        assert!(
            first.contains("the database is up to date"),
            "[{}] {first}",
            db.label
        );
        if db.is_sqlite() {
            assert!(
                db.sqlite_file().is_file(),
                "migrate made no database in the new data directory {}",
                db.data_dir.display()
            );
            assert!(
                first.contains("haven.db"),
                "[sqlite] names the file: {first}"
            );
        }
        let second = db.ok(&["migrate"]);
        assert!(
            second.contains("the database is up to date"),
            "[{}] {second}",
            db.label
        );
        assert_eq!(
            db.scalar("SELECT COUNT(*) FROM user_account"),
            0,
            "[{}]",
            db.label
        );
        assert_eq!(db.scalar("SELECT COUNT(*) FROM node"), 1, "[{}]", db.label);
    }
}

#[test]
fn demo_loads_one_account_per_role_once() {
    for db in Db::all() {
        let out = db.ok(&["demo"]);
        assert!(
            out.contains("admin") && out.contains(DEMO_PASSWORD),
            "[{}] the demo prints how to sign in: {out}",
            db.label
        );

        let list = db.ok(&["user", "list"]);
        let lines: Vec<&str> = list.lines().collect();
        assert_eq!(lines.len(), DEMO_USERS.len(), "[{}] {list}", db.label);
        assert!(
            lines[0].starts_with("admin\tactive\t"),
            "[{}] admin comes first: {list}",
            db.label
        );
        for (username, display_name, role, _) in DEMO_USERS {
            let scope = if *role == Role::SystemAdministrator {
                "all"
            } else {
                "country:KH"
            };
            let expected = format!(
                "{username}\tactive\t{display_name}\t{} {scope}",
                role.code()
            );
            assert!(
                lines.contains(&expected.as_str()),
                "[{}] expected the line {expected:?} in:\n{list}",
                db.label
            );
        }

        let again = db.run(&["demo"]);
        again.fails_saying(&["already holds accounts"]);
        assert_eq!(db.users().len(), DEMO_USERS.len(), "[{}]", db.label);
    }
}

const PASSWORD: &str = "correct horse battery";

#[test]
fn user_add_reads_the_password_file_without_its_line_ending() {
    for db in Db::all() {
        let unix = write_file(db.root.path(), "unix", &format!("{PASSWORD}\n"));
        let out = db.ok(&[
            "user",
            "add",
            "--username",
            "Sokha",
            "--role",
            "doctor",
            "--scope",
            "country:KH",
            "--password-file",
            unix.to_str().unwrap(),
        ]);
        assert!(
            out.contains("created sokha") && out.contains("doctor in country:KH"),
            "[{}] {out}",
            db.label
        );
        let hash = db.password_hash("sokha");
        assert!(
            verify_password(PASSWORD, &hash),
            "[{}] the newline was kept",
            db.label
        );

        let windows = write_file(db.root.path(), "windows", &format!("{PASSWORD}\r\n"));
        db.ok(&[
            "user",
            "add",
            "--username",
            "chan",
            "--role",
            "registered_nurse",
            "--password-file",
            windows.to_str().unwrap(),
        ]);
        let hash = db.password_hash("chan");
        assert!(
            verify_password(PASSWORD, &hash),
            "[{}] the CR LF was kept",
            db.label
        );

        let list = db.ok(&["user", "list"]);
        assert_eq!(
            list,
            "chan\tactive\tchan\tregistered_nurse all\nsokha\tactive\tsokha\tdoctor country:KH\n",
            "[{}]",
            db.label
        );
    }
}

/// The arguments of `user add` for `sokha`.
fn add_args<'a>(role: &'a str, scope: &'a str, password_file: &'a str) -> Vec<&'a str> {
    vec![
        "--username",
        "sokha",
        "--role",
        role,
        "--scope",
        scope,
        "--password-file",
        password_file,
    ]
}

/// Asserts that `user add ARGS` fails saying all of `needles`, and creates nobody.
fn refused(db: &Db, args: &[&str], needles: &[&str]) {
    let mut all = vec!["user", "add"];
    all.extend_from_slice(args);
    db.run(&all).fails_saying(needles);
    assert_eq!(
        db.users(),
        vec![],
        "[{}] `user add` created a user",
        db.label
    );
}

#[test]
fn user_add_refuses_bad_input_and_creates_nothing() {
    for db in Db::all() {
        db.ok(&["migrate"]);
        let good = write_file(db.root.path(), "good", &format!("{PASSWORD}\n"));
        let good = good.to_str().unwrap();
        // Nine characters: the line ending does not count towards the ten.
        let short = write_file(db.root.path(), "short", "abcdefghi\n");
        let short = short.to_str().unwrap();
        refused(
            &db,
            &add_args("doctor", "all", short),
            &["password", "at least 10 characters"],
        );

        let mut known: Vec<&str> = vec!["--role", "not a role Haven knows"];
        known.extend(Role::ALL.iter().map(|r| r.code()));
        refused(&db, &add_args("surgeon", "all", good), &known);

        for scope in ["country:Cambodia", "planet:mars", "country:", "KH"] {
            refused(&db, &add_args("doctor", scope, good), &["--scope"]);
        }

        let missing_file = db.root.path().join("no-such-file");
        refused(
            &db,
            &[
                "--username",
                "sokha",
                "--role",
                "doctor",
                "--password-file",
                missing_file.to_str().unwrap(),
            ],
            &["no-such-file"],
        );

        let same_as_username = write_file(db.root.path(), "same", "sokhasokha\n");
        refused(
            &db,
            &[
                "--username",
                "sokhasokha",
                "--role",
                "doctor",
                "--password-file",
                same_as_username.to_str().unwrap(),
            ],
            &["password", "username"],
        );

        // No terminal to ask on: the test runs the command with stdin from /dev/null.
        refused(
            &db,
            &["--username", "sokha", "--role", "doctor"],
            &["--password-file"],
        );
    }
}

#[test]
fn there_is_no_password_option() {
    // A password on the command line would end up in the shell history and `ps`.
    let db = Db::sqlite();
    let run = db.run(&[
        "user",
        "add",
        "--username",
        "sokha",
        "--role",
        "doctor",
        "--password",
        "correct horse battery",
    ]);
    let stderr = run.fails_with(2);
    assert!(stderr.contains("--password"), "{run}");
    assert!(
        !db.data_dir.exists(),
        "clap refused it before Haven touched anything"
    );
}

#[test]
fn a_duplicate_username_is_refused_without_a_panic() {
    for db in Db::all() {
        let file = write_file(db.root.path(), "password", &format!("{PASSWORD}\n"));
        let add = |role: &str| {
            db.run(&[
                "user",
                "add",
                "--username",
                "sokha",
                "--role",
                role,
                "--password-file",
                file.to_str().unwrap(),
            ])
        };
        add("doctor").ok();
        let again = add("pharmacist");
        again.fails_saying(&["creating the user", "username is already taken"]);
        let list = db.ok(&["user", "list"]);
        assert_eq!(
            list, "sokha\tactive\tsokha\tdoctor all\n",
            "[{}] the failed add changed the first user",
            db.label
        );
    }
}

#[test]
fn a_disabled_user_is_listed_as_disabled() {
    for db in Db::all() {
        db.demo();
        let out = db.ok(&["user", "disable", "doctor"]);
        assert!(out.contains("disabled doctor"), "[{}] {out}", db.label);
        let users = db.users();
        assert!(
            users.contains(&("doctor".to_owned(), "disabled".to_owned())),
            "[{}] {users:?}",
            db.label
        );
        assert_eq!(
            users.last(),
            Some(&("doctor".to_owned(), "disabled".to_owned())),
            "[{}] disabled users come last",
            db.label
        );
        assert_eq!(
            users
                .iter()
                .filter(|(_, status)| status == "disabled")
                .count(),
            1,
            "[{}] {users:?}",
            db.label
        );

        let again = db.ok(&["user", "disable", "doctor"]);
        assert!(again.contains("already disabled"), "[{}] {again}", db.label);

        db.run(&["user", "disable", "nobody"])
            .fails_saying(&["finding the user nobody"]);
    }
}

#[test]
fn token_create_prints_the_token_alone_on_stdout() {
    for db in Db::all() {
        db.demo();
        let create = |label: &str| {
            let run = db.run(&["token", "create", "--username", "admin", "--label", label]);
            let out = run.ok().to_owned();
            assert!(run.stderr.contains("only this once"), "{run}");
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines.len(), 1, "{run}");
            assert!(lines[0].starts_with("haven_"), "{run}");
            assert!(lines[0].len() > "haven_".len() + 20, "a long token: {run}");
            lines[0].to_owned()
        };
        let first = create("nightly export");
        let second = create("nightly export");
        assert_ne!(first, second, "[{}] two tokens are the same", db.label);
        assert_eq!(
            db.scalar("SELECT COUNT(*) FROM api_token"),
            2,
            "[{}]",
            db.label
        );

        db.run(&["token", "create", "--username", "nobody", "--label", "x"])
            .fails_saying(&["finding the user nobody"]);
        db.run(&["token", "create", "--username", "admin", "--label", "  "])
            .fails_saying(&["label"]);
        assert_eq!(
            db.scalar("SELECT COUNT(*) FROM api_token"),
            2,
            "[{}]",
            db.label
        );
    }
}
